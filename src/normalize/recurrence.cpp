#include "normalize/recurrence.h"

#include <libical/ical.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <set>

#include "core/time_zone.h"

namespace concerto::normalize {
namespace {

// Instances examined per series, in or out of the window (limits.max_recurrence_steps bounds
// the feed): one rule like FREQ=SECONDLY never takes a whole feed's budget.
constexpr int kMaxIterationsPerSeries = 500000;

struct IteratorDeleter {
  void operator()(icalrecur_iterator* iterator) const { icalrecur_iterator_free(iterator); }
};
using IteratorPtr = std::unique_ptr<icalrecur_iterator, IteratorDeleter>;

icaltimetype ical_date(const core::Date& date) {
  icaltimetype out = icaltime_null_time();
  out.year = date.year;
  out.month = date.month;
  out.day = date.day;
  out.is_date = 1;
  return out;
}

// Floating: the iterator works on wall-clock times of the series' zone.
icaltimetype ical_local(const core::LocalDateTime& time) {
  icaltimetype out = ical_date(time.date);
  out.is_date = 0;
  out.hour = time.hour;
  out.minute = time.minute;
  out.second = time.second;
  return out;
}

icaltimetype to_ical(const core::EventTime& time) {
  return time.all_day ? ical_date(time.date) : ical_local(time.local);
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

// The instance `start` shifted like the series' first instance to its end.
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
  return occurrence.end.sort_seconds() > window.from_utc &&
         occurrence.start.sort_seconds() < window.to_utc;
}

// How EXDATE, RDATE and RECURRENCE-ID values name an instance: by date in an all-day series
// (whatever form the value has), by instant otherwise.
std::string match_key(const core::EventTime& time, bool all_day_series) {
  if (all_day_series) return core::format_ics_date(time.all_day ? time.date : time.local.date);
  return time.key();
}

void warn(core::Problems& problems, const core::Event& event, std::string message) {
  problems.push_back({core::Severity::kWarning, event.source_line, event.uid, std::move(message)});
}

class SeriesExpander {
 public:
  SeriesExpander(const ExpansionWindow& window, const core::IngestLimits& limits,
                 core::Problems& problems)
      : window_(window), limits_(limits), problems_(problems) {
    now_ = window.now_utc != 0 ? window.now_utc : window.from_utc;
    feed_zone_ = core::find_zone(window.timezone);
    if (!feed_zone_) feed_zone_ = core::utc_zone();
  }

  // The series' instance start times (wall-clock), RDATEs added, EXDATEs removed.
  std::vector<core::EventTime> instances(const core::Event& series, const core::TimeZone* zone) {
    std::vector<core::EventTime> found;
    if (!series.rrule.empty()) found = rule_instances(series, zone);
    // DTSTART is always the first instance, even when the rule does not match it (RFC 5545).
    found.insert(found.begin(), series.start);
    for (const core::EventTime& rdate : series.rdates) {
      if (!series.start.all_day && rdate.all_day) continue;  // a date cannot start a timed series
      core::EventTime instance = rdate;
      if (series.start.all_day) {
        instance = series.start;
        instance.date = rdate.all_day ? rdate.date : rdate.local.date;
      }
      found.push_back(std::move(instance));
    }
    const bool all_day = series.start.all_day;
    std::set<std::string> excluded;
    std::set<core::Date> excluded_dates;  // EXDATE;VALUE=DATE on a timed series
    for (const core::EventTime& exdate : series.exdates) {
      if (exdate.all_day && !all_day) {
        excluded_dates.insert(exdate.date);
      } else {
        excluded.insert(match_key(exdate, all_day));
      }
    }
    std::set<std::string> listed;
    std::vector<core::EventTime> kept;
    for (core::EventTime& instance : found) {
      const std::string key = match_key(instance, all_day);
      if (excluded.count(key) != 0 || !listed.insert(key).second) continue;
      if (!all_day && excluded_dates.count(instance.local.date) != 0) continue;
      kept.push_back(std::move(instance));
    }
    return kept;
  }

 private:
  std::vector<core::EventTime> rule_instances(const core::Event& series,
                                              const core::TimeZone* zone) {
    icalrecurrencetype rule = icalrecurrencetype_from_string(series.rrule.c_str());
    if (rule.freq == ICAL_NO_RECURRENCE) {
      warn(problems_, series,
           "RRULE not understood, only the first occurrence is kept: " + series.rrule);
      return {};
    }
    if (iterations_ >= limits_.max_recurrence_steps) {
      warn(problems_, series,
           "limits.max_recurrence_steps (" + std::to_string(limits_.max_recurrence_steps) +
               ") is spent; only the first occurrence of this series is kept");
      return {};
    }
    adjust_until(rule, series, zone);
    IteratorPtr iterator(icalrecur_iterator_new(rule, to_ical(series.start)));
    if (!iterator) {
      warn(problems_, series, "RRULE cannot be expanded: " + series.rrule);
      return {};
    }
    const std::int64_t duration =
        std::max<std::int64_t>(series.end.sort_seconds() - series.start.sort_seconds(), 1);
    skip_to_window(iterator.get(), rule, series, zone, duration);

    // Past instances keep only the latest quarter of the budget; the rest goes to the future.
    const std::size_t budget = static_cast<std::size_t>(limits_.max_occurrences_per_series);
    const std::size_t past_budget = std::max<std::size_t>(budget / 4, 1);
    std::deque<core::EventTime> past;
    std::vector<core::EventTime> future;
    bool dropped_past = false;
    bool cut = false;
    int iterations = 0;
    for (icaltimetype next = icalrecur_iterator_next(iterator.get()); !icaltime_is_null_time(next);
         next = icalrecur_iterator_next(iterator.get())) {
      ++iterations_;
      if (++iterations > kMaxIterationsPerSeries || iterations_ > limits_.max_recurrence_steps) {
        warn(problems_, series,
             "recurrence expansion stopped after " + std::to_string(iterations) + " instances");
        break;
      }
      core::EventTime instance = instance_time(series.start, zone, next);
      const std::int64_t begins = instance.sort_seconds();
      if (begins >= window_.to_utc) break;
      if (begins + duration <= window_.from_utc) continue;
      if (begins < now_) {
        past.push_back(std::move(instance));
        if (past.size() > past_budget) {
          past.pop_front();
          dropped_past = true;
        }
        continue;
      }
      if (past.size() + future.size() >= budget) {
        cut = true;
        break;
      }
      future.push_back(std::move(instance));
    }
    if (cut || dropped_past) {
      warn(problems_, series,
           "series cut at limits.max_occurrences_per_series (" +
               std::to_string(limits_.max_occurrences_per_series) + ")" +
               (dropped_past ? "; the oldest past occurrences were dropped" : ""));
    }
    std::vector<core::EventTime> out(std::make_move_iterator(past.begin()),
                                     std::make_move_iterator(past.end()));
    out.insert(out.end(), std::make_move_iterator(future.begin()),
               std::make_move_iterator(future.end()));
    return out;
  }

  // A UTC UNTIL is an instant; the iterator compares it with wall-clock times, so it is moved
  // into the series' zone first (else the last instance can be lost or one gained). For an
  // all-day series, the day it falls on in the feed's zone.
  void adjust_until(icalrecurrencetype& rule, const core::Event& series,
                    const core::TimeZone* zone) const {
    if (icaltime_is_null_time(rule.until)) return;
    if (!rule.until.is_date && icaltime_is_utc(rule.until)) {
      const std::int64_t until = icaltime_as_timet(rule.until);
      if (series.start.all_day) {
        rule.until = ical_date(feed_zone_->to_local(until).date);
      } else if (zone != nullptr) {
        rule.until = ical_local(zone->to_local(until));
      }
    }
    if (series.start.all_day) rule.until.is_date = 1;
  }

  // Rules without COUNT can start near the window instead of at DTSTART (decades of a
  // FREQ=MINUTELY rule would otherwise be walked one by one).
  void skip_to_window(icalrecur_iterator* iterator, const icalrecurrencetype& rule,
                      const core::Event& series, const core::TimeZone* zone,
                      std::int64_t duration) const {
    if (rule.count != 0) return;
    const std::int64_t target = window_.from_utc - duration - 2 * 86400;
    if (series.start.sort_seconds() >= target) return;
    const icaltimetype start = series.start.all_day
                                   ? ical_date(core::civil_from_seconds(target).date)
                                   : ical_local(zone != nullptr ? zone->to_local(target)
                                                                : core::civil_from_seconds(target));
    icalrecur_iterator_set_start(iterator, start);  // on failure the walk starts at DTSTART
  }

  const ExpansionWindow& window_;
  const core::IngestLimits& limits_;
  core::Problems& problems_;
  std::int64_t now_ = 0;
  core::ZonePtr feed_zone_;
  std::int64_t iterations_ = 0;  // across the feed
};

}  // namespace

std::vector<core::Occurrence> expand_occurrences(const std::vector<core::Event>& events,
                                                 const ExpansionWindow& window,
                                                 const core::IngestLimits& limits,
                                                 core::Problems& problems) {
  std::map<std::string, bool> series_all_day;  // uid -> is the series all-day
  for (const core::Event& event : events) {
    if (!event.recurrence_id && event.recurring()) series_all_day[event.uid] = event.start.all_day;
  }
  // Overrides by (uid, instance key), so each can replace the instance it names.
  std::set<std::pair<std::string, std::string>> overridden;
  for (const core::Event& event : events) {
    if (!event.recurrence_id) continue;
    auto series = series_all_day.find(event.uid);
    if (series != series_all_day.end()) {
      overridden.insert({event.uid, match_key(*event.recurrence_id, series->second)});
    }
  }

  SeriesExpander expander(window, limits, problems);
  std::vector<core::Occurrence> occurrences;
  for (const core::Event& event : events) {
    if (event.recurrence_id) {
      // An override stands on its own; when its series exists it was also named by it.
      const bool of_series = series_all_day.count(event.uid) != 0;
      core::Occurrence occurrence{
          event.feed_id, event.uid, of_series ? event.recurrence_id : std::nullopt,
          event.start,   event.end, of_series};
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
    for (core::EventTime& instance : expander.instances(event, zone.get())) {
      if (overridden.count({event.uid, match_key(instance, event.start.all_day)}) != 0) continue;
      core::Occurrence occurrence{
          event.feed_id, event.uid, instance, instance, shifted_end(event, instance, zone.get()),
          false};
      if (overlaps(occurrence, window)) occurrences.push_back(std::move(occurrence));
    }
  }
  std::sort(occurrences.begin(), occurrences.end(), [](const auto& a, const auto& b) {
    const auto sa = a.start.sort_seconds(), sb = b.start.sort_seconds();
    if (sa != sb) return sa < sb;
    return a.uid < b.uid;
  });
  return occurrences;
}

}  // namespace concerto::normalize
