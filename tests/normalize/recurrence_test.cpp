#include "normalize/recurrence.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/time_zone.h"
#include "normalize/normalize.h"

namespace concerto::normalize {
namespace {

core::EventTime paris(int y, int mo, int d, int h, int mi) {
  core::EventTime t;
  t.tzid = "Europe/Paris";
  t.local = {{y, mo, d}, h, mi, 0};
  t.utc = core::find_zone("Europe/Paris")->to_utc(t.local);
  return t;
}

core::EventTime day(int y, int mo, int d) {
  core::EventTime t;
  t.all_day = true;
  t.date = {y, mo, d};
  return t;
}

std::int64_t utc(int y, int mo, int d, int h, int mi) {
  return core::seconds_from_civil({{y, mo, d}, h, mi, 0});
}

ExpansionWindow window(std::int64_t from, std::int64_t to, std::int64_t now = 0,
                       std::string timezone = "Europe/Paris") {
  ExpansionWindow w;
  w.from_utc = from;
  w.to_utc = to;
  w.now_utc = now;
  w.timezone = std::move(timezone);
  return w;
}

const ExpansionWindow kWindow = window(utc(2020, 1, 1, 0, 0), utc(2030, 1, 1, 0, 0));

core::Event weekly_permanence() {
  core::Event series;
  series.feed_id = "icpc";
  series.uid = "permanence";
  series.start = paris(2026, 10, 13, 14, 0);
  series.end = paris(2026, 10, 13, 16, 0);
  series.rrule = "FREQ=WEEKLY;BYDAY=TU;COUNT=4";
  return series;
}

TEST(Recurrence, KeepsTheWallClockTimeAcrossTheAutumnDstChange) {
  core::Problems problems;
  auto occurrences = expand_occurrences({weekly_permanence()}, kWindow, {}, problems);
  ASSERT_EQ(occurrences.size(), 4u);
  // 13 and 20 October at +02:00; 27 October and 3 November at +01:00; always 14:00 in Paris.
  EXPECT_EQ(occurrences[0].start.utc, utc(2026, 10, 13, 12, 0));
  EXPECT_EQ(occurrences[1].start.utc, utc(2026, 10, 20, 12, 0));
  EXPECT_EQ(occurrences[2].start.utc, utc(2026, 10, 27, 13, 0));
  EXPECT_EQ(occurrences[3].start.utc, utc(2026, 11, 3, 13, 0));
  EXPECT_EQ(occurrences[3].start.local.hour, 14);
  EXPECT_EQ(occurrences[3].end.utc, utc(2026, 11, 3, 15, 0));
  EXPECT_EQ(occurrences[3].end.local.hour, 16);
  ASSERT_TRUE(occurrences[2].recurrence_id);
  EXPECT_EQ(occurrences[2].recurrence_id->utc, utc(2026, 10, 27, 13, 0));
  EXPECT_TRUE(problems.empty());
}

TEST(Recurrence, AppliesExdatesRdatesAndOverrides) {
  core::Event series = weekly_permanence();
  series.exdates.push_back(paris(2026, 10, 20, 14, 0));
  series.rdates.push_back(paris(2026, 12, 24, 10, 0));
  core::Event moved;
  moved.feed_id = "icpc";
  moved.uid = "permanence";
  moved.summary = "Permanence déplacée";
  moved.recurrence_id = paris(2026, 10, 27, 14, 0);
  moved.start = paris(2026, 10, 28, 9, 0);
  moved.end = paris(2026, 10, 28, 11, 0);
  core::Problems problems;
  auto occurrences = expand_occurrences({series, moved}, kWindow, {}, problems);
  ASSERT_EQ(occurrences.size(), 4u);
  EXPECT_EQ(occurrences[0].start.utc, utc(2026, 10, 13, 12, 0));
  EXPECT_EQ(occurrences[1].start.utc, utc(2026, 10, 28, 8, 0));
  EXPECT_TRUE(occurrences[1].from_override);
  EXPECT_EQ(occurrences[1].recurrence_id->utc, utc(2026, 10, 27, 13, 0));
  EXPECT_EQ(occurrences[2].start.utc, utc(2026, 11, 3, 13, 0));
  EXPECT_EQ(occurrences[3].start.utc, utc(2026, 12, 24, 9, 0));
}

TEST(Recurrence, ReadsAUtcUntilAsAnInstantSoTheLastOccurrenceStays) {
  core::Event series = weekly_permanence();
  // The last Tuesday, 2026-11-03 14:00 Paris, is 13:00 UTC: UNTIL names exactly that instant.
  series.rrule = "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261103T130000Z";
  core::Problems problems;
  auto occurrences = expand_occurrences({series}, kWindow, {}, problems);
  ASSERT_EQ(occurrences.size(), 4u);
  EXPECT_EQ(occurrences.back().start.utc, utc(2026, 11, 3, 13, 0));
}

TEST(Recurrence, ExpandsAllDaySeriesByDate) {
  core::Event series;
  series.uid = "ag";
  series.start = day(2027, 1, 31);
  series.end = day(2027, 2, 2);
  series.rrule = "FREQ=YEARLY;COUNT=3";
  series.exdates.push_back(day(2028, 1, 31));
  core::Problems problems;
  auto occurrences = expand_occurrences({series}, kWindow, {}, problems);
  ASSERT_EQ(occurrences.size(), 2u);
  EXPECT_TRUE(occurrences[1].start.all_day);
  EXPECT_EQ(occurrences[1].start.date, (core::Date{2029, 1, 31}));
  EXPECT_EQ(occurrences[1].end.date, (core::Date{2029, 2, 2}));
}

TEST(Recurrence, KeepsOnlyTheWindowAndCutsRunawaySeries) {
  core::Event series = weekly_permanence();
  series.rrule = "FREQ=DAILY";
  core::IngestLimits limits;
  limits.max_occurrences_per_series = 100;
  core::Problems problems;
  auto occurrences = expand_occurrences(
      {series}, window(utc(2027, 1, 1, 0, 0), utc(2028, 1, 1, 0, 0)), limits, problems);
  ASSERT_EQ(occurrences.size(), 100u);
  EXPECT_EQ(occurrences.front().start.local.date, (core::Date{2027, 1, 1}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("max_occurrences_per_series"), std::string::npos);
}

TEST(Recurrence, StopsAMinutelyRuleWithACountWithinItsIterationBudget) {
  core::Event series = weekly_permanence();
  series.start = paris(2000, 1, 1, 0, 0);
  series.end = paris(2000, 1, 1, 0, 1);
  series.rrule = "FREQ=MINUTELY;COUNT=100000000";  // COUNT forbids starting near the window
  core::Problems problems;
  auto occurrences = expand_occurrences({series}, kWindow, {}, problems);
  EXPECT_TRUE(occurrences.empty());
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].message.find("stopped"), std::string::npos);
}

TEST(Recurrence, KeepsOnlyTheFirstOccurrenceOfSeriesPastTheFeedsStepBudget) {
  core::Event first = weekly_permanence();
  first.rrule = "FREQ=DAILY;COUNT=5000";  // walks 1176 days to the window's end
  core::Event second = first;
  second.uid = "second";  // gets the 323 steps left (the step past the window counts)
  core::Event third = first;
  third.uid = "third";  // gets none
  core::IngestLimits limits;
  limits.max_recurrence_steps = 1500;
  core::Problems problems;
  auto occurrences = expand_occurrences({first, second, third}, kWindow, limits, problems);
  const auto count = [&](const char* uid) {
    return std::count_if(occurrences.begin(), occurrences.end(),
                         [&](const auto& o) { return o.uid == uid; });
  };
  EXPECT_EQ(count("permanence"), 1176);
  EXPECT_EQ(count("second"), 323);
  EXPECT_EQ(count("third"), 1);
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems.back().message.find("limits.max_recurrence_steps"), std::string::npos);
}

TEST(Recurrence, StartsARuleWithoutCountNearTheWindowInsteadOfAtItsDistantStart) {
  core::Event series = weekly_permanence();
  series.start = paris(1, 1, 1, 0, 0);
  series.start.utc = core::seconds_from_civil({{1, 1, 1}, 0, 0, 0});
  series.end = series.start;
  series.end.utc += 60;
  series.rrule = "FREQ=MINUTELY;INTERVAL=30";
  core::IngestLimits limits;
  limits.max_occurrences_per_series = 48;
  core::Problems problems;
  const std::int64_t now = utc(2026, 12, 1, 0, 0);
  auto occurrences = expand_occurrences(
      {series}, window(utc(2026, 11, 30, 0, 0), utc(2026, 12, 2, 0, 0), now), limits, problems);
  ASSERT_EQ(occurrences.size(), 48u);
  for (const auto& problem : problems) {
    EXPECT_EQ(problem.message.find("stopped"), std::string::npos) << problem.message;
  }
}

TEST(Recurrence, SpendsADenseSeriesBudgetOnComingOccurrencesFirst) {
  core::Event series = weekly_permanence();
  series.start = paris(2020, 1, 1, 9, 0);
  series.end = paris(2020, 1, 1, 9, 30);
  series.rrule = "FREQ=HOURLY";
  core::IngestLimits limits;
  limits.max_occurrences_per_series = 400;
  core::Problems problems;
  const std::int64_t now = utc(2026, 12, 1, 0, 0);
  auto occurrences = expand_occurrences(
      {series}, window(utc(2025, 12, 1, 0, 0), utc(2029, 12, 1, 0, 0), now), limits, problems);
  ASSERT_EQ(occurrences.size(), 400u);
  const auto coming = std::count_if(occurrences.begin(), occurrences.end(),
                                    [&](const auto& o) { return o.start.utc >= now; });
  EXPECT_EQ(coming, 300);
  EXPECT_EQ(occurrences[100].start.utc, now);  // the next hourly instance after the past ones
  EXPECT_LT(occurrences[99].start.utc, now);
}

TEST(Recurrence, ReadsAUtcUntilOfAnAllDaySeriesOnTheFeedsDay) {
  // 2026-01-07T04:59:59Z is still 6 January in Montréal: the series ends on the 6th.
  core::Event series;
  series.uid = "daily";
  series.start = day(2026, 1, 5);
  series.end = day(2026, 1, 6);
  series.rrule = "FREQ=DAILY;UNTIL=20260107T045959Z";
  core::Problems problems;
  auto occurrences = expand_occurrences(
      {series}, window(utc(2025, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0), 0, "America/Montreal"), {},
      problems);
  ASSERT_EQ(occurrences.size(), 2u);
  EXPECT_EQ(occurrences.back().start.date, (core::Date{2026, 1, 6}));
}

TEST(Recurrence, MatchesDateTimeExdatesAndRecurrenceIdsOfAnAllDaySeriesByDate) {
  core::Event series;
  series.uid = "daily";
  series.start = day(2026, 1, 5);
  series.end = day(2026, 1, 6);
  series.rrule = "FREQ=DAILY;COUNT=4";
  core::EventTime excluded = paris(2026, 1, 6, 0, 0);
  series.exdates.push_back(excluded);
  core::Event moved;
  moved.uid = "daily";
  moved.summary = "déplacé";
  moved.recurrence_id = paris(2026, 1, 7, 0, 0);
  moved.start = day(2026, 1, 20);
  moved.end = day(2026, 1, 21);
  core::Problems problems;
  auto occurrences = expand_occurrences({series, moved}, kWindow, {}, problems);
  ASSERT_EQ(occurrences.size(), 3u);
  EXPECT_EQ(occurrences[0].start.date, (core::Date{2026, 1, 5}));
  EXPECT_EQ(occurrences[1].start.date, (core::Date{2026, 1, 8}));
  EXPECT_EQ(occurrences[2].start.date, (core::Date{2026, 1, 20}));
  EXPECT_TRUE(occurrences[2].from_override);
}

TEST(Recurrence, GivesSingleEventsOneOccurrenceWithoutRecurrenceId) {
  core::Event single;
  single.uid = "one";
  single.start = paris(2027, 10, 8, 9, 0);
  single.end = paris(2027, 10, 8, 18, 0);
  core::Problems problems;
  auto occurrences = expand_occurrences({single}, kWindow, {}, problems);
  ASSERT_EQ(occurrences.size(), 1u);
  EXPECT_FALSE(occurrences[0].recurrence_id);
  EXPECT_FALSE(occurrences[0].from_override);
}

}  // namespace
}  // namespace concerto::normalize
