#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "core/civil_time.h"
#include "store/schema.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace concerto::store {
namespace {

using core::Event;
using core::EventTime;
using core::FeedStatus;
using core::Occurrence;
using namespace Poco::Data::Keywords;  // NOLINT(google-build-using-namespace)

using concerto::testing::TempDir;

// Direct access to the file, to inspect or damage what the store wrote.
Poco::Data::Session raw_session(const std::string& path) {
  Poco::Data::SQLite::Connector::registerConnector();
  return {"SQLite", path};
}

EventTime all_day(int year, int month, int day) {
  EventTime time;
  time.all_day = true;
  time.date = {year, month, day};
  return time;
}

EventTime utc_time(int year, int month, int day, int hour, int minute) {
  EventTime time;
  time.local = {{year, month, day}, hour, minute, 0};
  time.tzid = "UTC";
  time.utc = core::seconds_from_civil(time.local);
  return time;
}

EventTime zoned_time(int year, int month, int day, int hour, int minute, const char* tzid,
                     int offset_seconds) {
  EventTime time;
  time.local = {{year, month, day}, hour, minute, 0};
  time.tzid = tzid;
  time.utc = core::seconds_from_civil(time.local) - offset_seconds;
  return time;
}

EventTime floating_time(int year, int month, int day, int hour, int minute) {
  EventTime time;
  time.local = {{year, month, day}, hour, minute, 0};
  time.utc = core::seconds_from_civil(time.local) - 3600;  // read in the feed's zone
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

Occurrence occurrence_of(const Event& event) {
  Occurrence occurrence;
  occurrence.feed_id = event.feed_id;
  occurrence.uid = event.uid;
  occurrence.recurrence_id = event.recurrence_id;
  occurrence.start = event.start;
  occurrence.end = event.end;
  return occurrence;
}

Occurrence occurrence_between(const std::string& uid, EventTime start, EventTime end) {
  Occurrence occurrence;
  occurrence.feed_id = "feed";
  occurrence.uid = uid;
  occurrence.start = std::move(start);
  occurrence.end = std::move(end);
  return occurrence;
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

FeedSnapshot snapshot_of(const std::vector<Event>& events) {
  FeedSnapshot snapshot;
  snapshot.events = events;
  for (const Event& event : events) snapshot.occurrences.push_back(occurrence_of(event));
  return snapshot;
}

void expect_time_eq(const EventTime& actual, const EventTime& expected) {
  EXPECT_EQ(actual.all_day, expected.all_day);
  EXPECT_EQ(actual.date, expected.date);
  EXPECT_EQ(actual.local, expected.local);
  EXPECT_EQ(actual.tzid, expected.tzid);
  EXPECT_EQ(actual.utc, expected.utc);
  EXPECT_TRUE(actual == expected);
}

void expect_event_eq(const Event& actual, const Event& expected) {
  EXPECT_EQ(actual.feed_id, expected.feed_id);
  EXPECT_EQ(actual.uid, expected.uid);
  ASSERT_EQ(actual.recurrence_id.has_value(), expected.recurrence_id.has_value());
  if (expected.recurrence_id) expect_time_eq(*actual.recurrence_id, *expected.recurrence_id);
  EXPECT_EQ(actual.summary, expected.summary);
  EXPECT_EQ(actual.description, expected.description);
  EXPECT_EQ(actual.location, expected.location);
  EXPECT_EQ(actual.url, expected.url);
  EXPECT_EQ(actual.organizer, expected.organizer);
  EXPECT_EQ(actual.categories, expected.categories);
  EXPECT_EQ(actual.status, expected.status);
  expect_time_eq(actual.start, expected.start);
  expect_time_eq(actual.end, expected.end);
  EXPECT_EQ(actual.rrule, expected.rrule);
  EXPECT_EQ(actual.rdates, expected.rdates);
  EXPECT_EQ(actual.exdates, expected.exdates);
  EXPECT_EQ(actual.last_modified, expected.last_modified);
  EXPECT_EQ(actual.sequence, expected.sequence);
  EXPECT_EQ(actual.source_line, expected.source_line);
  EXPECT_EQ(actual.vanished_at, expected.vanished_at);
}

std::vector<std::string> uids_of(const std::vector<Event>& events) {
  std::vector<std::string> uids;
  for (const Event& event : events) uids.push_back(event.feed_id + "/" + event.uid);
  return uids;
}

std::vector<std::string> uids_of(const std::vector<Occurrence>& occurrences) {
  std::vector<std::string> uids;
  for (const Occurrence& occurrence : occurrences) uids.push_back(occurrence.uid);
  return uids;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::string db_path() const { return (dir_.path() / "concerto.db").string(); }

  std::unique_ptr<Store> open_store() {
    auto store = Store::open(db_path());
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error());
    if (!store.ok()) return nullptr;
    return std::move(store).value();
  }

  TempDir dir_;
};

// --- column encodings -------------------------------------------------------------------------

TEST(Schema, EncodesEveryEventTimeKindAndReadsItBackEqual) {
  EventTime odd;  // out-of-range fields, a zone name with spaces and separators
  odd.all_day = true;
  odd.date = {-44, 3, 15};
  odd.local = {{12345, -1, 40}, 25, 61, -7};
  odd.tzid = "Weird Zone; with\\ spaces";
  odd.utc = -9'000'000'000;
  EventTime extreme;
  extreme.date = {std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), 0};
  extreme.local = {{0, 0, -0}, std::numeric_limits<int>::min(), 0, std::numeric_limits<int>::max()};
  extreme.tzid = "UTC";
  extreme.utc = std::numeric_limits<std::int64_t>::min();
  for (const EventTime& time : {all_day(2026, 10, 19), utc_time(2026, 10, 19, 7, 30),
                                zoned_time(2026, 10, 19, 9, 30, "Europe/Paris", 7200),
                                floating_time(2026, 1, 2, 3, 4), EventTime{}, odd}) {
    const std::string text = schema::encode_time(time);
    auto decoded = schema::decode_time(text);
    ASSERT_TRUE(decoded.has_value()) << text;
    EXPECT_TRUE(*decoded == time) << text;
  }
  EXPECT_EQ(schema::encode_time(zoned_time(2026, 10, 19, 9, 30, "Europe/Paris", 7200)),
            "T 1970-01-01 2026-10-19T09:30:00 1792395000 Europe/Paris");
}

TEST(Schema, ListEncodingKeepsSeparatorsEmptyItemsAndEmptyLists) {
  const std::vector<std::vector<std::string>> lists = {
      {}, {""}, {"", ""}, {"Music"}, {"Jazz, Blues", "a;b", "back\\slash", "\\;", "x\\"}};
  for (const auto& list : lists) {
    const std::string text = schema::encode_list(list);
    auto decoded = schema::decode_list(text);
    ASSERT_TRUE(decoded.has_value()) << text;
    EXPECT_EQ(*decoded, list) << text;
  }
  EXPECT_EQ(schema::encode_list({}), "");
  EXPECT_EQ(schema::encode_list({""}), ";");
}

TEST(Schema, RefusesMalformedColumnText) {
  EXPECT_FALSE(schema::decode_time(""));
  EXPECT_FALSE(schema::decode_time("X 2026-10-19 2026-10-19T09:30:00 0 "));
  EXPECT_FALSE(schema::decode_time("T 2026-10-19 2026-10-19T09:30 0 UTC"));
  EXPECT_FALSE(schema::decode_time("T 2026-10-19 2026-10-19T09:30:00 0"));
  EXPECT_FALSE(schema::decode_list("unterminated"));
  EXPECT_FALSE(schema::decode_list("dangling\\"));
  EXPECT_FALSE(schema::decode_times("not a time;"));
}

// --- opening and migrations -------------------------------------------------------------------

TEST_F(SqliteStoreTest, OpensANewFileInWalModeAtTheLatestSchemaVersion) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto session = raw_session(db_path());
  std::string journal_mode;
  int version = 0;
  int migrations = 0;
  session << "PRAGMA journal_mode", into(journal_mode), now;
  session << "SELECT MAX(version), COUNT(*) FROM schema_version", into(version), into(migrations),
      now;
  EXPECT_EQ(journal_mode, "wal");
  EXPECT_EQ(version, schema::kLatestVersion);
  EXPECT_EQ(migrations, schema::kLatestVersion);
  EXPECT_EQ(*store->generation(), 0);
  EXPECT_TRUE(store->events()->empty());
  EXPECT_TRUE(store->statuses()->empty());
}

TEST_F(SqliteStoreTest, ReopeningAnUpToDateDatabaseAppliesNothingAndKeepsTheData) {
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->replace_snapshot("feed", snapshot_of({simple_event("feed", "a")}),
                                        status_of("feed", 1)));
  }
  std::vector<int> versions_before;
  std::vector<std::int64_t> applied_before;
  {
    auto session = raw_session(db_path());
    session << "SELECT version, applied_at FROM schema_version ORDER BY version",
        into(versions_before), into(applied_before), now;
  }
  for (int i = 0; i < 2; ++i) {
    auto store = open_store();
    ASSERT_TRUE(store);
    EXPECT_EQ(store->events()->size(), 1u);
    EXPECT_EQ(*store->generation(), 1);
  }
  std::vector<int> versions_after;
  std::vector<std::int64_t> applied_after;
  auto session = raw_session(db_path());
  session << "SELECT version, applied_at FROM schema_version ORDER BY version",
      into(versions_after), into(applied_after), now;
  EXPECT_EQ(versions_after, versions_before);
  EXPECT_EQ(applied_after, applied_before);
}

TEST_F(SqliteStoreTest, RefusesADatabaseWithANewerSchemaVersion) {
  { ASSERT_TRUE(open_store()); }
  {
    auto session = raw_session(db_path());
    int future = schema::kLatestVersion + 1;
    session << "INSERT INTO schema_version (version, applied_at) VALUES (?, 0)", use(future), now;
  }
  auto store = Store::open(db_path());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("database " + db_path()), std::string::npos) << store.error();
  EXPECT_NE(store.error().find("newer"), std::string::npos) << store.error();
}

TEST_F(SqliteStoreTest, RefusesAPathInAMissingDirectory) {
  const std::string path = (dir_.path() / "missing" / "concerto.db").string();
  auto store = Store::open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("database " + path), std::string::npos) << store.error();
  EXPECT_NE(store.error().find("does not exist"), std::string::npos) << store.error();
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "missing"));
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  std::ofstream(db_path()) << "BEGIN:VCALENDAR\nthis is not SQLite at all, just some text\n";
  auto store = Store::open(db_path());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("database " + db_path()), std::string::npos) << store.error();
}

TEST(SqliteStore, OpensAnInMemoryDatabase) {
  auto store = Store::open(":memory:");
  ASSERT_TRUE(store.ok()) << store.error();
  ASSERT_TRUE((*store)->replace_snapshot("feed", snapshot_of({simple_event("feed", "a")}),
                                         status_of("feed", 1)));
  EXPECT_EQ((*store)->events()->size(), 1u);
}

// --- round trips ------------------------------------------------------------------------------

TEST_F(SqliteStoreTest, RoundTripsEveryEventFieldAndEveryTimeKind) {
  auto store = open_store();
  ASSERT_TRUE(store);
  Event series;
  series.feed_id = "feed";
  series.uid = "series@example.org";
  series.summary = "Weekly jam — \"open\" stage";
  series.description = "Line one\nLine two, with 'quotes' and ; semicolons";
  series.location = "Salle 3, Quai des Arts";
  series.url = "https://example.org/jam?week=1&x=2";
  series.organizer = "Ann <ann@example.org>";
  series.categories = {"Music", "Jazz, Blues", "a;b", "", "back\\slash"};
  series.status = core::EventStatus::kTentative;
  series.start = zoned_time(2026, 10, 19, 20, 30, "Europe/Paris", 7200);
  series.end = zoned_time(2026, 10, 19, 23, 0, "Europe/Paris", 7200);
  series.rrule = "FREQ=WEEKLY;BYDAY=MO;COUNT=10";
  series.rdates = {zoned_time(2026, 12, 24, 20, 30, "Europe/Paris", 3600),
                   utc_time(2027, 1, 2, 3, 4), all_day(2027, 2, 3),
                   floating_time(2027, 3, 4, 5, 6)};
  series.exdates = {zoned_time(2026, 10, 26, 20, 30, "Europe/Paris", 3600)};
  series.last_modified = 1'791'000'123;
  series.sequence = 7;
  series.source_line = 1234;

  Event override_event = series;
  override_event.recurrence_id = zoned_time(2026, 11, 2, 20, 30, "Europe/Paris", 3600);
  override_event.summary = "Weekly jam (moved)";
  override_event.rrule.clear();
  override_event.rdates.clear();
  override_event.exdates.clear();
  override_event.start = floating_time(2026, 11, 3, 20, 0);
  override_event.end = floating_time(2026, 11, 3, 22, 0);
  override_event.status = core::EventStatus::kCancelled;

  Event day = simple_event("feed", "day@example.org");
  day.start = all_day(2026, 12, 31);
  day.end = all_day(2027, 1, 1);
  day.recurrence_id = all_day(2026, 12, 31);

  Event empty;  // every field at its default but the keys
  empty.feed_id = "feed";
  empty.uid = "";

  const std::vector<Event> events = {series, override_event, day, empty};
  ASSERT_TRUE(store->replace_snapshot("feed", snapshot_of(events), status_of("feed", 4)));

  auto stored = store->events();
  ASSERT_TRUE(stored.ok()) << stored.error();
  ASSERT_EQ(stored->size(), 4u);
  // By uid, then recurrence key ("" sorts first, so the series precedes its override).
  expect_event_eq((*stored)[0], empty);
  expect_event_eq((*stored)[1], day);
  expect_event_eq((*stored)[2], series);
  expect_event_eq((*stored)[3], override_event);
}

TEST_F(SqliteStoreTest, RoundTripsOccurrencesOfEveryTimeKind) {
  auto store = open_store();
  ASSERT_TRUE(store);
  FeedSnapshot snapshot;
  snapshot.occurrences = {
      occurrence_between("all-day", all_day(2026, 10, 19), all_day(2026, 10, 20)),
      occurrence_between("utc", utc_time(2026, 10, 19, 1, 0), utc_time(2026, 10, 19, 2, 0)),
      occurrence_between("zoned", zoned_time(2026, 10, 19, 9, 0, "America/New_York", -4 * 3600),
                         zoned_time(2026, 10, 19, 10, 0, "America/New_York", -4 * 3600)),
      occurrence_between("floating", floating_time(2026, 10, 19, 12, 0),
                         floating_time(2026, 10, 19, 13, 0))};
  snapshot.occurrences[2].recurrence_id =
      zoned_time(2026, 10, 12, 9, 0, "America/New_York", -4 * 3600);
  snapshot.occurrences[2].from_override = true;
  ASSERT_TRUE(store->replace_snapshot("feed", snapshot, status_of("feed", 0)));

  auto stored = store->occurrences(0, 4'000'000'000);
  ASSERT_TRUE(stored.ok()) << stored.error();
  ASSERT_EQ(stored->size(), 4u);
  for (const Occurrence& expected : snapshot.occurrences) {
    bool found = false;
    for (const Occurrence& actual : *stored) {
      if (actual.uid != expected.uid) continue;
      found = true;
      EXPECT_EQ(actual.feed_id, expected.feed_id);
      ASSERT_EQ(actual.recurrence_id.has_value(), expected.recurrence_id.has_value());
      if (expected.recurrence_id) expect_time_eq(*actual.recurrence_id, *expected.recurrence_id);
      expect_time_eq(actual.start, expected.start);
      expect_time_eq(actual.end, expected.end);
      EXPECT_EQ(actual.from_override, expected.from_override);
    }
    EXPECT_TRUE(found) << expected.uid;
  }
}

TEST_F(SqliteStoreTest, RoundTripsEveryStatusField) {
  auto store = open_store();
  ASSERT_TRUE(store);
  FeedStatus status;
  status.feed_id = "feed";
  status.last_fetch = 1'791'000'100;
  status.last_success = 1'790'000'000;
  status.http_code = 503;
  status.error = "HTTP 503: Service Unavailable, \"retry later\"";
  status.consecutive_failures = 3;
  status.event_count = 42;
  status.problem_count = 5;
  status.bytes = 12'345'678'901;
  status.etag = "W/\"abc\"";
  status.last_modified = "Mon, 19 Oct 2026 07:30:00 GMT";
  status.next_fetch = 1'791'003'700;
  ASSERT_TRUE(store->record_status(status));

  auto stored = store->status("feed");
  ASSERT_TRUE(stored.ok()) << stored.error();
  ASSERT_TRUE(stored->has_value());
  const FeedStatus& actual = **stored;
  EXPECT_EQ(actual.feed_id, status.feed_id);
  EXPECT_EQ(actual.last_fetch, status.last_fetch);
  EXPECT_EQ(actual.last_success, status.last_success);
  EXPECT_EQ(actual.http_code, status.http_code);
  EXPECT_EQ(actual.error, status.error);
  EXPECT_EQ(actual.consecutive_failures, status.consecutive_failures);
  EXPECT_EQ(actual.event_count, status.event_count);
  EXPECT_EQ(actual.problem_count, status.problem_count);
  EXPECT_EQ(actual.bytes, status.bytes);
  EXPECT_EQ(actual.etag, status.etag);
  EXPECT_EQ(actual.last_modified, status.last_modified);
  EXPECT_EQ(actual.next_fetch, status.next_fetch);

  status.error.clear();  // a later success overwrites every field
  status.http_code = 200;
  status.consecutive_failures = 0;
  ASSERT_TRUE(store->record_status(status));
  EXPECT_EQ((*store->status("feed"))->error, "");
  EXPECT_EQ((*store->status("feed"))->http_code, 200);
  EXPECT_EQ(store->statuses()->size(), 1u);
}

TEST_F(SqliteStoreTest, MigratesAVersionOneDatabaseAndKeepsItsFeeds) {
  const std::string file = (dir_.path() / "v1.db").string();
  {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session session("SQLite", file);
    using Poco::Data::Keywords::now;
    session << std::string(schema::kCreateVersionTable), now;
    session << std::string(schema::kMigrations[0]), now;
    session << "INSERT INTO schema_version (version, applied_at) VALUES (1, 0)", now;
    session << "INSERT INTO feeds (feed_id, event_count) VALUES ('old', 7)", now;
  }
  auto store = Store::open(file);
  ASSERT_TRUE(store) << store.error();
  auto status = (*store)->status("old");
  ASSERT_TRUE(status && status->has_value());
  EXPECT_EQ((*status)->event_count, 7);
  EXPECT_EQ((*status)->next_fetch, 0);
}

TEST_F(SqliteStoreTest, MigratesAVersionTwoDatabaseAndKeepsItsEventsNotVanished) {
  const std::string file = (dir_.path() / "v2.db").string();
  {
    auto session = raw_session(file);
    session << std::string(schema::kCreateVersionTable), now;
    session << std::string(schema::kMigrations[0]), now;
    session << "INSERT INTO schema_version (version, applied_at) VALUES (1, 0)", now;
    session << std::string(schema::kMigrations[1]), now;
    session << "INSERT INTO schema_version (version, applied_at) VALUES (2, 0)", now;
    session << "INSERT INTO feeds (feed_id, event_count, next_fetch) VALUES ('old', 1, 42)", now;
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
  auto opened = Store::open(file);
  ASSERT_TRUE(opened) << opened.error();
  Store& store = **opened;
  auto events = store.events();
  ASSERT_TRUE(events) << events.error();
  ASSERT_EQ(events->size(), 1u);
  expect_event_eq(events->front(), simple_event("old", "kept@example.org"));
  EXPECT_EQ(events->front().vanished_at, 0);
  EXPECT_EQ(store.occurrences(0, 4'000'000'000)->size(), 1u);
  EXPECT_EQ((*store.status("old"))->next_fetch, 42);
  auto memory = store.merge_memory();
  ASSERT_TRUE(memory) << memory.error();
  EXPECT_TRUE(memory->identities.empty());

  auto session = raw_session(file);
  int version = 0;
  std::int64_t occurrence_vanished_at = -1;
  session << "SELECT MAX(version) FROM schema_version", into(version), now;
  session << "SELECT vanished_at FROM occurrences", into(occurrence_vanished_at), now;
  EXPECT_EQ(version, schema::kLatestVersion);
  EXPECT_EQ(occurrence_vanished_at, 0);
}

TEST_F(SqliteStoreTest, StatusOfAnUnknownFeedIsEmpty) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto stored = store->status("nobody");
  ASSERT_TRUE(stored.ok()) << stored.error();
  EXPECT_FALSE(stored->has_value());
}

TEST_F(SqliteStoreTest, StatusesComeOrderedByFeedId) {
  auto store = open_store();
  ASSERT_TRUE(store);
  for (const char* id : {"museum", "cinema", "theatre"}) {
    ASSERT_TRUE(store->record_status(status_of(id, 0)));
  }
  auto stored = store->statuses();
  ASSERT_TRUE(stored.ok()) << stored.error();
  ASSERT_EQ(stored->size(), 3u);
  EXPECT_EQ((*stored)[0].feed_id, "cinema");
  EXPECT_EQ((*stored)[1].feed_id, "museum");
  EXPECT_EQ((*stored)[2].feed_id, "theatre");
}

// --- snapshots --------------------------------------------------------------------------------

TEST_F(SqliteStoreTest, ReplacingOneFeedLeavesTheOtherFeedsAlone) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->replace_snapshot(
      "a", snapshot_of({simple_event("a", "1"), simple_event("a", "2")}), status_of("a", 2)));
  ASSERT_TRUE(
      store->replace_snapshot("b", snapshot_of({simple_event("b", "1")}), status_of("b", 1)));
  ASSERT_TRUE(
      store->replace_snapshot("a", snapshot_of({simple_event("a", "3")}), status_of("a", 1)));

  EXPECT_EQ(uids_of(*store->events()), (std::vector<std::string>{"a/3", "b/1"}));
  EXPECT_EQ(store->occurrences(0, 4'000'000'000)->size(), 2u);
  EXPECT_EQ((*store->status("a"))->event_count, 1);
  EXPECT_EQ((*store->status("b"))->event_count, 1);
  EXPECT_EQ(*store->generation(), 3);
}

TEST_F(SqliteStoreTest, ReplacingWithAnEmptySnapshotEmptiesOnlyThatFeed) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(
      store->replace_snapshot("a", snapshot_of({simple_event("a", "1")}), status_of("a", 1)));
  ASSERT_TRUE(
      store->replace_snapshot("b", snapshot_of({simple_event("b", "1")}), status_of("b", 1)));
  ASSERT_TRUE(store->replace_snapshot("a", FeedSnapshot{}, status_of("a", 0)));
  EXPECT_EQ(uids_of(*store->events()), (std::vector<std::string>{"b/1"}));
}

TEST_F(SqliteStoreTest, AFailingReplaceKeepsThePreviousSnapshotAndReportsWhy) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->replace_snapshot("feed", snapshot_of({simple_event("feed", "old")}),
                                      status_of("feed", 1)));
  const std::int64_t generation = *store->generation();

  // Two events with the same (uid, recurrence key) break the unique constraint half-way.
  FeedStatus failed_status = status_of("feed", 3);
  failed_status.http_code = 299;
  auto replaced =
      store->replace_snapshot("feed",
                              snapshot_of({simple_event("feed", "new"), simple_event("feed", "dup"),
                                           simple_event("feed", "dup")}),
                              failed_status);
  ASSERT_FALSE(replaced.ok());
  EXPECT_NE(replaced.error().find("database " + db_path()), std::string::npos) << replaced.error();
  EXPECT_NE(replaced.error().find("'dup'"), std::string::npos) << replaced.error();

  EXPECT_EQ(uids_of(*store->events()), (std::vector<std::string>{"feed/old"}));
  EXPECT_EQ(uids_of(*store->occurrences(0, 4'000'000'000)), (std::vector<std::string>{"old"}));
  EXPECT_EQ((*store->status("feed"))->http_code, 200);
  EXPECT_EQ(*store->generation(), generation);

  // The store stays usable after the rollback.
  ASSERT_TRUE(store->replace_snapshot("feed", snapshot_of({simple_event("feed", "next")}),
                                      status_of("feed", 1)));
  EXPECT_EQ(uids_of(*store->events()), (std::vector<std::string>{"feed/next"}));
}

TEST_F(SqliteStoreTest, RefusesASnapshotWhoseRowsBelongToAnotherFeed) {
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_FALSE(
      store->replace_snapshot("a", snapshot_of({simple_event("b", "1")}), status_of("a", 1)));
  EXPECT_FALSE(
      store->replace_snapshot("a", snapshot_of({simple_event("a", "1")}), status_of("b", 1)));
  EXPECT_TRUE(store->events()->empty());
  EXPECT_TRUE(store->statuses()->empty());
  EXPECT_EQ(*store->generation(), 0);
}

TEST_F(SqliteStoreTest, ReplaceSetsLastChangeToNow) {
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->last_change(), 0);
  const auto before = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  ASSERT_TRUE(store->replace_snapshot("feed", snapshot_of({simple_event("feed", "1")}),
                                      status_of("feed", 1)));
  const auto after = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  EXPECT_GE(*store->last_change(), before);
  EXPECT_LE(*store->last_change(), after);
}

TEST_F(SqliteStoreTest, RecordStatusLeavesEventsAndGenerationAlone) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->replace_snapshot("feed", snapshot_of({simple_event("feed", "1")}),
                                      status_of("feed", 1)));
  const std::int64_t generation = *store->generation();
  const std::int64_t last_change = *store->last_change();

  FeedStatus failure = status_of("feed", 1);
  failure.http_code = 500;
  failure.error = "HTTP 500";
  failure.consecutive_failures = 1;
  ASSERT_TRUE(store->record_status(failure));

  EXPECT_EQ(uids_of(*store->events()), (std::vector<std::string>{"feed/1"}));
  EXPECT_EQ(*store->generation(), generation);
  EXPECT_EQ(*store->last_change(), last_change);
  EXPECT_EQ((*store->status("feed"))->error, "HTTP 500");
}

TEST_F(SqliteStoreTest, KeepsTheProblemsOfAFeedsLastReadInOrderAndBounded) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(
      store->replace_snapshot("a", snapshot_of({simple_event("a", "1")}), status_of("a", 1)));
  EXPECT_TRUE(store->problems("a")->empty());
  core::Problems found;
  found.push_back({core::Severity::kError, 14, "casse-2", "DTSTART: not a date"});
  found.push_back({core::Severity::kWarning, 0, "", "X-WR-TIMEZONE ignored; it's \"odd\""});
  ASSERT_TRUE(store->save_problems("a", found));
  auto read = store->problems("a");
  ASSERT_TRUE(read) << read.error();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].severity, core::Severity::kError);
  EXPECT_EQ((*read)[0].line, 14);
  EXPECT_EQ((*read)[0].uid, "casse-2");
  EXPECT_EQ((*read)[0].message, "DTSTART: not a date");
  EXPECT_EQ((*read)[1].severity, core::Severity::kWarning);
  EXPECT_EQ((*read)[1].message, found[1].message);
  EXPECT_TRUE(store->problems("other")->empty());

  // A later read replaces them as a whole, kept to the first kMaxStoredProblems.
  core::Problems many(store::kMaxStoredProblems + 50,
                      core::Problem{core::Severity::kWarning, 3, "", "again"});
  many.front().line = 1;
  ASSERT_TRUE(store->save_problems("a", many));
  read = store->problems("a");
  ASSERT_EQ(read->size(), store::kMaxStoredProblems);
  EXPECT_EQ(read->front().line, 1);
  ASSERT_TRUE(store->save_problems("a", {}));
  EXPECT_TRUE(store->problems("a")->empty());

  ASSERT_TRUE(store->save_problems("a", found));
  ASSERT_TRUE(store->remove_feeds_except({}));
  EXPECT_TRUE(store->problems("a")->empty()) << "a removed feed keeps its problems";
}

TEST_F(SqliteStoreTest, RemoveFeedsExceptDropsOnlyUnlistedFeeds) {
  auto store = open_store();
  ASSERT_TRUE(store);
  for (const char* id : {"a", "b", "c"}) {
    ASSERT_TRUE(
        store->replace_snapshot(id, snapshot_of({simple_event(id, "1")}), status_of(id, 1)));
  }
  ASSERT_TRUE(store->record_status(status_of("status-only", 0)));
  const std::int64_t generation = *store->generation();

  ASSERT_TRUE(store->remove_feeds_except({"a", "c", "never-stored"}));
  EXPECT_EQ(uids_of(*store->events()), (std::vector<std::string>{"a/1", "c/1"}));
  EXPECT_EQ(store->occurrences(0, 4'000'000'000)->size(), 2u);
  ASSERT_EQ(store->statuses()->size(), 2u);
  EXPECT_FALSE(store->status("b")->has_value());
  EXPECT_FALSE(store->status("status-only")->has_value());
  EXPECT_EQ(*store->generation(), generation + 1);

  ASSERT_TRUE(store->remove_feeds_except({"a", "c"}));  // nothing left to drop
  EXPECT_EQ(*store->generation(), generation + 1);

  ASSERT_TRUE(store->remove_feeds_except({}));
  EXPECT_TRUE(store->events()->empty());
  EXPECT_TRUE(store->statuses()->empty());
  EXPECT_EQ(*store->generation(), generation + 2);
}

// --- vanished events --------------------------------------------------------------------------

// simple_event happens on 2026-10-19 08:00-09:00 UTC: upcoming at kNow.
constexpr std::int64_t kNow = 1'790'000'000;  // 2026-09-21
constexpr std::int64_t kKeep = 7 * 86400;

FeedSnapshot vanishing_snapshot(const std::vector<Event>& events, std::int64_t now_utc,
                                std::int64_t keep_seconds = kKeep) {
  FeedSnapshot snapshot = snapshot_of(events);
  snapshot.vanish = {now_utc, keep_seconds};
  return snapshot;
}

Event past_event(const std::string& feed_id, const std::string& uid) {
  Event event = simple_event(feed_id, uid);
  event.start = utc_time(2026, 9, 1, 8, 0);
  event.end = utc_time(2026, 9, 1, 9, 0);
  return event;
}

// A weekly series with one moved occurrence: two event rows, three occurrence rows.
FeedSnapshot series_snapshot(const std::string& uid, bool with_override) {
  Event series = simple_event("feed", uid);
  series.rrule = "FREQ=WEEKLY;COUNT=3";
  FeedSnapshot snapshot;
  snapshot.events = {series};
  for (const core::Date day : {core::Date{2026, 10, 19}, {2026, 10, 26}, {2026, 11, 2}}) {
    Occurrence occurrence = occurrence_of(series);
    occurrence.recurrence_id = utc_time(day.year, day.month, day.day, 8, 0);
    occurrence.start = *occurrence.recurrence_id;
    occurrence.end = utc_time(day.year, day.month, day.day, 9, 0);
    snapshot.occurrences.push_back(occurrence);
  }
  if (with_override) {
    Event moved = series;
    moved.rrule.clear();
    moved.recurrence_id = utc_time(2026, 10, 26, 8, 0);
    moved.start = utc_time(2026, 10, 26, 10, 0);
    moved.end = utc_time(2026, 10, 26, 11, 0);
    snapshot.events.push_back(moved);
    snapshot.occurrences[1].start = moved.start;
    snapshot.occurrences[1].end = moved.end;
    snapshot.occurrences[1].from_override = true;
  }
  return snapshot;
}

std::vector<std::int64_t> vanished_ats_of(const std::vector<Event>& events) {
  std::vector<std::int64_t> result;
  for (const Event& event : events) result.push_back(event.vanished_at);
  return result;
}

TEST_F(SqliteStoreTest, KeepsAnUpcomingEventTheFeedDropsReadBackAsCancelled) {
  auto store = open_store();
  ASSERT_TRUE(store);
  Event kept = simple_event("feed", "b");
  kept.status = core::EventStatus::kTentative;
  kept.summary = "Still on the poster";
  ASSERT_TRUE(store->replace_snapshot(
      "feed", vanishing_snapshot({simple_event("feed", "a"), kept}, kNow), status_of("feed", 2)));
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({simple_event("feed", "a")}, kNow),
                                      status_of("feed", 1)));

  auto events = store->events();
  ASSERT_TRUE(events) << events.error();
  ASSERT_EQ(uids_of(*events), (std::vector<std::string>{"feed/a", "feed/b"}));
  expect_event_eq((*events)[0], simple_event("feed", "a"));
  Event expected = kept;
  expected.status = core::EventStatus::kCancelled;
  expected.vanished_at = kNow;
  expect_event_eq((*events)[1], expected);
  EXPECT_EQ(uids_of(*store->occurrences(0, 4'000'000'000)), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ((*store->status("feed"))->event_count, 1);  // as the caller wrote it

  // Still missing later: it keeps the time it first vanished.
  ASSERT_TRUE(store->replace_snapshot(
      "feed", vanishing_snapshot({simple_event("feed", "a")}, kNow + 3600), status_of("feed", 1)));
  EXPECT_EQ(vanished_ats_of(*store->events()), (std::vector<std::int64_t>{0, kNow}));
}

TEST_F(SqliteStoreTest, KeepsEveryRowOfAVanishedSeriesWithTheSameVanishTime) {
  auto store = open_store();
  ASSERT_TRUE(store);
  FeedSnapshot first = series_snapshot("series", true);
  first.events.push_back(simple_event("feed", "stays"));
  first.occurrences.push_back(occurrence_of(first.events.back()));
  first.vanish = {kNow, kKeep};
  ASSERT_TRUE(store->replace_snapshot("feed", first, status_of("feed", 3)));
  ASSERT_TRUE(store->replace_snapshot(
      "feed", vanishing_snapshot({simple_event("feed", "stays")}, kNow), status_of("feed", 1)));

  auto events = store->events();
  ASSERT_TRUE(events) << events.error();
  EXPECT_EQ(uids_of(*events),
            (std::vector<std::string>{"feed/series", "feed/series", "feed/stays"}));
  EXPECT_EQ(vanished_ats_of(*events), (std::vector<std::int64_t>{kNow, kNow, 0}));
  EXPECT_EQ((*events)[0].status, core::EventStatus::kCancelled);
  EXPECT_EQ((*events)[1].status, core::EventStatus::kCancelled);
  EXPECT_TRUE((*events)[1].recurrence_id.has_value());
  EXPECT_EQ(store->occurrences(0, 4'000'000'000)->size(), 4u);

  auto session = raw_session(db_path());
  int vanished_occurrences = 0;
  std::int64_t vanished_at = kNow;
  session << "SELECT COUNT(*) FROM occurrences WHERE uid = 'series' AND vanished_at = ?",
      use(vanished_at), into(vanished_occurrences), now;
  EXPECT_EQ(vanished_occurrences, 3);
}

TEST_F(SqliteStoreTest, KeepsAVanishedSeriesWhileAnyOccurrenceIsStillAhead) {
  auto store = open_store();
  ASSERT_TRUE(store);
  FeedSnapshot first = series_snapshot("series", false);  // ends 2026-11-02 09:00 UTC
  first.vanish = {kNow, kKeep};
  ASSERT_TRUE(store->replace_snapshot("feed", first, status_of("feed", 1)));
  const std::int64_t after_first_week = core::seconds_from_civil({{2026, 10, 20}, 0, 0, 0});
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({}, after_first_week, 30 * 86400),
                                      status_of("feed", 0)));
  EXPECT_EQ(vanished_ats_of(*store->events()), (std::vector<std::int64_t>{after_first_week}));
}

TEST_F(SqliteStoreTest, DropsAPastEventTheFeedNoLongerLists) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->replace_snapshot(
      "feed", vanishing_snapshot({simple_event("feed", "a"), past_event("feed", "old")}, kNow),
      status_of("feed", 2)));
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({simple_event("feed", "a")}, kNow),
                                      status_of("feed", 1)));
  EXPECT_EQ(uids_of(*store->events()), (std::vector<std::string>{"feed/a"}));
  EXPECT_EQ(uids_of(*store->occurrences(0, 4'000'000'000)), (std::vector<std::string>{"a"}));
}

TEST_F(SqliteStoreTest, DropsAVanishedEventOnceItHasBeenKeptForKeepSeconds) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({simple_event("feed", "b")}, kNow),
                                      status_of("feed", 1)));
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({}, kNow), status_of("feed", 0)));
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({}, kNow + kKeep - 1),
                                      status_of("feed", 0)));
  EXPECT_EQ(vanished_ats_of(*store->events()), (std::vector<std::int64_t>{kNow}));

  ASSERT_TRUE(
      store->replace_snapshot("feed", vanishing_snapshot({}, kNow + kKeep), status_of("feed", 0)));
  EXPECT_TRUE(store->events()->empty());
  EXPECT_TRUE(store->occurrences(0, 4'000'000'000)->empty());
}

TEST_F(SqliteStoreTest, DropsAVanishedEventOnceItIsOverEvenBeforeKeepSecondsPass) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const Event event = simple_event("feed", "b");
  ASSERT_TRUE(
      store->replace_snapshot("feed", vanishing_snapshot({event}, kNow), status_of("feed", 1)));
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({}, kNow, 365 * 86400),
                                      status_of("feed", 0)));
  ASSERT_EQ(store->events()->size(), 1u);
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({}, event.end.utc, 365 * 86400),
                                      status_of("feed", 0)));
  EXPECT_TRUE(store->events()->empty());
  EXPECT_TRUE(store->occurrences(0, 4'000'000'000)->empty());
}

TEST_F(SqliteStoreTest, AReappearingEventReplacesItsVanishedRows) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->replace_snapshot(
      "feed", vanishing_snapshot({simple_event("feed", "a"), simple_event("feed", "b")}, kNow),
      status_of("feed", 2)));
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({simple_event("feed", "a")}, kNow),
                                      status_of("feed", 1)));
  ASSERT_EQ(vanished_ats_of(*store->events()), (std::vector<std::int64_t>{0, kNow}));

  Event back = simple_event("feed", "b");
  back.summary = "Back, one hour later";
  back.start = utc_time(2026, 10, 19, 9, 0);
  back.end = utc_time(2026, 10, 19, 10, 0);
  ASSERT_TRUE(store->replace_snapshot(
      "feed", vanishing_snapshot({simple_event("feed", "a"), back}, kNow + 60),
      status_of("feed", 2)));
  auto events = store->events();
  ASSERT_TRUE(events) << events.error();
  ASSERT_EQ(events->size(), 2u);
  expect_event_eq((*events)[1], back);
  auto occurrences = store->occurrences(0, 4'000'000'000);
  ASSERT_EQ(occurrences->size(), 2u);
  EXPECT_EQ((*occurrences)[1].start, back.start);
}

TEST_F(SqliteStoreTest, KeepSecondsZeroDropsWhatTheFeedNoLongerLists) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->replace_snapshot(
      "feed", vanishing_snapshot({simple_event("feed", "a"), simple_event("feed", "b")}, kNow),
      status_of("feed", 2)));
  ASSERT_TRUE(store->replace_snapshot(
      "feed", vanishing_snapshot({simple_event("feed", "a")}, kNow, 0), status_of("feed", 1)));
  EXPECT_EQ(uids_of(*store->events()), (std::vector<std::string>{"feed/a"}));
  EXPECT_EQ(store->occurrences(0, 4'000'000'000)->size(), 1u);
}

TEST_F(SqliteStoreTest, ZeroKeepSecondsAlsoDropsAnEventAlreadyVanished) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({simple_event("feed", "b")}, kNow),
                                      status_of("feed", 1)));
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({}, kNow), status_of("feed", 0)));
  ASSERT_EQ(store->events()->size(), 1u);
  ASSERT_TRUE(store->replace_snapshot("feed", FeedSnapshot{}, status_of("feed", 0)));
  EXPECT_TRUE(store->events()->empty());
}

TEST_F(SqliteStoreTest, ASeriesThatLosesOnlyAnOverrideHasNotVanished) {
  auto store = open_store();
  ASSERT_TRUE(store);
  FeedSnapshot with_override = series_snapshot("series", true);
  with_override.vanish = {kNow, kKeep};
  ASSERT_TRUE(store->replace_snapshot("feed", with_override, status_of("feed", 1)));
  FeedSnapshot without_override = series_snapshot("series", false);
  without_override.vanish = {kNow, kKeep};
  ASSERT_TRUE(store->replace_snapshot("feed", without_override, status_of("feed", 1)));

  auto events = store->events();
  ASSERT_TRUE(events) << events.error();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_FALSE(events->front().recurrence_id.has_value());
  EXPECT_EQ(events->front().vanished_at, 0);
  EXPECT_EQ(events->front().status, core::EventStatus::kConfirmed);
  auto occurrences = store->occurrences(0, 4'000'000'000);
  ASSERT_EQ(occurrences->size(), 3u);
  for (const Occurrence& occurrence : *occurrences) EXPECT_FALSE(occurrence.from_override);
}

TEST_F(SqliteStoreTest, VanishingInOneFeedLeavesTheSameUidInOtherFeedsAlone) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->replace_snapshot(
      "other", vanishing_snapshot({simple_event("other", "b"), simple_event("other", "c")}, kNow),
      status_of("other", 2)));
  ASSERT_TRUE(store->replace_snapshot(
      "feed", vanishing_snapshot({simple_event("feed", "a"), simple_event("feed", "b")}, kNow),
      status_of("feed", 2)));
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({simple_event("feed", "a")}, kNow),
                                      status_of("feed", 1)));
  auto events = store->events();
  ASSERT_TRUE(events) << events.error();
  EXPECT_EQ(uids_of(*events), (std::vector<std::string>{"feed/a", "feed/b", "other/b", "other/c"}));
  EXPECT_EQ(vanished_ats_of(*events), (std::vector<std::int64_t>{0, kNow, 0, 0}));
  EXPECT_EQ((*events)[2].status, core::EventStatus::kConfirmed);

  auto session = raw_session(db_path());
  int vanished_occurrences = 0;
  session << "SELECT COUNT(*) FROM occurrences WHERE vanished_at <> 0", into(vanished_occurrences),
      now;
  EXPECT_EQ(vanished_occurrences, 1);
}

TEST_F(SqliteStoreTest, RemovingAFeedRemovesItsVanishedEventsToo) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({simple_event("feed", "b")}, kNow),
                                      status_of("feed", 1)));
  ASSERT_TRUE(store->replace_snapshot("feed", vanishing_snapshot({}, kNow), status_of("feed", 0)));
  ASSERT_EQ(store->events()->size(), 1u);
  ASSERT_TRUE(store->remove_feeds_except({}));
  EXPECT_TRUE(store->events()->empty());
  EXPECT_TRUE(store->occurrences(0, 4'000'000'000)->empty());
}

TEST_F(SqliteStoreTest, UpcomingUidsAreThoseOfTheFeedStillAheadAndNotVanished) {
  auto store = open_store();
  ASSERT_TRUE(store);
  Event past = simple_event("feed", "past");
  past.start = utc_time(2026, 9, 1, 8, 0);
  past.end = utc_time(2026, 9, 1, 9, 0);
  // simple_event is on 2026-10-19, after kNow.
  ASSERT_TRUE(store->replace_snapshot(
      "feed",
      vanishing_snapshot({past, simple_event("feed", "b"), simple_event("feed", "a"),
                          simple_event("feed", "gone")},
                         kNow),
      status_of("feed", 4)));
  ASSERT_TRUE(store->replace_snapshot("other", snapshot_of({simple_event("other", "x")}),
                                      status_of("other", 1)));
  auto upcoming = store->upcoming_uids("feed", kNow);
  ASSERT_TRUE(upcoming) << upcoming.error();
  EXPECT_EQ(*upcoming, (std::vector<std::string>{"a", "b", "gone"}));
  // "gone" is dropped by the feed and kept as vanished: no longer what subscribers expect.
  ASSERT_TRUE(store->replace_snapshot(
      "feed",
      vanishing_snapshot({past, simple_event("feed", "b"), simple_event("feed", "a")}, kNow),
      status_of("feed", 3)));
  EXPECT_EQ(*store->upcoming_uids("feed", kNow), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(store->upcoming_uids("feed", utc_time(2026, 10, 20, 0, 0).utc)->empty());
  EXPECT_TRUE(store->upcoming_uids("unknown", kNow)->empty());
}

TEST_F(SqliteStoreTest, RefusesAVanishPolicyThatKeepsEventsWithoutTheCurrentTime) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto replaced = store->replace_snapshot(
      "feed", vanishing_snapshot({simple_event("feed", "a")}, 0), status_of("feed", 1));
  ASSERT_FALSE(replaced.ok());
  EXPECT_NE(replaced.error().find("current time"), std::string::npos) << replaced.error();
  EXPECT_TRUE(store->events()->empty());
}

// --- occurrence ranges ------------------------------------------------------------------------

TEST_F(SqliteStoreTest, OccurrenceQueriesOverlapAHalfOpenRange) {
  auto store = open_store();
  ASSERT_TRUE(store);
  FeedSnapshot snapshot;
  snapshot.occurrences = {
      occurrence_between("ends-at-from", utc_time(2026, 10, 19, 8, 0),
                         utc_time(2026, 10, 19, 10, 0)),
      occurrence_between("starts-at-from", utc_time(2026, 10, 19, 10, 0),
                         utc_time(2026, 10, 19, 11, 0)),
      occurrence_between("spans-range", utc_time(2026, 10, 19, 9, 0),
                         utc_time(2026, 10, 19, 13, 0)),
      occurrence_between("instant-at-from", utc_time(2026, 10, 19, 10, 0),
                         utc_time(2026, 10, 19, 10, 0)),
      occurrence_between("ends-at-to", utc_time(2026, 10, 19, 11, 0),
                         utc_time(2026, 10, 19, 12, 0)),
      occurrence_between("starts-at-to", utc_time(2026, 10, 19, 12, 0),
                         utc_time(2026, 10, 19, 13, 0)),
      occurrence_between("instant-at-to", utc_time(2026, 10, 19, 12, 0),
                         utc_time(2026, 10, 19, 12, 0)),
  };
  ASSERT_TRUE(store->replace_snapshot("feed", snapshot, status_of("feed", 0)));

  const std::int64_t from = utc_time(2026, 10, 19, 10, 0).utc;
  const std::int64_t to = utc_time(2026, 10, 19, 12, 0).utc;
  auto found = store->occurrences(from, to);
  ASSERT_TRUE(found.ok()) << found.error();
  // Ordered by start, then end.
  EXPECT_EQ(uids_of(*found), (std::vector<std::string>{"spans-range", "instant-at-from",
                                                       "starts-at-from", "ends-at-to"}));
  EXPECT_TRUE(store->occurrences(from - 4 * 3600LL, from - 2 * 3600LL)->empty());  // to = a start
}

TEST_F(SqliteStoreTest, AllDayOccurrencesSpanTheirDatesFromMidnightUtc) {
  auto store = open_store();
  ASSERT_TRUE(store);
  FeedSnapshot snapshot;
  snapshot.occurrences = {
      occurrence_between("monday", all_day(2026, 10, 19), all_day(2026, 10, 20)),
      occurrence_between("tue-wed", all_day(2026, 10, 20), all_day(2026, 10, 22))};
  ASSERT_TRUE(store->replace_snapshot("feed", snapshot, status_of("feed", 0)));

  const std::int64_t monday = core::seconds_from_civil({{2026, 10, 19}, 0, 0, 0});
  const std::int64_t day = 86400;
  EXPECT_EQ(uids_of(*store->occurrences(monday, monday + day)),
            (std::vector<std::string>{"monday"}));
  EXPECT_EQ(uids_of(*store->occurrences(monday + day - 1, monday + day + 1)),
            (std::vector<std::string>{"monday", "tue-wed"}));
  EXPECT_EQ(uids_of(*store->occurrences(monday + 2 * day, monday + 3 * day)),
            (std::vector<std::string>{"tue-wed"}));
  EXPECT_TRUE(store->occurrences(monday + 3 * day, monday + 4 * day)->empty());
  EXPECT_TRUE(store->occurrences(monday - day, monday)->empty());
}

// --- several writers and readers --------------------------------------------------------------

TEST_F(SqliteStoreTest, GenerationChangesAfterAWriteByAnotherStoreOnTheSameFile) {
  auto server = open_store();
  auto fetcher = open_store();  // as `concerto fetch` would, in its own process
  ASSERT_TRUE(server && fetcher);
  const std::int64_t before = *server->generation();

  ASSERT_TRUE(fetcher->replace_snapshot("feed", snapshot_of({simple_event("feed", "1")}),
                                        status_of("feed", 1)));
  EXPECT_NE(*server->generation(), before);
  EXPECT_EQ(*server->generation(), *fetcher->generation());
  EXPECT_EQ(uids_of(*server->events()), (std::vector<std::string>{"feed/1"}));
  EXPECT_EQ(*server->last_change(), *fetcher->last_change());

  const std::int64_t after_replace = *server->generation();
  ASSERT_TRUE(fetcher->remove_feeds_except({}));
  EXPECT_NE(*server->generation(), after_replace);
  EXPECT_TRUE(server->events()->empty());
}

// generation() skips re-reading the meta row while PRAGMA data_version says nothing committed;
// it must still see every commit, its own store's and another's, on the very next call.
TEST_F(SqliteStoreTest, GenerationFollowsEveryCommitOfEitherStoreOnTheNextCall) {
  auto server = open_store();
  auto fetcher = open_store();
  ASSERT_TRUE(server && fetcher);
  for (int i = 1; i <= 10; ++i) {
    Store& writer = i % 2 == 0 ? *server : *fetcher;
    ASSERT_TRUE(writer.replace_snapshot("feed", snapshot_of({simple_event("feed", "1")}),
                                        status_of("feed", 1)));
    EXPECT_EQ(*server->generation(), i);
    EXPECT_EQ(*server->generation(), i);  // unchanged when nothing committed
    EXPECT_EQ(*fetcher->generation(), i);
  }
  ASSERT_TRUE(server->record_status(status_of("feed", 1)));  // commits, changes no event
  EXPECT_EQ(*fetcher->generation(), 10);
}

// The server asks for the generation on every request: it must not queue behind a long write
// (or read) on the store's main session.
TEST_F(SqliteStoreTest, GenerationAnswersDuringALongReplaceWithoutWaitingForIt) {
  auto store = open_store();
  ASSERT_TRUE(store);
  FeedSnapshot snapshot;
  for (int i = 0; i < 40'000; ++i) {
    Event event = simple_event("big", "uid-" + std::to_string(i) + "@example.org");
    event.description = "A description of a reasonable length for an event in a partner feed.";
    snapshot.occurrences.push_back(occurrence_of(event));
    snapshot.events.push_back(std::move(event));
  }
  std::atomic<bool> started{false};
  std::atomic<bool> replaced{false};
  std::thread writer([&] {
    started = true;
    EXPECT_TRUE(store->replace_snapshot("big", snapshot, status_of("big", 40'000)));
    replaced = true;
  });
  while (!started) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // into the transaction
  const auto generation = store->generation();
  const bool answered_first = !replaced;
  writer.join();
  ASSERT_TRUE(generation.ok()) << generation.error();
  EXPECT_TRUE(answered_first) << "generation() waited for the replace to finish";
  EXPECT_EQ(*generation, 0);  // the last committed value
  EXPECT_EQ(*store->generation(), 1);
}

TEST_F(SqliteStoreTest, ConcurrentReadersSeeWholeSnapshotsWhileAWriterReplacesThem) {
  auto store = open_store();
  auto other_process = open_store();
  ASSERT_TRUE(store && other_process);
  // Snapshot number n holds 10 + (n % 3) * 5 events, all with sequence n.
  const auto snapshot_number = [](int n) {
    std::vector<Event> events;
    for (int i = 0; i < 10 + (n % 3) * 5; ++i) {
      Event event = simple_event("feed", std::to_string(i));
      event.sequence = n;
      events.push_back(event);
    }
    return snapshot_of(events);
  };
  ASSERT_TRUE(store->replace_snapshot("feed", snapshot_number(0), status_of("feed", 10)));

  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> reads{0};
  const auto reader = [&](Store* target) {
    while (!stop.load()) {
      auto events = target->events();
      auto occurrences = target->occurrences(0, 4'000'000'000);
      auto generation = target->generation();
      if (!events.ok() || !occurrences.ok() || !generation.ok()) {
        ++failures;
        continue;
      }
      const std::size_t count = events->size();
      bool consistent = count == 10 || count == 15 || count == 20;
      for (const Event& event : *events) consistent &= event.sequence == events->front().sequence;
      const std::size_t occurrence_count = occurrences->size();
      consistent &= occurrence_count == 10 || occurrence_count == 15 || occurrence_count == 20;
      if (!consistent) ++failures;
      ++reads;
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) readers.emplace_back(reader, store.get());
  readers.emplace_back(reader, other_process.get());

  int write_failures = 0;
  for (int n = 1; n <= 60; ++n) {
    Store* writer = n % 2 == 0 ? store.get() : other_process.get();
    if (!writer->replace_snapshot("feed", snapshot_number(n), status_of("feed", n))) {
      ++write_failures;
    }
  }
  stop = true;
  for (std::thread& thread : readers) thread.join();

  EXPECT_EQ(write_failures, 0);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(*store->generation(), 61);
  EXPECT_EQ(store->events()->front().sequence, 60);
}

TEST_F(SqliteStoreTest, TwoStoresWritingAtTheSameTimeWaitForEachOtherInsteadOfFailing) {
  auto first = open_store();
  auto second = open_store();
  ASSERT_TRUE(first && second);
  std::vector<Event> big;
  for (int i = 0; i < 5000; ++i) big.push_back(simple_event("a", std::to_string(i)));
  const FeedSnapshot big_snapshot = snapshot_of(big);
  std::atomic<int> failures{0};
  std::thread writer_a([&] {
    for (int n = 0; n < 5; ++n) {
      if (!first->replace_snapshot("a", big_snapshot, status_of("a", 5000))) ++failures;
    }
  });
  std::thread writer_b([&] {
    for (int n = 0; n < 50; ++n) {
      if (!second->replace_snapshot("b", snapshot_of({simple_event("b", "1")}),
                                    status_of("b", 1))) {
        ++failures;
      }
      if (!second->record_status(status_of("b", 1))) ++failures;
    }
  });
  writer_a.join();
  writer_b.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(first->events()->size(), 5001u);
  EXPECT_EQ(*first->generation(), 55);
}

// --- damage and scale -------------------------------------------------------------------------

TEST_F(SqliteStoreTest, ReportsARowItCannotDecodeInsteadOfGuessing) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->replace_snapshot("feed", snapshot_of({simple_event("feed", "broken")}),
                                      status_of("feed", 1)));
  {
    auto session = raw_session(db_path());
    session << "UPDATE events SET start_time = 'yesterday-ish'", now;
  }
  auto events = store->events();
  ASSERT_FALSE(events.ok());
  EXPECT_NE(events.error().find("'broken'"), std::string::npos) << events.error();
  EXPECT_NE(events.error().find("start_time"), std::string::npos) << events.error();
}

FeedSnapshot big_snapshot(int count) {
  FeedSnapshot snapshot;
  snapshot.events.reserve(static_cast<std::size_t>(count));
  snapshot.occurrences.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    Event event = simple_event("big", "uid-" + std::to_string(i) + "@example.org");
    event.description = "A description of a reasonable length for an event in a partner feed.";
    event.location = "Somewhere, 12 rue de la Paix";
    event.categories = {"Music", "Concert"};
    event.start = zoned_time(2026, 10, 19, 20, 30, "Europe/Paris", 7200);
    event.start.utc += i * 60LL;
    event.end = event.start;
    event.end.utc += 3600;
    snapshot.occurrences.push_back(occurrence_of(event));
    snapshot.events.push_back(std::move(event));
  }
  return snapshot;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST_F(SqliteStoreTest, ReplacesAHundredThousandEventSnapshotInAFewSeconds) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const FeedSnapshot snapshot = big_snapshot(100'000);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(store->replace_snapshot("big", snapshot, status_of("big", 100'000)));
  const auto inserted = std::chrono::steady_clock::now();
  ASSERT_TRUE(store->replace_snapshot("big", snapshot, status_of("big", 100'000)));
  const auto replaced = std::chrono::steady_clock::now();
  auto events = store->events();
  const auto read = std::chrono::steady_clock::now();
  ASSERT_TRUE(events.ok()) << events.error();
  EXPECT_EQ(events->size(), 100'000u);

  const auto seconds = [](auto duration) {
    return std::chrono::duration<double>(duration).count();
  };
  std::printf("100k events + 100k occurrences: first insert %.2f s, replace %.2f s, read %.2f s\n",
              seconds(inserted - started), seconds(replaced - inserted), seconds(read - replaced));
  // Generous bound: Debug and sanitizer builds on a shared machine run several times slower.
  EXPECT_LT(seconds(replaced - inserted), 30.0);
}

// Sanitizer and unoptimized builds run several times slower; a quadratic plan would still show.
#if defined(__SANITIZE_ADDRESS__) || !defined(NDEBUG)
constexpr int kBigFeed = 20'000;
#else
constexpr int kBigFeed = 100'000;
#endif

TEST_F(SqliteStoreTest, KeepsHalfOfABigFeedVanishedWithoutAQueryPerEvent) {
  auto store = open_store();
  ASSERT_TRUE(store);
  FeedSnapshot snapshot = big_snapshot(kBigFeed);
  snapshot.vanish = {kNow, kKeep};
  ASSERT_TRUE(store->replace_snapshot("big", snapshot, status_of("big", kBigFeed)));

  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(store->replace_snapshot("big", snapshot, status_of("big", kBigFeed)));
  const double unchanged = seconds_since(started);

  constexpr std::size_t kHalf = kBigFeed / 2;
  FeedSnapshot half = std::move(snapshot);  // drops the second half: they all vanish at once
  half.events.resize(kHalf);
  half.occurrences.resize(kHalf);
  started = std::chrono::steady_clock::now();
  ASSERT_TRUE(store->replace_snapshot("big", half, status_of("big", kHalf)));
  const double vanishing = seconds_since(started);
  started = std::chrono::steady_clock::now();
  ASSERT_TRUE(store->replace_snapshot("big", half, status_of("big", kHalf)));
  const double still_vanished = seconds_since(started);

  auto events = store->events();
  ASSERT_TRUE(events.ok()) << events.error();
  ASSERT_EQ(events->size(), static_cast<std::size_t>(kBigFeed));
  EXPECT_EQ((*events)[0].vanished_at, 0);  // uid-0
  std::size_t vanished = 0;
  for (const Event& event : *events) vanished += event.vanished_at == kNow ? 1 : 0;
  EXPECT_EQ(vanished, kHalf);
  std::printf("%d events, vanish on: unchanged %.2f s, half vanish %.2f s, again %.2f s\n",
              kBigFeed, unchanged, vanishing, still_vanished);
  EXPECT_LT(unchanged, 30.0);
  EXPECT_LT(vanishing, 30.0);
  EXPECT_LT(still_vanished, 30.0);
}

}  // namespace
}  // namespace concerto::store
