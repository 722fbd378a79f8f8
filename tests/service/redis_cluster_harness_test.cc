// The Redis Cluster test harness itself, against real redis-server nodes:
// the cluster it starts answers as a cluster must (MOVED, ASK), and its
// reshards, failovers and restarts leave the cluster agreed. The client's
// cluster tests lean on every one of these.
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/support/redis_cluster.h"

namespace comments {
namespace {

using testing::RedisCluster;

// The slot of `key`, as the cluster computes it.
int SlotOf(const RedisCluster& cluster, const std::string& key) {
  return std::stoi(cluster.Query(0, "CLUSTER KEYSLOT " + key));
}

// "MOVED 1234 127.0.0.1:PORT" / "ASK ..." pointing at `node`.
std::string Redirect(const char* kind, int slot, const RedisCluster& cluster,
                     int node) {
  return std::string(kind) + " " + std::to_string(slot) +
         " 127.0.0.1:" + std::to_string(cluster.port(node));
}

class RedisClusterTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(cluster_.Start()); }
  RedisCluster cluster_;
};

TEST_F(RedisClusterTest, SplitsTheSlotsEvenlyInOrder) {
  ASSERT_EQ(cluster_.size(), 3);
  EXPECT_EQ(cluster_.OwnerOf(0), 0);
  EXPECT_EQ(cluster_.OwnerOf(5460), 0);
  EXPECT_EQ(cluster_.OwnerOf(5461), 1);
  EXPECT_EQ(cluster_.OwnerOf(10922), 1);
  EXPECT_EQ(cluster_.OwnerOf(10923), 2);
  EXPECT_EQ(cluster_.OwnerOf(16383), 2);
  EXPECT_EQ(cluster_.seed_url(),
            "redis://127.0.0.1:" + std::to_string(cluster_.port(0)));
  for (int node = 0; node < cluster_.size(); ++node) {
    EXPECT_TRUE(absl::StrContains(cluster_.Query(node, "CLUSTER INFO"),
                                  "cluster_known_nodes:3"));
    EXPECT_EQ(cluster_.node_id(node).size(), 40u);
  }
}

TEST_F(RedisClusterTest, OwnerServesTheKeyOthersAnswerMoved) {
  for (const std::string key : {"a", "b", "c", "comment:42"}) {
    const int slot = SlotOf(cluster_, key);
    const int owner = cluster_.OwnerOf(slot);
    ASSERT_GE(owner, 0) << key;
    EXPECT_EQ(cluster_.Query(owner, {"SET", key, "value of " + key}), "OK");
    EXPECT_EQ(cluster_.Query(owner, {"GET", key}), "value of " + key);
    for (int other = 0; other < cluster_.size(); ++other) {
      if (other == owner) continue;
      EXPECT_EQ(cluster_.Query(other, "GET " + key),
                Redirect("MOVED", slot, cluster_, owner));
    }
  }
}

TEST_F(RedisClusterTest, MoveSlotTakesEveryKeyAlong) {
  const int slot = SlotOf(cluster_, "{article}");
  const int from = cluster_.OwnerOf(slot);
  const int to = (from + 1) % 3;
  for (int i = 0; i < 250; ++i) {  // More than one MIGRATE batch.
    ASSERT_EQ(cluster_.Query(from, "SET {article}:" + std::to_string(i) + " " +
                                       std::to_string(i)),
              "OK");
  }
  ASSERT_TRUE(cluster_.MoveSlot(slot, to));
  EXPECT_EQ(cluster_.OwnerOf(slot), to);
  EXPECT_EQ(
      cluster_.Query(to, "CLUSTER COUNTKEYSINSLOT " + std::to_string(slot)),
      "250");
  EXPECT_EQ(cluster_.Query(to, "GET {article}:249"), "249");
  EXPECT_EQ(cluster_.Query(from, "GET {article}:249"),
            Redirect("MOVED", slot, cluster_, to));
  // Its neighbours stayed.
  EXPECT_EQ(cluster_.OwnerOf(slot + 1), from);
  EXPECT_TRUE(cluster_.MoveSlot(slot, to));  // Already there: nothing to do.
}

TEST_F(RedisClusterTest, HalfMigratedSlotAnswersAskForMovedKeys) {
  const int slot = SlotOf(cluster_, "{page}");
  const int from = cluster_.OwnerOf(slot);
  const int to = (from + 2) % 3;
  ASSERT_EQ(cluster_.Query(from, "SET {page}:moved 1"), "OK");
  ASSERT_EQ(cluster_.Query(from, "SET {page}:stays 2"), "OK");

  ASSERT_TRUE(cluster_.BeginMigration(slot, to));
  ASSERT_TRUE(cluster_.MigrateKey(slot, "{page}:moved"));
  EXPECT_FALSE(cluster_.MigrateKey(slot, "{page}:absent"));
  EXPECT_EQ(cluster_.Query(from, "GET {page}:moved"),
            Redirect("ASK", slot, cluster_, to));
  EXPECT_EQ(cluster_.Query(from, "GET {page}:stays"), "2");
  // Without ASKING the importing node still sends clients to the owner.
  EXPECT_EQ(cluster_.Query(to, "GET {page}:moved"),
            Redirect("MOVED", slot, cluster_, from));
  EXPECT_EQ(cluster_.OwnerOf(slot), from);

  ASSERT_TRUE(cluster_.FinishMigration(slot));
  EXPECT_EQ(cluster_.OwnerOf(slot), to);
  EXPECT_EQ(cluster_.Query(to, "GET {page}:moved"), "1");
  EXPECT_EQ(cluster_.Query(to, "GET {page}:stays"), "2");
  EXPECT_EQ(cluster_.Query(from, "GET {page}:stays"),
            Redirect("MOVED", slot, cluster_, to));
}

TEST_F(RedisClusterTest, RestartedPrimaryServesItsSlotsAgain) {
  std::string key = "restarted";
  while (cluster_.OwnerOf(SlotOf(cluster_, key)) != 1) key += "+";
  cluster_.StopNode(1);
  EXPECT_EQ(cluster_.Query(1, "PING"), "");
  ASSERT_TRUE(cluster_.StartNode(1));
  EXPECT_EQ(cluster_.OwnerOf(5461), 1);
  EXPECT_EQ(cluster_.Query(1, {"SET", key, "yes"}), "OK");
  EXPECT_EQ(cluster_.Query(0, {"GET", key}),
            Redirect("MOVED", SlotOf(cluster_, key), cluster_, 1));
}

TEST(RedisClusterWithReplicasTest, FailoverPromotesTheReplicaAndNodesRestart) {
  RedisCluster cluster(/*primaries=*/3, /*replicas=*/1);
  ASSERT_TRUE(cluster.Start());
  ASSERT_EQ(cluster.size(), 6);
  // Nodes 3, 4, 5 follow primaries 0, 1, 2.
  for (int replica = 3; replica < 6; ++replica) {
    const std::string info = cluster.Query(replica, "INFO replication");
    EXPECT_TRUE(absl::StrContains(info, "role:slave")) << replica;
    EXPECT_TRUE(absl::StrContains(
        info, "master_port:" + std::to_string(cluster.port(replica - 3))));
  }
  const int slot = SlotOf(cluster, "kept");
  ASSERT_EQ(cluster.OwnerOf(slot), 0);
  ASSERT_EQ(cluster.Query(0, "SET kept across-failover"), "OK");
  // A replica sends clients to its primary (unless they sent READONLY).
  EXPECT_EQ(cluster.Query(3, "GET kept"), Redirect("MOVED", slot, cluster, 0));

  ASSERT_TRUE(cluster.Failover(3));
  EXPECT_EQ(cluster.OwnerOf(slot), 3);
  EXPECT_EQ(cluster.OwnerOf(0), 3);
  EXPECT_EQ(cluster.Query(3, "GET kept"), "across-failover");
  EXPECT_EQ(cluster.Query(0, "GET kept"), Redirect("MOVED", slot, cluster, 3));
  EXPECT_TRUE(
      absl::StrContains(cluster.Query(0, "INFO replication"), "role:slave"));

  // The old primary, now a replica, comes back as one and resyncs: its data
  // did not persist, the primary's did not go anywhere.
  cluster.StopNode(0);
  EXPECT_EQ(cluster.Query(0, "PING"), "");
  ASSERT_TRUE(cluster.StartNode(0));
  EXPECT_TRUE(
      absl::StrContains(cluster.Query(0, "INFO replication"), "role:slave"));
  EXPECT_TRUE(absl::StrContains(cluster.Query(0, "INFO keyspace"), "keys=1,"));
  EXPECT_EQ(cluster.OwnerOf(slot), 3);
}

}  // namespace
}  // namespace comments
