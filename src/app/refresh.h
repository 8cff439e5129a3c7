#pragma once
// Refreshing feeds: download them together (fetch_all), read each body in a worker as soon as it
// arrives, store the snapshot or record the failure (the feed's last good events stay), and
// decide when each feed is due again. And the loop that does this on schedule in `serve`.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "core/feed.h"
#include "core/problem.h"
#include "notify/notifier.h"
#include "store/registry.h"
#include "store/store.h"

namespace concerto::app {

struct RefreshOutcome {
  std::string feed_id;
  std::string status;  // "ok", "not-modified" or "failed"
  int events = 0;
  std::int64_t bytes = 0;
  double seconds = 0;
  int http_code = 0;
  std::string error;
  core::Problems problems;
  std::int64_t next_fetch = 0;  // UTC seconds when the feed is due again
  // What the feed health mail looks at (notify/feed_alerts.h).
  int consecutive_failures = 0;   // after this refresh
  int events_before = 0;          // stored before it
  std::int64_t fetched_at = 0;    // UTC seconds of this refresh
  std::int64_t last_success = 0;  // of the last refresh that worked (this one when it did)
  // For an "ok" snapshot replacing stored events: the feed's upcoming UIDs before it, how many
  // of them it still lists, and its upcoming UIDs after. compared = false: not measured.
  bool compared = false;
  int upcoming_before = 0;
  int upcoming_kept = 0;
  int upcoming_after = 0;
};

// Refreshes `feeds` with settings.concurrency transfers at once (settings.per_host to one host).
// `on_finished` runs once per feed as it finishes, one call at a time. Outcomes are returned in
// the order of `feeds`. With a `notifier`, each feed's contact then gets the mail its refresh
// calls for (after every transfer is done; at most [mail] timeout per mail).
std::vector<RefreshOutcome> refresh_feeds(
    const std::vector<core::FeedConfig>& feeds, const Settings& settings, store::Store& store,
    const std::string& worker_binary,
    const std::function<void(const RefreshOutcome&)>& on_finished = {},
    notify::Notifier* notifier = nullptr);

RefreshOutcome refresh_feed(const core::FeedConfig& feed, const Settings& settings,
                            store::Store& store, const std::string& worker_binary,
                            notify::Notifier* notifier = nullptr);

// The feed health mail of these settings ([mail], [site]), or nullptr when mail.host is empty.
// `registry` keeps what each contact was told and must outlive the Notifier.
std::unique_ptr<notify::Notifier> make_notifier(const Settings& settings,
                                                store::Registry& registry);

// The figures of one refresh as the alert rules read them.
notify::FeedHealth feed_health(const core::FeedConfig& feed, const RefreshOutcome& outcome);

// When a feed is due again. A success waits the feed's refresh interval, or its own hint
// (Cache-Control: max-age, REFRESH-INTERVAL, X-PUBLISHED-TTL) kept within
// feeds.min_refresh..max_refresh; the n-th failure in a row waits min(refresh, 1 min × 2^(n-1))
// times a random factor in [0.5, 1] (so feeds failing together do not retry together), and at
// least a Retry-After when the server sent one (capped at max_refresh).
std::int64_t next_fetch_after(const core::FeedConfig& feed, const Settings& settings,
                              std::int64_t now, bool succeeded, int consecutive_failures,
                              std::optional<std::int64_t> hint_seconds,
                              std::optional<std::int64_t> retry_after_seconds);

// Refreshes every feed when it is due (its status' next_fetch), until stop().
class RefreshScheduler {
 public:
  // `feeds` (when given) says which feeds there are at each round: partners register feeds
  // while the server runs; without it, settings.feeds.
  // `notifier` (may be null) must outlive the scheduler.
  RefreshScheduler(const Settings& settings, store::Store& store, std::string worker_binary,
                   std::function<std::vector<core::FeedConfig>()> feeds = {},
                   notify::Notifier* notifier = nullptr);
  ~RefreshScheduler();
  void start();
  void stop();

 private:
  void run();

  const Settings& settings_;
  store::Store& store_;
  std::string worker_binary_;
  std::function<std::vector<core::FeedConfig>()> feeds_;
  notify::Notifier* notifier_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace concerto::app
