#pragma once
// Which addresses a partner's feed URL may make us connect to. Partners register URLs
// themselves, so this is the boundary that keeps them out of our own network: loopback, private,
// link-local (cloud metadata), CGNAT, multicast, broadcast, "this network" and their IPv6
// counterparts are refused unless an `allow` CIDR covers them. Immutable; thread-safe.

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace concerto::fetch {

class AddressPolicy {
 public:
  // Refuses every special-purpose address (nothing allowed).
  AddressPolicy() = default;
  // `allow`: CIDRs or single addresses ("127.0.0.0/8", "::1/128", "10.1.2.3"); the error names
  // the entry that is not one.
  static core::Result<AddressPolicy> create(const std::vector<std::string>& allow);

  // nullopt when we may connect; else why not, ready to report as is (no prefix to add):
  // "refused: 10.0.0.5 is a private address". IPv4-mapped, NAT64 and 6to4 addresses are judged
  // by the IPv4 address inside; anything outside 2000::/3 and the IPv4 ranges is refused.
  std::optional<std::string> refusal(const sockaddr* address) const;
  // The same for a numeric address in its usual text form ("10.0.0.5", "::1", "::ffff:1.2.3.4",
  // "fe80::1%eth0"); any other text is refused.
  std::optional<std::string> refusal(std::string_view numeric_address) const;

  struct Network {
    std::array<std::uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 0;                        // in bits of the 128
  };

 private:
  std::vector<Network> allow_;
};

// Checks a URL's text before any connection: scheme http or https only, a host, no user
// information ("user:pass@"); a host written as an IP address in any spelling libc accepts
// (decimal "2130706433", octal "0177.0.0.1", hex "0x7f.1", short "127.1", bracketed IPv6,
// a trailing dot) is checked against `policy` too; so are "localhost" and "*.localhost" by name,
// a host with '%' (outside an IPv6 zone) or non-ASCII, and spaces or control characters.
// nullopt when the URL may be fetched, else "refused: …"; names of hosts are checked when
// libcurl connects (see fetcher.h).
std::optional<std::string> url_refusal(std::string_view url, const AddressPolicy& policy);

}  // namespace concerto::fetch
