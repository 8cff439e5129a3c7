#include "parse/ics_prescan.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace concerto::parse {
namespace {

std::string join(std::initializer_list<std::string_view> lines, std::string_view eol = "\r\n") {
  std::string out;
  for (std::string_view line : lines) {
    out += line;
    out += eol;
  }
  return out;
}

bool has_problem(const core::Problems& problems, core::Severity severity, int line,
                 std::string_view text) {
  for (const core::Problem& problem : problems) {
    if (problem.severity == severity && problem.line == line &&
        problem.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string dump(const core::Problems& problems) {
  std::string out;
  for (const auto& problem : problems) out += describe(problem) + "\n";
  return out;
}

TEST(IcsPrescan, SplitsEventsAndTimezonesWithTheirStartLines) {
  const std::string text = join({
      "BEGIN:VCALENDAR",      // 1
      "VERSION:2.0",          // 2
      "X-WR-CALNAME:Agenda",  // 3
      "BEGIN:VTIMEZONE",      // 4
      "TZID:Europe/Paris",    // 5
      "END:VTIMEZONE",        // 6
      "BEGIN:VEVENT",         // 7
      "UID:a",                // 8
      "BEGIN:VALARM",         // 9
      "ACTION:DISPLAY",       // 10
      "END:VALARM",           // 11
      "END:VEVENT",           // 12
      "BEGIN:VEVENT",         // 13
      "UID:b",                // 14
      "END:VEVENT",           // 15
      "END:VCALENDAR",        // 16
  });
  core::Problems problems;
  auto layout = prescan_ics(text, {}, problems);
  ASSERT_TRUE(layout.ok()) << layout.error();
  ASSERT_EQ(layout->events.size(), 2u);
  EXPECT_EQ(layout->events[0].line, 7);
  EXPECT_EQ(layout->events[0].text,
            "BEGIN:VEVENT\r\nUID:a\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM\r\n"
            "END:VEVENT\r\n");
  EXPECT_EQ(layout->events[1].line, 13);
  ASSERT_EQ(layout->timezones.size(), 1u);
  EXPECT_EQ(layout->timezones[0].line, 4);
  EXPECT_EQ(layout->header, "VERSION:2.0\r\nX-WR-CALNAME:Agenda\r\n");
  EXPECT_EQ(layout->header_line, 2);
  EXPECT_EQ(layout->line_count, 16);
  EXPECT_TRUE(problems.empty()) << dump(problems);
}

TEST(IcsPrescan, ReadsLfAndCrLineEndingsAndFoldedLines) {
  for (std::string_view eol : {"\n", "\r"}) {
    const std::string text =
        join({"BEGIN:VCALENDAR", "BEGIN:VEVENT", "SUMMARY:a long", " summary", "\tfolded twice",
              "END:VEVENT", "BEGIN:VEVENT", "END:VEVENT", "END:VCALENDAR"},
             eol);
    core::Problems problems;
    auto layout = prescan_ics(text, {}, problems);
    ASSERT_TRUE(layout.ok()) << layout.error();
    ASSERT_EQ(layout->events.size(), 2u);
    EXPECT_EQ(layout->events[0].line, 2);
    EXPECT_EQ(layout->events[1].line, 7);
  }
}

TEST(IcsPrescan, ReadsComponentNamesCaseInsensitively) {
  core::Problems problems;
  auto layout = prescan_ics(
      join({"begin:vcalendar", "Begin:VEvent", "end:vevent", "END:vcalendar"}), {}, problems);
  ASSERT_TRUE(layout.ok()) << layout.error();
  EXPECT_EQ(layout->events.size(), 1u);
}

TEST(IcsPrescan, SaysWhetherTheDocumentReachedEndVcalendar) {
  core::Problems problems;
  auto whole = prescan_ics(join({"BEGIN:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT", "END:VCALENDAR"}),
                           {}, problems);
  ASSERT_TRUE(whole.ok()) << whole.error();
  EXPECT_TRUE(whole->complete);
  auto cut = prescan_ics(join({"BEGIN:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT"}), {}, problems);
  ASSERT_TRUE(cut.ok()) << cut.error();
  EXPECT_FALSE(cut->complete);
  EXPECT_EQ(cut->events.size(), 1u);
}

TEST(IcsPrescan, RequiresBeginVcalendar) {
  core::Problems problems;
  auto layout = prescan_ics(join({"BEGIN:VEVENT", "END:VEVENT"}), {}, problems);
  ASSERT_FALSE(layout.ok());
  EXPECT_NE(layout.error().find("BEGIN:VCALENDAR"), std::string::npos) << layout.error();
  EXPECT_FALSE(prescan_ics("", {}, problems).ok());
  EXPECT_FALSE(prescan_ics("<html><body>hello</body></html>", {}, problems).ok());
}

TEST(IcsPrescan, RejectsAFoldedLineLongerThanTheLimitNamingLimitAndLine) {
  core::IngestLimits limits;
  limits.max_line_bytes = 100;
  std::string text = join({"BEGIN:VCALENDAR", "BEGIN:VEVENT"});
  text += "DESCRIPTION:" + std::string(60, 'a') + "\r\n " + std::string(60, 'b') + "\r\n";
  text += join({"END:VEVENT", "END:VCALENDAR"});
  core::Problems problems;
  auto layout = prescan_ics(text, limits, problems);
  ASSERT_FALSE(layout.ok());
  EXPECT_EQ(layout.error(), "line 3: unfolded line is 132 bytes, over limits.max_line_bytes (100)");
}

TEST(IcsPrescan, RejectsAnEightMebibyteSingleLineQuickly) {
  std::string text = join({"BEGIN:VCALENDAR", "BEGIN:VEVENT"});
  text += "DESCRIPTION:" + std::string(8 * 1024 * 1024, 'x') + "\r\n";
  text += join({"END:VEVENT", "END:VCALENDAR"});
  core::Problems problems;
  const auto started = std::chrono::steady_clock::now();
  auto layout = prescan_ics(text, {}, problems);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(layout.ok());
  EXPECT_EQ(layout.error(),
            "line 3: unfolded line is 8388620 bytes, over limits.max_line_bytes (262144)");
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(IcsPrescan, RejectsAnEightMebibyteLineMadeOfFoldsQuickly) {
  std::string text = join({"BEGIN:VCALENDAR", "BEGIN:VEVENT"});
  text += "DESCRIPTION:x";
  for (int i = 0; i < 8 * 1024 * 1024 / 8; ++i) text += "\r\n abcde";
  text += "\r\n";
  text += join({"END:VEVENT", "END:VCALENDAR"});
  core::Problems problems;
  const auto started = std::chrono::steady_clock::now();
  auto layout = prescan_ics(text, {}, problems);
  ASSERT_FALSE(layout.ok());
  EXPECT_NE(layout.error().find("line 3: unfolded line is"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST(IcsPrescan, RejectsFiftyThousandNestedComponentsWithoutCrashing) {
  std::string text = "BEGIN:VCALENDAR\r\n";
  for (int i = 0; i < 50000; ++i) text += "BEGIN:X\r\n";
  for (int i = 0; i < 50000; ++i) text += "END:X\r\n";
  text += "END:VCALENDAR\r\n";
  core::Problems problems;
  auto layout = prescan_ics(text, {}, problems);
  ASSERT_FALSE(layout.ok());
  EXPECT_EQ(layout.error(), "line 17: components nested 17 deep, over limits.max_depth (16)");
}

TEST(IcsPrescan, RejectsMoreEventsThanTheLimit) {
  core::IngestLimits limits;
  limits.max_events = 2;
  std::string text = "BEGIN:VCALENDAR\r\n";
  for (int i = 0; i < 3; ++i) text += "BEGIN:VEVENT\r\nEND:VEVENT\r\n";
  text += "END:VCALENDAR\r\n";
  core::Problems problems;
  auto layout = prescan_ics(text, limits, problems);
  ASSERT_FALSE(layout.ok());
  EXPECT_EQ(layout.error(), "line 6: more than limits.max_events (2) events");
}

TEST(IcsPrescan, RejectsADocumentOverMaxBytes) {
  core::IngestLimits limits;
  limits.max_bytes = 10;
  core::Problems problems;
  auto layout = prescan_ics("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", limits, problems);
  ASSERT_FALSE(layout.ok());
  EXPECT_NE(layout.error().find("limits.max_bytes (10)"), std::string::npos);
}

TEST(IcsPrescan, SkipsAnEventWithoutEndAndKeepsTheRest) {
  const std::string text = join({
      "BEGIN:VCALENDAR",  // 1
      "BEGIN:VEVENT",     // 2
      "UID:good-1",       // 3
      "END:VEVENT",       // 4
      "BEGIN:VEVENT",     // 5
      "UID:broken",       // 6
      "BEGIN:VEVENT",     // 7
      "UID:good-2",       // 8
      "END:VEVENT",       // 9
      "END:VCALENDAR",    // 10
  });
  core::Problems problems;
  auto layout = prescan_ics(text, {}, problems);
  ASSERT_TRUE(layout.ok()) << layout.error();
  ASSERT_EQ(layout->events.size(), 2u);
  EXPECT_EQ(layout->events[0].line, 2);
  EXPECT_EQ(layout->events[1].line, 7);
  EXPECT_TRUE(has_problem(problems, core::Severity::kError, 5, "no END:VEVENT")) << dump(problems);
}

TEST(IcsPrescan, SkipsAnEventWhoseAlarmIsNotClosed) {
  const std::string text = join({"BEGIN:VCALENDAR", "BEGIN:VEVENT", "BEGIN:VALARM", "END:VEVENT",
                                 "BEGIN:VEVENT", "UID:ok", "END:VEVENT", "END:VCALENDAR"});
  core::Problems problems;
  auto layout = prescan_ics(text, {}, problems);
  ASSERT_TRUE(layout.ok()) << layout.error();
  ASSERT_EQ(layout->events.size(), 1u);
  EXPECT_EQ(layout->events[0].line, 5);
  EXPECT_TRUE(has_problem(problems, core::Severity::kError, 3, "BEGIN:VALARM has no END:VALARM"))
      << dump(problems);
}

TEST(IcsPrescan, SkipsAnEventWithAStrayEnd) {
  const std::string text = join({"BEGIN:VCALENDAR", "BEGIN:VEVENT", "END:VTODO", "END:VEVENT",
                                 "BEGIN:VEVENT", "END:VEVENT", "END:VCALENDAR"});
  core::Problems problems;
  auto layout = prescan_ics(text, {}, problems);
  ASSERT_TRUE(layout.ok()) << layout.error();
  ASSERT_EQ(layout->events.size(), 1u);
  EXPECT_TRUE(has_problem(problems, core::Severity::kError, 3, "END:VTODO without a BEGIN"))
      << dump(problems);
}

TEST(IcsPrescan, ReportsAnEventCutByTheEndOfTheDocument) {
  core::Problems problems;
  auto layout =
      prescan_ics(join({"BEGIN:VCALENDAR", "BEGIN:VEVENT", "BEGIN:VEVENT", "UID:x"}), {}, problems);
  ASSERT_TRUE(layout.ok()) << layout.error();
  EXPECT_TRUE(layout->events.empty());
  EXPECT_TRUE(has_problem(problems, core::Severity::kError, 2, "before BEGIN:VEVENT on line 3"));
  EXPECT_TRUE(has_problem(problems, core::Severity::kError, 3, "before the end of the document"));
  EXPECT_TRUE(has_problem(problems, core::Severity::kWarning, 1, "no END:VCALENDAR"));
}

TEST(IcsPrescan, CountsValuesAcrossPropertyLinesAndSkipsAnEventOverTheLimit) {
  core::IngestLimits limits;
  limits.max_values_per_property = 4;
  const std::string text = join({
      "BEGIN:VCALENDAR",                           // 1
      "BEGIN:VEVENT",                              // 2
      "UID:at-limit",                              // 3
      "EXDATE:20260101T100000Z,20260102T100000Z",  // 4
      "EXDATE:20260103T100000Z,20260104T100000Z",  // 5
      "CATEGORIES:A\\,B,C,D,E",                    // 6: 4 values, the comma is escaped
      "END:VEVENT",                                // 7
      "BEGIN:VEVENT",                              // 8
      "UID:over",                                  // 9
      "RDATE:20260101T100000Z,20260102T100000Z,",  // 10
      " 20260103T100000Z",                         // 11
      "RDATE:20260104T100000Z,20260105T100000Z",   // 12
      "END:VEVENT",                                // 13
      "END:VCALENDAR",                             // 14
  });
  core::Problems problems;
  auto layout = prescan_ics(text, limits, problems);
  ASSERT_TRUE(layout.ok()) << layout.error();
  ASSERT_EQ(layout->events.size(), 1u);
  EXPECT_EQ(layout->events[0].line, 2);
  EXPECT_TRUE(has_problem(problems, core::Severity::kError, 12,
                          "RDATE has more than limits.max_values_per_property (4) values; the "
                          "VEVENT on line 8 is skipped"))
      << dump(problems);
}

TEST(IcsPrescan, ReportsIgnoredComponentsOnce) {
  const std::string text = join({"BEGIN:VCALENDAR", "BEGIN:VTODO", "END:VTODO", "BEGIN:VTODO",
                                 "END:VTODO", "BEGIN:VJOURNAL", "END:VJOURNAL", "END:VCALENDAR"});
  core::Problems problems;
  auto layout = prescan_ics(text, {}, problems);
  ASSERT_TRUE(layout.ok()) << layout.error();
  EXPECT_TRUE(layout->events.empty());
  EXPECT_EQ(problems.size(), 2u) << dump(problems);
  EXPECT_TRUE(has_problem(problems, core::Severity::kWarning, 2, "2 VTODO component(s) ignored"));
}

TEST(IcsPrescan, ToleratesBlankLinesAndTrailingContent) {
  const std::string text =
      join({"", "BEGIN:VCALENDAR", "", "BEGIN:VEVENT", "END:VEVENT", "END:VCALENDAR", "junk"});
  core::Problems problems;
  auto layout = prescan_ics(text, {}, problems);
  ASSERT_TRUE(layout.ok()) << layout.error();
  EXPECT_EQ(layout->events.size(), 1u);
  EXPECT_EQ(layout->events[0].line, 4);
  EXPECT_TRUE(has_problem(problems, core::Severity::kWarning, 7, "after END:VCALENDAR"));
}

}  // namespace
}  // namespace concerto::parse
