#include "parse/decode.h"

#include <array>
#include <cstdint>
#include <optional>

#include "core/text.h"

namespace concerto::parse {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Windows-1252 for 0x80..0x9F; the five bytes it leaves undefined map to the C1 controls, as
// WHATWG's decoder does.
constexpr std::array<char16_t, 32> kWindows1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// 1-based line of `offset`, counting CRLF, LF and CR alone as one line break each.
int line_at(std::string_view text, std::size_t offset) {
  int line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
    } else if (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) {
      ++line;
    }
  }
  return line;
}

// Offset of the first byte that does not start a valid UTF-8 sequence; nullopt when all valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = core::utf8_sequence_length(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

std::string windows1252_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (const char byte : bytes) {
    const auto c = static_cast<unsigned char>(byte);
    if (c < 0x80) {
      out += byte;
    } else if (c < 0xA0) {
      append_utf8(out, kWindows1252High[c - 0x80]);
    } else {
      append_utf8(out, c);
    }
  }
  return out;
}

std::string utf16_to_utf8(std::string_view bytes, bool little_endian, core::Problems& problems) {
  std::string out;
  out.reserve(bytes.size());
  const auto unit_at = [&](std::size_t i) -> char16_t {
    const auto first = static_cast<unsigned char>(bytes[i]);
    const auto second = static_cast<unsigned char>(bytes[i + 1]);
    return static_cast<char16_t>(little_endian ? (second << 8 | first) : (first << 8 | second));
  };
  int replaced = 0;
  int first_bad_line = 0;
  int line = 1;
  char16_t previous = 0;
  const auto replace = [&] {
    if (replaced++ == 0) first_bad_line = line;
    append_utf8(out, kReplacement);
  };
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    const char16_t unit = unit_at(i);
    if (unit == u'\n' || (previous == u'\r' && unit != u'\n')) ++line;
    previous = unit;
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (i + 3 < bytes.size()) {
        const char16_t low = unit_at(i + 2);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          append_utf8(out, 0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10) +
                               (static_cast<char32_t>(low) - 0xDC00));
          i += 2;
          continue;
        }
      }
      replace();
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      replace();
    } else {
      append_utf8(out, unit);
    }
  }
  if (i < bytes.size()) replace();  // an odd trailing byte
  if (replaced > 0) {
    problems.push_back({core::Severity::kWarning, first_bad_line, "",
                        "UTF-16 text has " + std::to_string(replaced) +
                            " unpaired surrogate(s) or stray byte(s), replaced by U+FFFD"});
  }
  return out;
}

bool starts_with_bytes(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

core::Result<std::string> decode_to_utf8(std::string_view bytes, core::Problems& problems) {
  using namespace std::string_view_literals;
  std::string text;
  if (starts_with_bytes(bytes, "\xFF\xFE"sv)) {
    text = utf16_to_utf8(bytes.substr(2), true, problems);
  } else if (starts_with_bytes(bytes, "\xFE\xFF"sv)) {
    text = utf16_to_utf8(bytes.substr(2), false, problems);
  } else if (bytes.size() >= 4 && bytes[0] != '\0' && bytes[1] == '\0' && bytes[2] != '\0' &&
             bytes[3] == '\0') {
    // "B\0E\0": UTF-16LE without a byte order mark.
    problems.push_back(
        {core::Severity::kWarning, 0, "", "UTF-16LE text without a byte order mark"});
    text = utf16_to_utf8(bytes, true, problems);
  } else if (bytes.size() >= 4 && bytes[0] == '\0' && bytes[1] != '\0' && bytes[2] == '\0' &&
             bytes[3] != '\0') {
    problems.push_back(
        {core::Severity::kWarning, 0, "", "UTF-16BE text without a byte order mark"});
    text = utf16_to_utf8(bytes, false, problems);
  } else {
    std::string_view body = bytes;
    if (starts_with_bytes(body, "\xEF\xBB\xBF"sv)) body.remove_prefix(3);
    if (const auto bad = first_invalid_utf8(body)) {
      problems.push_back({core::Severity::kWarning, line_at(body, *bad), "",
                          "the text is not valid UTF-8 (first bad byte on this line); read as "
                          "Windows-1252"});
      text = windows1252_to_utf8(body);
    } else {
      text.assign(body);
    }
  }
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    return core::Error{"line " + std::to_string(line_at(text, nul)) +
                       ": NUL byte: the content is binary, not text"};
  }
  return text;
}

}  // namespace concerto::parse
