#ifndef COMMENTS_SERVICE_RPC_CALL_LOG_H_
#define COMMENTS_SERVICE_RPC_CALL_LOG_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace comments {

// What a service's Serve knows of a call besides its context: the method
// and, when the request names one article, its id (empty otherwise: a
// batch, a moderator's cross-article call).
struct CallInfo {
  absl::string_view method;
  absl::string_view article_id;
};

// The metadata key of a call's request id, in both directions.
inline constexpr char kRequestIdKey[] = "x-request-id";
// W3C Trace Context: read for its trace id and returned unchanged.
inline constexpr char kTraceparentKey[] = "traceparent";
// The longest request id taken from a caller; a longer one, or one with a
// byte outside visible ASCII, is replaced by a fresh one.
inline constexpr size_t kMaxRequestIdBytes = 128;

// One call's request id and its access line.
//
// Made when the handler starts: takes the caller's `x-request-id` (or makes
// one: 32 random hex digits) and a well-formed `traceparent`, and puts both
// in the call's initial metadata, so that the caller gets the id back
// whatever the outcome. Finished writes the access line, event "rpc":
// request_id, rpc, code, duration_ms, article_id, trace_id (with a
// traceparent), peer (with `log_client_ip`); never a request's text or
// credentials. Level info, or for a store failure (grpc_status.h) warning
// (UNAVAILABLE, DEADLINE_EXCEEDED) or error (Redis out of memory, INTERNAL),
// with the failure's detail in "error" and what to do in "action".
//
// Not thread-safe; a value moved into the call's completion.
class CallLog final {
 public:
  // `service` is the service's full name ("comments.v1.CommentService").
  // REQUIRES: the call's initial metadata is not sent yet.
  CallLog(grpc::ServerContextBase& context, absl::string_view service,
          const CallInfo& call, bool log_client_ip);
  CallLog(CallLog&&) = default;
  CallLog& operator=(CallLog&&) = default;

  const std::string& request_id() const { return request_id_; }
  // The traceparent's trace id (32 hex digits), or "" without one.
  const std::string& trace_id() const { return trace_id_; }

  // Writes the access line for the call's outcome `status`.
  void Finished(const absl::Status& status) const;

 private:
  std::string rpc_;
  std::string article_id_;
  std::string request_id_;
  std::string trace_id_;
  std::string peer_;
  absl::Time start_;
};

// A fresh request id: 128 random bits as 32 hex digits.
std::string NewRequestId();
// True for an id CallLog takes from a caller: 1 to kMaxRequestIdBytes
// visible ASCII characters.
bool IsAcceptableRequestId(absl::string_view id);
// The trace id of a well-formed W3C traceparent
// ("00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>"; a later version
// may append "-..."), or "" when `traceparent` is not one.
std::string TraceIdOf(absl::string_view traceparent);

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_CALL_LOG_H_
