#include "dedup/merge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace concerto::dedup {
namespace {

using ::testing::ElementsAre;

core::EventTime utc_at(int year, int month, int day, int hour = 9) {
  core::EventTime time;
  time.tzid = "UTC";
  time.local = core::LocalDateTime{core::Date{year, month, day}, hour, 0, 0};
  time.utc = core::seconds_from_civil(time.local);
  return time;
}

core::EventTime date_at(int year, int month, int day) {
  core::EventTime time;
  time.all_day = true;
  time.date = core::Date{year, month, day};
  return time;
}

core::Event event(const std::string& feed, const std::string& uid, core::EventTime start,
                  const std::string& summary = "") {
  core::Event e;
  e.feed_id = feed;
  e.uid = uid;
  e.summary = summary.empty() ? feed + ":" + uid : summary;
  e.start = start;
  e.end = start;
  e.end.utc += 3600;
  return e;
}

core::Event override_of(const core::Event& series, core::EventTime recurrence,
                        const std::string& summary) {
  core::Event e = series;
  e.rrule.clear();
  e.recurrence_id = recurrence;
  e.start = recurrence;
  e.summary = summary;
  return e;
}

std::vector<std::string> summaries(const std::vector<MergedEvent>& merged) {
  std::vector<std::string> out;
  for (const MergedEvent& m : merged) out.push_back(m.event.summary);
  return out;
}

TEST(MergeByUid, KeepsTheEventOfTheHighestPriorityFeed) {
  const std::vector<core::Event> events = {event("low", "u", utc_at(2026, 10, 19)),
                                           event("high", "u", utc_at(2026, 10, 19)),
                                           event("none", "u", utc_at(2026, 10, 19))};
  const std::vector<MergedEvent> merged =
      merge_by_uid(events, {{"low", 1}, {"high", 5}, {"none", 0}});
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].event.feed_id, "high");
}

TEST(MergeByUid, CountsAFeedMissingFromThePriorityMapAsZero) {
  const std::vector<core::Event> events = {event("negative", "u", utc_at(2026, 10, 19)),
                                           event("unlisted", "u", utc_at(2026, 10, 19))};
  const std::vector<MergedEvent> merged = merge_by_uid(events, {{"negative", -1}});
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].event.feed_id, "unlisted");
}

TEST(MergeByUid, BreaksPriorityTiesByTheSmallerFeedIdWhateverTheInputOrder) {
  std::vector<core::Event> events = {
      event("b", "u", utc_at(2026, 10, 19)), event("a", "u", utc_at(2026, 10, 19)),
      event("c", "u", utc_at(2026, 10, 19)), event("c", "v", utc_at(2026, 10, 20))};
  std::sort(events.begin(), events.end(),
            [](const core::Event& x, const core::Event& y) { return x.summary < y.summary; });
  const std::vector<MergedEvent> expected = merge_by_uid(events, {});
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(expected[0].event.feed_id, "a");
  do {
    const std::vector<MergedEvent> merged = merge_by_uid(events, {});
    ASSERT_EQ(summaries(merged), summaries(expected));
    EXPECT_EQ(merged[0].sources, expected[0].sources);
  } while (std::next_permutation(
      events.begin(), events.end(),
      [](const core::Event& x, const core::Event& y) { return x.summary < y.summary; }));
}

TEST(MergeByUid, ListsEverySourceWinnerFirstThenByPriorityAndFeedId) {
  const std::vector<core::Event> events = {
      event("zeta", "u", utc_at(2026, 10, 19)), event("beta", "u", utc_at(2026, 10, 19)),
      event("alpha", "u", utc_at(2026, 10, 19)), event("top", "u", utc_at(2026, 10, 19)),
      event("mid", "u", utc_at(2026, 10, 19))};
  const std::vector<MergedEvent> merged =
      merge_by_uid(events, {{"top", 9}, {"mid", 4}, {"zeta", 4}});
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_THAT(merged[0].sources,
              ElementsAre(SourceRef{"top", "u"}, SourceRef{"mid", "u"}, SourceRef{"zeta", "u"},
                          SourceRef{"alpha", "u"}, SourceRef{"beta", "u"}));
}

TEST(MergeByUid, TakesOverridesOnlyFromTheWinningFeed) {
  core::Event low_series = event("low", "u", utc_at(2026, 10, 5));
  low_series.rrule = "FREQ=WEEKLY";
  const core::Event low_override = override_of(low_series, utc_at(2026, 10, 12), "low override");
  core::Event high_series = event("high", "u", utc_at(2026, 10, 5));
  high_series.rrule = "FREQ=WEEKLY";
  const core::Event high_override = override_of(high_series, utc_at(2026, 10, 19), "high override");
  const std::vector<MergedEvent> merged = merge_by_uid(
      {low_series, low_override, high_override, high_series}, {{"high", 2}, {"low", 1}});
  EXPECT_THAT(summaries(merged), ElementsAre("high:u", "high override"));
  for (const MergedEvent& m : merged) {
    EXPECT_EQ(m.event.feed_id, "high");
    EXPECT_THAT(m.sources, ElementsAre(SourceRef{"high", "u"}, SourceRef{"low", "u"}));
  }
}

TEST(MergeByUid, KeepsAnOverrideOnlyUidFromItsFeed) {
  core::Event lone = override_of(event("f", "u", utc_at(2026, 10, 5)), utc_at(2026, 10, 12), "x");
  const std::vector<MergedEvent> merged = merge_by_uid({lone}, {});
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_TRUE(merged[0].event.recurrence_id.has_value());
}

TEST(MergeByUid, OrdersByStartThenUidThenRecurrence) {
  core::Event series = event("f", "b", utc_at(2026, 10, 19, 8));
  series.rrule = "FREQ=DAILY";
  // An override moved to the series' start time: the series (no recurrence) comes first.
  const core::Event moved = override_of(series, utc_at(2026, 10, 20, 8), "moved");
  core::Event moved_copy = moved;
  moved_copy.start = series.start;
  const std::vector<core::Event> events = {
      event("f", "c", utc_at(2026, 10, 19, 8)),
      moved_copy,
      event("f", "z", date_at(2026, 10, 19)),  // midnight UTC
      series,
      event("f", "a", utc_at(2026, 10, 19, 8)),
      event("f", "early", utc_at(2026, 10, 18, 23)),
      event("f", "late", utc_at(2026, 10, 21, 0)),
  };
  EXPECT_THAT(summaries(merge_by_uid(events, {})),
              ElementsAre("f:early", "f:z", "f:a", "f:b", "moved", "f:c", "f:late"));
}

// Floating times sort by their wall time read as UTC (EventTime::sort_seconds), even when
// normalize gave them another instant in their feed's zone.
TEST(MergeByUid, OrdersFloatingEventsByTheirWallTimeReadAsUtc) {
  core::EventTime floating;
  floating.local = core::LocalDateTime{core::Date{2026, 10, 19}, 9, 0, 0};
  floating.utc = core::seconds_from_civil(floating.local) - 7200;  // as if in Paris: 07:00Z
  const std::vector<core::Event> events = {event("f", "utc-1000", utc_at(2026, 10, 19, 10)),
                                           event("f", "floating-0900", floating),
                                           event("f", "utc-0800", utc_at(2026, 10, 19, 8))};
  EXPECT_THAT(summaries(merge_by_uid(events, {})),
              ElementsAre("f:utc-0800", "f:floating-0900", "f:utc-1000"));
}

TEST(MergeByUid, NeverMergesEventsWithoutUid) {
  const std::vector<core::Event> events = {event("a", "", utc_at(2026, 10, 19), "one"),
                                           event("b", "", utc_at(2026, 10, 19), "two"),
                                           event("a", "", utc_at(2026, 10, 20), "three")};
  const std::vector<MergedEvent> merged = merge_by_uid(events, {{"a", 3}});
  EXPECT_THAT(summaries(merged), ElementsAre("one", "two", "three"));
  EXPECT_THAT(merged[1].sources, ElementsAre(SourceRef{"b", ""}));
}

TEST(MergeByUid, ReturnsNothingForNothing) { EXPECT_TRUE(merge_by_uid({}, {}).empty()); }

}  // namespace
}  // namespace concerto::dedup
