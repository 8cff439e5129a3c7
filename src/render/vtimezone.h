#pragma once
// VTIMEZONE components built from our zone tables, kept to the years the calendar uses.

#include <string>

#include "core/time_zone.h"

namespace concerto::render {

// Observances for every transition from `from_year` to `to_year`, the last year's as a yearly
// RRULE so that clients can extend the zone past the range. Lines are CRLF-terminated.
std::string render_vtimezone(const core::TimeZone& zone, int from_year, int to_year);

}  // namespace concerto::render
