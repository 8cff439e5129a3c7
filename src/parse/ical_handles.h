#pragma once
// Owning handles for libical objects: one unique_ptr per C handle, never a manual free.

#include <libical/ical.h>

#include <memory>

namespace concerto::parse {

struct IcalComponentDeleter {
  void operator()(icalcomponent* component) const { icalcomponent_free(component); }
};
using IcalComponentPtr = std::unique_ptr<icalcomponent, IcalComponentDeleter>;

struct IcalTimezoneDeleter {
  void operator()(icaltimezone* zone) const { icaltimezone_free(zone, 1); }
};
using IcalTimezonePtr = std::unique_ptr<icaltimezone, IcalTimezoneDeleter>;

}  // namespace concerto::parse
