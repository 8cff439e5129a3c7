// What page requests ask for: filters, numbers and months read from the query and the path.

#include "server/page_requests.h"

#include <gtest/gtest.h>

namespace concerto::server {
namespace {

QueryParameters query(const std::string& text) { return parse_query(text).value(); }

TEST(ReadFilter, ReadsTheFourFiltersAndIgnoresOtherParameters) {
  const auto filter = read_filter(
      query("partner=decider-ensemble&category=atelier&place=Nantes&q=budget+participatif&_=123"));
  ASSERT_TRUE(filter) << filter.error();
  EXPECT_EQ(filter->partner, "decider-ensemble");
  EXPECT_EQ(filter->category, "atelier");
  EXPECT_EQ(filter->place, "Nantes");
  EXPECT_EQ(filter->query, "budget participatif");
  EXPECT_FALSE(filter->empty());
  EXPECT_TRUE(read_filter(query("utm_source=mail"))->empty());
}

TEST(ReadFilter, CollapsesAndTrimsSpaces) {
  const auto filter = read_filter(query("q=%20%20conseil%20%20%20de+quartier%20"));
  ASSERT_TRUE(filter) << filter.error();
  EXPECT_EQ(filter->query, "conseil de quartier");
}

TEST(ReadFilter, RefusesRepeatedOverlongOrInvalidValues) {
  EXPECT_EQ(read_filter(query("q=a&q=b")).error(), "q is given twice");
  const auto long_query = read_filter(query("place=" + std::string(201, 'x')));
  ASSERT_FALSE(long_query);
  EXPECT_NE(long_query.error().find("longer than 200 bytes"), std::string::npos);
  EXPECT_EQ(read_filter(query("partner=%C3%28")).error(), "partner is not valid UTF-8");
}

TEST(ReadInt, TakesOnlyWholeNumbersInRange) {
  EXPECT_EQ(*read_int(query("page=3"), "page", 1, 1, 100), 3);
  EXPECT_EQ(*read_int(query(""), "page", 1, 1, 100), 1);
  for (const char* bad : {"page=0", "page=101", "page=-1", "page=2x", "page=", "page=+2",
                          "page=99999999999999999999", "page=1&page=2"}) {
    EXPECT_FALSE(read_int(query(bad), "page", 1, 1, 100)) << bad;
  }
  EXPECT_EQ(read_int(query("page=abc"), "page", 1, 1, 100).error(),
            "page must be a whole number from 1 to 100, got \"abc\"");
}

TEST(ReadEmbedRequest, HasDefaultsAndBounds) {
  const auto defaults = read_embed_request(query(""));
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->days, 31);
  EXPECT_EQ(defaults->limit, 10);
  const auto asked = read_embed_request(query("days=7&limit=3&category=webinaire"));
  ASSERT_TRUE(asked);
  EXPECT_EQ(asked->days, 7);
  EXPECT_EQ(asked->limit, 3);
  EXPECT_EQ(asked->filter.category, "webinaire");
  EXPECT_FALSE(read_embed_request(query("days=367")));
  EXPECT_FALSE(read_embed_request(query("limit=101")));
  EXPECT_FALSE(read_embed_request(query("limit=0")));
}

TEST(ParseYearMonth, ReadsYyyyMm) {
  const auto month = parse_year_month("2026-10");
  ASSERT_TRUE(month);
  EXPECT_EQ(month->year, 2026);
  EXPECT_EQ(month->month, 10);
  for (const char* bad : {"2026-13", "2026-00", "2026-1", "26-10", "2026/10", "0999-01",
                          "2026-10-01", "abcd-ef", "", "+026-10"}) {
    EXPECT_FALSE(parse_year_month(bad)) << bad;
  }
}

TEST(FilterKey, DiffersForEveryField) {
  render::ViewFilter a;
  render::ViewFilter b;
  b.partner = "x";
  render::ViewFilter c;
  c.query = "x";
  EXPECT_NE(filter_key(a), filter_key(b));
  EXPECT_NE(filter_key(b), filter_key(c));
  EXPECT_EQ(filter_key(a), filter_key(render::ViewFilter{}));
}

TEST(PercentDecode, KeepsPlusInPaths) {
  EXPECT_EQ(*percent_decode("a+b%2Fc%40d", false), "a+b/c@d");
  EXPECT_EQ(*percent_decode("a+b", true), "a b");
  EXPECT_FALSE(percent_decode("%2", false));
  EXPECT_FALSE(percent_decode("%0A", false));
}

}  // namespace
}  // namespace concerto::server
