#pragma once
// HTTP details of the agenda server, kept apart to be tested alone: validators, content coding,
// dates and query strings (JSON strings: render/json_text.h). Pure functions, thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace concerto::server {

// gzip member (RFC 1952) of `data` at zlib `level`.
core::Result<std::string> gzip_compress(std::string_view data, int level = 6);

// A strong entity tag, quoted: "\"<16 hex digits of the 64-bit FNV-1a of body>\"".
std::string strong_etag(std::string_view body);

// If-None-Match: true when the list holds `*` or a tag equal to `etag` under the weak comparison
// (W/ prefixes ignored), as RFC 9110 13.1.2 asks for GET and HEAD.
bool if_none_match_matches(std::string_view header, std::string_view etag);

// Accept-Encoding: gzip (or x-gzip, or *) with a q-value above 0.
bool accepts_gzip(std::string_view header);

// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") and back; parsing also takes the obsolete
// RFC 850 and asctime forms. nullopt when unreadable.
std::string format_http_date(std::int64_t utc_seconds);
std::optional<std::int64_t> parse_http_date(std::string_view text);

// "a=1&b=x%20y" -> {{"a","1"},{"b","x y"}} ('+' is a space); an error for a bad %-escape or a
// decoded control character.
// %XX escapes decoded ('+' too, as a space, when `plus_is_space`: query strings); an error for a
// bad escape, or for a decoded control character unless `allow_controls` (a path naming a
// partner's UID, which may hold any byte).
core::Result<std::string> percent_decode(std::string_view text, bool plus_is_space,
                                         bool allow_controls = false);

using QueryParameters = std::vector<std::pair<std::string, std::string>>;
core::Result<QueryParameters> parse_query(std::string_view query);

}  // namespace concerto::server
