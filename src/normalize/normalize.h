#pragma once
// Makes a feed's events comparable: resolved instants, clean text, safe URLs, defaults.

#include <string>
#include <vector>

#include "core/event.h"
#include "core/feed.h"
#include "core/problem.h"

namespace concerto::normalize {

struct FeedDefaults {
  std::string feed_id;
  std::string timezone;  // canonical; floating times are read in it
  std::string category;  // added when an event has no category
};

// In place: sets feed_id; resolves floating times in defaults.timezone; fills a missing end
// (all-day: next day; timed: the start); repairs an end before the start (with a warning);
// cleans text; drops non-http(s) URLs (warning); lower-level duplicates of the same
// (uid, recurrence-id) keep the highest SEQUENCE, then LAST-MODIFIED, then the later one.
void normalize_events(std::vector<core::Event>& events, const FeedDefaults& defaults,
                      core::Problems& problems);

}  // namespace concerto::normalize
