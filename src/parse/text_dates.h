#pragma once
// Finds the date of an event written only in prose (French or English), relative to the
// publication date of the item. Precision before recall: deadlines, validity starts,
// publication dates, vague periods and past reports give no event, and nothing is made up.

#include <optional>
#include <string>
#include <string_view>

#include "core/civil_time.h"
#include "core/event.h"

namespace concerto::parse {

struct ProseItem {
  std::string_view title;
  std::string_view text;  // plain text (see html_text.h)
  core::Date published;   // the item's publication day, in the feed's zone
};

struct ProseEvent {
  // All-day: dates, end exclusive. Timed: floating wall times (empty tzid); the feed's zone is
  // applied later. A time without an end gets end = start.
  core::EventTime start;
  core::EventTime end;
  std::string location;  // "Lille", "Maison des associations de Tours", "En ligne", or empty
};

struct ProseDate {
  std::optional<ProseEvent> event;
  std::string reason;  // when no event: why ("only a deadline", "no date found", ...)
};

ProseDate find_event_date(const ProseItem& item);

}  // namespace concerto::parse
