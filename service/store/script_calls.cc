#include "service/store/script_calls.h"

#include "absl/strings/str_cat.h"
#include "service/store/lua_scripts.h"

namespace comments {
namespace {

std::string Seconds(absl::Duration d) {
  return absl::StrCat(absl::ToInt64Seconds(d));
}
std::string Millis(absl::Duration d) {
  return absl::StrCat(absl::ToInt64Milliseconds(d));
}
// The hot half-life keeps its fraction: the scripts divide by it.
std::string HalfLife(absl::Duration d) {
  return absl::StrCat(absl::ToDoubleSeconds(d));
}
std::string Word(absl::string_view word) { return std::string(word); }

}  // namespace

const LuaScript& PostCommentCall::Script() { return PostCommentScript(); }

LuaScript::Call PostCommentCall::ToCall() const {
  return {
      {comments_key, stats_key, participants_key, newest_key, hot_key, idem_key,
       parent_hot_key, pending_key, post_count_key, last_post_key},
      {parent, grandparent, author, author_name, body, idem, Seconds(idem_ttl),
       HalfLife(half_life), absl::StrCat(reply_weight),
       Word(ToLuaWord(verdict)), Word(ToLuaWord(default_policy)), detail,
       absl::StrCat(post_limit), Millis(post_window), Millis(duplicate_window),
       replay_only ? "1" : "0"}};
}

LuaScript::Call UnpublishSlots::Slots() const {
  return {{comments_key, stats_key, participants_key, newest_key, hot_key,
           parent_hot_key, likers_key, pending_key, reported_key,
           featured_key},
          {id, parent, grandparent}};
}

const LuaScript& DecideCommentCall::Script() { return DecideCommentScript(); }

LuaScript::Call DecideCommentCall::ToCall() const {
  LuaScript::Call call = Slots();
  call.args.insert(call.args.end(),
                   {approve ? "approve" : "reject", Word(ToLuaWord(queue)),
                    HalfLife(half_life), absl::StrCat(reply_weight)});
  return call;
}

const LuaScript& DeleteCommentCall::Script() { return DeleteCommentScript(); }

LuaScript::Call DeleteCommentCall::ToCall() const {
  LuaScript::Call call = Slots();
  call.args.insert(call.args.end(),
                   {user, HalfLife(half_life), absl::StrCat(reply_weight)});
  return call;
}

const LuaScript& FeatureCommentCall::Script() {
  return FeatureCommentScript();
}

LuaScript::Call FeatureCommentCall::ToCall() const {
  return {{comments_key, featured_key}, {id, feature ? "1" : "0"}};
}

const LuaScript& LikeCommentCall::Script() { return LikeCommentScript(); }

LuaScript::Call LikeCommentCall::ToCall() const {
  return {{comments_key, likers_key, hot_key, participants_key, liked_key},
          {id, parent, user, like ? "1" : "0", HalfLife(half_life),
           absl::StrCat(reply_weight)}};
}

const LuaScript& ListCommentsCall::Script() { return ListCommentsScript(); }

LuaScript::Call ListCommentsCall::ToCall() const {
  LuaScript::Call call{
      {comments_key, index_key},
      {desc ? "desc" : "asc", after_score, after_id, absl::StrCat(limit),
       parent, all_scores ? "all" : "last", bitmap ? "bitmap" : "zset"}};
  if (!liked_key.empty()) call.keys.push_back(liked_key);
  return call;
}

const LuaScript& ReportCommentCall::Script() { return ReportCommentScript(); }

LuaScript::Call ReportCommentCall::ToCall() const {
  return {{comments_key, reports_key, reported_key},
          {id, user, reason, absl::StrCat(threshold)}};
}

const LuaScript& FloodTakeCall::Script() { return FloodTakeScript(); }

LuaScript::Call FloodTakeCall::ToCall() const {
  return {{counter_key}, {member, absl::StrCat(limit), Millis(window)}};
}

const LuaScript& QueueRangeCall::Script() { return QueueRangeScript(); }

LuaScript::Call QueueRangeCall::ToCall() const {
  return {{queue_key},
          {after_score, after_member, absl::StrCat(limit), max_score}};
}

const LuaScript& UpdateKeywordsCall::Script() { return UpdateKeywordsScript(); }

LuaScript::Call UpdateKeywordsCall::ToCall() const {
  LuaScript::Call call{
      {words_key, index_key, version_key, seeded_key, stamp_key},
      {seed ? "seed" : "update", stamp, absl::StrCat(adds.size())}};
  call.args.reserve(3 + 3 * adds.size() + removes.size());
  for (const Addition& add : adds) {
    call.args.push_back(add.word);
    call.args.push_back(add.category);
    call.args.push_back(add.action);
  }
  call.args.insert(call.args.end(), removes.begin(), removes.end());
  return call;
}

const LuaScript& WaveBandCall::Script() { return WaveBandScript(); }

LuaScript::Call WaveBandCall::ToCall() const {
  return {{band_key}, {candidate, Millis(window)}};
}

const LuaScript& WaveSeenCall::Script() { return WaveSeenScript(); }

LuaScript::Call WaveSeenCall::ToCall() const {
  return {{wave_key, accounts_key, articles_key, copies_key},
          {author, article, sample, Millis(window), Millis(retention)}};
}

const LuaScript& WaveCopyCall::Script() { return WaveCopyScript(); }

LuaScript::Call WaveCopyCall::ToCall() const {
  return {{wave_key, copies_key}, {copy}};
}

}  // namespace comments
