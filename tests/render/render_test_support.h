#pragma once
// Builders for render tests, and libical handles for reading our output back.

#include <libical/ical.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/time_zone.h"
#include "dedup/dedup.h"

namespace concerto::render::testing {

struct IcalComponentFree {
  void operator()(icalcomponent* component) const { icalcomponent_free(component); }
};
using IcalComponent = std::unique_ptr<icalcomponent, IcalComponentFree>;

struct IcalTimezoneFree {
  void operator()(icaltimezone* zone) const { icaltimezone_free(zone, 1); }
};
using IcalTimezone = std::unique_ptr<icaltimezone, IcalTimezoneFree>;

inline IcalComponent parse_ical(const std::string& text) {
  return IcalComponent(icalparser_parse_string(text.c_str()));
}

inline core::LocalDateTime at(int year, int month, int day, int hour = 0, int minute = 0,
                              int second = 0) {
  return core::LocalDateTime{core::Date{year, month, day}, hour, minute, second};
}

// A timed value in a zone, with its instant computed the way normalize does.
inline core::EventTime timed(const std::string& tzid, const core::LocalDateTime& local) {
  const core::ZonePtr zone = core::find_zone(tzid);
  if (zone == nullptr) throw std::invalid_argument("unknown zone " + tzid);
  core::EventTime time;
  time.tzid = zone->name();
  time.local = local;
  time.utc = zone->to_utc(local);
  return time;
}

inline core::EventTime utc_time(const core::LocalDateTime& local) { return timed("UTC", local); }

inline core::EventTime day(int year, int month, int day_of_month) {
  core::EventTime time;
  time.all_day = true;
  time.date = core::Date{year, month, day_of_month};
  return time;
}

inline core::Event make_event(const std::string& feed_id, const std::string& uid,
                              const core::EventTime& start, const core::EventTime& end) {
  core::Event event;
  event.feed_id = feed_id;
  event.uid = uid;
  event.summary = "Event " + uid;
  event.start = start;
  event.end = end;
  return event;
}

inline dedup::MergedEvent merged(core::Event event) {
  dedup::MergedEvent result;
  result.sources.push_back({event.feed_id, event.uid, core::recurrence_key(event)});
  result.source_uid = event.uid;
  result.event = std::move(event);
  return result;
}

// Physical lines without their CRLF.
inline std::vector<std::string> physical_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find("\r\n", start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// RFC 5545 3.1 unfolding.
inline std::vector<std::string> unfolded_lines(const std::string& text) {
  std::vector<std::string> lines;
  for (const std::string& line : physical_lines(text)) {
    if (!line.empty() && line.front() == ' ' && !lines.empty()) {
      lines.back() += line.substr(1);
    } else {
      lines.push_back(line);
    }
  }
  return lines;
}

}  // namespace concerto::render::testing
