#include "render/agenda.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "render/render_test_support.h"

namespace concerto::render {
namespace {

using testing::at;
using testing::make_event;
using testing::timed;

// Only what agenda.cpp reads; the rest is never called.
class FakeStore : public store::Store {
 public:
  std::vector<core::Event> events_;
  std::vector<core::Occurrence> occurrences_;
  std::string events_error_;
  std::string occurrences_error_;
  std::int64_t asked_from_ = -1;
  std::int64_t asked_to_ = -1;
  store::MergeMemory memory_;

  core::Status replace_snapshot(const std::string&, const store::FeedSnapshot&,
                                const core::FeedStatus&) override {
    return core::Error{"unused"};
  }
  core::Status record_status(const core::FeedStatus&) override { return core::Error{"unused"}; }
  core::Status remove_feeds_except(const std::vector<std::string>&) override {
    return core::Error{"unused"};
  }
  core::Result<std::vector<core::Event>> events() override {
    if (!events_error_.empty()) return core::Error{events_error_};
    return events_;
  }
  core::Result<std::vector<core::Occurrence>> occurrences(std::int64_t from_utc,
                                                          std::int64_t to_utc) override {
    asked_from_ = from_utc;
    asked_to_ = to_utc;
    if (!occurrences_error_.empty()) return core::Error{occurrences_error_};
    return occurrences_;
  }
  core::Result<std::vector<core::FeedStatus>> statuses() override { return core::Error{"unused"}; }
  core::Result<std::optional<core::FeedStatus>> status(const std::string&) override {
    return core::Error{"unused"};
  }
  core::Status save_problems(const std::string&, const core::Problems&) override {
    return core::Error{"unused"};
  }
  core::Result<core::Problems> problems(const std::string&) override {
    return core::Error{"unused"};
  }
  core::Result<std::vector<store::PreviewOccurrence>> feed_preview(const std::string&, std::int64_t,
                                                                   int) override {
    return core::Error{"unused"};
  }
  core::Result<store::MergeMemory> merge_memory() override { return memory_; }
  core::Status save_merge_memory(const std::vector<core::MergeIdentity>&,
                                 const std::vector<core::MergeSequence>&) override {
    return core::Error{"unused"};
  }
  core::Status add_merge_decisions(const std::vector<core::MergeDecision>&) override {
    return core::Error{"unused"};
  }
  core::Result<std::int64_t> generation() override { return core::Error{"unused"}; }
  core::Result<std::int64_t> last_change() override { return core::Error{"unused"}; }
};

FakeStore two_feeds() {
  FakeStore store;
  core::Event low = make_event("low", "u", timed("Europe/Paris", at(2026, 10, 19, 9, 30)),
                               timed("Europe/Paris", at(2026, 10, 19, 11, 0)));
  low.summary = "from low";
  core::Event high = low;
  high.feed_id = "high";
  high.summary = "from high";
  store.events_ = {low, high};
  for (const core::Event& event : store.events_) {
    core::Occurrence occurrence;
    occurrence.feed_id = event.feed_id;
    occurrence.uid = event.uid;
    occurrence.start = event.start;
    occurrence.end = event.end;
    store.occurrences_.push_back(occurrence);
  }
  return store;
}

AgendaOptions options() {
  AgendaOptions result;
  result.feed_priority = {{"high", 2}, {"low", 1}};
  return result;
}

TEST(AgendaIcs, RendersTheMergedEventsOfTheStore) {
  FakeStore store = two_feeds();
  const core::Result<std::string> ics = agenda_ics(store, options());
  ASSERT_TRUE(ics.ok()) << ics.error();
  EXPECT_NE(ics->find("SUMMARY:from high"), std::string::npos);
  EXPECT_EQ(ics->find("from low"), std::string::npos);
}

TEST(AgendaIcs, PassesOnAStoreError) {
  FakeStore store = two_feeds();
  store.events_error_ = "database is locked";
  const core::Result<std::string> ics = agenda_ics(store, options());
  ASSERT_FALSE(ics.ok());
  EXPECT_NE(ics.error().find("database is locked"), std::string::npos);
}

TEST(AgendaJson, RendersTheWinningOccurrencesOfTheWindow) {
  FakeStore store = two_feeds();
  const JsonWindow window{1780000000, 1800000000};
  const core::Result<std::string> json = agenda_json(store, options(), window);
  ASSERT_TRUE(json.ok()) << json.error();
  // Deduplication reads every stored occurrence (a single event may join one of a series).
  EXPECT_LE(store.asked_from_, window.from_utc);
  EXPECT_GE(store.asked_to_, window.to_utc);
  EXPECT_NE(json->find("\"summary\":\"from high\""), std::string::npos);
  EXPECT_EQ(json->find("from low"), std::string::npos);
}

TEST(AgendaJson, PassesOnAStoreError) {
  FakeStore store = two_feeds();
  store.occurrences_error_ = "disk I/O error";
  const core::Result<std::string> json = agenda_json(store, options(), JsonWindow{0, 1});
  ASSERT_FALSE(json.ok());
  EXPECT_NE(json.error().find("disk I/O error"), std::string::npos);
}

}  // namespace
}  // namespace concerto::render
