// StoreErrorOf (store_error.h) and the decoder of script errors
// (internal/script_error.h), beside the one table of the words the scripts
// raise.

#include "service/store/store_error.h"

#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "redis/redis_error.h"
#include "service/store/internal/script_error.h"

namespace comments {
namespace {

struct Word {
  StoreError kind;
  absl::string_view word;  // As lua/*.lua raise it; also the payload.
  absl::StatusCode code;
};

constexpr Word kWords[] = {
    {StoreError::kNotFound, "NOTFOUND", absl::StatusCode::kNotFound},
    {StoreError::kDenied, "DENIED", absl::StatusCode::kPermissionDenied},
    {StoreError::kClosed, "CLOSED", absl::StatusCode::kFailedPrecondition},
    {StoreError::kRateLimited, "RATE", absl::StatusCode::kResourceExhausted},
    // Raised by FloodStore rather than a script (StoreRefusal).
    {StoreError::kUserLimited, "USERLIMIT",
     absl::StatusCode::kResourceExhausted},
    {StoreError::kAddressLimited, "ADDRESSLIMIT",
     absl::StatusCode::kResourceExhausted},
    {StoreError::kDuplicate, "DUPLICATE", absl::StatusCode::kAlreadyExists},
    {StoreError::kNotQueued, "NOTQUEUED",
     absl::StatusCode::kFailedPrecondition},
    {StoreError::kNoReplay, "NOREPLAY", absl::StatusCode::kFailedPrecondition},
    // Not the client's to see: the store retries, and a chain that never
    // settles is a fault of the store.
    {StoreError::kChain, "CHAIN", absl::StatusCode::kInternal},
};

const Word* FindWord(absl::string_view word) {
  for (const Word& entry : kWords) {
    if (entry.word == word) return &entry;
  }
  return nullptr;
}

// Splits "<first> <rest>" at its first space ("" rest when there is none).
std::pair<absl::string_view, absl::string_view> FirstWord(
    absl::string_view text) {
  return absl::StrSplit(text, absl::MaxSplits(' ', 1));
}

}  // namespace

std::optional<StoreError> StoreErrorOf(const absl::Status& status) {
  auto word = status.GetPayload(kStoreErrorUrl);  // absl::optional.
  if (!word) return std::nullopt;
  const Word* entry = FindWord(word->Flatten());
  if (entry == nullptr) return std::nullopt;
  return entry->kind;
}

ScriptError DecodeScriptError(const absl::Status& status) {
  ScriptError out{status};
  // Redis's own codes (OOM, LOADING, NOSCRIPT, ...) and failures that are
  // no error reply at all are not a script's to explain.
  if (RedisErrorKindOf(status) != RedisErrorKind::kOther) return out;
  const auto [word, detail] = FirstWord(status.message());
  const Word* entry = FindWord(word);
  if (entry == nullptr) return out;  // A script's bug: stays INTERNAL.
  out.kind = entry->kind;
  std::string message;
  switch (entry->kind) {
    case StoreError::kNotFound:
      message =
          absl::StrCat(detail, " names no visible comment of this article");
      break;
    case StoreError::kDenied:
    case StoreError::kClosed:
    case StoreError::kUserLimited:
    case StoreError::kAddressLimited:
      message = std::string(detail);
      break;
    case StoreError::kRateLimited: {
      const auto [posts, ms_left] = FirstWord(detail);
      ScriptError::RateLimit& rate = out.rate.emplace();
      int64_t ms = 0;
      // PTTL is negative for a key without expiry: nothing to wait for.
      if (!absl::SimpleAtoi(ms_left, &ms) || ms < 0) ms = 0;
      rate.retry_after = absl::Milliseconds(ms);
      if (!absl::SimpleAtoi(posts, &rate.posts)) rate.posts = 0;
      message = absl::StrCat(
          "author_id has posted ", rate.posts,
          " comments to this article, its limit for now; retry in ",
          (ms + 999) / 1000, " s");
      break;
    }
    case StoreError::kDuplicate:
      message = absl::StrCat(
          "author_id posted the same body under the same parent moments ago, "
          "as comment_id ",
          detail);
      break;
    case StoreError::kNotQueued:
      message = absl::StrCat(detail, " is not in the moderation queue");
      break;
    case StoreError::kNoReplay:
      message = "no earlier post with this idempotency_key";
      break;
    case StoreError::kChain: {
      const std::pair<std::string, std::string> ids =
          absl::StrSplit(detail, absl::MaxSplits('|', 1));
      out.chain = ScriptError::Chain{ids.first, ids.second};
      // Only the store sees it: the script's own words are the best log.
      message = std::string(status.message());
      break;
    }
  }
  out.status = absl::Status(entry->code, message);
  out.status.SetPayload(kStoreErrorUrl, absl::Cord(entry->word));
  return out;
}

absl::Status StoreRefusal(StoreError kind, absl::string_view message) {
  for (const Word& entry : kWords) {
    if (entry.kind != kind) continue;
    absl::Status status(entry.code, message);
    status.SetPayload(kStoreErrorUrl, absl::Cord(entry.word));
    return status;
  }
  return absl::InternalError(message);  // Every kind is in kWords.
}

}  // namespace comments
