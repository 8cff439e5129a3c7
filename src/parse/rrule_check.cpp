#include "parse/rrule_check.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <vector>

#include "core/text.h"

namespace concerto::parse {
namespace {

enum class Freq { kSecondly, kMinutely, kHourly, kDaily, kWeekly, kMonthly, kYearly };

struct WeekdayNum {
  int ordinal = 0;  // 0 = every such weekday in the period
  int weekday = 0;  // 0 = Sunday ... 6 = Saturday
};

struct Rule {
  Freq freq = Freq::kDaily;
  int wkst = 1;  // Monday
  std::vector<int> seconds, minutes, hours, month_days, year_days, week_numbers, months,
      set_positions;
  std::vector<WeekdayNum> days;
};

// The 28-year window 2000..2027 holds every combination of weekday and leap year that the
// Gregorian calendar repeats between 1901 and 2099.
constexpr int kFirstYear = 2000;
constexpr int kLastYear = 2027;

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (digits.empty()) return std::nullopt;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

std::optional<int> parse_weekday(std::string_view text) {
  static constexpr std::string_view kNames[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
  for (int i = 0; i < 7; ++i) {
    if (text == kNames[i]) return i;
  }
  return std::nullopt;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto found = text.find(separator, start);
    parts.push_back(text.substr(start, found == std::string_view::npos ? found : found - start));
    if (found == std::string_view::npos) break;
    start = found + 1;
  }
  return parts;
}

// A list of integers in [-high, -low] ∪ [low, high] (negatives only when `signed_ok`).
std::optional<std::string> parse_int_list(std::string_view name, std::string_view text, int low,
                                          int high, bool signed_ok, std::vector<int>& out) {
  for (std::string_view item : split(text, ',')) {
    const auto value = parse_int(item);
    const int magnitude = value ? std::abs(*value) : 0;
    if (!value || magnitude < low || magnitude > high || (*value < 0 && !signed_ok)) {
      return std::string(name) + "=" + std::string(text) + ": " + std::string(item) +
             " is out of range";
    }
    out.push_back(*value);
  }
  return std::nullopt;
}

bool valid_until(std::string_view text) {
  const auto digits = [&](std::size_t from, std::size_t count) {
    if (text.size() < from + count) return false;
    return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(from),
                       text.begin() + static_cast<std::ptrdiff_t>(from + count),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(0, 8)) return false;
  core::LocalDateTime time;
  time.date = {std::atoi(std::string(text.substr(0, 4)).c_str()),
               std::atoi(std::string(text.substr(4, 2)).c_str()),
               std::atoi(std::string(text.substr(6, 2)).c_str())};
  if (text.size() == 8) return core::is_valid(time.date);
  if (text.size() != 15 && !(text.size() == 16 && text[15] == 'Z')) return false;
  if (text[8] != 'T' || !digits(9, 6)) return false;
  time.hour = std::atoi(std::string(text.substr(9, 2)).c_str());
  time.minute = std::atoi(std::string(text.substr(11, 2)).c_str());
  time.second = std::atoi(std::string(text.substr(13, 2)).c_str());
  return core::is_valid(time);
}

std::optional<std::string> parse_rule(std::string_view text, Rule& rule) {
  std::set<std::string> seen;
  bool has_freq = false, has_count = false, has_until = false;
  std::string freq_name;
  for (std::string_view part : split(text, ';')) {
    if (part.empty()) continue;  // a trailing ';'
    const auto equals = part.find('=');
    if (equals == std::string_view::npos || equals + 1 == part.size()) {
      return "\"" + std::string(part) + "\" is not NAME=VALUE";
    }
    const std::string_view name = part.substr(0, equals);
    const std::string_view value = part.substr(equals + 1);
    if (!seen.insert(std::string(name)).second) return std::string(name) + " appears twice";
    std::optional<std::string> error;
    if (name == "FREQ") {
      static const std::map<std::string_view, Freq> kFreqs = {
          {"SECONDLY", Freq::kSecondly}, {"MINUTELY", Freq::kMinutely}, {"HOURLY", Freq::kHourly},
          {"DAILY", Freq::kDaily},       {"WEEKLY", Freq::kWeekly},     {"MONTHLY", Freq::kMonthly},
          {"YEARLY", Freq::kYearly}};
      const auto found = kFreqs.find(value);
      if (found == kFreqs.end()) return "FREQ=" + std::string(value) + " is unknown";
      rule.freq = found->second;
      freq_name = std::string(value);
      has_freq = true;
    } else if (name == "UNTIL") {
      if (!valid_until(value)) return "UNTIL=" + std::string(value) + " is not a valid date";
      has_until = true;
    } else if (name == "COUNT" || name == "INTERVAL") {
      const auto number = parse_int(value);
      if (!number || *number < 1) {
        return std::string(name) + "=" + std::string(value) + " is not a positive integer";
      }
      has_count = has_count || name == "COUNT";
    } else if (name == "BYSECOND") {
      error = parse_int_list(name, value, 0, 60, false, rule.seconds);
    } else if (name == "BYMINUTE") {
      error = parse_int_list(name, value, 0, 59, false, rule.minutes);
    } else if (name == "BYHOUR") {
      error = parse_int_list(name, value, 0, 23, false, rule.hours);
    } else if (name == "BYMONTHDAY") {
      error = parse_int_list(name, value, 1, 31, true, rule.month_days);
    } else if (name == "BYYEARDAY") {
      error = parse_int_list(name, value, 1, 366, true, rule.year_days);
    } else if (name == "BYWEEKNO") {
      error = parse_int_list(name, value, 1, 53, true, rule.week_numbers);
    } else if (name == "BYMONTH") {
      error = parse_int_list(name, value, 1, 12, false, rule.months);
    } else if (name == "BYSETPOS") {
      error = parse_int_list(name, value, 1, 366, true, rule.set_positions);
    } else if (name == "BYDAY") {
      for (std::string_view item : split(value, ',')) {
        if (item.size() < 2)
          return "BYDAY=" + std::string(value) + ": \"" + std::string(item) + "\"";
        const auto weekday = parse_weekday(item.substr(item.size() - 2));
        const std::string_view ordinal_text = item.substr(0, item.size() - 2);
        const auto ordinal = ordinal_text.empty() ? std::optional<int>(0) : parse_int(ordinal_text);
        if (!weekday || !ordinal ||
            (!ordinal_text.empty() && (*ordinal == 0 || std::abs(*ordinal) > 53))) {
          return "BYDAY=" + std::string(value) + ": \"" + std::string(item) + "\" is not a weekday";
        }
        rule.days.push_back({*ordinal, *weekday});
      }
    } else if (name == "WKST") {
      const auto weekday = parse_weekday(value);
      if (!weekday) return "WKST=" + std::string(value) + " is not a weekday";
      rule.wkst = *weekday;
    } else {
      return "the rule part " + std::string(name) + " is unknown";
    }
    if (error) return error;
  }
  if (!has_freq) return "FREQ is missing";
  if (has_count && has_until) return "COUNT and UNTIL are both given";
  const bool yearly = rule.freq == Freq::kYearly;
  const bool monthly = rule.freq == Freq::kMonthly;
  if (!rule.month_days.empty() && rule.freq == Freq::kWeekly) {
    return "BYMONTHDAY is not allowed with FREQ=WEEKLY";
  }
  if (!rule.year_days.empty() &&
      (rule.freq == Freq::kDaily || rule.freq == Freq::kWeekly || monthly)) {
    return "BYYEARDAY is not allowed with this FREQ";
  }
  if (!rule.week_numbers.empty() && !yearly) return "BYWEEKNO is allowed with FREQ=YEARLY only";
  for (const WeekdayNum& day : rule.days) {
    if (day.ordinal == 0) continue;
    if (!yearly && !monthly) return "BYDAY with a number needs FREQ=MONTHLY or YEARLY";
    if (yearly && !rule.week_numbers.empty()) return "BYDAY with a number cannot go with BYWEEKNO";
    if ((monthly || !rule.months.empty()) && std::abs(day.ordinal) > 5) {
      return "BYDAY=" + std::to_string(day.ordinal) + "...: a month has at most 5 of a weekday";
    }
  }
  // libical 3.0.16 ignores BYSETPOS below FREQ=DAILY: the rule would repeat far more often.
  if (!rule.set_positions.empty() && rule.freq < Freq::kDaily) {
    return "BYSETPOS is not supported with FREQ=" + freq_name;
  }
  if (!rule.set_positions.empty() && rule.seconds.empty() && rule.minutes.empty() &&
      rule.hours.empty() && rule.month_days.empty() && rule.year_days.empty() &&
      rule.week_numbers.empty() && rule.months.empty() && rule.days.empty()) {
    return "BYSETPOS needs another BY part";
  }
  return std::nullopt;
}

std::int64_t week_one_start(int year, int wkst) {
  const std::int64_t january_first = core::days_from_civil({year, 1, 1});
  const int into_week = (core::weekday({year, 1, 1}) - wkst + 7) % 7;
  return into_week <= 3 ? january_first - into_week : january_first + 7 - into_week;
}

// Week number of `day` counted from WKST, positive and negative (RFC 5545 BYWEEKNO).
std::pair<int, int> week_numbers(const core::Date& date, std::int64_t day, int wkst) {
  int year = date.year;
  if (day < week_one_start(year, wkst)) --year;
  if (day >= week_one_start(year + 1, wkst)) ++year;
  const std::int64_t start = week_one_start(year, wkst);
  const int weeks = static_cast<int>((week_one_start(year + 1, wkst) - start) / 7);
  const int number = static_cast<int>((day - start) / 7) + 1;
  return {number, number - weeks - 1};
}

bool matches_index(const std::vector<int>& wanted, int index, int count) {
  return std::any_of(wanted.begin(), wanted.end(), [&](int value) {
    return value > 0 ? value == index : count + value + 1 == index;
  });
}

class DayFilter {
 public:
  explicit DayFilter(const Rule& rule) : rule_(rule) {}

  bool matches(const core::Date& date, std::int64_t day) const {
    if (!rule_.months.empty() &&
        std::find(rule_.months.begin(), rule_.months.end(), date.month) == rule_.months.end()) {
      return false;
    }
    const int month_length = core::days_in_month(date.year, date.month);
    if (!rule_.month_days.empty() && !matches_index(rule_.month_days, date.day, month_length)) {
      return false;
    }
    const int year_length = core::is_leap_year(date.year) ? 366 : 365;
    const int year_day = static_cast<int>(day - core::days_from_civil({date.year, 1, 1})) + 1;
    if (!rule_.year_days.empty() && !matches_index(rule_.year_days, year_day, year_length)) {
      return false;
    }
    if (!rule_.week_numbers.empty()) {
      const std::pair<int, int> numbers = week_numbers(date, day, rule_.wkst);
      const int positive = numbers.first;
      const int negative = numbers.second;
      const bool found =
          std::any_of(rule_.week_numbers.begin(), rule_.week_numbers.end(),
                      [&](int value) { return value == (value > 0 ? positive : negative); });
      if (!found) return false;
    }
    if (!rule_.days.empty()) {
      const int weekday = core::weekday(date);
      const bool in_month = rule_.freq == Freq::kMonthly || !rule_.months.empty();
      const int index = in_month ? date.day : year_day;
      const int length = in_month ? month_length : year_length;
      const bool found = std::any_of(rule_.days.begin(), rule_.days.end(), [&](const auto& d) {
        if (d.weekday != weekday) return false;
        if (d.ordinal == 0) return true;
        return d.ordinal > 0 ? (index - 1) / 7 + 1 == d.ordinal
                             : -((length - index) / 7 + 1) == d.ordinal;
      });
      if (!found) return false;
    }
    return true;
  }

 private:
  const Rule& rule_;
};

// The parts a rule takes from DTSTART when it does not give them (RFC 5545 3.3.10).
void apply_implicit_parts(Rule& rule, const core::Date& start) {
  const bool no_day_parts = rule.month_days.empty() && rule.year_days.empty() &&
                            rule.week_numbers.empty() && rule.days.empty();
  if (rule.freq == Freq::kYearly && no_day_parts) {
    if (rule.months.empty()) rule.months.push_back(start.month);
    rule.month_days.push_back(start.day);
  } else if (rule.freq == Freq::kMonthly && no_day_parts) {
    rule.month_days.push_back(start.day);
  } else if (rule.freq == Freq::kWeekly && rule.days.empty()) {
    rule.days.push_back({0, core::weekday(start)});
  }
}

std::int64_t period_of(Freq freq, const core::Date& date, std::int64_t day, int wkst) {
  switch (freq) {
    case Freq::kYearly:
      return date.year;
    case Freq::kMonthly:
      return date.year * 12 + date.month;
    case Freq::kWeekly:
      // 1970-01-01 was a Thursday (4).
      return (day + 4 - wkst + 7 * 1000000) / 7;
    default:
      return day;
  }
}

std::optional<std::string> check_satisfiable(const Rule& rule) {
  const DayFilter filter(rule);
  const bool check_positions = !rule.set_positions.empty();
  int needed = 0;
  for (int position : rule.set_positions) {
    needed = needed == 0 ? std::abs(position) : std::min(needed, std::abs(position));
  }
  const auto list_size = [](const std::vector<int>& list) {
    return list.empty() ? 1 : static_cast<int>(list.size());
  };
  const std::int64_t per_day = static_cast<std::int64_t>(list_size(rule.hours)) *
                               list_size(rule.minutes) * list_size(rule.seconds);
  const std::int64_t first = core::days_from_civil({kFirstYear, 1, 1});
  const std::int64_t last = core::days_from_civil({kLastYear, 12, 31});
  bool any_day = false;
  std::int64_t period = -1;
  std::int64_t in_period = 0;
  for (std::int64_t day = first; day <= last; ++day) {
    const core::Date date = core::civil_from_days(day);
    if (!filter.matches(date, day)) continue;
    any_day = true;
    if (!check_positions) return std::nullopt;
    const std::int64_t this_period = period_of(rule.freq, date, day, rule.wkst);
    if (this_period != period) {
      period = this_period;
      in_period = 0;
    }
    in_period += per_day;
    if (in_period >= needed) return std::nullopt;
  }
  if (!any_day) return std::string("the rule never matches a day");
  return "BYSETPOS=" + std::to_string(needed) + " is past the size of every period's set";
}

}  // namespace

std::optional<std::string> check_rrule(std::string_view text, const core::Date& start) {
  Rule rule;
  if (auto error = parse_rule(core::ascii_upper(text), rule)) return error;
  apply_implicit_parts(rule, start);
  return check_satisfiable(rule);
}

}  // namespace concerto::parse
