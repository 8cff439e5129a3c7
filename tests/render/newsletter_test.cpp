// The newsletter blocks (newsletter.cpp): /embed/upcoming, /embed/upcoming.txt, /upcoming.rss
// and /embed/widget, rendered from an agenda built by the real deduplication.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <pugixml.hpp>
#include <regex>
#include <string>
#include <vector>

#include "core/text.h"
#include "core/time_zone.h"
#include "dedup/dedup.h"
#include "render/agenda_view.h"
#include "render/templates.h"
#include "render/web_pages.h"

namespace concerto::render {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kBase = "https://agenda.example.org";

core::EventTime paris(int year, int month, int day, int hour, int minute = 0) {
  core::EventTime time;
  time.tzid = "Europe/Paris";
  time.local = {{year, month, day}, hour, minute, 0};
  time.utc = core::find_zone("Europe/Paris")->to_utc(time.local);
  return time;
}

core::EventTime date(int year, int month, int day) {
  core::EventTime time;
  time.all_day = true;
  time.date = {year, month, day};
  return time;
}

core::Event event(const std::string& feed, const std::string& uid, const std::string& summary,
                  const core::EventTime& start, const core::EventTime& end) {
  core::Event e;
  e.feed_id = feed;
  e.uid = uid;
  e.summary = summary;
  e.start = start;
  e.end = end;
  return e;
}

// Sunday 18 October 2026, noon in Paris.
const std::int64_t kNow = paris(2026, 10, 18, 12).utc;

struct Fixture {
  std::vector<core::Event> events;
  std::vector<core::Occurrence> occurrences;  // of series; single events get theirs in build()
  std::vector<core::FeedConfig> feeds{
      feed("org", "Décider ensemble", "https://www.decider-ensemble.com/", 10),
      feed("net", "Réseau des territoires", "", 5),
  };

  static core::FeedConfig feed(const std::string& id, const std::string& partner,
                               const std::string& website, int priority) {
    core::FeedConfig config;
    config.id = id;
    config.name = partner + " (flux)";
    config.partner = partner;
    config.website = website;
    config.priority = priority;
    return config;
  }

  // The default agenda: two events soon, one cancelled, one too far, one past, a weekly series.
  static Fixture standard() {
    Fixture f;
    core::Event rnp =
        event("org", "rnp@decider-ensemble", "Rencontres nationales de la participation",
              date(2026, 10, 19), date(2026, 10, 22));
    rnp.location = "Mulhouse";
    rnp.url = "https://www.decider-ensemble.com/rnp";
    rnp.categories = {"Rencontre"};
    rnp.description =
        "La 4e édition des Rencontres nationales de la participation. Programme : "
        "https://www.decider-ensemble.com/rnp/programme www.rnp.fr";
    f.events.push_back(rnp);

    core::Event atelier = event("net", "atelier-eval", "Atelier évaluation de la participation",
                                paris(2026, 10, 19, 18, 30), paris(2026, 10, 19, 20));
    atelier.location = "Maison des associations, Nantes";
    atelier.categories = {"Atelier"};
    atelier.description =
        "Deux ateliers-visio autour de retours d'expérience évaluative, éclairés par un "
        "spécialiste du sujet, avec les Villes de Strasbourg et Grenoble et les Départements de "
        "Loire-Atlantique et de Haute-Garonne. Le compte-rendu sera publié très prochainement.";
    f.events.push_back(atelier);

    core::Event cancelled =
        event("net", "annule", "Forum annulé", paris(2026, 10, 20, 9), paris(2026, 10, 20, 12));
    cancelled.status = core::EventStatus::kCancelled;
    f.events.push_back(cancelled);

    f.events.push_back(event("org", "loin", "Université d'hiver", paris(2026, 12, 10, 9),
                             paris(2026, 12, 10, 17)));
    f.events.push_back(event("org", "passe", "Assemblée générale", paris(2026, 10, 10, 9),
                             paris(2026, 10, 10, 12)));

    core::Event weekly =
        event("net", "cafe", "Café citoyen", paris(2026, 10, 21, 8), paris(2026, 10, 21, 9));
    weekly.rrule = "FREQ=WEEKLY;COUNT=3";
    weekly.location = "Lyon";
    f.events.push_back(weekly);
    for (int week = 0; week < 3; ++week) {
      core::Occurrence occurrence;
      occurrence.feed_id = "net";
      occurrence.uid = "cafe";
      occurrence.start = paris(2026, 10, 21 + 7 * week, 8);
      occurrence.end = paris(2026, 10, 21 + 7 * week, 9);
      occurrence.recurrence_id = occurrence.start;
      f.occurrences.push_back(occurrence);
    }
    return f;
  }

  std::unique_ptr<AgendaSnapshot> build() const {
    dedup::Agenda agenda;
    agenda.events = events;
    agenda.occurrences = occurrences;
    for (const core::Event& e : events) {
      if (e.recurring()) continue;
      agenda.occurrences.push_back({e.feed_id, e.uid, std::nullopt, e.start, e.end, false});
    }
    dedup::DedupInput input;
    input.events = &agenda.events;
    input.occurrences = &agenda.occurrences;
    for (const core::FeedConfig& feed : feeds) input.feed_priority[feed.id] = feed.priority;
    agenda.merged = dedup::deduplicate(input);
    return std::make_unique<AgendaSnapshot>(std::move(agenda), feeds,
                                            core::find_zone("Europe/Paris"));
  }
};

WebPages pages(Language language = Language::kFrench) {
  auto templates = Templates::load("");
  if (!templates) throw std::runtime_error(templates.error());
  SiteInfo site;
  site.title = "Agenda de la participation";
  site.base_url = kBase;
  site.language = language;
  return WebPages(std::move(templates).value(), site);
}

struct Outputs {
  std::string fragment;
  std::string text;
  std::string rss;
  std::string widget;
};

Outputs render_all(const AgendaSnapshot& agenda, const EmbedRequest& request = {},
                   Language language = Language::kFrench) {
  const WebPages web = pages(language);
  Outputs out;
  auto fragment = web.embed_upcoming(agenda, request, kNow);
  auto text = web.embed_text(agenda, request, kNow);
  auto rss = web.upcoming_rss(agenda, request, kNow);
  auto widget = web.widget(agenda, request, kNow);
  if (!fragment) throw std::runtime_error(fragment.error());
  if (!text) throw std::runtime_error(text.error());
  if (!rss) throw std::runtime_error(rss.error());
  if (!widget) throw std::runtime_error(widget.error());
  out.fragment = *fragment;
  out.text = *text;
  out.rss = *rss;
  out.widget = *widget;
  return out;
}

std::vector<std::string> matches(const std::string& text, const std::string& pattern) {
  std::vector<std::string> found;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    found.push_back((*it)[1].str());
  }
  return found;
}

// Columns of a line: one per character, two for 4-byte sequences (emoji).
std::size_t columns(const std::string& line) {
  std::size_t count = 0;
  for (const char c : line) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) != 0x80) ++count;
    if (byte >= 0xF0) ++count;
  }
  return count;
}

bool has_control_characters(const std::string& text, bool allow_newline) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '\n' && allow_newline) continue;
    if (byte < 0x20 || byte == 0x7F) return true;
  }
  return false;
}

struct RssItem {
  std::string title;
  std::string link;
  std::string guid;
  std::string guid_permalink;
  std::string pub_date;
  std::string description;
  std::vector<std::string> categories;
};

std::vector<RssItem> rss_items(const std::string& rss, pugi::xml_document& document) {
  const pugi::xml_parse_result parsed = document.load_string(rss.c_str());
  EXPECT_TRUE(parsed) << parsed.description() << " at " << parsed.offset << "\n" << rss;
  std::vector<RssItem> items;
  for (const pugi::xml_node item : document.child("rss").child("channel").children("item")) {
    RssItem row;
    row.title = item.child_value("title");
    row.link = item.child_value("link");
    row.guid = item.child_value("guid");
    row.guid_permalink = item.child("guid").attribute("isPermaLink").value();
    row.pub_date = item.child_value("pubDate");
    row.description = item.child_value("description");
    for (const pugi::xml_node category : item.children("category")) {
      row.categories.push_back(category.child_value());
    }
    items.push_back(row);
  }
  return items;
}

std::vector<std::string> titles(const std::vector<RssItem>& items) {
  std::vector<std::string> out;
  for (const RssItem& item : items) out.push_back(item.title);
  return out;
}

// ---------------------------------------------------------------------------------------------

TEST(NewsletterFragment, ListsTheComingEventsInFrench) {
  const auto agenda = Fixture::standard().build();
  const std::string html = render_all(*agenda).fragment;
  EXPECT_THAT(html, HasSubstr("Les prochains rendez-vous du réseau"));
  EXPECT_THAT(html, HasSubstr("📅 Rencontres nationales de la participation</a>"));
  EXPECT_THAT(html, HasSubstr(">du 19 au 21 octobre 2026</p>"));
  EXPECT_THAT(html, HasSubstr(">lundi 19 octobre 2026, 18\u00a0h\u00a030 – 20\u00a0h</p>"));
  EXPECT_THAT(html, HasSubstr(">mercredi 21 octobre 2026, 8\u00a0h – 9\u00a0h</p>"));
  EXPECT_THAT(html, HasSubstr(">Mulhouse</p>"));
  EXPECT_THAT(html, HasSubstr("Annoncé par <a href=\"https://www.decider-ensemble.com/\""));
  // A partner without a website: our agenda, filtered by it.
  EXPECT_THAT(html,
              HasSubstr("<a href=\"https://agenda.example.org/?partner=reseau-des-territoires\""));
  // The partner's own page, else ours.
  EXPECT_THAT(html, HasSubstr("<a href=\"https://www.decider-ensemble.com/rnp\" "
                              "style=\"color:#0a4d8c;font-weight:bold;\">Plus d’infos</a>"));
  EXPECT_THAT(html, HasSubstr("<a href=\"https://agenda.example.org/events/atelier-eval\" "
                              "style=\"color:#0a4d8c;font-weight:bold;\">Plus d’infos</a>"));
  EXPECT_THAT(html, HasSubstr("<a href=\"https://agenda.example.org/\" "
                              "style=\"color:#0a4d8c;font-weight:bold;\">Tout l’agenda →</a>"));
  // Cancelled, too far, past: left out.
  EXPECT_THAT(html, Not(HasSubstr("Forum annulé")));
  EXPECT_THAT(html, Not(HasSubstr("Université d")));
  EXPECT_THAT(html, Not(HasSubstr("Assemblée générale")));
  // In order.
  EXPECT_LT(html.find("Rencontres nationales"), html.find("Atelier évaluation"));
  EXPECT_LT(html.find("Atelier évaluation"), html.find("Café citoyen"));
}

TEST(NewsletterFragment, IsSafeToPasteIntoAnEmail) {
  const auto agenda = Fixture::standard().build();
  const std::string html = render_all(*agenda).fragment;
  EXPECT_EQ(html.rfind("<table role=\"presentation\" style=\"width:100%;max-width:600px;", 0), 0u);
  for (const char* forbidden :
       {"<html", "<head", "<body", "<script", "<style", "<link", " class=", " id=", "<img"}) {
    EXPECT_THAT(html, Not(HasSubstr(forbidden))) << forbidden;
  }
  const std::vector<std::string> hrefs = matches(html, "href=\"([^\"]*)\"");
  ASSERT_GE(hrefs.size(), 10u);
  for (const std::string& href : hrefs) {
    EXPECT_TRUE(href.rfind("https://", 0) == 0 || href.rfind("http://", 0) == 0) << href;
  }
  // Every element is styled inline; no font but a system stack.
  for (const std::string& attributes : matches(html, "<(?:table|td|p|a)\\b([^>]*)>")) {
    EXPECT_THAT(attributes, HasSubstr(" style=\"")) << attributes;
  }
  EXPECT_THAT(html, HasSubstr("font-family:system-ui,-apple-system,'Segoe UI',Roboto"));
  EXPECT_TRUE(core::is_valid_utf8(html));
}

TEST(NewsletterFragment, SpeaksEnglish) {
  const auto agenda = Fixture::standard().build();
  const Outputs out = render_all(*agenda, {}, Language::kEnglish);
  EXPECT_THAT(out.fragment, HasSubstr("Upcoming events in the network"));
  EXPECT_THAT(out.fragment, HasSubstr(">19–21 October 2026</p>"));
  EXPECT_THAT(out.fragment, HasSubstr(">Monday 19 October 2026, 18:30–20:00</p>"));
  EXPECT_THAT(out.fragment, HasSubstr("Announced by <a"));
  EXPECT_THAT(out.fragment, HasSubstr(">More information</a>"));
  EXPECT_THAT(out.fragment, HasSubstr(">The whole agenda →</a>"));
  EXPECT_THAT(out.fragment, Not(HasSubstr("Plus d")));
  EXPECT_THAT(out.text, HasSubstr("\nMonday 19 October 2026, 18:30–20:00\n"));
  EXPECT_THAT(out.text, HasSubstr("\nMore information:\nhttps://www.decider-ensemble.com/rnp\n"));
  EXPECT_THAT(out.text, HasSubstr("\nThe whole agenda:\nhttps://agenda.example.org/\n"));
  pugi::xml_document document;
  const auto items = rss_items(out.rss, document);
  EXPECT_STREQ(document.child("rss").child("channel").child_value("language"), "en");
  EXPECT_THAT(out.widget, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(out.widget, HasSubstr(">Monday 19 October, 18:30–20:00</time>"));
}

TEST(NewsletterFragment, HonoursLimitDaysPartnerAndCategory) {
  const auto agenda = Fixture::standard().build();
  {
    EmbedRequest request;
    request.limit = 1;
    const Outputs out = render_all(*agenda, request);
    EXPECT_THAT(out.fragment, HasSubstr("Rencontres nationales"));
    EXPECT_THAT(out.fragment, Not(HasSubstr("Atelier évaluation")));
    EXPECT_THAT(out.text, Not(HasSubstr("Atelier évaluation")));
    pugi::xml_document document;
    EXPECT_EQ(rss_items(out.rss, document).size(), 1u);
    EXPECT_STREQ(
        document.child("rss").child("channel").child("atom:link").attribute("href").value(),
        "https://agenda.example.org/upcoming.rss?limit=1");
    EXPECT_THAT(out.widget, Not(HasSubstr("Atelier évaluation")));
  }
  {
    // One day from Sunday noon: the all-day Monday event starts inside, the evening does not.
    EmbedRequest request;
    request.days = 1;
    const std::string html = render_all(*agenda, request).fragment;
    EXPECT_THAT(html, HasSubstr("Rencontres nationales"));
    EXPECT_THAT(html, Not(HasSubstr("Atelier évaluation")));
  }
  {
    // 60 days reach December; the cancelled one stays out.
    EmbedRequest request;
    request.days = 60;
    request.limit = 100;
    pugi::xml_document document;
    const auto items = rss_items(render_all(*agenda, request).rss, document);
    EXPECT_THAT(titles(items),
                ::testing::ElementsAre("Rencontres nationales de la participation",
                                       "Atelier évaluation de la participation", "Café citoyen",
                                       "Café citoyen", "Café citoyen", "Université d'hiver"));
  }
  {
    EmbedRequest request;
    request.filter.partner = "decider-ensemble";
    const Outputs out = render_all(*agenda, request);
    EXPECT_THAT(out.fragment, HasSubstr("Rencontres nationales"));
    EXPECT_THAT(out.fragment, Not(HasSubstr("Atelier évaluation")));
    EXPECT_THAT(out.fragment, Not(HasSubstr("Café citoyen")));
    pugi::xml_document document;
    rss_items(out.rss, document);
    EXPECT_STREQ(
        document.child("rss").child("channel").child("atom:link").attribute("href").value(),
        "https://agenda.example.org/upcoming.rss?partner=decider-ensemble");
  }
  {
    EmbedRequest request;
    request.filter.category = "atelier";
    const Outputs out = render_all(*agenda, request);
    EXPECT_THAT(out.text, HasSubstr("Atelier évaluation"));
    EXPECT_THAT(out.text, Not(HasSubstr("Rencontres nationales")));
    EXPECT_THAT(out.widget, HasSubstr("Atelier évaluation"));
    EXPECT_THAT(out.widget, Not(HasSubstr("Rencontres nationales")));
  }
}

TEST(NewsletterFragment, ShortensTheDescription) {
  const auto agenda = Fixture::standard().build();
  const Outputs out = render_all(*agenda);
  // Short: whole. Long: its first ~160 characters, cut before a word, with "…".
  EXPECT_THAT(
      out.fragment,
      HasSubstr(">La 4e édition des Rencontres nationales de la participation. Programme</p>"));
  const std::vector<std::string> excerpts =
      matches(out.fragment, "margin:6px 0 0 0;color:#1c1c1e;\">([^<]*)</p>");
  ASSERT_EQ(excerpts.size(), 2u);
  const std::string& cut = excerpts[1];
  EXPECT_EQ(cut.rfind("Deux ateliers-visio autour de retours d&apos;expérience", 0), 0u) << cut;
  EXPECT_EQ(cut.substr(cut.size() - 3), "…");
  EXPECT_THAT(cut, Not(HasSubstr("prochainement")));
  EXPECT_TRUE(core::is_valid_utf8(cut));
  EXPECT_THAT(cut, HasSubstr(" et les\u2026")) << "cut before a word";
  EXPECT_THAT(out.text, HasSubstr("les…\n")) << out.text;
}

TEST(NewsletterFragment, SaysSoWhenThereIsNothing) {
  const auto agenda = Fixture::standard().build();
  EmbedRequest request;
  request.filter.partner = "nobody";
  const Outputs out = render_all(*agenda, request);
  EXPECT_THAT(out.fragment, HasSubstr("Aucun rendez-vous n’est annoncé pour l’instant."));
  EXPECT_THAT(out.fragment, HasSubstr("Tout l’agenda"));
  EXPECT_THAT(out.fragment, HasSubstr("</tbody>\n</table>"));
  EXPECT_EQ(out.text,
            "Les prochains rendez-vous du réseau\n\nAucun rendez-vous n’est annoncé pour "
            "l’instant. Revenez bientôt\u00a0!\n\nTout l’agenda\u00a0:\n"
            "https://agenda.example.org/\n");
  EXPECT_THAT(out.widget, HasSubstr("<p>Aucun rendez-vous n’est annoncé pour l’instant."));
  EXPECT_THAT(out.widget, Not(HasSubstr("<ul>")));
  pugi::xml_document document;
  EXPECT_TRUE(rss_items(out.rss, document).empty());
  EXPECT_TRUE(document.child("rss").child("channel").child("title"));
}

TEST(NewsletterText, IsPlainTextWithUrlsOnTheirOwnLines) {
  const auto agenda = Fixture::standard().build();
  const std::string text = render_all(*agenda).text;
  EXPECT_EQ(text.rfind(
                "Les prochains rendez-vous du réseau\n\n📅 Rencontres nationales de la "
                "participation\ndu 19 au 21 octobre 2026\nMulhouse\nAnnoncé par Décider "
                "ensemble\nLa 4e édition des Rencontres nationales de la participation. Programme\n"
                "Plus d’infos\u00a0:\nhttps://www.decider-ensemble.com/rnp\n\n",
                0),
            0u)
      << text;
  EXPECT_THAT(text,
              HasSubstr("\nPlus d’infos\u00a0:\nhttps://agenda.example.org/events/atelier-eval\n"));
  EXPECT_THAT(text, HasSubstr("\nTout l’agenda\u00a0:\nhttps://agenda.example.org/\n"));
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(text.find('>'), std::string::npos);
  EXPECT_EQ(text.find('&'), std::string::npos);
  EXPECT_FALSE(has_control_characters(text, true));
  EXPECT_THAT(text, Not(HasSubstr("\n\n\n")));
  for (const std::string& line : core::split(text, '\n')) {
    const auto url = line.find("http");
    if (url != std::string::npos) {
      EXPECT_EQ(url, 0u) << "a URL shares its line: " << line;
      continue;  // a URL is never cut
    }
    EXPECT_LE(columns(line), 78u) << line;
  }
  EXPECT_THAT(text, Not(HasSubstr("Forum annulé")));
}

TEST(NewsletterRss, IsRss2WithStableGuids) {
  const auto agenda = Fixture::standard().build();
  const std::string rss = render_all(*agenda).rss;
  EXPECT_EQ(rss.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"", 0), 0u);
  pugi::xml_document document;
  const auto items = rss_items(rss, document);
  const pugi::xml_node channel = document.child("rss").child("channel");
  EXPECT_STREQ(document.child("rss").attribute("version").value(), "2.0");
  EXPECT_STREQ(document.child("rss").attribute("xmlns:atom").value(),
               "http://www.w3.org/2005/Atom");
  EXPECT_STREQ(channel.child_value("title"), "Agenda de la participation · Prochains rendez-vous");
  EXPECT_STREQ(channel.child_value("link"), "https://agenda.example.org/");
  EXPECT_STREQ(channel.child_value("language"), "fr");
  EXPECT_STREQ(channel.child_value("lastBuildDate"), "Sun, 18 Oct 2026 12:00:00 +0200");
  EXPECT_STREQ(channel.child_value("description"),
               "Les prochains rendez-vous du réseau · Agenda de la participation");
  const pugi::xml_node self = channel.child("atom:link");
  EXPECT_STREQ(self.attribute("href").value(), "https://agenda.example.org/upcoming.rss");
  EXPECT_STREQ(self.attribute("rel").value(), "self");
  EXPECT_STREQ(self.attribute("type").value(), "application/rss+xml");

  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0].title, "Rencontres nationales de la participation");
  EXPECT_EQ(items[0].link, "https://agenda.example.org/events/rnp%40decider-ensemble");
  EXPECT_EQ(items[0].guid, "rnp@decider-ensemble");
  EXPECT_EQ(items[0].guid_permalink, "false");
  EXPECT_EQ(items[0].pub_date, "Mon, 19 Oct 2026 00:00:00 +0200");
  EXPECT_THAT(items[0].categories, ::testing::ElementsAre("Rencontre"));
  EXPECT_THAT(items[0].description, HasSubstr("<strong>du 19 au 21 octobre 2026</strong>"));
  EXPECT_THAT(items[0].description, HasSubstr("<br>Mulhouse<br>Annoncé par Décider ensemble"));
  EXPECT_THAT(items[0].description,
              HasSubstr("<a href=\"https://www.decider-ensemble.com/rnp\">Plus d’infos</a>"));
  EXPECT_EQ(items[1].guid, "atelier-eval");
  EXPECT_EQ(items[1].pub_date, "Mon, 19 Oct 2026 18:30:00 +0200");
  // One item per occurrence of the series: its merged UID and recurrence key.
  EXPECT_EQ(items[2].guid, "cafe#20261021T060000Z");
  EXPECT_EQ(items[2].link, "https://agenda.example.org/events/cafe?at=20261021T060000Z");
  EXPECT_EQ(items[3].guid, "cafe#20261028T070000Z");
  EXPECT_EQ(items[3].pub_date, "Wed, 28 Oct 2026 08:00:00 +0100");
  EXPECT_EQ(items[4].guid, "cafe#20261104T070000Z");

  // Rebuilt from scratch, rendered later: the same guids.
  const auto again = Fixture::standard().build();
  const WebPages web = pages();
  auto later = web.upcoming_rss(*again, {}, kNow + 3600);
  ASSERT_TRUE(later);
  pugi::xml_document later_document;
  const auto later_items = rss_items(*later, later_document);
  ASSERT_EQ(later_items.size(), items.size());
  for (std::size_t i = 0; i < items.size(); ++i) EXPECT_EQ(later_items[i].guid, items[i].guid);
}

TEST(NewsletterWidget, IsAPageForIframes) {
  const auto agenda = Fixture::standard().build();
  const std::string html = render_all(*agenda).widget;
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">", 0),
            0u);
  EXPECT_THAT(
      html, HasSubstr("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
  EXPECT_THAT(html, HasSubstr("<title>Prochains rendez-vous · Agenda de la participation</title>"));
  EXPECT_THAT(html,
              HasSubstr("<link rel=\"stylesheet\" href=\"" + pages().stylesheet_path() + "\">"));
  EXPECT_THAT(html, HasSubstr("<time datetime=\"2026-10-19T18:30:00+02:00\">lundi 19 octobre, "
                              "18\u00a0h\u00a030 – 20\u00a0h</time>"));
  EXPECT_THAT(html, HasSubstr(">du 19 au 21 octobre 2026</time>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"meta\">Mulhouse · Décider ensemble</p>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("Forum annulé")));
  const std::vector<std::string> links = matches(html, "<a ([^>]*)>");
  ASSERT_GE(links.size(), 5u);
  for (const std::string& attributes : links) {
    EXPECT_THAT(attributes, ::testing::MatchesRegex("href=\"https://[^\"]*\" target=\"_blank\" "
                                                    "rel=\"noopener\""));
  }
  EXPECT_THAT(html, HasSubstr("</html>\n"));
}

// ---------------------------------------------------------------------------------------------
// What partners write cannot get through.

Fixture hostile() {
  Fixture f;
  f.feeds[1].partner = "<b>Réseau</b>\x01";
  f.feeds[1].website = "javascript:alert(2)";
  core::Event bad = event("net", "bad", "<script>alert(1)</script>\x07 Fête\xC2\x85\xE2\x80\xAE",
                          paris(2026, 10, 19, 18), paris(2026, 10, 19, 19));
  bad.location = "\"><img src=x onerror=alert(1)>";
  bad.url = "javascript:alert(1)";
  bad.description = "Texte\x1b[31m rouge\x7f & <i>gras</i>\r\nligne\x0b suivante \xFF fin";
  bad.categories = {"<i>cat</i>\x02", "]]>"};
  f.events.push_back(bad);
  core::Event online =
      event("org", "visio", "Webinaire", paris(2026, 10, 20, 10), paris(2026, 10, 20, 11));
  online.location = "https://visio.example/salle?x=1&y=2";
  online.url = "https://exemple.fr/événement?a=1&b=2";
  f.events.push_back(online);
  return f;
}

TEST(NewsletterHostile, FragmentAndWidgetEscapeEverything) {
  const auto agenda = hostile().build();
  const Outputs out = render_all(*agenda);
  for (const std::string* html : {&out.fragment, &out.widget}) {
    EXPECT_THAT(*html, Not(HasSubstr("<script")));
    EXPECT_THAT(*html, Not(HasSubstr("<img")));
    EXPECT_THAT(*html, Not(HasSubstr("<b>")));
    EXPECT_THAT(*html, Not(HasSubstr("<i>")));
    EXPECT_THAT(*html, Not(HasSubstr("javascript:")));
    EXPECT_THAT(*html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt; Fête"));
    EXPECT_FALSE(has_control_characters(*html, true));
    EXPECT_TRUE(core::is_valid_utf8(*html));
    EXPECT_THAT(*html, Not(HasSubstr("\xE2\x80\xAE"))) << "no bidi override";
    EXPECT_THAT(*html, Not(HasSubstr("\xC2\x85"))) << "no C1 control";
  }
  EXPECT_THAT(out.fragment, HasSubstr(">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p>"));
  EXPECT_THAT(out.fragment, HasSubstr("&lt;b&gt;Réseau&lt;/b&gt;"));
  // The partner's javascript: link is dropped: "Plus d'infos" goes to our page.
  EXPECT_THAT(out.fragment,
              HasSubstr("<a href=\"https://agenda.example.org/events/bad\" "
                        "style=\"color:#0a4d8c;font-weight:bold;\">Plus d’infos</a>"));
  // An online place is linked; a partner URL has its non-ASCII bytes encoded, '&' escaped.
  EXPECT_THAT(out.fragment, HasSubstr("<a href=\"https://visio.example/salle?x=1&amp;y=2\" "
                                      "style=\"color:#0a4d8c;\">En ligne</a>"));
  EXPECT_THAT(out.fragment,
              HasSubstr("<a href=\"https://exemple.fr/%C3%A9v%C3%A9nement?a=1&amp;b=2\""));
  for (const std::string& href : matches(out.fragment, "href=\"([^\"]*)\"")) {
    EXPECT_EQ(href.rfind("https://", 0), 0u) << href;
  }
}

TEST(NewsletterHostile, TextKeepsOnlyPrintableCharacters) {
  const auto agenda = hostile().build();
  const std::string text = render_all(*agenda).text;
  EXPECT_FALSE(has_control_characters(text, true)) << text;
  EXPECT_TRUE(core::is_valid_utf8(text));
  EXPECT_THAT(text, Not(HasSubstr("\xE2\x80\xAE")));
  EXPECT_THAT(text, Not(HasSubstr("javascript:")));
  EXPECT_THAT(text, HasSubstr("\n📅 <script>alert(1)</script> Fête\n"));
  EXPECT_THAT(text, HasSubstr("\nAnnoncé par <b>Réseau</b>\n"));
  EXPECT_THAT(text, HasSubstr("Texte [31m rouge & <i>gras</i> ligne suivante \uFFFD fin\n"));
  EXPECT_THAT(text, HasSubstr("\nEn ligne\nhttps://visio.example/salle?x=1&y=2\n"));
  EXPECT_THAT(text, HasSubstr("\nhttps://exemple.fr/%C3%A9v%C3%A9nement?a=1&b=2\n"));
}

TEST(NewsletterHostile, RssStaysWellFormed) {
  const auto agenda = hostile().build();
  const std::string rss = render_all(*agenda).rss;
  EXPECT_FALSE(has_control_characters(rss, true));
  EXPECT_TRUE(core::is_valid_utf8(rss));
  pugi::xml_document document;
  const auto items = rss_items(rss, document);
  ASSERT_EQ(items.size(), 2u);
  // Titles are plain text; descriptions are HTML in which partner text is escaped once more.
  EXPECT_EQ(items[0].title, "<script>alert(1)</script> Fête");
  EXPECT_THAT(items[0].description, Not(HasSubstr("<script")));
  EXPECT_THAT(items[0].description, Not(HasSubstr("<img")));
  EXPECT_THAT(items[0].description, Not(HasSubstr("<i>")));
  EXPECT_THAT(items[0].description, Not(HasSubstr("javascript:")));
  EXPECT_THAT(items[0].description, HasSubstr("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(items[0].description, HasSubstr("Annoncé par &lt;b&gt;Réseau&lt;/b&gt;"));
  EXPECT_THAT(items[0].categories, ::testing::ElementsAre("<i>cat</i>", "]]>"));
  EXPECT_EQ(items[1].title, "Webinaire");
  EXPECT_THAT(items[1].description,
              HasSubstr("<a href=\"https://visio.example/salle?x=1&amp;y=2\">En ligne</a>"));
  EXPECT_THAT(items[1].description,
              HasSubstr("<a href=\"https://exemple.fr/%C3%A9v%C3%A9nement?a=1&amp;b=2\">"));
}

// ---------------------------------------------------------------------------------------------
// Regressions.

// libical keeps a control character in a UID; XML 1.0 cannot carry it.
TEST(NewsletterRss, AUidWithAControlCharacterStaysWellFormed) {
  Fixture f;
  f.events.push_back(
      event("org", "evil\x0Buid@x", "Atelier", paris(2026, 10, 20, 18), paris(2026, 10, 20, 20)));
  const auto agenda = f.build();
  const std::string rss = render_all(*agenda).rss;
  EXPECT_FALSE(has_control_characters(rss, true));
  pugi::xml_document document;
  const auto items = rss_items(rss, document);
  ASSERT_EQ(items.size(), 1u);
  // Cleaned as all partner text is: the control character is gone (a space in its place).
  EXPECT_EQ(items[0].guid, "evil uid@x");
  EXPECT_EQ(items[0].link, "https://agenda.example.org/events/evil%0Buid%40x");
}

// The newsletter announces what starts in its window: neither an exhibition of twenty years
// nor an event that began yesterday and ends tomorrow.
TEST(NewsletterFragment, ListsOnlyWhatStartsInItsWindow) {
  Fixture f = Fixture::standard();
  f.events.push_back(
      event("org", "expo", "Exposition permanente", date(2020, 1, 1), date(2040, 1, 1)));
  f.events.push_back(event("net", "veillee", "Veillée citoyenne", paris(2026, 10, 17, 20),
                           paris(2026, 10, 19, 10)));
  const auto agenda = f.build();
  const Outputs out = render_all(*agenda);
  for (const std::string* output : {&out.fragment, &out.text, &out.rss, &out.widget}) {
    EXPECT_THAT(*output, Not(HasSubstr("Exposition permanente")));
    EXPECT_THAT(*output, Not(HasSubstr("Veillée citoyenne")));
    EXPECT_THAT(*output, HasSubstr("Rencontres nationales de la participation"));
  }
  pugi::xml_document document;
  EXPECT_THAT(titles(rss_items(out.rss, document)),
              ::testing::ElementsAre("Rencontres nationales de la participation",
                                     "Atelier évaluation de la participation", "Café citoyen",
                                     "Café citoyen", "Café citoyen"));
}

}  // namespace
}  // namespace concerto::render
