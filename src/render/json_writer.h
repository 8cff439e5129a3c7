#pragma once
// The JSON view of the agenda: {"events":[...]} with recurring series expanded to occurrences.

#include <cstdint>
#include <string>
#include <vector>

#include "core/event.h"
#include "dedup/dedup.h"

namespace concerto::render {

struct JsonWindow {
  std::int64_t from_utc = 0;  // occurrences ending at or before are left out
  std::int64_t to_utc = 0;    // occurrences starting at or after are left out
};

// Occurrences are those stored under a merged event's (event.feed_id, source_uid); the others
// (copies that lost the merge) are left out; each occurrence carries the
// fields of its override when it has one, else of its series. Ordered by start, then uid.
// Times: all-day "2026-10-19" (end exclusive), timed "2026-10-19T09:30:00+02:00" in the event's
// zone, "...Z" for UTC. "recurrence_id", "rrule", "url", "organizer" and "timezone" are null
// when absent; other text fields are strings, possibly empty. Output is valid UTF-8.
std::string render_json(const std::vector<dedup::MergedEvent>& events,
                        const std::vector<core::Occurrence>& occurrences, const JsonWindow& window);

}  // namespace concerto::render
