#include "app/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "support/process.h"

namespace concerto::app {
namespace {

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/concerto-config-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    fs::create_directories(root_ / "config");
    fs::create_directories(root_ / "feeds" / "examples");
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const fs::path& relative, const std::string& text) {
    std::ofstream(root_ / relative) << text;
  }
  std::string config_file() const { return (root_ / "config" / "concerto.ini").string(); }
  fs::path root_;
};

TEST_F(ConfigTest, ResolvesRelativePathsAgainstTheConfigFolder) {
  write("config/concerto.ini",
        "[storage]\ndatabase = sqlite:../var/agenda.db\n[feeds]\ndirectory = ../feeds\n");
  write("feeds/icpc.ini", "name = ICPC\npath = examples/icpc.ics\npriority = 20\nrefresh = 2h\n");
  auto settings = load_settings(config_file(), {});
  ASSERT_TRUE(settings) << settings.error();
  EXPECT_EQ(settings->database, (root_ / "var" / "agenda.db").string());
  ASSERT_EQ(settings->feeds.size(), 1u);
  const core::FeedConfig& feed = settings->feeds[0];
  EXPECT_EQ(feed.id, "icpc");
  EXPECT_EQ(feed.path, (root_ / "feeds" / "examples" / "icpc.ics").string());
  EXPECT_EQ(feed.priority, 20);
  EXPECT_EQ(feed.refresh_seconds, 7200);
  EXPECT_EQ(feed.timezone, "");  // floating times: X-WR-TIMEZONE, else the site's zone
  EXPECT_EQ(feed.partner, "ICPC");
}

TEST_F(ConfigTest, AppliesSetOverridesOverTheFile) {
  write("config/concerto.ini", "[server]\nlisten = 127.0.0.1:8080\n[site]\ntimezone = UTC\n");
  auto settings = load_settings(config_file(),
                                {"server.listen=127.0.0.1:9999", "site.timezone=America/Montreal",
                                 "fetch.max_bytes=2MiB", "fetch.allow=127.0.0.0/8, ::1/128"});
  ASSERT_TRUE(settings) << settings.error();
  EXPECT_EQ(settings->listen_port, 9999);
  EXPECT_EQ(settings->timezone, "America/Montreal");
  EXPECT_EQ(settings->max_bytes, 2 * 1024 * 1024);
  EXPECT_EQ(settings->limits.max_bytes, 2 * 1024 * 1024);
  EXPECT_EQ(settings->allow, (std::vector<std::string>{"127.0.0.0/8", "::1/128"}));
}

TEST_F(ConfigTest, RefusesBadValuesNamingTheKey) {
  write("config/concerto.ini", "[fetch]\ntimeout = soon\n");
  auto settings = load_settings(config_file(), {});
  ASSERT_FALSE(settings);
  EXPECT_NE(settings.error().find("fetch.timeout"), std::string::npos);
  auto bad_zone = load_settings(config_file(), {"fetch.timeout=5s", "site.timezone=Mars/Base"});
  ASSERT_FALSE(bad_zone);
  EXPECT_NE(bad_zone.error().find("site.timezone"), std::string::npos);
  EXPECT_FALSE(load_settings(config_file(), {"nodot=1"}));
  EXPECT_FALSE(load_settings((root_ / "missing.ini").string(), {}));
}

TEST_F(ConfigTest, ReadsTheMailSectionWithItsDefaultsAndThePasswordFromTheEnvironment) {
  write("config/concerto.ini", "[feeds]\ndirectory = ../feeds\n");
  write("config/ca.pem", "not checked here\n");
  write("feeds/maison.ini",
        "url = https://maison.example.org/a.ics\nemail = agenda@maison.example.org\n");
  auto off = load_settings(config_file(), {});
  ASSERT_TRUE(off) << off.error();
  EXPECT_EQ(off->mail.host, "");
  EXPECT_EQ(off->mail_failures, 3);
  ASSERT_EQ(off->feeds.size(), 1u);
  EXPECT_EQ(off->feeds[0].contact_email, "agenda@maison.example.org");

  ::setenv("CONCERTO_MAIL_PASSWORD", "from-the-environment", 1);
  auto on =
      load_settings(config_file(), {"mail.host=smtp.example.org", "mail.starttls=on",
                                    "mail.username=robot", "mail.from=agenda@example.org",
                                    "mail.ca_file=ca.pem", "mail.failures=5", "mail.timeout=1m"});
  ASSERT_TRUE(on) << on.error();
  EXPECT_EQ(on->mail.port, 587);
  EXPECT_TRUE(on->mail.starttls);
  EXPECT_EQ(on->mail.password, "from-the-environment");
  EXPECT_EQ(on->mail.ca_file, (root_ / "config" / "ca.pem").string());
  EXPECT_EQ(on->mail_failures, 5);
  EXPECT_EQ(on->mail.timeout_seconds, 60);
  auto file_wins = load_settings(
      config_file(), {"mail.host=127.0.0.1", "mail.from=a@b.c", "mail.password=in-the-file"});
  ::unsetenv("CONCERTO_MAIL_PASSWORD");
  ASSERT_TRUE(file_wins) << file_wins.error();
  EXPECT_EQ(file_wins->mail.port, 25);
  EXPECT_EQ(file_wins->mail.password, "in-the-file");

  for (const char* bad :
       {"mail.starttls=yes", "mail.port=0", "mail.failures=x", "mail.from=not-an-address",
        "mail.ca_file=missing.pem", "mail.timeout=1h"}) {
    auto refused = load_settings(config_file(), {"mail.host=127.0.0.1", "mail.from=a@b.c", bad});
    ASSERT_FALSE(refused) << bad;
    const std::string key = std::string(bad).substr(0, std::string(bad).find('='));
    EXPECT_NE(refused.error().find(key), std::string::npos) << refused.error();
  }
}

TEST_F(ConfigTest, SkipsABadFeedFileAndKeepsTheOthers) {
  write("config/concerto.ini", "");
  write("feeds/good.ini", "url = https://example.org/agenda.ics\n");
  write("feeds/both.ini", "url = https://example.org/a.ics\npath = a.ics\n");
  write("feeds/ftp.ini", "url = ftp://example.org/a.ics\n");
  write("feeds/zone.ini", "path = a.ics\ntimezone = Nowhere/City\n");
  write("feeds/notes.txt", "not a feed");
  auto settings = load_settings(config_file(), {});
  ASSERT_TRUE(settings) << settings.error();
  ASSERT_EQ(settings->feeds.size(), 1u);
  EXPECT_EQ(settings->feeds[0].id, "good");
  EXPECT_EQ(settings->feed_errors.size(), 3u);
  std::sort(settings->skipped_feed_ids.begin(), settings->skipped_feed_ids.end());
  EXPECT_EQ(settings->skipped_feed_ids, (std::vector<std::string>{"both", "ftp", "zone"}));
}

TEST_F(ConfigTest, MapsWindowsZoneNamesOfFeeds) {
  write("config/concerto.ini", "");
  write("feeds/outlook.ini", "path = a.ics\ntimezone = Romance Standard Time\n");
  auto settings = load_settings(config_file(), {});
  ASSERT_TRUE(settings) << settings.error();
  EXPECT_EQ(settings->feeds.at(0).timezone, "Europe/Paris");
}

TEST_F(ConfigTest, LoadsTheFeedExampleOfTheReadme) {
  const std::string readme = concerto::testing::read_file(CONCERTO_SOURCE_DIR "/README.md");
  const auto start = readme.find("```ini\n");
  ASSERT_NE(start, std::string::npos);
  const auto end = readme.find("```", start + 7);
  write("config/concerto.ini", "");
  write("feeds/decider-ensemble.ini", readme.substr(start + 7, end - start - 7));
  auto settings = load_settings(config_file(), {});
  ASSERT_TRUE(settings) << settings.error();
  ASSERT_EQ(settings->feeds.size(), 1u)
      << (settings->feed_errors.empty() ? "" : settings->feed_errors[0]);
  EXPECT_EQ(settings->feeds[0].priority, 30);
  EXPECT_EQ(settings->feeds[0].format, "auto");
}

TEST(ParseDuration, ReadsUnitsAndRefusesGarbage) {
  EXPECT_EQ(parse_duration("90"), 90);
  EXPECT_EQ(parse_duration("30m"), 1800);
  EXPECT_EQ(parse_duration("1h30m"), 5400);
  EXPECT_EQ(parse_duration("2d"), 172800);
  EXPECT_FALSE(parse_duration("h"));
  EXPECT_FALSE(parse_duration("1x"));
  EXPECT_FALSE(parse_duration(""));
}

}  // namespace
}  // namespace concerto::app
