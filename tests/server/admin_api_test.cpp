#include "server/admin_api.h"

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

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/time_zone.h"
#include "server/agenda_server.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace concerto::server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Poco::Net::HTTPRequest;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kToken = "correct-horse-battery-staple-42";
constexpr const char* kForumUid = "forum-mobilite-2026@lille.fr";  // the town hall's
constexpr const char* kForumAssoUid = "evt-4411@velo-asso.org";    // the association's
constexpr const char* kForumTitle = "Forum citoyen de la mobilité";
constexpr const char* kJson = "application/json";

using concerto::testing::TempDir;

core::EventTime paris_time(core::Date date, int hour, int minute) {
  core::EventTime time;
  time.local = {date, hour, minute, 0};
  time.tzid = "Europe/Paris";
  time.utc = core::find_zone("Europe/Paris")->to_utc(time.local);
  return time;
}

core::Event event(const std::string& feed, const std::string& uid, const std::string& summary,
                  core::Date date, int hour, const std::string& location) {
  core::Event e;
  e.feed_id = feed;
  e.uid = uid;
  e.summary = summary;
  e.location = location;
  e.start = paris_time(date, hour, 0);
  e.end = paris_time(date, hour + 2, 0);
  return e;
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

struct Request {
  std::string method = HTTPRequest::HTTP_GET;
  std::string target;
  std::map<std::string, std::string> headers;
  std::string body;
  std::string content_type;  // none when empty
  bool chunked = false;
};

Reply exchange(Poco::Net::HTTPClientSession& session, const Request& wanted) {
  HTTPRequest request(wanted.method, wanted.target, HTTPRequest::HTTP_1_1);
  for (const auto& [name, value] : wanted.headers) request.set(name, value);
  if (!wanted.content_type.empty()) request.setContentType(wanted.content_type);
  if (wanted.chunked) {
    request.setChunkedTransferEncoding(true);
  } else if (wanted.method == HTTPRequest::HTTP_POST || !wanted.body.empty()) {
    request.setContentLength64(static_cast<Poco::Int64>(wanted.body.size()));
  }
  std::ostream& out = session.sendRequest(request);
  out << wanted.body;
  Poco::Net::HTTPResponse response;
  std::istream& body = session.receiveResponse(response);
  Reply reply;
  reply.status = static_cast<int>(response.getStatus());
  for (const auto& [name, value] : response) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[lower] = value;
  }
  std::ostringstream text;
  Poco::StreamCopier::copyStream(body, text);
  reply.body = text.str();
  reply.keep_alive = response.getKeepAlive();
  return reply;
}

// The bytes a server sends for one raw request on a fresh connection, until it closes.
std::string raw_exchange(int port, const std::string& request_text) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(10, 0));
  socket.sendBytes(request_text.data(), static_cast<int>(request_text.size()));
  std::string received;
  char buffer[8192];
  for (;;) {
    const int got = socket.receiveBytes(buffer, sizeof buffer);
    if (got <= 0) break;
    received.append(buffer, static_cast<std::size_t>(got));
  }
  return received;
}

Object::Ptr parse_object(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Object::Ptr>();
}

std::string error_of(const Reply& reply) {
  return parse_object(reply.body)->getValue<std::string>("error");
}

// The UIDs of the VEVENTs of a served calendar whose SUMMARY is `summary`.
std::vector<std::string> calendar_uids(std::string ics, const std::string& summary) {
  for (auto fold = ics.find("\r\n "); fold != std::string::npos; fold = ics.find("\r\n ", fold)) {
    ics.erase(fold, 3);
  }
  std::vector<std::string> uids;
  for (auto begin = ics.find("BEGIN:VEVENT"); begin != std::string::npos;
       begin = ics.find("BEGIN:VEVENT", begin + 1)) {
    const std::string block = ics.substr(begin, ics.find("END:VEVENT", begin) - begin);
    if (block.find("\r\nSUMMARY:" + summary + "\r\n") == std::string::npos) continue;
    const auto uid = block.find("\r\nUID:");
    if (uid == std::string::npos) continue;
    uids.push_back(block.substr(uid + 6, block.find("\r\n", uid + 6) - uid - 6));
  }
  return uids;
}

class AdminApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    open_store();
    const core::Date day = day_;
    // The same meeting listed by the town hall (the organiser) and an association under their
    // own UIDs: the matcher merges them. And two parts of a series it must keep apart.
    store_feed("mairie",
               {event("mairie", kForumUid, kForumTitle, day, 18, "Salle du Gymnase, Lille"),
                event("mairie", "atelier-velo-1@lille.fr", "Atelier #1", day, 14,
                      "Maison des associations, Lille")});
    store_feed("asso",
               {event("asso", kForumAssoUid, kForumTitle, day, 18, "Salle du Gymnase, Lille"),
                // Part 2 in the same slot: the numbers alone keep them apart, a near-miss.
                event("asso", "atelier-velo-2@velo-asso.org", "Atelier #2", day, 14,
                      "Maison des associations, Lille")});
  }

  void TearDown() override {
    if (server_) server_->stop();
  }

  void open_store() {
    auto opened = store::Store::open((dir_.path() / "concerto.db").string());
    ASSERT_TRUE(opened.ok()) << opened.error();
    store_ = std::move(opened).value();
  }

  void store_feed(const std::string& feed, const std::vector<core::Event>& events) {
    store::FeedSnapshot snapshot;
    snapshot.events = events;
    for (const core::Event& e : events) {
      core::Occurrence o;
      o.feed_id = e.feed_id;
      o.uid = e.uid;
      o.start = e.start;
      o.end = e.end;
      snapshot.occurrences.push_back(o);
    }
    core::FeedStatus status;
    status.feed_id = feed;
    status.last_fetch = std::time(nullptr);
    status.last_success = status.last_fetch;
    status.http_code = 200;
    status.event_count = static_cast<int>(events.size());
    const auto stored = store_->replace_snapshot(feed, snapshot, status);
    ASSERT_TRUE(stored.ok()) << stored.error();
  }

  void start(const std::string& token = kToken) {
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 4;
    options.admin_token = token;
    options.agenda.calendar.timezone = "Europe/Paris";
    options.agenda.feed_priority = {{"mairie", 10}, {"asso", 0}};
    server_ = std::make_unique<AgendaServer>(*store_, options);
    const auto started = server_->start();
    ASSERT_TRUE(started.ok()) << started.error();
    session_ = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", server_->port());
    session_->setKeepAlive(true);
    session_->setTimeout(Poco::Timespan(20, 0));
  }

  static std::map<std::string, std::string> bearer(const std::string& token = kToken) {
    return {{"Authorization", "Bearer " + token}};
  }

  Reply send(Request request) {
    // A session the server closed is reopened: each test request stands on its own.
    if (!session_->connected()) session_->reset();
    return exchange(*session_, request);
  }

  Reply admin_get(const std::string& target) {
    return send({HTTPRequest::HTTP_GET, target, bearer(), "", "", false});
  }

  Reply admin_post(const std::string& target, const std::string& body,
                   const std::string& content_type = kJson) {
    return send({HTTPRequest::HTTP_POST, target, bearer(), body, content_type, false});
  }

  std::vector<core::MergeDecision> stored_decisions() {
    auto memory = store_->merge_memory();
    EXPECT_TRUE(memory.ok()) << memory.error();
    return memory.ok() ? memory->decisions : std::vector<core::MergeDecision>{};
  }

  std::vector<std::string> served_forum_uids() {
    const Reply ics = send({HTTPRequest::HTTP_GET, "/calendar.ics", {}, "", "", false});
    EXPECT_EQ(ics.status, 200);
    return calendar_uids(ics.body, kForumTitle);
  }

  const core::Date day_ = core::add_days(core::civil_from_seconds(std::time(nullptr)).date, 20);
  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AgendaServer> server_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

void expect_json_error(const Reply& reply, int status, const std::string& part) {
  EXPECT_EQ(reply.status, status) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(reply.header("cache-control"), "no-store");
  EXPECT_THAT(error_of(reply), HasSubstr(part)) << reply.body;
}

TEST_F(AdminApiTest, AnswersNotFoundOnEveryAdminPathWhenNoTokenIsSet) {
  start("");
  for (const std::string target :
       {"/api/admin/merges/review", "/api/admin/explain?uid=x", "/api/admin", "/api/admin/nope"}) {
    expect_json_error(admin_get(target), 404, "the admin API is off (set [admin] token)");
  }
  // An empty token in the header does not open it either.
  expect_json_error(send({HTTPRequest::HTTP_GET,
                          "/api/admin/merges/review",
                          {{"Authorization", "Bearer "}},
                          "",
                          "",
                          false}),
                    404, "the admin API is off");
  expect_json_error(admin_post("/api/admin/merges/confirm", R"({"uid":"x"})"), 404,
                    "the admin API is off");
  EXPECT_TRUE(stored_decisions().empty());
  EXPECT_EQ(send({HTTPRequest::HTTP_GET, "/healthz", {}, "", "", false}).status, 200);
}

TEST_F(AdminApiTest, RefusesAMissingOrWrongTokenWithWwwAuthenticate) {
  start();
  const std::string token = kToken;
  const std::vector<std::map<std::string, std::string>> refused = {
      {},
      {{"Authorization", "Bearer"}},
      {{"Authorization", "Bearer wrong"}},
      {{"Authorization", "Bearer " + token.substr(0, token.size() - 1)}},
      {{"Authorization", "Bearer " + token + "x"}},
      {{"Authorization", "Basic " + token}},
      {{"Authorization", token}},
  };
  for (const auto& headers : refused) {
    for (const std::string target : {"/api/admin/merges/review", "/api/admin/nope"}) {
      const Reply reply = send({HTTPRequest::HTTP_GET, target, headers, "", "", false});
      expect_json_error(reply, 401, headers.empty() ? "missing Authorization" : "wrong token");
      EXPECT_THAT(reply.header("www-authenticate"), StartsWith("Bearer"));
    }
  }
  // Nothing is decided for a refused request, body or not.
  const Reply post = send({HTTPRequest::HTTP_POST, "/api/admin/merges/split", bearer("wrong"),
                           R"({"uid":")" + std::string(kForumUid) + "\"}", kJson, false});
  expect_json_error(post, 401, "wrong token");
  EXPECT_TRUE(post.keep_alive);  // the small body was read and dropped, not left on the wire
  EXPECT_TRUE(stored_decisions().empty());
  EXPECT_EQ(served_forum_uids().size(), 1u);
}

TEST_F(AdminApiTest, AcceptsTheTokenWhateverTheCaseOfTheScheme) {
  start();
  for (const std::string scheme : {"Bearer ", "bearer ", "BEARER  "}) {
    const Reply reply = send({HTTPRequest::HTTP_GET,
                              "/api/admin/merges/review",
                              {{"Authorization", scheme + kToken}},
                              "",
                              "",
                              false});
    EXPECT_EQ(reply.status, 200) << scheme << reply.body;
    EXPECT_EQ(reply.header("cache-control"), "no-store");
  }
}

TEST_F(AdminApiTest, ListsTheNearMissForReviewWithBothSources) {
  start();
  const Reply reply = admin_get("/api/admin/merges/review");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(reply.header("cache-control"), "no-store");
  const Array::Ptr near_misses = parse_object(reply.body)->getArray("near_misses");
  ASSERT_FALSE(near_misses.isNull());
  const Object::Ptr* atelier = nullptr;
  std::vector<Object::Ptr> pairs;
  for (std::size_t i = 0; i < near_misses->size(); ++i) pairs.push_back(near_misses->getObject(i));
  for (const Object::Ptr& pair : pairs) {
    const std::set<std::string> uids = {pair->getObject("a")->getValue<std::string>("uid"),
                                        pair->getObject("b")->getValue<std::string>("uid")};
    if (uids == std::set<std::string>{"atelier-velo-1@lille.fr", "atelier-velo-2@velo-asso.org"}) {
      atelier = &pair;
    }
  }
  ASSERT_NE(atelier, nullptr) << reply.body;
  const Object& pair = **atelier;
  EXPECT_EQ(pair.getValue<std::string>("veto"), "numbered parts differ");
  EXPECT_THAT(pair.getValue<std::string>("how"), StartsWith("kept apart: "));
  EXPECT_GT(pair.getValue<double>("score"), 0.0);
  EXPECT_LE(pair.getValue<double>("score"), 1.0);
  EXPECT_GT(pair.getValue<double>("title"), 0.5);
  EXPECT_EQ(pair.getValue<double>("place"), 1.0);
  const Object::Ptr a = pair.getObject("a");
  const Object::Ptr b = pair.getObject("b");
  const Object::Ptr mairie = a->getValue<std::string>("feed") == "mairie" ? a : b;
  EXPECT_EQ(mairie->getValue<std::string>("uid"), "atelier-velo-1@lille.fr");
  EXPECT_EQ(mairie->getValue<std::string>("summary"), "Atelier #1");
  const core::EventTime start = paris_time(day_, 14, 0);
  EXPECT_EQ(mairie->getValue<std::string>("start"),
            core::format_iso_local(start.local) +
                core::format_utc_offset(core::find_zone("Europe/Paris")->offset_at_utc(start.utc)));
  EXPECT_EQ(mairie->getValue<std::string>("location"), "Maison des associations, Lille");
  EXPECT_TRUE(mairie->isNull("recurrence"));
  // HEAD: the same headers, no body.
  const Reply head =
      send({HTTPRequest::HTTP_HEAD, "/api/admin/merges/review", bearer(), "", "", false});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
}

TEST_F(AdminApiTest, ExplainsAMergedEventWithItsSourcesLinksAndText) {
  start();
  const Reply reply = admin_get(std::string("/api/admin/explain?uid=") + kForumUid);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("cache-control"), "no-store");
  const Object::Ptr explained = parse_object(reply.body);
  EXPECT_FALSE(explained->getValue<std::string>("uid").empty());
  EXPECT_EQ(explained->getValue<std::string>("summary"), kForumTitle);
  EXPECT_GE(explained->getValue<int>("sequence"), 0);
  EXPECT_TRUE(explained->isNull("recurrence"));
  const Array::Ptr sources = explained->getArray("sources");
  ASSERT_EQ(sources->size(), 2u) << reply.body;
  // Highest priority first: the town hall organises.
  EXPECT_EQ(sources->getObject(0)->getValue<std::string>("feed"), "mairie");
  EXPECT_EQ(sources->getObject(1)->getValue<std::string>("feed"), "asso");
  EXPECT_EQ(sources->getObject(0)->getValue<std::string>("uid"), kForumUid);
  EXPECT_EQ(sources->getObject(1)->getValue<std::string>("uid"), kForumAssoUid);
  EXPECT_EQ(sources->getObject(1)->getValue<std::string>("summary"), kForumTitle);
  EXPECT_EQ(sources->getObject(1)->getValue<std::string>("location"), "Salle du Gymnase, Lille");
  const Array::Ptr links = explained->getArray("links");
  ASSERT_EQ(links->size(), 1u) << reply.body;
  const Object::Ptr link = links->getObject(0);
  EXPECT_EQ(link->getValue<std::string>("how"), "score");
  EXPECT_EQ(link->getObject("a")->getValue<std::string>("uid"), kForumUid);
  EXPECT_EQ(link->getObject("b")->getValue<std::string>("uid"), kForumAssoUid);
  EXPECT_GE(link->getObject("score")->getValue<double>("total"), 0.75);
  EXPECT_TRUE(link->getObject("score")->isNull("veto"));
  EXPECT_EQ(explained->getArray("near_misses")->size(), 0u);
  const std::string text = explained->getValue<std::string>("text");
  EXPECT_THAT(text, HasSubstr("Sources (2):"));
  EXPECT_THAT(text, HasSubstr("asso / " + std::string(kForumAssoUid)));
  // The partner's UID explains the same event.
  const Reply again = admin_get(std::string("/api/admin/explain?uid=") + kForumAssoUid);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(parse_object(again.body)->getValue<std::string>("uid"),
            explained->getValue<std::string>("uid"));
  EXPECT_EQ(parse_object(again.body)->getValue<std::string>("text"), text);
}

TEST_F(AdminApiTest, ExplainRefusesAnUnknownUidAndBadQueries) {
  start();
  expect_json_error(admin_get("/api/admin/explain?uid=nobody@nowhere"), 404,
                    "no event with uid 'nobody@nowhere'");
  expect_json_error(admin_get("/api/admin/explain"), 400, "missing parameter uid");
  expect_json_error(admin_get("/api/admin/explain?uid="), 400, "missing parameter uid");
  expect_json_error(admin_get("/api/admin/explain?uid=a&uid=b"), 400, "uid given twice");
  expect_json_error(admin_get("/api/admin/explain?uid=a&verbose=1"), 400,
                    "unknown parameter \"verbose\"");
  expect_json_error(admin_get("/api/admin/explain?uid=%zz"), 400, "");
  expect_json_error(admin_get("/api/admin/merges/review?all=1"), 400, "unknown parameter");
}

TEST_F(AdminApiTest, SplitMakesTwoServedEventsAndJoinMakesThemOneAgain) {
  start();
  ASSERT_EQ(served_forum_uids().size(), 1u);

  const Reply split =
      admin_post("/api/admin/merges/split", R"({"uid":")" + std::string(kForumUid) + "\"}");
  ASSERT_EQ(split.status, 200) << split.body;
  EXPECT_EQ(split.header("cache-control"), "no-store");
  const Array::Ptr decisions = parse_object(split.body)->getArray("decisions");
  ASSERT_EQ(decisions->size(), 1u) << split.body;
  const Object::Ptr apart = decisions->getObject(0);
  EXPECT_EQ(apart->getValue<std::string>("kind"), "apart");
  EXPECT_EQ(apart->getObject("a")->getValue<std::string>("feed"), "asso");
  EXPECT_EQ(apart->getObject("b")->getValue<std::string>("feed"), "mairie");
  EXPECT_EQ(apart->getObject("a")->getValue<std::string>("uid"), kForumAssoUid);
  EXPECT_EQ(apart->getObject("b")->getValue<std::string>("uid"), kForumUid);
  EXPECT_TRUE(apart->getObject("a")->isNull("recurrence"));

  const std::vector<std::string> uids = served_forum_uids();
  ASSERT_EQ(uids.size(), 2u);
  EXPECT_EQ(std::set<std::string>(uids.begin(), uids.end()),
            (std::set<std::string>{kForumUid, kForumAssoUid}));
  for (const std::string& uid : uids) {
    const Reply explained = admin_get("/api/admin/explain?uid=" + uid);
    ASSERT_EQ(explained.status, 200) << uid;
    EXPECT_EQ(parse_object(explained.body)->getArray("sources")->size(), 1u) << explained.body;
  }
  expect_json_error(
      admin_post("/api/admin/merges/split", R"({"uid":")" + std::string(kForumUid) + "\"}"), 409,
      "nothing to split");

  const Reply join =
      admin_post("/api/admin/merges/join", R"({"uids":[")" + uids[0] + R"(",")" + uids[1] + "\"]}");
  ASSERT_EQ(join.status, 200) << join.body;
  const Array::Ptr joins = parse_object(join.body)->getArray("decisions");
  ASSERT_EQ(joins->size(), 1u) << join.body;
  EXPECT_EQ(joins->getObject(0)->getValue<std::string>("kind"), "join");
  EXPECT_EQ(served_forum_uids().size(), 1u);
  const Reply explained = admin_get(std::string("/api/admin/explain?uid=") + kForumUid);
  EXPECT_EQ(parse_object(explained.body)->getArray("sources")->size(), 2u) << explained.body;
  expect_json_error(admin_post("/api/admin/merges/join", R"({"uids":[")" + std::string(kForumUid) +
                                                             R"(",")" + kForumAssoUid + "\"]}"),
                    409, "already one event");

  // The latest decision about the pair wins: one decision, a join.
  const auto stored = stored_decisions();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored.front().kind, core::MergeDecisionKind::kJoin);
}

TEST_F(AdminApiTest, SplitsOneNamedSourceOff) {
  start();
  expect_json_error(admin_post("/api/admin/merges/split",
                               R"({"uid":")" + std::string(kForumUid) +
                                   R"(","source":{"feed":"asso","uid":"not-a-source"}})"),
                    409, "has no source asso / not-a-source");
  const Reply split =
      admin_post("/api/admin/merges/split", R"({"uid":")" + std::string(kForumAssoUid) +
                                                R"(","source":{"feed":"asso","uid":")" +
                                                kForumAssoUid + R"(","recurrence":null}})");
  ASSERT_EQ(split.status, 200) << split.body;
  EXPECT_EQ(parse_object(split.body)->getArray("decisions")->size(), 1u);
  EXPECT_EQ(served_forum_uids().size(), 2u);
  expect_json_error(admin_post("/api/admin/merges/split",
                               R"({"uid":")" + std::string(kForumAssoUid) +
                                   R"(","source":{"feed":"asso","uid":")" + kForumAssoUid + "\"}}"),
                    409, "nothing to split");
}

TEST_F(AdminApiTest, ConfirmRecordsAJoinThatSurvivesReopeningTheStore) {
  start();
  const Reply confirm =
      admin_post("/api/admin/merges/confirm", R"({"uid":")" + std::string(kForumUid) + "\"}");
  ASSERT_EQ(confirm.status, 200) << confirm.body;
  const Array::Ptr decisions = parse_object(confirm.body)->getArray("decisions");
  ASSERT_EQ(decisions->size(), 1u);
  EXPECT_EQ(decisions->getObject(0)->getValue<std::string>("kind"), "join");
  EXPECT_THAT(decisions->getObject(0)->getValue<std::string>("decided_at"),
              ::testing::EndsWith("Z"));

  server_->stop();
  server_.reset();
  store_.reset();
  open_store();
  const auto stored = stored_decisions();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].kind, core::MergeDecisionKind::kJoin);
  EXPECT_EQ(stored[0].a, (core::SourceRef{"asso", kForumAssoUid, ""}));
  EXPECT_EQ(stored[0].b, (core::SourceRef{"mairie", kForumUid, ""}));
  EXPECT_GT(stored[0].decided_at, 0);
}

TEST_F(AdminApiTest, TellsAnUnknownUidFromADecisionThatDoesNotApply) {
  start();
  expect_json_error(admin_post("/api/admin/merges/confirm", R"({"uid":"nobody@nowhere"})"), 404,
                    "no event with uid 'nobody@nowhere'");
  expect_json_error(admin_post("/api/admin/merges/split", R"({"uid":"nobody@nowhere"})"), 404,
                    "no event with uid");
  expect_json_error(admin_post("/api/admin/merges/join", R"({"uids":[")" + std::string(kForumUid) +
                                                             R"(","nobody@nowhere"]})"),
                    404, "no event with uid 'nobody@nowhere'");
  expect_json_error(admin_post("/api/admin/merges/confirm", R"({"uid":"atelier-velo-1@lille.fr"})"),
                    409, "nothing to confirm");
  expect_json_error(admin_post("/api/admin/merges/join", R"({"uids":[")" + std::string(kForumUid) +
                                                             R"(",")" + kForumAssoUid + "\"]}"),
                    409, "already one event");
  EXPECT_TRUE(stored_decisions().empty());
}

TEST_F(AdminApiTest, RefusesMalformedBodiesWithBadRequestAndDecidesNothing) {
  start();
  const std::string forum = kForumUid;
  struct Case {
    const char* route;
    std::string body;
    const char* error;
  };
  const std::vector<Case> cases = {
      {"confirm", "", "the body is empty"},
      {"confirm", "not json", "must be a JSON object"},
      {"confirm", "{\"uid\":", "invalid JSON"},
      {"confirm", "{\"uid\":\"" + forum + "\"} trailing", "invalid JSON"},
      {"confirm", "[\"" + forum + "\"]", "must be a JSON object"},
      {"confirm", "\"" + forum + "\"", "must be a JSON object"},
      {"confirm", "null", "must be a JSON object"},
      {"confirm", "{}", "missing field \"uid\""},
      {"confirm", "{\"uid\":5}", "\"uid\" must be a string"},
      {"confirm", "{\"uid\":null}", "\"uid\" must be a string"},
      {"confirm", "{\"uid\":[\"" + forum + "\"]}", "\"uid\" must be a string"},
      {"confirm", "{\"uid\":\"\"}", "\"uid\" is empty"},
      {"confirm", "{\"uid\":\"" + forum + "\",\"force\":true}", "unknown field \"force\""},
      {"confirm", "{\"uid\":\"" + forum + "\",\"source\":null}", "unknown field \"source\""},
      {"split", "{\"uid\":\"" + forum + "\",\"source\":\"asso/" + forum + "\"}",
       "\"source\" must be an object"},
      {"split", "{\"uid\":\"" + forum + "\",\"source\":{\"uid\":\"" + forum + "\"}}",
       "source: missing field \"feed\""},
      {"split", "{\"uid\":\"" + forum + "\",\"source\":{\"feed\":\"asso\",\"uid\":7}}",
       "source: \"uid\" must be a string"},
      {"split",
       "{\"uid\":\"" + forum + "\",\"source\":{\"feed\":\"asso\",\"uid\":\"" + forum +
           "\",\"recurrence\":1}}",
       "\"recurrence\" must be a string or null"},
      {"split",
       "{\"uid\":\"" + forum + "\",\"source\":{\"feed\":\"asso\",\"uid\":\"" + forum +
           "\",\"summary\":\"x\"}}",
       "source: unknown field \"summary\""},
      {"join", "{\"uids\":[\"" + forum + "\"]}", "array of two UID strings"},
      {"join", "{\"uids\":[\"a\",\"b\",\"c\"]}", "array of two UID strings"},
      {"join", "{\"uids\":\"" + forum + "\"}", "array of two UID strings"},
      {"join", "{\"uids\":[\"" + forum + "\",5]}", "array of two UID strings"},
      {"join", "{\"uid\":\"" + forum + "\"}", "unknown field \"uid\""},
      {"join", "{}", "missing field \"uids\""},
      {"join", "{\"uids\":[[[[[[[[[[[\"a\"]]]]]]]]]]]}", "invalid JSON"},
  };
  for (const Case& c : cases) {
    const Reply reply = admin_post(std::string("/api/admin/merges/") + c.route, c.body);
    SCOPED_TRACE(std::string(c.route) + " " + c.body);
    expect_json_error(reply, 400, c.error);
    EXPECT_TRUE(reply.keep_alive);
  }
  EXPECT_TRUE(stored_decisions().empty());
  EXPECT_EQ(served_forum_uids().size(), 1u);
}

TEST_F(AdminApiTest, RefusesABodyOverTheLimitByItsLengthAndWhileReading) {
  start();
  const std::string padded =
      R"({"uid":")" + std::string(kForumUid) + "\"}" + std::string(kMaxAdminBody, ' ');
  // Told by Content-Length: refused without keeping any of it; the client still sees the answer.
  const Reply by_length = admin_post("/api/admin/merges/split", padded);
  expect_json_error(by_length, 413, "over 64 KiB");
  EXPECT_TRUE(by_length.keep_alive);
  // Chunked: reading stops past the limit.
  const Reply chunked =
      send({HTTPRequest::HTTP_POST, "/api/admin/merges/split", bearer(), padded, kJson, true});
  expect_json_error(chunked, 413, "over 64 KiB");
  // A huge announced body is not waited for: the answer comes at once and the connection closes.
  const std::string raw =
      raw_exchange(server_->port(),
                   std::string("POST /api/admin/merges/split HTTP/1.1\r\nHost: x\r\n") +
                       "Authorization: Bearer " + kToken +
                       "\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n");
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(raw, HasSubstr("over 64 KiB"));
  EXPECT_TRUE(stored_decisions().empty());
  EXPECT_EQ(served_forum_uids().size(), 1u);
}

TEST_F(AdminApiTest, ReadsABodyOfExactlyTheLimit) {
  start();
  std::string body = R"({"uid":")" + std::string(kForumUid) + "\"}";
  body.append(kMaxAdminBody - body.size(), ' ');
  for (const bool chunked : {false, true}) {
    const Reply reply =
        send({HTTPRequest::HTTP_POST, "/api/admin/merges/confirm", bearer(), body, kJson, chunked});
    EXPECT_EQ(reply.status, 200) << reply.body;
  }
}

TEST_F(AdminApiTest, RefusesAWrongMethodWithAllow) {
  start();
  const Reply del =
      send({HTTPRequest::HTTP_DELETE, "/api/admin/merges/review", bearer(), "", "", false});
  expect_json_error(del, 405, "answers GET");
  EXPECT_EQ(del.header("allow"), "GET, HEAD");
  const Reply post_explain = admin_post("/api/admin/explain?uid=x", "{}");
  expect_json_error(post_explain, 405, "answers GET");
  EXPECT_EQ(post_explain.header("allow"), "GET, HEAD");
  for (const char* route : {"confirm", "split", "join"}) {
    const Reply get = admin_get(std::string("/api/admin/merges/") + route);
    expect_json_error(get, 405, "answers POST");
    EXPECT_EQ(get.header("allow"), "POST");
  }
  const Reply put = send({HTTPRequest::HTTP_PUT, "/api/admin/merges/confirm", bearer(),
                          R"({"uid":")" + std::string(kForumUid) + "\"}", kJson, false});
  expect_json_error(put, 405, "answers POST");
  EXPECT_TRUE(stored_decisions().empty());
}

TEST_F(AdminApiTest, RefusesANonJsonContentTypeOnPost) {
  start();
  const std::string body = R"({"uid":")" + std::string(kForumUid) + "\"}";
  for (const std::string type : {"", "text/plain", "application/x-www-form-urlencoded",
                                 "application/jsonx", "application/json; charset=latin1"}) {
    expect_json_error(admin_post("/api/admin/merges/confirm", body, type), 415,
                      "Content-Type must be application/json");
  }
  EXPECT_TRUE(stored_decisions().empty());
  const Reply accepted =
      admin_post("/api/admin/merges/confirm", body, "Application/JSON; charset=\"UTF-8\"");
  EXPECT_EQ(accepted.status, 200) << accepted.body;
}

TEST_F(AdminApiTest, AnswersUnknownAdminPathsWithJsonNotFound) {
  start();
  expect_json_error(admin_get("/api/admin"), 404, "no admin route /api/admin");
  expect_json_error(admin_get("/api/admin/merges"), 404, "no admin route");
  expect_json_error(admin_get("/api/admin/merges/review/"), 404, "no admin route");
  expect_json_error(admin_post("/api/admin/merges/undo", "{}"), 404, "no admin route");
}

TEST_F(AdminApiTest, LeavesTheOtherRoutesAsTheyWere) {
  start();
  const Reply post = send({HTTPRequest::HTTP_POST, "/calendar.ics", {}, "x", "text/plain", false});
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("allow"), "GET, HEAD");
  EXPECT_EQ(post.header("content-type"), "text/plain; charset=utf-8");
  const Reply near = send({HTTPRequest::HTTP_GET, "/api/administration", bearer(), "", "", false});
  EXPECT_EQ(near.status, 404);
  EXPECT_EQ(near.header("content-type"), "application/json; charset=utf-8");
  EXPECT_THAT(near.body, HasSubstr("no such API endpoint"));
  const Reply events = send({HTTPRequest::HTTP_GET, "/api/events", {}, "", "", false});
  EXPECT_EQ(events.status, 200);
  EXPECT_THAT(events.body, HasSubstr(kForumTitle));
  EXPECT_THAT(events.header("cache-control"), Not(HasSubstr("no-store")));
}

}  // namespace
}  // namespace concerto::server
