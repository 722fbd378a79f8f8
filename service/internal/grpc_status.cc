#include "service/internal/grpc_status.h"

#include <cstdio>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/clock.h"

namespace comments {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss: {
      const std::string detail = status.ToString();
      std::fprintf(stderr, "comment-server: store error: %s\n", detail.c_str());
      const char* message =
          status.code() == absl::StatusCode::kUnavailable
              ? "the comment store is unavailable; retry later"
          : status.code() == absl::StatusCode::kDeadlineExceeded
              ? "the comment store did not answer within the deadline"
              : "internal error in the comment service";
      return grpc::Status(code, message);
    }
    case absl::StatusCode::kResourceExhausted:
      if (absl::StartsWith(status.message(), "redis: ")) {
        std::fprintf(stderr, "comment-server: store error: %s\n",
                     status.ToString().c_str());
        return grpc::Status(
            code,
            "the comment store is out of memory and refuses writes until an "
            "operator frees memory or raises Redis's maxmemory");
      }
      return grpc::Status(code, std::string(status.message()));
    default:
      return grpc::Status(code, std::string(status.message()));
  }
}

absl::Time StoreDeadline(const grpc::ServerContextBase& context,
                         absl::Duration cap) {
  const absl::Time capped = absl::Now() + cap;
  const auto client = context.deadline();
  if (client == std::chrono::system_clock::time_point::max()) return capped;
  return std::min(capped, absl::FromChrono(client));
}

}  // namespace comments
