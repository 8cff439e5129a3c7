#include "fetch/address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

#include "core/text.h"

namespace concerto::fetch {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

Bytes mapped(std::uint32_t ipv4) {
  Bytes bytes{};
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  for (int i = 0; i < 4; ++i) bytes[12 + i] = static_cast<std::uint8_t>(ipv4 >> (24 - 8 * i));
  return bytes;
}

std::uint32_t ipv4_at(const Bytes& bytes, std::size_t at) {
  return (static_cast<std::uint32_t>(bytes[at]) << 24) |
         (static_cast<std::uint32_t>(bytes[at + 1]) << 16) |
         (static_cast<std::uint32_t>(bytes[at + 2]) << 8) | bytes[at + 3];
}

bool in_network(const Bytes& address, const Bytes& network, int prefix) {
  for (int bit = 0; bit < prefix; bit += 8) {
    const int bits = std::min(8, prefix - bit);
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) return false;
  }
  return true;
}

std::string ipv4_text(std::uint32_t ipv4) {
  return std::to_string(ipv4 >> 24) + '.' + std::to_string((ipv4 >> 16) & 0xff) + '.' +
         std::to_string((ipv4 >> 8) & 0xff) + '.' + std::to_string(ipv4 & 0xff);
}

std::string ipv6_text(const Bytes& bytes) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
  return text;
}

// Special-purpose IPv4 ranges (RFC 6890 and the IANA registry); first match wins.
struct Ipv4Range {
  std::uint32_t network;
  int prefix;
  const char* kind;
};
constexpr Ipv4Range kIpv4Ranges[] = {
    {0xA9FEA9FE, 32, "a link-local address (cloud metadata)"},  // 169.254.169.254
    {0xFFFFFFFF, 32, "a broadcast address"},
    {0x00000000, 8, "a \"this network\" address"},  // Linux connects 0.0.0.0 to the local host
    {0x0A000000, 8, "a private address"},
    {0x64400000, 10, "a carrier-grade NAT address"},
    {0x7F000000, 8, "a loopback address"},
    {0xA9FE0000, 16, "a link-local address"},
    {0xAC100000, 12, "a private address"},
    {0xC0000000, 24, "a reserved address (IETF protocol assignments)"},
    {0xC0000200, 24, "a reserved address (documentation)"},
    {0xC0586300, 24, "a reserved address (6to4 relay anycast)"},
    {0xC0A80000, 16, "a private address"},
    {0xC6120000, 15, "a reserved address (benchmarking)"},
    {0xC6336400, 24, "a reserved address (documentation)"},
    {0xCB007100, 24, "a reserved address (documentation)"},
    {0xE0000000, 4, "a multicast address"},
    {0xF0000000, 4, "a reserved address"},
};

const char* ipv4_kind(std::uint32_t ipv4) {
  for (const Ipv4Range& range : kIpv4Ranges) {
    const std::uint32_t mask = ~std::uint32_t{0} << (32 - range.prefix);
    if ((ipv4 & mask) == range.network) return range.kind;
  }
  return nullptr;
}

// Special-purpose IPv6 ranges, after the ones that embed an IPv4 address; first match wins.
struct Ipv6Range {
  std::array<std::uint16_t, 8> words;
  int prefix;
  const char* kind;
};
constexpr Ipv6Range kIpv6Ranges[] = {
    {{0x0064, 0xff9b, 0x0001}, 48, "a reserved address (local-use NAT64)"},
    {{0x0100}, 64, "a reserved address (discard-only)"},
    {{0x2001, 0x0000}, 32, "a reserved address (Teredo)"},
    {{0x2001, 0x0002, 0x0000}, 48, "a reserved address (benchmarking)"},
    {{0x2001, 0x0db8}, 32, "a reserved address (documentation)"},
    {{0x3fff}, 20, "a reserved address (documentation)"},
    {{0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254}, 128, "a private address (cloud metadata)"},
    {{0xfc00}, 7, "a private address (unique local)"},
    {{0xfe80}, 10, "a link-local address"},
    {{0xfec0}, 10, "a private address (site-local)"},
    {{0xff00}, 8, "a multicast address"},
};

Bytes from_words(const std::array<std::uint16_t, 8>& words) {
  Bytes bytes{};
  for (std::size_t i = 0; i < words.size(); ++i) {
    bytes[2 * i] = static_cast<std::uint8_t>(words[i] >> 8);
    bytes[2 * i + 1] = static_cast<std::uint8_t>(words[i] & 0xff);
  }
  return bytes;
}

// What makes `address` special ("a private address"), or "" for a public one.
std::string special_kind(const Bytes& address) {
  const Bytes v4_mapped = from_words({0, 0, 0, 0, 0, 0xffff});
  if (in_network(address, v4_mapped, 96)) {  // dual-stack sockets reach the IPv4 address
    const char* kind = ipv4_kind(ipv4_at(address, 12));
    return kind ? kind : "";
  }
  if (address == Bytes{}) return "an unspecified address";
  if (address == from_words({0, 0, 0, 0, 0, 0, 0, 1})) return "a loopback address";
  if (in_network(address, Bytes{}, 96)) return "an IPv4-compatible address (deprecated)";
  // NAT64 and 6to4 gateways forward to the IPv4 address inside.
  const struct {
    Bytes network;
    int prefix;
    std::size_t ipv4_at;
    const char* via;
  } embedders[] = {{from_words({0x0064, 0xff9b}), 96, 12, "NAT64"},
                   {from_words({0x2002}), 16, 2, "6to4"}};
  for (const auto& embedder : embedders) {
    if (!in_network(address, embedder.network, embedder.prefix)) continue;
    const std::uint32_t ipv4 = ipv4_at(address, embedder.ipv4_at);
    const char* kind = ipv4_kind(ipv4);
    if (!kind) return "";
    return std::string(kind) + " (" + embedder.via + " of " + ipv4_text(ipv4) + ")";
  }
  for (const Ipv6Range& range : kIpv6Ranges) {
    if (in_network(address, from_words(range.words), range.prefix)) return range.kind;
  }
  if ((address[0] & 0xe0) != 0x20) return "a reserved address";  // outside 2000::/3
  return "";
}

// Parses "1.2.3.4" (dotted quad only) or an IPv6 text form into the IPv4-mapped form.
std::optional<Bytes> parse_numeric(const std::string& text, bool* ipv4) {
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    *ipv4 = true;
    return mapped(ntohl(v4.s_addr));
  }
  Bytes bytes{};
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) {
    *ipv4 = false;
    return bytes;
  }
  return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_decimal(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

// A label inet_aton would read as a number: "127", "0177", "0x7f", "0x".
bool looks_numeric(std::string_view label) {
  if (label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X')) {
    return std::all_of(label.begin() + 2, label.end(), is_hex_digit);
  }
  return is_decimal(label);
}

bool is_hostname_char(char c) {
  return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '.' || c == '_';
}

std::string refused(std::string_view why) { return "refused: " + std::string(why); }

}  // namespace

core::Result<AddressPolicy> AddressPolicy::create(const std::vector<std::string>& allow) {
  AddressPolicy policy;
  for (const std::string& entry : allow) {
    const auto bad = [&](const std::string& why) {
      return core::Error{"fetch.allow: \"" + entry + "\" is not a CIDR (" + why + ")"};
    };
    const std::size_t slash = entry.find('/');
    const std::string address = entry.substr(0, slash);
    bool ipv4 = false;
    const std::optional<Bytes> bytes = parse_numeric(address, &ipv4);
    if (!bytes) return bad("\"" + address + "\" is not an IPv4 or IPv6 address");
    const int bits = ipv4 ? 32 : 128;
    int prefix = bits;
    if (slash != std::string::npos) {
      const std::string digits = entry.substr(slash + 1);
      if (!is_decimal(digits) || digits.size() > 3 || std::stoi(digits) > bits) {
        return bad("the prefix must be a number from 0 to " + std::to_string(bits));
      }
      prefix = std::stoi(digits);
    }
    Network network{*bytes, prefix + (ipv4 ? 96 : 0)};
    Bytes masked{};
    for (int bit = 0; bit < network.prefix; ++bit) {
      const auto mask = static_cast<std::uint8_t>(0x80 >> (bit % 8));
      masked[bit / 8] |= static_cast<std::uint8_t>(network.bytes[bit / 8] & mask);
    }
    if (masked != network.bytes) {  // "127.0.0.1/8": a typo or a misunderstanding, never guessed
      return bad("bits set after the /" + std::to_string(prefix) + " prefix");
    }
    policy.allow_.push_back(network);
  }
  return policy;
}

std::optional<std::string> AddressPolicy::refusal(const sockaddr* address) const {
  if (address == nullptr) return refused("no address");
  if (address->sa_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    const std::uint32_t host_order = ntohl(v4.sin_addr.s_addr);
    return refusal(ipv4_text(host_order));
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    Bytes bytes{};
    std::memcpy(bytes.data(), &v6.sin6_addr, bytes.size());
    return refusal(ipv6_text(bytes));
  }
  return refused("address family " + std::to_string(address->sa_family) + " is not IPv4 or IPv6");
}

std::optional<std::string> AddressPolicy::refusal(std::string_view numeric_address) const {
  // A zone ("fe80::1%eth0") says which interface, not which address.
  const std::string text(numeric_address.substr(0, numeric_address.find('%')));
  bool ipv4 = false;
  const std::optional<Bytes> bytes = parse_numeric(text, &ipv4);
  if (!bytes) return refused("\"" + std::string(numeric_address) + "\" is not a numeric address");
  for (const Network& network : allow_) {
    if (in_network(*bytes, network.bytes, network.prefix)) return std::nullopt;
  }
  const std::string kind = special_kind(*bytes);
  if (kind.empty()) return std::nullopt;
  return refused((ipv4 ? ipv4_text(ipv4_at(*bytes, 12)) : ipv6_text(*bytes)) + " is " + kind);
}

std::optional<std::string> url_refusal(std::string_view url, const AddressPolicy& policy) {
  if (std::any_of(url.begin(), url.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7f;
      })) {
    return refused("the URL has a space or a control character");
  }
  const std::size_t colon = url.find(':');
  const std::string scheme = core::ascii_lower(url.substr(0, colon));
  if (colon == std::string_view::npos || (scheme != "http" && scheme != "https")) {
    return refused("the URL's scheme is not http or https");
  }
  std::string_view rest = url.substr(colon + 1);
  // Exactly two slashes: parsers disagree on "http:/host", "http:///host" and backslashes.
  if (rest.substr(0, 2) != "//" || rest.substr(2, 1) == "/" || rest.substr(2, 1) == "\\") {
    return refused("the URL does not start with " + scheme + "://");
  }
  rest.remove_prefix(2);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('\\') != std::string_view::npos) {
    return refused("the URL's host has a backslash");
  }
  // Any '@' at all: "http://good.com@127.0.0.1/" goes to 127.0.0.1. Credentials are never echoed.
  if (authority.find('@') != std::string_view::npos) {
    return refused("the URL has user information (user:password@) before its host");
  }

  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return refused("the URL's IPv6 host has no ']'");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return refused("the URL has text after its host");
    if (!after.empty()) port = after.substr(1);
  } else if (const std::size_t port_colon = authority.find(':');
             port_colon != std::string_view::npos) {
    host = authority.substr(0, port_colon);
    port = authority.substr(port_colon + 1);
  }
  if (!port.empty() &&
      (!is_decimal(port) || port.size() > 5 || std::stoi(std::string(port)) > 65535)) {
    return refused("the URL's port \"" + std::string(port) + "\" is not a port number");
  }
  if (host.empty()) return refused("the URL has no host");

  if (authority.front() == '[') {
    // An IPv6 literal, perhaps with a zone: "fe80::1%25eth0" (RFC 6874) or "fe80::1%eth0".
    const std::size_t percent = host.find('%');
    if (percent != std::string_view::npos) {
      std::string_view zone = host.substr(percent + 1);
      if (zone.substr(0, 2) == "25") zone.remove_prefix(2);
      const bool zone_ok = !zone.empty() && std::all_of(zone.begin(), zone.end(), [](char c) {
        return is_hostname_char(c) || (c >= 'A' && c <= 'Z') || c == '~';
      });
      if (!zone_ok) return refused("the URL's IPv6 host has a malformed zone");
    }
    const std::string address(host.substr(0, percent));
    in6_addr parsed{};
    if (inet_pton(AF_INET6, address.c_str(), &parsed) != 1) {
      return refused("the URL's host [" + std::string(host) + "] is not an IPv6 address");
    }
    return policy.refusal(address);
  }

  if (host.find('%') != std::string_view::npos) {
    return refused("the URL's host \"" + std::string(host) + "\" is percent-encoded");
  }
  std::string name = core::ascii_lower(host);
  if (name.back() == '.') name.pop_back();  // the root: "127.0.0.1." is 127.0.0.1
  if (!std::all_of(name.begin(), name.end(), is_hostname_char)) {
    return refused("the URL's host \"" + std::string(host) +
                   "\" has a character other than a-z, 0-9, '-', '_' and '.' (write an "
                   "international name in its xn-- form)");
  }
  if (name.empty() || name.front() == '.' || name.back() == '.' ||
      name.find("..") != std::string::npos) {
    return refused("the URL's host \"" + std::string(host) + "\" has an empty label");
  }

  const std::string_view last_label = std::string_view(name).substr(name.rfind('.') + 1);
  if (looks_numeric(last_label)) {
    // libc (and libcurl) read "2130706433", "0177.0.0.1", "0x7f.1" and "127.1" as 127.0.0.1.
    in_addr parsed{};
    if (inet_aton(name.c_str(), &parsed) == 0) {
      return refused("the URL's host \"" + std::string(host) + "\" is not a valid IPv4 address");
    }
    const std::string canonical = ipv4_text(ntohl(parsed.s_addr));
    std::optional<std::string> why = policy.refusal(canonical);
    if (why && canonical != host) *why += " (written \"" + std::string(host) + "\")";
    return why;
  }

  // Resolvers answer these from /etc/hosts or by rule (RFC 6761) without asking DNS.
  const bool loopback_name = name == "localhost" || name.ends_with(".localhost") ||
                             name == "localhost.localdomain" || name == "ip6-localhost" ||
                             name == "ip6-loopback";
  if (loopback_name && policy.refusal("127.0.0.1") && policy.refusal("::1")) {
    return refused("the URL's host \"" + std::string(host) + "\" is a loopback name");
  }
  return std::nullopt;  // names are checked on each address libcurl connects to
}

}  // namespace concerto::fetch
