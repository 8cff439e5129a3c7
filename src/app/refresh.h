#pragma once
// One refresh of a feed: fetch, ingest in a worker, store the snapshot or record the failure
// (the feed's last good events stay). And the loop that refreshes every feed on schedule.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "core/feed.h"
#include "core/problem.h"
#include "store/store.h"

namespace concerto::app {

struct RefreshOutcome {
  std::string feed_id;
  std::string status;  // "ok", "not-modified" or "failed"
  int events = 0;
  std::int64_t bytes = 0;
  double seconds = 0;
  std::string error;
  core::Problems problems;
};

RefreshOutcome refresh_feed(const core::FeedConfig& feed, const Settings& settings,
                            store::Store& store, const std::string& worker_binary);

// Refreshes each feed when its refresh interval has passed since its last attempt (sooner
// after failures, with backoff), until stop().
class RefreshScheduler {
 public:
  RefreshScheduler(const Settings& settings, store::Store& store, std::string worker_binary);
  ~RefreshScheduler();
  void start();
  void stop();

 private:
  void run();
  std::int64_t next_due(const core::FeedConfig& feed);

  const Settings& settings_;
  store::Store& store_;
  std::string worker_binary_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace concerto::app
