#include "service/internal/comment_store.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "service/internal/keyspace.h"
#include "service/internal/lua_script.h"

namespace comments {
namespace {

// A wrong parent guess is corrected after one retry; two allow for the
// parent and grandparent both being guessed wrong on a delete.
constexpr int kChainAttempts = 3;

// What a script's error reply means.
struct ScriptError {
  absl::Status status;  // The error to return, unless `chain`.
  bool chain = false;   // The caller guessed a parent wrong.
  std::string parent;
  std::string grandparent;
};

ScriptError DecodeScriptError(const absl::Status& status) {
  ScriptError out{status};
  if (!absl::IsInternal(status)) return out;
  absl::string_view message = status.message();
  if (absl::ConsumePrefix(&message, "NOTFOUND ")) {
    out.status = absl::NotFoundError(absl::StrCat(
        message, " names no visible comment of this article"));
  } else if (absl::ConsumePrefix(&message, "DENIED ")) {
    out.status = absl::PermissionDeniedError(message);
  } else if (absl::ConsumePrefix(&message, "CHAIN|")) {
    std::pair<std::string, std::string> ids =
        absl::StrSplit(message, absl::MaxSplits('|', 1));
    out.chain = true;
    out.parent = std::move(ids.first);
    out.grandparent = std::move(ids.second);
  }
  return out;
}

absl::Status Malformed(absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("comment store: unexpected reply shape for ", what));
}

bool IsInt(const RedisReply& r) {
  return r.type == RedisReply::Type::kInteger;
}
bool IsStr(const RedisReply& r) {
  return r.type == RedisReply::Type::kString;
}

// Decodes the array lua/prelude.lua's emit() produces.
absl::StatusOr<v1::Comment> DecodeComment(const std::string& article_id,
                                          const RedisReply& r) {
  const auto& e = r.elements;
  if (r.type != RedisReply::Type::kArray || e.size() != 9 || !IsStr(e[0]) ||
      !IsInt(e[1]) || !IsInt(e[2]) || !IsInt(e[3]) || !IsInt(e[4]) ||
      !IsStr(e[5]) || !IsStr(e[6]) || !IsStr(e[7]) || !IsStr(e[8])) {
    return Malformed("a comment");
  }
  v1::Comment c;
  c.set_comment_id(e[0].str);
  c.set_article_id(article_id);
  c.set_status(static_cast<v1::CommentStatus>(e[1].integer));
  c.set_like_count(e[2].integer);
  c.set_reply_count(e[3].integer);
  const int64_t micros = e[4].integer;
  c.mutable_create_time()->set_seconds(micros / 1000000);
  c.mutable_create_time()->set_nanos(static_cast<int32_t>(micros % 1000000) *
                                     1000);
  c.set_parent_id(e[5].str);
  c.set_author_id(e[6].str);
  c.set_author_name(e[7].str);
  c.set_body(e[8].str);
  return c;
}

}  // namespace

CommentStore::CommentStore(RedisClient* redis, CommentStoreOptions options)
    : redis_(redis),
      options_(std::move(options)),
      parents_(options_.parent_cache_entries) {}

std::string CommentStore::ParentGuess(const std::string& article_id,
                                      const std::string& comment_id) const {
  if (comment_id.empty()) return "";
  // Most comments are top-level: guess that when nothing is remembered.
  return parents_.Find(article_id, comment_id).value_or("");
}

std::vector<std::string> CommentStore::HotArgs() const {
  return {absl::StrCat(absl::ToDoubleSeconds(options_.hot_half_life)),
          absl::StrCat(options_.hot_reply_weight)};
}

absl::StatusOr<PostResult> CommentStore::Post(const NewComment& comment,
                                              absl::Time deadline) {
  const Keyspace keys(comment.article_id);
  const std::vector<std::string> hot = HotArgs();
  std::string grandparent = ParentGuess(comment.article_id, comment.parent_id);
  for (int attempt = 0; attempt < kChainAttempts; ++attempt) {
    absl::StatusOr<RedisReply> reply = PostCommentScript().Run(
        *redis_,
        {keys.Comments(), keys.Stats(), keys.Participants(),
         keys.NewestIndex(comment.parent_id), keys.HotIndex(comment.parent_id),
         keys.Idempotency(comment.author_id, comment.idempotency_key),
         keys.HotIndex(grandparent)},
        {comment.parent_id, grandparent, comment.author_id,
         comment.author_name, comment.body, comment.idempotency_key,
         absl::StrCat(absl::ToInt64Seconds(options_.idempotency_ttl)), hot[0],
         hot[1], absl::StrCat(static_cast<int>(comment.status))},
        deadline);
    if (!reply.ok()) {
      ScriptError error = DecodeScriptError(reply.status());
      if (!error.chain) return error.status;
      parents_.Remember(comment.article_id, comment.parent_id, error.parent);
      grandparent = error.parent;
      continue;
    }
    if (reply->type != RedisReply::Type::kArray || reply->elements.empty() ||
        !IsInt(reply->elements[0])) {
      return Malformed("PostComment");
    }
    PostResult result;
    result.created = reply->elements[0].integer == 1;
    RedisReply body;
    body.type = RedisReply::Type::kArray;
    body.elements.assign(std::make_move_iterator(reply->elements.begin() + 1),
                         std::make_move_iterator(reply->elements.end()));
    absl::StatusOr<v1::Comment> stored =
        DecodeComment(comment.article_id, body);
    if (!stored.ok()) return stored.status();
    parents_.Remember(comment.article_id, stored->comment_id(),
                      stored->parent_id());
    result.comment = *std::move(stored);
    return result;
  }
  return absl::InternalError("comment store: parent chain did not settle");
}

absl::StatusOr<v1::Comment> CommentStore::Get(const std::string& article_id,
                                              const std::string& comment_id,
                                              absl::Time deadline) {
  const Keyspace keys(article_id);
  absl::StatusOr<RedisReply> reply = GetCommentScript().Run(
      *redis_, {keys.Comments()}, {comment_id}, deadline);
  if (!reply.ok()) return DecodeScriptError(reply.status()).status;
  if (reply->is_nil()) {
    return absl::NotFoundError(absl::StrCat(
        "comment_id ", comment_id, " names no comment of this article"));
  }
  return DecodeComment(article_id, *reply);
}

absl::StatusOr<ListPage> CommentStore::List(const ListQuery& query,
                                            absl::Time deadline) {
  const Keyspace keys(query.article_id);
  const bool hot = query.order == v1::ORDER_HOT;
  const bool ascending = query.order == v1::ORDER_OLDEST;
  // One more than asked tells whether a next page exists.
  absl::StatusOr<RedisReply> reply = ListCommentsScript().Run(
      *redis_,
      {keys.Comments(), hot ? keys.HotIndex(query.parent_id)
                            : keys.NewestIndex(query.parent_id)},
      {ascending ? "asc" : "desc", query.after ? query.after->score : "",
       query.after ? query.after->comment_id : "",
       absl::StrCat(query.limit + 1), query.parent_id},
      deadline);
  if (!reply.ok()) return DecodeScriptError(reply.status()).status;
  if (reply->type != RedisReply::Type::kArray ||
      reply->elements.size() % 2 != 0) {
    return Malformed("ListComments");
  }
  ListPage page;
  const size_t found = reply->elements.size() / 2;
  const size_t keep = std::min(found, static_cast<size_t>(query.limit));
  page.comments.reserve(keep);
  for (size_t i = 0; i < keep; ++i) {
    const RedisReply& score = reply->elements[2 * i];
    absl::StatusOr<v1::Comment> comment =
        DecodeComment(query.article_id, reply->elements[2 * i + 1]);
    if (!comment.ok()) return comment.status();
    if (!IsStr(score)) return Malformed("a list score");
    parents_.Remember(query.article_id, comment->comment_id(),
                      comment->parent_id());
    if (found > keep && i + 1 == keep) {
      page.next = IndexPosition{score.str, comment->comment_id()};
    }
    page.comments.push_back(*std::move(comment));
  }
  return page;
}

absl::StatusOr<LikeState> CommentStore::SetLike(const std::string& article_id,
                                                const std::string& comment_id,
                                                const std::string& user_id,
                                                bool like,
                                                absl::Time deadline) {
  const Keyspace keys(article_id);
  const std::vector<std::string> hot = HotArgs();
  std::string parent = ParentGuess(article_id, comment_id);
  for (int attempt = 0; attempt < kChainAttempts; ++attempt) {
    absl::StatusOr<RedisReply> reply = LikeCommentScript().Run(
        *redis_,
        {keys.Comments(), keys.Likers(comment_id), keys.HotIndex(parent),
         keys.Participants()},
        {comment_id, parent, user_id, like ? "1" : "0", hot[0], hot[1]},
        deadline);
    if (!reply.ok()) {
      ScriptError error = DecodeScriptError(reply.status());
      if (!error.chain) return error.status;
      parents_.Remember(article_id, comment_id, error.parent);
      parent = error.parent;
      continue;
    }
    if (reply->type != RedisReply::Type::kArray ||
        reply->elements.size() != 2 || !IsInt(reply->elements[0]) ||
        !IsInt(reply->elements[1])) {
      return Malformed("LikeComment");
    }
    return LikeState{reply->elements[0].integer,
                     reply->elements[1].integer == 1};
  }
  return absl::InternalError("comment store: parent chain did not settle");
}

absl::Status CommentStore::Delete(const std::string& article_id,
                                  const std::string& comment_id,
                                  const std::string& user_id,
                                  absl::Time deadline) {
  const Keyspace keys(article_id);
  const std::vector<std::string> hot = HotArgs();
  std::string parent = ParentGuess(article_id, comment_id);
  std::string grandparent = ParentGuess(article_id, parent);
  for (int attempt = 0; attempt < kChainAttempts; ++attempt) {
    absl::StatusOr<RedisReply> reply = DeleteCommentScript().Run(
        *redis_,
        {keys.Comments(), keys.Stats(), keys.Participants(),
         keys.NewestIndex(parent), keys.HotIndex(parent),
         keys.HotIndex(grandparent), keys.Likers(comment_id)},
        {comment_id, parent, grandparent, user_id, hot[0], hot[1]}, deadline);
    if (reply.ok()) return absl::OkStatus();
    ScriptError error = DecodeScriptError(reply.status());
    if (!error.chain) return error.status;
    parent = error.parent;
    grandparent = error.grandparent;
    parents_.Remember(article_id, comment_id, parent);
    if (!parent.empty()) parents_.Remember(article_id, parent, grandparent);
  }
  return absl::InternalError("comment store: parent chain did not settle");
}

absl::StatusOr<std::vector<v1::ArticleStats>> CommentStore::Stats(
    const std::vector<std::string>& article_ids, absl::Time deadline) {
  std::vector<RedisArgv> commands;
  commands.reserve(2 * article_ids.size());
  for (const std::string& id : article_ids) {
    const Keyspace keys(id);
    commands.push_back({"HGET", keys.Stats(), "n"});
    commands.push_back({"HLEN", keys.Participants()});
  }
  absl::StatusOr<std::vector<RedisReply>> replies =
      redis_->Pipeline(commands, deadline);
  if (!replies.ok()) return replies.status();
  std::vector<v1::ArticleStats> out;
  out.reserve(article_ids.size());
  for (size_t i = 0; i < article_ids.size(); ++i) {
    const RedisReply& count = (*replies)[2 * i];
    const RedisReply& participants = (*replies)[2 * i + 1];
    v1::ArticleStats stats;
    stats.set_article_id(article_ids[i]);
    int64_t n = 0;
    if (IsStr(count) && !absl::SimpleAtoi(count.str, &n)) {
      return Malformed("a comment count");
    }
    if (!count.is_nil() && !IsStr(count)) return Malformed("a comment count");
    if (!IsInt(participants)) return Malformed("a participant count");
    stats.set_comment_count(n);
    stats.set_participant_count(participants.integer);
    out.push_back(std::move(stats));
  }
  return out;
}

}  // namespace comments
