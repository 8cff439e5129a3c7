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

constexpr std::string_view kRss =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<rss version=\"2.0\" xmlns:ev=\"http://purl.org/rss/1.0/modules/event/\">\n"
    "<channel><title>Agenda du r\xC3\xA9seau</title><ttl>120</ttl>\n"
    "<item><title>Forum citoyen</title><link>https://example.org/forum</link>\n"
    "<guid>forum-2027</guid><ev:startdate>2027-03-04</ev:startdate>\n"
    "<ev:location>Lille</ev:location></item>\n"
    "</channel></rss>\n";

constexpr std::string_view kAtom =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
    "xmlns:ev=\"http://purl.org/rss/1.0/modules/event/\">\n"
    "<title>Blog</title><id>urn:blog</id><updated>2026-12-01T10:00:00Z</updated>\n"
    "<entry><title>Atelier</title><id>urn:atelier</id><updated>2026-12-01T10:00:00Z</updated>\n"
    "<ev:startdate>2027-05-11T18:30:00+02:00</ev:startdate></entry>\n"
    "</feed>\n";

constexpr std::string_view kEventPage =
    "<!DOCTYPE html><html><head><title>Agenda</title>\n"
    "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
    "\"@type\":\"Event\",\"name\":\"Conf\xC3\xA9rence\",\"startDate\":\"2027-06-02\"}</script>\n"
    "</head><body></body></html>\n";

TEST(FeedReader, ReadsRssAtomAndEventPagesDetectedFromTheirContent) {
  core::Problems problems;
  auto rss = read_feed(kRss, "auto", {}, problems);
  ASSERT_TRUE(rss.ok()) << rss.error();
  EXPECT_EQ(rss->format, "rss");
  EXPECT_EQ(rss->calendar_name, "Agenda du r\xC3\xA9seau");
  EXPECT_EQ(rss->refresh_seconds, 7200);
  ASSERT_EQ(rss->events.size(), 1u);
  EXPECT_TRUE(rss->events[0].start.all_day);
  EXPECT_EQ(rss->events[0].start.date, (core::Date{2027, 3, 4}));
  EXPECT_EQ(rss->events[0].location, "Lille");

  auto atom = read_feed(kAtom, "auto", {}, problems);
  ASSERT_TRUE(atom.ok()) << atom.error();
  EXPECT_EQ(atom->format, "atom");
  ASSERT_EQ(atom->events.size(), 1u);
  EXPECT_EQ(atom->events[0].start.utc, core::seconds_from_civil({{2027, 5, 11}, 16, 30, 0}));

  auto page = read_feed(kEventPage, "auto", {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  EXPECT_EQ(page->format, "html");
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].summary, "Conf\xC3\xA9rence");
}

TEST(FeedReader, ReadsTheContentAsWhatItIsWhenTheConfiguredXmlFormatDiffers) {
  core::Problems problems;
  auto as_atom = read_feed(kRss, "atom", {}, problems);
  ASSERT_TRUE(as_atom.ok()) << as_atom.error();
  EXPECT_EQ(as_atom->format, "rss");
}

TEST(FeedReader, RefusesAPageWithoutEventsAndAnHtmlPageServedAsRss) {
  core::Problems problems;
  EXPECT_FALSE(read_feed("<html><body>Agenda</body></html>", "auto", {}, problems).ok());
  EXPECT_FALSE(read_feed("<html><body>Agenda</body></html>", "rss", {}, problems).ok());
  EXPECT_FALSE(read_feed("<rss version=\"2.0\"><channel><item>", "rss", {}, problems).ok());
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
