#include "render/web_pages.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "core/text.h"
#include "dedup/fold.h"
#include "render/json_text.h"
#include "render/links.h"
#include "render/page_data.h"
#include "render/writable_time.h"

namespace concerto::render {
namespace {

using detail::absolute_url;
using detail::append;
using detail::filter_query;
using detail::instance_data;
using detail::label;
using detail::put;
using TemplateList = TemplateData;

constexpr int kOtherDates = 12;

TemplateData list() { return TemplateData(TemplateData::type::list); }

std::string month_path(int year, int month) {
  char text[24];
  std::snprintf(text, sizeof text, "/month/%04d-%02d", year, month);
  return text;
}

core::Date today_in(const AgendaSnapshot& agenda, std::int64_t now_utc) {
  return agenda.zone().to_local(now_utc).date;
}

std::int64_t start_of_day(const AgendaSnapshot& agenda, const core::Date& day) {
  return agenda.zone().to_utc(core::LocalDateTime{day, 0, 0, 0});
}

// The filter form's choices, with the current ones selected.
// `action`: the page the form submits to (and "show all" goes back to).
void add_filter_data(TemplateData& page, const AgendaSnapshot& agenda, const ViewFilter& filter,
                     const std::string& action) {
  TemplateData partners = list();
  for (const PartnerLabel* partner : agenda.partners()) {
    TemplateData item;
    item.set("slug", partner->slug);
    item.set("name", partner->name);
    item.set("selected", partner->slug == filter.partner);
    append(partners) = std::move(item);
  }
  TemplateData categories = list();
  for (const CategoryLabel& category : agenda.categories()) {
    TemplateData item;
    item.set("slug", category.slug);
    item.set("name", category.name);
    item.set("selected", category.slug == filter.category);
    append(categories) = std::move(item);
  }
  TemplateData form;
  put(form, "partners", std::move(partners));
  put(form, "categories", std::move(categories));
  form.set("place", filter.place);
  form.set("q", filter.query);
  form.set("active", !filter.empty());
  form.set("action", action);
  put(page, "filter", std::move(form));
  page.set("subscribe_href", "/subscribe" + filter_query(filter));
}

// schema.org Event as JSON-LD; '<', '>' and '&' are written as \u escapes so that nothing in
// partner text can close the <script> element.
std::string json_ld(const AgendaSnapshot& agenda, const Instance& instance,
                    const std::string& page_url) {
  const core::Event& event = instance.source->event;
  const auto iso = [&](const core::EventTime& time) {
    return detail::iso_with_offset(agenda, time);
  };
  std::string out = "{\"@context\":\"https://schema.org\",\"@type\":\"Event\",\"name\":";
  out += json_string(event.summary.empty() ? std::string("—") : event.summary);
  out += ",\"startDate\":" + json_string(iso(instance.occurrence->start));
  // schema.org dates are inclusive; an ICS all-day end is the day after.
  core::EventTime end = instance.occurrence->end;
  if (end.all_day)
    end.date = std::max(instance.occurrence->start.date, core::add_days(end.date, -1));
  out += ",\"endDate\":" + json_string(iso(end));
  out += ",\"eventStatus\":";
  out += event.status == core::EventStatus::kCancelled ? "\"https://schema.org/EventCancelled\""
                                                       : "\"https://schema.org/EventScheduled\"";
  const dedup::PlaceKey place = dedup::fold_place(event.location);
  const bool url_place = core::is_http_url(event.location);
  if (!event.location.empty()) {
    out += ",\"eventAttendanceMode\":";
    out += place.online ? (place.words.empty() || url_place
                               ? "\"https://schema.org/OnlineEventAttendanceMode\""
                               : "\"https://schema.org/MixedEventAttendanceMode\"")
                        : "\"https://schema.org/OfflineEventAttendanceMode\"";
    if (url_place) {
      out += ",\"location\":{\"@type\":\"VirtualLocation\",\"url\":" + json_string(event.location) +
             "}";
    } else if (place.online && place.words.empty()) {
      out +=
          ",\"location\":{\"@type\":\"VirtualLocation\",\"name\":" + json_string(event.location) +
          "}";
    } else {
      out += ",\"location\":{\"@type\":\"Place\",\"name\":" + json_string(event.location) +
             ",\"address\":" + json_string(event.location) + "}";
    }
  }
  if (!event.description.empty()) out += ",\"description\":" + json_string(event.description);
  out += ",\"url\":" + json_string(core::is_http_url(event.url) ? event.url : page_url);
  out += ",\"organizer\":[";
  bool first = true;
  for (const PartnerLabel* partner : agenda.partners_of(*instance.source)) {
    if (!first) out += ",";
    first = false;
    out += "{\"@type\":\"Organization\",\"name\":" + json_string(partner->name);
    if (!partner->website.empty()) out += ",\"url\":" + json_string(partner->website);
    out += "}";
  }
  out += "]}";
  std::string safe;
  safe.reserve(out.size());
  for (const char c : out) {
    if (c == '<') {
      safe += "\\u003c";
    } else if (c == '>') {
      safe += "\\u003e";
    } else if (c == '&') {
      safe += "\\u0026";
    } else {
      safe.push_back(c);
    }
  }
  return safe;
}

}  // namespace

WebPages::WebPages(Templates templates, SiteInfo site)
    : templates_(std::move(templates)), site_(std::move(site)) {
  while (!site_.base_url.empty() && site_.base_url.back() == '/') site_.base_url.pop_back();
  if (const std::string* css = templates_.file("style.css")) stylesheet_ = *css;
  stylesheet_path_ =
      "/static/concerto-" + core::hex64(core::fnv1a64(stylesheet_)).substr(0, 12) + ".css";
}

core::Result<std::string> WebPages::framed(TemplateData page,
                                           std::string_view template_name) const {
  TemplateData site;
  site.set("title", site_.title);
  site.set("url", site_.base_url);
  site.set("lang", language_code(site_.language));
  site.set("stylesheet", stylesheet_path_);
  put(page, "site", std::move(site));
  put(page, "t", detail::label_data(site_.language));
  templates_.add_partials(page);
  auto content = templates_.render(template_name, page);
  if (!content) return content;
  page.set("content", std::move(content).value());
  return templates_.render("layout.mustache", page);
}

core::Result<std::string> WebPages::index(const AgendaSnapshot& agenda, const ListRequest& request,
                                          std::int64_t now_utc) const {
  const core::Date today = today_in(agenda, now_utc);
  const std::vector<const Instance*> all = agenda.select(
      request.filter, start_of_day(agenda, today), std::numeric_limits<std::int64_t>::max());
  const int pages =
      std::max<int>(1, static_cast<int>((all.size() + kEventsPerPage - 1) / kEventsPerPage));
  const int page_number = std::clamp(request.page, 1, pages);
  const std::size_t first = static_cast<std::size_t>(page_number - 1) * kEventsPerPage;
  const std::size_t last = std::min(all.size(), first + kEventsPerPage);

  // Month, then day (an event that began before today is listed under today).
  TemplateData months = list();
  TemplateData month_data;
  TemplateData days = list();
  TemplateData day_data;
  TemplateData events = list();
  int current_month = -1;
  core::Date current_day{};
  bool have_day = false;
  const auto close_day = [&] {
    if (!have_day) return;
    put(day_data, "events", std::move(events));
    append(days) = std::move(day_data);
    events = list();
    have_day = false;
  };
  const auto close_month = [&] {
    close_day();
    if (current_month < 0) return;
    put(month_data, "days", std::move(days));
    append(months) = std::move(month_data);
    days = list();
    current_month = -1;
  };
  for (std::size_t i = first; i < last; ++i) {
    const detail::LocalSpan span = detail::local_span(agenda, *all[i]);
    const core::Date day = std::max(span.first_day, today);
    const int month_key = day.year * 12 + day.month;
    if (month_key != current_month) {
      close_month();
      current_month = month_key;
      month_data = TemplateData();
      month_data.set("title", format_month(site_.language, day.year, day.month));
      month_data.set("href", month_path(day.year, day.month) + filter_query(request.filter));
    }
    if (!have_day || !(day == current_day)) {
      close_day();
      have_day = true;
      current_day = day;
      day_data = TemplateData();
      day_data.set("title", format_day(site_.language, day));
      day_data.set("date", core::format_iso_date(day));
      day_data.set("today", day == today);
    }
    append(events) = instance_data(agenda, *all[i], site_);
  }
  close_month();

  TemplateData page;
  page.set("page_title", std::string(label(site_.language, "upcoming")));
  page.set("nav_upcoming", true);
  put(page, "months", std::move(months));
  page.set("empty", all.empty());
  page.set("count",
           std::to_string(all.size()) + " " +
               label(site_.language, all.size() == 1 ? "events_count_one" : "events_count_many"));
  add_filter_data(page, agenda, request.filter, "/");
  page.set("month_href", month_path(today.year, today.month) + filter_query(request.filter));
  if (pages > 1) {
    TemplateData pager;
    pager.set("page", std::to_string(page_number));
    pager.set("pages", std::to_string(pages));
    if (page_number > 1) {
      pager.set("previous_href",
                "/" + filter_query(request.filter,
                                   page_number == 2 ? std::string()
                                                    : "page=" + std::to_string(page_number - 1)));
    }
    if (page_number < pages) {
      pager.set("next_href",
                "/" + filter_query(request.filter, "page=" + std::to_string(page_number + 1)));
    }
    put(page, "pager", std::move(pager));
  }
  return framed(std::move(page), "index.mustache");
}

core::Result<std::string> WebPages::month(const AgendaSnapshot& agenda, const ViewFilter& filter,
                                          int year, int month_number, std::int64_t now_utc) const {
  const core::Date first_of_month{year, month_number, 1};
  const core::Date last_of_month{year, month_number, core::days_in_month(year, month_number)};
  // Weeks from Monday to Sunday (weekday(): 0 = Sunday).
  const int lead = (core::weekday(first_of_month) + 6) % 7;
  const core::Date grid_first = core::add_days(first_of_month, -lead);
  const int trail = (7 - (core::weekday(last_of_month) + 6) % 7 - 1) % 7;
  const core::Date grid_last = core::add_days(last_of_month, trail);
  const std::int64_t grid_days =
      core::days_from_civil(grid_last) - core::days_from_civil(grid_first) + 1;

  std::vector<std::vector<const Instance*>> by_day(static_cast<std::size_t>(grid_days));
  const std::int64_t from = start_of_day(agenda, grid_first);
  const std::int64_t to = start_of_day(agenda, core::add_days(grid_last, 1));
  int in_month = 0;
  for (const Instance* instance : agenda.select(filter, from, to)) {
    const detail::LocalSpan span = detail::local_span(agenda, *instance);
    const std::int64_t first_index = std::max<std::int64_t>(
        0, core::days_from_civil(span.first_day) - core::days_from_civil(grid_first));
    const std::int64_t last_index = std::min<std::int64_t>(
        grid_days - 1, core::days_from_civil(span.last_day) - core::days_from_civil(grid_first));
    for (std::int64_t i = first_index; i <= last_index; ++i) {
      by_day[static_cast<std::size_t>(i)].push_back(instance);
    }
    if (!(span.last_day < first_of_month) && !(last_of_month < span.first_day)) ++in_month;
  }

  const core::Date today = today_in(agenda, now_utc);
  TemplateData weeks = list();
  TemplateData days = list();
  for (std::int64_t i = 0; i < grid_days; ++i) {
    const core::Date day = core::add_days(grid_first, i);
    TemplateData cell;
    cell.set("number", std::to_string(day.day));
    cell.set("date", core::format_iso_date(day));
    cell.set("label", format_day(site_.language, day));
    cell.set("in_month", day.month == month_number);
    cell.set("today", day == today);
    TemplateData events = list();
    for (const Instance* instance : by_day[static_cast<std::size_t>(i)]) {
      TemplateData item = instance_data(agenda, *instance, site_);
      const detail::LocalSpan span = detail::local_span(agenda, *instance);
      item.set("continued", !(span.first_day == day));
      append(events) = std::move(item);
    }
    cell.set("has_events", !by_day[static_cast<std::size_t>(i)].empty());
    put(cell, "events", std::move(events));
    append(days) = std::move(cell);
    if (days.list_value().size() == 7) {
      put(append(weeks), "days", std::move(days));
      days = list();
    }
  }
  TemplateData weekday_names = list();
  for (const std::string& name : core::split(label(site_.language, "weekdays_short"), ',')) {
    weekday_names.push_back(TemplateData("name", name));
  }

  const core::Date previous = core::add_days(first_of_month, -1);
  const core::Date next = core::add_days(last_of_month, 1);
  TemplateData page;
  const std::string title = format_month(site_.language, year, month_number);
  page.set("page_title", title);
  page.set("month_title", title);
  page.set("nav_month", true);
  put(page, "weeks", std::move(weeks));
  put(page, "weekdays", std::move(weekday_names));
  page.set("empty", in_month == 0);
  // Only months /month/YYYY-MM serves (years 1000 to 9999) are linked.
  detail::set_text(page, "previous_href",
                   previous.year >= 1000
                       ? month_path(previous.year, previous.month) + filter_query(filter)
                       : std::string());
  page.set("previous_title", format_month(site_.language, previous.year, previous.month));
  detail::set_text(
      page, "next_href",
      next.year <= 9999 ? month_path(next.year, next.month) + filter_query(filter) : std::string());
  page.set("next_title", format_month(site_.language, next.year, next.month));
  add_filter_data(page, agenda, filter, month_path(year, month_number));
  return framed(std::move(page), "month.mustache");
}

core::Result<std::optional<std::string>> WebPages::event(const AgendaSnapshot& agenda,
                                                         std::string_view uid, std::string_view at,
                                                         std::int64_t now_utc) const {
  const dedup::MergedEvent* merged = agenda.find(uid);
  if (merged == nullptr) return std::optional<std::string>();
  const std::vector<const Instance*> instances = agenda.instances_of(*merged);

  // The occurrence asked for, else the next one to come, else the last one.
  const Instance* shown = nullptr;
  if (!at.empty()) {
    for (const Instance* instance : instances) {
      if (instance->occurrence->recurrence_id && instance->occurrence->recurrence_id->key() == at) {
        shown = instance;
      }
    }
  }
  if (shown == nullptr) {
    for (const Instance* instance : instances) {
      if (instance->end > now_utc) {
        shown = instance;
        break;
      }
    }
  }
  if (shown == nullptr && !instances.empty()) shown = instances.back();
  // An event with no stored occurrence (outside the expansion window) shows its own times.
  core::Occurrence own{merged->event.feed_id, merged->event.uid, std::nullopt,
                       merged->event.start,   merged->event.end, false};
  Instance fallback{merged->event.start.sort_seconds(),
                    merged->event.end.sort_seconds(),
                    &own,
                    merged,
                    merged,
                    0};
  if (shown == nullptr) {
    // Years a page cannot write (outside 1..9999 in some zone) are not shown at all.
    if (!detail::is_writable(own.start) || !detail::is_writable(own.end)) {
      return std::optional<std::string>();
    }
    shown = &fallback;
  }

  TemplateData page = instance_data(agenda, *shown, site_);
  const std::string path =
      event_path(merged->event.uid,
                 shown->occurrence->recurrence_id ? shown->occurrence->recurrence_id->key() : "");
  page.set("page_title",
           shown->source->event.summary.empty() ? std::string("—") : shown->source->event.summary);
  page.set("canonical", absolute_url(site_, path));
  page.set("jsonld", json_ld(agenda, *shown, absolute_url(site_, path)));
  page.set("ics_href", event_path(merged->event.uid) + "/event.ics");

  AddToCalendar add;
  add.title = shown->source->event.summary;
  add.details = shown->source->event.description;
  if (!add.details.empty()) add.details += "\n\n";
  add.details += absolute_url(site_, path);
  add.place = shown->source->event.location;
  add.start = shown->occurrence->start;
  add.end = shown->occurrence->end;
  // A floating time is a wall time of the site's zone, wherever the visitor is.
  for (core::EventTime* time : {&add.start, &add.end}) {
    if (time->floating()) {
      time->tzid = agenda.zone().name();
      time->utc = agenda.zone().to_utc(time->local);
    }
  }
  page.set("google_href", google_add_url(add));
  page.set("outlook_href", outlook_add_url(add));

  TemplateData sources = list();
  for (const core::SourceRef& ref : shown->source->sources) {
    const FeedLabel& feed = agenda.feed(ref.feed_id);
    TemplateData item;
    item.set("partner", feed.partner->name);
    item.set("feed", feed.name);
    const core::Event* copy = agenda.source_event(ref);
    detail::set_text(item, "title", copy != nullptr ? copy->summary : std::string());
    detail::set_text(item, "link",
                     copy != nullptr && core::is_http_url(copy->url) ? copy->url : std::string());
    append(sources) = std::move(item);
  }
  put(page, "sources", std::move(sources));

  TemplateData others = list();
  int listed = 0;
  for (const Instance* instance : instances) {
    if (instance == shown || instance->end <= now_utc) continue;
    if (++listed > kOtherDates) break;
    append(others) = instance_data(agenda, *instance, site_);
  }
  put(page, "other_dates", std::move(others));
  page.set("has_other_dates", listed > 0);
  page.set("back_href", "/");
  auto body = framed(std::move(page), "event.mustache");
  if (!body) return core::Error{body.error()};
  return std::optional<std::string>(std::move(body).value());
}

core::Result<std::string> WebPages::subscribe(const AgendaSnapshot& agenda,
                                              const ViewFilter& filter) const {
  const auto calendar = [&](const std::string& name, const ViewFilter& selection) {
    const std::string url = absolute_url(site_, "/calendar.ics" + filter_query(selection));
    TemplateData item;
    item.set("name", name);
    item.set("url", url);
    item.set("webcal", webcal_url(url));
    item.set("google", google_subscribe_url(url));
    return item;
  };
  TemplateData page;
  page.set("page_title", std::string(label(site_.language, "subscribe")));
  page.set("nav_subscribe", true);
  page.set("all", calendar(label(site_.language, "subscribe_all"), ViewFilter{}));
  if (!filter.empty()) {
    page.set("selection", calendar(label(site_.language, "subscribe_selection"), filter));
  }
  TemplateData partners = list();
  for (const PartnerLabel* partner : agenda.partners()) {
    partners.push_back(calendar(partner->name, ViewFilter{partner->slug, "", "", ""}));
  }
  page.set("partners", partners);
  TemplateData categories = list();
  for (const CategoryLabel& category : agenda.categories()) {
    categories.push_back(calendar(category.name, ViewFilter{"", category.slug, "", ""}));
  }
  page.set("categories", categories);
  page.set("has_categories", !agenda.categories().empty());
  page.set("rss_url", absolute_url(site_, "/upcoming.rss"));
  page.set("embed_url", absolute_url(site_, "/embed/upcoming"));
  return framed(std::move(page), "subscribe.mustache");
}

core::Result<std::string> WebPages::error_page(int status, std::string_view message) const {
  TemplateData page;
  const char* title = label(site_.language, status == 404 ? "not_found" : "bad_request");
  page.set("page_title", std::string(title));
  page.set("status", std::to_string(status));
  page.set("message", std::string(message));
  return framed(std::move(page), "error.mustache");
}

std::vector<const Instance*> WebPages::upcoming(const AgendaSnapshot& agenda,
                                                const EmbedRequest& request,
                                                std::int64_t now_utc) const {
  const int days = std::clamp(request.days, 1, kMaxEmbedDays);
  std::vector<const Instance*> selected =
      agenda.select(request.filter, now_utc, now_utc + static_cast<std::int64_t>(days) * 86400);
  // What starts in the window: an exhibition that began last year is not news. Cancelled
  // events are left out of what goes to mail: a reader cannot be told later.
  std::erase_if(selected, [&](const Instance* instance) {
    return instance->start < now_utc ||
           instance->source->event.status == core::EventStatus::kCancelled;
  });
  const auto limit = static_cast<std::size_t>(std::clamp(request.limit, 1, kMaxEmbedLimit));
  if (selected.size() > limit) selected.resize(limit);
  return selected;
}

}  // namespace concerto::render
