#include "server/partner_sessions.h"

#include <algorithm>
#include <vector>

#include "core/token.h"

namespace concerto::server {

std::string PartnerSessions::open(const core::Partner& partner, const std::string& token_hash,
                                  std::int64_t now) {
  auto id = core::new_token();
  auto csrf = core::new_token();
  if (!id || !csrf) return {};
  const std::lock_guard lock(mutex_);
  expire(now);
  // A partner's own sessions make room for a new one first: signing in again and again never
  // signs anyone else out.
  std::vector<std::map<std::string, PartnerSession, std::less<>>::iterator> own;
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second.partner.id == partner.id) own.push_back(it);
  }
  while (own.size() >= kMaxSessionsPerPartner) {
    auto oldest = std::min_element(own.begin(), own.end(), [](const auto& a, const auto& b) {
      return a->second.last_seen < b->second.last_seen;
    });
    sessions_.erase(*oldest);
    own.erase(oldest);
  }
  while (sessions_.size() >= kMaxSessions) {
    auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.last_seen < b.second.last_seen; });
    sessions_.erase(oldest);
  }
  PartnerSession session;
  session.token_hash = token_hash;
  session.partner = partner;
  session.csrf = *csrf;
  session.created_at = session.last_seen = now;
  sessions_[core::token_hash(*id)] = std::move(session);
  return *id;
}

std::optional<PartnerSession> PartnerSessions::find(std::string_view id, std::int64_t now) {
  if (id.empty()) return std::nullopt;
  const std::lock_guard lock(mutex_);
  auto it = sessions_.find(core::token_hash(id));
  if (it == sessions_.end()) return std::nullopt;
  PartnerSession& session = it->second;
  if (now - session.last_seen > kSessionIdleSeconds ||
      now - session.created_at > kSessionLifetimeSeconds) {
    sessions_.erase(it);
    return std::nullopt;
  }
  session.last_seen = now;
  return session;
}

void PartnerSessions::update_partner(std::string_view id, const core::Partner& partner) {
  const std::lock_guard lock(mutex_);
  if (auto it = sessions_.find(core::token_hash(id)); it != sessions_.end()) {
    it->second.partner = partner;
  }
}

void PartnerSessions::add_notice(std::string_view id, Notice notice) {
  const std::lock_guard lock(mutex_);
  if (auto it = sessions_.find(core::token_hash(id)); it != sessions_.end()) {
    // A few at most: a page shows what the last actions did.
    if (it->second.notices.size() >= 5) it->second.notices.erase(it->second.notices.begin());
    it->second.notices.push_back(std::move(notice));
  }
}

std::vector<Notice> PartnerSessions::take_notices(std::string_view id) {
  const std::lock_guard lock(mutex_);
  std::vector<Notice> notices;
  if (auto it = sessions_.find(core::token_hash(id)); it != sessions_.end()) {
    notices.swap(it->second.notices);
  }
  return notices;
}

void PartnerSessions::close(std::string_view id) {
  const std::lock_guard lock(mutex_);
  sessions_.erase(core::token_hash(id));
}

std::size_t PartnerSessions::size() {
  const std::lock_guard lock(mutex_);
  return sessions_.size();
}

void PartnerSessions::expire(std::int64_t now) {
  std::erase_if(sessions_, [now](const auto& entry) {
    return now - entry.second.last_seen > kSessionIdleSeconds ||
           now - entry.second.created_at > kSessionLifetimeSeconds;
  });
}

}  // namespace concerto::server
