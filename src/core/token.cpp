#include "core/token.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace concerto::core {

Result<std::string> new_token() {
  std::array<unsigned char, 32> bytes{};
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Error{std::string("no random bytes for a token: ") + std::strerror(errno)};
    }
    filled += static_cast<std::size_t>(got);
  }
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string token = "cct_";
  // Base64url without padding: 32 bytes give 43 characters.
  unsigned int buffer = 0;
  int bits = 0;
  for (const unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      token.push_back(kAlphabet[(buffer >> bits) & 63]);
    }
  }
  if (bits > 0) token.push_back(kAlphabet[(buffer << (6 - bits)) & 63]);
  return token;
}

std::string token_hash(std::string_view token) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(token.data(), static_cast<unsigned>(token.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

}  // namespace concerto::core
