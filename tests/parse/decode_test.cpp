#include "parse/decode.h"

#include <gtest/gtest.h>

#include <string>

namespace concerto::parse {
namespace {

std::string decode_ok(std::string_view bytes, core::Problems& problems) {
  auto text = decode_to_utf8(bytes, problems);
  EXPECT_TRUE(text.ok()) << (text.ok() ? "" : text.error());
  return text.ok() ? *text : "";
}

// UTF-16 code units, little- or big-endian, with a byte order mark.
std::string utf16(std::u16string_view units, bool little_endian) {
  std::string out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
  for (const char16_t unit : units) {
    const char high = static_cast<char>(unit >> 8);
    const char low = static_cast<char>(unit & 0xFF);
    out += little_endian ? low : high;
    out += little_endian ? high : low;
  }
  return out;
}

TEST(Decode, PassesValidUtf8ThroughUnchanged) {
  core::Problems problems;
  const std::string text = "BEGIN:VCALENDAR\r\nSUMMARY:Réunion à Montréal €\r\n";
  EXPECT_EQ(decode_ok(text, problems), text);
  EXPECT_TRUE(problems.empty());
}

TEST(Decode, StripsTheUtf8ByteOrderMark) {
  core::Problems problems;
  EXPECT_EQ(decode_ok("\xEF\xBB\xBF"
                      "BEGIN:VCALENDAR",
                      problems),
            "BEGIN:VCALENDAR");
  EXPECT_TRUE(problems.empty());
}

TEST(Decode, KeepsLineEndingsAsTheyAre) {
  core::Problems problems;
  EXPECT_EQ(decode_ok("A\r\nB\nC\rD", problems), "A\r\nB\nC\rD");
}

TEST(Decode, TranscodesUtf16LittleEndianWithSurrogatePairs) {
  core::Problems problems;
  const std::string bytes = utf16(u"BEGIN:VCALENDAR\r\nSUMMARY:é😀", true);
  EXPECT_EQ(decode_ok(bytes, problems), "BEGIN:VCALENDAR\r\nSUMMARY:é\xF0\x9F\x98\x80");
  EXPECT_TRUE(problems.empty());
}

TEST(Decode, TranscodesUtf16BigEndian) {
  core::Problems problems;
  EXPECT_EQ(decode_ok(utf16(u"Noël €", false), problems), "Noël €");
  EXPECT_TRUE(problems.empty());
}

TEST(Decode, ReplacesUnpairedSurrogatesWithOneWarning) {
  core::Problems problems;
  const std::u16string units = {u'a', 0xD83D, u'b', u'\n', 0xDE00, u'c'};
  EXPECT_EQ(decode_ok(utf16(units, true), problems),
            "a\xEF\xBF\xBD"
            "b\n\xEF\xBF\xBD"
            "c");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].severity, core::Severity::kWarning);
  EXPECT_EQ(problems[0].line, 1);
}

TEST(Decode, ReadsUtf16WithoutAByteOrderMarkWithAWarning) {
  core::Problems problems;
  std::string bytes = utf16(u"BEGIN", true).substr(2);
  EXPECT_EQ(decode_ok(bytes, problems), "BEGIN");
  EXPECT_EQ(problems.size(), 1u);
}

TEST(Decode, ReadsInvalidUtf8AsWindows1252WithOneWarningGivingTheFirstBadLine) {
  core::Problems problems;
  const std::string text = decode_ok("A\r\nB\r\nCaf\xE9 \x80 \x9C\r\n\xE0t\xE9", problems);
  EXPECT_EQ(text, "A\r\nB\r\nCafé € œ\r\nàté");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].severity, core::Severity::kWarning);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_NE(problems[0].message.find("Windows-1252"), std::string::npos);
}

TEST(Decode, MapsEveryWindows1252ByteFrom0x80To0x9F) {
  std::string bytes = "\xFF";  // forces the Windows-1252 reading
  for (int c = 0x80; c <= 0x9F; ++c) bytes += static_cast<char>(c);
  core::Problems problems;
  const std::string text = decode_ok(bytes, problems);
  EXPECT_EQ(text, "ÿ€\xC2\x81‚ƒ„…†‡ˆ‰Š‹Œ\xC2\x8DŽ\xC2\x8F\xC2\x90‘’“”•–—˜™š›œ\xC2\x9DžŸ");
}

TEST(Decode, RefusesNulBytes) {
  core::Problems problems;
  auto text = decode_to_utf8(std::string_view("BEGIN\r\nA\0B", 10), problems);
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().find("line 2"), std::string::npos) << text.error();
}

}  // namespace
}  // namespace concerto::parse
