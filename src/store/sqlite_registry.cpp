#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include <mutex>
#include <sstream>
#include <utility>

#include "core/civil_time.h"
#include "store/registry.h"
#include "store/sqlite_session.h"

namespace concerto::store {
namespace {

using core::Error;
using Poco::Data::Session;
using Poco::Data::Statement;
using namespace Poco::Data::Keywords;  // NOLINT(google-build-using-namespace): into/use/now
using detail::bump_generation;
using detail::Transaction;

RegistryStatus refused(RegistryError error, std::string message) {
  return RegistryStatus{error, std::move(message)};
}

constexpr const char* kPartnerColumns =
    "SELECT partner_id, name, email, is_admin, disabled, created_at FROM partners ";
// With the partner's name, which is the feed's `partner` label, and its address for feed
// health mail (none while the partner is disabled).
constexpr const char* kFeedColumns =
    "SELECT f.feed_id, f.partner_id, f.url, f.name, f.format, f.category, f.timezone, "
    "f.refresh_seconds, f.approved, f.created_at, f.updated_at, p.name, "
    "CASE WHEN p.disabled = 0 THEN p.email ELSE '' END FROM registered_feeds f "
    "JOIN partners p ON p.partner_id = f.partner_id ";

// feed_alerts.pending: "<kind> <before> <kept> <after> <seen_at>;" for each finding.
std::string encode_pending(const std::vector<PendingFinding>& pending) {
  std::string text;
  for (const PendingFinding& f : pending) {
    text += f.kind + ' ' + std::to_string(f.upcoming_before) + ' ' +
            std::to_string(f.upcoming_kept) + ' ' + std::to_string(f.upcoming_after) + ' ' +
            std::to_string(f.seen_at) + ';';
  }
  return text;
}

// What cannot be read is left out: at worst a finding is not told.
std::vector<PendingFinding> decode_pending(const std::string& text) {
  std::vector<PendingFinding> pending;
  std::istringstream items(text);
  std::string item;
  while (std::getline(items, item, ';')) {
    std::istringstream fields(item);
    PendingFinding f;
    if (fields >> f.kind >> f.upcoming_before >> f.upcoming_kept >> f.upcoming_after >> f.seen_at) {
      pending.push_back(std::move(f));
    }
  }
  return pending;
}

std::vector<core::Partner> read_partners(Session& session, const std::string& where,
                                         const std::string& value) {
  std::vector<std::string> ids, names, emails;
  std::vector<int> admins, disableds;
  std::vector<std::int64_t> created;
  Statement select(session);
  select << kPartnerColumns + where, into(ids), into(names), into(emails), into(admins),
      into(disableds), into(created);
  if (where.find('?') != std::string::npos) select, bind(value);
  select.execute();
  std::vector<core::Partner> partners(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    partners[i] = core::Partner{std::move(ids[i]), std::move(names[i]), std::move(emails[i]),
                                admins[i] != 0,    disableds[i] != 0,   created[i]};
  }
  return partners;
}

std::vector<core::RegisteredFeed> read_feeds(Session& session, const std::string& where,
                                             const std::string& value) {
  std::vector<std::string> ids, partners, urls, names, formats, categories, zones, owners, emails;
  std::vector<std::int64_t> refreshes, created, updated;
  std::vector<int> approved;
  Statement select(session);
  select << kFeedColumns + where, into(ids), into(partners), into(urls), into(names), into(formats),
      into(categories), into(zones), into(refreshes), into(approved), into(created), into(updated),
      into(owners), into(emails);
  if (where.find('?') != std::string::npos) select, bind(value);
  select.execute();
  std::vector<core::RegisteredFeed> feeds(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    core::RegisteredFeed& feed = feeds[i];
    feed.config.id = std::move(ids[i]);
    feed.config.url = std::move(urls[i]);
    feed.config.name = std::move(names[i]);
    feed.config.format = std::move(formats[i]);
    feed.config.category = std::move(categories[i]);
    feed.config.timezone = std::move(zones[i]);
    feed.config.refresh_seconds = refreshes[i];
    feed.config.partner = std::move(owners[i]);
    feed.config.contact_email = std::move(emails[i]);
    feed.config.registered = true;
    feed.partner_id = std::move(partners[i]);
    feed.approved = approved[i] != 0;
    feed.created_at = created[i];
    feed.updated_at = updated[i];
  }
  return feeds;
}

class SqliteRegistry final : public Registry {
 public:
  SqliteRegistry(std::string path, Session session)
      : path_(std::move(path)), session_(std::move(session)) {}

  RegistryStatus add_partner(const core::Partner& partner, const std::string& hash) override {
    return write("adding a partner", [&]() -> RegistryStatus {
      int admin = partner.admin ? 1 : 0;
      int disabled = partner.disabled ? 1 : 0;
      std::int64_t created = partner.created_at;
      session_ << "INSERT INTO partners (partner_id, name, email, token_hash, is_admin, "
                  "disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          bind(partner.id), bind(partner.name), bind(partner.email), bind(hash), bind(admin),
          bind(disabled), bind(created), now;
      return {};
    });
  }

  core::Result<std::vector<core::Partner>> partners() override {
    return read<std::vector<core::Partner>>("reading partners", [&] {
      return read_partners(session_, "ORDER BY name, partner_id", "");
    });
  }

  core::Result<std::optional<core::Partner>> partner(const std::string& partner_id) override {
    return read<std::optional<core::Partner>>("reading a partner", [&] {
      return first(read_partners(session_, "WHERE partner_id = ?", partner_id));
    });
  }

  core::Result<std::optional<core::Partner>> partner_by_token(const std::string& hash) override {
    return read<std::optional<core::Partner>>("reading a partner", [&] {
      return first(read_partners(session_, "WHERE token_hash = ?", hash));
    });
  }

  RegistryStatus set_token(const std::string& partner_id, const std::string& hash) override {
    return write("rotating a token", [&]() -> RegistryStatus {
      Statement update(session_);
      update << "UPDATE partners SET token_hash = ? WHERE partner_id = ?", bind(hash),
          bind(partner_id);
      if (update.execute() == 0)
        return refused(RegistryError::kNotFound, "no partner " + partner_id);
      bump_generation(session_);  // a disabled partner's feeds leave the agenda, and come back
      return {};
    });
  }

  RegistryStatus set_disabled(const std::string& partner_id, bool disabled) override {
    return write("disabling a partner", [&]() -> RegistryStatus {
      int value = disabled ? 1 : 0;
      Statement update(session_);
      update << "UPDATE partners SET disabled = ? WHERE partner_id = ?", bind(value),
          bind(partner_id);
      if (update.execute() == 0)
        return refused(RegistryError::kNotFound, "no partner " + partner_id);
      bump_generation(session_);  // a disabled partner's feeds leave the agenda, and come back
      return {};
    });
  }

  RegistryStatus add_feed(const core::RegisteredFeed& feed) override {
    return write("registering a feed", [&]() -> RegistryStatus {
      if (auto taken = url_taken(feed.config.url, feed.config.id); !taken.ok()) return taken;
      int approved = feed.approved ? 1 : 0;
      std::int64_t refresh = feed.config.refresh_seconds;
      std::int64_t created = feed.created_at;
      std::int64_t updated = feed.updated_at;
      session_ << "INSERT INTO registered_feeds (feed_id, partner_id, url, name, format, "
                  "category, timezone, refresh_seconds, approved, created_at, updated_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          bind(feed.config.id), bind(feed.partner_id), bind(feed.config.url),
          bind(feed.config.name), bind(feed.config.format), bind(feed.config.category),
          bind(feed.config.timezone), bind(refresh), bind(approved), bind(created), bind(updated),
          now;
      return {};
    });
  }

  core::Result<std::vector<core::RegisteredFeed>> feeds() override {
    return read<std::vector<core::RegisteredFeed>>("reading registered feeds", [&] {
      return read_feeds(session_, "WHERE f.deleted = 0 ORDER BY f.feed_id", "");
    });
  }

  core::Result<std::optional<core::RegisteredFeed>> feed(const std::string& feed_id) override {
    return read<std::optional<core::RegisteredFeed>>("reading a registered feed", [&] {
      return first(read_feeds(session_, "WHERE f.deleted = 0 AND f.feed_id = ?", feed_id));
    });
  }

  RegistryStatus update_feed(const core::RegisteredFeed& feed) override {
    return write("updating a feed", [&]() -> RegistryStatus {
      if (auto taken = url_taken(feed.config.url, feed.config.id); !taken.ok()) return taken;
      std::int64_t refresh = feed.config.refresh_seconds;
      std::int64_t updated = feed.updated_at;
      Statement update(session_);
      int approved = feed.approved ? 1 : 0;
      update << "UPDATE registered_feeds SET url = ?, name = ?, format = ?, category = ?, "
                "timezone = ?, refresh_seconds = ?, updated_at = ?, "
                "approved = CASE WHEN ? = 0 THEN 0 ELSE approved END "
                "WHERE feed_id = ? AND deleted = 0",
          bind(feed.config.url), bind(feed.config.name), bind(feed.config.format),
          bind(feed.config.category), bind(feed.config.timezone), bind(refresh), bind(updated),
          bind(approved), bind(feed.config.id);
      if (update.execute() == 0) {
        return refused(RegistryError::kNotFound, "no feed " + feed.config.id);
      }
      bump_generation(session_);  // names and approval show in the agenda
      return {};
    });
  }

  RegistryStatus delete_feed(const std::string& feed_id) override {
    return write("deleting a feed", [&]() -> RegistryStatus {
      Statement remove(session_);
      std::int64_t now_utc = core::unix_now();
      remove << "UPDATE registered_feeds SET deleted = 1, updated_at = ? WHERE feed_id = ? "
                "AND deleted = 0",
          bind(now_utc), bind(feed_id);
      if (remove.execute() == 0) return refused(RegistryError::kNotFound, "no feed " + feed_id);
      session_ << "DELETE FROM occurrences WHERE feed_id = ?", bind(feed_id), now;
      session_ << "DELETE FROM events WHERE feed_id = ?", bind(feed_id), now;
      session_ << "DELETE FROM feeds WHERE feed_id = ?", bind(feed_id), now;
      session_ << "DELETE FROM feed_alerts WHERE feed_id = ?", bind(feed_id), now;
      session_ << "DELETE FROM feed_problems WHERE feed_id = ?", bind(feed_id), now;
      // A tombstone only has to outlast a refresh that was running (minutes): a day is plenty.
      std::int64_t expired = now_utc - 86400;
      session_ << "DELETE FROM registered_feeds WHERE deleted = 1 AND updated_at < ?",
          bind(expired), now;
      bump_generation(session_);
      return {};
    });
  }

  RegistryStatus approve_feed(const std::string& feed_id) override {
    return write("approving a feed", [&]() -> RegistryStatus {
      Statement update(session_);
      update << "UPDATE registered_feeds SET approved = 1 WHERE feed_id = ? AND deleted = 0",
          bind(feed_id);
      if (update.execute() == 0) return refused(RegistryError::kNotFound, "no feed " + feed_id);
      bump_generation(session_);  // its events become public
      return {};
    });
  }

  core::Result<AlertState> alert_state(const std::string& feed_id) override {
    return read<AlertState>("reading the mail state of feed " + feed_id, [&] {
      std::vector<int> told;
      std::vector<std::int64_t> sent;
      std::vector<std::string> kinds, pending;
      session_ << "SELECT told_failing, last_sent_at, last_kind, pending FROM feed_alerts "
                  "WHERE feed_id = ?",
          bind(feed_id), into(told), into(sent), into(kinds), into(pending), now;
      AlertState state;
      if (!told.empty()) {
        state = AlertState{told[0] != 0, sent[0], std::move(kinds[0]), decode_pending(pending[0])};
      }
      return state;
    });
  }

  RegistryStatus save_alert_state(const std::string& feed_id, const AlertState& state) override {
    return write("saving the mail state of feed " + feed_id, [&]() -> RegistryStatus {
      write_alert_state(feed_id, state);
      return {};
    });
  }

  RegistryStatus save_pending_findings(const std::string& feed_id,
                                       const std::vector<PendingFinding>& pending) override {
    return write("saving the pending mail news of feed " + feed_id, [&]() -> RegistryStatus {
      const std::string text = encode_pending(pending);
      session_ << "INSERT INTO feed_alerts (feed_id, pending) VALUES (?, ?) "
                  "ON CONFLICT (feed_id) DO UPDATE SET pending = excluded.pending",
          bind(feed_id), bind(text), now;
      return {};
    });
  }

  core::Result<bool> claim_alert_slot(const std::string& feed_id,
                                      std::int64_t expected_last_sent_at,
                                      std::int64_t now_utc) override {
    bool claimed = false;
    // One BEGIN IMMEDIATE transaction: of two processes expecting the same value, the second
    // finds it changed.
    const RegistryStatus status =
        write("claiming the mail slot of feed " + feed_id, [&]() -> RegistryStatus {
          session_ << "INSERT INTO feed_alerts (feed_id) VALUES (?) ON CONFLICT (feed_id) DO "
                      "NOTHING",
              bind(feed_id), now;
          Statement update(session_);
          update << "UPDATE feed_alerts SET last_sent_at = ? WHERE feed_id = ? AND "
                    "last_sent_at = ?",
              bind(now_utc), bind(feed_id), bind(expected_last_sent_at);
          claimed = update.execute() == 1;
          return {};
        });
    if (!status.ok()) return Error{status.message};
    return claimed;
  }

  RegistryStatus record_sent_mail(const SentMail& mail, const AlertState& state) override {
    return write("logging a mail about feed " + mail.feed_id, [&]() -> RegistryStatus {
      session_ << "INSERT INTO sent_mails (feed_id, kind, recipient, sent_at, subject) "
                  "VALUES (?, ?, ?, ?, ?)",
          bind(mail.feed_id), bind(mail.kind), bind(mail.recipient), bind(mail.sent_at),
          bind(mail.subject), now;
      write_alert_state(mail.feed_id, state);
      return {};
    });
  }

  core::Result<std::vector<SentMail>> sent_mails(const std::string& feed_id) override {
    return read<std::vector<SentMail>>("reading the mail log", [&] {
      std::vector<std::string> feeds, kinds, recipients, subjects;
      std::vector<std::int64_t> sent;
      Statement select(session_);
      select << "SELECT feed_id, kind, recipient, sent_at, subject FROM sent_mails "
                "WHERE ? = '' OR feed_id = ? ORDER BY sent_at DESC, rowid DESC",
          bind(feed_id), bind(feed_id), into(feeds), into(kinds), into(recipients), into(sent),
          into(subjects);
      select.execute();
      std::vector<SentMail> mails(feeds.size());
      for (std::size_t i = 0; i < feeds.size(); ++i) {
        mails[i] = SentMail{std::move(feeds[i]), std::move(kinds[i]), std::move(recipients[i]),
                            sent[i], std::move(subjects[i])};
      }
      return mails;
    });
  }

 private:
  void write_alert_state(const std::string& feed_id, const AlertState& state) {
    int told = state.told_failing ? 1 : 0;
    const std::string pending = encode_pending(state.pending);
    session_ << "INSERT INTO feed_alerts (feed_id, told_failing, last_sent_at, last_kind, "
                "pending) VALUES (?, ?, ?, ?, ?) ON CONFLICT (feed_id) DO UPDATE SET "
                "told_failing = excluded.told_failing, last_sent_at = excluded.last_sent_at, "
                "last_kind = excluded.last_kind, pending = excluded.pending",
        bind(feed_id), bind(told), bind(state.last_sent_at), bind(state.last_kind), bind(pending),
        now;
  }

  template <class T>
  static std::optional<T> first(std::vector<T> rows) {
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  }

  RegistryStatus url_taken(const std::string& url, const std::string& feed_id) {
    int taken = 0;
    session_ << "SELECT COUNT(*) FROM registered_feeds WHERE url = ? AND feed_id <> ? "
                "AND deleted = 0",
        bind(url), bind(feed_id), into(taken), now;
    if (taken > 0) return refused(RegistryError::kDuplicateUrl, url + " is already registered");
    return {};
  }

  // One transaction; any exception is an error naming the database.
  template <class Body>
  RegistryStatus write(const std::string& action, Body&& body) {
    const std::lock_guard lock(mutex_);
    try {
      Transaction transaction(session_);
      RegistryStatus status = body();
      if (status.ok()) transaction.commit();
      return status;
    } catch (const Poco::Exception& e) {
      return refused(RegistryError::kOther,
                     "database " + path_ + ": " + action + ": " + e.displayText());
    } catch (const std::exception& e) {
      return refused(RegistryError::kOther, "database " + path_ + ": " + action + ": " + e.what());
    }
  }

  template <class T, class Body>
  core::Result<T> read(const std::string& action, Body&& body) {
    const std::lock_guard lock(mutex_);
    try {
      return T(body());
    } catch (const Poco::Exception& e) {
      return Error{"database " + path_ + ": " + action + ": " + e.displayText()};
    } catch (const std::exception& e) {
      return Error{"database " + path_ + ": " + action + ": " + e.what()};
    }
  }

  const std::string path_;
  std::mutex mutex_;
  Session session_;
};

}  // namespace

core::Result<std::unique_ptr<Registry>> Registry::open(const std::string& path) {
  try {
    detail::register_connector_once();
    Session session("SQLite", path);
    if (auto configured = detail::configure(session, path); !configured) {
      return Error{"database " + path + ": " + configured.error()};
    }
    // The Store migrated already; this only checks that the schema is known.
    if (auto migrated = detail::migrate(session); !migrated) {
      return Error{"database " + path + ": " + migrated.error()};
    }
    return std::unique_ptr<Registry>(std::make_unique<SqliteRegistry>(path, std::move(session)));
  } catch (const Poco::Exception& e) {
    return Error{"database " + path + ": " + e.displayText()};
  }
}

}  // namespace concerto::store
