// End to end: a partner created with `concerto partners add` registers its feed through the
// partner API of the real `concerto serve`; its events show at once, and its token is written
// nowhere but the one answer that hands it out.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/feed_server.h"
#include "support/http_get.h"
#include "support/process.h"

namespace concerto {
namespace {

namespace fs = std::filesystem;
using testing::FeedServer;
using testing::get;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::read_file;
using testing::Response;
using testing::run_concerto;
using testing::ServerProcess;
using testing::write_file;

constexpr const char* kFirst = "Atelier budget participatif";
constexpr const char* kSecond = "Permanence citoyenne du jeudi";

// Two upcoming events: one in a week, one weekly without end (both always ahead of the clock).
std::string partner_calendar() {
  using namespace std::chrono;
  const year_month_day day{floor<days>(system_clock::now()) + days{7}};
  char date[16];
  std::snprintf(date, sizeof date, "%04d%02u%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return std::string("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Decider ensemble//FR\r\n") +
         "BEGIN:VEVENT\r\nUID:atelier@decider.example\r\nDTSTAMP:20260101T000000Z\r\n"
         "DTSTART;TZID=Europe/Paris:" +
         date + "T180000\r\nDURATION:PT2H\r\nSUMMARY:" + kFirst +
         "\r\nLOCATION:Maison de quartier\\, Lille\r\nEND:VEVENT\r\n"
         "BEGIN:VEVENT\r\nUID:permanence@decider.example\r\nDTSTAMP:20260101T000000Z\r\n"
         "DTSTART;TZID=Europe/Paris:20260108T170000\r\nDURATION:PT1H\r\n"
         "RRULE:FREQ=WEEKLY;BYDAY=TH\r\nSUMMARY:" +
         kSecond + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
}

// A POST of a JSON body (http_get.h only GETs).
Response post_json(int port, const std::string& path, const std::optional<std::string>& token,
                   const std::string& body) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setTimeout(Poco::Timespan(90, 0));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  if (token) request.set("Authorization", "Bearer " + *token);
  request.setContentType("application/json");
  request.setContentLength64(static_cast<Poco::Int64>(body.size()));
  session.sendRequest(request) << body;
  Response response;
  std::istream& in = session.receiveResponse(response.headers);
  Poco::StreamCopier::copyToString(in, response.body);
  response.status = response.headers.getStatus();
  return response;
}

Poco::JSON::Object::Ptr json_of(const std::string& text) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    return nullptr;
  }
}

std::string printed(const std::string& out, const std::string& pattern) {
  std::smatch match;
  if (!std::regex_search(out, match, std::regex(pattern))) return "";
  return match[1];
}

// A deployment with no feeds/*.ini and its own database.
class PartnerApiE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir();
    ASSERT_FALSE(dir_.empty());
    fs::create_directories(dir_ + "/feeds");
    config_ = dir_ + "/concerto.ini";
    write_file(config_, "[storage]\ndatabase = sqlite:" + database() + "\n[feeds]\ndirectory = " +
                            dir_ + "/feeds\n[server]\nlisten = 127.0.0.1:0\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string database() const { return dir_ + "/state/concerto.db"; }
  std::string database_bytes() const {
    std::string bytes;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      if (fs::exists(database() + suffix)) bytes += read_file(database() + suffix);
    }
    return bytes;
  }

  // `concerto partners add NAME`: the partner's id and token as printed.
  void add_partner(const std::string& name, std::string& id, std::string& token) {
    const auto added = run_concerto({"partners", "add", name, "--config", config_}, 60);
    ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
    id = printed(added.out, "partner (partner-[0-9a-f]+)");
    token = printed(added.out, "token: (cct_[A-Za-z0-9_-]{43})\n");
    ASSERT_FALSE(id.empty()) << added.out;
    ASSERT_FALSE(token.empty()) << added.out;
  }

  std::vector<std::string> serve_args(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"--config", config_, "--set", "fetch.allow=127.0.0.0/8"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  static std::string feed_body(const std::string& url, const std::string& name) {
    return "{\"url\":\"" + url + "\",\"name\":\"" + name + "\"}";
  }

  std::string dir_;
  std::string config_;
};

TEST_F(PartnerApiE2e, APartnerRegistersItsFeedAndItsEventsShowInTheSameRun) {
  std::string partner_id, token;
  ASSERT_NO_FATAL_FAILURE(add_partner("Décider ensemble", partner_id, token));
  FeedServer partner(partner_calendar());
  ServerProcess server(serve_args());
  ASSERT_TRUE(server.running()) << server.log();
  const int port = server.port();

  // Nothing to see yet; no token, no registration.
  EXPECT_THAT(get(port, "/api/events").body, Not(HasSubstr(kFirst)));
  const Response anonymous =
      post_json(port, "/api/feeds", std::nullopt, feed_body(partner.url(), "Agenda"));
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;

  const Response created =
      post_json(port, "/api/feeds", token, feed_body(partner.url(), "Agenda de Décider ensemble"));
  ASSERT_EQ(created.status, 201) << created.body << server.log();
  const auto body = json_of(created.body);
  ASSERT_FALSE(body.isNull()) << created.body;
  const std::string feed_id = body->getObject("feed")->getValue<std::string>("id");
  EXPECT_EQ(created.headers.get("Location", ""), "/api/feeds/" + feed_id);
  EXPECT_EQ(body->getObject("feed")->getValue<std::string>("partner"), partner_id);
  const auto check = body->getObject("check");
  EXPECT_TRUE(check->getValue<bool>("ok")) << created.body;
  EXPECT_EQ(check->getValue<int>("events"), 2) << created.body;
  EXPECT_EQ(check->getArray("problems")->size(), 0u) << created.body;
  EXPECT_EQ(partner.requests(), 1);

  // The events show at once, in the data and on the home page.
  const Response events = get(port, "/api/events");
  ASSERT_EQ(events.status, 200) << events.body;
  EXPECT_THAT(events.body, HasSubstr(kFirst));
  EXPECT_THAT(events.body, HasSubstr(kSecond));
  EXPECT_THAT(events.body, HasSubstr("\"" + feed_id + "\""));
  const Response home = get(port, "/");
  ASSERT_EQ(home.status, 200);
  EXPECT_THAT(home.body, HasSubstr(kFirst));
  EXPECT_THAT(home.body, HasSubstr("Décider ensemble"));
  EXPECT_THAT(get(port, "/calendar.ics").body, HasSubstr(kFirst));

  // The partner's list has it; the URL cannot be registered twice; internal addresses never.
  const Response mine = get(port, "/api/feeds", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_THAT(mine.body, HasSubstr(feed_id));
  EXPECT_EQ(post_json(port, "/api/feeds", token, feed_body(partner.url(), "Encore")).status, 409);
  for (const std::string hostile : {"http://169.254.169.254/latest/meta-data", "http://10.0.0.1/",
                                    "file:///etc/passwd", "http://[::ffff:10.0.0.1]/"}) {
    const Response refused = post_json(port, "/api/feeds", token, feed_body(hostile, "Interne"));
    EXPECT_EQ(refused.status, 422) << hostile << ": " << refused.body;
  }

  EXPECT_EQ(server.stop(), 0) << server.log();
  // The token went in Authorization headers only: the server's log never has it.
  const std::string log = server.log();
  EXPECT_THAT(log, HasSubstr("serving"));
  EXPECT_THAT(log, Not(HasSubstr(token)));
  EXPECT_THAT(log, Not(HasSubstr(token.substr(4))));
  const std::string bytes = database_bytes();
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find(token), std::string::npos) << "the token is in the database";

  const auto listed = run_concerto({"feeds", "list", "--config", config_}, 60);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out,
              HasSubstr(feed_id + "  " + partner_id + "  " + partner.url() + "  public"))
      << listed.out;
  EXPECT_THAT(listed.out + listed.err, Not(HasSubstr(token)));
}

TEST_F(PartnerApiE2e, WithModerationTheEventsWaitForFeedsApprove) {
  std::string partner_id, token;
  ASSERT_NO_FATAL_FAILURE(add_partner("Décider ensemble", partner_id, token));
  FeedServer partner(partner_calendar());
  ServerProcess server(serve_args({"--set", "partners.moderation=on"}));
  ASSERT_TRUE(server.running()) << server.log();
  const int port = server.port();

  const Response created =
      post_json(port, "/api/feeds", token, feed_body(partner.url(), "En attente"));
  ASSERT_EQ(created.status, 201) << created.body << server.log();
  const auto body = json_of(created.body);
  ASSERT_FALSE(body.isNull());
  const std::string feed_id = body->getObject("feed")->getValue<std::string>("id");
  EXPECT_FALSE(body->getObject("feed")->getValue<bool>("public"));
  EXPECT_EQ(body->getObject("check")->getValue<int>("events"), 2) << created.body;
  EXPECT_THAT(get(port, "/api/events").body, Not(HasSubstr(kFirst)));
  EXPECT_THAT(get(port, "/").body, Not(HasSubstr(kFirst)));
  // The owner cannot approve its own feed.
  EXPECT_EQ(post_json(port, "/api/feeds/" + feed_id + "/approve", token, "").status, 403);

  const auto waiting = run_concerto({"feeds", "list", "--config", config_}, 60);
  EXPECT_THAT(waiting.out,
              HasSubstr(feed_id + "  " + partner_id + "  " + partner.url() + "  awaiting approval"))
      << waiting.out;
  // Approved from the command line while the server runs: the server shows them (bounded wait:
  // another process wrote the database).
  const auto approved = run_concerto({"feeds", "approve", feed_id, "--config", config_}, 60);
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  Response events;
  for (int i = 0; i < 100; ++i) {
    events = get(port, "/api/events");
    if (events.body.find(kFirst) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_THAT(events.body, HasSubstr(kFirst));
  EXPECT_THAT(get(port, "/").body, HasSubstr(kFirst));
  EXPECT_EQ(server.stop(), 0) << server.log();
  EXPECT_THAT(server.log(), Not(HasSubstr(token)));
}

}  // namespace
}  // namespace concerto
