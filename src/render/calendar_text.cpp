#include "render/calendar_text.h"

#include <climits>
#include <string>
#include <string_view>

// Typography, byte for byte (the tests check the exact bytes):
// - French times are "18<NBSP>h<NBSP>30", "9<NBSP>h": NO-BREAK SPACE U+00A0 (C2 A0 in UTF-8) on
//   both sides of the "h", so a line never breaks inside a time. Not U+202F (NARROW NO-BREAK
//   SPACE): it is missing from some fonts and some mail clients still show it as a box.
// - Every other space is a plain U+0020, including around the range dash, so a long line may break
//   there.
// - Ranges use EN DASH U+2013 (E2 80 93): " – " in French; in English "–" unspaced within one
//   month or one day ("19–21 October 2026", "18:30–20:00") and " – " between longer spans.
// - "1er" for the first day of a month in French, with no superscript (plain text).
// Nothing here reads a time zone: the values are civil, so a daylight-saving change between start
// and end (or a wall time that did not exist) does not change what is written.

namespace concerto::render {
namespace {

constexpr std::string_view kNbsp = "\u00a0";
constexpr std::string_view kEnDash = "\u2013";

constexpr const char* kFrenchWeekdays[] = {"dimanche", "lundi",    "mardi", "mercredi",
                                           "jeudi",    "vendredi", "samedi"};
constexpr const char* kEnglishWeekdays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                            "Thursday", "Friday", "Saturday"};
constexpr const char* kFrenchMonths[] = {"janvier",   "février", "mars",     "avril",
                                         "mai",       "juin",    "juillet",  "août",
                                         "septembre", "octobre", "novembre", "décembre"};
constexpr const char* kEnglishMonths[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Month and day exist (any year): the dates we can name. Others are written as numbers.
bool is_nameable(const core::Date& date) {
  return date.month >= 1 && date.month <= 12 && date.day >= 1 &&
         date.day <= core::days_in_month(date.year, date.month);
}

// core::weekday() on a year moved into 2000..2399: the Gregorian calendar repeats every 400 years
// (146097 days, a whole number of weeks, same leap years), and a year near INT_MIN or INT_MAX
// would overflow inside days_from_civil.
int weekday_of(const core::Date& date) {
  const int cycle_year = (date.year % 400 + 400) % 400 + 2000;
  return core::weekday(core::Date{cycle_year, date.month, date.day});
}

// The day before a nameable date, without overflowing at INT_MIN.
core::Date day_before(const core::Date& date) {
  if (date.day > 1) return core::Date{date.year, date.month, date.day - 1};
  if (date.month > 1) {
    return core::Date{date.year, date.month - 1, core::days_in_month(date.year, date.month - 1)};
  }
  if (date.year == INT_MIN) return date;
  return core::Date{date.year - 1, 12, 31};
}

std::string padded2(int value) {
  std::string text = std::to_string(value);
  if (value >= 0 && value < 10) text.insert(0, 1, '0');
  return text;
}

// "2026-13-05" for a date that cannot be named; zero-padded like ISO 8601 but never truncated.
std::string numeric_date(const core::Date& date) {
  std::string year = std::to_string(date.year);
  if (date.year >= 0 && year.size() < 4) year.insert(0, 4 - year.size(), '0');
  return year + "-" + padded2(date.month) + "-" + padded2(date.day);
}

// "19", "1er" (French), "1" (English).
std::string day_number(Language language, int day) {
  std::string text = std::to_string(day);
  if (language != Language::kEnglish && day == 1) text += "er";
  return text;
}

// "19 octobre", "1er octobre", "1 October": day then month in both languages.
std::string day_and_month(Language language, const core::Date& date) {
  return day_number(language, date.day) + " " + month_name(language, date.month);
}

std::string range_dash(Language language, bool spaced) {
  if (language != Language::kEnglish || spaced) return " " + std::string(kEnDash) + " ";
  return std::string(kEnDash);
}

// Whether `end` is after `start` when both are read to the minute, as they are shown.
bool is_after_to_the_minute(const core::LocalDateTime& end, const core::LocalDateTime& start) {
  if (end.date != start.date) return end.date > start.date;
  if (end.hour != start.hour) return end.hour > start.hour;
  return end.minute > start.minute;
}

std::string day_and_time(Language language, const core::LocalDateTime& time, bool with_year) {
  const std::string day =
      with_year ? format_day(language, time.date) : format_day_short(language, time.date);
  return day + ", " + format_time(language, time.hour, time.minute);
}

}  // namespace

Language language_from_code(std::string_view code) {
  if (code.size() >= 2 && ascii_lower(code[0]) == 'e' && ascii_lower(code[1]) == 'n') {
    return Language::kEnglish;
  }
  return Language::kFrench;
}

const char* language_code(Language language) {
  return language == Language::kEnglish ? "en" : "fr";
}

std::string weekday_name(Language language, int weekday) {
  if (weekday < 0 || weekday > 6) return "";
  return language == Language::kEnglish ? kEnglishWeekdays[weekday] : kFrenchWeekdays[weekday];
}

std::string month_name(Language language, int month) {
  if (month < 1 || month > 12) return "";
  return language == Language::kEnglish ? kEnglishMonths[month - 1] : kFrenchMonths[month - 1];
}

std::string format_month(Language language, int year, int month) {
  if (month < 1 || month > 12) return std::to_string(year) + "-" + padded2(month);
  return month_name(language, month) + " " + std::to_string(year);
}

std::string format_day(Language language, const core::Date& date) {
  if (!is_nameable(date)) return numeric_date(date);
  return format_day_short(language, date) + " " + std::to_string(date.year);
}

std::string format_day_short(Language language, const core::Date& date) {
  if (!is_nameable(date)) return numeric_date(date);
  return weekday_name(language, weekday_of(date)) + " " + day_and_month(language, date);
}

std::string format_time(Language language, int hour, int minute) {
  if (language == Language::kEnglish) return padded2(hour) + ":" + padded2(minute);
  std::string text = std::to_string(hour);
  text += kNbsp;
  text += "h";
  if (minute != 0) {
    text += kNbsp;
    text += padded2(minute);
  }
  return text;
}

std::string format_day_range(Language language, const core::Date& first, const core::Date& last) {
  if (last <= first) return format_day(language, first);
  const bool french = language != Language::kEnglish;
  if (!is_nameable(first) || !is_nameable(last)) {
    const std::string from = numeric_date(first);
    const std::string to = numeric_date(last);
    return french ? "du " + from + " au " + to : from + range_dash(language, true) + to;
  }
  const std::string year = std::to_string(last.year);
  if (first.year != last.year) {
    const std::string from = day_and_month(language, first) + " " + std::to_string(first.year);
    const std::string to = day_and_month(language, last) + " " + year;
    return french ? "du " + from + " au " + to : from + range_dash(language, true) + to;
  }
  if (first.month != last.month) {
    const std::string from = day_and_month(language, first);
    const std::string to = day_and_month(language, last) + " " + year;
    return french ? "du " + from + " au " + to : from + range_dash(language, true) + to;
  }
  const std::string month_year = month_name(language, last.month) + " " + year;
  if (french) {
    return "du " + day_number(language, first.day) + " au " + day_number(language, last.day) + " " +
           month_year;
  }
  return std::to_string(first.day) + range_dash(language, false) + std::to_string(last.day) + " " +
         month_year;
}

// An evening that ends at midnight ends on its own day: "20 h – 0 h", not "du … au …".
static bool ends_at_its_midnight(const core::LocalDateTime& start, const core::LocalDateTime& end) {
  return end.hour == 0 && end.minute == 0 && is_nameable(start.date) &&
         end.date == core::add_days(start.date, 1) && (start.hour != 0 || start.minute != 0);
}

std::string format_when(Language language, bool all_day, const core::LocalDateTime& start,
                        const core::LocalDateTime& end) {
  if (all_day) {
    if (end.date <= start.date || !is_nameable(end.date)) return format_day(language, start.date);
    return format_day_range(language, start.date, day_before(end.date));
  }
  const std::string start_text = day_and_time(language, start, true);
  if (!is_after_to_the_minute(end, start)) return start_text;
  if (end.date == start.date || ends_at_its_midnight(start, end)) {
    return start_text + range_dash(language, false) + format_time(language, end.hour, end.minute);
  }
  const std::string end_text = day_and_time(language, end, true);
  if (language != Language::kEnglish) return "du " + start_text + " au " + end_text;
  return start_text + range_dash(language, true) + end_text;
}

std::string format_time_range(Language language, bool all_day, const core::LocalDateTime& start,
                              const core::LocalDateTime& end) {
  if (all_day) return language == Language::kEnglish ? "all day" : "toute la journée";
  const std::string start_text = format_time(language, start.hour, start.minute);
  if (!is_after_to_the_minute(end, start)) return start_text;
  if (end.date == start.date || ends_at_its_midnight(start, end)) {
    return start_text + range_dash(language, false) + format_time(language, end.hour, end.minute);
  }
  return start_text + range_dash(language, true) + day_and_time(language, end, false);
}

}  // namespace concerto::render
