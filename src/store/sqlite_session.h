#pragma once
// Private to store/: what every SQLite connection of the store does (WAL, busy timeout, foreign
// keys, the schema migrations) and its write transaction.

#include <Poco/Data/Session.h>

#include <string>

#include "core/result.h"

namespace concerto::store::detail {

void register_connector_once();
bool is_memory(const std::string& path);
// WAL (memory for ":memory:"), a 5 s busy timeout, foreign keys on, synchronous=NORMAL.
core::Status configure(Poco::Data::Session& session, const std::string& path);
// Brings the schema to schema::kLatestVersion, one migration per transaction.
core::Status migrate(Poco::Data::Session& session);
// The rendered agenda changed: a new generation, and the time of the last change.
void bump_generation(Poco::Data::Session& session);

// BEGIN IMMEDIATE takes the write lock up front (waiting up to busy_timeout), so a transaction
// never fails later on lock upgrade. Rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(Poco::Data::Session& session);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Poco::Data::Session& session_;
  bool committed_ = false;
};

}  // namespace concerto::store::detail
