#pragma once
// Gets feeds' bytes: local files (admin-written feeds) or http(s) URLs through libcurl's multi
// interface, many at once, each under its own limits and the address policy.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "fetch/address_policy.h"

namespace concerto::fetch {

struct FetchRequest {
  std::string url;   // http(s), or
  std::string path;  // a local file
  std::string etag;  // validators from the last success, for a conditional GET
  std::string last_modified;
  std::int64_t max_bytes = 10 * 1024 * 1024;  // enforced while downloading, after decoding
  int connect_timeout_seconds = 10;
  int timeout_seconds = 30;
  std::string user_agent = "Concerto";
  // Checked on the URL's text and on every address libcurl connects to (each redirect, each
  // address of a name); the default refuses every special-purpose address, loopback included.
  AddressPolicy addresses;
};

struct FetchResponse {
  int http_code = 0;  // 0 for local files
  bool not_modified = false;
  std::string body;
  std::string etag;
  std::string last_modified;
  std::string content_type;
  std::optional<std::int64_t> max_age_seconds;  // Cache-Control: max-age of the 200 or 304
  std::string connected_ip;                     // the address the answer came from; "" for files
  double seconds = 0;
};

// What became of one fetch. `response` fails on an HTTP status other than 200/304, a transport
// error, a refused address, an oversize body or an unreadable file, with a text that says which
// ("HTTP 404 Not Found", "refused: 10.0.0.5 is a private address", "body larger than 10485760
// bytes"). Headers are those of the last answer of a redirect chain.
struct FetchOutcome {
  std::size_t index = 0;  // of the request in fetch_all's list
  core::Result<FetchResponse> response = core::Error{"not fetched"};
  int http_code = 0;  // of the last answer, also a failed one; 0 when no status line came
  std::optional<std::int64_t> retry_after_seconds;  // Retry-After of a 429 or 503, from now
};

struct Concurrency {
  int transfers = 8;  // at once (values below 1 count as 1)
  int per_host = 4;   // at once to one host name, as written in the URL, lower-cased
};

// Runs every request, at most `limits.transfers` at once and `limits.per_host` to one host,
// waiting ones started in list order as slots free up; one slow transfer never holds the others
// beyond its own timeout. Blocks until all are done. `on_done` is called exactly once per request,
// on the calling thread, as each one finishes: first those refused before any connection, then
// local files (read while the first connections are made), then transfers in completion order.
// An exception from `on_done` abandons the rest. Each call has its own libcurl state, so calls
// on different threads are independent.
void fetch_all(const std::vector<FetchRequest>& requests, const Concurrency& limits,
               const std::function<void(FetchOutcome)>& on_done);

// One request (fetch_all of one).
FetchOutcome fetch_one(const FetchRequest& request);

// Compatibility with the spine's callers: fetch_one's response; `failed_http_code` (when not
// null) gets the status of an answer refused for its status ("HTTP 404 Not Found"), else 0.
core::Result<FetchResponse> fetch(const FetchRequest& request, int* failed_http_code = nullptr);

}  // namespace concerto::fetch
