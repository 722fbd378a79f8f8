#include "service/store/moderation_store.h"

#include <utility>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "redis/lua_script.h"
#include "service/store/keyspace.h"
#include "service/store/lua_words.h"
#include "service/store/moderation_convert.h"
#include "service/store/script_calls.h"

namespace comments {
namespace {

// Keys per SCAN step and entries per ZADD while repairing: small enough
// that no single command holds Redis for long.
constexpr int kScanCount = 500;
constexpr int kRepairChunk = 500;

std::string GlobalQueue(v1::Queue queue) {
  return std::string(queue == v1::QUEUE_REPORTED ? global_keys::kReportedQueue
                                                 : global_keys::kPendingQueue);
}

std::string ArticleQueue(v1::Queue queue, const std::string& article_id) {
  const Keyspace keys(article_id);
  return queue == v1::QUEUE_REPORTED ? keys.ReportedQueue()
                                     : keys.PendingQueue();
}

// A Revision's stamp: random, so that no two changes write the same one,
// whatever Redis has forgotten in between.
std::string RandomStamp() {
  absl::BitGen random;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(random),
                         absl::Uniform<uint64_t>(random));
}

absl::Status Malformed(absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("moderation store: unexpected reply shape for ", what));
}

// A keyword's action as stored: the verdict words of lua_words.h ("allow"
// marks an exception word). UNSPECIFIED is stored as block.
std::string ActionWord(v1::ModerationAction action) {
  return std::string(ToLuaWord(FromProtoAction(action)));
}

// An unknown word reads as block: a keyword is never silently disarmed.
v1::ModerationAction ActionFromWord(absl::string_view word) {
  return ToProtoAction(FindLuaWord<moderation::Action>(word).value_or(
      moderation::Action::kBlock));
}

// Stored as "category TAB action[ TAB scope]".
v1::Keyword DecodeKeyword(const std::string& word, absl::string_view value) {
  v1::Keyword keyword;
  keyword.set_word(word);
  std::vector<absl::string_view> parts = absl::StrSplit(value, '\t');
  keyword.set_category(std::string(parts[0]));
  keyword.set_action(ActionFromWord(parts.size() > 1 ? parts[1] : ""));
  int scope = 0;
  if (parts.size() > 2 && absl::SimpleAtoi(parts[2], &scope) &&
      v1::KeywordScope_IsValid(scope)) {
    keyword.set_scope(static_cast<v1::KeywordScope>(scope));
  }
  return keyword;
}

}  // namespace

std::string QueueMember(const CommentRef& ref) {
  return absl::StrCat(ref.article_id, "/", ref.comment_id);
}

std::optional<CommentRef> ParseQueueMember(const std::string& member) {
  const size_t slash = member.find('/');
  if (slash == std::string::npos) return std::nullopt;
  return CommentRef{member.substr(0, slash), member.substr(slash + 1)};
}

namespace {

// A callback that wants only whether a command worked.
Callback<RedisReply> StatusOnly(StatusCallback done) {
  return [done = std::move(done)](absl::StatusOr<RedisReply> reply) mutable {
    std::move(done)(reply.status());
  };
}

}  // namespace

void ModerationStore::Enqueue(v1::Queue queue, const CommentRef& ref,
                              int64_t queued_at_us, absl::Time deadline,
                              StatusCallback done) {
  redis_->Send({"ZADD", GlobalQueue(queue), "NX", absl::StrCat(queued_at_us),
                QueueMember(ref)},
               deadline, StatusOnly(std::move(done)));
}

void ModerationStore::Dequeue(v1::Queue queue,
                              const std::vector<CommentRef>& refs,
                              absl::Time deadline, StatusCallback done) {
  if (refs.empty()) return std::move(done)(absl::OkStatus());
  RedisArgv command = {"ZREM", GlobalQueue(queue)};
  for (const CommentRef& ref : refs) command.push_back(QueueMember(ref));
  redis_->Send(command, deadline, StatusOnly(std::move(done)));
}

absl::Status ModerationStore::Dequeue(v1::Queue queue,
                                      const std::vector<CommentRef>& refs,
                                      absl::Time deadline) {
  return AwaitStatus([&](StatusCallback done) {
    Dequeue(queue, refs, deadline, std::move(done));
  });
}

absl::StatusOr<std::vector<ModerationStore::QueueEntry>> ModerationStore::Range(
    v1::Queue queue, const std::optional<IndexPosition>& after, int limit,
    const std::string& max_score, absl::Time deadline) {
  QueueRangeCall call;
  call.queue_key = GlobalQueue(queue);
  if (after) {
    call.after_score = after->score;
    call.after_member = after->comment_id;
  }
  call.limit = limit;
  call.max_score = max_score;
  absl::StatusOr<RedisReply> reply = RunScript(*redis_, call, deadline);
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kArray ||
      reply->elements.size() % 2 != 0) {
    return Malformed("a queue range");
  }
  std::vector<QueueEntry> out;
  for (size_t i = 0; i < reply->elements.size(); i += 2) {
    std::optional<CommentRef> ref = ParseQueueMember(reply->elements[i].str);
    if (!ref) continue;  // Not ours; ignore.
    out.push_back({*std::move(ref), reply->elements[i + 1].str});
  }
  return out;
}

absl::StatusOr<std::vector<CommentRef>> ModerationStore::ArticleQueueHead(
    v1::Queue queue, const std::string& article_id,
    const std::string& max_score, int limit, absl::Time deadline) {
  absl::StatusOr<RedisReply> reply =
      redis_->Command({"ZRANGEBYSCORE", ArticleQueue(queue, article_id), "-inf",
                       max_score, "LIMIT", "0", absl::StrCat(limit)},
                      deadline);
  if (!reply.ok()) return reply.status();
  std::vector<CommentRef> out;
  for (const RedisReply& id : reply->elements) {
    out.push_back({article_id, id.str});
  }
  return out;
}

absl::StatusOr<std::vector<bool>> ModerationStore::StillQueued(
    v1::Queue queue, const std::vector<CommentRef>& refs, absl::Time deadline) {
  std::vector<RedisArgv> commands;
  commands.reserve(refs.size());
  for (const CommentRef& ref : refs) {
    commands.push_back(
        {"ZSCORE", ArticleQueue(queue, ref.article_id), ref.comment_id});
  }
  absl::StatusOr<std::vector<RedisReply>> replies =
      redis_->Pipeline(commands, deadline);
  if (!replies.ok()) return replies.status();
  if (absl::Status s = FirstError(*replies); !s.ok()) return s;
  std::vector<bool> out;
  out.reserve(refs.size());
  for (const RedisReply& r : *replies) out.push_back(!r.is_nil());
  return out;
}

absl::StatusOr<v1::Queue> ModerationStore::QueueOf(const CommentRef& ref,
                                                   absl::Time deadline) {
  absl::StatusOr<std::vector<RedisReply>> replies = redis_->Pipeline(
      {{"ZSCORE", ArticleQueue(v1::QUEUE_PENDING, ref.article_id),
        ref.comment_id},
       {"ZSCORE", ArticleQueue(v1::QUEUE_REPORTED, ref.article_id),
        ref.comment_id}},
      deadline);
  if (!replies.ok()) return replies.status();
  if (absl::Status s = FirstError(*replies); !s.ok()) return s;
  if (!(*replies)[0].is_nil()) return v1::QUEUE_PENDING;
  if (!(*replies)[1].is_nil()) return v1::QUEUE_REPORTED;
  return v1::QUEUE_UNSPECIFIED;
}

absl::StatusOr<int64_t> ModerationStore::QueueSize(
    v1::Queue queue, const std::string& article_id, absl::Time deadline) {
  absl::StatusOr<RedisReply> reply = redis_->Command(
      {"ZCARD", article_id.empty() ? GlobalQueue(queue)
                                   : ArticleQueue(queue, article_id)},
      deadline);
  if (!reply.ok()) return reply.status();
  return reply->integer;
}

namespace {

// Adds the entries of one article's queue `key` (c:{ARTICLE}:qp or :qr) to
// the global queue, a chunk at a time; returns how many were missing.
absl::StatusOr<int64_t> Requeue(RedisClient& redis, v1::Queue queue,
                                const std::string& key, absl::Time deadline) {
  const size_t open = key.find('{');
  const size_t close = key.rfind('}');
  if (open == std::string::npos || close <= open) return 0;
  const std::string article = key.substr(open + 1, close - open - 1);
  int64_t added = 0;
  for (int64_t start = 0;; start += kRepairChunk) {
    absl::StatusOr<RedisReply> entries =
        redis.Command({"ZRANGE", key, absl::StrCat(start),
                       absl::StrCat(start + kRepairChunk - 1), "WITHSCORES"},
                      deadline);
    if (!entries.ok()) return entries.status();
    if (entries->elements.empty()) return added;
    RedisArgv zadd = {"ZADD", GlobalQueue(queue), "NX", "CH"};
    for (size_t i = 0; i + 1 < entries->elements.size(); i += 2) {
      zadd.push_back(entries->elements[i + 1].str);
      zadd.push_back(QueueMember({article, entries->elements[i].str}));
    }
    absl::StatusOr<RedisReply> done = redis.Command(zadd, deadline);
    if (!done.ok()) return done.status();
    added += done->integer;
  }
}

}  // namespace

absl::StatusOr<int64_t> ModerationStore::RepairQueues(absl::Time deadline) {
  int64_t added = 0;
  for (v1::Queue queue : {v1::QUEUE_PENDING, v1::QUEUE_REPORTED}) {
    const std::string pattern =
        queue == v1::QUEUE_PENDING ? "c:{*}:qp" : "c:{*}:qr";
    absl::Status scanned = redis_->Scan(
        {"MATCH", pattern, "COUNT", absl::StrCat(kScanCount), "TYPE", "zset"},
        deadline, [&](const RedisReply& keys) -> absl::Status {
          for (const RedisReply& key : keys.elements) {
            absl::StatusOr<int64_t> n =
                Requeue(*redis_, queue, key.str, deadline);
            if (!n.ok()) return n.status();
            added += *n;
          }
          return absl::OkStatus();
        });
    if (!scanned.ok()) return scanned;
  }
  return added;
}

absl::StatusOr<ModerationStore::KeywordsState> ModerationStore::UpdateKeywords(
    const std::vector<v1::Keyword>& add, const std::vector<std::string>& remove,
    bool seed, absl::Time deadline) {
  UpdateKeywordsCall call;
  call.words_key = std::string(global_keys::kKeywords);
  call.index_key = std::string(global_keys::kKeywordIndex);
  call.version_key = std::string(global_keys::kKeywordVersion);
  call.seeded_key = std::string(global_keys::kKeywordsSeeded);
  call.stamp_key = std::string(global_keys::kKeywordStamp);
  call.stamp = RandomStamp();
  call.seed = seed;
  call.adds.reserve(add.size());
  for (const v1::Keyword& k : add) {
    call.adds.push_back(
        {k.word(), k.category(),
         k.scope() == v1::KEYWORD_SCOPE_UNSPECIFIED
             ? ActionWord(k.action())
             : absl::StrCat(ActionWord(k.action()), "\t",
                            static_cast<int>(k.scope()))});
  }
  call.removes = remove;
  absl::StatusOr<RedisReply> reply = RunScript(*redis_, call, deadline);
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != 2) return Malformed("UpdateKeywords");
  return KeywordsState{reply->elements[0].integer, reply->elements[1].integer};
}

absl::StatusOr<ModerationStore::Revision> ModerationStore::ReadRevision(
    absl::string_view counter_key, absl::string_view stamp_key,
    absl::Time deadline) {
  absl::StatusOr<RedisReply> reply = redis_->Command(
      {"MGET", std::string(counter_key), std::string(stamp_key)}, deadline);
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != 2) return Malformed("MGET");
  const RedisReply& counter = reply->elements[0];
  Revision revision;
  if (!counter.is_nil() && !absl::SimpleAtoi(counter.str, &revision.counter)) {
    return Malformed(counter_key);
  }
  revision.stamp = std::move(reply->elements[1].str);
  return revision;
}

absl::Status ModerationStore::ScanHash(
    absl::string_view key, absl::Time deadline,
    const std::function<void(std::string field, std::string value)>& each) {
  std::string cursor = "0";
  do {
    absl::StatusOr<RedisReply> page = redis_->Command(
        {"HSCAN", std::string(key), cursor, "COUNT", "1000"}, deadline);
    if (!page.ok()) return page.status();
    if (page->elements.size() != 2) return Malformed("HSCAN");
    cursor = page->elements[0].str;
    auto& fields = page->elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      each(std::move(fields[i].str), std::move(fields[i + 1].str));
    }
  } while (cursor != "0");
  return absl::OkStatus();
}

absl::StatusOr<ModerationStore::Revision> ModerationStore::KeywordRevision(
    absl::Time deadline) {
  return ReadRevision(global_keys::kKeywordVersion, global_keys::kKeywordStamp,
                      deadline);
}

absl::StatusOr<std::vector<v1::Keyword>> ModerationStore::AllKeywords(
    absl::Time deadline) {
  std::vector<v1::Keyword> out;
  absl::Status s = ScanHash(global_keys::kKeywords, deadline,
                            [&](std::string word, std::string value) {
                              out.push_back(DecodeKeyword(word, value));
                            });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::pair<std::vector<v1::Keyword>, int64_t>>
ModerationStore::ListKeywords(const std::string& after_word, int limit,
                              absl::Time deadline) {
  absl::StatusOr<std::vector<RedisReply>> replies =
      redis_->Pipeline({{"ZRANGEBYLEX", std::string(global_keys::kKeywordIndex),
                         after_word.empty() ? "-" : "(" + after_word, "+",
                         "LIMIT", "0", absl::StrCat(limit)},
                        {"HLEN", std::string(global_keys::kKeywords)}},
                       deadline);
  if (!replies.ok()) return replies.status();
  if (absl::Status s = FirstError(*replies); !s.ok()) return s;
  std::vector<std::string> words;
  for (const RedisReply& w : (*replies)[0].elements) words.push_back(w.str);
  std::vector<v1::Keyword> out;
  if (!words.empty()) {
    RedisArgv hmget = {"HMGET", std::string(global_keys::kKeywords)};
    hmget.insert(hmget.end(), words.begin(), words.end());
    absl::StatusOr<RedisReply> values = redis_->Command(hmget, deadline);
    if (!values.ok()) return values.status();
    for (size_t i = 0; i < words.size() && i < values->elements.size(); ++i) {
      if (values->elements[i].is_nil()) continue;  // Removed meanwhile.
      out.push_back(DecodeKeyword(words[i], values->elements[i].str));
    }
  }
  return std::make_pair(std::move(out), (*replies)[1].integer);
}

absl::Status ModerationStore::SetBanned(const std::string& user_id, bool ban,
                                        const std::string& reason,
                                        absl::Time deadline) {
  // The version moves with the set, atomically, so that a replica that
  // sees the new version also sees the change.
  const std::string bans(global_keys::kBans);
  absl::StatusOr<std::vector<RedisReply>> replies =
      redis_->Pipeline({{"MULTI"},
                        ban ? RedisArgv{"HSET", bans, user_id, reason}
                            : RedisArgv{"HDEL", bans, user_id},
                        {"INCR", std::string(global_keys::kBanVersion)},
                        {"SET", std::string(global_keys::kBanStamp),
                         RandomStamp()},
                        {"EXEC"}},
                       deadline);
  if (!replies.ok()) return replies.status();
  if (absl::Status s = FirstError(*replies); !s.ok()) return s;
  if (replies->back().type != RedisReply::Type::kArray) {
    return absl::InternalError("redis: ban transaction aborted");
  }
  return absl::OkStatus();
}

absl::StatusOr<ModerationStore::Revision> ModerationStore::BanRevision(
    absl::Time deadline) {
  return ReadRevision(global_keys::kBanVersion, global_keys::kBanStamp,
                      deadline);
}

absl::StatusOr<std::vector<std::string>> ModerationStore::BannedUsers(
    absl::Time deadline) {
  std::vector<std::string> out;
  absl::Status s = ScanHash(
      global_keys::kBans, deadline,
      [&](std::string user, std::string) { out.push_back(std::move(user)); });
  if (!s.ok()) return s;
  return out;
}

void ModerationStore::IsBanned(const std::string& user_id, absl::Time deadline,
                               Callback<bool> done) {
  redis_->Send(
      {"HEXISTS", std::string(global_keys::kBans), user_id}, deadline,
      [done = std::move(done)](absl::StatusOr<RedisReply> reply) mutable {
        if (!reply.ok()) return std::move(done)(reply.status());
        std::move(done)(reply->integer == 1);
      });
}

absl::Status ModerationStore::Audit(const std::vector<v1::AuditEntry>& entries,
                                    absl::Time deadline) {
  std::vector<RedisArgv> commands;
  commands.reserve(entries.size());
  for (const v1::AuditEntry& entry : entries) {
    commands.push_back({"XADD", std::string(global_keys::kAudit), "*",
                        "moderator", entry.moderator(), "action",
                        entry.action(), "target", entry.target(), "reason",
                        entry.reason(), "details", entry.details()});
  }
  absl::StatusOr<std::vector<RedisReply>> replies =
      redis_->Pipeline(commands, deadline);
  if (!replies.ok()) return replies.status();
  return FirstError(*replies);
}

absl::StatusOr<std::vector<v1::AuditEntry>> ModerationStore::ListAudit(
    const std::string& before_id, int limit, absl::Time deadline) {
  absl::StatusOr<RedisReply> reply =
      redis_->Command({"XREVRANGE", std::string(global_keys::kAudit),
                       before_id.empty() ? "+" : "(" + before_id, "-", "COUNT",
                       absl::StrCat(limit)},
                      deadline);
  if (!reply.ok()) return reply.status();
  std::vector<v1::AuditEntry> out;
  for (const RedisReply& item : reply->elements) {
    if (item.elements.size() != 2) return Malformed("an audit entry");
    v1::AuditEntry entry;
    entry.set_entry_id(item.elements[0].str);
    int64_t millis = 0;
    absl::SimpleAtoi(entry.entry_id().substr(0, entry.entry_id().find('-')),
                     &millis);
    entry.mutable_time()->set_seconds(millis / 1000);
    entry.mutable_time()->set_nanos(static_cast<int32_t>(millis % 1000) *
                                    1000000);
    const auto& fields = item.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      const std::string& name = fields[i].str;
      const std::string& value = fields[i + 1].str;
      if (name == "moderator") entry.set_moderator(value);
      if (name == "action") entry.set_action(value);
      if (name == "target") entry.set_target(value);
      if (name == "reason") entry.set_reason(value);
      if (name == "details") entry.set_details(value);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace comments
