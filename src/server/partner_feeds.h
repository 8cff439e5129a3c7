#pragma once
// What a partner may do with the feeds they registered, whichever face they use: the JSON API
// (partner_api.h) or the /partners pages (partner_pages.h). Both share one PartnerFeeds, so the
// URL policy, duplicate checks, limits and rate limits are the same everywhere.
//
// Every operation answers an Outcome carrying the HTTP status it maps to: 400 a wrong field, 401
// an unknown token or a disabled partner, 403 another partner's feed (or the 101st), 404, 409 a
// URL already registered, 422 a refused URL, 429 a refresh too soon (retry_after), 5xx the
// registry failing.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/feed.h"
#include "core/partner.h"
#include "core/result.h"
#include "store/registry.h"
#include "store/store.h"

namespace concerto::server {

inline constexpr std::size_t kMaxFeedUrlBytes = 2048;
inline constexpr std::int64_t kRefreshIntervalSeconds = 60;  // manual refreshes of one feed
inline constexpr std::size_t kMaxFeedsPerPartner = 100;      // each costs fetches for good
inline constexpr const char* kConfigAdminId = "admin";       // the caller holding [admin] token

// What a test fetch found (the app runs the real fetch, parse and store).
struct FeedCheck {
  bool ok = false;
  bool refused = false;  // the address policy refused the connection: not registered
  int events = 0;
  int http_code = 0;
  std::string error;
  struct Problem {
    int line = 0;
    std::string message;
  };
  std::vector<Problem> problems;
};

struct PartnerApiOptions {
  std::string admin_token;  // [admin] token; empty: only partners' own tokens
  bool moderation = false;  // new feeds wait for approval
  std::int64_t default_refresh_seconds = 3600;
  // Returns why a URL may not be registered, or nullopt (fetch::url_refusal with the policy).
  std::function<std::optional<std::string>(std::string_view url)> url_refusal;
  // Fetches, reads and stores one feed now.
  std::function<FeedCheck(const core::FeedConfig& feed)> check_feed;
  // Feeds of feeds/*.ini: their URLs count as registered (409).
  std::vector<core::FeedConfig> local_feeds;
};

// The fields of a registration or a change; absent ones stay nullopt.
struct FeedFields {
  std::optional<std::string> url, name, format, category, timezone;
  std::optional<std::string> partner;  // administrators registering for a partner
};

// Trims and checks the fields (a registration needs url and name); the error names the field.
core::Status clean_fields(FeedFields& fields, bool creating, bool admin);

// The URL as compared for duplicates: scheme and host in lower case, the scheme's default port
// and any fragment left out ("HTTP://Example.org:80/a#b" -> "http://example.org/a").
std::string normalized_url(std::string url);

struct FeedOutcome {
  int status = 200;  // the HTTP status this maps to
  std::string error;
  std::int64_t retry_after = 0;  // seconds, with 429
  std::optional<core::RegisteredFeed> feed;
  std::optional<FeedCheck> check;  // when a fetch ran
  bool ok() const { return status < 400; }
};

class PartnerFeeds {
 public:
  // `store` and `registry` must outlive this; a null registry makes every call a 503.
  PartnerFeeds(store::Store& store, store::Registry* registry, PartnerApiOptions options);

  bool enabled() const { return registry_ != nullptr; }
  const PartnerApiOptions& options() const { return options_; }

  // The holder of `token`: a partner, or for the [admin] token the administrator (id "admin").
  // 401 for an unknown token or a disabled partner.
  FeedOutcome authenticate(std::string_view token, core::Partner& caller);
  // The same from the token's hash (core::token_hash), for sessions: a token rotated or a
  // partner disabled since signing in is refused (401).
  FeedOutcome authenticate_hash(const std::string& token_hash, core::Partner& caller);

  // The caller's feeds (every registered feed for an administrator), by id.
  core::Result<std::vector<core::RegisteredFeed>> feeds_of(const core::Partner& caller);
  // The feed, if the caller may act on it (404, 403).
  FeedOutcome find(const core::Partner& caller, std::string_view feed_id);

  // Registers after the URL policy and a test fetch (201).
  FeedOutcome create(const core::Partner& caller, FeedFields fields);
  // Changes a feed; what changes its reading is fetched again before anything is saved.
  FeedOutcome update(const core::Partner& caller, core::RegisteredFeed feed, FeedFields fields);
  FeedOutcome remove(const core::RegisteredFeed& feed);  // 204
  // Fetches the feed now, once a minute at most.
  FeedOutcome refresh(const core::RegisteredFeed& feed);
  FeedOutcome approve(const core::Partner& caller, const core::RegisteredFeed& feed);
  // The stored status (all zero when never fetched).
  core::Result<core::FeedStatus> status(const core::RegisteredFeed& feed);
  // The feed's next `limit` occurrences from `from_utc`, public or not.
  core::Result<std::vector<store::PreviewOccurrence>> preview(const core::RegisteredFeed& feed,
                                                              std::int64_t from_utc, int limit) {
    return store_.feed_preview(feed.config.id, from_utc, limit);
  }
  // The problems of the feed's last good read, by line.
  core::Result<core::Problems> problems(const core::RegisteredFeed& feed) {
    return store_.problems(feed.config.id);
  }
  // Seconds before refresh() of this feed is allowed again (0: now).
  std::int64_t refresh_wait(const std::string& feed_id);

 private:
  // The refusal of a URL (422, or 409 when another feed than `feed_id` has it), or nullopt.
  std::optional<FeedOutcome> check_url(const std::string& url, const std::string& feed_id);
  // Runs the test fetch unless the partner has one running, or (`once_a_minute`) the feed was
  // fetched here less than a minute ago (429). `unconditional`: without the stored validators.
  FeedOutcome run_check(const core::RegisteredFeed& feed, bool unconditional, bool once_a_minute);
  FeedOutcome save(const core::RegisteredFeed& feed);

  store::Store& store_;
  store::Registry* registry_;
  const PartnerApiOptions options_;
  std::string admin_token_hash_;
  std::mutex writes_;  // registrations and changes one at a time (URL uniqueness, rate limits)
  std::map<std::string, std::int64_t> last_refresh_;  // feed id -> UTC seconds; under writes_
  std::set<std::string> checking_;  // partners with a test fetch running; under writes_
};

}  // namespace concerto::server
