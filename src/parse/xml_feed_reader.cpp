#include "parse/xml_feed_reader.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <utility>

#include "core/civil_time.h"
#include "core/text.h"
#include "core/time_zone.h"
#include "parse/html_text.h"
#include "parse/iso_time.h"
#include "parse/text_dates.h"

namespace concerto::parse {
namespace {

// Namespaces, compared after normalize_ns (lower case, no trailing '/', http for https).
constexpr std::string_view kRss1Ns = "http://purl.org/rss/1.0";
constexpr std::string_view kAtomNs = "http://www.w3.org/2005/atom";
constexpr std::string_view kRdfNs = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
constexpr std::string_view kEventNs = "http://purl.org/rss/1.0/modules/event";
constexpr std::string_view kDcNs = "http://purl.org/dc/elements/1.1";
constexpr std::string_view kContentNs = "http://purl.org/rss/1.0/modules/content";
constexpr std::string_view kSyNs = "http://purl.org/rss/1.0/modules/syndication";
constexpr std::string_view kXcalNs = "urn:ietf:params:xml:ns:xcal";

std::string normalize_ns(std::string_view uri) {
  std::string out = core::ascii_lower(core::trim(uri));
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (out.starts_with("https://")) out.erase(4, 1);
  return out;
}

// The namespace producers mean by a prefix they forgot to declare.
std::string_view conventional_ns(std::string_view prefix) {
  const std::string lower = core::ascii_lower(prefix);
  if (lower == "ev") return kEventNs;
  if (lower == "dc") return kDcNs;
  if (lower == "content") return kContentNs;
  if (lower == "sy") return kSyNs;
  if (lower == "xcal") return kXcalNs;
  if (lower == "atom") return kAtomNs;
  if (lower == "rdf") return kRdfNs;
  return {};
}

std::string_view local_name(const pugi::xml_node& node) {
  const std::string_view name = node.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string_view prefix_of(const pugi::xml_node& node) {
  const std::string_view name = node.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? std::string_view() : name.substr(0, colon);
}

// xmlns declarations in scope: the document's outer elements once, then each item's own.
using NsMap = std::map<std::string, std::string, std::less<>>;

void add_declarations(const pugi::xml_node& node, NsMap& map) {
  for (const pugi::xml_attribute& attr : node.attributes()) {
    const std::string_view name = attr.name();
    if (name == "xmlns") {
      map[""] = normalize_ns(attr.value());
    } else if (name.starts_with("xmlns:")) {
      map[std::string(name.substr(6))] = normalize_ns(attr.value());
    }
  }
}

class NsResolver {
 public:
  explicit NsResolver(const NsMap* outer) : outer_(outer) {}
  void enter(const pugi::xml_node& item) {
    item_.clear();
    add_declarations(item, item_);
  }
  // The namespace of `node`, a child of the current item (or of the outer elements).
  std::string uri(const pugi::xml_node& node) const {
    const std::string_view prefix = prefix_of(node);
    const std::string attr_name = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
    if (const pugi::xml_attribute own = node.attribute(attr_name.c_str())) {
      return normalize_ns(own.value());
    }
    if (const auto found = item_.find(prefix); found != item_.end()) return found->second;
    if (const auto found = outer_->find(prefix); found != outer_->end()) return found->second;
    return std::string(conventional_ns(prefix));
  }

 private:
  const NsMap* outer_;
  NsMap item_;
};

// All the character data directly in `node`; its markup too when a producer put raw (X)HTML
// in it instead of escaping it.
std::string inner_text(const pugi::xml_node& node) {
  std::string out;
  bool has_elements = false;
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      out += child.value();
    } else if (child.type() == pugi::node_element) {
      has_elements = true;
    }
  }
  if (!has_elements) return out;
  std::ostringstream markup;
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      // Already unescaped by the XML parser: escape again so it stays text in the HTML.
      for (const char c : std::string_view(child.value())) {
        if (c == '<') {
          markup << "&lt;";
        } else if (c == '&') {
          markup << "&amp;";
        } else {
          markup << c;
        }
      }
    } else if (child.type() == pugi::node_element) {
      child.print(markup, "", pugi::format_raw);
    }
  }
  return markup.str();
}

std::string one_line(std::string_view html) { return core::clean_line(html_to_text(html)); }

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = core::utf8_sequence_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

// ---- Dates --------------------------------------------------------------------------------

int month_from_name(std::string_view token) {
  const std::string lower = core::ascii_lower(token);
  static constexpr std::pair<std::string_view, int> kMonths[] = {{"jan", 1},
                                                                 {"feb", 2},
                                                                 {"f\xC3\xA9v", 2},
                                                                 {"fev", 2},
                                                                 {"mar", 3},
                                                                 {"apr", 4},
                                                                 {"avr", 4},
                                                                 {"may", 5},
                                                                 {"mai", 5},
                                                                 {"juin", 6},
                                                                 {"juil", 7},
                                                                 {"jun", 6},
                                                                 {"jul", 7},
                                                                 {"aug", 8},
                                                                 {"ao\xC3\xBB", 8},
                                                                 {"aou", 8},
                                                                 {"sep", 9},
                                                                 {"oct", 10},
                                                                 {"nov", 11},
                                                                 {"dec", 12},
                                                                 {"d\xC3\xA9"
                                                                  "c",
                                                                  12}};
  for (const auto& [name, month] : kMonths) {
    if (lower.starts_with(name)) return month;
  }
  return 0;
}

std::optional<int> zone_offset(std::string_view token) {
  const std::string upper = core::ascii_upper(token);
  static constexpr std::pair<std::string_view, int> kZones[] = {
      {"GMT", 0},  {"UT", 0},   {"UTC", 0},  {"Z", 0},    {"WET", 0},  {"EST", -5},
      {"EDT", -4}, {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8},
      {"PDT", -7}, {"CET", 1},  {"CEST", 2}, {"MET", 1},  {"MEST", 2}, {"BST", 1},
      {"WEST", 1}, {"EET", 2},  {"EEST", 3}, {"IST", 1},  {"HNE", 1},  {"HAE", 2}};
  for (const auto& [name, hours] : kZones) {
    if (upper == name) return hours * 3600;
  }
  std::optional<int> offset;
  if (parse_offset(upper, 0, offset) == upper.size()) return offset;
  if (upper.size() == 1 && upper[0] >= 'A' && upper[0] <= 'Z') return 0;  // RFC 2822 4.3
  return std::nullopt;
}

// RFC 822 / 2822 as RSS producers write it: "Tue, 01 Dec 2026 10:00:00 +0100", without the
// weekday or the seconds, with a named zone; a few write ISO 8601 there instead.
std::optional<Stamp> parse_rfc822(std::string_view raw) {
  std::string_view text = core::trim(raw);
  if (text.size() >= 8 && text[0] >= '0' && text[0] <= '9' && text[4] == '-') {
    return parse_iso(text).stamp;
  }
  if (const auto comma = text.find(','); comma != std::string_view::npos) {
    text = text.substr(comma + 1);
  }
  std::vector<std::string_view> tokens;
  for (std::size_t i = 0; i < text.size();) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == ',')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != ',') ++i;
    if (i > start) tokens.push_back(text.substr(start, i - start));
  }
  if (tokens.size() < 3 || tokens.size() > 5) return std::nullopt;
  Stamp stamp;
  core::Date& date = stamp.local.date;
  const std::string_view day = tokens[0];
  if (day.empty() || day.size() > 2 || !digits(day, 0, day.size(), date.day)) return std::nullopt;
  date.month = month_from_name(tokens[1]);
  const std::string_view year = tokens[2];
  if (year.size() == 2 && digits(year, 0, 2, date.year)) {
    date.year += date.year < 50 ? 2000 : 1900;
  } else if (year.size() != 4 || !digits(year, 0, 4, date.year)) {
    return std::nullopt;
  }
  if (!core::is_valid(date)) return std::nullopt;
  if (tokens.size() == 3) {
    stamp.is_date = true;
    return stamp;
  }
  const std::string_view time = tokens[3];
  core::LocalDateTime& local = stamp.local;
  if (time.size() < 4) return std::nullopt;
  const std::size_t hour_length = time[1] == ':' ? 1 : 2;
  if (!digits(time, 0, hour_length, local.hour) || time.size() < hour_length + 3 ||
      time[hour_length] != ':' || !digits(time, hour_length + 1, 2, local.minute)) {
    return std::nullopt;
  }
  const std::size_t after_minutes = hour_length + 3;
  if (time.size() > after_minutes) {
    if (time.size() != after_minutes + 3 || time[after_minutes] != ':' ||
        !digits(time, after_minutes + 1, 2, local.second)) {
      return std::nullopt;
    }
  }
  if (local.second == 60) local.second = 59;
  if (!core::is_valid(local)) return std::nullopt;
  if (tokens.size() == 5) stamp.offset = zone_offset(tokens[4]);
  return stamp;
}

// ---- Items --------------------------------------------------------------------------------

enum class Format { kRss2, kRss1, kAtom };

// What one item says, before it becomes an event.
struct RawItem {
  int line = 0;
  std::string title;
  std::string guid;
  std::string link;
  std::string enclosure;
  std::string description_html;
  std::string content_html;  // content:encoded, Atom content
  std::string summary_html;  // Atom summary
  std::vector<std::string> categories;
  std::string published;  // pubDate (RFC 822)
  std::string dc_date;    // W3C-DTF
  std::string atom_published;
  std::string atom_updated;
  std::string ev_start;
  std::string ev_end;
  std::string location;
  std::string organizer;
  pugi::xml_node xcal_start;
  pugi::xml_node xcal_end;
  std::string xcal_location;
  std::string xcal_summary;
  std::string xcal_description;
  std::string xcal_url;
  std::string xcal_uid;
  std::string about;  // rdf:about
};

std::string trimmed(const pugi::xml_node& node) {
  return std::string(core::trim(inner_text(node)));
}

void add_category(std::vector<std::string>& categories, std::string category) {
  if (category.empty()) return;
  if (std::find(categories.begin(), categories.end(), category) == categories.end()) {
    categories.push_back(std::move(category));
  }
}

// The HTML of an Atom text construct: xhtml content is the markup inside its <div>.
std::string atom_text(const pugi::xml_node& node) {
  const std::string type = core::ascii_lower(node.attribute("type").value());
  if (type != "xhtml") {
    if (type == "text" || type.empty()) {
      // Plain text: escape it so that html_to_text keeps "<" and "&" as written.
      std::string out;
      for (const char c : inner_text(node)) {
        if (c == '<') {
          out += "&lt;";
        } else if (c == '&') {
          out += "&amp;";
        } else {
          out += c;
        }
      }
      return out;
    }
    return inner_text(node);
  }
  std::ostringstream markup;
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() == pugi::node_element && local_name(child) == "div") {
      for (const pugi::xml_node& inner : child.children())
        inner.print(markup, "", pugi::format_raw);
    } else {
      child.print(markup, "", pugi::format_raw);
    }
  }
  return markup.str();
}

class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
        breaks_.push_back(i);
      }
    }
  }
  int line_at(std::ptrdiff_t offset) const {
    if (offset < 0) return 0;
    const auto before =
        std::lower_bound(breaks_.begin(), breaks_.end(), static_cast<std::size_t>(offset));
    return static_cast<int>(before - breaks_.begin()) + 1;
  }

 private:
  std::vector<std::size_t> breaks_;
};

class Reader {
 public:
  Reader(Format format, std::string core_ns, const NsMap* outer, const LineIndex& lines,
         core::Problems& problems)
      : format_(format),
        core_ns_(std::move(core_ns)),
        ns_(outer),
        lines_(lines),
        problems_(problems) {}

  std::optional<core::Event> read(const pugi::xml_node& item) {
    ns_.enter(item);
    RawItem raw = collect(item);
    return build(raw);
  }

 private:
  bool is_core(const std::string& uri) const {
    return uri.empty() || uri == core_ns_ || (format_ == Format::kAtom && uri == kAtomNs);
  }

  RawItem collect(const pugi::xml_node& item) {
    RawItem raw;
    raw.line = lines_.line_at(item.offset_debug());
    raw.about = std::string(core::trim(item.attribute("rdf:about").value()));
    for (const pugi::xml_node& child : item.children()) {
      if (child.type() != pugi::node_element) continue;
      const std::string uri = ns_.uri(child);
      const std::string_view name = local_name(child);
      if (is_core(uri)) {
        collect_core(child, name, raw);
      } else if (uri == kContentNs) {
        if (name == "encoded") raw.content_html = inner_text(child);
      } else if (uri == kDcNs) {
        if (name == "date") raw.dc_date = trimmed(child);
        if (name == "subject") add_category(raw.categories, one_line(inner_text(child)));
        if (name == "title" && raw.title.empty()) raw.title = inner_text(child);
        if (name == "description" && raw.description_html.empty()) {
          raw.description_html = inner_text(child);
        }
      } else if (uri == kEventNs) {
        if (name == "startdate") raw.ev_start = trimmed(child);
        if (name == "enddate") raw.ev_end = trimmed(child);
        if (name == "location") raw.location = one_line(inner_text(child));
        if (name == "organizer") raw.organizer = one_line(inner_text(child));
        if (name == "type") add_category(raw.categories, one_line(inner_text(child)));
      } else if (uri == kXcalNs) {
        collect_xcal(child, name, raw);
      } else if (uri == kAtomNs && name == "link" && raw.link.empty()) {
        // atom:link rel="self" in an RSS item is the feed, not the item: only alternates.
        const std::string rel = child.attribute("rel").value();
        if (rel.empty() || rel == "alternate") raw.link = child.attribute("href").value();
      }
    }
    return raw;
  }

  void collect_core(const pugi::xml_node& child, std::string_view name, RawItem& raw) {
    if (name == "title") {
      raw.title = format_ == Format::kAtom ? atom_text(child) : inner_text(child);
    } else if (name == "guid" || name == "id") {
      raw.guid = trimmed(child);
    } else if (name == "link") {
      if (format_ != Format::kAtom && child.attribute("href").empty()) {
        if (raw.link.empty()) raw.link = trimmed(child);
        return;
      }
      const std::string rel = child.attribute("rel").value();
      const std::string href = std::string(core::trim(child.attribute("href").value()));
      if ((rel.empty() || rel == "alternate") && raw.link.empty()) raw.link = href;
      if (rel == "enclosure" && raw.enclosure.empty()) raw.enclosure = href;
    } else if (name == "description") {
      raw.description_html = inner_text(child);
    } else if (name == "content") {
      raw.content_html = atom_text(child);
    } else if (name == "summary") {
      raw.summary_html = atom_text(child);
    } else if (name == "category") {
      const pugi::xml_attribute term = child.attribute("term");
      add_category(raw.categories, one_line(term ? std::string(term.value()) : inner_text(child)));
    } else if (name == "pubDate") {
      raw.published = trimmed(child);
    } else if (name == "published" || name == "issued") {
      raw.atom_published = trimmed(child);
    } else if (name == "updated" || name == "modified") {
      raw.atom_updated = trimmed(child);
    } else if (name == "enclosure") {
      if (raw.enclosure.empty()) raw.enclosure = core::trim(child.attribute("url").value());
    }
  }

  static void collect_xcal(const pugi::xml_node& child, std::string_view name, RawItem& raw) {
    const std::string lower = core::ascii_lower(name);
    if (lower == "dtstart") raw.xcal_start = child;
    if (lower == "dtend") raw.xcal_end = child;
    if (lower == "location") raw.xcal_location = one_line(xcal_value(child));
    if (lower == "summary") raw.xcal_summary = xcal_value(child);
    if (lower == "description") raw.xcal_description = xcal_value(child);
    if (lower == "url") raw.xcal_url = core::trim(xcal_value(child));
    if (lower == "uid") raw.xcal_uid = core::trim(xcal_value(child));
  }

  // Old-style xCal holds the value as text; RFC 6321 in a typed child (<date-time>, <text>).
  static std::string xcal_value(const pugi::xml_node& node) {
    for (const pugi::xml_node& child : node.children()) {
      if (child.type() != pugi::node_element) continue;
      const std::string_view name = local_name(child);
      if (name == "parameters") continue;
      if (name == "date-time" || name == "date" || name == "text" || name == "uri" ||
          name == "cal-address") {
        return inner_text(child);
      }
    }
    return inner_text(node);
  }

  static std::string xcal_tzid(const pugi::xml_node& node) {
    for (const pugi::xml_attribute& attr : node.attributes()) {
      if (core::iequals(attr.name(), "tzid")) return std::string(core::trim(attr.value()));
    }
    for (const pugi::xml_node& child : node.children()) {
      if (child.type() != pugi::node_element || local_name(child) != "parameters") continue;
      for (const pugi::xml_node& parameter : child.children()) {
        if (parameter.type() == pugi::node_element && local_name(parameter) == "tzid") {
          return std::string(core::trim(xcal_value(parameter)));
        }
      }
    }
    return {};
  }

  struct Dated {
    std::optional<core::EventTime> start;
    std::optional<core::EventTime> end;
    std::string why;
  };

  // ev:startdate / ev:enddate (an all-day ev:enddate is the last day, so inclusive).
  Dated event_module_dates(const RawItem& raw) {
    Dated dated;
    const StampOrWhy start = parse_iso(raw.ev_start);
    if (!start.stamp) {
      dated.why = "ev:startdate \"" + valid_utf8(raw.ev_start.substr(0, 40)) + "\" " + start.why;
      return dated;
    }
    dated.start = start.stamp->event_time();
    if (!raw.ev_end.empty()) {
      const StampOrWhy end = parse_iso(raw.ev_end);
      if (!end.stamp) {
        warn(raw, "ev:enddate \"" + valid_utf8(raw.ev_end.substr(0, 40)) + "\" " + end.why +
                      "; ignored");
      } else {
        core::EventTime time = end.stamp->event_time();
        if (time.all_day) time.date = core::add_days(time.date, 1);
        dated.end = time;
      }
    }
    return dated;
  }

  std::optional<core::EventTime> xcal_time(const RawItem& raw, const pugi::xml_node& node,
                                           std::string& why) {
    const std::string value = std::string(core::trim(xcal_value(node)));
    const StampOrWhy parsed = parse_iso(value);
    const std::string name = "xCal " + core::ascii_lower(local_name(node));
    if (!parsed.stamp) {
      why = name + " \"" + valid_utf8(value.substr(0, 40)) + "\" " + parsed.why;
      return std::nullopt;
    }
    core::EventTime time = parsed.stamp->event_time();
    const std::string tzid = xcal_tzid(node);
    if (time.floating() && !tzid.empty()) {
      if (const core::ZonePtr zone = core::find_zone(tzid)) {
        time.tzid = zone->name();
        time.utc = zone->to_utc(time.local);
      } else {
        warn(raw, name + " TZID \"" + valid_utf8(tzid.substr(0, 40)) +
                      "\" is not a known time zone; read as a floating time");
      }
    }
    return time;
  }

  Dated xcal_dates(const RawItem& raw) {
    Dated dated;
    dated.start = xcal_time(raw, raw.xcal_start, dated.why);
    if (dated.start && raw.xcal_end) {
      std::string why;
      dated.end = xcal_time(raw, raw.xcal_end, why);
      if (!dated.end) warn(raw, why + "; ignored");
    }
    return dated;
  }

  // The publication day in the offset the feed wrote it with, and the instant when known.
  struct Published {
    std::optional<core::Date> day;
    std::int64_t utc = 0;
  };

  static Published publication(const RawItem& raw) {
    Published published;
    const auto take = [&published](const std::optional<Stamp>& stamp) {
      if (!stamp || published.day) return;
      published.day = stamp->local.date;
      if (!stamp->is_date) published.utc = stamp->utc();
    };
    if (!raw.published.empty()) take(parse_rfc822(raw.published));
    if (!raw.dc_date.empty()) take(parse_iso(raw.dc_date).stamp);
    if (!raw.atom_published.empty()) take(parse_iso(raw.atom_published).stamp);
    if (!raw.atom_updated.empty()) take(parse_iso(raw.atom_updated).stamp);
    return published;
  }

  static std::int64_t last_modified(const RawItem& raw, const Published& published) {
    if (!raw.atom_updated.empty()) {
      const auto updated = parse_iso(raw.atom_updated).stamp;
      if (updated && !updated->is_date) return updated->utc();
    }
    return published.utc;
  }

  std::optional<core::Event> build(const RawItem& raw) {
    core::Event event;
    event.source_line = raw.line;
    event.summary = one_line(raw.title.empty() ? raw.xcal_summary : raw.title);
    std::string html = raw.content_html;
    if (core::trim(html).empty()) html = raw.description_html;
    if (core::trim(html).empty()) html = raw.summary_html;
    if (core::trim(html).empty()) html = raw.xcal_description;
    event.description = html_to_text(html);
    event.location = raw.location.empty() ? raw.xcal_location : raw.location;
    event.organizer = raw.organizer;
    event.categories = raw.categories;
    event.status = core::EventStatus::kConfirmed;
    const Published published = publication(raw);
    event.last_modified = last_modified(raw, published);

    Dated dated;
    if (!raw.ev_start.empty()) {
      dated = event_module_dates(raw);
    } else if (raw.xcal_start) {
      dated = xcal_dates(raw);
    } else if (!published.day) {
      dated.why = "no publication date to anchor the text's date";
    } else {
      const ProseDate prose = find_event_date({event.summary, event.description, *published.day});
      if (prose.event) {
        dated.start = prose.event->start;
        dated.end = prose.event->end;
        if (event.location.empty()) event.location = prose.event->location;
      } else {
        dated.why = prose.reason.empty() ? "no date found in the text" : prose.reason;
      }
    }
    if (!dated.start) {
      skip(raw, event.summary, dated.why);
      return std::nullopt;
    }
    event.start = *dated.start;
    event.end = end_of(raw, event.start, dated.end);

    event.uid = valid_utf8(raw.guid);
    if (event.uid.empty()) event.uid = valid_utf8(raw.xcal_uid);
    if (event.uid.empty()) event.uid = valid_utf8(raw.link);
    if (event.uid.empty()) event.uid = valid_utf8(raw.about);
    if (event.uid.empty()) {
      event.uid = "concerto-" + core::hex64(core::fnv1a64(event.summary + event.start.key()));
    }
    for (const std::string* url : {&raw.link, &raw.xcal_url, &raw.enclosure}) {
      if (core::is_http_url(*url)) {
        event.url = valid_utf8(*url);
        break;
      }
    }
    return event;
  }

  // RFC 5545 defaults when the feed gave no usable end: a date lasts a day, a time no time.
  core::EventTime end_of(const RawItem& raw, const core::EventTime& start,
                         const std::optional<core::EventTime>& given) {
    core::EventTime fallback = start;
    if (fallback.all_day) fallback.date = core::add_days(fallback.date, 1);
    if (!given) return fallback;
    if (given->all_day != start.all_day) {
      warn(raw,
           "the end and the start are not both dates or both date-times; the end is "
           "ignored");
      return fallback;
    }
    if (given->sort_seconds() < start.sort_seconds()) {
      warn(raw, "the end is before the start; the end is ignored");
      return fallback;
    }
    return *given;
  }

  static std::string label(const RawItem& raw, std::string_view summary) {
    std::string title(summary.empty() ? std::string_view("(untitled)") : summary);
    constexpr std::size_t kLongest = 80;
    if (title.size() > kLongest) {
      std::size_t cut = kLongest;
      while (cut > 0 && (static_cast<unsigned char>(title[cut]) & 0xC0) == 0x80) --cut;
      title = title.substr(0, cut) + "\xE2\x80\xA6";
    }
    return "item \"" + title + "\" (line " + std::to_string(raw.line) + "): ";
  }

  void skip(const RawItem& raw, std::string_view summary, const std::string& why) {
    problems_.push_back(
        {core::Severity::kWarning, raw.line, valid_utf8(raw.guid), label(raw, summary) + why});
  }

  void warn(const RawItem& raw, const std::string& what) {
    problems_.push_back({core::Severity::kWarning, raw.line, valid_utf8(raw.guid),
                         label(raw, one_line(raw.title)) + what});
  }

  Format format_;
  std::string core_ns_;
  NsResolver ns_;
  const LineIndex& lines_;
  core::Problems& problems_;
};

// pugixml's statuses, worded for a partner reading the report.
std::string describe_status(const pugi::xml_parse_result& result) {
  switch (result.status) {
    case pugi::status_end_element_mismatch:
      return "mismatched end tag";
    case pugi::status_unrecognized_tag:
      return "unrecognized tag";
    case pugi::status_bad_pi:
      return "malformed processing instruction or XML declaration";
    case pugi::status_bad_comment:
      return "malformed comment";
    case pugi::status_bad_cdata:
      return "malformed CDATA section";
    case pugi::status_bad_doctype:
      return "malformed document type declaration";
    case pugi::status_bad_pcdata:
      return "malformed character data";
    case pugi::status_bad_start_element:
      return "malformed start tag";
    case pugi::status_bad_attribute:
      return "malformed attribute";
    case pugi::status_bad_end_element:
      return "malformed end tag";
    case pugi::status_no_document_element:
      return "no root element";
    default:
      return core::ascii_lower(result.description());
  }
}

pugi::xml_node first_element(const pugi::xml_node& parent) {
  for (const pugi::xml_node& child : parent.children()) {
    if (child.type() == pugi::node_element) return child;
  }
  return {};
}

std::string root_label(const pugi::xml_node& root) {
  std::string name = valid_utf8(std::string_view(root.name()).substr(0, 40));
  std::erase_if(name, [](char c) { return c == '<' || c == '>' || c == '"' || c == '&'; });
  return "not an RSS or Atom feed (root element <" + name + ">)";
}

std::optional<std::int64_t> read_ttl(const pugi::xml_node& channel, NsResolver& ns) {
  constexpr std::int64_t kLongest = 366LL * 24 * 60;  // minutes
  std::optional<std::int64_t> period;
  std::int64_t frequency = 1;
  for (const pugi::xml_node& child : channel.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string uri = ns.uri(child);
    const std::string_view name = local_name(child);
    const std::string value(core::trim(child.child_value()));
    if (uri.empty() && name == "ttl") {
      std::int64_t minutes = 0;
      bool ok = !value.empty() && value.size() <= 9;
      for (const char c : value) ok = ok && c >= '0' && c <= '9';
      if (ok) minutes = std::stoll(value);
      if (ok && minutes > 0) return std::min(minutes, kLongest) * 60;
    } else if (uri == kSyNs && name == "updatePeriod") {
      const std::string lower = core::ascii_lower(value);
      if (lower == "hourly") period = 3600;
      if (lower == "daily") period = 86400;
      if (lower == "weekly") period = 7 * 86400;
      if (lower == "monthly") period = 30 * 86400;
      if (lower == "yearly") period = 365 * 86400;
    } else if (uri == kSyNs && name == "updateFrequency") {
      bool ok = !value.empty() && value.size() <= 6;
      for (const char c : value) ok = ok && c >= '0' && c <= '9';
      if (ok && std::stoll(value) > 0) frequency = std::stoll(value);
    }
  }
  if (period) return std::max<std::int64_t>(60, *period / frequency);
  return std::nullopt;
}

}  // namespace

core::Result<XmlFeed> read_xml_feed(std::string_view text, const core::IngestLimits& limits,
                                    core::Problems& problems) {
  if (static_cast<std::int64_t>(text.size()) > limits.max_bytes) {
    return core::Error{"feed of " + std::to_string(text.size()) + " bytes exceeds max_bytes (" +
                       std::to_string(limits.max_bytes) + ")"};
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  // decode_to_utf8 already made the text UTF-8: whatever the declaration says is ignored.
  pugi::xml_document document;
  const pugi::xml_parse_result parsed =
      document.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  const pugi::xml_node root = first_element(document);
  const std::string_view root_name = root ? local_name(root) : std::string_view();
  const bool feed_root = root_name == "rss" || root_name == "RDF" || root_name == "feed";
  if (!parsed) {
    // An HTML page is rarely well-formed XML: say what it is rather than where it broke.
    if (root && !feed_root) return core::Error{root_label(root)};
    const LineIndex lines(text);
    return core::Error{"not well-formed XML at line " +
                       std::to_string(lines.line_at(parsed.offset)) + ": " +
                       describe_status(parsed)};
  }
  if (!root) return core::Error{"not an RSS or Atom feed (no root element)"};
  if (!feed_root) return core::Error{root_label(root)};

  NsMap outer;
  add_declarations(root, outer);
  XmlFeed feed;
  Format format = Format::kRss2;
  std::string core_ns;
  pugi::xml_node channel;
  std::vector<pugi::xml_node> containers;  // the elements whose children are the items
  if (root_name == "feed") {
    format = Format::kAtom;
    feed.format = "atom";
    core_ns = std::string(kAtomNs);
    channel = root;
    containers.push_back(root);
  } else {
    feed.format = "rss";
    for (const pugi::xml_node& child : root.children()) {
      if (child.type() == pugi::node_element && local_name(child) == "channel") {
        channel = child;
        break;
      }
    }
    if (root_name == "RDF") {
      format = Format::kRss1;
      core_ns = std::string(kRss1Ns);
      containers.push_back(root);  // RSS 1.0 items are siblings of the channel
    }
    if (channel) {
      add_declarations(channel, outer);
      containers.push_back(channel);
    } else if (format == Format::kRss2) {
      problems.push_back({core::Severity::kWarning, 0, {}, "RSS feed without a <channel>"});
    }
  }

  NsResolver channel_ns(&outer);
  if (channel) {
    for (const pugi::xml_node& child : channel.children()) {
      if (child.type() == pugi::node_element && local_name(child) == "title") {
        feed.title = one_line(format == Format::kAtom ? atom_text(child) : inner_text(child));
        break;
      }
    }
    if (format != Format::kAtom) feed.ttl_seconds = read_ttl(channel, channel_ns);
  }

  const LineIndex lines(text);
  Reader reader(format, core_ns, &outer, lines, problems);
  const std::string_view item_name = format == Format::kAtom ? "entry" : "item";
  int items = 0;
  for (const pugi::xml_node& container : containers) {
    for (const pugi::xml_node& item : container.children()) {
      if (item.type() != pugi::node_element || local_name(item) != item_name) continue;
      if (items == limits.max_events) {
        problems.push_back({core::Severity::kWarning,
                            lines.line_at(item.offset_debug()),
                            {},
                            "more than " + std::to_string(limits.max_events) +
                                " items (max_events); the rest are ignored"});
        return feed;
      }
      ++items;
      if (auto event = reader.read(item)) feed.events.push_back(std::move(*event));
    }
  }
  return feed;
}

}  // namespace concerto::parse
