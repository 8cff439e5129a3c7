// The newsletter blocks: /embed/upcoming (an HTML fragment for e-mails), /embed/upcoming.txt
// (the same as plain text), /upcoming.rss (RSS 2.0 for RSS-to-e-mail tools) and /embed/widget
// (a page for partners' iframes). All four list WebPages::upcoming()'s instances.
//
// Every piece of partner text is first cleaned here (clean()): valid UTF-8, one line, no control
// characters (C0, DEL, C1), no bidirectional overrides, no XML non-characters. So the plain-text
// block cannot carry terminal escapes or lines that display reversed, and the RSS is well-formed
// XML whatever the feeds said. The HTML outputs then rely on mustache's escaping; the RSS item
// description is HTML (what RSS readers and RSS-to-e-mail tools expect), so partner text is
// HTML-escaped there first and XML-escaped again by the template.
//
// Partner URLs are used only when core::is_http_url accepts them, with any non-ASCII byte
// percent-encoded (as a browser would send it). Every link we write is absolute.
//
// Choices:
// - A short excerpt of the description (its first ~160 characters, cut before a word when it can
//   be, with "…"; web addresses left out, as the "more" link follows) comes after the date, place
//   and partners in the fragment, the text and the RSS, like the sentence under each title of the
//   seed newsletter. The widget, meant to be compact, has none.
// - The plain text is wrapped at 78 columns, at spaces; URLs are alone on their lines, never cut.
// - RSS pubDate is the event's start (RFC 822, in the site's zone): readers show and sort by the
//   event's date, and the RSS-to-e-mail tools that send "items newer than the last mailing" keep
//   sending every event still to come. lastBuildDate is `now_utc`. The guid (not a permalink) is
//   the merged UID, plus "#" and the recurrence key for one occurrence of a series: both are
//   stable across refreshes.
#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "render/links.h"
#include "render/page_data.h"
#include "render/web_pages.h"

namespace concerto::render {
namespace {

constexpr std::size_t kExcerptCharacters = 160;
constexpr std::size_t kTextColumns = 78;

// ---------------------------------------------------------------------------------------------
// Words

using detail::Label;

// French typography: a no-break space (U+00A0) before ':' and '!', the typographic apostrophe
// (U+2019), which needs no escaping in any of the outputs.
constexpr std::array kLabels{
    Label{"heading", "Les prochains rendez-vous du réseau", "Upcoming events in the network"},
    Label{"empty", "Aucun rendez-vous n’est annoncé pour l’instant. Revenez bientôt\u00a0!",
          "No event is announced for now. Come back soon!"},
    Label{"more", "Plus d’infos", "More information"},
    Label{"more_colon", "Plus d’infos\u00a0:", "More information:"},
    Label{"all", "Tout l’agenda", "The whole agenda"},
    Label{"all_colon", "Tout l’agenda\u00a0:", "The whole agenda:"},
    Label{"by", "Annoncé par", "Announced by"},
    Label{"online", "En ligne", "Online"},
    Label{"upcoming", "Prochains rendez-vous", "Upcoming events"},
};

const char* word(Language language, std::string_view key) {
  return detail::find_label(kLabels, language, key);
}

TemplateData words(Language language) { return detail::table_data(kLabels, language); }

// ---------------------------------------------------------------------------------------------
// Text

// The code point of the valid UTF-8 sequence of `length` bytes at text[at].
char32_t code_point(std::string_view text, std::size_t at, std::size_t length) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  if (length == 1) return byte(0);
  char32_t code = byte(0) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
  for (std::size_t i = 1; i < length; ++i) code = (code << 6) | (byte(i) & 0x3F);
  return code;
}

// Characters left out of everything we write: C1 controls, bidirectional embeddings, overrides
// and isolates (they can make a line read backwards), and what XML 1.0 forbids.
bool unwanted(char32_t code) {
  return (code >= 0x80 && code <= 0x9F) || (code >= 0x202A && code <= 0x202E) ||
         (code >= 0x2066 && code <= 0x2069) || code == 0xFFFE || code == 0xFFFF;
}

// Partner text made safe for all four outputs, on one line: valid UTF-8 (U+FFFD for a bad
// byte), no control characters, spaces collapsed (core::clean_line), nothing unwanted().
std::string clean(std::string_view text) {
  std::string valid;
  valid.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = core::utf8_sequence_length(text, i);
    if (length == 0) {
      valid += "\uFFFD";
      ++i;
      continue;
    }
    if (!unwanted(code_point(text, i, length))) valid.append(text.substr(i, length));
    i += length;
  }
  return core::clean_line(valid);
}

// A partner's URL we may link to, else "": http(s) only, non-ASCII bytes percent-encoded.
std::string safe_url(std::string_view url) {
  if (!core::is_http_url(url)) return {};
  std::string out;
  for (const char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out.push_back(c);
    } else {
      char encoded[4];
      std::snprintf(encoded, sizeof encoded, "%%%02X", byte);
      out += encoded;
    }
  }
  return out;
}

// `text` (already clean()) without its web addresses: an excerpt would cut them, and the
// plain text keeps URLs on lines of their own. The "more" link follows anyway.
std::string without_urls(const std::string& text) {
  std::vector<std::string> kept;
  for (std::string& piece : core::split(text, ' ')) {
    const std::string lower = core::ascii_lower(piece);
    if (lower.find("://") != std::string::npos || lower.rfind("www.", 0) == 0) continue;
    kept.push_back(std::move(piece));
  }
  std::string out = core::clean_line(core::join(kept, " "));
  // "Inscription : <url>" loses its colon too.
  while (!out.empty() && (out.back() == ':' || out.back() == ' ')) out.pop_back();
  return out;
}

// The first `limit` characters of `text` (already clean()), cut before a word when one ends
// in the last third, with "…" when anything was cut.
std::string excerpt(const std::string& text, std::size_t limit) {
  std::size_t characters = 0;
  std::size_t cut = 0;
  for (std::size_t i = 0; i < text.size(); ++characters) {
    if (characters == limit) {
      cut = i;
      break;
    }
    const std::size_t length = std::max<std::size_t>(1, core::utf8_sequence_length(text, i));
    i += length;
  }
  if (cut == 0) return text;
  std::size_t end = cut;
  if (const std::size_t space = text.rfind(' ', cut);
      space != std::string::npos && space > cut * 2 / 3) {
    end = space;
  }
  std::string out = text.substr(0, end);
  while (!out.empty() && (out.back() == ' ' || out.back() == ',' || out.back() == ';' ||
                          out.back() == ':' || out.back() == '.')) {
    out.pop_back();
  }
  return out + "…";
}

// Columns a character takes in a terminal or a fixed-width mail reader (a fair approximation:
// combining marks none, East Asian wide characters and emoji two).
std::size_t columns(char32_t code) {
  if ((code >= 0x0300 && code <= 0x036F) || code == 0x200B || code == 0x200D ||
      (code >= 0xFE00 && code <= 0xFE0F)) {
    return 0;
  }
  if ((code >= 0x1100 && code <= 0x115F) || (code >= 0x2E80 && code <= 0xA4CF) ||
      (code >= 0xAC00 && code <= 0xD7A3) || (code >= 0xF900 && code <= 0xFAFF) ||
      (code >= 0xFF00 && code <= 0xFF60) || (code >= 0x1F300 && code <= 0x1FAFF) ||
      (code >= 0x20000 && code <= 0x3FFFD)) {
    return 2;
  }
  return 1;
}

std::size_t width(std::string_view text) {
  std::size_t total = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = core::utf8_sequence_length(text, i);
    if (length == 0) {
      ++total;
      ++i;
      continue;
    }
    total += columns(code_point(text, i, length));
    i += length;
  }
  return total;
}

// One line of text wrapped at spaces to `limit` columns (a longer word keeps its own line).
std::string wrap(std::string_view text, std::size_t limit = kTextColumns) {
  std::string out;
  std::size_t line = 0;
  for (const std::string& piece : core::split(text, ' ')) {
    if (piece.empty()) continue;
    const std::size_t size = width(piece);
    if (line > 0 && line + 1 + size > limit) {
      out.push_back('\n');
      line = 0;
    } else if (line > 0) {
      out.push_back(' ');
      ++line;
    }
    out += piece;
    line += size;
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dates

constexpr const char* kRfcWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kRfcMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// RFC 822 (with a four-digit year, as RFC 1123 and RSS 2.0 use it): "Mon, 19 Oct 2026 18:30:00
// +0200", in `zone`.
std::string rfc822(const core::TimeZone& zone, std::int64_t utc) {
  const int offset = zone.offset_at_utc(utc);
  const core::LocalDateTime local = core::civil_from_seconds(utc + offset);
  const int month = std::clamp(local.date.month, 1, 12);
  char text[64];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d %s",
                kRfcWeekdays[core::weekday(local.date)], local.date.day, kRfcMonths[month - 1],
                local.date.year, local.hour, local.minute, local.second,
                core::format_utc_offset(offset, false).c_str());
  return text;
}

// The instant an instance starts, for pubDate: dates and floating times in the site's zone.
std::int64_t start_instant(const AgendaSnapshot& agenda, const Instance& instance,
                           const detail::LocalSpan& span) {
  const core::EventTime& start = instance.occurrence->start;
  if (!start.all_day && !start.floating()) return start.utc;
  return agenda.zone().to_utc(span.start);
}

// A date line for a narrow list: "lundi 19 octobre, 18 h 30 – 20 h", "lundi 19 octobre",
// "du 19 au 21 octobre 2026".
std::string compact_when(Language language, const detail::LocalSpan& span) {
  if (span.all_day) {
    if (span.first_day == span.last_day) return format_day_short(language, span.first_day);
    return format_day_range(language, span.first_day, span.last_day);
  }
  return format_day_short(language, span.first_day) + ", " +
         format_time_range(language, false, span.start, span.end);
}

// ---------------------------------------------------------------------------------------------
// One instance, cleaned once for the four outputs.

struct Partner {
  std::string name;
  std::string url;  // absolute: the partner's website, else our agenda filtered by it
};

struct Entry {
  std::string title;
  std::string url;  // our event page, absolute
  std::string guid;
  std::string when;          // "lundi 19 octobre 2026, 18 h 30 – 20 h"
  std::string compact_when;  // without the year for one day
  std::string datetime;      // ISO 8601, for <time>
  std::string pub_date;      // RFC 822
  std::string place;         // the place as written, or "En ligne" for a URL
  std::string place_url;     // the online place's URL
  std::vector<Partner> partners;
  std::string partner_names;
  std::string excerpt;
  std::string link;  // the partner's own event page
  std::vector<std::string> categories;

  const std::string& more_url() const { return link.empty() ? url : link; }
};

std::string string_field(const TemplateData& data, const std::string& name) {
  const TemplateData* value = data.get(name);
  return value != nullptr && value->is_string() ? value->string_value() : std::string();
}

Entry make_entry(const AgendaSnapshot& agenda, const Instance& instance, const SiteInfo& site) {
  const core::Event& event = instance.source->event;
  const detail::LocalSpan span = detail::local_span(agenda, instance);
  // Our page's URL and the <time> value, exactly as the pages write them.
  const TemplateData shown = detail::instance_data(agenda, instance, site);
  Entry entry;
  entry.title = clean(event.summary);
  if (entry.title.empty()) entry.title = "—";
  entry.url = string_field(shown, "url");
  entry.datetime = string_field(shown, "datetime");
  const std::string& series_uid =
      instance.series != nullptr ? instance.series->event.uid : event.uid;
  // Cleaned like every text here: a UID may hold characters XML 1.0 cannot carry.
  entry.guid = clean(series_uid);
  if (instance.occurrence->recurrence_id) {
    entry.guid += "#" + instance.occurrence->recurrence_id->key();
  }
  entry.when = format_when(site.language, span.all_day, span.start, span.end);
  entry.compact_when = compact_when(site.language, span);
  entry.pub_date = rfc822(agenda.zone(), start_instant(agenda, instance, span));

  if (const std::string online = safe_url(event.location); !online.empty()) {
    entry.place = word(site.language, "online");
    entry.place_url = online;
  } else {
    entry.place = clean(event.location);
  }
  for (const PartnerLabel* partner : agenda.partners_of(*instance.source)) {
    Partner item;
    item.name = clean(partner->name);
    if (item.name.empty()) continue;
    item.url = safe_url(partner->website);
    if (item.url.empty()) {
      item.url = detail::absolute_url(
          site, "/" + detail::filter_query(ViewFilter{partner->slug, "", "", ""}));
    }
    if (!entry.partner_names.empty()) entry.partner_names += ", ";
    entry.partner_names += item.name;
    entry.partners.push_back(std::move(item));
  }
  entry.excerpt = excerpt(without_urls(clean(event.description)), kExcerptCharacters);
  entry.link = safe_url(event.url);
  for (const std::string& category : event.categories) {
    std::string name = clean(category);
    if (!name.empty() && std::find(entry.categories.begin(), entry.categories.end(), name) ==
                             entry.categories.end()) {
      entry.categories.push_back(std::move(name));
    }
  }
  return entry;
}

std::vector<Entry> make_entries(const AgendaSnapshot& agenda,
                                const std::vector<const Instance*>& instances,
                                const SiteInfo& site) {
  std::vector<Entry> entries;
  entries.reserve(instances.size());
  for (const Instance* instance : instances) entries.push_back(make_entry(agenda, *instance, site));
  return entries;
}

TemplateData list() { return TemplateData(TemplateData::type::list); }

// Sets `name` only when `value` is not empty: a mustache section takes any string as true.
void set_text(TemplateData& data, const std::string& name, const std::string& value) {
  if (!value.empty()) data.set(name, value);
}

TemplateData partners_data(const Entry& entry) {
  TemplateData partners = list();
  for (std::size_t i = 0; i < entry.partners.size(); ++i) {
    TemplateData item;
    item.set("name", entry.partners[i].name);
    item.set("url", entry.partners[i].url);
    item.set("comma", i + 1 < entry.partners.size());
    partners.push_back(item);
  }
  return partners;
}

// The fields the HTML outputs share.
TemplateData html_entry(const Entry& entry) {
  TemplateData data;
  data.set("title", entry.title);
  data.set("url", entry.url);
  data.set("when", entry.when);
  data.set("compact_when", entry.compact_when);
  data.set("datetime", entry.datetime);
  set_text(data, "place", entry.place);
  set_text(data, "place_url", entry.place_url);
  data.set("partners", partners_data(entry));
  data.set("has_partners", !entry.partners.empty());
  set_text(data, "partner_names", entry.partner_names);
  set_text(data, "excerpt", entry.excerpt);
  data.set("more_url", entry.more_url());
  std::string meta = entry.place;
  if (!meta.empty() && !entry.partner_names.empty()) meta += " · ";
  set_text(data, "meta", meta + entry.partner_names);
  return data;
}

TemplateData common_data(const SiteInfo& site, const std::string& stylesheet) {
  TemplateData data;
  data.set("t", words(site.language));
  TemplateData site_data;
  site_data.set("title", clean(site.title));
  site_data.set("url", detail::absolute_url(site, "/"));
  site_data.set("lang", language_code(site.language));
  site_data.set("stylesheet", stylesheet);
  data.set("site", site_data);
  return data;
}

}  // namespace

core::Result<std::string> WebPages::embed_upcoming(const AgendaSnapshot& agenda,
                                                   const EmbedRequest& request,
                                                   std::int64_t now_utc) const {
  return html_block("embed_upcoming.mustache", agenda, request, now_utc);
}

// The fragment and the widget: the same events, two templates.
core::Result<std::string> WebPages::html_block(std::string_view template_name,
                                               const AgendaSnapshot& agenda,
                                               const EmbedRequest& request,
                                               std::int64_t now_utc) const {
  TemplateData data = common_data(site_, stylesheet_path_);
  TemplateData events = list();
  for (const Entry& entry : make_entries(agenda, upcoming(agenda, request, now_utc), site_)) {
    detail::append(events) = html_entry(entry);
  }
  data.set("empty", events.list_value().empty());
  detail::put(data, "events", std::move(events));
  return templates_.render(template_name, data);
}

core::Result<std::string> WebPages::embed_text(const AgendaSnapshot& agenda,
                                               const EmbedRequest& request,
                                               std::int64_t now_utc) const {
  TemplateData data = common_data(site_, stylesheet_path_);
  TemplateData events = list();
  for (const Entry& entry : make_entries(agenda, upcoming(agenda, request, now_utc), site_)) {
    TemplateData item;
    item.set("title", wrap("📅 " + entry.title));
    item.set("when", wrap(entry.when));
    set_text(item, "place", wrap(entry.place));
    set_text(item, "place_url", entry.place_url);
    if (!entry.partner_names.empty()) {
      item.set("partners",
               wrap(std::string(word(site_.language, "by")) + " " + entry.partner_names));
    }
    set_text(item, "excerpt", wrap(entry.excerpt));
    item.set("more_url", entry.more_url());
    events.push_back(item);
  }
  data.set("empty", events.list_value().empty());
  data.set("events", events);
  data.set("heading", wrap(word(site_.language, "heading")));
  data.set("empty_text", wrap(word(site_.language, "empty")));
  return templates_.render("upcoming.txt.mustache", data);
}

core::Result<std::string> WebPages::upcoming_rss(const AgendaSnapshot& agenda,
                                                 const EmbedRequest& request,
                                                 std::int64_t now_utc) const {
  TemplateData data = common_data(site_, stylesheet_path_);
  const EmbedRequest defaults;
  std::string extra;
  if (request.days != defaults.days) extra = "days=" + std::to_string(request.days);
  if (request.limit != defaults.limit) {
    extra += (extra.empty() ? "" : "&") + std::string("limit=") + std::to_string(request.limit);
  }
  data.set("self", detail::absolute_url(
                       site_, "/upcoming.rss" + detail::filter_query(request.filter, extra)));
  const std::string site_title = clean(site_.title);
  data.set("title", site_title + " · " + word(site_.language, "upcoming"));
  data.set("description", std::string(word(site_.language, "heading")) + " · " + site_title);
  data.set("last_build", rfc822(agenda.zone(), now_utc));
  TemplateData items = list();
  for (const Entry& entry : make_entries(agenda, upcoming(agenda, request, now_utc), site_)) {
    TemplateData item;
    item.set("title", entry.title);
    item.set("url", entry.url);
    item.set("guid", entry.guid);
    item.set("pub_date", entry.pub_date);
    // HTML, as readers expect it: partner text escaped here, and again (for XML) by mustache.
    std::string description = "<p><strong>" + html_escape(entry.when) + "</strong>";
    if (!entry.place_url.empty()) {
      description += "<br><a href=\"" + html_escape(entry.place_url) + "\">" +
                     html_escape(entry.place) + "</a>";
    } else if (!entry.place.empty()) {
      description += "<br>" + html_escape(entry.place);
    }
    if (!entry.partner_names.empty()) {
      description +=
          "<br>" + std::string(word(site_.language, "by")) + " " + html_escape(entry.partner_names);
    }
    description += "</p>";
    if (!entry.excerpt.empty()) description += "<p>" + html_escape(entry.excerpt) + "</p>";
    description += "<p><a href=\"" + html_escape(entry.more_url()) + "\">" +
                   word(site_.language, "more") + "</a></p>";
    item.set("description", description);
    TemplateData categories = list();
    for (const std::string& category : entry.categories) {
      categories.push_back(TemplateData("name", category));
    }
    item.set("categories", categories);
    items.push_back(item);
  }
  data.set("items", items);
  return templates_.render("upcoming.rss.mustache", data);
}

core::Result<std::string> WebPages::widget(const AgendaSnapshot& agenda,
                                           const EmbedRequest& request,
                                           std::int64_t now_utc) const {
  return html_block("widget.mustache", agenda, request, now_utc);
}

}  // namespace concerto::render
