// End to end: the real `concerto` binary serving the bundled example feeds over real HTTP.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "support/feed_server.h"
#include "support/http_get.h"
#include "support/process.h"

namespace concerto {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run_concerto;
using testing::ServerProcess;
using testing::write_file;

using testing::count;
using testing::get;
using testing::Response;

// A deployment of the example feeds in a temporary folder with its own database.
class Deployment : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir();
    config_ = dir_ + "/concerto.ini";
    write_file(config_, "[storage]\ndatabase = sqlite:" + dir_ +
                            "/state/concerto.db\n[feeds]\ndirectory = " CONCERTO_SOURCE_DIR
                            "/feeds\n[server]\nlisten = 127.0.0.1:0\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> config_args() const { return {"--config", config_}; }

  std::string dir_;
  std::string config_;
};

TEST_F(Deployment, FetchReportsEveryExampleFeedAndASummary) {
  auto fetched = run_concerto({"fetch", "--config", config_});
  ASSERT_EQ(fetched.exit_code, 0) << fetched.err;
  int feeds = 0;
  for (const auto& entry : fs::directory_iterator(CONCERTO_SOURCE_DIR "/feeds")) {
    if (entry.path().extension() == ".ini") {
      ++feeds;
      EXPECT_NE(fetched.out.find(entry.path().stem().string()), std::string::npos);
    }
  }
  ASSERT_GE(feeds, 5);
  EXPECT_NE(fetched.out.find(std::to_string(feeds) + " feeds: " + std::to_string(feeds) + " ok"),
            std::string::npos)
      << fetched.out;
  // A second run reads unchanged local files again and still succeeds.
  auto again = run_concerto({"fetch", "--config", config_, "--feed", "icpc"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("1 feeds: 1 ok"), std::string::npos) << again.out;
}

TEST_F(Deployment, FetchExitsNonZeroOnlyWhenTheConfigurationIsUnusable) {
  EXPECT_NE(run_concerto({"fetch", "--config", dir_ + "/missing.ini"}).exit_code, 0);
  EXPECT_NE(run_concerto({"fetch", "--config", config_, "--set", "fetch.timeout=never"}).exit_code,
            0);
  // A feed whose file is gone is a failed feed, not a failed command.
  write_file(dir_ + "/gone.ini", "path = nowhere.ics\n");
  auto with_broken =
      run_concerto({"fetch", "--config", config_, "--set", "feeds.directory=" + dir_});
  EXPECT_EQ(with_broken.exit_code, 0) << with_broken.err;
  EXPECT_NE(with_broken.out.find("failed"), std::string::npos) << with_broken.out;
}

TEST_F(Deployment, ServesTheMergedCalendarWithConditionalRequests) {
  ServerProcess server(config_args());
  ASSERT_TRUE(server.running()) << server.log();
  // The scheduler fetches every feed at start; wait (bounded) until all of them are stored, so
  // that the store does not change under the conditional requests below.
  int feeds = 0;
  for (const auto& entry : fs::directory_iterator(CONCERTO_SOURCE_DIR "/feeds")) {
    feeds += entry.path().extension() == ".ini" ? 1 : 0;
  }
  ASSERT_GE(feeds, 5);
  Response status;
  for (int i = 0; i < 600; ++i) {
    status = get(server.port(), "/api/feeds/status");
    if (status.status == 200 && count(status.body, "\"last_success\":\"") == feeds) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(count(status.body, "\"last_success\":\""), feeds) << status.body;

  Response calendar = get(server.port(), "/calendar.ics");
  ASSERT_EQ(calendar.status, 200);
  EXPECT_EQ(calendar.headers.getContentType(), "text/calendar; charset=utf-8");
  EXPECT_EQ(calendar.body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_GE(count(calendar.body, "BEGIN:VEVENT\r\n"), 20);
  EXPECT_NE(calendar.body.find("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"), std::string::npos);
  EXPECT_NE(calendar.body.find("TZID:America/Montreal"), std::string::npos);
  ASSERT_TRUE(calendar.headers.has("ETag"));
  ASSERT_TRUE(calendar.headers.has("Last-Modified"));

  Response by_etag =
      get(server.port(), "/calendar.ics", {{"If-None-Match", calendar.headers.get("ETag")}});
  EXPECT_EQ(by_etag.status, 304);
  EXPECT_TRUE(by_etag.body.empty());
  Response by_date = get(server.port(), "/calendar.ics",
                         {{"If-Modified-Since", calendar.headers.get("Last-Modified")}});
  EXPECT_EQ(by_date.status, 304);
  Response stale = get(server.port(), "/calendar.ics", {{"If-None-Match", "\"other\""}});
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body, calendar.body);

  Response events = get(server.port(), "/api/events?from=2026-01-01&to=2028-12-31");
  ASSERT_EQ(events.status, 200) << events.body;
  EXPECT_NE(events.headers.getContentType().find("application/json"), std::string::npos);
  Poco::JSON::Parser parser;
  auto root = parser.parse(events.body).extract<Poco::JSON::Object::Ptr>();
  auto list = root->getArray("events");
  ASSERT_GE(list->size(), 20u);
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto event = list->getObject(static_cast<unsigned>(i));
    EXPECT_FALSE(event->getValue<std::string>("uid").empty());
    EXPECT_GE(event->getArray("sources")->size(), 1u);
  }
  Response conditional = get(server.port(), "/api/events?from=2026-01-01&to=2028-12-31",
                             {{"If-None-Match", events.headers.get("ETag")}});
  EXPECT_EQ(conditional.status, 304);

  EXPECT_EQ(get(server.port(), "/healthz").status, 200);
  EXPECT_EQ(get(server.port(), "/nowhere").status, 404);
  EXPECT_EQ(get(server.port(), "/api/events?from=2026-13-01").status, 400);

  // The same calendar read back by an independent parser (Python's icalendar) gives the same
  // instants as the JSON view.
  write_file(dir_ + "/calendar.ics", calendar.body);
  write_file(dir_ + "/events.json", events.body);
  const std::string check = "/usr/bin/python3 " CONCERTO_SOURCE_DIR
                            "/tests/interop/check_ics_instants.py " +
                            dir_ + "/calendar.ics " + dir_ + "/events.json";
  EXPECT_EQ(std::system(check.c_str()), 0) << check;

  EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST_F(Deployment, KeepsTheEventsOfAFeedWhoseFileGotAMistake) {
  fs::create_directories(dir_ + "/feeds");
  const std::string feed = dir_ + "/feeds/icpc.ini";
  write_file(feed, "path = " CONCERTO_SOURCE_DIR "/feeds/examples/icpc.ics\n");
  const std::vector<std::string> here = {"--config", config_, "--set",
                                         "feeds.directory=" + dir_ + "/feeds"};
  std::vector<std::string> fetch_args = {"fetch"};
  fetch_args.insert(fetch_args.end(), here.begin(), here.end());
  ASSERT_EQ(run_concerto(fetch_args).exit_code, 0);
  write_file(feed,
             "path = " CONCERTO_SOURCE_DIR "/feeds/examples/icpc.ics\ntimezone = Europe/Pariss\n");
  ServerProcess server(here);
  ASSERT_TRUE(server.running()) << server.log();
  EXPECT_NE(server.log().find("Europe/Pariss"), std::string::npos) << server.log();
  Response calendar = get(server.port(), "/calendar.ics");
  EXPECT_GE(count(calendar.body, "BEGIN:VEVENT"), 10) << calendar.body;
  EXPECT_NE(get(server.port(), "/api/feeds/status").body.find("\"icpc\""), std::string::npos);
}

TEST_F(Deployment, FetchesAFeedOverHttpThenRevalidatesItAndRefusesLoopbackByDefault) {
  testing::FeedServer partner(read_file(CONCERTO_SOURCE_DIR "/feeds/examples/icpc.ics"));
  fs::create_directories(dir_ + "/feeds");
  write_file(dir_ + "/feeds/icpc.ini", "url = " + partner.url() + "\n");
  const std::vector<std::string> base = {"fetch", "--config", config_, "--set",
                                         "feeds.directory=" + dir_ + "/feeds"};
  std::vector<std::string> allowed = base;
  allowed.insert(allowed.end(), {"--set", "fetch.allow=127.0.0.0/8"});

  auto first = run_concerto(allowed);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("1 feeds: 1 ok"), std::string::npos) << first.out;
  auto second = run_concerto(allowed);
  EXPECT_NE(second.out.find("1 feeds: 0 ok, 1 not modified"), std::string::npos) << second.out;
  EXPECT_EQ(partner.requests(), 2);

  // Without the allowance the loopback address is refused; the stored events stay.
  auto refused = run_concerto(base);
  EXPECT_EQ(refused.exit_code, 0);
  EXPECT_NE(refused.out.find("refused: 127.0.0.1 is a loopback address"), std::string::npos)
      << refused.out;
  EXPECT_EQ(partner.requests(), 2);
  auto exported = run_concerto({"export", "--config", config_, "--set",
                                "feeds.directory=" + dir_ + "/feeds", "--format", "ics"});
  EXPECT_GE(count(exported.out, "BEGIN:VEVENT"), 10) << exported.err;
}

TEST_F(Deployment, MergesEventsFromRssAndEventPagesWithTheIcsFeeds) {
  fs::create_directories(dir_ + "/feeds");
  write_file(dir_ + "/feeds/mdl.ini",
             "path = " CONCERTO_FIXTURES_DIR "/rss/wordpress_ev_module.xml\nformat = rss\n");
  write_file(dir_ + "/feeds/openagenda.ini",
             "path = " CONCERTO_FIXTURES_DIR "/html/openagenda.html\n");
  write_file(dir_ + "/feeds/icpc.ini", "path = " CONCERTO_SOURCE_DIR "/feeds/examples/icpc.ics\n");
  const std::string feeds = "feeds.directory=" + dir_ + "/feeds";
  auto fetched = run_concerto({"fetch", "--config", config_, "--set", feeds});
  ASSERT_EQ(fetched.exit_code, 0) << fetched.err;
  EXPECT_NE(fetched.out.find("3 feeds: 3 ok"), std::string::npos) << fetched.out;
  auto json = run_concerto({"export", "--config", config_, "--set", feeds, "--format", "json",
                            "--from", "2026-01-01", "--to", "2028-12-31"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"feed\":\"mdl\""), std::string::npos);
  EXPECT_NE(json.out.find("\"feed\":\"openagenda\""), std::string::npos);
  EXPECT_NE(json.out.find("\"feed\":\"icpc\""), std::string::npos);
  auto ics = run_concerto({"export", "--config", config_, "--set", feeds, "--format", "ics"});
  EXPECT_NE(ics.out.find("SUMMARY:Forum des associations"), std::string::npos) << ics.out;
  EXPECT_EQ(ics.out.find("<p>"), std::string::npos);  // descriptions are plain text
}

TEST_F(Deployment, ASecondServerOnTheSamePortFailsToStart) {
  ServerProcess first(config_args());
  ASSERT_TRUE(first.running()) << first.log();
  auto second = run_concerto({"serve", "--config", config_, "--set",
                              "server.listen=127.0.0.1:" + std::to_string(first.port())},
                             30);
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.err.find("127.0.0.1:" + std::to_string(first.port())), std::string::npos)
      << second.err;
}

TEST_F(Deployment, ServesALandingPageWithTheEscapedSiteTitle) {
  std::vector<std::string> args = config_args();
  args.insert(args.end(), {"--set", "site.title=<Agenda & \"co\">"});
  ServerProcess server(args);
  ASSERT_TRUE(server.running()) << server.log();
  Response page = get(server.port(), "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.headers.getContentType(), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<a href=\"/\">&lt;Agenda &amp; &quot;co&quot;&gt;</a>"),
            std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("href=\"/calendar.ics\""), std::string::npos);
  EXPECT_EQ(page.body.find("<Agenda"), std::string::npos);
}

TEST_F(Deployment, ExportWritesIcsAndJsonWithinTheDates) {
  auto ics = run_concerto({"export", "--config", config_, "--format", "ics"});
  ASSERT_EQ(ics.exit_code, 0) << ics.err;
  EXPECT_EQ(ics.out.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_NE(ics.out.find("END:VCALENDAR\r\n"), std::string::npos);
  auto json = run_concerto({"export", "--config", config_, "--format", "json", "--from",
                            "2027-10-01", "--to", "2027-10-31"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  Poco::JSON::Parser parser;
  auto list = parser.parse(json.out).extract<Poco::JSON::Object::Ptr>()->getArray("events");
  ASSERT_GE(list->size(), 1u);
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string start =
        list->getObject(static_cast<unsigned>(i))->getValue<std::string>("start");
    const std::string end = list->getObject(static_cast<unsigned>(i))->getValue<std::string>("end");
    EXPECT_LE(start.substr(0, 10), "2027-10-31") << start;
    EXPECT_GE(end.substr(0, 10), "2027-10-01") << end;
  }
  EXPECT_NE(run_concerto({"export", "--config", config_, "--format", "xml"}).exit_code, 0);
  EXPECT_NE(
      run_concerto({"export", "--config", config_, "--format", "json", "--from", "2027-02-30"})
          .exit_code,
      0);
}

TEST_F(Deployment, CheckListsEventsAndProblemsWithLineNumbers) {
  const std::string good = CONCERTO_SOURCE_DIR "/feeds/examples/icpc.ics";
  auto ok = run_concerto({"check", good});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("events"), std::string::npos);

  const std::string bad = dir_ + "/bad.ics";
  write_file(bad,
             "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
             "BEGIN:VEVENT\r\nUID:good@x\r\nDTSTAMP:20261201T000000Z\r\n"
             "DTSTART:20270105T100000Z\r\nSUMMARY:Bonne réunion\r\nEND:VEVENT\r\n"
             "BEGIN:VEVENT\r\nUID:bad@x\r\nDTSTAMP:20261201T000000Z\r\n"
             "DTSTART:20271305T100000Z\r\nSUMMARY:Mois 13\r\nEND:VEVENT\r\n"
             "END:VCALENDAR\r\n");
  auto mixed = run_concerto({"check", bad});
  EXPECT_EQ(mixed.exit_code, 0) << mixed.out;
  EXPECT_NE(mixed.out.find("Bonne réunion"), std::string::npos) << mixed.out;
  EXPECT_NE(mixed.out.find("line 13"), std::string::npos) << mixed.out;

  write_file(bad, "<html><body>Not found</body></html>");
  auto html = run_concerto({"check", bad});
  EXPECT_EQ(html.exit_code, 1) << html.out;
  EXPECT_EQ(run_concerto({"check", dir_ + "/missing.ics"}).exit_code, 1);
}

}  // namespace
}  // namespace concerto
