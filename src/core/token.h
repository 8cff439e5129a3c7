#pragma once
// Bearer tokens of partners and administrators: random, shown once, stored only as a hash.

#include <string>
#include <string_view>

#include "core/result.h"

namespace concerto::core {

// "cct_" and 43 base64url characters: 256 bits from the kernel's random source (getrandom).
Result<std::string> new_token();
// Lower-case hex SHA-256 of the token: what the database keeps.
std::string token_hash(std::string_view token);
// Equal-length strings compared without an early exit (different lengths: false at once; only
// hashes of a fixed length are compared).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace concerto::core
