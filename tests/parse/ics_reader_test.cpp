#include "parse/ics_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace concerto::parse {
namespace {

using core::Severity;

// A VCALENDAR around `body` lines; line 1 is BEGIN:VCALENDAR, line 2 VERSION, body from line 3.
std::string calendar(std::initializer_list<std::string_view> body) {
  std::string out = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n";
  for (std::string_view line : body) {
    out += line;
    out += "\r\n";
  }
  return out + "END:VCALENDAR\r\n";
}

std::string dump(const core::Problems& problems) {
  std::string out;
  for (const auto& problem : problems) out += describe(problem) + "\n";
  return out;
}

bool has_problem(const core::Problems& problems, Severity severity, int line,
                 std::string_view text) {
  for (const core::Problem& problem : problems) {
    if (problem.severity == severity && problem.line == line &&
        problem.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

struct Read {
  IcsDocument document;
  core::Problems problems;
};

Read read(const std::string& text, const core::IngestLimits& limits = {}) {
  Read result;
  auto document = read_ics(text, limits, result.problems);
  EXPECT_TRUE(document.ok()) << (document.ok() ? "" : document.error());
  if (document.ok()) result.document = std::move(*document);
  return result;
}

std::int64_t utc(int year, int month, int day, int hour, int minute = 0) {
  return core::seconds_from_civil({{year, month, day}, hour, minute, 0});
}

core::LocalDateTime local(int year, int month, int day, int hour, int minute = 0) {
  return {{year, month, day}, hour, minute, 0};
}

TEST(IcsReader, ReadsEveryField) {
  const Read r = read(calendar({
      "BEGIN:VEVENT",                                             // 3
      "UID:forum-2026@example.org",                               // 4
      "DTSTAMP:20260101T000000Z",                                 // 5
      "SUMMARY:Forum citoyen\\, édition 2026",                    // 6
      "DESCRIPTION:Ligne 1\\nLigne 2\\; suite\\\\fin",            // 7
      "LOCATION:Salle des fêtes\\, Lyon",                         // 8
      "URL:https://example.org/forum",                            // 9
      "CATEGORIES:Démocratie,Atelier\\, débat",                   // 10
      "CATEGORIES:Forum",                                         // 11
      "STATUS:TENTATIVE",                                         // 12
      "ORGANIZER;CN=\"Dupont, Marie\":mailto:marie@example.org",  // 13
      "DTSTART;TZID=Europe/Paris:20260615T100000",                // 14
      "DTEND;TZID=Europe/Paris:20260615T123000",                  // 15
      "LAST-MODIFIED:20260102T030405Z",                           // 16
      "SEQUENCE:3",                                               // 17
      "END:VEVENT",                                               // 18
  }));
  ASSERT_EQ(r.document.events.size(), 1u) << dump(r.problems);
  EXPECT_TRUE(r.problems.empty()) << dump(r.problems);
  const core::Event& e = r.document.events[0];
  EXPECT_EQ(e.uid, "forum-2026@example.org");
  EXPECT_FALSE(e.recurrence_id);
  EXPECT_EQ(e.summary, "Forum citoyen, édition 2026");
  EXPECT_EQ(e.description, "Ligne 1\nLigne 2; suite\\fin");
  EXPECT_EQ(e.location, "Salle des fêtes, Lyon");
  EXPECT_EQ(e.url, "https://example.org/forum");
  EXPECT_EQ(e.categories, (std::vector<std::string>{"Démocratie", "Atelier, débat", "Forum"}));
  EXPECT_EQ(e.status, core::EventStatus::kTentative);
  EXPECT_EQ(e.organizer, "Dupont, Marie <marie@example.org>");
  EXPECT_FALSE(e.start.all_day);
  EXPECT_EQ(e.start.tzid, "Europe/Paris");
  EXPECT_EQ(e.start.local, local(2026, 6, 15, 10));
  EXPECT_EQ(e.start.utc, utc(2026, 6, 15, 8));
  EXPECT_EQ(e.end.local, local(2026, 6, 15, 12, 30));
  EXPECT_EQ(e.end.utc, utc(2026, 6, 15, 10, 30));
  EXPECT_EQ(e.last_modified, core::seconds_from_civil({{2026, 1, 2}, 3, 4, 5}));
  EXPECT_EQ(e.sequence, 3);
  EXPECT_EQ(e.source_line, 3);
}

TEST(IcsReader, KeepsAnOrganizerWithoutNameAsTheAddress) {
  const Read r = read(calendar({"BEGIN:VEVENT", "UID:a", "DTSTART:20260615T100000Z",
                                "ORGANIZER:MAILTO:contact@example.org", "END:VEVENT"}));
  ASSERT_EQ(r.document.events.size(), 1u);
  EXPECT_EQ(r.document.events[0].organizer, "contact@example.org");
}

TEST(IcsReader, KeepsRecurrenceIdOverrideAsItsOwnEvent) {
  const Read r = read(calendar({
      "BEGIN:VEVENT",
      "UID:series",
      "DTSTART;TZID=Europe/Paris:20260105T180000",
      "DTEND;TZID=Europe/Paris:20260105T190000",
      "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10",
      "EXDATE;TZID=Europe/Paris:20260112T180000,20260119T180000",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:series",
      "RECURRENCE-ID;TZID=Europe/Paris:20260126T180000",
      "DTSTART;TZID=Europe/Paris:20260126T190000",
      "DTEND;TZID=Europe/Paris:20260126T200000",
      "SUMMARY:Moved",
      "END:VEVENT",
  }));
  ASSERT_EQ(r.document.events.size(), 2u) << dump(r.problems);
  const core::Event& series = r.document.events[0];
  EXPECT_EQ(series.rrule, "FREQ=WEEKLY;BYDAY=MO;COUNT=10");
  ASSERT_EQ(series.exdates.size(), 2u);
  EXPECT_EQ(series.exdates[1].utc, utc(2026, 1, 19, 17));
  EXPECT_TRUE(series.recurring());
  const core::Event& moved = r.document.events[1];
  EXPECT_EQ(moved.uid, "series");
  ASSERT_TRUE(moved.recurrence_id);
  EXPECT_EQ(moved.recurrence_id->tzid, "Europe/Paris");
  EXPECT_EQ(moved.recurrence_id->utc, utc(2026, 1, 26, 17));
  EXPECT_EQ(moved.start.utc, utc(2026, 1, 26, 18));
  EXPECT_EQ(moved.summary, "Moved");
}

TEST(IcsReader, ReadsAWallTimeInTheSpringGapWithTheOffsetBeforeTheGap) {
  const Read r = read(calendar(
      {"BEGIN:VEVENT", "UID:gap", "DTSTART;TZID=Europe/Paris:20260329T023000", "END:VEVENT"}));
  ASSERT_EQ(r.document.events.size(), 1u);
  EXPECT_EQ(r.document.events[0].start.utc, 1774747800);  // 2026-03-29T01:30:00Z
  EXPECT_EQ(r.document.events[0].start.local, local(2026, 3, 29, 2, 30));
}

TEST(IcsReader, ReadsARepeatedAutumnWallTimeAsItsFirstOccurrence) {
  const Read r = read(calendar(
      {"BEGIN:VEVENT", "UID:fold", "DTSTART;TZID=Europe/Paris:20261025T023000", "END:VEVENT"}));
  ASSERT_EQ(r.document.events.size(), 1u);
  EXPECT_EQ(r.document.events[0].start.utc, 1792888200);  // 2026-10-25T00:30:00Z
}

TEST(IcsReader, MapsWindowsAndMozillaTzidsToOlsonZones) {
  const Read r = read(calendar({
      "BEGIN:VEVENT",
      "UID:w",
      "DTSTART;TZID=Romance Standard Time:20260115T100000",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:m",
      "DTSTART;TZID=/mozilla.org/20050126_1/Europe/Paris:20260115T100000",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:q",
      "DTSTART;TZID=\"America/Montreal\":20260115T100000",
      "END:VEVENT",
  }));
  ASSERT_EQ(r.document.events.size(), 3u) << dump(r.problems);
  EXPECT_EQ(r.document.events[0].start.tzid, "Europe/Paris");
  EXPECT_EQ(r.document.events[0].start.utc, utc(2026, 1, 15, 9));
  EXPECT_EQ(r.document.events[1].start.tzid, "Europe/Paris");
  EXPECT_EQ(r.document.events[1].start.utc, utc(2026, 1, 15, 9));
  EXPECT_EQ(r.document.events[2].start.tzid, "America/Montreal");
  EXPECT_EQ(r.document.events[2].start.utc, utc(2026, 1, 15, 15));
  EXPECT_TRUE(r.problems.empty()) << dump(r.problems);
}

constexpr std::string_view kOutlookZone[] = {
    "BEGIN:VTIMEZONE",
    "TZID:(UTC+01:00) Brussels\\, Copenhagen\\, Madrid\\, Paris",
    "BEGIN:STANDARD",
    "DTSTART:16010101T030000",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:16010101T020000",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
};

TEST(IcsReader, MatchesAnOutlookVtimezoneToEuropeParis) {
  std::string text = "BEGIN:VCALENDAR\r\n";
  for (std::string_view line : kOutlookZone) text += std::string(line) + "\r\n";
  text +=
      "BEGIN:VEVENT\r\nUID:o\r\n"
      "DTSTART;TZID=\"(UTC+01:00) Brussels, Copenhagen, Madrid, Paris\":20260701T090000\r\n"
      "END:VEVENT\r\nEND:VCALENDAR\r\n";
  // libical reads the TZID property unescaped; the parameter was never escaped.
  const Read r = read(text);
  ASSERT_EQ(r.document.events.size(), 1u) << dump(r.problems);
  const core::EventTime& start = r.document.events[0].start;
  EXPECT_EQ(start.tzid, "Europe/Paris") << dump(r.problems);
  EXPECT_EQ(start.local, local(2026, 7, 1, 9));
  EXPECT_EQ(start.utc, utc(2026, 7, 1, 7));
}

TEST(IcsReader, ConvertsTimesOfAnUnmatchedVtimezoneToUtcWithAWarning) {
  const Read r = read(calendar({
      "BEGIN:VTIMEZONE",
      "TZID:Odd",
      "BEGIN:STANDARD",
      "DTSTART:19700101T000000",
      "TZOFFSETFROM:+0117",
      "TZOFFSETTO:+0117",
      "END:STANDARD",
      "END:VTIMEZONE",  // 3-10
      "BEGIN:VEVENT",
      "UID:odd",
      "DTSTART;TZID=Odd:20260115T101700",  // 11-13
      "DURATION:PT1H",
      "END:VEVENT",
  }));
  ASSERT_EQ(r.document.events.size(), 1u) << dump(r.problems);
  const core::Event& e = r.document.events[0];
  EXPECT_EQ(e.start.tzid, "UTC");
  EXPECT_EQ(e.start.utc, utc(2026, 1, 15, 9));
  EXPECT_EQ(e.start.local, local(2026, 1, 15, 9));
  EXPECT_EQ(e.end.utc, utc(2026, 1, 15, 10));
  EXPECT_EQ(e.end.local, local(2026, 1, 15, 10));
  EXPECT_TRUE(has_problem(r.problems, Severity::kWarning, 13, "matches no known zone"))
      << dump(r.problems);
}

TEST(IcsReader, ReadsAnUnknownTzidWithoutVtimezoneAsFloatingWithAWarning) {
  const Read r = read(calendar(
      {"BEGIN:VEVENT", "UID:x", "DTSTART;TZID=Mars/Olympus:20260115T100000", "END:VEVENT"}));
  ASSERT_EQ(r.document.events.size(), 1u);
  EXPECT_TRUE(r.document.events[0].start.floating());
  EXPECT_EQ(r.document.events[0].start.local, local(2026, 1, 15, 10));
  EXPECT_TRUE(has_problem(r.problems, Severity::kWarning, 5, "Mars/Olympus")) << dump(r.problems);
}

TEST(IcsReader, ReadsFloatingAndUtcTimes) {
  const Read r = read(
      calendar({"BEGIN:VEVENT", "UID:f", "DTSTART:20260115T100000", "DTEND:20260115T113000",
                "END:VEVENT", "BEGIN:VEVENT", "UID:u", "DTSTART:20260115T100000Z", "END:VEVENT"}));
  ASSERT_EQ(r.document.events.size(), 2u);
  const core::Event& floating = r.document.events[0];
  EXPECT_TRUE(floating.start.floating());
  EXPECT_EQ(floating.start.utc, 0);
  EXPECT_EQ(floating.end.local, local(2026, 1, 15, 11, 30));
  const core::Event& in_utc = r.document.events[1];
  EXPECT_EQ(in_utc.start.tzid, "UTC");
  EXPECT_EQ(in_utc.start.local, local(2026, 1, 15, 10));
  EXPECT_EQ(in_utc.start.utc, utc(2026, 1, 15, 10));
  EXPECT_EQ(in_utc.end, in_utc.start);  // a date-time without DTEND takes no time
}

TEST(IcsReader, ReadsAllDayEventsWithAndWithoutValueDate) {
  const Read r = read(calendar({
      "BEGIN:VEVENT",
      "UID:a",
      "DTSTART;VALUE=DATE:20260720",
      "DTEND;VALUE=DATE:20260723",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:b",
      "DTSTART:20260801",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:c",
      "DTSTART;VALUE=DATE:20260228",
      "DURATION:P2D",
      "END:VEVENT",
  }));
  ASSERT_EQ(r.document.events.size(), 3u) << dump(r.problems);
  const auto& a = r.document.events[0];
  EXPECT_TRUE(a.start.all_day);
  EXPECT_EQ(a.start.date, (core::Date{2026, 7, 20}));
  EXPECT_EQ(a.end.date, (core::Date{2026, 7, 23}));
  EXPECT_TRUE(a.start.tzid.empty());
  const auto& b = r.document.events[1];
  EXPECT_TRUE(b.start.all_day);
  EXPECT_EQ(b.end.date, (core::Date{2026, 8, 2}));  // one day by default
  EXPECT_EQ(r.document.events[2].end.date, (core::Date{2026, 3, 2}));
}

TEST(IcsReader, AddsDurationDaysAsWallDaysAndHoursAsElapsedTime) {
  const Read r = read(calendar({
      "BEGIN:VEVENT",
      "UID:d",
      "DTSTART;TZID=Europe/Paris:20260328T100000",
      "DURATION:P1D",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:h",
      "DTSTART;TZID=Europe/Paris:20260328T100000",
      "DURATION:PT24H",
      "END:VEVENT",
  }));
  ASSERT_EQ(r.document.events.size(), 2u) << dump(r.problems);
  EXPECT_EQ(r.document.events[0].end.local, local(2026, 3, 29, 10));
  EXPECT_EQ(r.document.events[0].end.utc, utc(2026, 3, 29, 8));
  EXPECT_EQ(r.document.events[1].end.local, local(2026, 3, 29, 11));
  EXPECT_EQ(r.document.events[1].end.utc, utc(2026, 3, 29, 9));
}

TEST(IcsReader, KeepsAnEventEndingBeforeItStartsWithAWarning) {
  const Read r = read(calendar({"BEGIN:VEVENT", "UID:b", "DTSTART:20260115T100000Z",
                                "DTEND:20260115T090000Z", "END:VEVENT"}));
  ASSERT_EQ(r.document.events.size(), 1u);
  EXPECT_TRUE(has_problem(r.problems, Severity::kWarning, 6, "before DTSTART")) << dump(r.problems);
}

TEST(IcsReader, SkipsImpossibleDatesNamingPropertyValueAndLine) {
  const Read r = read(calendar({
      "BEGIN:VEVENT",
      "UID:feb30",
      "DTSTART;TZID=Europe/Paris:20260230T100000",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:m13",
      "DTSTART:20261301",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:h25",
      "DTSTART:20260115T100000Z",
      "DTEND:20260115T250000Z",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:x",
      "DTSTART:20260115T100000Z",
      "EXDATE:20260229T100000Z",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:garbage",
      "DTSTART:tomorrow",
      "END:VEVENT",
  }));
  EXPECT_TRUE(r.document.events.empty());
  EXPECT_TRUE(has_problem(r.problems, Severity::kError, 5,
                          "DTSTART 20260230T100000: February 30 does not exist"))
      << dump(r.problems);
  EXPECT_TRUE(has_problem(r.problems, Severity::kError, 9, "DTSTART 20261301: month 13"));
  EXPECT_TRUE(has_problem(r.problems, Severity::kError, 14, "DTEND 20260115T250000Z: hour 25"));
  EXPECT_TRUE(has_problem(r.problems, Severity::kError, 19,
                          "EXDATE 20260229T100000Z: February 29 does not exist in 2026"));
  EXPECT_TRUE(has_problem(r.problems, Severity::kError, 23, "DTSTART tomorrow"));
  ASSERT_FALSE(r.problems.empty());
  EXPECT_EQ(r.problems[0].uid, "feb30");
}

TEST(IcsReader, SkipsAnEventWithoutDtstart) {
  const Read r = read(calendar({"BEGIN:VEVENT", "UID:nostart", "SUMMARY:x", "END:VEVENT"}));
  EXPECT_TRUE(r.document.events.empty());
  EXPECT_TRUE(has_problem(r.problems, Severity::kError, 3, "DTSTART is missing"));
}

TEST(IcsReader, KeepsBothGoodEventsAroundABadOne) {
  const Read r = read(calendar({
      "BEGIN:VEVENT",
      "UID:good-1",
      "DTSTART:20260115T100000Z",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:bad",
      "DTSTART:20260132T100000Z",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:good-2",
      "DTSTART:20260116T100000Z",
      "END:VEVENT",
  }));
  ASSERT_EQ(r.document.events.size(), 2u);
  EXPECT_EQ(r.document.events[0].uid, "good-1");
  EXPECT_EQ(r.document.events[1].uid, "good-2");
  EXPECT_EQ(r.document.events[1].source_line, 11);
}

TEST(IcsReader, RefusesNeverMatchingRrulesQuickly) {
  const auto started = std::chrono::steady_clock::now();
  const Read r = read(calendar({
      "BEGIN:VEVENT",
      "UID:feb30",
      "DTSTART:20260101T100000Z",
      "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
      "END:VEVENT",  // 3-7
      "BEGIN:VEVENT",
      "UID:apr31",
      "DTSTART:20260101T100000Z",
      "RRULE:FREQ=YEARLY;BYMONTHDAY=31;BYMONTH=4,6,9,11",
      "END:VEVENT",  // 8-12
      "BEGIN:VEVENT",
      "UID:d32",
      "DTSTART:20260101T100000Z",
      "RRULE:FREQ=MONTHLY;BYMONTHDAY=32",
      "END:VEVENT",  // 13-17
      "BEGIN:VEVENT",
      "UID:pos",
      "DTSTART:20260105T100000Z",
      "RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6",
      "END:VEVENT",  // 18-22
      "BEGIN:VEVENT",
      "UID:unknown",
      "DTSTART:20260105T100000Z",
      "RRULE:FREQ=DAILY;FOO=1",
      "END:VEVENT",  // 23-27
      "BEGIN:VEVENT",
      "UID:implicit",
      "DTSTART:20260131T100000Z",
      "RRULE:FREQ=YEARLY;BYMONTH=4",
      "END:VEVENT",  // 28-32
      "BEGIN:VEVENT",
      "UID:fine",
      "DTSTART:20260131T100000Z",
      "RRULE:FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=999999999",
      "END:VEVENT",
  }));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  ASSERT_EQ(r.document.events.size(), 1u) << dump(r.problems);
  EXPECT_EQ(r.document.events[0].uid, "fine");
  EXPECT_TRUE(
      has_problem(r.problems, Severity::kError, 6, "RRULE FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"));
  EXPECT_TRUE(has_problem(r.problems, Severity::kError, 11, "never matches"));
  EXPECT_TRUE(has_problem(r.problems, Severity::kError, 16, "BYMONTHDAY=32"));
  EXPECT_TRUE(has_problem(r.problems, Severity::kError, 21, "BYSETPOS"));
  EXPECT_TRUE(has_problem(r.problems, Severity::kError, 26, "FOO is unknown"));
  EXPECT_TRUE(has_problem(r.problems, Severity::kError, 31, "never matches"));
}

TEST(IcsReader, KeepsSixHundredExdates) {
  std::string exdates = "EXDATE:";
  for (int i = 0; i < 600; ++i) {
    if (i > 0) exdates += ",";
    exdates +=
        core::format_ics_local(core::civil_from_seconds(utc(2026, 1, 1, 10) + i * 86400LL)) + "Z";
  }
  const Read r = read(calendar({"BEGIN:VEVENT", "UID:many", "DTSTART:20260101T100000Z",
                                "RRULE:FREQ=DAILY", exdates, "END:VEVENT"}));
  ASSERT_EQ(r.document.events.size(), 1u) << dump(r.problems);
  const auto& exdate_list = r.document.events[0].exdates;
  ASSERT_EQ(exdate_list.size(), 600u);
  EXPECT_EQ(exdate_list.back().utc, utc(2026, 1, 1, 10) + 599 * 86400LL);
}

TEST(IcsReader, ReadsRdatesAsDatesDateTimesAndPeriodStarts) {
  const Read r = read(calendar({
      "BEGIN:VEVENT",
      "UID:r",
      "DTSTART;TZID=Europe/Paris:20260105T100000",
      "RDATE;TZID=Europe/Paris:20260110T100000,20260111T100000",
      "RDATE;VALUE=PERIOD:20260112T090000Z/20260112T100000Z,20260113T090000Z/PT1H",
      "END:VEVENT",
  }));
  ASSERT_EQ(r.document.events.size(), 1u) << dump(r.problems);
  const auto& rdates = r.document.events[0].rdates;
  ASSERT_EQ(rdates.size(), 4u);
  EXPECT_EQ(rdates[0].utc, utc(2026, 1, 10, 9));
  EXPECT_EQ(rdates[2].utc, utc(2026, 1, 12, 9));
  EXPECT_EQ(rdates[3].tzid, "UTC");
  EXPECT_TRUE(r.document.events[0].recurring());
}

TEST(IcsReader, GeneratesAStableUidWhenMissing) {
  const std::string text =
      calendar({"BEGIN:VEVENT", "DTSTART:20260115T100000Z", "SUMMARY:Sans UID", "END:VEVENT"});
  const Read first = read(text);
  const Read second = read(text);
  ASSERT_EQ(first.document.events.size(), 1u);
  EXPECT_FALSE(first.document.events[0].uid.empty());
  EXPECT_EQ(first.document.events[0].uid, second.document.events[0].uid);
  EXPECT_TRUE(has_problem(first.problems, Severity::kWarning, 3, "UID is missing"));
}

TEST(IcsReader, ReadsCalendarNameTimezoneAndRefreshInterval) {
  const Read r = read(calendar({"X-WR-CALNAME:Agenda des forums", "X-WR-TIMEZONE:Europe/Paris",
                                "REFRESH-INTERVAL;VALUE=DURATION:PT2H", "X-PUBLISHED-TTL:PT1H"}));
  EXPECT_EQ(r.document.calendar_name, "Agenda des forums");
  EXPECT_EQ(r.document.default_tzid, "Europe/Paris");
  EXPECT_EQ(r.document.refresh_seconds, 7200);
  const Read ttl = read(calendar({"X-PUBLISHED-TTL:PT1H"}));
  EXPECT_EQ(ttl.document.refresh_seconds, 3600);
}

TEST(IcsReader, IgnoresTodosAndAlarmProperties) {
  const Read r = read(calendar({
      "BEGIN:VTODO",
      "UID:t",
      "END:VTODO",
      "BEGIN:VEVENT",
      "UID:e",
      "DTSTART:20260115T100000Z",
      "BEGIN:VALARM",
      "TRIGGER:-PT15M",
      "DESCRIPTION:Rappel",
      "ACTION:DISPLAY",
      "END:VALARM",
      "END:VEVENT",
  }));
  ASSERT_EQ(r.document.events.size(), 1u);
  EXPECT_EQ(r.document.events[0].description, "");
}

TEST(IcsReader, ReadsFoldedMultibyteTextAndCrOnlyLineEndings) {
  std::string text = calendar({"BEGIN:VEVENT", "UID:fold", "DTSTART:20260115T100000Z",
                               "SUMMARY:Réunion publique sur l'aménagement du quartier de la ",
                               " Croix-Rousse", "END:VEVENT"});
  for (std::size_t at = text.find("\r\n"); at != std::string::npos; at = text.find("\r\n", at)) {
    text.erase(at + 1, 1);
  }
  const Read r = read(text);
  ASSERT_EQ(r.document.events.size(), 1u) << dump(r.problems);
  EXPECT_EQ(r.document.events[0].summary,
            "Réunion publique sur l'aménagement du quartier de la Croix-Rousse");
}

TEST(IcsReader, FailsOnlyWhenTheDocumentIsUnusable) {
  core::Problems problems;
  EXPECT_FALSE(read_ics("hello", {}, problems).ok());
  auto empty = read_ics("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", {}, problems);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->events.empty());
}

}  // namespace
}  // namespace concerto::parse
