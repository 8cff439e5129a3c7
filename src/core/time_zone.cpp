#include "core/time_zone.h"

#include <libical/ical.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>

namespace concerto::core {
namespace {

constexpr std::int64_t kScanFrom = -2208988800;  // 1900-01-01T00:00:00Z
constexpr std::int64_t kScanTo = 4102444800;     // 2100-01-01T00:00:00Z
constexpr std::int64_t kScanStep = 86400;

// Windows zone names as Outlook and Exchange write them (CLDR windowsZones, territory 001).
const std::map<std::string_view, std::string_view>& windows_zone_names() {
  static const std::map<std::string_view, std::string_view> kNames = {
      {"Romance Standard Time", "Europe/Paris"},
      {"W. Europe Standard Time", "Europe/Berlin"},
      {"Central Europe Standard Time", "Europe/Budapest"},
      {"Central European Standard Time", "Europe/Warsaw"},
      {"GMT Standard Time", "Europe/London"},
      {"Greenwich Standard Time", "Atlantic/Reykjavik"},
      {"GTB Standard Time", "Europe/Bucharest"},
      {"E. Europe Standard Time", "Europe/Chisinau"},
      {"FLE Standard Time", "Europe/Kiev"},
      {"Russian Standard Time", "Europe/Moscow"},
      {"Turkey Standard Time", "Europe/Istanbul"},
      {"Morocco Standard Time", "Africa/Casablanca"},
      {"W. Central Africa Standard Time", "Africa/Lagos"},
      {"South Africa Standard Time", "Africa/Johannesburg"},
      {"Egypt Standard Time", "Africa/Cairo"},
      {"Israel Standard Time", "Asia/Jerusalem"},
      {"Arabian Standard Time", "Asia/Dubai"},
      {"India Standard Time", "Asia/Calcutta"},
      {"China Standard Time", "Asia/Shanghai"},
      {"Tokyo Standard Time", "Asia/Tokyo"},
      {"Korea Standard Time", "Asia/Seoul"},
      {"Singapore Standard Time", "Asia/Singapore"},
      {"AUS Eastern Standard Time", "Australia/Sydney"},
      {"New Zealand Standard Time", "Pacific/Auckland"},
      {"Eastern Standard Time", "America/New_York"},
      {"Central Standard Time", "America/Chicago"},
      {"Mountain Standard Time", "America/Denver"},
      {"US Mountain Standard Time", "America/Phoenix"},
      {"Pacific Standard Time", "America/Los_Angeles"},
      {"Alaskan Standard Time", "America/Anchorage"},
      {"Hawaiian Standard Time", "Pacific/Honolulu"},
      {"Atlantic Standard Time", "America/Halifax"},
      {"Newfoundland Standard Time", "America/St_Johns"},
      {"Canada Central Standard Time", "America/Regina"},
      {"SA Pacific Standard Time", "America/Bogota"},
      {"E. South America Standard Time", "America/Sao_Paulo"},
      {"Argentina Standard Time", "America/Buenos_Aires"},
      {"Pacific SA Standard Time", "America/Santiago"},
      {"Central Standard Time (Mexico)", "America/Mexico_City"},
      {"SE Asia Standard Time", "Asia/Bangkok"},
      {"Reunion Standard Time", "Indian/Reunion"},
      {"Mauritius Standard Time", "Indian/Mauritius"},
      {"SA Western Standard Time", "America/La_Paz"},
      {"UTC", "UTC"},
      {"Coordinated Universal Time", "UTC"},
  };
  return kNames;
}

bool is_utc_name(std::string_view name) {
  return name == "UTC" || name == "GMT" || name == "Z" || name == "Etc/UTC" || name == "Etc/GMT" ||
         name == "Universal" || name == "Zulu" || name == "Etc/Universal";
}

// Strips the vendor prefixes libical and Mozilla put before an Olson name.
std::string_view strip_prefix(std::string_view tzid) {
  while (!tzid.empty() && (tzid.front() == '"' || tzid.front() == ' ')) tzid.remove_prefix(1);
  while (!tzid.empty() && (tzid.back() == '"' || tzid.back() == ' ')) tzid.remove_suffix(1);
  if (!tzid.empty() && tzid.front() == '/') {
    // "/mozilla.org/20050126_1/Europe/Paris": the Olson name is what follows the vendor and,
    // for Mozilla, a version segment.
    std::string_view rest = tzid.substr(1);
    auto slash = rest.find('/');
    if (slash == std::string_view::npos) return rest;
    rest = rest.substr(slash + 1);
    if (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      slash = rest.find('/');
      if (slash != std::string_view::npos) rest = rest.substr(slash + 1);
    }
    return rest;
  }
  return tzid;
}

icaltimezone* builtin_zone_locked(std::string_view name) {
  std::string copy(name);
  return icaltimezone_get_builtin_timezone(copy.c_str());
}

}  // namespace

TimeZone::TimeZone(std::string name, int initial_offset, std::vector<ZoneTransition> transitions)
    : name_(std::move(name)),
      initial_offset_(initial_offset),
      transitions_(std::move(transitions)) {}

ZonePtr TimeZone::from_offset_function(std::string name,
                                       const std::function<int(std::int64_t)>& offset_at_utc) {
  std::vector<ZoneTransition> transitions;
  const int initial = offset_at_utc(kScanFrom);
  int previous = initial;
  for (std::int64_t t = kScanFrom + kScanStep; t <= kScanTo; t += kScanStep) {
    const int current = offset_at_utc(t);
    if (current == previous) continue;
    // Bisect to the first second with the new offset.
    std::int64_t low = t - kScanStep;  // offset == previous
    std::int64_t high = t;             // offset == current
    while (high - low > 1) {
      const std::int64_t middle = low + (high - low) / 2;
      (offset_at_utc(middle) == previous ? low : high) = middle;
    }
    transitions.push_back({high, previous, current});
    previous = current;
  }
  return std::make_shared<const TimeZone>(std::move(name), initial, std::move(transitions));
}

ZonePtr TimeZone::fixed(std::string name, int offset_seconds) {
  return std::make_shared<const TimeZone>(std::move(name), offset_seconds,
                                          std::vector<ZoneTransition>{});
}

int TimeZone::offset_at_utc(std::int64_t utc) const {
  auto after = std::upper_bound(
      transitions_.begin(), transitions_.end(), utc,
      [](std::int64_t value, const ZoneTransition& transition) { return value < transition.utc; });
  if (after == transitions_.begin()) return initial_offset_;
  return std::prev(after)->offset_after;
}

std::int64_t TimeZone::to_utc(const LocalDateTime& local) const {
  const std::int64_t wall = seconds_from_civil(local);
  const int earlier = offset_at_utc(wall - 86400);
  const int later = offset_at_utc(wall + 86400);
  if (earlier == later) return wall - earlier;
  const bool earlier_fits = offset_at_utc(wall - earlier) == earlier;
  const bool later_fits = offset_at_utc(wall - later) == later;
  if (earlier_fits && later_fits) return std::min(wall - earlier, wall - later);  // repeated
  if (later_fits) return wall - later;
  return wall - earlier;  // skipped by a gap, or already before it
}

LocalDateTime TimeZone::to_local(std::int64_t utc) const {
  return civil_from_seconds(utc + offset_at_utc(utc));
}

std::mutex& libical_zone_mutex() {
  static std::mutex mutex;
  return mutex;
}

ZonePtr utc_zone() {
  static const ZonePtr kUtc = TimeZone::fixed("UTC", 0);
  return kUtc;
}

std::optional<std::string> canonical_zone_name(std::string_view tzid) {
  std::string_view name = strip_prefix(tzid);
  if (name.empty()) return std::nullopt;
  if (is_utc_name(name)) return std::string("UTC");
  if (auto windows = windows_zone_names().find(name); windows != windows_zone_names().end()) {
    return std::string(windows->second);
  }
  std::lock_guard lock(libical_zone_mutex());
  if (icaltimezone* zone = builtin_zone_locked(name)) {
    const char* location = icaltimezone_get_location(zone);
    return std::string(location != nullptr ? location : name);
  }
  return std::nullopt;
}

ZonePtr find_zone(std::string_view tzid) {
  const std::optional<std::string> name = canonical_zone_name(tzid);
  if (!name) return nullptr;
  if (*name == "UTC") return utc_zone();
  static std::mutex cache_mutex;
  static std::unordered_map<std::string, ZonePtr> cache;
  {
    std::lock_guard lock(cache_mutex);
    if (auto found = cache.find(*name); found != cache.end()) return found->second;
  }
  ZonePtr zone;
  {
    std::lock_guard lock(libical_zone_mutex());
    icaltimezone* builtin = builtin_zone_locked(*name);
    if (builtin == nullptr) return nullptr;
    icaltimezone* utc = icaltimezone_get_utc_timezone();
    zone = TimeZone::from_offset_function(*name, [&](std::int64_t instant) {
      icaltimetype time = icaltime_from_timet_with_zone(static_cast<time_t>(instant), 0, utc);
      int is_daylight = 0;
      return icaltimezone_get_utc_offset_of_utc_time(builtin, &time, &is_daylight);
    });
  }
  std::lock_guard lock(cache_mutex);
  return cache.emplace(*name, zone).first->second;
}

}  // namespace concerto::core
