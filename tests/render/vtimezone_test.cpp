#include "render/vtimezone.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/time_zone.h"
#include "render/render_test_support.h"

namespace concerto::render {
namespace {

using ::testing::Contains;
using testing::IcalComponent;
using testing::IcalTimezone;
using ::testing::Not;
using testing::parse_ical;
using testing::unfolded_lines;

core::ZonePtr zone(const std::string& name) {
  core::ZonePtr found = core::find_zone(name);
  if (found == nullptr) throw std::invalid_argument(name);
  return found;
}

int count(const std::vector<std::string>& lines, const std::string& line) {
  return static_cast<int>(std::count(lines.begin(), lines.end(), line));
}

std::int64_t start_of_year(int year) { return core::seconds_from_civil({{year, 1, 1}, 0, 0, 0}); }

IcalTimezone libical_zone(const std::string& vtimezone) {
  IcalComponent component = parse_ical(vtimezone);
  if (component == nullptr || icalcomponent_isa(component.get()) != ICAL_VTIMEZONE_COMPONENT) {
    return nullptr;
  }
  IcalTimezone result(icaltimezone_new());
  if (icaltimezone_set_component(result.get(), component.get()) == 0) return nullptr;
  component.release();  // now owned by the zone
  return result;
}

// For instants every 6 hours from `from_year` to `check_to_year`, and one second around each of
// our transitions, libical reading our VTIMEZONE agrees with our table: offset and wall time.
void expect_libical_agrees(const std::string& name, int from_year, int to_year, int check_to_year) {
  SCOPED_TRACE(name);
  const core::ZonePtr ours = zone(name);
  const std::string text = render_vtimezone(*ours, from_year, to_year);
  const IcalTimezone theirs = libical_zone(text);
  ASSERT_NE(theirs, nullptr) << text;
  icaltimezone* utc = icaltimezone_get_utc_timezone();

  std::vector<std::int64_t> instants;
  for (std::int64_t t = start_of_year(from_year); t < start_of_year(check_to_year + 1);
       t += 6 * 3600) {
    instants.push_back(t);
  }
  for (const core::ZoneTransition& transition : ours->transitions()) {
    if (transition.utc < start_of_year(from_year) ||
        transition.utc >= start_of_year(check_to_year + 1)) {
      continue;
    }
    for (std::int64_t delta : {-1, 0, 1}) instants.push_back(transition.utc + delta);
  }
  int mismatches = 0;
  for (const std::int64_t t : instants) {
    icaltimetype time = icaltime_from_timet_with_zone(static_cast<time_t>(t), 0, utc);
    int is_daylight = 0;
    const int offset = icaltimezone_get_utc_offset_of_utc_time(theirs.get(), &time, &is_daylight);
    icaltimetype local = icaltime_from_timet_with_zone(static_cast<time_t>(t), 0, utc);
    icaltimezone_convert_time(&local, utc, theirs.get());
    const core::LocalDateTime expected = ours->to_local(t);
    const bool same = offset == ours->offset_at_utc(t) && local.year == expected.date.year &&
                      local.month == expected.date.month && local.day == expected.date.day &&
                      local.hour == expected.hour && local.minute == expected.minute &&
                      local.second == expected.second;
    if (!same && ++mismatches <= 5) {
      ADD_FAILURE() << "at " << core::format_iso_local(core::civil_from_seconds(t))
                    << "Z libical says " << offset << ", we say " << ours->offset_at_utc(t);
    }
  }
  EXPECT_EQ(mismatches, 0) << text;
}

TEST(RenderVtimezone, DescribesParisAsOneDaylightAndOneStandardYearlyRule) {
  const std::string text = render_vtimezone(*zone("Europe/Paris"), 2026, 2027);
  EXPECT_EQ(
      unfolded_lines(text),
      (std::vector<std::string>{
          "BEGIN:VTIMEZONE", "TZID:Europe/Paris", "X-LIC-LOCATION:Europe/Paris",
          // From the year before the first one: 01:00Z read in the old offset.
          "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "DTSTART:20250330T020000",
          "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT", "BEGIN:STANDARD",
          "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "DTSTART:20251026T030000",
          "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD", "END:VTIMEZONE"}));
}

TEST(RenderVtimezone, WritesExplicitObservancesUntilTheRulesLastChanged) {
  // The United States moved daylight saving time to March-November in 2007.
  const std::vector<std::string> lines =
      unfolded_lines(render_vtimezone(*zone("America/New_York"), 2006, 2008));
  EXPECT_THAT(lines, Contains("DTSTART:20050403T020000"));
  EXPECT_THAT(lines, Contains("DTSTART:20051030T020000"));
  EXPECT_THAT(lines, Contains("DTSTART:20060402T020000"));
  EXPECT_THAT(lines, Contains("DTSTART:20061029T020000"));
  EXPECT_THAT(lines, Contains("DTSTART:20070311T020000"));
  EXPECT_THAT(lines, Contains("DTSTART:20071104T020000"));
  EXPECT_THAT(lines, Not(Contains("DTSTART:20080309T020000")));
  EXPECT_EQ(count(lines, "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"), 1);
  EXPECT_EQ(count(lines, "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"), 1);
  EXPECT_EQ(count(lines, "BEGIN:DAYLIGHT"), 3);
  // The rules are the last observances.
  const auto rule = std::find(lines.begin(), lines.end(), "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU");
  ASSERT_NE(rule, lines.end());
  EXPECT_EQ(*std::prev(rule), "DTSTART:20070311T020000");
  expect_libical_agrees("America/New_York", 2006, 2008, 2012);
}

TEST(RenderVtimezone, WritesOnlyExplicitObservancesWhenTheZoneStoppedChanging) {
  // Moscow: summer time made permanent in 2011, back to +03:00 in 2014.
  const std::string text = render_vtimezone(*zone("Europe/Moscow"), 2010, 2016);
  EXPECT_EQ(text.find("RRULE"), std::string::npos);
  EXPECT_THAT(unfolded_lines(text), Contains("DTSTART:20141026T020000"));
  expect_libical_agrees("Europe/Moscow", 2010, 2016, 2020);
}

TEST(RenderVtimezone, LinesAreCrlfTerminated) {
  const std::string text = render_vtimezone(*zone("Europe/Paris"), 2026, 2027);
  EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      EXPECT_EQ(text[i - 1], '\r');
    }
  }
}

TEST(RenderVtimezone, UsesNthWeekdayRulesInMontreal) {
  const std::vector<std::string> lines =
      unfolded_lines(render_vtimezone(*zone("America/Montreal"), 2026, 2027));
  EXPECT_THAT(lines, Contains("DTSTART:20250309T020000"));
  EXPECT_THAT(lines, Contains("DTSTART:20251102T020000"));
  EXPECT_THAT(lines, Contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"));
  EXPECT_THAT(lines, Contains("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"));
  EXPECT_THAT(lines, Contains("TZOFFSETFROM:-0500"));
}

TEST(RenderVtimezone, HandlesTheSouthernHemisphere) {
  const std::vector<std::string> lines =
      unfolded_lines(render_vtimezone(*zone("Australia/Sydney"), 2026, 2027));
  EXPECT_THAT(lines, Contains("DTSTART:20250406T030000"));  // back to +10:00 in April
  EXPECT_THAT(lines, Contains("DTSTART:20251005T020000"));  // +11:00 from October
  EXPECT_THAT(lines, Contains("RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU"));
  EXPECT_THAT(lines, Contains("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU"));
}

TEST(RenderVtimezone, WritesOneStandardObservanceForAZoneWithoutChanges) {
  const std::vector<std::string> lines =
      unfolded_lines(render_vtimezone(*zone("Asia/Tokyo"), 2026, 2027));
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "BEGIN:VTIMEZONE", "TZID:Asia/Tokyo", "X-LIC-LOCATION:Asia/Tokyo",
                       "BEGIN:STANDARD", "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900",
                       "DTSTART:19700101T000000", "END:STANDARD", "END:VTIMEZONE"}));
}

TEST(RenderVtimezone, WritesHalfAndQuarterHourOffsets) {
  EXPECT_THAT(unfolded_lines(render_vtimezone(*zone("Asia/Kolkata"), 2026, 2026)),
              Contains("TZOFFSETTO:+0530"));
  const std::vector<std::string> chatham =
      unfolded_lines(render_vtimezone(*zone("Pacific/Chatham"), 2026, 2027));
  EXPECT_THAT(chatham, Contains("TZOFFSETTO:+1345"));
  EXPECT_THAT(chatham, Contains("TZOFFSETTO:+1245"));
  EXPECT_THAT(chatham, Contains("RRULE:FREQ=YEARLY;BYMONTH=9;BYDAY=-1SU"));
}

TEST(RenderVtimezone, WritesSecondsForAnOffsetThatIsNotWholeMinutes) {
  const core::ZonePtr odd = core::TimeZone::fixed("Test/Odd", 3600 + 61);
  EXPECT_THAT(unfolded_lines(render_vtimezone(*odd, 2026, 2026)), Contains("TZOFFSETTO:+010101"));
}

TEST(RenderVtimezone, DoesNotExtendDaylightTimeAZoneAbolished) {
  // Brazil stopped daylight saving time after February 2019.
  const std::string text = render_vtimezone(*zone("America/Sao_Paulo"), 2018, 2021);
  EXPECT_EQ(text.find("RRULE"), std::string::npos);
  expect_libical_agrees("America/Sao_Paulo", 2018, 2021, 2024);
}

TEST(RenderVtimezone, AcceptsTheYearsInEitherOrder) {
  EXPECT_EQ(render_vtimezone(*zone("Europe/Paris"), 2027, 2026),
            render_vtimezone(*zone("Europe/Paris"), 2026, 2027));
}

TEST(RenderVtimezone, LibicalAgreesWithOurOffsetsInParisAndPastTheLastYear) {
  expect_libical_agrees("Europe/Paris", 2026, 2027, 2031);
}

TEST(RenderVtimezone, LibicalAgreesWithOurOffsetsInMontreal) {
  expect_libical_agrees("America/Montreal", 2026, 2028, 2031);
}

TEST(RenderVtimezone, LibicalAgreesWithOurOffsetsInSydney) {
  expect_libical_agrees("Australia/Sydney", 2026, 2027, 2030);
}

TEST(RenderVtimezone, LibicalAgreesWithOurOffsetsInTokyoKolkataAndChatham) {
  expect_libical_agrees("Asia/Tokyo", 2026, 2027, 2030);
  expect_libical_agrees("Asia/Kolkata", 2026, 2027, 2030);
  expect_libical_agrees("Pacific/Chatham", 2026, 2027, 2030);
}

}  // namespace
}  // namespace concerto::render
