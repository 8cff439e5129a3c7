#include "app/refresh.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/civil_time.h"
#include "support/process.h"

namespace concerto::app {
namespace {

namespace fs = std::filesystem;

const char* kGood =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
    "BEGIN:VEVENT\r\nUID:a@x\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20270105T100000Z\r\n"
    "SUMMARY:Premier\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:b@x\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20270106T100000Z\r\n"
    "SUMMARY:Second\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

class RefreshTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = concerto::testing::make_temp_dir();
    feed_.id = "partner";
    feed_.path = dir_ + "/feed.ics";
    feed_.timezone = "Europe/Paris";
    auto opened = store::Store::open(dir_ + "/concerto.db");
    ASSERT_TRUE(opened) << opened.error();
    store_ = std::move(opened).value();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  RefreshOutcome refresh() { return refresh_feed(feed_, settings_, *store_, CONCERTO_BINARY); }

  std::string dir_;
  Settings settings_;
  core::FeedConfig feed_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(RefreshTest, StoresTheEventsOfAGoodFeed) {
  concerto::testing::write_file(feed_.path, kGood);
  RefreshOutcome outcome = refresh();
  EXPECT_EQ(outcome.status, "ok") << outcome.error;
  EXPECT_EQ(outcome.events, 2);
  auto events = store_->events();
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), 2u);
  auto status = store_->status("partner");
  ASSERT_TRUE(status && status->has_value());
  EXPECT_EQ((*status)->event_count, 2);
  EXPECT_EQ((*status)->consecutive_failures, 0);
  EXPECT_GT((*status)->last_success, 0);
}

TEST_F(RefreshTest, KeepsTheLastGoodEventsWhenTheFeedBreaks) {
  concerto::testing::write_file(feed_.path, kGood);
  ASSERT_EQ(refresh().status, "ok");
  const auto success = (*store_->status("partner"))->last_success;

  concerto::testing::write_file(feed_.path, "<html><body>502 Bad Gateway</body></html>");
  RefreshOutcome broken = refresh();
  EXPECT_EQ(broken.status, "failed");
  EXPECT_FALSE(broken.error.empty());
  fs::remove(feed_.path);
  RefreshOutcome missing = refresh();
  EXPECT_EQ(missing.status, "failed");

  auto events = store_->events();
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), 2u);
  auto status = *store_->status("partner");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->consecutive_failures, 2);
  EXPECT_EQ(status->last_success, success);
  EXPECT_FALSE(status->error.empty());

  concerto::testing::write_file(feed_.path, kGood);
  EXPECT_EQ(refresh().status, "ok");
  EXPECT_EQ((*store_->status("partner"))->consecutive_failures, 0);
}

TEST_F(RefreshTest, KeepsTheLastGoodEventsWhenEveryEventOfTheFeedIsRefused) {
  concerto::testing::write_file(feed_.path, kGood);
  ASSERT_EQ(refresh().status, "ok");
  concerto::testing::write_file(
      feed_.path,
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
      "BEGIN:VEVENT\r\nUID:a@x\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20261345T093000Z\r\n"
      "SUMMARY:Premier\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
  RefreshOutcome outcome = refresh();
  EXPECT_EQ(outcome.status, "failed");
  EXPECT_NE(outcome.error.find("line 7"), std::string::npos) << outcome.error;  // DTSTART
  auto events = store_->events();
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), 2u);
}

TEST_F(RefreshTest, KeepsTheLastGoodEventsWhenTheDocumentIsCutShort) {
  concerto::testing::write_file(feed_.path, kGood);
  ASSERT_EQ(refresh().status, "ok");
  std::string cut = kGood;
  cut.resize(cut.find("BEGIN:VEVENT\r\nUID:b@x"));
  concerto::testing::write_file(feed_.path, cut);
  RefreshOutcome outcome = refresh();
  EXPECT_EQ(outcome.status, "failed");
  EXPECT_NE(outcome.error.find("END:VCALENDAR"), std::string::npos) << outcome.error;
  EXPECT_EQ(store_->events()->size(), 2u);
}

TEST_F(RefreshTest, AnEmptyCalendarIsNoEventsAtFirstAndABrokenExportLater) {
  const std::string empty =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nEND:VCALENDAR\r\n";
  concerto::testing::write_file(feed_.path, empty);
  EXPECT_EQ(refresh().status, "ok");
  EXPECT_TRUE(store_->events()->empty());
  concerto::testing::write_file(feed_.path, kGood);
  ASSERT_EQ(refresh().status, "ok");
  // A feed that had events and suddenly has none keeps them: it never means all vanished.
  concerto::testing::write_file(feed_.path, empty);
  const RefreshOutcome outcome = refresh();
  EXPECT_EQ(outcome.status, "failed");
  EXPECT_NE(outcome.error.find("no events any more"), std::string::npos) << outcome.error;
  EXPECT_EQ(store_->events()->size(), 2u);
}

TEST_F(RefreshTest, KeepsTheGoodEventsOfAFeedWithOneBadEvent) {
  std::string text = kGood;
  text.insert(text.find("END:VCALENDAR"),
              "BEGIN:VEVENT\r\nUID:c@x\r\nDTSTAMP:20261201T000000Z\r\n"
              "DTSTART:20270230T100000Z\r\nSUMMARY:30 février\r\nEND:VEVENT\r\n");
  concerto::testing::write_file(feed_.path, text);
  RefreshOutcome outcome = refresh();
  EXPECT_EQ(outcome.status, "ok") << outcome.error;
  EXPECT_EQ(outcome.events, 2);
  ASSERT_FALSE(outcome.problems.empty());
  EXPECT_GT(outcome.problems[0].line, 0);
}

// Events on the days after today, with UIDs <prefix><n>.
std::string upcoming_calendar(const std::string& prefix, int count) {
  std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n";
  for (int i = 0; i < count; ++i) {
    const auto day = core::civil_from_seconds(core::unix_now() + (i + 2) * 86400);
    text += "BEGIN:VEVENT\r\nUID:" + prefix + std::to_string(i) +
            "\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:" + core::format_ics_date(day.date) +
            "T100000Z\r\nSUMMARY:Event " + std::to_string(i) + "\r\nEND:VEVENT\r\n";
  }
  return text + "END:VCALENDAR\r\n";
}

TEST_F(RefreshTest, MeasuresHowManyUpcomingUidsANewSnapshotKeeps) {
  concerto::testing::write_file(feed_.path, upcoming_calendar("a", 6));
  RefreshOutcome first = refresh();
  ASSERT_EQ(first.status, "ok") << first.error;
  EXPECT_FALSE(first.compared);  // nothing stored before
  EXPECT_EQ(first.events_before, 0);

  // Two of the six kept, four new ones.
  std::string next = upcoming_calendar("a", 2);
  const std::string fresh = upcoming_calendar("b", 4);
  next.erase(next.rfind("END:VCALENDAR"));
  next += fresh.substr(fresh.find("BEGIN:VEVENT"));
  concerto::testing::write_file(feed_.path, next);
  RefreshOutcome second = refresh();
  ASSERT_EQ(second.status, "ok") << second.error;
  EXPECT_TRUE(second.compared);
  EXPECT_EQ(second.events_before, 6);
  EXPECT_EQ(second.upcoming_before, 6);
  EXPECT_EQ(second.upcoming_kept, 2);
  EXPECT_EQ(second.upcoming_after, 6);  // the four dropped ones are kept as vanished, not counted
  EXPECT_EQ(second.consecutive_failures, 0);
  EXPECT_EQ(second.last_success, second.fetched_at);

  fs::remove(feed_.path);
  RefreshOutcome broken = refresh();
  EXPECT_EQ(broken.status, "failed");
  EXPECT_FALSE(broken.compared);
  EXPECT_EQ(broken.consecutive_failures, 1);
  EXPECT_EQ(broken.last_success, second.fetched_at);
  const notify::FeedHealth health = feed_health(feed_, broken);
  EXPECT_EQ(health.result, notify::FetchResult::kFailed);
  EXPECT_EQ(health.events_after, 6);  // the stored ones stay
  EXPECT_EQ(health.url, feed_.path);
}

TEST(NextFetch, WaitsTheFeedsIntervalOrItsOwnHintWithinBounds) {
  Settings settings;
  settings.min_refresh_seconds = 300;
  settings.max_refresh_seconds = 86400;
  core::FeedConfig feed;
  feed.refresh_seconds = 3600;
  EXPECT_EQ(next_fetch_after(feed, settings, 1000, true, 0, std::nullopt, std::nullopt), 4600);
  EXPECT_EQ(next_fetch_after(feed, settings, 1000, true, 0, 7200, std::nullopt), 8200);
  EXPECT_EQ(next_fetch_after(feed, settings, 1000, true, 0, 10, std::nullopt), 1300);
  EXPECT_EQ(next_fetch_after(feed, settings, 1000, true, 0, 999999, std::nullopt), 87400);
}

TEST(NextFetch, BacksOffExponentiallyWithJitterAndHonoursRetryAfter) {
  Settings settings;
  core::FeedConfig feed;
  feed.refresh_seconds = 3600;
  for (int failures = 1; failures <= 8; ++failures) {
    const std::int64_t full = std::min<std::int64_t>(3600, std::int64_t{60} << (failures - 1));
    for (int draw = 0; draw < 50; ++draw) {
      const std::int64_t wait =
          next_fetch_after(feed, settings, 0, false, failures, std::nullopt, std::nullopt);
      EXPECT_GE(wait, full / 2) << failures;
      EXPECT_LE(wait, full) << failures;
    }
  }
  EXPECT_GE(next_fetch_after(feed, settings, 0, false, 1, std::nullopt, 1800), 1800);
  EXPECT_EQ(next_fetch_after(feed, settings, 0, false, 1, std::nullopt, 10'000'000),
            settings.max_refresh_seconds);
}

}  // namespace
}  // namespace concerto::app
