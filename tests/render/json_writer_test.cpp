#include "render/json_writer.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/text.h"
#include "render/render_test_support.h"

namespace concerto::render {
namespace {

using testing::at;
using testing::day;
using ::testing::ElementsAre;
using testing::make_event;
using testing::merged;
using testing::timed;
using testing::utc_time;

constexpr std::int64_t kFrom = 1767225600;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kTo = 1830297600;    // 2028-01-01T00:00:00Z
const JsonWindow kYears{kFrom, kTo};

core::Occurrence occurrence_of(const core::Event& event) {
  core::Occurrence occurrence;
  occurrence.feed_id = event.feed_id;
  occurrence.uid = event.uid;
  occurrence.recurrence_id = event.recurrence_id;
  occurrence.start = event.start;
  occurrence.end = event.end;
  occurrence.from_override = event.recurrence_id.has_value();
  return occurrence;
}

// The instance of a weekly series `weeks` weeks after its start, at the same wall time.
core::Occurrence weekly_instance(const core::Event& series, int weeks) {
  core::Occurrence occurrence;
  occurrence.feed_id = series.feed_id;
  occurrence.uid = series.uid;
  core::LocalDateTime start = series.start.local;
  start.date = core::add_days(start.date, 7 * weeks);
  core::LocalDateTime end = series.end.local;
  end.date = core::add_days(end.date, 7 * weeks);
  occurrence.start = timed(series.start.tzid, start);
  occurrence.end = timed(series.end.tzid, end);
  occurrence.recurrence_id = occurrence.start;
  return occurrence;
}

Poco::JSON::Array::Ptr parse_events(const std::string& json) {
  Poco::JSON::Parser parser;
  const Poco::Dynamic::Var root = parser.parse(json);
  return root.extract<Poco::JSON::Object::Ptr>()->getArray("events");
}

Poco::JSON::Object::Ptr object_at(const Poco::JSON::Array::Ptr& events, unsigned index) {
  return events->getObject(index);
}

std::string text(const Poco::JSON::Object::Ptr& object, const std::string& key) {
  return object->getValue<std::string>(key);
}

core::Event paris_weekly() {
  core::Event series = make_event("feed", "weekly", timed("Europe/Paris", at(2026, 10, 19, 9, 30)),
                                  timed("Europe/Paris", at(2026, 10, 19, 11, 0)));
  series.rrule = "FREQ=WEEKLY;BYDAY=MO";
  return series;
}

TEST(RenderJson, WritesAnEmptyListForNothing) {
  EXPECT_EQ(parse_events(render_json({}, {}, kYears))->size(), 0u);
}

TEST(RenderJson, WritesEveryFieldOfASingleEvent) {
  core::Event event = make_event("feed", "single", timed("Europe/Paris", at(2026, 10, 19, 9, 30)),
                                 timed("Europe/Paris", at(2026, 10, 19, 11, 0)));
  event.description = "Deux\nlignes";
  event.location = "Salle Pleyel";
  event.url = "https://example.org/e";
  event.categories = {"Jazz", "Rock, Pop"};
  event.status = core::EventStatus::kCancelled;
  event.organizer = "Jeanne <j@example.org>";
  event.sequence = 2;
  dedup::MergedEvent m = merged(event);
  m.sources.push_back({"other", "single-copy", ""});
  const auto events = parse_events(render_json({m}, {occurrence_of(event)}, kYears));
  ASSERT_EQ(events->size(), 1u);
  const auto object = object_at(events, 0);
  EXPECT_EQ(text(object, "uid"), "single");
  EXPECT_TRUE(object->isNull("recurrence_id"));
  EXPECT_TRUE(object->isNull("rrule"));
  EXPECT_EQ(text(object, "summary"), "Event single");
  EXPECT_EQ(text(object, "description"), "Deux\nlignes");
  EXPECT_EQ(text(object, "start"), "2026-10-19T09:30:00+02:00");
  EXPECT_EQ(text(object, "end"), "2026-10-19T11:00:00+02:00");
  EXPECT_FALSE(object->getValue<bool>("all_day"));
  EXPECT_EQ(text(object, "timezone"), "Europe/Paris");
  EXPECT_EQ(text(object, "location"), "Salle Pleyel");
  EXPECT_EQ(text(object, "url"), "https://example.org/e");
  const auto categories = object->getArray("categories");
  ASSERT_EQ(categories->size(), 2u);
  EXPECT_EQ(categories->getElement<std::string>(1), "Rock, Pop");
  EXPECT_EQ(text(object, "status"), "cancelled");
  EXPECT_EQ(text(object, "organizer"), "Jeanne <j@example.org>");
  EXPECT_EQ(object->getValue<int>("sequence"), 2);
  const auto sources = object->getArray("sources");
  ASSERT_EQ(sources->size(), 2u);
  EXPECT_EQ(text(sources->getObject(1), "feed"), "other");
  EXPECT_EQ(text(sources->getObject(1), "uid"), "single-copy");
}

TEST(RenderJson, WritesAllDayDatesWithAnExclusiveEnd) {
  const core::Event event = make_event("feed", "day", day(2026, 10, 19), day(2026, 10, 20));
  const auto events = parse_events(render_json({merged(event)}, {occurrence_of(event)}, kYears));
  ASSERT_EQ(events->size(), 1u);
  const auto object = object_at(events, 0);
  EXPECT_EQ(text(object, "start"), "2026-10-19");
  EXPECT_EQ(text(object, "end"), "2026-10-20");
  EXPECT_TRUE(object->getValue<bool>("all_day"));
  EXPECT_TRUE(object->isNull("timezone"));
}

TEST(RenderJson, WritesUtcEventsWithZ) {
  const core::Event event = make_event("feed", "utc", utc_time(at(2026, 10, 19, 7, 30)),
                                       utc_time(at(2026, 10, 19, 8, 0)));
  const auto object =
      object_at(parse_events(render_json({merged(event)}, {occurrence_of(event)}, kYears)), 0);
  EXPECT_EQ(text(object, "start"), "2026-10-19T07:30:00Z");
  EXPECT_EQ(text(object, "timezone"), "UTC");
}

TEST(RenderJson, KeepsTheWallTimeAndChangesTheOffsetAcrossDaylightSavingTime) {
  const core::Event series = paris_weekly();
  const auto events = parse_events(render_json(
      {merged(series)}, {weekly_instance(series, 1), weekly_instance(series, 0)}, kYears));
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ(text(object_at(events, 0), "start"), "2026-10-19T09:30:00+02:00");
  EXPECT_EQ(text(object_at(events, 0), "recurrence_id"), "2026-10-19T09:30:00+02:00");
  EXPECT_EQ(text(object_at(events, 1), "start"), "2026-10-26T09:30:00+01:00");
  EXPECT_EQ(text(object_at(events, 1), "end"), "2026-10-26T11:00:00+01:00");
  EXPECT_EQ(text(object_at(events, 1), "rrule"), "FREQ=WEEKLY;BYDAY=MO");
}

TEST(RenderJson, TakesTheFieldsOfAnOverride) {
  const core::Event series = paris_weekly();
  core::Event moved = series;
  moved.rrule.clear();
  moved.recurrence_id = weekly_instance(series, 1).start;
  moved.start = timed("Europe/Paris", at(2026, 10, 27, 18, 0));
  moved.end = timed("Europe/Paris", at(2026, 10, 27, 20, 0));
  moved.summary = "Moved to Tuesday evening";
  moved.location = "Elsewhere";
  moved.sequence = 4;
  const auto events = parse_events(render_json(
      {merged(series), merged(moved)},
      {weekly_instance(series, 0), occurrence_of(moved), weekly_instance(series, 2)}, kYears));
  ASSERT_EQ(events->size(), 3u);
  const auto object = object_at(events, 1);
  EXPECT_EQ(text(object, "summary"), "Moved to Tuesday evening");
  EXPECT_EQ(text(object, "location"), "Elsewhere");
  EXPECT_EQ(object->getValue<int>("sequence"), 4);
  EXPECT_EQ(text(object, "start"), "2026-10-27T18:00:00+01:00");
  EXPECT_EQ(text(object, "recurrence_id"), "2026-10-26T09:30:00+01:00");
  EXPECT_EQ(text(object, "rrule"), "FREQ=WEEKLY;BYDAY=MO");  // the series'
  EXPECT_EQ(text(object_at(events, 0), "summary"), "Event weekly");
  EXPECT_EQ(text(object_at(events, 2), "summary"), "Event weekly");
}

TEST(RenderJson, KeepsOnlyOccurrencesOverlappingTheWindow) {
  const core::Event series = paris_weekly();
  // Window: the instance of week 1 exactly, from its start to its end.
  const core::Occurrence first = weekly_instance(series, 0);
  const core::Occurrence second = weekly_instance(series, 1);
  const core::Occurrence third = weekly_instance(series, 2);
  const JsonWindow window{second.start.utc, second.end.utc};
  auto events = parse_events(render_json({merged(series)}, {first, second, third}, window));
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(text(object_at(events, 0), "start"), "2026-10-26T09:30:00+01:00");
  // Ending exactly at `from` or starting exactly at `to` is outside.
  events = parse_events(render_json({merged(series)}, {first, second, third},
                                    JsonWindow{first.end.utc, second.start.utc}));
  EXPECT_EQ(events->size(), 0u);
  // Overlapping one edge is inside.
  events = parse_events(render_json({merged(series)}, {first, second, third},
                                    JsonWindow{first.end.utc - 1, second.start.utc + 1}));
  EXPECT_EQ(events->size(), 2u);
}

TEST(RenderJson, FiltersAllDayOccurrencesByTheirDatesAtMidnightUtc) {
  const core::Event event = make_event("feed", "day", day(2026, 10, 19), day(2026, 10, 21));
  const std::int64_t midnight = 1792368000;  // 2026-10-19T00:00:00Z
  EXPECT_EQ(parse_events(render_json({merged(event)}, {occurrence_of(event)},
                                     JsonWindow{midnight + 2 * 86400, kTo}))
                ->size(),
            0u);
  EXPECT_EQ(parse_events(render_json({merged(event)}, {occurrence_of(event)},
                                     JsonWindow{midnight + 2 * 86400 - 1, kTo}))
                ->size(),
            1u);
  EXPECT_EQ(parse_events(
                render_json({merged(event)}, {occurrence_of(event)}, JsonWindow{kFrom, midnight}))
                ->size(),
            0u);
}

TEST(RenderJson, LeavesOutOccurrencesOfFeedsThatLostTheMerge) {
  const core::Event winner =
      make_event("high", "u", utc_time(at(2026, 10, 19, 8)), utc_time(at(2026, 10, 19, 9)));
  core::Event loser = winner;
  loser.feed_id = "low";
  loser.summary = "loser";
  const core::Event unknown = make_event("high", "not-merged", utc_time(at(2026, 10, 19, 8)),
                                         utc_time(at(2026, 10, 19, 9)));
  const auto events = parse_events(
      render_json({merged(winner)},
                  {occurrence_of(loser), occurrence_of(winner), occurrence_of(unknown)}, kYears));
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(text(object_at(events, 0), "summary"), "Event u");
}

TEST(RenderJson, OrdersByStartThenUid) {
  const core::Event b =
      make_event("f", "b", utc_time(at(2026, 10, 19, 8)), utc_time(at(2026, 10, 19, 9)));
  const core::Event a =
      make_event("f", "a", utc_time(at(2026, 10, 19, 8)), utc_time(at(2026, 10, 19, 9)));
  const core::Event early = make_event("f", "z", timed("Europe/Paris", at(2026, 10, 19, 9)),
                                       timed("Europe/Paris", at(2026, 10, 19, 10)));
  const auto events =
      parse_events(render_json({merged(b), merged(a), merged(early)},
                               {occurrence_of(b), occurrence_of(a), occurrence_of(early)}, kYears));
  std::vector<std::string> uids;
  for (unsigned i = 0; i < events->size(); ++i) uids.push_back(text(object_at(events, i), "uid"));
  EXPECT_THAT(uids, ElementsAre("z", "a", "b"));  // 09:00+02:00 is 07:00Z
}

TEST(RenderJson, EscapesQuotesBackslashesAndControlCharacters) {
  core::Event event =
      make_event("feed", "e\"vil", utc_time(at(2026, 10, 19, 8)), utc_time(at(2026, 10, 19, 9)));
  event.summary = "\"quoted\" \\ back\x01\x1F\ttab\r\nline \xE2\x80\xA8 é🎉";
  event.description = "</script><script>alert(1)</script>";
  event.location = "bad \xC3( utf8";
  event.organizer = "";
  const std::string json = render_json({merged(event)}, {occurrence_of(event)}, kYears);
  EXPECT_TRUE(core::is_valid_utf8(json));
  EXPECT_NE(json.find("\\u0001\\u001f\\t"), std::string::npos);
  EXPECT_NE(json.find("\\u2028"), std::string::npos);
  const auto object = object_at(parse_events(json), 0);
  EXPECT_EQ(text(object, "uid"), "e\"vil");
  EXPECT_EQ(text(object, "summary"), event.summary);
  EXPECT_EQ(text(object, "description"), event.description);
  EXPECT_EQ(text(object, "location"), "bad \xEF\xBF\xBD( utf8");
  EXPECT_TRUE(object->isNull("organizer"));
}

TEST(RenderJson, LeavesOutAUrlThatIsNotHttp) {
  core::Event event =
      make_event("feed", "u", utc_time(at(2026, 10, 19, 8)), utc_time(at(2026, 10, 19, 9)));
  event.url = "javascript:alert(1)";
  const auto object =
      object_at(parse_events(render_json({merged(event)}, {occurrence_of(event)}, kYears)), 0);
  EXPECT_TRUE(object->isNull("url"));
}

TEST(RenderJson, RendersTenThousandOccurrencesAsValidJson) {
  const core::Event series = paris_weekly();
  std::vector<core::Occurrence> occurrences;
  for (int week = 0; week < 10000; ++week) occurrences.push_back(weekly_instance(series, week));
  const JsonWindow all{0, 1LL << 40};
  const auto events = parse_events(render_json({merged(series)}, occurrences, all));
  EXPECT_EQ(events->size(), 10000u);
}

// What a parse bug once let through: an all-day end in year 1936790622. The window is open wide
// so that only the date check can leave the occurrence out.
TEST(RenderJson, LeavesOutAnOccurrenceWithADateBeyondYear9999) {
  core::Event broken = make_event("feed", "broken", day(2026, 10, 19), day(2026, 10, 20));
  broken.end.date.year = 1936790622;
  core::Event late =
      make_event("feed", "late", utc_time(at(2026, 10, 19, 8)), utc_time(at(10000, 1, 1, 9)));
  const core::Event fine =
      make_event("feed", "fine", utc_time(at(2026, 10, 19, 8)), utc_time(at(2026, 10, 19, 9)));
  const JsonWindow all{std::numeric_limits<std::int64_t>::min() / 2,
                       std::numeric_limits<std::int64_t>::max() / 2};
  const std::string json =
      render_json({merged(broken), merged(late), merged(fine)},
                  {occurrence_of(broken), occurrence_of(late), occurrence_of(fine)}, all);
  const auto events = parse_events(json);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(text(object_at(events, 0), "uid"), "fine");
  EXPECT_EQ(json.find("9999-"), std::string::npos);  // nothing clamped into a wrong date
}

TEST(RenderJson, LeavesOutAnOccurrenceWhoseRecurrenceIdIsBeforeYearOne) {
  const core::Event series = paris_weekly();
  core::Occurrence occurrence = weekly_instance(series, 0);
  occurrence.recurrence_id->local.date.year = 0;
  EXPECT_EQ(parse_events(render_json({merged(series)}, {occurrence}, kYears))->size(), 0u);
}

}  // namespace
}  // namespace concerto::render
