#ifndef COMMENTS_SERVICE_RPC_GRPC_STATUS_H_
#define COMMENTS_SERVICE_RPC_GRPC_STATUS_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace comments {

// The one place absl::Status becomes grpc::Status; the code is kept.
// Validation, not-found and permission messages, and the store's refusals
// (store_error.h: a post limit, a closed article), go to the client as they
// are; store failures (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, and
// RESOURCE_EXHAUSTED from Redis out of memory, told apart by its
// RedisErrorKind payload, never by its text) go to the client as a generic
// message, never Redis internals; their detail goes to the call's access
// line (call_log.h).
grpc::Status ToGrpcStatus(const absl::Status& status);

// True for a store failure as above: the client is told a generic message.
bool IsStoreFailure(const absl::Status& status);

// `status` as a client may read it in a response's per-item result, by the
// same rule: a store failure gets the generic message (its detail is logged
// as a warning); anything else is returned as it is.
absl::Status ForClient(const absl::Status& status);

// Deadline for the store work of one call: the client's deadline, capped at
// `cap` from now.
absl::Time StoreDeadline(const grpc::ServerContextBase& context,
                         absl::Duration cap);

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_GRPC_STATUS_H_
