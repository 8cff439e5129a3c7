#include "render/writable_time.h"

#include <cstdint>

#include "core/civil_time.h"

namespace concerto::render::detail {
namespace {

constexpr int kFirstYear = 1;
constexpr int kLastYear = 9999;
// A day either side of an instant: room for any zone's offset when it is printed as wall time.
constexpr std::int64_t kOffsetMargin = 86400;

bool writable_year(int year) { return year >= kFirstYear && year <= kLastYear; }

}  // namespace

bool is_writable(const core::EventTime& time) {
  if (time.all_day) return writable_year(time.date.year);
  if (!writable_year(time.local.date.year)) return false;
  if (time.floating()) return true;
  const std::int64_t first = core::seconds_from_civil({{kFirstYear, 1, 1}, 0, 0, 0});
  const std::int64_t last = core::seconds_from_civil({{kLastYear, 12, 31}, 23, 59, 59});
  return time.utc >= first + kOffsetMargin && time.utc <= last - kOffsetMargin;
}

}  // namespace concerto::render::detail
