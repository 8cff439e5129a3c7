#pragma once
// When a feed's contact gets mail about the feed's health, and what it says. Pure functions:
// the caller gives the refresh's figures and the stored state, sends the mail, saves the state.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "notify/mailer.h"
#include "store/registry.h"

namespace concerto::notify {

enum class FetchResult { kOk, kNotModified, kFailed };

// One feed after one refresh.
struct FeedHealth {
  std::string feed_id;
  std::string name;
  std::string url;
  std::string contact_email;  // empty: the feed's contact is never mailed
  bool registered = false;    // by a partner, who manages it on <base_url>/partners
  FetchResult result = FetchResult::kOk;
  int consecutive_failures = 0;  // after this refresh
  std::string error;             // of a failed refresh
  int http_code = 0;             // 0: no HTTP answer (network error, local file)
  int events_before = 0;         // stored before this refresh
  int events_after = 0;          // stored after it (a failed refresh keeps the previous ones)
  // For a kOk snapshot: the feed's upcoming UIDs stored before it, how many of those the new
  // snapshot still has, and its upcoming UIDs after. compared = false: not measured.
  bool compared = false;
  int upcoming_before = 0;
  int upcoming_kept = 0;
  int upcoming_after = 0;
  std::int64_t checked_at = 0;    // UTC seconds of this refresh
  std::int64_t last_success = 0;  // UTC seconds of the last refresh that worked; 0: never
};

struct AlertRules {
  int failures = 3;                           // consecutive failures before "failing"
  std::int64_t min_interval_seconds = 86400;  // at most one mail per feed in this time
  int min_upcoming = 5;  // churn and drops are judged on feeds with this many upcoming events
  // A drop or UID change not told yet (held back, or its mail not sent) is told by the next mail
  // this long after it was found; past that it is old news and forgotten.
  std::int64_t pending_keep_seconds = 7 * 86400;
};

// What the mail's text needs to know about the site.
struct SiteText {
  std::string title = "Concerto";
  std::string base_url;                            // without a trailing '/'
  std::string language = "fr";                     // fr | en
  std::string timezone = "UTC";                    // dates in the text are given in this zone
  std::int64_t vanished_keep_seconds = 7 * 86400;  // how long dropped events show as cancelled
};

enum class Finding {
  kFailing,        // failed `failures` times in a row, and the contact was not told yet
  kRecovered,      // works again after the contact was told it was failing
  kEventsDropped,  // fewer than half the upcoming events are left
  kUidsChanged,    // most upcoming events are there under new UIDs
};
std::string_view to_string(Finding finding);

struct AlertDecision {
  std::vector<Finding> findings;  // the news for the contact, most important first
  bool held = false;              // a mail about the feed went out less than min_interval ago
  // The figures of each kEventsDropped and kUidsChanged of `findings` (found by this refresh or
  // pending from an earlier one); what the state keeps as pending while they are not sent.
  std::vector<store::PendingFinding> churn = {};
  bool should_send() const { return !findings.empty() && !held; }
  std::string kind() const;  // the findings joined by ',': "recovered,events-dropped"
};

// Nothing when the feed has no contact address. Merges the state's pending findings (still
// fresh) with this refresh's: the next mail says them all.
AlertDecision decide(const FeedHealth& health, const store::AlertState& state,
                     const AlertRules& rules);

// The state once the mail for `decision` went out at `sent_at`: nothing is pending any more.
store::AlertState state_after_sending(const store::AlertState& state, const AlertDecision& decision,
                                      std::int64_t sent_at);
// The state when the mail for `decision` did not go out (held back, not sent): its drops and UID
// changes stay pending for the next one.
store::AlertState state_after_holding(const store::AlertState& state,
                                      const AlertDecision& decision);

// One mail about every finding of `decision` (which has at least one), in site.language.
Mail compose(const FeedHealth& health, const AlertDecision& decision, const SiteText& site);

}  // namespace concerto::notify
