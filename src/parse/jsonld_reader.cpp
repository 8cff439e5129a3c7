#include "parse/jsonld_reader.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <exception>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/civil_time.h"
#include "core/text.h"
#include "parse/html_text.h"
#include "parse/iso_time.h"

namespace concerto::parse {
namespace {

using Poco::Dynamic::Var;

constexpr int kMaxBlocks = 200;           // <script type="application/ld+json"> blocks per page
constexpr int kMaxJsonNesting = 64;       // refused before Poco's recursive parser sees it
constexpr int kMaxWalkDepth = 32;         // how deep events are looked for in a parsed block
constexpr int kMaxNodesPerPage = 200000;  // JSON values visited in all while looking for events

// ---- HTML scanning -----------------------------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// True when text[at...] starts with `word` (lower-case ASCII), ignoring case.
bool starts_with_ci(std::string_view text, std::size_t at, std::string_view word) {
  if (at > text.size() || text.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (lower(text[at + i]) != word[i]) return false;
  }
  return true;
}

// Position of `word` (lower-case ASCII) at or after `from`, ignoring case; npos when absent.
std::size_t find_ci(std::string_view text, std::size_t from, std::string_view word) {
  while (from < text.size()) {
    const std::size_t at = text.find('<', from);
    if (at == std::string_view::npos) return at;
    if (starts_with_ci(text, at, word)) return at;
    from = at + 1;
  }
  return std::string_view::npos;
}

// "<script" and not "<scripts" or "<script-x".
bool is_tag_start(std::string_view text, std::size_t at, std::string_view name) {
  if (!starts_with_ci(text, at, name)) return false;
  const std::size_t end = at + name.size();
  return end == text.size() || is_space(text[end]) || text[end] == '>' || text[end] == '/';
}

struct StartTag {
  std::size_t end = 0;  // just past '>' (text.size() when the tag never ends)
  std::string type;     // the type attribute, as written
};

// Reads the attributes of a start tag whose name ends at `at`.
StartTag read_start_tag(std::string_view text, std::size_t at) {
  StartTag tag;
  std::size_t i = at;
  while (i < text.size()) {
    while (i < text.size() && (is_space(text[i]) || text[i] == '/')) ++i;
    if (i >= text.size()) break;
    if (text[i] == '>') {
      tag.end = i + 1;
      return tag;
    }
    const std::size_t name_start = i;
    while (i < text.size() && !is_space(text[i]) && text[i] != '=' && text[i] != '>' &&
           text[i] != '/') {
      ++i;
    }
    const std::string_view name = text.substr(name_start, i - name_start);
    while (i < text.size() && is_space(text[i])) ++i;
    std::string_view value;
    if (i < text.size() && text[i] == '=') {
      ++i;
      while (i < text.size() && is_space(text[i])) ++i;
      if (i < text.size() && (text[i] == '"' || text[i] == '\'')) {
        const char quote = text[i++];
        const std::size_t close = text.find(quote, i);
        const std::size_t value_end = close == std::string_view::npos ? text.size() : close;
        value = text.substr(i, value_end - i);
        i = close == std::string_view::npos ? text.size() : close + 1;
      } else {
        const std::size_t value_start = i;
        while (i < text.size() && !is_space(text[i]) && text[i] != '>') ++i;
        value = text.substr(value_start, i - value_start);
      }
    }
    if (core::iequals(name, "type") && tag.type.empty()) tag.type = std::string(value);
  }
  tag.end = text.size();
  return tag;
}

// "application/ld+json", "Application/LD+JSON; charset=utf-8".
bool is_jsonld_type(std::string_view type) {
  const std::size_t semicolon = type.find(';');
  if (semicolon != std::string_view::npos) type = type.substr(0, semicolon);
  return core::iequals(core::trim(type), "application/ld+json");
}

struct ScriptBlock {
  int line = 0;
  std::string_view content;
};

// What the linear scan of the page found.
struct PageScan {
  std::string title;  // raw, markup and entities still in
  bool has_title = false;
  std::vector<ScriptBlock> blocks;
  int blocks_seen = 0;  // including those over kMaxBlocks
};

PageScan scan_page(std::string_view html, core::Problems& problems) {
  PageScan scan;
  int line = 1;
  std::size_t counted = 0;  // line counts newlines in html[0, counted)
  const auto line_at = [&](std::size_t at) {
    line += static_cast<int>(std::count(html.begin() + static_cast<std::ptrdiff_t>(counted),
                                        html.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    counted = at;
    return line;
  };
  std::size_t pos = 0;
  while (true) {
    const std::size_t at = html.find('<', pos);
    if (at == std::string_view::npos) break;
    if (html.compare(at, 4, "<!--") == 0) {  // a commented-out block is not published
      const std::size_t close = html.find("-->", at + 4);
      if (close == std::string_view::npos) break;
      pos = close + 3;
    } else if (is_tag_start(html, at, "<script")) {
      const int script_line = line_at(at);
      const StartTag tag = read_start_tag(html, at + 7);
      const std::size_t close = find_ci(html, tag.end, "</script");
      const bool jsonld = is_jsonld_type(tag.type);
      if (jsonld && ++scan.blocks_seen > kMaxBlocks) {
        problems.push_back({core::Severity::kWarning, script_line, "",
                            "more than " + std::to_string(kMaxBlocks) +
                                " JSON-LD blocks in the page; the rest are ignored"});
        break;
      }
      if (close == std::string_view::npos) {
        if (jsonld) {
          problems.push_back({core::Severity::kError, script_line, "",
                              "JSON-LD block at line " + std::to_string(script_line) +
                                  " is never closed; ignored"});
        }
        break;
      }
      if (jsonld) scan.blocks.push_back({script_line, html.substr(tag.end, close - tag.end)});
      const std::size_t close_end = html.find('>', close);
      if (close_end == std::string_view::npos) break;
      pos = close_end + 1;
    } else if (is_tag_start(html, at, "<title") && !scan.has_title) {
      const StartTag tag = read_start_tag(html, at + 6);
      const std::size_t close = find_ci(html, tag.end, "</title");
      if (close == std::string_view::npos) break;
      scan.title = std::string(html.substr(tag.end, close - tag.end));
      scan.has_title = true;
      pos = close;
    } else {
      pos = at + 1;
    }
  }
  return scan;
}

// Strips the "<!-- ... -->" and "<![CDATA[ ... ]]>" wrappers old templates put around scripts.
std::string_view unwrap_block(std::string_view content) {
  content = core::trim(content);
  bool changed = true;
  while (changed) {
    changed = false;
    for (std::string_view open : {"<!--", "//<![CDATA[", "/*<![CDATA[*/", "<![CDATA["}) {
      if (content.starts_with(open)) {
        content = core::trim(content.substr(open.size()));
        changed = true;
      }
    }
    for (std::string_view close : {"-->", "//]]>", "/*]]>*/", "]]>"}) {
      if (content.ends_with(close)) {
        content = core::trim(content.substr(0, content.size() - close.size()));
        changed = true;
      }
    }
  }
  return content;
}

// Deepest nesting of [ and { outside strings, stopping once past `limit`.
int json_nesting(std::string_view json, int limit) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// ---- JSON helpers ------------------------------------------------------------------------------

Poco::JSON::Object::Ptr as_object(const Var& value) {
  if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
    return value.extract<Poco::JSON::Object::Ptr>();
  }
  return nullptr;
}

Poco::JSON::Array::Ptr as_array(const Var& value) {
  if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
    return value.extract<Poco::JSON::Array::Ptr>();
  }
  return nullptr;
}

Var member(const Poco::JSON::Object::Ptr& object, const std::string& key) {
  return object && object->has(key) ? object->get(key) : Var();
}

// The text of a string, a number, a {"@value": ...} literal or the first of an array.
std::string text_of(const Var& value, int depth = 0) {
  if (value.isEmpty() || depth > 4) return "";
  if (value.isString()) return value.extract<std::string>();
  if (value.isNumeric()) return value.convert<std::string>();
  if (const auto object = as_object(value)) return text_of(member(object, "@value"), depth + 1);
  if (const auto array = as_array(value)) {
    for (std::size_t i = 0; i < array->size(); ++i) {
      std::string text = text_of(array->get(static_cast<unsigned>(i)), depth + 1);
      if (!text.empty()) return text;
    }
  }
  return "";
}

// The value itself, or the elements of an array.
std::vector<Var> values_of(const Var& value, std::size_t cap) {
  std::vector<Var> values;
  if (const auto array = as_array(value)) {
    for (std::size_t i = 0; i < array->size() && values.size() < cap; ++i) {
      values.push_back(array->get(static_cast<unsigned>(i)));
    }
  } else if (!value.isEmpty()) {
    values.push_back(value);
  }
  return values;
}

// "EventCancelled" from "https://schema.org/EventCancelled", "schema:EventCancelled".
std::string_view schema_term(std::string_view text) {
  text = core::trim(text);
  for (std::string_view prefix : {"https://schema.org/", "http://schema.org/", "schema:"}) {
    if (text.size() > prefix.size() && core::iequals(text.substr(0, prefix.size()), prefix)) {
      return text.substr(prefix.size());
    }
  }
  return text;
}

constexpr std::array<std::string_view, 21> kEventTypes = {
    "Event",          "BusinessEvent",  "ChildrensEvent", "ComedyEvent",     "CourseInstance",
    "DanceEvent",     "DeliveryEvent",  "EducationEvent", "ExhibitionEvent", "Festival",
    "FoodEvent",      "Hackathon",      "LiteraryEvent",  "MusicEvent",      "PublicationEvent",
    "SaleEvent",      "ScreeningEvent", "SocialEvent",    "SportsEvent",     "TheaterEvent",
    "VisualArtsEvent"};

bool has_type(const Poco::JSON::Object::Ptr& object, std::string_view wanted) {
  for (const Var& type : values_of(member(object, "@type"), 16)) {
    if (type.isString() && schema_term(type.extract<std::string>()) == wanted) return true;
  }
  return false;
}

bool is_event(const Poco::JSON::Object::Ptr& object) {
  for (const Var& type : values_of(member(object, "@type"), 16)) {
    if (!type.isString()) continue;
    const std::string_view term = schema_term(type.extract<std::string>());
    if (std::find(kEventTypes.begin(), kEventTypes.end(), term) != kEventTypes.end()) return true;
  }
  return false;
}

// The Events Calendar escapes its HTML once more ("&lt;p&gt;"): what decodes to markup is
// read again.
std::string plain_text(const std::string& html) {
  std::string text = html_to_text(html);
  if (html.find("&lt;") != std::string::npos && text.find('<') != std::string::npos &&
      text != html) {
    text = html_to_text(text);
  }
  return text;
}

std::string one_line(const std::string& html) { return core::clean_line(plain_text(html)); }

// ---- Dates
// ---------------------------------------------------------------------------------------

// "2027-03-04" (all-day), "2027-03-04T18:30[:00[.000]]" (floating), with "Z" or "+01:00",
// "+0100", "+01" (an instant, kept as UTC). A space may stand for the "T".
std::optional<core::EventTime> parse_schema_time(std::string_view text) {
  const StampOrWhy parsed = parse_iso(text);
  if (!parsed.stamp) return std::nullopt;
  return parsed.stamp->event_time();
}

// ---- Fields
// --------------------------------------------------------------------------------------

void add_part(std::vector<std::string>& parts, const std::string& html) {
  std::string part = one_line(html);
  if (part.empty()) return;
  for (const std::string& seen : parts) {
    if (core::iequals(seen, part)) return;
  }
  parts.push_back(std::move(part));
}

// "Name, street, postal city" of a Place (or a bare PostalAddress / text).
std::string place_text(const Var& place) {
  if (place.isString()) return one_line(place.extract<std::string>());
  const auto object = as_object(place);
  if (!object) return "";
  std::vector<std::string> parts;
  if (!has_type(object, "PostalAddress")) add_part(parts, text_of(member(object, "name")));
  const Var address_value = member(object, "address");
  const auto address = has_type(object, "PostalAddress") ? object : as_object(address_value);
  if (address) {
    add_part(parts, text_of(member(address, "streetAddress")));
    const std::string city = core::clean_line(text_of(member(address, "postalCode")) + " " +
                                              text_of(member(address, "addressLocality")));
    add_part(parts, city);
  } else {
    add_part(parts, text_of(address_value));
  }
  return core::join(parts, ", ");
}

std::string organizer_text(const Var& value) {
  const std::vector<Var> organizers = values_of(value, 1);
  if (organizers.empty()) return "";
  if (organizers[0].isString()) return one_line(organizers[0].extract<std::string>());
  const auto object = as_object(organizers[0]);
  if (!object) return "";
  const std::string name = one_line(text_of(member(object, "name")));
  std::string email = core::clean_line(text_of(member(object, "email")));
  if (email.size() > 7 && core::iequals(std::string_view(email).substr(0, 7), "mailto:")) {
    email.erase(0, 7);
  }
  if (name.empty()) return email;
  if (email.empty()) return name;
  return name + " <" + email + ">";
}

class EventReader {
 public:
  EventReader(const core::IngestLimits& limits, core::Problems& problems)
      : limits_(limits), problems_(problems) {}

  // Looks for events in a parsed block; false once limits.max_events is reached.
  bool walk(const Var& value, int line) {
    line_ = line;
    return visit(value, 0);
  }

  std::vector<core::Event> take_events() { return std::move(events_); }

 private:
  bool visit(const Var& value, int depth) {
    if (depth > kMaxWalkDepth) return true;
    if (++nodes_ > kMaxNodesPerPage) {
      if (nodes_ == kMaxNodesPerPage + 1) {
        warn("more than " + std::to_string(kMaxNodesPerPage) +
             " JSON values in the page's JSON-LD; the rest is not searched for events");
      }
      return true;
    }
    if (const auto array = as_array(value)) {
      for (std::size_t i = 0; i < array->size(); ++i) {
        if (!visit(array->get(static_cast<unsigned>(i)), depth + 1)) return false;
      }
      return true;
    }
    const auto object = as_object(value);
    if (!object) return true;
    if (is_event(object)) return add_event(object);
    // @graph, an ItemList's itemListElement -> item, a WebPage's mainEntity, and the like.
    for (const auto& [key, child] : *object) {
      if (child.type() == typeid(Poco::JSON::Object::Ptr) ||
          child.type() == typeid(Poco::JSON::Array::Ptr)) {
        if (!visit(child, depth + 1)) return false;
      }
    }
    return true;
  }

  bool add_event(const Poco::JSON::Object::Ptr& object) {
    if (static_cast<int>(events_.size()) >= limits_.max_events) {
      warn("more than limits.max_events (" + std::to_string(limits_.max_events) +
           ") events; the rest are ignored");
      return false;
    }
    uid_.clear();
    auto event = read_event(object);
    if (!event) return true;
    uid_ = event->uid;
    if (!uids_.insert(event->uid).second) {
      warn("event \"" + event->summary + "\" appears twice in the page; the copy is ignored");
      return true;
    }
    events_.push_back(std::move(*event));
    return true;
  }

  std::optional<core::Event> read_event(const Poco::JSON::Object::Ptr& object) {
    core::Event event;
    event.source_line = line_;
    const std::string name = text_of(member(object, "name"));
    event.summary = one_line(name);
    event.description = core::clean_text(plain_text(text_of(member(object, "description"))));
    const std::string label = "event \"" + event.summary + "\"";

    const std::string start_text = std::string(core::trim(text_of(member(object, "startDate"))));
    if (start_text.empty()) return skip(label + " has no startDate");
    const auto start = parse_schema_time(start_text);
    if (!start) return skip(label + ": startDate \"" + start_text + "\" is not a date");
    event.start = *start;
    const std::string end_text = std::string(core::trim(text_of(member(object, "endDate"))));
    if (!end_text.empty()) {
      const auto end = parse_schema_time(end_text);
      if (!end) return skip(label + ": endDate \"" + end_text + "\" is not a date");
      event.end = *end;
      if (event.end.all_day) event.end.date = core::add_days(event.end.date, 1);  // exclusive
      if (event.end.all_day != event.start.all_day ||
          event.end.floating() != event.start.floating() ||
          event.end.sort_seconds() < event.start.sort_seconds()) {
        warn(label + ": endDate \"" + end_text + "\" does not follow startDate \"" + start_text +
             "\"; ignored");
        event.end = default_end(event.start);
      }
    } else {
      event.end = default_end(event.start);
    }

    const std::string url = std::string(core::trim(text_of(member(object, "url"))));
    if (core::is_http_url(url)) event.url = url;
    read_location(object, event);
    if (event.url.empty()) {
      for (const Var& offer : values_of(member(object, "offers"), 50)) {
        const std::string offer_url =
            std::string(core::trim(text_of(member(as_object(offer), "url"))));
        if (core::is_http_url(offer_url)) {
          event.url = offer_url;
          break;
        }
      }
    }
    event.organizer = organizer_text(member(object, "organizer"));
    read_status(object, event, label);
    read_categories(object, event);

    const std::string id = std::string(core::trim(text_of(member(object, "@id"))));
    if (!id.empty() && !id.starts_with("_:")) {  // a blank node is not stable across pages
      event.uid = id;
    } else if (!event.url.empty()) {
      event.uid = event.url + start_text;
    } else {
      event.uid = "concerto-" + core::hex64(core::fnv1a64(name + start_text));
    }
    return event;
  }

  static core::EventTime default_end(const core::EventTime& start) {
    core::EventTime end = start;
    if (end.all_day) end.date = core::add_days(end.date, 1);
    return end;
  }

  void read_location(const Poco::JSON::Object::Ptr& object, core::Event& event) {
    const std::vector<Var> places = values_of(member(object, "location"), 1);
    if (!places.empty()) {
      const auto place = as_object(places[0]);
      if (place && has_type(place, "VirtualLocation")) {
        event.location = "En ligne";
        const std::string url = std::string(core::trim(text_of(member(place, "url"))));
        if (event.url.empty() && core::is_http_url(url)) event.url = url;
      } else {
        event.location = place_text(places[0]);
      }
    }
    const std::string mode = text_of(member(object, "eventAttendanceMode"));
    if (event.location.empty() && schema_term(mode) == "OnlineEventAttendanceMode") {
      event.location = "En ligne";
    }
  }

  void read_status(const Poco::JSON::Object::Ptr& object, core::Event& event,
                   const std::string& label) {
    const std::string status = text_of(member(object, "eventStatus"));
    const std::string_view term = schema_term(status);
    if (term.empty() || term == "EventScheduled") return;
    if (term == "EventCancelled") {
      event.status = core::EventStatus::kCancelled;
    } else if (term == "EventPostponed" || term == "EventRescheduled") {
      event.status = core::EventStatus::kTentative;
      warn(label + " is " + std::string(term) + "; kept as tentative");
    } else if (term != "EventMovedOnline") {
      warn(label + ": eventStatus \"" + status + "\" is unknown; kept as confirmed");
    }
  }

  void read_categories(const Poco::JSON::Object::Ptr& object, core::Event& event) {
    const auto cap = static_cast<std::size_t>(std::max(0, limits_.max_values_per_property));
    const auto add = [&](const std::string& html) {
      std::string category = one_line(html);
      if (category.empty() || event.categories.size() >= cap) return;
      for (const std::string& seen : event.categories) {
        if (core::iequals(seen, category)) return;
      }
      event.categories.push_back(std::move(category));
    };
    for (const Var& keyword : values_of(member(object, "keywords"), cap)) {
      const std::string text = text_of(keyword);
      for (const std::string& part : core::split(text, ',')) add(part);
    }
    for (const Var& about : values_of(member(object, "about"), cap)) {
      add(about.isString() ? about.extract<std::string>()
                           : text_of(member(as_object(about), "name")));
    }
  }

  void warn(std::string message) {
    problems_.push_back({core::Severity::kWarning, line_, uid_, std::move(message)});
  }
  std::nullopt_t skip(std::string message) {
    problems_.push_back({core::Severity::kError, line_, uid_, std::move(message)});
    return std::nullopt;
  }

  const core::IngestLimits& limits_;
  core::Problems& problems_;
  std::vector<core::Event> events_;
  std::set<std::string> uids_;
  std::string uid_;  // the event being read, for reports, when known
  int line_ = 0;
  int nodes_ = 0;
};

}  // namespace

core::Result<JsonLdPage> read_jsonld_events(std::string_view html, const core::IngestLimits& limits,
                                            core::Problems& problems) {
  if (static_cast<std::int64_t>(html.size()) > limits.max_bytes) {
    return core::Error{"the page is " + std::to_string(html.size()) +
                       " bytes, over limits.max_bytes (" + std::to_string(limits.max_bytes) + ")"};
  }
  const PageScan scan = scan_page(html, problems);
  JsonLdPage page;
  if (scan.has_title) page.title = one_line(scan.title);

  EventReader reader(limits, problems);
  for (const ScriptBlock& block : scan.blocks) {
    const std::string where = "JSON-LD block at line " + std::to_string(block.line);
    const std::string_view json = unwrap_block(block.content);
    if (json.empty()) continue;
    if (json_nesting(json, kMaxJsonNesting) > kMaxJsonNesting) {
      problems.push_back({core::Severity::kError, block.line, "",
                          where + " is nested deeper than " + std::to_string(kMaxJsonNesting) +
                              " levels; ignored"});
      continue;
    }
    Var root;
    try {
      Poco::JSON::Parser parser;
      root = parser.parse(std::string(json));
    } catch (const Poco::Exception& error) {
      problems.push_back({core::Severity::kError, block.line, "",
                          where + " is not valid JSON: " + error.displayText()});
      continue;
    } catch (const std::exception& error) {
      problems.push_back(
          {core::Severity::kError, block.line, "", where + " is not valid JSON: " + error.what()});
      continue;
    }
    if (!reader.walk(root, block.line)) break;
  }
  page.events = reader.take_events();
  if (page.events.empty()) {
    return core::Error{"no schema.org Event in the page's JSON-LD (" +
                       std::to_string(scan.blocks.size()) + " blocks read)"};
  }
  return page;
}

}  // namespace concerto::parse
