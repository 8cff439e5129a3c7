#include "server/render_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "server/http_util.h"

namespace concerto::server {
namespace {

RenderCache::Renderer counting(std::atomic<int>& calls, std::int64_t generation,
                               std::string body = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") {
  return [&calls, generation, body]() -> core::Result<Rendering> {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a slow render
    return make_rendering(generation, "text/calendar", body, 1792395000);
  };
}

TEST(MakeRendering, ComputesGzipValidatorsAndLastModifiedOnce) {
  const auto made = make_rendering(7, "text/calendar", "BODY", 784111777);
  ASSERT_TRUE(made.ok()) << made.error();
  EXPECT_EQ(made->generation, 7);
  EXPECT_EQ(made->body, "BODY");
  EXPECT_EQ(made->etag, strong_etag("BODY"));
  EXPECT_EQ(made->gzip_etag, strong_etag(made->gzip_body));
  EXPECT_NE(made->etag, made->gzip_etag);
  EXPECT_EQ(made->last_modified_text, "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(RenderCache, RendersOnceForConcurrentRequestsOfOneKey) {
  RenderCache cache(8);
  std::atomic<int> calls{0};
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      const auto got = cache.get("ics", 1, counting(calls, 1));
      if (got.ok() && (*got)->generation == 1) ++ok;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(ok, 16);
}

TEST(RenderCache, RendersAgainWhenTheGenerationChanges) {
  RenderCache cache(8);
  std::atomic<int> calls{0};
  const auto first = cache.get("ics", 1, counting(calls, 1, "one"));
  const auto same = cache.get("ics", 1, counting(calls, 1, "ignored"));
  const auto second = cache.get("ics", 2, counting(calls, 2, "two"));
  ASSERT_TRUE(first.ok() && same.ok() && second.ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ((*same)->body, "one");
  EXPECT_EQ((*second)->body, "two");
  EXPECT_EQ((*first)->body, "one");  // a reader holding the old rendering keeps it intact
}

TEST(RenderCache, KeepsKeysApart) {
  RenderCache cache(8);
  std::atomic<int> calls{0};
  ASSERT_TRUE(cache.get("ics", 1, counting(calls, 1, "ics")).ok());
  const auto json = cache.get("json a b", 1, counting(calls, 1, "json"));
  ASSERT_TRUE(json.ok());
  EXPECT_EQ((*json)->body, "json");
  EXPECT_EQ(calls, 2);
}

TEST(RenderCache, DoesNotCacheAFailedRendering) {
  RenderCache cache(8);
  const auto failed =
      cache.get("ics", 1, []() -> core::Result<Rendering> { return core::Error{"store busy"}; });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error(), "store busy");
  std::atomic<int> calls{0};
  EXPECT_TRUE(cache.get("ics", 1, counting(calls, 1)).ok());
  EXPECT_EQ(calls, 1);
}

TEST(RenderCache, DropsTheLeastRecentlyUsedKeyWhenFull) {
  RenderCache cache(2);
  std::atomic<int> calls{0};
  ASSERT_TRUE(cache.get("a", 1, counting(calls, 1)).ok());
  ASSERT_TRUE(cache.get("b", 1, counting(calls, 1)).ok());
  ASSERT_TRUE(cache.get("a", 1, counting(calls, 1)).ok());  // a is now the most recent
  ASSERT_TRUE(cache.get("c", 1, counting(calls, 1)).ok());  // drops b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(calls, 3);
  ASSERT_TRUE(cache.get("a", 1, counting(calls, 1)).ok());
  EXPECT_EQ(calls, 3);
  ASSERT_TRUE(cache.get("b", 1, counting(calls, 1)).ok());
  EXPECT_EQ(calls, 4);
}

}  // namespace
}  // namespace concerto::server
