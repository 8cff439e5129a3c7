#pragma once
// Signed-in partners of the /partners pages, kept in memory (a restart signs everyone out; the
// token signs them in again). The cookie carries a random session id; only its SHA-256 is kept.
// A session ends after 2 hours without a request or 12 hours in all, when its partner is
// disabled or its token rotated, or on sign-out. Each holds its CSRF token and the notices to show
// on the next page.

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/partner.h"
#include "render/partner_view.h"

namespace concerto::server {

inline constexpr std::int64_t kSessionIdleSeconds = 2 * 3600;
inline constexpr std::int64_t kSessionLifetimeSeconds = 12 * 3600;
inline constexpr std::size_t kMaxSessions = 10000;         // the oldest go first beyond
inline constexpr std::size_t kMaxSessionsPerPartner = 10;  // the partner's oldest goes first

using Notice = render::PartnerNotice;

struct PartnerSession {
  std::string token_hash;  // of the token that signed in: a rotated token ends the session
  core::Partner partner;
  std::string csrf;  // every form of the session carries it
  std::int64_t created_at = 0;
  std::int64_t last_seen = 0;
  std::vector<Notice> notices;
};

class PartnerSessions {
 public:
  // A new session for `partner`, signed in with the token of this hash: its id, for the cookie
  // (empty without random bytes).
  std::string open(const core::Partner& partner, const std::string& token_hash, std::int64_t now);
  // The live session of this id (its last_seen moves to `now`), or nullopt.
  std::optional<PartnerSession> find(std::string_view id, std::int64_t now);
  // Replaces the session's partner (a renamed account), when the session is still there.
  void update_partner(std::string_view id, const core::Partner& partner);
  void add_notice(std::string_view id, Notice notice);
  std::vector<Notice> take_notices(std::string_view id);
  void close(std::string_view id);
  std::size_t size();

 private:
  void expire(std::int64_t now);  // under mutex_

  std::mutex mutex_;
  std::map<std::string, PartnerSession, std::less<>> sessions_;  // by hash of the id
};

}  // namespace concerto::server
