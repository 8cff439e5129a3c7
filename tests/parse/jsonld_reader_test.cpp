#include "parse/jsonld_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "core/civil_time.h"
#include "core/text.h"
#include "parse/html_text.h"

namespace concerto::parse {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(CONCERTO_FIXTURES_DIR) + "/html/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

core::EventTime utc(int year, int month, int day, int hour, int minute) {
  core::EventTime time;
  time.local = {{year, month, day}, hour, minute, 0};
  time.tzid = "UTC";
  time.utc = core::seconds_from_civil(time.local);
  return time;
}

core::EventTime floating(int year, int month, int day, int hour, int minute) {
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

std::string page_with(const std::string& json) {
  return "<html><head><script type=\"application/ld+json\">" + json +
         "</script></head><body></body></html>";
}

bool has_problem(const core::Problems& problems, const std::string& text) {
  for (const auto& problem : problems) {
    if (problem.message.find(text) != std::string::npos) return true;
  }
  return false;
}

// ---- Producers' pages
// ----------------------------------------------------------------------------

TEST(JsonLdReader, ReadsTheEventsCalendarArrayAcrossTheDaylightSavingChange) {
  core::Problems problems;
  auto page = read_jsonld_events(read_fixture("wordpress_tribe_events.html"), {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  EXPECT_EQ(page->title, core::clean_line(html_to_text("Agenda &#8211; Collectif Lyon Citoyen")));
  EXPECT_THAT(page->title, HasSubstr("Collectif Lyon Citoyen"));
  EXPECT_THAT(problems, IsEmpty());
  ASSERT_EQ(page->events.size(), 3u);  // not the commented-out draft

  const core::Event& atelier = page->events[0];
  EXPECT_EQ(atelier.summary, "Atelier budget participatif");
  EXPECT_THAT(atelier.description, HasSubstr("Venez proposer vos projets pour le quartier."));
  EXPECT_EQ(atelier.url, "https://lyon-citoyen.example.fr/evenement/atelier-budget-participatif/");
  EXPECT_EQ(atelier.uid,
            "https://lyon-citoyen.example.fr/evenement/atelier-budget-participatif/"
            "2027-03-04T18:30:00+01:00");
  EXPECT_EQ(atelier.start, utc(2027, 3, 4, 17, 30));  // +01:00
  EXPECT_EQ(atelier.end, utc(2027, 3, 4, 20, 0));
  EXPECT_EQ(atelier.location, "Maison des associations, 12 rue de la République, 69002 Lyon");
  EXPECT_EQ(atelier.organizer, "Collectif Lyon Citoyen <contact@lyon-citoyen.example.fr>");
  EXPECT_EQ(atelier.status, core::EventStatus::kConfirmed);
  EXPECT_THAT(atelier.categories, IsEmpty());
  EXPECT_EQ(atelier.source_line, 16);
  EXPECT_TRUE(atelier.feed_id.empty());

  const core::Event& reunion = page->events[1];
  EXPECT_EQ(reunion.summary, "Réunion publique : plan de mobilité");
  EXPECT_THAT(reunion.description, HasSubstr("Présentation du plan et questions des habitants."));
  EXPECT_EQ(reunion.start, utc(2027, 4, 8, 17, 0));  // +02:00 after the change
  EXPECT_EQ(reunion.end, utc(2027, 4, 8, 19, 30));
  EXPECT_EQ(reunion.location, "Mairie du 7e arrondissement, 16 place Jean Macé, 69007 Lyon");
  EXPECT_EQ(reunion.organizer, "Collectif Lyon Citoyen <contact@lyon-citoyen.example.fr>");
  EXPECT_EQ(reunion.url, "https://lyon-citoyen.example.fr/evenement/reunion-publique-mobilite/");
  EXPECT_EQ(reunion.source_line, 16);

  const core::Event& fete = page->events[2];
  EXPECT_EQ(fete.summary, "Fête de la démocratie locale");
  EXPECT_EQ(fete.description, "Deux jours de débats et d'ateliers.");
  EXPECT_EQ(fete.start, date(2027, 6, 12));
  EXPECT_EQ(fete.end, date(2027, 6, 14));                        // endDate 06-13 included
  EXPECT_EQ(fete.location, "Parc de la Tête d'Or, 69006 Lyon");  // the name is the street
  EXPECT_THAT(fete.categories, ElementsAre("démocratie", "fête"));
  EXPECT_TRUE(fete.organizer.empty());
}

TEST(JsonLdReader, ReadsOpenAgendaGraphWithAWebinarAndAFloatingTime) {
  core::Problems problems;
  auto page = read_jsonld_events(read_fixture("openagenda.html"), {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  EXPECT_EQ(page->title, "Concertation Grand Paris | OpenAgenda");
  EXPECT_THAT(problems, IsEmpty());
  ASSERT_EQ(page->events.size(), 3u);

  const core::Event& webinar = page->events[0];
  EXPECT_EQ(
      webinar.uid,
      "https://openagenda.com/fr/concertation-grand-paris/events/webinaire-plu-bioclimatique");
  EXPECT_EQ(webinar.summary, "Webinaire : le PLU bioclimatique expliqué");
  EXPECT_THAT(webinar.description, HasSubstr("Une heure pour comprendre le futur plan local"));
  EXPECT_THAT(webinar.description, HasSubstr("Questions en direct."));
  EXPECT_EQ(webinar.start, utc(2027, 5, 12, 18, 0));
  EXPECT_EQ(webinar.end, utc(2027, 5, 12, 19, 30));
  EXPECT_EQ(webinar.location, "En ligne");
  EXPECT_EQ(webinar.url, "https://visio.example.org/webinaire-plu");  // it has none of its own
  EXPECT_EQ(webinar.organizer, "Métropole du Grand Paris");
  EXPECT_EQ(webinar.status, core::EventStatus::kConfirmed);
  EXPECT_THAT(webinar.categories, ElementsAre("urbanisme", "PLU"));
  EXPECT_EQ(webinar.source_line, 6);

  const core::Event& balade = page->events[1];
  EXPECT_EQ(balade.uid,
            "https://openagenda.com/fr/concertation-grand-paris/events/balade-urbaine-saint-denis");
  EXPECT_EQ(balade.summary, "Balade urbaine à Saint-Denis");
  EXPECT_TRUE(balade.description.empty());
  EXPECT_EQ(balade.start, utc(2027, 5, 15, 8, 0));
  EXPECT_EQ(balade.end, utc(2027, 5, 15, 10, 0));
  EXPECT_EQ(balade.location,
            "Parvis de la basilique, 1 rue de la Légion d'Honneur, 93200 Saint-Denis");
  EXPECT_EQ(balade.url,
            "https://openagenda.com/fr/concertation-grand-paris/events/balade-urbaine-saint-denis");
  EXPECT_THAT(balade.categories, ElementsAre("Patrimoine"));

  const core::Event& permanence = page->events[2];
  EXPECT_EQ(permanence.summary, "Permanence en ligne des élus");
  EXPECT_EQ(permanence.start, floating(2027, 6, 1, 14, 0));
  EXPECT_TRUE(permanence.start.floating());
  EXPECT_EQ(permanence.end, permanence.start);
  EXPECT_EQ(permanence.location, "En ligne");  // from eventAttendanceMode alone
  EXPECT_TRUE(permanence.url.empty());
}

TEST(JsonLdReader, ReadsEventbriteEventsWithOrganizerOffersAndCancellation) {
  core::Problems problems;
  auto page = read_jsonld_events(read_fixture("eventbrite.html"), {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  EXPECT_EQ(page->title,
            "Forum citoyen sur la transition énergétique Billets, Le sam. 27 mars 2027 à 10:00 | "
            "Eventbrite");
  EXPECT_THAT(problems, IsEmpty());
  ASSERT_EQ(page->events.size(), 2u);

  const std::string forum_url =
      "https://www.eventbrite.fr/e/"
      "forum-citoyen-sur-la-transition-energetique-billets-812345678901";
  const core::Event& forum = page->events[0];
  EXPECT_EQ(forum.summary, "Forum citoyen sur la transition énergétique");
  EXPECT_EQ(forum.description,
            "Tables rondes, stands des associations et ateliers pour réduire la facture d'énergie "
            "du quartier.");
  EXPECT_EQ(forum.url, forum_url);
  EXPECT_EQ(forum.uid, forum_url + "2027-03-27T10:00:00+01:00");
  EXPECT_EQ(forum.start, utc(2027, 3, 27, 9, 0));
  EXPECT_EQ(forum.end, utc(2027, 3, 27, 16, 0));
  EXPECT_EQ(forum.location, "Halle aux grains, 1 place Dupuy, 31000 Toulouse");
  EXPECT_EQ(forum.organizer, "Toulouse en Transition");
  EXPECT_EQ(forum.status, core::EventStatus::kConfirmed);
  EXPECT_EQ(forum.source_line, 5);

  const std::string atelier_url =
      "https://www.eventbrite.fr/e/atelier-velo-solidaire-billets-812345670000";
  const core::Event& atelier = page->events[1];
  EXPECT_EQ(atelier.summary, "Atelier vélo solidaire");
  EXPECT_TRUE(atelier.description.empty());
  EXPECT_EQ(atelier.status, core::EventStatus::kCancelled);
  EXPECT_EQ(atelier.start, utc(2027, 4, 3, 14, 0));
  EXPECT_EQ(atelier.end, atelier.start);
  EXPECT_EQ(atelier.location, "Local associatif, Toulouse");
  EXPECT_EQ(atelier.url, atelier_url);  // from its offer
  EXPECT_EQ(atelier.uid, atelier_url + "2027-04-03T14:00:00Z");
  EXPECT_EQ(atelier.organizer, "Camille Martin <camille.martin@example.fr>");
  EXPECT_EQ(atelier.source_line, 8);  // the unquoted type attribute is read
}

TEST(JsonLdReader, ReportsABrokenBlockAndReadsTheGoodOneInCdata) {
  core::Problems problems;
  auto page = read_jsonld_events(read_fixture("invalid_jsonld.html"), {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  EXPECT_EQ(page->title, "Conseil de quartier Nord");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 5);
  EXPECT_THAT(problems[0].message, HasSubstr("JSON-LD block at line 5 is not valid JSON: "));
  ASSERT_EQ(page->events.size(), 1u);
  const core::Event& conseil = page->events[0];
  EXPECT_EQ(conseil.summary, "Conseil de quartier Nord");
  EXPECT_EQ(conseil.uid, "concerto-" + core::hex64(core::fnv1a64("Conseil de quartier Nord"
                                                                 "2027-02-10T19:00:00+01:00")));
  EXPECT_EQ(conseil.start, utc(2027, 2, 10, 18, 0));
  EXPECT_EQ(conseil.end, utc(2027, 2, 10, 20, 0));
  EXPECT_EQ(conseil.location, "École Jules Ferry, 3 rue des Écoles, 59000 Lille");
  EXPECT_TRUE(conseil.url.empty());
  EXPECT_EQ(conseil.source_line, 8);
}

TEST(JsonLdReader, FailsOnAPageWhoseJsonLdHasNoEvent) {
  core::Problems problems;
  auto page = read_jsonld_events(read_fixture("no_events.html"), {}, problems);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error(), "no schema.org Event in the page's JSON-LD (2 blocks read)");
  EXPECT_THAT(problems, IsEmpty());

  auto plain = read_jsonld_events("<html><title>Agenda</title><p>Rien</p></html>", {}, problems);
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error(), "no schema.org Event in the page's JSON-LD (0 blocks read)");
}

// ---- Structure and types
// ---------------------------------------------------------------------------

TEST(JsonLdReader, FindsEventsInAnItemListAndAWebPageMainEntity) {
  core::Problems problems;
  auto page = read_jsonld_events(
      page_with(R"({"@context":"https://schema.org","@type":"WebPage","mainEntity":{
        "@type":"ItemList","itemListElement":[
          {"@type":"ListItem","position":1,"item":{"@type":"Event","name":"Un",
           "startDate":"2027-01-05"}},
          {"@type":"ListItem","position":2,"item":{"@type":"Event","name":"Deux",
           "startDate":"2027-01-06"}}]}})"),
      {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[0].summary, "Un");
  EXPECT_EQ(page->events[1].summary, "Deux");
  EXPECT_EQ(page->events[0].start, date(2027, 1, 5));
  EXPECT_EQ(page->events[0].end, date(2027, 1, 6));  // no endDate: one day
}

TEST(JsonLdReader, RecognisesEventSubtypesWithAnySchemaPrefix) {
  const std::string json = R"([
    {"@type":"http://schema.org/MusicEvent","name":"a","startDate":"2027-01-01"},
    {"@type":"https://schema.org/TheaterEvent","name":"b","startDate":"2027-01-01"},
    {"@type":"schema:CourseInstance","name":"c","startDate":"2027-01-01"},
    {"@type":["Thing","Hackathon"],"name":"d","startDate":"2027-01-01"},
    {"@type":"Place","name":"not an event","startDate":"2027-01-01"},
    {"@type":"EventSeries","name":"not an event either","startDate":"2027-01-01"},
    {"name":"no type","startDate":"2027-01-01"}])";
  core::Problems problems;
  auto page = read_jsonld_events(page_with(json), {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page->events.size(), 4u);
  EXPECT_EQ(page->events[3].summary, "d");
}

TEST(JsonLdReader, ReadsScriptTagsWrittenInEveryWay) {
  const std::string event = R"({"@type":"Event","name":"x","startDate":"2027-01-01"})";
  for (const std::string& tag :
       {std::string("<script type=\"application/ld+json\">"),
        std::string("<script id='ld' type = 'APPLICATION/LD+JSON' >"),
        std::string("<ScRiPt\ntype=application/ld+json\ndata-x=\"a>b\">"),
        std::string("<script type=\"application/ld+json; charset=utf-8\" async>")}) {
    core::Problems problems;
    auto page =
        read_jsonld_events("<html>\n" + tag + "<!--" + event + "-->\n</SCRIPT >", {}, problems);
    ASSERT_TRUE(page.ok()) << tag << ": " << page.error();
    EXPECT_EQ(page->events.size(), 1u) << tag;
    EXPECT_EQ(page->events[0].source_line, 2) << tag;
  }
  for (const std::string& tag :
       {std::string("<script type=\"text/javascript\">"), std::string("<script>"),
        std::string("<scripts type=ld>"), std::string("<script type=\"application/json\">")}) {
    core::Problems problems;
    EXPECT_FALSE(read_jsonld_events(tag + event + "</script>", {}, problems).ok()) << tag;
  }
}

// ---- Fields
// ----------------------------------------------------------------------------------------

TEST(JsonLdReader, SkipsAnEventWithAnImpossibleDateAndNamesIt) {
  const std::string json = R"([
    {"@type":"Event","name":"Treizième mois","startDate":"2027-13-04T18:00:00+01:00"},
    {"@type":"Event","name":"Date à venir","startDate":"TBA"},
    {"@type":"Event","name":"Fin impossible","startDate":"2027-02-01","endDate":"2027-02-30"},
    {"@type":"Event","name":"Sans date"},
    {"@type":"Event","name":"Trente et un avril","startDate":"2027-04-31"},
    {"@type":"Event","name":"Heure 25","startDate":"2027-04-01T25:00"},
    {"@type":"Event","name":"Décalage bizarre","startDate":"2027-04-01T10:00+1"},
    {"@type":"Event","name":"Correct","startDate":"2027-04-01T10:00:00.000+02:00"}])";
  core::Problems problems;
  auto page = read_jsonld_events(page_with(json), {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].summary, "Correct");
  EXPECT_EQ(page->events[0].start, utc(2027, 4, 1, 8, 0));
  ASSERT_EQ(problems.size(), 7u);
  for (const auto& problem : problems) {
    EXPECT_EQ(problem.severity, core::Severity::kError);
    EXPECT_EQ(problem.line, 1);
  }
  EXPECT_EQ(problems[0].message,
            "event \"Treizième mois\": startDate \"2027-13-04T18:00:00+01:00\" is not a date");
  EXPECT_EQ(problems[1].message, "event \"Date à venir\": startDate \"TBA\" is not a date");
  EXPECT_EQ(problems[2].message, "event \"Fin impossible\": endDate \"2027-02-30\" is not a date");
  EXPECT_EQ(problems[3].message, "event \"Sans date\" has no startDate");
}

TEST(JsonLdReader, IgnoresAnEndBeforeTheStart) {
  core::Problems problems;
  auto page = read_jsonld_events(
      page_with(R"({"@type":"Event","name":"x","startDate":"2027-03-04T18:00:00Z",
                    "endDate":"2027-03-04T17:00:00Z"})"),
      {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  EXPECT_EQ(page->events[0].end, page->events[0].start);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].severity, core::Severity::kWarning);
  EXPECT_THAT(problems[0].message, HasSubstr("endDate \"2027-03-04T17:00:00Z\""));
}

TEST(JsonLdReader, MapsPostponedAndRescheduledToTentativeAndSaysSo) {
  const std::string json = R"([
    {"@type":"Event","name":"a","startDate":"2027-01-01","eventStatus":"https://schema.org/EventPostponed"},
    {"@type":"Event","name":"b","startDate":"2027-01-01","eventStatus":"EventRescheduled"},
    {"@type":"Event","name":"c","startDate":"2027-01-01","eventStatus":"schema:EventCancelled"},
    {"@type":"Event","name":"d","startDate":"2027-01-01","eventStatus":"http://schema.org/EventMovedOnline"},
    {"@type":"Event","name":"e","startDate":"2027-01-01","eventStatus":"Complet"}])";
  core::Problems problems;
  auto page = read_jsonld_events(page_with(json), {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page->events.size(), 5u);
  EXPECT_EQ(page->events[0].status, core::EventStatus::kTentative);
  EXPECT_EQ(page->events[1].status, core::EventStatus::kTentative);
  EXPECT_EQ(page->events[2].status, core::EventStatus::kCancelled);
  EXPECT_EQ(page->events[3].status, core::EventStatus::kConfirmed);
  EXPECT_EQ(page->events[4].status, core::EventStatus::kConfirmed);
  EXPECT_TRUE(has_problem(problems, "event \"a\" is EventPostponed; kept as tentative"));
  EXPECT_TRUE(has_problem(problems, "event \"b\" is EventRescheduled; kept as tentative"));
  EXPECT_TRUE(has_problem(problems, "eventStatus \"Complet\" is unknown"));
  EXPECT_EQ(problems.size(), 3u);
}

TEST(JsonLdReader, KeepsOnlyHttpUrlsAndFallsBackToTheFirstOfferWithOne) {
  core::Problems problems;
  auto page =
      read_jsonld_events(page_with(R"json({"@type":"Event","name":"x","startDate":"2027-01-01",
        "url":"javascript:alert(1)",
        "offers":[{"@type":"Offer","url":"/billets"},{"@type":"Offer","url":"https://b.example/t"}]
})json"),
                         {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  EXPECT_EQ(page->events[0].url, "https://b.example/t");
  EXPECT_EQ(page->events[0].uid, "https://b.example/t2027-01-01");
}

TEST(JsonLdReader, ComposesLocationsFromEachShapeSchemaOrgAllows) {
  const std::string json = R"([
    {"@type":"Event","name":"a","startDate":"2027-01-01","location":"Salle polyvalente"},
    {"@type":"Event","name":"b","startDate":"2027-01-01","location":{"@type":"Place","name":"Médiathèque","address":"2 rue Haute, 35000 Rennes"}},
    {"@type":"Event","name":"c","startDate":"2027-01-01","location":{"@type":"PostalAddress","streetAddress":"5 quai Duguay-Trouin","postalCode":"35000","addressLocality":"Rennes"}},
    {"@type":"Event","name":"d","startDate":"2027-01-01","url":"https://own.example/d","location":[{"@type":"VirtualLocation","url":"https://visio.example/d"}]},
    {"@type":"Event","name":"e","startDate":"2027-01-01","location":{"@type":"Place","name":"Rennes","address":{"addressLocality":"Rennes"}}},
    {"@type":"Event","name":"f","startDate":"2027-01-01","eventAttendanceMode":"https://schema.org/OfflineEventAttendanceMode"}])";
  core::Problems problems;
  auto page = read_jsonld_events(page_with(json), {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page->events.size(), 6u);
  EXPECT_EQ(page->events[0].location, "Salle polyvalente");
  EXPECT_EQ(page->events[1].location, "Médiathèque, 2 rue Haute, 35000 Rennes");
  EXPECT_EQ(page->events[2].location, "5 quai Duguay-Trouin, 35000 Rennes");
  EXPECT_EQ(page->events[3].location, "En ligne");
  EXPECT_EQ(page->events[3].url, "https://own.example/d");  // its own url wins
  EXPECT_EQ(page->events[4].location, "Rennes");
  EXPECT_TRUE(page->events[5].location.empty());
}

TEST(JsonLdReader, PrefersTheIdForTheUidAndKeepsOneCopyOfARepeatedEvent) {
  const std::string event =
      R"({"@type":"Event","@id":"https://a.example/e#event","name":"x","startDate":"2027-01-01"})";
  core::Problems problems;
  auto page = read_jsonld_events(page_with(event) + page_with(event), {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].uid, "https://a.example/e#event");
  EXPECT_TRUE(has_problem(problems, "appears twice"));

  problems.clear();
  auto blank = read_jsonld_events(
      page_with(R"({"@type":"Event","@id":"_:b0","name":"y","startDate":"2027-01-02"})"), {},
      problems);
  ASSERT_TRUE(blank.ok()) << blank.error();
  EXPECT_EQ(blank->events[0].uid, "concerto-" + core::hex64(core::fnv1a64("y2027-01-02")));
}

TEST(JsonLdReader, ReadsOrganizerAndCategoryShapes) {
  core::Problems problems;
  auto page = read_jsonld_events(page_with(R"([
        {"@type":"Event","name":"a","startDate":"2027-01-01","organizer":[{"@type":"Person","email":"a@b.example"}],
         "keywords":["vote", "Vote", "budget"],"about":"budget"},
        {"@type":"Event","name":"b","startDate":"2027-01-01","organizer":"Mairie de Nantes"}])"),
                                 {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  EXPECT_EQ(page->events[0].organizer, "a@b.example");
  EXPECT_THAT(page->events[0].categories, ElementsAre("vote", "budget"));
  EXPECT_EQ(page->events[1].organizer, "Mairie de Nantes");
}

// ---- Hostile pages
// ---------------------------------------------------------------------------------

TEST(JsonLdReader, RefusesABlockNestedTenThousandLevelsDeepWithoutCrashing) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  const std::string deep_objects = [] {
    std::string json;
    for (int i = 0; i < 10000; ++i) json += "{\"a\":";
    json += "1";
    for (int i = 0; i < 10000; ++i) json += "}";
    return json;
  }();
  core::Problems problems;
  auto page = read_jsonld_events(
      page_with(deep) + page_with(deep_objects) +
          page_with(R"({"@type":"Event","name":"[[[[{{{{","startDate":"2027-01-01"})"),
      {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].summary, "[[[[{{{{");  // brackets in strings do not count
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_THAT(problems[0].message, HasSubstr("nested deeper than 64 levels"));
  EXPECT_THAT(problems[1].message, HasSubstr("nested deeper than 64 levels"));
}

TEST(JsonLdReader, DoesNotLookForEventsDeeperThanItsWalkLimit) {
  std::string json = R"({"@type":"Event","name":"deep","startDate":"2027-01-01"})";
  for (int i = 0; i < 60; ++i) json = "[" + json + "]";
  core::Problems problems;
  auto page = read_jsonld_events(page_with(json), {}, problems);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error(), "no schema.org Event in the page's JSON-LD (1 blocks read)");
}

TEST(JsonLdReader, ReadsAtMostTwoHundredBlocks) {
  std::string html = "<html><head>";
  for (int i = 0; i < 10000; ++i) {
    html += "<script type=\"application/ld+json\">{\"@type\":\"Event\",\"name\":\"e" +
            std::to_string(i) + "\",\"startDate\":\"2027-01-01\"}</script>\n";
  }
  core::Problems problems;
  auto page = read_jsonld_events(html, {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  EXPECT_EQ(page->events.size(), 200u);
  EXPECT_EQ(page->events.back().source_line, 200);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 201);
  EXPECT_THAT(problems[0].message, HasSubstr("more than 200 JSON-LD blocks"));
}

TEST(JsonLdReader, StopsAtLimitsMaxEvents) {
  std::string json = "[";
  for (int i = 0; i < 20; ++i) {
    json += std::string(i ? "," : "") + R"({"@type":"Event","name":"e)" + std::to_string(i) +
            R"(","startDate":"2027-01-01"})";
  }
  json += "]";
  core::IngestLimits limits;
  limits.max_events = 5;
  core::Problems problems;
  auto page = read_jsonld_events(page_with(json) + page_with(json), limits, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  EXPECT_EQ(page->events.size(), 5u);
  EXPECT_TRUE(has_problem(problems, "limits.max_events (5)"));
}

TEST(JsonLdReader, ReportsAScriptBlockThatIsNeverClosed) {
  core::Problems problems;
  auto page = read_jsonld_events(
      page_with(R"({"@type":"Event","name":"x","startDate":"2027-01-01"})") +
          "\n<script type=\"application/ld+json\">{\"@type\":\"Event\",\"name\":\"y\"",
      {}, problems);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page->events.size(), 1u);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 2);
  EXPECT_EQ(problems[0].message, "JSON-LD block at line 2 is never closed; ignored");

  problems.clear();
  auto only = read_jsonld_events("<script type=application/ld+json>[", {}, problems);
  ASSERT_FALSE(only.ok());
  EXPECT_EQ(problems.size(), 1u);
}

TEST(JsonLdReader, SurvivesTruncatedTagsCommentsAndTitles) {
  for (std::string_view html :
       {"<", "<script", "<script type=\"application/ld+json", "<script type='", "<!--",
        "<!-- <script type=application/ld+json>", "<title>", "<title>Agenda", "<script></script",
        "<script type=application/ld+json></script", "\xFF\xFE<script>"}) {
    core::Problems problems;
    auto page = read_jsonld_events(html, {}, problems);
    EXPECT_FALSE(page.ok()) << html;
  }
}

TEST(JsonLdReader, RefusesAPageOverLimitsMaxBytes) {
  core::IngestLimits limits;
  limits.max_bytes = 10;
  core::Problems problems;
  auto page = read_jsonld_events(std::string(11, ' '), limits, problems);
  ASSERT_FALSE(page.ok());
  EXPECT_THAT(page.error(), HasSubstr("limits.max_bytes"));
}

}  // namespace
}  // namespace concerto::parse
