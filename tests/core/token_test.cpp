#include "core/token.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <set>
#include <string>
#include <string_view>

namespace concerto::core {
namespace {

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool is_lower_hex(const std::string& text) {
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST(Token, IsCctPrefixAndFortyThreeBase64UrlCharacters) {
  auto token = new_token();
  ASSERT_TRUE(token) << token.error();
  ASSERT_EQ(token->size(), 4u + 43u) << *token;
  EXPECT_EQ(token->substr(0, 4), "cct_");
  const std::string body = token->substr(4);
  EXPECT_EQ(body.find_first_not_of(kBase64Url), std::string::npos) << *token;
  EXPECT_EQ(body.find('='), std::string::npos);  // no padding
  // 43 characters carry 258 bits for 256 random ones: the last character's low 2 bits are zero
  // (canonical base64url of exactly 32 bytes).
  const std::size_t last = kBase64Url.find(body.back());
  ASSERT_NE(last, std::string_view::npos);
  EXPECT_EQ(last & 3u, 0u) << *token;
}

TEST(Token, AThousandTokensAreAllDistinctAndUseTheWholeAlphabet) {
  std::set<std::string> tokens;
  std::set<char> seen;
  for (int i = 0; i < 1000; ++i) {
    auto token = new_token();
    ASSERT_TRUE(token) << token.error();
    ASSERT_EQ(token->size(), 47u);
    ASSERT_EQ(token->rfind("cct_", 0), 0u);
    tokens.insert(*token);
    // The first 42 characters hold 6 random bits each (the 43rd only 4).
    for (std::size_t at = 4; at < 46; ++at) seen.insert((*token)[at]);
  }
  EXPECT_EQ(tokens.size(), 1000u);
  // 42 000 characters drawn from 64: every one of them shows up (a missing one would mean a
  // broken encoder, e.g. an alphabet typo or a stuck bit).
  EXPECT_EQ(seen.size(), 64u);
}

TEST(TokenHash, IsSixtyFourLowerCaseHexDigits) {
  auto token = new_token();
  ASSERT_TRUE(token);
  const std::string hash = token_hash(*token);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_TRUE(is_lower_hex(hash)) << hash;
  EXPECT_EQ(token_hash(*token), hash);  // deterministic
  EXPECT_EQ(hash.find(token->substr(4)), std::string::npos);
}

TEST(TokenHash, IsSha256OfTheTokenText) {
  EXPECT_EQ(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(token_hash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // FIPS 180-2, the two-block message.
  EXPECT_EQ(token_hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(TokenHash, HashesTheWholeViewAndOnlyTheView) {
  const std::string text = "abcdef";
  EXPECT_EQ(token_hash(std::string_view(text).substr(0, 3)), token_hash("abc"));
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(token_hash(with_nul), token_hash("a"));
  EXPECT_NE(token_hash("cct_a"), token_hash("cct_b"));
}

TEST(ConstantTimeEqual, ComparesWholeStrings) {
  const std::string hash = token_hash("abc");
  std::string copy = hash;
  EXPECT_TRUE(constant_time_equal(hash, copy));
  EXPECT_TRUE(constant_time_equal("", ""));
  copy.front() = copy.front() == '0' ? '1' : '0';
  EXPECT_FALSE(constant_time_equal(hash, copy));
  copy = hash;
  copy.back() = copy.back() == '0' ? '1' : '0';
  EXPECT_FALSE(constant_time_equal(hash, copy));
  EXPECT_FALSE(constant_time_equal("a", "b"));
}

TEST(ConstantTimeEqual, DifferentLengthsAreNeverEqual) {
  const std::string hash = token_hash("abc");
  EXPECT_FALSE(constant_time_equal(hash, hash.substr(0, 63)));
  EXPECT_FALSE(constant_time_equal(hash.substr(0, 63), hash));
  EXPECT_FALSE(constant_time_equal(hash, hash + "0"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  EXPECT_FALSE(constant_time_equal("abc", std::string("abc\0", 4)));
}

}  // namespace
}  // namespace concerto::core
