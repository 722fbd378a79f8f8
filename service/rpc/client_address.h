#ifndef COMMENTS_SERVICE_RPC_CLIENT_ADDRESS_H_
#define COMMENTS_SERVICE_RPC_CLIENT_ADDRESS_H_

// Which client address a call counts under for the per-address flood limits
// (flood_gate.h).
//
// The portal calls the service for its readers, so the address of the
// connection is the portal's; the reader's own address comes in the call's
// metadata, `x-client-address` (one IPv4 or IPv6 address, no port). Anyone
// can send that key, so it is believed only from the portal peers the
// operator lists (--trusted_portal_peers). From any other peer the key is
// ignored and the connection's own address counts: such a peer is the
// client as far as the service can tell, and a caller that could escape the
// limit by leaving the key out, or by sending a different address with each
// call, would make the limit worthless. A trusted peer that sends no key
// (the portal's own calls, an operator's tool) is not limited by address:
// counting it under its own address would put all its readers in one
// bucket. A unix-socket peer has no address.
//
// IPv4 addresses count one by one; IPv6 addresses count per /64, the
// smallest block an ISP gives a household or phone (RFC 6177), inside which
// a user can pick any of 2^64 addresses. An IPv4-mapped IPv6 address
// (::ffff:203.0.113.7) counts as its IPv4 address.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace comments {

// The metadata key of the reader's address, sent by the portal.
inline constexpr char kClientAddressKey[] = "x-client-address";

// The counting key of the address `text` (IPv4 or IPv6, no port, no zone):
// "203.0.113.7", or the /64 of an IPv6 address as "2001:db8:1:2::/64";
// nullopt when `text` is no address.
std::optional<std::string> ClientAddressKey(absl::string_view text);

// The address of a gRPC peer as ServerContext::peer() spells it
// ("ipv4:203.0.113.7:51234", "ipv6:[2001:db8::1]:51234", either possibly
// percent-encoded), without its port; "" for a unix socket or anything
// else.
std::string PeerAddress(absl::string_view peer);

// The peers whose `x-client-address` is believed: IPv4 and IPv6 addresses
// and CIDR blocks, and the word `unix` for clients of a unix socket. A
// value type; thread-compatible.
class TrustedPeers final {
 public:
  // Nobody is trusted.
  TrustedPeers() = default;

  // Parses a comma-separated list ("10.0.0.0/8, 192.0.2.7, 2001:db8::/32,
  // unix"); spaces around entries are ignored, an empty list trusts nobody.
  // INVALID_ARGUMENT naming the first entry that is none of these.
  static absl::StatusOr<TrustedPeers> Parse(absl::string_view list);

  // True when `peer` (as ServerContext::peer() spells it) is listed.
  bool Trusts(absl::string_view peer) const;

  bool empty() const { return blocks_.empty() && !unix_; }

 private:
  struct Block {
    bool v6 = false;
    std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4.
    int prefix = 0;
  };

  std::vector<Block> blocks_;
  bool unix_ = false;
};

// The address key (ClientAddressKey) a call from `peer` with the metadata
// value `claimed` (nullopt when the call carries no x-client-address) counts
// under, by the rules above; "" when it counts under none. INVALID_ARGUMENT
// naming x-client-address when a trusted peer sends a value that is no
// address.
absl::StatusOr<std::string> CallerAddressKey(
    absl::string_view peer, std::optional<absl::string_view> claimed,
    const TrustedPeers& trusted);

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_CLIENT_ADDRESS_H_
