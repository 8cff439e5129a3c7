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

NotifyReport Notifier::handle(const FeedHealth& health, bool& unreachable) {
  NotifyReport report;
  report.feed_id = health.feed_id;
  if (health.contact_email.empty()) return report;
  const std::lock_guard lock(mutex_);
  auto state = registry_.alert_state(health.feed_id);
  if (!state) {
    report.error = state.error();
    log_ << "concerto: mail about feed " << health.feed_id << ": " << report.error << std::endl;
    return report;
  }
  const AlertDecision decision = decide(health, *state, rules_);
  report.kind = decision.kind();
  if (decision.findings.empty()) return report;
  if (decision.held) {
    report.held = true;
    log_ << "concerto: mail about feed " << health.feed_id << " (" << report.kind
         << ") held back: one went out less than a day ago (" << state->last_kind << ")"
         << std::endl;
    return report;
  }
  if (unreachable) {
    report.error = "postponed: the mail server could not be reached";
    log_ << "concerto: mail about feed " << health.feed_id << " (" << report.kind
         << ") postponed: the mail server could not be reached" << std::endl;
    return report;
  }
  const Mail mail = compose(health, decision, site_);
  if (auto sent = send_mail(mail_, mail); !sent) {
    report.error = sent.error();
    unreachable = is_unreachable(sent.error());
    log_ << "concerto: mail about feed " << health.feed_id << " (" << report.kind << ") to "
         << mail.to << " not sent: " << report.error << std::endl;
    return report;
  }
  report.sent = true;
  const std::int64_t sent_at = core::unix_now();
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
