#pragma once
// Reads concerto.ini, the feeds/*.ini files and --set overrides into Settings. Relative paths
// resolve against the folder of the file that names them.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/feed.h"
#include "core/limits.h"
#include "core/problem.h"
#include "core/result.h"
#include "dedup/match.h"
#include "notify/mailer.h"

namespace concerto::app {

struct Settings {
  std::string config_file;  // absolute; empty when running on defaults only
  // [server]
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  std::string base_url = "http://127.0.0.1:8080";
  int threads = 64;
  int keep_alive_seconds = 10;
  // [storage]
  std::string database;  // a file path (from "sqlite:PATH")
  // [feeds]
  std::string feeds_directory;
  std::int64_t default_refresh_seconds = 3600;
  std::int64_t min_refresh_seconds = 300;  // bounds for a feed's own refresh hints
  std::int64_t max_refresh_seconds = 86400;
  // [fetch]
  int concurrency = 8;
  int per_host = 4;
  int timeout_seconds = 30;
  int connect_timeout_seconds = 10;
  std::int64_t max_bytes = 10 * 1024 * 1024;
  std::vector<std::string> allow;  // CIDRs exempt from the private-address refusal
  // [site]
  std::string title = "Agenda de la participation citoyenne";
  std::string timezone = "Europe/Paris";
  std::string language = "fr";
  // Folder whose files replace the built-in templates of config/templates/ by name; empty: the
  // built-in ones.
  std::string templates_directory;
  // [limits]
  core::IngestLimits limits;
  // [dedup]
  double dedup_threshold = 0.75;
  double dedup_review_margin = 0.15;
  std::int64_t vanished_keep_seconds = 7 * 86400;  // an upcoming event a feed dropped: cancelled
  // [admin]
  std::string admin_token;  // Bearer token of the admin API; empty: the admin API is off
  // [partners]
  bool moderation = false;  // feeds partners register wait for `concerto feeds approve`
  // [mail]: feed health mail to each feed's contact; mail.host empty: off.
  notify::MailSettings mail;
  int mail_failures = 3;  // consecutive failures before the "failing" mail

  std::vector<core::FeedConfig> feeds;
  std::vector<std::string> feed_errors;       // feeds/*.ini files that were skipped, and why
  std::vector<std::string> skipped_feed_ids;  // their ids: their stored events are kept
};

// `overrides` are "section.key=value" strings from --set. Fails when the configuration itself
// is unusable (unreadable file, bad value of a known key); a bad feed file only skips that feed
// (listed in feed_errors).
// What deduplication needs from the settings: threshold, margin, the site's zone; and every
// feed's priority.
dedup::MatchConfig match_config(const Settings& settings);
std::map<std::string, int> feed_priorities(const Settings& settings);

core::Result<Settings> load_settings(const std::string& config_file,
                                     const std::vector<std::string>& overrides);

// "90", "90s", "30m", "1h", "1h30m", "2d", "1w" -> seconds; nullopt when malformed.
std::optional<std::int64_t> parse_duration(std::string_view text);

// The configuration file used when --config is not given: ./config/concerto.ini if present,
// else /etc/concerto/concerto.ini; empty when neither exists.
std::string default_config_file();

}  // namespace concerto::app
