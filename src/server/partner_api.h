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
//   GET    /api/feeds/<id>/status    last fetch, HTTP code, error, events, last success, next,
//                                    the last good read's problems by line
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
#include <optional>
#include <string>
#include <string_view>

#include "core/partner.h"
#include "server/json_api.h"
#include "server/partner_feeds.h"

namespace concerto::server {

inline constexpr std::size_t kMaxPartnerBody = 16 * 1024;

class PartnerApi {
 public:
  // `feeds` must outlive the PartnerApi (the /partners pages share it).
  explicit PartnerApi(PartnerFeeds& feeds) : feeds_(feeds) {}

  // "/api/feeds" and paths under it, except GET /api/feeds/status (the public status list).
  static bool handles(std::string_view path, std::string_view method);
  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
              std::string_view path, std::string_view query);

 private:
  JsonReply answer(Poco::Net::HTTPServerRequest& request, std::string_view path,
                   std::string_view query);
  std::optional<JsonReply> authenticate(const Poco::Net::HTTPServerRequest& request,
                                        core::Partner& caller);
  JsonReply list(const core::Partner& caller);
  JsonReply show(const core::RegisteredFeed& feed);
  JsonReply status(const core::RegisteredFeed& feed);

  PartnerFeeds& feeds_;
};

}  // namespace concerto::server
