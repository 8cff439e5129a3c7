#include "fetch/fetcher.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "core/text.h"
#include "fetch/curl_handles.h"
#include "fetch/response_headers.h"

namespace concerto::fetch {
namespace {

constexpr long kMaxRedirects = 5;
// Abort a transfer that stays below this many bytes per second for kLowSpeedSeconds (capped at
// the total timeout): a partner server trickling bytes must not hold a fetch slot.
constexpr long kLowSpeedBytesPerSecond = 64;
constexpr long kLowSpeedSeconds = 15;
// Longest wait in curl_multi_poll; libcurl's own timers usually wake it sooner.
constexpr int kPollMilliseconds = 1000;
constexpr const char* kAccept =
    "text/calendar, application/rss+xml, application/atom+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.5";

struct FdCloser {
  int fd = -1;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

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

// Only absolute http(s) URLs without user:password@ are fetched; the value is the URL's host
// name, lower-cased (the key of the per-host limit).
core::Result<std::string> check_url(const std::string& url) {
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
  raw = nullptr;
  if (curl_url_get(parsed.get(), CURLUPART_HOST, &raw, 0) != CURLUE_OK) {
    return core::Error{"malformed URL " + url};
  }
  const CurlString host(raw);
  return core::ascii_lower(host.get());
}

// A validator echoed into a request header must not smuggle extra header lines.
bool header_safe(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

// What may be fetched, checked before any connection; the value is the host name.
core::Result<std::string> admit(const FetchRequest& request) {
  auto host = check_url(request.url);
  if (!host) return host;
  if (!header_safe(request.etag) || !header_safe(request.last_modified) ||
      !header_safe(request.user_agent)) {
    return core::Error{"control character in a request header value"};
  }
  if (auto why = url_refusal(request.url, request.addresses)) return core::Error{*why};
  return host;
}

// One HTTP transfer in flight; the easy handle's callbacks point at it, so it never moves.
struct Transfer {
  std::size_t index = 0;
  const FetchRequest* request = nullptr;
  std::string host;
  CurlPtr easy;
  SlistPtr headers;
  char detail[CURL_ERROR_SIZE] = {};
  bool too_large = false;
  std::string body;
  ResponseHeaders answer;
  // Why the address policy refused the last address libcurl tried to connect to.
  std::optional<std::string> refused;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  // Decoded bytes: the cap also bounds what a small compressed body inflates to.
  if (static_cast<std::int64_t>(transfer.body.size() + bytes) > transfer.request->max_bytes) {
    transfer.too_large = true;
    return 0;  // aborts with CURLE_WRITE_ERROR
  }
  transfer.body.append(data, bytes);
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (transfer.answer.take(std::string_view(data, bytes), std::time(nullptr))) {
    transfer.body.clear();
  }
  return bytes;
}

// Every connection (first URL, each redirect, each address of a name) goes through the policy
// on the address itself, so a name that resolves to an internal address is caught too.
curl_socket_t open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto& transfer = *static_cast<Transfer*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) {
    transfer.refused = "refused: a socket other than an outgoing connection";
    return CURL_SOCKET_BAD;
  }
  if (auto why = transfer.request->addresses.refusal(&address->addr)) {
    transfer.refused = std::move(why);
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

// Before each request is sent, also on a connection reused from another transfer of the batch
// (whose request may have had another policy): the address it is connected to must be allowed.
int before_request(void* user, char* connected_ip, char*, int, int) {
  auto& transfer = *static_cast<Transfer*>(user);
  if (auto why = transfer.request->addresses.refusal(std::string_view(connected_ip))) {
    transfer.refused = std::move(why);
    return CURL_PREREQFUNC_ABORT;
  }
  return CURL_PREREQFUNC_OK;
}

std::string transport_error(CURLcode code, const Transfer& transfer) {
  const std::int64_t max_bytes = transfer.request->max_bytes;
  if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) return too_large(max_bytes);
  if ((code == CURLE_COULDNT_CONNECT || code == CURLE_ABORTED_BY_CALLBACK) && transfer.refused) {
    return *transfer.refused;
  }
  const char* detail = transfer.detail;
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

// Builds the easy handle of `transfer` with every limit of its request.
core::Status configure(Transfer& transfer) {
  const FetchRequest& request = *transfer.request;
  transfer.easy.reset(curl_easy_init());
  if (!transfer.easy) return core::Error{"cannot create a libcurl handle"};
  CURL* handle = transfer.easy.get();

  auto add_header = [&transfer](const std::string& line) {
    curl_slist* grown = curl_slist_append(transfer.headers.get(), line.c_str());
    if (grown == nullptr) return false;
    (void)transfer.headers.release();  // now owned by `grown`
    transfer.headers.reset(grown);
    return true;
  };
  bool headers_ok = add_header(std::string("Accept: ") + kAccept);
  if (!request.etag.empty()) {
    headers_ok = headers_ok && add_header("If-None-Match: " + request.etag);
  }
  if (!request.last_modified.empty()) {
    headers_ok = headers_ok && add_header("If-Modified-Since: " + request.last_modified);
  }
  if (!headers_ok) return core::Error{"out of memory"};

  const long timeout = std::max(1, request.timeout_seconds);
  const long connect_timeout = std::clamp<long>(request.connect_timeout_seconds, 1, timeout);
  bool set_ok = true;
  auto set = [&set_ok](CURLcode code) { set_ok = set_ok && code == CURLE_OK; };
  set(curl_easy_setopt(handle, CURLOPT_PRIVATE, static_cast<void*>(&transfer)));
  set(curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, transfer.detail));
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
  set(curl_easy_setopt(handle, CURLOPT_HTTPHEADER, transfer.headers.get()));
  set(curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &on_body));
  set(curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer));
  set(curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &on_header));
  set(curl_easy_setopt(handle, CURLOPT_HEADERDATA, &transfer));
  set(curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, &open_socket));
  set(curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, &transfer));
  set(curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, &before_request));
  set(curl_easy_setopt(handle, CURLOPT_PREREQDATA, &transfer));
  if (!set_ok) return core::Error{"cannot configure libcurl"};
  return core::ok_status();
}

// The outcome of a transfer libcurl reports done with `code`.
FetchOutcome finish(Transfer& transfer, CURLcode code) {
  CURL* handle = transfer.easy.get();
  FetchOutcome outcome;
  outcome.index = transfer.index;
  long http_code = 0;
  (void)curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &http_code);
  outcome.http_code = static_cast<int>(http_code);
  if (http_code == 429 || http_code == 503) {
    outcome.retry_after_seconds = transfer.answer.retry_after_seconds;
  }
  if (code != CURLE_OK) {
    outcome.response = core::Error{transport_error(code, transfer)};
    return outcome;
  }
  if (http_code != 200 && http_code != 304) {
    std::string text = "HTTP " + std::to_string(http_code);
    if (!transfer.answer.reason.empty()) text += " " + transfer.answer.reason;
    outcome.response = core::Error{text};
    return outcome;
  }

  const FetchRequest& request = *transfer.request;
  FetchResponse response;
  response.http_code = outcome.http_code;
  response.not_modified = http_code == 304;
  response.etag = std::move(transfer.answer.etag);
  response.last_modified = std::move(transfer.answer.last_modified);
  response.content_type = std::move(transfer.answer.content_type);
  response.max_age_seconds = transfer.answer.max_age_seconds;
  char* ip = nullptr;
  if (curl_easy_getinfo(handle, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr) {
    response.connected_ip = ip;
  }
  (void)curl_easy_getinfo(handle, CURLINFO_TOTAL_TIME, &response.seconds);
  if (response.not_modified) {
    // A 304 need not repeat the validators; the ones we sent still hold.
    if (response.etag.empty()) response.etag = request.etag;
    if (response.last_modified.empty()) response.last_modified = request.last_modified;
  } else {
    response.body = std::move(transfer.body);
  }
  outcome.response = std::move(response);
  return outcome;
}

FetchOutcome failed(std::size_t index, std::string text) {
  FetchOutcome outcome;
  outcome.index = index;
  outcome.response = core::Error{std::move(text)};
  return outcome;
}

// One fetch_all: a multi handle, the transfers running on it and the ones waiting for a slot.
class Batch {
 public:
  Batch(const std::vector<FetchRequest>& requests, const Concurrency& limits,
        const std::function<void(FetchOutcome)>& on_done)
      : requests_(requests),
        transfers_limit_(std::max(1, limits.transfers)),
        per_host_limit_(std::max(1, limits.per_host)),
        on_done_(on_done),
        running_(requests.size()) {}
  // A handle must leave the multi handle before either is freed, also when on_done throws.
  ~Batch() {
    for (const auto& transfer : running_) {
      if (transfer) (void)curl_multi_remove_handle(multi_.get(), transfer->easy.get());
    }
  }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  void run() {
    std::vector<std::size_t> files;
    for (std::size_t i = 0; i < requests_.size(); ++i) {
      const FetchRequest& request = requests_[i];
      if (!request.path.empty()) {
        files.push_back(i);
      } else if (request.url.empty()) {
        on_done_(failed(i, "feed has neither url nor path"));
      } else if (auto host = admit(request); !host) {
        on_done_(failed(i, host.error()));
      } else {
        queue_.push_back(Queued{i, std::move(*host)});
      }
    }
    if (!queue_.empty()) {
      global_init_once();
      multi_.reset(curl_multi_init());
      if (multi_) {
        start_queued();
      } else {
        fail_all("cannot create a libcurl multi handle");
      }
    }
    // Local files are read while the first connections are being made.
    bool healthy = true;
    for (const std::size_t i : files) {
      if (healthy && active_ > 0) healthy = perform();
      FetchOutcome outcome;
      outcome.index = i;
      outcome.response = read_file(requests_[i]);
      on_done_(std::move(outcome));
    }
    if (!healthy) return;
    while (active_ > 0) {
      if (!perform()) return;
      finish_done();
      start_queued();
      if (active_ == 0) break;
      const CURLMcode polled =
          curl_multi_poll(multi_.get(), nullptr, 0, kPollMilliseconds, nullptr);
      if (polled != CURLM_OK) return fail_all(curl_multi_strerror(polled));
    }
  }

 private:
  struct Queued {
    std::size_t index = 0;
    std::string host;
  };

  bool perform() {
    int still_running = 0;
    const CURLMcode code = curl_multi_perform(multi_.get(), &still_running);
    if (code == CURLM_OK) return true;
    fail_all(curl_multi_strerror(code));
    return false;
  }

  // Starts waiting requests, in order, while a slot is free for them and for their host.
  void start_queued() {
    for (auto it = queue_.begin(); it != queue_.end() && active_ < transfers_limit_;) {
      int& to_host = per_host_[it->host];
      if (to_host >= per_host_limit_) {
        ++it;
        continue;
      }
      Queued next = std::move(*it);
      it = queue_.erase(it);
      auto transfer = std::make_unique<Transfer>();
      transfer->index = next.index;
      transfer->request = &requests_[next.index];
      transfer->host = std::move(next.host);
      if (auto configured = configure(*transfer); !configured) {
        on_done_(failed(next.index, configured.error()));
        continue;
      }
      const CURLMcode added = curl_multi_add_handle(multi_.get(), transfer->easy.get());
      if (added != CURLM_OK) {
        on_done_(failed(next.index, curl_multi_strerror(added)));
        continue;
      }
      running_[next.index] = std::move(transfer);
      ++to_host;
      ++active_;
    }
  }

  // Reports every transfer libcurl has finished.
  void finish_done() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_.get(), &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* handle = message->easy_handle;
      const CURLcode code = message->data.result;
      void* raw = nullptr;
      (void)curl_easy_getinfo(handle, CURLINFO_PRIVATE, &raw);
      auto* transfer = static_cast<Transfer*>(raw);
      (void)curl_multi_remove_handle(multi_.get(), handle);
      FetchOutcome outcome = finish(*transfer, code);
      release(transfer->index);
      on_done_(std::move(outcome));
    }
  }

  void release(std::size_t index) {
    --per_host_[running_[index]->host];
    --active_;
    running_[index].reset();
  }

  // The multi handle itself failed: nothing more can be fetched in this batch.
  void fail_all(const std::string& why) {
    for (std::size_t i = 0; i < running_.size(); ++i) {
      if (!running_[i]) continue;
      (void)curl_multi_remove_handle(multi_.get(), running_[i]->easy.get());
      release(i);
      on_done_(failed(i, why));
    }
    while (!queue_.empty()) {
      const std::size_t index = queue_.front().index;
      queue_.pop_front();
      on_done_(failed(index, why));
    }
  }

  const std::vector<FetchRequest>& requests_;
  const int transfers_limit_;
  const int per_host_limit_;
  const std::function<void(FetchOutcome)>& on_done_;
  MultiPtr multi_;                                  // declared before running_: outlives them
  std::vector<std::unique_ptr<Transfer>> running_;  // by request index; null when not running
  std::list<Queued> queue_;
  std::map<std::string, int> per_host_;  // running transfers by host name
  int active_ = 0;
};

}  // namespace

void fetch_all(const std::vector<FetchRequest>& requests, const Concurrency& limits,
               const std::function<void(FetchOutcome)>& on_done) {
  Batch batch(requests, limits, on_done);
  batch.run();
}

FetchOutcome fetch_one(const FetchRequest& request) {
  FetchOutcome result;
  fetch_all({request}, Concurrency{1, 1},
            [&result](FetchOutcome outcome) { result = std::move(outcome); });
  return result;
}

core::Result<FetchResponse> fetch(const FetchRequest& request, int* failed_http_code) {
  FetchOutcome outcome = fetch_one(request);
  if (failed_http_code != nullptr) {
    // As before: only an answer whose status is the failure reports its code.
    const bool status_failure =
        !outcome.response.ok() && outcome.http_code != 200 && outcome.http_code != 304;
    *failed_http_code = status_failure ? outcome.http_code : 0;
  }
  return std::move(outcome.response);
}

}  // namespace concerto::fetch
