// `concerto partners ...` and `concerto feeds ...`: the real binary on a temporary deployment.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "core/token.h"
#include "store/registry.h"
#include "store/store.h"
#include "support/feed_server.h"
#include "support/process.h"

namespace concerto {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::read_file;
using testing::run_concerto;
using testing::write_file;

// "partner ID: NAME..." then "token: cct_..." as `partners add` and `partners rotate` print them.
std::string printed_id(const std::string& out) {
  std::smatch match;
  if (!std::regex_search(out, match, std::regex("partner (partner-[0-9a-f]+)"))) return "";
  return match[1];
}

std::string printed_token(const std::string& out) {
  std::smatch match;
  if (!std::regex_search(out, match, std::regex("token: (cct_[A-Za-z0-9_-]{43})\n"))) return "";
  return match[1];
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A deployment with no feeds/*.ini and its own database.
class PartnerCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir();
    ASSERT_FALSE(dir_.empty());
    fs::create_directories(dir_ + "/feeds");
    config_ = dir_ + "/concerto.ini";
    write_file(config_, "[storage]\ndatabase = sqlite:" + database() +
                            "\n[feeds]\ndirectory = " + dir_ + "/feeds\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string database() const { return dir_ + "/state/c.db"; }

  CommandResult run(std::vector<std::string> args) {
    args.insert(args.end(), {"--config", config_});
    return run_concerto(args, 60);
  }

  // Every byte SQLite keeps for the database: the file, its write-ahead log and shared memory.
  std::string database_bytes() const {
    std::string bytes;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      if (fs::exists(database() + suffix)) bytes += read_file(database() + suffix);
    }
    return bytes;
  }

  // Adds a partner; returns its id and token (empty on failure, with a test failure).
  std::pair<std::string, std::string> add(const std::string& name,
                                          std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"partners", "add", name};
    args.insert(args.end(), extra.begin(), extra.end());
    auto added = run(args);
    EXPECT_EQ(added.exit_code, 0) << added.out << added.err;
    return {printed_id(added.out), printed_token(added.out)};
  }

  std::unique_ptr<store::Registry> registry() {
    auto store = store::Store::open(database());
    EXPECT_TRUE(store) << store.error();
    auto registry = store::Registry::open(database());
    EXPECT_TRUE(registry) << registry.error();
    if (!registry) return nullptr;
    return std::move(registry).value();
  }

  std::string list_line(const std::string& id) {
    auto listed = run({"partners", "list"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    for (auto start = std::size_t{0}; start < listed.out.size();) {
      auto end = listed.out.find('\n', start);
      if (end == std::string::npos) end = listed.out.size();
      std::string line = listed.out.substr(start, end - start);
      if (line.find(id) != std::string::npos) return line;
      start = end + 1;
    }
    return "";
  }

  std::string dir_;
  std::string config_;
};

TEST_F(PartnerCommands, AddPrintsTheIdAndTheTokenOnce) {
  auto added = run({"partners", "add", "Décider ensemble", "--email", "x@y.org"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string id = printed_id(added.out);
  const std::string token = printed_token(added.out);
  EXPECT_THAT(id, ::testing::MatchesRegex("partner-[0-9a-f]{12}")) << added.out;
  ASSERT_FALSE(token.empty()) << added.out;
  EXPECT_EQ(count(added.out, token), 1) << added.out;
  EXPECT_THAT(added.out, HasSubstr("Décider ensemble"));
  EXPECT_THAT(added.out, HasSubstr("shown once"));
  EXPECT_THAT(added.err, Not(HasSubstr(token)));
  EXPECT_THAT(added.out, Not(HasSubstr("administrator")));

  // The printed token is the one the registry knows, by its hash.
  auto registry = this->registry();
  ASSERT_TRUE(registry);
  auto partner = registry->partner_by_token(core::token_hash(token));
  ASSERT_TRUE(partner) << partner.error();
  ASSERT_TRUE(partner->has_value());
  EXPECT_EQ((*partner)->id, id);
  EXPECT_EQ((*partner)->name, "Décider ensemble");
  EXPECT_EQ((*partner)->email, "x@y.org");
  EXPECT_FALSE((*partner)->admin);
  EXPECT_FALSE((*partner)->disabled);
  EXPECT_GT((*partner)->created_at, 1'700'000'000);
}

TEST_F(PartnerCommands, TwoPartnersGetDifferentIdsAndTokens) {
  auto [first_id, first_token] = add("Un");
  auto [second_id, second_token] = add("Deux");
  ASSERT_FALSE(first_id.empty());
  ASSERT_FALSE(second_id.empty());
  EXPECT_NE(first_id, second_id);
  EXPECT_NE(first_token, second_token);
}

TEST_F(PartnerCommands, ListShowsThePartnerButNeverAToken) {
  auto [id, token] = add("Décider ensemble", {"--email", "x@y.org"});
  ASSERT_FALSE(token.empty());
  auto listed = run({"partners", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr(id));
  EXPECT_THAT(listed.out, HasSubstr("Décider ensemble"));
  EXPECT_THAT(listed.out, HasSubstr("x@y.org"));
  EXPECT_THAT(listed.out, HasSubstr("0 feeds"));
  EXPECT_THAT(listed.out, Not(HasSubstr("cct_")));
  EXPECT_THAT(listed.out, Not(HasSubstr(token.substr(4))));
  EXPECT_THAT(listed.out, Not(HasSubstr(core::token_hash(token))));
  EXPECT_THAT(listed.out, Not(HasSubstr("admin")));
  EXPECT_THAT(listed.out, Not(HasSubstr("disabled")));
  EXPECT_THAT(listed.err, Not(HasSubstr("cct_")));
}

TEST_F(PartnerCommands, ListSaysSoWhenThereAreNoPartners) {
  auto listed = run({"partners", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("no partners yet"));
}

TEST_F(PartnerCommands, TheTokenIsNowhereInTheDatabaseOnlyItsHash) {
  auto [id, token] = add("Décider ensemble", {"--email", "x@y.org"});
  ASSERT_FALSE(token.empty());
  const std::string bytes = database_bytes();
  ASSERT_FALSE(bytes.empty());
  EXPECT_THAT(bytes, HasSubstr(core::token_hash(token)));
  EXPECT_THAT(bytes, HasSubstr(id));
  EXPECT_THAT(bytes, Not(HasSubstr(token)));
  EXPECT_THAT(bytes, Not(HasSubstr(token.substr(4))));
  EXPECT_THAT(bytes, Not(HasSubstr(token.substr(4, 20))));

  auto rotate = run({"partners", "rotate", id});
  ASSERT_EQ(rotate.exit_code, 0) << rotate.err;
  const std::string rotated = printed_token(rotate.out);
  ASSERT_FALSE(rotated.empty()) << rotate.out;
  const std::string after = database_bytes();
  EXPECT_THAT(after, HasSubstr(core::token_hash(rotated)));
  EXPECT_THAT(after, Not(HasSubstr(rotated.substr(4))));
  EXPECT_THAT(after, Not(HasSubstr(token.substr(4))));
}

TEST_F(PartnerCommands, RotatePrintsANewTokenAndTheOldOneStopsWorking) {
  auto [id, token] = add("Atelier");
  ASSERT_FALSE(token.empty());
  auto rotate = run({"partners", "rotate", id});
  ASSERT_EQ(rotate.exit_code, 0) << rotate.err;
  const std::string fresh = printed_token(rotate.out);
  ASSERT_FALSE(fresh.empty()) << rotate.out;
  EXPECT_NE(fresh, token);
  EXPECT_THAT(rotate.out, HasSubstr(id));
  EXPECT_EQ(count(rotate.out, fresh), 1);

  auto registry = this->registry();
  ASSERT_TRUE(registry);
  EXPECT_FALSE(registry->partner_by_token(core::token_hash(token))->has_value());
  auto found = registry->partner_by_token(core::token_hash(fresh));
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->id, id);
  // `list` still shows no token after a rotation.
  EXPECT_THAT(list_line(id), Not(HasSubstr("cct_")));
}

TEST_F(PartnerCommands, DisableAndEnableShowInTheList) {
  auto [id, token] = add("Atelier");
  ASSERT_FALSE(id.empty());
  auto disabled = run({"partners", "disable", id});
  ASSERT_EQ(disabled.exit_code, 0) << disabled.err;
  EXPECT_THAT(disabled.out, HasSubstr(id));
  EXPECT_THAT(disabled.out, Not(HasSubstr("cct_")));
  EXPECT_THAT(list_line(id), HasSubstr("disabled"));

  auto enabled = run({"partners", "enable", id});
  ASSERT_EQ(enabled.exit_code, 0) << enabled.err;
  EXPECT_THAT(list_line(id), Not(HasSubstr("disabled")));
  // The token survives disable/enable.
  auto registry = this->registry();
  ASSERT_TRUE(registry);
  EXPECT_TRUE(registry->partner_by_token(core::token_hash(token))->has_value());
}

TEST_F(PartnerCommands, AnUnknownPartnerIdExitsTwoAndPrintsNoToken) {
  add("Atelier");
  for (const char* verb : {"rotate", "disable", "enable"}) {
    auto result = run({"partners", verb, "partner-000000000000"});
    EXPECT_EQ(result.exit_code, 2) << verb << ": " << result.out << result.err;
    EXPECT_THAT(result.err, HasSubstr("partner-000000000000")) << verb;
    EXPECT_THAT(result.out, Not(HasSubstr("cct_"))) << verb;
  }
}

TEST_F(PartnerCommands, AdminMarksTheAdministratorInTheList) {
  auto [admin_id, admin_token] = add("Mairie", {"--admin"});
  ASSERT_FALSE(admin_id.empty());
  ASSERT_FALSE(admin_token.empty());
  auto [plain_id, plain_token] = add("Atelier", {"--email", "a@b.fr"});
  EXPECT_THAT(list_line(admin_id), HasSubstr("admin"));
  EXPECT_THAT(list_line(plain_id), Not(HasSubstr("admin")));
  auto registry = this->registry();
  ASSERT_TRUE(registry);
  EXPECT_TRUE((*registry->partner(admin_id))->admin);
  EXPECT_FALSE((*registry->partner(plain_id))->admin);
}

TEST_F(PartnerCommands, AdminMayComeBeforeTheName) {
  auto added = run({"partners", "add", "--admin", "Mairie"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string id = printed_id(added.out);
  ASSERT_FALSE(id.empty()) << added.out;
  EXPECT_THAT(list_line(id), HasSubstr("Mairie"));
  EXPECT_THAT(list_line(id), HasSubstr("admin"));
}

// `--admin=false` must not grant what it reads as refusing: either it is refused as a usage
// error or the partner is no administrator.
TEST_F(PartnerCommands, AdminEqualsFalseDoesNotMakeAnAdministrator) {
  auto added = run({"partners", "add", "Atelier", "--admin=false"});
  if (added.exit_code == 2) return;
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string id = printed_id(added.out);
  ASSERT_FALSE(id.empty());
  EXPECT_THAT(list_line(id), Not(HasSubstr("admin")));
}

TEST_F(PartnerCommands, TheNameIsCleanedToOneLine) {
  auto [id, token] = add("  Décider\n   ensemble\t");
  ASSERT_FALSE(id.empty());
  EXPECT_THAT(list_line(id), HasSubstr(id + "  Décider ensemble  "));
}

TEST_F(PartnerCommands, UsageErrorsExitTwoAndAddNobody) {
  const std::vector<std::vector<std::string>> wrong = {
      {"partners"},
      {"partners", "remove", "x"},
      {"partners", "add"},
      {"partners", "add", ""},
      {"partners", "add", "   "},
      {"partners", "add", "A", "B"},
      {"partners", "add", "A", "--email", "not-an-address"},
      // Addresses the mailer would refuse at every send.
      {"partners", "add", "A", "--email", "Jean <jean@example.org>"},
      {"partners", "add", "A", "--email", "a@example.org, b@example.org"},
      {"partners", "add", "A", "--bogus", "1"},
      {"partners", "rotate"},
      {"partners", "disable"},
      {"partners", "enable"},
      {"partners", "rotate", "a", "b"},
      {"feeds"},
      {"feeds", "delete", "x"},
      {"feeds", "approve"},
      {"feeds", "approve", "a", "b"},
      {"feeds", "list", "--email", "x@y.org"},
  };
  for (const auto& args : wrong) {
    auto result = run(args);
    std::string shown;
    for (const auto& arg : args) shown += "[" + arg + "] ";
    EXPECT_EQ(result.exit_code, 2) << shown << result.out << result.err;
    EXPECT_FALSE(result.err.empty()) << shown;
    EXPECT_THAT(result.out, Not(HasSubstr("cct_"))) << shown;
  }
  auto listed = run({"partners", "list"});
  EXPECT_THAT(listed.out, HasSubstr("no partners yet")) << listed.out;
}

// Every other command exits 2 when the configuration is unusable (fetch, export, merges ...).
TEST_F(PartnerCommands, AnUnusableConfigurationExitsTwo) {
  for (const char* command : {"partners", "feeds"}) {
    auto result = run_concerto({command, "list", "--config", dir_ + "/missing.ini"});
    EXPECT_EQ(result.exit_code, 2) << command << ": " << result.err;
    EXPECT_THAT(result.err, HasSubstr("configuration")) << command;
  }
  auto bad = run({"partners", "list", "--set", "partners.moderation=maybe"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr("partners.moderation"));
}

TEST_F(PartnerCommands, FeedsListSaysSoWhenNoFeedIsRegistered) {
  auto listed = run({"feeds", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("no feeds registered by partners"));
}

TEST_F(PartnerCommands, ApprovingAnUnknownFeedExitsTwo) {
  auto approved = run({"feeds", "approve", "nope"});
  EXPECT_EQ(approved.exit_code, 2) << approved.out << approved.err;
  EXPECT_THAT(approved.err, HasSubstr("nope"));
  EXPECT_THAT(approved.out, Not(HasSubstr("approved")));
}

TEST_F(PartnerCommands, FeedsListShowsRegisteredFeedsAndApproveMakesThemPublic) {
  auto [id, token] = add("Atelier");
  ASSERT_FALSE(id.empty());
  {
    auto registry = this->registry();
    ASSERT_TRUE(registry);
    core::RegisteredFeed feed;
    feed.config.id = "p-0123456789ab";
    feed.config.name = "Agenda";
    feed.config.url = "https://atelier.example/agenda.ics";
    feed.config.format = "ics";
    feed.partner_id = id;
    feed.approved = false;
    auto added = registry->add_feed(feed);
    ASSERT_TRUE(added.ok()) << added.message;
  }
  auto listed = run({"feeds", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("p-0123456789ab"));
  EXPECT_THAT(listed.out, HasSubstr(id));
  EXPECT_THAT(listed.out, HasSubstr("https://atelier.example/agenda.ics"));
  EXPECT_THAT(listed.out, HasSubstr("awaiting approval"));
  EXPECT_THAT(list_line(id), HasSubstr("1 feed"));
  EXPECT_THAT(list_line(id), Not(HasSubstr("1 feeds")));

  auto approved = run({"feeds", "approve", "p-0123456789ab"});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_THAT(approved.out, HasSubstr("p-0123456789ab"));
  auto after = run({"feeds", "list"});
  EXPECT_THAT(after.out, HasSubstr("public"));
  EXPECT_THAT(after.out, Not(HasSubstr("awaiting approval")));
}

// fetch refreshes the feeds partners registered; a held feed's events stay out of the export
// until it is approved.
TEST_F(PartnerCommands, FetchRefreshesARegisteredFeedWhoseEventsWaitForApproval) {
  testing::FeedServer partner(read_file(CONCERTO_SOURCE_DIR "/feeds/examples/icpc.ics"));
  auto [id, token] = add("ICPC");
  ASSERT_FALSE(id.empty());
  {
    auto registry = this->registry();
    ASSERT_TRUE(registry);
    core::RegisteredFeed feed;
    feed.config.id = "p-icpc";
    feed.config.name = "ICPC";
    feed.config.url = partner.url();
    feed.partner_id = id;
    feed.approved = false;
    ASSERT_TRUE(registry->add_feed(feed).ok());
  }
  auto fetched = run({"fetch", "--set", "fetch.allow=127.0.0.0/8"});
  ASSERT_EQ(fetched.exit_code, 0) << fetched.err;
  EXPECT_THAT(fetched.out, HasSubstr("p-icpc"));
  EXPECT_THAT(fetched.out, HasSubstr("1 feeds: 1 ok"));
  EXPECT_EQ(partner.requests(), 1);

  auto held = run({"export", "--format", "ics"});
  ASSERT_EQ(held.exit_code, 0) << held.err;
  EXPECT_EQ(count(held.out, "BEGIN:VEVENT"), 0) << held.out;

  ASSERT_EQ(run({"feeds", "approve", "p-icpc"}).exit_code, 0);
  auto open = run({"export", "--format", "ics"});
  ASSERT_EQ(open.exit_code, 0) << open.err;
  EXPECT_GE(count(open.out, "BEGIN:VEVENT"), 10) << open.err;
}

}  // namespace
}  // namespace concerto
