#pragma once
// The admin HTTP API under /api/admin/: what `concerto explain` and `concerto merges` do, as JSON
// over HTTP, behind a Bearer token. AgendaServer hands it every /api/admin path before its own
// method check; AdminApi answers each request completely (status, headers, body).
//
//   GET  /api/admin/merges/review          near-misses no decision settled yet
//   GET  /api/admin/explain?uid=UID        a merged event, its sources, links and near-misses
//   POST /api/admin/merges/confirm         {"uid": "…"}
//   POST /api/admin/merges/split           {"uid": "…", "source": {"feed", "uid", "recurrence"}?}
//   POST /api/admin/merges/join            {"uids": ["…", "…"]}
//
// Status codes: 404 everywhere when the token is empty (the API is off); 401 with
// WWW-Authenticate: Bearer for a missing or wrong token (checked before anything else, so an
// unauthenticated client learns nothing about routes); 404 for an unknown admin path or an
// unknown uid; 405 with Allow; 415 unless Content-Type is application/json (charset utf-8 if
// any) on POST; 413 for a body over kMaxAdminBody (refused on its Content-Length before reading,
// and reading stops past the limit; up to 1 MiB of an unread body is dropped so that the client
// sees the answer, beyond that the connection closes); 400 for invalid JSON, a missing, wrong-typed
// or unknown field or query parameter; 409 when the decision does not apply to the agenda as it
// is now ("nothing to split", "already one event", "has no source …"); 500 when the store
// fails. Every answer is JSON ({"error": "…"} on failure) with Cache-Control: no-store.
//
// Thread-safe: reads run concurrently; decisions are recorded one at a time.

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "dedup/match.h"
#include "server/json_api.h"
#include "store/store.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace concerto::server {

// Largest request body the admin API reads.
inline constexpr std::size_t kMaxAdminBody = 64 * 1024;

struct AdminOptions {
  std::string token;  // empty: the admin API is off
  std::map<std::string, int> feed_priority;
  dedup::MatchConfig match;
};

class AdminApi {
 public:
  // `store` must outlive the AdminApi.
  AdminApi(store::Store& store, AdminOptions options);
  AdminApi(const AdminApi&) = delete;
  AdminApi& operator=(const AdminApi&) = delete;

  // True for "/api/admin" and every path under "/api/admin/".
  static bool handles(std::string_view path);

  // Answers one request whose path handles() accepted; `query` is the text after '?'.
  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
              std::string_view path, std::string_view query);

  using Reply = JsonReply;

 private:
  Reply answer(Poco::Net::HTTPServerRequest& request, std::string_view path,
               std::string_view query);
  bool authorized(const Poco::Net::HTTPServerRequest& request) const;
  Reply review();
  Reply explain(std::string_view query);
  Reply decide(std::string_view action, const std::string& body);

  store::Store& store_;
  const AdminOptions options_;
  std::string token_hash_;  // core::token_hash of options_.token
  std::mutex decisions_;    // one decision at a time: each is computed from the agenda it sees
};

}  // namespace concerto::server
