// The /partners pages: signing in with the token, the dashboard of one's feeds (health, next
// events, refresh, delete, registering another), a feed's own page (with the change form) and
// the confirmation before a delete. The server gathers the data (render/partner_view.h); every
// form posts to /partners/... with the session's CSRF token.
#include <array>
#include <string>

#include "core/text.h"
#include "render/links.h"
#include "render/page_data.h"
#include "render/partner_view.h"
#include "render/web_pages.h"

namespace concerto::render {
namespace {

using detail::Label;
using detail::set_text;

constexpr std::array kLabels{
    Label{"title", "Espace partenaires", "Partner space"},
    Label{"signin_intro",
          "Inscrivez ici les agendas de votre structure (ICS, RSS, Atom ou page web) : leurs "
          "événements rejoignent l’agenda du réseau, et vous voyez à tout moment s’ils sont bien "
          "lus.",
          "Register your organisation's calendars here (ICS, RSS, Atom or a web page): their "
          "events join the network's agenda, and you can see at any time whether they are read "
          "well."},
    Label{"token", "Votre jeton d’accès", "Your access token"},
    Label{"token_hint",
          "Le jeton commence par « cct_ ». Il vous a été remis à la création de votre compte ; "
          "si vous l’avez perdu, demandez-en un nouveau à l’équipe de l’agenda.",
          "The token starts with “cct_”. It was given to you when your account was created; if "
          "you lost it, ask the agenda's team for a new one."},
    Label{"signin", "Se connecter", "Sign in"},
    Label{"signout", "Se déconnecter", "Sign out"},
    Label{"signed_in_as", "Connecté en tant que", "Signed in as"},
    Label{"admin", "administration", "administrator"},
    Label{"api_title", "Pour les outils", "For tools"},
    Label{"api_intro",
          "Le même jeton ouvre l’API JSON /api/feeds (en-tête « Authorization: Bearer … »).",
          "The same token opens the JSON API /api/feeds (header “Authorization: Bearer …”)."},
    Label{"your_feeds", "Vos flux", "Your feeds"},
    Label{"no_feeds", "Vous n’avez encore inscrit aucun flux.",
          "You have not registered any feed yet."},
    Label{"next_events", "Prochains événements", "Next events"},
    Label{"no_next", "Aucun événement à venir dans ce flux.", "No upcoming event in this feed."},
    Label{"cancelled", "annulé", "cancelled"},
    Label{"refresh", "Relire maintenant", "Read it now"},
    Label{"details", "Détails et modification", "Details and changes"},
    Label{"delete", "Supprimer", "Delete"},
    Label{"approve", "Approuver", "Approve"},
    Label{"awaiting", "en attente de validation", "awaiting approval"},
    Label{"last_fetch", "Dernière lecture", "Last read"},
    Label{"last_success", "Dernière réussite", "Last success"},
    Label{"events_found", "Événements trouvés", "Events found"},
    Label{"error", "Erreur", "Error"},
    Label{"next_fetch", "Prochaine lecture", "Next read"},
    Label{"never", "jamais", "never"},
    Label{"register", "Inscrire un flux", "Register a feed"},
    Label{"register_intro",
          "Donnez l’adresse publique de votre agenda. Il est lu aussitôt : vous saurez tout de "
          "suite combien d’événements il contient et ce qui pose problème.",
          "Give your calendar's public address. It is read at once: you will know straight away "
          "how many events it holds and what is wrong with it."},
    Label{"moderation_note",
          "Un nouveau flux est relu par l’équipe de l’agenda avant que ses événements soient "
          "publiés.",
          "A new feed is checked by the agenda's team before its events are published."},
    Label{"register_button", "Inscrire et lire le flux", "Register and read the feed"},
    Label{"change", "Modifier ce flux", "Change this feed"},
    Label{"change_intro",
          "Une nouvelle adresse, un autre format, fuseau ou catégorie : le flux est relu "
          "aussitôt.",
          "A new address, another format, zone or category: the feed is read again at once."},
    Label{"change_button", "Enregistrer et relire", "Save and read again"},
    Label{"url", "Adresse du flux (https://…)", "Feed address (https://…)"},
    Label{"name", "Nom affiché", "Name shown"},
    Label{"format", "Format", "Format"},
    Label{"category", "Catégorie par défaut (facultatif)", "Default category (optional)"},
    Label{"timezone", "Fuseau horaire par défaut (facultatif)", "Default time zone (optional)"},
    Label{"form_hint",
          "Le fuseau sert aux heures que le flux donne sans fuseau ; la catégorie, aux "
          "événements qui n’en ont pas.",
          "The zone is used for times the feed gives without one; the category, for events "
          "that have none."},
    Label{"format_auto", "Détection automatique", "Detect automatically"},
    Label{"format_ics", "iCalendar (.ics)", "iCalendar (.ics)"},
    Label{"format_rss", "RSS", "RSS"},
    Label{"format_atom", "Atom", "Atom"},
    Label{"format_html", "Page web (schema.org Event)", "Web page (schema.org Event)"},
    Label{"back", "← Vos flux", "← Your feeds"},
    Label{"delete_title", "Supprimer ce flux ?", "Delete this feed?"},
    Label{"delete_explain",
          "Ses événements quittent l’agenda, et les calendriers abonnés les verront disparaître. "
          "Vous pourrez l’inscrire à nouveau plus tard.",
          "Its events leave the agenda, and subscribed calendars will see them go. You can "
          "register it again later."},
    Label{"delete_confirm", "Oui, supprimer le flux", "Yes, delete the feed"},
    Label{"cancel", "Annuler", "Cancel"},
    Label{"health_pending", "pas encore lu", "not read yet"},
    Label{"health_ok", "en bonne santé", "healthy"},
    Label{"health_warnings", "lu, avec des problèmes", "read, with problems"},
    Label{"health_failing", "en échec", "failing"},
    Label{"health_empty", "lu, mais sans aucun événement", "read, but without any event"},
    Label{"problems_title", "Problèmes de la dernière lecture", "Problems of the last read"},
    Label{"problems_intro",
          "Les événements marqués « erreur » n’ont pas pu être repris ; les autres l’ont été, "
          "en partie corrigés.",
          "Events marked “error” could not be taken; the others were, partly repaired."},
    Label{"severity_error", "erreur", "error"},
    Label{"severity_warning", "avertissement", "warning"},
};

const char* word(Language language, std::string_view key) {
  return detail::find_label(kLabels, language, key);
}

bool french(Language language) { return language == Language::kFrench; }

// "mardi 1er décembre 2026, 16 h 30" in the site's zone; "jamais" for 0.
std::string moment(const PartnerPageView& view, Language language, std::int64_t utc) {
  if (utc == 0) return word(language, "never");
  const core::LocalDateTime local =
      view.zone != nullptr ? view.zone->to_local(utc) : core::civil_from_seconds(utc);
  return format_when(language, false, local, local);
}

std::string plural(Language language, int count, const char* fr_one, const char* fr_many,
                   const char* en_one, const char* en_many) {
  const bool one = french(language) ? count <= 1 : count == 1;
  return std::to_string(count) + " " +
         (french(language) ? (one ? fr_one : fr_many) : (one ? en_one : en_many));
}

std::string feed_path(const core::RegisteredFeed& feed) {
  return partner_feed_path(feed.config.id);
}

TemplateData preview_data(const PartnerPageView& view, Language language,
                          const store::PreviewOccurrence& preview) {
  TemplateData item;
  const core::Occurrence& occurrence = preview.occurrence;
  const auto local = [&](const core::EventTime& time) {
    if (time.all_day) return core::LocalDateTime{time.date, 0, 0, 0};
    if (time.floating() || view.zone == nullptr) return time.local;
    return view.zone->to_local(time.utc);
  };
  item.set("when", format_when(language, occurrence.start.all_day, local(occurrence.start),
                               local(occurrence.end)));
  item.set("title", preview.summary.empty() ? std::string("—") : preview.summary);
  set_text(item, "place", preview.location);
  item.set("cancelled", preview.cancelled);
  return item;
}

TemplateData feed_data(const PartnerPageView& view, Language language,
                       const PartnerFeedView& shown) {
  const core::RegisteredFeed& feed = shown.feed;
  const core::FeedStatus& status = shown.status;
  TemplateData data;
  data.set("name", feed.config.name);
  data.set("url", feed.config.url);
  data.set("href", feed_path(feed));
  data.set("refresh_action", feed_path(feed) + "/refresh");
  data.set("delete_href", feed_path(feed) + "/delete");
  data.set("delete_action", feed_path(feed) + "/delete");
  if (view.admin && !feed.approved) data.set("approve_action", feed_path(feed) + "/approve");
  data.set("awaiting", !feed.approved);

  std::string health = "ok";
  std::string health_label = word(language, "health_ok");
  if (status.last_fetch == 0) {
    health = "pending";
    health_label = word(language, "health_pending");
  } else if (status.consecutive_failures > 0) {
    health = "failing";
    health_label = std::string(word(language, "health_failing")) + " (" +
                   plural(language, status.consecutive_failures, "fois", "fois de suite", "time",
                          "times in a row") +
                   ")";
  } else if (status.event_count == 0) {
    health = "warnings";
    health_label = word(language, "health_empty");
  } else if (status.problem_count > 0) {
    health = "warnings";
    health_label =
        std::string(word(language, "health_warnings")) + " (" +
        plural(language, status.problem_count, "problème", "problèmes", "problem", "problems") +
        ")";
  }
  data.set("health", health);
  data.set("health_label", health_label);
  data.set("last_fetch", moment(view, language, status.last_fetch));
  data.set("last_success", moment(view, language, status.last_success));
  set_text(data, "http_code", status.http_code > 0 ? std::to_string(status.http_code) : "");
  std::string found =
      plural(language, status.event_count, "événement", "événements", "event", "events");
  if (status.problem_count > 0) {
    found += " · " +
             plural(language, status.problem_count, "problème", "problèmes", "problem", "problems");
  }
  data.set("events_found", found);
  set_text(data, "error", status.error);
  data.set("next_fetch", status.last_fetch == 0 ? std::string(word(language, "never"))
                                                : moment(view, language, status.next_fetch));
  if (shown.refresh_wait > 0) {
    data.set("refresh_wait", french(language) ? "Relu il y a moins d’une minute : réessayez dans " +
                                                    std::to_string(shown.refresh_wait) + " s"
                                              : "Read less than a minute ago: retry in " +
                                                    std::to_string(shown.refresh_wait) + " s");
  } else {
    data.set("refresh_wait", false);
  }
  TemplateData next = TemplateData(TemplateData::type::list);
  for (const store::PreviewOccurrence& preview : shown.next) {
    next.push_back(preview_data(view, language, preview));
  }
  data.set("has_next", !shown.next.empty());
  TemplateData problems(TemplateData::type::list);
  for (const core::Problem& problem : shown.problems) {
    TemplateData item;
    item.set("error", problem.severity == core::Severity::kError);
    item.set("severity",
             word(language, problem.severity == core::Severity::kError ? "severity_error"
                                                                       : "severity_warning"));
    set_text(item, "where",
             problem.line <= 0  ? std::string()
             : french(language) ? "ligne " + std::to_string(problem.line) + "\u00a0:"
                                : "line " + std::to_string(problem.line) + ":");
    set_text(item, "uid", problem.uid);
    item.set("message", problem.message);
    problems.push_back(item);
  }
  data.set("has_problems", !shown.problems.empty());
  detail::put(data, "problems", std::move(problems));
  detail::put(data, "next", std::move(next));
  const std::string events =
      plural(language, status.event_count, "événement", "événements", "event", "events");
  data.set("delete_question", french(language) ? "Le flux « " + feed.config.name + " » et ses " +
                                                     events + " vont quitter l’agenda."
                                               : "The feed “" + feed.config.name + "” and its " +
                                                     events + " will leave the agenda.");
  return data;
}

TemplateData notices_data(const std::vector<PartnerNotice>& notices) {
  TemplateData list = TemplateData(TemplateData::type::list);
  for (const PartnerNotice& notice : notices) {
    TemplateData item;
    item.set("error", notice.error);
    item.set("text", notice.text);
    TemplateData details = TemplateData(TemplateData::type::list);
    for (const std::string& detail : notice.details) {
      TemplateData line;
      line.set("text", detail);
      details.push_back(line);
    }
    item.set("has_details", !notice.details.empty());
    detail::put(item, "details", std::move(details));
    list.push_back(item);
  }
  return list;
}

TemplateData form_data(const FeedFormValues& values, Language language, std::string action,
                       const char* id, const char* button) {
  TemplateData form;
  form.set("action", std::move(action));
  form.set("id", id);
  form.set("button", word(language, button));
  form.set("url", values.url);
  form.set("name", values.name);
  form.set("category", values.category);
  form.set("timezone", values.timezone);
  TemplateData formats = TemplateData(TemplateData::type::list);
  for (const char* format : {"auto", "ics", "rss", "atom", "html"}) {
    TemplateData option;
    option.set("value", format);
    option.set("label", word(language, std::string("format_") + format));
    option.set("selected", values.format == format);
    formats.push_back(option);
  }
  detail::put(form, "formats", std::move(formats));
  return form;
}

// What every signed-in page has: the partner, the CSRF token, the notices, the words.
TemplateData signed_in_data(const PartnerPageView& view, Language language) {
  TemplateData page;
  page.set("page_title", word(language, "title"));
  page.set("partner_name", view.partner_name);
  page.set("admin", view.admin);
  page.set("moderation", view.moderation && !view.admin);
  page.set("csrf", view.csrf);
  detail::put(page, "notices", notices_data(view.notices));
  set_text(page, "form_error", view.form_error);
  detail::put(page, "p", detail::table_data(kLabels, language));
  page.set("nav_partners", true);
  return page;
}

}  // namespace

core::Result<std::string> WebPages::partner_signin(std::string_view csrf,
                                                   std::string_view error) const {
  TemplateData page;
  page.set("page_title", word(site_.language, "title"));
  page.set("csrf", std::string(csrf));
  set_text(page, "signin_error", std::string(error));
  detail::put(page, "p", detail::table_data(kLabels, site_.language));
  page.set("nav_partners", true);
  return framed(std::move(page), "partner_signin.mustache");
}

core::Result<std::string> WebPages::partner_dashboard(const PartnerPageView& view) const {
  const Language language = site_.language;
  TemplateData page = signed_in_data(view, language);
  TemplateData feeds = TemplateData(TemplateData::type::list);
  int failing = 0;
  int awaiting = 0;
  for (const PartnerFeedView& feed : view.feeds) {
    feeds.push_back(feed_data(view, language, feed));
    if (feed.status.consecutive_failures > 0) ++failing;
    if (!feed.feed.approved) ++awaiting;
  }
  page.set("has_feeds", !view.feeds.empty());
  detail::put(page, "feeds", std::move(feeds));
  const int count = static_cast<int>(view.feeds.size());
  std::string summary = plural(language, count, "flux", "flux", "feed", "feeds");
  if (failing > 0) {
    summary += french(language) ? ", dont " + std::to_string(failing) + " en échec"
                                : ", " + std::to_string(failing) + " failing";
  }
  if (awaiting > 0) {
    summary += french(language) ? ", " + std::to_string(awaiting) + " en attente de validation"
                                : ", " + std::to_string(awaiting) + " awaiting approval";
  }
  page.set("feeds_summary", summary);
  detail::put(page, "form",
              form_data(view.form, language, "/partners/feeds", "register", "register_button"));
  return framed(std::move(page), "partner_dashboard.mustache");
}

core::Result<std::string> WebPages::partner_feed(const PartnerPageView& view) const {
  const Language language = site_.language;
  TemplateData page = signed_in_data(view, language);
  if (view.feeds.empty()) return core::Error{"no feed to show"};
  const PartnerFeedView& shown = view.feeds.front();
  page.set("page_title", shown.feed.config.name);
  detail::put(page, "feed", feed_data(view, language, shown));
  detail::put(page, "form",
              form_data(view.form, language, feed_path(shown.feed), "change", "change_button"));
  return framed(std::move(page), "partner_feed.mustache");
}

core::Result<std::string> WebPages::partner_delete(const PartnerPageView& view) const {
  const Language language = site_.language;
  TemplateData page = signed_in_data(view, language);
  if (view.feeds.empty()) return core::Error{"no feed to show"};
  const PartnerFeedView& shown = view.feeds.front();
  page.set("page_title",
           std::string(word(language, "delete_title")) + " · " + shown.feed.config.name);
  detail::put(page, "feed", feed_data(view, language, shown));
  return framed(std::move(page), "partner_delete.mustache");
}

}  // namespace concerto::render
