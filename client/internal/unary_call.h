#ifndef COMMENTS_CLIENT_INTERNAL_UNARY_CALL_H_
#define COMMENTS_CLIENT_INTERNAL_UNARY_CALL_H_

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <random>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/client.h"

namespace comments::client_internal {

// What every attempt of one call carries in its metadata.
struct CallTags {
  std::string request_id;
  std::string client_address;  // "" for none.
};

// The tags of a call starting now on this thread: the innermost
// RequestIdScope's id, or a fresh one (recorded as LastRequestId()), and the
// innermost ClientAddressScope's address.
CallTags BeginCall();

// Sets the call's deadline, request id, client address and credentials
// metadata.
inline void Prepare(grpc::ClientContext& context, const ClientOptions& options,
                    absl::Time deadline, const CallTags& tags) {
  context.set_deadline(absl::ToChronoTime(deadline));
  context.AddMetadata("x-request-id", tags.request_id);
  if (!tags.client_address.empty()) {
    context.AddMetadata("x-client-address", tags.client_address);
  }
  if (!options.bearer_token.empty()) {
    context.AddMetadata("authorization", "Bearer " + options.bearer_token);
  }
}

// A random fraction of `backoff` in [0.5, 1): spreads out the retries of
// many clients that failed together.
inline absl::Duration Jitter(absl::Duration backoff) {
  thread_local std::mt19937 random{std::random_device{}()};
  return backoff * std::uniform_real_distribution<double>(0.5, 1.0)(random);
}

// One unary call, tried again on UNAVAILABLE with exponential backoff while
// ClientOptions::max_attempts and the call's deadline allow. Every attempt
// carries the same request id and client address.
// REQUIRES: the method is safe to retry.
template <typename Response, typename Stub, typename Method, typename Request>
absl::StatusOr<Response> UnaryCall(Stub& stub, Method method,
                                   const Request& request,
                                   const ClientOptions& options) {
  const absl::Time deadline = absl::Now() + options.deadline;
  const CallTags tags = BeginCall();
  absl::Duration backoff = options.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    grpc::ClientContext context;
    Prepare(context, options, deadline, tags);
    Response response;
    const grpc::Status status = (stub.*method)(&context, request, &response);
    if (status.ok()) return response;
    const absl::Duration pause = Jitter(backoff);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE ||
        attempt >= options.max_attempts || absl::Now() + pause >= deadline) {
      return FromGrpcStatus(status);
    }
    absl::SleepFor(pause);
    backoff = std::min(backoff * 2, options.max_backoff);
  }
}

}  // namespace comments::client_internal

#endif  // COMMENTS_CLIENT_INTERNAL_UNARY_CALL_H_
