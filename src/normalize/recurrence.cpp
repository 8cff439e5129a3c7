#include "normalize/recurrence.h"

#include <libical/ical.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "core/time_zone.h"

namespace concerto::normalize {
namespace {

// Instances examined per series, in or out of the window: bounds the time a FREQ=SECONDLY rule
// starting decades ago can cost (the worker's CPU limit is the backstop).
constexpr int kMaxIterations = 500000;

struct IteratorDeleter {
  void operator()(icalrecur_iterator* iterator) const { icalrecur_iterator_free(iterator); }
};
using IteratorPtr = std::unique_ptr<icalrecur_iterator, IteratorDeleter>;

icaltimetype to_ical(const core::EventTime& time) {
  icaltimetype out = icaltime_null_time();
  if (time.all_day) {
    out.year = time.date.year;
    out.month = time.date.month;
    out.day = time.date.day;
    out.is_date = 1;
    return out;
  }
  out.year = time.local.date.year;
  out.month = time.local.date.month;
  out.day = time.local.date.day;
  out.hour = time.local.hour;
  out.minute = time.local.minute;
  out.second = time.local.second;
  return out;  // floating: the iterator works on wall-clock times of the series' zone
}

core::EventTime instance_time(const core::EventTime& start, const core::TimeZone* zone,
                              const icaltimetype& value) {
  core::EventTime out = start;
  if (start.all_day) {
    out.date = {value.year, value.month, value.day};
    return out;
  }
  out.local = {{value.year, value.month, value.day}, value.hour, value.minute, value.second};
  out.utc = zone != nullptr ? zone->to_utc(out.local) : core::seconds_from_civil(out.local);
  return out;
}

std::int64_t start_seconds(const core::EventTime& time) {
  return time.all_day ? core::days_from_civil(time.date) * 86400 : time.utc;
}

// The instance of `start` shifted like the series' first instance to its end.
core::EventTime shifted_end(const core::Event& series, const core::EventTime& instance,
                            const core::TimeZone* zone) {
  core::EventTime end = series.end;
  if (series.start.all_day) {
    end.date = core::add_days(instance.date, core::days_from_civil(series.end.date) -
                                                 core::days_from_civil(series.start.date));
    return end;
  }
  end.utc = instance.utc + (series.end.utc - series.start.utc);
  if (zone != nullptr && end.tzid == instance.tzid) {
    end.local = zone->to_local(end.utc);
  } else if (core::ZonePtr end_zone = core::find_zone(end.tzid)) {
    end.local = end_zone->to_local(end.utc);
  } else {
    end.local = core::civil_from_seconds(end.utc);
  }
  return end;
}

bool overlaps(const core::Occurrence& occurrence, const ExpansionWindow& window) {
  return start_seconds(occurrence.end) > window.from_utc &&
         start_seconds(occurrence.start) < window.to_utc;
}

// Matching key of an instance: EXDATE/RECURRENCE-ID may name it in another zone, or by date.
std::string instance_key(const core::EventTime& time) { return time.key(); }

void warn(core::Problems& problems, const core::Event& event, std::string message) {
  problems.push_back({core::Severity::kWarning, event.source_line, event.uid, std::move(message)});
}

// Expands one series to its instance start times (wall-clock), RDATEs added, EXDATEs removed.
std::vector<core::EventTime> series_instances(const core::Event& series, const core::TimeZone* zone,
                                              const ExpansionWindow& window,
                                              const core::IngestLimits& limits,
                                              core::Problems& problems) {
  std::vector<core::EventTime> instances;
  const std::int64_t duration = start_seconds(series.end) - start_seconds(series.start);
  if (!series.rrule.empty()) {
    icalrecurrencetype rule = icalrecurrencetype_from_string(series.rrule.c_str());
    if (rule.freq == ICAL_NO_RECURRENCE) {
      warn(problems, series,
           "RRULE not understood, only the first occurrence is kept: " + series.rrule);
    } else {
      // A UTC UNTIL is an instant; the iterator compares it with wall-clock times, so it is
      // moved into the series' zone first (else the last instance can be lost).
      if (!icaltime_is_null_time(rule.until) && !rule.until.is_date && zone != nullptr &&
          icaltime_is_utc(rule.until)) {
        const std::int64_t until = icaltime_as_timet(rule.until);
        const core::LocalDateTime local = zone->to_local(until);
        icaltimetype wall = icaltime_null_time();
        wall.year = local.date.year;
        wall.month = local.date.month;
        wall.day = local.date.day;
        wall.hour = local.hour;
        wall.minute = local.minute;
        wall.second = local.second;
        rule.until = wall;
      }
      if (series.start.all_day && !icaltime_is_null_time(rule.until)) rule.until.is_date = 1;
      IteratorPtr iterator(icalrecur_iterator_new(rule, to_ical(series.start)));
      if (!iterator) {
        warn(problems, series, "RRULE cannot be expanded: " + series.rrule);
      } else {
        int iterations = 0;
        int in_window = 0;
        for (icaltimetype next = icalrecur_iterator_next(iterator.get());
             !icaltime_is_null_time(next); next = icalrecur_iterator_next(iterator.get())) {
          if (++iterations > kMaxIterations) {
            warn(problems, series,
                 "recurrence expansion stopped after " + std::to_string(kMaxIterations) +
                     " instances");
            break;
          }
          core::EventTime instance = instance_time(series.start, zone, next);
          const std::int64_t begins = start_seconds(instance);
          if (begins >= window.to_utc) break;
          if (begins + std::max<std::int64_t>(duration, 1) <= window.from_utc) continue;
          if (++in_window > limits.max_occurrences_per_series) {
            warn(problems, series,
                 "series cut at limits.max_occurrences_per_series (" +
                     std::to_string(limits.max_occurrences_per_series) + ")");
            break;
          }
          instances.push_back(std::move(instance));
        }
      }
    }
  }
  // DTSTART is always the first instance, even when the rule does not match it (RFC 5545).
  const bool first_listed = std::any_of(instances.begin(), instances.end(), [&](const auto& t) {
    return instance_key(t) == instance_key(series.start);
  });
  if (!first_listed) instances.insert(instances.begin(), series.start);
  for (const core::EventTime& rdate : series.rdates) {
    core::EventTime instance = rdate;
    if (!series.start.all_day && rdate.all_day) continue;  // a date cannot start a timed series
    if (series.start.all_day && !rdate.all_day) {
      instance = series.start;
      instance.date = rdate.local.date;
    }
    instances.push_back(std::move(instance));
  }
  std::set<std::string> excluded;
  std::set<core::Date> excluded_dates;  // EXDATE;VALUE=DATE on a timed series
  for (const core::EventTime& exdate : series.exdates) {
    if (exdate.all_day && !series.start.all_day) {
      excluded_dates.insert(exdate.date);
    } else {
      excluded.insert(instance_key(exdate));
    }
  }
  std::set<std::string> listed;
  std::vector<core::EventTime> kept;
  for (core::EventTime& instance : instances) {
    const std::string key = instance_key(instance);
    if (excluded.count(key) != 0 || !listed.insert(key).second) continue;
    if (!instance.all_day && excluded_dates.count(instance.local.date) != 0) continue;
    kept.push_back(std::move(instance));
  }
  return kept;
}

}  // namespace

std::vector<core::Occurrence> expand_occurrences(const std::vector<core::Event>& events,
                                                 const ExpansionWindow& window,
                                                 const core::IngestLimits& limits,
                                                 core::Problems& problems) {
  // Overrides by (uid, original start key), so each can replace the instance it names.
  std::map<std::pair<std::string, std::string>, const core::Event*> overrides;
  std::set<std::string> series_uids;
  for (const core::Event& event : events) {
    if (event.recurrence_id) {
      overrides[{event.uid, instance_key(*event.recurrence_id)}] = &event;
    } else if (event.recurring()) {
      series_uids.insert(event.uid);
    }
  }

  std::vector<core::Occurrence> occurrences;
  for (const core::Event& event : events) {
    if (event.recurrence_id) {
      // An override stands on its own; when its series exists it was also named by it.
      core::Occurrence occurrence{event.feed_id, event.uid, event.recurrence_id,
                                  event.start,   event.end, series_uids.count(event.uid) != 0};
      if (!occurrence.from_override) occurrence.recurrence_id.reset();
      if (overlaps(occurrence, window)) occurrences.push_back(std::move(occurrence));
      continue;
    }
    if (!event.recurring()) {
      core::Occurrence occurrence{event.feed_id, event.uid, std::nullopt,
                                  event.start,   event.end, false};
      if (overlaps(occurrence, window)) occurrences.push_back(std::move(occurrence));
      continue;
    }
    core::ZonePtr zone = event.start.all_day ? nullptr : core::find_zone(event.start.tzid);
    for (core::EventTime& instance :
         series_instances(event, zone.get(), window, limits, problems)) {
      if (overrides.count({event.uid, instance_key(instance)}) != 0) continue;  // replaced
      core::Occurrence occurrence{
          event.feed_id, event.uid, instance, instance, shifted_end(event, instance, zone.get()),
          false};
      if (overlaps(occurrence, window)) occurrences.push_back(std::move(occurrence));
    }
  }
  std::sort(occurrences.begin(), occurrences.end(), [](const auto& a, const auto& b) {
    const auto sa = start_seconds(a.start), sb = start_seconds(b.start);
    if (sa != sb) return sa < sb;
    return a.uid < b.uid;
  });
  return occurrences;
}

}  // namespace concerto::normalize
