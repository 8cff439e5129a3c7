#include "core/civil_time.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace concerto::core {

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

bool is_valid(const Date& date) {
  return date.year >= 1 && date.year <= 9999 && date.month >= 1 && date.month <= 12 &&
         date.day >= 1 && date.day <= days_in_month(date.year, date.month);
}

bool is_valid(const LocalDateTime& time) {
  return is_valid(time.date) && time.hour >= 0 && time.hour <= 23 && time.minute >= 0 &&
         time.minute <= 59 && time.second >= 0 && time.second <= 59;
}

// Howard Hinnant's days-from-civil algorithm.
std::int64_t days_from_civil(const Date& date) {
  std::int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (date.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return Date{year, month, day};
}

int weekday(const Date& date) {
  const std::int64_t days = days_from_civil(date);
  return static_cast<int>(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6);
}

Date add_days(const Date& date, std::int64_t days) {
  return civil_from_days(days_from_civil(date) + days);
}

std::int64_t seconds_from_civil(const LocalDateTime& time) {
  return days_from_civil(time.date) * 86400 + time.hour * 3600 + time.minute * 60 + time.second;
}

LocalDateTime civil_from_seconds(std::int64_t seconds) {
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  return LocalDateTime{civil_from_days(days), static_cast<int>(rest / 3600),
                       static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60)};
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_iso_date(const Date& date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buffer;
}

std::string format_iso_local(const LocalDateTime& time) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", time.date.year,
                time.date.month, time.date.day, time.hour, time.minute, time.second);
  return buffer;
}

std::string format_ics_date(const Date& date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d%02d%02d", date.year, date.month, date.day);
  return buffer;
}

std::string format_ics_local(const LocalDateTime& time) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d%02d%02dT%02d%02d%02d", time.date.year, time.date.month,
                time.date.day, time.hour, time.minute, time.second);
  return buffer;
}

std::string format_utc_offset(int seconds, bool with_colon) {
  const char sign = seconds < 0 ? '-' : '+';
  const int magnitude = std::abs(seconds);
  char buffer[16];
  if (magnitude % 60 != 0 && !with_colon) {
    std::snprintf(buffer, sizeof buffer, "%c%02d%02d%02d", sign, magnitude / 3600,
                  magnitude / 60 % 60, magnitude % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, with_colon ? "%c%02d:%02d" : "%c%02d%02d", sign,
                  magnitude / 3600, magnitude / 60 % 60);
  }
  return buffer;
}

std::optional<Date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t length, int& out) {
    const char* first = text.data() + from;
    auto [end, error] = std::from_chars(first, first + length, out);
    return error == std::errc() && end == first + length;
  };
  Date date;
  if (!number(0, 4, date.year) || !number(5, 2, date.month) || !number(8, 2, date.day)) {
    return std::nullopt;
  }
  if (!is_valid(date)) return std::nullopt;
  return date;
}

}  // namespace concerto::core
