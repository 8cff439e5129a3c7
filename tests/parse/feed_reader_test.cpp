#include "parse/feed_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

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
}

// Regression: "html" passed the configuration check but read_feed said "unknown feed format".
TEST(FeedReader, SaysReadingIsNotAvailableYetForEveryFormatTheConfigurationAccepts) {
  core::Problems problems;
  for (std::string_view format : {"rss", "atom", "html"}) {
    auto feed = read_feed("<html><body>Agenda</body></html>", format, {}, problems);
    ASSERT_FALSE(feed.ok()) << format;
    EXPECT_EQ(feed.error(), "RSS/Atom/HTML reading is not available yet (issue 4)") << format;
  }
}

// Regression: the error quoted the body's first 40 characters, and it is published on
// /api/feeds/status; now it says what kind of content it is and how big.
TEST(FeedReader, DescribesContentThatIsNoCalendarWithoutQuotingIt) {
  const std::string binary = "\x1F\x8B\x08\x01\x02\x03\x04\x05secret\x06\x07";
  const std::pair<std::string_view, std::string> cases[] = {
      {"{\"token\": \"s3cr3t-internal\"}", "looks like JSON (28 bytes)"},
      {"[1, 2]", "looks like JSON (6 bytes)"},
      {"<?xml version=\"1.0\"?><config><password>s3cr3t</password></config>",
       "looks like an XML document that is not RSS or Atom (65 bytes)"},
      {"<head><title>s3cr3t</title></head>", "looks like an HTML page (34 bytes)"},
      {"root:x:0:0:s3cr3t:/root:/bin/bash\n", "looks like plain text (34 bytes)"},
      {" \r\n\t", "is empty (4 bytes)"},
      {"", "is empty (0 bytes)"},
      {binary, "looks like binary data (16 bytes)"},
  };
  for (const auto& [body, description] : cases) {
    core::Problems problems;
    auto feed = read_feed(body, "auto", {}, problems);
    ASSERT_FALSE(feed.ok()) << body;
    EXPECT_EQ(feed.error(), "not a calendar: the content " + description);
    EXPECT_EQ(feed.error().find("s3cr3t"), std::string::npos) << feed.error();
    EXPECT_EQ(feed.error().find("secret"), std::string::npos) << feed.error();
  }
}

TEST(FeedReader, RefusesNonIcsContentWhenIcsIsForcedWithoutQuotingIt) {
  core::Problems problems;
  auto feed = read_feed("<html>Not found: s3cr3t</html>", "ics", {}, problems);
  ASSERT_FALSE(feed.ok());
  EXPECT_EQ(feed.error(),
            "the feed is configured as ics but the content is not an iCalendar document: it "
            "looks like an HTML page (30 bytes)");
  auto rss = read_feed("<rss version=\"2.0\"></rss>", "ics", {}, problems);
  ASSERT_FALSE(rss.ok());
  EXPECT_NE(rss.error().find("it looks like an RSS feed (25 bytes)"), std::string::npos)
      << rss.error();
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
