#pragma once
// The event store: one SQLite file (Poco::Data), schema migrated on open, each feed's events
// replaced as one snapshot in one transaction. Thread-safe: calls are serialized internally.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/feed.h"
#include "core/merge_records.h"
#include "core/problem.h"
#include "core/result.h"

namespace concerto::store {

// What becomes of events a healthy feed stops listing: an upcoming one (an occurrence still ends
// after `now_utc`) is kept, read back as cancelled with Event::vanished_at set, for
// `keep_seconds` after it vanished; then it is dropped. keep_seconds = 0 drops it at once.
struct VanishPolicy {
  std::int64_t now_utc = 0;
  std::int64_t keep_seconds = 0;
};

struct FeedSnapshot {
  std::vector<core::Event> events;
  std::vector<core::Occurrence> occurrences;
  VanishPolicy vanish;
};

// One occurrence with what a preview shows of its event.
struct PreviewOccurrence {
  core::Occurrence occurrence;
  std::string summary;
  std::string location;
  bool cancelled = false;  // cancelled by the feed, or vanished from it
};

// What deduplication remembers between runs (see core/merge_records.h).
struct MergeMemory {
  std::vector<core::MergeIdentity> identities;
  std::vector<core::MergeSequence> sequences;
  std::vector<core::MergeDecision> decisions;
};

inline constexpr std::size_t kMaxStoredProblems = 200;

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

  // The public agenda: every feed but those a moderator has not approved yet (registry.h).
  virtual core::Result<std::vector<core::Event>> events() = 0;  // by feed then uid
  virtual core::Result<std::vector<core::Occurrence>> occurrences(std::int64_t from_utc,
                                                                  std::int64_t to_utc) = 0;
  // Of the public feeds (as events()); status() reads any feed's.
  virtual core::Result<std::vector<core::FeedStatus>> statuses() = 0;
  virtual core::Result<std::optional<core::FeedStatus>> status(const std::string& feed_id) = 0;

  // The problems of the feed's last stored snapshot (at most kMaxStoredProblems, in order),
  // replaced as a whole; for its partner, who fixes them.
  virtual core::Status save_problems(const std::string& feed_id,
                                     const core::Problems& problems) = 0;
  virtual core::Result<core::Problems> problems(const std::string& feed_id) = 0;

  // The first `limit` occurrences of one feed ending after `from_utc`, by start, public or not:
  // what its partner previews on /partners.
  virtual core::Result<std::vector<PreviewOccurrence>> feed_preview(const std::string& feed_id,
                                                                    std::int64_t from_utc,
                                                                    int limit) = 0;

  // The distinct UIDs of the feed's upcoming events (an occurrence ends after `now_utc`), not
  // counting those kept as vanished: what its subscribers are about to see. Not pure, so that
  // test doubles need not answer it: by default an error (the caller compares nothing).
  virtual core::Result<std::vector<std::string>> upcoming_uids(const std::string& feed_id,
                                                               std::int64_t now_utc) {
    (void)now_utc;
    return core::Error{"feed '" + feed_id + "': this store does not list upcoming UIDs"};
  }

  virtual core::Result<MergeMemory> merge_memory() = 0;
  // Inserts or replaces the given identities (by source key) and sequences (by merged key), in
  // one transaction; rows not given stay.
  virtual core::Status save_merge_memory(const std::vector<core::MergeIdentity>& identities,
                                         const std::vector<core::MergeSequence>& sequences) = 0;
  // Records decisions, replacing any earlier decision about the same pair (a, b sorted first).
  virtual core::Status add_merge_decisions(const std::vector<core::MergeDecision>& decisions) = 0;

  // Changes whenever stored events change, also when written by another process.
  virtual core::Result<std::int64_t> generation() = 0;
  // UTC seconds of the last change of stored events (for Last-Modified).
  virtual core::Result<std::int64_t> last_change() = 0;
};

}  // namespace concerto::store
