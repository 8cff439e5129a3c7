#include "parse/ics_zones.h"

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>

#include "core/civil_time.h"
#include "parse/ical_handles.h"
#include "parse/ics_lines.h"

namespace concerto::parse {
namespace {

struct Candidate {
  std::string_view name;
  int january_minutes;  // offset on 2025-01-15, to skip building zones that cannot match
  int july_minutes;     // offset on 2025-07-15
};

// Olson zones a feed's own VTIMEZONE is matched against: Europe/Paris first, the zones of
// core's Windows table, and the French overseas zones.
constexpr std::array<Candidate, 76> kCandidates = {{
    {"Europe/Paris", 60, 120},
    {"Europe/Brussels", 60, 120},
    {"Europe/Luxembourg", 60, 120},
    {"Europe/Madrid", 60, 120},
    {"Europe/Berlin", 60, 120},
    {"Europe/Amsterdam", 60, 120},
    {"Europe/Rome", 60, 120},
    {"Europe/Zurich", 60, 120},
    {"Europe/Vienna", 60, 120},
    {"Europe/Stockholm", 60, 120},
    {"Europe/Copenhagen", 60, 120},
    {"Europe/Oslo", 60, 120},
    {"Europe/Prague", 60, 120},
    {"Europe/Budapest", 60, 120},
    {"Europe/Warsaw", 60, 120},
    {"Europe/London", 0, 60},
    {"Europe/Dublin", 0, 60},
    {"Europe/Lisbon", 0, 60},
    {"UTC", 0, 0},
    {"Atlantic/Reykjavik", 0, 0},
    {"Europe/Athens", 120, 180},
    {"Europe/Helsinki", 120, 180},
    {"Europe/Bucharest", 120, 180},
    {"Europe/Chisinau", 120, 180},
    {"Europe/Kiev", 120, 180},
    {"Europe/Moscow", 180, 180},
    {"Europe/Istanbul", 180, 180},
    {"Africa/Casablanca", 60, 60},
    {"Africa/Algiers", 60, 60},
    {"Africa/Tunis", 60, 60},
    {"Africa/Lagos", 60, 60},
    {"Africa/Dakar", 0, 0},
    {"Africa/Johannesburg", 120, 120},
    {"Africa/Cairo", 120, 180},
    {"Asia/Jerusalem", 120, 180},
    {"Asia/Beirut", 120, 180},
    {"Asia/Dubai", 240, 240},
    {"Asia/Calcutta", 330, 330},
    {"Asia/Bangkok", 420, 420},
    {"Asia/Shanghai", 480, 480},
    {"Asia/Singapore", 480, 480},
    {"Asia/Tokyo", 540, 540},
    {"Asia/Seoul", 540, 540},
    {"Australia/Sydney", 660, 600},
    {"Pacific/Auckland", 780, 720},
    {"America/New_York", -300, -240},
    {"America/Toronto", -300, -240},
    {"America/Montreal", -300, -240},
    {"America/Chicago", -360, -300},
    {"America/Winnipeg", -360, -300},
    {"America/Mexico_City", -360, -360},
    {"America/Denver", -420, -360},
    {"America/Edmonton", -420, -360},
    {"America/Phoenix", -420, -420},
    {"America/Los_Angeles", -480, -420},
    {"America/Vancouver", -480, -420},
    {"America/Anchorage", -540, -480},
    {"Pacific/Honolulu", -600, -600},
    {"America/Halifax", -240, -180},
    {"America/St_Johns", -210, -150},
    {"America/Regina", -360, -360},
    {"America/Bogota", -300, -300},
    {"America/Sao_Paulo", -180, -180},
    {"America/Buenos_Aires", -180, -180},
    {"America/Santiago", -180, -240},
    {"America/La_Paz", -240, -240},
    {"America/Martinique", -240, -240},
    {"America/Guadeloupe", -240, -240},
    {"America/Cayenne", -180, -180},
    {"America/Port-au-Prince", -300, -240},
    {"America/Miquelon", -180, -120},
    {"Indian/Reunion", 240, 240},
    {"Indian/Mauritius", 240, 240},
    {"Indian/Mayotte", 180, 180},
    {"Pacific/Noumea", 660, 660},
    {"Pacific/Tahiti", -600, -600},
}};

constexpr int kMatchFromYear = 2015;
constexpr int kMatchToYear = 2035;

std::int64_t utc_seconds(int year, int month, int day) {
  return core::seconds_from_civil({{year, month, day}, 0, 0, 0});
}

bool same_offsets(const core::TimeZone& a, const core::TimeZone& b) {
  const std::int64_t from = utc_seconds(kMatchFromYear, 1, 1);
  const std::int64_t to = utc_seconds(kMatchToYear + 1, 1, 1);
  std::set<std::int64_t> instants;
  for (int year = kMatchFromYear; year <= kMatchToYear; ++year) {
    instants.insert(utc_seconds(year, 1, 15));
    instants.insert(utc_seconds(year, 7, 15));
  }
  for (const core::TimeZone* zone : {&a, &b}) {
    for (const core::ZoneTransition& transition : zone->transitions()) {
      if (transition.utc < from || transition.utc >= to) continue;
      instants.insert(transition.utc);
      instants.insert(transition.utc - 1);
    }
  }
  for (const std::int64_t instant : instants) {
    if (a.offset_at_utc(instant) != b.offset_at_utc(instant)) return false;
  }
  return true;
}

std::string city_of(std::string_view olson) {
  std::string city(olson.substr(olson.rfind('/') + 1));
  for (char& c : city) {
    if (c == '_') c = ' ';
  }
  return city;
}

// Each build scans two centuries of offsets (about 0.1 s), so a document may build only this
// many of its own zones; the rest are read as floating.
constexpr int kMaxOwnZones = 16;
// Built zones are kept per VTIMEZONE text for the life of the process, up to this many.
constexpr std::size_t kOwnZoneCacheSize = 64;

core::ZonePtr build_from_vtimezone_uncached(const std::string& tzid, std::string_view text) {
  const std::string copy(text);
  IcalComponentPtr component(icalparser_parse_string(copy.c_str()));
  if (!component || icalcomponent_isa(component.get()) != ICAL_VTIMEZONE_COMPONENT) {
    return nullptr;
  }
  std::lock_guard lock(core::libical_zone_mutex());
  IcalTimezonePtr zone(icaltimezone_new());
  if (!zone || icaltimezone_set_component(zone.get(), component.get()) == 0) return nullptr;
  component.release();  // owned by the zone from here on
  icaltimezone* raw = zone.get();
  return core::TimeZone::from_offset_function(tzid, [raw](std::int64_t instant) {
    const core::LocalDateTime utc = core::civil_from_seconds(instant);
    icaltimetype time = icaltime_null_time();
    time.year = utc.date.year;
    time.month = utc.date.month;
    time.day = utc.date.day;
    time.hour = utc.hour;
    time.minute = utc.minute;
    time.second = utc.second;
    int is_daylight = 0;
    return icaltimezone_get_utc_offset_of_utc_time(raw, &time, &is_daylight);
  });
}

struct OwnZone {
  core::ZonePtr zone;     // as the VTIMEZONE says
  core::ZonePtr matched;  // the equivalent system zone, or nullptr
};

std::optional<OwnZone> build_from_vtimezone(const std::string& tzid, std::string_view text) {
  static std::mutex cache_mutex;
  static std::map<std::string, OwnZone> cache;
  std::string key = tzid + '\n' + std::string(text);
  {
    std::lock_guard lock(cache_mutex);
    if (auto found = cache.find(key); found != cache.end()) return found->second;
  }
  core::ZonePtr zone = build_from_vtimezone_uncached(tzid, text);
  if (!zone) return std::nullopt;
  OwnZone own{zone, match_system_zone(*zone, tzid)};
  std::lock_guard lock(cache_mutex);
  if (cache.size() < kOwnZoneCacheSize) cache.emplace(std::move(key), own);
  return own;
}

}  // namespace

core::ZonePtr match_system_zone(const core::TimeZone& zone, const std::string& hint) {
  const int january = zone.offset_at_utc(utc_seconds(2025, 1, 15));
  const int july = zone.offset_at_utc(utc_seconds(2025, 7, 15));
  std::vector<const Candidate*> order;
  order.push_back(&kCandidates[0]);
  for (const Candidate& candidate : kCandidates) {
    if (&candidate != &kCandidates[0] && hint.find(city_of(candidate.name)) != std::string::npos) {
      order.push_back(&candidate);
    }
  }
  for (const Candidate& candidate : kCandidates) {
    if (std::find(order.begin(), order.end(), &candidate) == order.end()) {
      order.push_back(&candidate);
    }
  }
  for (const Candidate* candidate : order) {
    if (candidate->january_minutes * 60 != january || candidate->july_minutes * 60 != july) {
      continue;
    }
    core::ZonePtr system = core::find_zone(candidate->name);
    if (system && same_offsets(zone, *system)) return system;
  }
  return nullptr;
}

ZoneResolver::ZoneResolver(const std::vector<ComponentSpan>& timezones, core::Problems& problems)
    : problems_(problems) {
  for (const ComponentSpan& span : timezones) {
    for (const IcsProperty& property : read_own_properties(span.text, span.line)) {
      if (property.name != "TZID") continue;
      if (!vtimezones_.emplace(unescape_text(property.value), span).second) {
        problems_.push_back({core::Severity::kWarning, span.line, "",
                             "VTIMEZONE " + property.value + " is defined twice; the first wins"});
      }
      break;
    }
  }
}

const ResolvedZone& ZoneResolver::resolve(const std::string& tzid, int line) {
  if (auto found = resolved_.find(tzid); found != resolved_.end()) return found->second;
  ResolvedZone result;
  if (core::ZonePtr system = core::find_zone(tzid)) {
    result = {system, system->name(), false};
  } else if (auto own = vtimezones_.find(tzid); own != vtimezones_.end()) {
    result = from_vtimezone(tzid, own->second, line);
  } else {
    problems_.push_back({core::Severity::kWarning, line, "",
                         "TZID " + tzid +
                             " is neither a known zone nor a VTIMEZONE of this document; its "
                             "times are read as floating"});
  }
  return resolved_.emplace(tzid, std::move(result)).first->second;
}

ResolvedZone ZoneResolver::from_vtimezone(const std::string& tzid, const ComponentSpan& span,
                                          int line) {
  if (++own_zones_built_ > kMaxOwnZones) {
    problems_.push_back({core::Severity::kWarning, line, "",
                         "VTIMEZONE " + tzid + " is past the " + std::to_string(kMaxOwnZones) +
                             " zones a document may define; its times are read as floating"});
    return {};
  }
  const std::optional<OwnZone> own = build_from_vtimezone(tzid, span.text);
  if (!own) {
    problems_.push_back(
        {core::Severity::kWarning, span.line, "",
         "VTIMEZONE " + tzid + " could not be read; its times are read as floating"});
    return {};
  }
  if (own->matched) return {own->matched, own->matched->name(), false};
  problems_.push_back(
      {core::Severity::kWarning, line, "",
       "VTIMEZONE " + tzid + " matches no known zone; its times are converted to UTC"});
  return {own->zone, "UTC", true};
}

}  // namespace concerto::parse
