#include "notify/feed_alerts.h"

#include <algorithm>
#include <cstdio>

#include "core/civil_time.h"
#include "core/text.h"
#include "core/time_zone.h"

namespace concerto::notify {
namespace {

bool has(const AlertDecision& decision, Finding finding) {
  return std::find(decision.findings.begin(), decision.findings.end(), finding) !=
         decision.findings.end();
}

// The words of one language; fr unless the site says en.
class Words {
 public:
  explicit Words(const SiteText& site) : site_(site), english_(site.language == "en") {}
  bool english() const { return english_; }
  const std::string& pick(const std::string& fr, const std::string& en) const {
    return english_ ? en : fr;
  }
  std::string count(int n, const std::string& fr_one, const std::string& fr_many,
                    const std::string& en_one, const std::string& en_many) const {
    const bool one = english_ ? n == 1 : (n == 0 || n == 1);
    return std::to_string(n) + " " +
           (english_ ? (one ? en_one : en_many) : (one ? fr_one : fr_many));
  }
  std::string events(int n) const { return count(n, "événement", "événements", "event", "events"); }
  std::string upcoming(int n) const {
    return count(n, "événement à venir", "événements à venir", "upcoming event", "upcoming events");
  }
  // "10/03/2027 à 14:05 (Europe/Paris)" or "2027-03-10 at 14:05 (Europe/Paris)".
  std::string when(std::int64_t utc) const {
    core::ZonePtr zone = core::find_zone(site_.timezone);
    if (!zone) zone = core::utc_zone();
    const core::LocalDateTime local = zone->to_local(utc);
    char text[64];
    if (english_) {
      std::snprintf(text, sizeof text, "%04d-%02d-%02d at %02d:%02d", local.date.year,
                    local.date.month, local.date.day, local.hour, local.minute);
    } else {
      std::snprintf(text, sizeof text, "%02d/%02d/%04d à %02d:%02d", local.date.day,
                    local.date.month, local.date.year, local.hour, local.minute);
    }
    return std::string(text) + " (" + zone->name() + ")";
  }

 private:
  const SiteText& site_;
  bool english_;
};

bool not_responding(const FeedHealth& health) {
  return health.http_code == 0 || health.http_code >= 400;
}

std::string predicate(Finding finding, const FeedHealth& health, const Words& w) {
  switch (finding) {
    case Finding::kFailing:
      return not_responding(health) ? w.pick("ne répond plus", "is not responding")
                                    : w.pick("n'est plus lisible", "can no longer be read");
    case Finding::kRecovered:
      return w.pick("fonctionne de nouveau", "works again");
    case Finding::kEventsDropped:
      return w.pick("a perdu la plupart de ses événements", "lost most of its events");
    case Finding::kUidsChanged:
      return w.pick("a changé les identifiants de ses événements", "changed its event UIDs");
  }
  return {};
}

// What the HTTP code (or its absence) most likely means, and what to look at.
std::string likely_cause(const FeedHealth& health, const Words& w) {
  const int code = health.http_code;
  const std::string http = "HTTP " + std::to_string(code);
  if (code == 0) {
    return w.pick(
        "le serveur n'a pas répondu : le site est-il en ligne, et son nom de domaine toujours "
        "valable ?",
        "the server did not answer: is the site online, and is its domain name still valid?");
  }
  if (code == 401 || code == 403) {
    return w.pick("le serveur refuse l'accès (" + http +
                      ") : le calendrier est peut-être devenu privé ; il doit rester public, ou "
                      "partagé par un lien, pour que nous puissions le lire.",
                  "the server refuses access (" + http +
                      "): the calendar may have become private; it must stay public, or shared "
                      "by a link, for us to read it.");
  }
  if (code == 404 || code == 410) {
    return w.pick("cette adresse n'existe plus (" + http +
                      ") : l'export a peut-être changé d'adresse, après une mise à jour du site "
                      "ou de l'outil d'agenda.",
                  "this address no longer exists (" + http +
                      "): the export may have moved after an update of the site or of the "
                      "calendar tool.");
  }
  if (code == 429) {
    return w.pick("le serveur limite le nombre de lectures (" + http +
                      ") : votre hébergeur peut autoriser notre robot (« Concerto »).",
                  "the server limits how often it may be read (" + http +
                      "): your host can allow our robot (\"Concerto\").");
  }
  if (code >= 500) {
    return w.pick("le serveur de votre site rencontre une erreur (" + http +
                      ") : la personne qui gère le site la verra dans ses journaux.",
                  "your site's server has an error (" + http +
                      "): whoever runs the site will see it in its logs.");
  }
  if (code >= 400) {
    return w.pick("le serveur refuse la demande (" + http + ").",
                  "the server refuses the request (" + http + ").");
  }
  return w.pick(
      "le serveur répond, mais pas avec un calendrier lisible : ouvrez l'adresse et vérifiez que "
      "c'est bien un fichier iCalendar (.ics) ou un flux RSS/Atom, pas une page d'erreur ou de "
      "connexion.",
      "the server answers, but not with a readable calendar: open the address and check that it "
      "is an iCalendar (.ics) file or an RSS/Atom feed, not an error or login page.");
}

std::string failing_text(const FeedHealth& health, const SiteText& site, const Words& w) {
  std::string error = core::clean_line(health.error);
  if (error.size() > 500) error = error.substr(0, 497) + "...";
  std::string text;
  if (health.consecutive_failures > 1) {
    text +=
        w.pick("Nous n'arrivons plus à lire votre flux : ", "We can no longer read your feed: ") +
        std::to_string(health.consecutive_failures) +
        w.pick(" tentatives de suite ont échoué, la dernière le ",
               " attempts in a row failed, the last one on ") +
        w.when(health.checked_at) + ".\n";
  } else {
    text += w.pick("Nous n'arrivons pas à lire votre flux : la tentative du ",
                   "We cannot read your feed: the attempt on ") +
            w.when(health.checked_at) + w.pick(" a échoué.\n", " failed.\n");
  }
  text += health.last_success > 0
              ? w.pick("Dernière lecture réussie : le ", "Last successful read: ") +
                    w.when(health.last_success) + ".\n"
              : w.pick("Il n'a encore jamais pu être lu.\n", "It has never been read yet.\n");
  text += w.pick("Erreur : ", "Error: ") + error +
          (health.http_code != 0 ? w.pick(" (réponse HTTP ", " (HTTP answer ") +
                                       std::to_string(health.http_code) + ")"
                                 : std::string()) +
          "\n\n";
  if (health.events_after > 0) {
    text += w.pick("En attendant, rien n'est perdu : les " + w.events(health.events_after) +
                       " de la dernière lecture réussie restent dans l'agenda, et nous "
                       "réessayons automatiquement.",
                   "Meanwhile nothing is lost: the " + w.events(health.events_after) +
                       " of the last successful read stay in the agenda, and we keep trying "
                       "automatically.");
  } else {
    text += w.pick(
        "L'agenda ne montre encore aucun événement de ce flux ; ils y apparaîtront dès qu'il sera "
        "lisible. Nous réessayons automatiquement.",
        "The agenda shows no event of this feed yet; they will appear as soon as it can be read. "
        "We keep trying automatically.");
  }
  text += "\n\n";
  text += w.pick("Ce qu'il faut vérifier :\n", "What to check:\n");
  text += "  - " + likely_cause(health, w) + "\n";
  text += w.pick(
      "  - l'adresse du flux s'ouvre-t-elle dans un navigateur, sans être connecté à votre "
      "compte ?\n",
      "  - does the feed's address open in a browser, without being logged in to your account?\n");
  text += health.registered ? w.pick("  - si l'adresse a changé, indiquez la nouvelle sur ",
                                     "  - if the address changed, give the new one on ") +
                                  site.base_url + "/partners\n\n"
                            : w.pick("  - si l'adresse a changé, écrivez-nous la nouvelle.\n\n",
                                     "  - if the address changed, send us the new one.\n\n");
  text += w.pick("Nous vous écrirons quand il fonctionnera de nouveau.",
                 "We will write again when it works again.");
  return text;
}

std::string recovered_text(const FeedHealth& health, const Words& w) {
  return w.pick("Bonne nouvelle : votre flux se lit de nouveau correctement (le ",
                "Good news: your feed reads correctly again (on ") +
         w.when(health.checked_at) + "). " +
         w.pick("L'agenda en montre " + w.events(health.events_after) +
                    ". Vous n'avez rien d'autre à faire.",
                "The agenda shows " + w.events(health.events_after) +
                    " from it. There is nothing else to do.");
}

std::string dropped_text(const store::PendingFinding& seen, const SiteText& site, const Words& w) {
  const std::int64_t days = site.vanished_keep_seconds / 86400;
  std::string text = w.pick("À la lecture du ", "When we read it on ") + w.when(seen.seen_at) +
                     w.pick(", votre flux ne contenait plus que ", ", your feed held only ") +
                     w.upcoming(seen.upcoming_after) + w.pick(", contre ", ", against ") +
                     std::to_string(seen.upcoming_before) +
                     w.pick(" à la lecture précédente.\n\n", " at the previous read.\n\n");
  text += w.pick(
      "Si c'est voulu (fin de saison, événements annulés), il n'y a rien à faire. Sinon, "
      "vérifiez que l'export contient bien tout le calendrier : un filtre, une période limitée "
      "ou une partie du calendrier passée en privé peuvent en retirer des événements.\n\n",
      "If this is intended (end of season, cancelled events), there is nothing to do. Otherwise, "
      "check that the export holds the whole calendar: a filter, a limited period or part of the "
      "calendar made private can leave events out.\n\n");
  if (days > 0) {
    text += w.pick(
        "Les événements à venir qui ont disparu du flux restent affichés comme annulés "
        "pendant " +
            w.count(static_cast<int>(days), "jour", "jours", "day", "days") +
            ", puis quittent l'agenda.",
        "Upcoming events that left the feed show as cancelled for " +
            w.count(static_cast<int>(days), "jour", "jours", "day", "days") +
            ", then leave the agenda.");
  } else {
    text += w.pick("Les événements qui ont disparu du flux ont quitté l'agenda.",
                   "Events that left the feed have left the agenda.");
  }
  return text;
}

std::string uids_text(const store::PendingFinding& seen, const Words& w) {
  const int gone = seen.upcoming_before - seen.upcoming_kept;
  std::string text =
      w.pick("À la lecture du ", "When we read it on ") + w.when(seen.seen_at) + ", " +
      w.pick(std::to_string(gone) + " de vos " + w.upcoming(seen.upcoming_before) +
                 " n'étaient plus dans le flux sous leur identifiant (UID) habituel, alors qu'il "
                 "en compte toujours " +
                 std::to_string(seen.upcoming_after) +
                 " : ils ont sans doute reçu de nouveaux identifiants.\n\n",
             std::to_string(gone) + " of your " + w.upcoming(seen.upcoming_before) +
                 " were no longer in the feed under their usual identifier (UID), while it still "
                 "holds " +
                 std::to_string(seen.upcoming_after) +
                 ": they were probably given new identifiers.\n\n");
  text += w.pick(
      "Les personnes abonnées à l'agenda risquent de voir ces événements en double, ou de perdre "
      "leurs rappels : leur logiciel de calendrier reconnaît un événement à son UID.\n\n"
      "Cela arrive après un changement d'outil d'agenda ou d'extension, ou quand le calendrier "
      "est exporté de nouveau. Si vous le pouvez, gardez les mêmes UID d'un export à l'autre ; "
      "si ce changement est définitif, il n'y a rien d'autre à faire.",
      "People subscribed to the agenda may see these events twice, or lose their reminders: "
      "their calendar software knows an event by its UID.\n\n"
      "This happens after a change of calendar tool or plugin, or when the calendar is exported "
      "again. If you can, keep the same UIDs from one export to the next; if the change is for "
      "good, there is nothing else to do.");
  return text;
}

// The figures of `finding` (a drop or UID change) in `decision`.
store::PendingFinding figures(const AlertDecision& decision, Finding finding) {
  for (const store::PendingFinding& seen : decision.churn) {
    if (seen.kind == to_string(finding)) return seen;
  }
  return {};
}

}  // namespace

std::string_view to_string(Finding finding) {
  switch (finding) {
    case Finding::kFailing:
      return "failing";
    case Finding::kRecovered:
      return "recovered";
    case Finding::kEventsDropped:
      return "events-dropped";
    case Finding::kUidsChanged:
      return "uids-changed";
  }
  return "unknown";
}

std::string AlertDecision::kind() const {
  std::string text;
  for (Finding finding : findings) {
    if (!text.empty()) text += ',';
    text += to_string(finding);
  }
  return text;
}

AlertDecision decide(const FeedHealth& health, const store::AlertState& state,
                     const AlertRules& rules) {
  AlertDecision decision;
  if (health.contact_email.empty()) return decision;
  const bool failed = health.result == FetchResult::kFailed;
  if (failed && health.consecutive_failures >= rules.failures && !state.told_failing) {
    decision.findings.push_back(Finding::kFailing);
  }
  if (!failed && state.told_failing) decision.findings.push_back(Finding::kRecovered);
  // Drops and UID changes are measured once, against the previous snapshot: those found by an
  // earlier refresh and not told yet come from the state. Past rules.pending_keep_seconds they
  // are old news and dropped; a pending drop is dropped too once a snapshot holds at least half
  // the upcoming events it had before the drop again (the events came back).
  for (const store::PendingFinding& seen : state.pending) {
    if (health.checked_at - seen.seen_at > rules.pending_keep_seconds) continue;
    if (seen.kind == to_string(Finding::kEventsDropped)) {
      if (health.result == FetchResult::kOk && health.compared &&
          health.upcoming_after * 2 >= seen.upcoming_before) {
        continue;
      }
    } else if (seen.kind != to_string(Finding::kUidsChanged)) {
      continue;
    }
    decision.churn.push_back(seen);
  }
  // Fewer than half the upcoming UIDs left: fewer than half the events too is a drop, else the
  // events are there under new UIDs. It replaces a pending finding of its kind.
  if (health.result == FetchResult::kOk && health.compared &&
      health.upcoming_before >= rules.min_upcoming &&
      health.upcoming_kept * 2 < health.upcoming_before) {
    const Finding found = health.upcoming_after * 2 < health.upcoming_before
                              ? Finding::kEventsDropped
                              : Finding::kUidsChanged;
    const store::PendingFinding seen{std::string(to_string(found)), health.upcoming_before,
                                     health.upcoming_kept, health.upcoming_after,
                                     health.checked_at};
    std::erase_if(decision.churn,
                  [&](const store::PendingFinding& old) { return old.kind == seen.kind; });
    decision.churn.push_back(seen);
  }
  for (Finding kind : {Finding::kEventsDropped, Finding::kUidsChanged}) {
    for (const store::PendingFinding& seen : decision.churn) {
      if (seen.kind == to_string(kind)) decision.findings.push_back(kind);
    }
  }
  decision.held = !decision.findings.empty() && state.last_sent_at > 0 &&
                  health.checked_at - state.last_sent_at < rules.min_interval_seconds;
  return decision;
}

store::AlertState state_after_sending(const store::AlertState& state, const AlertDecision& decision,
                                      std::int64_t sent_at) {
  store::AlertState next = state;
  if (has(decision, Finding::kFailing)) next.told_failing = true;
  if (has(decision, Finding::kRecovered)) next.told_failing = false;
  next.last_sent_at = sent_at;
  next.last_kind = decision.kind();
  next.pending.clear();
  return next;
}

store::AlertState state_after_holding(const store::AlertState& state,
                                      const AlertDecision& decision) {
  store::AlertState next = state;
  next.pending = decision.churn;
  return next;
}

Mail compose(const FeedHealth& health, const AlertDecision& decision, const SiteText& site) {
  const Words w(site);
  const std::string name = core::clean_line(health.name.empty() ? health.feed_id : health.name);
  const std::string title = core::clean_line(site.title);
  Mail mail;
  mail.to = health.contact_email;
  mail.from_name = title;
  std::string predicates;
  for (Finding finding : decision.findings) {
    if (!predicates.empty()) predicates += w.pick(" et ", " and ");
    predicates += predicate(finding, health, w);
  }
  mail.subject = "[" + title + "] " +
                 (w.english() ? "Your feed \u201c" + name + "\u201d "
                              : "Votre flux \u00ab\u00a0" + name + "\u00a0\u00bb ") +
                 predicates;

  std::string body = w.pick("Bonjour,\n\n", "Hello,\n\n");
  body += w.pick(
      "Ce message vous est envoyé par « " + title +
          " », l'agenda partagé qui reprend votre flux :\n\n",
      "This message comes from \"" + title + "\", the shared agenda that carries your feed:\n\n");
  body += "  " + name + "\n  " + core::clean_line(health.url) + "\n\n";
  for (Finding finding : decision.findings) {
    switch (finding) {
      case Finding::kFailing:
        body += failing_text(health, site, w);
        break;
      case Finding::kRecovered:
        body += recovered_text(health, w);
        break;
      case Finding::kEventsDropped:
        body += dropped_text(figures(decision, finding), site, w);
        break;
      case Finding::kUidsChanged:
        body += uids_text(figures(decision, finding), w);
        break;
    }
    body += "\n\n";
  }
  if (health.registered) {
    body += w.pick("Vos flux et leur état : ", "Your feeds and how they are doing: ") +
            site.base_url + "/partners\n";
    body += w.pick("État détaillé de ce flux (avec votre jeton d'accès) : ",
                   "This feed's detailed status (with your access token): ") +
            site.base_url + "/api/feeds/" + health.feed_id + "/status\n\n";
  } else {
    body += w.pick("État de tous les flux de l'agenda : ", "Status of every feed of the agenda: ") +
            site.base_url + "/api/feeds/status\n\n";
  }
  body += w.pick("Vous recevez au plus un message par jour au sujet de ce flux.\n\n",
                 "You get at most one message a day about this feed.\n\n");
  body +=
      w.pick("Bien cordialement,\nLa coordination du réseau – ",
             "Kind regards,\nThe network coordination – ") +
      title + "\n\n-- \n" +
      w.pick("Message envoyé automatiquement par Concerto.\n", "Sent automatically by Concerto.\n");
  mail.body = std::move(body);
  return mail;
}

}  // namespace concerto::notify
