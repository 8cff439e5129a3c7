#include "render/ics_line.h"

#include <algorithm>
#include <cstdint>

#include "core/text.h"

namespace concerto::render::detail {
namespace {

constexpr std::size_t kMaxLineOctets = 75;  // RFC 5545 3.1, CRLF excluded
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7F; }

}  // namespace

namespace {

// Writes octets into folded physical lines; a UTF-8 sequence always stays on one line.
class Folder {
 public:
  explicit Folder(std::string& out) : out_(out) {}

  void append(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x20 && c < 0x7F) {
        // A run of printable ASCII goes out in slices that fill each physical line.
        std::size_t end = i + 1;
        while (end < text.size() && static_cast<unsigned char>(text[end]) >= 0x20 &&
               static_cast<unsigned char>(text[end]) < 0x7F) {
          ++end;
        }
        while (i < end) {
          if (line_octets_ == kMaxLineOctets) fold();
          const std::size_t take = std::min(kMaxLineOctets - line_octets_, end - i);
          out_.append(text.data() + i, take);
          line_octets_ += take;
          i += take;
        }
        continue;
      }
      if (c < 0x80) {
        ++i;  // a control character
        continue;
      }
      const std::size_t length = core::utf8_sequence_length(text, i);
      if (length == 0) {
        put(kReplacement);
        ++i;
      } else {
        put(text.substr(i, length));
        i += length;
      }
    }
  }

  void finish() { out_.append("\r\n"); }

 private:
  void fold() {
    out_.append("\r\n ");
    line_octets_ = 1;
  }

  void put(std::string_view sequence) {
    if (line_octets_ + sequence.size() > kMaxLineOctets) fold();
    out_.append(sequence);
    line_octets_ += sequence.size();
  }

  std::string& out_;
  std::size_t line_octets_ = 0;
};

}  // namespace

void append_line(std::string& out, std::string_view name, std::string_view parameters,
                 std::string_view value) {
  Folder folder(out);
  folder.append(name);
  if (!parameters.empty()) {
    if (parameters.front() != ';') folder.append(";");
    folder.append(parameters);
  }
  folder.append(":");
  folder.append(value);
  folder.finish();
}

void append_escaped_text(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      const std::size_t length = core::utf8_sequence_length(text, i);
      if (length == 0) {
        out.append(kReplacement);
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '\\':
        out.append("\\\\");
        break;
      case ';':
        out.append("\\;");
        break;
      case ',':
        out.append("\\,");
        break;
      case '\r':
        out.append("\\n");
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\t':
        out.push_back(' ');
        break;
      default:
        if (!is_control(u)) out.push_back(c);
        break;
    }
    ++i;
  }
}

std::string parameter_value(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  bool needs_quotes = false;
  for (const char c : valid_utf8(text)) {
    const auto u = static_cast<unsigned char>(c);
    if (is_control(u) || c == '"') continue;
    needs_quotes = needs_quotes || c == ':' || c == ';' || c == ',';
    clean.push_back(c);
  }
  if (!needs_quotes) return clean;
  return "\"" + clean + "\"";
}

std::string valid_utf8(std::string_view text) {
  if (core::is_valid_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = core::utf8_sequence_length(text, i);
    if (length == 0) {
      out.append(kReplacement);
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

}  // namespace concerto::render::detail
