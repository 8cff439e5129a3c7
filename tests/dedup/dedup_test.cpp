#include "dedup/dedup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/time_zone.h"
#include "dedup/decisions.h"

namespace concerto::dedup {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

core::EventTime paris(int year, int month, int day, int hour, int minute = 0) {
  core::EventTime time;
  time.tzid = "Europe/Paris";
  time.local = {{year, month, day}, hour, minute, 0};
  time.utc = core::find_zone("Europe/Paris")->to_utc(time.local);
  return time;
}

core::EventTime utc(int year, int month, int day, int hour, int minute = 0) {
  core::EventTime time;
  time.tzid = "UTC";
  time.local = {{year, month, day}, hour, minute, 0};
  time.utc = core::seconds_from_civil(time.local);
  return time;
}

core::EventTime date(int year, int month, int day) {
  core::EventTime time;
  time.all_day = true;
  time.date = {year, month, day};
  return time;
}

core::Event event(const std::string& feed, const std::string& uid, const std::string& summary,
                  core::EventTime start, const std::string& location = "") {
  core::Event e;
  e.feed_id = feed;
  e.uid = uid;
  e.summary = summary;
  e.start = start;
  if (start.all_day) {
    e.end = date(start.date.year, start.date.month, start.date.day + 1);
  } else {
    e.end = start;
    e.end.utc += 7200;
    e.end.local.hour += 2;
  }
  e.location = location;
  return e;
}

// The stored occurrences of the organiser's "weekly" series: Wednesdays 17:00-19:00 Paris
// from 2027-03-03.
std::vector<core::Occurrence> organiser_weekly_occurrences(int weeks) {
  std::vector<core::Occurrence> occurrences;
  for (int week = 0; week < weeks; ++week) {
    core::Occurrence occurrence;
    occurrence.feed_id = "organiser";
    occurrence.uid = "weekly";
    occurrence.start = paris(2027, 3, 3 + 7 * week, 17);
    occurrence.end = paris(2027, 3, 3 + 7 * week, 19);
    occurrence.recurrence_id = occurrence.start;
    occurrences.push_back(occurrence);
  }
  return occurrences;
}

struct Scenario {
  std::vector<core::Event> events;
  std::vector<core::Occurrence> occurrences;
  std::map<std::string, int> priority;
  store::MergeMemory memory;
  DedupResult result;

  const DedupResult& go() {
    DedupInput input;
    input.events = &events;
    input.occurrences = &occurrences;
    input.feed_priority = priority;
    input.memory = &memory;
    result = deduplicate(input);
    return result;
  }
  // Remembers what the writer would save, as update_memory does.
  void remember() {
    for (const core::MergeIdentity& identity : result.identities) {
      auto found = std::find_if(memory.identities.begin(), memory.identities.end(),
                                [&](const core::MergeIdentity& known) {
                                  return known.source_key == identity.source_key;
                                });
      if (found == memory.identities.end()) {
        memory.identities.push_back(identity);
      } else {
        *found = identity;
      }
    }
    for (const core::MergeSequence& sequence : result.sequences) {
      auto found = std::find_if(memory.sequences.begin(), memory.sequences.end(),
                                [&](const core::MergeSequence& known) {
                                  return known.merged_key == sequence.merged_key;
                                });
      if (found == memory.sequences.end()) {
        memory.sequences.push_back(sequence);
      } else {
        *found = sequence;
      }
    }
  }
};

std::vector<std::string> summaries(const DedupResult& result) {
  std::vector<std::string> out;
  for (const MergedEvent& merged : result.events) out.push_back(merged.event.summary);
  return out;
}

std::vector<std::string> uids(const DedupResult& result) {
  std::vector<std::string> out;
  for (const MergedEvent& merged : result.events) out.push_back(merged.event.uid);
  return out;
}

std::vector<std::string> feeds_of(const MergedEvent& merged) {
  std::vector<std::string> out;
  for (const SourceRef& source : merged.sources) out.push_back(source.feed_id + "/" + source.uid);
  return out;
}

TEST(Deduplicate, SameUidInSeveralFeedsIsOneEventFromTheHighestPriority) {
  Scenario run;
  run.events = {event("city", "rn-2027@x", "Rencontres nationales", paris(2027, 3, 12, 9)),
                event("organiser", "rn-2027@x", "Rencontres nationales de la participation",
                      paris(2027, 3, 12, 9))};
  run.priority = {{"organiser", 10}, {"city", 1}};
  const DedupResult& result = run.go();
  ASSERT_EQ(result.events.size(), 1u);
  EXPECT_EQ(result.events[0].event.uid, "rn-2027@x");
  EXPECT_EQ(result.events[0].event.summary, "Rencontres nationales de la participation");
  EXPECT_THAT(feeds_of(result.events[0]), ElementsAre("organiser/rn-2027@x", "city/rn-2027@x"));
}

TEST(Deduplicate, DifferentUidsWithAlikeTitleTimeAndPlaceMerge) {
  Scenario run;
  run.events = {
      event("nantes", "a1", "Nantes Innovation Forum", paris(2027, 4, 8, 9),
            "Cité des Congrès, Nantes"),
      event("loire", "b7", "Forum de l'innovation de Nantes 2027", paris(2027, 4, 8, 9), "Nantes")};
  run.priority = {{"nantes", 5}, {"loire", 2}};
  const DedupResult& result = run.go();
  ASSERT_EQ(result.events.size(), 1u) << ::testing::PrintToString(summaries(result));
  EXPECT_EQ(result.events[0].event.uid, "a1");
  EXPECT_THAT(feeds_of(result.events[0]), ElementsAre("nantes/a1", "loire/b7"));
  ASSERT_EQ(result.links.size(), 1u);
  EXPECT_EQ(result.links[0].how, "score");
  EXPECT_GE(result.links[0].score.total, 0.75);
}

TEST(Deduplicate, TheSameInstantInAnotherZoneMatches) {
  Scenario run;
  core::EventTime montreal;
  montreal.tzid = "America/Montreal";
  montreal.local = {{2027, 2, 10}, 12, 0, 0};
  montreal.utc = core::find_zone("America/Montreal")->to_utc(montreal.local);
  run.events = {
      event("icpc", "w1", "Webinaire franco-québécois", paris(2027, 2, 10, 18), "En ligne"),
      event("inm", "w2", "Webinaire franco-quebecois sur la participation", montreal, "Zoom"),
      event("network", "w3", "WEBINAIRE FRANCO-QUÉBÉCOIS", utc(2027, 2, 10, 17))};
  const DedupResult& result = run.go();
  EXPECT_EQ(result.events.size(), 1u) << ::testing::PrintToString(summaries(result));
}

TEST(Deduplicate, AnAllDayCopyJoinsTheTimedOneAndTheTimedTimesWin) {
  Scenario run;
  run.events = {
      event("organiser", "x", "Assemblée citoyenne du climat", date(2027, 5, 20)),
      event("city", "y", "Assemblée citoyenne du climat", paris(2027, 5, 20, 18, 30), "Rennes")};
  run.priority = {{"organiser", 10}, {"city", 1}};
  const DedupResult& result = run.go();
  ASSERT_EQ(result.events.size(), 1u);
  const core::Event& merged = result.events[0].event;
  EXPECT_FALSE(merged.start.all_day);
  EXPECT_EQ(merged.start.utc, paris(2027, 5, 20, 18, 30).utc);
  EXPECT_EQ(merged.uid, "x");  // named after the organiser's copy
  EXPECT_EQ(merged.location, "Rennes");
  EXPECT_EQ(result.events[0].event.feed_id, "city");  // where the stored occurrences are
  EXPECT_EQ(result.events[0].source_uid, "y");
}

TEST(Deduplicate, NeverMergesNumberedPartsCitiesDatesOrOtherEventsAtTheSameHour) {
  Scenario run;
  run.events = {
      event("a", "1", "Atelier #1 : mobilité", paris(2027, 6, 1, 18), "Lyon"),
      event("b", "2", "Atelier #2 : mobilité", paris(2027, 6, 1, 18), "Lyon"),
      event("a", "3", "Conseil citoyen", paris(2027, 6, 2, 18), "Lyon"),
      event("b", "4", "Conseil citoyen", paris(2027, 6, 2, 18), "Grenoble"),
      event("a", "5", "Balade urbaine", paris(2027, 6, 3, 10), "Lyon"),
      event("b", "6", "Balade urbaine", paris(2027, 6, 10, 10), "Lyon"),
      event("a", "7", "Atelier budget participatif", paris(2027, 6, 4, 18), "Lyon"),
      event("b", "8", "Atelier jeunesse et climat", paris(2027, 6, 4, 18), "Lyon"),
      event("a", "9", "Réunion publique session 1/2", paris(2027, 6, 5, 18), "Lyon"),
      event("b", "10", "Réunion publique session 2/2", paris(2027, 6, 6, 18), "Lyon"),
  };
  const DedupResult& result = run.go();
  EXPECT_EQ(result.events.size(), 10u) << ::testing::PrintToString(summaries(result));
  EXPECT_TRUE(result.links.empty());
  // The alike ones wait for review.
  const auto near = std::count_if(
      result.near_misses.begin(), result.near_misses.end(), [](const PairScore& pair) {
        return pair.score.veto == Veto::kPartNumbers || pair.score.veto == Veto::kPlaces;
      });
  EXPECT_GE(near, 2);
}

TEST(Deduplicate, OneCopyPerFeed) {
  // Two events of one feed are two events, even when a third feed's copy matches both.
  Scenario run;
  run.events = {event("a", "1", "Forum citoyen", paris(2027, 6, 1, 18), "Lyon"),
                event("a", "2", "Forum citoyen", paris(2027, 6, 1, 18), "Lyon"),
                event("b", "3", "Forum citoyen", paris(2027, 6, 1, 18), "Lyon")};
  const DedupResult& result = run.go();
  ASSERT_EQ(result.events.size(), 2u);
  EXPECT_EQ(result.events[0].sources.size() + result.events[1].sources.size(), 3u);
}

TEST(Deduplicate, ASingleEventJoinsOneOccurrenceOfASeriesNotTheSeries) {
  Scenario run;
  core::Event series = event("organiser", "weekly", "Permanence participative",
                             paris(2027, 3, 3, 17), "Maison de quartier, Nantes");
  series.rrule = "FREQ=WEEKLY;COUNT=4";
  core::Event single =
      event("city", "one", "Permanence participative", paris(2027, 3, 10, 17), "Nantes");
  single.description = "Venez nombreux: on parlera du budget participatif.";
  run.events = {series, single};
  run.occurrences = organiser_weekly_occurrences(4);
  run.priority = {{"organiser", 10}, {"city", 1}};
  const DedupResult& result = run.go();
  ASSERT_EQ(result.events.size(), 2u) << ::testing::PrintToString(summaries(result));
  const MergedEvent& first = result.events[0];
  const MergedEvent& second = result.events[1];
  EXPECT_EQ(first.event.rrule, "FREQ=WEEKLY;COUNT=4");
  EXPECT_EQ(first.event.uid, "weekly");
  ASSERT_TRUE(second.event.recurrence_id.has_value());
  EXPECT_EQ(second.event.uid, "weekly");
  EXPECT_EQ(second.event.recurrence_id->utc, paris(2027, 3, 10, 17).utc);
  EXPECT_EQ(second.event.description, single.description);
  EXPECT_TRUE(second.event.rrule.empty());
  ASSERT_EQ(second.sources.size(), 2u);
  EXPECT_EQ(second.sources[0], (SourceRef{"organiser", "weekly", "20270310T160000Z"}));
  EXPECT_EQ(second.sources[1], (SourceRef{"city", "one", ""}));
}

TEST(Deduplicate, FieldsFromThePriorityCopyDescriptionTheLongestCategoriesUnited) {
  Scenario run;
  core::Event organiser =
      event("organiser", "o", "Forum de la démocratie locale", paris(2027, 9, 9, 14), "Paris");
  organiser.description = "Court.";
  organiser.categories = {"Forum"};
  organiser.url = "https://organiser.example/forum";
  core::Event city = event("city", "c", "FORUM DE LA DEMOCRATIE LOCALE 2027", paris(2027, 9, 9, 14),
                           "Hôtel de Ville de Paris, 75004 Paris");
  city.description = "Une longue description avec le programme complet de la journée.";
  city.categories = {"forum", "Démocratie"};
  city.url = "javascript:alert(1)";
  run.events = {city, organiser};
  run.priority = {{"organiser", 10}, {"city", 1}};
  const DedupResult& result = run.go();
  ASSERT_EQ(result.events.size(), 1u);
  const core::Event& merged = result.events[0].event;
  EXPECT_EQ(merged.summary, "Forum de la démocratie locale");
  EXPECT_EQ(merged.location, "Paris");
  EXPECT_EQ(merged.description, city.description);
  EXPECT_THAT(merged.categories, ElementsAre("Forum", "Démocratie"));
  EXPECT_EQ(merged.url, "https://organiser.example/forum");
}

TEST(Deduplicate, ACancelledCopyCancelsOnlyWhenTheOrganiserOrEveryCopySaysSo) {
  for (const auto& [organiser_cancelled, city_cancelled, expected] :
       std::vector<std::tuple<bool, bool, core::EventStatus>>{
           {false, true, core::EventStatus::kConfirmed},
           {true, false, core::EventStatus::kCancelled},
           {true, true, core::EventStatus::kCancelled}}) {
    Scenario run;
    core::Event organiser = event("organiser", "o", "Débat public", paris(2027, 9, 9, 14), "Lille");
    core::Event city = event("city", "c", "Débat public", paris(2027, 9, 9, 14), "Lille");
    if (organiser_cancelled) organiser.status = core::EventStatus::kCancelled;
    if (city_cancelled) city.status = core::EventStatus::kCancelled;
    run.events = {organiser, city};
    run.priority = {{"organiser", 10}, {"city", 1}};
    const DedupResult& result = run.go();
    ASSERT_EQ(result.events.size(), 1u);
    EXPECT_EQ(result.events[0].event.status, expected)
        << organiser_cancelled << " " << city_cancelled;
  }
}

TEST(Deduplicate, TheOutcomeDoesNotDependOnTheInputOrder) {
  Scenario run;
  run.events = {
      event("a", "1", "Forum citoyen", paris(2027, 6, 1, 18), "Lyon"),
      event("b", "2", "Forum citoyen 2027", paris(2027, 6, 1, 18), "Lyon"),
      event("c", "3", "FORUM CITOYEN", paris(2027, 6, 1, 18, 30), "Lyon"),
      event("d", "4", "Atelier climat", paris(2027, 6, 1, 18), "Lyon"),
      event("e", "5", "Atelier climat", date(2027, 6, 1)),
  };
  run.priority = {{"a", 1}, {"b", 3}, {"c", 2}};
  const std::vector<std::string> expected_uids = uids(run.go());
  const std::vector<std::string> expected_summaries = summaries(run.result);
  EXPECT_EQ(expected_uids.size(), 2u);
  std::mt19937 random(7);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(run.events.begin(), run.events.end(), random);
    EXPECT_EQ(uids(run.go()), expected_uids);
    EXPECT_EQ(summaries(run.result), expected_summaries);
  }
}

TEST(Deduplicate, TheMergedUidHoldsWhenCopiesComeAndGo) {
  const core::Event city =
      event("city", "city-uid", "Forum citoyen", paris(2027, 6, 1, 18), "Lyon");
  const core::Event organiser =
      event("organiser", "org-uid", "Forum citoyen", paris(2027, 6, 1, 18), "Lyon");
  const core::Event institute =
      event("institute", "inst-uid", "Forum citoyen 2027", paris(2027, 6, 1, 18), "Lyon");
  Scenario run;
  run.priority = {{"organiser", 10}, {"city", 5}, {"institute", 1}};
  // The city's copy came first.
  run.events = {city};
  EXPECT_THAT(uids(run.go()), ElementsAre("city-uid"));
  run.remember();
  // The organiser's appears: the UID subscribers have stays.
  run.events = {city, organiser};
  EXPECT_THAT(uids(run.go()), ElementsAre("city-uid"));
  run.remember();
  run.events = {city, organiser, institute};
  EXPECT_THAT(uids(run.go()), ElementsAre("city-uid"));
  run.remember();
  // The city's copy goes: still the same event.
  run.events = {organiser, institute};
  EXPECT_THAT(uids(run.go()), ElementsAre("city-uid"));
  run.remember();
  run.events = {institute};
  EXPECT_THAT(uids(run.go()), ElementsAre("city-uid"));
  // Without memory (a fresh database) it is named after the best-ranked copy.
  run.memory = {};
  run.events = {institute, city, organiser};
  EXPECT_THAT(uids(run.go()), ElementsAre("org-uid"));
}

TEST(Deduplicate, AChangeOfContentBumpsTheSequenceOnce) {
  Scenario run;
  core::Event e = event("a", "1", "Forum citoyen", paris(2027, 6, 1, 18), "Lyon");
  run.events = {e};
  run.go();
  EXPECT_EQ(run.result.events[0].event.sequence, 0);
  run.remember();
  run.go();
  EXPECT_EQ(run.result.events[0].event.sequence, 0);  // nothing changed
  run.events[0].location = "Lyon, Hôtel de Ville";
  run.go();
  EXPECT_EQ(run.result.events[0].event.sequence, 1);
  run.remember();
  run.go();
  EXPECT_EQ(run.result.events[0].event.sequence, 1);
  // A source's own higher SEQUENCE is never undercut.
  run.events[0].sequence = 5;
  run.go();
  EXPECT_EQ(run.result.events[0].event.sequence, 5);
}

TEST(Deduplicate, DecisionsSplitAndJoinAndHold) {
  Scenario run;
  run.events = {event("a", "1", "Forum citoyen", paris(2027, 6, 1, 18), "Lyon"),
                event("b", "2", "Forum citoyen", paris(2027, 6, 1, 18), "Lyon"),
                event("b", "3", "Fête de quartier", paris(2027, 6, 8, 12), "Lyon")};
  ASSERT_EQ(run.go().events.size(), 2u);
  auto split = split_decisions(run.result, "1", std::nullopt, 100);
  ASSERT_TRUE(split.ok()) << split.error();
  ASSERT_EQ(split->size(), 1u);
  EXPECT_EQ((*split)[0].kind, core::MergeDecisionKind::kApart);
  run.memory.decisions = *split;
  EXPECT_EQ(run.go().events.size(), 3u);
  auto join = join_decisions(run.result, "1", "3", 200);
  ASSERT_TRUE(join.ok()) << join.error();
  run.memory.decisions.insert(run.memory.decisions.end(), join->begin(), join->end());
  const DedupResult& result = run.go();
  ASSERT_EQ(result.events.size(), 2u);
  const MergedEvent* joined = find_merged(result, "3");
  ASSERT_NE(joined, nullptr);
  EXPECT_THAT(feeds_of(*joined), UnorderedElementsAre("a/1", "b/3"));
  EXPECT_FALSE(split_decisions(result, "nope", std::nullopt, 1).ok());
  EXPECT_FALSE(confirm_decisions(result, "2", 1).ok());  // one source: nothing to confirm
  // Split pairs do not come back for review; others do.
  EXPECT_TRUE(review_list(result, run.memory).empty());
}

TEST(Deduplicate, ExplainNamesTheSourcesAndTheScores) {
  Scenario run;
  run.events = {event("a", "1", "Forum citoyen", paris(2027, 6, 1, 18), "Lyon"),
                event("b", "2", "Forum citoyen", paris(2027, 6, 1, 18), "Lyon"),
                event("b", "3", "Forum citoyen #2", paris(2027, 6, 1, 20), "Lyon")};
  const DedupResult& result = run.go();
  const MergedEvent* merged = find_merged(result, "2");
  ASSERT_NE(merged, nullptr);
  const std::string text = explain(result, *merged, run.events);
  EXPECT_THAT(text, ::testing::HasSubstr("a / 1: \"Forum citoyen\""));
  EXPECT_THAT(text, ::testing::HasSubstr("b / 2"));
  EXPECT_THAT(text, ::testing::HasSubstr("title 1.00"));
}

TEST(Deduplicate, CollidingGenericUidsOfUnrelatedEventsStayApart) {
  Scenario run;
  run.events = {event("a", "event-12", "Conseil municipal", paris(2027, 6, 1, 18), "Brest"),
                event("b", "event-12", "Fête du vélo", paris(2027, 9, 20, 10), "Pau")};
  const DedupResult& result = run.go();
  ASSERT_EQ(result.events.size(), 2u);
  EXPECT_NE(result.events[0].event.uid, result.events[1].event.uid);
}

TEST(Deduplicate, ADenseDayStaysBounded) {
  // 6000 copies of one title at one instant across 3000 feeds: the work per event is capped.
  Scenario run;
  for (int i = 0; i < 6000; ++i) {
    run.events.push_back(event("feed-" + std::to_string(i % 3000), "u" + std::to_string(i),
                               "Forum citoyen", paris(2027, 6, 1, 18), "Lyon"));
  }
  const DedupResult& result = run.go();
  std::size_t sources = 0;
  for (const MergedEvent& merged : result.events) sources += merged.sources.size();
  EXPECT_EQ(sources, 6000u);  // nothing lost
  EXPECT_LT(result.events.size(), 6000u);
}

TEST(Deduplicate, DifferentTownsQuartersAndNumbersOfOneSlotStayApart) {
  Scenario run;
  run.events = {
      event("a", "1", "Conseil municipal", paris(2027, 6, 1, 18), "Salle des fêtes, Nantes"),
      event("b", "2", "Conseil municipal", paris(2027, 6, 1, 18), "Salle des fêtes, Rezé"),
      event("a", "3", "Conseil municipal", paris(2027, 6, 2, 18), "Hôtel de ville, Nantes"),
      event("b", "4", "Conseil municipal", paris(2027, 6, 2, 18), "Mantes"),
      event("a", "5", "Visite guidée du quartier Nord", paris(2027, 6, 3, 10), "Lille"),
      event("b", "6", "Visite guidée du quartier Sud", paris(2027, 6, 3, 10), "Lille"),
      event("a", "7", "Réunion 1 : diagnostic", paris(2027, 6, 4, 18), "Lille"),
      event("b", "8", "Réunion 2 : diagnostic", paris(2027, 6, 4, 18), "Lille"),
  };
  const DedupResult& result = run.go();
  EXPECT_EQ(result.events.size(), 8u) << ::testing::PrintToString(summaries(result));
  // A venue of the town and the town alone are one place.
  Scenario same;
  same.events = {
      event("a", "1", "Conseil municipal", paris(2027, 6, 1, 18), "Salle des fêtes, Nantes"),
      event("b", "2", "Conseil municipal", paris(2027, 6, 1, 18), "Nantes")};
  EXPECT_EQ(same.go().events.size(), 1u);
}

TEST(Deduplicate, AnOrganisersOverrideOfAPartnersSeriesIsKept) {
  Scenario run;
  core::Event series = event("partner", "S", "Permanence", paris(2026, 10, 5, 17), "Lyon");
  series.rrule = "FREQ=WEEKLY;COUNT=3";
  core::Event cancel_one = series;
  cancel_one.feed_id = "organiser";
  cancel_one.rrule.clear();
  cancel_one.recurrence_id = paris(2026, 10, 12, 17);
  cancel_one.start = paris(2026, 10, 12, 17);
  cancel_one.status = core::EventStatus::kCancelled;
  run.events = {series, cancel_one};
  run.priority = {{"organiser", 10}, {"partner", 1}};
  const DedupResult& result = run.go();
  ASSERT_EQ(result.events.size(), 2u);
  const auto override_event = std::find_if(
      result.events.begin(), result.events.end(),
      [](const MergedEvent& merged) { return merged.event.recurrence_id.has_value(); });
  ASSERT_NE(override_event, result.events.end());
  EXPECT_EQ(override_event->event.status, core::EventStatus::kCancelled);
  EXPECT_EQ(override_event->event.uid, "S");
  EXPECT_EQ(override_event->sources.front().feed_id, "organiser");
}

TEST(Deduplicate, WithoutAnOrganiserOneCancelledCopyDoesNotCancel) {
  for (const auto& [first, second] :
       std::vector<std::pair<std::string, std::string>>{{"agenda-a", "zz"}, {"zz", "agenda-a"}}) {
    Scenario run;
    core::Event cancelled = event(first, "1", "Débat public", paris(2027, 9, 9, 14), "Lille");
    cancelled.status = core::EventStatus::kCancelled;
    run.events = {cancelled, event(second, "2", "Débat public", paris(2027, 9, 9, 14), "Lille")};
    ASSERT_EQ(run.go().events.size(), 1u);
    EXPECT_EQ(run.result.events[0].event.status, core::EventStatus::kConfirmed) << first;
  }
}

TEST(Deduplicate, AfterASplitTheSourceThatGaveTheUidKeepsIt) {
  Scenario run;
  run.priority = {{"organiser", 10}, {"partner", 1}};
  const core::Event partner = event("partner", "b", "Forum citoyen", paris(2027, 6, 1, 18), "Lyon");
  const core::Event organiser =
      event("organiser", "a", "Forum citoyen", paris(2027, 6, 1, 18), "Lyon");
  run.events = {partner};
  run.go();
  run.remember();
  run.events = {partner, organiser};
  EXPECT_THAT(uids(run.go()), ElementsAre("b"));
  run.remember();
  auto split = split_decisions(run.result, "b", std::nullopt, 1);
  ASSERT_TRUE(split.ok());
  run.memory.decisions = *split;
  EXPECT_THAT(uids(run.go()), UnorderedElementsAre("a", "b"));
  const MergedEvent* kept = find_merged(run.result, "b");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->sources.front().feed_id, "partner");
}

TEST(Deduplicate, TwoFeedsSeriesOfOneMeetingAreOneSeries) {
  Scenario run;
  core::Event city =
      event("city", "c", "Permanence participative", paris(2027, 3, 3, 17), "Nantes");
  city.rrule = "FREQ=WEEKLY;BYDAY=WE;COUNT=10";
  core::Event group = event("group", "g", "PERMANENCE PARTICIPATIVE", paris(2027, 3, 3, 17),
                            "Maison de quartier, Nantes");
  group.rrule = "COUNT=10;BYDAY=WE;FREQ=WEEKLY";
  core::Event other_rule =
      event("other", "o", "Permanence participative", paris(2027, 3, 3, 17), "Nantes");
  other_rule.rrule = "FREQ=MONTHLY;COUNT=3";
  run.events = {city, group, other_rule};
  run.priority = {{"city", 10}, {"group", 1}, {"other", 1}};
  const DedupResult& result = run.go();
  ASSERT_EQ(result.events.size(), 2u) << ::testing::PrintToString(summaries(result));
  const MergedEvent* merged = find_merged(result, "c");
  ASSERT_NE(merged, nullptr);
  EXPECT_THAT(feeds_of(*merged), ElementsAre("city/c", "group/g"));
  EXPECT_EQ(merged->event.rrule, city.rrule);
}

TEST(Deduplicate, JoiningASingleEventToASeriesJoinsOneOccurrence) {
  Scenario run;
  core::Event series = event("organiser", "weekly", "Permanence", paris(2027, 3, 3, 17), "Nantes");
  series.rrule = "FREQ=WEEKLY;COUNT=3";
  const core::Event single =
      event("city", "one", "Rencontre avec les élus", paris(2027, 3, 10, 17, 30), "Nantes");
  run.events = {series, single};
  run.occurrences = organiser_weekly_occurrences(3);
  run.priority = {{"organiser", 10}, {"city", 1}};
  ASSERT_EQ(run.go().events.size(), 2u);  // titles too different for the matcher
  EXPECT_FALSE(join_decisions(run.result, "weekly", "one", 1).ok());  // no occurrences given
  auto join = join_decisions(run.result, "weekly", "one", 1, &run.occurrences);
  ASSERT_TRUE(join.ok()) << join.error();
  run.memory.decisions = *join;
  const DedupResult& result = run.go();
  ASSERT_EQ(result.events.size(), 2u) << ::testing::PrintToString(summaries(result));
  EXPECT_EQ(result.events[0].event.rrule, "FREQ=WEEKLY;COUNT=3");
  EXPECT_EQ(result.events[0].event.summary, "Permanence");
  ASSERT_TRUE(result.events[1].event.recurrence_id.has_value());
  EXPECT_EQ(result.events[1].event.recurrence_id->utc, paris(2027, 3, 10, 17).utc);
  EXPECT_EQ(result.events[1].event.uid, "weekly");
  EXPECT_EQ(result.events[1].sources.back(), (SourceRef{"city", "one", ""}));
}

TEST(Deduplicate, NothingGivesNothing) {
  Scenario run;
  EXPECT_TRUE(run.go().events.empty());
}

}  // namespace
}  // namespace concerto::dedup
