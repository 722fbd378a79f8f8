#include "tests/support/redis_cluster.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/internal/redis_connection.h"
#include "tests/support/subprocess.h"

namespace comments::testing {
namespace {

using internal::Connection;
using internal::Reply;
using Clock = std::chrono::steady_clock;

constexpr int kSlots = 16384;
// How long Start and every other call that waits for agreement waits. Here
// a new cluster agrees about 2 s after its nodes start, since a primary
// waits that long before it serves (CLUSTER_WRITABLE_DELAY); a manual
// failover in well under 1 s, though Redis gives one up to 5 s
// (CLUSTER_MF_TIMEOUT). The rest is room for a busy 2-core machine.
constexpr auto kPatience = std::chrono::seconds(20);
constexpr auto kPoll = std::chrono::milliseconds(20);
// Bounds each command, so a node that hangs fails the call instead of the
// whole test.
constexpr auto kCommandTimeout = std::chrono::seconds(10);
// MIGRATE's own timeout, in milliseconds, for the transfer to the target.
constexpr char kMigrateTimeoutMs[] = "5000";
// Keys per MIGRATE while a slot is emptied.
constexpr char kKeysPerBatch[] = "100";

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// One line of CLUSTER NODES: "<id> <ip:port@cport[,hostname]> <flags>
// <primary id or -> <ping sent> <pong received> <epoch> <link> <slots>...".
struct NodeLine {
  std::string id;
  int port = 0;
  std::set<std::string> flags;  // myself, master, slave, fail?, fail, ...
  std::string primary_id;
};

std::vector<NodeLine> ParseClusterNodes(const std::string& text) {
  std::vector<NodeLine> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    NodeLine node;
    std::string address, flags;
    if (!(fields >> node.id >> address >> flags >> node.primary_id)) continue;
    const size_t colon = address.find(':');
    if (colon != std::string::npos) {
      node.port = std::atoi(address.c_str() + colon + 1);
    }
    std::istringstream flag_list(flags);
    for (std::string flag; std::getline(flag_list, flag, ',');) {
      node.flags.insert(flag);
    }
    lines.push_back(std::move(node));
  }
  return lines;
}

// One entry of CLUSTER SLOTS: [start, end, [ip, port, id, ...] of the
// primary, then one such array per replica].
struct SlotRange {
  int first = 0;
  int last = 0;
  int primary_port = 0;
  std::vector<int> replica_ports;  // Sorted: the order is no node's choice.
};

std::vector<SlotRange> ParseClusterSlots(const Reply& reply) {
  std::vector<SlotRange> ranges;
  for (const Reply& entry : reply.elements) {
    if (entry.elements.size() < 3) continue;
    SlotRange range;
    range.first = static_cast<int>(entry.elements[0].integer);
    range.last = static_cast<int>(entry.elements[1].integer);
    for (size_t i = 2; i < entry.elements.size(); ++i) {
      const Reply& node = entry.elements[i];
      const int port = node.elements.size() >= 2
                           ? static_cast<int>(node.elements[1].integer)
                           : 0;
      if (i == 2) {
        range.primary_port = port;
      } else {
        range.replica_ports.push_back(port);
      }
    }
    std::sort(range.replica_ports.begin(), range.replica_ports.end());
    ranges.push_back(std::move(range));
  }
  std::sort(
      ranges.begin(), ranges.end(),
      [](const SlotRange& a, const SlotRange& b) { return a.first < b.first; });
  return ranges;
}

// "0-5460:40001[40004] 5461-10922:..." : two nodes agree when these match.
std::string Describe(const std::vector<SlotRange>& ranges) {
  std::string text;
  for (const SlotRange& r : ranges) {
    text += std::to_string(r.first) + "-" + std::to_string(r.last) + ":" +
            std::to_string(r.primary_port) + "[";
    for (size_t i = 0; i < r.replica_ports.size(); ++i) {
      text += (i == 0 ? "" : ",") + std::to_string(r.replica_ports[i]);
    }
    text += "] ";
  }
  return text;
}

}  // namespace

struct RedisCluster::Node {
  TempDir dir;
  Subprocess process;
  int port = 0;
  int bus_port = 0;
  std::string id;
  bool running = false;

  std::string log_path() const { return dir.path() + "/redis.log"; }
  Connection Connect() const {
    return Connection::Loopback(port, kCommandTimeout);
  }
};

RedisCluster::RedisCluster(int primaries, int replicas)
    : primaries_(primaries), replicas_(replicas) {
  for (int i = 0; i < primaries * (1 + replicas); ++i) {
    nodes_.push_back(std::make_unique<Node>());
  }
}

RedisCluster::~RedisCluster() {
  // All at once: each node's shutdown then overlaps the others'.
  for (const auto& node : nodes_) {
    if (node->running) kill(node->process.pid(), SIGTERM);
  }
  for (const auto& node : nodes_) node->process.Stop();
}

bool RedisCluster::StartProcess(Node& node, bool fresh) {
  // A port taken by another process between FreeLoopbackPort and the bind
  // (a parallel test's server, or any outgoing connection) makes
  // redis-server exit at once. A fresh node then tries new ports; a
  // restarted one must keep its own, which the others know it by.
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (fresh) {
      std::set<int> taken;
      for (const auto& other : nodes_) {
        if (other.get() == &node) continue;
        taken.insert(other->port);
        taken.insert(other->bus_port);
      }
      do {
        node.port = internal::FreeLoopbackPort();
      } while (node.port == 0 || taken.count(node.port) != 0);
      do {
        node.bus_port = internal::FreeLoopbackPort();
      } while (node.bus_port == 0 || node.bus_port == node.port ||
               taken.count(node.bus_port) != 0);
      // A failed try may have written an identity for the old ports.
      std::error_code ignored;
      std::filesystem::remove(node.dir.path() + "/nodes.conf", ignored);
    } else if (attempt > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    // The arguments in pairs.
    // clang-format off
    const std::vector<std::string> argv = {
        REDIS_SERVER_PATH,
        "--port", std::to_string(node.port),
        "--bind", "127.0.0.1",
        "--cluster-enabled", "yes",
        "--cluster-config-file", "nodes.conf",
        // Not the default (port + 10000), which may be anyone's.
        "--cluster-port", std::to_string(node.bus_port),
        "--cluster-node-timeout", std::to_string(kNodeTimeoutMs),
        "--save", "",
        "--appendonly", "no",
        // A replica's full sync goes over the socket at once: by default
        // the primary waits 5 s for more replicas to share it, and the
        // replica writes the data to disk before loading it.
        "--repl-diskless-sync-delay", "0",
        "--repl-diskless-load", "on-empty-db",
        // CLUSTER SLOTS leaves out a replica whose replication offset is
        // still 0; the primary's pings to its replicas (every 10 s by
        // default) move the offset even while nobody writes.
        "--repl-ping-replica-period", "1",
        "--dir", node.dir.path(),
        "--daemonize", "no",
        "--enable-debug-command", "local"};
    // clang-format on
    if (!node.process.Start(argv, node.log_path())) return false;
    // The pid tells this server from another that holds the port.
    const std::string pid_line =
        "process_id:" + std::to_string(node.process.pid());
    const auto give_up = Clock::now() + kPatience;
    while (node.process.Running()) {
      if (Contains(node.Connect().Command({"INFO", "server"}).text(),
                   pid_line)) {
        node.running = true;
        return true;
      }
      if (Clock::now() > give_up) {
        node.process.Stop();
        return false;
      }
      std::this_thread::sleep_for(kPoll);
    }
  }
  return false;
}

bool RedisCluster::Start() {
  const auto give_up = Clock::now() + kPatience;
  for (int i = 0; i < size(); ++i) {
    if (!StartProcess(*nodes_[i], /*fresh=*/true)) {
      PrintLogs("node " + std::to_string(i) + " did not start");
      return false;
    }
  }
  for (int i = 0; i < size(); ++i) {
    nodes_[i]->id = Query(i, "CLUSTER MYID");
    // Slots and config epochs before the nodes meet: SET-CONFIG-EPOCH works
    // only on a node that knows no other, and distinct epochs spare the
    // cluster its collision handling (redis-cli does the same).
    if (Query(i, "CLUSTER SET-CONFIG-EPOCH " + std::to_string(i + 1)) != "OK") {
      PrintLogs("node " + std::to_string(i) + " refused its config epoch");
      return false;
    }
  }
  // The split redis-cli --cluster create makes.
  for (int p = 0, first = 0; p < primaries_; ++p) {
    const int last = p + 1 == primaries_
                         ? kSlots - 1
                         : static_cast<int>(std::lround(
                               (p + 1) * double{kSlots} / primaries_ - 1));
    if (Query(p, {"CLUSTER", "ADDSLOTSRANGE", std::to_string(first),
                  std::to_string(last)}) != "OK") {
      PrintLogs("primary " + std::to_string(p) + " refused its slots");
      return false;
    }
    first = last + 1;
  }
  // Every pair meets directly. Had node 0 met each and gossip done the
  // rest, a node could go seconds without hearing of a third.
  for (int i = 0; i < size(); ++i) {
    for (int j = i + 1; j < size(); ++j) {
      if (Query(i, {"CLUSTER", "MEET", "127.0.0.1", std::to_string(port(j)),
                    std::to_string(nodes_[j]->bus_port)}) != "OK") {
        PrintLogs("node " + std::to_string(i) + " could not meet node " +
                  std::to_string(j));
        return false;
      }
    }
  }
  // A replica can follow its primary once their handshake is done: until
  // then REPLICATE answers "Unknown node".
  for (int r = primaries_; r < size(); ++r) {
    const std::string& primary = nodes_[(r - primaries_) / replicas_]->id;
    while (Query(r, {"CLUSTER", "REPLICATE", primary}) != "OK") {
      if (Clock::now() > give_up) {
        PrintLogs("node " + std::to_string(r) + " did not learn its primary");
        return false;
      }
      std::this_thread::sleep_for(kPoll);
    }
  }
  std::string missing;
  if (!WaitForAgreement(give_up, -1, -1, &missing)) {
    PrintLogs("the cluster did not agree after Start: " + missing);
    return false;
  }
  return true;
}

int RedisCluster::port(int node) const { return nodes_[node]->port; }

std::string RedisCluster::url(int node) const {
  return "redis://127.0.0.1:" + std::to_string(port(node));
}

const std::string& RedisCluster::node_id(int node) const {
  return nodes_[node]->id;
}

std::string RedisCluster::Query(int node, const std::string& command) const {
  return Query(node, internal::SplitWords(command));
}

std::string RedisCluster::Query(int node,
                                const std::vector<std::string>& argv) const {
  return nodes_[node]->Connect().Command(argv).text();
}

int RedisCluster::OwnerOf(int slot) const {
  for (const auto& node : nodes_) {
    if (!node->running) continue;
    for (const SlotRange& r :
         ParseClusterSlots(node->Connect().Command({"CLUSTER", "SLOTS"}))) {
      if (r.first <= slot && slot <= r.last) return IndexOfPort(r.primary_port);
    }
    return -1;
  }
  return -1;
}

bool RedisCluster::MoveSlot(int slot, int to) {
  if (OwnerOf(slot) == to) return true;
  return BeginMigration(slot, to) && FinishMigration(slot);
}

bool RedisCluster::BeginMigration(int slot, int to) {
  const int from = OwnerOf(slot);
  if (from < 0 || to < 0 || to >= size() || from == to) return false;
  const std::string s = std::to_string(slot);
  // The target first, as redis-cli does: a client that the source sends
  // there with ASK must find it importing.
  if (Query(to, {"CLUSTER", "SETSLOT", s, "IMPORTING", node_id(from)}) !=
          "OK" ||
      Query(from, {"CLUSTER", "SETSLOT", s, "MIGRATING", node_id(to)}) !=
          "OK") {
    return false;
  }
  migrations_[slot] = {from, to};
  return true;
}

bool RedisCluster::MigrateKey(int slot, const std::string& key) {
  const auto it = migrations_.find(slot);
  if (it == migrations_.end()) return false;
  const auto [from, to] = it->second;
  return Query(from, {"MIGRATE", "127.0.0.1", std::to_string(port(to)), key,
                      "0", kMigrateTimeoutMs}) == "OK";
}

bool RedisCluster::FinishMigration(int slot) {
  const auto it = migrations_.find(slot);
  if (it == migrations_.end()) return false;
  const auto [from, to] = it->second;
  migrations_.erase(it);
  const std::string s = std::to_string(slot);
  const auto give_up = Clock::now() + kPatience;
  for (Connection source = nodes_[from]->Connect();;) {
    const Reply keys =
        source.Command({"CLUSTER", "GETKEYSINSLOT", s, kKeysPerBatch});
    if (keys.type != Reply::Type::kArray || Clock::now() > give_up) {
      return false;
    }
    if (keys.elements.empty()) break;
    // MIGRATE host port "" db timeout KEYS key...: the empty key says the
    // keys follow KEYS.
    std::vector<std::string> migrate = {"MIGRATE", "127.0.0.1",
                                        std::to_string(port(to)), ""};
    for (const char* word : {"0", kMigrateTimeoutMs, "KEYS"}) {
      migrate.push_back(word);
    }
    for (const Reply& key : keys.elements) migrate.push_back(key.str);
    if (source.Command(migrate).text() != "OK") return false;
  }
  // The target first: it bumps its config epoch as it takes the slot, so
  // its claim wins wherever gossip carries it. Then the source, which stops
  // answering ASK; then every other primary, sparing them a gossip round.
  std::vector<int> order = {to, from};
  for (int p : RunningPrimaries()) {
    if (p != to && p != from) order.push_back(p);
  }
  for (int n : order) {
    if (Query(n, {"CLUSTER", "SETSLOT", s, "NODE", node_id(to)}) != "OK") {
      return false;
    }
  }
  std::string missing;
  if (!WaitForAgreement(give_up, slot, to, &missing)) {
    PrintLogs("the cluster did not agree after moving slot " + s + ": " +
              missing);
    return false;
  }
  return true;
}

bool RedisCluster::Failover(int replica_node) {
  // The primary and one of its slots, to know when the promotion is agreed.
  int primary = -1;
  for (const NodeLine& line :
       ParseClusterNodes(Query(replica_node, "CLUSTER NODES"))) {
    if (line.flags.count("myself") == 0) continue;
    for (int i = 0; i < size(); ++i) {
      if (node_id(i) == line.primary_id) primary = i;
    }
  }
  int slot = -1;
  for (const SlotRange& r : ParseClusterSlots(
           nodes_[replica_node]->Connect().Command({"CLUSTER", "SLOTS"}))) {
    if (primary >= 0 && r.primary_port == port(primary)) slot = r.first;
  }
  if (slot < 0) return false;

  const auto give_up = Clock::now() + kPatience;
  std::string missing;
  while (Clock::now() < give_up) {
    // A manual failover not done in 5 s is abandoned (CLUSTER_MF_TIMEOUT):
    // ask again while the node is still a replica.
    if (Contains(Query(replica_node, "INFO replication"), "role:slave")) {
      const std::string reply = Query(replica_node, "CLUSTER FAILOVER");
      if (reply != "OK") {
        missing = "CLUSTER FAILOVER answered \"" + reply + "\"";
        break;
      }
    }
    const auto attempt_ends =
        std::min(give_up, Clock::now() + std::chrono::seconds(6));
    if (WaitForAgreement(attempt_ends, slot, replica_node, &missing)) {
      return true;
    }
  }
  PrintLogs("failover to node " + std::to_string(replica_node) +
            " was not agreed: " + missing);
  return false;
}

void RedisCluster::StopNode(int node) {
  nodes_[node]->process.Stop();
  nodes_[node]->running = false;
}

bool RedisCluster::StartNode(int node) {
  const auto give_up = Clock::now() + kPatience;
  if (!StartProcess(*nodes_[node], /*fresh=*/false)) {
    PrintLogs("node " + std::to_string(node) + " did not restart");
    return false;
  }
  std::string missing;
  if (!WaitForAgreement(give_up, -1, -1, &missing)) {
    PrintLogs("the cluster did not agree after node " + std::to_string(node) +
              " restarted: " + missing);
    return false;
  }
  return true;
}

bool RedisCluster::WaitForAgreement(Clock::time_point give_up, int slot,
                                    int owner, std::string* missing) const {
  for (;;) {
    if (Agreed(missing)) {
      if (slot < 0 || OwnerOf(slot) == owner) return true;
      *missing = "slot " + std::to_string(slot) + " is not on node " +
                 std::to_string(owner);
    }
    if (Clock::now() > give_up) return false;
    std::this_thread::sleep_for(kPoll);
  }
}

bool RedisCluster::Agreed(std::string* missing) const {
  std::string agreed_view;
  std::vector<SlotRange> agreed_ranges;
  for (int i = 0; i < size(); ++i) {
    const Node& node = *nodes_[i];
    if (!node.running) continue;
    const std::string who = "node " + std::to_string(i) + ": ";
    Connection c = node.Connect();
    if (!Contains(c.Command({"CLUSTER", "INFO"}).text(), "cluster_state:ok")) {
      *missing = who + "cluster_state is not ok";
      return false;
    }
    const std::vector<SlotRange> ranges =
        ParseClusterSlots(c.Command({"CLUSTER", "SLOTS"}));
    int covered = 0;
    for (const SlotRange& r : ranges) covered += r.last - r.first + 1;
    const std::string view = Describe(ranges);
    if (covered != kSlots) {
      *missing = who + "CLUSTER SLOTS covers " + std::to_string(covered) +
                 " slots: " + view;
      return false;
    }
    if (agreed_view.empty()) {
      agreed_view = view;
      agreed_ranges = ranges;
    }
    if (view != agreed_view) {
      *missing = who + "sees " + view + "where another sees " + agreed_view;
      return false;
    }
    const std::vector<NodeLine> known =
        ParseClusterNodes(c.Command({"CLUSTER", "NODES"}).text());
    if (known.size() != nodes_.size()) {
      *missing = who + "knows " + std::to_string(known.size()) + " nodes";
      return false;
    }
    for (const NodeLine& line : known) {
      const int other = IndexOfPort(line.port);
      if (other < 0 || !nodes_[other]->running) continue;
      for (const char* bad : {"fail?", "fail", "handshake", "noaddr"}) {
        if (line.flags.count(bad) != 0) {
          *missing = who + "flags node " + std::to_string(other) + " " + bad;
          return false;
        }
      }
    }
    const std::string replication = c.Command({"INFO", "replication"}).text();
    if (Contains(replication, "role:slave")) {
      if (!Contains(replication, "master_link_status:up")) {
        *missing = who + "its link to its primary is not up";
        return false;
      }
      bool listed = false;
      for (const SlotRange& r : agreed_ranges) {
        for (int p : r.replica_ports) listed = listed || p == node.port;
      }
      if (!listed) {
        *missing = who + "is not listed as a replica in " + agreed_view;
        return false;
      }
    }
  }
  return true;
}

void RedisCluster::PrintLogs(const std::string& why) const {
  std::fprintf(stderr, "RedisCluster: %s\n", why.c_str());
  for (int i = 0; i < size(); ++i) {
    std::fprintf(stderr, "--- node %d (port %d, bus %d) log:\n%s\n", i,
                 nodes_[i]->port, nodes_[i]->bus_port,
                 internal::FileContents(nodes_[i]->log_path()).c_str());
  }
}

int RedisCluster::IndexOfPort(int port) const {
  for (int i = 0; i < size(); ++i) {
    if (nodes_[i]->port == port) return i;
  }
  return -1;
}

std::vector<int> RedisCluster::RunningPrimaries() const {
  std::vector<int> primaries;
  for (const auto& node : nodes_) {
    if (!node->running) continue;
    for (const NodeLine& line : ParseClusterNodes(
             node->Connect().Command({"CLUSTER", "NODES"}).text())) {
      const int i = IndexOfPort(line.port);
      if (i >= 0 && nodes_[i]->running && line.flags.count("master") != 0) {
        primaries.push_back(i);
      }
    }
    break;
  }
  return primaries;
}

}  // namespace comments::testing
