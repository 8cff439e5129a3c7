// What deduplication remembers in the store: merged identities, sequences and decisions.

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/merge_records.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace concerto::store {
namespace {

using core::MergeDecision;
using core::MergeDecisionKind;
using core::MergeIdentity;
using core::MergeSequence;
using core::SourceRef;
using namespace Poco::Data::Keywords;  // NOLINT(google-build-using-namespace)

using concerto::testing::TempDir;

Poco::Data::Session raw_session(const std::string& path) {
  Poco::Data::SQLite::Connector::registerConnector();
  return {"SQLite", path};
}

SourceRef source(const std::string& feed_id, const std::string& uid,
                 const std::string& recurrence = "") {
  return {feed_id, uid, recurrence};
}

MergeIdentity identity(const SourceRef& ref, const std::string& merged_uid) {
  return {core::source_key(ref), merged_uid};
}

MergeDecision decision(SourceRef a, SourceRef b, MergeDecisionKind kind, std::int64_t decided_at) {
  MergeDecision result;
  result.a = std::move(a);
  result.b = std::move(b);
  result.kind = kind;
  result.decided_at = decided_at;
  return result;
}

core::Event event_of(const std::string& feed_id, const std::string& uid) {
  core::Event event;
  event.feed_id = feed_id;
  event.uid = uid;
  event.start.tzid = "UTC";
  event.start.local = {{2026, 10, 19}, 8, 0, 0};
  event.start.utc = core::seconds_from_civil(event.start.local);
  event.end = event.start;
  event.end.utc += 3600;
  return event;
}

void expect_identities(const std::vector<MergeIdentity>& actual,
                       const std::vector<MergeIdentity>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(actual[i].source_key, expected[i].source_key) << i;
    EXPECT_EQ(actual[i].merged_uid, expected[i].merged_uid) << i;
  }
}

void expect_decision(const MergeDecision& actual, const MergeDecision& expected) {
  EXPECT_EQ(actual.a, expected.a);
  EXPECT_EQ(actual.b, expected.b);
  EXPECT_EQ(actual.kind, expected.kind);
  EXPECT_EQ(actual.decided_at, expected.decided_at);
}

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class MergeMemoryTest : public ::testing::Test {
 protected:
  std::string db_path() const { return (dir_.path() / "concerto.db").string(); }

  std::unique_ptr<Store> open_store() {
    auto store = Store::open(db_path());
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error());
    if (!store.ok()) return nullptr;
    return std::move(store).value();
  }

  MergeMemory memory_of(Store& store) {
    auto memory = store.merge_memory();
    EXPECT_TRUE(memory.ok()) << (memory.ok() ? "" : memory.error());
    return memory.ok() ? std::move(memory).value() : MergeMemory{};
  }

  TempDir dir_;
};

TEST_F(MergeMemoryTest, ANewStoreRemembersNothing) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const MergeMemory memory = memory_of(*store);
  EXPECT_TRUE(memory.identities.empty());
  EXPECT_TRUE(memory.sequences.empty());
  EXPECT_TRUE(memory.decisions.empty());
}

TEST_F(MergeMemoryTest, RoundTripsIdentitiesSequencesAndDecisionsAcrossReopening) {
  const std::vector<MergeIdentity> identities = {
      identity(source("agenda-culture", "concert-42@example.org"), "m-1@concerto"),
      identity(source("mairie", "événement 7", "20261019T073000Z"), "m-2@concerto"),
      identity(source("mairie", "with\x1funit separator"), "m-1@concerto")};
  const std::vector<MergeSequence> sequences = {{"m-1@concerto\x1f", "hash-a", 0},
                                                {"m-2@concerto\x1f"
                                                 "20261019T073000Z",
                                                 "hash-b", 3}};
  const MergeDecision join = decision(source("a", "1"), source("b", "1", "20261019"),
                                      MergeDecisionKind::kJoin, 1'790'000'000);
  const MergeDecision apart =
      decision(source("a", "2"), source("c", "9"), MergeDecisionKind::kApart, 1'790'000'100);
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->save_merge_memory(identities, sequences));
    ASSERT_TRUE(store->add_merge_decisions({apart, join}));
  }
  auto store = open_store();
  ASSERT_TRUE(store);
  const MergeMemory memory = memory_of(*store);
  // Ordered by key.
  expect_identities(memory.identities, {identities[0], identities[2], identities[1]});
  ASSERT_EQ(memory.sequences.size(), 2u);
  EXPECT_EQ(memory.sequences[0].merged_key, sequences[0].merged_key);
  EXPECT_EQ(memory.sequences[0].content_hash, "hash-a");
  EXPECT_EQ(memory.sequences[0].sequence, 0);
  EXPECT_EQ(memory.sequences[1].merged_key, sequences[1].merged_key);
  EXPECT_EQ(memory.sequences[1].content_hash, "hash-b");
  EXPECT_EQ(memory.sequences[1].sequence, 3);
  ASSERT_EQ(memory.decisions.size(), 2u);
  expect_decision(memory.decisions[0], join);
  expect_decision(memory.decisions[1], apart);
}

TEST_F(MergeMemoryTest, SavingReplacesRowsWithTheSameKeyAndKeepsTheOthers) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const SourceRef one = source("a", "1");
  const SourceRef two = source("a", "2");
  ASSERT_TRUE(store->save_merge_memory({identity(one, "m-1"), identity(two, "m-2")},
                                       {{"m-1\x1f", "h1", 0}, {"m-2\x1f", "h2", 0}}));
  ASSERT_TRUE(store->save_merge_memory({identity(two, "m-1")}, {{"m-1\x1f", "h1'", 1}}));

  const MergeMemory memory = memory_of(*store);
  expect_identities(memory.identities, {identity(one, "m-1"), identity(two, "m-1")});
  ASSERT_EQ(memory.sequences.size(), 2u);
  EXPECT_EQ(memory.sequences[0].content_hash, "h1'");
  EXPECT_EQ(memory.sequences[0].sequence, 1);
  EXPECT_EQ(memory.sequences[1].content_hash, "h2");
  EXPECT_EQ(memory.sequences[1].sequence, 0);
}

TEST_F(MergeMemoryTest, SavingStampsRowsWithTheTimeOfTheSave) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const std::int64_t before = unix_seconds();
  ASSERT_TRUE(store->save_merge_memory({identity(source("a", "1"), "m")}, {{"m\x1f", "h", 0}}));
  const std::int64_t after = unix_seconds();
  auto session = raw_session(db_path());
  std::int64_t assigned_at = 0;
  std::int64_t changed_at = 0;
  session << "SELECT assigned_at FROM merge_identity", into(assigned_at), now;
  session << "SELECT changed_at FROM merge_sequence", into(changed_at), now;
  EXPECT_GE(assigned_at, before);
  EXPECT_LE(assigned_at, after);
  EXPECT_GE(changed_at, before);
  EXPECT_LE(changed_at, after);
}

TEST_F(MergeMemoryTest, ForgetsRowsNotSavedForMonthsAndReadsBackWhenEachWasSaved) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->save_merge_memory(
      {identity(source("a", "gone"), "g"), identity(source("a", "kept"), "k")},
      {core::MergeSequence{"g\x1f", "h", 1, 0}, core::MergeSequence{"k\x1f", "h", 2, 0}}));
  {
    // Backdate the "gone" rows past the forget period, the "kept" ones to a month ago.
    auto session = raw_session(db_path());
    std::int64_t long_ago = unix_seconds() - core::kMergeMemoryForgetSeconds - 10;
    std::int64_t month_ago = unix_seconds() - core::kMergeMemoryTouchSeconds - 10;
    session << "UPDATE merge_identity SET assigned_at = ? WHERE merged_uid = 'g'", use(long_ago),
        now;
    session << "UPDATE merge_sequence SET changed_at = ? WHERE merged_key = 'g\x1f'", use(long_ago),
        now;
    session << "UPDATE merge_identity SET assigned_at = ? WHERE merged_uid = 'k'", use(month_ago),
        now;
  }
  MergeMemory memory = memory_of(*store);
  ASSERT_EQ(memory.identities.size(), 2u);
  EXPECT_LT(memory.identities[1].saved_at, unix_seconds() - core::kMergeMemoryTouchSeconds);
  // The next save forgets the rows nobody saved for months, and only those.
  ASSERT_TRUE(store->save_merge_memory({identity(source("b", "new"), "n")}, {}));
  memory = memory_of(*store);
  ASSERT_EQ(memory.identities.size(), 2u);
  EXPECT_EQ(memory.identities[0].merged_uid, "k");
  EXPECT_EQ(memory.identities[1].merged_uid, "n");
  ASSERT_EQ(memory.sequences.size(), 1u);
  EXPECT_EQ(memory.sequences[0].merged_key, "k\x1f");
}

TEST_F(MergeMemoryTest, DecisionsAreStoredWithTheSmallerSourceFirst) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const SourceRef low = source("a", "1", "20261019");
  const SourceRef high = source("a", "1", "20261026");  // differs only by recurrence
  ASSERT_TRUE(store->add_merge_decisions({decision(high, low, MergeDecisionKind::kApart, 5)}));
  const MergeMemory memory = memory_of(*store);
  ASSERT_EQ(memory.decisions.size(), 1u);
  expect_decision(memory.decisions[0], decision(low, high, MergeDecisionKind::kApart, 5));
}

TEST_F(MergeMemoryTest, TheLatestDecisionAboutAPairWinsWhicheverWayItIsGiven) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const SourceRef x = source("a", "1");
  const SourceRef y = source("b", "1");
  const SourceRef z = source("c", "1");
  ASSERT_TRUE(store->add_merge_decisions({decision(x, y, MergeDecisionKind::kJoin, 10),
                                          decision(x, z, MergeDecisionKind::kJoin, 10)}));
  ASSERT_TRUE(store->add_merge_decisions({decision(y, x, MergeDecisionKind::kApart, 20)}));
  MergeMemory memory = memory_of(*store);
  ASSERT_EQ(memory.decisions.size(), 2u);
  expect_decision(memory.decisions[0], decision(x, y, MergeDecisionKind::kApart, 20));
  expect_decision(memory.decisions[1], decision(x, z, MergeDecisionKind::kJoin, 10));

  // Within one call, the later of two decisions about a pair wins.
  ASSERT_TRUE(store->add_merge_decisions({decision(z, x, MergeDecisionKind::kApart, 30),
                                          decision(x, z, MergeDecisionKind::kJoin, 31)}));
  memory = memory_of(*store);
  ASSERT_EQ(memory.decisions.size(), 2u);
  expect_decision(memory.decisions[1], decision(x, z, MergeDecisionKind::kJoin, 31));
}

TEST_F(MergeMemoryTest, RefusesDecisionsAboutAnEventAndItselfOrWithoutFeedOrUid) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const MergeDecision fine =
      decision(source("a", "1"), source("b", "1"), MergeDecisionKind::kJoin, 1);
  const std::vector<MergeDecision> bad = {
      decision(source("a", "1", "r"), source("a", "1", "r"), MergeDecisionKind::kApart, 1),
      decision(source("", "1"), source("b", "1"), MergeDecisionKind::kJoin, 1),
      decision(source("a", ""), source("b", "1"), MergeDecisionKind::kJoin, 1),
      decision(source("a", "1"), source("", "1"), MergeDecisionKind::kJoin, 1),
      decision(source("a", "1"), source("b", ""), MergeDecisionKind::kJoin, 1)};
  for (const MergeDecision& refused : bad) {
    auto added = store->add_merge_decisions({fine, refused});
    ASSERT_FALSE(added.ok()) << refused.a.feed_id << "/" << refused.a.uid;
    EXPECT_NE(added.error().find("database " + db_path()), std::string::npos) << added.error();
  }
  EXPECT_NE(store->add_merge_decisions({bad[0]}).error().find("itself"), std::string::npos);
  // Nothing of a refused call is stored, not even its valid decisions.
  EXPECT_TRUE(memory_of(*store).decisions.empty());
  EXPECT_EQ(*store->generation(), 0);
}

TEST_F(MergeMemoryTest, SavingOrAddingSomethingBumpsTheGenerationAndNothingDoesNot) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->save_merge_memory({}, {}));
  ASSERT_TRUE(store->add_merge_decisions({}));
  EXPECT_EQ(*store->generation(), 0);
  EXPECT_EQ(*store->last_change(), 0);

  ASSERT_TRUE(store->save_merge_memory({identity(source("a", "1"), "m")}, {}));
  EXPECT_EQ(*store->generation(), 1);
  EXPECT_GT(*store->last_change(), 0);
  ASSERT_TRUE(store->save_merge_memory({}, {{"m\x1f", "h", 0}}));
  EXPECT_EQ(*store->generation(), 2);
  ASSERT_TRUE(store->add_merge_decisions(
      {decision(source("a", "1"), source("b", "1"), MergeDecisionKind::kJoin, 1)}));
  EXPECT_EQ(*store->generation(), 3);
}

TEST_F(MergeMemoryTest, MemorySurvivesItsFeedBeingRemovedAndAddedAgain) {
  auto store = open_store();
  ASSERT_TRUE(store);
  FeedSnapshot snapshot;
  snapshot.events = {event_of("a", "1")};
  core::FeedStatus status;
  status.feed_id = "a";
  ASSERT_TRUE(store->replace_snapshot("a", snapshot, status));
  const SourceRef ref = source("a", "1");
  ASSERT_TRUE(store->save_merge_memory({identity(ref, "m")}, {{"m\x1f", "h", 2}}));
  ASSERT_TRUE(
      store->add_merge_decisions({decision(ref, source("b", "1"), MergeDecisionKind::kApart, 1)}));

  ASSERT_TRUE(store->remove_feeds_except({}));
  ASSERT_TRUE(store->replace_snapshot("a", snapshot, status));
  const MergeMemory memory = memory_of(*store);
  expect_identities(memory.identities, {identity(ref, "m")});
  ASSERT_EQ(memory.sequences.size(), 1u);
  EXPECT_EQ(memory.sequences[0].sequence, 2);
  EXPECT_EQ(memory.decisions.size(), 1u);
}

// Sanitizer and unoptimized builds run several times slower: fewer rows keep the test short.
#if defined(__SANITIZE_ADDRESS__) || !defined(NDEBUG)
constexpr int kManyIdentities = 200'000;
#else
constexpr int kManyIdentities = 1'000'000;
#endif

TEST_F(MergeMemoryTest, SavesAMillionIdentitiesInAFewSeconds) {
  auto store = open_store();
  ASSERT_TRUE(store);
  std::vector<MergeIdentity> identities;
  identities.reserve(kManyIdentities);
  for (int i = 0; i < kManyIdentities; ++i) {
    identities.push_back(identity(source("partner-" + std::to_string(i % 7),
                                         "event-" + std::to_string(i) + "@partner.example.org"),
                                  "merged-" + std::to_string(i / 2) + "@concerto.example.org"));
  }
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(store->save_merge_memory(identities, {}));
  const auto saved = std::chrono::steady_clock::now();
  ASSERT_TRUE(store->save_merge_memory(identities, {}));  // every row replaced
  const auto replaced = std::chrono::steady_clock::now();
  const MergeMemory memory = memory_of(*store);
  const auto read = std::chrono::steady_clock::now();
  EXPECT_EQ(memory.identities.size(), identities.size());

  const auto seconds = [](auto duration) {
    return std::chrono::duration<double>(duration).count();
  };
  std::printf("%d identities: save %.2f s, replace %.2f s, read %.2f s\n", kManyIdentities,
              seconds(saved - started), seconds(replaced - saved), seconds(read - replaced));
  // Generous bound for a shared machine.
  EXPECT_LT(seconds(saved - started), 20.0);
  EXPECT_LT(seconds(replaced - saved), 20.0);
}

}  // namespace
}  // namespace concerto::store
