// What RedisClient tells its RedisObserver, against a real redis-server and
// a real three-primary Redis Cluster: round trips counted exactly, error
// replies by kind, calls that were never sent, a reconnect after a
// restart, and the MOVED and ASK replies of a slot that moves.
#include "redis/redis_observer.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "redis/internal/redis_cluster.h"
#include "redis/redis_client.h"
#include "tests/support/cluster_keys.h"
#include "tests/support/redis_cluster.h"
#include "tests/support/redis_server.h"

namespace comments {
namespace {

absl::Time Soon() { return absl::Now() + absl::Seconds(5); }

// One node's reports, counted.
struct NodeCounts final : RedisNodeObserver {
  std::atomic<int> answered{0};
  std::atomic<int> unavailable{0};
  std::atomic<int> deadline_exceeded{0};
  std::atomic<int> not_sent{0};
  std::atomic<int> reconnects{0};
  std::atomic<int> moved{0};
  std::atomic<int> ask{0};
  std::atomic<int64_t> latency_ns{0};
  // By RedisErrorKind.
  std::atomic<int> errors[kRedisErrorKinds]{};

  int round_trips() const {
    return answered + unavailable + deadline_exceeded;
  }
  int errors_of(RedisErrorKind kind) const {
    return errors[static_cast<int>(kind)];
  }

  void RoundTrip(absl::Duration latency, RedisRoundTripResult r) override {
    latency_ns += absl::ToInt64Nanoseconds(latency);
    switch (r) {
      case RedisRoundTripResult::kAnswered:
        ++answered;
        break;
      case RedisRoundTripResult::kUnavailable:
        ++unavailable;
        break;
      case RedisRoundTripResult::kDeadlineExceeded:
        ++deadline_exceeded;
        break;
    }
  }
  void NotSent() override { ++not_sent; }
  void ErrorReply(RedisErrorKind kind) override {
    ++errors[static_cast<int>(kind)];
  }
  void Redirected(RedisErrorKind kind) override {
    ++(kind == RedisErrorKind::kAsk ? ask : moved);
  }
  void Reconnected() override { ++reconnects; }
};

// Every node's reports, by address; how often each node was asked for.
class RecordingObserver final : public RedisObserver {
 public:
  RedisNodeObserver* ForNode(absl::string_view address) override {
    absl::MutexLock lock(&mu_);
    std::unique_ptr<NodeCounts>& node = nodes_[address];
    EXPECT_EQ(node, nullptr) << "asked twice for " << address;
    node = std::make_unique<NodeCounts>();
    return node.get();
  }

  // The node at `address`, or null if it was never asked for.
  NodeCounts* node(const std::string& address) {
    absl::MutexLock lock(&mu_);
    auto it = nodes_.find(address);
    return it == nodes_.end() ? nullptr : it->second.get();
  }

  std::vector<std::string> addresses() {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> out;
    for (const auto& [address, node] : nodes_) out.push_back(address);
    return out;
  }

  // Sums over every node.
  int Sum(std::atomic<int> NodeCounts::*field) {
    absl::MutexLock lock(&mu_);
    int sum = 0;
    for (const auto& [address, node] : nodes_) sum += (*node).*field;
    return sum;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<NodeCounts>> nodes_
      ABSL_GUARDED_BY(mu_);
};

RedisClientOptions Options(const std::string& url, int connections,
                           RedisObserver* observer) {
  RedisClientOptions options{RedisEndpoint::Parse(url).value(), connections,
                             absl::Milliseconds(200), absl::Milliseconds(10)};
  options.observer = observer;
  return options;
}

class RedisObserverTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_.Start()); }

  // The one node of redis_, after a first PING: by then the client's
  // probe for a cluster (CLUSTER MYID and SLOTS, sent first on the same
  // connection) has been answered and reported too.
  NodeCounts& Ready(RedisClient& client) {
    EXPECT_TRUE(client.Command({"PING"}, Soon()).ok());
    EXPECT_EQ(observer_.addresses(),
              std::vector<std::string>{redis_.socket_path()});
    NodeCounts* node = observer_.node(redis_.socket_path());
    EXPECT_NE(node, nullptr);
    return *node;
  }

  testing::RedisServer redis_;
  RecordingObserver observer_;
};

TEST_F(RedisObserverTest, EachCallIsOneRoundTripWhateverItsCommands) {
  RedisClient client(Options(redis_.url(), 2, &observer_));
  NodeCounts& node = Ready(client);
  const int before = node.round_trips();
  const int64_t latency_before = node.latency_ns;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(client.Command({"INCR", "n"}, Soon()).ok());
  }
  // A pipeline of five commands is one round trip.
  ASSERT_TRUE(client
                  .Pipeline({{"INCR", "n"},
                             {"INCR", "n"},
                             {"GET", "n"},
                             {"DEL", "x"},
                             {"PING"}},
                            Soon())
                  .ok());
  EXPECT_EQ(node.round_trips() - before, 11);
  EXPECT_EQ(node.answered, node.round_trips());
  EXPECT_GT(node.latency_ns - latency_before, 0);
  EXPECT_EQ(node.reconnects, 0);
  EXPECT_EQ(node.not_sent, 0);
}

TEST_F(RedisObserverTest, ErrorRepliesAreCountedByKind) {
  RedisClient client(Options(redis_.url(), 1, &observer_));
  NodeCounts& node = Ready(client);
  const int other = node.errors_of(RedisErrorKind::kOther);
  EXPECT_FALSE(client.Command({"NOSUCHCOMMAND"}, Soon()).ok());
  EXPECT_FALSE(
      client.Command({"EVALSHA", std::string(40, 'f'), "0"}, Soon()).ok());
  // A script's error reply is counted by its code, as Redis's own are.
  EXPECT_FALSE(
      client.Command({"EVAL", "return redis.error_reply('OOM pretend')", "0"},
                     Soon())
          .ok());
  // Error replies inside a pipeline count one each; the call is still one
  // answered round trip.
  const int answered = node.answered;
  absl::StatusOr<RedisReplies> replies = client.Pipeline(
      {{"SET", "s", "v"}, {"HGET", "s", "f"}, {"LPUSH", "s", "x"}}, Soon());
  ASSERT_TRUE(replies.ok());
  EXPECT_EQ(node.answered - answered, 1);
  EXPECT_EQ(node.errors_of(RedisErrorKind::kOther) - other, 3);
  EXPECT_EQ(node.errors_of(RedisErrorKind::kNoScript), 1);
  EXPECT_EQ(node.errors_of(RedisErrorKind::kOutOfMemory), 1);
  EXPECT_EQ(node.moved + node.ask, 0);
}

TEST_F(RedisObserverTest, ACallPastItsDeadlineIsReportedSo) {
  RedisClient client(Options(redis_.url(), 1, &observer_));
  NodeCounts& node = Ready(client);
  EXPECT_EQ(client
                .Command({"DEBUG", "SLEEP", "0.5"},
                         absl::Now() + absl::Milliseconds(100))
                .status()
                .code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(node.deadline_exceeded, 1);
  // Its late reply is dropped, not reported as a second round trip.
  const int answered = node.answered;
  ASSERT_TRUE(client.Command({"PING"}, Soon()).ok());
  EXPECT_EQ(node.answered - answered, 1);
  EXPECT_EQ(node.deadline_exceeded, 1);
}

TEST_F(RedisObserverTest, ARestartIsOneReconnectPerConnection) {
  RedisClient client(Options(redis_.url(), 1, &observer_));
  NodeCounts& node = Ready(client);
  ASSERT_EQ(node.reconnects, 0);
  redis_.Stop();
  // Down: the call is counted once, as not sent (the I/O thread saw the
  // connection close first, as it mostly does) or as a round trip that
  // failed (the call reached the dead socket first). On a one-node
  // cluster the client also asks for the slot table again when the
  // connection goes, and that fails alike.
  EXPECT_EQ(client.Command({"PING"}, Soon()).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_GE(node.not_sent + node.unavailable, 1);
  EXPECT_LE(node.not_sent + node.unavailable,
            testing::RedisServer::cluster_mode() ? 2 : 1);
  ASSERT_TRUE(redis_.Start());
  absl::Status ping;
  for (int i = 0; i < 100; ++i) {  // Past the reconnect backoff.
    ping = client.Command({"PING"}, Soon()).status();
    if (ping.ok()) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_TRUE(ping.ok()) << ping;
  EXPECT_EQ(node.reconnects, 1);
  // More calls on the same connection are no more reconnects.
  ASSERT_TRUE(client.Command({"PING"}, Soon()).ok());
  EXPECT_EQ(node.reconnects, 1);
}

TEST_F(RedisObserverTest, NoObserverNoReports) {
  // The default: a client measures nothing, and works.
  RedisClient client(Options(redis_.url(), 1, nullptr));
  EXPECT_TRUE(client.Command({"PING"}, Soon()).ok());
  EXPECT_TRUE(observer_.addresses().empty());
}

class RedisClusterObserverTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(cluster_.Start()); }

  std::string Address(int node) const {
    return absl::StrCat("127.0.0.1:", cluster_.port(node));
  }

  testing::RedisCluster cluster_{/*primaries=*/3};
  RecordingObserver observer_;
};

TEST_F(RedisClusterObserverTest, EveryPrimaryIsANodeAndCallsCountOnTheirs) {
  RedisClient client(Options(cluster_.seed_url(), 2, &observer_));
  ASSERT_TRUE(client.Command({"PING"}, Soon()).ok());  // The table is read.
  // The seed and the two primaries its table names.
  for (int node = 0; node < 3; ++node) {
    ASSERT_NE(observer_.node(Address(node)), nullptr) << Address(node);
  }
  const std::string key = testing::KeyInSlot(9000);
  NodeCounts& owner = *observer_.node(Address(cluster_.OwnerOf(9000)));
  const int before = owner.answered;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client.Command({"INCR", key}, Soon()).ok());
  }
  EXPECT_EQ(owner.answered - before, 5);
  EXPECT_EQ(observer_.Sum(&NodeCounts::moved), 0);
}

TEST_F(RedisClusterObserverTest, AMovedSlotIsOneMovedReply) {
  RedisClient client(Options(cluster_.seed_url(), 2, &observer_));
  ASSERT_TRUE(client.Command({"PING"}, Soon()).ok());
  const std::string key = testing::KeyInSlot(100);
  ASSERT_TRUE(client.Command({"SET", key, "v"}, Soon()).ok());
  const int from = cluster_.OwnerOf(100);
  ASSERT_TRUE(cluster_.MoveSlot(100, (from + 1) % 3));
  // The client still routes to `from`, which answers MOVED once; the
  // client learns the new owner from it.
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<RedisReply> got = client.Command({"GET", key}, Soon());
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->str, "v");
  }
  EXPECT_EQ(observer_.node(Address(from))->moved, 1);
  EXPECT_EQ(observer_.Sum(&NodeCounts::moved), 1);
  EXPECT_EQ(observer_.Sum(&NodeCounts::ask), 0);
  // A redirection is not an error reply.
  EXPECT_EQ(observer_.node(Address(from))->errors_of(RedisErrorKind::kOther),
            0);
}

TEST_F(RedisClusterObserverTest, AMigratingSlotAnswersAsk) {
  RedisClient client(Options(cluster_.seed_url(), 2, &observer_));
  ASSERT_TRUE(client.Command({"PING"}, Soon()).ok());  // The table is read.
  const std::string key = testing::KeyInSlot(200);
  ASSERT_TRUE(client.Command({"SET", key, "m"}, Soon()).ok());
  const int from = cluster_.OwnerOf(200);
  ASSERT_TRUE(cluster_.BeginMigration(200, (from + 2) % 3));
  ASSERT_TRUE(cluster_.MigrateKey(200, key));
  absl::StatusOr<RedisReply> got = client.Command({"GET", key}, Soon());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->str, "m");
  EXPECT_EQ(observer_.node(Address(from))->ask, 1);
  EXPECT_EQ(observer_.Sum(&NodeCounts::ask), 1);
  EXPECT_EQ(observer_.Sum(&NodeCounts::moved), 0);
  ASSERT_TRUE(cluster_.FinishMigration(200));
}

}  // namespace
}  // namespace comments
