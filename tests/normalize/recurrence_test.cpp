#include "normalize/recurrence.h"

#include <gtest/gtest.h>

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

const ExpansionWindow kWindow{utc(2020, 1, 1, 0, 0), utc(2030, 1, 1, 0, 0)};

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
  const ExpansionWindow window{utc(2027, 1, 1, 0, 0), utc(2028, 1, 1, 0, 0)};
  auto occurrences = expand_occurrences({series}, window, limits, problems);
  ASSERT_EQ(occurrences.size(), 100u);
  EXPECT_EQ(occurrences.front().start.local.date, (core::Date{2027, 1, 1}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("max_occurrences_per_series"), std::string::npos);
}

TEST(Recurrence, StopsAMinutelyRuleFromLongAgoWithinItsIterationBudget) {
  core::Event series = weekly_permanence();
  series.start = paris(2000, 1, 1, 0, 0);
  series.end = paris(2000, 1, 1, 0, 1);
  series.rrule = "FREQ=MINUTELY";
  core::Problems problems;
  auto occurrences = expand_occurrences({series}, kWindow, {}, problems);
  EXPECT_TRUE(occurrences.empty());
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].message.find("stopped"), std::string::npos);
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
