#include "store/sqlite_session.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Statement.h>

#include <cstdint>
#include <mutex>

#include "core/civil_time.h"
#include "store/schema.h"

namespace concerto::store::detail {
namespace {

using core::Error;
using Poco::Data::Session;
using namespace Poco::Data::Keywords;  // NOLINT(google-build-using-namespace): into/use/now

constexpr int kBusyTimeoutMs = 5000;

int schema_version(Session& session) {
  int version = 0;
  session << "SELECT COALESCE(MAX(version), 0) FROM schema_version", into(version), now;
  return version;
}

}  // namespace

void register_connector_once() {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Data::SQLite::Connector::registerConnector(); });
}

bool is_memory(const std::string& path) { return path == ":memory:"; }

// Brings the schema to schema::kLatestVersion, one migration per transaction. The version is
// read again inside each transaction in case another process migrated meanwhile.
core::Status migrate(Session& session) {
  session << std::string(schema::kCreateVersionTable), now;
  int version = schema_version(session);
  if (version > schema::kLatestVersion) {
    return Error{"schema version " + std::to_string(version) +
                 " is newer than this program knows (" + std::to_string(schema::kLatestVersion) +
                 "); use a newer concerto with this file"};
  }
  for (int next = version + 1; next <= schema::kLatestVersion; ++next) {
    Transaction transaction(session);
    if (schema_version(session) >= next) continue;
    session << std::string(schema::kMigrations[static_cast<std::size_t>(next - 1)]), now;
    std::int64_t applied_at = core::unix_now();
    session << "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", use(next),
        use(applied_at), now;
    transaction.commit();
  }
  return core::ok_status();
}

core::Status configure(Session& session, const std::string& path) {
  std::string journal_mode;
  session << "PRAGMA journal_mode=WAL", into(journal_mode), now;
  const std::string expected = is_memory(path) ? "memory" : "wal";
  if (journal_mode != expected) {
    return Error{"journal_mode is '" + journal_mode + "', WAL could not be enabled"};
  }
  int busy_timeout = 0;  // PRAGMA arguments cannot be bound; the literal is kBusyTimeoutMs
  session << "PRAGMA busy_timeout=5000", into(busy_timeout), now;
  if (busy_timeout != kBusyTimeoutMs) return Error{"busy_timeout could not be set"};
  session << "PRAGMA foreign_keys=ON", now;
  session << "PRAGMA synchronous=NORMAL", now;
  int foreign_keys = 0;
  session << "PRAGMA foreign_keys", into(foreign_keys), now;
  if (foreign_keys != 1) return Error{"foreign keys could not be enabled"};
  return core::ok_status();
}

void bump_generation(Session& session) {
  std::int64_t changed_at = core::unix_now();
  session << "UPDATE meta SET generation = generation + 1, last_change = ? WHERE id = 1",
      use(changed_at), now;
}

Transaction::Transaction(Session& session) : session_(session) {
  session_ << "BEGIN IMMEDIATE", now;
}

Transaction::~Transaction() {
  if (committed_) return;
  try {
    session_ << "ROLLBACK", now;
  } catch (...) {  // NOLINT(bugprone-empty-catch): SQLite rolls back by itself when this fails
  }
}

void Transaction::commit() {
  session_ << "COMMIT", now;
  committed_ = true;
}

}  // namespace concerto::store::detail
