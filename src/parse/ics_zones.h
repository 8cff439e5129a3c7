#pragma once
// Resolves the TZIDs of one document: system zones first, then the document's own VTIMEZONEs
// (matched to an equivalent system zone when one exists). Not thread-safe: one per read_ics.

#include <map>
#include <string>
#include <vector>

#include "core/problem.h"
#include "core/time_zone.h"
#include "parse/ics_prescan.h"

namespace concerto::parse {

struct ResolvedZone {
  core::ZonePtr zone;   // nullptr: the TZID is unknown, times are read as floating
  std::string tzid;     // canonical name for EventTime::tzid ("UTC" when converted)
  bool to_utc = false;  // the document's own zone matched no system zone: times become UTC
};

class ZoneResolver {
 public:
  ZoneResolver(const std::vector<ComponentSpan>& timezones, core::Problems& problems);

  // Warns once per unknown TZID; `line` is where it was first used. A VTIMEZONE libical could
  // not expand cheaply (an observance not FREQ=YEARLY, over 400 observances or 400 RDATEs, a
  // missing or out-of-range TZOFFSETFROM/TO, over 3,000 changes by 2100) is refused with a
  // warning naming the line, and its times are read as floating.
  const ResolvedZone& resolve(const std::string& tzid, int line);

 private:
  ResolvedZone from_vtimezone(const std::string& tzid, const ComponentSpan& span, int line);

  std::map<std::string, ComponentSpan> vtimezones_;
  std::map<std::string, ResolvedZone> resolved_;
  core::Problems& problems_;
  int own_zones_built_ = 0;
};

// The system zone equivalent to `zone` (same offsets at every instant and transition of
// 2015-2035), trying Europe/Paris first, then zones whose city appears in `hint`; nullptr when
// none matches.
core::ZonePtr match_system_zone(const core::TimeZone& zone, const std::string& hint);

}  // namespace concerto::parse
