#include "fetch/response_headers.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace concerto::fetch {
namespace {

constexpr std::time_t kNow = 1792395000;  // Mon, 19 Oct 2026 07:30:00 GMT

TEST(ParseRetryAfter, ReadsSecondsAndDatesAndNothingElse) {
  struct Case {
    const char* value;
    std::optional<std::int64_t> seconds;
  };
  const Case cases[] = {
      {"120", 120},
      {" 0 ", 0},
      {"99999999999999999999", std::int64_t{1} << 31},
      {"Mon, 19 Oct 2026 07:35:00 GMT", 300},
      {"Mon, 19 Oct 2026 07:00:00 GMT", 0},  // already past
      {"-5", std::nullopt},
      {"1.5", std::nullopt},
      {"soon", std::nullopt},
      {"", std::nullopt},
  };
  for (const Case& c : cases) EXPECT_EQ(parse_retry_after(c.value, kNow), c.seconds) << c.value;
}

TEST(ParseMaxAge, FindsTheDirectiveAmongOthers) {
  struct Case {
    const char* value;
    std::optional<std::int64_t> seconds;
  };
  const Case cases[] = {
      {"max-age=600", 600},
      {"public, max-age=600, must-revalidate", 600},
      {"Max-Age = 60", 60},
      {"max-age=\"30\"", 30},
      {"s-maxage=100", std::nullopt},
      {"no-cache", std::nullopt},
      {"max-age=", std::nullopt},
      {"max-age=ten", std::nullopt},
      {"max-age=99999999999999999999", std::int64_t{1} << 31},
  };
  for (const Case& c : cases) EXPECT_EQ(parse_max_age(c.value), c.seconds) << c.value;
}

TEST(ResponseHeaders, KeepsOnlyTheLastAnswersHeaders) {
  ResponseHeaders headers;
  EXPECT_TRUE(headers.take("HTTP/1.1 302 Found\r\n", kNow));
  EXPECT_FALSE(headers.take("ETag: \"hop\"\r\n", kNow));
  EXPECT_FALSE(headers.take("Cache-Control: max-age=5\r\n", kNow));
  EXPECT_FALSE(headers.take("Retry-After: 10\r\n", kNow));
  EXPECT_TRUE(headers.take("HTTP/1.1 200 OK\r\n", kNow));
  EXPECT_FALSE(headers.take("content-type: text/calendar\r\n", kNow));
  EXPECT_FALSE(headers.take("Last-Modified: Mon, 19 Oct 2026 07:30:00 GMT\r\n", kNow));
  EXPECT_FALSE(headers.take("\r\n", kNow));
  EXPECT_EQ(headers.reason, "OK");
  EXPECT_EQ(headers.etag, "");
  EXPECT_EQ(headers.content_type, "text/calendar");
  EXPECT_EQ(headers.last_modified, "Mon, 19 Oct 2026 07:30:00 GMT");
  EXPECT_FALSE(headers.max_age_seconds);
  EXPECT_FALSE(headers.retry_after_seconds);
}

TEST(ResponseHeaders, ReadsTheReasonOfAStatusLine) {
  ResponseHeaders headers;
  EXPECT_TRUE(headers.take("HTTP/1.1 503 Service Unavailable\r\n", kNow));
  EXPECT_EQ(headers.reason, "Service Unavailable");
  EXPECT_TRUE(headers.take("HTTP/2 200\r\n", kNow));
  EXPECT_EQ(headers.reason, "");
}

}  // namespace
}  // namespace concerto::fetch
