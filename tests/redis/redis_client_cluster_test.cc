// RedisClient against a real Redis Cluster of three primaries: routing by
// slot, pipelines split across primaries, SCAN over all of them, and the
// redirections a cluster sends while slots move or a primary fails over.
#include <atomic>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "redis/internal/redis_cluster.h"
#include "redis/redis_client.h"
#include "tests/support/cluster_keys.h"
#include "tests/support/redis_cluster.h"
#include "tests/support/redis_server.h"

namespace comments {
namespace {

absl::Time Soon() { return absl::Now() + absl::Seconds(5); }

RedisClientOptions OptionsOf(const std::string& url) {
  return RedisClientOptions{RedisEndpoint::Parse(url).value(),
                            /*connections=*/2, absl::Milliseconds(500),
                            absl::Milliseconds(20)};
}

RedisClient ClientOf(const std::string& url) {
  return RedisClient(OptionsOf(url));
}

class RedisClusterClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(cluster_.Start()); }

  // The primary that holds `key`, asked directly.
  std::string GetOnOwner(const std::string& key) {
    return cluster_.Query(cluster_.OwnerOf(KeySlot(key)), "GET " + key);
  }

  // MOVED replies the primaries have sent: none once the client knows the
  // slot table, so they show whether it routes or is redirected.
  int MovedReplies() {
    int moved = 0;
    for (int node = 0; node < 3; ++node) {
      const std::string stats = cluster_.Query(node, "INFO errorstats");
      const size_t at = stats.find("errorstat_MOVED:count=");
      if (at != std::string::npos) {
        moved += std::atoi(stats.c_str() + at + 22);
      }
    }
    return moved;
  }

  testing::RedisCluster cluster_{/*primaries=*/3};
};

TEST_F(RedisClusterClientTest, FindsTheClusterAndRoutesEachKeyToItsPrimary) {
  RedisClient client = ClientOf(cluster_.seed_url());
  ASSERT_TRUE(client.Command({"PING"}, Soon()).ok());  // The table is read.
  std::set<int> owners;
  for (int i = 0; i < 60; ++i) {
    const std::string key = absl::StrCat("article:{a", i, "}:n");
    ASSERT_TRUE(client.Command({"SET", key, absl::StrCat(i)}, Soon()).ok())
        << key;
    owners.insert(cluster_.OwnerOf(KeySlot(key)));
    EXPECT_EQ(GetOnOwner(key), absl::StrCat(i));
    absl::StatusOr<RedisReply> got = client.Command({"GET", key}, Soon());
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->str, absl::StrCat(i));
  }
  EXPECT_TRUE(client.cluster());
  EXPECT_EQ(owners.size(), 3u);  // The keys did span every primary.
  EXPECT_EQ(MovedReplies(), 0);  // Each went straight to its primary.
}

TEST_F(RedisClusterClientTest, SplitsAPipelineAcrossPrimariesInOrder) {
  RedisClient client = ClientOf(cluster_.seed_url());
  ASSERT_TRUE(client.Command({"PING"}, Soon()).ok());  // The table is read.
  std::vector<RedisArgv> commands;
  for (int i = 0; i < 30; ++i) {
    commands.push_back({"SET", absl::StrCat("p", i), absl::StrCat("v", i)});
  }
  // A transaction, whose keys share a tag, goes whole to one primary.
  commands.push_back({"MULTI"});
  commands.push_back({"INCR", "t:{tx}:a"});
  commands.push_back({"INCR", "t:{tx}:b"});
  commands.push_back({"EXEC"});
  commands.push_back({"HGET", "p3", "f"});  // An error stays in its slot.
  for (int i = 0; i < 30; ++i)
    commands.push_back({"GET", absl::StrCat("p", i)});
  absl::StatusOr<RedisReplies> replies = client.Pipeline(commands, Soon());
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), commands.size());
  const RedisReply& exec = (*replies)[33];
  ASSERT_EQ(exec.type, RedisReply::Type::kArray);
  ASSERT_EQ(exec.elements.size(), 2u);
  EXPECT_EQ(exec.elements[1].integer, 1);
  EXPECT_TRUE((*replies)[34].is_error());
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ((*replies)[35 + i].str, absl::StrCat("v", i)) << i;
  }
  EXPECT_EQ(MovedReplies(), 0);  // Split by the table, not by redirections.
}

TEST_F(RedisClusterClientTest, ACrossSlotCommandIsRefusedAsInACluster) {
  RedisClient client = ClientOf(cluster_.seed_url());
  absl::StatusOr<RedisReply> r = client.Command({"MGET", "a", "b"}, Soon());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(r.status().message().find("CROSSSLOT"), std::string::npos)
      << r.status();
}

TEST_F(RedisClusterClientTest, ScanCoversEveryPrimary) {
  RedisClient client = ClientOf(cluster_.seed_url());
  std::vector<RedisArgv> sets;
  for (int i = 0; i < 90; ++i)
    sets.push_back({"SET", absl::StrCat("s:", i), "x"});
  ASSERT_TRUE(client.Pipeline(sets, Soon()).ok());
  ASSERT_TRUE(client.Command({"SET", "other", "x"}, Soon()).ok());
  std::set<std::string> seen;
  // A new client's first call: the scan must wait to learn it is on a
  // cluster rather than scan the seed alone.
  RedisClient fresh = ClientOf(cluster_.seed_url());
  absl::Status s = fresh.Scan({"MATCH", "s:*", "COUNT", "7"}, Soon(),
                               [&](const RedisReply& keys) {
                                 for (const RedisReply& key : keys.elements)
                                   seen.insert(key.str);
                                 return absl::OkStatus();
                               });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(seen.size(), 90u);
  EXPECT_EQ(seen.count("other"), 0u);
  // An error from the page callback stops the scan and is returned.
  absl::Status stopped = client.Scan(
      {"MATCH", "s:*"}, Soon(),
      [](const RedisReply&) { return absl::AbortedError("enough"); });
  EXPECT_EQ(stopped.code(), absl::StatusCode::kAborted);
}

TEST_F(RedisClusterClientTest, FollowsMovedWhenASlotHasMoved) {
  RedisClient client = ClientOf(cluster_.seed_url());
  ASSERT_TRUE(client.Command({"PING"}, Soon()).ok());  // The table is read.
  const std::string key = testing::KeyInSlot(100);
  ASSERT_TRUE(client.Command({"SET", key, "before"}, Soon()).ok());
  const int from = cluster_.OwnerOf(100);
  const int to = (from + 1) % 3;
  ASSERT_TRUE(cluster_.MoveSlot(100, to));
  // The client still thinks `from` serves the slot: it is told MOVED,
  // follows, and learns the new owner.
  absl::StatusOr<RedisReply> got = client.Command({"GET", key}, Soon());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->str, "before");
  ASSERT_TRUE(client.Command({"SET", key, "after"}, Soon()).ok());
  EXPECT_EQ(cluster_.Query(to, "GET " + key), "after");
  EXPECT_EQ(MovedReplies(), 1);  // Learned from the first.
  // A transaction on the moved slot is sent again whole.
  absl::StatusOr<RedisReplies> tx =
      client.Pipeline({{"MULTI"}, {"SET", key, "tx"}, {"EXEC"}}, Soon());
  ASSERT_TRUE(tx.ok()) << tx.status();
  EXPECT_EQ(cluster_.Query(to, "GET " + key), "tx");
}

TEST_F(RedisClusterClientTest, FollowsAskWhileASlotIsMigrating) {
  RedisClient client = ClientOf(cluster_.seed_url());
  const std::string moved = testing::KeyInSlot(200);
  ASSERT_TRUE(client.Command({"SET", moved, "m"}, Soon()).ok());
  const int from = cluster_.OwnerOf(200);
  const int to = (from + 2) % 3;
  ASSERT_TRUE(cluster_.BeginMigration(200, to));
  ASSERT_TRUE(cluster_.MigrateKey(200, moved));
  // The source answers ASK for the key it no longer has; the client asks
  // the target with ASKING, and the slot table stays as it was.
  absl::StatusOr<RedisReply> got = client.Command({"GET", moved}, Soon());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->str, "m");
  // A new key of the migrating slot is created on the target.
  absl::StatusOr<RedisReplies> both = client.Pipeline(
      {{"GET", moved}, {"SET", "{" + moved + "}:new", "n"}}, Soon());
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ((*both)[0].str, "m");
  ASSERT_TRUE(cluster_.FinishMigration(200));
  EXPECT_EQ(cluster_.Query(to, "GET {" + moved + "}:new"), "n");
  absl::StatusOr<RedisReply> after = client.Command({"GET", moved}, Soon());
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->str, "m");
}

// Writes racing slot moves: every INCR that succeeded counted exactly once
// (a MOVED or ASK reply means Redis ran nothing, so following it never runs
// a command twice), and none failed but for a passing refusal.
TEST_F(RedisClusterClientTest, WritesDuringReshardingCountExactlyOnce) {
  RedisClient client = ClientOf(cluster_.seed_url());
  ASSERT_TRUE(client.Command({"PING"}, Soon()).ok());
  constexpr int kKeys = 12;
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i) keys.push_back(testing::KeyInSlot(1000 * i + 7));
  std::vector<std::atomic<int>> counted(kKeys);
  std::atomic<bool> stop{false};
  std::atomic<int> unexpected{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = t; !stop.load(); ++i) {
        const int k = i % kKeys;
        absl::StatusOr<RedisReply> r =
            client.Command({"INCR", keys[k]}, Soon());
        if (r.ok()) {
          ++counted[k];
        } else if (!absl::IsUnavailable(r.status())) {
          ++unexpected;  // DEADLINE_EXCEEDED would leave the count unknown.
        }
      }
    });
  }
  // Each key's slot moves to the next primary, twice over.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kKeys; ++i) {
      const int slot = 1000 * i + 7;
      ASSERT_TRUE(cluster_.MoveSlot(slot, (cluster_.OwnerOf(slot) + 1) % 3));
    }
  }
  stop = true;
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(unexpected.load(), 0);
  int total = 0;
  for (int k = 0; k < kKeys; ++k) {
    absl::StatusOr<RedisReply> value = client.Command({"GET", keys[k]}, Soon());
    ASSERT_TRUE(value.ok()) << value.status();
    EXPECT_EQ(value->str, absl::StrCat(counted[k].load())) << keys[k];
    total += counted[k].load();
  }
  EXPECT_GT(total, 100);
  EXPECT_GT(MovedReplies(), 0);  // The writes did race the moves.
}

TEST(RedisClusterFailoverTest, RidesOutAFailover) {
  testing::RedisCluster cluster(/*primaries=*/3, /*replicas=*/1);
  ASSERT_TRUE(cluster.Start());
  RedisClient client = ClientOf(cluster.seed_url());
  const std::string key = testing::KeyInSlot(0);
  ASSERT_TRUE(client.Command({"SET", key, "v1"}, Soon()).ok());
  const int old_primary = cluster.OwnerOf(0);
  // Replicas follow the primaries: node 3 replicates 0, 4 replicates 1...
  const int replica = 3 + old_primary;
  ASSERT_TRUE(cluster.Failover(replica));
  ASSERT_EQ(cluster.OwnerOf(0), replica);
  // The demoted primary answers MOVED to its successor.
  ASSERT_TRUE(client.Command({"SET", key, "v2"}, Soon()).ok());
  EXPECT_EQ(cluster.Query(replica, "GET " + key), "v2");
  // With the old primary gone, the client keeps using the new one.
  cluster.StopNode(old_primary);
  absl::StatusOr<RedisReply> got = client.Command({"GET", key}, Soon());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->str, "v2");
}

TEST(RedisClusterDetectionTest, AClusterFoundLateIsRoutedOnceItsTableIsRead) {
  testing::RedisCluster cluster(/*primaries=*/3);
  ASSERT_TRUE(cluster.Start());
  cluster.StopNode(0);
  // The seed is down: the client cannot read the slot table, and treats the
  // seed as a plain Redis until told otherwise.
  RedisClient client = ClientOf(cluster.seed_url());
  EXPECT_EQ(client.Command({"PING"}, Soon()).status().code(),
            absl::StatusCode::kUnavailable);
  ASSERT_TRUE(cluster.StartNode(0));
  const std::string key = testing::KeyInSlot(6000);  // Primary 1's.
  ASSERT_EQ(cluster.OwnerOf(6000), 1);
  // Sent to the seed, which answers MOVED: the client follows, and from then
  // on routes by the table it reads.
  ASSERT_TRUE(client.Command({"SET", key, "v"}, Soon()).ok());
  EXPECT_TRUE(client.cluster());
  EXPECT_EQ(cluster.Query(1, "GET " + key), "v");
  absl::StatusOr<RedisReply> got = client.Command({"GET", key}, Soon());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->str, "v");
}

TEST(RedisClusterDetectionTest, OtherSeedsFindTheClusterWhenTheFirstIsDown) {
  testing::RedisCluster cluster(/*primaries=*/3);
  ASSERT_TRUE(cluster.Start());
  cluster.StopNode(0);
  RedisClientOptions options = OptionsOf(cluster.url(0));
  options.other_seeds.push_back(RedisEndpoint::Parse(cluster.url(2)).value());
  RedisClient client(options);
  const std::string key = testing::KeyInSlot(6000);  // Primary 1's.
  // The first calls go to the dead seed while the table is asked of the
  // seeds in turn; then they are routed past it.
  absl::Status set = absl::UnavailableError("not tried");
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (!set.ok() && absl::Now() < give_up) {
    set = client.Command({"SET", key, "v"}, Soon()).status();
    if (!set.ok()) absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(set.ok()) << set;
  EXPECT_TRUE(client.cluster());
  EXPECT_EQ(cluster.Query(1, "GET " + key), "v");
}

TEST(RedisClusterDetectionTest, AStandaloneServerIsNotACluster) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  RedisClient client = ClientOf(redis.url());
  ASSERT_TRUE(client.Command({"SET", "k", "v"}, Soon()).ok());
  // The slot-table request went first on the same connection, so its answer
  // has been read by now.
  EXPECT_EQ(client.cluster(), testing::RedisServer::cluster_mode());
}

}  // namespace
}  // namespace comments
