#include "parse/iso_time.h"

#include "core/text.h"

namespace concerto::parse {

core::EventTime Stamp::event_time() const {
  core::EventTime time;
  if (is_date) {
    time.all_day = true;
    time.date = local.date;
    return time;
  }
  if (!offset) {
    time.local = local;  // floating: the feed's zone applies later
    return time;
  }
  time.tzid = "UTC";
  time.utc = utc();
  time.local = core::civil_from_seconds(time.utc);
  return time;
}

bool digits(std::string_view text, std::size_t at, std::size_t count, int& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

std::size_t parse_offset(std::string_view text, std::size_t at, std::optional<int>& offset) {
  if (at >= text.size()) return 0;
  if (text[at] == 'Z' || text[at] == 'z') {
    offset = 0;
    return 1;
  }
  if (text[at] != '+' && text[at] != '-') return std::string_view::npos;
  const int sign = text[at] == '-' ? -1 : 1;
  int hours = 0;
  int minutes = 0;
  std::size_t i = at + 1;
  if (!digits(text, i, 2, hours)) return std::string_view::npos;
  i += 2;
  if (i < text.size() && text[i] == ':') ++i;
  if (i < text.size()) {
    if (!digits(text, i, 2, minutes)) return std::string_view::npos;
    i += 2;
  }
  if (hours > 23 || minutes > 59) return std::string_view::npos;
  offset = sign * (hours * 3600 + minutes * 60);
  return i - at;
}

StampOrWhy parse_iso(std::string_view raw) {
  const std::string_view text = core::trim(raw);
  Stamp stamp;
  core::Date& date = stamp.local.date;
  std::size_t i = 0;
  const bool extended = text.size() >= 5 && text[4] == '-';
  if (!digits(text, 0, 4, date.year)) return {std::nullopt, "is not a date"};
  i = 4;
  if (extended) {
    if (!digits(text, 5, 2, date.month)) {
      return {std::nullopt, text.size() <= 5 ? "has no month" : "is not a date"};
    }
    if (text.size() == 7) return {std::nullopt, "has no day"};
    if (text.size() < 10 || text[7] != '-' || !digits(text, 8, 2, date.day)) {
      return {std::nullopt, "is not a date"};
    }
    i = 10;
  } else {
    if (text.size() == 4) return {std::nullopt, "has no month or day"};
    if (!digits(text, 4, 2, date.month) || !digits(text, 6, 2, date.day)) {
      return {std::nullopt, "is not a date"};
    }
    i = 8;
  }
  if (!core::is_valid(date)) return {std::nullopt, "is an impossible date"};
  if (i == text.size()) {
    stamp.is_date = true;
    return {stamp, {}};
  }
  if (text[i] != 'T' && text[i] != 't' && text[i] != ' ') return {std::nullopt, "is not a date"};
  ++i;
  core::LocalDateTime& local = stamp.local;
  if (!digits(text, i, 2, local.hour)) return {std::nullopt, "has no readable time"};
  i += 2;
  const bool colons = i < text.size() && text[i] == ':';
  if (colons) ++i;
  if (!digits(text, i, 2, local.minute)) return {std::nullopt, "has no readable time"};
  i += 2;
  if (i < text.size() && (colons ? text[i] == ':' : (text[i] >= '0' && text[i] <= '9'))) {
    if (colons) ++i;
    if (!digits(text, i, 2, local.second)) return {std::nullopt, "has no readable time"};
    i += 2;
    if (i < text.size() && (text[i] == '.' || text[i] == ',')) {  // fractions are dropped
      ++i;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    }
  }
  if (local.second == 60) local.second = 59;  // a leap second is not worth losing an event
  if (!core::is_valid(local)) return {std::nullopt, "is an impossible time"};
  const std::size_t offset_length = parse_offset(text, i, stamp.offset);
  if (offset_length == std::string_view::npos || i + offset_length != text.size()) {
    return {std::nullopt, "has an unreadable time zone offset"};
  }
  return {stamp, {}};
}

}  // namespace concerto::parse
