#pragma once
// The store's SQL schema as numbered migrations, and the text encodings of the columns that hold
// more than one scalar (EventTime values and lists). Pure functions; no database access here.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"

namespace concerto::store::schema {

// kMigrations[i] takes a database from version i to version i + 1; each entry is applied in one
// transaction together with its row in schema_version. Released entries are never edited, only
// appended to.
inline constexpr std::array<std::string_view, 5> kMigrations = {
    // 1: feeds status, events, occurrences, meta.
    R"sql(
CREATE TABLE feeds (
  feed_id TEXT PRIMARY KEY NOT NULL,
  last_fetch INTEGER NOT NULL DEFAULT 0,
  last_success INTEGER NOT NULL DEFAULT 0,
  http_code INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  event_count INTEGER NOT NULL DEFAULT 0,
  problem_count INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  etag TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT ''
);
CREATE TABLE events (
  feed_id TEXT NOT NULL REFERENCES feeds (feed_id) ON DELETE CASCADE,
  uid TEXT NOT NULL,
  recurrence_key TEXT NOT NULL,
  recurrence_id TEXT NOT NULL,
  summary TEXT NOT NULL,
  description TEXT NOT NULL,
  location TEXT NOT NULL,
  url TEXT NOT NULL,
  organizer TEXT NOT NULL,
  categories TEXT NOT NULL,
  status TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  rrule TEXT NOT NULL,
  rdates TEXT NOT NULL,
  exdates TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  source_line INTEGER NOT NULL,
  UNIQUE (feed_id, uid, recurrence_key)
);
CREATE INDEX events_by_feed ON events (feed_id);
CREATE TABLE occurrences (
  feed_id TEXT NOT NULL REFERENCES feeds (feed_id) ON DELETE CASCADE,
  uid TEXT NOT NULL,
  recurrence_key TEXT NOT NULL,
  recurrence_id TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  start_utc INTEGER NOT NULL,
  end_utc INTEGER NOT NULL,
  from_override INTEGER NOT NULL
);
CREATE INDEX occurrences_by_feed ON occurrences (feed_id);
CREATE INDEX occurrences_by_start ON occurrences (start_utc);
CREATE TABLE meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL,
  last_change INTEGER NOT NULL
);
INSERT INTO meta (id, generation, last_change) VALUES (1, 0, 0);
)sql",
    // 2: when each feed is due again (refresh interval, feed hints, backoff, Retry-After).
    R"sql(
ALTER TABLE feeds ADD COLUMN next_fetch INTEGER NOT NULL DEFAULT 0;
)sql",
    // 3: vanished events kept for a while; what deduplication remembers between runs. The merge
    // tables reference no feed: a feed removed and added again finds its merged UIDs.
    R"sql(
ALTER TABLE events ADD COLUMN vanished_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE occurrences ADD COLUMN vanished_at INTEGER NOT NULL DEFAULT 0;
CREATE TABLE merge_identity (
  source_key TEXT PRIMARY KEY NOT NULL,
  merged_uid TEXT NOT NULL,
  assigned_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE merge_sequence (
  merged_key TEXT PRIMARY KEY NOT NULL,
  content_hash TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  changed_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE merge_decision (
  a_feed TEXT NOT NULL,
  a_uid TEXT NOT NULL,
  a_recurrence TEXT NOT NULL,
  b_feed TEXT NOT NULL,
  b_uid TEXT NOT NULL,
  b_recurrence TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('join', 'apart')),
  decided_at INTEGER NOT NULL,
  PRIMARY KEY (a_feed, a_uid, a_recurrence, b_feed, b_uid, b_recurrence)
) WITHOUT ROWID;
)sql",
    // 4: partners (their tokens only as SHA-256 hashes) and the feeds they registered. A feed
    // awaiting moderation (approved = 0) keeps its events out of the public agenda; a deleted
    // one stays as a tombstone, so that a refresh finishing after the delete stays hidden too.
    R"sql(
CREATE TABLE partners (
  partner_id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  is_admin INTEGER NOT NULL,
  disabled INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE registered_feeds (
  feed_id TEXT PRIMARY KEY NOT NULL,
  partner_id TEXT NOT NULL REFERENCES partners (partner_id),
  url TEXT NOT NULL,
  name TEXT NOT NULL,
  format TEXT NOT NULL,
  category TEXT NOT NULL,
  timezone TEXT NOT NULL,
  refresh_seconds INTEGER NOT NULL,
  approved INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX registered_feeds_by_partner ON registered_feeds (partner_id);
)sql",
    // 5: feed health mail to partners: what each feed's partner was last told (told_failing until
    // the recovery mail went), the drops and UID changes not told yet (`pending`:
    // "<kind> <before> <kept> <after> <seen_at>;" each), and a log of every mail sent, for
    // administrators. And the problems of each feed's last good read, by line, for its partner.
    R"sql(
CREATE TABLE feed_alerts (
  feed_id TEXT PRIMARY KEY NOT NULL,
  told_failing INTEGER NOT NULL DEFAULT 0,
  last_sent_at INTEGER NOT NULL DEFAULT 0,
  last_kind TEXT NOT NULL DEFAULT '',
  pending TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE sent_mails (
  feed_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  recipient TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  subject TEXT NOT NULL
);
CREATE INDEX sent_mails_by_feed ON sent_mails (feed_id, sent_at);
CREATE TABLE feed_problems (
  feed_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  severity TEXT NOT NULL,
  line INTEGER NOT NULL,
  uid TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (feed_id, position)
) WITHOUT ROWID;
)sql",
};

inline constexpr int kLatestVersion = static_cast<int>(kMigrations.size());

// Creates the version table itself; safe to run on every open.
inline constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "version INTEGER PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)";

// An EventTime as one line of text carrying every field, so that it reads back equal:
// "<A|T> <date> <local> <utc> <tzid>", e.g. "T 1970-01-01 2026-10-19T09:30:00 1792395000
// Europe/Paris" ("A" for all-day; the tzid is the rest of the text and may be empty).
std::string encode_time(const core::EventTime& time);
std::optional<core::EventTime> decode_time(std::string_view text);

// A list of strings, each item followed by ';' with '\' and ';' escaped by '\', so "" is the
// empty list and ";" the list of one empty string.
std::string encode_list(const std::vector<std::string>& items);
std::optional<std::vector<std::string>> decode_list(std::string_view text);

// A list of EventTime values, as encode_list of encode_time.
std::string encode_times(const std::vector<core::EventTime>& times);
std::optional<std::vector<core::EventTime>> decode_times(std::string_view text);

}  // namespace concerto::store::schema
