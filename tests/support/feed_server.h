#pragma once
// A partner's web server for tests: serves one feed body on 127.0.0.1 (a free port) with an ETag
// derived from the body, answering 304 to a matching If-None-Match. The body (or the status, for
// a broken server) can be changed while it runs, as a partner editing its calendar.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace Poco::Net {
class HTTPServer;
class ServerSocket;
}  // namespace Poco::Net

namespace concerto::testing {

class FeedServer {
 public:
  explicit FeedServer(std::string body, std::string content_type = "text/calendar; charset=utf-8");
  ~FeedServer();
  FeedServer(const FeedServer&) = delete;
  FeedServer& operator=(const FeedServer&) = delete;

  std::string url() const;  // http://127.0.0.1:PORT/agenda.ics
  int requests() const { return requests_; }
  void set_body(std::string body);
  // Any other code than 200: answers it (with a short text body, no ETag) until set back.
  void set_status(int code) { status_ = code; }
  int status() const { return status_; }

  // For the handler.
  struct Answer {
    std::string body;
    std::string etag;
  };
  Answer answer();
  const std::string& content_type() const { return content_type_; }
  void count_request() { ++requests_; }

 private:
  std::mutex mutex_;
  std::string body_;
  std::string content_type_;
  std::atomic<int> requests_{0};
  std::atomic<int> status_{200};
  std::unique_ptr<Poco::Net::ServerSocket> socket_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace concerto::testing
