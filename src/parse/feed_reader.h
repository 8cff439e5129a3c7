#pragma once
// Entry point of the parse stage: raw bytes of any supported format to events.

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

struct ParsedFeed {
  std::string format;  // the format actually read: "ics", ...
  std::vector<core::Event> events;
  std::string calendar_name;  // X-WR-CALNAME / NAME for ICS
  std::string default_tzid;
  std::optional<std::int64_t> refresh_seconds;  // the feed's own refresh hint
  bool complete = true;  // false when the document was cut short (no END:VCALENDAR)
};

// `format` is "auto" (detected from the content), "ics", "rss", "atom" or "html". Problems go
// to `problems`; the result fails only when nothing usable could be read. Error messages
// describe the content (kind and size), never quote it.
core::Result<ParsedFeed> read_feed(std::string_view bytes, std::string_view format,
                                   const core::IngestLimits& limits, core::Problems& problems);

// "ics", "rss", "atom", "html", or "" when the bytes look like none of them.
std::string detect_format(std::string_view bytes);

}  // namespace concerto::parse
