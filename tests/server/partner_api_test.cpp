// The partner API in process: a real store and registry on a temporary SQLite file, a real
// AgendaServer on 127.0.0.1, and the real test fetch (app::check_feed: libcurl, the ingest
// worker, the store) of partner feeds served on 127.0.0.1.

#include "server/partner_api.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/config.h"
#include "app/partner_commands.h"
#include "core/token.h"
#include "fetch/address_policy.h"
#include "render/json_text.h"
#include "server/agenda_server.h"
#include "store/registry.h"
#include "store/store.h"
#include "support/feed_server.h"
#include "support/http_get.h"
#include "support/partner_feeds.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace concerto {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kConfigAdminToken = "config-admin-token-7c1d5e0f9a2b4c6d";
constexpr const char* kJson = "application/json";
constexpr const char* kLocalFeedUrl = "https://mairie.example/agenda.ics";

using testing::broken_calendar;
using testing::good_calendar;
using testing::ics_day;
using testing::kBrokenGood;
using testing::kBrokenLine;
using testing::kGoodFirst;
using testing::kGoodSecond;

std::string json_text(std::string_view text) { return render::json_string(text); }

// {"url": url, "name": name<extra>}; `extra` starts with a comma.
std::string feed_body(const std::string& url, const std::string& name,
                      const std::string& extra = "") {
  return "{\"url\":" + json_text(url) + ",\"name\":" + json_text(name) + extra + "}";
}

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string header(const std::string& name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
  // The body as a JSON object; null when it is not one.
  Object::Ptr json() const {
    try {
      Poco::JSON::Parser parser;
      const auto root = parser.parse(body);
      if (root.type() != typeid(Object::Ptr)) return nullptr;
      return root.extract<Object::Ptr>();
    } catch (const Poco::Exception&) {
      return nullptr;
    }
  }
  std::string error() const {
    const Object::Ptr object = json();
    if (object.isNull() || !object->has("error") || !object->get("error").isString()) return "";
    return object->getValue<std::string>("error");
  }
};

struct Call {
  std::string method = "GET";
  std::string target;
  std::optional<std::string> authorization;  // the whole header value
  std::optional<std::string> body;
  std::string content_type = kJson;  // none when empty
  bool chunked = false;
};

std::optional<std::string> bearer(const std::string& token) { return "Bearer " + token; }

Reply perform(int port, const Call& call) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setTimeout(Poco::Timespan(90, 0));
  Poco::Net::HTTPRequest request(call.method, call.target, Poco::Net::HTTPMessage::HTTP_1_1);
  if (call.authorization) request.set("Authorization", *call.authorization);
  if (call.body) {
    if (!call.content_type.empty()) request.setContentType(call.content_type);
    if (call.chunked) {
      request.setChunkedTransferEncoding(true);
    } else {
      request.setContentLength64(static_cast<Poco::Int64>(call.body->size()));
    }
  } else if (call.method == "POST" || call.method == "PATCH") {
    request.setContentLength64(0);
  }
  std::ostream& out = session.sendRequest(request);
  if (call.body) out << *call.body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = static_cast<int>(response.getStatus());
  for (const auto& [name, value] : response) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[lower] = value;
  }
  std::ostringstream text;
  Poco::StreamCopier::copyStream(in, text);
  reply.body = text.str();
  return reply;
}

// The string members of the objects of `array_name` in a JSON reply.
std::vector<std::string> strings_of(const Object::Ptr& object, const std::string& array_name,
                                    const std::string& member) {
  std::vector<std::string> out;
  if (object.isNull() || !object->has(array_name)) return out;
  const auto array = object->getArray(array_name);
  for (std::size_t i = 0; i < array->size(); ++i) {
    out.push_back(array->getObject(static_cast<unsigned>(i))->getValue<std::string>(member));
  }
  return out;
}

// The strings of the array member `name`.
std::vector<std::string> strings_of_array(const Object::Ptr& object, const std::string& name) {
  std::vector<std::string> out;
  if (object.isNull() || !object->has(name)) return out;
  const auto array = object->getArray(name);
  for (std::size_t i = 0; i < array->size(); ++i)
    out.push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
  return out;
}

struct Party {
  std::string id;
  std::string token;
};

// Who calls, in the columns of the authorization matrix.
enum Caller {
  kAnonymous,
  kWrongToken,
  kOtherPartner,
  kOwner,
  kPartnerAdmin,
  kConfigAdmin,
  kDisabled,
  kCallers
};
constexpr const char* kCallerNames[kCallers] = {
    "anonymous",     "a wrong token",          "another partner",   "the owner",
    "partner-admin", "config admin ([admin])", "a disabled partner"};

// What the API under test may fetch: `text_allow` is the policy of url_refusal (checked on the
// URL's text), `connect_allow` the fetcher's (Settings.allow, checked on each address libcurl
// connects to).
struct ApiConfig {
  std::vector<std::string> text_allow{"127.0.0.0/8"};
  std::vector<std::string> connect_allow{"127.0.0.0/8"};
  bool moderation = false;
  bool with_registry = true;
};

struct RunningApi {
  app::Settings settings;  // before the server: check_feed reads it until the server stops
  std::unique_ptr<server::AgendaServer> server;
  int port() const { return server->port(); }
};

class PartnerApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (dir_.path() / "concerto.db").string();
    auto opened = store::Store::open(db_);
    ASSERT_TRUE(opened.ok()) << opened.error();
    store_ = std::move(opened).value();
    auto registry = store::Registry::open(db_);
    ASSERT_TRUE(registry.ok()) << registry.error();
    registry_ = std::move(registry).value();
    owner_ = add_partner("partner-00000000000a", "Décider ensemble", false);
    other_ = add_partner("partner-00000000000b", "Vélo Lille", false);
    partner_admin_ = add_partner("partner-00000000000c", "Modération", true);
    disabled_ = add_partner("partner-00000000000d", "Ancienne association", false);
    ASSERT_TRUE(registry_->set_disabled(disabled_.id, true).ok());
    auto wrong = core::new_token();
    ASSERT_TRUE(wrong.ok());
    wrong_token_ = *wrong;
    api_ = &start();
  }

  void TearDown() override {
    for (auto& api : apis_) api->server->stop();
    // The API never echoes a token, in no answer of any test, body or header.
    const std::vector<std::string> secrets = {owner_.token,    other_.token, partner_admin_.token,
                                              disabled_.token, wrong_token_, kConfigAdminToken};
    for (const auto& [what, reply] : seen_) {
      for (const std::string& secret : secrets) {
        if (secret.empty()) continue;
        EXPECT_THAT(reply.body, Not(HasSubstr(secret))) << what << " echoed a token";
        for (const auto& [name, value] : reply.headers) {
          EXPECT_THAT(value, Not(HasSubstr(secret))) << what << " echoed a token in " << name;
        }
      }
    }
  }

  Party add_partner(const std::string& id, const std::string& name, bool admin) {
    auto token = core::new_token();
    EXPECT_TRUE(token.ok());
    if (!token.ok()) return {};
    core::Partner partner{id,    name,  "",
                          admin, false, static_cast<std::int64_t>(std::time(nullptr))};
    const auto added = registry_->add_partner(partner, core::token_hash(*token));
    EXPECT_TRUE(added.ok()) << added.message;
    return {id, *token};
  }

  static core::FeedConfig local_feed() {
    core::FeedConfig feed;
    feed.id = "mairie";
    feed.name = "Mairie";
    feed.partner = "Mairie";
    feed.url = kLocalFeedUrl;
    return feed;
  }

  RunningApi& start(const ApiConfig& config = {}) {
    auto api = std::make_unique<RunningApi>();
    api->settings.allow = config.connect_allow;
    api->settings.timezone = "Europe/Paris";
    auto policy = fetch::AddressPolicy::create(config.text_allow);
    if (!policy.ok()) {
      ADD_FAILURE() << policy.error();
      std::abort();
    }
    server::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 8;
    options.admin_token = kConfigAdminToken;
    options.agenda.calendar.timezone = "Europe/Paris";
    options.feeds = {local_feed()};
    options.registry = config.with_registry ? registry_.get() : nullptr;
    options.partners.admin_token = kConfigAdminToken;
    options.partners.moderation = config.moderation;
    options.partners.local_feeds = {local_feed()};
    options.partners.url_refusal = [policy = *policy](std::string_view url) {
      return fetch::url_refusal(url, policy);
    };
    const app::Settings* settings = &api->settings;
    store::Store* store = store_.get();
    options.partners.check_feed = [settings, store](const core::FeedConfig& feed) {
      return app::check_feed(feed, *settings, *store, CONCERTO_BINARY);
    };
    api->server = std::make_unique<server::AgendaServer>(*store_, options);
    const auto started = api->server->start();
    EXPECT_TRUE(started.ok()) << started.error();
    apis_.push_back(std::move(api));
    return *apis_.back();
  }

  std::optional<std::string> token_of(Caller caller) const {
    switch (caller) {
      case kAnonymous:
        return std::nullopt;
      case kWrongToken:
        return wrong_token_;
      case kOtherPartner:
        return other_.token;
      case kOwner:
        return owner_.token;
      case kPartnerAdmin:
        return partner_admin_.token;
      case kConfigAdmin:
        return std::string(kConfigAdminToken);
      case kDisabled:
      case kCallers:
        break;
    }
    return disabled_.token;
  }

  Reply send(const Call& call, const RunningApi* api = nullptr) {
    Reply reply = perform((api != nullptr ? api : api_)->port(), call);
    seen_.emplace_back(call.method + " " + call.target, reply);
    return reply;
  }
  Reply as(const std::optional<std::string>& token, const std::string& method,
           const std::string& target, const std::optional<std::string>& body = std::nullopt,
           const RunningApi* api = nullptr) {
    Call call;
    call.method = method;
    call.target = target;
    if (token) call.authorization = bearer(*token);
    call.body = body;
    return send(call, api);
  }
  Reply as(Caller caller, const std::string& method, const std::string& target,
           const std::optional<std::string>& body = std::nullopt) {
    return as(token_of(caller), method, target, body);
  }
  // A public page or document.
  Reply public_get(const std::string& target) {
    return send(Call{"GET", target, {}, {}, "", false});
  }

  // Registers a feed straight into the registry (no test fetch, no rate limit yet).
  std::string register_feed(const Party& owner, const std::string& url, bool approved = true,
                            const std::string& name = "Registered directly") {
    char id[32];
    std::snprintf(id, sizeof id, "p-%012x", ++registered_);
    core::RegisteredFeed feed;
    feed.config.id = id;
    feed.config.url = url;
    feed.config.name = name;
    feed.partner_id = owner.id;
    feed.approved = approved;
    feed.created_at = feed.updated_at = static_cast<std::int64_t>(std::time(nullptr));
    const auto added = registry_->add_feed(feed);
    EXPECT_TRUE(added.ok()) << added.message;
    return id;
  }

  std::vector<core::RegisteredFeed> registered() {
    auto feeds = registry_->feeds();
    EXPECT_TRUE(feeds.ok()) << feeds.error();
    return feeds.ok() ? *feeds : std::vector<core::RegisteredFeed>{};
  }
  std::optional<core::RegisteredFeed> registered_with_url(const std::string& url) {
    for (const auto& feed : registered()) {
      if (feed.config.url == url) return feed;
    }
    return std::nullopt;
  }

  // Registers `url` as the owner through the API and returns the 201 reply.
  Reply create(const std::string& url, const std::string& name = "Agenda du partenaire",
               const RunningApi* api = nullptr) {
    return as(owner_.token, "POST", "/api/feeds", feed_body(url, name), api);
  }
  static std::string id_of(const Reply& created) {
    const Object::Ptr object = created.json();
    if (object.isNull() || !object->has("feed")) return "";
    return object->getObject("feed")->getValue<std::string>("id");
  }

  // Every byte SQLite keeps for the database: the file, its write-ahead log and shared memory.
  std::string database_bytes() const {
    std::string bytes;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      if (fs::exists(db_ + suffix)) bytes += testing::read_file(db_ + suffix);
    }
    return bytes;
  }

  std::string events_json() { return public_get("/api/events").body; }

  testing::TempDir dir_;
  std::string db_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Registry> registry_;
  Party owner_, other_, partner_admin_, disabled_;
  std::string wrong_token_;
  testing::FeedServer good_{good_calendar()};
  testing::FeedServer broken_{broken_calendar()};
  std::vector<std::unique_ptr<RunningApi>> apis_;  // after what their servers use
  RunningApi* api_ = nullptr;                      // lenient on 127.0.0.0/8, no moderation
  std::vector<std::pair<std::string, Reply>> seen_;
  unsigned registered_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Who may do what.

TEST_F(PartnerApiTest, AuthorizationMatrix) {
  enum Target { kCollection, kFeed, kUnknownFeed };
  struct Row {
    std::string label;
    std::string method;
    Target target;
    std::string action;  // after /api/feeds/<id>
    std::array<int, kCallers> expected;
  };
  // anonymous, wrong token, other partner, owner, partner-admin, config admin, disabled
  const std::vector<Row> rows = {
      {"POST /api/feeds", "POST", kCollection, "", {401, 401, 201, 201, 201, 201, 401}},
      {"GET /api/feeds", "GET", kCollection, "", {401, 401, 200, 200, 200, 200, 401}},
      {"GET /api/feeds/<id>", "GET", kFeed, "", {401, 401, 403, 200, 200, 200, 401}},
      {"PATCH /api/feeds/<id>", "PATCH", kFeed, "", {401, 401, 403, 200, 200, 200, 401}},
      {"DELETE /api/feeds/<id>", "DELETE", kFeed, "", {401, 401, 403, 204, 204, 204, 401}},
      {"POST /api/feeds/<id>/refresh",
       "POST",
       kFeed,
       "/refresh",
       {401, 401, 403, 200, 200, 200, 401}},
      {"GET /api/feeds/<id>/status", "GET", kFeed, "/status", {401, 401, 403, 200, 200, 200, 401}},
      {"POST /api/feeds/<id>/approve",
       "POST",
       kFeed,
       "/approve",
       {401, 401, 403, 403, 200, 200, 401}},
      {"GET /api/feeds/<unknown id>", "GET", kUnknownFeed, "", {401, 401, 404, 404, 404, 404, 401}},
  };
  const std::array<const Party*, kCallers> parties = {nullptr,         nullptr, &other_,   &owner_,
                                                      &partner_admin_, nullptr, &disabled_};

  int cell_number = 0;
  for (const Row& row : rows) {
    for (int who = 0; who < kCallers; ++who) {
      ++cell_number;
      const Caller caller = static_cast<Caller>(who);
      const int expected = row.expected[static_cast<std::size_t>(who)];
      const bool allowed = expected < 300;
      const std::string cell = row.label + " as " + kCallerNames[who];
      // Each cell acts on a fresh feed of its own, awaiting approval; the disabled partner's
      // cells on its own feed (still refused: its account is off).
      const Party& feed_owner = caller == kDisabled ? disabled_ : owner_;
      const std::string feed_url = good_.url() + "?cell=" + std::to_string(cell_number);
      std::string target = "/api/feeds";
      std::optional<std::string> body;
      std::string feed_id;
      const std::string new_name = "Renamed by cell " + std::to_string(cell_number);
      if (row.target == kFeed) {
        feed_id = register_feed(feed_owner, feed_url, /*approved=*/false);
        target += "/" + feed_id + row.action;
      } else if (row.target == kUnknownFeed) {
        target += "/p-ffffffffffff";
      }
      if (row.method == "PATCH") body = "{\"name\":" + json_text(new_name) + "}";
      if (row.target == kCollection && row.method == "POST") {
        body = feed_body(feed_url, "Posted by cell " + std::to_string(cell_number),
                         caller == kConfigAdmin ? ",\"partner\":" + json_text(owner_.id) : "");
      }

      const Reply reply = as(caller, row.method, target, body);
      if (reply.status != expected) {
        ADD_FAILURE() << cell << ": expected " << expected << ", got " << reply.status << " "
                      << reply.body;
        continue;
      }
      // Every answer: JSON, not cached; errors say why; 401 says how to authenticate.
      EXPECT_EQ(reply.header("cache-control"), "no-store") << cell;
      if (expected == 204) {
        // No content: no body, and so no Content-Type either.
        EXPECT_EQ(reply.header("content-type"), "") << cell;
        EXPECT_EQ(reply.body, "") << cell;
      } else {
        EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8") << cell;
        EXPECT_FALSE(reply.json().isNull()) << cell << ": not a JSON object: " << reply.body;
      }
      if (!allowed) {
        EXPECT_NE(reply.error(), "") << cell << ": " << reply.body;
      }
      if (expected == 401) {
        EXPECT_THAT(reply.header("www-authenticate"), StartsWith("Bearer realm=\"concerto\""))
            << cell;
      }

      // What the call did, or did not do.
      if (row.target == kFeed) {
        auto after = registry_->feed(feed_id);
        ASSERT_TRUE(after.ok()) << after.error();
        if (row.method == "DELETE") {
          EXPECT_EQ(after->has_value(), !allowed) << cell << ": deleted or not";
          continue;
        }
        ASSERT_TRUE(after->has_value()) << cell << ": the feed went";
        EXPECT_EQ((*after)->config.name,
                  row.method == "PATCH" && allowed ? new_name : "Registered directly")
            << cell;
        EXPECT_EQ((*after)->approved, row.action == "/approve" && allowed) << cell;
        auto status = store_->status(feed_id);
        ASSERT_TRUE(status.ok()) << status.error();
        EXPECT_EQ(status->has_value(), row.action == "/refresh" && allowed)
            << cell << ": fetched or not";
      }
      if (row.target == kCollection && row.method == "POST") {
        const auto posted = registered_with_url(feed_url);
        EXPECT_EQ(posted.has_value(), allowed) << cell << ": registered or not";
        if (posted && allowed) {
          const Party* by = parties[static_cast<std::size_t>(who)];
          EXPECT_EQ(posted->partner_id, by != nullptr ? by->id : owner_.id) << cell;
        }
      }
    }
  }
}

TEST_F(PartnerApiTest, AListShowsOnesOwnFeedsAndEveryFeedToAdministrators) {
  const std::string mine1 = register_feed(owner_, good_.url() + "?a");
  const std::string mine2 = register_feed(owner_, good_.url() + "?b");
  const std::string theirs = register_feed(other_, good_.url() + "?c");
  const auto ids_for = [&](Caller caller) {
    const Reply reply = as(caller, "GET", "/api/feeds");
    EXPECT_EQ(reply.status, 200) << kCallerNames[caller] << ": " << reply.body;
    return strings_of(reply.json(), "feeds", "id");
  };
  EXPECT_THAT(ids_for(kOwner), ::testing::ElementsAre(mine1, mine2));
  EXPECT_THAT(ids_for(kOtherPartner), ::testing::ElementsAre(theirs));
  EXPECT_THAT(ids_for(kPartnerAdmin), ::testing::ElementsAre(mine1, mine2, theirs));
  EXPECT_THAT(ids_for(kConfigAdmin), ::testing::ElementsAre(mine1, mine2, theirs));
  // feeds/*.ini feeds are not the API's.
  EXPECT_EQ(as(kConfigAdmin, "GET", "/api/feeds/mairie").status, 404);
  EXPECT_EQ(as(kConfigAdmin, "DELETE", "/api/feeds/mairie").status, 404);
  // The public status list stays public.
  EXPECT_EQ(public_get("/api/feeds/status").status, 200);
}

TEST_F(PartnerApiTest, TokensAreReadStrictly) {
  const std::string mine = register_feed(owner_, good_.url() + "?t");
  const std::string target = "/api/feeds/" + mine;
  const auto with = [&](const std::string& authorization) {
    Call call;
    call.target = target;
    call.authorization = authorization;
    return send(call).status;
  };
  EXPECT_EQ(with("Bearer " + owner_.token), 200);
  EXPECT_EQ(with("bearer " + owner_.token), 200);  // the scheme in any case
  EXPECT_EQ(with("Bearer   " + owner_.token + "  "), 200);
  EXPECT_EQ(with("Bearer"), 401);
  EXPECT_EQ(with("Bearer "), 401);
  EXPECT_EQ(with("Basic " + owner_.token), 401);
  EXPECT_EQ(with(owner_.token), 401);
  EXPECT_EQ(with("Bearer " + owner_.token.substr(0, owner_.token.size() - 1)), 401);
  EXPECT_EQ(with("Bearer " + owner_.token + "x"), 401);
  // The stored hash is no token.
  EXPECT_EQ(with("Bearer " + core::token_hash(owner_.token)), 401);
  // A rotated token stops working at once; the new one works.
  auto fresh = core::new_token();
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE(registry_->set_token(owner_.id, core::token_hash(*fresh)).ok());
  EXPECT_EQ(with("Bearer " + owner_.token), 401);
  EXPECT_EQ(with("Bearer " + *fresh), 200);
  // A partner enabled again gets in again.
  ASSERT_TRUE(registry_->set_disabled(disabled_.id, false).ok());
  EXPECT_EQ(as(kDisabled, "GET", "/api/feeds").status, 200);
}

TEST_F(PartnerApiTest, AdministratorsRegisterFeedsForAPartner) {
  // The [admin] token is no partner: it must say for whom.
  Reply unowned = as(kConfigAdmin, "POST", "/api/feeds", feed_body(good_.url(), "Sans partenaire"));
  EXPECT_EQ(unowned.status, 400) << unowned.body;
  EXPECT_THAT(unowned.error(), HasSubstr("partner"));
  Reply nobody = as(kConfigAdmin, "POST", "/api/feeds",
                    feed_body(good_.url(), "Personne", ",\"partner\":\"partner-ffffffffffff\""));
  EXPECT_EQ(nobody.status, 400) << nobody.body;
  // A partner cannot register for another one.
  Reply for_other =
      as(kOwner, "POST", "/api/feeds",
         feed_body(good_.url(), "Pour un autre", ",\"partner\":" + json_text(other_.id)));
  EXPECT_EQ(for_other.status, 400) << for_other.body;
  EXPECT_TRUE(registered().empty());
  EXPECT_EQ(good_.requests(), 0);

  Reply for_partner =
      as(kPartnerAdmin, "POST", "/api/feeds",
         feed_body(good_.url(), "Pour Vélo Lille", ",\"partner\":" + json_text(other_.id)));
  ASSERT_EQ(for_partner.status, 201) << for_partner.body;
  EXPECT_EQ(for_partner.json()->getObject("feed")->getValue<std::string>("partner"), other_.id);
  // The partner sees it as its own.
  EXPECT_EQ(as(kOtherPartner, "GET", "/api/feeds/" + id_of(for_partner)).status, 200);
  EXPECT_EQ(as(kOwner, "GET", "/api/feeds/" + id_of(for_partner)).status, 403);
}

// ---------------------------------------------------------------------------------------------
// What may not be registered.

struct HostileUrl {
  std::string url;
  bool loopback;  // reaches this machine: refused only where 127.0.0.0/8 is not allowed
};

std::vector<HostileUrl> hostile_urls() {
  return {
      // Private, link-local, CGNAT, multicast, broadcast, "this network", in many spellings.
      {"http://10.0.0.1/", false},
      {"http://192.168.1.1", false},
      {"http://172.16.0.1", false},
      {"http://172.31.255.254:8443/agenda.ics", false},
      {"http://169.254.169.254/latest/meta-data", false},
      {"http://169.254.169.254./latest/meta-data/iam", false},
      {"http://0xa9fea9fe/latest/meta-data", false},
      {"http://2852039166/latest/meta-data", false},
      {"http://0x0a000001/", false},
      {"http://012.0.0.1/", false},
      {"http://10.1/", false},
      {"http://100.64.0.1/", false},
      {"http://224.0.0.1/", false},
      {"http://255.255.255.255/", false},
      {"http://0.0.0.0/", false},
      {"http://0/", false},
      {"HTTP://192.168.0.10/agenda.ics", false},
      {"http://[fe80::1]/", false},
      {"http://[fe80::1%25eth0]/", false},
      {"http://[fc00::1]/", false},
      {"http://[fd00:ec2::254]/latest/meta-data", false},
      {"http://[::ffff:169.254.169.254]/", false},
      {"http://[::ffff:a9fe:a9fe]/", false},
      {"http://[64:ff9b::10.0.0.1]/", false},
      {"http://[2002:c0a8:0101::1]/", false},
      {"http://[ff02::1]/", false},
      {"http://[::]/", false},
      {"http://10.0.0.1#@example.org/", false},
      // Loopback.
      {"http://127.0.0.1/", true},
      {"http://127.0.0.1./", true},
      {"http://[::1]/", true},
      {"http://[::ffff:127.0.0.1]/", true},
      {"http://[::ffff:7f00:1]/", true},
      {"http://2130706433/", true},
      {"http://0x7f.1/", true},
      {"http://0x7f000001/", true},
      {"http://0177.0.0.1/", true},
      {"http://127.1/", true},
      {"http://localhost/", true},
      {"http://LOCALHOST:8080/agenda.ics", true},
      {"http://foo.localhost/", true},
      {"http://localhost./", true},
      // Other schemes, and what only looks like http.
      {"file:///etc/passwd", false},
      {"ftp://example.org/agenda.ics", false},
      {"gopher://example.org:70/_GET", false},
      {"javascript:alert(1)", false},
      {"data:text/calendar,BEGIN:VCALENDAR", false},
      {"webcal://example.org/agenda.ics", false},
      {"dict://example.org:11211/stat", false},
      {"example.org/agenda.ics", false},
      {"//example.org/agenda.ics", false},
      {"http:/example.org/agenda.ics", false},
      {"http:///example.org/agenda.ics", false},
      {"http:\\\\example.org\\agenda.ics", false},
      // Credentials, and hosts hidden behind an '@'.
      {"http://user:secretpw@example.org/agenda.ics", false},
      {"http://user@example.org/agenda.ics", false},
      {"http://example.org@10.0.0.1/", false},
      {"http://example.org\\@10.0.0.1/", false},
      // Hosts that are no host.
      {"http://%31%30.0.0.1/", false},
      {"http://exa mple.org/", false},
      {"http://example.org/a b.ics", false},
      {"http://example.org/\tagenda.ics", false},
      {std::string("http://example.org/\x01.ics"), false},
      {"http://example.org/\x7f.ics", false},
      {"http://example.org:99999/", false},
      {"http://example.org:80a/", false},
      {"http://ex\xc3\xa4mple.org/", false},
      {"http:///", false},
      // Longer than 2048 bytes.
      {"https://example.org/" + std::string(2100, 'a'), false},
  };
}

TEST_F(PartnerApiTest, RefusesInternalAndNonHttpUrlsWith422AndRegistersNothing) {
  ApiConfig strict;
  strict.text_allow = {};
  strict.connect_allow = {};
  const RunningApi& locked = start(strict);
  const std::vector<HostileUrl> urls = hostile_urls();
  ASSERT_GE(urls.size(), 30u);
  for (const HostileUrl& hostile : urls) {
    const std::string shown = hostile.url.substr(0, 80);
    // Strict policy: every one refused.
    const Reply strict_reply =
        as(owner_.token, "POST", "/api/feeds", feed_body(hostile.url, "Hostile"), &locked);
    EXPECT_EQ(strict_reply.status, 422) << shown << ": " << strict_reply.body.substr(0, 300);
    EXPECT_THAT(strict_reply.error(), StartsWith("refused")) << shown;
    EXPECT_THAT(strict_reply.body, Not(HasSubstr("secretpw"))) << shown;
    // The API's own policy allows 127.0.0.0/8 (the test feeds): everything else still refused.
    if (!hostile.loopback) {
      const Reply reply = as(owner_.token, "POST", "/api/feeds", feed_body(hostile.url, "Hostile"));
      EXPECT_EQ(reply.status, 422) << shown << ": " << reply.body.substr(0, 300);
      EXPECT_THAT(reply.body, Not(HasSubstr("secretpw"))) << shown;
    }
  }
  EXPECT_TRUE(registered().empty());
  // Administrators are held to the same rules.
  const Reply admin = as(kPartnerAdmin, "POST", "/api/feeds",
                         feed_body("http://169.254.169.254/latest/meta-data", "Meta"));
  EXPECT_EQ(admin.status, 422) << admin.body;
  EXPECT_TRUE(registered().empty());
  // Nothing was fetched.
  EXPECT_EQ(good_.requests(), 0);
}

TEST_F(PartnerApiTest, UrlsSpelledWithJsonEscapesAreJudgedAsDecoded) {
  for (const std::string body : {
           R"({"url":"http:\/\/10.0.0.1\/","name":"x"})",
           R"({"url":"http://\u0031\u0030.0.0.1/","name":"x"})",
           R"({"url":"http://169.254.169.254\u002flatest","name":"x"})",
           R"({"url":"http://example.org/\u0000@10.0.0.1/","name":"x"})",
           R"({"url":"http://example.org\u000d\u000aHost: 10.0.0.1/","name":"x"})",
           R"({"url":"http://127.0.0.1\u3002/","name":"x"})",
           R"({"url":"http://\uff11\uff10.0.0.1/","name":"x"})",
           R"({"url":"http://exa\u00admple.org/","name":"x"})",
           R"({"url":"\u0066ile:///etc/passwd","name":"x"})",
       }) {
    const Reply reply = as(kOwner, "POST", "/api/feeds", body);
    EXPECT_EQ(reply.status, 422) << body << ": " << reply.body;
  }
  EXPECT_TRUE(registered().empty());
}

TEST_F(PartnerApiTest, ConcurrentRegistrationsOfOneUrlMakeOneFeed) {
  constexpr int kClients = 8;
  std::vector<int> statuses(kClients, 0);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      Call call{"POST",
                "/api/feeds",
                bearer(i % 2 == 0 ? owner_.token : other_.token),
                feed_body(good_.url(), "Concurrent " + std::to_string(i)),
                kJson,
                false};
      statuses[static_cast<std::size_t>(i)] = perform(api_->port(), call).status;
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1)
      << ::testing::PrintToString(statuses);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), kClients - 1)
      << ::testing::PrintToString(statuses);
  EXPECT_EQ(registered().size(), 1u);
}

TEST_F(PartnerApiTest, AChangeToAnInternalUrlIsRefusedToo) {
  const std::string id = register_feed(owner_, good_.url());
  for (const std::string url :
       {"http://10.0.0.1/", "http://169.254.169.254/latest/meta-data", "file:///etc/passwd",
        "http://user:secretpw@example.org/", "http://[fd00:ec2::254]/"}) {
    const Reply reply = as(kOwner, "PATCH", "/api/feeds/" + id, "{\"url\":" + json_text(url) + "}");
    EXPECT_EQ(reply.status, 422) << url << ": " << reply.body;
    EXPECT_THAT(reply.body, Not(HasSubstr("secretpw")));
  }
  EXPECT_EQ((*registry_->feed(id))->config.url, good_.url());
}

TEST_F(PartnerApiTest, AUrlThatConnectsToAnInternalAddressIsRefusedAndNotRegistered) {
  // The URL's text passes (as a name that resolves to an internal address would), the
  // connection does not.
  ApiConfig text_only;
  text_only.connect_allow = {};
  const RunningApi& api = start(text_only);
  const Reply reply = create(good_.url(), "Interne", &api);
  EXPECT_EQ(reply.status, 422) << reply.body;
  EXPECT_THAT(reply.error(), StartsWith("refused: 127.0.0.1 is a loopback address"));
  EXPECT_TRUE(registered().empty());
  EXPECT_EQ(good_.requests(), 0);
  // Refused is not taken: the URL can be registered where it may be fetched.
  EXPECT_EQ(create(good_.url()).status, 201);
}

TEST_F(PartnerApiTest, AChangeToAUrlThatConnectsToAnInternalAddressIsRefused) {
  ApiConfig text_only;
  text_only.connect_allow = {};
  const RunningApi& api = start(text_only);
  const std::string id = register_feed(owner_, "https://partner.example/agenda.ics");
  const Reply reply = as(owner_.token, "PATCH", "/api/feeds/" + id,
                         "{\"url\":" + json_text(good_.url()) + "}", &api);
  // As for a registration (the contract: "refused (422) and not registered").
  EXPECT_EQ(reply.status, 422) << reply.body;
  EXPECT_EQ((*registry_->feed(id))->config.url, "https://partner.example/agenda.ics");
}

TEST_F(PartnerApiTest, RejectsMalformedBodiesWith400) {
  const std::string url = good_.url();
  const std::string u = "\"url\":" + json_text(url);
  const std::vector<std::string> bodies = {
      "",
      "   ",
      "{",
      "{\"url\":",
      "{\"url\": \"" + url + "\", }",
      "{url: \"" + url + "\", name: \"x\"}",
      "{'url': '" + url + "', 'name': 'x'}",
      "[]",
      "[" + feed_body(url, "x") + "]",
      "5",
      "\"" + url + "\"",
      "null",
      "true",
      feed_body(url, "x") + " trailing",
      feed_body(url, "x") + feed_body(url, "y"),
      "{}",
      "{\"url\": 5, \"name\": \"x\"}",
      "{\"url\": null, \"name\": \"x\"}",
      "{\"url\": [" + json_text(url) + "], \"name\": \"x\"}",
      "{" + u + ", \"name\": null}",
      "{" + u + ", \"name\": 7}",
      "{" + u + ", \"name\": true}",
      "{" + u + ", \"name\": [\"x\"]}",
      "{" + u + ", \"name\": {\"fr\": \"x\"}}",
      "{" + u + "}",
      "{\"name\": \"x\"}",
      "{\"url\": \"\", \"name\": \"x\"}",
      "{\"url\": \"   \", \"name\": \"x\"}",
      "{" + u + ", \"name\": \"\"}",
      "{" + u + ", \"name\": \"  \\t \"}",
      "{" + u + ", \"name\": \"" + std::string(201, 'n') + "\"}",
      "{" + u + ", \"name\": \"x\", \"colour\": \"red\"}",
      "{" + u + ", \"name\": \"x\", \"id\": \"p-000000000001\"}",
      "{" + u + ", \"name\": \"x\", \"approved\": true}",
      "{" + u + ", \"name\": \"x\", \"token\": \"cct_x\"}",
      "{" + u + ", \"name\": \"x\", \"format\": \"pdf\"}",
      "{" + u + ", \"name\": \"x\", \"format\": 3}",
      "{" + u + ", \"name\": \"x\", \"format\": \"\"}",
      "{" + u + ", \"name\": \"x\", \"timezone\": \"Europe/Pariss\"}",
      "{" + u + ", \"name\": \"x\", \"timezone\": \"Mars/Olympus_Mons\"}",
      "{" + u + ", \"name\": \"x\", \"timezone\": 1}",
      "{" + u + ", \"name\": \"x\", \"category\": false}",
      "{" + u + ", \"name\": \"x\", \"category\": \"" + std::string(101, 'c') + "\"}",
      "{" + u + ", \"name\": \"x\", \"extra\": [[[[[[[[[[[[1]]]]]]]]]]]]}",
      "{" + u + ", \"name\": \"\xff\xfe\"}",
  };
  for (const std::string& body : bodies) {
    const Reply reply = as(kOwner, "POST", "/api/feeds", body);
    EXPECT_EQ(reply.status, 400) << "body " << body.substr(0, 120) << ": " << reply.body;
    EXPECT_NE(reply.error(), "") << "body " << body.substr(0, 120) << ": " << reply.body;
  }
  // A PATCH is read the same way.
  const std::string id = register_feed(owner_, good_.url() + "?patched");
  for (const std::string body :
       {"[]", "{\"name\": null}", "{\"name\": \"\"}", "{\"url\": 5}", "{\"colour\": \"red\"}",
        "{\"format\": \"pdf\"}", "{\"timezone\": \"Europe/Pariss\"}",
        "{\"partner\": \"partner-00000000000b\"}", "{"}) {
    const Reply reply = as(kOwner, "PATCH", "/api/feeds/" + id, std::string(body));
    EXPECT_EQ(reply.status, 400) << "PATCH " << body << ": " << reply.body;
  }
  EXPECT_EQ(registered().size(), 1u);
  EXPECT_EQ((*registry_->feed(id))->config.name, "Registered directly");
  EXPECT_EQ(good_.requests(), 0);
}

TEST_F(PartnerApiTest, RefusesBodiesOver16KiBWith413) {
  // A body of exactly the limit is read (and refused for its oversized category: 400).
  const std::string head = "{\"url\":" + json_text(good_.url()) + ",\"name\":\"x\",\"category\":\"";
  const std::string tail = "\"}";
  const std::string at_limit =
      head + std::string(server::kMaxPartnerBody - head.size() - tail.size(), 'c') + tail;
  ASSERT_EQ(at_limit.size(), server::kMaxPartnerBody);
  EXPECT_EQ(as(kOwner, "POST", "/api/feeds", at_limit).status, 400);
  const std::string over = head + std::string(server::kMaxPartnerBody, 'c') + tail;
  EXPECT_EQ(as(kOwner, "POST", "/api/feeds", over).status, 413);
  const std::string twenty_kib = head + std::string(20 * 1024, 'c') + tail;
  const Reply by_length = as(kOwner, "POST", "/api/feeds", twenty_kib);
  EXPECT_EQ(by_length.status, 413) << by_length.body;
  EXPECT_NE(by_length.error(), "");
  Call chunked{"POST", "/api/feeds", bearer(owner_.token), twenty_kib, kJson, true};
  const Reply by_chunks = send(chunked);
  EXPECT_EQ(by_chunks.status, 413) << by_chunks.body;
  const std::string id = register_feed(owner_, good_.url() + "?big");
  EXPECT_EQ(
      as(kOwner, "PATCH", "/api/feeds/" + id, "{\"name\":\"" + std::string(20 * 1024, 'n') + "\"}")
          .status,
      413);
  EXPECT_EQ(registered().size(), 1u);
}

TEST_F(PartnerApiTest, RefusesBodiesThatAreNotJsonWith415) {
  const std::string body = feed_body(good_.url(), "Agenda");
  for (const std::string type :
       {"text/plain", "", "application/x-www-form-urlencoded", "application/json; charset=latin1",
        "application/jsonx", "text/json", "multipart/form-data; boundary=x"}) {
    Call call{"POST", "/api/feeds", bearer(owner_.token), body, type, false};
    const Reply reply = send(call);
    EXPECT_EQ(reply.status, 415) << "Content-Type \"" << type << "\": " << reply.body;
  }
  const std::string id = register_feed(owner_, good_.url() + "?typed");
  Call patch{"PATCH", "/api/feeds/" + id, bearer(owner_.token), "{\"name\":\"x\"}", "text/plain",
             false};
  EXPECT_EQ(send(patch).status, 415);
  EXPECT_EQ(registered().size(), 1u);
  // With a charset of UTF-8, in any spelling, it is JSON.
  Call utf8{"POST", "/api/feeds", bearer(owner_.token), body, "Application/JSON; charset=\"UTF-8\"",
            false};
  EXPECT_EQ(send(utf8).status, 201);
}

TEST_F(PartnerApiTest, AnswersOtherMethodsAndPathsPlainly) {
  const std::string id = register_feed(owner_, good_.url() + "?m");
  struct Case {
    std::string method, target;
    int status;
    std::string allow;
  };
  for (const Case& c : std::vector<Case>{
           {"PUT", "/api/feeds", 405, "GET, HEAD, POST"},
           {"DELETE", "/api/feeds", 405, "GET, HEAD, POST"},
           {"PUT", "/api/feeds/" + id, 405, "GET, HEAD, PATCH, DELETE"},
           {"POST", "/api/feeds/" + id, 405, "GET, HEAD, PATCH, DELETE"},
           {"GET", "/api/feeds/" + id + "/refresh", 405, "POST"},
           {"GET", "/api/feeds/" + id + "/approve", 405, "POST"},
           {"POST", "/api/feeds/" + id + "/status", 405, "GET, HEAD"},
           {"GET", "/api/feeds/" + id + "/nothing", 404, ""},
           {"GET", "/api/feeds/", 404, ""},
           {"GET", "/api/feeds/" + id + "?x=1", 400, ""},
           {"GET", "/api/feeds?partner=x", 400, ""},
       }) {
    const Reply reply = as(kOwner, c.method, c.target);
    EXPECT_EQ(reply.status, c.status) << c.method << " " << c.target << ": " << reply.body;
    EXPECT_EQ(reply.header("allow"), c.allow) << c.method << " " << c.target;
  }
  EXPECT_TRUE(registry_->feed(id)->has_value());
}

TEST_F(PartnerApiTest, WithoutARegistryTheApiAnswers503) {
  ApiConfig none;
  none.with_registry = false;
  const RunningApi& api = start(none);
  EXPECT_EQ(as(owner_.token, "GET", "/api/feeds", std::nullopt, &api).status, 503);
  EXPECT_EQ(as(owner_.token, "POST", "/api/feeds", feed_body(good_.url(), "x"), &api).status, 503);
}

// ---------------------------------------------------------------------------------------------
// Registering, and the test fetch.

TEST_F(PartnerApiTest, RegistersAFeedAndAnswersWithItsTestFetch) {
  const Reply reply = create(good_.url(), "  Agenda de Décider ensemble  ");
  ASSERT_EQ(reply.status, 201) << reply.body;
  const Object::Ptr body = reply.json();
  ASSERT_FALSE(body.isNull()) << reply.body;
  const Object::Ptr feed = body->getObject("feed");
  const std::string id = feed->getValue<std::string>("id");
  EXPECT_THAT(id, MatchesRegex("p-[0-9a-f]{12}"));
  EXPECT_EQ(reply.header("location"), "/api/feeds/" + id);
  EXPECT_EQ(feed->getValue<std::string>("name"), "Agenda de Décider ensemble");
  EXPECT_EQ(feed->getValue<std::string>("url"), good_.url());
  EXPECT_EQ(feed->getValue<std::string>("format"), "auto");
  EXPECT_EQ(feed->getValue<std::string>("partner"), owner_.id);
  EXPECT_TRUE(feed->getValue<bool>("public"));
  EXPECT_THAT(feed->getValue<std::string>("created_at"),
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"));
  const Object::Ptr check = body->getObject("check");
  ASSERT_FALSE(check.isNull()) << reply.body;
  EXPECT_TRUE(check->getValue<bool>("ok")) << reply.body;
  EXPECT_EQ(check->getValue<int>("events"), 2) << reply.body;
  EXPECT_EQ(check->getValue<int>("http_code"), 200);
  EXPECT_TRUE(check->isNull("error")) << reply.body;
  EXPECT_EQ(check->getArray("problems")->size(), 0u) << reply.body;
  EXPECT_EQ(good_.requests(), 1);
  // Stored at once: the events are public as soon as the answer is out.
  const std::string events = events_json();
  EXPECT_THAT(events, HasSubstr(kGoodFirst));
  EXPECT_THAT(events, HasSubstr(kGoodSecond));
  EXPECT_THAT(events, HasSubstr(id));
  // The registry has it, as answered.
  const auto stored = registered_with_url(good_.url());
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->config.id, id);
  EXPECT_EQ(stored->partner_id, owner_.id);
  // Optional fields are kept, canonicalized.
  const Reply full = create(good_.url() + "?full", "Complet");
  ASSERT_EQ(full.status, 201) << full.body;
  const Reply detailed = as(kOwner, "POST", "/api/feeds",
                            feed_body(good_.url() + "?detailed", "Détaillé",
                                      ",\"format\":\" ICS \",\"category\":\"Mobilité\","
                                      "\"timezone\":\"Europe/Paris\""));
  ASSERT_EQ(detailed.status, 201) << detailed.body;
  const Object::Ptr detailed_feed = detailed.json()->getObject("feed");
  EXPECT_EQ(detailed_feed->getValue<std::string>("format"), "ics");
  EXPECT_EQ(detailed_feed->getValue<std::string>("category"), "Mobilité");
  EXPECT_EQ(detailed_feed->getValue<std::string>("timezone"), "Europe/Paris");
}

TEST_F(PartnerApiTest, TheTestFetchListsProblemsWithTheirLines) {
  const Reply reply = create(broken_.url(), "Agenda cassé");
  ASSERT_EQ(reply.status, 201) << reply.body;
  const Object::Ptr check = reply.json()->getObject("check");
  EXPECT_TRUE(check->getValue<bool>("ok")) << reply.body;
  EXPECT_EQ(check->getValue<int>("events"), 1) << reply.body;
  const auto problems = check->getArray("problems");
  ASSERT_GE(problems->size(), 1u) << reply.body;
  bool found = false;
  for (std::size_t i = 0; i < problems->size(); ++i) {
    const auto problem = problems->getObject(static_cast<unsigned>(i));
    if (problem->getValue<int>("line") == kBrokenLine) {
      found = true;
      EXPECT_NE(problem->getValue<std::string>("message"), "");
    }
  }
  EXPECT_TRUE(found) << "no problem on line " << kBrokenLine << ": " << reply.body;
  EXPECT_THAT(events_json(), HasSubstr(kBrokenGood));
  // They are kept with the read: the feed's status lists them later too.
  const std::string id = reply.json()->getObject("feed")->getValue<std::string>("id");
  const Reply status = as(kOwner, "GET", "/api/feeds/" + id + "/status");
  ASSERT_EQ(status.status, 200) << status.body;
  const auto stored = status.json()->getArray("problems");
  ASSERT_EQ(stored->size(), problems->size()) << status.body;
  EXPECT_EQ(stored->getObject(0)->getValue<std::string>("severity"), "error") << status.body;
  EXPECT_THAT(status.body, HasSubstr("\"line\":" + std::to_string(kBrokenLine)));
}

TEST_F(PartnerApiTest, AFeedThatCannotBeReadIsStillRegisteredWithTheReason) {
  // The agenda server itself answers 404 on this path.
  const std::string missing =
      "http://127.0.0.1:" + std::to_string(api_->port()) + "/missing/agenda.ics";
  const Reply reply = create(missing, "Agenda introuvable");
  ASSERT_EQ(reply.status, 201) << reply.body;
  const Object::Ptr check = reply.json()->getObject("check");
  EXPECT_FALSE(check->getValue<bool>("ok")) << reply.body;
  EXPECT_EQ(check->getValue<int>("http_code"), 404) << reply.body;
  EXPECT_EQ(check->getValue<int>("events"), 0);
  ASSERT_FALSE(check->isNull("error")) << reply.body;
  EXPECT_THAT(check->getValue<std::string>("error"), HasSubstr("404"));
  const std::string id = id_of(reply);
  EXPECT_EQ(as(kOwner, "GET", "/api/feeds/" + id).status, 200);
  const Reply status = as(kOwner, "GET", "/api/feeds/" + id + "/status");
  ASSERT_EQ(status.status, 200) << status.body;
  const Object::Ptr s = status.json();
  EXPECT_EQ(s->getValue<int>("http_code"), 404);
  EXPECT_THAT(s->getValue<std::string>("error"), HasSubstr("404"));
  EXPECT_EQ(s->getValue<int>("consecutive_failures"), 1);
  EXPECT_TRUE(s->isNull("last_success")) << status.body;
  EXPECT_FALSE(s->isNull("last_fetch")) << status.body;

  // Nothing listening at all: also registered, with the reason.
  const Reply closed = create("http://127.0.0.1:9/agenda.ics", "Agenda fermé");
  ASSERT_EQ(closed.status, 201) << closed.body;
  EXPECT_FALSE(closed.json()->getObject("check")->getValue<bool>("ok"));
  EXPECT_FALSE(closed.json()->getObject("check")->isNull("error"));
}

TEST_F(PartnerApiTest, AUrlAlreadyRegisteredIsAConflict) {
  ASSERT_EQ(create(good_.url()).status, 201);
  const Reply again = create(good_.url(), "Encore");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_NE(again.error(), "");
  EXPECT_EQ(create("  " + good_.url() + "\t", "Avec des espaces").status, 409);
  EXPECT_EQ(as(kOtherPartner, "POST", "/api/feeds", feed_body(good_.url(), "Autre")).status, 409);
  EXPECT_EQ(as(kPartnerAdmin, "POST", "/api/feeds", feed_body(good_.url(), "Admin")).status, 409);
  // A feeds/*.ini feed's URL counts as registered.
  EXPECT_EQ(create(kLocalFeedUrl, "Mairie bis").status, 409);
  EXPECT_EQ(registered().size(), 1u);
  // The duplicate was refused before any fetch.
  EXPECT_EQ(good_.requests(), 1);
  // Moving another feed onto the URL is a conflict too.
  const Reply second = create(broken_.url(), "Deuxième");
  ASSERT_EQ(second.status, 201);
  EXPECT_EQ(
      as(kOwner, "PATCH", "/api/feeds/" + id_of(second), "{\"url\":" + json_text(good_.url()) + "}")
          .status,
      409);
  EXPECT_EQ((*registry_->feed(id_of(second)))->config.url, broken_.url());
}

TEST_F(PartnerApiTest, ARefreshIsAllowedOnceAMinutePerFeed) {
  const std::string id = register_feed(owner_, good_.url());
  const Reply first = as(kOwner, "POST", "/api/feeds/" + id + "/refresh");
  ASSERT_EQ(first.status, 200) << first.body;
  const Object::Ptr check = first.json()->getObject("check");
  EXPECT_TRUE(check->getValue<bool>("ok")) << first.body;
  EXPECT_EQ(check->getValue<int>("events"), 2);
  EXPECT_EQ(good_.requests(), 1);

  const Reply second = as(kOwner, "POST", "/api/feeds/" + id + "/refresh");
  EXPECT_EQ(second.status, 429) << second.body;
  EXPECT_NE(second.error(), "");
  const std::string retry = second.header("retry-after");
  ASSERT_THAT(retry, MatchesRegex("[0-9]+")) << second.body;
  EXPECT_GE(std::stoi(retry), 1);
  EXPECT_LE(std::stoi(retry), 60);
  // An administrator is held to the same minute; nothing was fetched.
  EXPECT_EQ(as(kConfigAdmin, "POST", "/api/feeds/" + id + "/refresh").status, 429);
  EXPECT_EQ(good_.requests(), 1);
  // Per feed: another feed refreshes.
  const std::string other = register_feed(owner_, broken_.url());
  EXPECT_EQ(as(kOwner, "POST", "/api/feeds/" + other + "/refresh").status, 200);

  // The registration's test fetch counts as the first fetch.
  const Reply created = create(good_.url() + "?new");
  ASSERT_EQ(created.status, 201);
  const Reply right_after = as(kOwner, "POST", "/api/feeds/" + id_of(created) + "/refresh");
  EXPECT_EQ(right_after.status, 429) << right_after.body;
  EXPECT_FALSE(right_after.header("retry-after").empty());
}

TEST_F(PartnerApiTest, TheStatusSaysHowTheLastFetchWent) {
  // Never fetched yet.
  const std::string idle = register_feed(owner_, good_.url() + "?idle");
  const Reply never = as(kOwner, "GET", "/api/feeds/" + idle + "/status");
  ASSERT_EQ(never.status, 200) << never.body;
  const Object::Ptr n = never.json();
  for (const char* field : {"last_fetch", "last_success", "error", "next_fetch"}) {
    EXPECT_TRUE(n->isNull(field)) << field << ": " << never.body;
  }
  for (const char* field : {"http_code", "consecutive_failures", "event_count", "problem_count"}) {
    EXPECT_EQ(n->getValue<int>(field), 0) << field << ": " << never.body;
  }

  const Reply created = create(broken_.url());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = id_of(created);
  const Reply reply = as(kOwner, "GET", "/api/feeds/" + id + "/status");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const Object::Ptr s = reply.json();
  ASSERT_FALSE(s.isNull()) << reply.body;
  const std::string iso = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z";
  const std::string last_fetch = s->getValue<std::string>("last_fetch");
  EXPECT_THAT(last_fetch, MatchesRegex(iso));
  EXPECT_EQ(s->getValue<std::string>("last_success"), last_fetch);
  const std::string next_fetch = s->getValue<std::string>("next_fetch");
  EXPECT_THAT(next_fetch, MatchesRegex(iso));
  EXPECT_GT(next_fetch, last_fetch);
  EXPECT_EQ(s->getValue<int>("http_code"), 200);
  EXPECT_TRUE(s->isNull("error")) << reply.body;
  EXPECT_EQ(s->getValue<int>("consecutive_failures"), 0);
  EXPECT_EQ(s->getValue<int>("event_count"), 1);
  EXPECT_GE(s->getValue<int>("problem_count"), 1);
  // GET /api/feeds/<id>: the feed and the same status.
  const Reply shown = as(kOwner, "GET", "/api/feeds/" + id);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json()->getObject("feed")->getValue<std::string>("id"), id);
  EXPECT_EQ(shown.json()->getObject("status")->getValue<std::string>("last_fetch"), last_fetch);
  EXPECT_EQ(shown.json()->getObject("status")->getValue<int>("event_count"), 1);
}

TEST_F(PartnerApiTest, DeletingAFeedRemovesItAndItsEvents) {
  const Reply created = create(good_.url());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = id_of(created);
  ASSERT_THAT(events_json(), HasSubstr(kGoodFirst));

  const Reply removed = as(kOwner, "DELETE", "/api/feeds/" + id);
  EXPECT_EQ(removed.status, 204) << removed.body;
  EXPECT_EQ(removed.body, "");
  EXPECT_EQ(as(kOwner, "GET", "/api/feeds/" + id).status, 404);
  EXPECT_EQ(as(kOwner, "GET", "/api/feeds/" + id + "/status").status, 404);
  EXPECT_EQ(as(kOwner, "DELETE", "/api/feeds/" + id).status, 404);
  EXPECT_EQ(as(kOwner, "PATCH", "/api/feeds/" + id, std::string("{\"name\":\"x\"}")).status, 404);
  EXPECT_EQ(as(kOwner, "POST", "/api/feeds/" + id + "/refresh").status, 404);
  EXPECT_EQ(as(kConfigAdmin, "POST", "/api/feeds/" + id + "/approve").status, 404);
  EXPECT_TRUE(strings_of(as(kOwner, "GET", "/api/feeds").json(), "feeds", "id").empty());
  const std::string events = events_json();
  EXPECT_THAT(events, Not(HasSubstr(kGoodFirst)));
  EXPECT_THAT(events, Not(HasSubstr(id)));
  EXPECT_THAT(public_get("/calendar.ics").body, Not(HasSubstr(kGoodFirst)));
  // The URL is free again.
  EXPECT_EQ(create(good_.url()).status, 201);
}

TEST_F(PartnerApiTest, APatchChangesTheNameAndAUrlChangeChecksTheFeedAgain) {
  const Reply created = create(good_.url(), "Ancien nom");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = id_of(created);
  const std::string target = "/api/feeds/" + id;

  const Reply renamed = as(kOwner, "PATCH", target, std::string("{\"name\":\"Nouveau nom\"}"));
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json()->getObject("feed")->getValue<std::string>("name"), "Nouveau nom");
  EXPECT_FALSE(renamed.json()->has("check")) << "a name change fetches nothing: " << renamed.body;
  EXPECT_EQ(good_.requests(), 1);
  const Reply shown = as(kOwner, "GET", target);
  EXPECT_EQ(shown.json()->getObject("feed")->getValue<std::string>("name"), "Nouveau nom");
  EXPECT_EQ((*registry_->feed(id))->config.name, "Nouveau nom");
  EXPECT_EQ((*registry_->feed(id))->config.url, good_.url());

  // The same URL again is no change.
  const Reply same = as(kOwner, "PATCH", target, "{\"url\":" + json_text(good_.url()) + "}");
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_FALSE(same.json()->has("check")) << same.body;

  const Reply moved = as(kOwner, "PATCH", target, "{\"url\":" + json_text(broken_.url()) + "}");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json()->getObject("feed")->getValue<std::string>("url"), broken_.url());
  ASSERT_TRUE(moved.json()->has("check")) << moved.body;
  const Object::Ptr check = moved.json()->getObject("check");
  EXPECT_EQ(check->getValue<int>("events"), 1) << moved.body;
  EXPECT_GE(check->getArray("problems")->size(), 1u) << moved.body;
  EXPECT_EQ(broken_.requests(), 1);
  EXPECT_EQ((*registry_->feed(id))->config.url, broken_.url());
  EXPECT_THAT(events_json(), HasSubstr(kBrokenGood));
  EXPECT_EQ(as(kOwner, "GET", target + "/status").json()->getValue<int>("event_count"), 1);

  // Another partner, or a partner trying to give the feed away, changes nothing.
  EXPECT_EQ(as(kOtherPartner, "PATCH", target, std::string("{\"name\":\"Volé\"}")).status, 403);
  EXPECT_EQ(as(kOwner, "PATCH", target, "{\"partner\":" + json_text(other_.id) + "}").status, 400);
  EXPECT_EQ((*registry_->feed(id))->config.name, "Nouveau nom");
  EXPECT_EQ((*registry_->feed(id))->partner_id, owner_.id);
}

TEST_F(PartnerApiTest, ARenamedFeedShowsItsNewNameOnThePages) {
  const Reply created = create(good_.url(), "Ancien nom");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string home = public_get("/").body;
  std::smatch link;
  ASSERT_TRUE(std::regex_search(home, link, std::regex("href=\"(/events/atelier-1[^\"]*)\"")))
      << home;
  const std::string page = link[1];
  // The event page names its sources: "partner (feed)".
  const auto sources = [&] {
    const std::string body = public_get(page).body;
    const auto at = body.find("<section class=\"sources\">");
    return at == std::string::npos ? body : body.substr(at, body.find("</section>", at) - at);
  };
  EXPECT_THAT(sources(), HasSubstr("(Ancien nom)"));
  ASSERT_EQ(
      as(kOwner, "PATCH", "/api/feeds/" + id_of(created), std::string("{\"name\":\"Nouveau nom\"}"))
          .status,
      200);
  // The rename must reach the pages (a cached rendering of the old name is stale).
  EXPECT_THAT(sources(), HasSubstr("(Nouveau nom)")) << page;
}

TEST_F(PartnerApiTest, AUrlOfAtMost2048BytesIsAccepted) {
  const std::string base = good_.url() + "?pad=";
  const std::string at_limit = base + std::string(server::kMaxFeedUrlBytes - base.size(), 'a');
  ASSERT_EQ(at_limit.size(), 2048u);
  const Reply accepted = create(at_limit);
  EXPECT_EQ(accepted.status, 201) << accepted.body.substr(0, 300);
  const Reply refused = create(at_limit + "a");
  EXPECT_EQ(refused.status, 422) << refused.body.substr(0, 300);
  EXPECT_THAT(refused.error(), HasSubstr("2048"));
  EXPECT_EQ(registered().size(), 1u);
}

// One upcoming event in floating time (no TZID): the feed's timezone says when it is.
constexpr const char* kFloating = "Rencontre en heure flottante";
std::string floating_calendar() {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Partner//FR\r\n"
         "BEGIN:VEVENT\r\nUID:flottant-1@partner.example\r\nDTSTAMP:20261101T000000Z\r\n"
         "DTSTART:" +
         ics_day(15) + "T180000\r\nDURATION:PT1H\r\nSUMMARY:" + kFloating +
         "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
}

// The event of /api/events whose summary is `summary`; null when absent.
Object::Ptr served_event(const Reply& events, const std::string& summary) {
  const Object::Ptr root = events.json();
  if (root.isNull() || !root->has("events")) return nullptr;
  const auto list = root->getArray("events");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Object::Ptr event = list->getObject(static_cast<unsigned>(i));
    if (event->getValue<std::string>("summary") == summary) return event;
  }
  return nullptr;
}

TEST_F(PartnerApiTest, AChangeOfTimezoneRereadsTheFeed) {
  testing::FeedServer floating(floating_calendar());  // answers 304 to its ETag, as servers do
  const Reply created = as(kOwner, "POST", "/api/feeds",
                           feed_body(floating.url(), "Flottant", ",\"timezone\":\"Europe/Paris\""));
  ASSERT_EQ(created.status, 201) << created.body;
  Object::Ptr event = served_event(public_get("/api/events"), kFloating);
  ASSERT_FALSE(event.isNull());
  EXPECT_EQ(event->getValue<std::string>("timezone"), "Europe/Paris");
  const std::string paris_start = event->getValue<std::string>("start");

  const Reply moved = as(kOwner, "PATCH", "/api/feeds/" + id_of(created),
                         std::string("{\"timezone\":\"America/Montreal\"}"));
  ASSERT_EQ(moved.status, 200) << moved.body;
  ASSERT_TRUE(moved.json()->has("check")) << moved.body;
  EXPECT_EQ(floating.requests(), 2);
  // The same document read again in the new zone: 18:00 in Montreal, not in Paris.
  event = served_event(public_get("/api/events"), kFloating);
  ASSERT_FALSE(event.isNull());
  EXPECT_EQ(event->getValue<std::string>("timezone"), "America/Montreal")
      << "the re-check after the change read nothing again: " << moved.body;
  EXPECT_NE(event->getValue<std::string>("start"), paris_start);
}

TEST_F(PartnerApiTest, AChangeOfCategoryReachesTheFeedsEvents) {
  const Reply created = create(good_.url());
  ASSERT_EQ(created.status, 201) << created.body;
  Object::Ptr event = served_event(public_get("/api/events"), kGoodFirst);
  ASSERT_FALSE(event.isNull());
  EXPECT_EQ(event->getArray("categories")->size(), 0u);

  const Reply changed = as(kOwner, "PATCH", "/api/feeds/" + id_of(created),
                           std::string("{\"category\":\"Mobilite\"}"));
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json()->getObject("feed")->getValue<std::string>("category"), "Mobilite");
  // The default category of a feed whose events give none.
  event = served_event(public_get("/api/events"), kGoodFirst);
  ASSERT_FALSE(event.isNull());
  EXPECT_THAT(strings_of_array(event, "categories"), ::testing::Contains("Mobilite"))
      << "the category was saved but the stored events were not touched";
}

// ---------------------------------------------------------------------------------------------
// Moderation.

TEST_F(PartnerApiTest, WithModerationAFeedsEventsArePublicOnlyOnceAnAdministratorApproves) {
  ApiConfig moderated;
  moderated.moderation = true;
  const RunningApi& api = start(moderated);
  const auto public_body = [&](const std::string& target) {
    Call call;
    call.target = target;
    return send(call, &api).body;
  };

  const Reply created = create(good_.url(), "En attente", &api);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = id_of(created);
  EXPECT_FALSE(created.json()->getObject("feed")->getValue<bool>("public")) << created.body;
  // Fetched and stored, but not shown.
  EXPECT_EQ(created.json()->getObject("check")->getValue<int>("events"), 2) << created.body;
  EXPECT_THAT(public_body("/api/events"), Not(HasSubstr(kGoodFirst)));
  EXPECT_THAT(public_body("/calendar.ics"), Not(HasSubstr(kGoodFirst)));
  EXPECT_THAT(public_body("/"), Not(HasSubstr(kGoodFirst)));

  // Only an administrator approves.
  const Reply by_owner = as(owner_.token, "POST", "/api/feeds/" + id + "/approve", {}, &api);
  EXPECT_EQ(by_owner.status, 403) << by_owner.body;
  EXPECT_EQ(as(other_.token, "POST", "/api/feeds/" + id + "/approve", {}, &api).status, 403);
  EXPECT_FALSE((*registry_->feed(id))->approved);
  EXPECT_THAT(public_body("/api/events"), Not(HasSubstr(kGoodFirst)));

  const Reply approved =
      as(partner_admin_.token, "POST", "/api/feeds/" + id + "/approve", {}, &api);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_TRUE(approved.json()->getObject("feed")->getValue<bool>("public")) << approved.body;
  EXPECT_TRUE((*registry_->feed(id))->approved);
  EXPECT_THAT(public_body("/api/events"), HasSubstr(kGoodFirst));
  EXPECT_THAT(public_body("/api/events"), HasSubstr(kGoodSecond));
  EXPECT_THAT(public_body("/calendar.ics"), HasSubstr(kGoodFirst));
  EXPECT_THAT(public_body("/"), HasSubstr(kGoodFirst));
  const Reply shown = as(owner_.token, "GET", "/api/feeds/" + id, {}, &api);
  EXPECT_TRUE(shown.json()->getObject("feed")->getValue<bool>("public"));

  // The [admin] token approves too; an administrator's own registration is public at once.
  const Reply second = create(broken_.url(), "Deuxième", &api);
  ASSERT_EQ(second.status, 201);
  EXPECT_THAT(public_body("/api/events"), Not(HasSubstr(kBrokenGood)));
  EXPECT_EQ(as(std::string(kConfigAdminToken), "POST", "/api/feeds/" + id_of(second) + "/approve",
               {}, &api)
                .status,
            200);
  EXPECT_THAT(public_body("/api/events"), HasSubstr(kBrokenGood));
  const Reply by_admin = as(partner_admin_.token, "POST", "/api/feeds",
                            feed_body(good_.url() + "?admin", "Par l'admin"), &api);
  ASSERT_EQ(by_admin.status, 201) << by_admin.body;
  EXPECT_TRUE(by_admin.json()->getObject("feed")->getValue<bool>("public"));
}

TEST_F(PartnerApiTest, WithModerationANewUrlFromItsOwnerWaitsForApprovalAgain) {
  ApiConfig moderated;
  moderated.moderation = true;
  const RunningApi& api = start(moderated);
  const auto events = [&] {
    Call call;
    call.target = "/api/events";
    return send(call, &api).body;
  };
  const std::string id = register_feed(owner_, good_.url());  // approved
  const std::string target = "/api/feeds/" + id;
  ASSERT_EQ(as(owner_.token, "POST", target + "/refresh", {}, &api).status, 200);
  ASSERT_THAT(events(), HasSubstr(kGoodFirst));
  // A rename is no new address: still public.
  ASSERT_EQ(as(owner_.token, "PATCH", target, std::string("{\"name\":\"Renomme\"}"), &api).status,
            200);
  EXPECT_TRUE((*registry_->feed(id))->approved);

  const Reply moved =
      as(owner_.token, "PATCH", target, "{\"url\":" + json_text(broken_.url()) + "}", &api);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_FALSE(moved.json()->getObject("feed")->getValue<bool>("public")) << moved.body;
  EXPECT_FALSE((*registry_->feed(id))->approved);
  std::string shown = events();
  EXPECT_THAT(shown, Not(HasSubstr(kBrokenGood))) << "a new URL was public before approval";
  EXPECT_THAT(shown, Not(HasSubstr(kGoodFirst)));

  ASSERT_EQ(as(partner_admin_.token, "POST", target + "/approve", {}, &api).status, 200);
  EXPECT_THAT(events(), HasSubstr(kBrokenGood));

  // An administrator's change of address keeps it public.
  const Reply by_admin =
      as(partner_admin_.token, "PATCH", target, "{\"url\":" + json_text(good_.url()) + "}", &api);
  ASSERT_EQ(by_admin.status, 200) << by_admin.body;
  EXPECT_TRUE(by_admin.json()->getObject("feed")->getValue<bool>("public")) << by_admin.body;
  EXPECT_TRUE((*registry_->feed(id))->approved);
  Reply after_move;
  after_move.body = events();
  EXPECT_FALSE(served_event(after_move, kGoodFirst).isNull()) << after_move.body;
  // What the old address served stays a while as cancelled (vanished events are kept).
  if (const Object::Ptr old = served_event(after_move, kBrokenGood); !old.isNull()) {
    EXPECT_EQ(old->getValue<std::string>("status"), "cancelled");
  }
  const Reply by_config_admin = as(std::string(kConfigAdminToken), "PATCH", target,
                                   "{\"url\":" + json_text(good_.url() + "?cfg") + "}", &api);
  ASSERT_EQ(by_config_admin.status, 200) << by_config_admin.body;
  EXPECT_TRUE((*registry_->feed(id))->approved);
  EXPECT_THAT(events(), HasSubstr(kGoodFirst));
}

TEST_F(PartnerApiTest, AChangeRefusedWhenConnectingAnswers422AndKeepsTheFeedAsItWas) {
  const Reply created = create(good_.url());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = id_of(created);
  ASSERT_THAT(events_json(), HasSubstr(kGoodFirst));
  ApiConfig text_only;
  text_only.connect_allow = {};
  const RunningApi& api = start(text_only);
  const Reply moved = as(owner_.token, "PATCH", "/api/feeds/" + id,
                         "{\"url\":" + json_text(broken_.url()) + "}", &api);
  EXPECT_EQ(moved.status, 422) << moved.body;
  EXPECT_THAT(moved.error(), StartsWith("refused: 127.0.0.1 is a loopback address"));
  EXPECT_EQ(broken_.requests(), 0);
  EXPECT_EQ((*registry_->feed(id))->config.url, good_.url());
  const Reply shown = as(kOwner, "GET", "/api/feeds/" + id);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json()->getObject("feed")->getValue<std::string>("url"), good_.url());
  EXPECT_THAT(events_json(), HasSubstr(kGoodFirst));
}

TEST_F(PartnerApiTest, WithModerationAChangeRefusedWhenConnectingKeepsTheApproval) {
  ApiConfig text_only;
  text_only.connect_allow = {};
  text_only.moderation = true;
  const RunningApi& api = start(text_only);
  const std::string id = register_feed(owner_, "https://partner.example/agenda.ics");  // approved
  const Reply moved = as(owner_.token, "PATCH", "/api/feeds/" + id,
                         "{\"url\":" + json_text(good_.url()) + "}", &api);
  EXPECT_EQ(moved.status, 422) << moved.body;
  EXPECT_EQ((*registry_->feed(id))->config.url, "https://partner.example/agenda.ics");
  // Nothing changed: the feed stays public (update_feed with approved = true restores nothing).
  EXPECT_TRUE((*registry_->feed(id))->approved) << "a refused change withdrew the approval";
}

// A partner's server that takes its time: reads each request on 127.0.0.1 and answers `body`
// only once released.
class SlowFeed {
 public:
  explicit SlowFeed(std::string body)
      : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)), body_(std::move(body)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~SlowFeed() {
    stop_ = true;
    thread_.join();
  }
  SlowFeed(const SlowFeed&) = delete;
  SlowFeed& operator=(const SlowFeed&) = delete;

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/slow.ics";
  }
  // Whether a fetch reached it within 30 s.
  bool wait_for_a_request() const {
    for (int i = 0; i < 300 && !requested_; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return requested_;
  }
  void release() { released_ = true; }

 private:
  void serve() {
    while (!stop_) {
      try {
        if (!socket_.poll(Poco::Timespan(0, 50'000), Poco::Net::Socket::SELECT_READ)) continue;
        Poco::Net::StreamSocket client = socket_.acceptConnection();
        client.setReceiveTimeout(Poco::Timespan(5, 0));
        std::string request;
        char buffer[1024];
        while (request.find("\r\n\r\n") == std::string::npos) {
          const int n = client.receiveBytes(buffer, sizeof buffer);
          if (n <= 0) break;
          request.append(buffer, static_cast<std::size_t>(n));
        }
        requested_ = true;
        while (!released_ && !stop_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const std::string answer =
            "HTTP/1.1 200 OK\r\nContent-Type: text/calendar; charset=utf-8\r\nContent-Length: " +
            std::to_string(body_.size()) + "\r\nConnection: close\r\n\r\n" + body_;
        client.sendBytes(answer.data(), static_cast<int>(answer.size()));
        client.shutdown();
        client.close();
      } catch (const Poco::Exception&) {
        // The fetcher gave up: the next one may come.
      }
    }
  }

  Poco::Net::ServerSocket socket_;
  std::string body_;
  std::atomic<bool> requested_{false};
  std::atomic<bool> released_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_F(PartnerApiTest, APartnerHasOneTestFetchRunningAtATime) {
  SlowFeed slow(good_calendar());
  const std::string waiting = register_feed(owner_, broken_.url());
  Reply first;
  std::thread registering([&] {
    first = perform(api_->port(), Call{"POST", "/api/feeds", bearer(owner_.token),
                                       feed_body(slow.url(), "Lent"), kJson, false});
  });
  const bool fetching = slow.wait_for_a_request();
  if (fetching) {
    const Reply second = create(good_.url(), "Pendant le premier");
    EXPECT_EQ(second.status, 429) << second.body;
    EXPECT_THAT(second.header("retry-after"), MatchesRegex("[0-9]+")) << second.body;
    EXPECT_NE(second.error(), "");
    EXPECT_FALSE(registered_with_url(good_.url()).has_value());
    const Reply refresh = as(kOwner, "POST", "/api/feeds/" + waiting + "/refresh");
    EXPECT_EQ(refresh.status, 429) << refresh.body;
    EXPECT_THAT(refresh.header("retry-after"), MatchesRegex("[0-9]+")) << refresh.body;
    // Another partner's fetch is not held up.
    const Reply theirs =
        as(kOtherPartner, "POST", "/api/feeds", feed_body(good_.url() + "?theirs", "Autre"));
    EXPECT_EQ(theirs.status, 201) << theirs.body;
  }
  slow.release();
  registering.join();
  seen_.emplace_back("POST /api/feeds (slow)", first);
  ASSERT_TRUE(fetching) << "the test fetch never reached the slow server";
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json()->getObject("check")->getValue<int>("events"), 2) << first.body;
  EXPECT_EQ(broken_.requests(), 0);
  // Once it ended, the partner fetches again.
  EXPECT_EQ(create(good_.url(), "Apres le premier").status, 201);
  EXPECT_EQ(as(kOwner, "POST", "/api/feeds/" + waiting + "/refresh").status, 200);
}

TEST_F(PartnerApiTest, UrlsAreComparedNormalisedAndAChangeOntoALocalFeedIsAConflict) {
  ASSERT_EQ(create(good_.url()).status, 201);
  ASSERT_THAT(good_.url(), StartsWith("http://127.0.0.1:"));
  const std::string respelled = "HTTP" + good_.url().substr(4) + "#x";
  const Reply again = create(respelled, "Autrement ecrit");
  EXPECT_EQ(again.status, 409) << respelled << ": " << again.body;
  EXPECT_EQ(registered().size(), 1u);
  EXPECT_EQ(good_.requests(), 1);

  const std::string id = register_feed(owner_, broken_.url());
  for (const std::string url : {kLocalFeedUrl, "HTTPS://Mairie.example:443/agenda.ics#top"}) {
    const Reply moved = as(kOwner, "PATCH", "/api/feeds/" + id, "{\"url\":" + json_text(url) + "}");
    EXPECT_EQ(moved.status, 409) << url << ": " << moved.body;
  }
  EXPECT_EQ((*registry_->feed(id))->config.url, broken_.url());
  EXPECT_EQ(broken_.requests(), 0);
}

TEST_F(PartnerApiTest, ThePublicStatusListShowsNeitherHeldNorDeletedFeeds) {
  const std::string open = register_feed(owner_, good_.url() + "?open");
  const std::string held = register_feed(owner_, good_.url() + "?held", /*approved=*/false);
  const std::string gone = register_feed(owner_, broken_.url());
  for (const std::string& id : {open, held, gone}) {
    ASSERT_EQ(as(kOwner, "POST", "/api/feeds/" + id + "/refresh").status, 200) << id;
  }
  ASSERT_EQ(as(kOwner, "DELETE", "/api/feeds/" + gone).status, 204);
  // A refresh that was running when the feed went writes its status late.
  core::FeedStatus late;
  late.feed_id = gone;
  late.last_fetch = late.last_success = static_cast<std::int64_t>(std::time(nullptr));
  late.http_code = 200;
  late.event_count = 1;
  (void)store_->record_status(late);

  const Reply list = public_get("/api/feeds/status");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_THAT(list.body, HasSubstr("\"id\":" + json_text(open))) << list.body;
  EXPECT_THAT(list.body, Not(HasSubstr(held))) << "a held feed is listed";
  EXPECT_THAT(list.body, Not(HasSubstr(gone))) << "a deleted feed is listed";
  // Its owner still sees how the held feed's fetches go.
  const Reply own = as(kOwner, "GET", "/api/feeds/" + held + "/status");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.json()->getValue<int>("event_count"), 2) << own.body;
  // Approved, it is listed.
  ASSERT_EQ(as(kPartnerAdmin, "POST", "/api/feeds/" + held + "/approve").status, 200);
  EXPECT_THAT(public_get("/api/feeds/status").body, HasSubstr("\"id\":" + json_text(held)));
}

// Sends `bytes` on one connection to 127.0.0.1:`port` and returns all it reads until the server
// closes it ("<timeout>" appended when it does not within 10 s).
std::string raw_exchange(int port, const std::string& bytes) {
  Poco::Net::StreamSocket socket(
      Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
  socket.setReceiveTimeout(Poco::Timespan(10, 0));
  socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string out;
  char buffer[4096];
  try {
    for (;;) {
      const int n = socket.receiveBytes(buffer, sizeof buffer);
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
  } catch (const Poco::TimeoutException&) {
    out += "<timeout>";
  } catch (const Poco::Exception&) {
    // reset: closed
  }
  return out;
}

TEST_F(PartnerApiTest, ANegativeContentLengthIsRefusedAndTheConnectionClosed) {
  for (const std::string target : {"/api/feeds", "/"}) {
    const std::string method = target == "/" ? "GET" : "POST";
    const std::string answer = raw_exchange(
        api_->port(), method + " " + target +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + owner_.token +
                          "\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n"
                          "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_THAT(answer, StartsWith("HTTP/1.1 400")) << target << ": " << answer;
    EXPECT_EQ(testing::count(answer, "HTTP/1.1 "), 1)
        << target << ": answered after it: " << answer;
    EXPECT_THAT(answer, Not(HasSubstr("<timeout>"))) << target << ": the connection stayed open";
    EXPECT_THAT(answer, Not(HasSubstr(owner_.token)));
  }
  EXPECT_TRUE(registered().empty());
}

// ---------------------------------------------------------------------------------------------
// The token is a secret.

TEST_F(PartnerApiTest, TheTokenIsNeverWrittenAnywhere) {
  // Every kind of answer, with every token (TearDown checks none of them echoes a token).
  const Reply created = create(good_.url());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = id_of(created);
  as(kOwner, "GET", "/api/feeds");
  as(kOwner, "GET", "/api/feeds/" + id);
  as(kOwner, "GET", "/api/feeds/" + id + "/status");
  as(kOwner, "PATCH", "/api/feeds/" + id, std::string("{\"name\":\"Renommé\"}"));
  as(kOwner, "PATCH", "/api/feeds/" + id, "{\"url\":" + json_text(broken_.url()) + "}");
  as(kOwner, "POST", "/api/feeds/" + id + "/refresh");
  as(kOwner, "POST", "/api/feeds/" + id + "/approve");
  as(kOwner, "POST", "/api/feeds", std::string("{"));
  as(kOwner, "POST", "/api/feeds", feed_body("http://10.0.0.1/", "x"));
  as(kOtherPartner, "GET", "/api/feeds/" + id);
  as(kPartnerAdmin, "POST", "/api/feeds/" + id + "/approve");
  as(kConfigAdmin, "GET", "/api/feeds");
  as(kWrongToken, "GET", "/api/feeds");
  as(kDisabled, "GET", "/api/feeds");
  as(kAnonymous, "GET", "/api/feeds");
  for (const char* page : {"/api/events", "/calendar.ics", "/", "/api/feeds/status"}) {
    public_get(page);
  }
  const Reply other_feed =
      as(kOtherPartner, "POST", "/api/feeds", feed_body(good_.url() + "?o", "O"));
  ASSERT_EQ(other_feed.status, 201);
  as(kOtherPartner, "DELETE", "/api/feeds/" + id_of(other_feed));

  // Only hashes in the database, its log and its shared memory.
  const std::string bytes = database_bytes();
  ASSERT_FALSE(bytes.empty());
  for (const Party* party : {&owner_, &other_, &partner_admin_, &disabled_}) {
    EXPECT_EQ(bytes.find(party->token), std::string::npos) << party->id << "'s token is stored";
    EXPECT_NE(bytes.find(core::token_hash(party->token)), std::string::npos)
        << party->id << "'s hash is not where this test looks";
  }
  EXPECT_EQ(bytes.find(kConfigAdminToken), std::string::npos);
  EXPECT_EQ(bytes.find(wrong_token_), std::string::npos);
  // Nor the token's tail alone (a token cut or re-encoded on its way in).
  EXPECT_EQ(bytes.find(owner_.token.substr(4)), std::string::npos);
}

}  // namespace
}  // namespace concerto
