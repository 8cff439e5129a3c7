#include "core/event.h"

namespace concerto::core {

std::string EventTime::key() const {
  if (all_day) return format_ics_date(date);
  if (floating()) return format_ics_local(local);
  return format_ics_local(civil_from_seconds(utc)) + "Z";
}

std::int64_t EventTime::sort_seconds() const {
  if (all_day) return days_from_civil(date) * 86400;
  if (floating()) return seconds_from_civil(local);
  return utc;
}

std::string recurrence_key(const Event& event) {
  return event.recurrence_id ? event.recurrence_id->key() : std::string();
}

const char* to_string(EventStatus status) {
  switch (status) {
    case EventStatus::kConfirmed:
      return "confirmed";
    case EventStatus::kTentative:
      return "tentative";
    case EventStatus::kCancelled:
      return "cancelled";
  }
  return "confirmed";
}

std::optional<EventStatus> event_status_from_string(const std::string& text) {
  if (text == "confirmed" || text == "CONFIRMED") return EventStatus::kConfirmed;
  if (text == "tentative" || text == "TENTATIVE") return EventStatus::kTentative;
  if (text == "cancelled" || text == "CANCELLED") return EventStatus::kCancelled;
  return std::nullopt;
}

}  // namespace concerto::core
