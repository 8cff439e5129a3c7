#pragma once
// What deduplication remembers between runs, shared by dedup (which decides) and store (which
// keeps it): the source events a merged event stands for, the merged UID each source was given,
// the SEQUENCE of each merged event, and the administrator's merge decisions.

#include <cstdint>
#include <string>

namespace concerto::core {

// One source event: a feed's UID, and for one occurrence of a series its recurrence key
// (core::recurrence_key / EventTime::key of the occurrence's original start), else "".
struct SourceRef {
  std::string feed_id;
  std::string uid;
  std::string recurrence;
  bool operator==(const SourceRef&) const = default;
  auto operator<=>(const SourceRef&) const = default;
};

// A text key for maps and the store: the three fields joined by U+001F.
std::string source_key(const SourceRef& source);

// The merged UID a source event was last given.
struct MergeIdentity {
  std::string source_key;  // source_key(SourceRef)
  std::string merged_uid;
  std::int64_t saved_at = 0;  // UTC seconds of the last save (set by the store)
};

// The SEQUENCE of one merged VEVENT (series or override) and a hash of what it said then.
struct MergeSequence {
  std::string merged_key;  // merged UID, U+001F, recurrence key ("" for a series/single)
  std::string content_hash;
  int sequence = 0;
  std::int64_t saved_at = 0;  // UTC seconds of the last save (set by the store)
};

// What the writer re-saves so that the rows of events still listed stay fresh, and what the
// store forgets: rows of source events gone (not re-saved) for kMergeMemoryForgetSeconds.
inline constexpr std::int64_t kMergeMemoryTouchSeconds = 30 * 86400;
inline constexpr std::int64_t kMergeMemoryForgetSeconds = 180 * 86400;

enum class MergeDecisionKind { kJoin, kApart };

// An administrator's decision about two source events; it holds across every later refresh.
// Stored with `a` <= `b`, one decision per pair (the latest wins).
struct MergeDecision {
  SourceRef a;
  SourceRef b;
  MergeDecisionKind kind = MergeDecisionKind::kJoin;
  std::int64_t decided_at = 0;  // UTC seconds
};

const char* to_string(MergeDecisionKind kind);

}  // namespace concerto::core
