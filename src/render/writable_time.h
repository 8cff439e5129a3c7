#pragma once
// Private to render/: which times the writers can put in an ICS or JSON date. Parse keeps years
// to 1..9999, but a writer must never emit a date outside it whatever it is handed.

#include "core/event.h"

namespace concerto::render::detail {

// True when every form a writer may print `time` in (its date, its wall time, its instant in
// UTC or in any zone's offset) has a year in 1..9999.
bool is_writable(const core::EventTime& time);

}  // namespace concerto::render::detail
