// Which address a call counts under (client_address.h): parsing, the /64 of
// IPv6, gRPC's peer strings, and the trust rules. No server needed.
#include "service/rpc/client_address.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace comments {
namespace {

using testing::StatusIs;

TEST(ClientAddressTest, KeysAreIpv4AddressesAndIpv6Slash64s) {
  EXPECT_EQ(ClientAddressKey("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(ClientAddressKey("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientAddressKey("2001:DB8:1:2::ffff"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientAddressKey("::1"), "::/64");
  EXPECT_EQ(ClientAddressKey("::ffff:203.0.113.7"), "203.0.113.7");
  for (const char* bad :
       {"", "203.0.113", "203.0.113.7:80", "[2001:db8::1]", "fe80::1%eth0",
        "203.0.113.256", "example.com", " 203.0.113.7", "2001:db8::1/64"}) {
    EXPECT_EQ(ClientAddressKey(bad), std::nullopt) << bad;
  }
}

TEST(ClientAddressTest, PeerAddressDropsThePort) {
  EXPECT_EQ(PeerAddress("ipv4:127.0.0.1:51234"), "127.0.0.1");
  EXPECT_EQ(PeerAddress("ipv6:[::1]:51234"), "::1");
  EXPECT_EQ(PeerAddress("ipv6:%5B2001:db8::1%5D:51234"), "2001:db8::1");
  EXPECT_EQ(PeerAddress("unix:/tmp/grpc.sock"), "");
  EXPECT_EQ(PeerAddress("unix:"), "");
  EXPECT_EQ(PeerAddress("ipv4:bogus:1"), "");
}

TEST(ClientAddressTest, TrustedPeersMatchAddressesBlocksAndUnix) {
  ASSERT_OK_AND_ASSIGN(
      TrustedPeers trusted,
      TrustedPeers::Parse(" 10.0.0.0/8, 192.0.2.7,2001:db8::/32 , unix,"));
  EXPECT_FALSE(trusted.empty());
  EXPECT_TRUE(trusted.Trusts("ipv4:10.200.3.4:5000"));
  EXPECT_TRUE(trusted.Trusts("ipv4:192.0.2.7:5000"));
  EXPECT_FALSE(trusted.Trusts("ipv4:192.0.2.8:5000"));
  EXPECT_FALSE(trusted.Trusts("ipv4:11.0.0.1:5000"));
  EXPECT_TRUE(trusted.Trusts("ipv6:[2001:db8:ffff::1]:5000"));
  EXPECT_FALSE(trusted.Trusts("ipv6:[2001:db9::1]:5000"));
  // An IPv4-mapped peer (a dual-stack listener) is its IPv4 address.
  EXPECT_TRUE(trusted.Trusts("ipv6:[::ffff:10.1.2.3]:5000"));
  EXPECT_TRUE(trusted.Trusts("unix:/run/comments.sock"));

  ASSERT_OK_AND_ASSIGN(TrustedPeers nobody, TrustedPeers::Parse(""));
  EXPECT_TRUE(nobody.empty());
  EXPECT_FALSE(nobody.Trusts("unix:"));
  EXPECT_FALSE(nobody.Trusts("ipv4:127.0.0.1:1"));

  ASSERT_OK_AND_ASSIGN(TrustedPeers odd_prefix,
                       TrustedPeers::Parse("192.0.2.128/25"));
  EXPECT_TRUE(odd_prefix.Trusts("ipv4:192.0.2.200:1"));
  EXPECT_FALSE(odd_prefix.Trusts("ipv4:192.0.2.100:1"));

  for (const char* bad : {"10.0.0.0/33", "lan", "10.0.0.0/", "::/129",
                          "10.0.0.0/-1", "10.0.0.0/8/8"}) {
    EXPECT_THAT(TrustedPeers::Parse(bad),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(ClientAddressTest, OnlyTrustedPeersChooseTheAddress) {
  ASSERT_OK_AND_ASSIGN(TrustedPeers trusted,
                       TrustedPeers::Parse("10.0.0.0/8, unix"));
  // A trusted portal: its reader's address, none without one, and a
  // malformed one refused.
  EXPECT_EQ(*CallerAddressKey("ipv4:10.0.0.5:1", "203.0.113.9", trusted),
            "203.0.113.9");
  EXPECT_EQ(*CallerAddressKey("unix:", "2001:db8::5", trusted),
            "2001:db8::/64");
  EXPECT_EQ(*CallerAddressKey("ipv4:10.0.0.5:1", std::nullopt, trusted), "");
  EXPECT_THAT(CallerAddressKey("ipv4:10.0.0.5:1", "203.0.113.9:80", trusted),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // Anyone else: its own address, whatever it claims.
  EXPECT_EQ(*CallerAddressKey("ipv4:198.51.100.1:1", "203.0.113.9", trusted),
            "198.51.100.1");
  EXPECT_EQ(*CallerAddressKey("ipv4:198.51.100.1:1", "junk", trusted),
            "198.51.100.1");
  EXPECT_EQ(
      *CallerAddressKey("ipv6:[2001:db8:5:6::1]:1", std::nullopt, trusted),
      "2001:db8:5:6::/64");
  ASSERT_OK_AND_ASSIGN(TrustedPeers nobody, TrustedPeers::Parse(""));
  EXPECT_EQ(*CallerAddressKey("unix:/s", "203.0.113.9", nobody), "");
}

}  // namespace
}  // namespace comments
