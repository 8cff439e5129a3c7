#pragma once
// Private to fetch/: what the fetcher keeps of an HTTP answer's header lines.

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace concerto::fetch {

// The headers of the last answer in a redirect chain: a status line starts afresh.
struct ResponseHeaders {
  std::string reason;  // "Not Found" of "HTTP/1.1 404 Not Found"
  std::string etag;
  std::string last_modified;
  std::string content_type;
  std::optional<std::int64_t> max_age_seconds;
  std::optional<std::int64_t> retry_after_seconds;

  // Takes one raw header line (with or without its CRLF); `now` turns a Retry-After date into
  // seconds. True when the line is a status line, i.e. a new answer begins.
  bool take(std::string_view line, std::time_t now);
};

// Retry-After: delay-seconds or an HTTP-date (seconds from `now`, never negative); nullopt when
// it is neither.
std::optional<std::int64_t> parse_retry_after(std::string_view value, std::time_t now);
// The max-age directive of a Cache-Control value; an overflowing one counts as 2^31 (RFC 9111).
std::optional<std::int64_t> parse_max_age(std::string_view cache_control);

}  // namespace concerto::fetch
