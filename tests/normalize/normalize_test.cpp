#include "normalize/normalize.h"

#include <gtest/gtest.h>

#include "core/time_zone.h"

namespace concerto::normalize {
namespace {

core::EventTime floating(int y, int mo, int d, int h, int mi) {
  core::EventTime t;
  t.local = {{y, mo, d}, h, mi, 0};
  return t;
}

core::EventTime day(int y, int mo, int d) {
  core::EventTime t;
  t.all_day = true;
  t.date = {y, mo, d};
  return t;
}

FeedDefaults paris_defaults() { return {"nantes", "Europe/Paris", "Démocratie locale"}; }

TEST(Normalize, ReadsFloatingTimesInTheFeedZone) {
  core::Event event;
  event.uid = "a";
  event.start = floating(2027, 3, 15, 18, 30);
  event.end = floating(2027, 3, 15, 20, 0);
  std::vector<core::Event> events{event};
  core::Problems problems;
  normalize_events(events, paris_defaults(), problems);
  EXPECT_EQ(events[0].feed_id, "nantes");
  EXPECT_EQ(events[0].start.tzid, "Europe/Paris");
  EXPECT_EQ(events[0].start.utc, core::seconds_from_civil({{2027, 3, 15}, 17, 30, 0}));
  EXPECT_EQ(events[0].end.utc, core::seconds_from_civil({{2027, 3, 15}, 19, 0, 0}));
}

TEST(Normalize, GivesAllDayEventsWithoutEndOneDayAndTimedEventsTheirStart) {
  core::Event all_day;
  all_day.uid = "a";
  all_day.summary = "AG";
  all_day.start = day(2027, 10, 19);
  core::Event timed;
  timed.uid = "b";
  timed.summary = "Forum";
  timed.start = floating(2027, 10, 19, 9, 0);
  std::vector<core::Event> events{all_day, timed};
  core::Problems problems;
  normalize_events(events, paris_defaults(), problems);
  EXPECT_TRUE(events[0].end.all_day);
  EXPECT_EQ(events[0].end.date, (core::Date{2027, 10, 20}));
  EXPECT_EQ(events[1].end.utc, events[1].start.utc);
  EXPECT_TRUE(problems.empty());
}

TEST(Normalize, RepairsAnEndBeforeTheStartWithAWarning) {
  core::Event event;
  event.uid = "a";
  event.summary = "x";
  event.start = floating(2027, 1, 10, 10, 0);
  event.end = floating(2027, 1, 10, 9, 0);
  std::vector<core::Event> events{event};
  core::Problems problems;
  normalize_events(events, paris_defaults(), problems);
  EXPECT_EQ(events[0].end.utc, events[0].start.utc);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].severity, core::Severity::kWarning);
}

TEST(Normalize, DropsUrlsThatAreNotHttpAndCleansText) {
  core::Event event;
  event.uid = "a";
  event.summary = "  Forum\n ouvert  ";
  event.description = "Ligne 1\r\nLigne 2\x07";
  event.url = "javascript:alert(1)";
  event.categories = {" Numérique ", "Numérique", ""};
  event.start = day(2027, 1, 1);
  std::vector<core::Event> events{event};
  core::Problems problems;
  normalize_events(events, paris_defaults(), problems);
  EXPECT_EQ(events[0].summary, "Forum ouvert");
  EXPECT_EQ(events[0].description, "Ligne 1\nLigne 2");
  EXPECT_EQ(events[0].url, "");
  EXPECT_EQ(events[0].categories, (std::vector<std::string>{"Numérique"}));
  EXPECT_EQ(problems.size(), 1u);
}

TEST(Normalize, AddsTheFeedCategoryOnlyWhenTheEventHasNone) {
  core::Event with;
  with.uid = "a";
  with.categories = {"Atelier"};
  with.start = day(2027, 1, 1);
  core::Event without = with;
  without.uid = "b";
  without.categories.clear();
  std::vector<core::Event> events{with, without};
  core::Problems problems;
  normalize_events(events, paris_defaults(), problems);
  EXPECT_EQ(events[0].categories, (std::vector<std::string>{"Atelier"}));
  EXPECT_EQ(events[1].categories, (std::vector<std::string>{"Démocratie locale"}));
}

TEST(Normalize, KeepsTheCopyWithTheHighestSequenceOfARepeatedUid) {
  core::Event first;
  first.uid = "same";
  first.summary = "old";
  first.sequence = 3;
  first.start = day(2027, 1, 1);
  first.source_line = 5;
  core::Event second = first;
  second.summary = "new";
  second.sequence = 4;
  second.source_line = 20;
  core::Event override_copy = first;
  override_copy.recurrence_id = day(2027, 1, 8);
  std::vector<core::Event> events{first, second, override_copy};
  core::Problems problems;
  normalize_events(events, paris_defaults(), problems);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].summary, "new");
  EXPECT_TRUE(events[1].recurrence_id.has_value());
  EXPECT_EQ(problems.size(), 1u);
}

}  // namespace
}  // namespace concerto::normalize
