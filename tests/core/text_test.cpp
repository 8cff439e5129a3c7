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

TEST(Text, SplitsAndJoins) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(join({"a", "b"}, ", "), "a, b");
  EXPECT_TRUE(iequals("VEVENT", "vEvent"));
}

}  // namespace
}  // namespace concerto::core
