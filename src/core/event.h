#pragma once
// The event model shared by every stage: what a feed said (parse), made comparable (normalize),
// stored per feed (store), and served (render).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/civil_time.h"

namespace concerto::core {

enum class EventStatus { kConfirmed, kTentative, kCancelled };

// One DTSTART/DTEND/RECURRENCE-ID/RDATE/EXDATE value.
struct EventTime {
  bool all_day = false;
  Date date;             // all-day events: the calendar date
  LocalDateTime local;   // timed: the wall time in `tzid` (the UTC time when tzid is "UTC")
  std::string tzid;      // timed: canonical zone name, "UTC", or empty for a floating time
  std::int64_t utc = 0;  // timed: the instant, seconds since the epoch (set by normalize)

  bool floating() const { return !all_day && tzid.empty(); }
  // Seconds to order and window times by: the instant of a timed value, midnight UTC of a
  // date, the wall time read as UTC for a floating value.
  std::int64_t sort_seconds() const;
  // A stable text key: "20261019" for dates, the UTC instant "20261019T073000Z" otherwise.
  std::string key() const;
  bool operator==(const EventTime&) const = default;
};

struct Event {
  std::string feed_id;
  std::string uid;
  std::optional<EventTime> recurrence_id;  // set on an override of one occurrence
  std::string summary;
  std::string description;  // plain text
  std::string location;
  std::string url;        // http(s) only after normalize
  std::string organizer;  // "CN=Name:mailto:x@y" kept as "Name <x@y>" or the address
  std::vector<std::string> categories;
  EventStatus status = EventStatus::kConfirmed;
  EventTime start;
  EventTime end;      // exclusive; derived from DURATION or defaults when the feed gave none
  std::string rrule;  // the producer's RRULE text, verbatim
  std::vector<EventTime> rdates;
  std::vector<EventTime> exdates;
  std::int64_t last_modified = 0;  // UTC seconds; 0 when unknown
  int sequence = 0;
  int source_line = 0;  // line of BEGIN:VEVENT (or the item) in the feed, for reports
  // UTC seconds when this upcoming event disappeared from its (healthy) feed; 0 while the feed
  // still lists it. The store keeps a vanished event for a while, read back as cancelled.
  std::int64_t vanished_at = 0;

  bool recurring() const { return !rrule.empty() || !rdates.empty(); }
};

// One concrete instance of an event: a single event, an expanded occurrence of a series, or an
// override. `recurrence_id` is the original start for instances of a series.
struct Occurrence {
  std::string feed_id;
  std::string uid;
  std::optional<EventTime> recurrence_id;
  EventTime start;
  EventTime end;
  bool from_override = false;  // the fields come from the override event, not the series
};

// "" for a series or single event, else the key of its RECURRENCE-ID.
std::string recurrence_key(const Event& event);

const char* to_string(EventStatus status);
std::optional<EventStatus> event_status_from_string(const std::string& text);

}  // namespace concerto::core
