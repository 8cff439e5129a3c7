#include "parse/ics_reader.h"

#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "core/text.h"
#include "core/time_zone.h"
#include "parse/html_text.h"
#include "parse/ical_handles.h"
#include "parse/ics_lines.h"
#include "parse/ics_prescan.h"
#include "parse/ics_zones.h"
#include "parse/rrule_check.h"

namespace concerto::parse {
namespace {

constexpr std::array<const char*, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// A tag of the kinds editors put in descriptions: "<p>", "<br/>", "<a href=...>", "</div>".
bool looks_like_html(std::string_view text) {
  static constexpr std::string_view kTags[] = {"p",   "br",   "a",     "b",  "i",  "em",  "strong",
                                               "div", "span", "ul",    "ol", "li", "h1",  "h2",
                                               "h3",  "h4",   "table", "tr", "td", "img", "font"};
  for (std::size_t at = text.find('<'); at != std::string_view::npos; at = text.find('<', at + 1)) {
    std::size_t start = at + 1;
    if (start < text.size() && text[start] == '/') ++start;
    std::size_t end = start;
    while (end < text.size() && std::isalnum(static_cast<unsigned char>(text[end]))) ++end;
    if (end == start || end >= text.size()) continue;
    const std::string name = core::ascii_lower(text.substr(start, end - start));
    if (std::find(std::begin(kTags), std::end(kTags), name) == std::end(kTags)) continue;
    // "<b>", "</b>", "<br/>", "<br />", '<a href="...">': not "a<b et b>c".
    std::size_t next = end;
    while (next < text.size() && text[next] == ' ') ++next;
    if (next >= text.size()) continue;
    if (text[next] == '>' && next == end) return true;
    if (text[next] == '/' && next + 1 < text.size() && text[next + 1] == '>') return true;
    if (next > end) {
      std::size_t attribute = next;
      while (attribute < text.size() && std::isalpha(static_cast<unsigned char>(text[attribute]))) {
        ++attribute;
      }
      if (attribute > next && attribute + 1 < text.size() && text[attribute] == '=' &&
          (text[attribute + 1] == '"' || text[attribute + 1] == '\'')) {
        return true;
      }
    }
  }
  return false;
}

struct RawTime {
  bool is_date = false;
  bool utc = false;
  core::LocalDateTime local;  // the date alone for a DATE
};

int read_digits(std::string_view text, std::size_t from, std::size_t count) {
  int value = 0;
  for (std::size_t i = from; i < from + count; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

// A strict RFC 5545 DATE or DATE-TIME: libical silently shifts impossible dates, so every value
// is checked here first. `why` says what is wrong when nullopt.
std::optional<RawTime> parse_raw_time(std::string_view text, std::string& why) {
  const auto all_digits = [&](std::size_t from, std::size_t count) {
    return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(from),
                       text.begin() + static_cast<std::ptrdiff_t>(from + count),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  RawTime raw;
  const bool date_shape = text.size() == 8 && all_digits(0, 8);
  const bool time_shape = (text.size() == 15 || (text.size() == 16 && text[15] == 'Z')) &&
                          all_digits(0, 8) && text[8] == 'T' && all_digits(9, 6);
  if (!date_shape && !time_shape) {
    why = "not a DATE (YYYYMMDD) or DATE-TIME (YYYYMMDDTHHMMSS, optionally Z)";
    return std::nullopt;
  }
  raw.is_date = date_shape;
  raw.utc = text.size() == 16;
  core::Date& date = raw.local.date;
  date = {read_digits(text, 0, 4), read_digits(text, 4, 2), read_digits(text, 6, 2)};
  if (date.year == 0) {
    why = "year 0 does not exist";
    return std::nullopt;
  }
  if (date.month < 1 || date.month > 12) {
    why = "month " + std::to_string(date.month) + " does not exist";
    return std::nullopt;
  }
  if (date.day < 1 || date.day > 31) {
    why = "day " + std::to_string(date.day) + " does not exist";
    return std::nullopt;
  }
  if (date.day > core::days_in_month(date.year, date.month)) {
    why = std::string(kMonthNames[static_cast<std::size_t>(date.month - 1)]) + " " +
          std::to_string(date.day) + " does not exist";
    if (date.month == 2 && date.day == 29) why += " in " + std::to_string(date.year);
    return std::nullopt;
  }
  if (raw.is_date) return raw;
  raw.local.hour = read_digits(text, 9, 2);
  raw.local.minute = read_digits(text, 11, 2);
  raw.local.second = read_digits(text, 13, 2);
  if (raw.local.hour > 23) {
    why = "hour " + std::to_string(raw.local.hour) + " does not exist";
  } else if (raw.local.minute > 59) {
    why = "minute " + std::to_string(raw.local.minute) + " does not exist";
  } else if (raw.local.second > 59) {
    why = "second " + std::to_string(raw.local.second) + " is not supported";
  } else {
    return raw;
  }
  return std::nullopt;
}

// A value as read, with the zone its wall time is in (nullptr for dates and floating times).
struct TimeValue {
  core::EventTime time;
  core::ZonePtr zone;
  core::LocalDateTime wall;
};

std::string text_or_empty(const char* text) { return text != nullptr ? text : ""; }

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && core::iequals(text.substr(0, prefix.size()), prefix);
}

// Duration in seconds, nullopt when the text is not an RFC 5545 duration.
std::optional<icaldurationtype> parse_duration(const std::string& text) {
  const icaldurationtype duration = icaldurationtype_from_string(text.c_str());
  if (icaldurationtype_is_bad_duration(duration) != 0) return std::nullopt;
  return duration;
}

class EventReader {
 public:
  EventReader(const ComponentSpan& span, ZoneResolver& zones, core::Problems& problems)
      : span_(span), zones_(zones), problems_(problems) {}

  std::optional<core::Event> read() {
    properties_ = read_own_properties(span_.text, span_.line);
    collect();
    if (uid_property_ != nullptr) uid_ = unescape_text(uid_property_->value);
    event_.source_line = span_.line;

    if (dtstart_ == nullptr) return skip(span_.line, "DTSTART is missing");
    auto start = read_time(*dtstart_, dtstart_->value);
    if (!start) return std::nullopt;
    event_.start = start->time;
    if (!read_end(*start)) return std::nullopt;
    if (recurrence_id_ != nullptr) {
      auto id = read_time(*recurrence_id_, recurrence_id_->value);
      if (!id) return std::nullopt;
      event_.recurrence_id = id->time;
      if (const std::string* range = recurrence_id_->parameter("RANGE");
          range != nullptr && core::iequals(*range, "THISANDFUTURE")) {
        warn(recurrence_id_->line,
             "RECURRENCE-ID;RANGE=THISANDFUTURE is read as this occurrence only");
      }
    }
    if (!read_time_list(rdates_, event_.rdates) || !read_time_list(exdates_, event_.exdates)) {
      return std::nullopt;
    }
    if (!rrules_.empty()) {
      const IcsProperty& rrule = *rrules_.front();
      if (rrules_.size() > 1) warn(rrules_[1]->line, "more than one RRULE; only the first is kept");
      const core::Date first_day = start->time.all_day ? start->time.date : start->wall.date;
      if (auto why = check_rrule(rrule.value, first_day)) {
        return skip(rrule.line, "RRULE " + rrule.value + ": " + *why);
      }
      if (icalrecurrencetype_from_string(rrule.value.c_str()).freq == ICAL_NO_RECURRENCE) {
        return skip(rrule.line, "RRULE " + rrule.value + ": libical cannot read it");
      }
      event_.rrule = rrule.value;
    }
    read_categories();
    read_last_modified();
    if (!read_with_libical()) return std::nullopt;
    return std::move(event_);
  }

 private:
  void collect() {
    for (const IcsProperty& property : properties_) {
      const std::string& name = property.name;
      const auto first = [&](const IcsProperty*& slot) {
        if (slot == nullptr) {
          slot = &property;
        } else {
          warn(property.line, name + " appears more than once; the first is kept");
        }
      };
      if (name == "DTSTART") {
        first(dtstart_);
      } else if (name == "DTEND") {
        first(dtend_);
      } else if (name == "DURATION") {
        first(duration_);
      } else if (name == "RECURRENCE-ID") {
        first(recurrence_id_);
      } else if (name == "UID") {
        first(uid_property_);
      } else if (name == "LAST-MODIFIED") {
        first(last_modified_);
      } else if (name == "RRULE") {
        rrules_.push_back(&property);
      } else if (name == "RDATE") {
        rdates_.push_back(&property);
      } else if (name == "EXDATE") {
        exdates_.push_back(&property);
      } else if (name == "CATEGORIES") {
        categories_.push_back(&property);
      }
    }
  }

  void report(core::Severity severity, int line, std::string message) {
    problems_.push_back({severity, line, uid_, std::move(message)});
  }
  void warn(int line, std::string message) {
    report(core::Severity::kWarning, line, std::move(message));
  }
  std::nullopt_t skip(int line, std::string message) {
    report(core::Severity::kError, line, std::move(message));
    return std::nullopt;
  }

  std::optional<TimeValue> read_time(const IcsProperty& property, std::string_view value) {
    std::string why;
    const auto raw = parse_raw_time(value, why);
    if (!raw) {
      skip(property.line, property.name + " " + std::string(value) + ": " + why);
      return std::nullopt;
    }
    TimeValue result;
    result.wall = raw->local;
    core::EventTime& time = result.time;
    if (raw->is_date) {
      time.all_day = true;
      time.date = raw->local.date;
      return result;
    }
    time.local = raw->local;
    if (raw->utc) {
      time.tzid = "UTC";
      time.utc = core::seconds_from_civil(raw->local);
      result.zone = core::utc_zone();
      return result;
    }
    const std::string* tzid = property.parameter("TZID");
    if (tzid == nullptr || tzid->empty()) return result;  // floating
    const ResolvedZone& zone = zones_.resolve(*tzid, property.line);
    if (!zone.zone) return result;
    result.zone = zone.zone;
    time.utc = zone.zone->to_utc(raw->local);
    time.tzid = zone.tzid;
    if (zone.to_utc) time.local = core::civil_from_seconds(time.utc);
    return result;
  }

  bool read_time_list(const std::vector<const IcsProperty*>& properties,
                      std::vector<core::EventTime>& out) {
    for (const IcsProperty* property : properties) {
      for (std::string_view value : split_unescaped_commas(property->value)) {
        value = core::trim(value);
        if (value.empty()) continue;
        // A PERIOD ("start/end" or "start/duration"): the start is the occurrence.
        if (const auto slash = value.find('/'); slash != std::string_view::npos) {
          value = value.substr(0, slash);
        }
        auto time = read_time(*property, value);
        if (!time) return false;
        out.push_back(time->time);
      }
    }
    return true;
  }

  bool read_end(const TimeValue& start) {
    core::EventTime& end = event_.end;
    if (dtend_ != nullptr) {
      if (duration_ != nullptr) warn(duration_->line, "both DTEND and DURATION; DTEND is kept");
      auto value = read_time(*dtend_, dtend_->value);
      if (!value) return false;
      if (value->time.all_day == start.time.all_day) {
        end = value->time;
        if (end_in_range(*dtend_, start)) check_order(*dtend_);
        return true;
      }
      warn(dtend_->line, "DTEND " + dtend_->value + " and DTSTART " + dtstart_->value +
                             " are not both dates or both date-times; DTEND is ignored");
    } else if (duration_ != nullptr) {
      if (const auto duration = parse_duration(duration_->value)) {
        end = add_duration(start, *duration);
        if (end_in_range(*duration_, start)) check_order(*duration_);
        return true;
      }
      warn(duration_->line, "DURATION " + duration_->value + " is not a duration; ignored");
    }
    end = default_end(start);
    return true;
  }

  // RFC 5545 3.6.1: a date lasts one day, a date-time takes no time.
  static core::EventTime default_end(const TimeValue& start) {
    core::EventTime end = start.time;
    if (end.all_day) end.date = core::add_days(end.date, 1);
    return end;
  }

  // Years 1..9999 only: an end past them (DURATION:P9999999W) cannot be stored or written.
  bool end_in_range(const IcsProperty& property, const TimeValue& start) {
    const core::EventTime& end = event_.end;
    if (end.all_day ? core::is_valid(end.date)
                    : core::is_valid(end.local) &&
                          (end.floating() || core::is_valid(core::civil_from_seconds(end.utc)))) {
      return true;
    }
    event_.end = default_end(start);
    warn(property.line, property.name + " " + property.value +
                            " ends outside the years 1 to 9999; the event is read as " +
                            (start.time.all_day ? "lasting one day" : "taking no time"));
    return false;
  }

  core::EventTime add_duration(const TimeValue& start, const icaldurationtype& duration) {
    const int sign = duration.is_neg != 0 ? -1 : 1;
    std::int64_t days = static_cast<std::int64_t>(duration.weeks) * 7 + duration.days;
    const std::int64_t exact = static_cast<std::int64_t>(duration.hours) * 3600 +
                               static_cast<std::int64_t>(duration.minutes) * 60 + duration.seconds;
    core::EventTime end = start.time;
    if (end.all_day) {
      if (exact != 0) {
        warn(duration_->line,
             "DURATION " + duration_->value + " of an all-day event is not whole days; rounded up");
        days += (exact + 86399) / 86400;
      }
      end.date = core::add_days(end.date, sign * days);
      return end;
    }
    // Days are nominal (same wall time on a later day), hours exact (RFC 5545 3.3.6).
    const core::LocalDateTime nominal =
        core::civil_from_seconds(core::seconds_from_civil(start.wall) + sign * days * 86400);
    if (!core::is_valid(nominal)) {  // refused by end_in_range; no zone lookup that far out
      end.local = nominal;
      return end;
    }
    if (!start.zone) {
      end.local = core::civil_from_seconds(core::seconds_from_civil(nominal) + sign * exact);
      return end;
    }
    end.utc = start.zone->to_utc(nominal) + sign * exact;
    end.local =
        end.tzid == "UTC" ? core::civil_from_seconds(end.utc) : start.zone->to_local(end.utc);
    return end;
  }

  void check_order(const IcsProperty& property) {
    const core::EventTime& start = event_.start;
    const core::EventTime& end = event_.end;
    bool before = false;
    if (start.all_day) {
      before = end.date < start.date;
    } else if (!start.floating() && !end.floating()) {
      before = end.utc < start.utc;
    } else {
      before = end.local < start.local;
    }
    if (before) warn(property.line, property.name + " " + property.value + " is before DTSTART");
  }

  void read_categories() {
    for (const IcsProperty* property : categories_) {
      for (std::string_view part : split_unescaped_commas(property->value)) {
        std::string category(core::trim(unescape_text(part)));
        if (category.empty()) continue;
        if (std::find(event_.categories.begin(), event_.categories.end(), category) ==
            event_.categories.end()) {
          event_.categories.push_back(std::move(category));
        }
      }
    }
  }

  void read_last_modified() {
    if (last_modified_ == nullptr) return;
    std::string why;
    const auto raw = parse_raw_time(last_modified_->value, why);
    if (!raw) {
      warn(last_modified_->line, "LAST-MODIFIED " + last_modified_->value + ": " + why);
      return;
    }
    event_.last_modified = core::seconds_from_civil(raw->local);  // UTC by RFC 5545
  }

  bool read_with_libical() {
    const std::string copy(span_.text);
    IcalComponentPtr parsed(icalparser_parse_string(copy.c_str()));
    icalcomponent* component = parsed.get();
    if (component != nullptr && icalcomponent_isa(component) != ICAL_VEVENT_COMPONENT) {
      component = icalcomponent_get_first_component(component, ICAL_VEVENT_COMPONENT);
    }
    if (component == nullptr) {
      skip(span_.line, "libical could not read this VEVENT");
      return false;
    }

    for (icalproperty* error = icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY);
         error != nullptr;
         error = icalcomponent_get_next_property(component, ICAL_XLICERROR_PROPERTY)) {
      const std::string message = text_or_empty(icalproperty_get_xlicerror(error));
      // An empty DESCRIPTION or LOCATION (Google writes them) loses nothing.
      if (message.rfind("No value for", 0) == 0) continue;
      warn(span_.line, "libical: " + message);
    }

    event_.uid = text_or_empty(icalcomponent_get_uid(component));
    event_.summary = text_or_empty(icalcomponent_get_summary(component));
    if (event_.uid.empty()) {
      event_.uid =
          "concerto-" + core::hex64(core::fnv1a64(dtstart_->value + "\n" + event_.summary));
      warn(span_.line, "UID is missing; generated " + event_.uid + " from DTSTART and SUMMARY");
    }
    uid_ = event_.uid;
    event_.description = text_or_empty(icalcomponent_get_description(component));
    // Some producers put HTML in DESCRIPTION (Outlook, CMS exports): kept as plain text only.
    if (looks_like_html(event_.description)) event_.description = html_to_text(event_.description);
    event_.location = text_or_empty(icalcomponent_get_location(component));
    if (icalproperty* url = icalcomponent_get_first_property(component, ICAL_URL_PROPERTY)) {
      event_.url = std::string(core::trim(text_or_empty(icalproperty_get_url(url))));
    }
    if (icalproperty* organizer =
            icalcomponent_get_first_property(component, ICAL_ORGANIZER_PROPERTY)) {
      std::string address = text_or_empty(icalproperty_get_organizer(organizer));
      if (starts_with_ignoring_case(address, "mailto:")) address.erase(0, 7);
      const std::string name = text_or_empty(icalproperty_get_parameter_as_string(organizer, "CN"));
      event_.organizer = name.empty() ? address : name + " <" + address + ">";
    }
    switch (icalcomponent_get_status(component)) {
      case ICAL_STATUS_TENTATIVE:
        event_.status = core::EventStatus::kTentative;
        break;
      case ICAL_STATUS_CANCELLED:
        event_.status = core::EventStatus::kCancelled;
        break;
      default:
        event_.status = core::EventStatus::kConfirmed;
        break;
    }
    event_.sequence = icalcomponent_get_sequence(component);
    return true;
  }

  const ComponentSpan& span_;
  ZoneResolver& zones_;
  core::Problems& problems_;
  std::vector<IcsProperty> properties_;
  std::string uid_;
  core::Event event_;
  const IcsProperty* dtstart_ = nullptr;
  const IcsProperty* dtend_ = nullptr;
  const IcsProperty* duration_ = nullptr;
  const IcsProperty* recurrence_id_ = nullptr;
  const IcsProperty* uid_property_ = nullptr;
  const IcsProperty* last_modified_ = nullptr;
  std::vector<const IcsProperty*> rrules_;
  std::vector<const IcsProperty*> rdates_;
  std::vector<const IcsProperty*> exdates_;
  std::vector<const IcsProperty*> categories_;
};

void read_calendar_properties(const IcsLayout& layout, ZoneResolver& zones, IcsDocument& document,
                              core::Problems& problems) {
  std::string x_wr_name;
  for (const IcsProperty& property : read_own_properties(layout.header, layout.header_line)) {
    if (property.name == "NAME" && document.calendar_name.empty()) {
      document.calendar_name = std::string(core::trim(unescape_text(property.value)));
    } else if (property.name == "X-WR-CALNAME" && x_wr_name.empty()) {
      x_wr_name = std::string(core::trim(unescape_text(property.value)));
    } else if (property.name == "X-WR-TIMEZONE" && document.default_tzid.empty()) {
      const ResolvedZone& zone =
          zones.resolve(std::string(core::trim(property.value)), property.line);
      if (zone.zone && !zone.to_utc) document.default_tzid = zone.tzid;
    } else if (property.name == "REFRESH-INTERVAL" || property.name == "X-PUBLISHED-TTL") {
      const auto duration = parse_duration(std::string(core::trim(property.value)));
      const int seconds = duration ? icaldurationtype_as_int(*duration) : 0;
      if (seconds <= 0) {
        problems.push_back(
            {core::Severity::kWarning, property.line, "",
             property.name + " " + property.value + " is not a positive duration; ignored"});
      } else if (property.name == "REFRESH-INTERVAL" || !document.refresh_seconds) {
        document.refresh_seconds = seconds;
      }
    }
  }
  if (document.calendar_name.empty()) document.calendar_name = std::move(x_wr_name);
}

}  // namespace

core::Result<IcsDocument> read_ics(std::string_view text, const core::IngestLimits& limits,
                                   core::Problems& problems) {
  auto layout = prescan_ics(text, limits, problems);
  if (!layout) return core::Error{layout.error()};
  IcsDocument document;
  document.complete = layout->complete;
  ZoneResolver zones(layout->timezones, problems);
  read_calendar_properties(*layout, zones, document, problems);
  document.events.reserve(layout->events.size());
  for (const ComponentSpan& span : layout->events) {
    if (auto event = EventReader(span, zones, problems).read()) {
      document.events.push_back(std::move(*event));
    }
  }
  return document;
}

}  // namespace concerto::parse
