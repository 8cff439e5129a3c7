#pragma once
// Partners and the feeds they registered, in the store's database (open the Store first: it
// migrates the schema). Thread-safe: calls are serialized internally.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/partner.h"
#include "core/result.h"

namespace concerto::store {

// Why a write was refused, for callers that answer differently (409 for a duplicate URL).
enum class RegistryError { kNone, kDuplicateUrl, kNotFound, kOther };

struct RegistryStatus {
  RegistryError error = RegistryError::kNone;
  std::string message;
  bool ok() const { return error == RegistryError::kNone; }
};

// A drop or UID change a refresh found that the contact was not told yet (the one-a-day limit
// held its mail back, or the mail could not go out): the next mail about the feed tells it. The
// figures are those of the refresh that found it.
struct PendingFinding {
  std::string kind;  // "events-dropped" or "uids-changed"
  int upcoming_before = 0;
  int upcoming_kept = 0;
  int upcoming_after = 0;
  std::int64_t seen_at = 0;  // UTC seconds of that refresh
  bool operator==(const PendingFinding&) const = default;
};

// What a feed's contact was last told about the feed's health (notify/feed_alerts.h decides).
struct AlertState {
  bool told_failing = false;      // told that it fails, and not yet that it recovered
  std::int64_t last_sent_at = 0;  // UTC seconds of the last mail about the feed; 0: never
  std::string last_kind;          // what that mail said, e.g. "failing" or "recovered,dropped"
  std::vector<PendingFinding> pending = {};  // at most one of each kind
};

// One mail that went out, as the administrators' log keeps it.
struct SentMail {
  std::string feed_id;
  std::string kind;
  std::string recipient;
  std::int64_t sent_at = 0;
  std::string subject;
};

class Registry {
 public:
  static core::Result<std::unique_ptr<Registry>> open(const std::string& path);
  virtual ~Registry() = default;

  // `token_hash` is core::token_hash of the token shown once to the partner.
  virtual RegistryStatus add_partner(const core::Partner& partner,
                                     const std::string& token_hash) = 0;
  virtual core::Result<std::vector<core::Partner>> partners() = 0;  // by name
  virtual core::Result<std::optional<core::Partner>> partner(const std::string& partner_id) = 0;
  // The partner holding this token hash (disabled ones too: the caller refuses them).
  virtual core::Result<std::optional<core::Partner>> partner_by_token(
      const std::string& token_hash) = 0;
  virtual RegistryStatus set_token(const std::string& partner_id,
                                   const std::string& token_hash) = 0;
  virtual RegistryStatus set_disabled(const std::string& partner_id, bool disabled) = 0;

  virtual RegistryStatus add_feed(const core::RegisteredFeed& feed) = 0;
  virtual core::Result<std::vector<core::RegisteredFeed>> feeds() = 0;  // by id
  virtual core::Result<std::optional<core::RegisteredFeed>> feed(const std::string& feed_id) = 0;
  // Replaces name, url, format, category, timezone and refresh of feed.config.id; approved =
  // false withdraws the approval (a new URL under moderation), true leaves it as it is: only
  // approve_feed approves.
  virtual RegistryStatus update_feed(const core::RegisteredFeed& feed) = 0;
  // The feed goes with its stored events, occurrences and status; its id stays behind as a
  // tombstone that keeps whatever a refresh still running writes out of the agenda.
  virtual RegistryStatus delete_feed(const std::string& feed_id) = 0;
  // Its events become public.
  virtual RegistryStatus approve_feed(const std::string& feed_id) = 0;

  // Feed health mail. A feed never mailed about has the default state.
  virtual core::Result<AlertState> alert_state(const std::string& feed_id) = 0;
  virtual RegistryStatus save_alert_state(const std::string& feed_id, const AlertState& state) = 0;
  // Only the pending findings of the feed's state (the rest stays as it is).
  virtual RegistryStatus save_pending_findings(const std::string& feed_id,
                                               const std::vector<PendingFinding>& pending) = 0;
  // The one-a-day slot, taken atomically across processes before a mail is sent: sets
  // last_sent_at to `now` if it is still `expected_last_sent_at` (what the caller read), and
  // says whether it did; false: another refresh (maybe of another process) mailed meanwhile.
  // Also gives the slot back after a failed send: claim_alert_slot(id, now, expected).
  virtual core::Result<bool> claim_alert_slot(const std::string& feed_id,
                                              std::int64_t expected_last_sent_at,
                                              std::int64_t now) = 0;
  // Logs a mail that went out and saves the feed's new state, in one transaction.
  virtual RegistryStatus record_sent_mail(const SentMail& mail, const AlertState& state) = 0;
  // The log, newest first: one feed's mails, or every feed's when feed_id is empty.
  virtual core::Result<std::vector<SentMail>> sent_mails(const std::string& feed_id) = 0;
};

}  // namespace concerto::store
