#include "service/rpc/grpc_status.h"

#include <string>

#include "absl/time/clock.h"
#include "logging/log.h"
#include "redis/redis_error.h"

namespace comments {

namespace {

// What a client is told instead of a store error's own message, which names
// Redis's internals and goes to the log; null when `status` is not a store
// error and its message is the client's to read.
const char* StoreErrorMessage(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      return "the comment store is unavailable; retry later";
    case absl::StatusCode::kDeadlineExceeded:
      return "the comment store did not answer within the deadline";
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      return "internal error in the comment service";
    case absl::StatusCode::kResourceExhausted:
      // Redis at maxmemory; a post limit's own message is for the client.
      return RedisErrorKindOf(status) == RedisErrorKind::kOutOfMemory
                 ? "the comment store is out of memory and refuses writes "
                   "until an operator frees memory or raises Redis's "
                   "maxmemory"
                 : nullptr;
    default:
      return nullptr;
  }
}

}  // namespace

absl::Status ForClient(const absl::Status& status) {
  const char* replacement = StoreErrorMessage(status);
  if (replacement == nullptr) return status;
  // The payloads repeat the message's first word: left out of the log.
  logging::Log(
      logging::Level::kWarning, "store_error_in_result",
      {{"code", std::string(absl::StatusCodeToString(status.code()))},
       {"error", status.ToString(absl::StatusToStringMode::kWithNoExtraData)}});
  return absl::Status(status.code(), replacement);
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const char* replacement = StoreErrorMessage(status);
  if (replacement == nullptr) {
    return grpc::Status(code, std::string(status.message()));
  }
  return grpc::Status(code, replacement);
}

bool IsStoreFailure(const absl::Status& status) {
  return !status.ok() && StoreErrorMessage(status) != nullptr;
}

absl::Time StoreDeadline(const grpc::ServerContextBase& context,
                         absl::Duration cap) {
  const absl::Time capped = absl::Now() + cap;
  const auto client = context.deadline();
  if (client == std::chrono::system_clock::time_point::max()) return capped;
  return std::min(capped, absl::FromChrono(client));
}

}  // namespace comments
