#include "core/text.h"

#include <gtest/gtest.h>

namespace concerto::core {
namespace {

TEST(Text, ValidatesUtf8StrictlyIncludingOverlongAndSurrogates) {
  EXPECT_TRUE(is_valid_utf8("Décider ensemble 📅"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong "/"
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("caf\xE9"));           // Latin-1
}

TEST(Text, CleansControlCharactersAndKeepsParagraphs) {
  EXPECT_EQ(clean_text("  Bonjour\r\n\r\n\r\nà tous\x01  !  "), "Bonjour\n\nà tous !");
  EXPECT_EQ(clean_line("Forum\n  de   Nantes\t"), "Forum de Nantes");
}

TEST(Text, AcceptsOnlyHttpAndHttpsUrls) {
  EXPECT_TRUE(is_http_url("https://www.decider-ensemble.com/rencontres"));
  EXPECT_TRUE(is_http_url("HTTP://example.org"));
  EXPECT_FALSE(is_http_url("javascript:alert(1)"));
  EXPECT_FALSE(is_http_url("data:text/html,x"));
  EXPECT_FALSE(is_http_url("https://"));
  EXPECT_FALSE(is_http_url("https://a b"));
  EXPECT_FALSE(is_http_url("https://x\"onmouseover=1"));
  EXPECT_FALSE(is_http_url("ftp://example.org"));
}

TEST(Text, MeasuresUtf8SequencesAndRefusesBrokenOnes) {
  const std::string text = "a\xC3\xA9\xE2\x80\x94\xF0\x9F\x93\x85";  // a é — 📅
  EXPECT_EQ(utf8_sequence_length(text, 0), 1u);
  EXPECT_EQ(utf8_sequence_length(text, 1), 2u);
  EXPECT_EQ(utf8_sequence_length(text, 3), 3u);
  EXPECT_EQ(utf8_sequence_length(text, 6), 4u);
  EXPECT_EQ(utf8_sequence_length(text, 2), 0u);        // a continuation byte
  EXPECT_EQ(utf8_sequence_length("\xE2\x80", 0), 0u);  // cut short
}

TEST(Text, HashesWithFnv1aAndFormatsHex) {
  EXPECT_EQ(fnv1a64(""), 14695981039346656037ULL);
  EXPECT_EQ(hex64(fnv1a64("a")), "af63dc4c8601ec8c");  // the published FNV-1a test vector
  EXPECT_EQ(hex64(0), "0000000000000000");
  EXPECT_EQ(ascii_upper("vEvent-é"), "VEVENT-é");
}

TEST(Text, SplitsAndJoins) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(join({"a", "b"}, ", "), "a, b");
  EXPECT_TRUE(iequals("VEVENT", "vEvent"));
}

}  // namespace
}  // namespace concerto::core
