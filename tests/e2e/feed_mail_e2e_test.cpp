// End to end: the real `concerto fetch` and `concerto serve`, partners' feeds on a real web
// server on 127.0.0.1 and a real SMTP sink (aiosmtpd): who gets which mail about their feed,
// and when.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/partner.h"
#include "store/registry.h"
#include "store/store.h"
#include "support/feed_server.h"
#include "support/process.h"
#include "support/smtp_sink.h"

namespace concerto {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::FeedServer;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReceivedMail;
using testing::run_concerto;
using testing::SmtpSink;
using testing::write_file;

// `count` events on the days after today, with UIDs <prefix>-<n>.
std::string calendar(const std::string& prefix, int count) {
  std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Partner//FR\r\n";
  for (int i = 0; i < count; ++i) {
    const core::LocalDateTime day = core::civil_from_seconds(core::unix_now() + (10 + i) * 86400);
    const std::string date = core::format_ics_date(day.date);
    text += "BEGIN:VEVENT\r\nUID:" + prefix + "-" + std::to_string(i) +
            "@partner.test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:" + date +
            "T170000Z\r\nDTEND:" + date + "T190000Z\r\nSUMMARY:Atelier " + std::to_string(i) +
            "\r\nEND:VEVENT\r\n";
  }
  return text + "END:VCALENDAR\r\n";
}

class FeedMail : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sink_.running()) << sink_.log();
    dir_ = testing::make_temp_dir();
    ASSERT_FALSE(dir_.empty());
    fs::create_directories(dir_ + "/feeds");
    write_file(dir_ + "/concerto.ini",
               "[storage]\ndatabase = sqlite:" + database() + "\n[feeds]\ndirectory = " + dir_ +
                   "/feeds\n[fetch]\nallow = 127.0.0.1/32\n[server]\nlisten = 127.0.0.1:0\n"
                   "base_url = https://agenda.test\n[site]\ntitle = Agenda test\n"
                   "[mail]\nhost = 127.0.0.1\nport = " +
                   std::to_string(sink_.port()) +
                   "\nfrom = agenda@concerto.test\nfailures = 3\ntimeout = 5s\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string database() const { return dir_ + "/c.db"; }
  std::vector<std::string> config() const { return {"--config", dir_ + "/concerto.ini"}; }

  void add_feed_file(const std::string& id, const FeedServer& server, const std::string& email) {
    write_file(dir_ + "/feeds/" + id + ".ini",
               "name = Feed " + id + "\nurl = " + server.url() + "\n" +
                   (email.empty() ? "" : "email = " + email + "\n"));
  }

  CommandResult fetch() {
    std::vector<std::string> args{"fetch"};
    const auto options = config();
    args.insert(args.end(), options.begin(), options.end());
    CommandResult result = run_concerto(args, 60);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result;
  }

  std::unique_ptr<store::Registry> registry() {
    auto opened = store::Registry::open(database());
    EXPECT_TRUE(opened) << opened.error();
    return opened ? std::move(opened).value() : nullptr;
  }

  // As if the last mail about `feed_id` had gone out more than a day ago.
  void age_last_mail(const std::string& feed_id) {
    auto registry = this->registry();
    ASSERT_TRUE(registry);
    auto state = registry->alert_state(feed_id);
    ASSERT_TRUE(state) << state.error();
    ASSERT_GT(state->last_sent_at, 0);
    state->last_sent_at -= 86400 + 60;
    ASSERT_TRUE(registry->save_alert_state(feed_id, *state).ok());
  }

  SmtpSink sink_;
  std::string dir_;
};

TEST_F(FeedMail, AFailingFeedGetsOneMailAfterTheThirdFailureAndARecoveryMailADayLater) {
  FeedServer partner(calendar("maison", 6));
  FeedServer silent(calendar("silent", 6));
  add_feed_file("maison", partner, "contact@maison.test");
  add_feed_file("silent", silent, "");  // no address: never mailed
  fetch();
  EXPECT_TRUE(sink_.received().empty());

  partner.set_status(500);
  silent.set_status(500);
  fetch();
  fetch();
  EXPECT_TRUE(sink_.received().empty()) << "two failures are not news yet";
  const CommandResult third = fetch();
  auto mails = sink_.received();
  ASSERT_EQ(mails.size(), 1u) << third.err;
  const ReceivedMail& failing = mails[0];
  EXPECT_THAT(failing.recipients, ::testing::ElementsAre("contact@maison.test"));
  EXPECT_EQ(failing.from, "agenda@concerto.test");
  EXPECT_EQ(failing.subject(),
            "[Agenda test] Votre flux \u00ab\u00a0Feed maison\u00a0\u00bb ne répond plus");
  EXPECT_THAT(failing.body(), HasSubstr(partner.url()));
  EXPECT_THAT(failing.body(), HasSubstr("3 tentatives de suite ont échoué"));
  EXPECT_THAT(failing.body(), HasSubstr("(réponse HTTP 500)"));
  EXPECT_THAT(failing.body(), HasSubstr("les 6 événements de la dernière lecture réussie restent"));
  EXPECT_THAT(failing.body(), HasSubstr("https://agenda.test/api/feeds/status"));
  EXPECT_THAT(third.err, HasSubstr("mail about feed maison (failing) sent to contact@maison.test"));

  fetch();  // still failing: told already
  EXPECT_EQ(sink_.received().size(), 1u);

  partner.set_status(200);
  const CommandResult back = fetch();
  EXPECT_EQ(sink_.received().size(), 1u) << "the one-a-day limit holds the recovery back";
  EXPECT_THAT(back.err, HasSubstr("mail about feed maison (recovered) held back"));
  {
    auto registry = this->registry();
    ASSERT_TRUE(registry);
    EXPECT_TRUE(registry->alert_state("maison")->told_failing);
  }

  age_last_mail("maison");
  fetch();
  mails = sink_.received();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[1].subject(),
            "[Agenda test] Votre flux \u00ab\u00a0Feed maison\u00a0\u00bb fonctionne de nouveau");
  EXPECT_THAT(mails[1].body(), HasSubstr("L'agenda en montre 6 événements"));
  fetch();
  EXPECT_EQ(sink_.received().size(), 2u);

  auto registry = this->registry();
  ASSERT_TRUE(registry);
  EXPECT_FALSE(registry->alert_state("maison")->told_failing);
  auto log = registry->sent_mails("");
  ASSERT_TRUE(log) << log.error();
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].kind, "recovered");
  EXPECT_EQ((*log)[1].kind, "failing");
  EXPECT_EQ((*log)[1].recipient, "contact@maison.test");
  EXPECT_TRUE(registry->sent_mails("silent")->empty());
}

TEST_F(FeedMail, ARegisteredFeedsPartnerHearsOfNewUidsAndOfEventsThatWent) {
  const CommandResult added =
      run_concerto({"partners", "add", "Maison des associations", "--email", "asso@partner.test",
                    "--config", dir_ + "/concerto.ini"},
                   60);
  ASSERT_EQ(added.exit_code, 0) << added.err;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(added.out, match, std::regex("partner (partner-[0-9a-f]+)")));
  FeedServer partner(calendar("v1", 8));
  {
    auto registry = this->registry();
    ASSERT_TRUE(registry);
    core::RegisteredFeed feed;
    feed.config.id = "p-asso";
    feed.config.name = "Maison des associations";
    feed.config.url = partner.url();
    feed.config.format = "auto";
    feed.config.refresh_seconds = 3600;
    feed.partner_id = match[1];
    feed.created_at = feed.updated_at = core::unix_now();
    ASSERT_TRUE(registry->add_feed(feed).ok());
  }
  fetch();
  EXPECT_TRUE(sink_.received().empty());

  partner.set_body(calendar("v2", 8));  // the same events, all under new UIDs
  fetch();
  auto mails = sink_.received();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_THAT(mails[0].recipients, ::testing::ElementsAre("asso@partner.test"));
  EXPECT_THAT(mails[0].subject(), HasSubstr("a changé les identifiants de ses événements"));
  EXPECT_THAT(mails[0].body(), HasSubstr("8 de vos 8 événements à venir"));
  EXPECT_THAT(mails[0].body(), HasSubstr("en double"));
  EXPECT_THAT(mails[0].body(), HasSubstr("https://agenda.test/api/feeds/p-asso/status"));
  EXPECT_THAT(mails[0].body(), HasSubstr("https://agenda.test/partners"));

  age_last_mail("p-asso");
  partner.set_body(calendar("v2", 2));  // six of eight gone
  fetch();
  mails = sink_.received();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_THAT(mails[1].subject(), HasSubstr("a perdu la plupart de ses événements"));
  EXPECT_THAT(mails[1].body(), HasSubstr("ne contenait plus que 2 événements à venir, contre 8"));
  EXPECT_THAT(mails[1].body(), Not(HasSubstr("en double")));

  age_last_mail("p-asso");
  partner.set_body(calendar("v2", 3));  // one more: fine
  fetch();
  EXPECT_EQ(sink_.received().size(), 2u);
}

TEST_F(FeedMail, NewUidsFoundWhileTheLimitHoldsTheRecoveryBackAreToldWithIt) {
  FeedServer partner(calendar("v1", 6));
  add_feed_file("maison", partner, "contact@maison.test");
  fetch();
  partner.set_status(500);
  fetch();
  fetch();
  fetch();
  ASSERT_EQ(sink_.received().size(), 1u);  // failing

  partner.set_status(200);
  partner.set_body(calendar("v2", 6));  // works again, every event under a new UID
  const CommandResult back = fetch();
  EXPECT_EQ(sink_.received().size(), 1u);
  EXPECT_THAT(back.err, HasSubstr("mail about feed maison (recovered,uids-changed) held back"));
  fetch();  // compares the new snapshot with itself: nothing new, but nothing forgotten
  EXPECT_EQ(sink_.received().size(), 1u);

  age_last_mail("maison");
  fetch();
  const auto mails = sink_.received();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[1].subject(),
            "[Agenda test] Votre flux \u00ab\u00a0Feed maison\u00a0\u00bb fonctionne de nouveau "
            "et a changé les identifiants de ses événements");
  EXPECT_THAT(mails[1].body(), HasSubstr("se lit de nouveau correctement"));
  EXPECT_THAT(mails[1].body(), HasSubstr("6 de vos 6 événements à venir"));
  age_last_mail("maison");
  fetch();  // told: nothing pending any more
  EXPECT_EQ(sink_.received().size(), 2u);
  auto registry = this->registry();
  ASSERT_TRUE(registry);
  EXPECT_TRUE(registry->alert_state("maison")->pending.empty());
  EXPECT_EQ((*registry->sent_mails("maison"))[0].kind, "recovered,uids-changed");
}

TEST_F(FeedMail, TheServersScheduledRefreshMailsToo) {
  FeedServer partner(calendar("serve", 6));
  partner.set_status(503);
  add_feed_file("maison", partner, "contact@maison.test");
  std::vector<std::string> args = config();
  args.insert(args.end(), {"--set", "mail.failures=1", "--set", "site.language=en"});
  testing::ServerProcess server(args);
  ASSERT_TRUE(server.running()) << server.log();
  const auto mails = sink_.wait_for(1, 30);
  server.stop();
  ASSERT_EQ(mails.size(), 1u) << server.log();
  EXPECT_EQ(mails[0].subject(),
            "[Agenda test] Your feed \u201cFeed maison\u201d is not responding");
  EXPECT_THAT(mails[0].body(), HasSubstr("your site's server has an error (HTTP 503)"));
}

TEST(FeedMailConfig, ABadMailSettingIsAConfigurationErrorNamingTheKey) {
  const std::string dir = testing::make_temp_dir();
  fs::create_directories(dir + "/feeds");
  write_file(dir + "/concerto.ini", "[storage]\ndatabase = sqlite:" + dir +
                                        "/c.db\n[feeds]\n"
                                        "directory = " +
                                        dir + "/feeds\n[mail]\nhost = 127.0.0.1\n");
  const std::string config = dir + "/concerto.ini";
  const CommandResult no_from = run_concerto({"fetch", "--config", config}, 60);
  EXPECT_EQ(no_from.exit_code, 2);
  EXPECT_THAT(no_from.err, HasSubstr("mail.from: required when mail.host is set"));
  const CommandResult bad_from =
      run_concerto({"fetch", "--config", config, "--set", "mail.from=a@b.c\r\nBcc: x@y.z"}, 60);
  EXPECT_EQ(bad_from.exit_code, 2);
  EXPECT_THAT(bad_from.err, HasSubstr("mail.from = "));
  const CommandResult bad_port = run_concerto(
      {"fetch", "--config", config, "--set", "mail.from=a@b.c", "--set", "mail.port=99999"}, 60);
  EXPECT_THAT(bad_port.err,
              HasSubstr("mail.port = \"99999\": expected an integer from 1 to 65535"));
  const CommandResult bad_failures = run_concerto(
      {"fetch", "--config", config, "--set", "mail.from=a@b.c", "--set", "mail.failures=0"}, 60);
  EXPECT_THAT(bad_failures.err, HasSubstr("mail.failures = \"0\""));
  const CommandResult clear_credentials =
      run_concerto({"fetch", "--config", config, "--set", "mail.from=a@b.c", "--set",
                    "mail.host=smtp.example.org", "--set", "mail.username=robot"},
                   60);
  EXPECT_THAT(clear_credentials.err,
              HasSubstr("mail.username: credentials are only sent over STARTTLS"));
  write_file(dir + "/feeds/bad.ini", "url = https://example.org/a.ics\nemail = a@b.c, d@e.f\n");
  const CommandResult bad_feed =
      run_concerto({"fetch", "--config", config, "--set", "mail.host="}, 60);
  EXPECT_THAT(bad_feed.err, HasSubstr("bad.ini: email = \"a@b.c, d@e.f\": "));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace concerto
