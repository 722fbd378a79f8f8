#ifndef COMMENTS_SERVICE_RPC_GRPC_STATUS_H_
#define COMMENTS_SERVICE_RPC_GRPC_STATUS_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace comments {

// The one place absl::Status becomes grpc::Status. Validation, not-found and
// permission messages go to the client as they are; store failures
// (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL) are logged here with their
// detail and the client gets a generic message, never Redis internals.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Deadline for the store work of one call: the client's deadline, capped at
// `cap` from now.
absl::Time StoreDeadline(const grpc::ServerContextBase& context,
                         absl::Duration cap);

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_GRPC_STATUS_H_
