#include "fetch/fetcher.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DeflatingStream.h>
#include <Poco/Event.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Thread.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timestamp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace concerto::fetch {
namespace {

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Clock = std::chrono::steady_clock;

constexpr const char* kCalendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";
constexpr const char* kEtag = "\"v1\"";
constexpr const char* kLastModified = "Mon, 19 Oct 2026 07:30:00 GMT";

using Route = std::function<void(HTTPServerRequest&, HTTPServerResponse&)>;

class RouteHandler : public HTTPRequestHandler {
 public:
  explicit RouteHandler(const Route& route) : route_(route) {}
  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    route_(request, response);
  }

 private:
  const Route& route_;
};

class RouteFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RouteFactory(const std::map<std::string, Route>& routes) : routes_(routes) {}
  HTTPRequestHandler* createRequestHandler(const HTTPServerRequest& request) override {
    std::string path = request.getURI();
    path = path.substr(0, path.find('?'));
    const auto found = routes_.find(path);
    if (found == routes_.end()) return new RouteHandler(not_found_);
    return new RouteHandler(found->second);
  }

 private:
  const std::map<std::string, Route>& routes_;
  Route not_found_ = [](HTTPServerRequest&, HTTPServerResponse& response) {
    response.setStatusAndReason(HTTPResponse::HTTP_NOT_FOUND);
    response.sendBuffer("no such route\n", 14);
  };
};

void send_text(HTTPServerResponse& response, const std::string& body,
               const std::string& type = "text/calendar; charset=utf-8") {
  response.setContentType(type);
  response.sendBuffer(body.data(), body.size());
}

std::string gzip(const std::string& text) {
  std::ostringstream out;
  Poco::DeflatingOutputStream deflate(out, Poco::DeflatingStreamBuf::STREAM_GZIP);
  deflate << text;
  deflate.close();
  return out.str();
}

// 100 MB of zeros, gzipped (about 100 kB), made in 1 MB steps so memory stays small.
const std::string& gzip_bomb() {
  static const std::string bomb = [] {
    std::ostringstream out;
    Poco::DeflatingOutputStream deflate(out, Poco::DeflatingStreamBuf::STREAM_GZIP);
    const std::string zeros(1024 * 1024, '\0');
    for (int i = 0; i < 100; ++i)
      deflate.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
    deflate.close();
    return out.str();
  }();
  return bomb;
}

// How many requests a route is serving at once, and the most it ever served at once.
class Gauge {
 public:
  void enter() {
    const int now = ++now_;
    int seen = max_.load();
    while (now > seen && !max_.compare_exchange_weak(seen, now)) {
    }
  }
  void leave() { --now_; }
  int max() const { return max_.load(); }
  void reset() { max_ = 0; }

 private:
  std::atomic<int> now_{0};
  std::atomic<int> max_{0};
};

// A real HTTP server on a loopback address (never any other interface) with the routes the
// tests need. One per address for the whole suite: stopping a Poco server costs a 250 ms poll.
class LoopbackServer {
 public:
  explicit LoopbackServer(const std::string& address = "127.0.0.1") {
    add_routes();
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(address, 0), true, false);
    socket.listen(64);
    auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
    params->setMaxThreads(16);
    server_ =
        std::make_unique<Poco::Net::HTTPServer>(new RouteFactory(routes_), pool_, socket, params);
    server_->start();
    base_ = "http://" + address + ":" + std::to_string(socket.address().port());
  }

  ~LoopbackServer() {
    release_slow_.set();
    server_->stopAll(true);
    pool_.joinAll();  // no handler may outlive routes_
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  const std::string& base() const { return base_; }
  Gauge& sleeping() { return sleeping_; }
  int calendar_hits() const { return calendar_hits_.load(); }

 private:
  void add_routes() {
    routes_["/calendar.ics"] = [this](HTTPServerRequest& req, HTTPServerResponse& res) {
      ++calendar_hits_;
      res.set("ETag", kEtag);
      res.set("Last-Modified", kLastModified);
      if (req.get("If-None-Match", "") == kEtag ||
          req.get("If-Modified-Since", "") == kLastModified) {
        res.setStatusAndReason(HTTPResponse::HTTP_NOT_MODIFIED);
        res.send();
        return;
      }
      send_text(res, kCalendar);
    };
    routes_["/echo"] = [](HTTPServerRequest& req, HTTPServerResponse& res) {
      send_text(res, "ua=" + req.get("User-Agent", "") + "\n", "text/plain");
    };
    routes_["/missing"] = [](HTTPServerRequest&, HTTPServerResponse& res) {
      res.setStatusAndReason(HTTPResponse::HTTP_NOT_FOUND);
      send_text(res, "gone\n", "text/plain");
    };
    routes_["/broken"] = [](HTTPServerRequest&, HTTPServerResponse& res) {
      res.setStatusAndReason(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
      send_text(res, "oops\n", "text/plain");
    };
    // /hop?n=3 redirects to /hop?n=2 ... /hop?n=0 serves the calendar.
    routes_["/hop"] = [this](HTTPServerRequest& req, HTTPServerResponse& res) {
      const std::string uri = req.getURI();
      const int left = std::stoi(uri.substr(uri.find("n=") + 2));
      if (left == 0) {
        res.set("ETag", "\"final\"");
        send_text(res, kCalendar);
        return;
      }
      res.set("ETag", "\"hop\"");
      res.set("Cache-Control", "max-age=5");  // of a redirect: not the answer's
      res.redirect(base_ + "/hop?n=" + std::to_string(left - 1), HTTPResponse::HTTP_FOUND);
    };
    routes_["/to-ftp"] = [](HTTPServerRequest&, HTTPServerResponse& res) {
      res.redirect("ftp://127.0.0.1/calendar.ics", HTTPResponse::HTTP_FOUND);
    };
    routes_["/to-file"] = [](HTTPServerRequest&, HTTPServerResponse& res) {
      res.redirect("file:///etc/passwd", HTTPResponse::HTTP_FOUND);
    };
    routes_["/gzip"] = [](HTTPServerRequest& req, HTTPServerResponse& res) {
      if (req.get("Accept-Encoding", "").find("gzip") == std::string::npos) {
        res.setStatusAndReason(HTTPResponse::HTTP_NOT_ACCEPTABLE);
        send_text(res, "gzip please\n", "text/plain");
        return;
      }
      res.set("Content-Encoding", "gzip");
      send_text(res, gzip(kCalendar));
    };
    routes_["/big"] = [](HTTPServerRequest&, HTTPServerResponse& res) {
      send_text(res, std::string(4096, 'x'));
    };
    routes_["/big-chunked"] = [](HTTPServerRequest&, HTTPServerResponse& res) {
      res.setChunkedTransferEncoding(true);
      res.setContentType("text/calendar");
      std::ostream& out = res.send();
      for (int i = 0; i < 64 && out; ++i) out << std::string(1024, 'x') << std::flush;
    };
    routes_["/slow"] = [this](HTTPServerRequest&, HTTPServerResponse& res) {
      res.setChunkedTransferEncoding(true);
      res.setContentType("text/calendar");
      std::ostream& out = res.send();
      out << "BEGIN:VCALENDAR\r\n" << std::flush;
      release_slow_.tryWait(10000);  // the client gives up long before
      out << "END:VCALENDAR\r\n" << std::flush;
    };
    // /sleep?ms=300 answers after that long.
    routes_["/sleep"] = [this](HTTPServerRequest& req, HTTPServerResponse& res) {
      const std::string uri = req.getURI();
      sleeping_.enter();
      Poco::Thread::sleep(std::stol(uri.substr(uri.find("ms=") + 3)));
      sleeping_.leave();
      send_text(res, kCalendar);
    };
    routes_["/too-many"] = [](HTTPServerRequest&, HTTPServerResponse& res) {
      res.setStatusAndReason(HTTPResponse::HTTP_TOO_MANY_REQUESTS);
      res.set("Retry-After", "120");
      send_text(res, "slow down\n", "text/plain");
    };
    routes_["/unavailable"] = [](HTTPServerRequest&, HTTPServerResponse& res) {
      res.setStatusAndReason(HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
      Poco::Timestamp in_five_minutes;
      in_five_minutes += Poco::Timespan(300, 0).totalMicroseconds();
      res.set("Retry-After",
              Poco::DateTimeFormatter::format(in_five_minutes, Poco::DateTimeFormat::HTTP_FORMAT));
      send_text(res, "maintenance\n", "text/plain");
    };
    routes_["/cached"] = [](HTTPServerRequest& req, HTTPServerResponse& res) {
      res.set("ETag", kEtag);
      if (req.get("If-None-Match", "") == kEtag) {
        res.set("Cache-Control", "max-age=300");
        res.setStatusAndReason(HTTPResponse::HTTP_NOT_MODIFIED);
        res.send();
        return;
      }
      res.set("Cache-Control", "public, max-age=600");
      send_text(res, kCalendar);
    };
    routes_["/html-error"] = [](HTTPServerRequest&, HTTPServerResponse& res) {
      send_text(res, "<html><body>Service temporarily down</body></html>\n", "text/html");
    };
    routes_["/bomb"] = [](HTTPServerRequest&, HTTPServerResponse& res) {
      res.set("Content-Encoding", "gzip");
      send_text(res, gzip_bomb());
    };
    // /redirect?to=URL sends the client to URL.
    routes_["/redirect"] = [](HTTPServerRequest& req, HTTPServerResponse& res) {
      const std::string uri = req.getURI();
      res.redirect(uri.substr(uri.find("to=") + 3), HTTPResponse::HTTP_FOUND);
    };
  }

  std::map<std::string, Route> routes_;
  Poco::ThreadPool pool_{2, 16};
  Gauge sleeping_;
  std::atomic<int> calendar_hits_{0};
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::string base_;
  Poco::Event release_slow_;
};

AddressPolicy policy_allowing(const std::vector<std::string>& allow) {
  auto policy = AddressPolicy::create(allow);
  EXPECT_TRUE(policy.ok()) << policy.error();
  return policy.ok() ? *policy : AddressPolicy{};
}

// Our test servers live on loopback, which the real policy refuses unless allowed.
AddressPolicy loopback_policy() { return policy_allowing({"127.0.0.0/8", "::1/128"}); }

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class FetcherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LoopbackServer; }
  static void TearDownTestSuite() {
    delete second_;
    second_ = nullptr;
    delete server_;
    server_ = nullptr;
  }

  static FetchRequest request(const std::string& path, const LoopbackServer* server = server_) {
    FetchRequest result;
    result.url = server->base() + path;
    result.connect_timeout_seconds = 2;
    result.timeout_seconds = 5;
    result.addresses = loopback_policy();
    return result;
  }

  // Runs fetch_all and returns the outcomes by request index, with when each one came.
  struct Finished {
    std::vector<FetchOutcome> outcomes;
    std::vector<double> seconds;  // since fetch_all began
    std::vector<std::size_t> order;
    double total = 0;
  };
  static Finished run_all(const std::vector<FetchRequest>& requests, Concurrency limits) {
    Finished finished;
    finished.outcomes.resize(requests.size());
    finished.seconds.resize(requests.size(), -1);
    const auto started = Clock::now();
    fetch_all(requests, limits, [&](FetchOutcome outcome) {
      const std::size_t index = outcome.index;
      finished.seconds.at(index) = seconds_since(started);
      finished.order.push_back(index);
      finished.outcomes.at(index) = std::move(outcome);
    });
    finished.total = seconds_since(started);
    return finished;
  }

  // On 127.0.0.2: another host. Made when a test first needs it (ctest runs each test alone).
  static LoopbackServer* second() {
    if (second_ == nullptr) second_ = new LoopbackServer("127.0.0.2");
    return second_;
  }

  static LoopbackServer* server_;
  static LoopbackServer* second_;
};
LoopbackServer* FetcherTest::server_ = nullptr;
LoopbackServer* FetcherTest::second_ = nullptr;

TEST_F(FetcherTest, ReturnsBodyAndValidatorsOfA200) {
  int code = -1;
  const auto got = fetch(request("/calendar.ics"), &code);
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(code, 0);
  EXPECT_EQ(got->http_code, 200);
  EXPECT_FALSE(got->not_modified);
  EXPECT_EQ(got->body, kCalendar);
  EXPECT_EQ(got->etag, kEtag);
  EXPECT_EQ(got->last_modified, kLastModified);
  EXPECT_EQ(got->content_type, "text/calendar; charset=utf-8");
  EXPECT_EQ(got->connected_ip, "127.0.0.1");
  EXPECT_FALSE(got->max_age_seconds);
  EXPECT_GE(got->seconds, 0);
}

TEST_F(FetcherTest, SendsTheRequestedUserAgent) {
  auto req = request("/echo");
  req.user_agent = "Concerto/0.1 (+https://example.org)";
  const auto got = fetch(req);
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got->body, "ua=Concerto/0.1 (+https://example.org)\n");
}

TEST_F(FetcherTest, ReportsNotModifiedWhenTheEtagStillMatches) {
  auto req = request("/calendar.ics");
  req.etag = kEtag;
  const auto got = fetch(req);
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got->http_code, 304);
  EXPECT_TRUE(got->not_modified);
  EXPECT_TRUE(got->body.empty());
  EXPECT_EQ(got->etag, kEtag);
}

TEST_F(FetcherTest, ReportsNotModifiedWhenLastModifiedStillMatches) {
  auto req = request("/calendar.ics");
  req.last_modified = kLastModified;
  const auto got = fetch(req);
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_TRUE(got->not_modified);
  EXPECT_EQ(got->last_modified, kLastModified);
}

TEST_F(FetcherTest, RefetchesWhenTheEtagChanged) {
  auto req = request("/calendar.ics");
  req.etag = "\"v0\"";
  const auto got = fetch(req);
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_FALSE(got->not_modified);
  EXPECT_EQ(got->body, kCalendar);
}

TEST_F(FetcherTest, Reports404WithItsCodeAndReason) {
  int code = 0;
  const auto got = fetch(request("/missing"), &code);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "HTTP 404 Not Found");
  EXPECT_EQ(code, 404);
}

TEST_F(FetcherTest, Reports500WithItsCode) {
  int code = 0;
  const auto got = fetch(request("/broken"), &code);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "HTTP 500 Internal Server Error");
  EXPECT_EQ(code, 500);
}

TEST_F(FetcherTest, FollowsFiveRedirectsAndKeepsTheLastResponsesHeaders) {
  const auto got = fetch(request("/hop?n=5"));
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got->body, kCalendar);
  EXPECT_EQ(got->etag, "\"final\"");
  EXPECT_FALSE(got->max_age_seconds) << "the redirects' Cache-Control is not the answer's";
}

TEST_F(FetcherTest, RefusesASixthRedirect) {
  const auto got = fetch(request("/hop?n=6"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "more than 5 redirects");
}

TEST_F(FetcherTest, RefusesARedirectToFtp) {
  const auto got = fetch(request("/to-ftp"));
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.error(), StartsWith("redirect to a scheme other than http(s) refused"));
}

TEST_F(FetcherTest, RefusesARedirectToAFileUrl) {
  const auto got = fetch(request("/to-file"));
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.error(), StartsWith("redirect to a scheme other than http(s) refused"));
}

TEST_F(FetcherTest, DecodesAGzipBody) {
  const auto got = fetch(request("/gzip"));
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got->body, kCalendar);
}

TEST_F(FetcherTest, AbortsABodyLargerThanTheCapAnnouncedByContentLength) {
  auto req = request("/big");
  req.max_bytes = 4095;
  const auto got = fetch(req);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "body larger than 4095 bytes");
}

TEST_F(FetcherTest, AcceptsABodyExactlyAtTheCap) {
  auto req = request("/big");
  req.max_bytes = 4096;
  const auto got = fetch(req);
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got->body.size(), 4096u);
}

TEST_F(FetcherTest, AbortsAChunkedBodyWhileDownloadingPastTheCap) {
  auto req = request("/big-chunked");
  req.max_bytes = 10000;
  const auto got = fetch(req);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "body larger than 10000 bytes");
}

TEST_F(FetcherTest, GivesUpOnASlowServerAtTheTimeout) {
  auto req = request("/slow");
  req.connect_timeout_seconds = 1;
  req.timeout_seconds = 1;
  const auto started = std::chrono::steady_clock::now();
  const auto got = fetch(req);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.error(), StartsWith("timed out"));
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST_F(FetcherTest, RefusesUrlsWithEmbeddedCredentials) {
  auto req = request("/calendar.ics");
  req.url = "http://user:secret@127.0.0.1:1/calendar.ics";
  const auto got = fetch(req);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "URL with embedded credentials refused");
}

TEST_F(FetcherTest, RefusesSchemesOtherThanHttp) {
  for (const char* url : {"ftp://127.0.0.1/x.ics", "file:///etc/passwd", "gopher://127.0.0.1/"}) {
    FetchRequest req;
    req.url = url;
    const auto got = fetch(req);
    ASSERT_FALSE(got.ok()) << url;
    EXPECT_THAT(got.error(), HasSubstr("only http and https")) << url;
  }
}

TEST_F(FetcherTest, RefusesValidatorsThatWouldInjectHeaders) {
  auto req = request("/calendar.ics");
  req.etag = "\"v1\"\r\nX-Evil: 1";
  const auto got = fetch(req);
  ASSERT_FALSE(got.ok());
}

TEST_F(FetcherTest, ReportsAConnectionRefused) {
  // Bind then close a loopback port so nothing listens there.
  int port = 0;
  {
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress("127.0.0.1", 0), true, false);
    port = socket.address().port();
  }
  FetchRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/calendar.ics";
  req.addresses = loopback_policy();
  req.connect_timeout_seconds = 1;
  req.timeout_seconds = 1;
  const auto got = fetch(req);
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.error(), HasSubstr("connect"));
}

TEST_F(FetcherTest, ReportsA429WithItsRetryAfterSeconds) {
  const FetchOutcome got = fetch_one(request("/too-many"));
  ASSERT_FALSE(got.response.ok());
  EXPECT_EQ(got.response.error(), "HTTP 429 Too Many Requests");
  EXPECT_EQ(got.http_code, 429);
  EXPECT_EQ(got.retry_after_seconds, 120);
}

TEST_F(FetcherTest, TurnsA503RetryAfterDateIntoSecondsFromNow) {
  const FetchOutcome got = fetch_one(request("/unavailable"));
  ASSERT_FALSE(got.response.ok());
  EXPECT_EQ(got.http_code, 503);
  ASSERT_TRUE(got.retry_after_seconds);
  EXPECT_GE(*got.retry_after_seconds, 290);
  EXPECT_LE(*got.retry_after_seconds, 300);
}

TEST_F(FetcherTest, PassesTheFailedCodeThroughTheCompatibilityCall) {
  int code = 0;
  const auto got = fetch(request("/too-many"), &code);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(code, 429);
}

TEST_F(FetcherTest, CapturesCacheControlMaxAgeOfA200AndA304) {
  const auto fresh = fetch(request("/cached"));
  ASSERT_TRUE(fresh.ok()) << fresh.error();
  EXPECT_EQ(fresh->max_age_seconds, 600);

  auto req = request("/cached");
  req.etag = kEtag;
  const auto same = fetch(req);
  ASSERT_TRUE(same.ok()) << same.error();
  EXPECT_TRUE(same->not_modified);
  EXPECT_EQ(same->max_age_seconds, 300);
}

TEST_F(FetcherTest, TreatsAnHtmlPageServedWith200AsASuccessfulFetch) {
  // Rejecting it is the parser's job; the fetcher reports what came, with its type.
  const auto got = fetch(request("/html-error"));
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got->http_code, 200);
  EXPECT_EQ(got->content_type, "text/html");
  EXPECT_THAT(got->body, HasSubstr("<html>"));
}

TEST_F(FetcherTest, AbortsADecompressionBombAtTheCapOnDecodedBytes) {
  auto req = request("/bomb");
  req.max_bytes = 1024 * 1024;
  const auto started = Clock::now();
  const auto got = fetch(req);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "body larger than 1048576 bytes");
  EXPECT_LT(seconds_since(started), 3.0);
}

TEST_F(FetcherTest, RunsTransfersConcurrentlyUpToTheLimit) {
  server_->sleeping().reset();
  const std::vector<FetchRequest> requests(6, request("/sleep?ms=300"));
  const Finished got = run_all(requests, Concurrency{3, 3});
  for (const FetchOutcome& outcome : got.outcomes) {
    ASSERT_TRUE(outcome.response.ok()) << outcome.response.error();
  }
  // Two rounds of three: about 0.6 s, where one at a time would take 1.8 s.
  EXPECT_GE(got.total, 0.55);
  EXPECT_LT(got.total, 1.5);
  EXPECT_EQ(server_->sleeping().max(), 3);
}

TEST_F(FetcherTest, LimitsTransfersToOneHostButNotToOthers) {
  server_->sleeping().reset();
  second()->sleeping().reset();
  std::vector<FetchRequest> requests;
  for (int i = 0; i < 4; ++i) {
    requests.push_back(request("/sleep?ms=200", server_));
    requests.push_back(request("/sleep?ms=200", second()));
  }
  const Finished got = run_all(requests, Concurrency{8, 2});
  for (const FetchOutcome& outcome : got.outcomes) {
    ASSERT_TRUE(outcome.response.ok()) << outcome.response.error();
  }
  EXPECT_EQ(server_->sleeping().max(), 2);
  EXPECT_EQ(second()->sleeping().max(), 2);
  // Two rounds per host, both hosts at once: about 0.4 s, not 0.8 s.
  EXPECT_LT(got.total, 0.75);
}

TEST_F(FetcherTest, NeverLetsAHangingServerHoldTheOthersBeyondItsTimeout) {
  // Accepts connections (the kernel completes them) and never answers.
  Poco::Net::ServerSocket hanging;
  hanging.bind(Poco::Net::SocketAddress("127.0.0.1", 0), true, false);
  hanging.listen(16);
  FetchRequest stuck = request("/calendar.ics");
  stuck.url = "http://127.0.0.1:" + std::to_string(hanging.address().port()) + "/calendar.ics";
  stuck.timeout_seconds = 1;
  std::vector<FetchRequest> requests{stuck, request("/calendar.ics"), request("/calendar.ics"),
                                     request("/calendar.ics")};
  const Finished got = run_all(requests, Concurrency{2, 2});
  ASSERT_FALSE(got.outcomes[0].response.ok());
  EXPECT_THAT(got.outcomes[0].response.error(), StartsWith("timed out"));
  EXPECT_GE(got.seconds[0], 0.9);
  EXPECT_LT(got.seconds[0], 2.5);
  for (std::size_t i = 1; i < requests.size(); ++i) {
    ASSERT_TRUE(got.outcomes[i].response.ok()) << got.outcomes[i].response.error();
    EXPECT_LT(got.seconds[i], 0.8) << "request " << i << " waited for the hanging one";
  }
  EXPECT_EQ(got.order.back(), 0u);
}

TEST_F(FetcherTest, ReportsEveryRequestOnceWithItsIndex) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("concerto_fetch_all_" + std::to_string(::getpid()) + ".ics");
  std::ofstream(file, std::ios::binary) << kCalendar;
  std::vector<FetchRequest> requests(5, request("/calendar.ics"));
  requests[1] = request("/missing");
  requests[2] = FetchRequest{};
  requests[2].path = file.string();
  requests[3] = FetchRequest{};  // neither url nor path
  requests[4].url = "ftp://127.0.0.1/x.ics";
  const Finished got = run_all(requests, Concurrency{});
  std::filesystem::remove(file);
  ASSERT_EQ(got.order.size(), requests.size());
  std::vector<std::size_t> order = got.order;
  std::sort(order.begin(), order.end());
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(got.outcomes[0].response.ok());
  EXPECT_EQ(got.outcomes[1].http_code, 404);
  ASSERT_TRUE(got.outcomes[2].response.ok());
  EXPECT_EQ(got.outcomes[2].response->body, kCalendar);
  EXPECT_EQ(got.outcomes[3].response.error(), "feed has neither url nor path");
  EXPECT_THAT(got.outcomes[4].response.error(), HasSubstr("only http and https"));
}

TEST_F(FetcherTest, ReturnsNothingForAnEmptyList) {
  int calls = 0;
  fetch_all({}, Concurrency{}, [&calls](FetchOutcome) { ++calls; });
  EXPECT_EQ(calls, 0);
}

// Checked when libcurl connects (the URL's text was allowed): the address actually used.
TEST_F(FetcherTest, RefusesARedirectToAnAddressThePolicyRefuses) {
  auto req = request("/redirect?to=" + second()->base() + "/calendar.ics");
  req.addresses = policy_allowing({"127.0.0.1/32"});
  const int hits_before = second()->calendar_hits();
  const auto got = fetch(req);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "refused: 127.0.0.2 is a loopback address");
  EXPECT_EQ(second()->calendar_hits(), hits_before) << "the refused server was reached";
}

TEST_F(FetcherTest, RefusesAConnectionReusedFromARequestWithAnotherPolicy) {
  // One at a time: the second request's redirect finds the first one's connection to 127.0.0.2
  // open, so no socket is opened for it; the address is still checked before sending.
  auto allowed = request("/calendar.ics", second());
  auto redirected = request("/redirect?to=" + second()->base() + "/calendar.ics");
  redirected.addresses = policy_allowing({"127.0.0.1/32"});
  const int hits_before = second()->calendar_hits();
  const Finished got = run_all({allowed, redirected}, Concurrency{1, 1});
  ASSERT_TRUE(got.outcomes[0].response.ok()) << got.outcomes[0].response.error();
  ASSERT_FALSE(got.outcomes[1].response.ok());
  EXPECT_EQ(got.outcomes[1].response.error(), "refused: 127.0.0.2 is a loopback address");
  EXPECT_EQ(second()->calendar_hits(), hits_before + 1);
}

TEST_F(FetcherTest, RefusesLocalhostByNameUnderTheDefaultPolicy) {
  auto req = request("/calendar.ics");
  req.url = "http://localhost:" + server_->base().substr(server_->base().rfind(':') + 1) +
            "/calendar.ics";
  req.addresses = AddressPolicy{};
  const auto got = fetch(req);
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.error(), StartsWith("refused: "));
  EXPECT_THAT(got.error(), HasSubstr("loopback"));
}

TEST_F(FetcherTest, RefusesAUrlWithARefusedAddressBeforeConnecting) {
  FetchRequest req;
  req.url = "http://10.0.0.1/calendar.ics";
  const auto got = fetch(req);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "refused: 10.0.0.1 is a private address");
}

class LocalFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("concerto_fetch_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& body) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << body;
    return path.string();
  }

  std::filesystem::path dir_;
};

TEST_F(LocalFileTest, ReadsALocalFile) {
  FetchRequest req;
  req.path = write("feed.ics", kCalendar);
  const auto got = fetch(req);
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(got->http_code, 0);
  EXPECT_EQ(got->body, kCalendar);
}

TEST_F(LocalFileTest, ReportsAMissingFile) {
  FetchRequest req;
  req.path = (dir_ / "nope.ics").string();
  const auto got = fetch(req);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "cannot read " + req.path + ": No such file or directory");
}

TEST_F(LocalFileTest, ReportsADirectory) {
  FetchRequest req;
  req.path = dir_.string();
  const auto got = fetch(req);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "cannot read " + req.path + ": Is a directory");
}

TEST_F(LocalFileTest, RefusesAFileLargerThanTheCap) {
  FetchRequest req;
  req.path = write("big.ics", std::string(100, 'x'));
  req.max_bytes = 99;
  const auto got = fetch(req);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "body larger than 99 bytes");
}

TEST(Fetch, RefusesARequestWithNeitherUrlNorPath) {
  const auto got = fetch(FetchRequest{});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), "feed has neither url nor path");
}

}  // namespace
}  // namespace concerto::fetch
