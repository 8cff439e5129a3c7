#include "render/ics_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/text.h"
#include "render/render_test_support.h"

namespace concerto::render {
namespace {

using testing::at;
using ::testing::Contains;
using testing::day;
using ::testing::ElementsAre;
using testing::make_event;
using testing::merged;
using ::testing::Not;
using testing::parse_ical;
using testing::physical_lines;
using testing::timed;
using testing::unfolded_lines;
using testing::utc_time;

CalendarInfo info() {
  CalendarInfo calendar;
  calendar.name = "Festival";
  calendar.description = "Tout le festival";
  calendar.now_utc = 1790000000;  // 2026-09-21T...
  return calendar;
}

core::Event paris_event(const std::string& uid) {
  return make_event("feed", uid, timed("Europe/Paris", at(2026, 10, 19, 9, 30)),
                    timed("Europe/Paris", at(2026, 10, 19, 11, 0)));
}

std::vector<icalcomponent*> components(icalcomponent* calendar, icalcomponent_kind kind) {
  std::vector<icalcomponent*> found;
  for (icalcomponent* c = icalcomponent_get_first_component(calendar, kind); c != nullptr;
       c = icalcomponent_get_next_component(calendar, kind)) {
    found.push_back(c);
  }
  return found;
}

int count_lines(const std::string& text, const std::string& line) {
  const std::vector<std::string> lines = physical_lines(text);
  return static_cast<int>(std::count(lines.begin(), lines.end(), line));
}

// --- content lines -------------------------------------------------------------------------------

TEST(ContentLine, EscapesTheValueAndEndsWithCrlf) {
  EXPECT_EQ(content_line("SUMMARY", "", "a,b"), "SUMMARY:a\\,b\r\n");
  EXPECT_EQ(content_line("DTSTART", "TZID=Europe/Paris", "x"), "DTSTART;TZID=Europe/Paris:x\r\n");
  EXPECT_EQ(content_line("DTSTART", ";VALUE=DATE", "x"), "DTSTART;VALUE=DATE:x\r\n");
}

TEST(ContentLine, FoldsAsciiAtExactlySeventyFiveOctets) {
  const std::string line = content_line("DESCRIPTION", "", std::string(200, 'x'));
  const std::vector<std::string> lines = physical_lines(line);
  ASSERT_EQ(lines.size(), 3u);  // 12 + 200 = 212 octets: 75 + 74 + 63 content octets
  EXPECT_EQ(lines[0].size(), 75u);
  EXPECT_EQ(lines[1].size(), 75u);
  EXPECT_EQ(lines[2].size(), 64u);
  EXPECT_EQ(lines[1][0], ' ');
  EXPECT_EQ(lines[2][0], ' ');
  EXPECT_EQ(unfolded_lines(line), std::vector<std::string>{"DESCRIPTION:" + std::string(200, 'x')});
}

TEST(ContentLine, NeverSplitsAFrenchAccent) {
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "é";  // two octets each
  const std::string line = content_line("SUMMARY", "", accents);
  const std::vector<std::string> lines = physical_lines(line);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].size(), 74u);  // "SUMMARY:" + 33 é; a 34th would make 76
  EXPECT_EQ(lines[1].size(), 75u);  // " " + 37 é
  EXPECT_EQ(lines[2].size(), 61u);  // " " + 30 é
  for (const std::string& physical : lines) EXPECT_TRUE(core::is_valid_utf8(physical)) << physical;
  EXPECT_EQ(unfolded_lines(line), std::vector<std::string>{"SUMMARY:" + accents});
}

TEST(ContentLine, NeverSplitsAnEmoji) {
  std::string text = "Fête 🎉🎷 ";
  for (int i = 0; i < 40; ++i) text += "🎺";  // four octets each
  const std::string line = content_line("SUMMARY", "", text);
  for (const std::string& physical : physical_lines(line)) {
    EXPECT_LE(physical.size(), 75u);
    EXPECT_TRUE(core::is_valid_utf8(physical)) << physical;
  }
  const std::vector<std::string> lines = physical_lines(line);
  // "SUMMARY:Fête 🎉🎷 " is 8 + 5 + 1 + 9 = 23 octets, then 13 trumpets fit (75 octets).
  EXPECT_EQ(lines[0].size(), 75u);
  EXPECT_EQ(lines[1].size(), 73u);  // " " + 18 trumpets
  EXPECT_EQ(unfolded_lines(line), std::vector<std::string>{"SUMMARY:" + text});
}

TEST(ContentLine, ReplacesInvalidUtf8) {
  const std::string line = content_line("SUMMARY", "", "a\xC3(b\xFF");
  EXPECT_TRUE(core::is_valid_utf8(line));
  EXPECT_EQ(line, "SUMMARY:a\xEF\xBF\xBD(b\xEF\xBF\xBD\r\n");
}

TEST(EscapeText, EscapesBackslashSemicolonCommaAndNewlines) {
  EXPECT_EQ(escape_text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
  EXPECT_EQ(escape_text("one\r\ntwo\rthree"), "one\\ntwo\\nthree");
}

TEST(EscapeText, DropsControlCharacters) {
  EXPECT_EQ(escape_text(std::string("a\x01"
                                    "b\x7F"
                                    "c\x1B[0m",
                                    9)),
            "abc[0m");
  EXPECT_EQ(escape_text(std::string("a\0b", 3)), "ab");
}

TEST(ContentLine, ParametersCannotBreakTheLine) {
  const std::string line = content_line("X-TEST", "X-P=a\r\nBEGIN:VEVENT", "v");
  EXPECT_EQ(physical_lines(line).size(), 1u);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

// --- calendar ------------------------------------------------------------------------------------

TEST(RenderIcs, WritesTheCalendarProperties) {
  const std::string ics = render_ics({}, info());
  const std::vector<std::string> lines = unfolded_lines(ics);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  EXPECT_THAT(lines, Contains("PRODID:-//Concerto//Concerto 0.1//FR"));
  EXPECT_THAT(lines, Contains("VERSION:2.0"));
  EXPECT_THAT(lines, Contains("CALSCALE:GREGORIAN"));
  EXPECT_THAT(lines, Contains("METHOD:PUBLISH"));
  EXPECT_THAT(lines, Contains("X-WR-CALNAME:Festival"));
  EXPECT_THAT(lines, Contains("X-WR-TIMEZONE:Europe/Paris"));
  EXPECT_THAT(lines, Contains("X-WR-CALDESC:Tout le festival"));
  EXPECT_THAT(lines, Contains("REFRESH-INTERVAL;VALUE=DURATION:PT1H"));
  EXPECT_THAT(lines, Contains("X-PUBLISHED-TTL:PT1H"));
}

TEST(RenderIcs, WritesTheRefreshIntervalAsADuration) {
  CalendarInfo calendar = info();
  calendar.refresh_seconds = 1800;
  EXPECT_THAT(unfolded_lines(render_ics({}, calendar)), Contains("X-PUBLISHED-TTL:PT30M"));
  calendar.refresh_seconds = 86400;
  EXPECT_THAT(unfolded_lines(render_ics({}, calendar)),
              Contains("REFRESH-INTERVAL;VALUE=DURATION:P1D"));
  calendar.refresh_seconds = 86400 + 5400;
  EXPECT_THAT(unfolded_lines(render_ics({}, calendar)), Contains("X-PUBLISHED-TTL:P1DT1H30M"));
}

TEST(RenderIcs, LeavesOutAnEmptyDescription) {
  CalendarInfo calendar = info();
  calendar.description.clear();
  EXPECT_EQ(render_ics({}, calendar).find("X-WR-CALDESC"), std::string::npos);
}

TEST(RenderIcs, WritesEveryFieldOfAnEvent) {
  core::Event event = paris_event("uid-1@partner");
  event.description = "Première ligne\nDeuxième";
  event.location = "Salle Pleyel, Paris";
  event.url = "https://example.org/e?id=1";
  event.categories = {"Jazz", "Concert"};
  event.status = core::EventStatus::kTentative;
  event.organizer = "Jeanne Dupont <jeanne@example.org>";
  event.sequence = 3;
  event.last_modified = 1780000000;
  const std::vector<std::string> lines = unfolded_lines(render_ics({merged(event)}, info()));
  EXPECT_THAT(lines, Contains("UID:uid-1@partner"));
  EXPECT_THAT(lines, Contains("DTSTAMP:20260921T141320Z"));
  EXPECT_THAT(lines, Contains("DTSTART;TZID=Europe/Paris:20261019T093000"));
  EXPECT_THAT(lines, Contains("DTEND;TZID=Europe/Paris:20261019T110000"));
  EXPECT_THAT(lines, Contains("SEQUENCE:3"));
  EXPECT_THAT(lines, Contains("SUMMARY:Event uid-1@partner"));
  EXPECT_THAT(lines, Contains("DESCRIPTION:Première ligne\\nDeuxième"));
  EXPECT_THAT(lines, Contains("LOCATION:Salle Pleyel\\, Paris"));
  EXPECT_THAT(lines, Contains("URL:https://example.org/e?id=1"));
  EXPECT_THAT(lines, Contains("CATEGORIES:Jazz,Concert"));
  EXPECT_THAT(lines, Contains("STATUS:TENTATIVE"));
  EXPECT_THAT(lines, Contains("ORGANIZER;CN=Jeanne Dupont:mailto:jeanne@example.org"));
  EXPECT_THAT(lines, Contains("LAST-MODIFIED:20260528T202640Z"));
  EXPECT_THAT(lines, Not(Contains(::testing::StartsWith("RRULE:FREQ=WEEKLY"))));
  EXPECT_THAT(lines, Not(Contains(::testing::StartsWith("RDATE"))));
  EXPECT_THAT(lines, Not(Contains(::testing::StartsWith("EXDATE"))));
}

TEST(RenderIcs, WritesUtcAllDayAndFloatingTimesInTheirOwnForm) {
  core::Event utc =
      make_event("f", "utc", utc_time(at(2026, 10, 19, 7, 30)), utc_time(at(2026, 10, 19, 8, 30)));
  core::Event all_day = make_event("f", "day", day(2026, 10, 19), day(2026, 10, 21));
  core::Event floating = utc;
  floating.uid = "floating";
  floating.start.tzid.clear();
  floating.end.tzid.clear();
  const std::string ics = render_ics({merged(utc), merged(all_day), merged(floating)}, info());
  const std::vector<std::string> lines = unfolded_lines(ics);
  EXPECT_THAT(lines, Contains("DTSTART:20261019T073000Z"));
  EXPECT_THAT(lines, Contains("DTEND:20261019T083000Z"));
  EXPECT_THAT(lines, Contains("DTSTART;VALUE=DATE:20261019"));
  EXPECT_THAT(lines, Contains("DTEND;VALUE=DATE:20261021"));
  EXPECT_THAT(lines, Contains("DTSTART:20261019T073000"));
  EXPECT_EQ(ics.find("BEGIN:VTIMEZONE"), std::string::npos);  // UTC needs none
}

TEST(RenderIcs, LeavesOutAnEndThatIsNotAfterTheStart) {
  core::Event event = paris_event("e");
  event.end = event.start;
  EXPECT_EQ(render_ics({merged(event)}, info()).find("DTEND"), std::string::npos);
}

TEST(RenderIcs, WritesTheSeriesRecurrenceAndOverride) {
  core::Event series = paris_event("series");
  series.rrule = "FREQ=WEEKLY;BYDAY=MO;COUNT=10";
  series.exdates = {timed("Europe/Paris", at(2026, 11, 2, 9, 30)),
                    timed("Europe/Paris", at(2026, 11, 9, 9, 30)),
                    utc_time(at(2026, 11, 16, 8, 30))};
  series.rdates = {timed("America/Montreal", at(2026, 12, 24, 4, 30))};
  core::Event override_event = paris_event("series");
  override_event.recurrence_id = timed("Europe/Paris", at(2026, 10, 26, 9, 30));
  override_event.start = timed("Europe/Paris", at(2026, 10, 26, 10, 0));
  override_event.end = timed("Europe/Paris", at(2026, 10, 26, 12, 0));
  const std::string ics = render_ics({merged(series), merged(override_event)}, info());
  const std::vector<std::string> lines = unfolded_lines(ics);
  EXPECT_THAT(lines, Contains("RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10"));
  EXPECT_THAT(lines, Contains("EXDATE;TZID=Europe/Paris:20261102T093000,20261109T093000"));
  EXPECT_THAT(lines, Contains("EXDATE:20261116T083000Z"));
  EXPECT_THAT(lines, Contains("RDATE;TZID=America/Montreal:20261224T043000"));
  EXPECT_THAT(lines, Contains("RECURRENCE-ID;TZID=Europe/Paris:20261026T093000"));
  EXPECT_EQ(count_lines(ics, "BEGIN:VTIMEZONE"), 2);  // Paris and Montreal (only an RDATE)
  EXPECT_THAT(lines, Contains("TZID:America/Montreal"));
  EXPECT_THAT(lines, Contains("TZID:Europe/Paris"));

  const testing::IcalComponent calendar = parse_ical(ics);
  ASSERT_NE(calendar, nullptr);
  EXPECT_EQ(components(calendar.get(), ICAL_VEVENT_COMPONENT).size(), 2u);
  EXPECT_EQ(components(calendar.get(), ICAL_VTIMEZONE_COMPONENT).size(), 2u);
  EXPECT_EQ(icalcomponent_count_errors(calendar.get()), 0);
}

core::Event new_york_event(const std::string& uid, int year) {
  return make_event("feed", uid, timed("America/New_York", at(year, 6, 1, 10, 0)),
                    timed("America/New_York", at(year, 6, 1, 11, 0)));
}

// New York's rules changed in 2007, so the VTIMEZONE shows which years it covers.
TEST(RenderIcs, DescribesEachZoneFromTheYearBeforeItsFirstUse) {
  const std::vector<std::string> lines =
      unfolded_lines(render_ics({merged(new_york_event("e", 2006))}, info()));
  EXPECT_THAT(lines, Contains("DTSTART:20050403T020000"));
  EXPECT_THAT(lines, Not(Contains("DTSTART:20070311T020000")));
}

TEST(RenderIcs, DescribesTheZoneOfAnUnboundedSeriesTwoYearsFurther) {
  core::Event series = new_york_event("series", 2005);
  series.rrule = "FREQ=WEEKLY";
  const std::vector<std::string> lines =
      unfolded_lines(render_ics({merged(new_york_event("e", 2004)), merged(series)}, info()));
  EXPECT_THAT(lines, Contains("DTSTART:20030406T020000"));
  EXPECT_THAT(lines, Contains("DTSTART:20070311T020000"));
  EXPECT_THAT(lines, Contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"));
}

TEST(RenderIcs, DescribesTheZoneOfASeriesUntilItsUntil) {
  core::Event series = new_york_event("series", 2005);
  series.rrule = "FREQ=MONTHLY;UNTIL=20060101T000000Z";
  EXPECT_THAT(unfolded_lines(render_ics({merged(series)}, info())),
              Not(Contains("DTSTART:20070311T020000")));
  series.rrule = "FREQ=MONTHLY;UNTIL=20080101T000000Z";
  EXPECT_THAT(unfolded_lines(render_ics({merged(series)}, info())),
              Contains("DTSTART:20070311T020000"));
}

TEST(RenderIcs, WritesOnlyHttpUrls) {
  core::Event script = paris_event("script");
  script.url = "javascript:alert(1)";
  core::Event data = paris_event("data");
  data.url = "data:text/html;base64,PHNjcmlwdD4=";
  core::Event web = paris_event("web");
  web.url = "http://example.org/a";
  const std::string ics = render_ics({merged(script), merged(data), merged(web)}, info());
  EXPECT_EQ(count_lines(ics, "URL:http://example.org/a"), 1);
  EXPECT_EQ(ics.find("javascript"), std::string::npos);
  EXPECT_EQ(ics.find("data:"), std::string::npos);
}

TEST(RenderIcs, HostileTextNeverAddsContentLines) {
  const std::vector<std::string> summaries = {
      "X\r\nBEGIN:VEVENT\r\nUID:evil\r\nEND:VEVENT", "a;b,c\\",
      std::string("nul\0in\x01the\x1Fmiddle", 18),   "END:VCALENDAR\nBEGIN:VCALENDAR",
      std::string(5000, 'L') + "\r\nBEGIN:VALARM",
  };
  std::vector<dedup::MergedEvent> events;
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    core::Event event = paris_event("hostile-" + std::to_string(i));
    event.summary = summaries[i];
    event.description = "line 1\r\nATTACH:http://evil\r\n line 3 " + std::string(300, 'd');
    event.location = summaries[i];
    event.categories = {"\r\nBEGIN:VEVENT"};
    event.organizer = "Evil\r\nBEGIN:VEVENT <evil@example.org>";
    events.push_back(merged(event));
  }
  const std::string ics = render_ics(events, info());
  EXPECT_EQ(count_lines(ics, "BEGIN:VEVENT"), static_cast<int>(summaries.size()));
  EXPECT_EQ(count_lines(ics, "END:VCALENDAR"), 1);
  for (const std::string& physical : physical_lines(ics)) {
    EXPECT_LE(physical.size(), 75u);
    EXPECT_EQ(physical.find_first_of("\r\n"), std::string::npos);
  }

  const testing::IcalComponent calendar = parse_ical(ics);
  ASSERT_NE(calendar, nullptr);
  const std::vector<icalcomponent*> vevents = components(calendar.get(), ICAL_VEVENT_COMPONENT);
  ASSERT_EQ(vevents.size(), summaries.size());
  EXPECT_EQ(icalcomponent_count_errors(calendar.get()), 0);
  for (icalcomponent* vevent : vevents) {
    EXPECT_EQ(icalcomponent_get_first_component(vevent, ICAL_ANY_COMPONENT), nullptr);
    EXPECT_EQ(icalcomponent_get_first_property(vevent, ICAL_ATTACH_PROPERTY), nullptr);
  }
  // What a client reads back: line breaks as \n, control characters gone, the rest exact.
  EXPECT_STREQ(icalcomponent_get_summary(vevents[0]), "X\nBEGIN:VEVENT\nUID:evil\nEND:VEVENT");
  EXPECT_STREQ(icalcomponent_get_summary(vevents[1]), "a;b,c\\");
  EXPECT_STREQ(icalcomponent_get_location(vevents[1]), "a;b,c\\");
  EXPECT_STREQ(icalcomponent_get_summary(vevents[2]), "nulinthemiddle");
  EXPECT_STREQ(icalcomponent_get_summary(vevents[3]), "END:VCALENDAR\nBEGIN:VCALENDAR");
  EXPECT_EQ(std::string(icalcomponent_get_summary(vevents[4])),
            std::string(5000, 'L') + "\nBEGIN:VALARM");
}

TEST(RenderIcs, AnRruleCannotAddContentLines) {
  core::Event event = paris_event("e");
  event.rrule = "FREQ=DAILY\r\nBEGIN:VEVENT\nUID:evil";
  const std::string ics = render_ics({merged(event)}, info());
  EXPECT_EQ(count_lines(ics, "BEGIN:VEVENT"), 1);
  EXPECT_EQ(count_lines(ics, "UID:evil"), 0);
}

TEST(RenderIcs, EveryLineEndsWithCrlf) {
  core::Event event = paris_event("e");
  event.description = std::string(500, 'x') + "\n" + "é🎉";
  const std::string ics = render_ics({merged(event)}, info());
  for (std::size_t i = 0; i < ics.size(); ++i) {
    if (ics[i] == '\n') {
      EXPECT_TRUE(i > 0 && ics[i - 1] == '\r') << i;
    }
    if (ics[i] == '\r') {
      EXPECT_TRUE(i + 1 < ics.size() && ics[i + 1] == '\n') << i;
    }
  }
  EXPECT_EQ(ics.substr(ics.size() - 2), "\r\n");
}

TEST(RenderIcs, CategoriesWithCommasRoundTripThroughLibical) {
  core::Event event = paris_event("e");
  event.categories = {"Jazz", "Rock, Pop", "Kids; Family", "Blues", "", "a\\b"};
  const std::string ics = render_ics({merged(event)}, info());
  const testing::IcalComponent calendar = parse_ical(ics);
  ASSERT_NE(calendar, nullptr);
  icalcomponent* vevent = icalcomponent_get_first_component(calendar.get(), ICAL_VEVENT_COMPONENT);
  std::multiset<std::string> read;
  for (icalproperty* p = icalcomponent_get_first_property(vevent, ICAL_CATEGORIES_PROPERTY);
       p != nullptr; p = icalcomponent_get_next_property(vevent, ICAL_CATEGORIES_PROPERTY)) {
    read.insert(icalproperty_get_categories(p));
  }
  EXPECT_EQ(read,
            (std::multiset<std::string>{"Jazz", "Blues", "Rock, Pop", "Kids; Family", "a\\b"}));
  EXPECT_THAT(unfolded_lines(ics), Contains("CATEGORIES:Rock\\, Pop"));
}

TEST(RenderIcs, QuotesTheOrganizerNameAndDropsItsQuotes) {
  core::Event event = paris_event("e");
  event.organizer = "\"Dupont, Jean \"JJ\": Paris\" <mailto:jean@example.org>";
  const std::string ics = render_ics({merged(event)}, info());
  EXPECT_THAT(unfolded_lines(ics),
              Contains("ORGANIZER;CN=\"Dupont, Jean JJ: Paris\":mailto:jean@example.org"));
  const testing::IcalComponent calendar = parse_ical(ics);
  icalcomponent* vevent = icalcomponent_get_first_component(calendar.get(), ICAL_VEVENT_COMPONENT);
  icalproperty* organizer = icalcomponent_get_first_property(vevent, ICAL_ORGANIZER_PROPERTY);
  ASSERT_NE(organizer, nullptr);
  EXPECT_STREQ(icalproperty_get_organizer(organizer), "mailto:jean@example.org");
  icalparameter* cn = icalproperty_get_first_parameter(organizer, ICAL_CN_PARAMETER);
  ASSERT_NE(cn, nullptr);
  EXPECT_STREQ(icalparameter_get_cn(cn), "Dupont, Jean JJ: Paris");
}

TEST(RenderIcs, WritesABareOrganizerAddressAndSkipsANameWithoutOne) {
  core::Event bare = paris_event("bare");
  bare.organizer = "info@example.org";
  core::Event name_only = paris_event("name");
  name_only.organizer = "La Mairie";
  const std::string ics = render_ics({merged(bare), merged(name_only)}, info());
  EXPECT_EQ(count_lines(ics, "ORGANIZER:mailto:info@example.org"), 1);
  EXPECT_EQ(ics.find("La Mairie"), std::string::npos);
}

TEST(RenderIcs, MakesUpAStableUidWhenMissing) {
  core::Event event = paris_event("");
  const std::string first = render_ics({merged(event)}, info());
  EXPECT_EQ(first, render_ics({merged(event)}, info()));
  const std::vector<std::string> lines = unfolded_lines(first);
  const auto uid = std::find_if(lines.begin(), lines.end(),
                                [](const std::string& line) { return line.rfind("UID:", 0) == 0; });
  ASSERT_NE(uid, lines.end());
  EXPECT_THAT(*uid, ::testing::MatchesRegex("UID:[0-9a-f]{16}@concerto"));
}

TEST(RenderIcs, LibicalReadsBackTheTimesWeWrote) {
  core::Event event = paris_event("e");
  const testing::IcalComponent calendar = parse_ical(render_ics({merged(event)}, info()));
  icalcomponent* vevent = icalcomponent_get_first_component(calendar.get(), ICAL_VEVENT_COMPONENT);
  const icaltimetype start = icalcomponent_get_dtstart(vevent);
  EXPECT_EQ(start.hour, 9);
  EXPECT_EQ(start.minute, 30);
  ASSERT_NE(start.zone, nullptr);
  EXPECT_STREQ(icaltimezone_get_tzid(const_cast<icaltimezone*>(start.zone)), "Europe/Paris");
  EXPECT_EQ(icaltime_as_timet_with_zone(start, start.zone), event.start.utc);
}

// --- zone ranges ---------------------------------------------------------------------------------

int observance_count(const std::string& ics) {
  return count_lines(ics, "BEGIN:STANDARD") + count_lines(ics, "BEGIN:DAYLIGHT");
}

// A feed's event in year 1601 once made Paris's VTIMEZONE list every transition from 1900 on.
TEST(RenderIcs, KeepsTheZoneOfAnEventIn1601ToAFewObservances) {
  const core::Event old_event = make_event("feed", "old", timed("Europe/Paris", at(1601, 5, 1, 10)),
                                           timed("Europe/Paris", at(1601, 5, 1, 11)));
  const core::Event event = make_event("feed", "new", timed("Europe/Paris", at(2027, 5, 1, 10)),
                                       timed("Europe/Paris", at(2027, 5, 1, 11)));
  const std::string ics = render_ics({merged(old_event), merged(event)}, info());
  EXPECT_EQ(count_lines(ics, "BEGIN:VTIMEZONE"), 1);
  EXPECT_LT(observance_count(ics), 10);
  EXPECT_GT(observance_count(ics), 0);

  // Both events still read back in Paris; the 2027 one at the right instant.
  const testing::IcalComponent calendar = parse_ical(ics);
  ASSERT_NE(calendar, nullptr);
  const std::vector<icalcomponent*> vevents = components(calendar.get(), ICAL_VEVENT_COMPONENT);
  ASSERT_EQ(vevents.size(), 2u);
  for (icalcomponent* vevent : vevents) {
    const icaltimetype start = icalcomponent_get_dtstart(vevent);
    ASSERT_NE(start.zone, nullptr);
    EXPECT_STREQ(icaltimezone_get_tzid(const_cast<icaltimezone*>(start.zone)), "Europe/Paris");
    if (start.year == 2027) {
      EXPECT_EQ(icaltime_as_timet_with_zone(start, start.zone), event.start.utc);
    }
  }
}

TEST(RenderIcs, DescribesAZoneUsedOnlyBefore1970By1970sOffset) {
  const core::Event old_event = make_event("feed", "old", timed("Europe/Paris", at(1600, 1, 1, 10)),
                                           timed("Europe/Paris", at(1600, 1, 1, 11)));
  const std::vector<std::string> lines = unfolded_lines(render_ics({merged(old_event)}, info()));
  EXPECT_THAT(lines, Contains("TZID:Europe/Paris"));
  EXPECT_THAT(lines, Contains("TZOFFSETTO:+0100"));
  EXPECT_THAT(lines, Contains("DTSTART;TZID=Europe/Paris:16000101T100000"));
}

TEST(RenderIcs, ReadsALowerCaseUntilForTheZoneRange) {
  core::Event series = new_york_event("series", 2005);
  series.rrule = "freq=monthly;until=20080101T000000Z";
  EXPECT_THAT(unfolded_lines(render_ics({merged(series)}, info())),
              Contains("DTSTART:20070311T020000"));
}

// --- out-of-range dates --------------------------------------------------------------------------

// What a parse bug once let through: an all-day end in year 1936790622.
TEST(RenderIcs, LeavesOutAnEventWithADateBeyondYear9999) {
  core::Event broken = make_event("feed", "broken", day(2026, 10, 19), day(2026, 10, 20));
  broken.end.date.year = 1936790622;
  core::Event late = make_event("feed", "late", timed("Europe/Paris", at(2026, 10, 19, 9)),
                                timed("Europe/Paris", at(2026, 10, 19, 10)));
  late.end = timed("Europe/Paris", at(10000, 1, 1, 9));
  const std::string ics =
      render_ics({merged(broken), merged(late), merged(paris_event("fine"))}, info());
  EXPECT_EQ(count_lines(ics, "BEGIN:VEVENT"), 1);
  EXPECT_EQ(ics.find("1936790622"), std::string::npos);
  EXPECT_EQ(ics.find("UID:broken"), std::string::npos);
  EXPECT_EQ(ics.find("UID:late"), std::string::npos);
  EXPECT_NE(ics.find("UID:fine"), std::string::npos);
  EXPECT_NE(parse_ical(ics), nullptr);
}

TEST(RenderIcs, LeavesOutAnEventStartingBeforeYearOne) {
  core::Event broken = make_event("feed", "broken", day(2026, 10, 19), day(2026, 10, 20));
  broken.start.date.year = 0;
  EXPECT_EQ(count_lines(render_ics({merged(broken)}, info()), "BEGIN:VEVENT"), 0);
}

TEST(RenderIcs, DropsOnlyTheExdatesAndRdatesBeyondYear9999) {
  core::Event series = paris_event("series");
  series.rrule = "FREQ=WEEKLY";
  series.exdates = {timed("Europe/Paris", at(2026, 10, 26, 9, 30)), day(2026, 11, 2)};
  series.exdates.back().date.year = 12026;
  series.rdates = {day(2026, 12, 25)};
  series.rdates.back().date.year = 99999;
  const std::vector<std::string> lines = unfolded_lines(render_ics({merged(series)}, info()));
  EXPECT_THAT(lines, Contains("EXDATE;TZID=Europe/Paris:20261026T093000"));
  EXPECT_THAT(lines, Not(Contains(::testing::StartsWith("EXDATE;VALUE=DATE"))));
  EXPECT_THAT(lines, Not(Contains(::testing::StartsWith("RDATE"))));
}

// --- made-up UIDs --------------------------------------------------------------------------------

TEST(RenderIcs, MakesUpTheUidFromTheHashOfFeedStartAndSummary) {
  const core::Event event = paris_event("");
  const std::string expected =
      core::hex64(core::fnv1a64(event.feed_id + "\n" + event.start.key() + "\n" + event.summary));
  EXPECT_THAT(unfolded_lines(render_ics({merged(event)}, info())),
              Contains("UID:" + expected + "@concerto"));
}

TEST(RenderIcs, SaysInTheTitleThatAnEventIsCancelled) {
  core::Event cancelled = make_event("f", "c", day(2027, 4, 2), day(2027, 4, 3));
  cancelled.summary = "Balade urbaine";
  cancelled.status = core::EventStatus::kCancelled;
  core::Event said_so = make_event("f", "s", day(2027, 4, 2), day(2027, 4, 3));
  said_so.summary = "ANNULÉ - Conseil";
  said_so.status = core::EventStatus::kCancelled;
  core::Event confirmed = make_event("f", "k", day(2027, 4, 2), day(2027, 4, 3));
  confirmed.summary = "Forum";
  const std::vector<std::string> lines =
      unfolded_lines(render_ics({merged(cancelled), merged(said_so), merged(confirmed)}, info()));
  EXPECT_THAT(lines, Contains("SUMMARY:Annulé : Balade urbaine"));
  EXPECT_THAT(lines, Contains("SUMMARY:ANNULÉ - Conseil"));  // not twice
  EXPECT_THAT(lines, Contains("SUMMARY:Forum"));
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "STATUS:CANCELLED"), 2);
  CalendarInfo english = info();
  english.cancelled_prefix = "Cancelled: ";
  EXPECT_THAT(unfolded_lines(render_ics({merged(cancelled)}, english)),
              Contains("SUMMARY:Cancelled: Balade urbaine"));
}

}  // namespace
}  // namespace concerto::render
