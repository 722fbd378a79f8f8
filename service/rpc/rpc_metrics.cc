#include "service/rpc/rpc_metrics.h"

#include <google/protobuf/descriptor.h>

#include <memory>
#include <optional>
#include <utility>

#include "service/store/store_error.h"

namespace comments {

PostMetrics::PostMetrics(metrics::Registry& registry)
    : verdicts_(registry.AddCounter(
          "comments_moderation_verdicts_total",
          "Posts moderated, by the action taken and the category of the "
          "keyword that decided it (none: nothing matched).",
          {"action", "category"})),
      refused_(registry.AddCounter(
          "comments_posts_refused_total",
          "Posts refused before they were stored: flood control "
          "(rate_limited per article, author_rate_limited and "
          "address_rate_limited across articles, duplicate) and bans "
          "(banned).",
          {"reason"})),
      actions_refused_(registry.AddCounter(
          "comments_actions_refused_total",
          "Likes and reports refused by the flood limits across articles, "
          "per user (user_rate_limited) or client address "
          "(address_rate_limited).",
          {"action", "reason"})),
      allowed_(&verdicts_.WithLabels({"allow", "none"})),
      rate_limited_(&refused_.WithLabels({"rate_limited"})),
      author_rate_limited_(&refused_.WithLabels({"author_rate_limited"})),
      address_rate_limited_(&refused_.WithLabels({"address_rate_limited"})),
      duplicate_(&refused_.WithLabels({"duplicate"})),
      banned_(&refused_.WithLabels({"banned"})),
      action_limited_{
          {&actions_refused_.WithLabels({"like", "user_rate_limited"}),
           &actions_refused_.WithLabels({"like", "address_rate_limited"})},
          {&actions_refused_.WithLabels({"report", "user_rate_limited"}),
           &actions_refused_.WithLabels({"report", "address_rate_limited"})}} {}

void PostMetrics::Moderated(moderation::Action action,
                            const std::string& category) {
  if (action == moderation::Action::kAllow && category.empty()) {
    allowed_->Increment();
    return;
  }
  verdicts_
      .WithLabels({std::string(moderation::ActionName(action)),
                   category.empty() ? "none" : category})
      .Increment();
}

void PostMetrics::Refused(const absl::Status& status) {
  switch (StoreErrorOf(status).value_or(StoreError::kNotFound)) {
    case StoreError::kRateLimited:
      rate_limited_->Increment();
      break;
    case StoreError::kUserLimited:
      author_rate_limited_->Increment();
      break;
    case StoreError::kAddressLimited:
      address_rate_limited_->Increment();
      break;
    case StoreError::kDuplicate:
      duplicate_->Increment();
      break;
    default:
      break;
  }
}

void PostMetrics::ActionRefused(bool report, const absl::Status& status) {
  const std::optional<StoreError> kind = StoreErrorOf(status);
  if (kind == StoreError::kUserLimited) {
    action_limited_[report][0]->Increment();
  } else if (kind == StoreError::kAddressLimited) {
    action_limited_[report][1]->Increment();
  }
}

RpcMetrics::Method::Method(metrics::CounterFamily* handled, std::string service,
                           std::string method, metrics::Counter* started,
                           metrics::Histogram* seconds)
    : handled_family_(handled),
      service_(std::move(service)),
      method_(std::move(method)),
      started_(started),
      seconds_(seconds) {}

void RpcMetrics::Method::Handled(absl::StatusCode code,
                                 absl::Duration elapsed) {
  int i = static_cast<int>(code);
  if (i < 0 || i >= 17) i = static_cast<int>(absl::StatusCode::kUnknown);
  metrics::Counter* counter = handled_[i].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Two threads may both get here; WithLabels gives both the same child.
    counter = &handled_family_->WithLabels(
        {service_, method_, absl::StatusCodeToString(static_cast<absl::StatusCode>(i))});
    handled_[i].store(counter, std::memory_order_release);
  }
  counter->Increment();
  seconds_->Observe(absl::ToDoubleSeconds(elapsed));
}

RpcMetrics::RpcMetrics(metrics::Registry& registry)
    : started_(registry.AddCounter(
          "grpc_server_started_total",
          "RPCs started on the server, by service and method.",
          {"grpc_service", "grpc_method"})),
      handled_(registry.AddCounter(
          "grpc_server_handled_total",
          "RPCs completed on the server, by service, method and status code.",
          {"grpc_service", "grpc_method", "grpc_code"})),
      seconds_(registry.AddHistogram(
          "grpc_server_handling_seconds",
          "Time from an RPC's start to its status, in seconds.",
          {"grpc_service", "grpc_method"}, metrics::LatencyBuckets())) {}

absl::flat_hash_map<std::string, RpcMetrics::Method*> RpcMetrics::ForService(
    absl::string_view full_name) {
  const google::protobuf::ServiceDescriptor& service =
      *google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(full_name));
  absl::flat_hash_map<std::string, Method*> out;
  absl::MutexLock lock(&mu_);
  for (int i = 0; i < service.method_count(); ++i) {
    const std::string& name = service.method(i)->name();
    methods_.push_back(std::unique_ptr<Method>(
        new Method(&handled_, service.full_name(), name,
                   &started_.WithLabels({service.full_name(), name}),
                   &seconds_.WithLabels({service.full_name(), name}))));
    out[name] = methods_.back().get();
  }
  return out;
}

}  // namespace comments
