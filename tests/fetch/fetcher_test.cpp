#include "fetch/fetcher.h"

#include <Poco/DeflatingStream.h>
#include <Poco/Event.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>

namespace concerto::fetch {
namespace {

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;
using ::testing::HasSubstr;
using ::testing::StartsWith;

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

// A real HTTP server on 127.0.0.1 (never any other interface) with the routes the tests need.
// One server for the whole suite: stopping a Poco server costs a 250 ms poll.
class LoopbackServer {
 public:
  LoopbackServer() {
    add_routes();
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress("127.0.0.1", 0), true, false);
    socket.listen(16);
    auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
    params->setMaxThreads(8);
    server_ =
        std::make_unique<Poco::Net::HTTPServer>(new RouteFactory(routes_), pool_, socket, params);
    server_->start();
    base_ = "http://127.0.0.1:" + std::to_string(socket.address().port());
  }

  ~LoopbackServer() {
    release_slow_.set();
    server_->stopAll(true);
    pool_.joinAll();  // no handler may outlive routes_
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  const std::string& base() const { return base_; }

 private:
  void add_routes() {
    routes_["/calendar.ics"] = [](HTTPServerRequest& req, HTTPServerResponse& res) {
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
  }

  std::map<std::string, Route> routes_;
  Poco::ThreadPool pool_{2, 8};
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::string base_;
  Poco::Event release_slow_;
};

class FetcherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LoopbackServer; }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static FetchRequest request(const std::string& path) {
    FetchRequest result;
    result.url = server_->base() + path;
    result.connect_timeout_seconds = 2;
    result.timeout_seconds = 5;
    return result;
  }

  static LoopbackServer* server_;
};
LoopbackServer* FetcherTest::server_ = nullptr;

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
  req.connect_timeout_seconds = 1;
  req.timeout_seconds = 1;
  const auto got = fetch(req);
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.error(), HasSubstr("connect"));
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
