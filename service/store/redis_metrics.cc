#include "service/store/redis_metrics.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "redis/redis_error.h"

namespace comments {
namespace {

// Redis round trips on loopback or in one data centre take 50 µs to a few
// ms; a failover or a BUSY script, up to seconds. The RPC buckets start at
// 0.5 ms, which would put every healthy round trip in the first bucket.
std::vector<double> RoundTripBuckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
          0.01,    0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};
}

constexpr size_t Index(RedisErrorKind kind) {
  return static_cast<size_t>(kind);
}

// errors_ holds the error reply kinds at their enum's index (labelled with
// their code in lower case), then these two.
constexpr size_t kReplyKinds = kRedisErrorKinds;
constexpr size_t kUnavailable = kReplyKinds;
constexpr size_t kDeadlineExceeded = kReplyKinds + 1;

}  // namespace

// One node's series. Shared by every connection to the node (and, past
// kMaxNodes, by every later node).
class RedisMetrics::Node final : public RedisNodeObserver {
 public:
  Node(const RedisMetrics* owner, metrics::Counter* round_trips,
       metrics::Histogram* latency, metrics::Counter* reconnects)
      : owner_(owner),
        round_trips_(round_trips),
        latency_(latency),
        reconnects_(reconnects) {}

  void RoundTrip(absl::Duration latency,
                 RedisRoundTripResult result) override {
    round_trips_->Increment();
    latency_->Observe(absl::ToDoubleSeconds(latency));
    switch (result) {
      case RedisRoundTripResult::kAnswered:
        break;
      case RedisRoundTripResult::kUnavailable:
        owner_->errors_[kUnavailable]->Increment();
        break;
      case RedisRoundTripResult::kDeadlineExceeded:
        owner_->errors_[kDeadlineExceeded]->Increment();
        break;
    }
  }

  void NotSent() override { owner_->errors_[kUnavailable]->Increment(); }

  void ErrorReply(RedisErrorKind kind) override {
    metrics::Counter* counter =
        Index(kind) < kReplyKinds ? owner_->errors_[Index(kind)] : nullptr;
    // MOVED and ASK come through Redirected, and have no counter here.
    if (counter == nullptr) {
      counter = owner_->errors_[Index(RedisErrorKind::kOther)];
    }
    counter->Increment();
  }

  void Redirected(RedisErrorKind kind) override {
    (kind == RedisErrorKind::kAsk ? owner_->ask_ : owner_->moved_)->Increment();
  }

  void Reconnected() override { reconnects_->Increment(); }

 private:
  const RedisMetrics* const owner_;
  metrics::Counter* const round_trips_;
  metrics::Histogram* const latency_;
  metrics::Counter* const reconnects_;
};

RedisMetrics::RedisMetrics(metrics::Registry& registry)
    : round_trips_(registry.AddCounter(
          "comments_redis_round_trips_total",
          "Pipelines sent to a Redis node and finished (answered, failed or "
          "timed out); one call is one round trip per node it spans.",
          {"node"})),
      latency_(registry.AddHistogram(
          "comments_redis_latency_seconds",
          "Time from a call's submission to the client to its last reply "
          "(or failure), per Redis node.",
          {"node"}, RoundTripBuckets())),
      reconnects_(registry.AddCounter(
          "comments_redis_reconnects_total",
          "Connections to a Redis node made again after one was lost.",
          {"node"})),
      errors_family_(registry.AddCounter(
          "comments_redis_errors_total",
          "Redis error replies by error code (other: ERR, WRONGTYPE, a "
          "script's own errors), and calls that got no reply (unavailable, "
          "deadline_exceeded).",
          {"kind"})),
      redirections_(registry.AddCounter(
          "comments_redis_redirections_total",
          "MOVED and ASK replies of a Redis Cluster whose slots moved; the "
          "client follows them.",
          {"kind"})),
      errors_(kDeadlineExceeded + 1, nullptr),
      moved_(&redirections_.WithLabels({"moved"})),
      ask_(&redirections_.WithLabels({"ask"})) {
  // Every series exists from the start, at 0, so that rate() and alerts
  // see the first error.
  for (size_t i = 0; i < kReplyKinds; ++i) {
    const auto kind = static_cast<RedisErrorKind>(i);
    if (IsRedirection(kind)) continue;  // Counted as redirections.
    const absl::string_view code = RedisErrorCodeOf(kind);
    errors_[i] = &errors_family_.WithLabels(
        {code.empty() ? "other" : absl::AsciiStrToLower(code)});
  }
  errors_[kUnavailable] = &errors_family_.WithLabels({"unavailable"});
  errors_[kDeadlineExceeded] =
      &errors_family_.WithLabels({"deadline_exceeded"});
}

RedisMetrics::~RedisMetrics() = default;

RedisMetrics::Node* RedisMetrics::AddNode(const std::string& label) {
  const std::vector<std::string> labels = {label};
  nodes_.push_back(std::make_unique<Node>(
      this, &round_trips_.WithLabels(labels), &latency_.WithLabels(labels),
      &reconnects_.WithLabels(labels)));
  return nodes_.back().get();
}

RedisNodeObserver* RedisMetrics::ForNode(absl::string_view address) {
  absl::MutexLock lock(&mu_);
  if (auto it = by_address_.find(address); it != by_address_.end()) {
    return it->second;
  }
  if (by_address_.size() < kMaxNodes) {
    Node* node = AddNode(std::string(address));
    by_address_.emplace(std::string(address), node);
    return node;
  }
  if (other_ == nullptr) other_ = AddNode("other");
  return other_;
}

}  // namespace comments
