#include "server/http_util.h"

#include <Poco/InflatingStream.h>
#include <Poco/StreamCopier.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "core/text.h"

namespace concerto::server {
namespace {

using ::testing::MatchesRegex;

std::string gunzip(const std::string& data) {
  std::istringstream in(data);
  Poco::InflatingInputStream inflate(in, Poco::InflatingStreamBuf::STREAM_GZIP);
  std::ostringstream out;
  Poco::StreamCopier::copyStream(inflate, out);
  return out.str();
}

TEST(GzipCompress, WritesAGzipMemberThatInflatesBack) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "SUMMARY:Forum citoyen " + std::to_string(i) + "\r\n";
  const auto gzipped = gzip_compress(text);
  ASSERT_TRUE(gzipped.ok()) << gzipped.error();
  ASSERT_GE(gzipped->size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>((*gzipped)[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>((*gzipped)[1]), 0x8b);
  EXPECT_LT(gzipped->size(), text.size() / 4);
  EXPECT_EQ(gunzip(*gzipped), text);
}

TEST(GzipCompress, HandlesAnEmptyBody) {
  const auto gzipped = gzip_compress("");
  ASSERT_TRUE(gzipped.ok());
  EXPECT_EQ(gunzip(*gzipped), "");
}

TEST(StrongEtag, IsAQuotedHashThatChangesWithTheBody) {
  EXPECT_THAT(strong_etag("a"), MatchesRegex("\"[0-9a-f]{16}\""));
  EXPECT_EQ(strong_etag("a"), strong_etag("a"));
  EXPECT_NE(strong_etag("a"), strong_etag("b"));
  EXPECT_EQ(strong_etag(""), "\"cbf29ce484222325\"");  // FNV-1a offset basis
}

// The ETag values stay what they were when the hash moved to core.
TEST(StrongEtag, QuotesCoresFnv1aOfTheBody) {
  EXPECT_EQ(strong_etag("a"), "\"af63dc4c8601ec8c\"");
  const std::string body = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
  EXPECT_EQ(strong_etag(body), "\"" + core::hex64(core::fnv1a64(body)) + "\"");
}

TEST(IfNoneMatch, ComparesTagsWeakly) {
  const std::string etag = "\"0123456789abcdef\"";
  EXPECT_TRUE(if_none_match_matches(etag, etag));
  EXPECT_TRUE(if_none_match_matches("W/" + etag, etag));
  EXPECT_TRUE(if_none_match_matches("\"x\", " + etag + " ,\"y\"", etag));
  EXPECT_TRUE(if_none_match_matches("*", etag));
  EXPECT_TRUE(if_none_match_matches(" * ", etag));
  EXPECT_FALSE(if_none_match_matches("\"x\"", etag));
  EXPECT_FALSE(if_none_match_matches("", etag));
  EXPECT_FALSE(if_none_match_matches("0123456789abcdef", etag));  // unquoted is another tag
}

TEST(AcceptsGzip, ReadsCodingsAndQValues) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_TRUE(accepts_gzip("gzip;q=0.001"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("deflate, br"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0.000, *"));  // an explicit refusal beats the wildcard
  EXPECT_FALSE(accepts_gzip("*;q=0"));
}

TEST(HttpDate, FormatsImfFixdateAndParsesTheThreeForms) {
  EXPECT_EQ(format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), 784111777);
  EXPECT_EQ(parse_http_date("yesterday"), std::nullopt);
  EXPECT_EQ(parse_http_date(""), std::nullopt);
}

TEST(ParseQuery, DecodesPairsInOrder) {
  const auto query = parse_query("from=2026-10-19&to=2026%2D10%2D20&q=a+b&flag&&x=");
  ASSERT_TRUE(query.ok()) << query.error();
  const QueryParameters expected = {
      {"from", "2026-10-19"}, {"to", "2026-10-20"}, {"q", "a b"}, {"flag", ""}, {"x", ""}};
  EXPECT_EQ(*query, expected);
  EXPECT_TRUE(parse_query("")->empty());
}

TEST(ParseQuery, RefusesBadEscapesAndControlCharacters) {
  EXPECT_FALSE(parse_query("a=%zz").ok());
  EXPECT_FALSE(parse_query("a=%4").ok());
  EXPECT_FALSE(parse_query("a=%").ok());
  EXPECT_FALSE(parse_query("a=%0d%0aX").ok());
}

}  // namespace
}  // namespace concerto::server
