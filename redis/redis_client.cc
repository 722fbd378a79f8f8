#include "redis/redis_client.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <fstream>
#include <memory>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "redis/internal/redis_cluster.h"
#include "redis/internal/redis_connection.h"

namespace comments {
namespace {

// Calls in flight on a node's first connection before others are used.
constexpr int kCallsBeforeSpilling = 32;

RedisEndpoint TcpEndpoint(const std::string& host, int port) {
  RedisEndpoint endpoint;
  endpoint.host = host;
  endpoint.port = port;
  return endpoint;
}

// A blocking call waits on an I/O thread: from one, it would wait on itself.
absl::Status MayBlock() {
  if (OnRedisIoThread()) {
    return absl::FailedPreconditionError(
        "redis: blocking call on the client's own I/O thread");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RedisEndpoint> RedisEndpoint::Parse(const std::string& url) {
  RedisEndpoint endpoint;
  absl::string_view rest(url);
  if (absl::ConsumePrefix(&rest, "unix://")) {
    if (rest.empty() || rest[0] != '/') {
      return absl::InvalidArgumentError(absl::StrCat(
          "redis endpoint '", url, "': unix:// needs an absolute path"));
    }
    endpoint.unix_path = std::string(rest);
    return endpoint;
  }
  if (!absl::ConsumePrefix(&rest, "redis://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis endpoint '", url,
                     "': expected redis://HOST:PORT or unix:///PATH"));
  }
  absl::ConsumeSuffix(&rest, "/");
  const size_t colon = rest.rfind(':');
  int port = 6379;
  absl::string_view host = rest;
  if (colon != absl::string_view::npos) {
    host = rest.substr(0, colon);
    if (!absl::SimpleAtoi(rest.substr(colon + 1), &port) || port <= 0 ||
        port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("redis endpoint '", url, "': bad port"));
    }
  }
  if (host.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis endpoint '", url, "': missing host"));
  }
  endpoint.host = std::string(host);
  endpoint.port = port;
  return endpoint;
}

absl::StatusOr<std::vector<RedisEndpoint>> RedisEndpoint::ParseList(
    const std::string& urls) {
  std::vector<RedisEndpoint> endpoints;
  for (absl::string_view element : absl::StrSplit(urls, ',')) {
    element = absl::StripAsciiWhitespace(element);
    std::string url(element);
    if (!endpoints.empty() && !absl::StrContains(element, "://")) {
      url = absl::StrCat("redis://", element);
    }
    absl::StatusOr<RedisEndpoint> endpoint = Parse(url);
    if (!endpoint.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("element ", endpoints.size() + 1, " of '", urls,
                       "': ", endpoint.status().message()));
    }
    endpoints.push_back(*std::move(endpoint));
  }
  return endpoints;
}

absl::StatusOr<RedisClientOptions> RedisClientOptionsFor(
    const std::string& seeds, const std::string& username,
    const std::string& password_file) {
  absl::StatusOr<std::vector<RedisEndpoint>> endpoints =
      RedisEndpoint::ParseList(seeds);
  if (!endpoints.ok()) return endpoints.status();
  RedisClientOptions options;
  options.endpoint = endpoints->front();
  options.other_seeds.assign(endpoints->begin() + 1, endpoints->end());
  options.username = username;
  if (password_file.empty()) {
    if (!username.empty()) {
      return absl::InvalidArgumentError(
          "redis_user needs redis_password_file");
    }
    return options;
  }
  std::ifstream in(password_file, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(password_file, " cannot be read"));
  }
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis_password_file ", password_file,
                     " has no password on its first line"));
  }
  options.password = std::move(line);
  return options;
}

std::string RedisEndpoint::ToString() const {
  if (!unix_path.empty()) return absl::StrCat("unix://", unix_path);
  return absl::StrCat("redis://", host, ":", port);
}

absl::Status FirstError(const RedisReplies& replies) {
  for (const RedisReply& reply : replies) {
    if (reply.is_error()) return reply.error_status();
  }
  return absl::OkStatus();
}

RedisBatch& RedisBatch::Begin(size_t argc) {
  ++commands_;
  absl::StrAppend(&wire_, "*", argc, "\r\n");
  return *this;
}

RedisBatch& RedisBatch::Arg(absl::string_view arg) {
  absl::StrAppend(&wire_, "$", arg.size(), "\r\n", arg, "\r\n");
  return *this;
}

RedisBatch& RedisBatch::Arg(int64_t arg) { return Arg(absl::StrCat(arg)); }

RedisBatch& RedisBatch::Add(const RedisArgv& argv) {
  Begin(argv.size());
  for (const std::string& arg : argv) Arg(arg);
  return *this;
}

// A Redis Cluster is found, not configured: the client asks its endpoint
// for CLUSTER SLOTS at start, and a server without cluster support (the
// usual single Redis) answers that it has none. Until the client knows,
// and whenever its slot table is stale, a MOVED or ASK reply sends the
// redirected part of a call where the cluster says, so a call is right
// either way and the table only saves the extra hop.
//
// In a cluster, a call's pipeline is cut into units (a command, or a
// MULTI ... EXEC transaction) by slot; units that live on one node go there
// as one pipeline, and their replies are put back in the call's order.
class RedisClient::Impl final : public RedisConnectionObserver {
 public:
  explicit Impl(const RedisClientOptions& options)
      : options_(options), seed_(AddNode(options.endpoint)) {
    for (std::atomic<Node*>& owner : owners_) {
      owner.store(nullptr, std::memory_order_relaxed);
    }
    for (const RedisEndpoint& endpoint : options.other_seeds) {
      other_seeds_.push_back(AddNode(endpoint));
    }
    RequestTopology();
  }

  ~Impl() override {
    closing_.store(true);
    std::vector<Node*> nodes;
    {
      absl::MutexLock lock(&mu_);
      for (const std::unique_ptr<Node>& node : nodes_)
        nodes.push_back(node.get());
    }
    // Every I/O thread is stopped before any node is freed: a callback on
    // one may still hand a call to another.
    for (Node* node : nodes) node->Stop();
  }

  void Send(std::string wire, size_t commands, absl::Time deadline,
            RedisDone done) {
    const Mode mode = mode_.load(std::memory_order_acquire);
    if (mode != Mode::kCluster) {
      // A plain Redis never redirects: its calls keep no copy to send again,
      // which would cost every call (see Redirected for a cluster found
      // after all). Until the server's kind is known, they do.
      if (mode == Mode::kUnknown) RequestTopology();
      seed_->Submit(std::move(wire), commands, deadline, 0,
                    /*resendable=*/mode == Mode::kUnknown, std::move(done));
      return;
    }
    const std::vector<BatchUnit> units = SplitBatch(wire);
    Node* target = nullptr;
    bool spread = false;
    for (const BatchUnit& unit : units) {
      Node* node = OwnerOf(unit.slot);
      if (node == nullptr) continue;
      if (target == nullptr) target = node;
      spread = spread || node != target;
    }
    if (!spread) {
      Node* node = target != nullptr ? target : seed_;
      node->Submit(std::move(wire), commands, deadline, 0,
                   /*resendable=*/true, std::move(done));
      return;
    }
    std::vector<Part> parts;
    for (const BatchUnit& unit : units) {
      Node* node = OwnerOf(unit.slot);
      AddUnit(PartFor(parts, node != nullptr ? node : target), wire, unit,
              /*asking=*/false);
    }
    SendParts(std::move(parts), RedisReplies(commands), deadline, 0,
              std::move(done));
  }

  absl::Status Scan(const RedisArgv& options, absl::Time deadline,
                    absl::FunctionRef<absl::Status(const RedisReply&)> page) {
    // Until the endpoint's kind is known, scanning the seed alone would
    // miss a cluster's other primaries (a scan as a new client's first
    // call, as comment-fsck makes it).
    if (absl::Status s = AwaitMode(deadline); !s.ok()) return s;
    std::vector<Node*> nodes = {seed_};
    if (cluster()) {
      absl::MutexLock lock(&mu_);
      nodes = primaries_;
    }
    if (nodes.empty()) {
      // A cluster found through a redirection, before its table came.
      RequestTopology();
      return absl::UnavailableError(
          "redis cluster: the slot table is not known yet");
    }
    for (Node* node : nodes) {
      std::string cursor = "0";
      do {
        RedisBatch batch;
        batch.Begin(2 + options.size()).Arg("SCAN").Arg(cursor);
        for (const std::string& word : options) batch.Arg(word);
        absl::StatusOr<RedisReplies> replies =
            Await<RedisReplies>([&](RedisDone done) {
              node->Submit(std::move(batch.wire_), 1, deadline, 0,
                           /*resendable=*/false, std::move(done));
            });
        if (!replies.ok()) return replies.status();
        const RedisReply& reply = replies->front();
        if (reply.is_error()) return reply.error_status();
        if (reply.elements.size() != 2) {
          return absl::InternalError("redis: malformed SCAN reply");
        }
        cursor = reply.elements[0].str;
        if (absl::Status s = page(reply.elements[1]); !s.ok()) return s;
      } while (cursor != "0");
    }
    return absl::OkStatus();
  }

  bool cluster() const {
    return mode_.load(std::memory_order_acquire) == Mode::kCluster;
  }

  // Waits for the answer to the slot table request that says whether the
  // endpoint is a cluster node, asking again while none is in flight.
  absl::Status AwaitMode(absl::Time deadline) {
    const absl::Time give_up = std::min(
        deadline, absl::Now() + options_.connect_timeout + absl::Seconds(2));
    while (mode_.load(std::memory_order_acquire) == Mode::kUnknown) {
      if (absl::Now() >= give_up) {
        return absl::UnavailableError(
            "redis: no answer yet to CLUSTER SLOTS, so not known whether "
            "the endpoint is a cluster");
      }
      RequestTopology();  // A no-op while one is in flight.
      absl::SleepFor(absl::Milliseconds(5));
    }
    return absl::OkStatus();
  }

  absl::Status PingAll(absl::Time deadline) {
    const bool in_cluster = cluster();
    std::vector<Node*> nodes = {seed_};
    if (in_cluster) {
      {
        absl::MutexLock lock(&mu_);
        nodes = primaries_;
      }
      int uncovered = 0;
      for (const std::atomic<Node*>& owner : owners_) {
        if (owner.load(std::memory_order_acquire) == nullptr) ++uncovered;
      }
      if (nodes.empty() || uncovered > 0) {
        RequestTopology();
        return absl::UnavailableError(absl::StrCat(
            "redis cluster: ", uncovered, " slots have no known primary"));
      }
    }
    // Every node is asked at once: a node that does not answer costs the
    // check its deadline once, not once per node behind it.
    struct Round {
      absl::Mutex mu;
      absl::Status error ABSL_GUARDED_BY(mu);
      size_t left ABSL_GUARDED_BY(mu) = 0;
      absl::Notification done;
    };
    auto round = std::make_shared<Round>();
    {
      absl::MutexLock lock(&round->mu);
      round->left = nodes.size();
    }
    for (Node* node : nodes) {
      RedisBatch batch;
      if (in_cluster) {
        batch.Add({"CLUSTER", "INFO"});
      } else {
        batch.Add({"PING"});
      }
      node->Submit(
          std::move(batch.wire_), 1, deadline, 0, /*resendable=*/false,
          [round, in_cluster, name = node->endpoint().ToString()](
              absl::StatusOr<RedisReplies> replies) {
            absl::Status s = NodeHealth(in_cluster, std::move(replies));
            absl::MutexLock lock(&round->mu);
            if (!s.ok() && round->error.ok()) {
              round->error = absl::Status(
                  s.code(),
                  absl::StrCat("redis node ", name, ": ", s.message()));
            }
            if (--round->left == 0) round->done.Notify();
          });
    }
    round->done.WaitForNotification();
    absl::MutexLock lock(&round->mu);
    if (!round->error.ok() && in_cluster) RequestTopology();
    return round->error;
  }

  // RedisConnectionObserver:
  void Redirected(const RedisEndpoint& from, std::string wire,
                  RedisReplies replies, absl::Time deadline, int redirects,
                  RedisDone done) override {
    if (closing_.load()) {
      return std::move(done)(absl::UnavailableError("redis: client closing"));
    }
    if (redirects >= kMaxRedirects) {
      return std::move(done)(absl::UnavailableError(
          absl::StrCat("redis cluster: still redirected after ", redirects,
                       " tries; its slots are moving")));
    }
    mode_.store(Mode::kCluster, std::memory_order_release);
    if (wire.empty()) {
      // Sent while the client took its server for a plain Redis (one that
      // became a cluster node since). Nothing redirected ran; the rest of a
      // pipeline may have, as when a connection breaks mid-call.
      RequestTopology();
      return std::move(done)(absl::UnavailableError(
          "redis: the server is a Redis Cluster node that does not serve "
          "this slot; reading the cluster's slot table, retry"));
    }
    std::vector<Part> parts;
    bool moved = false;
    for (const BatchUnit& unit : SplitBatch(wire)) {
      std::optional<Redirect> redirect;
      for (size_t i = 0; i < unit.commands && !redirect; ++i) {
        redirect = ParseRedirect(replies[unit.first_reply + i]);
      }
      if (!redirect) continue;
      Node* node = NodeAt(redirect->host.empty() ? from.host : redirect->host,
                          redirect->port);
      if (!redirect->ask) {
        owners_[redirect->slot].store(node, std::memory_order_release);
        moved = true;
      }
      AddUnit(PartFor(parts, node), wire, unit, redirect->ask);
    }
    if (moved) RequestTopology();
    SendParts(std::move(parts), std::move(replies), deadline, redirects + 1,
              std::move(done));
  }

  void ConnectionFailed(const RedisEndpoint&) override {
    // A node that is gone may have been failed over: ask who serves now.
    if (cluster()) RequestTopology();
  }

 private:
  // How often one call may be redirected: a slot moves once per resharding
  // step, so more means the cluster is in flux and the caller should retry.
  static constexpr int kMaxRedirects = 5;

  // The connections to one server. Calls fill the first connection before
  // the others: one connection batches best, and the others' I/O threads
  // only pay off once it has a full pipeline to decode.
  class Node final {
   public:
    Node(const RedisClientOptions& options, RedisEndpoint endpoint,
         RedisConnectionObserver* observer)
        : endpoint_(endpoint) {
      RedisNodeObserver* const node_observer =
          options.observer == nullptr
              ? nullptr
              : options.observer->ForNode(
                    endpoint.unix_path.empty()
                        ? absl::StrCat(endpoint.host, ":", endpoint.port)
                        : endpoint.unix_path);
      for (int i = 0; i < std::max(1, options.connections); ++i) {
        connections_.push_back(std::make_unique<RedisConnection>(
            options, endpoint, observer, node_observer));
      }
    }

    void Submit(std::string wire, size_t commands, absl::Time deadline,
                int redirects, bool resendable, RedisDone done) {
      RedisConnection* chosen = connections_.front().get();
      if (chosen->waiting() >= kCallsBeforeSpilling) {
        for (const std::unique_ptr<RedisConnection>& c : connections_) {
          if (c->waiting() < chosen->waiting()) chosen = c.get();
        }
      }
      chosen->Submit(std::move(wire), commands, deadline, redirects, resendable,
                     std::move(done));
    }

    void Stop() {
      for (const std::unique_ptr<RedisConnection>& c : connections_) c->Stop();
    }

    const RedisEndpoint& endpoint() const { return endpoint_; }

   private:
    const RedisEndpoint endpoint_;
    std::vector<std::unique_ptr<RedisConnection>> connections_;
  };

  // The units of a call bound for one node, as one pipeline. A unit sent
  // after an ASK redirection is preceded by ASKING, whose reply is dropped.
  struct Segment {
    size_t first_reply = 0;
    size_t commands = 0;
    bool asking = false;
  };
  struct Part {
    Node* node = nullptr;
    std::string wire;
    size_t commands = 0;
    std::vector<Segment> segments;
  };

  // A call sent in parts: each part's replies go back to their places in
  // the call's, and the call completes with the last part.
  class Gather final {
   public:
    Gather(RedisReplies replies, size_t parts, RedisDone done)
        : replies_(std::move(replies)), parts_(parts), done_(std::move(done)) {}

    void PartDone(const std::vector<Segment>& segments,
                  absl::StatusOr<RedisReplies> result) {
      absl::ReleasableMutexLock lock(&mu_);
      if (!result.ok()) {
        if (error_.ok()) error_ = result.status();
      } else {
        size_t next = 0;
        for (const Segment& segment : segments) {
          if (segment.asking) ++next;
          for (size_t i = 0; i < segment.commands; ++i) {
            replies_[segment.first_reply + i] = std::move((*result)[next++]);
          }
        }
      }
      if (--parts_ > 0) return;
      lock.Release();
      if (!error_.ok()) return std::move(done_)(error_);
      std::move(done_)(std::move(replies_));
    }

   private:
    absl::Mutex mu_;
    RedisReplies replies_ ABSL_GUARDED_BY(mu_);
    size_t parts_ ABSL_GUARDED_BY(mu_);
    absl::Status error_ ABSL_GUARDED_BY(mu_);
    RedisDone done_;
  };

  // What one node's answer to PingAll's command says.
  static absl::Status NodeHealth(bool in_cluster,
                                 absl::StatusOr<RedisReplies> replies) {
    if (!replies.ok()) return replies.status();
    const RedisReply& reply = replies->front();
    if (reply.is_error()) return reply.error_status();
    if (in_cluster && !absl::StrContains(reply.str, "cluster_state:ok")) {
      return absl::UnavailableError(
          "cluster_state is not ok: some slots have no reachable primary");
    }
    return absl::OkStatus();
  }

  static Part& PartFor(std::vector<Part>& parts, Node* node) {
    for (Part& part : parts) {
      if (part.node == node) return part;
    }
    parts.push_back(Part{node});
    return parts.back();
  }

  static void AddUnit(Part& part, absl::string_view wire, const BatchUnit& unit,
                      bool asking) {
    if (asking) {
      part.wire.append("*1\r\n$6\r\nASKING\r\n");
      ++part.commands;
    }
    part.wire.append(wire.data() + unit.begin, unit.end - unit.begin);
    part.commands += unit.commands;
    part.segments.push_back(Segment{unit.first_reply, unit.commands, asking});
  }

  static void SendParts(std::vector<Part> parts, RedisReplies replies,
                        absl::Time deadline, int redirects, RedisDone done) {
    if (parts.empty()) return std::move(done)(std::move(replies));
    auto gather = std::make_shared<Gather>(std::move(replies), parts.size(),
                                           std::move(done));
    for (Part& part : parts) {
      part.node->Submit(std::move(part.wire), part.commands, deadline,
                        redirects,
                        /*resendable=*/true,
                        [gather, segments = std::move(part.segments)](
                            absl::StatusOr<RedisReplies> result) {
                          gather->PartDone(segments, std::move(result));
                        });
    }
  }

  Node* OwnerOf(int slot) const {
    return slot < 0 ? nullptr : owners_[slot].load(std::memory_order_acquire);
  }

  Node* AddNode(const RedisEndpoint& endpoint) {
    absl::MutexLock lock(&mu_);
    return AddNodeLocked(endpoint);
  }

  Node* AddNodeLocked(const RedisEndpoint& endpoint)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    nodes_.push_back(std::make_unique<Node>(options_, endpoint, this));
    Node* node = nodes_.back().get();
    by_address_[endpoint.ToString()] = node;
    return node;
  }

  // The node at HOST:PORT, connected to on first use.
  Node* NodeAt(const std::string& host, int port) {
    absl::MutexLock lock(&mu_);
    return NodeAtLocked(host, port);
  }

  Node* NodeAtLocked(const std::string& host, int port)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const RedisEndpoint endpoint = TcpEndpoint(host, port);
    auto it = by_address_.find(endpoint.ToString());
    if (it != by_address_.end()) return it->second;
    return AddNodeLocked(endpoint);
  }

  // Asks a node, in turn, for the slot table, unless a request is in
  // flight or one was made within the reconnect backoff.
  void RequestTopology() {
    Node* asked = nullptr;
    {
      absl::MutexLock lock(&mu_);
      if (closing_.load() || topology_pending_ ||
          absl::Now() < next_topology_) {
        return;
      }
      topology_pending_ = true;
      std::vector<Node*> candidates = {seed_};
      for (Node* node : other_seeds_) candidates.push_back(node);
      for (Node* node : primaries_) {
        if (std::find(candidates.begin(), candidates.end(), node) ==
            candidates.end()) {
          candidates.push_back(node);
        }
      }
      asked = candidates[topology_turn_++ % candidates.size()];
    }
    RedisBatch batch;
    batch.Add({"CLUSTER", "MYID"}).Add({"CLUSTER", "SLOTS"});
    asked->Submit(std::move(batch.wire_), 2,
                  absl::Now() + options_.connect_timeout + absl::Seconds(1), 0,
                  /*resendable=*/false,
                  [this, asked](absl::StatusOr<RedisReplies> replies) {
                    OnTopology(asked, std::move(replies));
                  });
  }

  void OnTopology(Node* asked, absl::StatusOr<RedisReplies> replies) {
    absl::MutexLock lock(&mu_);
    topology_pending_ = false;
    next_topology_ = absl::Now() + options_.reconnect_backoff;
    if (closing_.load() || !replies.ok()) return;
    const RedisReply& myid = (*replies)[0];
    if (myid.is_error()) {
      // A plain Redis has no cluster support (ERR ... cluster support
      // disabled); an ACL user without CLUSTER cannot be routed for either.
      // A passing refusal (LOADING, NOAUTH) is asked again later.
      if (!IsPassingRefusal(myid.error_kind())) {
        if (mode_.load() == Mode::kUnknown) {
          mode_.store(Mode::kStandalone, std::memory_order_release);
        }
      }
      return;
    }
    absl::StatusOr<std::vector<SlotRange>> ranges =
        ParseClusterSlots((*replies)[1]);
    if (myid.is_error() || !ranges.ok()) return;
    // The node that answered keeps serving its own slots over the
    // connection the client already has (a unix socket, say), whatever
    // address it announces.
    std::vector<Node*> owners(kClusterSlots, nullptr);
    primaries_.clear();
    for (const SlotRange& range : *ranges) {
      Node* node =
          range.node_id == myid.str
              ? asked
              : NodeAtLocked(
                    range.host.empty() ? asked->endpoint().host : range.host,
                    range.port);
      if (range.node_id == myid.str && !range.host.empty()) {
        by_address_.try_emplace(TcpEndpoint(range.host, range.port).ToString(),
                                asked);
      }
      for (int slot = range.first; slot <= range.last; ++slot) {
        owners[slot] = node;
      }
      if (std::find(primaries_.begin(), primaries_.end(), node) ==
          primaries_.end()) {
        primaries_.push_back(node);
      }
    }
    for (int slot = 0; slot < kClusterSlots; ++slot) {
      owners_[slot].store(owners[slot], std::memory_order_release);
    }
    mode_.store(Mode::kCluster, std::memory_order_release);
  }

  const RedisClientOptions& options_;
  std::atomic<bool> closing_{false};
  // What the endpoint is: a plain Redis (kStandalone), or a cluster node
  // (kCluster: calls are routed by slot). kUnknown until the slot table
  // request is answered.
  enum class Mode { kUnknown, kStandalone, kCluster };
  std::atomic<Mode> mode_{Mode::kUnknown};
  // The node serving each slot, as last learned; null when unknown.
  std::array<std::atomic<Node*>, kClusterSlots> owners_;

  absl::Mutex mu_;
  // Every node ever used; they live as long as the client, so routing reads
  // them without locks.
  std::vector<std::unique_ptr<Node>> nodes_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Node*> by_address_ ABSL_GUARDED_BY(mu_);
  std::vector<Node*> primaries_ ABSL_GUARDED_BY(mu_);
  bool topology_pending_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time next_topology_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  size_t topology_turn_ ABSL_GUARDED_BY(mu_) = 0;

  Node* const seed_;                // The configured endpoint.
  std::vector<Node*> other_seeds_;  // Set in the constructor only.
};

RedisClient::RedisClient(RedisClientOptions options)
    : options_(std::move(options)) {
  // A write to a connection Redis has closed must fail the call, not kill
  // the process (hiredis's connect path writes without MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  impl_ = std::make_unique<Impl>(options_);
}

RedisClient::~RedisClient() = default;

void RedisClient::Send(RedisBatch batch, absl::Time deadline, RedisDone done) {
  if (batch.empty()) {
    std::move(done)(RedisReplies());
    return;
  }
  if (deadline <= absl::Now()) {
    std::move(done)(
        absl::DeadlineExceededError("redis: deadline passed before sending"));
    return;
  }
  impl_->Send(std::move(batch.wire_), batch.commands_, deadline,
              std::move(done));
}

absl::Status RedisClient::Scan(
    const RedisArgv& options, absl::Time deadline,
    absl::FunctionRef<absl::Status(const RedisReply& keys)> page) {
  if (absl::Status s = MayBlock(); !s.ok()) return s;
  return impl_->Scan(options, deadline, page);
}

absl::Status RedisClient::PingAll(absl::Time deadline) {
  if (absl::Status s = MayBlock(); !s.ok()) return s;
  if (deadline <= absl::Now()) {
    return absl::DeadlineExceededError("redis: deadline passed before sending");
  }
  return impl_->PingAll(deadline);
}

bool RedisClient::cluster() const { return impl_->cluster(); }

absl::StatusOr<RedisReplies> RedisClient::Wait(RedisBatch batch,
                                               absl::Time deadline) {
  if (absl::Status s = MayBlock(); !s.ok()) return s;
  return Await<RedisReplies>([&](RedisDone done) {
    Send(std::move(batch), deadline, std::move(done));
  });
}

namespace {

absl::StatusOr<RedisReply> OnlyReply(absl::StatusOr<RedisReplies> replies) {
  if (!replies.ok()) return replies.status();
  RedisReply& reply = replies->front();
  if (reply.is_error()) return reply.error_status();
  return std::move(reply);
}

}  // namespace

void RedisClient::Send(const RedisArgv& argv, absl::Time deadline,
                       Callback<RedisReply> done) {
  RedisBatch batch;
  batch.Add(argv);
  Send(std::move(batch), deadline,
       [done = std::move(done)](absl::StatusOr<RedisReplies> replies) mutable {
         std::move(done)(OnlyReply(std::move(replies)));
       });
}

absl::StatusOr<RedisReply> RedisClient::Command(const RedisArgv& argv,
                                                absl::Time deadline) {
  RedisBatch batch;
  batch.Add(argv);
  return OnlyReply(Wait(std::move(batch), deadline));
}

absl::StatusOr<RedisReplies> RedisClient::Pipeline(
    const std::vector<RedisArgv>& commands, absl::Time deadline) {
  RedisBatch batch;
  for (const RedisArgv& argv : commands) batch.Add(argv);
  return Wait(std::move(batch), deadline);
}

}  // namespace comments
