// The cluster protocol's pure parts: slots, how a pipeline is cut, what a
// redirection and CLUSTER SLOTS say. The client against live clusters is in
// redis_client_test.cc.
#include "redis/internal/redis_cluster.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/redis_replies.h"

namespace comments {
namespace {

using testing::ArrayReply;
using testing::ErrorReply;
using testing::IntegerReply;
using testing::StringReply;

// Slots as Redis itself computes them: CLUSTER KEYSLOT on a redis-server
// run with --cluster-enabled yes. Known numbers, not KeySlot of another key,
// so that a KeySlot that hashed everything alike would fail here.
constexpr int kSlotA1 = 7785;     // "a1", and every key tagged {a1}.
constexpr int kSlotA2 = 11786;    // "a2".
constexpr int kSlotX = 16287;     // "x".
constexpr int kSlotBans = 15920;  // "bans".
constexpr int kSlotAfter = 8964;  // "after".

TEST(KeySlotTest, MatchesTheClusterSpecification) {
  // The specification's CRC16 check value ("123456789" -> 0x31C3), which
  // is below 16384 and so its slot too, and the specification's examples.
  EXPECT_EQ(KeySlot("123456789"), 0x31C3);
  EXPECT_EQ(KeySlot("foo"), 12182);
  EXPECT_EQ(KeySlot("bar"), 5061);
  EXPECT_EQ(KeySlot("a1"), kSlotA1);
  EXPECT_EQ(KeySlot("a2"), kSlotA2);
  EXPECT_EQ(KeySlot("x"), kSlotX);
  EXPECT_EQ(KeySlot("bans"), kSlotBans);
  EXPECT_EQ(KeySlot("after"), kSlotAfter);
  EXPECT_EQ(KeySlot(""), 0);
}

TEST(KeySlotTest, HashesOnlyTheFirstNonEmptyTag) {
  // The specification's example: both keys hash "user1000" alone.
  EXPECT_EQ(KeySlot("user1000"), 3443);
  EXPECT_EQ(KeySlot("{user1000}.following"), 3443);
  EXPECT_EQ(KeySlot("{user1000}.followers"), 3443);
  EXPECT_EQ(KeySlot("foo{bar}{zap}"), 5061);  // "bar": the first tag only.
  EXPECT_EQ(KeySlot("foo}{bar}"), 5061);      // A '}' before the '{' is text.
  EXPECT_EQ(KeySlot("foo{{bar}}zap"), 4015);  // "{bar": up to the first '}'.
  EXPECT_EQ(KeySlot("{bar"), 4015);
  // An empty tag does not count, and no later tag does either: the whole
  // key is hashed.
  EXPECT_EQ(KeySlot("{}"), 15257);
  EXPECT_EQ(KeySlot("foo{}{bar}"), 8363);
  EXPECT_EQ(KeySlot("{}{bar}"), 11272);
  // A '{' without a '}' after it: the whole key.
  EXPECT_EQ(KeySlot("no{close"), 7129);
  // Every key of one article lands in its slot.
  EXPECT_EQ(KeySlot("c:{a1}:s"), kSlotA1);
  EXPECT_EQ(KeySlot("c:{a1}:hot"), kSlotA1);
  EXPECT_EQ(KeySlot("c:{a2}:qp"), kSlotA2);
  EXPECT_EQ(KeySlot("mod:{bans}:version"), kSlotBans);
}

// The wire form of `commands`, as RedisBatch writes it.
std::string Wire(const std::vector<RedisArgv>& commands) {
  std::string wire;
  for (const RedisArgv& argv : commands) {
    wire += "*" + std::to_string(argv.size()) + "\r\n";
    for (const std::string& arg : argv) {
      wire += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
    }
  }
  return wire;
}

TEST(SplitBatchTest, OneUnitPerCommandKeyedByItsFirstKey) {
  const std::vector<RedisArgv> commands = {
      {"HGET", "c:{a1}:s", "n"}, {"HLEN", "c:{a2}:p"}, {"PING"}};
  const std::string wire = Wire(commands);
  const std::vector<BatchUnit> units = SplitBatch(wire);
  ASSERT_EQ(units.size(), 3u);
  EXPECT_EQ(units[0].slot, kSlotA1);
  EXPECT_EQ(units[1].slot, kSlotA2);
  EXPECT_EQ(units[2].slot, -1);
  for (size_t i = 0; i < units.size(); ++i) {
    EXPECT_EQ(units[i].first_reply, i);
    EXPECT_EQ(units[i].commands, 1u);
    EXPECT_EQ(wire.substr(units[i].begin, units[i].end - units[i].begin),
              Wire({commands[i]}));
  }
}

TEST(SplitBatchTest, ScriptsAreKeyedByTheirFirstKey) {
  const std::string wire =
      Wire({{"EVALSHA", "abc", "2", "c:{a1}:s", "c:{a1}:n", "arg"},
            {"evalsha", "abc", "0", "notakey"},
            {"EVAL", "return 1", "1", "k{x}"}});
  const std::vector<BatchUnit> units = SplitBatch(wire);
  ASSERT_EQ(units.size(), 3u);
  EXPECT_EQ(units[0].slot, kSlotA1);
  EXPECT_EQ(units[1].slot, -1);
  EXPECT_EQ(units[2].slot, kSlotX);
}

TEST(SplitBatchTest, ATransactionIsOneUnit) {
  const std::vector<RedisArgv> commands = {{"GET", "before"},
                                           {"MULTI"},
                                           {"SADD", "mod:{bans}", "u1"},
                                           {"INCR", "mod:{bans}:version"},
                                           {"EXEC"},
                                           {"GET", "after"}};
  const std::string wire = Wire(commands);
  const std::vector<BatchUnit> units = SplitBatch(wire);
  ASSERT_EQ(units.size(), 3u);
  EXPECT_EQ(units[1].first_reply, 1u);
  EXPECT_EQ(units[1].commands, 4u);
  EXPECT_EQ(units[1].slot, kSlotBans);
  EXPECT_EQ(wire.substr(units[1].begin, units[1].end - units[1].begin),
            Wire({commands[1], commands[2], commands[3], commands[4]}));
  EXPECT_EQ(units[2].first_reply, 5u);
  EXPECT_EQ(units[2].slot, kSlotAfter);
}

TEST(ParseRedirectTest, MovedAndAsk) {
  std::optional<Redirect> moved =
      ParseRedirect(ErrorReply("MOVED 3999 127.0.0.1:6381"));
  ASSERT_TRUE(moved.has_value());
  EXPECT_FALSE(moved->ask);
  EXPECT_EQ(moved->slot, 3999);
  EXPECT_EQ(moved->host, "127.0.0.1");
  EXPECT_EQ(moved->port, 6381);

  std::optional<Redirect> ask = ParseRedirect(ErrorReply("ASK 1 :7000"));
  ASSERT_TRUE(ask.has_value());
  EXPECT_TRUE(ask->ask);
  EXPECT_EQ(ask->host, "");
  EXPECT_EQ(ask->port, 7000);

  std::optional<Redirect> v6 = ParseRedirect(ErrorReply("MOVED 7 ::1:7001"));
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
}

TEST(ParseRedirectTest, AnythingElseIsNoRedirect) {
  RedisReply status;
  status.type = RedisReply::Type::kStatus;
  status.str = "MOVED 1 h:1";  // A status, not an error.
  for (const RedisReply& reply :
       {status, ErrorReply("ERR unknown"), ErrorReply("MOVED"),
        ErrorReply("MOVED x h:1"), ErrorReply("MOVED 16384 h:1"),
        ErrorReply("MOVED 1 h"), ErrorReply("MOVED 1 h:0"),
        ErrorReply("ASK 1 h:1 extra"), ErrorReply("MOVEDX 1 h:1")}) {
    EXPECT_FALSE(ParseRedirect(reply).has_value()) << reply.str;
  }
}

TEST(ParseClusterSlotsTest, RangesWithTheirPrimaries) {
  const RedisReply reply = ArrayReply(
      {ArrayReply({IntegerReply(0), IntegerReply(5460),
                   ArrayReply({StringReply("127.0.0.1"), IntegerReply(7000),
                               StringReply("id0")}),
                   ArrayReply({StringReply("127.0.0.1"), IntegerReply(7003),
                               StringReply("id3")})}),
       ArrayReply({IntegerReply(5461), IntegerReply(16383),
                   ArrayReply({StringReply(""), IntegerReply(7001)})})});
  absl::StatusOr<std::vector<SlotRange>> ranges = ParseClusterSlots(reply);
  ASSERT_TRUE(ranges.ok()) << ranges.status();
  ASSERT_EQ(ranges->size(), 2u);
  EXPECT_EQ((*ranges)[0].first, 0);
  EXPECT_EQ((*ranges)[0].last, 5460);
  EXPECT_EQ((*ranges)[0].host, "127.0.0.1");
  EXPECT_EQ((*ranges)[0].port, 7000);
  EXPECT_EQ((*ranges)[0].node_id, "id0");
  EXPECT_EQ((*ranges)[1].host, "");
  EXPECT_EQ((*ranges)[1].node_id, "");
}

TEST(ParseClusterSlotsTest, MalformedRepliesAreInternal) {
  for (const RedisReply& reply :
       {StringReply("x"), ArrayReply({IntegerReply(1)}),
        ArrayReply(
            {ArrayReply({IntegerReply(0), IntegerReply(1), StringReply("h")})}),
        ArrayReply(
            {ArrayReply({IntegerReply(5), IntegerReply(1),
                         ArrayReply({StringReply("h"), IntegerReply(1)})})}),
        ArrayReply(
            {ArrayReply({IntegerReply(0), IntegerReply(16384),
                         ArrayReply({StringReply("h"), IntegerReply(1)})})})}) {
    EXPECT_EQ(ParseClusterSlots(reply).status().code(),
              absl::StatusCode::kInternal);
  }
  EXPECT_TRUE(ParseClusterSlots(ArrayReply({})).ok());
}

}  // namespace
}  // namespace comments
