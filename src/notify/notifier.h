#pragma once
// After each refresh: decides (feed_alerts.h) whether a feed's contact gets mail, claims the
// feed's one-a-day slot in the registry (so that two processes never both send it), sends it
// (mailer.h) and records it; news not sent stays pending in the registry for the next mail.
// Thread-safe: one feed's mail at a time. Logs what
// it sent, held back or failed to send on `log` (stderr by default); never throws.

#include <iosfwd>
#include <mutex>
#include <string>
#include <vector>

#include "notify/feed_alerts.h"
#include "notify/mailer.h"
#include "store/registry.h"

namespace concerto::notify {

struct NotifyReport {
  std::string feed_id;
  std::string kind;  // the findings, as AlertDecision::kind(); empty: nothing to say
  bool sent = false;
  bool held = false;  // the one-a-day limit holds it back
  std::string error;  // why sending (or recording) failed
};

class Notifier {
 public:
  // `registry` must outlive the Notifier.
  Notifier(MailSettings mail, AlertRules rules, SiteText site, store::Registry& registry,
           std::ostream* log = nullptr);

  NotifyReport after_refresh(const FeedHealth& health);
  // In order; once the mail server cannot be reached, the rest wait for their next refresh
  // (so a dead server costs one timeout per round, not one per feed).
  std::vector<NotifyReport> after_refreshes(const std::vector<FeedHealth>& healths);

 private:
  NotifyReport handle(const FeedHealth& health, bool& unreachable);
  void keep_pending(const FeedHealth& health, const store::AlertState& state,
                    const AlertDecision& decision);

  const MailSettings mail_;
  const AlertRules rules_;
  const SiteText site_;
  store::Registry& registry_;
  std::ostream& log_;
  std::mutex mutex_;
};

}  // namespace concerto::notify
