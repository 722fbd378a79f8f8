#ifndef COMMENTS_CLIENT_INTERNAL_UNARY_CALL_H_
#define COMMENTS_CLIENT_INTERNAL_UNARY_CALL_H_

#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/client.h"

namespace comments::client_internal {

// One unary call with a deadline and, when given, a bearer token.
template <typename Response, typename Stub, typename Method,
          typename Request>
absl::StatusOr<Response> UnaryCall(Stub& stub, Method method,
                                   const Request& request,
                                   const ClientOptions& options) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options.deadline));
  if (!options.bearer_token.empty()) {
    context.AddMetadata("authorization", "Bearer " + options.bearer_token);
  }
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace comments::client_internal

#endif  // COMMENTS_CLIENT_INTERNAL_UNARY_CALL_H_
