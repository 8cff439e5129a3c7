#include "parse/ics_zones.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>

#include "core/civil_time.h"
#include "core/text.h"
#include "parse/ical_handles.h"
#include "parse/ics_lines.h"
#include "parse/rrule_check.h"

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

// libical expands every observance of a VTIMEZONE over two centuries: a FREQ=MINUTELY
// observance or thousands of RDATEs cost tens of seconds and hundreds of megabytes.
constexpr int kMaxObservances = 400;
constexpr int kMaxObservanceRdates = 400;  // summed over the VTIMEZONE's observances
constexpr int kMaxOffsetSeconds = 18 * 3600;

// What is wrong with a VTIMEZONE, and on which line.
struct ZoneRefusal {
  int line = 0;
  std::string why;
};

// Seconds east of UTC for "+HHMM" or "-HHMMSS"; nullopt when malformed or past 18 hours.
std::optional<int> parse_utc_offset(std::string_view text) {
  text = core::trim(text);
  if (text.size() != 5 && text.size() != 7) return std::nullopt;
  if (text[0] != '+' && text[0] != '-') return std::nullopt;
  int fields[3] = {0, 0, 0};
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    int& field = fields[(i - 1) / 2];
    field = field * 10 + (text[i] - '0');
  }
  if (fields[1] > 59 || fields[2] > 59) return std::nullopt;
  const int seconds = fields[0] * 3600 + fields[1] * 60 + fields[2];
  if (seconds > kMaxOffsetSeconds) return std::nullopt;
  return text[0] == '-' ? -seconds : seconds;
}

// The date of an observance's DTSTART, nullopt when malformed. RFC 5545 wants a local
// date-time; a date or a UTC time is read too (libical accepts them).
std::optional<core::Date> observance_start_date(std::string_view text) {
  text = core::trim(text);
  if (text.size() == 16 && text[15] == 'Z') text.remove_suffix(1);
  if (text.size() != 8 && (text.size() != 15 || text[8] != 'T')) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != 8 && (text[i] < '0' || text[i] > '9')) return std::nullopt;
  }
  const auto number = [&](std::size_t from, std::size_t count) {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  core::LocalDateTime time{{number(0, 4), number(4, 2), number(6, 2)}, 0, 0, 0};
  if (text.size() == 15) {
    time.hour = number(9, 2);
    time.minute = number(11, 2);
    time.second = number(13, 2);
  }
  if (!core::is_valid(time)) return std::nullopt;
  return time.date;
}

// The last year libical is asked to expand a zone to (core scans offsets up to 2100).
constexpr int kExpandToYear = 2100;
// libical spends about 0.1 ms per zone change it expands: a document's own zone may have this
// many (an Outlook zone has about 1,000: two yearly rules from 1601).
constexpr std::int64_t kMaxZoneChanges = 3000;

// Why an observance's RRULE may not be expanded, nullopt when it may; adds an upper bound of
// the changes it expands to to `changes`.
std::optional<std::string> check_observance_rrule(const std::string& rule, const core::Date& start,
                                                  std::int64_t& changes) {
  const std::string upper = core::ascii_upper(rule);
  bool yearly = false;
  std::int64_t months = 0, month_days = 0, week_days = 0, interval = 1, count = 0;
  int last_year = kExpandToYear;
  for (const std::string& part : core::split(upper, ';')) {
    const std::size_t equals = part.find('=');
    const std::string_view name = std::string_view(part).substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : part.substr(equals + 1);
    const auto values = static_cast<std::int64_t>(core::split(value, ',').size());
    const auto number = [&] { return std::max<std::int64_t>(1, std::atoll(value.c_str())); };
    if (name == "FREQ") {
      yearly = value == "YEARLY";
    } else if (name == "BYMONTH") {
      months = values;
    } else if (name == "BYMONTHDAY") {
      month_days = values;
    } else if (name == "BYDAY") {
      for (const std::string& day : core::split(value, ',')) week_days += day.size() > 2 ? 1 : 5;
    } else if (name == "INTERVAL") {
      interval = number();
    } else if (name == "COUNT") {
      count = number();
    } else if (name == "UNTIL") {
      last_year = std::min(last_year, std::atoi(value.substr(0, 4).c_str()));
    } else if (name != "BYSETPOS" && name != "WKST") {
      // A zone changes once a year at its observance's DTSTART time; other parts multiply it.
      return std::string(name) + " is not allowed in an observance";
    }
  }
  if (!yearly) return std::string("an observance must repeat with FREQ=YEARLY");
  if (auto why = check_rrule(upper, start)) return why;
  const bool by_day = month_days > 0 || week_days > 0;
  const std::int64_t per_year = std::min<std::int64_t>(
      366, (months > 0 ? months : (by_day ? 12 : 1)) *
               (month_days > 0 ? month_days : (week_days > 0 ? week_days : 1)));
  const std::int64_t years = std::max(0, last_year - start.year + 1);
  std::int64_t expanded = per_year * ((years + interval - 1) / interval);
  if (count > 0) expanded = std::min(expanded, count);
  changes += expanded;
  return std::nullopt;
}

class VtimezoneCheck {
 public:
  std::optional<ZoneRefusal> run(const ComponentSpan& span) {
    // Kept alive for the whole pass: observances point into it.
    const std::vector<IcsProperty> properties = read_all_properties(span.text, span.line);
    int depth = 0;  // 1 in the VTIMEZONE, 2 in one of its components
    for (const IcsProperty& property : properties) {
      if (property.name == "BEGIN") {
        if (++depth == 2) begin(property);
      } else if (property.name == "END") {
        if (depth-- == 2 && in_observance_) end();
      } else if (depth == 2 && in_observance_) {
        read(property);
      }
      if (refusal_) return refusal_;
    }
    return std::nullopt;
  }

 private:
  void refuse(int line, std::string why) {
    if (!refusal_) refusal_ = ZoneRefusal{line, std::move(why)};
  }

  void begin(const IcsProperty& property) {
    const std::string name = core::ascii_upper(core::trim(property.value));
    in_observance_ = name == "STANDARD" || name == "DAYLIGHT";
    if (!in_observance_) return;
    observance_ = Observance();
    observance_.name = name;
    observance_.line = property.line;
    if (++observances_ > kMaxObservances) {
      refuse(property.line, "more than " + std::to_string(kMaxObservances) + " observances");
    }
  }

  void read(const IcsProperty& property) {
    const std::string& name = property.name;
    if (name == "TZOFFSETFROM" || name == "TZOFFSETTO") {
      (name == "TZOFFSETFROM" ? observance_.has_from : observance_.has_to) = true;
      if (!parse_utc_offset(property.value)) {
        refuse(property.line, name + ":" + property.value +
                                  " is not an offset of at most 18 hours (+HHMM or -HHMMSS)");
      }
    } else if (name == "DTSTART") {
      observance_.start = observance_start_date(property.value);
      observance_.has_start = true;
      if (!observance_.start) {
        refuse(property.line, "DTSTART:" + property.value + " is not a date-time");
      }
    } else if (name == "RRULE") {
      observance_.rrules.push_back(&property);
    } else if (name == "RDATE") {
      const auto values = static_cast<int>(split_unescaped_commas(property.value).size());
      observance_.rdates += values;
      rdates_ += values;
      if (rdates_ > kMaxObservanceRdates) {
        refuse(property.line,
               "more than " + std::to_string(kMaxObservanceRdates) + " RDATE values");
      }
    }
  }

  void end() {
    in_observance_ = false;
    const std::string what = observance_.name + " on line " + std::to_string(observance_.line);
    if (!observance_.has_start) return refuse(observance_.line, what + " has no DTSTART");
    if (!observance_.has_from) return refuse(observance_.line, what + " has no TZOFFSETFROM");
    if (!observance_.has_to) return refuse(observance_.line, what + " has no TZOFFSETTO");
    for (const IcsProperty* rrule : observance_.rrules) {
      if (auto why = check_observance_rrule(rrule->value, *observance_.start, changes_)) {
        return refuse(rrule->line, "RRULE:" + rrule->value + ": " + *why);
      }
    }
    changes_ += 1 + static_cast<std::int64_t>(observance_.rdates);
    if (changes_ > kMaxZoneChanges) {
      refuse(observance_.line, "its observances expand to more than " +
                                   std::to_string(kMaxZoneChanges) + " changes of offset by " +
                                   std::to_string(kExpandToYear));
    }
  }

  struct Observance {
    std::string name;
    int line = 0;
    bool has_from = false;
    bool has_to = false;
    bool has_start = false;
    int rdates = 0;
    std::optional<core::Date> start;
    std::vector<const IcsProperty*> rrules;  // into the properties `run` is reading
  };

  std::optional<ZoneRefusal> refusal_;
  Observance observance_;
  bool in_observance_ = false;
  int observances_ = 0;
  int rdates_ = 0;
  std::int64_t changes_ = 0;  // an upper bound of what libical would expand
};

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
  if (const std::optional<ZoneRefusal> refusal = VtimezoneCheck().run(span)) {
    problems_.push_back({core::Severity::kWarning, refusal->line, "",
                         "VTIMEZONE " + tzid + " is refused: " + refusal->why +
                             "; its times are read as floating"});
    return {};
  }
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
