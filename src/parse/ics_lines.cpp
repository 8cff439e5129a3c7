#include "parse/ics_lines.h"

#include "core/text.h"

namespace concerto::parse {
namespace {

// Parses "NAME;P=V;Q="x:y":value"; false when there is no ':' outside quotes.
bool parse_content_line(std::string_view line, IcsProperty& property) {
  std::size_t i = 0;
  while (i < line.size() && line[i] != ';' && line[i] != ':') ++i;
  if (i == line.size()) return false;
  property.name = core::ascii_upper(line.substr(0, i));
  while (i < line.size() && line[i] == ';') {
    ++i;
    const std::size_t name_start = i;
    while (i < line.size() && line[i] != '=' && line[i] != ';' && line[i] != ':') ++i;
    IcsParameter parameter{core::ascii_upper(line.substr(name_start, i - name_start)), {}};
    if (i < line.size() && line[i] == '=') {
      ++i;
      bool quoted = false;
      while (i < line.size()) {
        const char c = line[i];
        if (c == '"') {
          quoted = !quoted;
        } else if (!quoted && (c == ';' || c == ':')) {
          break;
        } else {
          parameter.value += c;
        }
        ++i;
      }
    }
    property.parameters.push_back(std::move(parameter));
  }
  if (i >= line.size() || line[i] != ':') return false;
  property.value.assign(line.substr(i + 1));
  return true;
}

}  // namespace

const std::string* IcsProperty::parameter(std::string_view wanted) const {
  for (const IcsParameter& p : parameters) {
    if (p.name == wanted) return &p.value;
  }
  return nullptr;
}

std::vector<IcsProperty> read_all_properties(std::string_view span, int first_line) {
  std::vector<IcsProperty> properties;
  std::string unfolded;
  int unfolded_line = 0;
  const auto flush = [&] {
    if (unfolded_line == 0) return;
    IcsProperty property;
    if (parse_content_line(unfolded, property)) {
      property.line = unfolded_line;
      properties.push_back(std::move(property));
    }
    unfolded.clear();
    unfolded_line = 0;
  };
  std::size_t pos = 0;
  int line = first_line;
  while (pos < span.size()) {
    std::size_t end = span.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = span.size();
    const std::string_view content = span.substr(pos, end - pos);
    if (!content.empty() && (content[0] == ' ' || content[0] == '\t')) {
      if (unfolded_line != 0) unfolded.append(content.substr(1));
    } else {
      flush();
      if (!content.empty()) {
        unfolded.assign(content);
        unfolded_line = line;
      }
    }
    pos = end;
    if (pos < span.size()) {
      pos += (span[pos] == '\r' && pos + 1 < span.size() && span[pos + 1] == '\n') ? 2 : 1;
    }
    ++line;
  }
  flush();
  return properties;
}

std::vector<IcsProperty> read_own_properties(std::string_view span, int first_line) {
  std::vector<IcsProperty> all = read_all_properties(span, first_line);
  std::vector<IcsProperty> properties;
  // A span without its own BEGIN line (the calendar header) is all own properties.
  int depth = (!all.empty() && all.front().name != "BEGIN") ? 1 : 0;
  for (IcsProperty& property : all) {
    if (property.name == "BEGIN") {
      ++depth;
    } else if (property.name == "END") {
      --depth;
    } else if (depth == 1) {
      properties.push_back(std::move(property));
    }
  }
  return properties;
}

std::string unescape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char next = text[++i];
    out += (next == 'n' || next == 'N') ? '\n' : next;
  }
  return out;
}

std::vector<std::string_view> split_unescaped_commas(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == ',') {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

}  // namespace concerto::parse
