// The /partners pages in process, as a browser uses them: a real store and registry on a
// temporary SQLite file, a real AgendaServer on 127.0.0.1, cookies kept between requests, forms
// posted url-encoded, and the real test fetch (app::check_feed) of partner feeds served on
// 127.0.0.1.

#include "server/partner_pages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/config.h"
#include "app/partner_commands.h"
#include "core/token.h"
#include "fetch/address_policy.h"
#include "server/agenda_server.h"
#include "store/registry.h"
#include "store/store.h"
#include "support/feed_server.h"
#include "support/http_get.h"
#include "support/partner_feeds.h"
#include "support/temp_dir.h"

namespace concerto {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kConfigAdminToken = "config-admin-token-5b8e2d1c0f7a4e93";
constexpr const char* kForm = "application/x-www-form-urlencoded";
constexpr const char* kEvil = "https://evil.example";
constexpr const char* kInternalUrl = "http://169.254.169.254/latest/meta-data";

using testing::broken_calendar;
using testing::good_calendar;
using testing::ics_day;
using testing::kBrokenGood;
using testing::kBrokenLine;
using testing::kGoodEvents;
using testing::kGoodFirst;
using testing::kGoodSecond;
constexpr const char* kOtherTitle = "Balade a velo Lille-Sud";

// Titles and a place a page must show as text.
constexpr const char* kHostileName = "<script>alert(1)</script>";
std::string hostile_calendar() {
  return testing::ics_calendar(
      testing::ics_event("hostile-1@evil.example", 10, "<script>alert(2)</script>") +
      "BEGIN:VEVENT\r\nUID:hostile-2@evil.example\r\nDTSTAMP:20261101T000000Z\r\n"
      "DTSTART;TZID=Europe/Paris:" +
      ics_day(11) +
      "T180000\r\nDURATION:PT2H\r\nSUMMARY:\"><img src=x onerror=alert(3)>\r\n"
      "LOCATION:<iframe src=//evil.example></iframe>\r\nEND:VEVENT\r\n");
}

// application/x-www-form-urlencoded, every byte but the unreserved ones escaped.
std::string form_encode(const Fields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    for (const std::string* part : {&name, &value}) {
      for (const unsigned char c : *part) {
        if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
          out += static_cast<char>(c);
        } else {
          char escaped[4];
          std::snprintf(escaped, sizeof escaped, "%%%02X", c);
          out += escaped;
        }
      }
      if (part == &name) out += '=';
    }
  }
  return out;
}

// The hidden csrf field of the page's (first) form.
std::string csrf_of(const std::string& body) {
  static const std::regex field("name=\"csrf\" value=\"([^\"]*)\"");
  std::smatch match;
  return std::regex_search(body, match, field) ? match[1].str() : std::string();
}

std::string location(const testing::Response& response) {
  return response.headers.get("Location", "");
}

// The Set-Cookie header for `name` ("" without one).
std::string set_cookie(const testing::Response& response, const std::string& name) {
  for (const std::string& value : testing::header_values(response.headers, "Set-Cookie")) {
    if (value.starts_with(name + "=")) return value;
  }
  return "";
}
// Its value: between "name=" and the first ';'.
std::string cookie_value(const std::string& header) {
  const auto equals = header.find('=');
  if (equals == std::string::npos) return "";
  return header.substr(equals + 1, header.find(';') - equals - 1);
}
// The attributes, as "; Path=/partners; HttpOnly; ..." split.
std::vector<std::string> cookie_attributes(const std::string& header) {
  std::vector<std::string> out;
  std::size_t at = header.find(';');
  while (at != std::string::npos) {
    const auto next = header.find(';', at + 1);
    std::string attribute = header.substr(at + 1, next == std::string::npos ? next : next - at - 1);
    while (!attribute.empty() && attribute.front() == ' ') attribute.erase(0, 1);
    out.push_back(attribute);
    at = next;
  }
  return out;
}
bool has_attribute(const std::string& header, const std::string& attribute) {
  for (const std::string& a : cookie_attributes(header)) {
    if (a == attribute) return true;
  }
  return false;
}
// A cookie that the browser drops at once.
bool clears(const std::string& header) {
  return !header.empty() && cookie_value(header).empty() && has_attribute(header, "Max-Age=0");
}

struct Party {
  std::string id;
  std::string name;
  std::string token;
};

struct ServerConfig {
  bool moderation = false;
  render::Language language = render::Language::kFrench;
  std::string base_url;  // empty: the default
};

struct Running {
  app::Settings settings;  // before the server: check_feed reads it until the server stops
  std::unique_ptr<server::AgendaServer> server;
  int port() const { return server->port(); }
};

// A browser: its cookies, and the session's CSRF token once signed in.
struct Client {
  int port = 0;
  std::map<std::string, std::string> cookies;
  std::string csrf;
  std::vector<std::pair<std::string, std::string>> headers;  // sent with every request
  std::string session() const {
    const auto found = cookies.find(server::kSessionCookie);
    return found == cookies.end() ? std::string() : found->second;
  }
};

struct Seen {
  std::string what;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class PartnerPagesTest : public ::testing::Test {
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
    api_ = &start();
  }

  void TearDown() override {
    // Every server at once: each takes up to a quarter of a second to stop (Poco's accept
    // loop), and no request is running by now.
    std::vector<std::thread> stopping;
    for (auto& running : servers_) stopping.emplace_back([&running] { running->server->stop(); });
    for (auto* feed : {&good_, &broken_, &hostile_, &failing_}) {
      stopping.emplace_back([feed] { feed->reset(); });
    }
    for (std::thread& thread : stopping) thread.join();
    // No page ever shows a token, in no answer of any test, body or header.
    for (const Seen& seen : seen_) {
      for (const std::string& secret : {owner_.token, other_.token, partner_admin_.token,
                                        disabled_.token, std::string(kConfigAdminToken)}) {
        if (secret.empty()) continue;
        EXPECT_THAT(seen.body, Not(HasSubstr(secret))) << seen.what << " echoed a token";
        for (const auto& [name, value] : seen.headers) {
          EXPECT_THAT(value, Not(HasSubstr(secret))) << seen.what << " echoed a token in " << name;
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
    return {id, name, *token};
  }

  Running& start(const ServerConfig& config = {}) {
    auto running = std::make_unique<Running>();
    running->settings.allow = {"127.0.0.0/8"};
    running->settings.timezone = "Europe/Paris";
    auto policy = fetch::AddressPolicy::create({"127.0.0.0/8"});
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
    options.site.language = config.language;
    if (!config.base_url.empty()) options.site.base_url = config.base_url;
    options.registry = registry_.get();
    options.partners.admin_token = kConfigAdminToken;
    options.partners.moderation = config.moderation;
    options.partners.url_refusal = [policy = *policy](std::string_view url) {
      return fetch::url_refusal(url, policy);
    };
    const app::Settings* settings = &running->settings;
    store::Store* store = store_.get();
    options.partners.check_feed = [settings, store](const core::FeedConfig& feed) {
      return app::check_feed(feed, *settings, *store, CONCERTO_BINARY);
    };
    running->server = std::make_unique<server::AgendaServer>(*store_, options);
    const auto started = running->server->start();
    EXPECT_TRUE(started.ok()) << started.error();
    servers_.push_back(std::move(running));
    return *servers_.back();
  }

  Client client(const Running* running = nullptr) {
    Client c;
    c.port = (running != nullptr ? running : api_)->port();
    return c;
  }

  // One request from the browser: its cookies go, the answer's Set-Cookie are kept.
  testing::Response call(Client& c, const std::string& method, const std::string& path,
                         const std::optional<std::string>& body = std::nullopt,
                         const std::string& content_type = kForm,
                         const std::vector<std::pair<std::string, std::string>>& headers = {},
                         bool chunked = false) {
    testing::Request request;
    request.method = method;
    request.path = path;
    request.headers = c.headers;
    for (const auto& header : headers) request.headers.push_back(header);
    std::string cookie;
    for (const auto& [name, value] : c.cookies) {
      cookie += (cookie.empty() ? "" : "; ") + name + "=" + value;
    }
    if (!cookie.empty()) request.headers.emplace_back("Cookie", cookie);
    request.body = body;
    request.content_type = content_type;
    request.chunked = chunked;
    testing::Response response = testing::send_request(c.port, request);
    Seen seen{method + " " + path, response.body, {}};
    for (const auto& [name, value] : response.headers) seen.headers.emplace_back(name, value);
    seen_.push_back(std::move(seen));
    for (const std::string& header : testing::header_values(response.headers, "Set-Cookie")) {
      const std::string name = header.substr(0, header.find('='));
      const std::string value = cookie_value(header);
      if (value.empty()) {
        c.cookies.erase(name);
      } else {
        c.cookies[name] = value;
      }
    }
    return response;
  }
  testing::Response get(Client& c, const std::string& path) { return call(c, "GET", path); }
  // A form as sent; post_form adds the session's csrf.
  testing::Response post(Client& c, const std::string& path, const Fields& fields,
                         const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return call(c, "POST", path, form_encode(fields), kForm, headers);
  }
  testing::Response post_form(
      Client& c, const std::string& path, Fields fields = {},
      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    fields.insert(fields.begin(), {"csrf", c.csrf});
    return post(c, path, fields, headers);
  }

  // Signs in with `token` through the form; the client then holds the session and its csrf.
  Client signed_in(const std::string& token, const Running* running = nullptr) {
    Client c = client(running);
    const testing::Response form = get(c, "/partners");
    EXPECT_EQ(form.status, 200) << form.body;
    const testing::Response signin =
        post(c, "/partners/signin", {{"csrf", csrf_of(form.body)}, {"token", token}});
    EXPECT_EQ(signin.status, 303) << signin.body;
    EXPECT_EQ(location(signin), "/partners");
    const testing::Response dashboard = get(c, "/partners");
    EXPECT_EQ(dashboard.status, 200) << dashboard.body;
    c.csrf = csrf_of(dashboard.body);
    EXPECT_FALSE(c.csrf.empty()) << dashboard.body;
    return c;
  }

  // The registration form as a browser sends it; answers the feed's id from the 303.
  std::string register_via_form(Client& c, const std::string& url, const std::string& name) {
    const testing::Response reply = post_form(
        c, "/partners/feeds",
        {{"url", url}, {"name", name}, {"format", "auto"}, {"category", ""}, {"timezone", ""}});
    EXPECT_EQ(reply.status, 303) << reply.body;
    const std::string where = location(reply);
    EXPECT_THAT(where, MatchesRegex("/partners/feeds/p-[0-9a-f]{12}"));
    return where.starts_with("/partners/feeds/") ? where.substr(16) : std::string();
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

  std::optional<core::RegisteredFeed> feed(const std::string& id) {
    auto found = registry_->feed(id);
    EXPECT_TRUE(found.ok()) << found.error();
    return found.ok() ? *found : std::nullopt;
  }
  std::size_t feed_count() {
    auto feeds = registry_->feeds();
    EXPECT_TRUE(feeds.ok()) << feeds.error();
    return feeds.ok() ? feeds->size() : 0;
  }
  bool registered_url(const std::string& url) {
    auto feeds = registry_->feeds();
    if (!feeds.ok()) return false;
    for (const auto& f : *feeds) {
      if (f.config.url == url) return true;
    }
    return false;
  }

  std::string calendar_ics(const Running* running = nullptr) {
    return testing::get((running != nullptr ? running : api_)->port(), "/calendar.ics").body;
  }

  std::string origin(const Client& c) const { return "http://127.0.0.1:" + std::to_string(c.port); }

  testing::TempDir dir_;
  std::string db_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Registry> registry_;
  Party owner_, other_, partner_admin_, disabled_;
  // Partners' servers, started when a test first uses them.
  testing::FeedServer& good() { return served(good_, good_calendar()); }
  testing::FeedServer& broken() { return served(broken_, broken_calendar()); }
  testing::FeedServer& hostile() { return served(hostile_, hostile_calendar()); }
  testing::FeedServer& failing() {  // answers 500
    testing::FeedServer& server = served(failing_, good_calendar());
    server.set_status(500);
    return server;
  }
  static testing::FeedServer& served(std::unique_ptr<testing::FeedServer>& slot, std::string body) {
    if (!slot) slot = std::make_unique<testing::FeedServer>(std::move(body));
    return *slot;
  }
  std::unique_ptr<testing::FeedServer> good_, broken_, hostile_, failing_;
  std::vector<std::unique_ptr<Running>> servers_;  // after what their servers use
  Running* api_ = nullptr;                         // French, http, no moderation
  std::vector<Seen> seen_;
  unsigned registered_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Signing in.

TEST_F(PartnerPagesTest, WithoutASessionTheSignInFormIsShownWithItsCsrfCookie) {
  Client c = client();
  const testing::Response page = get(c, "/partners");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_THAT(page.body, HasSubstr("Espace partenaires"));
  EXPECT_THAT(page.body, HasSubstr("action=\"/partners/signin\""));
  EXPECT_THAT(page.body, ContainsRegex("<input [^>]*name=\"token\" type=\"password\""));
  EXPECT_THAT(page.body, HasSubstr("Se connecter"));
  EXPECT_THAT(page.body, Not(HasSubstr("Connecté en tant que")));
  EXPECT_EQ(page.headers.getContentType(), "text/html; charset=utf-8");

  const std::string cookie = set_cookie(page, server::kSigninCookie);
  ASSERT_FALSE(cookie.empty()) << "no sign-in cookie";
  EXPECT_TRUE(has_attribute(cookie, "HttpOnly")) << cookie;
  EXPECT_TRUE(has_attribute(cookie, "SameSite=Strict")) << cookie;
  EXPECT_TRUE(has_attribute(cookie, "Path=/partners")) << cookie;
  EXPECT_FALSE(has_attribute(cookie, "Secure")) << cookie;
  const std::string csrf = cookie_value(cookie);
  EXPECT_THAT(csrf, StartsWith("cct_"));
  EXPECT_EQ(csrf_of(page.body), csrf);
  EXPECT_TRUE(set_cookie(page, server::kSessionCookie).empty());

  // A second tab keeps the same token; another browser gets another.
  const testing::Response again = get(c, "/partners");
  EXPECT_EQ(csrf_of(again.body), csrf);
  Client stranger = client();
  EXPECT_NE(csrf_of(get(stranger, "/partners").body), csrf);
}

TEST_F(PartnerPagesTest, CookiesAreSecureWhenTheSiteIsServedOverHttps) {
  ServerConfig https;
  https.base_url = "https://agenda.example.org";
  const Running& secure = start(https);
  Client c = client(&secure);
  const testing::Response page = get(c, "/partners");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(has_attribute(set_cookie(page, server::kSigninCookie), "Secure"))
      << set_cookie(page, server::kSigninCookie);
  const testing::Response signin =
      post(c, "/partners/signin", {{"csrf", csrf_of(page.body)}, {"token", owner_.token}},
           {{"Origin", "https://agenda.example.org"}});
  ASSERT_EQ(signin.status, 303) << signin.body;
  const std::string session = set_cookie(signin, server::kSessionCookie);
  EXPECT_TRUE(has_attribute(session, "Secure")) << session;
  EXPECT_TRUE(has_attribute(session, "HttpOnly")) << session;

  // Behind a proxy that says the browser came over https.
  for (const char* proto : {"https", "HTTPS"}) {
    Client proxied = client();
    proxied.headers.emplace_back("X-Forwarded-Proto", proto);
    const testing::Response form = get(proxied, "/partners");
    EXPECT_TRUE(has_attribute(set_cookie(form, server::kSigninCookie), "Secure")) << proto;
    const testing::Response in =
        post(proxied, "/partners/signin", {{"csrf", csrf_of(form.body)}, {"token", owner_.token}});
    ASSERT_EQ(in.status, 303) << in.body;
    EXPECT_TRUE(has_attribute(set_cookie(in, server::kSessionCookie), "Secure")) << proto;
  }
  Client plain = client();
  plain.headers.emplace_back("X-Forwarded-Proto", "http");
  EXPECT_FALSE(has_attribute(set_cookie(get(plain, "/partners"), server::kSigninCookie), "Secure"));
}

TEST_F(PartnerPagesTest, TheRightTokenOpensASessionAndClearsTheSignInCookie) {
  Client c = client();
  const testing::Response form = get(c, "/partners");
  const std::string csrf = csrf_of(form.body);
  // The token as pasted, with spaces around.
  const testing::Response signin =
      post(c, "/partners/signin", {{"csrf", csrf}, {"token", "  " + owner_.token + "  "}});
  ASSERT_EQ(signin.status, 303) << signin.body;
  EXPECT_EQ(location(signin), "/partners");
  const std::string session = set_cookie(signin, server::kSessionCookie);
  ASSERT_FALSE(session.empty());
  EXPECT_THAT(cookie_value(session), StartsWith("cct_"));
  EXPECT_TRUE(has_attribute(session, "HttpOnly")) << session;
  EXPECT_TRUE(has_attribute(session, "SameSite=Strict")) << session;
  EXPECT_TRUE(has_attribute(session, "Path=/partners")) << session;
  EXPECT_FALSE(has_attribute(session, "Secure")) << session;
  EXPECT_TRUE(clears(set_cookie(signin, server::kSigninCookie)))
      << set_cookie(signin, server::kSigninCookie);
  EXPECT_EQ(c.cookies.count(server::kSigninCookie), 0u);

  const testing::Response dashboard = get(c, "/partners");
  ASSERT_EQ(dashboard.status, 200);
  EXPECT_THAT(dashboard.body, HasSubstr("Connecté en tant que <strong>Décider ensemble</strong>"));
  EXPECT_THAT(dashboard.body, HasSubstr("Vous n’avez encore inscrit aucun flux."));
  EXPECT_THAT(dashboard.body, HasSubstr("Se déconnecter"));
  // The session's CSRF token is not the sign-in form's.
  EXPECT_THAT(csrf_of(dashboard.body), StartsWith("cct_"));
  EXPECT_NE(csrf_of(dashboard.body), csrf);
  // A session is cookie-only: a sign-in form is no longer what /partners shows.
  EXPECT_THAT(dashboard.body, Not(HasSubstr("action=\"/partners/signin\"")));
}

TEST_F(PartnerPagesTest, AWrongTokenIs401WithAFrenchMessageAndNoSession) {
  Client c = client();
  const std::string csrf = csrf_of(get(c, "/partners").body);
  const std::string wrong = "cct_" + std::string(43, 'x');
  for (const std::string& token : {wrong, std::string(), std::string("mot de passe")}) {
    const testing::Response reply = post(c, "/partners/signin", {{"csrf", csrf}, {"token", token}});
    EXPECT_EQ(reply.status, 401) << token << ": " << reply.body;
    EXPECT_THAT(reply.body, HasSubstr("Ce jeton n’est pas reconnu")) << token;
    EXPECT_THAT(reply.body, HasSubstr("name=\"token\" type=\"password\"")) << token;
    EXPECT_TRUE(set_cookie(reply, server::kSessionCookie).empty()) << token;
    if (!token.empty()) {
      EXPECT_THAT(reply.body, Not(HasSubstr(token)));
    }
    // The form can be tried again with the same token.
    EXPECT_EQ(csrf_of(reply.body), csrf);
  }
  EXPECT_EQ(c.cookies.count(server::kSessionCookie), 0u);
  EXPECT_THAT(get(c, "/partners").body, HasSubstr("action=\"/partners/signin\""));
}

TEST_F(PartnerPagesTest, ASignInWithoutTheMatchingCsrfIs403) {
  Client c = client();
  const std::string csrf = csrf_of(get(c, "/partners").body);
  Client other = client();
  const std::string others_csrf = csrf_of(get(other, "/partners").body);
  ASSERT_NE(csrf, others_csrf);

  const auto refused = [&](Client& who, const Fields& fields, const std::string& what) {
    const testing::Response reply = post(who, "/partners/signin", fields);
    EXPECT_EQ(reply.status, 403) << what << ": " << reply.body;
    EXPECT_THAT(reply.body, HasSubstr("Le formulaire a expiré")) << what;
    EXPECT_TRUE(set_cookie(reply, server::kSessionCookie).empty()) << what;
  };
  refused(c, {{"token", owner_.token}}, "no csrf");
  refused(c, {{"csrf", ""}, {"token", owner_.token}}, "an empty csrf");
  refused(c, {{"csrf", others_csrf}, {"token", owner_.token}}, "another browser's csrf");
  refused(c, {{"csrf", csrf + "x"}, {"token", owner_.token}}, "a longer csrf");
  Client no_cookie = client();
  refused(no_cookie, {{"csrf", csrf}, {"token", owner_.token}}, "no sign-in cookie");
  Client empty_cookie = client();
  empty_cookie.cookies[server::kSigninCookie] = "";
  refused(empty_cookie, {{"csrf", ""}, {"token", owner_.token}}, "an empty cookie and field");
  EXPECT_EQ(c.cookies.count(server::kSessionCookie), 0u);
  // And then the right one works.
  EXPECT_EQ(post(c, "/partners/signin", {{"csrf", csrf}, {"token", owner_.token}}).status, 303);
}

TEST_F(PartnerPagesTest, ADisabledPartnersTokenIs401Disabled) {
  Client c = client();
  const std::string csrf = csrf_of(get(c, "/partners").body);
  const testing::Response reply =
      post(c, "/partners/signin", {{"csrf", csrf}, {"token", disabled_.token}});
  EXPECT_EQ(reply.status, 401) << reply.body;
  EXPECT_THAT(reply.body, HasSubstr("Ce compte partenaire est désactivé."));
  EXPECT_TRUE(set_cookie(reply, server::kSessionCookie).empty());
}

TEST_F(PartnerPagesTest, TheAdminTokenSignsInAsAdministratorAndSeesEveryFeed) {
  register_feed(owner_, good().url() + "?owner", true, "Agenda de Décider");
  register_feed(other_, good().url() + "?other", true, "Agenda de Vélo Lille");
  Client admin = signed_in(kConfigAdminToken);
  const testing::Response dashboard = get(admin, "/partners");
  EXPECT_THAT(dashboard.body, HasSubstr("<strong>administrator</strong>"));
  EXPECT_THAT(dashboard.body, HasSubstr("<span class=\"badge\">administration</span>"));
  EXPECT_THAT(dashboard.body, HasSubstr("Agenda de Décider"));
  EXPECT_THAT(dashboard.body, HasSubstr("Agenda de Vélo Lille"));
  EXPECT_THAT(dashboard.body, HasSubstr("2 flux"));
  // The [admin] token registers for a partner through the API only.
  const testing::Response registered = post_form(
      admin, "/partners/feeds", {{"url", good().url() + "?admin"}, {"name", "Par l'admin"}});
  EXPECT_EQ(registered.status, 400) << registered.body;
  EXPECT_THAT(registered.body, HasSubstr("Avec le jeton d’administration"));
  EXPECT_THAT(registered.body, HasSubstr("value=\"Par l&apos;admin\""));
  EXPECT_FALSE(registered_url(good().url() + "?admin"));
  // A partner with the admin flag sees every feed too, under its own name.
  Client moderator = signed_in(partner_admin_.token);
  const testing::Response theirs = get(moderator, "/partners");
  EXPECT_THAT(theirs.body, HasSubstr("<strong>Modération</strong>"));
  EXPECT_THAT(theirs.body, HasSubstr("Agenda de Vélo Lille"));
  EXPECT_THAT(theirs.body, HasSubstr("Agenda de Décider"));
}

TEST_F(PartnerPagesTest, TheTokenIsNeverShownAndNeverTakenFromAUrl) {
  // In a query string: not a sign-in, and the URL loses its query.
  Client c = client();
  for (const std::string& target : std::vector<std::string>{
           "/partners?next=/partners", "/partners?token=" + owner_.token,
           "/partners/?token=" + owner_.token, "/partners/signin?token=" + owner_.token}) {
    const testing::Response reply = get(c, target);
    EXPECT_EQ(reply.status, 303) << target << ": " << reply.body;
    EXPECT_EQ(location(reply).find('?'), std::string::npos) << location(reply);
    EXPECT_TRUE(set_cookie(reply, server::kSessionCookie).empty()) << target;
  }
  EXPECT_EQ(location(get(c, "/partners?token=" + owner_.token)), "/partners");
  EXPECT_EQ(c.cookies.count(server::kSessionCookie), 0u);
  EXPECT_THAT(get(c, "/partners").body, HasSubstr("action=\"/partners/signin\""));
  // A POST of the sign-in form with the token in its query (and no csrf) signs nobody in.
  const testing::Response posted =
      call(c, "POST", "/partners/signin?token=" + owner_.token, form_encode({}));
  EXPECT_NE(posted.status, 303) << posted.body;
  EXPECT_EQ(c.cookies.count(server::kSessionCookie), 0u);

  // Signed in, with a feed: no page shows it.
  Client in = signed_in(owner_.token);
  const std::string id = register_via_form(in, good().url(), "Agenda");
  for (const std::string& page : std::vector<std::string>{"/partners", "/partners/feeds/" + id,
                                                          "/partners/feeds/" + id + "/delete"}) {
    const testing::Response reply = get(in, page);
    EXPECT_EQ(reply.status, 200) << page;
    EXPECT_THAT(reply.body, Not(HasSubstr(owner_.token))) << page;
    EXPECT_THAT(reply.body, Not(HasSubstr(core::token_hash(owner_.token)))) << page;
    EXPECT_THAT(reply.body, Not(HasSubstr(in.session()))) << page << " shows the session id";
  }
  // Nor the sign-in error page, with a near miss.
  Client miss = client();
  const std::string near = owner_.token.substr(0, owner_.token.size() - 1) + "!";
  const testing::Response error = post(
      miss, "/partners/signin", {{"csrf", csrf_of(get(miss, "/partners").body)}, {"token", near}});
  EXPECT_EQ(error.status, 401);
  EXPECT_THAT(error.body, Not(HasSubstr(near)));
  EXPECT_THAT(error.body, Not(HasSubstr(owner_.token.substr(0, 20))));
  // TearDown checks every answer of the test, headers included.
}

// ---------------------------------------------------------------------------------------------
// Sessions.

TEST_F(PartnerPagesTest, TheDashboardListsOnlyOnesOwnFeeds) {
  register_feed(owner_, good().url() + "?a", true, "Agenda de Décider");
  register_feed(owner_, good().url() + "?b", true, "Ateliers de Décider");
  register_feed(other_, good().url() + "?c", true, "Agenda de Vélo Lille");
  Client c = signed_in(owner_.token);
  const testing::Response dashboard = get(c, "/partners");
  EXPECT_THAT(dashboard.body, HasSubstr("Agenda de Décider"));
  EXPECT_THAT(dashboard.body, HasSubstr("Ateliers de Décider"));
  EXPECT_THAT(dashboard.body, HasSubstr("2 flux"));
  EXPECT_THAT(dashboard.body, HasSubstr("pas encore lu"));
  EXPECT_THAT(dashboard.body, Not(HasSubstr("Vélo Lille")));
  EXPECT_THAT(dashboard.body, Not(HasSubstr(good().url() + "?c")));
  Client other = signed_in(other_.token);
  const testing::Response theirs = get(other, "/partners");
  EXPECT_THAT(theirs.body, HasSubstr("Agenda de Vélo Lille"));
  EXPECT_THAT(theirs.body, Not(HasSubstr("Décider")));
  EXPECT_THAT(theirs.body, HasSubstr("1 flux"));
}

TEST_F(PartnerPagesTest, AnotherPartnersFeedIs403AndAnUnknownOne404) {
  const std::string theirs = register_feed(other_, good().url(), true, "Agenda de Vélo Lille");
  const std::string own = register_feed(owner_, good().url() + "?own", true, "Le mien");
  Client c = signed_in(owner_.token);
  for (const std::string& page : std::vector<std::string>{
           "/partners/feeds/" + theirs, "/partners/feeds/" + theirs + "/delete"}) {
    const testing::Response reply = get(c, page);
    EXPECT_EQ(reply.status, 403) << page;
    EXPECT_THAT(reply.body, HasSubstr("Ce flux appartient à un autre partenaire.")) << page;
    EXPECT_THAT(reply.body, Not(HasSubstr("Agenda de Vélo Lille"))) << page;
    EXPECT_THAT(reply.body, Not(HasSubstr(good().url()))) << page;
  }
  // Nor may its forms be posted.
  EXPECT_EQ(post_form(c, "/partners/feeds/" + theirs + "/refresh").status, 403);
  EXPECT_EQ(post_form(c, "/partners/feeds/" + theirs + "/delete").status, 403);
  EXPECT_EQ(
      post_form(c, "/partners/feeds/" + theirs, {{"url", good().url()}, {"name", "Volé"}}).status,
      403);
  EXPECT_EQ(good().requests(), 0);
  ASSERT_TRUE(feed(theirs).has_value());
  EXPECT_EQ(feed(theirs)->config.name, "Agenda de Vélo Lille");

  for (const std::string& page : std::vector<std::string>{
           std::string("/partners/feeds/p-000000000999"), "/partners/feeds/p-000000000999/delete",
           "/partners/feeds/", "/partners/nothing", "/partners/feeds/" + own + "/x"}) {
    const testing::Response reply = get(c, page);
    EXPECT_EQ(reply.status, 404) << page << ": " << reply.body;
  }
  EXPECT_THAT(get(c, "/partners/feeds/p-000000000999").body,
              HasSubstr("Il n&apos;y a pas de flux à cette adresse."));
}

TEST_F(PartnerPagesTest, APartnerDisabledAfterSigningInIsSignedOutAtTheNextRequest) {
  Client c = signed_in(owner_.token);
  const std::string session = c.session();
  ASSERT_TRUE(registry_->set_disabled(owner_.id, true).ok());
  const testing::Response reply = get(c, "/partners");
  EXPECT_EQ(reply.status, 401) << reply.body;
  EXPECT_THAT(reply.body, HasSubstr("compte partenaire est désactivé"));
  EXPECT_THAT(reply.body, HasSubstr("action=\"/partners/signin\""));
  EXPECT_TRUE(clears(set_cookie(reply, server::kSessionCookie)))
      << set_cookie(reply, server::kSessionCookie);
  // Enabled again, the old session stays closed.
  ASSERT_TRUE(registry_->set_disabled(owner_.id, false).ok());
  c.cookies[server::kSessionCookie] = session;
  const testing::Response after = get(c, "/partners");
  EXPECT_EQ(after.status, 200);
  EXPECT_THAT(after.body, HasSubstr("action=\"/partners/signin\""));
  EXPECT_TRUE(clears(set_cookie(after, server::kSessionCookie)));
  // A form posted by the disabled partner is refused the same way.
  Client d = signed_in(other_.token);
  ASSERT_TRUE(registry_->set_disabled(other_.id, true).ok());
  const testing::Response posted = post_form(
      d, "/partners/feeds", {{"url", good().url()}, {"name", "Agenda"}, {"format", "auto"}});
  EXPECT_EQ(posted.status, 401) << posted.body;
  EXPECT_FALSE(registered_url(good().url()));
}

TEST_F(PartnerPagesTest, ANewTokenEndsTheSessionsOfTheOldOne) {
  Client c = signed_in(owner_.token);
  auto fresh = core::new_token();
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE(registry_->set_token(owner_.id, core::token_hash(*fresh)).ok());
  const testing::Response reply = get(c, "/partners");
  EXPECT_EQ(reply.status, 401) << reply.body;
  EXPECT_THAT(reply.body, HasSubstr("Votre session a pris fin"));
  EXPECT_THAT(reply.body, HasSubstr("jeton"));
  EXPECT_THAT(reply.body, Not(HasSubstr("désactivé")));
  EXPECT_TRUE(clears(set_cookie(reply, server::kSessionCookie)));
  // The old token signs in no more; the new one does.
  Client old = client();
  const testing::Response refused =
      post(old, "/partners/signin",
           {{"csrf", csrf_of(get(old, "/partners").body)}, {"token", owner_.token}});
  EXPECT_EQ(refused.status, 401);
  Client renewed = signed_in(*fresh);
  EXPECT_THAT(get(renewed, "/partners").body, HasSubstr("<strong>Décider ensemble</strong>"));
  EXPECT_THAT(get(renewed, "/partners").body, Not(HasSubstr(*fresh)));
}

TEST_F(PartnerPagesTest, SigningOutEndsTheSessionAndANewSignInGetsANewId) {
  Client c = signed_in(owner_.token);
  const std::string old_session = c.session();
  const std::string old_csrf = c.csrf;
  ASSERT_FALSE(old_session.empty());
  const testing::Response out = post_form(c, "/partners/signout");
  EXPECT_EQ(out.status, 303) << out.body;
  EXPECT_EQ(location(out), "/partners");
  EXPECT_TRUE(clears(set_cookie(out, server::kSessionCookie)));
  EXPECT_THAT(get(c, "/partners").body, HasSubstr("action=\"/partners/signin\""));

  // The old cookie, kept by someone, opens nothing.
  Client thief = client();
  thief.cookies[server::kSessionCookie] = old_session;
  const testing::Response page = get(thief, "/partners");
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("action=\"/partners/signin\""));
  EXPECT_THAT(page.body, Not(HasSubstr("Décider ensemble")));
  thief.cookies[server::kSessionCookie] = old_session;
  thief.csrf = old_csrf;
  const testing::Response posted =
      post_form(thief, "/partners/feeds", {{"url", good().url()}, {"name", "Agenda"}});
  EXPECT_EQ(posted.status, 401) << posted.body;
  EXPECT_THAT(posted.body, HasSubstr("Votre session a expiré"));
  EXPECT_FALSE(registered_url(good().url()));

  // Signing in again: another session id, another CSRF token.
  Client again = signed_in(owner_.token);
  EXPECT_NE(again.session(), old_session);
  EXPECT_NE(again.csrf, old_csrf);
  // The new session is a session: its cookie, copied to another browser, opens the dashboard.
  Client copy = client();
  copy.cookies[server::kSessionCookie] = again.session();
  EXPECT_THAT(get(copy, "/partners").body, HasSubstr("Se déconnecter"));
}

TEST_F(PartnerPagesTest, WithoutASessionPagesGoToTheSignInAndFormsAre401) {
  const std::string id = register_feed(owner_, good().url());
  Client c = client();
  for (const std::string& page :
       std::vector<std::string>{"/partners/feeds/" + id, "/partners/feeds/" + id + "/delete",
                                std::string("/partners/feeds"), std::string("/partners/signout")}) {
    const testing::Response reply = get(c, page);
    EXPECT_EQ(reply.status, 303) << page << ": " << reply.body;
    EXPECT_EQ(location(reply), "/partners") << page;
  }
  Client unknown = client();
  unknown.cookies[server::kSessionCookie] = "cct_" + std::string(43, 'a');
  const testing::Response stale = get(unknown, "/partners");
  EXPECT_EQ(stale.status, 200);
  EXPECT_TRUE(clears(set_cookie(stale, server::kSessionCookie)));
  for (const std::string& form :
       std::vector<std::string>{"/partners/feeds/" + id + "/delete", "/partners/feeds/" + id,
                                std::string("/partners/feeds")}) {
    const testing::Response reply = post(c, form, {{"url", good().url() + "?x"}, {"name", "x"}});
    EXPECT_EQ(reply.status, 401) << form << ": " << reply.body;
    EXPECT_THAT(reply.body, HasSubstr("Votre session a expiré : connectez-vous à nouveau."));
  }
  EXPECT_TRUE(feed(id).has_value());
  EXPECT_EQ(feed_count(), 1u);
}

// ---------------------------------------------------------------------------------------------
// CSRF and Origin on every form.

// A signed-in moderator, a held feed of another partner, and every form that acts on it, with
// a check that it did nothing.
class PartnerPagesFormsTest : public PartnerPagesTest {
 protected:
  void SetUp() override {
    PartnerPagesTest::SetUp();
    ServerConfig moderated;
    moderated.moderation = true;
    moderated_ = &start(moderated);
    held_ = register_feed(owner_, good().url(), /*approved=*/false, "Agenda tenu");
    moderator_ = signed_in(partner_admin_.token, moderated_);
  }

  struct Form {
    std::string path;
    Fields fields;
  };
  std::vector<Form> forms() {
    const std::string feed = "/partners/feeds/" + held_;
    return {
        {"/partners/signout", {}},
        {"/partners/feeds",
         {{"url", good().url() + "?new"}, {"name", "Nouveau"}, {"format", "auto"}}},
        {feed,
         {{"url", good().url()},
          {"name", "Renommé"},
          {"format", "auto"},
          {"category", ""},
          {"timezone", ""}}},
        {feed + "/refresh", {{"back", "feed"}}},
        {feed + "/approve", {}},
        {feed + "/delete", {}},
    };
  }

  // Nothing any form does has happened.
  void expect_nothing_changed(const std::string& what) {
    const auto held = feed(held_);
    ASSERT_TRUE(held.has_value()) << what << ": the feed was deleted";
    EXPECT_EQ(held->config.name, "Agenda tenu") << what;
    EXPECT_FALSE(held->approved) << what;
    EXPECT_FALSE(registered_url(good().url() + "?new")) << what;
    EXPECT_EQ(good().requests(), 0) << what << ": a fetch ran";
    EXPECT_EQ(feed_count(), 1u) << what;
    const testing::Response dashboard = get(moderator_, "/partners");
    EXPECT_THAT(dashboard.body, HasSubstr("Se déconnecter")) << what << ": signed out";
  }

  Running* moderated_ = nullptr;
  std::string held_;
  Client moderator_;
};

TEST_F(PartnerPagesFormsTest, EveryFormWithoutTheSessionsCsrfIs403AndDoesNothing) {
  Client someone = signed_in(other_.token, moderated_);
  const std::vector<std::pair<std::string, std::optional<std::string>>> tokens = {
      {"no csrf", std::nullopt},
      {"an empty csrf", ""},
      {"a made-up csrf", "cct_" + std::string(43, 'z')},
      {"the csrf with a byte more", moderator_.csrf + "0"},
      {"another session's csrf", someone.csrf},
  };
  for (const Form& form : forms()) {
    for (const auto& [what, csrf] : tokens) {
      Fields fields = form.fields;
      if (csrf) fields.insert(fields.begin(), {"csrf", *csrf});
      const testing::Response reply = post(moderator_, form.path, fields);
      EXPECT_EQ(reply.status, 403) << form.path << " with " << what << ": " << reply.body;
      EXPECT_THAT(reply.body, HasSubstr("Ce formulaire a expiré")) << form.path << " " << what;
      expect_nothing_changed(form.path + " with " + what);
    }
    // The csrf in the query string rather than the form counts for nothing either.
    const testing::Response in_query =
        call(moderator_, "POST", form.path + "?csrf=" + moderator_.csrf, form_encode(form.fields));
    EXPECT_EQ(in_query.status, 403) << form.path;
    expect_nothing_changed(form.path + " with the csrf in the query");
  }
}

TEST_F(PartnerPagesFormsTest, EveryFormFromAnotherOriginIs403EvenWithTheRightCsrf) {
  for (const Form& form : forms()) {
    for (const std::string& from :
         std::vector<std::string>{std::string(kEvil), std::string("http://127.0.0.1"),
                                  origin(moderator_) + ".evil.example", std::string("null"),
                                  "http://127.0.0.1:" + std::to_string(moderator_.port + 1)}) {
      const testing::Response reply =
          post_form(moderator_, form.path, form.fields, {{"Origin", from}});
      EXPECT_EQ(reply.status, 403) << form.path << " from " << from << ": " << reply.body;
      EXPECT_THAT(reply.body, HasSubstr("Ce formulaire vient d’un autre site")) << form.path;
      expect_nothing_changed(form.path + " from " + from);
    }
  }
  // The sign-in form too.
  Client c = client(moderated_);
  const std::string csrf = csrf_of(get(c, "/partners").body);
  const testing::Response signin =
      post(c, "/partners/signin", {{"csrf", csrf}, {"token", owner_.token}}, {{"Origin", kEvil}});
  EXPECT_EQ(signin.status, 403) << signin.body;
  EXPECT_TRUE(set_cookie(signin, server::kSessionCookie).empty());
}

TEST_F(PartnerPagesFormsTest, EveryFormFromTheServersOwnOriginIsAccepted) {
  const std::string own = origin(moderator_);
  const std::string feed_path = "/partners/feeds/" + held_;
  const auto accepted = [&](const std::string& path, const Fields& fields,
                            const std::string& origin_header) {
    const testing::Response reply =
        post_form(moderator_, path, fields, {{"Origin", origin_header}});
    EXPECT_EQ(reply.status, 303) << path << " from " << origin_header << ": " << reply.body;
    return reply;
  };
  const std::vector<Form> all = forms();
  accepted(all[2].path, all[2].fields, own);
  EXPECT_EQ(feed(held_)->config.name, "Renommé");
  EXPECT_EQ(location(accepted(all[3].path, all[3].fields, own)), feed_path);
  EXPECT_EQ(good().requests(), 1);
  accepted(all[4].path, all[4].fields, own);
  EXPECT_TRUE(feed(held_)->approved);
  // An Origin in capitals is the same origin.
  accepted(all[1].path, all[1].fields, "HTTP://127.0.0.1:" + std::to_string(moderator_.port));
  EXPECT_TRUE(registered_url(good().url() + "?new"));
  accepted(all[5].path, all[5].fields, own);
  EXPECT_FALSE(feed(held_).has_value());
  EXPECT_EQ(location(accepted(all[0].path, all[0].fields, own)), "/partners");
  EXPECT_THAT(get(moderator_, "/partners").body, HasSubstr("action=\"/partners/signin\""));

  // Behind its public address, the site's own origin is base_url's.
  ServerConfig https;
  https.base_url = "https://agenda.example.org";
  const Running& secure = start(https);
  Client c = signed_in(owner_.token, &secure);
  EXPECT_EQ(
      post_form(c, "/partners/signout", {}, {{"Origin", "https://agenda.example.org"}}).status,
      303);
}

TEST_F(PartnerPagesTest, FormsMustBeUrlEncodedAndAtMost16KiB) {
  Client c = signed_in(owner_.token);
  const std::string body = form_encode(
      {{"csrf", c.csrf}, {"url", good().url()}, {"name", "Agenda"}, {"format", "auto"}});
  for (const std::string& type :
       std::vector<std::string>{"text/plain", "multipart/form-data; boundary=x", "application/json",
                                "application/x-www-form-urlencodedx", ""}) {
    const testing::Response reply = call(c, "POST", "/partners/feeds", body, type);
    EXPECT_EQ(reply.status, 415) << "Content-Type \"" << type << "\": " << reply.body;
  }
  EXPECT_EQ(feed_count(), 0u);
  EXPECT_EQ(good().requests(), 0);

  // At the limit the form is read (and refused for its name: 400, shown again).
  const std::string head = form_encode({{"csrf", c.csrf}, {"url", good().url()}}) + "&name=";
  const std::string at_limit = head + std::string(16 * 1024 - head.size(), 'n');
  ASSERT_EQ(at_limit.size(), 16u * 1024);
  const testing::Response read = call(c, "POST", "/partners/feeds", at_limit);
  EXPECT_EQ(read.status, 400) << read.body.substr(0, 2000);
  EXPECT_THAT(read.body, HasSubstr("notice-error"));
  EXPECT_THAT(read.body, HasSubstr("Le nom doit tenir en 200 octets"));
  const std::string over = at_limit + "n";
  EXPECT_EQ(call(c, "POST", "/partners/feeds", over).status, 413);
  const testing::Response chunked = call(
      c, "POST", "/partners/feeds", over + std::string(4096, 'n'), kForm, {}, /*chunked=*/true);
  EXPECT_EQ(chunked.status, 413);
  EXPECT_THAT(chunked.body, HasSubstr("Le formulaire est trop long"));
  EXPECT_EQ(feed_count(), 0u);

  // A charset with the type is still a form.
  const testing::Response utf8 =
      call(c, "POST", "/partners/feeds", body, "Application/X-WWW-Form-Urlencoded; charset=UTF-8");
  EXPECT_EQ(utf8.status, 303) << utf8.body;
  EXPECT_TRUE(registered_url(good().url()));
  // A form whose escapes are broken is refused.
  EXPECT_EQ(call(c, "POST", "/partners/signout", "csrf=" + c.csrf + "&x=%zz").status, 400);
}

// ---------------------------------------------------------------------------------------------
// Registering.

TEST_F(PartnerPagesTest, RegisteringAFeedShowsWhatItsTestFetchFound) {
  Client c = signed_in(owner_.token);
  const std::string id = register_via_form(c, "  " + good().url() + " ", "  Agenda de Décider  ");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(good().requests(), 1);
  const auto stored = feed(id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->partner_id, owner_.id);
  EXPECT_EQ(stored->config.url, good().url());
  EXPECT_EQ(stored->config.name, "Agenda de Décider");
  EXPECT_TRUE(stored->approved);

  const testing::Response page = get(c, "/partners/feeds/" + id);
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("« Agenda de Décider » est inscrit : " +
                                   std::to_string(kGoodEvents) + " événements trouvés."));
  EXPECT_THAT(page.body, HasSubstr("role=\"status\""));
  EXPECT_THAT(page.body, HasSubstr("badge-ok\">en bonne santé"));
  EXPECT_THAT(page.body, HasSubstr("2 événements"));
  EXPECT_THAT(page.body, HasSubstr("(HTTP 200)"));
  EXPECT_THAT(page.body, HasSubstr(kGoodFirst));
  EXPECT_THAT(page.body, HasSubstr(kGoodSecond));
  EXPECT_LT(page.body.find(kGoodFirst), page.body.find(kGoodSecond)) << "not in order";
  EXPECT_THAT(page.body, Not(HasSubstr("en attente de validation")));
  // The change form, filled with the feed.
  EXPECT_THAT(page.body, HasSubstr("action=\"/partners/feeds/" + id + "\""));
  EXPECT_THAT(page.body, HasSubstr("value=\"" + good().url() + "\""));
  EXPECT_THAT(page.body, HasSubstr("value=\"Agenda de Décider\""));
  // A notice is shown once.
  EXPECT_THAT(get(c, "/partners/feeds/" + id).body, Not(HasSubstr("est inscrit")));
  const testing::Response dashboard = get(c, "/partners");
  EXPECT_THAT(dashboard.body, HasSubstr("1 flux"));
  EXPECT_THAT(dashboard.body, HasSubstr("href=\"/partners/feeds/" + id + "\""));
  EXPECT_THAT(dashboard.body, HasSubstr(kGoodFirst));
  EXPECT_THAT(calendar_ics(), HasSubstr(kGoodFirst));
}

TEST_F(PartnerPagesTest, ProblemsOfTheTestFetchAreShownByLine) {
  Client c = signed_in(owner_.token);
  const std::string id = register_via_form(c, broken().url(), "Agenda cassé");
  const testing::Response page = get(c, "/partners/feeds/" + id);
  EXPECT_THAT(page.body, HasSubstr("« Agenda cassé » est inscrit : 1 événement trouvé."));
  EXPECT_THAT(page.body,
              ContainsRegex("<li>ligne " + std::to_string(kBrokenLine) + " : [^<]+</li>"));
  EXPECT_THAT(page.body, HasSubstr("lu, avec des problèmes"));
  EXPECT_THAT(page.body, HasSubstr(kBrokenGood));
  // The notice is gone once shown; the problems stay on the feed's page, stored with its read.
  const testing::Response again = get(c, "/partners/feeds/" + id);
  EXPECT_THAT(again.body, Not(HasSubstr("est inscrit")));
  EXPECT_THAT(again.body, HasSubstr("Problèmes de la dernière lecture"));
  EXPECT_THAT(again.body,
              HasSubstr("erreur</span> ligne " + std::to_string(kBrokenLine) + "\u00a0: "));
}

TEST_F(PartnerPagesTest, RefusedUrlsShowTheFormAgainFilledInAndRegisterNothing) {
  const std::string existing = register_feed(other_, good().url(), true, "Déjà là");
  Client c = signed_in(owner_.token);
  const std::string hostile_name = "Mon \"agenda\" <b>gras</b> & co";
  struct Case {
    std::string url;
    int status;
    std::string says;
  };
  for (const Case& refused : std::vector<Case>{
           {"http://169.254.169.254/", 422, "L’agenda ne peut pas lire cette adresse : "},
           {kInternalUrl, 422, "L’agenda ne peut pas lire cette adresse : "},
           {"file:///etc/passwd", 422, "L’agenda ne peut pas lire cette adresse : "},
           {"http://10.0.0.1/agenda.ics", 422, "L’agenda ne peut pas lire cette adresse : "},
           {good().url(), 409, "Cette adresse est déjà inscrite dans l’agenda."},
           {"HTTP://127.0.0.1:" + good().url().substr(17), 409,
            "Cette adresse est déjà inscrite dans l’agenda."},
       }) {
    const testing::Response reply = post_form(c, "/partners/feeds",
                                              {{"url", refused.url},
                                               {"name", hostile_name},
                                               {"format", "ics"},
                                               {"category", "Mobilité <douce>"},
                                               {"timezone", "Europe/Paris"}});
    EXPECT_EQ(reply.status, refused.status) << refused.url << ": " << reply.body;
    EXPECT_THAT(reply.body, HasSubstr(refused.says)) << refused.url;
    EXPECT_THAT(reply.body, HasSubstr("notice-error")) << refused.url;
    // The dashboard, with the form as it was sent, escaped.
    EXPECT_THAT(reply.body, HasSubstr("Vos flux")) << refused.url;
    EXPECT_THAT(reply.body, HasSubstr("id=\"register-url\" name=\"url\" type=\"url\" required "
                                      "maxlength=\"2048\" value=\"" +
                                      refused.url + "\""))
        << refused.url;
    EXPECT_THAT(reply.body,
                HasSubstr("value=\"Mon &quot;agenda&quot; &lt;b&gt;gras&lt;/b&gt; &amp; co\""));
    EXPECT_THAT(reply.body, Not(HasSubstr("<b>gras")));
    EXPECT_THAT(reply.body, HasSubstr("value=\"Mobilité &lt;douce&gt;\""));
    EXPECT_THAT(reply.body, HasSubstr("value=\"Europe/Paris\""));
    EXPECT_THAT(reply.body, HasSubstr("<option value=\"ics\" selected>"));
    EXPECT_THAT(reply.body, Not(HasSubstr("<option value=\"auto\" selected>")));
  }
  EXPECT_EQ(feed_count(), 1u);
  EXPECT_TRUE(feed(existing).has_value());
  EXPECT_EQ(good().requests(), 0) << "a refused URL was fetched";
  // Refused fields are 400, shown the same way.
  const testing::Response no_name = post_form(
      c, "/partners/feeds", {{"url", good().url() + "?x"}, {"name", "  "}, {"format", "auto"}});
  EXPECT_EQ(no_name.status, 400);
  EXPECT_THAT(no_name.body, HasSubstr("Indiquez le nom du flux."));
  // In French: not the API's English words.
  EXPECT_THAT(no_name.body, Not(HasSubstr("&quot;name&quot;")));
  const testing::Response zone =
      post_form(c, "/partners/feeds",
                {{"url", good().url() + "?x"}, {"name", "Agenda"}, {"timezone", "Mars/Olympus"}});
  EXPECT_EQ(zone.status, 400);
  EXPECT_THAT(zone.body, HasSubstr("value=\"Mars/Olympus\""));
  EXPECT_THAT(zone.body, HasSubstr("Ce fuseau horaire est inconnu"));
  EXPECT_EQ(feed_count(), 1u);
}

TEST_F(PartnerPagesTest, WithModerationANewFeedIsShownAwaitingApprovalAndIsNotPublic) {
  ServerConfig moderated;
  moderated.moderation = true;
  const Running& running = start(moderated);
  Client c = signed_in(owner_.token, &running);
  EXPECT_THAT(get(c, "/partners").body,
              HasSubstr("Un nouveau flux est relu par l’équipe de l’agenda"));
  const std::string id = register_via_form(c, good().url(), "Agenda tenu");
  const testing::Response page = get(c, "/partners/feeds/" + id);
  EXPECT_THAT(page.body, HasSubstr("« Agenda tenu » est inscrit : 2 événements trouvés. Ils "
                                   "seront publiés quand l’équipe de l’agenda aura validé le "
                                   "flux."));
  EXPECT_THAT(page.body, HasSubstr("<span class=\"badge\">en attente de validation</span>"));
  // Its owner sees its next events; the public does not.
  EXPECT_THAT(page.body, HasSubstr(kGoodFirst));
  EXPECT_THAT(page.body, Not(HasSubstr("/approve")));
  const testing::Response dashboard = get(c, "/partners");
  EXPECT_THAT(dashboard.body, HasSubstr("1 flux, 1 en attente de validation"));
  EXPECT_THAT(dashboard.body, HasSubstr(kGoodFirst));
  EXPECT_THAT(calendar_ics(&running), Not(HasSubstr(kGoodFirst)));
  EXPECT_THAT(testing::get(running.port(), "/").body, Not(HasSubstr(kGoodFirst)));
  EXPECT_FALSE(feed(id)->approved);
}

TEST_F(PartnerPagesTest, AFailingFeedShowsItIsFailingAndWhy) {
  Client c = signed_in(owner_.token);
  // Registered through the form while its server fails: registered, with the reason.
  const std::string registered = register_via_form(c, failing().url() + "?form", "Agenda en panne");
  const testing::Response first = get(c, "/partners/feeds/" + registered);
  EXPECT_THAT(first.body, HasSubstr("« Agenda en panne » n’a pas pu être lu : "));
  EXPECT_THAT(first.body, HasSubstr("(HTTP 500)"));
  EXPECT_THAT(first.body, HasSubstr("role=\"alert\""));
  EXPECT_THAT(first.body, HasSubstr("badge-failing\">en échec (1 fois)"));
  EXPECT_TRUE(feed(registered).has_value());

  // A feed read well, whose server then fails: the refresh says so.
  const std::string id = register_feed(owner_, failing().url(), true, "Agenda fragile");
  const testing::Response refreshed =
      post_form(c, "/partners/feeds/" + id + "/refresh", {{"back", "feed"}});
  ASSERT_EQ(refreshed.status, 303) << refreshed.body;
  EXPECT_EQ(location(refreshed), "/partners/feeds/" + id);
  const testing::Response page = get(c, "/partners/feeds/" + id);
  EXPECT_THAT(page.body, HasSubstr("« Agenda fragile » n’a pas pu être lu : "));
  EXPECT_THAT(page.body, HasSubstr("en échec"));
  EXPECT_THAT(page.body, HasSubstr("badge-failing"));
  EXPECT_THAT(page.body,
              ContainsRegex("<dt>Erreur</dt>\n<dd class=\"error-text\">[^<]*500[^<]*</dd>"));
  EXPECT_THAT(page.body, HasSubstr("<span class=\"meta\">(HTTP 500)</span>"));
  const testing::Response dashboard = get(c, "/partners");
  EXPECT_THAT(dashboard.body, HasSubstr("2 flux, dont 2 en échec"));
  EXPECT_THAT(dashboard.body, HasSubstr("feed-card health-failing"));
}

// ---------------------------------------------------------------------------------------------
// Refresh, change, delete, approve.

TEST_F(PartnerPagesTest, ARefreshReadsTheFeedAtMostOnceAMinute) {
  const std::string id = register_feed(owner_, good().url(), true, "Agenda à relire");
  Client c = signed_in(owner_.token);
  EXPECT_THAT(get(c, "/partners").body, Not(HasSubstr(" disabled title=")));
  const testing::Response first = post_form(c, "/partners/feeds/" + id + "/refresh");
  ASSERT_EQ(first.status, 303) << first.body;
  EXPECT_EQ(location(first), "/partners");
  EXPECT_EQ(good().requests(), 1);
  const testing::Response dashboard = get(c, "/partners");
  EXPECT_THAT(dashboard.body, HasSubstr("« Agenda à relire » est relu : 2 événements trouvés."));
  EXPECT_THAT(dashboard.body, HasSubstr("en bonne santé"));
  EXPECT_THAT(dashboard.body, HasSubstr(kGoodFirst));
  // The button waits for the minute, on both pages.
  EXPECT_THAT(dashboard.body,
              ContainsRegex("<button type=\"submit\" disabled title=\"Relu il y a moins "
                            "d’une minute : réessayez dans [0-9]+ s\">Relire maintenant</button>"));
  EXPECT_THAT(get(c, "/partners/feeds/" + id).body,
              HasSubstr("disabled title=\"Relu il y a moins d’une minute"));

  // A second refresh within the minute: not read, and said so where the button was.
  const testing::Response second =
      post_form(c, "/partners/feeds/" + id + "/refresh", {{"back", "feed"}});
  ASSERT_EQ(second.status, 303);
  EXPECT_EQ(location(second), "/partners/feeds/" + id);
  const testing::Response page = get(c, "/partners/feeds/" + id);
  EXPECT_THAT(page.body, ContainsRegex("Ce flux vient d’être lu : réessayez dans [0-9]+ s\\."));
  EXPECT_EQ(good().requests(), 1);
  // Only "feed" goes elsewhere than the dashboard.
  const testing::Response elsewhere =
      post_form(c, "/partners/feeds/" + id + "/refresh", {{"back", "https://evil.example/"}});
  EXPECT_EQ(location(elsewhere), "/partners");
  // A GET of the action goes to the feed's page.
  const testing::Response got = get(c, "/partners/feeds/" + id + "/refresh");
  EXPECT_EQ(got.status, 303);
  EXPECT_EQ(location(got), "/partners/feeds/" + id);
  EXPECT_EQ(good().requests(), 1);
}

TEST_F(PartnerPagesTest, ChangingTheNameShowsOnTheDashboard) {
  const std::string id = register_feed(owner_, good().url(), true, "Ancien nom");
  Client c = signed_in(owner_.token);
  const testing::Response changed = post_form(c, "/partners/feeds/" + id,
                                              {{"url", good().url()},
                                               {"name", "Nouveau nom"},
                                               {"format", "auto"},
                                               {"category", ""},
                                               {"timezone", ""}});
  ASSERT_EQ(changed.status, 303) << changed.body;
  EXPECT_EQ(location(changed), "/partners/feeds/" + id);
  EXPECT_EQ(feed(id)->config.name, "Nouveau nom");
  EXPECT_EQ(good().requests(), 0) << "a new name alone is no reason to read the feed";
  EXPECT_THAT(get(c, "/partners/feeds/" + id).body, HasSubstr("« Nouveau nom » est enregistré."));
  const testing::Response dashboard = get(c, "/partners");
  EXPECT_THAT(dashboard.body, HasSubstr(">Nouveau nom</a>"));
  EXPECT_THAT(dashboard.body, Not(HasSubstr("Ancien nom")));

  // A new category reads the feed again, and says what it found.
  const testing::Response recategorized = post_form(c, "/partners/feeds/" + id,
                                                    {{"url", good().url()},
                                                     {"name", "Nouveau nom"},
                                                     {"format", "auto"},
                                                     {"category", "Budget"},
                                                     {"timezone", ""}});
  ASSERT_EQ(recategorized.status, 303) << recategorized.body;
  EXPECT_EQ(good().requests(), 1);
  EXPECT_THAT(get(c, "/partners/feeds/" + id).body,
              HasSubstr("« Nouveau nom » est modifié et relu : 2 événements trouvés."));
  EXPECT_EQ(feed(id)->config.category, "Budget");
}

TEST_F(PartnerPagesTest, AChangeToAnInternalUrlIs422WithTheFormRefilled) {
  const std::string id = register_feed(owner_, good().url(), true, "Agenda sûr");
  Client c = signed_in(owner_.token);
  const testing::Response refused = post_form(c, "/partners/feeds/" + id,
                                              {{"url", kInternalUrl},
                                               {"name", "Agenda piégé"},
                                               {"format", "rss"},
                                               {"category", ""},
                                               {"timezone", ""}});
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_THAT(refused.body, HasSubstr("L’agenda ne peut pas lire cette adresse : "));
  EXPECT_THAT(refused.body, HasSubstr("id=\"change-url\""));
  EXPECT_THAT(refused.body, HasSubstr("value=\"" + std::string(kInternalUrl) + "\""));
  EXPECT_THAT(refused.body, HasSubstr("value=\"Agenda piégé\""));
  EXPECT_THAT(refused.body, HasSubstr("<option value=\"rss\" selected>"));
  // The page still shows the feed as it is.
  EXPECT_THAT(refused.body, HasSubstr("<h1>Agenda sûr</h1>"));
  const auto kept = feed(id);
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->config.url, good().url());
  EXPECT_EQ(kept->config.name, "Agenda sûr");
  EXPECT_EQ(kept->config.format, "auto");
  // Onto another registered feed's URL: 409, unchanged.
  const std::string other = register_feed(owner_, broken().url(), true, "Autre");
  const testing::Response taken =
      post_form(c, "/partners/feeds/" + other, {{"url", good().url()}, {"name", "Autre"}});
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(feed(other)->config.url, broken().url());
  EXPECT_EQ(good().requests() + broken().requests(), 0);
}

TEST_F(PartnerPagesTest, DeletingAsksFirstThenRemovesTheFeedAndItsEvents) {
  Client c = signed_in(owner_.token);
  const std::string id = register_via_form(c, good().url(), "Agenda à supprimer");
  ASSERT_THAT(calendar_ics(), HasSubstr(kGoodFirst));
  const testing::Response confirm = get(c, "/partners/feeds/" + id + "/delete");
  ASSERT_EQ(confirm.status, 200);
  EXPECT_THAT(confirm.body, HasSubstr("Supprimer ce flux ?"));
  EXPECT_THAT(confirm.body, HasSubstr("Le flux « Agenda à supprimer » et ses 2 événements vont "
                                      "quitter l’agenda."));
  EXPECT_THAT(confirm.body, HasSubstr("<form method=\"post\" action=\"/partners/feeds/" + id +
                                      "/delete\">\n<input type=\"hidden\" name=\"csrf\" value=\"" +
                                      c.csrf + "\">"));
  // Seeing the confirmation deletes nothing.
  EXPECT_TRUE(feed(id).has_value());

  const testing::Response deleted = post_form(c, "/partners/feeds/" + id + "/delete");
  ASSERT_EQ(deleted.status, 303) << deleted.body;
  EXPECT_EQ(location(deleted), "/partners");
  EXPECT_FALSE(feed(id).has_value());
  EXPECT_EQ(feed_count(), 0u);
  EXPECT_THAT(calendar_ics(), Not(HasSubstr(kGoodFirst)));
  EXPECT_THAT(calendar_ics(), Not(HasSubstr(kGoodSecond)));
  const testing::Response dashboard = get(c, "/partners");
  EXPECT_THAT(
      dashboard.body,
      HasSubstr("« Agenda à supprimer » est supprimé : ses événements ont quitté l’agenda."));
  EXPECT_THAT(dashboard.body, HasSubstr("Vous n’avez encore inscrit aucun flux."));
  EXPECT_EQ(get(c, "/partners/feeds/" + id).status, 404);
  EXPECT_EQ(post_form(c, "/partners/feeds/" + id + "/delete").status, 404);
  // The URL is free again.
  register_via_form(c, good().url(), "Agenda revenu");
}

TEST_F(PartnerPagesTest, AnAdministratorApprovesAHeldFeedAndItsOwnerCannot) {
  ServerConfig moderated;
  moderated.moderation = true;
  const Running& running = start(moderated);
  Client owner = signed_in(owner_.token, &running);
  const std::string id = register_via_form(owner, good().url(), "Agenda à valider");
  ASSERT_THAT(calendar_ics(&running), Not(HasSubstr(kGoodFirst)));

  const testing::Response by_owner = post_form(owner, "/partners/feeds/" + id + "/approve");
  EXPECT_EQ(by_owner.status, 403) << by_owner.body;
  EXPECT_THAT(by_owner.body, HasSubstr("Cette action est réservée à l’équipe de l’agenda."));
  EXPECT_FALSE(feed(id)->approved);
  EXPECT_THAT(calendar_ics(&running), Not(HasSubstr(kGoodFirst)));

  Client admin = signed_in(partner_admin_.token, &running);
  const testing::Response held = get(admin, "/partners/feeds/" + id);
  EXPECT_THAT(held.body, HasSubstr("action=\"/partners/feeds/" + id + "/approve\""));
  EXPECT_THAT(held.body, HasSubstr(">Approuver</button>"));
  const testing::Response approved = post_form(admin, "/partners/feeds/" + id + "/approve");
  ASSERT_EQ(approved.status, 303) << approved.body;
  EXPECT_EQ(location(approved), "/partners/feeds/" + id);
  const testing::Response after = get(admin, "/partners/feeds/" + id);
  EXPECT_THAT(after.body,
              HasSubstr("« Agenda à valider » est validé : ses événements sont publics."));
  EXPECT_THAT(after.body, Not(HasSubstr("en attente de validation")));
  EXPECT_THAT(after.body, Not(HasSubstr("/approve\"")));
  EXPECT_TRUE(feed(id)->approved);
  EXPECT_THAT(calendar_ics(&running), HasSubstr(kGoodFirst));
  EXPECT_THAT(calendar_ics(&running), HasSubstr(kGoodSecond));
  EXPECT_THAT(get(owner, "/partners/feeds/" + id).body, Not(HasSubstr("en attente de validation")));

  // The [admin] token approves too.
  const std::string second = register_via_form(owner, broken().url(), "Deuxième");
  Client config_admin = signed_in(kConfigAdminToken, &running);
  EXPECT_EQ(post_form(config_admin, "/partners/feeds/" + second + "/approve").status, 303);
  EXPECT_TRUE(feed(second)->approved);
  EXPECT_THAT(calendar_ics(&running), HasSubstr(kBrokenGood));
}

// ---------------------------------------------------------------------------------------------
// What every page is.

TEST_F(PartnerPagesTest, HostileTextIsEscapedOnEveryPartnerPage) {
  Client c = signed_in(owner_.token);
  const std::string id = register_via_form(c, hostile().url(), kHostileName);
  ASSERT_FALSE(id.empty());
  // First, while the registration's notice is waiting (any page shows it, once).
  const testing::Response with_notice = get(c, "/partners/feeds/" + id);
  const testing::Response refused =
      post_form(c, "/partners/feeds/" + id,
                {{"url", kInternalUrl}, {"name", kHostileName}, {"format", "auto"}});
  EXPECT_EQ(refused.status, 422);
  const testing::Response duplicate = post_form(
      c, "/partners/feeds",
      {{"url", hostile().url()}, {"name", "\"><script>alert(4)</script>"}, {"format", "auto"}});
  EXPECT_EQ(duplicate.status, 409);
  const std::vector<std::pair<std::string, testing::Response>> pages = {
      {"feed page with its notice", with_notice},
      {"dashboard", get(c, "/partners")},
      {"feed page", get(c, "/partners/feeds/" + id)},
      {"delete page", get(c, "/partners/feeds/" + id + "/delete")},
      {"refused change", refused},
      {"refused registration", duplicate},
  };
  for (const auto& [what, page] : pages) {
    EXPECT_THAT(page.body, Not(HasSubstr("<script"))) << what;
    EXPECT_THAT(page.body, Not(HasSubstr("<img"))) << what;
    EXPECT_THAT(page.body, Not(HasSubstr("<iframe"))) << what;
  }
  EXPECT_THAT(pages[0].second.body,
              HasSubstr("« &lt;script&gt;alert(1)&lt;/script&gt; » est inscrit : 2 événements"));
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_THAT(pages[i].second.body, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"))
        << pages[i].first;
  }
  for (std::size_t i : {0u, 1u, 2u}) {
    EXPECT_THAT(pages[i].second.body, HasSubstr("alert(2)")) << pages[i].first;
    EXPECT_THAT(pages[i].second.body, HasSubstr("alert(3)")) << pages[i].first;
  }
  EXPECT_THAT(pages[2].second.body, HasSubstr("&lt;script&gt;alert(2)&lt;/script&gt;"));
  EXPECT_THAT(pages[2].second.body, HasSubstr("&quot;&gt;&lt;img src=x onerror=alert(3)&gt;"));
  EXPECT_THAT(pages[2].second.body, HasSubstr("&lt;iframe src=//evil.example&gt;"));
  EXPECT_THAT(pages[5].second.body, HasSubstr("value=\"&quot;&gt;&lt;script&gt;alert(4)"));
}

TEST_F(PartnerPagesTest, EveryPartnerAnswerIsNeverCachedNorFramed) {
  const std::string theirs = register_feed(other_, good().url() + "?theirs");
  Client anonymous = client();
  Client c = signed_in(owner_.token);
  const std::string id = register_feed(owner_, good().url(), true, "Agenda");
  std::vector<std::pair<std::string, testing::Response>> answers = {
      {"sign-in form", get(anonymous, "/partners")},
      {"sign-in refused", post(anonymous, "/partners/signin", {{"token", "x"}})},
      {"redirect without a session", get(anonymous, "/partners/feeds/" + id)},
      {"dashboard", get(c, "/partners")},
      {"feed page", get(c, "/partners/feeds/" + id)},
      {"delete page", get(c, "/partners/feeds/" + id + "/delete")},
      {"another's feed", get(c, "/partners/feeds/" + theirs)},
      {"unknown feed", get(c, "/partners/feeds/p-000000000999")},
      {"a form refused", post(c, "/partners/feeds/" + id + "/refresh", {})},
      {"an action", post_form(c, "/partners/feeds/" + id + "/refresh")},
      {"a query string", get(c, "/partners?x=1")},
      {"PUT", call(c, "PUT", "/partners", form_encode({}))},
  };
  for (const auto& [what, answer] : answers) {
    EXPECT_EQ(answer.headers.get("Cache-Control", ""), "no-store") << what;
    const std::string policy = answer.headers.get("Content-Security-Policy", "");
    EXPECT_THAT(policy, HasSubstr("frame-ancestors 'none'")) << what;
    EXPECT_THAT(policy, HasSubstr("form-action 'self'")) << what;
    EXPECT_THAT(policy, Not(HasSubstr("script-src"))) << what;
    EXPECT_EQ(answer.headers.get("X-Frame-Options", ""), "DENY") << what;
    EXPECT_EQ(answer.headers.get("X-Content-Type-Options", ""), "nosniff") << what;
    EXPECT_EQ(answer.headers.get("Referrer-Policy", ""), "same-origin") << what;
    EXPECT_EQ(answer.headers.get("ETag", ""), "") << what;
  }
}

TEST_F(PartnerPagesTest, HeadAnswersLikeGetAndOtherMethodsAre405) {
  const std::string id = register_feed(owner_, good().url(), true, "Agenda");
  Client c = signed_in(owner_.token);
  for (const std::string& page :
       std::vector<std::string>{std::string("/partners"), "/partners/feeds/" + id}) {
    const testing::Response got = get(c, page);
    const testing::Response head = call(c, "HEAD", page);
    EXPECT_EQ(head.status, 200) << page;
    EXPECT_EQ(head.body, "") << page;
    EXPECT_EQ(head.headers.get("Cache-Control", ""), "no-store") << page;
    EXPECT_EQ(head.headers.getContentType(), "text/html; charset=utf-8") << page;
    EXPECT_EQ(head.headers.getContentLength64(), static_cast<Poco::Int64>(got.body.size())) << page;
  }
  Client anonymous = client();
  const testing::Response head = call(anonymous, "HEAD", "/partners");
  EXPECT_EQ(head.status, 200);
  EXPECT_FALSE(set_cookie(head, server::kSigninCookie).empty());

  for (const std::string& method : std::vector<std::string>{"PUT", "DELETE", "PATCH"}) {
    for (const std::string& page :
         std::vector<std::string>{std::string("/partners"), "/partners/feeds/" + id,
                                  "/partners/feeds/" + id + "/delete"}) {
      const testing::Response reply =
          call(c, method, page, form_encode({{"csrf", c.csrf}, {"name", "x"}}));
      EXPECT_EQ(reply.status, 405) << method << " " << page;
      EXPECT_EQ(reply.headers.get("Allow", ""), "GET, HEAD, POST") << method << " " << page;
    }
  }
  EXPECT_EQ(call(anonymous, "PUT", "/partners").status, 405);
  EXPECT_TRUE(feed(id).has_value());
  EXPECT_EQ(feed(id)->config.name, "Agenda");
}

// A 405 says what is allowed (RFC 9110 15.5.6): POST /partners, which is no form, too.
TEST_F(PartnerPagesTest, APostToTheDashboardIs405WithAllow) {
  Client c = signed_in(owner_.token);
  const testing::Response posted = post_form(c, "/partners");
  EXPECT_EQ(posted.status, 405) << posted.body;
  EXPECT_EQ(posted.headers.get("Allow", ""), "GET, HEAD") << "POST /partners: 405 without Allow";
  EXPECT_EQ(posted.headers.get("Cache-Control", ""), "no-store");
}

TEST_F(PartnerPagesTest, AnEnglishSiteSpeaksEnglish) {
  ServerConfig english;
  english.language = render::Language::kEnglish;
  const Running& running = start(english);
  Client c = client(&running);
  const testing::Response form = get(c, "/partners");
  EXPECT_THAT(form.body, HasSubstr("Partner space"));
  EXPECT_THAT(form.body, HasSubstr(">Sign in</button>"));
  EXPECT_THAT(form.body, HasSubstr("Your access token"));
  EXPECT_THAT(form.body, Not(HasSubstr("Espace partenaires")));
  const std::string csrf = csrf_of(form.body);
  const testing::Response wrong = post(c, "/partners/signin", {{"csrf", csrf}, {"token", "nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_THAT(wrong.body, HasSubstr("This token is not known."));
  const testing::Response disabled =
      post(c, "/partners/signin", {{"csrf", csrf}, {"token", disabled_.token}});
  EXPECT_THAT(disabled.body, HasSubstr("This partner account is disabled."));

  Client in = signed_in(owner_.token, &running);
  const std::string id = register_via_form(in, good().url(), "Agenda");
  const testing::Response page = get(in, "/partners/feeds/" + id);
  EXPECT_THAT(page.body, HasSubstr("“Agenda” registered: 2 events found."));
  EXPECT_THAT(page.body, HasSubstr("healthy"));
  EXPECT_THAT(page.body, HasSubstr("Next events"));
  const testing::Response dashboard = get(in, "/partners");
  EXPECT_THAT(dashboard.body, HasSubstr("Signed in as"));
  EXPECT_THAT(dashboard.body, HasSubstr("Your feeds"));
  EXPECT_THAT(dashboard.body, HasSubstr("Sign out"));
  EXPECT_THAT(dashboard.body, Not(HasSubstr("Vos flux")));
  EXPECT_THAT(post(in, "/partners/feeds", {{"url", good().url()}}).body,
              HasSubstr("This form has expired"));
}

}  // namespace
}  // namespace concerto
