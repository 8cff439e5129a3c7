#include "render/page_data.h"

#include <array>
#include <utility>

#include "core/text.h"
#include "dedup/fold.h"
#include "render/links.h"

namespace concerto::render::detail {
namespace {

// The pages' words. A deployment's own templates may use these or write their own.
constexpr std::array kLabels{
    Label{"skip", "Aller au contenu", "Skip to content"},
    Label{"nav", "Navigation principale", "Main navigation"},
    Label{"upcoming", "À venir", "Upcoming"},
    Label{"month_view", "Mois", "Month"},
    Label{"subscribe", "S'abonner", "Subscribe"},
    Label{"filters", "Filtrer l'agenda", "Filter the agenda"},
    Label{"partner", "Partenaire", "Partner"},
    Label{"all_partners", "Tous les partenaires", "All partners"},
    Label{"category", "Catégorie", "Category"},
    Label{"all_categories", "Toutes les catégories", "All categories"},
    Label{"place", "Lieu", "Place"},
    Label{"place_hint", "ville, salle…", "town, venue…"},
    Label{"search", "Recherche", "Search"},
    Label{"search_hint", "mots du titre ou de la description", "words of the title or description"},
    Label{"apply", "Filtrer", "Filter"},
    Label{"clear", "Tout afficher", "Show all"},
    Label{"no_events", "Aucun événement à venir ne correspond.", "No upcoming event matches."},
    Label{"no_events_month", "Aucun événement ce mois-ci.", "No event this month."},
    Label{"previous_page", "Page précédente", "Previous page"},
    Label{"next_page", "Page suivante", "Next page"},
    Label{"page", "Page", "Page"},
    Label{"of", "sur", "of"},
    Label{"pagination", "Pages", "Pages"},
    Label{"previous_month", "Mois précédent", "Previous month"},
    Label{"next_month", "Mois suivant", "Next month"},
    Label{"cancelled", "Annulé", "Cancelled"},
    Label{"online", "En ligne", "Online"},
    Label{"map", "Voir sur la carte", "Show on a map"},
    Label{"more", "Plus d'infos", "More information"},
    Label{"by", "Annoncé par", "Announced by"},
    Label{"sources", "Sources", "Sources"},
    Label{"sources_intro", "Cet événement a été annoncé par :", "This event was announced by:"},
    Label{"source_link", "page de l'événement", "event page"},
    Label{"add_to_calendar", "Ajouter à mon agenda", "Add to my calendar"},
    Label{"download_ics", "Fichier .ics (Apple, Outlook, Thunderbird…)",
          "An .ics file (Apple, Outlook, Thunderbird…)"},
    Label{"google_calendar", "Google Agenda", "Google Calendar"},
    Label{"outlook", "Outlook.com", "Outlook.com"},
    Label{"other_dates", "Autres dates", "Other dates"},
    Label{"when", "Quand", "When"},
    Label{"where", "Où", "Where"},
    Label{"description", "Description", "Description"},
    Label{"recurring", "Événement récurrent", "Recurring event"},
    Label{"local_time", "heure locale", "local time"},
    Label{"back", "Retour à l'agenda", "Back to the agenda"},
    Label{"subscribe_intro",
          "Ajoutez l'agenda à votre application : il se met à jour tout seul, chaque nouvel "
          "événement y apparaît.",
          "Add the agenda to your calendar app: it stays up to date by itself."},
    Label{"subscribe_all", "Tout l'agenda", "The whole agenda"},
    Label{"subscribe_selection", "Cette sélection", "This selection"},
    Label{"subscribe_webcal", "S'abonner (webcal)", "Subscribe (webcal)"},
    Label{"subscribe_google", "Ajouter à Google Agenda", "Add to Google Calendar"},
    Label{"subscribe_url", "Adresse de l'agenda", "Calendar address"},
    Label{"subscribe_by_partner", "Par partenaire", "By partner"},
    Label{"subscribe_by_category", "Par catégorie", "By category"},
    Label{"subscribe_this", "S'abonner à cette sélection", "Subscribe to this selection"},
    Label{"how_to", "Comment s'abonner", "How to subscribe"},
    Label{"how_google",
          "Google Agenda : « Autres agendas » → « + » → « À partir de l'URL », collez "
          "l'adresse. Sur téléphone, faites-le depuis un ordinateur : l'agenda apparaît ensuite "
          "partout.",
          "Google Calendar: “Other calendars” → “+” → “From URL”, paste the address. Do it on a "
          "computer; the calendar then shows on your phone too."},
    Label{"how_apple",
          "Apple Calendrier : « Fichier » → « Nouvel abonnement à un calendrier », collez "
          "l'adresse ; sur iPhone, touchez le lien webcal.",
          "Apple Calendar: “File” → “New Calendar Subscription”, paste the address; on an "
          "iPhone, tap the webcal link."},
    Label{"how_outlook",
          "Outlook : « Ajouter un calendrier » → « S'abonner à partir du web », collez "
          "l'adresse.",
          "Outlook: “Add calendar” → “Subscribe from web”, paste the address."},
    Label{"how_thunderbird",
          "Thunderbird : « Nouvel agenda » → « Sur le réseau », collez l'adresse.",
          "Thunderbird: “New Calendar” → “On the Network”, paste the address."},
    Label{"data", "Données ouvertes", "Open data"},
    Label{"json_api", "API JSON", "JSON API"},
    Label{"rss", "Fil RSS", "RSS feed"},
    Label{"newsletter", "Bloc pour la lettre d'information", "Newsletter block"},
    Label{"feeds_status", "État des flux partenaires", "Partner feeds status"},
    Label{"partners_space", "Espace partenaires", "Partner space"},
    Label{"not_found", "Page introuvable", "Page not found"},
    Label{"bad_request", "Requête invalide", "Bad request"},
    Label{"events_count_one", "événement", "event"},
    Label{"events_count_many", "événements", "events"},
    Label{"today", "Aujourd'hui", "Today"},
    Label{"weekdays_short", "lun.,mar.,mer.,jeu.,ven.,sam.,dim.", "Mon,Tue,Wed,Thu,Fri,Sat,Sun"},
    Label{"continued", "suite", "continued"},
};

}  // namespace

void set_text(TemplateData& object, const std::string& key, const std::string& text) {
  if (text.empty()) {
    object.set(key, false);
  } else {
    object.set(key, text);
  }
}

TemplateData& append(TemplateData& list) {
  list.push_back(TemplateData());
  // The list is ours and not const; kainjow only lacks a mutable accessor.
  return const_cast<TemplateData&>(list.list_value().back());
}

const char* find_label(std::span<const Label> table, Language language, std::string_view key) {
  for (const Label& entry : table) {
    if (key == entry.key) return language == Language::kEnglish ? entry.en : entry.fr;
  }
  return "";
}

TemplateData table_data(std::span<const Label> table, Language language) {
  TemplateData labels;
  for (const Label& entry : table) {
    labels.set(entry.key, language == Language::kEnglish ? entry.en : entry.fr);
  }
  return labels;
}

const char* label(Language language, std::string_view key) {
  return find_label(kLabels, language, key);
}

TemplateData label_data(Language language) { return table_data(kLabels, language); }

std::string iso_with_offset(const AgendaSnapshot& agenda, const core::EventTime& time) {
  if (time.all_day) return core::format_iso_date(time.date);
  if (time.floating()) return core::format_iso_local(time.local);
  const int offset = agenda.zone().offset_at_utc(time.utc);
  return core::format_iso_local(core::civil_from_seconds(time.utc + offset)) +
         core::format_utc_offset(offset);
}

std::string absolute_url(const SiteInfo& site, std::string_view path) {
  return site.base_url + std::string(path);
}

std::string filter_query(const ViewFilter& filter, std::string_view extra) {
  std::string query;
  const auto add = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    query += query.empty() ? "?" : "&";
    query += name;
    query += "=" + percent_encode(value);
  };
  add("partner", filter.partner);
  add("category", filter.category);
  add("place", filter.place);
  add("q", filter.query);
  if (!extra.empty()) {
    query += query.empty() ? "?" : "&";
    query += extra;
  }
  return query;
}

LocalSpan local_span(const AgendaSnapshot& agenda, const Instance& instance) {
  const core::EventTime& start = instance.occurrence->start;
  const core::EventTime& end = instance.occurrence->end;
  LocalSpan span;
  span.all_day = start.all_day;
  if (start.all_day) {
    span.start = core::LocalDateTime{start.date, 0, 0, 0};
    const core::Date end_date =
        end.all_day && end.date > start.date ? end.date : core::add_days(start.date, 1);
    span.end = core::LocalDateTime{end_date, 0, 0, 0};
    span.first_day = start.date;
    span.last_day = core::add_days(end_date, -1);
    return span;
  }
  const auto local = [&](const core::EventTime& time) {
    return time.floating() ? time.local : agenda.zone().to_local(time.utc);
  };
  span.start = local(start);
  span.end = end.all_day ? span.start : local(end);
  span.first_day = span.start.date;
  span.last_day = span.start.date;
  // An end at midnight belongs to the day before.
  if (core::seconds_from_civil(span.end) > core::seconds_from_civil(span.start)) {
    span.last_day = core::civil_from_seconds(core::seconds_from_civil(span.end) - 1).date;
  }
  return span;
}

TemplateData instance_data(const AgendaSnapshot& agenda, const Instance& instance,
                           const SiteInfo& site) {
  const core::Event& event = instance.source->event;
  const LocalSpan span = local_span(agenda, instance);
  TemplateData data;
  data.set("title", event.summary.empty() ? std::string("—") : event.summary);
  data.set("uid", event.uid);
  data.set("cancelled", event.status == core::EventStatus::kCancelled);
  const bool part_of_series = instance.occurrence->recurrence_id.has_value();
  const std::string at = part_of_series ? instance.occurrence->recurrence_id->key() : "";
  const std::string series_uid =
      instance.series != nullptr ? instance.series->event.uid : event.uid;
  const std::string path = event_path(series_uid, at);
  data.set("href", path);
  data.set("url", absolute_url(site, path));
  data.set("when", format_when(site.language, span.all_day, span.start, span.end));
  data.set("time", format_time_range(site.language, span.all_day, span.start, span.end));
  data.set("day", format_day(site.language, span.first_day));
  data.set("day_short", format_day_short(site.language, span.first_day));
  data.set("datetime", iso_with_offset(agenda, instance.occurrence->start));
  data.set("end_datetime", iso_with_offset(agenda, instance.occurrence->end));
  data.set("all_day", span.all_day);
  data.set("recurring", instance.series != nullptr && instance.series->event.recurring());

  // The time where the event happens, when that zone's clock differs from the site's.
  data.set("other_zone", false);
  const core::EventTime& start = instance.occurrence->start;
  if (!start.all_day && !start.floating()) {
    if (const core::ZonePtr own = core::find_zone(start.tzid);
        own && !own->is_utc() && own->name() != agenda.zone().name() &&
        own->offset_at_utc(start.utc) != agenda.zone().offset_at_utc(start.utc)) {
      const core::LocalDateTime there = own->to_local(start.utc);
      data.set("other_zone", format_time(site.language, there.hour, there.minute) + " (" +
                                 own->name() + ", " + label(site.language, "local_time") + ")");
    }
  }

  // mustache sections take any string, even an empty one, as true, and a name missing from an
  // item is looked up in the enclosing ones: absent fields are set to false.
  const std::string& place = event.location;
  set_text(data, "place", place);
  const dedup::PlaceKey place_key = dedup::fold_place(place);
  data.set("online", place_key.online);
  set_text(data, "place_link", core::is_http_url(place) ? place : std::string());
  set_text(data, "map_url",
           !core::is_http_url(place) && !place_key.words.empty() ? map_url(place) : std::string());
  set_text(data, "link", core::is_http_url(event.url) ? event.url : std::string());
  set_text(data, "description", event.description);
  TemplateData paragraphs{TemplateData::type::list};
  for (const std::string& line : core::split(event.description, '\n')) {
    if (!core::trim(line).empty()) paragraphs.push_back(TemplateData("text", std::string(line)));
  }
  put(data, "paragraphs", std::move(paragraphs));

  TemplateData partners{TemplateData::type::list};
  for (const PartnerLabel* partner : agenda.partners_of(*instance.source)) {
    TemplateData item;
    item.set("name", partner->name);
    item.set("href", "/" + filter_query(ViewFilter{partner->slug, "", "", ""}));
    set_text(item, "website", partner->website);
    append(partners) = std::move(item);
  }
  put(data, "partners", std::move(partners));
  data.set("partner_names", [&] {
    std::string names;
    for (const PartnerLabel* partner : agenda.partners_of(*instance.source)) {
      if (!names.empty()) names += ", ";
      names += partner->name;
    }
    return names;
  }());
  TemplateData categories{TemplateData::type::list};
  for (const std::string& category : event.categories) {
    if (slug(category).empty()) continue;  // only punctuation: nothing to show or filter by
    TemplateData item;
    item.set("name", category);
    item.set("href", "/" + filter_query(ViewFilter{"", slug(category), "", ""}));
    append(categories) = std::move(item);
  }
  data.set("has_categories", !categories.list_value().empty());
  put(data, "categories", std::move(categories));
  return data;
}

}  // namespace concerto::render::detail
