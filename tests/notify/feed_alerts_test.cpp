// The feed health mail rules and texts (notify/feed_alerts.h), and what the message looks like
// on the wire (notify/mailer.h format_message).

#include "notify/feed_alerts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "notify/mailer.h"
#include "support/smtp_sink.h"

namespace concerto::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr std::int64_t kNow = 1800000000;  // 2027-01-15
constexpr std::int64_t kDay = 86400;

FeedHealth failed(int failures) {
  FeedHealth health;
  health.feed_id = "maison-quartier";
  health.name = "Maison de quartier";
  health.url = "https://maison.example.org/agenda.ics";
  health.contact_email = "contact@maison.example.org";
  health.registered = true;
  health.result = FetchResult::kFailed;
  health.consecutive_failures = failures;
  health.error = "HTTP 500 Internal Server Error";
  health.http_code = 500;
  health.events_before = 12;
  health.events_after = 12;
  health.checked_at = kNow;
  health.last_success = kNow - 3 * 3600;
  return health;
}

FeedHealth ok_snapshot(int before, int kept, int after) {
  FeedHealth health = failed(0);
  health.result = FetchResult::kOk;
  health.error.clear();
  health.http_code = 200;
  health.compared = true;
  health.upcoming_before = before;
  health.upcoming_kept = kept;
  health.upcoming_after = after;
  health.events_after = after;
  health.last_success = kNow;
  return health;
}

SiteText site(const std::string& language = "fr") {
  SiteText text;
  text.title = "Agenda citoyen";
  text.base_url = "https://agenda.example.org";
  text.language = language;
  text.timezone = "Europe/Paris";
  return text;
}

store::AlertState told_failing_at(std::int64_t when) { return {true, when, "failing"}; }

TEST(FeedAlerts, FailingIsFoundOnTheNthConsecutiveFailureOnly) {
  const AlertRules rules;  // 3 failures
  for (int failures : {1, 2}) {
    EXPECT_THAT(decide(failed(failures), {}, rules).findings, IsEmpty()) << failures;
  }
  EXPECT_THAT(decide(failed(3), {}, rules).findings, ElementsAre(Finding::kFailing));
  AlertRules one;
  one.failures = 1;
  EXPECT_THAT(decide(failed(1), {}, one).findings, ElementsAre(Finding::kFailing));
}

TEST(FeedAlerts, APartnerToldItsFeedFailsIsNotToldAgainWhileItStillFails) {
  const store::AlertState told = told_failing_at(kNow - 3 * kDay);
  for (int failures : {3, 4, 50}) {
    EXPECT_THAT(decide(failed(failures), told, {}).findings, IsEmpty()) << failures;
  }
}

TEST(FeedAlerts, RecoveryIsNewsOnlyToAPartnerToldItWasFailing) {
  FeedHealth back = ok_snapshot(0, 0, 12);
  back.compared = false;
  EXPECT_THAT(decide(back, {}, {}).findings, IsEmpty());
  EXPECT_THAT(decide(back, told_failing_at(kNow - 2 * kDay), {}).findings,
              ElementsAre(Finding::kRecovered));
  FeedHealth unchanged = back;
  unchanged.result = FetchResult::kNotModified;
  EXPECT_THAT(decide(unchanged, told_failing_at(kNow - 2 * kDay), {}).findings,
              ElementsAre(Finding::kRecovered));
}

TEST(FeedAlerts, SendingMovesToldFailingOnlyWithTheMailThatSaysSo) {
  AlertDecision failing{{Finding::kFailing}, false};
  store::AlertState state = state_after_sending({}, failing, kNow);
  EXPECT_TRUE(state.told_failing);
  EXPECT_EQ(state.last_sent_at, kNow);
  EXPECT_EQ(state.last_kind, "failing");
  AlertDecision churn{{Finding::kUidsChanged}, false};
  EXPECT_TRUE(state_after_sending(state, churn, kNow + 2 * kDay).told_failing);
  AlertDecision recovered{{Finding::kRecovered, Finding::kEventsDropped}, false};
  state = state_after_sending(state, recovered, kNow + 3 * kDay);
  EXPECT_FALSE(state.told_failing);
  EXPECT_EQ(state.last_kind, "recovered,events-dropped");
}

TEST(FeedAlerts, AtMostOneMailPerFeedInTwentyFourHours) {
  const store::AlertState recent{false, kNow - 23 * 3600, "uids-changed"};
  const AlertDecision held = decide(failed(3), recent, {});
  EXPECT_THAT(held.findings, ElementsAre(Finding::kFailing));
  EXPECT_TRUE(held.held);
  EXPECT_FALSE(held.should_send());
  const store::AlertState older{false, kNow - kDay, "uids-changed"};
  EXPECT_TRUE(decide(failed(3), older, {}).should_send());
}

TEST(FeedAlerts, NewsHeldByTheLimitGoesOutLaterWhenStillTrue) {
  // A churn mail went out; the feed starts failing an hour later: held, and the state the caller
  // keeps (unchanged, as nothing was sent) still says the partner was not told.
  store::AlertState state{false, kNow, "uids-changed"};
  FeedHealth health = failed(3);
  health.checked_at = kNow + 3600;
  EXPECT_TRUE(decide(health, state, {}).held);
  health.consecutive_failures = 9;
  health.checked_at = kNow + kDay + 60;
  const AlertDecision later = decide(health, state, {});
  EXPECT_TRUE(later.should_send());
  EXPECT_THAT(later.findings, ElementsAre(Finding::kFailing));
  // A recovery held back is sent at the first success past the day.
  state = told_failing_at(kNow);
  FeedHealth back = ok_snapshot(0, 0, 12);
  back.compared = false;
  back.checked_at = kNow + 3600;
  EXPECT_FALSE(decide(back, state, {}).should_send());
  back.checked_at = kNow + kDay;
  EXPECT_TRUE(decide(back, state, {}).should_send());
}

TEST(FeedAlerts, AUidChangeHeldByTheLimitIsToldWithTheNextMail) {
  // T: "failing" sent. T+3h: the feed works again under all-new UIDs: held. T+24h: the mail
  // says both, though this refresh compares the new snapshot with itself.
  const store::AlertState told = told_failing_at(kNow);
  FeedHealth back = ok_snapshot(8, 0, 8);
  back.checked_at = kNow + 3 * 3600;
  const AlertDecision held = decide(back, told, {});
  ASSERT_THAT(held.findings, ElementsAre(Finding::kRecovered, Finding::kUidsChanged));
  ASSERT_TRUE(held.held);
  const store::AlertState kept = state_after_holding(told, held);
  ASSERT_EQ(kept.pending.size(), 1u);
  EXPECT_EQ(kept.pending[0], (store::PendingFinding{"uids-changed", 8, 0, 8, kNow + 3 * 3600}));
  EXPECT_TRUE(kept.told_failing);
  EXPECT_EQ(kept.last_sent_at, kNow);

  FeedHealth later = ok_snapshot(8, 8, 8);
  later.checked_at = kNow + kDay;
  const AlertDecision decision = decide(later, kept, {});
  ASSERT_TRUE(decision.should_send());
  EXPECT_THAT(decision.findings, ElementsAre(Finding::kRecovered, Finding::kUidsChanged));
  EXPECT_EQ(decision.kind(), "recovered,uids-changed");
  const Mail mail = compose(later, decision, site());
  EXPECT_THAT(mail.subject,
              HasSubstr("fonctionne de nouveau et a changé les identifiants de ses événements"));
  EXPECT_THAT(mail.body, HasSubstr("se lit de nouveau correctement (le 16/01/2027"));
  // T+3h, 12:00 in Paris: when the change was seen, not when the mail goes.
  EXPECT_THAT(mail.body, HasSubstr("À la lecture du 15/01/2027 à 12:00 (Europe/Paris), 8 de vos 8 "
                                   "événements à venir"));
  const store::AlertState sent = state_after_sending(kept, decision, kNow + kDay);
  EXPECT_THAT(sent.pending, IsEmpty());
  EXPECT_FALSE(sent.told_failing);
  EXPECT_THAT(decide(later, sent, {}).findings, IsEmpty());
}

TEST(FeedAlerts, PendingNewsJoinsTheNewsOfALaterRefresh) {
  // A drop held back; two days later the feed fails: one mail says both.
  store::AlertState state{false, kNow, "uids-changed"};
  FeedHealth drop = ok_snapshot(10, 2, 2);
  drop.checked_at = kNow + 3600;
  state = state_after_holding(state, decide(drop, state, {}));
  ASSERT_EQ(state.pending.size(), 1u);
  FeedHealth failing = failed(3);
  failing.checked_at = kNow + 2 * kDay;
  const AlertDecision decision = decide(failing, state, {});
  EXPECT_TRUE(decision.should_send());
  EXPECT_THAT(decision.findings, ElementsAre(Finding::kFailing, Finding::kEventsDropped));
  EXPECT_THAT(compose(failing, decision, site()).body,
              HasSubstr("ne contenait plus que 2 événements à venir, contre 10"));
  // A UID change found while the drop is pending: both stay pending, one of each kind.
  FeedHealth churn = ok_snapshot(6, 0, 4);  // 4 upcoming: not the 10 of before the drop
  churn.checked_at = kNow + 7200;
  const AlertDecision both = decide(churn, state, {});
  EXPECT_TRUE(both.held);
  EXPECT_THAT(both.findings, ElementsAre(Finding::kEventsDropped, Finding::kUidsChanged));
  EXPECT_EQ(state_after_holding(state, both).pending.size(), 2u);
}

TEST(FeedAlerts, PendingNewsGoesStaleAfterAWeekOrWhenTheEventsCameBack) {
  store::AlertState state;
  state.last_sent_at = kNow;
  state.pending = {{"uids-changed", 8, 0, 8, kNow}, {"events-dropped", 10, 2, 2, kNow}};
  FeedHealth quiet = ok_snapshot(2, 2, 2);
  quiet.checked_at = kNow + 7 * kDay - 60;
  EXPECT_THAT(decide(quiet, state, {}).findings,
              ElementsAre(Finding::kEventsDropped, Finding::kUidsChanged));
  quiet.checked_at = kNow + 7 * kDay + 60;
  const AlertDecision stale = decide(quiet, state, {});
  EXPECT_THAT(stale.findings, IsEmpty());
  EXPECT_THAT(state_after_holding(state, stale).pending, IsEmpty());
  // The events are back (at least half of those before the drop): the drop is no news.
  FeedHealth back = ok_snapshot(2, 2, 5);
  back.checked_at = kNow + kDay;
  EXPECT_THAT(decide(back, state, {}).findings, ElementsAre(Finding::kUidsChanged));
}

struct ChurnCase {
  int before, kept, after;
  std::vector<Finding> expected;
};

TEST(FeedAlerts, JudgesUidChurnAndDropsOnFeedsOfFiveUpcomingEventsOrMore) {
  const std::vector<ChurnCase> cases = {
      {10, 10, 10, {}},                       // nothing changed
      {10, 5, 10, {}},                        // half kept: fine
      {10, 4, 10, {Finding::kUidsChanged}},   // same count, new UIDs
      {10, 0, 9, {Finding::kUidsChanged}},    // a few less, all new UIDs
      {10, 4, 5, {Finding::kUidsChanged}},    // half the events are still there
      {10, 3, 4, {Finding::kEventsDropped}},  // fewer than half are left
      {10, 0, 0, {Finding::kEventsDropped}},  // all upcoming ones gone (past ones stay)
      {5, 0, 0, {Finding::kEventsDropped}},   // five is enough to judge
      {4, 0, 0, {}},                          // small feeds are never judged
      {4, 0, 4, {}},
  };
  for (const ChurnCase& c : cases) {
    EXPECT_EQ(decide(ok_snapshot(c.before, c.kept, c.after), {}, {}).findings, c.expected)
        << c.before << " " << c.kept << " " << c.after;
  }
  FeedHealth unmeasured = ok_snapshot(10, 0, 0);
  unmeasured.compared = false;
  EXPECT_THAT(decide(unmeasured, {}, {}).findings, IsEmpty());
}

TEST(FeedAlerts, AFeedWithoutContactAddressNeverMails) {
  FeedHealth health = failed(10);
  health.contact_email.clear();
  EXPECT_THAT(decide(health, {}, {}).findings, IsEmpty());
  FeedHealth churn = ok_snapshot(10, 0, 10);
  churn.contact_email.clear();
  EXPECT_THAT(decide(churn, told_failing_at(kNow - 2 * kDay), {}).findings, IsEmpty());
}

TEST(FeedAlerts, SeveralFindingsOfOneRefreshMakeOneMailSayingAll) {
  const AlertDecision decision =
      decide(ok_snapshot(10, 1, 2), told_failing_at(kNow - 2 * kDay), {});
  ASSERT_THAT(decision.findings, ElementsAre(Finding::kRecovered, Finding::kEventsDropped));
  EXPECT_EQ(decision.kind(), "recovered,events-dropped");
  const Mail mail = compose(ok_snapshot(10, 1, 2), decision, site());
  EXPECT_THAT(mail.subject, HasSubstr("fonctionne de nouveau et a perdu la plupart"));
  EXPECT_THAT(mail.body, HasSubstr("se lit de nouveau correctement"));
  EXPECT_THAT(mail.body, HasSubstr("ne contenait plus que 2 événements à venir, contre 10"));
}

TEST(FeedAlerts, TheFailingMailInFrenchSaysWhatHappenedAndWhatToCheck) {
  const FeedHealth health = failed(3);
  const Mail mail = compose(health, decide(health, {}, {}), site());
  EXPECT_EQ(mail.to, "contact@maison.example.org");
  EXPECT_EQ(
      mail.subject,
      "[Agenda citoyen] Votre flux \u00ab\u00a0Maison de quartier\u00a0\u00bb ne répond plus");
  EXPECT_THAT(mail.body, HasSubstr("https://maison.example.org/agenda.ics"));
  EXPECT_THAT(mail.body, HasSubstr("3 tentatives de suite ont échoué"));
  EXPECT_THAT(mail.body, HasSubstr("Erreur : HTTP 500 Internal Server Error (réponse HTTP 500)"));
  EXPECT_THAT(mail.body, HasSubstr("Dernière lecture réussie : le 15/01/2027 à"));
  EXPECT_THAT(mail.body, HasSubstr("(Europe/Paris)"));
  EXPECT_THAT(mail.body, HasSubstr("les 12 événements de la dernière lecture réussie restent"));
  EXPECT_THAT(mail.body, HasSubstr("le serveur de votre site rencontre une erreur (HTTP 500)"));
  EXPECT_THAT(mail.body, HasSubstr("https://agenda.example.org/partners"));
  EXPECT_THAT(mail.body, HasSubstr("https://agenda.example.org/api/feeds/maison-quartier/status"));
  EXPECT_THAT(mail.body, HasSubstr("au plus un message par jour"));
}

TEST(FeedAlerts, AFeedOfTheCoordinationLinksThePublicStatusNotThePartnerPages) {
  FeedHealth health = failed(1);
  health.registered = false;
  AlertRules rules;
  rules.failures = 1;
  const Mail mail = compose(health, decide(health, {}, rules), site());
  EXPECT_THAT(mail.body, HasSubstr("la tentative du 15/01/2027 à 09:00 (Europe/Paris) a échoué"));
  EXPECT_THAT(mail.body, HasSubstr("https://agenda.example.org/api/feeds/status"));
  EXPECT_THAT(mail.body, HasSubstr("écrivez-nous la nouvelle"));
  EXPECT_THAT(mail.body, Not(HasSubstr("/partners")));
  EXPECT_THAT(mail.body, Not(HasSubstr("/api/feeds/maison-quartier/status")));
}

TEST(FeedAlerts, TheTextFollowsTheSiteLanguage) {
  FeedHealth health = failed(3);
  health.http_code = 404;
  health.error = "HTTP 404 Not Found";
  const Mail mail = compose(health, decide(health, {}, {}), site("en"));
  EXPECT_EQ(mail.subject,
            "[Agenda citoyen] Your feed \u201cMaison de quartier\u201d is not responding");
  EXPECT_THAT(mail.body, HasSubstr("3 attempts in a row failed"));
  EXPECT_THAT(mail.body, HasSubstr("this address no longer exists (HTTP 404)"));
  EXPECT_THAT(mail.body, HasSubstr("the 12 events of the last successful read stay in the agenda"));
  EXPECT_THAT(mail.body, Not(HasSubstr("Bonjour")));

  const FeedHealth churn = ok_snapshot(8, 0, 8);
  const Mail uids = compose(churn, decide(churn, {}, {}), site("en"));
  EXPECT_THAT(uids.subject, HasSubstr("changed its event UIDs"));
  EXPECT_THAT(uids.body, HasSubstr("8 of your 8 upcoming events"));
  EXPECT_THAT(uids.body, HasSubstr("may see these events twice"));
  const Mail fr = compose(churn, decide(churn, {}, {}), site());
  EXPECT_THAT(fr.body, HasSubstr("risquent de voir ces événements en double"));
}

TEST(FeedAlerts, AParseErrorIsNotCalledAServerThatDoesNotAnswer) {
  FeedHealth health = failed(3);
  health.http_code = 200;
  health.error = "not a calendar: no BEGIN:VCALENDAR";
  const Mail mail = compose(health, decide(health, {}, {}), site());
  EXPECT_THAT(mail.subject, HasSubstr("n'est plus lisible"));
  EXPECT_THAT(mail.body, HasSubstr("pas une page d'erreur ou de connexion"));
}

TEST(FeedAlerts, AHostileFeedNameCannotAddHeaders) {
  FeedHealth health = failed(3);
  health.name = "Club\r\nBcc: everyone@example.org\r\n\r\nfake body";
  const Mail mail = compose(health, decide(health, {}, {}), site());
  MailSettings settings;
  settings.from = "agenda@example.org";
  const std::string message = format_message(settings, mail, kNow, "<id@example.org>");
  const testing::ReceivedMail parsed = testing::parse_mail("", message);
  EXPECT_EQ(parsed.header("bcc"), "");
  EXPECT_THAT(parsed.subject(), HasSubstr("Club Bcc: everyone@example.org fake body"));
  EXPECT_EQ(message.find("\nBcc:"), std::string::npos);
  EXPECT_EQ(message.find("\n\r\nfake body"), std::string::npos);
}

TEST(FormatMessage, WritesTheHeadersOfAnAutomaticMailAndAnEncodedBody) {
  MailSettings settings;
  settings.from = "agenda@example.org";
  Mail mail{"contact@maison.example.org", "Votre flux « Été » ne répond plus",
            "Ligne accentuée : é, à, «\u00a0»\nUne ligne très longue " + std::string(120, 'x') +
                "\nfin = égal \n",
            "Agenda \"citoyen\""};
  const std::string message = format_message(settings, mail, kNow, "<abc@example.org>");
  const testing::ReceivedMail parsed = testing::parse_mail("", message);
  EXPECT_EQ(parsed.header("date"), "Fri, 15 Jan 2027 08:00:00 +0000");
  EXPECT_EQ(parsed.header("message-id"), "<abc@example.org>");
  EXPECT_EQ(parsed.header("auto-submitted"), "auto-generated");
  EXPECT_EQ(parsed.header("x-auto-response-suppress"), "All");
  EXPECT_EQ(parsed.header("to"), "<contact@maison.example.org>");
  EXPECT_EQ(parsed.header("from"), "\"Agenda \\\"citoyen\\\"\" <agenda@example.org>");
  EXPECT_EQ(parsed.header("content-type"), "text/plain; charset=UTF-8");
  EXPECT_THAT(parsed.header("subject"), HasSubstr("=?UTF-8?B?"));
  EXPECT_EQ(parsed.subject(), mail.subject);
  EXPECT_EQ(parsed.body(), mail.body);
  std::istringstream lines(message);
  std::string line;
  while (std::getline(lines, line)) {
    EXPECT_LE(line.size(), 77u) << line;                      // 76 and the CR
    for (unsigned char c : line) EXPECT_LT(c, 0x80) << line;  // 7-bit on the wire
  }
}

TEST(AddressProblem, RefusesWhatCouldInjectHeadersOrCommands) {
  EXPECT_EQ(address_problem("contact@maison.example.org"), "");
  EXPECT_EQ(address_problem("prenom.nom+agenda@xn--exemple-9za.fr"), "");
  for (const char* bad : {"prénom@exemple.fr", "", "no-at-sign", "@example.org", "a@", "a@b@c",
                          "a@b.c\r\nRCPT TO:<x@y.z>", "a@b.c\nBcc: x@y.z", "a b@c.d", "<a@b.c>",
                          "a@b.c>", "a@b.c,d@e.f", "a@b.c; d@e.f", "\"a\"@b.c"}) {
    EXPECT_NE(address_problem(bad), "") << bad;
  }
  EXPECT_EQ(header_safe("a\r\nBcc: b\x01\x7f"), "a Bcc: b");
}

}  // namespace
}  // namespace concerto::notify
