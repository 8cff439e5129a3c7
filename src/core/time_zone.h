#pragma once
// Time zones as transition tables. A zone is built once (under a lock, from libical's view of
// the system zone database or from a feed's own VTIMEZONE) and is immutable afterwards, so
// conversions are lock-free and thread-safe.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_time.h"

namespace concerto::core {

struct ZoneTransition {
  std::int64_t utc = 0;   // first instant with offset_after
  int offset_before = 0;  // seconds east of UTC
  int offset_after = 0;
};

class TimeZone {
 public:
  // Scans offset_at_utc over 1900..2100 and records every change to the second.
  static std::shared_ptr<const TimeZone> from_offset_function(
      std::string name, const std::function<int(std::int64_t)>& offset_at_utc);
  static std::shared_ptr<const TimeZone> fixed(std::string name, int offset_seconds);

  const std::string& name() const { return name_; }
  bool is_utc() const { return name_ == "UTC"; }
  int offset_at_utc(std::int64_t utc) const;
  // RFC 5545 3.3.5: a wall time skipped by a gap is read with the offset before the gap; a
  // repeated wall time means its first occurrence.
  std::int64_t to_utc(const LocalDateTime& local) const;
  LocalDateTime to_local(std::int64_t utc) const;
  const std::vector<ZoneTransition>& transitions() const { return transitions_; }

  TimeZone(std::string name, int initial_offset, std::vector<ZoneTransition> transitions);

 private:
  std::string name_;
  int initial_offset_;
  std::vector<ZoneTransition> transitions_;  // sorted by utc
};

using ZonePtr = std::shared_ptr<const TimeZone>;

ZonePtr utc_zone();

// Maps what producers write as TZID to an Olson name: Olson names themselves, "UTC"/"GMT"/"Z",
// Windows names ("Romance Standard Time"), and prefixed forms
// ("/mozilla.org/20050126_1/Europe/Paris", "/freeassociation.sourceforge.net/Europe/Paris").
// nullopt when the system database does not know the zone.
std::optional<std::string> canonical_zone_name(std::string_view tzid);

// The system zone for any name canonical_zone_name accepts; nullptr when unknown. Thread-safe,
// cached.
ZonePtr find_zone(std::string_view tzid);

// libical's time zone functions share unguarded global state: every stage that calls them
// (icaltimezone_*) holds this one lock.
std::mutex& libical_zone_mutex();

}  // namespace concerto::core
