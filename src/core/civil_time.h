#pragma once
// Proleptic Gregorian calendar arithmetic, independent of any time zone.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace concerto::core {

struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  auto operator<=>(const Date&) const = default;
};

struct LocalDateTime {
  Date date;
  int hour = 0;
  int minute = 0;
  int second = 0;
  auto operator<=>(const LocalDateTime&) const = default;
};

bool is_leap_year(int year);
int days_in_month(int year, int month);
bool is_valid(const Date& date);
bool is_valid(const LocalDateTime& time);  // second 60 (leap second) is refused

// Days since 1970-01-01 and back.
std::int64_t days_from_civil(const Date& date);
Date civil_from_days(std::int64_t days);
// 0 = Sunday ... 6 = Saturday.
int weekday(const Date& date);
Date add_days(const Date& date, std::int64_t days);

// A wall-clock time read as if it were UTC, in seconds since the epoch, and back.
std::int64_t seconds_from_civil(const LocalDateTime& time);
LocalDateTime civil_from_seconds(std::int64_t seconds);

// The current time, seconds since the epoch (UTC).
std::int64_t unix_now();

// "2026-10-19", "2026-10-19T09:30:00", "20261019", "20261019T093000".
std::string format_iso_date(const Date& date);
std::string format_iso_local(const LocalDateTime& time);
std::string format_ics_date(const Date& date);
std::string format_ics_local(const LocalDateTime& time);
// "+02:00" style offset from seconds east of UTC.
std::string format_utc_offset(int seconds, bool with_colon = true);

// Strict "YYYY-MM-DD"; nullopt when malformed or impossible.
std::optional<Date> parse_iso_date(std::string_view text);

}  // namespace concerto::core
