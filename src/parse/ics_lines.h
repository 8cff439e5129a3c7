#pragma once
// Content lines of one component span, unfolded, with their line numbers: what the reader
// checks before libical sees a value (libical shifts impossible dates and drops values).

#include <string>
#include <string_view>
#include <vector>

namespace concerto::parse {

struct IcsParameter {
  std::string name;   // upper-case
  std::string value;  // quotes removed; several values stay comma-separated
};

struct IcsProperty {
  std::string name;  // upper-case
  std::vector<IcsParameter> parameters;
  std::string value;  // unfolded, still escaped
  int line = 0;       // 1-based line in the document

  // The first parameter called `name` (upper-case), or nullptr.
  const std::string* parameter(std::string_view name) const;
};

// The properties of the span's own component (nested components such as VALARM are skipped),
// BEGIN/END excluded; a span that does not start with BEGIN (a calendar header) is read as one
// component's properties. `first_line` is the document line of the span's first line.
std::vector<IcsProperty> read_own_properties(std::string_view span, int first_line);

// Every content line of the span in order, BEGIN/END and nested components' lines included.
std::vector<IcsProperty> read_all_properties(std::string_view span, int first_line);

// RFC 5545 TEXT unescaping: \n \N \, \; \\ (unknown escapes keep the character).
std::string unescape_text(std::string_view text);

// Splits at commas not escaped by a backslash; each part stays escaped.
std::vector<std::string_view> split_unescaped_commas(std::string_view text);

}  // namespace concerto::parse
