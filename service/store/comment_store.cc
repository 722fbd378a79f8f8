#include "service/store/comment_store.h"

#include <msgpack.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "service/store/internal/script_error.h"
#include "service/store/keyspace.h"
#include "service/store/lua_words.h"
#include "service/store/script_calls.h"

namespace comments {
namespace {

// A wrong parent guess is corrected after one retry; two allow for the
// parent and grandparent both being guessed wrong.
constexpr int kChainAttempts = 3;

absl::Status Malformed(absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("comment store: unexpected reply shape for ", what));
}

bool IsInt(const RedisReply& r) { return r.type == RedisReply::Type::kInteger; }
bool IsStr(const RedisReply& r) { return r.type == RedisReply::Type::kString; }

// Decodes records as the scripts store them: a MessagePack array of fields
// in the order of lua/prelude.lua (status, likes, replies, create time in
// microseconds, parent, author id, author name, body, detail, reports,
// reports seen, when featured).
// One decoder reuses one MessagePack zone, so a page of records costs one
// zone, not one per record.
class RecordDecoder {
 public:
  RecordDecoder() { msgpack_zone_init(&zone_, kZoneChunkBytes); }
  ~RecordDecoder() { msgpack_zone_destroy(&zone_); }
  RecordDecoder(const RecordDecoder&) = delete;
  RecordDecoder& operator=(const RecordDecoder&) = delete;

  // Fills `c`, and `detail` and `reports` unless null. On error `c` may be
  // partly filled.
  absl::Status Decode(const std::string& article_id, std::string comment_id,
                      const std::string& packed, v1::Comment* c,
                      std::string* detail, int64_t* reports) {
    msgpack_zone_clear(&zone_);
    msgpack_object root;
    size_t offset = 0;
    if (msgpack_unpack(packed.data(), packed.size(), &offset, &zone_, &root) !=
            MSGPACK_UNPACK_SUCCESS ||
        root.type != MSGPACK_OBJECT_ARRAY || root.via.array.size < 8) {
      return Malformed("a comment record");
    }
    const msgpack_object* f = root.via.array.ptr;
    const uint32_t n = root.via.array.size;
    // cmsgpack writes whole Lua numbers as integers; a float is accepted.
    const auto integer = [&](uint32_t i, int64_t* v) {
      if (i >= n) return (*v = 0, true);
      switch (f[i].type) {
        case MSGPACK_OBJECT_POSITIVE_INTEGER:
          *v = static_cast<int64_t>(f[i].via.u64);
          return true;
        case MSGPACK_OBJECT_NEGATIVE_INTEGER:
          *v = f[i].via.i64;
          return true;
        case MSGPACK_OBJECT_FLOAT32:
        case MSGPACK_OBJECT_FLOAT64:
          *v = static_cast<int64_t>(f[i].via.f64);
          return true;
        default:
          return false;
      }
    };
    const auto text = [&](uint32_t i, std::string* v) {
      if (i >= n || f[i].type == MSGPACK_OBJECT_NIL) return true;
      if (f[i].type != MSGPACK_OBJECT_STR) return false;
      if (v != nullptr) v->assign(f[i].via.str.ptr, f[i].via.str.size);
      return true;
    };
    int64_t status = 0, likes = 0, replies = 0, micros = 0, report_count = 0,
            featured_us = 0;
    if (!integer(0, &status) || !integer(1, &likes) || !integer(2, &replies) ||
        !integer(3, &micros) || !text(4, c->mutable_parent_id()) ||
        !text(5, c->mutable_author_id()) ||
        !text(6, c->mutable_author_name()) || !text(7, c->mutable_body()) ||
        !text(8, detail) || !integer(9, &report_count) ||
        !integer(11, &featured_us)) {
      return Malformed("a comment record");
    }
    c->set_featured(featured_us != 0);
    c->set_comment_id(std::move(comment_id));
    c->set_article_id(article_id);
    c->set_status(static_cast<v1::CommentStatus>(status));
    c->set_like_count(likes);
    c->set_reply_count(replies);
    c->mutable_create_time()->set_seconds(micros / 1000000);
    c->mutable_create_time()->set_nanos(static_cast<int32_t>(micros % 1000000) *
                                        1000);
    if (reports != nullptr) *reports = report_count;
    return absl::OkStatus();
  }

 private:
  // A record is a few hundred bytes; its objects take less than that.
  static constexpr size_t kZoneChunkBytes = 2048;

  msgpack_zone zone_;
};

absl::StatusOr<StoredComment> DecodeRecord(const std::string& article_id,
                                           std::string comment_id,
                                           const std::string& packed) {
  RecordDecoder decoder;
  StoredComment stored;
  absl::Status s =
      decoder.Decode(article_id, std::move(comment_id), packed, &stored.comment,
                     &stored.detail, &stored.report_count);
  if (!s.ok()) return s;
  return stored;
}

// Points a script call at the indexes of a comment under `parent`, whose
// parent is `grandparent`: the guesses the script checks (CHAIN).
template <typename ScriptCall>
void SetChain(const Keyspace& keys, const std::string& parent,
              const std::string& grandparent, ScriptCall& call) {
  call.parent = parent;
  call.grandparent = grandparent;
  call.newest_key = keys.NewestIndex(parent);
  call.hot_key = keys.HotIndex(parent);
  call.parent_hot_key = keys.HotIndex(grandparent);
}

// The keys of the scripts that can take a comment out of everything it is
// in (decide, delete), and the comment's id.
void SetUnpublishKeys(const Keyspace& keys, const CommentRef& ref,
                      UnpublishSlots& call) {
  call.comments_key = keys.Comments();
  call.stats_key = keys.Stats();
  call.participants_key = keys.Participants();
  call.likers_key = keys.Likers(ref.comment_id);
  call.pending_key = keys.PendingQueue();
  call.reported_key = keys.ReportedQueue();
  call.featured_key = keys.Featured();
  call.id = ref.comment_id;
}

// The hot order's parameters, for the scripts that re-score.
template <typename ScriptCall>
void SetHot(const CommentStoreOptions& options, ScriptCall& call) {
  call.half_life = options.hot_half_life;
  call.reply_weight = options.hot_reply_weight;
}

// Queue listings show when each comment was queued (its score); a comment
// list needs only its cursor's.
bool WantsAllScores(const ListQuery& query) {
  return query.index != ListQuery::Index::kComments;
}

// Reads the replies of Stats: (HGET n, HLEN participants) per article.
absl::StatusOr<std::vector<v1::ArticleStats>> DecodeStats(
    const std::vector<std::string>& article_ids, const RedisReplies& replies) {
  if (absl::Status s = FirstError(replies); !s.ok()) return s;
  std::vector<v1::ArticleStats> out;
  out.reserve(article_ids.size());
  for (size_t i = 0; i < article_ids.size(); ++i) {
    const RedisReply& count = replies[2 * i];
    const RedisReply& participants = replies[2 * i + 1];
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

struct CommentStore::ChainState {
  const LuaScript* script;
  std::string article_id;
  std::string subject;
  ChainCall build;
  absl::Time deadline;
  Callback<RedisReply> done;
  int attempts = 0;
};

void CommentStore::RunWithChain(const LuaScript& script,
                                const std::string& article_id,
                                const std::string& subject, ChainCall build,
                                absl::Time deadline,
                                Callback<RedisReply> done) {
  const std::string parent = ParentGuess(article_id, subject);
  const std::string grandparent = ParentGuess(article_id, parent);
  ChainStep(std::make_unique<ChainState>(ChainState{&script, article_id,
                                                    subject, std::move(build),
                                                    deadline, std::move(done)}),
            parent, grandparent);
}

void CommentStore::ChainStep(std::unique_ptr<ChainState> state,
                             const std::string& parent,
                             const std::string& grandparent) {
  // Built before the send: the callback may run at once and free `state`.
  LuaScript::Call call = state->build(parent, grandparent);
  const LuaScript& script = *state->script;
  const absl::Time deadline = state->deadline;
  script.Send(
      *redis_, std::move(call), deadline,
      [this,
       state = std::move(state)](absl::StatusOr<RedisReply> reply) mutable {
        if (reply.ok()) return std::move(state->done)(std::move(reply));
        ScriptError error = DecodeScriptError(reply.status());
        if (!error.chain) return std::move(state->done)(error.status);
        const ScriptError::Chain& truth = *error.chain;
        parents_.Remember(state->article_id, state->subject, truth.parent);
        if (!truth.parent.empty() && !truth.grandparent.empty()) {
          parents_.Remember(state->article_id, truth.parent, truth.grandparent);
        }
        if (++state->attempts >= kChainAttempts) {
          return std::move(state->done)(absl::InternalError(
              "comment store: parent chain did not settle"));
        }
        ChainStep(std::move(state), truth.parent, truth.grandparent);
      });
}

LuaScript::Call CommentStore::PostCall(const NewComment& comment,
                                       const std::string& grandparent) const {
  const Keyspace keys(comment.article_id);
  PostCommentCall call;
  call.comments_key = keys.Comments();
  call.stats_key = keys.Stats();
  call.participants_key = keys.Participants();
  call.idem_key = keys.Idempotency(comment.author_id, comment.idempotency_key);
  call.pending_key = keys.PendingQueue();
  call.post_count_key = keys.PostCount(comment.author_id);
  call.last_post_key = keys.LastPost(comment.author_id);
  // The comment goes under its parent, whose own parent is the guess.
  SetChain(keys, comment.parent_id, grandparent, call);
  call.author = comment.author_id;
  call.author_name = comment.author_name;
  call.body = comment.body;
  call.idem = comment.idempotency_key;
  call.idem_ttl = options_.idempotency_ttl;
  SetHot(options_, call);
  call.verdict = comment.verdict;
  call.default_policy = comment.default_policy;
  call.detail = comment.detail;
  call.post_limit = options_.post_limit;
  call.post_window = options_.post_limit_window;
  call.duplicate_window = options_.duplicate_window;
  call.replay_only = comment.replay_only;
  return call.ToCall();
}

absl::StatusOr<PostResult> CommentStore::DecodePost(const NewComment& comment,
                                                    RedisReply& reply) {
  if (reply.type != RedisReply::Type::kArray || reply.elements.size() != 4 ||
      !IsInt(reply.elements[0]) || !IsStr(reply.elements[1]) ||
      !IsStr(reply.elements[2]) || !IsStr(reply.elements[3])) {
    return Malformed("PostComment");
  }
  absl::StatusOr<StoredComment> stored =
      DecodeRecord(comment.article_id, std::move(reply.elements[2].str),
                   reply.elements[3].str);
  if (!stored.ok()) return stored.status();
  parents_.Remember(comment.article_id, stored->comment.comment_id(),
                    stored->comment.parent_id());
  absl::StatusOr<v1::Policy> policy =
      FromLuaWord<v1::Policy>(reply.elements[1].str);
  if (!policy.ok()) return policy.status();
  PostResult result;
  result.created = reply.elements[0].integer == 1;
  result.policy = *policy;
  result.stored = *std::move(stored);
  return result;
}

void CommentStore::Post(NewComment comment, absl::Time deadline,
                        Callback<PostResult> done) {
  auto shared = std::make_shared<const NewComment>(std::move(comment));
  // The chain that matters is the parent's: its rank changes.
  RunWithChain(
      PostCommentCall::Script(), shared->article_id, shared->parent_id,
      [this, shared](const std::string& grandparent, const std::string&) {
        return PostCall(*shared, grandparent);
      },
      deadline,
      [this, shared,
       done = std::move(done)](absl::StatusOr<RedisReply> reply) mutable {
        if (!reply.ok()) return std::move(done)(reply.status());
        std::move(done)(DecodePost(*shared, *reply));
      });
}

absl::StatusOr<std::vector<absl::StatusOr<PostResult>>> CommentStore::PostMany(
    const std::vector<NewComment>& comments, absl::Time deadline) {
  std::vector<LuaScript::Call> calls;
  calls.reserve(comments.size());
  for (const NewComment& c : comments) {
    calls.push_back(PostCall(c, ParentGuess(c.article_id, c.parent_id)));
  }
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> replies =
      PostCommentCall::Script().RunMany(*redis_, calls, deadline);
  if (!replies.ok()) return replies.status();
  std::vector<absl::StatusOr<PostResult>> out;
  out.reserve(comments.size());
  for (size_t i = 0; i < comments.size(); ++i) {
    absl::StatusOr<RedisReply>& reply = (*replies)[i];
    if (reply.ok()) {
      out.push_back(DecodePost(comments[i], *reply));
      continue;
    }
    ScriptError error = DecodeScriptError(reply.status());
    if (!error.chain) {
      out.push_back(error.status);
      continue;
    }
    // The parent's place was guessed wrong: the one-by-one post follows
    // the chain.
    out.push_back(Await<PostResult>([&](Callback<PostResult> done) {
      Post(comments[i], deadline, std::move(done));
    }));
  }
  return out;
}

namespace {

// Reads an HGET of a comment record.
absl::StatusOr<StoredComment> DecodeGot(
    const CommentRef& ref, const absl::StatusOr<RedisReply>& reply) {
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) return reply->error_status();
  if (reply->is_nil()) {
    return absl::NotFoundError(absl::StrCat(
        "comment_id ", ref.comment_id, " names no comment of this article"));
  }
  if (!IsStr(*reply)) return Malformed("a comment record");
  return DecodeRecord(ref.article_id, ref.comment_id, reply->str);
}

}  // namespace

void CommentStore::Get(CommentRef ref, std::string viewer_id,
                       absl::Time deadline, Callback<StoredComment> done) {
  if (viewer_id.empty()) {
    // Built first: the callback below takes `ref` over.
    RedisArgv hget = {"HGET", Keyspace(ref.article_id).Comments(),
                      ref.comment_id};
    redis_->Send(hget, deadline,
                 [ref = std::move(ref), done = std::move(done)](
                     absl::StatusOr<RedisReply> reply) mutable {
                   std::move(done)(DecodeGot(ref, reply));
                 });
    return;
  }
  const Keyspace keys(ref.article_id);
  RedisBatch batch;
  batch.Begin(3).Arg("HGET").Arg(keys.Comments()).Arg(ref.comment_id);
  batch.Begin(3)
      .Arg("SISMEMBER")
      .Arg(keys.LikedBy(viewer_id))
      .Arg(ref.comment_id);
  redis_->Send(
      std::move(batch), deadline,
      [ref = std::move(ref),
       done = std::move(done)](absl::StatusOr<RedisReplies> replies) mutable {
        if (!replies.ok()) return std::move(done)(replies.status());
        if (replies->size() != 2) {
          return std::move(done)(Malformed("GetComment"));
        }
        absl::StatusOr<StoredComment> got = DecodeGot(ref, (*replies)[0]);
        if (!got.ok()) return std::move(done)(got.status());
        // A like outlives its comment's unpublishing in the user's set.
        const RedisReply& liked = (*replies)[1];
        got->comment.set_viewer_liked(got->comment.status() ==
                                          v1::COMMENT_STATUS_PUBLISHED &&
                                      IsInt(liked) && liked.integer == 1);
        std::move(done)(std::move(got));
      });
}

absl::StatusOr<std::vector<absl::StatusOr<StoredComment>>>
CommentStore::GetMany(const std::vector<CommentRef>& refs,
                      absl::Time deadline) {
  std::vector<RedisArgv> commands;
  commands.reserve(refs.size());
  for (const CommentRef& ref : refs) {
    commands.push_back(
        {"HGET", Keyspace(ref.article_id).Comments(), ref.comment_id});
  }
  absl::StatusOr<RedisReplies> replies = redis_->Pipeline(commands, deadline);
  if (!replies.ok()) return replies.status();
  std::vector<absl::StatusOr<StoredComment>> out;
  out.reserve(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    RedisReply& reply = (*replies)[i];
    out.push_back(DecodeGot(refs[i], std::move(reply)));
  }
  return out;
}

void CommentStore::List(ListQuery query, absl::Time deadline,
                        Callback<ListPage> done) {
  const Keyspace keys(query.article_id);
  std::string index;
  bool ascending = true;
  bool bitmap = false;
  switch (query.index) {
    case ListQuery::Index::kPendingQueue:
      index = keys.PendingQueue();
      break;
    case ListQuery::Index::kReportedQueue:
      index = keys.ReportedQueue();
      break;
    case ListQuery::Index::kComments:
      if (query.order == v1::ORDER_FEATURED) {
        index = keys.Featured();
        ascending = false;
        break;
      }
      index = query.order == v1::ORDER_HOT ? keys.HotIndex(query.parent_id)
                                           : keys.NewestIndex(query.parent_id);
      ascending = query.order == v1::ORDER_OLDEST;
      bitmap = query.order != v1::ORDER_HOT && query.parent_id.empty();
      break;
  }
  ListCommentsCall call;
  call.comments_key = keys.Comments();
  call.index_key = std::move(index);
  if (!query.viewer_id.empty()) call.liked_key = keys.LikedBy(query.viewer_id);
  call.desc = !ascending;
  if (query.after) {
    call.after_score = query.after->score;
    call.after_id = query.after->comment_id;
  }
  // One more than asked tells whether a next page exists.
  call.limit = query.limit + 1;
  call.parent = query.parent_id;
  call.all_scores = WantsAllScores(query);
  call.bitmap = bitmap;
  ListCommentsCall::Script().Send(
      *redis_, call.ToCall(), deadline,
      [this, query = std::move(query),
       done = std::move(done)](absl::StatusOr<RedisReply> reply) mutable {
        std::move(done)(DecodePage(query, reply));
      });
}

absl::StatusOr<ListPage> CommentStore::DecodePage(
    const ListQuery& query, absl::StatusOr<RedisReply>& reply) {
  if (!reply.ok()) return DecodeScriptError(reply.status()).status;
  const size_t parts = query.viewer_id.empty() ? 3 : 4;
  if (reply->type != RedisReply::Type::kArray || reply->elements.size() < 3 ||
      reply->elements.size() > parts) {
    return Malformed("ListComments");
  }
  std::vector<RedisReply>& ids = reply->elements[0].elements;
  std::vector<RedisReply>& records = reply->elements[1].elements;
  std::vector<RedisReply>& scores = reply->elements[2].elements;
  const std::vector<RedisReply>* liked =
      reply->elements.size() == 4 ? &reply->elements[3].elements : nullptr;
  const bool all_scores = WantsAllScores(query);
  if (records.size() != ids.size() ||
      (all_scores && scores.size() != ids.size()) ||
      (liked != nullptr && liked->size() != ids.size())) {
    return Malformed("ListComments");
  }
  ListPage page;
  const size_t found = ids.size();
  const size_t keep = std::min(found, static_cast<size_t>(query.limit));
  if (found > keep) {
    // The next page starts after the last kept entry, whose score is the
    // only one sent unless all were asked for.
    const RedisReply* score = all_scores
                                  ? &scores[keep - 1]
                                  : (scores.empty() ? nullptr : &scores[0]);
    if (score == nullptr || !IsStr(*score) || !IsStr(ids[keep - 1])) {
      return Malformed("a list cursor");
    }
    page.next = IndexPosition{score->str, ids[keep - 1].str};
  }
  RecordDecoder decoder;
  if (query.into != nullptr) {
    query.into->Reserve(query.into->size() + static_cast<int>(keep));
  } else {
    page.comments.reserve(keep);
  }
  for (size_t i = 0; i < keep; ++i) {
    if (!IsStr(ids[i])) return Malformed("a list entry");
    if (records[i].is_nil()) continue;  // Deleted meanwhile: not shown.
    if (!IsStr(records[i])) return Malformed("a list entry");
    v1::Comment* c;
    std::string* detail = nullptr;
    int64_t* reports = nullptr;
    if (query.into != nullptr) {
      c = query.into->Add();
    } else {
      StoredComment& stored = page.comments.emplace_back();
      c = &stored.comment;
      detail = &stored.detail;
      reports = &stored.report_count;
    }
    if (absl::Status s = decoder.Decode(query.article_id, std::move(ids[i].str),
                                        records[i].str, c, detail, reports);
        !s.ok()) {
      return s;
    }
    parents_.Remember(query.article_id, c->comment_id(), c->parent_id());
    if (liked != nullptr) {
      c->set_viewer_liked(IsInt((*liked)[i]) && (*liked)[i].integer == 1);
    }
    if (all_scores) {
      if (!IsStr(scores[i])) return Malformed("a list score");
      page.scores.push_back(std::move(scores[i].str));
    }
  }
  return page;
}

absl::StatusOr<ListPage> CommentStore::List(const ListQuery& query,
                                            absl::Time deadline) {
  return Await<ListPage>(
      [&](Callback<ListPage> done) { List(query, deadline, std::move(done)); });
}

void CommentStore::SetLike(CommentRef ref, std::string user_id, bool like,
                           absl::Time deadline, Callback<LikeState> done) {
  RunWithChain(
      LikeCommentCall::Script(), ref.article_id, ref.comment_id,
      [this, ref, user_id = std::move(user_id), like](const std::string& parent,
                                                      const std::string&) {
        const Keyspace keys(ref.article_id);
        LikeCommentCall call;
        call.comments_key = keys.Comments();
        call.likers_key = keys.Likers(ref.comment_id);
        call.hot_key = keys.HotIndex(parent);
        call.participants_key = keys.Participants();
        call.liked_key = keys.LikedBy(user_id);
        call.id = ref.comment_id;
        call.parent = parent;
        call.user = user_id;
        call.like = like;
        SetHot(options_, call);
        return call.ToCall();
      },
      deadline,
      [done = std::move(done)](absl::StatusOr<RedisReply> reply) mutable {
        if (!reply.ok()) return std::move(done)(reply.status());
        if (reply->type != RedisReply::Type::kArray ||
            reply->elements.size() != 3 || !IsInt(reply->elements[0]) ||
            !IsInt(reply->elements[1]) || !IsInt(reply->elements[2])) {
          return std::move(done)(Malformed("LikeComment"));
        }
        std::move(done)(LikeState{reply->elements[0].integer,
                                  reply->elements[1].integer == 1,
                                  reply->elements[2].integer == 1});
      });
}

void CommentStore::Delete(CommentRef ref, std::string user_id,
                          absl::Time deadline, Callback<v1::Queue> done) {
  RunWithChain(
      DeleteCommentCall::Script(), ref.article_id, ref.comment_id,
      [this, ref, user_id = std::move(user_id)](
          const std::string& parent, const std::string& grandparent) {
        const Keyspace keys(ref.article_id);
        DeleteCommentCall call;
        SetUnpublishKeys(keys, ref, call);
        SetChain(keys, parent, grandparent, call);
        call.user = user_id;
        SetHot(options_, call);
        return call.ToCall();
      },
      deadline,
      [done = std::move(done)](absl::StatusOr<RedisReply> reply) mutable {
        if (!reply.ok()) return std::move(done)(reply.status());
        if (!IsStr(*reply)) return std::move(done)(Malformed("DeleteComment"));
        std::move(done)(FromLuaWord<v1::Queue>(reply->str));
      });
}

LuaScript::Call CommentStore::DecideCall(const CommentRef& ref, bool approve,
                                         ModerationQueue queue,
                                         const std::string& parent,
                                         const std::string& grandparent) const {
  const Keyspace keys(ref.article_id);
  DecideCommentCall call;
  SetUnpublishKeys(keys, ref, call);
  SetChain(keys, parent, grandparent, call);
  call.approve = approve;
  call.queue = queue;
  SetHot(options_, call);
  return call.ToCall();
}

absl::StatusOr<Decided> CommentStore::DecodeDecided(
    const absl::StatusOr<RedisReply>& reply) const {
  if (!reply.ok()) return DecodeScriptError(reply.status()).status;
  if (reply->type != RedisReply::Type::kArray || reply->elements.size() != 3 ||
      !IsInt(reply->elements[0]) || !IsStr(reply->elements[1]) ||
      !IsInt(reply->elements[2])) {
    return Malformed("a decision");
  }
  absl::StatusOr<v1::Queue> left =
      FromLuaWord<v1::Queue>(reply->elements[1].str);
  if (!left.ok()) return left.status();
  return Decided{static_cast<v1::CommentStatus>(reply->elements[0].integer),
                 *left, reply->elements[2].integer == 1};
}

absl::StatusOr<std::vector<absl::StatusOr<Decided>>> CommentStore::Decide(
    const std::vector<CommentRef>& refs, bool approve, ModerationQueue queue,
    absl::Time deadline) {
  std::vector<LuaScript::Call> calls;
  calls.reserve(refs.size());
  for (const CommentRef& ref : refs) {
    const std::string parent = ParentGuess(ref.article_id, ref.comment_id);
    calls.push_back(DecideCall(ref, approve, queue, parent,
                               ParentGuess(ref.article_id, parent)));
  }
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> replies =
      DecideCommentCall::Script().RunMany(*redis_, calls, deadline);
  if (!replies.ok()) return replies.status();
  std::vector<absl::StatusOr<Decided>> out;
  out.reserve(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    absl::StatusOr<RedisReply>& reply = (*replies)[i];
    if (!reply.ok() && DecodeScriptError(reply.status()).chain) {
      // The guess was wrong: this one again, alone, with the truth.
      const CommentRef& ref = refs[i];
      reply = Await<RedisReply>([&](Callback<RedisReply> done) {
        RunWithChain(
            DecideCommentCall::Script(), ref.article_id, ref.comment_id,
            [&](const std::string& parent, const std::string& grandparent) {
              return DecideCall(ref, approve, queue, parent, grandparent);
            },
            deadline, std::move(done));
      });
    }
    out.push_back(DecodeDecided(reply));
  }
  return out;
}

void CommentStore::Report(CommentRef ref, std::string user_id,
                          std::string reason, int threshold,
                          absl::Time deadline, Callback<ReportResult> done) {
  const Keyspace keys(ref.article_id);
  ReportCommentCall call;
  call.comments_key = keys.Comments();
  call.reports_key = keys.Reports(ref.comment_id);
  call.reported_key = keys.ReportedQueue();
  call.id = ref.comment_id;
  call.user = std::move(user_id);
  call.reason = std::move(reason);
  call.threshold = threshold;
  ReportCommentCall::Script().Send(
      *redis_, call.ToCall(), deadline,
      [done = std::move(done)](absl::StatusOr<RedisReply> reply) mutable {
        if (!reply.ok()) {
          return std::move(done)(DecodeScriptError(reply.status()).status);
        }
        if (reply->type != RedisReply::Type::kArray ||
            reply->elements.size() != 4 || !IsInt(reply->elements[0]) ||
            !IsInt(reply->elements[1]) || !IsInt(reply->elements[2]) ||
            !IsInt(reply->elements[3])) {
          return std::move(done)(Malformed("ReportComment"));
        }
        std::move(done)(ReportResult{
            reply->elements[0].integer, reply->elements[1].integer == 1,
            reply->elements[2].integer, reply->elements[3].integer == 1});
      });
}

absl::StatusOr<v1::Comment> CommentStore::SetFeatured(const CommentRef& ref,
                                                      bool featured,
                                                      absl::Time deadline) {
  const Keyspace keys(ref.article_id);
  FeatureCommentCall call;
  call.comments_key = keys.Comments();
  call.featured_key = keys.Featured();
  call.id = ref.comment_id;
  call.feature = featured;
  absl::StatusOr<RedisReply> reply = RunScript(*redis_, call, deadline);
  if (!reply.ok()) return DecodeScriptError(reply.status()).status;
  absl::StatusOr<StoredComment> stored = DecodeGot(ref, *std::move(reply));
  if (!stored.ok()) return stored.status();
  return std::move(stored->comment);
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
  if (absl::Status s = FirstError(*replies); !s.ok()) return s;
  std::vector<std::vector<std::string>> out(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    for (const RedisReply& reason : (*replies)[i].elements) {
      if (out[i].size() >= limit) break;
      if (IsStr(reason) && !reason.str.empty()) out[i].push_back(reason.str);
    }
  }
  return out;
}

absl::StatusOr<v1::Policy> CommentStore::GetPolicy(
    const std::string& article_id, absl::Time deadline) {
  absl::StatusOr<RedisReply> reply = redis_->Command(
      {"HGET", Keyspace(article_id).Stats(), "policy"}, deadline);
  if (!reply.ok()) return reply.status();
  if (reply->is_nil()) return v1::POLICY_UNSPECIFIED;
  return FromLuaWord<v1::Policy>(reply->str);
}

absl::Status CommentStore::SetPolicy(const std::string& article_id,
                                     v1::Policy policy, absl::Time deadline) {
  return redis_
      ->Command({"HSET", Keyspace(article_id).Stats(), "policy",
                 std::string(ToLuaWord(policy))},
                deadline)
      .status();
}

void CommentStore::Stats(std::vector<std::string> article_ids,
                         absl::Time deadline,
                         Callback<std::vector<v1::ArticleStats>> done) {
  RedisBatch batch;
  for (const std::string& id : article_ids) {
    const Keyspace keys(id);
    batch.Add({"HGET", keys.Stats(), "n"});
    batch.Add({"HLEN", keys.Participants()});
  }
  redis_->Send(std::move(batch), deadline,
               [ids = std::move(article_ids), done = std::move(done)](
                   absl::StatusOr<RedisReplies> replies) mutable {
                 if (!replies.ok()) return std::move(done)(replies.status());
                 std::move(done)(DecodeStats(ids, *replies));
               });
}

}  // namespace comments
