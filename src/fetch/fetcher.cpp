#include "fetch/fetcher.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/text.h"

namespace concerto::fetch {
namespace {

constexpr long kMaxRedirects = 5;
// Abort a transfer that stays below this many bytes per second for kLowSpeedSeconds (capped at
// the total timeout): a partner server trickling bytes must not hold a fetch slot.
constexpr long kLowSpeedBytesPerSecond = 64;
constexpr long kLowSpeedSeconds = 15;
constexpr const char* kAccept =
    "text/calendar, application/rss+xml, application/atom+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.5";

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};
struct FdCloser {
  int fd = -1;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;
using UrlPtr = std::unique_ptr<CURLU, UrlDeleter>;
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string too_large(std::int64_t max_bytes) {
  return "body larger than " + std::to_string(max_bytes) + " bytes";
}

std::string errno_text(int error) {
  char buffer[256];
  // GNU strerror_r returns the message (possibly not in buffer).
  return ::strerror_r(error, buffer, sizeof buffer);
}

core::Result<FetchResponse> read_file(const FetchRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  const std::string& path = request.path;
  auto cannot_read = [&](int error) {
    return core::Error{"cannot read " + path + ": " + errno_text(error)};
  };
  FdCloser file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  if (file.fd < 0) return cannot_read(errno);
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) return cannot_read(errno);
  if (S_ISDIR(info.st_mode)) return cannot_read(EISDIR);
  if (!S_ISREG(info.st_mode)) return core::Error{"cannot read " + path + ": not a regular file"};
  if (info.st_size > request.max_bytes) return core::Error{too_large(request.max_bytes)};

  FetchResponse response;
  response.body.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t got = ::read(file.fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      return cannot_read(errno);
    }
    if (got == 0) break;
    // The file may grow between fstat and read.
    if (static_cast<std::int64_t>(response.body.size()) + got > request.max_bytes) {
      return core::Error{too_large(request.max_bytes)};
    }
    response.body.append(buffer, static_cast<std::size_t>(got));
  }
  response.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return response;
}

// Only absolute http(s) URLs without user:password@ are fetched.
core::Status check_url(const std::string& url) {
  UrlPtr parsed(curl_url());
  if (!parsed) return core::Error{"out of memory"};
  if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return core::Error{"malformed URL " + url};
  }
  char* raw = nullptr;
  if (curl_url_get(parsed.get(), CURLUPART_SCHEME, &raw, 0) != CURLUE_OK) {
    return core::Error{"malformed URL " + url};
  }
  const CurlString scheme(raw);
  const std::string lower = core::ascii_lower(scheme.get());
  if (lower != "http" && lower != "https") {
    return core::Error{"unsupported URL scheme " + lower + " (only http and https)"};
  }
  for (const CURLUPart part : {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS}) {
    raw = nullptr;
    const CURLUcode code = curl_url_get(parsed.get(), part, &raw, 0);
    const CurlString value(raw);
    if (code == CURLUE_OK) return core::Error{"URL with embedded credentials refused"};
  }
  return core::ok_status();
}

// A validator echoed into a request header must not smuggle extra header lines.
bool header_safe(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

struct Transfer {
  std::int64_t max_bytes = 0;
  bool too_large = false;
  std::string body;
  // Of the last response in the redirect chain: reset at each status line.
  std::string reason;
  std::string etag;
  std::string last_modified;
  std::string content_type;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (static_cast<std::int64_t>(transfer.body.size() + bytes) > transfer.max_bytes) {
    transfer.too_large = true;
    return 0;  // aborts with CURLE_WRITE_ERROR
  }
  transfer.body.append(data, bytes);
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  const std::string_view line = core::trim(std::string_view(data, bytes));
  if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {
    // "HTTP/1.1 404 Not Found": a new response (redirect hop or 1xx) starts.
    transfer.reason.clear();
    transfer.etag.clear();
    transfer.last_modified.clear();
    transfer.content_type.clear();
    transfer.body.clear();
    const auto code_start = line.find(' ');
    if (code_start != std::string_view::npos) {
      const auto reason_start = line.find(' ', code_start + 1);
      if (reason_start != std::string_view::npos) {
        transfer.reason = std::string(core::trim(line.substr(reason_start + 1)));
      }
    }
    return bytes;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  const std::string_view name = core::trim(line.substr(0, colon));
  const std::string value(core::trim(line.substr(colon + 1)));
  if (core::iequals(name, "ETag")) {
    transfer.etag = value;
  } else if (core::iequals(name, "Last-Modified")) {
    transfer.last_modified = value;
  } else if (core::iequals(name, "Content-Type")) {
    transfer.content_type = value;
  }
  return bytes;
}

std::string transport_error(CURLcode code, const char* detail, const Transfer& transfer,
                            const FetchRequest& request) {
  if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) return too_large(request.max_bytes);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return std::string("timed out (") + detail + ")";
    case CURLE_TOO_MANY_REDIRECTS:
      return "more than " + std::to_string(kMaxRedirects) + " redirects";
    case CURLE_UNSUPPORTED_PROTOCOL:
      return std::string("redirect to a scheme other than http(s) refused (") + detail + ")";
    default:
      break;
  }
  std::string text = curl_easy_strerror(code);
  if (*detail != '\0') text += std::string(": ") + detail;
  return text;
}

core::Result<FetchResponse> fetch_url(const FetchRequest& request, int* failed_http_code) {
  if (auto checked = check_url(request.url); !checked) return core::Error{checked.error()};
  if (!header_safe(request.etag) || !header_safe(request.last_modified) ||
      !header_safe(request.user_agent)) {
    return core::Error{"control character in a request header value"};
  }
  global_init_once();
  CurlPtr curl(curl_easy_init());
  if (!curl) return core::Error{"cannot create a libcurl handle"};
  CURL* handle = curl.get();

  SlistPtr headers;
  auto add_header = [&headers](const std::string& line) {
    curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
    if (grown == nullptr) return false;
    (void)headers.release();  // now owned by `grown`
    headers.reset(grown);
    return true;
  };
  bool headers_ok = add_header(std::string("Accept: ") + kAccept);
  if (!request.etag.empty())
    headers_ok = headers_ok && add_header("If-None-Match: " + request.etag);
  if (!request.last_modified.empty()) {
    headers_ok = headers_ok && add_header("If-Modified-Since: " + request.last_modified);
  }
  if (!headers_ok) return core::Error{"out of memory"};

  Transfer transfer;
  transfer.max_bytes = request.max_bytes;
  char detail[CURL_ERROR_SIZE] = {};
  const long timeout = std::max(1, request.timeout_seconds);
  const long connect_timeout = std::clamp<long>(request.connect_timeout_seconds, 1, timeout);

  bool set_ok = true;
  auto set = [&set_ok](CURLcode code) { set_ok = set_ok && code == CURLE_OK; };
  set(curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, detail));
  set(curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str()));
  set(curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L));
  set(curl_easy_setopt(handle, CURLOPT_MAXREDIRS, kMaxRedirects));
  set(curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L));
  set(curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, connect_timeout));
  set(curl_easy_setopt(handle, CURLOPT_TIMEOUT, timeout));
  set(curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, kLowSpeedBytesPerSecond));
  set(curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, std::min(kLowSpeedSeconds, timeout)));
  set(curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, ""));  // all that libcurl decodes
  set(curl_easy_setopt(handle, CURLOPT_MAXFILESIZE_LARGE,
                       static_cast<curl_off_t>(request.max_bytes)));
  set(curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L));
  set(curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L));
  set(curl_easy_setopt(handle, CURLOPT_USERAGENT, request.user_agent.c_str()));
  set(curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get()));
  set(curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &on_body));
  set(curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer));
  set(curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &on_header));
  set(curl_easy_setopt(handle, CURLOPT_HEADERDATA, &transfer));
  if (!set_ok) return core::Error{"cannot configure libcurl"};

  const CURLcode code = curl_easy_perform(handle);
  long http_code = 0;
  (void)curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &http_code);
  double seconds = 0;
  (void)curl_easy_getinfo(handle, CURLINFO_TOTAL_TIME, &seconds);
  if (code != CURLE_OK) return core::Error{transport_error(code, detail, transfer, request)};

  if (http_code != 200 && http_code != 304) {
    if (failed_http_code != nullptr) *failed_http_code = static_cast<int>(http_code);
    std::string text = "HTTP " + std::to_string(http_code);
    if (!transfer.reason.empty()) text += " " + transfer.reason;
    return core::Error{text};
  }

  FetchResponse response;
  response.http_code = static_cast<int>(http_code);
  response.not_modified = http_code == 304;
  response.etag = std::move(transfer.etag);
  response.last_modified = std::move(transfer.last_modified);
  response.content_type = std::move(transfer.content_type);
  response.seconds = seconds;
  if (response.not_modified) {
    // A 304 need not repeat the validators; the ones we sent still hold.
    if (response.etag.empty()) response.etag = request.etag;
    if (response.last_modified.empty()) response.last_modified = request.last_modified;
  } else {
    response.body = std::move(transfer.body);
  }
  return response;
}

}  // namespace

core::Result<FetchResponse> fetch(const FetchRequest& request, int* failed_http_code) {
  if (failed_http_code != nullptr) *failed_http_code = 0;
  if (!request.path.empty()) return read_file(request);
  if (request.url.empty()) return core::Error{"feed has neither url nor path"};
  return fetch_url(request, failed_http_code);
}

}  // namespace concerto::fetch
