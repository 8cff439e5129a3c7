#include "parse/ics_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

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

// A VTIMEZONE "Hostile" (lines 3..) with `observances` inside, then an event in it and one in
// UTC.
std::string hostile_zone_calendar(const std::vector<std::string>& observances) {
  std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Hostile\r\n";
  for (const std::string& line : observances) text += line + "\r\n";
  return text +
         "END:VTIMEZONE\r\n"
         "BEGIN:VEVENT\r\nUID:in-zone\r\nDTSTART;TZID=Hostile:20260115T100000\r\nEND:VEVENT\r\n"
         "BEGIN:VEVENT\r\nUID:in-utc\r\nDTSTART:20260115T100000Z\r\nEND:VEVENT\r\n"
         "END:VCALENDAR\r\n";
}

std::vector<std::string> observance(std::vector<std::string> properties,
                                    const std::string& kind = "STANDARD") {
  properties.insert(properties.begin(), "BEGIN:" + kind);
  properties.push_back("END:" + kind);
  return properties;
}

// Regression: libical spent over 20 s and 157 MB building a VTIMEZONE whose observance repeats
// every minute; such zones are now refused before libical sees them.
TEST(IcsReader, RefusesAHostileVtimezoneQuicklyAndReadsTheRestOfTheDocument) {
  std::vector<std::string> many_observances;
  for (int i = 0; i < 401; ++i) {
    for (const std::string& line :
         observance({"DTSTART:19700101T000000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0100"})) {
      many_observances.push_back(line);
    }
  }
  // Yearly, but six rules from 1601 (Outlook writes two) are 3,000 changes for libical.
  std::vector<std::string> many_yearly;
  for (int i = 0; i < 6; ++i) {
    for (const std::string& line :
         observance({"DTSTART:16010101T000000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
                     "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"})) {
      many_yearly.push_back(line);
    }
  }
  std::vector<std::string> many_rdates =
      observance({"DTSTART:19700101T000000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200"});
  std::string rdate_line = "RDATE:19700101T000000";
  for (int year = 1971; year <= 2370; ++year)
    rdate_line += "," + std::to_string(year) + "0101T000000";
  many_rdates.insert(many_rdates.begin() + 4, rdate_line);
  const struct {
    std::vector<std::string> observances;
    int line;  // where the warning points
    std::string_view why;
  } cases[] = {
      {observance({"DTSTART:19700101T000000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
                   "RRULE:FREQ=MINUTELY"}),
       9, "FREQ=YEARLY"},
      {observance({"DTSTART:19700101T000000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
                   "RRULE:FREQ=YEARLY;BYMONTH=3;BYHOUR=0,1,2,3,4,5,6;BYMINUTE=0,1,2,3,4,5"},
                  "DAYLIGHT"),
       9, "BYHOUR"},
      {observance({"DTSTART:19700101T000000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
                   "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}),
       9, "never matches"},
      {many_observances, 3 + 2 + 400 * 5, "more than 400 observances"},
      {many_yearly, 5 + 5 * 6, "more than 3000 changes of offset"},
      {many_rdates, 9, "more than 400 RDATE values"},
      {observance({"DTSTART:19700101T000000", "TZOFFSETFROM:+0100"}), 5, "no TZOFFSETTO"},
      {observance({"DTSTART:19700101T000000", "TZOFFSETTO:+0100"}), 5, "no TZOFFSETFROM"},
      {observance({"DTSTART:19700101T000000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+1900"}), 8,
       "TZOFFSETTO:+1900"},
      {observance({"DTSTART:19700101T000000", "TZOFFSETFROM:0100", "TZOFFSETTO:+0100"}), 7,
       "TZOFFSETFROM:0100"},
      {observance({"TZOFFSETFROM:+0100", "TZOFFSETTO:+0100"}), 5, "no DTSTART"},
  };
  for (const auto& c : cases) {
    const auto started = std::chrono::steady_clock::now();
    const Read r = read(hostile_zone_calendar(c.observances));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1)) << c.why;
    ASSERT_EQ(r.document.events.size(), 2u) << dump(r.problems);
    const core::Event& in_zone = r.document.events[0];
    EXPECT_TRUE(in_zone.start.floating()) << c.why;
    EXPECT_EQ(in_zone.start.local, local(2026, 1, 15, 10));
    EXPECT_EQ(r.document.events[1].start.utc, utc(2026, 1, 15, 10));
    EXPECT_TRUE(has_problem(r.problems, Severity::kWarning, c.line, "VTIMEZONE Hostile is refused"))
        << c.why << "\n"
        << dump(r.problems);
    EXPECT_TRUE(has_problem(r.problems, Severity::kWarning, c.line, c.why)) << c.why << "\n"
                                                                            << dump(r.problems);
  }
}

TEST(IcsReader, AcceptsAVtimezoneWithYearlyObservancesAndOffsetSeconds) {
  std::vector<std::string> lines =
      observance({"DTSTART:19701025T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
                  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"});
  for (const std::string& line :
       observance({"DTSTART:19700329T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+020000",
                   "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"},
                  "DAYLIGHT")) {
    lines.push_back(line);
  }
  const Read r = read(hostile_zone_calendar(lines));
  ASSERT_EQ(r.document.events.size(), 2u) << dump(r.problems);
  EXPECT_EQ(r.document.events[0].start.tzid, "Europe/Paris") << dump(r.problems);
  EXPECT_EQ(r.document.events[0].start.utc, utc(2026, 1, 15, 9));
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

// Regression: DURATION:P9999999W gave an end in year 193,000 (written as
// DTEND;VALUE=DATE:1936790622); an end outside years 1..9999 now falls back to the default.
TEST(IcsReader, ReadsAnEndPastYear9999AsTheDefaultEndWithAWarning) {
  const Read r = read(calendar({
      "BEGIN:VEVENT",
      "UID:weeks",
      "DTSTART;VALUE=DATE:20260720",
      "DURATION:P9999999W",  // 6
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:hours",
      "DTSTART;TZID=Europe/Paris:20260720T100000",
      "DURATION:PT99999999H",  // 11
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:days",
      "DTSTART;TZID=Europe/Paris:20260720T100000",
      "DURATION:P9999999D",  // 16
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:back",
      "DTSTART:20260720T100000",
      "DURATION:-P999999W",  // 21
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:dtend",
      "DTSTART:99991231T100000",
      "DTEND;TZID=America/New_York:99991231T230000",  // 26: the instant is in year 10000
      "END:VEVENT",
  }));
  ASSERT_EQ(r.document.events.size(), 5u) << dump(r.problems);
  const core::Event& weeks = r.document.events[0];
  EXPECT_EQ(weeks.end.date, (core::Date{2026, 7, 21}));
  EXPECT_TRUE(has_problem(r.problems, Severity::kWarning, 6, "DURATION P9999999W ends outside"))
      << dump(r.problems);
  for (std::size_t i : {1, 2}) {
    const core::Event& timed = r.document.events[i];
    EXPECT_EQ(timed.end, timed.start) << timed.uid;
  }
  EXPECT_TRUE(has_problem(r.problems, Severity::kWarning, 11, "PT99999999H ends outside"));
  EXPECT_TRUE(has_problem(r.problems, Severity::kWarning, 16, "P9999999D ends outside"));
  EXPECT_EQ(r.document.events[3].end, r.document.events[3].start);
  EXPECT_TRUE(has_problem(r.problems, Severity::kWarning, 21, "-P999999W ends outside"));
  EXPECT_EQ(r.document.events[4].end, r.document.events[4].start);
  EXPECT_TRUE(
      has_problem(r.problems, Severity::kWarning, 26, "DTEND 99991231T230000 ends outside"));
  for (const core::Event& event : r.document.events) {
    EXPECT_TRUE(event.end.all_day ? core::is_valid(event.end.date)
                                  : core::is_valid(event.end.local))
        << event.uid;
  }
}

TEST(IcsReader, SkipsAnEventInYearZero) {
  const Read r =
      read(calendar({"BEGIN:VEVENT", "UID:zero", "DTSTART;VALUE=DATE:00000101", "END:VEVENT",
                     "BEGIN:VEVENT", "UID:one", "DTSTART;VALUE=DATE:00010101", "END:VEVENT"}));
  ASSERT_EQ(r.document.events.size(), 1u) << dump(r.problems);
  EXPECT_EQ(r.document.events[0].uid, "one");
  EXPECT_TRUE(has_problem(r.problems, Severity::kError, 5, "year 0 does not exist"))
      << dump(r.problems);
}

// Regression: libical ignores BYSETPOS below FREQ=DAILY, so FREQ=HOURLY;BYMINUTE=0;BYSETPOS=5
// repeated every hour instead of never.
TEST(IcsReader, SkipsAnEventWithBysetposBelowDaily) {
  const Read r = read(calendar({"BEGIN:VEVENT", "UID:hourly", "DTSTART:20260115T100000Z",
                                "RRULE:FREQ=HOURLY;BYMINUTE=0;BYSETPOS=5", "END:VEVENT"}));
  EXPECT_TRUE(r.document.events.empty());
  EXPECT_TRUE(
      has_problem(r.problems, Severity::kError, 6, "BYSETPOS is not supported with FREQ=HOURLY"))
      << dump(r.problems);
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

// Regression guard: the made-up UID moved to core::fnv1a64/core::hex64 and must not change,
// or every stored event without a UID would be seen as deleted and added again.
TEST(IcsReader, KeepsTheMadeUpUidFormatWhenTheHashMovedToCore) {
  const Read r = read(
      calendar({"BEGIN:VEVENT", "DTSTART:20260115T100000Z", "SUMMARY:Sans UID", "END:VEVENT"}));
  ASSERT_EQ(r.document.events.size(), 1u);
  EXPECT_EQ(r.document.events[0].uid, "concerto-a1e7435c5ef113be");
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

TEST(IcsReader, ReadsAnHtmlDescriptionAsPlainText) {
  const std::string text =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
      "BEGIN:VEVENT\r\nUID:h@x\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20270105T100000Z\r\n"
      "SUMMARY:Formation\r\nDESCRIPTION:<p>Une journ&eacute;e : <b>cartes</b>.</p><p>Inscription"
      " : <a href=\"https://example.org/f\">ici</a></p>\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:t@x\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20270106T100000Z\r\n"
      "SUMMARY:Maths\r\nDESCRIPTION:si a<b et b>c alors a<c\r\nEND:VEVENT\r\n"
      "END:VCALENDAR\r\n";
  core::Problems problems;
  auto document = read_ics(text, {}, problems);
  ASSERT_TRUE(document) << document.error();
  ASSERT_EQ(document->events.size(), 2u);
  const std::string& html = document->events[0].description;
  EXPECT_EQ(html.find('<'), std::string::npos) << html;
  EXPECT_NE(html.find("Une journ\xC3\xA9"
                      "e : cartes."),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("ici (https://example.org/f)"), std::string::npos) << html;
  EXPECT_EQ(document->events[1].description, "si a<b et b>c alors a<c");
}

}  // namespace
}  // namespace concerto::parse
