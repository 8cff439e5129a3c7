#pragma once
// The partner API: partners register, look after and remove their own feeds, as JSON over HTTP
// behind their Bearer token (see `concerto partners add`). Administrators (a partner created with
// --admin, or the [admin] token) act on every feed.
//
//   POST   /api/feeds                {url, name, format?, category?, timezone?} -> 201
//   GET    /api/feeds                one's own feeds (every registered feed for an admin)
//   GET    /api/feeds/<id>           the feed and its status
//   PATCH  /api/feeds/<id>           {url?, name?, format?, category?, timezone?}
//   DELETE /api/feeds/<id>           -> 204; its events go too
//   POST   /api/feeds/<id>/refresh   fetch it now (once a minute per feed) -> the check
//   GET    /api/feeds/<id>/status    last fetch, HTTP code, error, events, last success, next
//   POST   /api/feeds/<id>/approve   admin only: its events become public (moderation)
//
// A registration's URL goes through the fetch policy (http(s) only, no credentials, no internal
// address in any spelling, at most 2048 bytes; 422 otherwise), then a test fetch runs at once:
// the answer says how many events were found and lists the problems with their lines, or why the
// feed could not be read. A URL whose host turns out to be internal when connecting is refused
// (422) and not registered.
//
// Status codes: 400 invalid JSON, a wrong-typed, empty, unknown or invalid field; 401 without a
// token, with an unknown one or a disabled partner's; 403 another partner's feed; 404 unknown
// feed (feeds/*.ini feeds are not the API's); 403 also for a partner's 101st feed; 405 with Allow;
// 409 a URL already registered (compared with scheme and host in lower case, without the default
// port or a fragment); 413
// a body over 16 KiB; 415 not application/json; 422 a refused URL; 429 with Retry-After (a feed
// fetched through the API less than a minute ago, or another test fetch of the partner's still
// running). A new URL is read again at once and, under moderation, waits for approval again. Every
// answer is JSON ({"error": "…"} on failure) with Cache-Control: no-store. The token is never
// written anywhere: only its SHA-256 is compared, in constant time.

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
#include "server/json_api.h"
#include "store/registry.h"
#include "store/store.h"

namespace concerto::server {

inline constexpr std::size_t kMaxPartnerBody = 16 * 1024;
inline constexpr std::size_t kMaxFeedUrlBytes = 2048;
inline constexpr std::int64_t kRefreshIntervalSeconds = 60;  // manual refreshes of one feed
inline constexpr std::size_t kMaxFeedsPerPartner = 100;      // each costs fetches for good

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

class PartnerApi {
 public:
  // `store` and `registry` must outlive the PartnerApi.
  PartnerApi(store::Store& store, store::Registry* registry, PartnerApiOptions options);

  // "/api/feeds" and paths under it, except GET /api/feeds/status (the public status list).
  static bool handles(std::string_view path, std::string_view method);
  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
              std::string_view path, std::string_view query);

 private:
  struct Caller {
    core::Partner partner;  // for the [admin] token: id "admin", admin = true
  };
  JsonReply answer(Poco::Net::HTTPServerRequest& request, std::string_view path,
                   std::string_view query);
  std::optional<JsonReply> authenticate(const Poco::Net::HTTPServerRequest& request,
                                        Caller& caller);
  JsonReply list(const Caller& caller);
  JsonReply create(const Caller& caller, const std::string& body);
  JsonReply show(const core::RegisteredFeed& feed);
  JsonReply update(const Caller& caller, core::RegisteredFeed feed, const std::string& body);
  // The refusal of a URL (422, or 409 when another feed than `feed_id` has it), or nullopt.
  std::optional<JsonReply> check_url(const std::string& url, const std::string& feed_id);
  // Saves a changed feed; the error reply, or nullopt.
  std::optional<JsonReply> save(const core::RegisteredFeed& feed);
  struct Check {
    std::optional<JsonReply> refusal;  // 429: not run now
    FeedCheck result;
  };
  // Runs the test fetch unless the partner has one running, or (`once_a_minute`) the feed was
  // fetched through the API less than a minute ago. `unconditional`: without the stored
  // validators (no 304).
  Check run_check(const core::RegisteredFeed& feed, bool unconditional, bool once_a_minute);
  JsonReply remove(const core::RegisteredFeed& feed);
  JsonReply refresh(const core::RegisteredFeed& feed);
  JsonReply status(const core::RegisteredFeed& feed);
  JsonReply approve(const Caller& caller, const core::RegisteredFeed& feed);
  std::string feed_json(const core::RegisteredFeed& feed);

  store::Store& store_;
  store::Registry* registry_;  // null: the API answers 503
  const PartnerApiOptions options_;
  std::string admin_token_hash_;
  std::mutex writes_;  // registrations and changes one at a time (URL uniqueness, rate limits)
  std::map<std::string, std::int64_t> last_refresh_;  // feed id -> UTC seconds; under writes_
  std::set<std::string> checking_;  // partners with a test fetch running; under writes_
};

}  // namespace concerto::server
