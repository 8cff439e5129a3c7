#pragma once
// Small text helpers shared by the stages. All work on UTF-8 bytes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace concerto::core {

std::string_view trim(std::string_view text);
std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
bool is_valid_utf8(std::string_view text);
// Length of the valid UTF-8 sequence starting at text[at] (1 for ASCII); 0 when it is invalid
// (bad lead or continuation byte, truncated, overlong, surrogate, past U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);
// Removes control characters (except \n and \t), turns \r\n and \r into \n, collapses runs of
// spaces, and trims each line and the whole text.
std::string clean_text(std::string_view text);
// Same, onto one line.
std::string clean_line(std::string_view text);
// True for absolute http:// or https:// URLs with a host and no spaces or control characters.
bool is_http_url(std::string_view url);
std::vector<std::string> split(std::string_view text, char separator);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
// 64-bit FNV-1a: a stable (not cryptographic) hash for made-up UIDs and ETags.
std::uint64_t fnv1a64(std::string_view text);
// Sixteen lower-case hex digits.
std::string hex64(std::uint64_t value);

}  // namespace concerto::core
