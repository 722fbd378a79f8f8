#include "redis/internal/redis_cluster.h"

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace comments {
namespace {

// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), the checksum the
// Redis Cluster specification assigns slots with, one table lookup a byte.
constexpr std::array<uint16_t, 256> MakeCrc16Table() {
  std::array<uint16_t, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    uint16_t crc = static_cast<uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = static_cast<uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021
                                                 : crc << 1);
    }
    table[byte] = crc;
  }
  return table;
}
constexpr std::array<uint16_t, 256> kCrc16Table = MakeCrc16Table();

uint16_t Crc16(absl::string_view bytes) {
  uint16_t crc = 0;
  for (const char c : bytes) {
    crc = static_cast<uint16_t>(
        (crc << 8) ^
        kCrc16Table[((crc >> 8) ^ static_cast<uint8_t>(c)) & 0xff]);
  }
  return crc;
}

// Reads the "*<count>\r\n" or "$<length>\r\n" header at `pos` and moves
// past it. RedisBatch wrote these bytes, so they are well-formed.
size_t ReadHeader(absl::string_view wire, size_t& pos) {
  size_t value = 0;
  for (pos += 1; wire[pos] != '\r'; ++pos) {
    value = value * 10 + static_cast<size_t>(wire[pos] - '0');
  }
  pos += 2;
  return value;
}

// Commands that name no key: they go wherever their unit goes.
bool TakesNoKey(absl::string_view name) {
  for (absl::string_view keyless :
       {"MULTI",   "EXEC",     "DISCARD",  "PING",     "INFO",      "SCAN",
        "SCRIPT",  "CLUSTER",  "ASKING",   "AUTH",     "HELLO",     "SELECT",
        "DBSIZE",  "FLUSHALL", "FLUSHDB",  "CLIENT",   "CONFIG",    "DEBUG",
        "WAIT",    "TIME",     "ROLE",     "READONLY", "READWRITE", "ECHO",
        "COMMAND", "SLOWLOG",  "LATENCY",  "MEMORY",   "FUNCTION",  "SAVE",
        "BGSAVE",  "LASTSAVE", "REPLICAOF"}) {
    if (absl::EqualsIgnoreCase(name, keyless)) return true;
  }
  return false;
}

bool IsScriptCall(absl::string_view name) {
  for (absl::string_view script :
       {"EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"}) {
    if (absl::EqualsIgnoreCase(name, script)) return true;
  }
  return false;
}

// One command of a wire form: its byte range and its key's slot.
struct WireCommand {
  size_t end = 0;
  absl::string_view name;
  int slot = -1;
};

WireCommand ReadCommand(absl::string_view wire, size_t& pos) {
  WireCommand command;
  const size_t argc = ReadHeader(wire, pos);
  // The arguments a command's key may be: a script's first KEYS entry comes
  // after its name, body and key count.
  absl::string_view args[4];
  for (size_t i = 0; i < argc; ++i) {
    const size_t length = ReadHeader(wire, pos);
    if (i < 4) args[i] = wire.substr(pos, length);
    pos += length + 2;
  }
  command.end = pos;
  command.name = args[0];
  if (argc < 2 || TakesNoKey(command.name)) return command;
  if (IsScriptCall(command.name)) {
    int keys = 0;
    if (argc >= 4 && absl::SimpleAtoi(args[2], &keys) && keys > 0) {
      command.slot = KeySlot(args[3]);
    }
    return command;
  }
  command.slot = KeySlot(args[1]);
  return command;
}

}  // namespace

int KeySlot(absl::string_view key) {
  const size_t open = key.find('{');
  if (open != absl::string_view::npos) {
    const size_t close = key.find('}', open + 1);
    if (close != absl::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  return Crc16(key) & (kClusterSlots - 1);
}

std::vector<BatchUnit> SplitBatch(absl::string_view wire) {
  std::vector<BatchUnit> units;
  size_t pos = 0;
  size_t index = 0;
  BatchUnit* transaction = nullptr;  // The open MULTI's unit.
  while (pos < wire.size()) {
    const size_t begin = pos;
    const WireCommand command = ReadCommand(wire, pos);
    if (transaction == nullptr) {
      units.push_back(BatchUnit{begin, command.end, index, 1, command.slot});
      if (absl::EqualsIgnoreCase(command.name, "MULTI")) {
        transaction = &units.back();
      }
    } else {
      transaction->end = command.end;
      ++transaction->commands;
      if (transaction->slot < 0) transaction->slot = command.slot;
      if (absl::EqualsIgnoreCase(command.name, "EXEC") ||
          absl::EqualsIgnoreCase(command.name, "DISCARD")) {
        transaction = nullptr;
      }
    }
    ++index;
  }
  return units;
}

std::optional<Redirect> ParseRedirect(const RedisReply& reply) {
  if (!reply.is_error() || !IsRedirection(reply.error_kind())) {
    return std::nullopt;
  }
  Redirect redirect;
  redirect.ask = reply.error_kind() == RedisErrorKind::kAsk;
  // After the error code, "<slot> <host>:<port>"; the host may be empty, or
  // an IPv6 address.
  const std::vector<absl::string_view> words =
      absl::StrSplit(reply.str, ' ', absl::SkipEmpty());
  if (words.size() != 3) return std::nullopt;
  const absl::string_view slot = words[1];
  const absl::string_view address = words[2];
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos ||
      !absl::SimpleAtoi(slot, &redirect.slot) || redirect.slot < 0 ||
      redirect.slot >= kClusterSlots ||
      !absl::SimpleAtoi(address.substr(colon + 1), &redirect.port) ||
      redirect.port <= 0 || redirect.port > 65535) {
    return std::nullopt;
  }
  redirect.host = std::string(address.substr(0, colon));
  return redirect;
}

absl::StatusOr<std::vector<SlotRange>> ParseClusterSlots(
    const RedisReply& reply) {
  const auto malformed = [] {
    return absl::InternalError("redis: malformed CLUSTER SLOTS reply");
  };
  if (reply.type != RedisReply::Type::kArray) return malformed();
  std::vector<SlotRange> ranges;
  for (const RedisReply& entry : reply.elements) {
    // [first, last, [host, port, id, ...], replicas...]
    if (entry.type != RedisReply::Type::kArray || entry.elements.size() < 3) {
      return malformed();
    }
    const RedisReply& primary = entry.elements[2];
    if (entry.elements[0].type != RedisReply::Type::kInteger ||
        entry.elements[1].type != RedisReply::Type::kInteger ||
        primary.type != RedisReply::Type::kArray ||
        primary.elements.size() < 2 ||
        primary.elements[1].type != RedisReply::Type::kInteger) {
      return malformed();
    }
    SlotRange range;
    range.first = static_cast<int>(entry.elements[0].integer);
    range.last = static_cast<int>(entry.elements[1].integer);
    if (range.first < 0 || range.last >= kClusterSlots ||
        range.first > range.last) {
      return malformed();
    }
    range.host = primary.elements[0].str;
    range.port = static_cast<int>(primary.elements[1].integer);
    if (primary.elements.size() >= 3) range.node_id = primary.elements[2].str;
    ranges.push_back(std::move(range));
  }
  return ranges;
}

}  // namespace comments
