#include "parse/xml_feed_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/text.h"

namespace concerto::parse {
namespace {

namespace fs = std::filesystem;
using core::Severity;

std::string fixture(const std::string& name) {
  std::ifstream in(fs::path(CONCERTO_FIXTURES_DIR) / "rss" / name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string dump(const core::Problems& problems) {
  std::string out;
  for (const auto& problem : problems) out += describe(problem) + "\n";
  return out;
}

struct Read {
  XmlFeed feed;
  core::Problems problems;

  const core::Event* by_uid(std::string_view uid) const {
    for (const auto& event : feed.events) {
      if (event.uid == uid) return &event;
    }
    return nullptr;
  }
  const core::Event* by_summary(std::string_view summary) const {
    for (const auto& event : feed.events) {
      if (event.summary == summary) return &event;
    }
    return nullptr;
  }
  bool has_problem(int line, std::string_view text) const {
    for (const auto& problem : problems) {
      if (problem.line == line && problem.message.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

Read read(const std::string& text, const core::IngestLimits& limits = {}) {
  Read result;
  auto feed = read_xml_feed(text, limits, result.problems);
  EXPECT_TRUE(feed.ok()) << (feed.ok() ? "" : feed.error());
  if (feed.ok()) result.feed = std::move(*feed);
  return result;
}

std::string read_error(const std::string& text) {
  core::Problems problems;
  auto feed = read_xml_feed(text, {}, problems);
  EXPECT_FALSE(feed.ok());
  return feed.ok() ? "" : feed.error();
}

core::EventTime utc_time(int year, int month, int day, int hour, int minute = 0) {
  core::EventTime time;
  time.local = {{year, month, day}, hour, minute, 0};
  time.tzid = "UTC";
  time.utc = core::seconds_from_civil(time.local);
  return time;
}

core::EventTime floating_time(int year, int month, int day, int hour, int minute = 0) {
  core::EventTime time;
  time.local = {{year, month, day}, hour, minute, 0};
  return time;
}

core::EventTime date(int year, int month, int day) {
  core::EventTime time;
  time.all_day = true;
  time.date = {year, month, day};
  return time;
}

// Items dated only in prose depend on text_dates.h: either an event or a skip that says why.
void expect_dated_or_skipped(const Read& read, std::string_view title, int line) {
  const core::Event* event = read.by_summary(title);
  if (event != nullptr) {
    EXPECT_EQ(event->source_line, line) << title;
    return;
  }
  const std::string prefix =
      "item \"" + std::string(title) + "\" (line " + std::to_string(line) + "): ";
  bool found = false;
  for (const auto& problem : read.problems) {
    if (problem.line == line && problem.severity == Severity::kWarning &&
        problem.message.starts_with(prefix) && problem.message.size() > prefix.size()) {
      found = true;
    }
  }
  EXPECT_TRUE(found) << title << "\n" << dump(read.problems);
}

std::string rss(std::string_view items, std::string_view extra_ns = "") {
  return "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" " + std::string(extra_ns) +
         ">\n<channel>\n<title>T</title>\n" + std::string(items) + "</channel>\n</rss>\n";
}

// ---- Producers ------------------------------------------------------------------------------

TEST(XmlFeedReader, ReadsAWordPressFeedWhoseItemsAreDatedOnlyInTheirText) {
  const Read r = read(fixture("wordpress_events.xml"));
  EXPECT_EQ(r.feed.format, "rss");
  EXPECT_EQ(r.feed.title, "Collectif Citoyen de Roubaix – Agir ensemble");
  EXPECT_EQ(r.feed.ttl_seconds, 3600);  // sy:updatePeriod hourly, sy:updateFrequency 1
  expect_dated_or_skipped(r, "Atelier budget participatif : déposez vos projets !", 22);
  expect_dated_or_skipped(r, "Compte rendu de l’assemblée générale", 48);
  if (const core::Event* event = r.by_uid("https://collectif-roubaix.fr/?p=1842")) {
    EXPECT_EQ(event->url, "https://collectif-roubaix.fr/2026/10/05/atelier-budget-participatif/");
    EXPECT_EQ(event->categories, (std::vector<std::string>{"Budget participatif", "Ateliers"}));
    EXPECT_EQ(event->description.find("dataLayer"), std::string::npos);
    EXPECT_NE(event->description.find("Maison des associations (https://www.openstreetmap.org"),
              std::string::npos);
  }
}

TEST(XmlFeedReader, ReadsTheEventsCalendarRssEventModule) {
  const Read r = read(fixture("wordpress_ev_module.xml"));
  EXPECT_EQ(r.feed.title, "Maison de la Démocratie Locale – Agenda");
  EXPECT_EQ(r.feed.ttl_seconds, 3600);
  ASSERT_EQ(r.feed.events.size(), 3u) << dump(r.problems);

  const core::Event* council = r.by_uid("https://mdl-nantes.org/?post_type=tribe_events&p=771");
  ASSERT_NE(council, nullptr);
  EXPECT_EQ(council->summary, "Conseil de quartier Malakoff");
  EXPECT_EQ(council->start, utc_time(2026, 10, 20, 16, 30));
  EXPECT_EQ(council->end, utc_time(2026, 10, 20, 18, 30));
  EXPECT_EQ(council->location, "Salle Malakoff, 2 rue de Tchécoslovaquie, Nantes");
  EXPECT_EQ(council->organizer, "Ville de Nantes");
  EXPECT_EQ(council->categories,
            (std::vector<std::string>{"Conseils de quartier", "Réunion publique"}));
  EXPECT_EQ(council->url, "https://mdl-nantes.org/evenement/conseil-de-quartier-malakoff/");
  EXPECT_EQ(council->description, "Ordre du jour : aménagement de la place, propreté.");
  EXPECT_EQ(council->status, core::EventStatus::kConfirmed);
  EXPECT_EQ(council->source_line, 13);
  EXPECT_EQ(council->last_modified, utc_time(2026, 10, 1, 7).utc);

  const core::Event* forum = r.by_summary("Forum des associations");
  ASSERT_NE(forum, nullptr);
  EXPECT_EQ(forum->start, date(2026, 11, 7));
  EXPECT_EQ(forum->end, date(2026, 11, 9));  // ev:enddate is the last day

  const core::Event* desk = r.by_summary("Permanence numérique");
  ASSERT_NE(desk, nullptr);
  EXPECT_EQ(desk->start, floating_time(2026, 10, 22, 10));
  EXPECT_EQ(desk->end, desk->start);

  EXPECT_TRUE(r.has_problem(44, "item \"Date illisible\" (line 44): ev:startdate \"bientôt\""))
      << dump(r.problems);
}

TEST(XmlFeedReader, ReadsADrupalFeedWithDcDateAndSkipsAnItemWithoutPublicationDate) {
  const Read r = read(fixture("drupal.xml"));
  EXPECT_EQ(r.feed.title, "Conseil de développement du Pays de Redon");
  EXPECT_FALSE(r.feed.ttl_seconds);
  expect_dated_or_skipped(r, "Soirée débat « Mobilités rurales »", 9);
  expect_dated_or_skipped(r, "Nouveau site internet", 17);
  EXPECT_TRUE(r.has_problem(
      25, "item \"Sans date\" (line 25): no publication date to anchor the text's date"))
      << dump(r.problems);
  EXPECT_EQ(r.by_summary("Sans date"), nullptr);
}

TEST(XmlFeedReader, ReadsAMailchimpCampaignArchive) {
  const Read r = read(fixture("mailchimp_archive.xml"));
  EXPECT_EQ(r.feed.title, "Lettre d'information du Réseau Participation Citoyenne Archive Feed");
  expect_dated_or_skipped(r, "Lettre d'octobre : rencontres régionales", 9);
  expect_dated_or_skipped(r, "Lettre de septembre", 35);
  if (const core::Event* event = r.by_summary("Lettre d'octobre : rencontres régionales")) {
    EXPECT_EQ(event->description.find("mso"), std::string::npos) << event->description;
    EXPECT_EQ(event->description.find("margin"), std::string::npos) << event->description;
    EXPECT_EQ(event->description.find('<'), std::string::npos) << event->description;
  }
}

TEST(XmlFeedReader, ReadsAHugoAtomFeed) {
  const Read r = read(fixture("hugo_atom.xml"));
  EXPECT_EQ(r.feed.format, "atom");
  EXPECT_EQ(r.feed.title, "Tiers-lieu La Fabrique — Agenda");
  const core::Event* repair = r.by_uid("https://lafabrique-grenoble.fr/agenda/repair-cafe/");
  ASSERT_NE(repair, nullptr) << dump(r.problems);
  EXPECT_EQ(repair->summary, "Repair café & disco soupe");
  EXPECT_EQ(repair->start, utc_time(2026, 10, 10, 12));
  EXPECT_EQ(repair->end, utc_time(2026, 10, 10, 16));
  EXPECT_EQ(repair->location, "La Fabrique, 12 rue Very, Grenoble");
  EXPECT_EQ(repair->url, "https://lafabrique-grenoble.fr/agenda/repair-cafe/");
  EXPECT_EQ(repair->categories, (std::vector<std::string>{"Réemploi", "Convivialité"}));
  EXPECT_EQ(repair->description,
            "Apportez vos objets cassés, on répare ensemble.\n\nSoupe offerte !");
  EXPECT_EQ(repair->last_modified, utc_time(2026, 10, 2, 9).utc);
  EXPECT_EQ(repair->source_line, 9);
  expect_dated_or_skipped(r, "Assemblée des habitants", 23);
}

TEST(XmlFeedReader, ReadsAnRss1RdfFeedWithAnyPrefixForTheEventModule) {
  const Read r = read(fixture("rss1_rdf.xml"));
  EXPECT_EQ(r.feed.format, "rss");
  EXPECT_EQ(r.feed.title, "Villeurbanne — concertations");
  const core::Event* meeting =
      r.by_uid("https://www.ville-villeurbanne.fr/concertation/gratte-ciel");
  ASSERT_NE(meeting, nullptr) << dump(r.problems);
  EXPECT_EQ(meeting->summary, "Réunion de concertation Gratte-Ciel");
  EXPECT_EQ(meeting->start, utc_time(2026, 10, 15, 16));
  EXPECT_EQ(meeting->end, utc_time(2026, 10, 15, 18));
  EXPECT_EQ(meeting->location, "Hôtel de ville de Villeurbanne");
  EXPECT_EQ(meeting->organizer, "Direction de la participation");
  EXPECT_EQ(meeting->categories, (std::vector<std::string>{"Urbanisme", "Concertation"}));
  EXPECT_EQ(meeting->source_line, 18);
  expect_dated_or_skipped(r, "Balade urbaine au parc", 30);
}

TEST(XmlFeedReader, ReadsXcalElementsInBasicAndExtendedForms) {
  const Read r = read(fixture("xcal.xml"));
  ASSERT_EQ(r.feed.events.size(), 4u) << dump(r.problems);
  const core::Event* workshop = r.by_uid("urn:uuid:4f1c2a9e-3b7d-4c1e-9a20-5d6e7f8a9b0c");
  ASSERT_NE(workshop, nullptr);
  EXPECT_EQ(workshop->start, utc_time(2026, 11, 3, 18, 30));
  EXPECT_EQ(workshop->end, utc_time(2026, 11, 3, 20, 30));
  EXPECT_EQ(workshop->location, "Salle de la Cité, Rennes");

  const core::Event* open_day = r.by_uid("https://metropole.rennes.fr/agenda/portes-ouvertes");
  ASSERT_NE(open_day, nullptr);
  EXPECT_EQ(open_day->start, date(2026, 11, 14));
  EXPECT_EQ(open_day->end, date(2026, 11, 15));  // DTEND is exclusive, as in iCalendar

  const core::Event* council = r.by_summary("Conseil métropolitain");
  ASSERT_NE(council, nullptr);
  EXPECT_EQ(council->start.tzid, "Europe/Paris");
  EXPECT_EQ(council->start.local, (core::LocalDateTime{{2026, 11, 19}, 18, 0, 0}));
  EXPECT_EQ(council->start.utc, utc_time(2026, 11, 19, 17).utc);
  EXPECT_EQ(council->end.utc, utc_time(2026, 11, 19, 20).utc);

  const core::Event* reversed = r.by_summary("Fin avant le début");
  ASSERT_NE(reversed, nullptr);
  EXPECT_EQ(reversed->end, reversed->start);
  EXPECT_TRUE(r.has_problem(28, "the end is before the start")) << dump(r.problems);
}

TEST(XmlFeedReader, FailsOnMalformedXmlWithTheLineAndWhatIsWrong) {
  EXPECT_EQ(read_error(fixture("broken.xml")), "not well-formed XML at line 6: mismatched end tag");
}

TEST(XmlFeedReader, FailsOnAnHtmlPageServedAsAFeed) {
  EXPECT_EQ(read_error(fixture("html_served_as_rss.xml")),
            "not an RSS or Atom feed (root element <html>)");
  EXPECT_EQ(read_error("<html><body><p>x</p></body></html>"),
            "not an RSS or Atom feed (root element <html>)");
}

TEST(XmlFeedReader, DecodesEntitiesAndCdataInEveryField) {
  const Read r = read(fixture("entities.xml"));
  EXPECT_EQ(r.feed.title, "Entités & CDATA");
  ASSERT_EQ(r.feed.events.size(), 1u) << dump(r.problems);
  const core::Event& event = r.feed.events[0];
  EXPECT_EQ(event.uid, "cafe-citoyen-2026");
  EXPECT_EQ(event.summary, "Café citoyen « Démocratie » – 5 €");
  EXPECT_EQ(event.url, "https://exemple.fr/cafe?a=1&b=2");
  EXPECT_EQ(event.categories, (std::vector<std::string>{"Débat & société"}));
  EXPECT_EQ(event.description, "L’équipe vous attend… œuvre &c. &unknown; \uFFFD <script>");
  EXPECT_EQ(event.start, utc_time(2026, 10, 30, 19));
}

TEST(XmlFeedReader, IgnoresAWrongEncodingDeclarationOnUtf8Text) {
  const Read r = read(fixture("wrong_encoding_declared.xml"));
  EXPECT_EQ(r.feed.title, "Comité des fêtes de Saint-Étienne");
  ASSERT_EQ(r.feed.events.size(), 1u) << dump(r.problems);
  EXPECT_EQ(r.feed.events[0].location, "Place de l’Église");
  EXPECT_EQ(r.feed.events[0].start, date(2026, 10, 24));
  EXPECT_EQ(r.feed.events[0].end, date(2026, 10, 25));
}

// ---- Details --------------------------------------------------------------------------------

constexpr std::string_view kEv = "xmlns:ev=\"http://purl.org/rss/1.0/modules/event/\"";

TEST(XmlFeedReader, ReadsRfc822PublicationDatesInTheirVariants) {
  const struct {
    std::string_view pub_date;
    core::EventTime expected;
  } cases[] = {
      {"Tue, 01 Dec 2026 10:00:00 +0100", utc_time(2026, 12, 1, 9)},
      {"01 Dec 2026 10:00 +0100", utc_time(2026, 12, 1, 9)},
      {"Tue, 1 Dec 26 10:00:00 GMT", utc_time(2026, 12, 1, 10)},
      {"Tue, 01 Dec 2026 10:00:00 CET", utc_time(2026, 12, 1, 9)},
      {"Tue, 01 Dec 2026 10:00:00 EST", utc_time(2026, 12, 1, 15)},
      {"Tue, 01 Dec 2026 10:00:00 UT", utc_time(2026, 12, 1, 10)},
      {"mar., 01 déc. 2026 10:00:00 +0100", utc_time(2026, 12, 1, 9)},
      {"2026-12-01T10:00:00+01:00", utc_time(2026, 12, 1, 9)},
  };
  for (const auto& c : cases) {
    const Read r = read(rss("<item><title>x</title><pubDate>" + std::string(c.pub_date) +
                                "</pubDate><ev:startdate>2026-12-10</ev:startdate></item>",
                            kEv));
    ASSERT_EQ(r.feed.events.size(), 1u) << c.pub_date;
    EXPECT_EQ(r.feed.events[0].last_modified, c.expected.utc) << c.pub_date;
  }
}

TEST(XmlFeedReader, AcceptsTheConventionalPrefixWhenTheNamespaceIsNotDeclared) {
  const Read r =
      read(rss("<item><title>x</title><guid>g</guid><ev:startdate>2026-12-10</ev:startdate>"
               "<ev:location>Lyon</ev:location><dc:subject>Débat</dc:subject></item>"));
  ASSERT_EQ(r.feed.events.size(), 1u) << dump(r.problems);
  EXPECT_EQ(r.feed.events[0].location, "Lyon");
  EXPECT_EQ(r.feed.events[0].categories, (std::vector<std::string>{"Débat"}));
}

TEST(XmlFeedReader, IgnoresElementsOfOtherNamespacesWithAFamiliarLocalName) {
  const Read r = read(rss("<item><title>x</title><foo:startdate>2026-12-10</foo:startdate></item>",
                          "xmlns:foo=\"http://example.org/foo\""));
  EXPECT_TRUE(r.feed.events.empty());
}

TEST(XmlFeedReader, MakesAUidFromTheLinkThenFromTitleAndDate) {
  const Read r =
      read(rss("<item><title>Avec lien</title><link> https://x.fr/a </link>"
               "<ev:startdate>2026-12-10</ev:startdate></item>\n"
               "<item><title>Sans rien</title><ev:startdate>2026-12-10</ev:startdate></item>\n",
               kEv));
  ASSERT_EQ(r.feed.events.size(), 2u);
  EXPECT_EQ(r.feed.events[0].uid, "https://x.fr/a");
  EXPECT_EQ(r.feed.events[0].url, "https://x.fr/a");
  EXPECT_EQ(r.feed.events[1].uid, "concerto-" + core::hex64(core::fnv1a64("Sans rien20261210")));
  EXPECT_EQ(r.feed.events[1].uid, read(rss("<item><title>Sans rien</title><ev:startdate>"
                                           "2026-12-10</ev:startdate></item>",
                                           kEv))
                                      .feed.events[0]
                                      .uid);
}

TEST(XmlFeedReader, TakesTheEnclosureWhenTheLinkIsNotHttp) {
  const Read r =
      read(rss("<item><title>x</title><link>javascript:alert(1)</link>"
               "<enclosure url=\"https://x.fr/affiche.pdf\" type=\"application/pdf\" length=\"1\"/>"
               "<ev:startdate>2026-12-10</ev:startdate></item>",
               kEv));
  ASSERT_EQ(r.feed.events.size(), 1u);
  EXPECT_EQ(r.feed.events[0].url, "https://x.fr/affiche.pdf");
}

TEST(XmlFeedReader, ReadsTheTtlInMinutes) {
  const Read r =
      read("<rss version=\"2.0\"><channel><title>T</title><ttl>90</ttl></channel></rss>");
  EXPECT_EQ(r.feed.ttl_seconds, 90 * 60);
  EXPECT_TRUE(r.feed.events.empty());
}

TEST(XmlFeedReader, KeepsOnlyMaxEventsItems) {
  std::string items;
  for (int i = 0; i < 5; ++i) {
    items += "<item><guid>" + std::to_string(i) + "</guid><ev:startdate>2026-12-1" +
             std::to_string(i) + "</ev:startdate></item>\n";
  }
  core::IngestLimits limits;
  limits.max_events = 3;
  const Read r = read(rss(items, kEv), limits);
  EXPECT_EQ(r.feed.events.size(), 3u);
  EXPECT_TRUE(r.has_problem(8, "max_events")) << dump(r.problems);
}

TEST(XmlFeedReader, WarnsAboutAStartDateWithoutADay) {
  const Read r =
      read(rss("<item><title>Mois seul</title><ev:startdate>2026-10</ev:startdate>"
               "</item>",
               kEv));
  EXPECT_TRUE(r.feed.events.empty());
  EXPECT_TRUE(r.has_problem(5, "item \"Mois seul\" (line 5): ev:startdate \"2026-10\" has no day"))
      << dump(r.problems);
}

TEST(XmlFeedReader, ReadsAnAtomFeedWithoutItsNamespaceDeclaration) {
  const Read r = read(
      "<feed><title>A</title><entry><id>e1</id><title>t</title>"
      "<link rel=\"self\" href=\"https://x.fr/self\"/><link href=\"https://x.fr/e1\"/>"
      "<ev:startdate>2026-12-10T10:00:00Z</ev:startdate></entry></feed>");
  EXPECT_EQ(r.feed.format, "atom");
  ASSERT_EQ(r.feed.events.size(), 1u) << dump(r.problems);
  EXPECT_EQ(r.feed.events[0].uid, "e1");
  EXPECT_EQ(r.feed.events[0].url, "https://x.fr/e1");
}

TEST(XmlFeedReader, FailsOnAnEmptyOrForeignDocument) {
  EXPECT_NE(read_error("").find("not well-formed XML"), std::string::npos);
  EXPECT_EQ(read_error("<?xml version=\"1.0\"?><opml version=\"2.0\"/>"),
            "not an RSS or Atom feed (root element <opml>)");
}

TEST(XmlFeedReader, SkipsAProseItemWithoutPublicationDateWithItsReason) {
  const Read r =
      read(rss("<item><title>Réunion</title><description>le 3 mars</description>"
               "</item>"));
  EXPECT_TRUE(r.feed.events.empty());
  EXPECT_TRUE(
      r.has_problem(5, "item \"Réunion\" (line 5): no publication date to anchor the text's date"))
      << dump(r.problems);
  EXPECT_EQ(r.problems.at(0).severity, Severity::kWarning);
}

}  // namespace
}  // namespace concerto::parse
