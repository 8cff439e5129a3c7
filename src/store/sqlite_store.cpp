// Store on one SQLite file through Poco::Data. One session per Store, serialized by a mutex; every
// write is one BEGIN IMMEDIATE transaction, so a second process (`concerto fetch` beside
// `concerto serve`) waits on busy_timeout instead of failing half-way through.

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/civil_time.h"
#include "core/event.h"
#include "core/merge_records.h"
#include "store/schema.h"
#include "store/sqlite_session.h"
#include "store/store.h"

namespace concerto::store {
namespace {

// The registered feeds whose events are not public: awaiting moderation, deleted (tombstones),
// or of a disabled partner.
constexpr std::string_view kHiddenFeeds =
    "SELECT feed_id FROM registered_feeds WHERE approved = 0 OR deleted = 1 OR partner_id IN "
    "(SELECT partner_id FROM partners WHERE disabled = 1)";

using core::Error;
using core::EventTime;
using detail::bump_generation;
using detail::configure;
using detail::is_memory;
using detail::migrate;
using detail::register_connector_once;
using detail::Transaction;
using Poco::Data::Session;
using Poco::Data::Statement;
using namespace Poco::Data::Keywords;  // NOLINT(google-build-using-namespace): into/use/now

// core::recurrence_key for an occurrence: "" for none, else its RECURRENCE-ID's key.
std::string recurrence_key(const core::Occurrence& occurrence) {
  return occurrence.recurrence_id ? occurrence.recurrence_id->key() : std::string();
}

// The recurrence_id column holds "" for none; an encoded EventTime is never empty.
std::string encode_recurrence_id(const std::optional<EventTime>& recurrence_id) {
  return recurrence_id ? schema::encode_time(*recurrence_id) : std::string();
}

// The instant used by range queries: all-day values count from their date's midnight UTC.
// Not EventTime::sort_seconds(): a floating value is kept at the instant normalize gave it in
// the feed's zone, not at its wall time read as UTC, so windows select it where it happens.
std::int64_t range_utc(const EventTime& time) {
  if (!time.all_day) return time.utc;
  return core::seconds_from_civil(core::LocalDateTime{time.date, 0, 0, 0});
}

// A column that failed to decode: reported, never guessed at.
struct CorruptRow {
  std::string message;
};

EventTime decode_time_or_throw(const std::string& text, std::string_view column,
                               std::string_view row) {
  auto time = schema::decode_time(text);
  if (!time) {
    throw CorruptRow{std::string(row) + ": unreadable " + std::string(column) + " '" + text + "'"};
  }
  return std::move(*time);
}

std::optional<EventTime> decode_recurrence_id_or_throw(const std::string& text,
                                                       std::string_view row) {
  if (text.empty()) return std::nullopt;
  return decode_time_or_throw(text, "recurrence_id", row);
}

// Upserts the feeds row (never INSERT OR REPLACE: its delete would cascade to the events).
void write_status(Session& session, const core::FeedStatus& status) {
  core::FeedStatus row = status;  // use() binds non-const references
  session
      << "INSERT INTO feeds (feed_id, last_fetch, last_success, http_code, error, "
         "consecutive_failures, event_count, problem_count, bytes, etag, last_modified, "
         "next_fetch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
         "ON CONFLICT (feed_id) DO UPDATE SET last_fetch = excluded.last_fetch, "
         "last_success = excluded.last_success, http_code = excluded.http_code, "
         "error = excluded.error, consecutive_failures = excluded.consecutive_failures, "
         "event_count = excluded.event_count, problem_count = excluded.problem_count, "
         "bytes = excluded.bytes, etag = excluded.etag, last_modified = excluded.last_modified, "
         "next_fetch = excluded.next_fetch",
      use(row.feed_id), use(row.last_fetch), use(row.last_success), use(row.http_code),
      use(row.error), use(row.consecutive_failures), use(row.event_count), use(row.problem_count),
      use(row.bytes), use(row.etag), use(row.last_modified), use(row.next_fetch), now;
}

// Rows are inserted in batches bound as column vectors: Poco compiles the statement once per
// batch and steps it for each row, whereas re-executing a Statement compiles it every time.
constexpr std::size_t kBatchRows = 1000;

class EventBatch {
 public:
  explicit EventBatch(Session& session) : session_(session) {}

  void add(const core::Event& event) {
    feed_ids_.push_back(event.feed_id);
    uids_.push_back(event.uid);
    recurrence_keys_.push_back(core::recurrence_key(event));
    recurrence_ids_.push_back(encode_recurrence_id(event.recurrence_id));
    summaries_.push_back(event.summary);
    descriptions_.push_back(event.description);
    locations_.push_back(event.location);
    urls_.push_back(event.url);
    organizers_.push_back(event.organizer);
    categories_.push_back(schema::encode_list(event.categories));
    statuses_.emplace_back(core::to_string(event.status));
    starts_.push_back(schema::encode_time(event.start));
    ends_.push_back(schema::encode_time(event.end));
    rrules_.push_back(event.rrule);
    rdates_.push_back(schema::encode_times(event.rdates));
    exdates_.push_back(schema::encode_times(event.exdates));
    last_modifieds_.push_back(event.last_modified);
    sequences_.push_back(event.sequence);
    source_lines_.push_back(event.source_line);
    if (feed_ids_.size() >= kBatchRows) flush();
  }

  void flush() {
    if (feed_ids_.empty()) return;  // Poco refuses to bind an empty vector
    session_ << "INSERT INTO events (feed_id, uid, recurrence_key, recurrence_id, summary, "
                "description, location, url, organizer, categories, status, start_time, "
                "end_time, rrule, rdates, exdates, last_modified, sequence, source_line) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        use(feed_ids_), use(uids_), use(recurrence_keys_), use(recurrence_ids_), use(summaries_),
        use(descriptions_), use(locations_), use(urls_), use(organizers_), use(categories_),
        use(statuses_), use(starts_), use(ends_), use(rrules_), use(rdates_), use(exdates_),
        use(last_modifieds_), use(sequences_), use(source_lines_), now;
    for (auto* column : {&feed_ids_, &uids_, &recurrence_keys_, &recurrence_ids_, &summaries_,
                         &descriptions_, &locations_, &urls_, &organizers_, &categories_,
                         &statuses_, &starts_, &ends_, &rrules_, &rdates_, &exdates_}) {
      column->clear();
    }
    last_modifieds_.clear();
    sequences_.clear();
    source_lines_.clear();
  }

 private:
  Session& session_;
  std::vector<std::string> feed_ids_, uids_, recurrence_keys_, recurrence_ids_, summaries_,
      descriptions_, locations_, urls_, organizers_, categories_, statuses_, starts_, ends_,
      rrules_, rdates_, exdates_;
  std::vector<std::int64_t> last_modifieds_;
  std::vector<int> sequences_, source_lines_;
};

class OccurrenceBatch {
 public:
  explicit OccurrenceBatch(Session& session) : session_(session) {}

  void add(const core::Occurrence& occurrence) {
    feed_ids_.push_back(occurrence.feed_id);
    uids_.push_back(occurrence.uid);
    recurrence_keys_.push_back(recurrence_key(occurrence));
    recurrence_ids_.push_back(encode_recurrence_id(occurrence.recurrence_id));
    starts_.push_back(schema::encode_time(occurrence.start));
    ends_.push_back(schema::encode_time(occurrence.end));
    start_utcs_.push_back(range_utc(occurrence.start));
    end_utcs_.push_back(range_utc(occurrence.end));
    from_overrides_.push_back(occurrence.from_override ? 1 : 0);
    if (feed_ids_.size() >= kBatchRows) flush();
  }

  void flush() {
    if (feed_ids_.empty()) return;  // Poco refuses to bind an empty vector
    session_ << "INSERT INTO occurrences (feed_id, uid, recurrence_key, recurrence_id, "
                "start_time, end_time, start_utc, end_utc, from_override) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        use(feed_ids_), use(uids_), use(recurrence_keys_), use(recurrence_ids_), use(starts_),
        use(ends_), use(start_utcs_), use(end_utcs_), use(from_overrides_), now;
    for (auto* column :
         {&feed_ids_, &uids_, &recurrence_keys_, &recurrence_ids_, &starts_, &ends_}) {
      column->clear();
    }
    start_utcs_.clear();
    end_utcs_.clear();
    from_overrides_.clear();
  }

 private:
  Session& session_;
  std::vector<std::string> feed_ids_, uids_, recurrence_keys_, recurrence_ids_, starts_, ends_;
  std::vector<std::int64_t> start_utcs_, end_utcs_;
  std::vector<int> from_overrides_;
};

// The first (uid, recurrence key) that appears twice, to name it when the unique index refuses
// a snapshot.
std::string first_duplicate(const std::vector<core::Event>& events) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const core::Event& event : events) {
    auto key = std::make_pair(event.uid, core::recurrence_key(event));
    if (!seen.insert(key).second) {
      return "event uid '" + key.first + "' recurrence '" + key.second + "' appears twice: ";
    }
  }
  return {};
}

core::Status check_feed_ids(const std::string& feed_id, const FeedSnapshot& snapshot,
                            const core::FeedStatus& status) {
  if (feed_id.empty()) return Error{"empty feed id"};
  if (status.feed_id != feed_id) {
    return Error{"status is for feed '" + status.feed_id + "', not '" + feed_id + "'"};
  }
  for (const core::Event& event : snapshot.events) {
    if (event.feed_id != feed_id) {
      return Error{"event uid '" + event.uid + "' belongs to feed '" + event.feed_id + "', not '" +
                   feed_id + "'"};
    }
  }
  for (const core::Occurrence& occurrence : snapshot.occurrences) {
    if (occurrence.feed_id != feed_id) {
      return Error{"occurrence of uid '" + occurrence.uid + "' belongs to feed '" +
                   occurrence.feed_id + "', not '" + feed_id + "'"};
    }
  }
  return core::ok_status();
}

// Calls `write(begin, end)` for consecutive slices of at most kBatchRows of `rows` rows.
template <class Write>
void in_batches(std::size_t rows, Write&& write) {
  for (std::size_t begin = 0; begin < rows; begin += kBatchRows) {
    write(begin, std::min(rows, begin + kBatchRows));
  }
}

// Fills temp.vanish_kept with the uids of the feed that the snapshot drops but that stay, marked
// vanished: stored before, on no row of the snapshot, not yet kept for keep_seconds, and upcoming
// (an occurrence ends after now_utc). Returns how many. Reads the feed's uids once and checks
// only the dropped ones in SQL, so a snapshot that drops nothing costs one index scan.
std::size_t select_vanished(Session& session, std::string& feed_id, const FeedSnapshot& snapshot) {
  session << "CREATE TEMP TABLE IF NOT EXISTS vanish_kept (uid TEXT PRIMARY KEY NOT NULL) "
             "WITHOUT ROWID",
      now;
  session << "DELETE FROM temp.vanish_kept", now;
  std::vector<std::string> stored;
  session << "SELECT DISTINCT uid FROM events WHERE feed_id = ?", use(feed_id), into(stored), now;
  std::unordered_set<std::string_view> listed;
  listed.reserve(snapshot.events.size());
  for (const core::Event& event : snapshot.events) listed.insert(event.uid);
  for (const core::Occurrence& occurrence : snapshot.occurrences) listed.insert(occurrence.uid);
  std::vector<std::string> dropped;
  for (std::string& uid : stored) {
    if (listed.count(uid) == 0) dropped.push_back(std::move(uid));
  }
  if (dropped.empty()) return 0;
  in_batches(dropped.size(), [&](std::size_t begin, std::size_t end) {
    std::vector<std::string> uids(std::make_move_iterator(dropped.begin() + begin),
                                  std::make_move_iterator(dropped.begin() + end));
    session << "INSERT INTO temp.vanish_kept (uid) VALUES (?)", use(uids), now;
  });
  // keep_seconds > 0 and now_utc > 0 (checked by the caller): no overflow.
  std::int64_t expired_at_or_before = snapshot.vanish.now_utc - snapshot.vanish.keep_seconds;
  session << "DELETE FROM temp.vanish_kept WHERE EXISTS (SELECT 1 FROM events e "
             "WHERE e.feed_id = ? AND e.uid = vanish_kept.uid AND e.vanished_at > 0 "
             "AND e.vanished_at <= ?)",
      use(feed_id), use(expired_at_or_before), now;
  // Not correlated: one pass over the feed's occurrences (indexed by feed only), not one each.
  std::int64_t now_utc = snapshot.vanish.now_utc;
  session
      << "DELETE FROM temp.vanish_kept WHERE uid NOT IN (SELECT o.uid FROM occurrences o "
         "WHERE o.feed_id = ? AND o.end_utc > ? AND o.uid IN (SELECT uid FROM temp.vanish_kept))",
      use(feed_id), use(now_utc), now;
  std::int64_t kept = 0;
  session << "SELECT COUNT(*) FROM temp.vanish_kept", into(kept), now;
  return static_cast<std::size_t>(kept);
}

void write_identities(Session& session, const std::vector<core::MergeIdentity>& identities,
                      std::int64_t assigned_at) {
  in_batches(identities.size(), [&](std::size_t begin, std::size_t end) {
    std::vector<std::string> source_keys, merged_uids;
    source_keys.reserve(end - begin);
    merged_uids.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      source_keys.push_back(identities[i].source_key);
      merged_uids.push_back(identities[i].merged_uid);
    }
    std::vector<std::int64_t> times(end - begin, assigned_at);
    session << "INSERT OR REPLACE INTO merge_identity (source_key, merged_uid, assigned_at) "
               "VALUES (?, ?, ?)",
        use(source_keys), use(merged_uids), use(times), now;
  });
}

void write_sequences(Session& session, const std::vector<core::MergeSequence>& sequences,
                     std::int64_t changed_at) {
  in_batches(sequences.size(), [&](std::size_t begin, std::size_t end) {
    std::vector<std::string> merged_keys, content_hashes;
    std::vector<int> numbers;
    merged_keys.reserve(end - begin);
    content_hashes.reserve(end - begin);
    numbers.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      merged_keys.push_back(sequences[i].merged_key);
      content_hashes.push_back(sequences[i].content_hash);
      numbers.push_back(sequences[i].sequence);
    }
    std::vector<std::int64_t> times(end - begin, changed_at);
    session << "INSERT OR REPLACE INTO merge_sequence (merged_key, content_hash, sequence, "
               "changed_at) VALUES (?, ?, ?, ?)",
        use(merged_keys), use(content_hashes), use(numbers), use(times), now;
  });
}

std::string describe(const core::SourceRef& source) {
  return "feed '" + source.feed_id + "' uid '" + source.uid + "' recurrence '" + source.recurrence +
         "'";
}

// The decisions with a <= b, or why one of them cannot be stored.
core::Result<std::vector<core::MergeDecision>> normalized(
    const std::vector<core::MergeDecision>& decisions) {
  std::vector<core::MergeDecision> result;
  result.reserve(decisions.size());
  for (const core::MergeDecision& decision : decisions) {
    for (const core::SourceRef* side : {&decision.a, &decision.b}) {
      if (side->feed_id.empty() || side->uid.empty()) {
        return Error{"decision about " + describe(*side) + ": empty feed id or uid"};
      }
    }
    if (decision.a == decision.b) {
      return Error{"decision pairs " + describe(decision.a) + " with itself"};
    }
    result.push_back(decision);
    if (decision.b < decision.a) std::swap(result.back().a, result.back().b);
  }
  return result;
}

// In the given order, so that of two decisions about one pair the later wins.
void write_decisions(Session& session, const std::vector<core::MergeDecision>& decisions) {
  in_batches(decisions.size(), [&](std::size_t begin, std::size_t end) {
    std::vector<std::string> a_feeds, a_uids, a_recurrences, b_feeds, b_uids, b_recurrences, kinds;
    std::vector<std::int64_t> decided_ats;
    for (std::size_t i = begin; i < end; ++i) {
      const core::MergeDecision& decision = decisions[i];
      a_feeds.push_back(decision.a.feed_id);
      a_uids.push_back(decision.a.uid);
      a_recurrences.push_back(decision.a.recurrence);
      b_feeds.push_back(decision.b.feed_id);
      b_uids.push_back(decision.b.uid);
      b_recurrences.push_back(decision.b.recurrence);
      kinds.emplace_back(core::to_string(decision.kind));
      decided_ats.push_back(decision.decided_at);
    }
    session << "INSERT OR REPLACE INTO merge_decision (a_feed, a_uid, a_recurrence, b_feed, "
               "b_uid, b_recurrence, kind, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        use(a_feeds), use(a_uids), use(a_recurrences), use(b_feeds), use(b_uids),
        use(b_recurrences), use(kinds), use(decided_ats), now;
  });
}

MergeMemory read_merge_memory(Session& session) {
  MergeMemory memory;
  {
    std::vector<std::string> source_keys, merged_uids;
    std::vector<std::int64_t> saved;
    session << "SELECT source_key, merged_uid, assigned_at FROM merge_identity "
               "ORDER BY source_key",
        into(source_keys), into(merged_uids), into(saved), now;
    memory.identities.resize(source_keys.size());
    for (std::size_t i = 0; i < source_keys.size(); ++i) {
      memory.identities[i].source_key = std::move(source_keys[i]);
      memory.identities[i].merged_uid = std::move(merged_uids[i]);
      memory.identities[i].saved_at = saved[i];
    }
  }
  {
    std::vector<std::string> merged_keys, content_hashes;
    std::vector<int> numbers;
    std::vector<std::int64_t> saved;
    session << "SELECT merged_key, content_hash, sequence, changed_at FROM merge_sequence "
               "ORDER BY merged_key",
        into(merged_keys), into(content_hashes), into(numbers), into(saved), now;
    memory.sequences.resize(merged_keys.size());
    for (std::size_t i = 0; i < merged_keys.size(); ++i) {
      memory.sequences[i].merged_key = std::move(merged_keys[i]);
      memory.sequences[i].content_hash = std::move(content_hashes[i]);
      memory.sequences[i].sequence = numbers[i];
      memory.sequences[i].saved_at = saved[i];
    }
  }
  std::vector<std::string> a_feeds, a_uids, a_recurrences, b_feeds, b_uids, b_recurrences, kinds;
  std::vector<std::int64_t> decided_ats;
  session << "SELECT a_feed, a_uid, a_recurrence, b_feed, b_uid, b_recurrence, kind, decided_at "
             "FROM merge_decision ORDER BY a_feed, a_uid, a_recurrence, b_feed, b_uid, "
             "b_recurrence",
      into(a_feeds), into(a_uids), into(a_recurrences), into(b_feeds), into(b_uids),
      into(b_recurrences), into(kinds), into(decided_ats), now;
  memory.decisions.resize(a_feeds.size());
  for (std::size_t i = 0; i < a_feeds.size(); ++i) {
    core::MergeDecision& decision = memory.decisions[i];
    decision.a = {std::move(a_feeds[i]), std::move(a_uids[i]), std::move(a_recurrences[i])};
    decision.b = {std::move(b_feeds[i]), std::move(b_uids[i]), std::move(b_recurrences[i])};
    if (kinds[i] == core::to_string(core::MergeDecisionKind::kJoin)) {
      decision.kind = core::MergeDecisionKind::kJoin;
    } else if (kinds[i] == core::to_string(core::MergeDecisionKind::kApart)) {
      decision.kind = core::MergeDecisionKind::kApart;
    } else {
      throw CorruptRow{"merge decision about " + describe(decision.a) + ": unknown kind '" +
                       kinds[i] + "'"};
    }
    decision.decided_at = decided_ats[i];
  }
  return memory;
}

std::vector<core::FeedStatus> read_statuses(Session& session, const std::string* only_feed) {
  std::vector<std::string> feed_ids, errors, etags, last_modifieds;
  std::vector<std::int64_t> last_fetches, last_successes, bytes, next_fetches;
  std::vector<int> http_codes, failures, event_counts, problem_counts;
  Statement select(session);
  select << "SELECT feed_id, last_fetch, last_success, http_code, error, consecutive_failures, "
            "event_count, problem_count, bytes, etag, last_modified, next_fetch FROM feeds";
  std::string wanted;
  if (only_feed) {
    wanted = *only_feed;
    select << " WHERE feed_id = ?", use(wanted);
  } else {
    // The list is public: feeds awaiting moderation or deleted are not in it.
    select << " WHERE feed_id NOT IN (" + std::string(kHiddenFeeds) + ")";
  }
  select << " ORDER BY feed_id", into(feed_ids), into(last_fetches), into(last_successes),
      into(http_codes), into(errors), into(failures), into(event_counts), into(problem_counts),
      into(bytes), into(etags), into(last_modifieds), into(next_fetches);
  select.execute();
  std::vector<core::FeedStatus> statuses(feed_ids.size());
  for (std::size_t i = 0; i < feed_ids.size(); ++i) {
    core::FeedStatus& status = statuses[i];
    status.feed_id = std::move(feed_ids[i]);
    status.last_fetch = last_fetches[i];
    status.last_success = last_successes[i];
    status.http_code = http_codes[i];
    status.error = std::move(errors[i]);
    status.consecutive_failures = failures[i];
    status.event_count = event_counts[i];
    status.problem_count = problem_counts[i];
    status.bytes = bytes[i];
    status.etag = std::move(etags[i]);
    status.last_modified = std::move(last_modifieds[i]);
    status.next_fetch = next_fetches[i];
  }
  return statuses;
}

std::int64_t read_generation(Session& session) {
  std::int64_t generation = 0;
  session << "SELECT generation FROM meta WHERE id = 1", into(generation), now;
  return generation;
}

std::int64_t read_last_change(Session& session) {
  std::int64_t last_change = 0;
  session << "SELECT last_change FROM meta WHERE id = 1", into(last_change), now;
  return last_change;
}

// Answers generation() on a connection of its own, so that the server's per-request question
// neither waits behind a long read or write on the main session nor reads a table each time:
// PRAGMA data_version changes when any other connection (the main session included) commits,
// and only then is the meta row read again. Not thread-safe: SqliteStore serializes the calls.
class GenerationWatch {
 public:
  explicit GenerationWatch(Session session)
      : session_(std::move(session)),
        data_version_query_((session_ << "PRAGMA data_version", into(data_version_))) {}
  ~GenerationWatch() {
    try {
      session_.close();
    } catch (...) {  // NOLINT(bugprone-empty-catch): nothing to report to from a destructor
    }
  }
  GenerationWatch(const GenerationWatch&) = delete;
  GenerationWatch& operator=(const GenerationWatch&) = delete;

  std::int64_t generation() {
    data_version_query_.execute();
    if (!generation_ || data_version_ != seen_data_version_) {
      // data_version first: a commit between the two reads shows as a change next time.
      seen_data_version_ = data_version_;
      generation_ = read_generation(session_);
    }
    return *generation_;
  }

 private:
  Session session_;
  std::int64_t data_version_ = 0;  // filled by data_version_query_
  Statement data_version_query_;   // prepared once, executed on every call
  std::int64_t seen_data_version_ = 0;
  std::optional<std::int64_t> generation_;  // as of seen_data_version_
};

class SqliteStore final : public Store {
 public:
  // `watch` is empty for ":memory:", whose database another connection would not see.
  SqliteStore(std::string path, Session session, std::unique_ptr<GenerationWatch> watch)
      : path_(std::move(path)), session_(std::move(session)), watch_(std::move(watch)) {}

  ~SqliteStore() override {
    watch_.reset();
    try {
      session_.close();
    } catch (...) {  // NOLINT(bugprone-empty-catch): nothing to report to from a destructor
    }
  }

  core::Status replace_snapshot(const std::string& feed_id, const FeedSnapshot& snapshot,
                                const core::FeedStatus& status) override {
    return guarded<core::Done>("replacing feed '" + feed_id + "'", [&]() -> core::Status {
      if (auto checked = check_feed_ids(feed_id, snapshot, status); !checked) return checked;
      const bool keeps_vanished = snapshot.vanish.keep_seconds > 0;
      if (keeps_vanished && snapshot.vanish.now_utc <= 0) {
        return Error{"vanish policy keeps events but gives no current time"};
      }
      Transaction transaction(session_);
      std::string id = feed_id;
      if (keeps_vanished && select_vanished(session_, id, snapshot) > 0) {
        std::int64_t vanished_at = snapshot.vanish.now_utc;
        session_ << "DELETE FROM occurrences WHERE feed_id = ? "
                    "AND uid NOT IN (SELECT uid FROM temp.vanish_kept)",
            use(id), now;
        session_ << "DELETE FROM events WHERE feed_id = ? "
                    "AND uid NOT IN (SELECT uid FROM temp.vanish_kept)",
            use(id), now;
        // Rows vanished before keep their first vanished_at.
        session_ << "UPDATE events SET vanished_at = ? WHERE feed_id = ? AND vanished_at = 0 "
                    "AND uid IN (SELECT uid FROM temp.vanish_kept)",
            use(vanished_at), use(id), now;
        session_ << "UPDATE occurrences SET vanished_at = ? WHERE feed_id = ? "
                    "AND vanished_at = 0 AND uid IN (SELECT uid FROM temp.vanish_kept)",
            use(vanished_at), use(id), now;
      } else {
        session_ << "DELETE FROM occurrences WHERE feed_id = ?", use(id), now;
        session_ << "DELETE FROM events WHERE feed_id = ?", use(id), now;
      }
      write_status(session_, status);
      try {
        EventBatch events(session_);
        for (const core::Event& event : snapshot.events) events.add(event);
        events.flush();
      } catch (const Poco::Data::SQLite::ConstraintViolationException& e) {
        return Error{first_duplicate(snapshot.events) + e.displayText()};
      }
      OccurrenceBatch occurrences(session_);
      for (const core::Occurrence& occurrence : snapshot.occurrences) occurrences.add(occurrence);
      occurrences.flush();
      bump_generation(session_);
      transaction.commit();
      return core::ok_status();
    });
  }

  core::Status record_status(const core::FeedStatus& status) override {
    return guarded<core::Done>("recording the status of feed '" + status.feed_id + "'",
                               [&]() -> core::Status {
                                 if (status.feed_id.empty()) return Error{"empty feed id"};
                                 write_status(session_, status);
                                 return core::ok_status();
                               });
  }

  core::Status remove_feeds_except(const std::vector<std::string>& feed_ids) override {
    return guarded<core::Done>("removing unconfigured feeds", [&]() -> core::Status {
      Transaction transaction(session_);
      std::vector<std::string> stored;
      session_ << "SELECT feed_id FROM feeds UNION SELECT feed_id FROM events "
                  "UNION SELECT feed_id FROM occurrences",
          into(stored), now;
      const std::set<std::string> keep(feed_ids.begin(), feed_ids.end());
      bool removed = false;
      for (std::string& id : stored) {
        if (keep.count(id) != 0) continue;
        session_ << "DELETE FROM occurrences WHERE feed_id = ?", use(id), now;
        session_ << "DELETE FROM events WHERE feed_id = ?", use(id), now;
        session_ << "DELETE FROM feeds WHERE feed_id = ?", use(id), now;
        session_ << "DELETE FROM feed_alerts WHERE feed_id = ?", use(id), now;
        session_ << "DELETE FROM feed_problems WHERE feed_id = ?", use(id), now;
        removed = true;
      }
      if (removed) bump_generation(session_);
      transaction.commit();
      return core::ok_status();
    });
  }

  core::Result<std::vector<core::Event>> events() override {
    return guarded<std::vector<core::Event>>(
        "reading events", [&]() -> core::Result<std::vector<core::Event>> {
          std::vector<std::string> feed_ids, uids, recurrence_ids, summaries, descriptions,
              locations, urls, organizers, categories, statuses, starts, ends, rrules, rdates,
              exdates;
          std::vector<std::int64_t> last_modifieds, vanished_ats;
          std::vector<int> sequences, source_lines;
          session_ << "SELECT feed_id, uid, recurrence_id, summary, description, location, url, "
                      "organizer, categories, status, start_time, end_time, rrule, rdates, "
                      "exdates, last_modified, sequence, source_line, vanished_at FROM events "
                      "WHERE feed_id NOT IN (" +
                          std::string(kHiddenFeeds) + ") ORDER BY feed_id, uid, recurrence_key",
              into(feed_ids), into(uids), into(recurrence_ids), into(summaries), into(descriptions),
              into(locations), into(urls), into(organizers), into(categories), into(statuses),
              into(starts), into(ends), into(rrules), into(rdates), into(exdates),
              into(last_modifieds), into(sequences), into(source_lines), into(vanished_ats), now;
          std::vector<core::Event> result(feed_ids.size());
          for (std::size_t i = 0; i < feed_ids.size(); ++i) {
            core::Event& event = result[i];
            const std::string row = "event of feed '" + feed_ids[i] + "' uid '" + uids[i] + "'";
            event.feed_id = std::move(feed_ids[i]);
            event.uid = std::move(uids[i]);
            event.recurrence_id = decode_recurrence_id_or_throw(recurrence_ids[i], row);
            event.summary = std::move(summaries[i]);
            event.description = std::move(descriptions[i]);
            event.location = std::move(locations[i]);
            event.url = std::move(urls[i]);
            event.organizer = std::move(organizers[i]);
            auto category_list = schema::decode_list(categories[i]);
            if (!category_list) throw CorruptRow{row + ": unreadable categories"};
            event.categories = std::move(*category_list);
            auto status = core::event_status_from_string(statuses[i]);
            if (!status) throw CorruptRow{row + ": unknown status '" + statuses[i] + "'"};
            event.status = *status;
            event.start = decode_time_or_throw(starts[i], "start_time", row);
            event.end = decode_time_or_throw(ends[i], "end_time", row);
            event.rrule = std::move(rrules[i]);
            auto rdate_list = schema::decode_times(rdates[i]);
            if (!rdate_list) throw CorruptRow{row + ": unreadable rdates"};
            event.rdates = std::move(*rdate_list);
            auto exdate_list = schema::decode_times(exdates[i]);
            if (!exdate_list) throw CorruptRow{row + ": unreadable exdates"};
            event.exdates = std::move(*exdate_list);
            event.last_modified = last_modifieds[i];
            event.sequence = sequences[i];
            event.source_line = source_lines[i];
            // The status column keeps what the feed last said; a vanished event is cancelled.
            event.vanished_at = vanished_ats[i];
            if (event.vanished_at != 0) event.status = core::EventStatus::kCancelled;
          }
          return result;
        });
  }

  core::Result<std::vector<core::Occurrence>> occurrences(std::int64_t from_utc,
                                                          std::int64_t to_utc) override {
    return guarded<std::vector<core::Occurrence>>(
        "reading occurrences", [&]() -> core::Result<std::vector<core::Occurrence>> {
          std::vector<std::string> feed_ids, uids, recurrence_ids, starts, ends;
          std::vector<int> from_overrides;
          std::int64_t from = from_utc;
          std::int64_t to = to_utc;
          // Half-open overlap with [from, to); a zero-length occurrence counts as the instant
          // [start, start] so that one starting exactly at `from` is not lost.
          session_ << "SELECT feed_id, uid, recurrence_id, start_time, end_time, from_override "
                      "FROM occurrences WHERE start_utc < ? "
                      "AND (end_utc > ? OR (end_utc = start_utc AND start_utc >= ?)) "
                      "AND feed_id NOT IN (" +
                          std::string(kHiddenFeeds) +
                          ") ORDER BY start_utc, end_utc, feed_id, uid, recurrence_key",
              use(to), use(from), use(from), into(feed_ids), into(uids), into(recurrence_ids),
              into(starts), into(ends), into(from_overrides), now;
          std::vector<core::Occurrence> result(feed_ids.size());
          for (std::size_t i = 0; i < feed_ids.size(); ++i) {
            core::Occurrence& occurrence = result[i];
            const std::string row =
                "occurrence of feed '" + feed_ids[i] + "' uid '" + uids[i] + "'";
            occurrence.feed_id = std::move(feed_ids[i]);
            occurrence.uid = std::move(uids[i]);
            occurrence.recurrence_id = decode_recurrence_id_or_throw(recurrence_ids[i], row);
            occurrence.start = decode_time_or_throw(starts[i], "start_time", row);
            occurrence.end = decode_time_or_throw(ends[i], "end_time", row);
            occurrence.from_override = from_overrides[i] != 0;
          }
          return result;
        });
  }

  core::Status save_problems(const std::string& feed_id, const core::Problems& problems) override {
    return guarded<core::Done>(
        "saving the problems of feed '" + feed_id + "'", [&]() -> core::Status {
          Transaction transaction(session_);
          session_ << "DELETE FROM feed_problems WHERE feed_id = ?", bind(feed_id), now;
          const std::size_t count = std::min(problems.size(), kMaxStoredProblems);
          if (count > 0) {
            std::vector<std::string> feed_ids(count, feed_id), severities, uids, messages;
            std::vector<int> positions, lines;
            for (std::size_t i = 0; i < count; ++i) {
              positions.push_back(static_cast<int>(i));
              severities.push_back(problems[i].severity == core::Severity::kError ? "error"
                                                                                  : "warning");
              lines.push_back(problems[i].line);
              uids.push_back(problems[i].uid);
              messages.push_back(problems[i].message);
            }
            session_
                << "INSERT INTO feed_problems (feed_id, position, severity, line, uid, message) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                use(feed_ids), use(positions), use(severities), use(lines), use(uids),
                use(messages), now;
          }
          transaction.commit();
          return core::ok_status();
        });
  }

  core::Result<core::Problems> problems(const std::string& feed_id) override {
    return guarded<core::Problems>(
        "reading the problems of feed " + feed_id, [&]() -> core::Result<core::Problems> {
          std::vector<std::string> severities, uids, messages;
          std::vector<int> lines;
          session_ << "SELECT severity, line, uid, message FROM feed_problems WHERE feed_id = ? "
                      "ORDER BY position",
              bind(feed_id), into(severities), into(lines), into(uids), into(messages), now;
          core::Problems result(severities.size());
          for (std::size_t i = 0; i < result.size(); ++i) {
            result[i].severity =
                severities[i] == "warning" ? core::Severity::kWarning : core::Severity::kError;
            result[i].line = lines[i];
            result[i].uid = std::move(uids[i]);
            result[i].message = std::move(messages[i]);
          }
          return result;
        });
  }

  core::Result<std::vector<PreviewOccurrence>> feed_preview(const std::string& feed_id,
                                                            std::int64_t from_utc,
                                                            int limit) override {
    return guarded<std::vector<PreviewOccurrence>>(
        "reading a feed's next events", [&]() -> core::Result<std::vector<PreviewOccurrence>> {
          std::vector<std::string> uids, recurrence_ids, starts, ends, summaries, locations,
              statuses;
          std::vector<int> from_overrides;
          std::vector<std::int64_t> vanished_ats;
          std::int64_t from = from_utc;
          int most = std::max(0, limit);
          // An occurrence's text is its override's when it comes from one, else the series'.
          session_ << "SELECT o.uid, o.recurrence_id, o.start_time, o.end_time, o.from_override, "
                      "e.summary, e.location, e.status, e.vanished_at FROM occurrences o "
                      "JOIN events e ON e.feed_id = o.feed_id AND e.uid = o.uid AND "
                      "e.recurrence_key = CASE WHEN o.from_override != 0 THEN o.recurrence_key "
                      "ELSE '' END "
                      "WHERE o.feed_id = ? AND o.end_utc > ? "
                      "ORDER BY o.start_utc, o.end_utc, o.uid, o.recurrence_key LIMIT ?",
              bind(feed_id), use(from), use(most), into(uids), into(recurrence_ids), into(starts),
              into(ends), into(from_overrides), into(summaries), into(locations), into(statuses),
              into(vanished_ats), now;
          std::vector<PreviewOccurrence> result(uids.size());
          for (std::size_t i = 0; i < uids.size(); ++i) {
            PreviewOccurrence& preview = result[i];
            const std::string row = "occurrence of feed '" + feed_id + "' uid '" + uids[i] + "'";
            preview.occurrence.feed_id = feed_id;
            preview.occurrence.uid = std::move(uids[i]);
            preview.occurrence.recurrence_id =
                decode_recurrence_id_or_throw(recurrence_ids[i], row);
            preview.occurrence.start = decode_time_or_throw(starts[i], "start_time", row);
            preview.occurrence.end = decode_time_or_throw(ends[i], "end_time", row);
            preview.occurrence.from_override = from_overrides[i] != 0;
            preview.summary = std::move(summaries[i]);
            preview.location = std::move(locations[i]);
            preview.cancelled = vanished_ats[i] != 0 || statuses[i] == "cancelled";
          }
          return result;
        });
  }

  core::Result<std::vector<core::FeedStatus>> statuses() override {
    return guarded<std::vector<core::FeedStatus>>(
        "reading feed statuses", [&]() -> core::Result<std::vector<core::FeedStatus>> {
          return read_statuses(session_, nullptr);
        });
  }

  core::Result<std::optional<core::FeedStatus>> status(const std::string& feed_id) override {
    return guarded<std::optional<core::FeedStatus>>(
        "reading the status of feed '" + feed_id + "'",
        [&]() -> core::Result<std::optional<core::FeedStatus>> {
          auto found = read_statuses(session_, &feed_id);
          if (found.empty()) return std::optional<core::FeedStatus>();
          return std::optional<core::FeedStatus>(std::move(found.front()));
        });
  }

  core::Result<std::vector<std::string>> upcoming_uids(const std::string& feed_id,
                                                       std::int64_t now_utc) override {
    return guarded<std::vector<std::string>>(
        "reading the upcoming events of feed '" + feed_id + "'",
        [&]() -> core::Result<std::vector<std::string>> {
          std::string id = feed_id;
          std::int64_t after = now_utc;
          std::vector<std::string> uids;
          session_ << "SELECT DISTINCT uid FROM occurrences WHERE feed_id = ? AND end_utc > ? "
                      "AND vanished_at = 0 ORDER BY uid",
              use(id), use(after), into(uids), now;
          return uids;
        });
  }

  core::Result<MergeMemory> merge_memory() override {
    return guarded<MergeMemory>("reading merge memory", [&]() -> core::Result<MergeMemory> {
      return read_merge_memory(session_);
    });
  }

  core::Status save_merge_memory(const std::vector<core::MergeIdentity>& identities,
                                 const std::vector<core::MergeSequence>& sequences) override {
    return guarded<core::Done>("saving merge memory", [&]() -> core::Status {
      if (identities.empty() && sequences.empty()) return core::ok_status();
      const std::int64_t saved_at = core::unix_now();
      Transaction transaction(session_);
      write_identities(session_, identities, saved_at);
      write_sequences(session_, sequences, saved_at);
      // Rows the writer stopped re-saving belong to events gone for months: forget them, so the
      // memory follows the agenda's size rather than every event ever seen.
      std::int64_t cutoff = saved_at - core::kMergeMemoryForgetSeconds;
      session_ << "DELETE FROM merge_identity WHERE assigned_at < ?", use(cutoff), now;
      session_ << "DELETE FROM merge_sequence WHERE changed_at < ?", use(cutoff), now;
      bump_generation(session_);  // a SEQUENCE or merged UID shows in the rendered agenda
      transaction.commit();
      return core::ok_status();
    });
  }

  core::Status add_merge_decisions(const std::vector<core::MergeDecision>& decisions) override {
    return guarded<core::Done>("adding merge decisions", [&]() -> core::Status {
      auto rows = normalized(decisions);
      if (!rows) return Error{rows.error()};
      if (rows->empty()) return core::ok_status();
      Transaction transaction(session_);
      write_decisions(session_, *rows);
      bump_generation(session_);
      transaction.commit();
      return core::ok_status();
    });
  }

  // Sees other processes' commits at once; see GenerationWatch for what it costs.
  core::Result<std::int64_t> generation() override {
    if (!watch_) {
      return guarded<std::int64_t>("reading the generation", [&]() -> core::Result<std::int64_t> {
        return read_generation(session_);
      });
    }
    return guarded<std::int64_t>(
        watch_mutex_, "reading the generation",
        [&]() -> core::Result<std::int64_t> { return watch_->generation(); });
  }

  core::Result<std::int64_t> last_change() override {
    return guarded<std::int64_t>("reading the last change", [&]() -> core::Result<std::int64_t> {
      return read_last_change(session_);
    });
  }

 private:
  // Serializes access to the session and turns every exception into an Error naming the file.
  template <class T, class Body>
  core::Result<T> guarded(const std::string& action, Body&& body) {
    return guarded<T>(mutex_, action, std::forward<Body>(body));
  }

  template <class T, class Body>
  core::Result<T> guarded(std::mutex& mutex, const std::string& action, Body&& body) {
    std::lock_guard lock(mutex);
    try {
      core::Result<T> result = body();
      if (!result.ok()) return error(action, result.error());
      return result;
    } catch (const CorruptRow& e) {
      return error(action, e.message);
    } catch (const Poco::Exception& e) {
      return error(action, e.displayText());
    } catch (const std::exception& e) {
      return error(action, e.what());
    }
  }

  Error error(const std::string& action, const std::string& detail) const {
    return Error{"database " + path_ + ": " + action + ": " + detail};
  }

  const std::string path_;
  std::mutex mutex_;  // guards session_
  Session session_;
  std::mutex watch_mutex_;  // guards watch_'s session
  std::unique_ptr<GenerationWatch> watch_;
};

}  // namespace

core::Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  const auto fail = [&path](const std::string& detail) {
    return Error{"database " + path + ": " + detail};
  };
  if (path.empty()) return fail("empty path");
  if (!is_memory(path)) {
    std::error_code ec;
    const std::filesystem::path file(path);
    const std::filesystem::path directory = file.parent_path();
    if (!directory.empty() && !std::filesystem::is_directory(directory, ec)) {
      return fail("directory " + directory.string() + " does not exist");
    }
    if (std::filesystem::is_directory(file, ec)) return fail("is a directory");
  }
  try {
    register_connector_once();
    Session session("SQLite", path);
    if (auto configured = configure(session, path); !configured) {
      return fail(configured.error());
    }
    if (auto migrated = migrate(session); !migrated) return fail(migrated.error());
    std::unique_ptr<GenerationWatch> watch;
    if (!is_memory(path)) {
      Session watch_session("SQLite", path);
      if (auto configured = configure(watch_session, path); !configured) {
        return fail(configured.error());
      }
      watch = std::make_unique<GenerationWatch>(std::move(watch_session));
    }
    return std::unique_ptr<Store>(
        std::make_unique<SqliteStore>(path, std::move(session), std::move(watch)));
  } catch (const Poco::Exception& e) {
    return fail(e.displayText());
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

}  // namespace concerto::store
