#pragma once
// Private to render/: the pieces content lines are made of. Every function here guarantees that
// what it returns or appends cannot start a new content line (no CR, LF or other control
// character survives) and is valid UTF-8.

#include <cstddef>
#include <string>
#include <string_view>

namespace concerto::render::detail {

// Appends `NAME[;PARAMETERS]:VALUE` folded at 75 octets on UTF-8 boundaries, then CRLF.
// `value` is written as given (already escaped or a non-TEXT value); control characters in any
// part are dropped. `parameters` may start with ';' or not.
void append_line(std::string& out, std::string_view name, std::string_view parameters,
                 std::string_view value);

// RFC 5545 TEXT escaping appended to `out`; line breaks become "\n", other control characters
// are dropped, invalid UTF-8 becomes U+FFFD.
void append_escaped_text(std::string& out, std::string_view text);

// A parameter value: DQUOTE and control characters dropped, quoted when it holds ':', ';' or ','.
std::string parameter_value(std::string_view text);

// `text` with invalid UTF-8 sequences replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

}  // namespace concerto::render::detail
