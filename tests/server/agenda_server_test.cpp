#include "server/agenda_server.h"

#include <Poco/Exception.h>
#include <Poco/InflatingStream.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <latch>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/civil_time.h"
#include "core/text.h"
#include "server/http_util.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace concerto::server {
namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

using concerto::testing::TempDir;

// The real SQLite store, with failures injected on demand to exercise the 500 path.
class FlakyStore final : public store::Store {
 public:
  explicit FlakyStore(std::unique_ptr<store::Store> real) : real_(std::move(real)) {}

  std::atomic<bool> fail_events{false};
  std::atomic<bool> throw_in_events{false};
  std::atomic<int> events_calls{0};
  // The server reads the last change once per rendering (on a cache miss).
  std::atomic<int> last_change_calls{0};
  std::atomic<std::int64_t> last_change_value{0};  // reported instead of the real one when set

  core::Status replace_snapshot(const std::string& feed_id, const store::FeedSnapshot& snapshot,
                                const core::FeedStatus& status) override {
    return real_->replace_snapshot(feed_id, snapshot, status);
  }
  core::Status record_status(const core::FeedStatus& status) override {
    return real_->record_status(status);
  }
  core::Status remove_feeds_except(const std::vector<std::string>& feed_ids) override {
    return real_->remove_feeds_except(feed_ids);
  }
  core::Result<std::vector<core::Event>> events() override {
    ++events_calls;
    if (throw_in_events) throw std::runtime_error("injected exception");
    if (fail_events) return core::Error{"injected failure"};
    return real_->events();
  }
  core::Result<std::vector<core::Occurrence>> occurrences(std::int64_t from_utc,
                                                          std::int64_t to_utc) override {
    return real_->occurrences(from_utc, to_utc);
  }
  core::Result<std::vector<core::FeedStatus>> statuses() override { return real_->statuses(); }
  core::Result<std::optional<core::FeedStatus>> status(const std::string& feed_id) override {
    return real_->status(feed_id);
  }
  core::Status save_problems(const std::string& feed_id, const core::Problems& problems) override {
    return real_->save_problems(feed_id, problems);
  }
  core::Result<core::Problems> problems(const std::string& feed_id) override {
    return real_->problems(feed_id);
  }
  core::Result<std::vector<store::PreviewOccurrence>> feed_preview(const std::string& feed_id,
                                                                   std::int64_t from_utc,
                                                                   int limit) override {
    return real_->feed_preview(feed_id, from_utc, limit);
  }
  core::Result<store::MergeMemory> merge_memory() override { return real_->merge_memory(); }
  core::Status save_merge_memory(const std::vector<core::MergeIdentity>& identities,
                                 const std::vector<core::MergeSequence>& sequences) override {
    return real_->save_merge_memory(identities, sequences);
  }
  core::Status add_merge_decisions(const std::vector<core::MergeDecision>& decisions) override {
    return real_->add_merge_decisions(decisions);
  }
  core::Result<std::int64_t> generation() override { return real_->generation(); }
  core::Result<std::int64_t> last_change() override {
    ++last_change_calls;
    if (last_change_value != 0) return last_change_value.load();
    return real_->last_change();
  }

 private:
  std::unique_ptr<store::Store> real_;
};

core::EventTime paris_time(core::Date date, int hour, int minute) {
  core::EventTime time;
  time.local = {date, hour, minute, 0};
  time.tzid = "Europe/Paris";
  time.utc = core::seconds_from_civil(time.local) - 2 * 3600;  // summer time
  return time;
}

core::Event event(const std::string& uid, const std::string& summary, core::Date date) {
  core::Event e;
  e.feed_id = "partner";
  e.uid = uid;
  e.summary = summary;
  e.start = paris_time(date, 9, 30);
  e.end = paris_time(date, 11, 0);
  return e;
}

core::Occurrence occurrence_of(const core::Event& e) {
  core::Occurrence o;
  o.feed_id = e.feed_id;
  o.uid = e.uid;
  o.start = e.start;
  o.end = e.end;
  return o;
}

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool keep_alive = false;

  std::string header(const std::string& name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
  bool has(const std::string& name) const { return headers.count(name) != 0; }
};

Reply exchange(Poco::Net::HTTPClientSession& session, const std::string& method,
               const std::string& target, const std::map<std::string, std::string>& headers = {}) {
  HTTPRequest request(method, target, HTTPRequest::HTTP_1_1);
  for (const auto& [name, value] : headers) request.set(name, value);
  session.sendRequest(request);
  HTTPResponse response;
  std::istream& body = session.receiveResponse(response);
  Reply reply;
  reply.status = static_cast<int>(response.getStatus());
  for (const auto& [name, value] : response) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[lower] = value;
  }
  std::ostringstream out;
  Poco::StreamCopier::copyStream(body, out);
  reply.body = out.str();
  reply.keep_alive = response.getKeepAlive();
  return reply;
}

std::string gunzip(const std::string& data) {
  std::istringstream in(data);
  Poco::InflatingInputStream inflate(in, Poco::InflatingStreamBuf::STREAM_GZIP);
  std::ostringstream out;
  Poco::StreamCopier::copyStream(inflate, out);
  return out.str();
}

// The bytes a server sends for one raw request on a fresh connection, until it closes (or, if
// it keeps the connection open, what came in the first 5 s).
std::string raw_exchange(int port, const std::string& request_text) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(5, 0));
  socket.sendBytes(request_text.data(), static_cast<int>(request_text.size()));
  std::string received;
  char buffer[8192];
  try {
    for (;;) {
      const int got = socket.receiveBytes(buffer, sizeof buffer);
      if (got <= 0) break;
      received.append(buffer, static_cast<std::size_t>(got));
    }
  } catch (const Poco::TimeoutException&) {
  }
  return received;
}

class AgendaServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Store::open((dir_.path() / "concerto.db").string());
    ASSERT_TRUE(opened.ok()) << opened.error();
    store_ = std::make_unique<FlakyStore>(std::move(opened).value());
    ASSERT_TRUE(store_events({event("forum@partner", "Forum citoyen", today(10))}).ok());
  }

  void TearDown() override {
    if (server_) server_->stop();
  }

  static core::Date today(int plus_days = 0) {
    return core::add_days(core::civil_from_seconds(std::time(nullptr)).date, plus_days);
  }

  // The events with their occurrences: one of each event's own times unless given.
  core::Status store_events(const std::vector<core::Event>& events,
                            const std::vector<core::Occurrence>& occurrences = {}) {
    store::FeedSnapshot snapshot;
    snapshot.events = events;
    snapshot.occurrences = occurrences;
    if (occurrences.empty()) {
      for (const auto& e : events) snapshot.occurrences.push_back(occurrence_of(e));
    }
    core::FeedStatus status;
    status.feed_id = "partner";
    status.last_fetch = std::time(nullptr);
    status.last_success = status.last_fetch;
    status.http_code = 200;
    status.event_count = static_cast<int>(events.size());
    status.bytes = 1234;
    return store_->replace_snapshot("partner", snapshot, status);
  }

  void start(ServerOptions options = small_server()) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.agenda.calendar.timezone = "Europe/Paris";
    server_ = std::make_unique<AgendaServer>(*store_, options);
    const auto started = server_->start();
    ASSERT_TRUE(started.ok()) << started.error();
    ASSERT_GT(server_->port(), 0);
    session_ = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", server_->port());
    session_->setKeepAlive(true);
    session_->setTimeout(Poco::Timespan(10, 0));
  }

  static ServerOptions small_server() {
    ServerOptions options;
    options.threads = 8;
    return options;
  }

  Reply get(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    return exchange(*session_, HTTPRequest::HTTP_GET, target, headers);
  }

  TempDir dir_;
  std::unique_ptr<FlakyStore> store_;
  std::unique_ptr<AgendaServer> server_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

TEST_F(AgendaServerTest, ServesTheCalendarWithValidatorsAndCachingHeaders) {
  start();
  const Reply reply = get("/calendar.ics");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "text/calendar; charset=utf-8");
  EXPECT_THAT(reply.header("etag"), MatchesRegex("\"[0-9a-f]{16}\""));
  EXPECT_EQ(reply.header("last-modified"), format_http_date(*store_->last_change()));
  EXPECT_EQ(reply.header("cache-control"), "public, max-age=300");
  EXPECT_EQ(reply.header("vary"), "Accept-Encoding");
  EXPECT_FALSE(reply.has("content-encoding"));
  EXPECT_EQ(reply.header("content-length"), std::to_string(reply.body.size()));
  EXPECT_THAT(reply.body, StartsWith("BEGIN:VCALENDAR\r\n"));
  EXPECT_THAT(reply.body, HasSubstr("Forum citoyen"));
  EXPECT_TRUE(reply.keep_alive);
}

TEST_F(AgendaServerTest, RendersOncePerStoreGeneration) {
  start();
  const Reply first = get("/calendar.ics");
  const int calls = store_->events_calls;
  for (int i = 0; i < 5; ++i) {
    const Reply again = get("/calendar.ics", {{"Accept-Encoding", i % 2 ? "gzip" : "identity"}});
    EXPECT_EQ(again.status, 200);
  }
  EXPECT_EQ(store_->events_calls, calls);
  EXPECT_EQ(get("/calendar.ics").header("etag"), first.header("etag"));
}

TEST_F(AgendaServerTest, AnswersNotModifiedToAMatchingEtag) {
  start();
  const Reply first = get("/calendar.ics");
  const std::string etag = first.header("etag");
  for (const std::string& tags : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    const Reply reply = get("/calendar.ics", {{"If-None-Match", tags}});
    EXPECT_EQ(reply.status, 304) << tags;
    EXPECT_EQ(reply.body, "");
    EXPECT_EQ(reply.header("etag"), etag);
    EXPECT_EQ(reply.header("last-modified"), first.header("last-modified"));
    EXPECT_EQ(reply.header("cache-control"), "public, max-age=300");
    EXPECT_TRUE(reply.keep_alive);
  }
  EXPECT_EQ(get("/calendar.ics", {{"If-None-Match", "\"stale\""}}).status, 200);
}

TEST_F(AgendaServerTest, AnswersNotModifiedToIfModifiedSinceAtOrAfterLastModified) {
  start();
  const std::int64_t changed = *store_->last_change();
  EXPECT_EQ(get("/calendar.ics", {{"If-Modified-Since", format_http_date(changed)}}).status, 304);
  EXPECT_EQ(get("/calendar.ics", {{"If-Modified-Since", format_http_date(changed + 60)}}).status,
            304);
  EXPECT_EQ(get("/calendar.ics", {{"If-Modified-Since", format_http_date(changed - 1)}}).status,
            200);
  EXPECT_EQ(get("/calendar.ics", {{"If-Modified-Since", "yesterday"}}).status, 200);
}

TEST_F(AgendaServerTest, LetsIfNoneMatchOverrideIfModifiedSince) {
  start();
  const std::string now = format_http_date(*store_->last_change() + 60);
  const Reply reply =
      get("/calendar.ics", {{"If-None-Match", "\"stale\""}, {"If-Modified-Since", now}});
  EXPECT_EQ(reply.status, 200);
}

TEST_F(AgendaServerTest, SendsTheGzipRenderingWhenAccepted) {
  start();
  const Reply plain = get("/calendar.ics");
  const Reply gzipped = get("/calendar.ics", {{"Accept-Encoding", "br, gzip;q=0.8"}});
  ASSERT_EQ(gzipped.status, 200);
  EXPECT_EQ(gzipped.header("content-encoding"), "gzip");
  EXPECT_EQ(gzipped.header("vary"), "Accept-Encoding");
  EXPECT_EQ(gzipped.header("content-length"), std::to_string(gzipped.body.size()));
  EXPECT_LT(gzipped.body.size(), plain.body.size());
  EXPECT_EQ(gunzip(gzipped.body), plain.body);
  EXPECT_NE(gzipped.header("etag"), plain.header("etag"));
  // Either representation's tag revalidates.
  EXPECT_EQ(
      get("/calendar.ics", {{"Accept-Encoding", "gzip"}, {"If-None-Match", gzipped.header("etag")}})
          .status,
      304);
  EXPECT_EQ(
      get("/calendar.ics", {{"Accept-Encoding", "gzip"}, {"If-None-Match", plain.header("etag")}})
          .status,
      304);
}

TEST_F(AgendaServerTest, SendsIdentityWhenGzipIsRefused) {
  start();
  const Reply reply = get("/calendar.ics", {{"Accept-Encoding", "gzip;q=0, deflate"}});
  EXPECT_EQ(reply.status, 200);
  EXPECT_FALSE(reply.has("content-encoding"));
  EXPECT_THAT(reply.body, StartsWith("BEGIN:VCALENDAR"));
}

TEST_F(AgendaServerTest, RendersAgainWithANewEtagAfterTheStoreChanges) {
  start();
  const Reply before = get("/calendar.ics");
  const Reply before_json = get("/api/events");
  ASSERT_TRUE(store_events({event("forum@partner", "Forum citoyen", today(10)),
                            event("webinar@partner", "Webinaire climat", today(12))})
                  .ok());
  const Reply after = get("/calendar.ics");
  EXPECT_EQ(after.status, 200);
  EXPECT_NE(after.header("etag"), before.header("etag"));
  EXPECT_THAT(after.body, HasSubstr("Webinaire climat"));
  EXPECT_THAT(before.body, Not(HasSubstr("Webinaire climat")));
  EXPECT_EQ(get("/calendar.ics", {{"If-None-Match", before.header("etag")}}).status, 200);
  const Reply after_json = get("/api/events");
  EXPECT_NE(after_json.header("etag"), before_json.header("etag"));
  EXPECT_THAT(after_json.body, HasSubstr("Webinaire climat"));
}

TEST_F(AgendaServerTest, SendsALargeCalendarWholeAndKeepsTheConnection) {
  std::vector<core::Event> events;
  for (int i = 0; i < 3000; ++i) {
    events.push_back(event("event-" + std::to_string(i) + "@partner",
                           "Atelier " + std::to_string(i) + " : participation citoyenne",
                           today(i % 300)));
  }
  ASSERT_TRUE(store_events(events).ok());
  start();
  const Reply plain = get("/calendar.ics");
  ASSERT_EQ(plain.status, 200);
  EXPECT_GT(plain.body.size(), 500u * 1024);
  EXPECT_EQ(plain.header("content-length"), std::to_string(plain.body.size()));
  EXPECT_THAT(plain.body, HasSubstr("Atelier 2999 : participation citoyenne"));
  EXPECT_THAT(plain.body, ::testing::EndsWith("END:VCALENDAR\r\n"));
  const Reply gzipped = get("/calendar.ics", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gunzip(gzipped.body), plain.body);
  EXPECT_TRUE(gzipped.keep_alive);
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(AgendaServerTest, AnswersHeadWithHeadersAndNoBody) {
  start();
  const Reply get_reply = get("/calendar.ics");
  const Reply head = exchange(*session_, HTTPRequest::HTTP_HEAD, "/calendar.ics");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(get_reply.body.size()));
  EXPECT_EQ(head.header("etag"), get_reply.header("etag"));
  EXPECT_EQ(head.body, "");
  // On the wire: nothing after the header block.
  const std::string raw = raw_exchange(
      server_->port(), "HEAD /calendar.ics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_NE(raw.find("\r\n\r\n"), std::string::npos);
  EXPECT_EQ(raw.substr(raw.find("\r\n\r\n") + 4), "");
}

TEST_F(AgendaServerTest, SendsNoBodyWithANotModified) {
  start();
  const std::string etag = get("/calendar.ics").header("etag");
  const std::string raw = raw_exchange(
      server_->port(), "GET /calendar.ics HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag +
                           "\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 304 Not Modified\r\n"));
  EXPECT_EQ(raw.substr(raw.find("\r\n\r\n") + 4), "");
}

TEST_F(AgendaServerTest, AnswersUnknownPathsWith404) {
  start();
  const Reply reply = get("/calendar.ics/../etc/passwd");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(get("/nope").status, 404);
  EXPECT_EQ(get("/index.html").status, 404);
}

TEST_F(AgendaServerTest, AnswersOtherMethodsWith405AndAllow) {
  start();
  for (const std::string method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    const Reply reply = exchange(*session_, method, "/calendar.ics");
    EXPECT_EQ(reply.status, 405) << method;
    EXPECT_EQ(reply.header("allow"), "GET, HEAD") << method;
  }
}

TEST_F(AgendaServerTest, ClosesTheConnectionAfterRefusingARequestWithABody) {
  start();
  const std::string raw = raw_exchange(server_->port(),
                                       "POST /calendar.ics HTTP/1.1\r\nHost: x\r\n"
                                       "Content-Length: 5\r\n\r\nhello");
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 405 Method Not Allowed\r\n"));
  EXPECT_THAT(raw, HasSubstr("Connection: Close\r\n"));
}

TEST_F(AgendaServerTest, AnswersAMalformedQueryWith400) {
  start();
  EXPECT_EQ(get("/calendar.ics?x=%zz").status, 400);
  const Reply json = get("/api/events?from=%4");
  EXPECT_EQ(json.status, 400);
  EXPECT_EQ(json.header("content-type"), "application/json; charset=utf-8");
}

TEST_F(AgendaServerTest, IgnoresCacheBustingQueryParametersOnTheCalendar) {
  start();
  const Reply plain = get("/calendar.ics");
  const Reply busted = get("/calendar.ics?t=12345");
  EXPECT_EQ(busted.status, 200);
  EXPECT_EQ(busted.header("etag"), plain.header("etag"));
}

TEST_F(AgendaServerTest, ServesEventsInsideTheRequestedWindow) {
  start();
  const std::string date = core::format_iso_date(today(10));
  const Reply inside = get("/api/events?from=" + date + "&to=" + date);
  ASSERT_EQ(inside.status, 200) << inside.body;
  EXPECT_EQ(inside.header("content-type"), "application/json; charset=utf-8");
  EXPECT_THAT(inside.body, HasSubstr("Forum citoyen"));
  const std::string before = core::format_iso_date(today(9));
  const Reply outside = get("/api/events?from=" + before + "&to=" + before);
  ASSERT_EQ(outside.status, 200);
  EXPECT_THAT(outside.body, Not(HasSubstr("Forum citoyen")));
  const Reply by_default = get("/api/events");
  EXPECT_EQ(by_default.status, 200);
  EXPECT_THAT(by_default.body, HasSubstr("Forum citoyen"));
}

TEST_F(AgendaServerTest, RefusesBadWindowsWithAJsonError) {
  start();
  for (const std::string target :
       {"/api/events?from=2026-13-01", "/api/events?to=tomorrow", "/api/events?from=2026-1-1",
        "/api/events?from=2026-10-20&to=2026-10-19", "/api/events?from=2026-10-19&from=2026-10-20",
        "/api/events?from="}) {
    const Reply reply = get(target);
    EXPECT_EQ(reply.status, 400) << target;
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8") << target;
    Poco::JSON::Parser parser;
    const auto parsed = parser.parse(reply.body).extract<Poco::JSON::Object::Ptr>();
    EXPECT_FALSE(parsed->getValue<std::string>("error").empty()) << target;
  }
}

// A client asking for a thousand years would make the server render (and cache) a huge body.
TEST_F(AgendaServerTest, RefusesAWindowOfMoreThanFiveYearsWithAJsonError) {
  start();
  for (const std::string target :
       {"/api/events?from=2026-01-01&to=3025-12-31", "/api/events?from=2026-01-01&to=2031-01-05",
        "/api/events?from=0001-01-01"}) {
    const Reply reply = get(target);
    EXPECT_EQ(reply.status, 400) << target;
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8") << target;
    Poco::JSON::Parser parser;
    const auto parsed = parser.parse(reply.body).extract<Poco::JSON::Object::Ptr>();
    EXPECT_THAT(parsed->getValue<std::string>("error"), HasSubstr("five years")) << target;
  }
  EXPECT_EQ(get("/api/events?from=2026-01-01&to=2030-12-31").status, 200);  // five years
  EXPECT_EQ(get("/api/events").status, 200);  // the configured default window is not capped
}

TEST_F(AgendaServerTest, WritesAJsonErrorAsValidUtf8WhenTheQueryIsNot) {
  start();
  const Reply reply = get("/api/events?from=%FF");
  EXPECT_EQ(reply.status, 400);
  EXPECT_TRUE(core::is_valid_utf8(reply.body));
  EXPECT_THAT(reply.body, HasSubstr("\\ufffd"));
  Poco::JSON::Parser parser;
  EXPECT_NO_THROW(parser.parse(reply.body));
}

TEST_F(AgendaServerTest, LeavesHealthAndFeedStatusUncachedAndSaysSo) {
  start();
  for (const std::string target : {"/healthz", "/api/feeds/status"}) {
    const Reply reply = get(target);
    EXPECT_EQ(reply.status, 200) << target;
    EXPECT_EQ(reply.header("cache-control"), "no-store") << target;
    EXPECT_FALSE(reply.has("etag")) << target;
    EXPECT_FALSE(reply.has("last-modified")) << target;
  }
}

// `concerto fetch` writes from another process while `concerto serve` answers.
TEST_F(AgendaServerTest, ShowsAWriteByAnotherStoreOnTheSameFileOnTheNextRequest) {
  start();
  const Reply before = get("/calendar.ics");
  auto other = store::Store::open((dir_.path() / "concerto.db").string());
  ASSERT_TRUE(other.ok()) << other.error();
  store::FeedSnapshot snapshot;
  snapshot.events = {event("webinar@partner", "Webinaire climat", today(12))};
  snapshot.occurrences = {occurrence_of(snapshot.events.front())};
  core::FeedStatus status;
  status.feed_id = "partner";
  ASSERT_TRUE((*other)->replace_snapshot("partner", snapshot, status).ok());
  const Reply after = get("/calendar.ics");
  EXPECT_NE(after.header("etag"), before.header("etag"));
  EXPECT_THAT(after.body, HasSubstr("Webinaire climat"));
  EXPECT_THAT(after.body, Not(HasSubstr("Forum citoyen")));
}

TEST_F(AgendaServerTest, ListsFeedStatuses) {
  start();
  ASSERT_TRUE(store_
                  ->record_status([] {
                    core::FeedStatus status;
                    status.feed_id = "broken";
                    status.last_fetch = 1792395000;  // 2026-10-19T07:30:00Z
                    status.http_code = 404;
                    status.error = "HTTP 404 Not Found";
                    status.consecutive_failures = 3;
                    return status;
                  }())
                  .ok());
  const Reply reply = get("/api/feeds/status");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  Poco::JSON::Parser parser;
  const auto feeds = parser.parse(reply.body).extract<Poco::JSON::Array::Ptr>();
  ASSERT_EQ(feeds->size(), 2u);
  std::map<std::string, Poco::JSON::Object::Ptr> by_id;
  for (std::size_t i = 0; i < feeds->size(); ++i) {
    auto feed = feeds->getObject(static_cast<unsigned>(i));
    by_id[feed->getValue<std::string>("id")] = feed;
  }
  const auto broken = by_id.at("broken");
  EXPECT_EQ(broken->getValue<std::string>("last_fetch"), "2026-10-19T07:30:00Z");
  EXPECT_TRUE(broken->isNull("last_success"));
  EXPECT_EQ(broken->getValue<int>("http_code"), 404);
  EXPECT_EQ(broken->getValue<std::string>("error"), "HTTP 404 Not Found");
  EXPECT_EQ(broken->getValue<int>("consecutive_failures"), 3);
  const auto partner = by_id.at("partner");
  EXPECT_TRUE(partner->isNull("error"));
  EXPECT_EQ(partner->getValue<int>("event_count"), 1);
  EXPECT_EQ(partner->getValue<int>("problem_count"), 0);
  EXPECT_EQ(partner->getValue<std::int64_t>("bytes"), 1234);
  EXPECT_FALSE(partner->isNull("last_success"));
}

TEST_F(AgendaServerTest, AnswersHealthz) {
  start();
  const Reply reply = get("/healthz");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "ok\n");
  EXPECT_EQ(reply.header("content-type"), "text/plain; charset=utf-8");
}

TEST_F(AgendaServerTest, AnswersAStoreFailureWith500AndKeepsServing) {
  start();
  store_->fail_events = true;
  const Reply failed = get("/calendar.ics");
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.body, "internal server error\n");
  EXPECT_FALSE(failed.has("etag"));
  store_->fail_events = false;
  EXPECT_EQ(get("/calendar.ics").status, 200);  // the failure was not cached
}

TEST_F(AgendaServerTest, AnswersAnExceptionInAHandlerWith500AndKeepsServing) {
  start();
  store_->throw_in_events = true;
  EXPECT_EQ(get("/api/events").status, 500);
  store_->throw_in_events = false;
  EXPECT_EQ(get("/api/events").status, 200);
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(AgendaServerTest, RefusesToStartASecondServerOnTheSamePort) {
  start();
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = server_->port();
  options.threads = 2;
  AgendaServer second(*store_, options);
  const auto started = second.start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error(), "cannot listen on 127.0.0.1:" + std::to_string(server_->port()) +
                                 ": address already in use");
  EXPECT_EQ(get("/healthz").status, 200);  // the first one is unaffected
}

TEST_F(AgendaServerTest, StopsPromptlyWithKeepAliveConnectionsOpen) {
  start();
  EXPECT_EQ(get("/calendar.ics").status, 200);  // session_ stays open (keep-alive)
  const auto stopping = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(3));
  EXPECT_EQ(server_->port(), 0);
}

TEST_F(AgendaServerTest, Serves64ConcurrentKeepAliveSubscribers) {
  ServerOptions options;
  options.threads = 64;
  options.keep_alive_seconds = 10;
  start(options);
  constexpr int kClients = 64;
  std::latch all_served_once(kClients);
  std::atomic<int> ok{0};
  std::atomic<int> reused{0};
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  const int port = server_->port();
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      bool arrived = false;
      try {
        Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
        session.setKeepAlive(true);
        session.setTimeout(Poco::Timespan(5, 0));
        const std::map<std::string, std::string> headers =
            i % 2 ? std::map<std::string, std::string>{{"Accept-Encoding", "gzip"}}
                  : std::map<std::string, std::string>{};
        const Reply first = exchange(session, HTTPRequest::HTTP_GET, "/calendar.ics", headers);
        // Every connection stays open until all have been answered: with fewer threads than
        // connections the last ones would wait out the keep-alive timeout.
        all_served_once.count_down();
        arrived = true;
        all_served_once.wait();
        const Reply second = exchange(session, HTTPRequest::HTTP_GET, "/calendar.ics",
                                      {{"If-None-Match", first.header("etag")}});
        if (first.status == 200 && second.status == 304) ++ok;
        if (first.keep_alive && second.keep_alive) ++reused;
      } catch (const std::exception&) {
        if (!arrived) all_served_once.count_down();
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(ok, kClients);
  EXPECT_EQ(reused, kClients);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

// ---------------------------------------------------------------------------------------------
// Regressions.

// A body the server does not read must not be taken for a second request on the connection
// (request smuggling): one answer, then the connection is closed.
TEST_F(AgendaServerTest, AnswersARequestWithABodyOnceAndClosesTheConnection) {
  start();
  const std::string smuggled = "GET /calendar.ics HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto with_body = [&](const std::string& request_line) {
    return request_line + "\r\nHost: x\r\nContent-Length: " + std::to_string(smuggled.size()) +
           "\r\n\r\n" + smuggled;
  };
  const std::pair<std::string, std::string> cases[] = {
      {"POST /nope HTTP/1.1", "HTTP/1.1 404 "},  // an unknown path
      {"GET / HTTP/1.1", "HTTP/1.1 200 "},       // a page, with a body
      {"POST / HTTP/1.1", "HTTP/1.1 405 "},      // a page, another method
      {"GET /events/forum@partner HTTP/1.1", "HTTP/1.1 200 "},
  };
  for (const auto& [request_line, status_line] : cases) {
    SCOPED_TRACE(request_line);
    const std::string raw = raw_exchange(server_->port(), with_body(request_line));
    EXPECT_EQ(raw.substr(0, status_line.size()), status_line) << raw.substr(0, 300);
    EXPECT_NE(raw.find("Connection: Close\r\n"), std::string::npos) << raw.substr(0, 300);
    // Nothing after the first answer: the body was not read as a request.
    const auto second = raw.find("HTTP/1.", 1);
    EXPECT_EQ(second, std::string::npos)
        << "a second response: " << raw.substr(second == std::string::npos ? 0 : second, 300);
    EXPECT_EQ(raw.find("BEGIN:VCALENDAR"), std::string::npos);
  }
}

// Pages that follow the clock (upcoming from this hour, from today) are newer than the store's
// last change once their period has begun: a client revalidating with that date gets the new
// page, not 304.
TEST_F(AgendaServerTest, LastModifiedOfHourlyAndDailyPagesIsAtLeastTheStartOfTheirPeriod) {
  const std::int64_t changed = *store_->last_change() - 2 * 86400;  // before today (UTC)
  store_->last_change_value = changed;
  start();
  const std::int64_t now = std::time(nullptr);
  const std::pair<std::string, std::int64_t> pages[] = {
      {"/embed/widget", now / 3600 * 3600},  // hourly
      {"/", now / 86400 * 86400},            // daily
  };
  for (const auto& [path, period_start] : pages) {
    SCOPED_TRACE(path);
    const Reply page = get(path);
    ASSERT_EQ(page.status, 200) << page.body;
    const auto modified = parse_http_date(page.header("last-modified"));
    ASSERT_TRUE(modified) << page.header("last-modified");
    EXPECT_GE(*modified, period_start);
    EXPECT_EQ(get(path, {{"If-Modified-Since", format_http_date(changed)}}).status, 200);
    EXPECT_EQ(get(path, {{"If-Modified-Since", page.header("last-modified")}}).status, 304);
  }
  // The calendar does not follow the clock: its Last-Modified is the store's last change.
  const Reply calendar = get("/calendar.ics");
  EXPECT_EQ(calendar.header("last-modified"), format_http_date(changed));
  EXPECT_EQ(get("/calendar.ics", {{"If-Modified-Since", calendar.header("last-modified")}}).status,
            304);
}

// The event's calendar file is /events/<uid>/event.ics: a UID ending in ".ics" is not taken for
// another event's file.
TEST_F(AgendaServerTest, EventsXAndXicsEachHaveTheirPageAndTheirFile) {
  ASSERT_TRUE(
      store_events({event("x", "Réunion x", today(10)), event("x.ics", "Réunion x.ics", today(11))})
          .ok());
  start();
  const auto ics_uid = [](const std::string& body) {
    const auto at = body.find("\r\nUID:");
    return at == std::string::npos ? std::string()
                                   : body.substr(at + 6, body.find("\r\n", at + 6) - at - 6);
  };
  const Reply page_x = get("/events/x");
  ASSERT_EQ(page_x.status, 200) << page_x.body;
  EXPECT_THAT(page_x.body, HasSubstr("<h1>Réunion x</h1>"));
  EXPECT_THAT(page_x.body, HasSubstr("href=\"/events/x/event.ics\""));
  const Reply page_xics = get("/events/x.ics");
  ASSERT_EQ(page_xics.status, 200) << page_xics.body;
  EXPECT_EQ(page_xics.header("content-type"), "text/html; charset=utf-8");
  EXPECT_THAT(page_xics.body, HasSubstr("<h1>Réunion x.ics</h1>"));
  EXPECT_THAT(page_xics.body, HasSubstr("href=\"/events/x.ics/event.ics\""));

  const Reply file_x = get("/events/x/event.ics");
  ASSERT_EQ(file_x.status, 200) << file_x.body;
  EXPECT_EQ(file_x.header("content-type"), "text/calendar; charset=utf-8");
  EXPECT_EQ(ics_uid(file_x.body), "x");
  EXPECT_THAT(file_x.body, HasSubstr("SUMMARY:Réunion x\r\n"));
  const Reply file_xics = get("/events/x.ics/event.ics");
  ASSERT_EQ(file_xics.status, 200) << file_xics.body;
  EXPECT_EQ(file_xics.header("content-type"), "text/calendar; charset=utf-8");
  EXPECT_EQ(ics_uid(file_xics.body), "x.ics");
  EXPECT_THAT(file_xics.body, HasSubstr("SUMMARY:Réunion x.ics\r\n"));

  for (const std::string target :
       {"/events/x/anything", "/events/x/event.ics/event.ics", "/events/x.ics/other"}) {
    const Reply missing = get(target);
    EXPECT_EQ(missing.status, 404) << target;
    EXPECT_EQ(missing.header("content-type"), "text/html; charset=utf-8") << target;
  }
}

// An `at` naming no occurrence shows what no `at` shows, from the same rendering.
TEST_F(AgendaServerTest, AnAtNamingNoOccurrenceServesThePageWithoutAt) {
  core::Event series = event("serie@partner", "Permanence", today(3));
  series.rrule = "FREQ=WEEKLY;COUNT=3";
  std::vector<core::Occurrence> occurrences;
  for (int week = 0; week < 3; ++week) {
    core::Occurrence o = occurrence_of(series);
    o.start = paris_time(today(3 + 7 * week), 9, 30);
    o.end = paris_time(today(3 + 7 * week), 11, 0);
    o.recurrence_id = o.start;
    occurrences.push_back(o);
  }
  ASSERT_TRUE(store_events({series}, occurrences).ok());
  start();
  const std::int64_t hour = std::time(nullptr) / 3600;
  const Reply plain = get("/events/serie@partner");
  ASSERT_EQ(plain.status, 200) << plain.body;
  const int renderings = store_->last_change_calls;
  const std::vector<std::string> unknown = {"20990101T000000Z", "nonsense", std::string(100, 'z')};
  for (const std::string& at : unknown) {
    SCOPED_TRACE(at);
    const Reply other = get("/events/serie@partner?at=" + at);
    ASSERT_EQ(other.status, 200);
    EXPECT_EQ(other.body, plain.body);
    EXPECT_EQ(other.header("etag"), plain.header("etag"));
    EXPECT_EQ(
        get("/events/serie@partner?at=" + at, {{"If-None-Match", plain.header("etag")}}).status,
        304);
  }
  // Not one rendering more (unless the hour turned meanwhile: the page is rendered hourly).
  if (std::time(nullptr) / 3600 == hour) {
    EXPECT_EQ(store_->last_change_calls, renderings);
  }
  // An `at` naming an occurrence shows that one.
  const Reply second = get("/events/serie@partner?at=" + occurrences[1].start.key());
  ASSERT_EQ(second.status, 200);
  EXPECT_NE(second.body, plain.body);
  EXPECT_THAT(plain.body, HasSubstr("<dd><time datetime=\"" + core::format_iso_date(today(3))));
  EXPECT_THAT(second.body, HasSubstr("<dd><time datetime=\"" + core::format_iso_date(today(10))));
}

}  // namespace
}  // namespace concerto::server
