#include "service/rpc/call_log.h"

#include <cmath>
#include <random>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "logging/log.h"
#include "redis/redis_error.h"
#include "service/rpc/grpc_status.h"
#include "service/rpc/rpc_metrics.h"

namespace comments {
namespace {

// An article id is logged before validation: a client's long one is cut
// here, so that a line stays short.
constexpr size_t kMaxLoggedArticleIdBytes = 256;

absl::string_view MetadataValue(const grpc::ServerContextBase& context,
                                absl::string_view key) {
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return {};
  return absl::string_view(it->second.data(), it->second.size());
}

bool IsLowerHex(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

// The level of a finished call's line and, above info, what the operator
// should do about it.
struct Severity {
  logging::Level level = logging::Level::kInfo;
  const char* action = nullptr;
};

Severity SeverityOf(const absl::Status& status) {
  if (!IsStoreFailure(status)) return {};
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      return {logging::Level::kWarning,
              "Redis (or a node of its cluster) is down, unreachable, "
              "loading or refusing, as the error says; clients retry. If it "
              "lasts, check the node in the error and the redis_* lines"};
    case absl::StatusCode::kDeadlineExceeded:
      return {logging::Level::kWarning,
              "Redis did not answer within the call's deadline or "
              "--store_timeout: check its latency (SLOWLOG GET, INFO) and "
              "the load of its machine"};
    case absl::StatusCode::kResourceExhausted:
      return {logging::Level::kError,
              "Redis is at maxmemory and refuses writes: free memory or "
              "raise maxmemory (reads go on)"};
    default:
      return {logging::Level::kError,
              "unexpected store failure (a bug, or a record the server "
              "cannot read): report this line with its request_id"};
  }
}

}  // namespace

std::string NewRequestId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrCat(absl::Hex(random(), absl::kZeroPad16),
                      absl::Hex(random(), absl::kZeroPad16));
}

bool IsAcceptableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdBytes) return false;
  for (char c : id) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

std::string TraceIdOf(absl::string_view traceparent) {
  // version "-" trace-id "-" parent-id "-" flags: 2+1+32+1+16+1+2.
  constexpr size_t kLength = 55;
  if (traceparent.size() < kLength) return "";
  const absl::string_view version = traceparent.substr(0, 2);
  const absl::string_view trace_id = traceparent.substr(3, 32);
  const absl::string_view parent_id = traceparent.substr(36, 16);
  const absl::string_view flags = traceparent.substr(53, 2);
  if (traceparent[2] != '-' || traceparent[35] != '-' ||
      traceparent[52] != '-' || !IsLowerHex(version) || version == "ff" ||
      !IsLowerHex(trace_id) || !IsLowerHex(parent_id) || !IsLowerHex(flags) ||
      trace_id == std::string(32, '0') || parent_id == std::string(16, '0')) {
    return "";
  }
  // Version 00 is exactly this long; later ones may carry more after a '-'.
  if (traceparent.size() > kLength &&
      (version == "00" || traceparent[kLength] != '-')) {
    return "";
  }
  return std::string(trace_id);
}

CallLog::CallLog(grpc::ServerContextBase& context, absl::string_view service,
                 const CallInfo& call, bool log_client_ip)
    : rpc_(absl::StrCat(service, "/", call.method)),
      article_id_(call.article_id.substr(0, kMaxLoggedArticleIdBytes)),
      start_(absl::Now()) {
  const absl::string_view given = MetadataValue(context, kRequestIdKey);
  request_id_ = IsAcceptableRequestId(given) ? std::string(given)
                                             : NewRequestId();
  context.AddInitialMetadata(kRequestIdKey, request_id_);
  const absl::string_view traceparent = MetadataValue(context, kTraceparentKey);
  trace_id_ = TraceIdOf(traceparent);
  if (!trace_id_.empty()) {
    context.AddInitialMetadata(kTraceparentKey, std::string(traceparent));
  }
  if (log_client_ip) peer_ = context.peer();
}

void CallLog::Finished(const absl::Status& status) const {
  const Severity severity = SeverityOf(status);
  if (!logging::Enabled(severity.level)) return;
  logging::Fields fields = {
      {"request_id", request_id_},
      {"rpc", rpc_},
      {"code", absl::StatusCodeToString(status.code())},
      // To the microsecond: no float noise in the line.
      {"duration_ms",
       std::round(absl::ToDoubleMicroseconds(absl::Now() - start_)) / 1000},
  };
  if (!article_id_.empty()) fields["article_id"] = article_id_;
  if (!trace_id_.empty()) fields["trace_id"] = trace_id_;
  if (!peer_.empty()) fields["peer"] = peer_;
  if (severity.action != nullptr) {
    // The payloads repeat the message's first word: left out.
    fields["error"] =
        status.ToString(absl::StatusToStringMode::kWithNoExtraData);
    fields["action"] = severity.action;
  }
  logging::Log(severity.level, "rpc", fields);
}

}  // namespace comments
