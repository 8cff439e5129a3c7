#include "normalize/normalize.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "core/text.h"
#include "core/time_zone.h"

namespace concerto::normalize {
namespace {

void warn(core::Problems& problems, const core::Event& event, std::string message) {
  problems.push_back({core::Severity::kWarning, event.source_line, event.uid, std::move(message)});
}

// Gives a floating time its instant in the feed's zone; fills utc for zoned times that lack it.
void resolve(core::EventTime& time, const core::ZonePtr& feed_zone) {
  if (time.all_day) return;
  if (time.tzid.empty()) {
    time.tzid = feed_zone->name();
    time.utc = feed_zone->to_utc(time.local);
    return;
  }
  if (time.utc == 0) {
    if (core::ZonePtr zone = core::find_zone(time.tzid)) time.utc = zone->to_utc(time.local);
  }
}

// The end of an event given as a start of another kind (all-day vs timed) is rebuilt from the
// start, which is what calendar clients do with such mixed events.
void fill_end(core::Event& event, bool had_end, core::Problems& problems) {
  core::EventTime& start = event.start;
  core::EventTime& end = event.end;
  if (!had_end || start.all_day != end.all_day) {
    if (had_end) warn(problems, event, "DTEND and DTSTART are of different kinds; end rebuilt");
    end = start;
    if (start.all_day) end.date = core::add_days(start.date, 1);
    return;
  }
  const bool before = start.all_day ? end.date < start.date : end.utc < start.utc;
  if (before) {
    warn(problems, event, "the end is before the start; the end was set to the start");
    end = start;
    if (start.all_day) end.date = core::add_days(start.date, 1);
  } else if (start.all_day && end.date == start.date) {
    end.date = core::add_days(start.date, 1);  // DTEND equal to DTSTART on dates means one day
  }
}

bool has_end(const core::Event& event) {
  return event.end.all_day || !event.end.tzid.empty() || event.end.local != core::LocalDateTime{} ||
         event.end.utc != 0;
}

// Which of two copies of the same (uid, recurrence-id) in one feed to keep.
bool newer(const core::Event& candidate, const core::Event& kept) {
  return std::tie(candidate.sequence, candidate.last_modified) >
         std::tie(kept.sequence, kept.last_modified);
}

}  // namespace

void normalize_events(std::vector<core::Event>& events, const FeedDefaults& defaults,
                      core::Problems& problems) {
  core::ZonePtr feed_zone = core::find_zone(defaults.timezone);
  if (!feed_zone) feed_zone = core::utc_zone();

  for (core::Event& event : events) {
    event.feed_id = defaults.feed_id;
    const bool had_end = has_end(event);
    resolve(event.start, feed_zone);
    if (had_end) resolve(event.end, feed_zone);
    if (event.recurrence_id) resolve(*event.recurrence_id, feed_zone);
    for (auto& time : event.rdates) resolve(time, feed_zone);
    for (auto& time : event.exdates) resolve(time, feed_zone);
    fill_end(event, had_end, problems);

    event.summary = core::clean_line(event.summary);
    event.location = core::clean_line(event.location);
    event.organizer = core::clean_line(event.organizer);
    event.description = core::clean_text(event.description);
    event.url = std::string(core::trim(event.url));
    if (!event.url.empty() && !core::is_http_url(event.url)) {
      warn(problems, event,
           "URL dropped: only http(s) links are kept (" + event.url.substr(0, 40) + ")");
      event.url.clear();
    }
    std::vector<std::string> categories;
    for (const std::string& category : event.categories) {
      std::string cleaned = core::clean_line(category);
      if (!cleaned.empty() &&
          std::find(categories.begin(), categories.end(), cleaned) == categories.end()) {
        categories.push_back(std::move(cleaned));
      }
    }
    if (categories.empty() && !defaults.category.empty()) categories.push_back(defaults.category);
    event.categories = std::move(categories);
    if (event.summary.empty()) warn(problems, event, "event has no SUMMARY");
  }

  // One copy per (uid, recurrence-id): producers sometimes repeat an event after an edit.
  std::map<std::pair<std::string, std::string>, std::size_t> seen;
  std::vector<core::Event> unique;
  unique.reserve(events.size());
  for (core::Event& event : events) {
    auto key = std::make_pair(event.uid, core::recurrence_key(event));
    auto [it, inserted] = seen.emplace(key, unique.size());
    if (inserted) {
      unique.push_back(std::move(event));
      continue;
    }
    core::Event& kept = unique[it->second];
    warn(problems, event,
         "duplicate of the event at line " + std::to_string(kept.source_line) +
             "; the copy with the higher SEQUENCE/LAST-MODIFIED is kept");
    if (newer(event, kept) || (!newer(kept, event) && event.source_line > kept.source_line)) {
      kept = std::move(event);
    }
  }
  events = std::move(unique);
}

}  // namespace concerto::normalize
