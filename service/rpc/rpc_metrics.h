#ifndef COMMENTS_SERVICE_RPC_RPC_METRICS_H_
#define COMMENTS_SERVICE_RPC_RPC_METRICS_H_

#include <array>
#include <atomic>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "metrics/metrics.h"
#include "moderation/moderation.h"

namespace comments {

// The calls a gRPC service serves, counted under the names operators know
// from grpc-ecosystem's go-grpc-prometheus:
//   grpc_server_started_total{grpc_service,grpc_method}
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method} (a histogram)
// Labels are bounded by construction: the methods of the service's
// descriptor and the 17 gRPC codes.
//
// Thread-safe. The request path (Method's calls) takes no lock once a
// method has seen a code.
class RpcMetrics final {
 public:
  // One method's series.
  class Method final {
   public:
    void Started() { started_->Increment(); }
    void Handled(absl::StatusCode code, absl::Duration elapsed);

   private:
    friend class RpcMetrics;
    Method(metrics::CounterFamily* handled, std::string service,
           std::string method, metrics::Counter* started,
           metrics::Histogram* seconds);

    metrics::CounterFamily* const handled_family_;
    const std::string service_;
    const std::string method_;
    metrics::Counter* const started_;
    metrics::Histogram* const seconds_;
    // One counter per code, resolved on the code's first use.
    std::array<std::atomic<metrics::Counter*>, 17> handled_{};
  };

  // Adds the three families to `registry`, once per registry.
  // REQUIRES: `registry` outlives this.
  explicit RpcMetrics(metrics::Registry& registry);
  RpcMetrics(const RpcMetrics&) = delete;
  RpcMetrics& operator=(const RpcMetrics&) = delete;

  // The series of every method of the service named `full_name`
  // ("comments.v1.CommentService"), keyed by method name; call it once per
  // service, at start-up. REQUIRES: a service compiled into the binary.
  absl::flat_hash_map<std::string, Method*> ForService(
      absl::string_view full_name);

 private:
  metrics::CounterFamily& started_;
  metrics::CounterFamily& handled_;
  metrics::HistogramFamily& seconds_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Method>> methods_ ABSL_GUARDED_BY(mu_);
};

// What moderation and flood control decide about posts, likes and reports:
//   comments_moderation_verdicts_total{action,category}
//   comments_posts_refused_total{reason}  (rate_limited: the per-article
//       limit; author_rate_limited, address_rate_limited: the limits across
//       articles; duplicate; banned)
//   comments_actions_refused_total{action,reason}  (action like or report;
//       reason user_rate_limited or address_rate_limited)
// `category` comes from the keyword list (an operator's words, at most a
// family's bound of them), "none" when nothing matched.
//
// Thread-safe. A post that matched nothing, and every refusal, take no
// lock; a verdict with a category takes the family's reader lock.
class PostMetrics final {
 public:
  // REQUIRES: `registry` outlives this.
  explicit PostMetrics(metrics::Registry& registry);
  PostMetrics(const PostMetrics&) = delete;
  PostMetrics& operator=(const PostMetrics&) = delete;

  // One moderated post: its action and the category of the match that
  // decided it ("" when nothing matched).
  void Moderated(moderation::Action action, const std::string& category);
  // A post refused by flood control (the store's kRateLimited,
  // kUserLimited, kAddressLimited and kDuplicate refusals; anything else is
  // not counted here).
  void Refused(const absl::Status& status);
  // A like (`report` false) or report refused by a flood limit (kUserLimited,
  // kAddressLimited; anything else is not counted here).
  void ActionRefused(bool report, const absl::Status& status);
  // A post refused because its author is banned.
  void Banned() { banned_->Increment(); }

 private:
  metrics::CounterFamily& verdicts_;
  metrics::CounterFamily& refused_;
  metrics::CounterFamily& actions_refused_;
  metrics::Counter* const allowed_;  // action allow, category none.
  metrics::Counter* const rate_limited_;
  metrics::Counter* const author_rate_limited_;
  metrics::Counter* const address_rate_limited_;
  metrics::Counter* const duplicate_;
  metrics::Counter* const banned_;
  // [report][address]: like or report, per user or per address.
  metrics::Counter* const action_limited_[2][2];
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_RPC_METRICS_H_
