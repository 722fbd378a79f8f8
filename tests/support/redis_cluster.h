#ifndef COMMENTS_TESTS_SUPPORT_REDIS_CLUSTER_H_
#define COMMENTS_TESTS_SUPPORT_REDIS_CLUSTER_H_

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace comments::testing {

// A private Redis Cluster for one test: `primaries` primaries, each owning an
// even share of the 16384 slots in one contiguous range (node 0 the lowest;
// split as redis-cli --cluster create splits them, so with 3 primaries
// 0-5460, 5461-10922, 10923-16383), and `replicas` replicas of each. Every node
// is a redis-server on 127.0.0.1 at a TCP port (and a cluster bus port) chosen
// free, in its own temp dir, persisting nothing but its nodes.conf; all are
// stopped when the cluster is destroyed.
//
// Nodes are numbered 0..size()-1: primaries first, then the replicas of
// primary 0, of primary 1, and so on. A node keeps its number when its role
// changes (Failover), so "primary" below means a node that is a primary now.
//
// The calls that change the cluster (Start, MoveSlot, FinishMigration,
// Failover, StartNode) return only once every running node agrees:
// cluster_state:ok everywhere, the same CLUSTER SLOTS on every node (all
// 16384 slots covered), no node seeing a running node as failed, and every
// replica's link to its primary up. They give up after about 20 s and
// return false.
//
// Not thread-safe, and the nodes die with the thread that started them
// (see Subprocess): start and stop nodes from the test's own thread. The
// const calls may run from any thread while no other call runs.
class RedisCluster final {
 public:
  // The cluster-node-timeout every node runs with: how long a node may be
  // silent before the others suspect it.
  static constexpr int kNodeTimeoutMs = 2000;

  // REQUIRES: primaries >= 1, replicas >= 0.
  explicit RedisCluster(int primaries = 3, int replicas = 0);
  ~RedisCluster();
  RedisCluster(const RedisCluster&) = delete;
  RedisCluster& operator=(const RedisCluster&) = delete;

  // Starts every node, assigns the slots (CLUSTER ADDSLOTSRANGE), joins the
  // nodes (CLUSTER MEET), attaches the replicas (CLUSTER REPLICATE) and waits
  // for agreement (above). Returns false, with every node's log and what
  // was still missing printed to stderr, if that does not happen.
  // REQUIRES: called once.
  bool Start();

  // "redis://127.0.0.1:PORT" of node 0: the seed a client is given.
  std::string seed_url() const { return url(0); }
  // All nodes, replicas included.
  int size() const { return static_cast<int>(nodes_.size()); }
  int port(int node) const;
  std::string url(int node) const;             // "redis://127.0.0.1:PORT"
  const std::string& node_id(int node) const;  // 40 hex digits.

  // Runs one command on one node, its words separated by single spaces (as
  // RedisServer::Query), and returns the reply's text: a status, a string,
  // an error message (so "MOVED 3999 127.0.0.1:40001"), an integer in
  // decimal; "" for nil, arrays, or when the node cannot be reached.
  std::string Query(int node, const std::string& command) const;
  // The same with the words given one by one: binary safe, any word empty
  // or holding spaces.
  std::string Query(int node, const std::vector<std::string>& argv) const;

  // The node that owns `slot` now, as the first running node's CLUSTER SLOTS
  // says; -1 if none does or no node answers.
  int OwnerOf(int slot) const;

  // Moves `slot`, with its keys, from its owner to primary `to`, the way
  // redis-cli --cluster reshard does: BeginMigration, every key migrated,
  // FinishMigration. True at once if `to` owns the slot already.
  bool MoveSlot(int slot, int to);

  // The steps of MoveSlot, for a test that wants the cluster mid-migration,
  // where the owner answers ASK for a key it no longer has.
  //
  // BeginMigration marks `slot` IMPORTING on `to`, then MIGRATING on its
  // owner (CLUSTER SETSLOT); no key moves. False if either refuses.
  // REQUIRES: no migration of `slot` is under way.
  bool BeginMigration(int slot, int to);
  // MIGRATEs `key` from the slot's owner to the importing node. False if the
  // owner does not hold it (NOKEY) or MIGRATE fails.
  // REQUIRES: BeginMigration(slot, ...) succeeded; `key` lies in `slot`.
  bool MigrateKey(int slot, const std::string& key);
  // Migrates the slot's remaining keys, gives the slot to the importing node
  // (CLUSTER SETSLOT NODE on it, then on the old owner, then on every other
  // primary) and waits for agreement.
  // REQUIRES: BeginMigration(slot, ...) succeeded.
  bool FinishMigration(int slot);

  // Promotes replica `replica_node` over its primary with a graceful
  // CLUSTER FAILOVER (the primary stops writes until the replica has caught
  // up, so nothing acknowledged is lost) and waits until every node agrees
  // that it owns its old primary's slots and the old primary is its
  // replica, in sync. False if not.
  // REQUIRES: `replica_node` is a replica now; its primary runs and owns a
  // slot.
  bool Failover(int replica_node);

  // Stops one node (SIGTERM; it keeps its nodes.conf, and with it its
  // identity, role and slots) and returns at once. The others mark it
  // failed after the node timeout and a round of gossip (about 4 s here).
  // Then a replica of a stopped primary takes over by itself (here about
  // 4 s after the stop); without one, every node reports cluster_state:fail
  // until the primary is back.
  void StopNode(int node);
  // Restarts a stopped node on the same ports with the same nodes.conf (its
  // data is gone: nothing else persists) and waits for agreement. A
  // restarted primary takes at least 2 s (it waits that long before it
  // serves, answering CLUSTERDOWN), about 4 s once the others had marked it
  // failed; a replica about 1 s (a full resync).
  bool StartNode(int node);

 private:
  struct Node;

  bool StartProcess(Node& node, bool fresh);
  // Polls Agreed (and, for slot >= 0, that `owner` owns `slot`) until it
  // holds or `give_up` passes; then `missing` says what was still missing.
  bool WaitForAgreement(std::chrono::steady_clock::time_point give_up, int slot,
                        int owner, std::string* missing) const;
  bool Agreed(std::string* missing) const;
  void PrintLogs(const std::string& why) const;
  int IndexOfPort(int port) const;
  std::vector<int> RunningPrimaries() const;

  const int primaries_;
  const int replicas_;
  std::vector<std::unique_ptr<Node>> nodes_;
  // Migrations begun and not yet finished: slot -> (source, target) nodes.
  std::map<int, std::pair<int, int>> migrations_;
};

}  // namespace comments::testing

#endif  // COMMENTS_TESTS_SUPPORT_REDIS_CLUSTER_H_
