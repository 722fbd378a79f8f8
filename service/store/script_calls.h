#ifndef COMMENTS_SERVICE_STORE_SCRIPT_CALLS_H_
#define COMMENTS_SERVICE_STORE_SCRIPT_CALLS_H_

// One struct per Lua script of the store (lua/*.lua): its fields are the
// script's KEYS and ARGV, named as the script names them in the `local x =
// KEYS[n]` / `local x = ARGV[n]` lines at its top (which also say what each
// holds), and ToCall() turns them into the positional lists in that order.
// Call sites fill fields by name; only ToCall knows positions and how each
// value is spelled for Lua (durations in the script's unit, enums through
// lua_words.h, booleans as the word the script compares with).
// tests/service/script_calls_test.cc reads the scripts' tops and checks
// that each struct puts each field in the slot of the same name.
//
// Key fields are full key names (keyspace.h); the structs build none.
// Value types: copy and assign freely. ToCall is thread-compatible.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "comments/v1/moderation.pb.h"
#include "moderation/moderation.h"
#include "redis/lua_script.h"
#include "redis/redis_client.h"
#include "service/store/lua_words.h"

namespace comments {

// lua/post_comment.lua: stores a new comment or reply.
struct PostCommentCall {
  static const LuaScript& Script();
  LuaScript::Call ToCall() const;

  std::string comments_key;
  std::string stats_key;
  std::string participants_key;
  std::string newest_key;
  std::string hot_key;
  std::string idem_key;
  std::string parent_hot_key;
  std::string pending_key;
  std::string post_count_key;
  std::string last_post_key;

  std::string parent;
  std::string grandparent;
  std::string author;
  std::string author_name;
  std::string body;
  std::string idem;
  absl::Duration idem_ttl;  // Sent in whole seconds.
  absl::Duration half_life;
  double reply_weight = 0;
  moderation::Action verdict = moderation::Action::kAllow;
  // POST or PRE.
  v1::Policy default_policy = v1::POLICY_POST_MODERATION;
  std::string detail;
  int post_limit = 0;
  absl::Duration post_window;       // Sent in whole milliseconds.
  absl::Duration duplicate_window;  // Sent in whole milliseconds.
  bool replay_only = false;
};

// The slots decide_comment.lua and delete_comment.lua both begin with: every
// key of the article a comment can be in (KEYS, all of them), and the
// comment with its chain as guessed (ARGV 1-3).
struct UnpublishSlots {
  std::string comments_key;
  std::string stats_key;
  std::string participants_key;
  std::string newest_key;
  std::string hot_key;
  std::string parent_hot_key;
  std::string likers_key;
  std::string pending_key;
  std::string reported_key;
  std::string featured_key;

  std::string id;
  std::string parent;
  std::string grandparent;

 protected:
  // The KEYS, and ARGV up to `grandparent`.
  LuaScript::Call Slots() const;
};

// lua/decide_comment.lua: a moderator's decision on one comment.
struct DecideCommentCall : UnpublishSlots {
  static const LuaScript& Script();
  LuaScript::Call ToCall() const;

  bool approve = false;  // Else reject.
  ModerationQueue queue = ModerationQueue::kAny;
  absl::Duration half_life;
  double reply_weight = 0;
};

// lua/delete_comment.lua: an author deletes their comment.
struct DeleteCommentCall : UnpublishSlots {
  static const LuaScript& Script();
  LuaScript::Call ToCall() const;

  std::string user;
  absl::Duration half_life;
  double reply_weight = 0;
};

// lua/feature_comment.lua: features a comment or takes the feature back.
struct FeatureCommentCall {
  static const LuaScript& Script();
  LuaScript::Call ToCall() const;

  std::string comments_key;
  std::string featured_key;

  std::string id;
  bool feature = false;  // Else take the feature back.
};

// lua/like_comment.lua: likes or unlikes a comment.
struct LikeCommentCall {
  static const LuaScript& Script();
  LuaScript::Call ToCall() const;

  std::string comments_key;
  std::string likers_key;
  std::string hot_key;
  std::string participants_key;
  std::string liked_key;

  std::string id;
  std::string parent;
  std::string user;
  bool like = false;  // Else unlike.
  absl::Duration half_life;
  double reply_weight = 0;
};

// lua/list_comments.lua: one page of an index.
struct ListCommentsCall {
  static const LuaScript& Script();
  LuaScript::Call ToCall() const;

  std::string comments_key;
  std::string index_key;
  std::string liked_key;  // Optional: empty sends two keys.

  bool desc = false;  // Else ascending.
  std::string after_score;
  std::string after_id;
  int limit = 0;
  std::string parent;
  bool all_scores = false;  // Else only the score of entry limit - 1.
  bool bitmap = false;      // Else the index is a sorted set.
};

// lua/report_comment.lua: one user's report of a comment.
struct ReportCommentCall {
  static const LuaScript& Script();
  LuaScript::Call ToCall() const;

  std::string comments_key;
  std::string reports_key;
  std::string reported_key;

  std::string id;
  std::string user;
  std::string reason;
  int threshold = 0;
};

// lua/flood_take.lua: takes a place in one subject's flood counter.
struct FloodTakeCall {
  static const LuaScript& Script();
  LuaScript::Call ToCall() const;

  std::string counter_key;

  std::string member;  // This action's id, unique.
  int limit = 0;
  absl::Duration window;  // Sent in whole milliseconds.
};

// lua/queue_range.lua: entries of a cross-article queue after a cursor.
struct QueueRangeCall {
  static const LuaScript& Script();
  LuaScript::Call ToCall() const;

  std::string queue_key;

  std::string after_score;  // "" for the start.
  std::string after_member;
  int limit = 0;
  std::string max_score = "+inf";
};

// lua/update_keywords.lua: changes the shared lexicon. ARGV holds `seed`,
// the number of `adds`, each addition's three fields, then `removes`.
struct UpdateKeywordsCall {
  static const LuaScript& Script();
  LuaScript::Call ToCall() const;

  std::string words_key;
  std::string index_key;
  std::string version_key;
  std::string seeded_key;
  std::string stamp_key;

  // Apply only if the lexicon was never seeded.
  bool seed = false;
  // Written to stamp_key with the change (ModerationStore::Revision).
  std::string stamp;
  struct Addition {
    std::string word;
    std::string category;
    std::string action;  // As stored after the category (moderation_store.cc).
  };
  std::vector<Addition> adds;
  std::vector<std::string> removes;
};

// lua/wave_band.lua: the wave one near-duplicate band belongs to.
struct WaveBandCall {
  static const LuaScript& Script();
  LuaScript::Call ToCall() const;

  std::string band_key;

  std::string candidate;
  absl::Duration window;  // Sent in whole milliseconds.
};

// lua/wave_seen.lua: records one text of a wave.
struct WaveSeenCall {
  static const LuaScript& Script();
  LuaScript::Call ToCall() const;

  std::string wave_key;
  std::string accounts_key;
  std::string articles_key;
  std::string copies_key;

  std::string author;
  std::string article;
  std::string sample;
  absl::Duration window;     // Sent in whole milliseconds.
  absl::Duration retention;  // Sent in whole milliseconds.
};

// lua/wave_copy.lua: adds a stored comment to its wave's copies.
struct WaveCopyCall {
  static const LuaScript& Script();
  LuaScript::Call ToCall() const;

  std::string wave_key;
  std::string copies_key;

  std::string copy;  // "ARTICLE/ID"
};

// Runs `call`'s script and waits for its reply, as LuaScript::Run does.
template <typename ScriptCall>
absl::StatusOr<RedisReply> RunScript(RedisClient& redis, const ScriptCall& call,
                                     absl::Time deadline) {
  const LuaScript::Call positional = call.ToCall();
  return ScriptCall::Script().Run(redis, positional.keys, positional.args,
                                  deadline);
}

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_SCRIPT_CALLS_H_
