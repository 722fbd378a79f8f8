#ifndef COMMENTS_SERVICE_STORE_INTERNAL_SCRIPT_ERROR_H_
#define COMMENTS_SERVICE_STORE_INTERNAL_SCRIPT_ERROR_H_

// The one decoder of the stores' Lua script errors. Private to
// service/store (and its tests).

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "service/store/store_error.h"

namespace comments {

// A script's refusal, decoded. Scripts raise "<WORD> <detail>":
//   NOTFOUND <field> <id>         kNotFound
//   DENIED <why>                  kDenied
//   CLOSED <why>                  kClosed
//   RATE <posts> <ms left>        kRateLimited
//   DUPLICATE <comment id>        kDuplicate
//   NOTQUEUED <field> <id>        kNotQueued
//   NOREPLAY                      kNoReplay
//   CHAIN <parent>|<grandparent>  kChain (either may be empty: top level)
struct ScriptError {
  // kRateLimited: how many comments the author has posted in the window,
  // and how long until the window ends (0 when Redis did not say).
  struct RateLimit {
    int64_t posts = 0;
    absl::Duration retry_after = absl::ZeroDuration();
  };
  // kChain: the truth about the comment the call was about.
  struct Chain {
    std::string parent;       // "" for a top-level comment.
    std::string grandparent;  // "" when `parent` is top-level or "".
  };

  // What the call fails with: for a known word, its code (StoreError's
  // documentation), the client's message and the StoreError payload; any
  // other status is kept as it came.
  absl::Status status;
  std::optional<StoreError> kind;  // Set for a known word.
  std::optional<RateLimit> rate;   // Set for kRateLimited.
  std::optional<Chain> chain;      // Set for kChain.
};

// Decodes `status` as a script call failed with it. Only an error reply
// whose code Redis does not use itself (RedisErrorKind::kOther) is read as a
// script's word; anything else (OK included) is returned in `status` as is.
ScriptError DecodeScriptError(const absl::Status& status);

// A refusal of `kind` that the store decides itself rather than a script:
// the kind's code, `message` for the client, and the StoreError payload, as
// DecodeScriptError makes them.
absl::Status StoreRefusal(StoreError kind, absl::string_view message);

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_INTERNAL_SCRIPT_ERROR_H_
