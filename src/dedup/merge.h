#pragma once
// Until fuzzy deduplication lands: events sharing a UID across feeds become one, taken from the
// feed with the highest priority (ties: the feed id, so the choice is stable).

#include <map>
#include <string>
#include <vector>

#include "core/event.h"

namespace concerto::dedup {

struct SourceRef {
  std::string feed_id;
  std::string uid;
  bool operator==(const SourceRef&) const = default;
};

struct MergedEvent {
  core::Event event;               // a series, a single event, or an override (recurrence_id set)
  std::vector<SourceRef> sources;  // every source event this one stands for
};

// All events of one UID come from the winning feed (its series and its overrides together), so
// a lower-priority feed's override never attaches to another feed's series.
std::vector<MergedEvent> merge_by_uid(const std::vector<core::Event>& events,
                                      const std::map<std::string, int>& feed_priority);

}  // namespace concerto::dedup
