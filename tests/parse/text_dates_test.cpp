#include "parse/text_dates.h"

#include <gtest/gtest.h>

#include <string>

#include "core/civil_time.h"

namespace concerto::parse {
namespace {

constexpr core::Date kPublished{2027, 1, 15};

ProseDate find(std::string_view text, core::Date published = kPublished,
               std::string_view title = "") {
  return find_event_date({title, text, published});
}

// "2027-03-04/2027-03-05" for all-day events, "2027-03-04T18:30/2027-03-04T20:00" for timed
// ones, "none: <reason>" otherwise.
std::string span(const ProseDate& got) {
  if (!got.event) return "none: " + got.reason;
  auto show = [](const core::EventTime& t) {
    return t.all_day ? core::format_iso_date(t.date)
                     : core::format_iso_local(t.local).substr(0, 16);
  };
  return show(got.event->start) + "/" + show(got.event->end);
}

TEST(TextDates, ReadsASingleFrenchDayAsAnAllDayEvent) {
  EXPECT_EQ(span(find("Atelier le 4 mars.")), "2027-03-04/2027-03-05");
}

TEST(TextDates, ReadsTwoDaysJoinedByEtAsARange) {
  EXPECT_EQ(span(find("Forum les 2 et 3 avril.")), "2027-04-02/2027-04-04");
}

TEST(TextDates, ReadsAListOfThreeFollowingDaysAsARange) {
  EXPECT_EQ(span(find("Festival les 11, 12 et 13 mai.")), "2027-05-11/2027-05-14");
}

TEST(TextDates, KeepsTheFirstDayOfAListOfDaysThatDoNotFollowEachOther) {
  EXPECT_EQ(span(find("Ateliers les 3 et 10 mai.")), "2027-05-03/2027-05-04");
}

TEST(TextDates, ReadsDuAuAsARange) {
  EXPECT_EQ(span(find("Université d'été du 6 au 8 juin.")), "2027-06-06/2027-06-09");
}

TEST(TextDates, ReadsARangeWithWeekdaysThatMatch) {
  EXPECT_EQ(span(find("Du vendredi 2 au dimanche 4 juillet.")), "2027-07-02/2027-07-05");
}

TEST(TextDates, ReadsARangeAcrossMonths) {
  EXPECT_EQ(span(find("Chantier du 30 juin au 2 juillet.")), "2027-06-30/2027-07-03");
}

TEST(TextDates, ReadsARangeAcrossYearsWithExplicitYears) {
  EXPECT_EQ(span(find("Stage du 28 décembre 2026 au 3 janvier 2027.", {2026, 11, 20})),
            "2026-12-28/2027-01-04");
}

TEST(TextDates, PutsTheStartOfARangeAcrossNewYearInTheYearBefore) {
  EXPECT_EQ(span(find("Du 30 décembre au 2 janvier, bénévoles bienvenus.", {2026, 11, 20})),
            "2026-12-30/2027-01-03");
}

TEST(TextDates, ReadsNumericDatesWithSlashesDotsAndIso) {
  EXPECT_EQ(span(find("Réunion le 12/03/2027.")), "2027-03-12/2027-03-13");
  EXPECT_EQ(span(find("Réunion le 15.02.2027.")), "2027-02-15/2027-02-16");
  EXPECT_EQ(span(find("Réunion le 2027-04-21.")), "2027-04-21/2027-04-22");
}

TEST(TextDates, ReadsADayAndMonthWithoutYearOnlyAfterLe) {
  EXPECT_EQ(span(find("Réunion le 04/03 à 18h30.")), "2027-03-04T18:30/2027-03-04T18:30");
  EXPECT_EQ(span(find("Accueil ouvert 24/7.")), "none: no date found");
}

TEST(TextDates, ReadsPremierAsTheFirstDay) {
  EXPECT_EQ(span(find("Portes ouvertes le 1er mai.")), "2027-05-01/2027-05-02");
}

TEST(TextDates, ReadsEnglishMonthFirstDayRangeWithYear) {
  EXPECT_EQ(span(find("Summit March 4-5, 2027 in Berlin.")), "2027-03-04/2027-03-06");
}

TEST(TextDates, ReadsEnglishWeekdayAndAbbreviatedMonth) {
  EXPECT_EQ(span(find("Open day: Friday Apr 2.")), "2027-04-02/2027-04-03");
}

TEST(TextDates, ReadsEnglishDayFirstAndOrdinals) {
  EXPECT_EQ(span(find("Meet us on 4 March.")), "2027-03-04/2027-03-05");
  EXPECT_EQ(span(find("Meetup on April 2nd.")), "2027-04-02/2027-04-03");
  EXPECT_EQ(span(find("Volunteer day on the 4th of September.")), "2027-09-04/2027-09-05");
}

TEST(TextDates, IgnoresAccentsAndCase) {
  EXPECT_EQ(span(find("Fete le 14 fevrier.")), "2027-02-14/2027-02-15");
  EXPECT_EQ(span(find("MARCHÉ LE 15 AOÛT.")), "2027-08-15/2027-08-16");
  EXPECT_EQ(span(find("Marché le 15 aout.")), "2027-08-15/2027-08-16");
}

TEST(TextDates, ReadsAbbreviatedMonthsWithTheirDot) {
  EXPECT_EQ(span(find("Séminaire le 12 févr. à Strasbourg.")), "2027-02-12/2027-02-13");
  EXPECT_EQ(span(find("Formation le 8 janv. 2028.")), "2028-01-08/2028-01-09");
  EXPECT_EQ(span(find("Sortie le 25 sept.")), "2027-09-25/2027-09-26");
}

TEST(TextDates, GivesATimedFloatingEventWhenAnHourFollowsTheDate) {
  ProseDate got = find("Réunion le 4 mars à 9h.");
  ASSERT_TRUE(got.event);
  EXPECT_FALSE(got.event->start.all_day);
  EXPECT_TRUE(got.event->start.tzid.empty());
  EXPECT_EQ(span(got), "2027-03-04T09:00/2027-03-04T09:00");
}

TEST(TextDates, ReadsFrenchHourForms) {
  EXPECT_EQ(span(find("Atelier le 6 avril à 9 h 15.")), "2027-04-06T09:15/2027-04-06T09:15");
  EXPECT_EQ(span(find("Atelier le 6 avril à 9h30.")), "2027-04-06T09:30/2027-04-06T09:30");
  EXPECT_EQ(span(find("Atelier le 6 avril à 20 heures.")), "2027-04-06T20:00/2027-04-06T20:00");
  EXPECT_EQ(span(find("Atelier le 6 avril à 18 h 30.")), "2027-04-06T18:30/2027-04-06T18:30");
}

TEST(TextDates, ReadsATimeSpan) {
  EXPECT_EQ(span(find("Atelier le 6 avril de 10h à 12h.")), "2027-04-06T10:00/2027-04-06T12:00");
  EXPECT_EQ(span(find("Atelier le 6 avril, 10h-12h.")), "2027-04-06T10:00/2027-04-06T12:00");
}

TEST(TextDates, ReadsEnglishClockTimes) {
  EXPECT_EQ(span(find("Workshop on 4 March at 9:15 am.")), "2027-03-04T09:15/2027-03-04T09:15");
  EXPECT_EQ(span(find("Meetup on April 2nd, 5pm-7pm.")), "2027-04-02T17:00/2027-04-02T19:00");
  EXPECT_EQ(span(find("Forum from 2 to 4 pm on Saturday, May 8.")),
            "2027-05-08T14:00/2027-05-08T16:00");
}

TEST(TextDates, ReadsDottedEnglishTimesAndNoon) {
  EXPECT_EQ(span(find("AGM on Thursday 25 March 2027 at 7.30pm.")),
            "2027-03-25T19:30/2027-03-25T19:30");
  EXPECT_EQ(span(find("Saturday, April 10 from 9 a.m. to noon.")),
            "2027-04-10T09:00/2027-04-10T12:00");
}

TEST(TextDates, ReadsAnUnambiguousMonthFirstNumericDate) {
  EXPECT_EQ(span(find("Town meeting: 3/15/2027 at 7 PM.")), "2027-03-15T19:00/2027-03-15T19:00");
}

TEST(TextDates, TakesTheHourFromTheTextWhenTheTitleGivesTheDay) {
  EXPECT_EQ(span(find("Rendez-vous le 4 mars à 18h.", kPublished, "Atelier le 4 mars")),
            "2027-03-04T18:00/2027-03-04T18:00");
}

TEST(TextDates, ChoosesTheNextYearWhenTheDateHasPassed) {
  EXPECT_EQ(span(find("Atelier le 4 mars.", {2027, 3, 20})), "2028-03-04/2028-03-05");
}

TEST(TextDates, KeepsADateAFewDaysBeforePublicationInThatYear) {
  EXPECT_EQ(span(find("Atelier le 4 mars.", {2027, 3, 6})), "2027-03-04/2027-03-05");
}

TEST(TextDates, MovesToTheYearWhereTheWeekdayMatches) {
  EXPECT_EQ(span(find("Rencontre le vendredi 2 juillet.", {2026, 3, 1})), "2027-07-02/2027-07-03");
}

TEST(TextDates, RefusesAWeekdayThatNoNearYearMatches) {
  EXPECT_EQ(span(find("Balade le mardi 4 mars.")), "none: weekday does not match");
  EXPECT_EQ(span(find("Balade le mardi 4 mars 2027.")), "none: weekday does not match");
}

TEST(TextDates, TreatsPastReportsAsNoEvent) {
  EXPECT_EQ(span(find("L'assemblée a eu lieu le 15 juin dernier.", {2020, 7, 10})),
            "none: past report");
  EXPECT_EQ(span(find("The town hall took place on March 4.", {2027, 3, 10})), "none: past report");
  EXPECT_EQ(
      span(find("Merci aux participants du 12 décembre.", {2027, 1, 10}, "Retour sur le forum")),
      "none: past report");
}

TEST(TextDates, TreatsACompoundPastTenseBesideTheDateAsPast) {
  EXPECT_EQ(span(find("Lors de la réunion du 12 janvier, les habitants ont voté.", {2027, 1, 20})),
            "none: past report");
  EXPECT_EQ(span(find("Le conseil s'est réuni le 9 janvier.", {2027, 1, 12})), "none: past report");
}

TEST(TextDates, PrefersTheNearestMarkerWhenPastAndFutureShareASentence) {
  EXPECT_EQ(span(find("La première a eu lieu en 2025 ; la deuxième se tiendra le 17 avril.")),
            "2027-04-17/2027-04-18");
}

TEST(TextDates, TreatsOpeningHoursAsNoEvent) {
  EXPECT_EQ(span(find("Du 1er juillet au 31 août, la mairie est ouverte de 8h à 16h.")),
            "none: only a start of validity");
}

TEST(TextDates, TreatsACancelledEventAsNoEvent) {
  EXPECT_EQ(span(find("En raison des intempéries, la fête prévue le 6 février est annulée.")),
            "none: cancelled");
}

TEST(TextDates, TakesTheNewDateOfAPostponedEvent) {
  EXPECT_EQ(span(find("Initialement prévu le 15 mai, le festival est reporté au 11 septembre.")),
            "2027-09-11/2027-09-12");
  EXPECT_EQ(span(find("The festival, originally scheduled for May 1, has been postponed to "
                      "September 18.")),
            "2027-09-18/2027-09-19");
}

TEST(TextDates, TreatsADateWithAPastExplicitYearAsPast) {
  EXPECT_EQ(span(find("La loi du 27 février 2002 a créé les conseils de quartier.")),
            "none: past report");
}

TEST(TextDates, TreatsDeadlinesAsNoEvent) {
  EXPECT_EQ(span(find("Date limite de dépôt : 15 mars 2027.")), "none: only a deadline");
  EXPECT_EQ(span(find("Déposez vos projets avant le 30 avril.")), "none: only a deadline");
  EXPECT_EQ(span(find("Inscriptions jusqu'au 30 juin.")), "none: only a deadline");
  EXPECT_EQ(span(find("Répondez au plus tard le 12 mars.")), "none: only a deadline");
  EXPECT_EQ(span(find("Deadline: April 15, 2027.")), "none: only a deadline");
  EXPECT_EQ(span(find("Open until May 31.")), "none: only a deadline");
  EXPECT_EQ(span(find("Submit your proposals by March 3.")), "none: only a deadline");
}

TEST(TextDates, TreatsStartsOfValidityAsNoEvent) {
  EXPECT_EQ(span(find("À partir du 1er septembre, la mairie ouvre le samedi.")),
            "none: only a start of validity");
  EXPECT_EQ(span(find("Dès le 4 mars, permanences le mardi.")), "none: only a start of validity");
  EXPECT_EQ(span(find("Starting from June 1, the library opens on Sundays.")),
            "none: only a start of validity");
}

TEST(TextDates, TreatsPublicationDatesAsNoEvent) {
  EXPECT_EQ(span(find("Publié le 12 janvier 2027")), "none: only a publication date");
  EXPECT_EQ(span(find("Mis à jour le 5 mars 2027.")), "none: only a publication date");
  EXPECT_EQ(span(find("Posted on March 2, 2027 by admin.")), "none: only a publication date");
}

TEST(TextDates, SkipsThePublicationLineAndFindsTheEvent) {
  EXPECT_EQ(span(find("Publié le 2 février 2027\nBalade le 14 février à Arras.", {2027, 2, 2})),
            "2027-02-14/2027-02-15");
}

TEST(TextDates, FindsNoEventInVaguePeriods) {
  for (const char* text :
       {"Début mai, lancement.", "Fin juin, bilan.", "Mi-octobre, débats.", "Reprise à la rentrée.",
        "Conférences prochainement.", "Cet été, le jardin s'agrandit.", "Assemblée en 2021.",
        "A town hall in the spring."}) {
    EXPECT_EQ(span(find(text)), "none: no date found") << text;
  }
  EXPECT_EQ(span(find("La semaine du 8 mars sera consacrée à l'égalité.")),
            "none: only a vague period");
}

TEST(TextDates, PrefersTheDateOfTheTitle) {
  EXPECT_EQ(
      span(find("Après la projection du 5 février, débat.", kPublished, "Ciné-débat le 12 mars")),
      "2027-03-12/2027-03-13");
}

TEST(TextDates, TakesTheEventRatherThanTheRegistrationDeadline) {
  EXPECT_EQ(span(find("Forum le 20 mars. Inscription avant le 10 mars.")), "2027-03-20/2027-03-21");
}

TEST(TextDates, RefusesAProgrammeOfDatesFarApart) {
  EXPECT_EQ(span(find("Ateliers : le 10 février, le 17 mars, le 21 avril et le 19 mai.")),
            "none: several dates far apart");
}

TEST(TextDates, FindsNoEventWithoutADate) {
  EXPECT_EQ(span(find("Réunion ce jeudi à 18h.")), "none: no date found");
  EXPECT_EQ(span(find("")), "none: no date found");
}

TEST(TextDates, NamesTheCityAfterA) {
  ProseDate got = find("Rencontres du 19 au 21 octobre à Mulhouse. Programmation à venir.");
  ASSERT_TRUE(got.event);
  EXPECT_EQ(got.event->location, "Mulhouse");
}

TEST(TextDates, NamesAVenueWithItsLowerCaseWords) {
  ProseDate got = find("Forum les 2 et 3 avril à la Maison des associations de Tours.");
  ASSERT_TRUE(got.event);
  EXPECT_EQ(got.event->location, "Maison des associations de Tours");
}

TEST(TextDates, NamesOnlineEventsEnLigne) {
  for (const char* text : {"Réunion en visio le 25 février.", "Webinaire le 16 mars.",
                           "Join the online launch on 10 March."}) {
    ProseDate got = find(text);
    ASSERT_TRUE(got.event) << text;
    EXPECT_EQ(got.event->location, "En ligne") << text;
  }
}

TEST(TextDates, NamesAPlaceWithHyphensApostrophesAndLowerCaseWords) {
  auto place = [](std::string_view text) {
    ProseDate got = find(text);
    return got.event ? got.event->location : "none: " + got.reason;
  };
  EXPECT_EQ(place("Du 22 au 27 mars à Saint-Étienne."), "Saint-Étienne");
  EXPECT_EQ(place("AGM on 25 March at 7 pm at St John's Hall."), "St John's Hall");
  EXPECT_EQ(place("Débat le 9 mars à la Bourse du travail de Saint-Denis."),
            "Bourse du travail de Saint-Denis");
  EXPECT_EQ(place("Hackathon from June 11 to June 13 at the Innovation Hub in Manchester."),
            "Innovation Hub");
}

TEST(TextDates, LooksForThePlaceInTheTextWhenTheTitleGivesTheDate) {
  ProseDate got = find("Join us in Berlin for two days of talks.", kPublished,
                       "Civic Tech Summit March 4-5, 2027");
  ASSERT_TRUE(got.event);
  EXPECT_EQ(got.event->location, "Berlin");
}

TEST(TextDates, LeavesTheLocationEmptyWhenNoPlaceIsNamed) {
  ProseDate got = find("Permanence le 6 mars à la mairie annexe.");
  ASSERT_TRUE(got.event);
  EXPECT_EQ(got.event->location, "");
}

TEST(TextDates, ReadsOnlyTheFirstTwentyKilobytesOfALongText) {
  std::string text;
  while (text.size() < 200000) text += "du 1 au 2 et 3, 4 - 5 h à la Maison de le 4 mars ";
  ProseDate got = find(text);  // one sentence of thousands of dates: bounded, no blow-up
  EXPECT_TRUE(got.event);
  std::string late(30000, 'x');
  EXPECT_EQ(span(find(late + " le 4 mars.")), "none: no date found");
}

}  // namespace
}  // namespace concerto::parse
