// The registry of partners and their feeds, on real SQLite files next to the store's tables.

#include "store/registry.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/event.h"
#include "core/token.h"
#include "store/schema.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace concerto::store {
namespace {

using core::Event;
using core::EventTime;
using core::FeedStatus;
using core::Occurrence;
using core::Partner;
using core::RegisteredFeed;
using namespace Poco::Data::Keywords;  // NOLINT(google-build-using-namespace)

using concerto::testing::TempDir;

Poco::Data::Session raw_session(const std::string& path) {
  Poco::Data::SQLite::Connector::registerConnector();
  return {"SQLite", path};
}

EventTime utc_time(int year, int month, int day, int hour, int minute) {
  EventTime time;
  time.local = {{year, month, day}, hour, minute, 0};
  time.tzid = "UTC";
  time.utc = core::seconds_from_civil(time.local);
  return time;
}

Event simple_event(const std::string& feed_id, const std::string& uid) {
  Event event;
  event.feed_id = feed_id;
  event.uid = uid;
  event.summary = "Event " + uid;
  event.start = utc_time(2026, 10, 19, 8, 0);
  event.end = utc_time(2026, 10, 19, 9, 0);
  return event;
}

FeedSnapshot snapshot_of(const std::vector<Event>& events) {
  FeedSnapshot snapshot;
  snapshot.events = events;
  for (const Event& event : events) {
    Occurrence occurrence;
    occurrence.feed_id = event.feed_id;
    occurrence.uid = event.uid;
    occurrence.start = event.start;
    occurrence.end = event.end;
    snapshot.occurrences.push_back(occurrence);
  }
  return snapshot;
}

FeedStatus status_of(const std::string& feed_id, int event_count) {
  FeedStatus status;
  status.feed_id = feed_id;
  status.last_fetch = 1'790'000'000;
  status.last_success = 1'790'000'000;
  status.http_code = 200;
  status.event_count = event_count;
  return status;
}

Partner partner_named(const std::string& id, const std::string& name) {
  Partner partner;
  partner.id = id;
  partner.name = name;
  partner.email = id + "@example.org";
  partner.created_at = 1'790'000'000;
  return partner;
}

RegisteredFeed feed_of(const std::string& id, const std::string& partner_id, const std::string& url,
                       bool approved = true) {
  RegisteredFeed feed;
  feed.config.id = id;
  feed.config.name = "Feed " + id;
  feed.config.url = url;
  feed.config.format = "ics";
  feed.config.category = "Atelier";
  feed.config.timezone = "Europe/Paris";
  feed.config.refresh_seconds = 1800;
  feed.partner_id = partner_id;
  feed.approved = approved;
  feed.created_at = 1'790'000'100;
  feed.updated_at = 1'790'000'200;
  return feed;
}

std::vector<std::string> event_ids(const std::vector<Event>& events) {
  std::vector<std::string> ids;
  for (const Event& event : events) ids.push_back(event.feed_id + "/" + event.uid);
  return ids;
}

std::vector<std::string> occurrence_ids(const std::vector<Occurrence>& occurrences) {
  std::vector<std::string> ids;
  for (const Occurrence& occurrence : occurrences) {
    ids.push_back(occurrence.feed_id + "/" + occurrence.uid);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

void expect_partner_eq(const Partner& actual, const Partner& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.name, expected.name);
  EXPECT_EQ(actual.email, expected.email);
  EXPECT_EQ(actual.admin, expected.admin);
  EXPECT_EQ(actual.disabled, expected.disabled);
  EXPECT_EQ(actual.created_at, expected.created_at);
}

void expect_feed_eq(const RegisteredFeed& actual, const RegisteredFeed& expected) {
  EXPECT_EQ(actual.config.id, expected.config.id);
  EXPECT_EQ(actual.config.name, expected.config.name);
  EXPECT_EQ(actual.config.url, expected.config.url);
  EXPECT_EQ(actual.config.format, expected.config.format);
  EXPECT_EQ(actual.config.category, expected.config.category);
  EXPECT_EQ(actual.config.timezone, expected.config.timezone);
  EXPECT_EQ(actual.config.refresh_seconds, expected.config.refresh_seconds);
  EXPECT_TRUE(actual.config.path.empty());
  EXPECT_EQ(actual.partner_id, expected.partner_id);
  EXPECT_EQ(actual.approved, expected.approved);
  EXPECT_EQ(actual.created_at, expected.created_at);
  EXPECT_EQ(actual.updated_at, expected.updated_at);
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::open(db_path());
    ASSERT_TRUE(store) << store.error();
    store_ = std::move(store).value();
    auto registry = Registry::open(db_path());
    ASSERT_TRUE(registry) << registry.error();
    registry_ = std::move(registry).value();
  }

  std::string db_path() const { return (dir_.path() / "concerto.db").string(); }

  // A partner "partner-a" holding the token hash of "cct_a".
  void add_partner_a() {
    auto added =
        registry_->add_partner(partner_named("partner-a", "Atelier"), core::token_hash("cct_a"));
    ASSERT_TRUE(added.ok()) << added.message;
  }

  std::int64_t generation() {
    auto generation = store_->generation();
    EXPECT_TRUE(generation) << generation.error();
    return generation ? *generation : -1;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Registry> registry_;
};

// --- partners ----------------------------------------------------------------------------------

TEST_F(RegistryTest, StartsWithNoPartnersAndNoFeeds) {
  auto partners = registry_->partners();
  ASSERT_TRUE(partners) << partners.error();
  EXPECT_TRUE(partners->empty());
  auto feeds = registry_->feeds();
  ASSERT_TRUE(feeds) << feeds.error();
  EXPECT_TRUE(feeds->empty());
}

TEST_F(RegistryTest, AddsPartnersAndListsThemByName) {
  Partner zebra = partner_named("partner-1", "Zèbre & Co");
  zebra.admin = true;
  Partner decider = partner_named("partner-2", "Décider ensemble");
  decider.email = "";
  Partner atelier = partner_named("partner-3", "Atelier");
  atelier.disabled = true;
  ASSERT_TRUE(registry_->add_partner(zebra, core::token_hash("cct_1")).ok());
  ASSERT_TRUE(registry_->add_partner(decider, core::token_hash("cct_2")).ok());
  ASSERT_TRUE(registry_->add_partner(atelier, core::token_hash("cct_3")).ok());

  auto partners = registry_->partners();
  ASSERT_TRUE(partners) << partners.error();
  ASSERT_EQ(partners->size(), 3u);
  expect_partner_eq((*partners)[0], atelier);
  expect_partner_eq((*partners)[1], decider);
  expect_partner_eq((*partners)[2], zebra);
}

TEST_F(RegistryTest, FindsAPartnerByIdAndByTokenHash) {
  Partner partner = partner_named("partner-a", "Décider ensemble");
  partner.admin = true;
  ASSERT_TRUE(registry_->add_partner(partner, core::token_hash("cct_a")).ok());
  ASSERT_TRUE(
      registry_->add_partner(partner_named("partner-b", "Other"), core::token_hash("cct_b")).ok());

  auto by_id = registry_->partner("partner-a");
  ASSERT_TRUE(by_id) << by_id.error();
  ASSERT_TRUE(by_id->has_value());
  expect_partner_eq(**by_id, partner);

  auto by_token = registry_->partner_by_token(core::token_hash("cct_a"));
  ASSERT_TRUE(by_token) << by_token.error();
  ASSERT_TRUE(by_token->has_value());
  EXPECT_EQ((*by_token)->id, "partner-a");
  auto other = registry_->partner_by_token(core::token_hash("cct_b"));
  ASSERT_TRUE(other && other->has_value());
  EXPECT_EQ((*other)->id, "partner-b");
}

TEST_F(RegistryTest, UnknownPartnersAndTokensAreNotFoundNotErrors) {
  add_partner_a();
  auto missing = registry_->partner("partner-nope");
  ASSERT_TRUE(missing) << missing.error();
  EXPECT_FALSE(missing->has_value());
  auto unknown = registry_->partner_by_token(core::token_hash("cct_unknown"));
  ASSERT_TRUE(unknown) << unknown.error();
  EXPECT_FALSE(unknown->has_value());
  // The token itself is not what is stored: looking it up as a hash finds nothing.
  auto raw = registry_->partner_by_token("cct_a");
  ASSERT_TRUE(raw) << raw.error();
  EXPECT_FALSE(raw->has_value());
}

TEST_F(RegistryTest, EmptyLookupsAreNotFoundNotErrors) {
  add_partner_a();
  ASSERT_TRUE(registry_->add_feed(feed_of("p-1", "partner-a", "https://a.example/1.ics")).ok());
  // Each one answers "no such row" (ok, empty), as for any other unknown id.
  auto partner = registry_->partner("");
  EXPECT_TRUE(partner) << partner.error();
  if (partner) {
    EXPECT_FALSE(partner->has_value());
  }
  auto by_token = registry_->partner_by_token("");
  EXPECT_TRUE(by_token) << by_token.error();
  if (by_token) {
    EXPECT_FALSE(by_token->has_value());
  }
  auto feed = registry_->feed("");
  EXPECT_TRUE(feed) << feed.error();
  if (feed) {
    EXPECT_FALSE(feed->has_value());
  }
}

TEST_F(RegistryTest, RotatingATokenMakesTheOldHashUnknown) {
  add_partner_a();
  const std::string fresh = core::token_hash("cct_fresh");
  auto rotated = registry_->set_token("partner-a", fresh);
  ASSERT_TRUE(rotated.ok()) << rotated.message;
  auto old = registry_->partner_by_token(core::token_hash("cct_a"));
  ASSERT_TRUE(old) << old.error();
  EXPECT_FALSE(old->has_value());
  auto found = registry_->partner_by_token(fresh);
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->id, "partner-a");
  EXPECT_EQ((*found)->name, "Atelier");
}

TEST_F(RegistryTest, DisablesAndEnablesAPartnerWhoKeepsTheirToken) {
  add_partner_a();
  auto disabled = registry_->set_disabled("partner-a", true);
  ASSERT_TRUE(disabled.ok()) << disabled.message;
  EXPECT_TRUE((*registry_->partner("partner-a"))->disabled);
  // Still found by token: the caller refuses disabled partners itself.
  auto by_token = registry_->partner_by_token(core::token_hash("cct_a"));
  ASSERT_TRUE(by_token && by_token->has_value());
  EXPECT_TRUE((*by_token)->disabled);
  EXPECT_TRUE(registry_->partners()->front().disabled);

  ASSERT_TRUE(registry_->set_disabled("partner-a", false).ok());
  EXPECT_FALSE((*registry_->partner("partner-a"))->disabled);
  // Disabling twice is not an error.
  EXPECT_TRUE(registry_->set_disabled("partner-a", true).ok());
  EXPECT_TRUE(registry_->set_disabled("partner-a", true).ok());
  EXPECT_TRUE((*registry_->partner("partner-a"))->disabled);
}

TEST_F(RegistryTest, ChangingAnUnknownPartnerIsNotFound) {
  add_partner_a();
  auto rotated = registry_->set_token("partner-nope", core::token_hash("cct_x"));
  EXPECT_EQ(rotated.error, RegistryError::kNotFound);
  EXPECT_FALSE(rotated.ok());
  EXPECT_THAT(rotated.message, ::testing::HasSubstr("partner-nope"));
  auto disabled = registry_->set_disabled("partner-nope", true);
  EXPECT_EQ(disabled.error, RegistryError::kNotFound);
  // Nothing else changed.
  EXPECT_FALSE((*registry_->partner("partner-a"))->disabled);
  EXPECT_TRUE(registry_->partner_by_token(core::token_hash("cct_a"))->has_value());
  EXPECT_FALSE(registry_->partner_by_token(core::token_hash("cct_x"))->has_value());
}

TEST_F(RegistryTest, RefusesASecondPartnerWithTheSameIdOrTokenHash) {
  add_partner_a();
  auto same_id =
      registry_->add_partner(partner_named("partner-a", "Copy"), core::token_hash("cct_other"));
  EXPECT_FALSE(same_id.ok());
  EXPECT_EQ(same_id.error, RegistryError::kOther);
  auto same_hash =
      registry_->add_partner(partner_named("partner-b", "Copy"), core::token_hash("cct_a"));
  EXPECT_FALSE(same_hash.ok());
  EXPECT_EQ(same_hash.error, RegistryError::kOther);
  EXPECT_THAT(same_hash.message, ::testing::HasSubstr(db_path()));
  EXPECT_EQ(registry_->partners()->size(), 1u);
  EXPECT_EQ((*registry_->partner("partner-a"))->name, "Atelier");
}

TEST_F(RegistryTest, PartnersAreSharedByEveryRegistryOnTheFile) {
  add_partner_a();
  auto second = Registry::open(db_path());
  ASSERT_TRUE(second) << second.error();
  auto found = (*second)->partner_by_token(core::token_hash("cct_a"));
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->id, "partner-a");
  ASSERT_TRUE((*second)->set_token("partner-a", core::token_hash("cct_b")).ok());
  EXPECT_FALSE(registry_->partner_by_token(core::token_hash("cct_a"))->has_value());
}

// --- feeds -------------------------------------------------------------------------------------

TEST_F(RegistryTest, AddsFeedsAndReadsThemBackById) {
  add_partner_a();
  const RegisteredFeed second = feed_of("p-2", "partner-a", "https://b.example/agenda.ics", false);
  const RegisteredFeed first = feed_of("p-1", "partner-a", "https://a.example/rss.xml");
  ASSERT_TRUE(registry_->add_feed(second).ok());
  auto added = registry_->add_feed(first);
  ASSERT_TRUE(added.ok()) << added.message;

  auto feeds = registry_->feeds();
  ASSERT_TRUE(feeds) << feeds.error();
  ASSERT_EQ(feeds->size(), 2u);
  expect_feed_eq((*feeds)[0], first);
  expect_feed_eq((*feeds)[1], second);

  auto one = registry_->feed("p-2");
  ASSERT_TRUE(one) << one.error();
  ASSERT_TRUE(one->has_value());
  expect_feed_eq(**one, second);
  auto none = registry_->feed("p-nope");
  ASSERT_TRUE(none) << none.error();
  EXPECT_FALSE(none->has_value());
}

TEST_F(RegistryTest, RefusesAFeedOfAnUnknownPartner) {
  auto added = registry_->add_feed(feed_of("p-1", "partner-ghost", "https://a.example/1.ics"));
  EXPECT_FALSE(added.ok());
  EXPECT_TRUE(registry_->feeds()->empty());
}

TEST_F(RegistryTest, RefusesASecondFeedWithTheSameUrl) {
  add_partner_a();
  ASSERT_TRUE(registry_->add_feed(feed_of("p-1", "partner-a", "https://a.example/1.ics")).ok());
  auto duplicate = registry_->add_feed(feed_of("p-2", "partner-a", "https://a.example/1.ics"));
  EXPECT_EQ(duplicate.error, RegistryError::kDuplicateUrl);
  EXPECT_THAT(duplicate.message, ::testing::HasSubstr("https://a.example/1.ics"));
  EXPECT_EQ(registry_->feeds()->size(), 1u);
  EXPECT_FALSE(registry_->feed("p-2")->has_value());
}

TEST_F(RegistryTest, RefusesASecondFeedWithTheSameId) {
  add_partner_a();
  ASSERT_TRUE(registry_->add_feed(feed_of("p-1", "partner-a", "https://a.example/1.ics")).ok());
  auto duplicate = registry_->add_feed(feed_of("p-1", "partner-a", "https://a.example/2.ics"));
  EXPECT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.error, RegistryError::kNone);
  ASSERT_EQ(registry_->feeds()->size(), 1u);
  EXPECT_EQ((*registry_->feed("p-1"))->config.url, "https://a.example/1.ics");
}

TEST_F(RegistryTest, UpdatesWhatAFeedReadsButNotWhoOwnsItOrWhetherItIsApproved) {
  add_partner_a();
  ASSERT_TRUE(
      registry_->add_feed(feed_of("p-1", "partner-a", "https://a.example/1.ics", false)).ok());
  RegisteredFeed changed;
  changed.config.id = "p-1";
  changed.config.name = "Nouveau nom";
  changed.config.url = "https://a.example/new.rss";
  changed.config.format = "rss";
  changed.config.category = "Conférence";
  changed.config.timezone = "America/Montreal";
  changed.config.refresh_seconds = 7200;
  changed.partner_id = "partner-other";  // ignored
  changed.approved = true;               // ignored: only approve_feed approves
  changed.created_at = 5;                // ignored
  changed.updated_at = 1'790'000'900;
  auto updated = registry_->update_feed(changed);
  ASSERT_TRUE(updated.ok()) << updated.message;

  auto feed = registry_->feed("p-1");
  ASSERT_TRUE(feed && feed->has_value());
  RegisteredFeed expected = changed;
  expected.partner_id = "partner-a";
  expected.approved = false;
  expected.created_at = 1'790'000'100;
  expect_feed_eq(**feed, expected);

  // Keeping its own URL is no duplicate.
  changed.config.name = "Encore";
  EXPECT_TRUE(registry_->update_feed(changed).ok());
  EXPECT_EQ((*registry_->feed("p-1"))->config.name, "Encore");
}

TEST_F(RegistryTest, RefusesToUpdateAFeedToAnotherFeedsUrl) {
  add_partner_a();
  ASSERT_TRUE(registry_->add_feed(feed_of("p-1", "partner-a", "https://a.example/1.ics")).ok());
  ASSERT_TRUE(registry_->add_feed(feed_of("p-2", "partner-a", "https://a.example/2.ics")).ok());
  RegisteredFeed changed = feed_of("p-2", "partner-a", "https://a.example/1.ics");
  changed.config.name = "Stolen";
  auto updated = registry_->update_feed(changed);
  EXPECT_EQ(updated.error, RegistryError::kDuplicateUrl);
  auto feed = registry_->feed("p-2");
  ASSERT_TRUE(feed && feed->has_value());
  EXPECT_EQ((*feed)->config.url, "https://a.example/2.ics");
  EXPECT_EQ((*feed)->config.name, "Feed p-2");
}

TEST_F(RegistryTest, ChangingAnUnknownFeedIsNotFound) {
  add_partner_a();
  ASSERT_TRUE(registry_->add_feed(feed_of("p-1", "partner-a", "https://a.example/1.ics")).ok());
  EXPECT_EQ(registry_->update_feed(feed_of("p-nope", "partner-a", "https://x.example/")).error,
            RegistryError::kNotFound);
  EXPECT_EQ(registry_->delete_feed("p-nope").error, RegistryError::kNotFound);
  EXPECT_EQ(registry_->approve_feed("p-nope").error, RegistryError::kNotFound);
  EXPECT_EQ(registry_->feeds()->size(), 1u);
}

TEST_F(RegistryTest, DeletingAFeedRemovesItsEventsOccurrencesAndStatus) {
  add_partner_a();
  ASSERT_TRUE(registry_->add_feed(feed_of("p-1", "partner-a", "https://a.example/1.ics")).ok());
  ASSERT_TRUE(store_->replace_snapshot(
      "p-1", snapshot_of({simple_event("p-1", "x"), simple_event("p-1", "y")}),
      status_of("p-1", 2)));
  ASSERT_TRUE(store_->replace_snapshot("local", snapshot_of({simple_event("local", "z")}),
                                       status_of("local", 1)));
  ASSERT_EQ(event_ids(*store_->events()), (std::vector<std::string>{"local/z", "p-1/x", "p-1/y"}));
  const std::int64_t before = generation();

  auto deleted = registry_->delete_feed("p-1");
  ASSERT_TRUE(deleted.ok()) << deleted.message;
  EXPECT_GT(generation(), before);
  EXPECT_FALSE(registry_->feed("p-1")->has_value());
  EXPECT_TRUE(registry_->feeds()->empty());
  EXPECT_EQ(event_ids(*store_->events()), (std::vector<std::string>{"local/z"}));
  EXPECT_EQ(occurrence_ids(*store_->occurrences(0, 4'000'000'000)),
            (std::vector<std::string>{"local/z"}));
  auto status = store_->status("p-1");
  ASSERT_TRUE(status) << status.error();
  EXPECT_FALSE(status->has_value());
  EXPECT_TRUE(store_->status("local")->has_value());

  // Nothing left in the file either (events() could hide rows).
  auto session = raw_session(db_path());
  int events = -1, occurrences = -1;
  session << "SELECT COUNT(*) FROM events WHERE feed_id = 'p-1'", into(events), now;
  session << "SELECT COUNT(*) FROM occurrences WHERE feed_id = 'p-1'", into(occurrences), now;
  EXPECT_EQ(events, 0);
  EXPECT_EQ(occurrences, 0);

  // Its URL is free again.
  EXPECT_TRUE(registry_->add_feed(feed_of("p-2", "partner-a", "https://a.example/1.ics")).ok());
}

TEST_F(RegistryTest, DeletingAFeedThatNeverFetchedBumpsTheGenerationToo) {
  add_partner_a();
  ASSERT_TRUE(registry_->add_feed(feed_of("p-1", "partner-a", "https://a.example/1.ics")).ok());
  const std::int64_t before = generation();
  ASSERT_TRUE(registry_->delete_feed("p-1").ok());
  EXPECT_GT(generation(), before);
}

TEST_F(RegistryTest, UpdatingAFeedBumpsTheGeneration) {
  add_partner_a();
  ASSERT_TRUE(registry_->add_feed(feed_of("p-1", "partner-a", "https://a.example/1.ics")).ok());
  const std::int64_t before = generation();
  RegisteredFeed renamed = feed_of("p-1", "partner-a", "https://a.example/1.ics");
  renamed.config.name = "Nouveau nom";
  auto updated = registry_->update_feed(renamed);
  ASSERT_TRUE(updated.ok()) << updated.message;
  // The pages name the feed: what they rendered before is stale.
  EXPECT_GT(generation(), before);
}

TEST_F(RegistryTest, ATombstoneOlderThanADayGoesAtTheNextDeleteAndItsUrlIsFreeAllAlong) {
  add_partner_a();
  const auto rows = [&](const std::string& feed_id) {
    auto session = raw_session(db_path());
    std::string wanted = feed_id;
    int count = -1;
    session << "SELECT COUNT(*) FROM registered_feeds WHERE feed_id = ?", use(wanted), into(count),
        now;
    return count;
  };
  ASSERT_TRUE(registry_->add_feed(feed_of("p-old", "partner-a", "https://a.example/old.ics")).ok());
  ASSERT_TRUE(registry_->delete_feed("p-old").ok());
  EXPECT_EQ(rows("p-old"), 1) << "no tombstone";
  // The tombstone keeps the id, not the URL.
  auto again = registry_->add_feed(feed_of("p-again", "partner-a", "https://a.example/old.ics"));
  EXPECT_TRUE(again.ok()) << again.message;
  EXPECT_FALSE(
      registry_->add_feed(feed_of("p-old", "partner-a", "https://a.example/other.ics")).ok());

  // A day and a second later, the next delete purges it; a fresh tombstone stays.
  {
    auto session = raw_session(db_path());
    std::int64_t long_ago = core::unix_now() - 86401;
    session << "UPDATE registered_feeds SET updated_at = ? WHERE feed_id = 'p-old'", use(long_ago),
        now;
  }
  EXPECT_EQ(rows("p-old"), 1) << "purged before any delete";
  ASSERT_TRUE(registry_->add_feed(feed_of("p-2", "partner-a", "https://a.example/2.ics")).ok());
  ASSERT_TRUE(registry_->delete_feed("p-2").ok());
  EXPECT_EQ(rows("p-old"), 0) << "an expired tombstone stayed";
  EXPECT_EQ(rows("p-2"), 1) << "the fresh tombstone went (its updated_at is not the deletion's?)";
  EXPECT_EQ(rows("p-again"), 1);
  EXPECT_TRUE((*registry_->feed("p-again")).has_value());
  // The expired id is free again.
  auto reused = registry_->add_feed(feed_of("p-old", "partner-a", "https://a.example/old2.ics"));
  EXPECT_TRUE(reused.ok()) << reused.message;
}

// --- moderation --------------------------------------------------------------------------------

TEST_F(RegistryTest, AFeedAwaitingApprovalStaysOutOfThePublicAgendaUntilApproved) {
  add_partner_a();
  ASSERT_TRUE(
      registry_->add_feed(feed_of("p-held", "partner-a", "https://a.example/held.ics", false))
          .ok());
  ASSERT_TRUE(
      registry_->add_feed(feed_of("p-open", "partner-a", "https://a.example/open.ics", true)).ok());
  ASSERT_TRUE(store_->replace_snapshot("p-held", snapshot_of({simple_event("p-held", "h")}),
                                       status_of("p-held", 1)));
  ASSERT_TRUE(store_->replace_snapshot("p-open", snapshot_of({simple_event("p-open", "o")}),
                                       status_of("p-open", 1)));
  ASSERT_TRUE(store_->replace_snapshot("local", snapshot_of({simple_event("local", "l")}),
                                       status_of("local", 1)));

  auto events = store_->events();
  ASSERT_TRUE(events) << events.error();
  EXPECT_EQ(event_ids(*events), (std::vector<std::string>{"local/l", "p-open/o"}));
  auto occurrences = store_->occurrences(0, 4'000'000'000);
  ASSERT_TRUE(occurrences) << occurrences.error();
  EXPECT_EQ(occurrence_ids(*occurrences), (std::vector<std::string>{"local/l", "p-open/o"}));
  // Its status is still kept: its partner sees how its fetches go.
  auto status = store_->status("p-held");
  ASSERT_TRUE(status && status->has_value());
  EXPECT_EQ((*status)->event_count, 1);

  const std::int64_t before = generation();
  auto approved = registry_->approve_feed("p-held");
  ASSERT_TRUE(approved.ok()) << approved.message;
  EXPECT_GT(generation(), before);
  EXPECT_TRUE((*registry_->feed("p-held"))->approved);
  EXPECT_EQ(event_ids(*store_->events()),
            (std::vector<std::string>{"local/l", "p-held/h", "p-open/o"}));
  EXPECT_EQ(occurrence_ids(*store_->occurrences(0, 4'000'000'000)),
            (std::vector<std::string>{"local/l", "p-held/h", "p-open/o"}));
  // Approving again is harmless.
  EXPECT_TRUE(registry_->approve_feed("p-held").ok());
}

TEST_F(RegistryTest, ADisabledPartnersFeedsLeaveThePublicAgendaAndComeBackWhenEnabled) {
  add_partner_a();
  ASSERT_TRUE(
      registry_->add_feed(feed_of("p-a", "partner-a", "https://a.example/a.ics", true)).ok());
  ASSERT_TRUE(store_->replace_snapshot("p-a", snapshot_of({simple_event("p-a", "a")}),
                                       status_of("p-a", 1)));
  ASSERT_TRUE(store_->replace_snapshot("local", snapshot_of({simple_event("local", "l")}),
                                       status_of("local", 1)));
  const std::int64_t before = generation();
  ASSERT_TRUE(registry_->set_disabled("partner-a", true).ok());
  EXPECT_GT(generation(), before);
  EXPECT_EQ(event_ids(*store_->events()), (std::vector<std::string>{"local/l"}));
  EXPECT_EQ(occurrence_ids(*store_->occurrences(0, 4'000'000'000)),
            (std::vector<std::string>{"local/l"}));
  auto statuses = store_->statuses();
  ASSERT_TRUE(statuses) << statuses.error();
  ASSERT_EQ(statuses->size(), 1u);
  EXPECT_EQ(statuses->front().feed_id, "local");
  // Kept, not deleted: enabling the partner again shows them at once.
  ASSERT_TRUE(registry_->set_disabled("partner-a", false).ok());
  EXPECT_EQ(event_ids(*store_->events()), (std::vector<std::string>{"local/l", "p-a/a"}));
}

TEST_F(RegistryTest, UpdateFeedWithdrawsAnApprovalButNeverGrantsOne) {
  add_partner_a();
  ASSERT_TRUE(
      registry_->add_feed(feed_of("p-1", "partner-a", "https://a.example/1.ics", true)).ok());
  ASSERT_TRUE(store_->replace_snapshot("p-1", snapshot_of({simple_event("p-1", "x")}),
                                       status_of("p-1", 1)));
  ASSERT_EQ(event_ids(*store_->events()), (std::vector<std::string>{"p-1/x"}));

  // approved = false withdraws it (a new URL under moderation): the events leave the agenda.
  RegisteredFeed changed = feed_of("p-1", "partner-a", "https://a.example/new.ics", false);
  auto updated = registry_->update_feed(changed);
  ASSERT_TRUE(updated.ok()) << updated.message;
  EXPECT_FALSE((*registry_->feed("p-1"))->approved);
  EXPECT_TRUE(store_->events()->empty());

  // approved = true grants nothing.
  changed.approved = true;
  changed.config.name = "Renomme";
  updated = registry_->update_feed(changed);
  ASSERT_TRUE(updated.ok()) << updated.message;
  EXPECT_FALSE((*registry_->feed("p-1"))->approved);
  EXPECT_EQ((*registry_->feed("p-1"))->config.name, "Renomme");
  EXPECT_TRUE(store_->events()->empty());

  // Only approve_feed approves; approved = true then leaves it approved.
  ASSERT_TRUE(registry_->approve_feed("p-1").ok());
  changed.config.name = "Encore";
  updated = registry_->update_feed(changed);
  ASSERT_TRUE(updated.ok()) << updated.message;
  EXPECT_TRUE((*registry_->feed("p-1"))->approved);
  EXPECT_EQ(event_ids(*store_->events()), (std::vector<std::string>{"p-1/x"}));
}

TEST_F(RegistryTest, AHeldFeedIsHiddenFromAStoreOpenedBeforeItWasRegistered) {
  // The server's store is open long before a partner registers a feed through another process.
  ASSERT_TRUE(store_->replace_snapshot("p-held", snapshot_of({simple_event("p-held", "h")}),
                                       status_of("p-held", 1)));
  EXPECT_EQ(store_->events()->size(), 1u);
  auto other = Registry::open(db_path());
  ASSERT_TRUE(other) << other.error();
  ASSERT_TRUE(
      (*other)->add_partner(partner_named("partner-a", "Atelier"), core::token_hash("cct_a")).ok());
  ASSERT_TRUE(
      (*other)->add_feed(feed_of("p-held", "partner-a", "https://a.example/h.ics", false)).ok());
  EXPECT_TRUE(store_->events()->empty());
  EXPECT_TRUE(store_->occurrences(0, 4'000'000'000)->empty());
}

// --- schema ------------------------------------------------------------------------------------

// --- feed health mail ---------------------------------------------------------------------------

TEST_F(RegistryTest, ARegisteredFeedCarriesItsPartnersAddressUnlessThePartnerIsDisabled) {
  add_partner_a();
  ASSERT_TRUE(registry_->add_feed(feed_of("p-1", "partner-a", "https://a.example/1.ics")).ok());
  EXPECT_EQ((*registry_->feeds())[0].config.contact_email, "partner-a@example.org");
  EXPECT_EQ((**registry_->feed("p-1")).config.contact_email, "partner-a@example.org");
  ASSERT_TRUE(registry_->set_disabled("partner-a", true).ok());
  EXPECT_EQ((*registry_->feeds())[0].config.contact_email, "");
}

TEST_F(RegistryTest, KeepsEachFeedsAlertStateAndLogsTheMailsSent) {
  auto fresh = registry_->alert_state("p-1");
  ASSERT_TRUE(fresh) << fresh.error();
  EXPECT_FALSE(fresh->told_failing);
  EXPECT_EQ(fresh->last_sent_at, 0);
  EXPECT_EQ(fresh->last_kind, "");

  const SentMail failing{"p-1", "failing", "a@example.org", 1'790'000'000, "[A] ne répond plus"};
  ASSERT_TRUE(registry_->record_sent_mail(failing, {true, 1'790'000'000, "failing"}).ok());
  const SentMail other{"p-2", "uids-changed", "b@example.org", 1'790'000'500, "[A] UID"};
  ASSERT_TRUE(registry_->record_sent_mail(other, {false, 1'790'000'500, "uids-changed"}).ok());
  auto state = registry_->alert_state("p-1");
  ASSERT_TRUE(state) << state.error();
  EXPECT_TRUE(state->told_failing);
  EXPECT_EQ(state->last_sent_at, 1'790'000'000);
  EXPECT_EQ(state->last_kind, "failing");

  ASSERT_TRUE(registry_->save_alert_state("p-1", {true, 1'789'900'000, "failing"}).ok());
  EXPECT_EQ(registry_->alert_state("p-1")->last_sent_at, 1'789'900'000);

  auto all = registry_->sent_mails("");
  ASSERT_TRUE(all) << all.error();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].feed_id, "p-2");  // newest first
  EXPECT_EQ((*all)[1].subject, "[A] ne répond plus");
  EXPECT_EQ((*all)[1].recipient, "a@example.org");
  EXPECT_EQ((*all)[1].sent_at, 1'790'000'000);
  auto one = registry_->sent_mails("p-1");
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].kind, "failing");
}

TEST_F(RegistryTest, KeepsTheFindingsNotToldYetUntilAMailClearsThem) {
  const std::vector<PendingFinding> pending = {{"uids-changed", 8, 0, 8, 1'790'010'800},
                                               {"events-dropped", 10, 2, 2, 1'790'020'000}};
  ASSERT_TRUE(registry_->save_pending_findings("p-1", pending).ok());  // no row yet
  auto state = registry_->alert_state("p-1");
  ASSERT_TRUE(state) << state.error();
  EXPECT_EQ(state->pending, pending);
  EXPECT_EQ(state->last_sent_at, 0);

  ASSERT_TRUE(registry_
                  ->record_sent_mail({"p-1", "failing", "a@example.org", 1'790'000'000, "s"},
                                     {true, 1'790'000'000, "failing"})
                  .ok());
  ASSERT_TRUE(registry_->save_pending_findings("p-1", {pending[0]}).ok());
  state = registry_->alert_state("p-1");
  EXPECT_TRUE(state->told_failing);  // the rest of the state stays
  EXPECT_EQ(state->last_sent_at, 1'790'000'000);
  EXPECT_EQ(state->pending, std::vector<PendingFinding>{pending[0]});
  AlertState told = *state;
  told.pending.clear();
  ASSERT_TRUE(
      registry_
          ->record_sent_mail({"p-1", "uids-changed", "a@example.org", 1'790'090'000, "s"}, told)
          .ok());
  EXPECT_TRUE(registry_->alert_state("p-1")->pending.empty());
}

TEST_F(RegistryTest, OfTwoClaimsOfTheMailSlotExpectingTheSameValueOnlyOneWins) {
  // Two processes (two connections) read last_sent_at = 0 and both want to mail.
  auto other = Registry::open(db_path());
  ASSERT_TRUE(other) << other.error();
  auto first = registry_->claim_alert_slot("p-1", 0, 1'790'000'000);  // inserts the row
  ASSERT_TRUE(first) << first.error();
  EXPECT_TRUE(*first);
  auto second = (*other)->claim_alert_slot("p-1", 0, 1'790'000'005);
  ASSERT_TRUE(second) << second.error();
  EXPECT_FALSE(*second);
  EXPECT_EQ(registry_->alert_state("p-1")->last_sent_at, 1'790'000'000);

  // The winner's send failed: it gives the slot back, and the next claim wins.
  auto released = registry_->claim_alert_slot("p-1", 1'790'000'000, 0);
  ASSERT_TRUE(released) << released.error();
  EXPECT_TRUE(*released);
  EXPECT_EQ((*other)->alert_state("p-1")->last_sent_at, 0);
  EXPECT_TRUE(*(*other)->claim_alert_slot("p-1", 0, 1'790'000'010));
  EXPECT_FALSE(*registry_->claim_alert_slot("p-1", 0, 1'790'000'020));
  EXPECT_FALSE((*other)->alert_state("p-1")->told_failing);
}

TEST_F(RegistryTest, DeletingAFeedForgetsItsAlertStateButKeepsTheMailLog) {
  add_partner_a();
  ASSERT_TRUE(registry_->add_feed(feed_of("p-1", "partner-a", "https://a.example/1.ics")).ok());
  ASSERT_TRUE(registry_
                  ->record_sent_mail({"p-1", "failing", "a@example.org", 1'790'000'000, "s"},
                                     {true, 1'790'000'000, "failing"})
                  .ok());
  ASSERT_TRUE(registry_->delete_feed("p-1").ok());
  EXPECT_FALSE(registry_->alert_state("p-1")->told_failing);
  EXPECT_EQ(registry_->sent_mails("p-1")->size(), 1u);
}

TEST(RegistrySchema, MigratesAVersionThreeDatabaseAndKeepsItsEventsPublic) {
  TempDir dir;
  const std::string file = (dir.path() / "v3.db").string();
  {
    auto session = raw_session(file);
    session << std::string(schema::kCreateVersionTable), now;
    for (int version = 1; version <= 3; ++version) {
      session << std::string(schema::kMigrations[static_cast<std::size_t>(version - 1)]), now;
      session << "INSERT INTO schema_version (version, applied_at) VALUES (?, 0)", use(version),
          now;
    }
    session << "INSERT INTO feeds (feed_id, event_count) VALUES ('old', 1)", now;
    const Event event = simple_event("old", "kept@example.org");
    std::string start = schema::encode_time(event.start);
    std::string end = schema::encode_time(event.end);
    session << "INSERT INTO events (feed_id, uid, recurrence_key, recurrence_id, summary, "
               "description, location, url, organizer, categories, status, start_time, "
               "end_time, rrule, rdates, exdates, last_modified, sequence, source_line) "
               "VALUES ('old', 'kept@example.org', '', '', 'Event kept@example.org', '', '', "
               "'', '', '', 'CONFIRMED', ?, ?, '', '', '', 0, 0, 0)",
        use(start), use(end), now;
    std::int64_t start_utc = event.start.utc;
    std::int64_t end_utc = event.end.utc;
    session << "INSERT INTO occurrences (feed_id, uid, recurrence_key, recurrence_id, "
               "start_time, end_time, start_utc, end_utc, from_override) "
               "VALUES ('old', 'kept@example.org', '', '', ?, ?, ?, ?, 0)",
        use(start), use(end), use(start_utc), use(end_utc), now;
  }
  auto store = Store::open(file);
  ASSERT_TRUE(store) << store.error();
  auto registry = Registry::open(file);
  ASSERT_TRUE(registry) << registry.error();

  auto events = (*store)->events();
  ASSERT_TRUE(events) << events.error();
  EXPECT_EQ(event_ids(*events), (std::vector<std::string>{"old/kept@example.org"}));
  EXPECT_EQ((*store)->occurrences(0, 4'000'000'000)->size(), 1u);
  EXPECT_TRUE((*registry)->partners()->empty());
  EXPECT_TRUE((*registry)->feeds()->empty());
  ASSERT_TRUE(
      (*registry)->add_partner(partner_named("partner-a", "Atelier"), core::token_hash("t")).ok());
  EXPECT_TRUE((*registry)->add_feed(feed_of("p-1", "partner-a", "https://a.example/")).ok());

  auto session = raw_session(file);
  int version = 0;
  session << "SELECT MAX(version) FROM schema_version", into(version), now;
  EXPECT_EQ(version, schema::kLatestVersion);
  EXPECT_GE(schema::kLatestVersion, 4);
}

TEST(RegistrySchema, OpeningTheRegistryAloneMigratesAFreshFile) {
  TempDir dir;
  const std::string file = (dir.path() / "fresh.db").string();
  auto registry = Registry::open(file);
  ASSERT_TRUE(registry) << registry.error();
  EXPECT_TRUE(
      (*registry)->add_partner(partner_named("partner-a", "Atelier"), core::token_hash("t")).ok());
}

TEST(RegistrySchema, RefusesADatabaseWithANewerSchemaVersion) {
  TempDir dir;
  const std::string file = (dir.path() / "future.db").string();
  ASSERT_TRUE(Store::open(file));
  {
    auto session = raw_session(file);
    int future = schema::kLatestVersion + 1;
    session << "INSERT INTO schema_version (version, applied_at) VALUES (?, 0)", use(future), now;
  }
  auto registry = Registry::open(file);
  ASSERT_FALSE(registry);
  EXPECT_THAT(registry.error(), ::testing::HasSubstr("newer"));
}

}  // namespace
}  // namespace concerto::store
