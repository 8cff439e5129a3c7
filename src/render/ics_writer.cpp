#include "render/ics_writer.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "core/civil_time.h"
#include "core/text.h"
#include "core/time_zone.h"
#include "dedup/fold.h"
#include "render/ics_line.h"
#include "render/vtimezone.h"
#include "render/writable_time.h"

namespace concerto::render {
namespace {

// VTIMEZONE years: the zone tables end in 2100, and years before 1970 in this agenda are
// noise that would cost hundreds of observances (an event in 1601 is read with the first one).
constexpr int kFirstZoneYear = 1970;
constexpr int kLastZoneYear = 2100;
constexpr int kOpenSeriesExtraYears = 2;  // VTIMEZONE years past an unbounded RRULE

std::string utc_value(std::int64_t utc) {
  return core::format_ics_local(core::civil_from_seconds(utc)) + "Z";
}

// "PT1H", "PT30M", "P1D", "P1DT2H30M".
std::string ics_duration(std::int64_t seconds) {
  std::string out = "P";
  const std::int64_t days = seconds / 86400;
  const std::int64_t hours = seconds % 86400 / 3600;
  const std::int64_t minutes = seconds % 3600 / 60;
  const std::int64_t rest = seconds % 60;
  if (days > 0) out += std::to_string(days) + "D";
  if (hours > 0 || minutes > 0 || rest > 0) {
    out += "T";
    if (hours > 0) out += std::to_string(hours) + "H";
    if (minutes > 0) out += std::to_string(minutes) + "M";
    if (rest > 0) out += std::to_string(rest) + "S";
  }
  return out;
}

// The year an RRULE's UNTIL names, when it has one.
std::optional<int> until_year(std::string_view rrule) {
  const std::string upper = core::ascii_upper(rrule);
  const auto at = upper.find("UNTIL=");
  if (at == std::string::npos || at + 10 > upper.size()) return std::nullopt;
  int year = 0;
  for (std::size_t i = at + 6; i < at + 10; ++i) {
    if (upper[i] < '0' || upper[i] > '9') return std::nullopt;
    year = year * 10 + (upper[i] - '0');
  }
  return year;
}

// RRULE text is ASCII; anything else a producer slipped in is dropped.
std::string rrule_value(std::string_view rrule) {
  std::string out;
  out.reserve(rrule.size());
  for (const char c : rrule) {
    if (c > 0x20 && c < 0x7F) out.push_back(c);
  }
  if (out.size() > 6 && core::iequals(std::string_view(out).substr(0, 6), "RRULE:")) {
    out.erase(0, 6);
  }
  return out;
}

struct Organizer {
  std::string name;
  std::string address;  // without "mailto:"
};

bool is_address(std::string_view address) {
  if (address.empty() || address.find('@') == std::string_view::npos) return false;
  return std::none_of(address.begin(), address.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == ',' ||
           c == ';';
  });
}

// "Name <a@b>", "<a@b>", "a@b" or "mailto:a@b"; nullopt without an address.
std::optional<Organizer> parse_organizer(std::string_view text) {
  text = core::trim(text);
  Organizer organizer;
  std::string_view address = text;
  const auto open = text.rfind('<');
  if (open != std::string_view::npos && !text.empty() && text.back() == '>') {
    address = core::trim(text.substr(open + 1, text.size() - open - 2));
    std::string_view name = core::trim(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = core::trim(name.substr(1, name.size() - 2));
    }
    organizer.name = core::clean_line(name);
  }
  if (address.size() > 7 && core::iequals(address.substr(0, 7), "mailto:")) {
    address.remove_prefix(7);
  }
  if (!is_address(address)) return std::nullopt;
  organizer.address = std::string(address);
  return organizer;
}

// Builds the VEVENTs while recording which zones and years they use.
class CalendarWriter {
 public:
  explicit CalendarWriter(const CalendarInfo& info)
      : info_(info), dtstamp_(utc_value(info.now_utc)) {}

  void append_event(const dedup::MergedEvent& merged) {
    const core::Event& event = merged.event;
    if (!is_writable(event)) return;
    line("BEGIN", "", "VEVENT");
    text_line("UID", event.uid.empty() ? made_up_uid(event) : event.uid);
    line("DTSTAMP", "", dtstamp_);
    time_line("DTSTART", event.start);
    if (has_valid_end(event)) time_line("DTEND", event.end);
    if (event.recurrence_id) time_line("RECURRENCE-ID", *event.recurrence_id);
    line("SEQUENCE", "", std::to_string(std::max(event.sequence, 0)));
    text_line("SUMMARY", event.status == core::EventStatus::kCancelled
                             ? with_cancelled_prefix(event.summary)
                             : event.summary);
    if (!event.description.empty()) text_line("DESCRIPTION", event.description);
    if (!event.location.empty()) text_line("LOCATION", event.location);
    if (core::is_http_url(event.url)) line("URL", "", event.url);
    append_categories(event.categories);
    line("STATUS", "", status_value(event.status));
    if (const std::optional<Organizer> organizer = parse_organizer(event.organizer)) {
      const std::string name = detail::parameter_value(organizer->name);
      line("ORGANIZER", name.empty() ? std::string() : "CN=" + name,
           "mailto:" + organizer->address);
    }
    if (const std::string rrule = rrule_value(event.rrule); !rrule.empty()) {
      line("RRULE", "", rrule);
      note_open_series(event, rrule);
    }
    append_time_list("RDATE", event.rdates);
    append_time_list("EXDATE", event.exdates);
    if (event.last_modified > 0) line("LAST-MODIFIED", "", utc_value(event.last_modified));
    line("END", "", "VEVENT");
  }

  // The partner may have said it already: "ANNULÉ - Balade urbaine".
  std::string with_cancelled_prefix(const std::string& summary) const {
    const std::string word = dedup::fold_text(info_.cancelled_prefix);
    if (word.empty() || dedup::fold_text(summary).rfind(word, 0) == 0) return summary;
    return info_.cancelled_prefix + summary;
  }

  std::string finish() const {
    std::string out;
    out.reserve(events_.size() + 4096);
    detail::append_line(out, "BEGIN", "", "VCALENDAR");
    detail::append_line(out, "PRODID", "", "-//Concerto//Concerto 0.1//FR");
    detail::append_line(out, "VERSION", "", "2.0");
    detail::append_line(out, "CALSCALE", "", "GREGORIAN");
    detail::append_line(out, "METHOD", "", "PUBLISH");
    append_text(out, "X-WR-CALNAME", info_.name);
    if (!info_.timezone.empty()) append_text(out, "X-WR-TIMEZONE", info_.timezone);
    if (!info_.description.empty()) append_text(out, "X-WR-CALDESC", info_.description);
    if (info_.refresh_seconds > 0) {
      const std::string duration = ics_duration(info_.refresh_seconds);
      detail::append_line(out, "REFRESH-INTERVAL", "VALUE=DURATION", duration);
      detail::append_line(out, "X-PUBLISHED-TTL", "", duration);
    }
    for (const auto& [name, use] : zone_uses_) {
      const int last_used = use.open_series ? use.max_year + kOpenSeriesExtraYears : use.max_year;
      const int to_year = std::min(last_used, kLastZoneYear);
      out.append(render_vtimezone(*use.zone, std::min(use.min_year, to_year), to_year));
    }
    out.append(events_);
    detail::append_line(out, "END", "", "VCALENDAR");
    return out;
  }

 private:
  struct ZoneUse {
    core::ZonePtr zone;
    int min_year = kFirstZoneYear;  // of the years used inside [kFirstZoneYear, kLastZoneYear]
    int max_year = kFirstZoneYear;
    bool any_year = false;     // min_year and max_year hold a used year
    bool open_series = false;  // an RRULE without UNTIL starts in this zone
  };
  struct FormattedTime {
    std::string parameters;
    std::string value;
  };

  static void append_text(std::string& out, std::string_view name, std::string_view text) {
    std::string escaped;
    escaped.reserve(text.size() + 8);
    detail::append_escaped_text(escaped, text);
    detail::append_line(out, name, "", escaped);
  }

  static const char* status_value(core::EventStatus status) {
    switch (status) {
      case core::EventStatus::kTentative:
        return "TENTATIVE";
      case core::EventStatus::kCancelled:
        return "CANCELLED";
      case core::EventStatus::kConfirmed:
        break;
    }
    return "CONFIRMED";
  }

  // An event with a date the ICS grammar cannot hold (a year outside 1..9999) is left out
  // rather than written as garbage; so are such RDATE and EXDATE values (append_time_list).
  static bool is_writable(const core::Event& event) {
    if (!detail::is_writable(event.start)) return false;
    if (has_valid_end(event) && !detail::is_writable(event.end)) return false;
    return !event.recurrence_id || detail::is_writable(*event.recurrence_id);
  }

  static bool has_valid_end(const core::Event& event) {
    if (event.end.all_day != event.start.all_day) return false;
    if (event.start.all_day) return event.end.date > event.start.date;
    if (event.start.floating() || event.end.floating()) return event.end.local > event.start.local;
    return event.end.utc > event.start.utc;
  }

  void line(std::string_view name, std::string_view parameters, std::string_view value) {
    detail::append_line(events_, name, parameters, value);
  }

  void text_line(std::string_view name, std::string_view text) {
    scratch_.clear();
    detail::append_escaped_text(scratch_, text);
    detail::append_line(events_, name, "", scratch_);
  }

  // A stable hash, so that a made-up UID is the same on every run.
  std::string made_up_uid(const core::Event& event) const {
    const std::uint64_t hash =
        core::fnv1a64(event.feed_id + "\n" + event.start.key() + "\n" + event.summary);
    return core::hex64(hash) + "@" + info_.uid_domain;
  }

  const core::ZonePtr& zone_for(const std::string& tzid) {
    auto found = zones_.find(tzid);
    if (found == zones_.end()) found = zones_.emplace(tzid, core::find_zone(tzid)).first;
    return found->second;
  }

  // A year before kFirstZoneYear only makes the zone used (its VTIMEZONE then starts in
  // kFirstZoneYear); it does not stretch the range down.
  ZoneUse& note_year(const core::ZonePtr& zone, int year) {
    ZoneUse& use = zone_uses_.try_emplace(zone->name(), ZoneUse{zone}).first->second;
    if (year < kFirstZoneYear) return use;
    year = std::min(year, kLastZoneYear);
    use.min_year = use.any_year ? std::min(use.min_year, year) : year;
    use.max_year = use.any_year ? std::max(use.max_year, year) : year;
    use.any_year = true;
    return use;
  }

  FormattedTime format(const core::EventTime& time) {
    if (time.all_day) return {"VALUE=DATE", core::format_ics_date(time.date)};
    if (time.floating()) return {"", core::format_ics_local(time.local)};
    const core::ZonePtr& zone = zone_for(time.tzid);
    // A zone we cannot describe is written as the instant, which every client reads the same.
    if (zone == nullptr || zone->is_utc()) return {"", utc_value(time.utc)};
    note_year(zone, time.local.date.year);
    return {"TZID=" + detail::parameter_value(zone->name()), core::format_ics_local(time.local)};
  }

  void time_line(std::string_view name, const core::EventTime& time) {
    const FormattedTime formatted = format(time);
    line(name, formatted.parameters, formatted.value);
  }

  // One property per form (VALUE=DATE, each TZID, UTC, floating), in order of first appearance.
  void append_time_list(std::string_view name, const std::vector<core::EventTime>& times) {
    std::vector<std::pair<std::string, std::string>> groups;  // key -> values
    std::vector<std::string> parameters;
    for (const core::EventTime& time : times) {
      if (!detail::is_writable(time)) continue;
      const FormattedTime formatted = format(time);
      const bool utc = !formatted.value.empty() && formatted.value.back() == 'Z';
      const std::string key = formatted.parameters + (utc ? "|Z" : "|");
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const auto& entry) { return entry.first == key; });
      if (group == groups.end()) {
        groups.emplace_back(key, formatted.value);
        parameters.push_back(formatted.parameters);
      } else {
        group->second += "," + formatted.value;
      }
    }
    for (std::size_t i = 0; i < groups.size(); ++i) line(name, parameters[i], groups[i].second);
  }

  // libical 3.0.16 keeps "a\,b,c" as one category "a,b,c": a category that needs escaping gets
  // its own property, the others share one.
  void append_categories(const std::vector<std::string>& categories) {
    std::string plain;
    std::vector<std::string> escaped_alone;
    for (const std::string& category : categories) {
      scratch_.clear();
      detail::append_escaped_text(scratch_, category);
      if (scratch_.empty()) continue;
      if (scratch_ == category) {
        if (!plain.empty()) plain.push_back(',');
        plain += scratch_;
      } else {
        escaped_alone.push_back(scratch_);
      }
    }
    if (!plain.empty()) line("CATEGORIES", "", plain);
    for (const std::string& value : escaped_alone) line("CATEGORIES", "", value);
  }

  // A series runs past its DTSTART: to its UNTIL, or (unbounded or COUNT) a few years past the
  // zone's last used year; the VTIMEZONE's yearly rules cover the rest.
  void note_open_series(const core::Event& event, std::string_view rrule) {
    if (event.start.all_day || event.start.floating()) return;
    const core::ZonePtr& zone = zone_for(event.start.tzid);
    if (zone == nullptr || zone->is_utc()) return;
    const int start_year = event.start.local.date.year;
    if (const std::optional<int> until = until_year(rrule)) {
      note_year(zone, std::min(std::max(*until, start_year), kLastZoneYear));
    } else {
      note_year(zone, start_year).open_series = true;
    }
  }

  const CalendarInfo& info_;
  std::string dtstamp_;
  std::string events_;
  std::string scratch_;
  std::unordered_map<std::string, core::ZonePtr> zones_;
  std::map<std::string, ZoneUse> zone_uses_;  // by zone name, for a stable output order
};

}  // namespace

std::string render_ics(const std::vector<dedup::MergedEvent>& events, const CalendarInfo& info) {
  CalendarWriter writer(info);
  for (const dedup::MergedEvent& merged : events) writer.append_event(merged);
  return writer.finish();
}

std::string content_line(std::string_view name, std::string_view parameters,
                         std::string_view value) {
  std::string out;
  detail::append_line(out, name, parameters, escape_text(value));
  return out;
}

std::string escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  detail::append_escaped_text(out, text);
  return out;
}

}  // namespace concerto::render
