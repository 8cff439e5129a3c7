#pragma once
// Private to render/: the template data shared by the pages and the newsletter blocks.

#include <span>
#include <string>
#include <string_view>

#include "render/agenda_view.h"
#include "render/templates.h"
#include "render/web_pages.h"

namespace concerto::render::detail {

// kainjow's data only copies in (set and push_back take const&), and a copy is deep: these
// move instead. append() adds an empty object to `list` and returns it.
TemplateData& append(TemplateData& list);
inline void put(TemplateData& object, const std::string& key, TemplateData&& value) {
  object[key] = std::move(value);
}

// `text`, or false when it is empty: mustache takes an empty string as true in {{#key}}, and
// looks a missing key up in the enclosing sections.
void set_text(TemplateData& object, const std::string& key, const std::string& text);

// A word of the pages in both languages; tables of them are looked up with the functions below.
struct Label {
  const char* key;
  const char* fr;
  const char* en;
};
// The label of `key` in `table` ("" when unknown), and every label of the table as data.
const char* find_label(std::span<const Label> table, Language language, std::string_view key);
TemplateData table_data(std::span<const Label> table, Language language);
// The pages' own table: label(language, "subscribe") -> "S'abonner"; label_data as {{t.key}}.
const char* label(Language language, std::string_view key);
TemplateData label_data(Language language);
// An instant as ISO 8601 with the site zone's offset ("2026-10-19T09:30:00+02:00"); dates and
// floating times as they are.
std::string iso_with_offset(const AgendaSnapshot& agenda, const core::EventTime& time);

// site.base_url + path.
std::string absolute_url(const SiteInfo& site, std::string_view path);
// "?partner=x&category=y&place=z&q=w" for the filter's non-empty fields (plus `extra`, already
// encoded, e.g. "page=2"), "" when there are none.
std::string filter_query(const ViewFilter& filter, std::string_view extra = {});

// The local start and end of an instance as shown: in the site's zone (floating times and dates
// as they are).
struct LocalSpan {
  bool all_day = false;
  core::LocalDateTime start;
  core::LocalDateTime end;
  core::Date first_day;  // the days it covers, both inclusive
  core::Date last_day;
};
LocalSpan local_span(const AgendaSnapshot& agenda, const Instance& instance);

// One instance for a template: title, cancelled, href/url (our event page), when, time,
// day, datetime (ISO 8601 for <time>), place, online, map_url, link (the partner's http(s) URL),
// description, paragraphs [{text}], partners [{name, href, website}], categories [{name,
// href}], other_zone (the time in the event's own zone when it differs), recurring.
TemplateData instance_data(const AgendaSnapshot& agenda, const Instance& instance,
                           const SiteInfo& site);

}  // namespace concerto::render::detail
