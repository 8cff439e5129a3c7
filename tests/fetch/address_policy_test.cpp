#include "fetch/address_policy.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <string>
#include <vector>

namespace concerto::fetch {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

enum class Check { kAddress, kUrl };
constexpr Check kAddress = Check::kAddress;
constexpr Check kUrl = Check::kUrl;
constexpr bool kAllowed = true;
constexpr bool kRefused = false;

struct Case {
  Check check;
  std::string input;
  bool allowed;
  std::string reason;  // a part of the refusal
};

AddressPolicy policy_allowing(const std::vector<std::string>& allow) {
  auto policy = AddressPolicy::create(allow);
  EXPECT_TRUE(policy.ok()) << policy.error();
  return policy.ok() ? *policy : AddressPolicy{};
}

void expect_cases(const AddressPolicy& policy, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    const std::optional<std::string> got =
        c.check == kUrl ? url_refusal(c.input, policy) : policy.refusal(c.input);
    if (c.allowed) {
      EXPECT_FALSE(got.has_value()) << c.input << " was refused: " << got.value_or("");
      continue;
    }
    ASSERT_TRUE(got.has_value()) << c.input << " was allowed";
    EXPECT_THAT(*got, StartsWith("refused: ")) << c.input;
    EXPECT_THAT(*got, HasSubstr(c.reason)) << c.input;
  }
}

TEST(AddressPolicy, RefusesEverySpecialPurposeAddressInEverySpellingAndAllowsPublicOnes) {
  const std::vector<Case> cases = {
      // IPv4 ranges.
      {kAddress, "8.8.8.8", kAllowed, ""},
      {kAddress, "1.1.1.1", kAllowed, ""},
      {kAddress, "0.0.0.0", kRefused, "0.0.0.0 is a \"this network\" address"},
      {kAddress, "0.1.2.3", kRefused, "this network"},
      {kAddress, "10.0.0.5", kRefused, "refused: 10.0.0.5 is a private address"},
      {kAddress, "172.16.0.1", kRefused, "172.16.0.1 is a private address"},
      {kAddress, "172.31.255.255", kRefused, "private"},
      {kAddress, "172.32.0.1", kAllowed, ""},
      {kAddress, "192.168.1.1", kRefused, "192.168.1.1 is a private address"},
      {kAddress, "127.0.0.1", kRefused, "refused: 127.0.0.1 is a loopback address"},
      {kAddress, "127.255.255.254", kRefused, "loopback"},
      {kAddress, "169.254.169.254", kRefused,
       "refused: 169.254.169.254 is a link-local address (cloud metadata)"},
      {kAddress, "169.254.1.1", kRefused, "169.254.1.1 is a link-local address"},
      {kAddress, "100.64.0.1", kRefused, "100.64.0.1 is a carrier-grade NAT address"},
      {kAddress, "100.127.255.255", kRefused, "carrier-grade NAT"},
      {kAddress, "100.128.0.1", kAllowed, ""},
      {kAddress, "224.0.0.1", kRefused, "224.0.0.1 is a multicast address"},
      {kAddress, "239.255.255.250", kRefused, "multicast"},
      {kAddress, "255.255.255.255", kRefused, "255.255.255.255 is a broadcast address"},
      {kAddress, "240.0.0.1", kRefused, "240.0.0.1 is a reserved address"},
      {kAddress, "192.0.2.1", kRefused, "192.0.2.1 is a reserved address (documentation)"},
      {kAddress, "198.51.100.7", kRefused, "reserved address (documentation)"},
      {kAddress, "203.0.113.9", kRefused, "reserved address (documentation)"},
      {kAddress, "198.18.0.1", kRefused, "198.18.0.1 is a reserved address (benchmarking)"},
      {kAddress, "198.19.255.255", kRefused, "benchmarking"},
      {kAddress, "192.0.0.170", kRefused, "reserved"},
      // IPv6 ranges.
      {kAddress, "2606:4700::1111", kAllowed, ""},
      {kAddress, "2001:4860:4860::8888", kAllowed, ""},
      {kAddress, "::1", kRefused, "refused: ::1 is a loopback address"},
      {kAddress, "::", kRefused, ":: is an unspecified address"},
      {kAddress, "fc00::1", kRefused, "fc00::1 is a private address"},
      {kAddress, "fd12:3456::1", kRefused, "private address (unique local)"},
      {kAddress, "fd00:ec2::254", kRefused, "private address (cloud metadata)"},
      {kAddress, "fe80::1", kRefused, "fe80::1 is a link-local address"},
      {kAddress, "fe80::1%eth0", kRefused, "fe80::1 is a link-local address"},
      {kAddress, "febf::1", kRefused, "link-local"},
      {kAddress, "fec0::1", kRefused, "site-local"},
      {kAddress, "ff02::1", kRefused, "ff02::1 is a multicast address"},
      {kAddress, "2001:db8::1", kRefused, "2001:db8::1 is a reserved address (documentation)"},
      {kAddress, "2001::1", kRefused, "Teredo"},
      {kAddress, "4000::1", kRefused, "4000::1 is a reserved address"},
      // IPv4 inside IPv6: mapped, NAT64 and 6to4 by the IPv4 address; compatible refused.
      {kAddress, "::ffff:10.0.0.1", kRefused, "::ffff:10.0.0.1 is a private address"},
      {kAddress, "::ffff:127.0.0.1", kRefused, "loopback"},
      {kAddress, "::ffff:7f00:1", kRefused, "::ffff:127.0.0.1 is a loopback address"},
      {kAddress, "::ffff:169.254.169.254", kRefused, "cloud metadata"},
      {kAddress, "::ffff:8.8.8.8", kAllowed, ""},
      {kAddress, "64:ff9b::a9fe:a9fe", kRefused,
       "link-local address (cloud metadata) (NAT64 of 169.254.169.254)"},
      {kAddress, "64:ff9b::808:808", kAllowed, ""},
      {kAddress, "64:ff9b:1::a00:1", kRefused, "local-use NAT64"},
      {kAddress, "2002:c0a8:101::1", kRefused, "private address (6to4 of 192.168.1.1)"},
      {kAddress, "2002:7f00:1::", kRefused, "loopback address (6to4 of 127.0.0.1)"},
      {kAddress, "2002:808:808::1", kAllowed, ""},
      {kAddress, "::127.0.0.1", kRefused, "IPv4-compatible address (deprecated)"},
      {kAddress, "::8.8.8.8", kRefused, "IPv4-compatible"},
      // Text that is not a numeric address.
      {kAddress, "example.com", kRefused, "\"example.com\" is not a numeric address"},
      {kAddress, "127.1", kRefused, "not a numeric address"},
      {kAddress, "", kRefused, "not a numeric address"},
      // URLs: hosts that are addresses, in every spelling libc reads.
      {kUrl, "https://8.8.8.8/calendar.ics", kAllowed, ""},
      {kUrl, "http://1.1.1.1:8080/feed?x=1#top", kAllowed, ""},
      {kUrl, "HTTPS://[2606:4700::1111]:443/feed.ics", kAllowed, ""},
      {kUrl, "https://calendar.example.com/feed.ics", kAllowed, ""},
      {kUrl, "http://10.0.0.5/", kRefused, "refused: 10.0.0.5 is a private address"},
      {kUrl, "http://127.0.0.1:8080/x.ics", kRefused, "127.0.0.1 is a loopback address"},
      {kUrl, "http://2130706433/", kRefused,
       "127.0.0.1 is a loopback address (written \"2130706433\")"},
      {kUrl, "http://0177.0.0.1/", kRefused, "127.0.0.1 is a loopback address"},
      {kUrl, "http://0x7f.0.0.1/", kRefused, "127.0.0.1 is a loopback address"},
      {kUrl, "http://0x7F.1/", kRefused, "127.0.0.1 is a loopback address"},
      {kUrl, "http://127.1/", kRefused, "127.0.0.1 is a loopback address"},
      {kUrl, "http://10.1/", kRefused, "10.0.0.1 is a private address"},
      {kUrl, "http://0/", kRefused, "0.0.0.0 is a \"this network\" address"},
      {kUrl, "http://127.0.0.1./", kRefused, "127.0.0.1 is a loopback address"},
      {kUrl, "http://169.254.169.254/latest/meta-data/", kRefused, "(cloud metadata)"},
      {kUrl, "http://2852039166/", kRefused, "169.254.169.254 is a link-local address"},
      {kUrl, "http://100.64.1.1/", kRefused, "carrier-grade NAT"},
      {kUrl, "http://[::1]:8080/", kRefused, "::1 is a loopback address"},
      {kUrl, "http://[::ffff:127.0.0.1]/", kRefused, "::ffff:127.0.0.1 is a loopback address"},
      {kUrl, "http://[::ffff:a00:1]/", kRefused, "::ffff:10.0.0.1 is a private address"},
      {kUrl, "http://[fe80::1%25eth0]/", kRefused, "fe80::1 is a link-local address"},
      {kUrl, "http://[fe80::1%eth0]/", kRefused, "link-local"},
      {kUrl, "http://[fd00::1]/", kRefused, "private"},
      {kUrl, "http://[ff02::1]/", kRefused, "multicast"},
      {kUrl, "http://[64:ff9b::a00:1]/", kRefused, "(NAT64 of 10.0.0.1)"},
      {kUrl, "http://999.0.0.1/", kRefused, "\"999.0.0.1\" is not a valid IPv4 address"},
      {kUrl, "http://example.0x7g/", kAllowed, ""},  // not numeric: a name, checked on connect
      {kUrl, "http://feeds.example.123/", kRefused, "not a valid IPv4 address"},
      // URLs: loopback names, percent-encoding, user information, other schemes, bad syntax.
      {kUrl, "http://localhost/", kRefused, "\"localhost\" is a loopback name"},
      {kUrl, "http://LocalHost.:8080/", kRefused, "loopback name"},
      {kUrl, "http://feeds.localhost/", kRefused, "loopback name"},
      {kUrl, "http://localhostess.com/", kAllowed, ""},
      {kUrl, "http://%31%32%37.0.0.1/", kRefused, "is percent-encoded"},
      {kUrl, "http://[::1%25]/", kRefused, "malformed zone"},
      {kUrl, "http://user:pass@example.com/", kRefused, "user information"},
      {kUrl, "http://user@example.com/", kRefused, "user information"},
      {kUrl, "http://good.com@127.0.0.1/", kRefused, "user information"},
      {kUrl, "http://a@b@127.0.0.1/", kRefused, "user information"},
      {kUrl, "http://good.com\\@127.0.0.1/", kRefused, "backslash"},
      {kUrl, "http://example.com/@127.0.0.1", kAllowed, ""},  // '@' in the path is no userinfo
      {kUrl, "ftp://example.com/x.ics", kRefused, "scheme is not http or https"},
      {kUrl, "file:///etc/passwd", kRefused, "scheme is not http or https"},
      {kUrl, "gopher://127.0.0.1/", kRefused, "scheme"},
      {kUrl, "example.com/feed.ics", kRefused, "scheme"},
      {kUrl, "http:/example.com/", kRefused, "does not start with http://"},
      {kUrl, "http:///127.0.0.1/", kRefused, "does not start with http://"},
      {kUrl, "http://", kRefused, "no host"},
      {kUrl, "http://:8080/", kRefused, "no host"},
      {kUrl, "http://example.com:http/", kRefused, "not a port number"},
      {kUrl, "http://example.com:99999/", kRefused, "not a port number"},
      {kUrl, "http://::1/", kRefused, "not a port number"},
      {kUrl, "http://[::1/", kRefused, "no ']'"},
      {kUrl, "http://[v1.fe80::1]/", kRefused, "is not an IPv6 address"},
      {kUrl, "http://[::1]x/", kRefused, "text after its host"},
      {kUrl, "http://exa mple.com/", kRefused, "space or a control character"},
      {kUrl, "http://example.com/\r\nHost: 10.0.0.1", kRefused, "control character"},
      {kUrl, "http://127.0.0.1\0.example.com/"s, kRefused, "control character"},
      {kUrl, "http://ex..ample.com/", kRefused, "empty label"},
      {kUrl, "http://\xef\xbc\x91\xef\xbc\x92\xef\xbc\x97.0.0.1/", kRefused, "xn--"},
      {kUrl, "http://exa*mple.com/", kRefused, "a character other than"},
  };
  expect_cases(AddressPolicy{}, cases);
}

TEST(AddressPolicy, ExemptsLoopbackWhenTheAllowListCoversIt) {
  const AddressPolicy policy = policy_allowing({"127.0.0.0/8", "::1/128"});
  expect_cases(policy, {
                           {kAddress, "127.0.0.1", kAllowed, ""},
                           {kAddress, "127.255.0.9", kAllowed, ""},
                           {kAddress, "::1", kAllowed, ""},
                           {kAddress, "::ffff:127.0.0.1", kAllowed, ""},  // the same address
                           {kAddress, "10.0.0.5", kRefused, "private"},
                           {kAddress, "::2", kRefused, "IPv4-compatible"},
                           {kAddress, "64:ff9b::7f00:1", kRefused, "NAT64 of 127.0.0.1"},
                           {kUrl, "http://127.0.0.1:8080/calendar.ics", kAllowed, ""},
                           {kUrl, "http://0x7f.1/", kAllowed, ""},
                           {kUrl, "http://[::1]:8080/", kAllowed, ""},
                           {kUrl, "http://localhost:8080/", kAllowed, ""},
                           {kUrl, "http://169.254.169.254/", kRefused, "cloud metadata"},
                           {kUrl, "http://user@127.0.0.1/", kRefused, "user information"},
                       });
}

TEST(AddressPolicy, AllowsSingleAddressesAndNetworksOfEitherFamily) {
  const AddressPolicy policy = policy_allowing({"10.1.2.3", "192.168.0.0/16", "fd00::/8"});
  expect_cases(policy, {
                           {kAddress, "10.1.2.3", kAllowed, ""},
                           {kAddress, "10.1.2.4", kRefused, "10.1.2.4 is a private address"},
                           {kAddress, "192.168.200.1", kAllowed, ""},
                           {kAddress, "::ffff:192.168.200.1", kAllowed, ""},
                           {kAddress, "fd99::1", kAllowed, ""},
                           {kAddress, "fc00::1", kRefused, "private"},
                       });
  expect_cases(policy_allowing({"0.0.0.0/0"}), {
                                                   {kAddress, "127.0.0.1", kAllowed, ""},
                                                   {kAddress, "::1", kRefused, "loopback"},
                                               });
  expect_cases(policy_allowing({}), {{kAddress, "127.0.0.1", kRefused, "loopback"}});
}

TEST(AddressPolicy, RefusesToBeCreatedFromAnEntryThatIsNotACidrAndNamesIt) {
  for (const char* entry :
       {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/8",
        "10.0.0.0/0x8", "10.0.0.0/ 8", "10.0.0.0/0008", "10.0.0.256/32", "10.1/16", "0x7f.0.0.1",
        "localhost", "", "/8", "fe80::1%eth0/128", "::1/128 ", "127.0.0.1/8", "fd00::1/8"}) {
    const auto got = AddressPolicy::create({"127.0.0.0/8", entry});
    ASSERT_FALSE(got.ok()) << entry;
    EXPECT_THAT(got.error(),
                StartsWith("fetch.allow: \"" + std::string(entry) + "\" is not a CIDR"))
        << entry;
  }
  EXPECT_EQ(
      AddressPolicy::create({"10.0.0.0/33"}).error(),
      "fetch.allow: \"10.0.0.0/33\" is not a CIDR (the prefix must be a number from 0 to 32)");
  EXPECT_THAT(AddressPolicy::create({"127.0.0.1/8"}).error(), HasSubstr("bits set after the /8"));
  for (const char* entry : {"0.0.0.0/0", "10.0.0.0/32", "::/0", "::1/128", "2001:db8::/32",
                            "::ffff:0:0/96", "10.0.0.0/08"}) {
    EXPECT_TRUE(AddressPolicy::create({entry}).ok()) << entry;
  }
}

TEST(AddressPolicy, ChecksTheSocketAddressesLibcurlConnectsTo) {
  const auto v4 = [](const char* text) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(443);
    EXPECT_EQ(inet_pton(AF_INET, text, &address.sin_addr), 1) << text;
    return address;
  };
  const auto v6 = [](const char* text) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(443);
    EXPECT_EQ(inet_pton(AF_INET6, text, &address.sin6_addr), 1) << text;
    return address;
  };
  const auto as_sockaddr = [](const auto& address) {
    return reinterpret_cast<const sockaddr*>(&address);
  };
  const AddressPolicy refuse_all;

  const sockaddr_in private_v4 = v4("10.0.0.5");
  EXPECT_EQ(refuse_all.refusal(as_sockaddr(private_v4)), "refused: 10.0.0.5 is a private address");
  const sockaddr_in metadata = v4("169.254.169.254");
  EXPECT_EQ(refuse_all.refusal(as_sockaddr(metadata)),
            "refused: 169.254.169.254 is a link-local address (cloud metadata)");
  const sockaddr_in public_v4 = v4("8.8.8.8");
  EXPECT_EQ(refuse_all.refusal(as_sockaddr(public_v4)), std::nullopt);

  const sockaddr_in6 loopback_v6 = v6("::1");
  EXPECT_EQ(refuse_all.refusal(as_sockaddr(loopback_v6)), "refused: ::1 is a loopback address");
  const sockaddr_in6 mapped_private = v6("::ffff:192.168.0.1");
  EXPECT_EQ(refuse_all.refusal(as_sockaddr(mapped_private)),
            "refused: ::ffff:192.168.0.1 is a private address");
  sockaddr_in6 link_local = v6("fe80::1");
  link_local.sin6_scope_id = 2;
  EXPECT_EQ(refuse_all.refusal(as_sockaddr(link_local)),
            "refused: fe80::1 is a link-local address");
  const sockaddr_in6 public_v6 = v6("2606:4700::1111");
  EXPECT_EQ(refuse_all.refusal(as_sockaddr(public_v6)), std::nullopt);

  const AddressPolicy tests = policy_allowing({"127.0.0.0/8", "::1/128"});
  const sockaddr_in loopback_v4 = v4("127.0.0.1");
  EXPECT_EQ(tests.refusal(as_sockaddr(loopback_v4)), std::nullopt);
  EXPECT_EQ(tests.refusal(as_sockaddr(loopback_v6)), std::nullopt);
  EXPECT_NE(tests.refusal(as_sockaddr(private_v4)), std::nullopt);

  sockaddr_un local{};
  local.sun_family = AF_UNIX;
  EXPECT_THAT(tests.refusal(as_sockaddr(local)).value_or(""),
              StartsWith("refused: address family 1 is not IPv4 or IPv6"));
  EXPECT_THAT(tests.refusal(static_cast<const sockaddr*>(nullptr)).value_or(""),
              StartsWith("refused: "));
}

}  // namespace
}  // namespace concerto::fetch
