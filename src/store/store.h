#pragma once
// The event store: one SQLite file (Poco::Data), schema migrated on open, each feed's events
// replaced as one snapshot in one transaction. Thread-safe: calls are serialized internally.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/feed.h"
#include "core/result.h"

namespace concerto::store {

struct FeedSnapshot {
  std::vector<core::Event> events;
  std::vector<core::Occurrence> occurrences;
};

class Store {
 public:
  // `path` is a file name (created when missing) or ":memory:".
  static core::Result<std::unique_ptr<Store>> open(const std::string& path);
  virtual ~Store() = default;

  // Replaces the feed's events and occurrences and writes its status, atomically.
  virtual core::Status replace_snapshot(const std::string& feed_id, const FeedSnapshot& snapshot,
                                        const core::FeedStatus& status) = 0;
  // Records an attempt that stored nothing (error, 304): the previous events stay.
  virtual core::Status record_status(const core::FeedStatus& status) = 0;
  // Drops the events and status of feeds that are no longer configured.
  virtual core::Status remove_feeds_except(const std::vector<std::string>& feed_ids) = 0;

  virtual core::Result<std::vector<core::Event>> events() = 0;  // every feed, by feed then uid
  virtual core::Result<std::vector<core::Occurrence>> occurrences(std::int64_t from_utc,
                                                                  std::int64_t to_utc) = 0;
  virtual core::Result<std::vector<core::FeedStatus>> statuses() = 0;
  virtual core::Result<std::optional<core::FeedStatus>> status(const std::string& feed_id) = 0;

  // Changes whenever stored events change, also when written by another process.
  virtual core::Result<std::int64_t> generation() = 0;
  // UTC seconds of the last change of stored events (for Last-Modified).
  virtual core::Result<std::int64_t> last_change() = 0;
};

}  // namespace concerto::store
