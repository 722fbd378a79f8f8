#ifndef COMMENTS_SERVICE_STORE_LUA_WORDS_H_
#define COMMENTS_SERVICE_STORE_LUA_WORDS_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "comments/v1/moderation.pb.h"
#include "moderation/moderation.h"

namespace comments {

// The store's domain words as the Lua scripts (lua/*.lua) and Redis spell
// them; C++ code holds the enums and never compares these strings. Each
// table is the one spelling of its enum:
//
//   verdict   moderation::Action  allow|mask|review|block
//             post_comment.lua ARGV verdict; also the action in a keyword's
//             value in mod:{kw}:words (keyspace.h)
//   policy    v1::Policy          post|pre|closed
//             c:{A}:s `policy`; post_comment.lua ARGV default_policy and its
//             reply; --default_policy
//   queue     v1::Queue           pending|reported, '' for none
//             the queue delete_comment.lua and decide_comment.lua answer
//             that a comment left
//   from      ModerationQueue     pending|reported|any|anywhere
//             decide_comment.lua ARGV queue

// The article queue a moderator's decision takes a comment out of: its
// pending queue (c:{A}:qp), its reported queue (c:{A}:qr), or whichever of
// the two holds it; kAnywhere is kAny, and a rejection also unpublishes a
// published comment that is in neither (RejectWave: copies published before
// their wave was seen).
enum class ModerationQueue : uint8_t { kPending, kReported, kAny, kAnywhere };

template <typename Enum>
struct LuaWord {
  Enum value;
  absl::string_view word;
};

inline constexpr LuaWord<moderation::Action> kVerdictWords[] = {
    {moderation::Action::kAllow, "allow"},
    {moderation::Action::kMask, "mask"},
    {moderation::Action::kReview, "review"},
    {moderation::Action::kBlock, "block"},
};
inline constexpr LuaWord<v1::Policy> kPolicyWords[] = {
    {v1::POLICY_POST_MODERATION, "post"},
    {v1::POLICY_PRE_MODERATION, "pre"},
    {v1::POLICY_CLOSED, "closed"},
};
inline constexpr LuaWord<v1::Queue> kQueueWords[] = {
    {v1::QUEUE_UNSPECIFIED, ""},
    {v1::QUEUE_PENDING, "pending"},
    {v1::QUEUE_REPORTED, "reported"},
};
inline constexpr LuaWord<ModerationQueue> kModerationQueueWords[] = {
    {ModerationQueue::kPending, "pending"},
    {ModerationQueue::kReported, "reported"},
    {ModerationQueue::kAny, "any"},
    {ModerationQueue::kAnywhere, "anywhere"},
};

// Which table spells an enum, and what its words are called in errors.
template <typename Enum>
struct LuaWords;
template <>
struct LuaWords<moderation::Action> {
  static constexpr const auto& kTable = kVerdictWords;
  static constexpr absl::string_view kWhat = "verdict";
};
template <>
struct LuaWords<v1::Policy> {
  static constexpr const auto& kTable = kPolicyWords;
  static constexpr absl::string_view kWhat = "policy";
};
template <>
struct LuaWords<v1::Queue> {
  static constexpr const auto& kTable = kQueueWords;
  static constexpr absl::string_view kWhat = "queue";
};
template <>
struct LuaWords<ModerationQueue> {
  static constexpr const auto& kTable = kModerationQueueWords;
  static constexpr absl::string_view kWhat = "moderation queue";
};

// The word for `value`. REQUIRES: `value` is in its table (every enumerator
// but v1::POLICY_UNSPECIFIED and out-of-range proto values); "" otherwise.
template <typename Enum>
constexpr absl::string_view ToLuaWord(Enum value) {
  for (const LuaWord<Enum>& entry : LuaWords<Enum>::kTable) {
    if (entry.value == value) return entry.word;
  }
  return "";
}

// The value `word` spells, or nullopt when it spells none (exact,
// case-sensitive match). For words from outside Redis, such as flags, whose
// callers word their own error.
template <typename Enum>
constexpr std::optional<Enum> FindLuaWord(absl::string_view word) {
  for (const LuaWord<Enum>& entry : LuaWords<Enum>::kTable) {
    if (entry.word == word) return entry.value;
  }
  return std::nullopt;
}

// As FindLuaWord, for a word read back from Redis (a script's reply or a
// stored value): an unknown word is INTERNAL, "unknown <what> word "<word>"
// read from Redis", as any reply the store cannot read.
template <typename Enum>
absl::StatusOr<Enum> FromLuaWord(absl::string_view word) {
  if (std::optional<Enum> value = FindLuaWord<Enum>(word)) return *value;
  return absl::InternalError(absl::StrCat("unknown ", LuaWords<Enum>::kWhat,
                                          " word \"", word,
                                          "\" read from Redis"));
}

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_LUA_WORDS_H_
