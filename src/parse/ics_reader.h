#pragma once
// Reads an iCalendar document into events, one VEVENT at a time through libical, with every
// problem reported per event and line; one bad event never drops the rest.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/limits.h"
#include "core/problem.h"
#include "core/result.h"

namespace concerto::parse {

struct IcsDocument {
  std::vector<core::Event> events;
  std::string calendar_name;                    // X-WR-CALNAME, NAME
  std::string default_tzid;                     // X-WR-TIMEZONE, canonical
  std::optional<std::int64_t> refresh_seconds;  // REFRESH-INTERVAL or X-PUBLISHED-TTL
  bool complete = false;  // ends with END:VCALENDAR (false: likely a cut-short download)
};

// `text` is UTF-8 (see decode.h). Times with a TZID get their canonical zone and UTC instant:
// the system zone when the name is known (Olson, Windows, prefixed), else the document's own
// VTIMEZONE (matched to a system zone with the same offsets when one exists). Floating times
// keep an empty tzid for normalize to resolve; dates have all_day and no tzid. A VTIMEZONE that
// matches no system zone has its times converted to UTC (warning); an unknown TZID without one
// is read as floating (warning). Events are skipped (error, with the line) when DTSTART is
// missing, a date or time value is impossible, or the RRULE is malformed or can never match
// (libical would spin on it). An end (DTEND or DTSTART + DURATION) outside years 1..9999 is
// replaced by the default end (warning). Fails only when nothing of the document is usable (not a
// VCALENDAR, a limit hit on the whole file).
core::Result<IcsDocument> read_ics(std::string_view text, const core::IngestLimits& limits,
                                   core::Problems& problems);

}  // namespace concerto::parse
