#include "render/json_text.h"

#include <gtest/gtest.h>

#include <string>

#include "core/text.h"

namespace concerto::render {
namespace {

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_string("a\"b\\c\nd\x01\te\r"), "\"a\\\"b\\\\c\\nd\\u0001\\te\\r\"");
  EXPECT_EQ(json_string(""), "\"\"");
}

TEST(JsonString, KeepsValidUtf8AsItIs) {
  EXPECT_EQ(json_string("Forum à Paris 🎉"), "\"Forum à Paris 🎉\"");
}

// The server's own escaper used to read invalid UTF-8 as Latin-1 ("\u00ff"); there is one now.
TEST(JsonString, ReplacesInvalidUtf8WithTheReplacementCharacter) {
  EXPECT_EQ(json_string("a\xff"
                        "b"),
            "\"a\\ufffdb\"");
  EXPECT_EQ(json_string("\xc3"), "\"\\ufffd\"");  // truncated sequence
  EXPECT_TRUE(core::is_valid_utf8(json_string("\xed\xa0\x80 \xc0\xaf")));
}

TEST(JsonString, EscapesLineAndParagraphSeparatorsForJavaScript) {
  EXPECT_EQ(json_string("a\u2028b\u2029c"), "\"a\\u2028b\\u2029c\"");
}

TEST(AppendJsonString, AppendsAfterWhatIsAlreadyThere) {
  std::string out = "{\"k\":";
  append_json_string(out, "v");
  EXPECT_EQ(out, "{\"k\":\"v\"");
}

}  // namespace
}  // namespace concerto::render
