#pragma once
// Expands recurring series into occurrences (libical's recurrence iterator), applies EXDATE,
// RDATE and RECURRENCE-ID overrides, within a bounded window and count.

#include <cstdint>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/limits.h"
#include "core/problem.h"

namespace concerto::normalize {

struct ExpansionWindow {
  std::int64_t from_utc = 0;  // occurrences ending before are dropped
  std::int64_t to_utc = 0;    // occurrences starting at or after are dropped
  // A series' occurrence budget is spent from here on first (at most a quarter goes to the
  // past), so a dense series keeps its coming occurrences. 0 = from_utc.
  std::int64_t now_utc = 0;
  std::string timezone;  // the feed's zone: the day a UTC UNTIL of an all-day series falls on
};

// Every event yields its occurrences: a single event one, a series each instance (wall-clock
// times kept in the series' zone across DST), an override replaces the instance it names.
// A series hitting limits.max_occurrences_per_series is cut there with a warning; a feed whose
// rules need more than a fixed number of iterations in all has its remaining series reduced to
// their first occurrence, with a warning. The result is sorted by start.
std::vector<core::Occurrence> expand_occurrences(const std::vector<core::Event>& events,
                                                 const ExpansionWindow& window,
                                                 const core::IngestLimits& limits,
                                                 core::Problems& problems);

}  // namespace concerto::normalize
