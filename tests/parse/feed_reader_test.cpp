#include "parse/feed_reader.h"

#include <gtest/gtest.h>

namespace concerto::parse {
namespace {

constexpr std::string_view kIcs =
    "BEGIN:VCALENDAR\r\nX-WR-CALNAME:Forums\r\nX-WR-TIMEZONE:Europe/Paris\r\n"
    "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260115T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

TEST(FeedReader, DetectsEachFormatFromTheContent) {
  EXPECT_EQ(detect_format(kIcs), "ics");
  EXPECT_EQ(detect_format("\xEF\xBB\xBF  \r\nbegin:vcalendar\r\n"), "ics");
  EXPECT_EQ(detect_format("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>"), "rss");
  EXPECT_EQ(detect_format("<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"x\"></rdf:RDF>"), "rss");
  EXPECT_EQ(detect_format("<?xml version='1.0'?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"),
            "atom");
  EXPECT_EQ(detect_format("<!DOCTYPE html>\n<html><link rel=alternate href=/feed></html>"), "html");
  EXPECT_EQ(detect_format("<HTML><body><feed>"), "html");
  EXPECT_EQ(detect_format("{\"events\": []}"), "");
  EXPECT_EQ(detect_format(""), "");
  EXPECT_EQ(detect_format(std::string_view("\xFF\xFE"
                                           "B\0E\0G\0I\0N\0:\0V\0C\0A\0L\0E\0N\0D\0A\0R\0",
                                           32)),
            "ics");
}

TEST(FeedReader, ReadsAnIcsFeed) {
  core::Problems problems;
  auto feed = read_feed(kIcs, "auto", {}, problems);
  ASSERT_TRUE(feed.ok()) << feed.error();
  EXPECT_EQ(feed->format, "ics");
  EXPECT_EQ(feed->calendar_name, "Forums");
  EXPECT_EQ(feed->default_tzid, "Europe/Paris");
  ASSERT_EQ(feed->events.size(), 1u);
  EXPECT_EQ(feed->events[0].uid, "a");
  EXPECT_TRUE(read_feed(kIcs, "ics", {}, problems).ok());
}

TEST(FeedReader, SaysRssAtomAndHtmlAreNotAvailableYet) {
  core::Problems problems;
  for (std::string_view body : {"<rss version=\"2.0\"></rss>", "<feed></feed>", "<html></html>"}) {
    auto feed = read_feed(body, "auto", {}, problems);
    ASSERT_FALSE(feed.ok());
    EXPECT_EQ(feed.error(), "RSS/Atom/HTML reading is not available yet (issue 4)");
  }
  EXPECT_FALSE(read_feed(kIcs, "rss", {}, problems).ok());
}

TEST(FeedReader, RefusesContentThatIsNoCalendarQuotingItsStart) {
  core::Problems problems;
  auto feed = read_feed("{\"events\":\n[1,2,3], \"more\": \"a long tail that goes past forty\"}",
                        "auto", {}, problems);
  ASSERT_FALSE(feed.ok());
  EXPECT_EQ(
      feed.error(),
      "not a calendar: the content starts with \"{\"events\": [1,2,3], \"more\": \"a long tail\"");
}

TEST(FeedReader, RefusesNonIcsContentWhenIcsIsForced) {
  core::Problems problems;
  auto feed = read_feed("<html>Not found</html>", "ics", {}, problems);
  ASSERT_FALSE(feed.ok());
  EXPECT_NE(feed.error().find("not an iCalendar document"), std::string::npos) << feed.error();
  EXPECT_NE(feed.error().find("<html>Not found</html>"), std::string::npos) << feed.error();
}

TEST(FeedReader, RefusesAnUnknownFormatName) {
  core::Problems problems;
  EXPECT_FALSE(read_feed(kIcs, "json", {}, problems).ok());
}

TEST(FeedReader, DecodesWindows1252BeforeReading) {
  core::Problems problems;
  auto feed = read_feed(
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:F\xEAte\r\nDTSTART:20260115\r\n"
      "END:VEVENT\r\nEND:VCALENDAR\r\n",
      "auto", {}, problems);
  ASSERT_TRUE(feed.ok()) << feed.error();
  EXPECT_EQ(feed->events.at(0).summary, "Fête");
  EXPECT_EQ(problems.size(), 1u);
}

}  // namespace
}  // namespace concerto::parse
