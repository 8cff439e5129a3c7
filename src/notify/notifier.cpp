#include "notify/notifier.h"

#include <iostream>
#include <utility>

#include "core/civil_time.h"

namespace concerto::notify {

Notifier::Notifier(MailSettings mail, AlertRules rules, SiteText site, store::Registry& registry,
                   std::ostream* log)
    : mail_(std::move(mail)),
      rules_(rules),
      site_(std::move(site)),
      registry_(registry),
      log_(log != nullptr ? *log : std::cerr) {}

NotifyReport Notifier::after_refresh(const FeedHealth& health) {
  bool unreachable = false;
  return handle(health, unreachable);
}

std::vector<NotifyReport> Notifier::after_refreshes(const std::vector<FeedHealth>& healths) {
  std::vector<NotifyReport> reports;
  bool unreachable = false;
  for (const FeedHealth& health : healths) reports.push_back(handle(health, unreachable));
  return reports;
}

// Keeps the drops and UID changes of a mail that did not go out for the next one (a failure
// is only logged: at worst they are not told).
void Notifier::keep_pending(const FeedHealth& health, const store::AlertState& state,
                            const AlertDecision& decision) {
  const store::AlertState next = state_after_holding(state, decision);
  if (next.pending == state.pending) return;
  if (auto saved = registry_.save_pending_findings(health.feed_id, next.pending); !saved.ok()) {
    log_ << "concerto: mail about feed " << health.feed_id << ": " << saved.message << std::endl;
  }
}

NotifyReport Notifier::handle(const FeedHealth& health, bool& unreachable) {
  NotifyReport report;
  report.feed_id = health.feed_id;
  if (health.contact_email.empty()) return report;
  // Serialises this process's refreshes; claim_alert_slot serialises processes.
  const std::lock_guard lock(mutex_);
  auto state = registry_.alert_state(health.feed_id);
  if (!state) {
    report.error = state.error();
    log_ << "concerto: mail about feed " << health.feed_id << ": " << report.error << std::endl;
    return report;
  }
  const AlertDecision decision = decide(health, *state, rules_);
  report.kind = decision.kind();
  if (decision.findings.empty()) {
    keep_pending(health, *state, decision);  // forgets what went stale
    return report;
  }
  if (decision.held) {
    report.held = true;
    keep_pending(health, *state, decision);
    log_ << "concerto: mail about feed " << health.feed_id << " (" << report.kind
         << ") held back: one went out less than a day ago (" << state->last_kind << ")"
         << std::endl;
    return report;
  }
  if (unreachable) {
    report.error = "postponed: the mail server could not be reached";
    keep_pending(health, *state, decision);
    log_ << "concerto: mail about feed " << health.feed_id << " (" << report.kind
         << ") postponed: the mail server could not be reached" << std::endl;
    return report;
  }
  // The slot first, in the database: of two processes (`concerto fetch` from cron beside
  // `concerto serve`) deciding the same mail, one sends it; and once the SMTP server took the
  // mail, the limit holds even if recording it fails.
  const std::int64_t sent_at = core::unix_now();
  auto claimed = registry_.claim_alert_slot(health.feed_id, state->last_sent_at, sent_at);
  if (!claimed) {
    report.error = claimed.error();
    keep_pending(health, *state, decision);
    log_ << "concerto: mail about feed " << health.feed_id << " (" << report.kind
         << ") not sent: " << report.error << std::endl;
    return report;
  }
  if (!*claimed) {
    report.held = true;
    keep_pending(health, *state, decision);
    log_ << "concerto: mail about feed " << health.feed_id << " (" << report.kind
         << ") held back: another refresh mailed about it just now" << std::endl;
    return report;
  }
  const Mail mail = compose(health, decision, site_);
  if (auto sent = send_mail(mail_, mail); !sent) {
    report.error = sent.error();
    unreachable = is_unreachable(sent.error());
    // The slot goes back (best effort), so the news goes out at a later refresh.
    if (auto released = registry_.claim_alert_slot(health.feed_id, sent_at, state->last_sent_at);
        !released || !*released) {
      report.error += released ? "; the mail slot was taken meanwhile"
                               : "; the mail slot was not given back: " + released.error();
    }
    keep_pending(health, *state, decision);
    log_ << "concerto: mail about feed " << health.feed_id << " (" << report.kind << ") to "
         << mail.to << " not sent: " << report.error << std::endl;
    return report;
  }
  report.sent = true;
  const store::SentMail logged{health.feed_id, report.kind, mail.to, sent_at, mail.subject};
  if (auto recorded =
          registry_.record_sent_mail(logged, state_after_sending(*state, decision, sent_at));
      !recorded.ok()) {
    report.error = "sent, but not recorded: " + recorded.message;
  }
  log_ << "concerto: mail about feed " << health.feed_id << " (" << report.kind << ") sent to "
       << mail.to << (report.error.empty() ? "" : "; " + report.error) << std::endl;
  return report;
}

}  // namespace concerto::notify
