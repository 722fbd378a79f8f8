#include "service/internal/comment_store.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "service/internal/keyspace.h"

namespace comments {
namespace {

// A wrong parent guess is corrected after one retry; two allow for the
// parent and grandparent both being guessed wrong.
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
    out.status = absl::NotFoundError(
        absl::StrCat(message, " names no visible comment of this article"));
  } else if (absl::ConsumePrefix(&message, "DENIED ")) {
    out.status = absl::PermissionDeniedError(message);
  } else if (absl::ConsumePrefix(&message, "CLOSED ")) {
    out.status = absl::FailedPreconditionError(message);
  } else if (absl::ConsumePrefix(&message, "NOTQUEUED ")) {
    out.status = absl::FailedPreconditionError(
        absl::StrCat(message, " is not in the moderation queue"));
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

bool IsInt(const RedisReply& r) { return r.type == RedisReply::Type::kInteger; }
bool IsStr(const RedisReply& r) { return r.type == RedisReply::Type::kString; }

// Decodes what lua/prelude.lua's emit() produces, starting at element
// `first` of `r`.
absl::StatusOr<StoredComment> DecodeComment(const std::string& article_id,
                                            const RedisReply& r,
                                            size_t first = 0) {
  if (r.type != RedisReply::Type::kArray || r.elements.size() != first + 11) {
    return Malformed("a comment");
  }
  const RedisReply* e = r.elements.data() + first;
  if (!IsStr(e[0]) || !IsInt(e[1]) || !IsInt(e[2]) || !IsInt(e[3]) ||
      !IsInt(e[4]) || !IsStr(e[5]) || !IsStr(e[6]) || !IsStr(e[7]) ||
      !IsStr(e[8]) || !IsStr(e[9]) || !IsInt(e[10])) {
    return Malformed("a comment");
  }
  StoredComment stored;
  v1::Comment& c = stored.comment;
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
  stored.detail = e[9].str;
  stored.report_count = e[10].integer;
  return stored;
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

absl::StatusOr<RedisReply> CommentStore::RunWithChain(
    const std::string& article_id, const std::string& subject,
    const std::function<absl::StatusOr<RedisReply>(
        const std::string& parent, const std::string& grandparent)>& run) {
  std::string parent = ParentGuess(article_id, subject);
  std::string grandparent = ParentGuess(article_id, parent);
  for (int attempt = 0; attempt < kChainAttempts; ++attempt) {
    absl::StatusOr<RedisReply> reply = run(parent, grandparent);
    if (reply.ok()) return reply;
    ScriptError error = DecodeScriptError(reply.status());
    if (!error.chain) return error.status;
    parent = std::move(error.parent);
    grandparent = std::move(error.grandparent);
    parents_.Remember(article_id, subject, parent);
    if (!parent.empty() && !grandparent.empty()) {
      parents_.Remember(article_id, parent, grandparent);
    }
  }
  return absl::InternalError("comment store: parent chain did not settle");
}

LuaScript::Call CommentStore::PostCall(const NewComment& comment,
                                       const std::string& grandparent) const {
  const Keyspace keys(comment.article_id);
  const std::vector<std::string> hot = HotArgs();
  return {
      {keys.Comments(), keys.Stats(), keys.Participants(),
       keys.NewestIndex(comment.parent_id), keys.HotIndex(comment.parent_id),
       keys.Idempotency(comment.author_id, comment.idempotency_key),
       keys.HotIndex(grandparent), keys.PendingQueue()},
      {comment.parent_id, grandparent, comment.author_id, comment.author_name,
       comment.body, comment.idempotency_key,
       absl::StrCat(absl::ToInt64Seconds(options_.idempotency_ttl)), hot[0],
       hot[1], comment.verdict, comment.default_policy, comment.detail}};
}

absl::StatusOr<PostResult> CommentStore::DecodePost(const NewComment& comment,
                                                    const RedisReply& reply) {
  if (reply.type != RedisReply::Type::kArray || reply.elements.size() < 2 ||
      !IsInt(reply.elements[0]) || !IsStr(reply.elements[1])) {
    return Malformed("PostComment");
  }
  absl::StatusOr<StoredComment> stored =
      DecodeComment(comment.article_id, reply, 2);
  if (!stored.ok()) return stored.status();
  parents_.Remember(comment.article_id, stored->comment.comment_id(),
                    stored->comment.parent_id());
  PostResult result;
  result.created = reply.elements[0].integer == 1;
  result.policy = reply.elements[1].str;
  result.stored = *std::move(stored);
  return result;
}

absl::StatusOr<PostResult> CommentStore::Post(const NewComment& comment,
                                              absl::Time deadline) {
  // The chain that matters is the parent's: its rank changes.
  absl::StatusOr<RedisReply> reply = RunWithChain(
      comment.article_id, comment.parent_id,
      [&](const std::string& grandparent, const std::string&) {
        LuaScript::Call call = PostCall(comment, grandparent);
        return PostCommentScript().Run(*redis_, call.keys, call.args, deadline);
      });
  if (!reply.ok()) return reply.status();
  return DecodePost(comment, *reply);
}

absl::StatusOr<std::vector<absl::StatusOr<PostResult>>> CommentStore::PostMany(
    const std::vector<NewComment>& comments, absl::Time deadline) {
  std::vector<LuaScript::Call> calls;
  calls.reserve(comments.size());
  for (const NewComment& c : comments) {
    calls.push_back(PostCall(c, ParentGuess(c.article_id, c.parent_id)));
  }
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> replies =
      PostCommentScript().RunMany(*redis_, calls, deadline);
  if (!replies.ok()) return replies.status();
  std::vector<absl::StatusOr<PostResult>> out;
  out.reserve(comments.size());
  for (size_t i = 0; i < comments.size(); ++i) {
    const absl::StatusOr<RedisReply>& reply = (*replies)[i];
    if (reply.ok()) {
      out.push_back(DecodePost(comments[i], *reply));
      continue;
    }
    ScriptError error = DecodeScriptError(reply.status());
    out.push_back(error.chain ? Post(comments[i], deadline)
                              : absl::StatusOr<PostResult>(error.status));
  }
  return out;
}

absl::StatusOr<v1::Comment> CommentStore::Get(const std::string& article_id,
                                              const std::string& comment_id,
                                              absl::Time deadline) {
  absl::StatusOr<std::vector<absl::StatusOr<StoredComment>>> got =
      GetMany({{article_id, comment_id}}, deadline);
  if (!got.ok()) return got.status();
  if (!got->front().ok()) return got->front().status();
  return std::move(got->front()->comment);
}

absl::StatusOr<std::vector<absl::StatusOr<StoredComment>>>
CommentStore::GetMany(const std::vector<CommentRef>& refs,
                      absl::Time deadline) {
  std::vector<LuaScript::Call> calls;
  calls.reserve(refs.size());
  for (const CommentRef& ref : refs) {
    calls.push_back({{Keyspace(ref.article_id).Comments()}, {ref.comment_id}});
  }
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> replies =
      GetCommentScript().RunMany(*redis_, calls, deadline);
  if (!replies.ok()) return replies.status();
  std::vector<absl::StatusOr<StoredComment>> out;
  out.reserve(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    const absl::StatusOr<RedisReply>& reply = (*replies)[i];
    if (!reply.ok()) {
      out.push_back(DecodeScriptError(reply.status()).status);
    } else if (reply->is_nil()) {
      out.push_back(absl::NotFoundError(
          absl::StrCat("comment_id ", refs[i].comment_id,
                       " names no comment of this article")));
    } else {
      out.push_back(DecodeComment(refs[i].article_id, *reply));
    }
  }
  return out;
}

absl::StatusOr<ListPage> CommentStore::List(const ListQuery& query,
                                            absl::Time deadline) {
  const Keyspace keys(query.article_id);
  std::string index;
  bool ascending = true;
  switch (query.index) {
    case ListQuery::Index::kPendingQueue:
      index = keys.PendingQueue();
      break;
    case ListQuery::Index::kReportedQueue:
      index = keys.ReportedQueue();
      break;
    case ListQuery::Index::kComments:
      index = query.order == v1::ORDER_HOT ? keys.HotIndex(query.parent_id)
                                           : keys.NewestIndex(query.parent_id);
      ascending = query.order == v1::ORDER_OLDEST;
      break;
  }
  // One more than asked tells whether a next page exists.
  absl::StatusOr<RedisReply> reply = ListCommentsScript().Run(
      *redis_, {keys.Comments(), index},
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
    absl::StatusOr<StoredComment> stored =
        DecodeComment(query.article_id, reply->elements[2 * i + 1]);
    if (!stored.ok()) return stored.status();
    if (!IsStr(score)) return Malformed("a list score");
    const v1::Comment& c = stored->comment;
    parents_.Remember(query.article_id, c.comment_id(), c.parent_id());
    if (found > keep && i + 1 == keep) {
      page.next = IndexPosition{score.str, c.comment_id()};
    }
    page.comments.push_back(*std::move(stored));
    page.scores.push_back(score.str);
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
  absl::StatusOr<RedisReply> reply = RunWithChain(
      article_id, comment_id,
      [&](const std::string& parent, const std::string&) {
        return LikeCommentScript().Run(
            *redis_,
            {keys.Comments(), keys.Likers(comment_id), keys.HotIndex(parent),
             keys.Participants()},
            {comment_id, parent, user_id, like ? "1" : "0", hot[0], hot[1]},
            deadline);
      });
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kArray || reply->elements.size() != 2 ||
      !IsInt(reply->elements[0]) || !IsInt(reply->elements[1])) {
    return Malformed("LikeComment");
  }
  return LikeState{reply->elements[0].integer, reply->elements[1].integer == 1};
}

absl::StatusOr<std::string> CommentStore::Delete(const std::string& article_id,
                                                 const std::string& comment_id,
                                                 const std::string& user_id,
                                                 absl::Time deadline) {
  const Keyspace keys(article_id);
  const std::vector<std::string> hot = HotArgs();
  absl::StatusOr<RedisReply> reply = RunWithChain(
      article_id, comment_id,
      [&](const std::string& parent, const std::string& grandparent) {
        return DeleteCommentScript().Run(
            *redis_,
            {keys.Comments(), keys.Stats(), keys.Participants(),
             keys.NewestIndex(parent), keys.HotIndex(parent),
             keys.HotIndex(grandparent), keys.Likers(comment_id),
             keys.PendingQueue(), keys.ReportedQueue()},
            {comment_id, parent, grandparent, user_id, hot[0], hot[1]},
            deadline);
      });
  if (!reply.ok()) return reply.status();
  if (!IsStr(*reply)) return Malformed("DeleteComment");
  return reply->str;
}

LuaScript::Call CommentStore::DecideCall(const CommentRef& ref, bool approve,
                                         const std::string& queue,
                                         const std::string& parent,
                                         const std::string& grandparent) const {
  const Keyspace keys(ref.article_id);
  const std::vector<std::string> hot = HotArgs();
  return {{keys.Comments(), keys.Stats(), keys.Participants(),
           keys.NewestIndex(parent), keys.HotIndex(parent),
           keys.HotIndex(grandparent), keys.Likers(ref.comment_id),
           keys.PendingQueue(), keys.ReportedQueue()},
          {ref.comment_id, parent, grandparent, approve ? "approve" : "reject",
           queue, hot[0], hot[1]}};
}

absl::StatusOr<Decided> CommentStore::DecodeDecided(
    const absl::StatusOr<RedisReply>& reply) const {
  if (!reply.ok()) return DecodeScriptError(reply.status()).status;
  if (reply->type != RedisReply::Type::kArray || reply->elements.size() != 2 ||
      !IsInt(reply->elements[0]) || !IsStr(reply->elements[1])) {
    return Malformed("a decision");
  }
  return Decided{static_cast<v1::CommentStatus>(reply->elements[0].integer),
                 reply->elements[1].str};
}

absl::StatusOr<std::vector<absl::StatusOr<Decided>>> CommentStore::Decide(
    const std::vector<CommentRef>& refs, bool approve, const std::string& queue,
    absl::Time deadline) {
  std::vector<LuaScript::Call> calls;
  calls.reserve(refs.size());
  for (const CommentRef& ref : refs) {
    const std::string parent = ParentGuess(ref.article_id, ref.comment_id);
    calls.push_back(DecideCall(ref, approve, queue, parent,
                               ParentGuess(ref.article_id, parent)));
  }
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> replies =
      DecideCommentScript().RunMany(*redis_, calls, deadline);
  if (!replies.ok()) return replies.status();
  std::vector<absl::StatusOr<Decided>> out;
  out.reserve(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    absl::StatusOr<RedisReply>& reply = (*replies)[i];
    if (!reply.ok() && DecodeScriptError(reply.status()).chain) {
      // The guess was wrong: this one again, alone, with the truth.
      const CommentRef& ref = refs[i];
      reply = RunWithChain(
          ref.article_id, ref.comment_id,
          [&](const std::string& parent, const std::string& grandparent) {
            LuaScript::Call call =
                DecideCall(ref, approve, queue, parent, grandparent);
            return DecideCommentScript().Run(*redis_, call.keys, call.args,
                                             deadline);
          });
    }
    out.push_back(DecodeDecided(reply));
  }
  return out;
}

absl::StatusOr<ReportResult> CommentStore::Report(const std::string& article_id,
                                                  const std::string& comment_id,
                                                  const std::string& user_id,
                                                  const std::string& reason,
                                                  int threshold,
                                                  absl::Time deadline) {
  const Keyspace keys(article_id);
  absl::StatusOr<RedisReply> reply = ReportCommentScript().Run(
      *redis_,
      {keys.Comments(), keys.Reports(comment_id), keys.ReportedQueue()},
      {comment_id, user_id, reason, absl::StrCat(threshold)}, deadline);
  if (!reply.ok()) return DecodeScriptError(reply.status()).status;
  if (reply->type != RedisReply::Type::kArray || reply->elements.size() != 3 ||
      !IsInt(reply->elements[0]) || !IsInt(reply->elements[1]) ||
      !IsInt(reply->elements[2])) {
    return Malformed("ReportComment");
  }
  return ReportResult{reply->elements[0].integer,
                      reply->elements[1].integer == 1,
                      reply->elements[2].integer};
}

absl::StatusOr<std::vector<std::vector<std::string>>>
CommentStore::ReportReasons(const std::vector<CommentRef>& refs, size_t limit,
                            absl::Time deadline) {
  std::vector<RedisArgv> commands;
  commands.reserve(refs.size());
  for (const CommentRef& ref : refs) {
    commands.push_back(
        {"HVALS", Keyspace(ref.article_id).Reports(ref.comment_id)});
  }
  absl::StatusOr<std::vector<RedisReply>> replies =
      redis_->Pipeline(commands, deadline);
  if (!replies.ok()) return replies.status();
  std::vector<std::vector<std::string>> out(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    for (const RedisReply& reason : (*replies)[i].elements) {
      if (out[i].size() >= limit) break;
      if (IsStr(reason) && !reason.str.empty()) out[i].push_back(reason.str);
    }
  }
  return out;
}

absl::StatusOr<std::string> CommentStore::GetPolicy(
    const std::string& article_id, absl::Time deadline) {
  absl::StatusOr<RedisReply> reply = redis_->Command(
      {"HGET", Keyspace(article_id).Stats(), "policy"}, deadline);
  if (!reply.ok()) return reply.status();
  return reply->is_nil() ? "" : reply->str;
}

absl::Status CommentStore::SetPolicy(const std::string& article_id,
                                     const std::string& policy,
                                     absl::Time deadline) {
  return redis_
      ->Command({"HSET", Keyspace(article_id).Stats(), "policy", policy},
                deadline)
      .status();
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
    int64_t n = 0;
    if (!count.is_nil() && !(IsStr(count) && absl::SimpleAtoi(count.str, &n))) {
      return Malformed("a comment count");
    }
    if (!IsInt(participants)) return Malformed("a participant count");
    v1::ArticleStats stats;
    stats.set_article_id(article_ids[i]);
    stats.set_comment_count(n);
    stats.set_participant_count(participants.integer);
    out.push_back(std::move(stats));
  }
  return out;
}

}  // namespace comments
