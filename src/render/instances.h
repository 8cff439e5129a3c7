#pragma once
// The concrete instances of the merged agenda: every stored occurrence whose (feed, uid) won
// its merge, paired with the merged event whose fields it shows. Shared by the JSON writer and
// the web pages.

#include <cstdint>
#include <vector>

#include "core/event.h"
#include "dedup/dedup.h"

namespace concerto::render {

struct Instance {
  std::int64_t start = 0;  // occurrence->start.sort_seconds()
  std::int64_t end = 0;    // occurrence->end.sort_seconds()
  const core::Occurrence* occurrence = nullptr;
  // The fields: the override of this occurrence when there is one (the feed's own, or one
  // deduplication made when another feed listed this occurrence alone), else the series.
  const dedup::MergedEvent* source = nullptr;
  const dedup::MergedEvent* series = nullptr;  // the series or single event of (feed, uid)
  std::int64_t recurrence = 0;                 // RECURRENCE-ID seconds, else start
};

// Instances overlapping [from_utc, to_utc) (an instant event counts when it starts inside),
// ordered by start, merged uid, recurrence. Times JSON or ICS cannot write (years outside
// 1..9999) are left out. The pointers are into `events` and `occurrences`.
std::vector<Instance> merged_instances(const std::vector<dedup::MergedEvent>& events,
                                       const std::vector<core::Occurrence>& occurrences,
                                       std::int64_t from_utc, std::int64_t to_utc);

}  // namespace concerto::render
