#pragma once
// A static check of an RRULE before libical expands it: libical 3.0.16 loops for minutes on
// rules that can never match a day (FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30) and accepts parts
// outside RFC 5545.

#include <optional>
#include <string>
#include <string_view>

#include "core/civil_time.h"

namespace concerto::parse {

// nullopt when `rule` (the text after "RRULE:") is well-formed and can produce an occurrence
// for a series starting on `start`; otherwise why not, e.g. "BYMONTHDAY=30 never falls in
// BYMONTH=2".
std::optional<std::string> check_rrule(std::string_view rule, const core::Date& start);

}  // namespace concerto::parse
