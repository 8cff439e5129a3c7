#pragma once
// Gets a feed's bytes: a local file (admin-written feeds) or an http(s) URL through libcurl.

#include <cstdint>
#include <string>

#include "core/result.h"

namespace concerto::fetch {

struct FetchRequest {
  std::string url;   // http(s), or
  std::string path;  // a local file
  std::string etag;  // validators from the last success, for a conditional GET
  std::string last_modified;
  std::int64_t max_bytes = 10 * 1024 * 1024;  // enforced while downloading
  int connect_timeout_seconds = 10;
  int timeout_seconds = 30;
  std::string user_agent = "Concerto";
};

struct FetchResponse {
  int http_code = 0;  // 0 for local files
  bool not_modified = false;
  std::string body;
  std::string etag;
  std::string last_modified;
  std::string content_type;
  double seconds = 0;
};

// An HTTP status other than 200/304, a transport error, an oversize body or an unreadable file
// is an error whose text says which (e.g. "HTTP 404", "body larger than 10485760 bytes").
// `http_code` of a failed HTTP answer is reported through `failed_http_code` when not null.
core::Result<FetchResponse> fetch(const FetchRequest& request, int* failed_http_code = nullptr);

}  // namespace concerto::fetch
