#pragma once
// A linear pass over raw ICS text that enforces the limits libical cannot be trusted with:
// libical 3.0.16 is quadratic on long unfolded lines, overflows the stack freeing deeply nested
// components, and silently drops RDATE/EXDATE values past 500.

#include <string_view>
#include <vector>

#include "core/limits.h"
#include "core/problem.h"
#include "core/result.h"

namespace concerto::parse {

struct ComponentSpan {
  std::string_view text;  // from BEGIN: to the end of its END: line, folded as in the file
  int line = 0;           // 1-based line of BEGIN:
};

struct IcsLayout {
  std::vector<ComponentSpan> events;     // each top-level VEVENT (with its VALARMs)
  std::vector<ComponentSpan> timezones;  // each top-level VTIMEZONE
  std::string_view header;  // the VCALENDAR's own property lines (before the first component)
  int header_line = 0;      // 1-based line of the header's first line
  int line_count = 0;
  bool complete = false;  // END:VCALENDAR was reached: the document was not cut short
};

// Splits a VCALENDAR into its components in one O(n) pass (CRLF, LF or CR line ends; folded
// lines). Fails (with the limit's name and the line) when the document is not a VCALENDAR, is
// over limits.max_bytes, an unfolded line is longer than limits.max_line_bytes, nesting is
// deeper than limits.max_depth, or there are more than limits.max_events VEVENTs. A component
// with a missing or stray END, or whose RDATE/EXDATE/CATEGORIES/RESOURCES values (summed over
// its lines of one name) exceed limits.max_values_per_property, is reported as an error and
// skipped, the rest kept. VTODO/VJOURNAL/VFREEBUSY are counted in one warning per kind.
core::Result<IcsLayout> prescan_ics(std::string_view text, const core::IngestLimits& limits,
                                    core::Problems& problems);

}  // namespace concerto::parse
