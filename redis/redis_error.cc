#include "redis/redis_error.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace comments {
namespace {

struct KindCode {
  RedisErrorKind kind;
  absl::string_view code;
};

// The one list of Redis's error codes the client reads.
constexpr KindCode kKindCodes[] = {
    {RedisErrorKind::kNoScript, "NOSCRIPT"},
    {RedisErrorKind::kMoved, "MOVED"},
    {RedisErrorKind::kAsk, "ASK"},
    {RedisErrorKind::kLoading, "LOADING"},
    {RedisErrorKind::kBusy, "BUSY"},
    {RedisErrorKind::kTryAgain, "TRYAGAIN"},
    {RedisErrorKind::kClusterDown, "CLUSTERDOWN"},
    {RedisErrorKind::kMasterDown, "MASTERDOWN"},
    {RedisErrorKind::kReadOnly, "READONLY"},
    {RedisErrorKind::kNoAuth, "NOAUTH"},
    {RedisErrorKind::kOutOfMemory, "OOM"},
};

absl::string_view ErrorCode(absl::string_view message) {
  return message.substr(0, message.find(' '));
}

}  // namespace

RedisErrorKind RedisErrorKindOfMessage(absl::string_view message) {
  const absl::string_view code = ErrorCode(message);
  for (const KindCode& entry : kKindCodes) {
    if (code == entry.code) return entry.kind;
  }
  return RedisErrorKind::kOther;
}

absl::string_view RedisErrorCodeOf(RedisErrorKind kind) {
  for (const KindCode& entry : kKindCodes) {
    if (kind == entry.kind) return entry.code;
  }
  return "";
}

std::optional<RedisErrorKind> RedisErrorKindOf(const absl::Status& status) {
  auto code = status.GetPayload(kRedisErrorCodeUrl);  // absl::optional.
  if (!code) return std::nullopt;
  return RedisErrorKindOfMessage(code->Flatten());
}

bool IsPassingRefusal(RedisErrorKind kind) {
  switch (kind) {
    case RedisErrorKind::kLoading:
    case RedisErrorKind::kBusy:
    case RedisErrorKind::kTryAgain:
    case RedisErrorKind::kClusterDown:
    case RedisErrorKind::kMasterDown:
    case RedisErrorKind::kReadOnly:
    case RedisErrorKind::kNoAuth:
      return true;
    default:
      return false;
  }
}

bool IsRedirection(RedisErrorKind kind) {
  return kind == RedisErrorKind::kMoved || kind == RedisErrorKind::kAsk;
}

absl::Status RedisErrorStatus(absl::string_view message) {
  const RedisErrorKind kind = RedisErrorKindOfMessage(message);
  absl::Status status =
      IsPassingRefusal(kind)
          ? absl::UnavailableError(absl::StrCat("redis: ", message))
      : kind == RedisErrorKind::kOutOfMemory
          ? absl::ResourceExhaustedError(absl::StrCat("redis: ", message))
          : absl::InternalError(message);
  status.SetPayload(kRedisErrorCodeUrl, absl::Cord(ErrorCode(message)));
  return status;
}

}  // namespace comments
