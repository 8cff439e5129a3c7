#pragma once
// Dates and times as feeds other than iCalendar write them: W3C-DTF / ISO 8601 / RFC 3339
// ("2027-03-04", "2027-03-04T18:30:00.000+01:00", "20270304T183000Z") for RSS modules, Atom,
// xCal and schema.org JSON-LD.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/civil_time.h"
#include "core/event.h"

namespace concerto::parse {

// A date, or a wall time with or without an offset.
struct Stamp {
  bool is_date = false;
  core::LocalDateTime local;
  std::optional<int> offset;  // seconds east of UTC

  std::int64_t utc() const { return core::seconds_from_civil(local) - offset.value_or(0); }
  // All-day for a date, an instant in UTC with an offset, a floating wall time without one.
  core::EventTime event_time() const;
};

// Why a value is not a date ("is an impossible date", ...), or the value.
struct StampOrWhy {
  std::optional<Stamp> stamp;
  std::string why;
};

// Extended or basic form; a space may stand for the "T"; fractions of seconds are dropped; a
// leap second is read as :59.
StampOrWhy parse_iso(std::string_view text);

// `count` decimal digits at `at`.
bool digits(std::string_view text, std::size_t at, std::size_t count, int& value);

// "Z", "+01:00", "+0100", "+01" at `at`: the length read, 0 when there is none, npos when
// malformed.
std::size_t parse_offset(std::string_view text, std::size_t at, std::optional<int>& offset);

}  // namespace concerto::parse
