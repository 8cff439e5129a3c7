#include "render/vtimezone.h"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "core/civil_time.h"
#include "render/ics_line.h"

namespace concerto::render {
namespace {

constexpr std::array<const char*, 7> kWeekdays = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

// "Last Sunday of March" style: what a yearly RRULE can say about a transition.
struct YearlyRule {
  int month = 1;
  int week = 1;     // 1..5, or -1 for the last one of the month
  int weekday = 0;  // 0 = Sunday
  int seconds_of_day = 0;
  int offset_before = 0;
  int offset_after = 0;
};

core::LocalDateTime old_wall_time(const core::ZoneTransition& transition) {
  return core::civil_from_seconds(transition.utc + transition.offset_before);
}

int seconds_of_day(const core::LocalDateTime& time) {
  return time.hour * 3600 + time.minute * 60 + time.second;
}

std::optional<core::Date> rule_date(const YearlyRule& rule, int year) {
  const int last_day = core::days_in_month(year, rule.month);
  if (rule.week < 0) {
    const core::Date last{year, rule.month, last_day};
    const int back = (core::weekday(last) - rule.weekday + 7) % 7;
    return core::Date{year, rule.month, last_day - back};
  }
  const core::Date first{year, rule.month, 1};
  const int day = 1 + (rule.weekday - core::weekday(first) + 7) % 7 + 7 * (rule.week - 1);
  if (day > last_day) return std::nullopt;
  return core::Date{year, rule.month, day};
}

// True when the zone's own table shows the rule again in the following years (at least one, and
// every one it holds up to two years on).
bool rule_continues(const YearlyRule& rule, int year,
                    const std::vector<core::ZoneTransition>& transitions) {
  int confirmed = 0;
  for (int next = year + 1; next <= year + 2; ++next) {
    const auto match = std::find_if(transitions.begin(), transitions.end(),
                                    [&](const core::ZoneTransition& transition) {
                                      return transition.offset_before == rule.offset_before &&
                                             transition.offset_after == rule.offset_after &&
                                             old_wall_time(transition).date.year == next;
                                    });
    if (match == transitions.end()) {
      // The table ends (2100) or the zone stops changing: only the first year is required.
      if (next == year + 1) return false;
      break;
    }
    const core::LocalDateTime wall = old_wall_time(*match);
    const std::optional<core::Date> predicted = rule_date(rule, next);
    if (!predicted || *predicted != wall.date || seconds_of_day(wall) != rule.seconds_of_day) {
      return false;
    }
    ++confirmed;
  }
  return confirmed > 0;
}

std::optional<YearlyRule> yearly_rule(const core::ZoneTransition& transition,
                                      const std::vector<core::ZoneTransition>& transitions) {
  const core::LocalDateTime wall = old_wall_time(transition);
  YearlyRule rule;
  rule.month = wall.date.month;
  rule.weekday = core::weekday(wall.date);
  rule.seconds_of_day = seconds_of_day(wall);
  rule.offset_before = transition.offset_before;
  rule.offset_after = transition.offset_after;
  const int forward_week = (wall.date.day - 1) / 7 + 1;
  const bool can_be_last = wall.date.day + 7 > core::days_in_month(wall.date.year, wall.date.month);
  std::vector<int> candidates;
  if (can_be_last) candidates.push_back(-1);
  candidates.push_back(forward_week);
  for (const int week : candidates) {
    rule.week = week;
    if (rule_continues(rule, wall.date.year, transitions)) return rule;
  }
  return std::nullopt;
}

void append_observance(std::string& out, const core::ZoneTransition& transition,
                       const YearlyRule* rule) {
  const char* kind = transition.offset_after > transition.offset_before ? "DAYLIGHT" : "STANDARD";
  detail::append_line(out, "BEGIN", "", kind);
  detail::append_line(out, "TZOFFSETFROM", "",
                      core::format_utc_offset(transition.offset_before, false));
  detail::append_line(out, "TZOFFSETTO", "",
                      core::format_utc_offset(transition.offset_after, false));
  detail::append_line(out, "DTSTART", "", core::format_ics_local(old_wall_time(transition)));
  if (rule != nullptr) {
    const std::string week = std::to_string(rule->week);
    detail::append_line(out, "RRULE", "",
                        "FREQ=YEARLY;BYMONTH=" + std::to_string(rule->month) + ";BYDAY=" + week +
                            kWeekdays[static_cast<std::size_t>(rule->weekday)]);
  }
  detail::append_line(out, "END", "", kind);
}

}  // namespace

std::string render_vtimezone(const core::TimeZone& zone, int from_year, int to_year) {
  if (from_year > to_year) std::swap(from_year, to_year);
  std::string out;
  detail::append_line(out, "BEGIN", "", "VTIMEZONE");
  detail::append_line(out, "TZID", "", zone.name());
  detail::append_line(out, "X-LIC-LOCATION", "", zone.name());

  const std::vector<core::ZoneTransition>& all = zone.transitions();
  std::vector<core::ZoneTransition> in_range;
  for (const core::ZoneTransition& transition : all) {
    const int year = old_wall_time(transition).date.year;
    if (year >= from_year - 1 && year <= to_year) in_range.push_back(transition);
  }

  if (in_range.empty()) {
    const int offset = zone.offset_at_utc(core::seconds_from_civil({{from_year, 1, 1}, 0, 0, 0}));
    const std::string text = core::format_utc_offset(offset, false);
    detail::append_line(out, "BEGIN", "", "STANDARD");
    detail::append_line(out, "TZOFFSETFROM", "", text);
    detail::append_line(out, "TZOFFSETTO", "", text);
    detail::append_line(out, "DTSTART", "", "19700101T000000");
    detail::append_line(out, "END", "", "STANDARD");
    detail::append_line(out, "END", "", "VTIMEZONE");
    return out;
  }

  // The last year's transitions become yearly rules only when all of them repeat as rules;
  // otherwise the last explicit observance simply stays in force.
  const int last_year = old_wall_time(in_range.back()).date.year;
  std::vector<YearlyRule> rules;
  if (last_year == to_year) {
    for (const core::ZoneTransition& transition : in_range) {
      if (old_wall_time(transition).date.year != last_year) continue;
      if (std::optional<YearlyRule> rule = yearly_rule(transition, all)) {
        rules.push_back(*rule);
      } else {
        rules.clear();
        break;
      }
    }
  }
  // The rules start as early as the years before follow them too, so that a zone whose rules
  // did not change in the range is one DAYLIGHT and one STANDARD observance, the shape Outlook
  // reads correctly (it misreads lists of explicit observances).
  std::size_t first_ruled = in_range.size();
  if (!rules.empty()) {
    first_ruled = in_range.size() - rules.size();
    while (first_ruled >= rules.size()) {
      const std::size_t candidate = first_ruled - rules.size();
      const int year = old_wall_time(in_range[candidate]).date.year;
      bool follows = true;
      for (std::size_t k = 0; k < rules.size() && follows; ++k) {
        const core::ZoneTransition& transition = in_range[candidate + k];
        const core::LocalDateTime wall = old_wall_time(transition);
        const std::optional<core::Date> predicted = rule_date(rules[k], year);
        follows = wall.date.year == year && predicted && *predicted == wall.date &&
                  seconds_of_day(wall) == rules[k].seconds_of_day &&
                  transition.offset_before == rules[k].offset_before &&
                  transition.offset_after == rules[k].offset_after;
      }
      if (!follows) break;
      first_ruled = candidate;
    }
  }
  for (std::size_t i = 0; i < in_range.size(); ++i) {
    if (i < first_ruled) {
      append_observance(out, in_range[i], nullptr);
    } else if (i < first_ruled + rules.size()) {
      append_observance(out, in_range[i], &rules[i - first_ruled]);
    }
  }
  detail::append_line(out, "END", "", "VTIMEZONE");
  return out;
}

}  // namespace concerto::render
