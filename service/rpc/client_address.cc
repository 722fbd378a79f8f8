#include "service/rpc/client_address.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace comments {
namespace {

struct Ip {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4.
};

// An IPv4 or IPv6 address in its usual spellings (inet_pton's: dotted quads
// only); IPv4-mapped IPv6 addresses become IPv4. No zone ("%eth0"): a zone
// names a link of the machine that sent it, not a client.
std::optional<Ip> ParseIp(absl::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);
  Ip ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) return ip;
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1) {
    return std::nullopt;
  }
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0,    0,
                                          0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(ip.bytes.data(), kMapped, sizeof(kMapped)) == 0) {
    std::memmove(ip.bytes.data(), ip.bytes.data() + 12, 4);
    std::memset(ip.bytes.data() + 4, 0, 12);
    return ip;
  }
  ip.v6 = true;
  return ip;
}

std::string Format(const Ip& ip) {
  char out[INET6_ADDRSTRLEN] = {};
  inet_ntop(ip.v6 ? AF_INET6 : AF_INET, ip.bytes.data(), out, sizeof(out));
  return out;
}

// The first `prefix` bits of a and b are equal.
bool SamePrefix(const std::array<uint8_t, 16>& a,
                const std::array<uint8_t, 16>& b, int prefix) {
  const int whole = prefix / 8;
  if (std::memcmp(a.data(), b.data(), whole) != 0) return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

// gRPC percent-encodes some peers' brackets ("ipv6:%5B::1%5D:80").
std::string PercentDecoded(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    int value = 0;
    if (text[i] == '%' && i + 2 < text.size() &&
        absl::SimpleHexAtoi(text.substr(i + 1, 2), &value)) {
      out.push_back(static_cast<char>(value));
      i += 2;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace

std::optional<std::string> ClientAddressKey(absl::string_view text) {
  std::optional<Ip> ip = ParseIp(text);
  if (!ip) return std::nullopt;
  if (!ip->v6) return Format(*ip);
  std::memset(ip->bytes.data() + 8, 0, 8);
  return absl::StrCat(Format(*ip), "/64");
}

std::string PeerAddress(absl::string_view peer) {
  if (!absl::ConsumePrefix(&peer, "ipv4:") &&
      !absl::ConsumePrefix(&peer, "ipv6:")) {
    return "";
  }
  const std::string decoded = PercentDecoded(peer);
  absl::string_view host = decoded;
  if (absl::ConsumePrefix(&host, "[")) {
    const size_t end = host.find(']');
    if (end == absl::string_view::npos) return "";
    host = host.substr(0, end);
  } else {
    const size_t colon = host.rfind(':');
    if (colon != absl::string_view::npos) host = host.substr(0, colon);
  }
  return ParseIp(host) ? std::string(host) : "";
}

absl::StatusOr<TrustedPeers> TrustedPeers::Parse(absl::string_view list) {
  TrustedPeers out;
  for (absl::string_view entry : absl::StrSplit(list, ',')) {
    entry = absl::StripAsciiWhitespace(entry);
    if (entry.empty()) continue;
    if (entry == "unix") {
      out.unix_ = true;
      continue;
    }
    const std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(entry, absl::MaxSplits('/', 1));
    const std::optional<Ip> ip = ParseIp(parts.first);
    const int bits = ip && ip->v6 ? 128 : 32;
    int prefix = bits;
    if (!ip || (entry.find('/') != absl::string_view::npos &&
                (!absl::SimpleAtoi(parts.second, &prefix) || prefix < 0 ||
                 prefix > bits))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "trusted_portal_peers: '", entry,
          "' is not an IPv4 or IPv6 address, a CIDR block (10.0.0.0/8, "
          "2001:db8::/32) or unix"));
    }
    out.blocks_.push_back(Block{ip->v6, ip->bytes, prefix});
  }
  return out;
}

bool TrustedPeers::Trusts(absl::string_view peer) const {
  if (absl::StartsWith(peer, "unix:")) return unix_;
  const std::optional<Ip> ip = ParseIp(PeerAddress(peer));
  if (!ip) return false;
  for (const Block& block : blocks_) {
    if (block.v6 == ip->v6 &&
        SamePrefix(block.bytes, ip->bytes, block.prefix)) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<std::string> CallerAddressKey(
    absl::string_view peer, std::optional<absl::string_view> claimed,
    const TrustedPeers& trusted) {
  if (!trusted.Trusts(peer)) {
    const std::string own = PeerAddress(peer);
    return own.empty() ? "" : ClientAddressKey(own).value_or("");
  }
  if (!claimed) return "";
  std::optional<std::string> key = ClientAddressKey(*claimed);
  if (!key) {
    return absl::InvalidArgumentError(absl::StrCat(
        kClientAddressKey,
        " metadata must be one IPv4 or IPv6 address without a port (got ",
        claimed->size() > 64 ? "a longer value"
                             : absl::StrCat("'", *claimed, "'"),
        ")"));
  }
  return *key;
}

}  // namespace comments
