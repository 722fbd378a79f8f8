#include "redis/lua_script.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"

namespace comments {

namespace {

std::string Sha1Hex(const std::string& text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
       digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

}  // namespace

LuaScript::LuaScript(const char* source)
    : source_(source), sha1_(Sha1Hex(source_)) {}

void LuaScript::Append(const Call& call, bool by_source,
                       RedisBatch& batch) const {
  batch.Begin(3 + call.keys.size() + call.args.size())
      .Arg(by_source ? "EVAL" : "EVALSHA")
      .Arg(by_source ? source_ : sha1_)
      .Arg(static_cast<int64_t>(call.keys.size()));
  for (const std::string& key : call.keys) batch.Arg(key);
  for (const std::string& arg : call.args) batch.Arg(arg);
}

namespace {

bool IsNoScript(const RedisReply& reply) {
  return reply.is_error() && reply.error_kind() == RedisErrorKind::kNoScript;
}

// One script reply as Run returns it: an error reply becomes its status.
absl::StatusOr<RedisReply> ScriptOutcome(RedisReply reply) {
  if (reply.is_error()) return reply.error_status();
  return reply;
}

}  // namespace

void LuaScript::Send(RedisClient& redis, Call call, absl::Time deadline,
                     Callback<RedisReply> done) const {
  RedisBatch batch;
  Append(call, /*by_source=*/false, batch);
  redis.Send(
      std::move(batch), deadline,
      [this, &redis, call = std::move(call), deadline,
       done = std::move(done)](absl::StatusOr<RedisReplies> replies) mutable {
        if (!replies.ok()) return std::move(done)(replies.status());
        RedisReply& reply = replies->front();
        if (!IsNoScript(reply)) {
          return std::move(done)(ScriptOutcome(std::move(reply)));
        }
        // Redis restarted or flushed its scripts: send the source, which
        // loads it again for the calls that follow.
        RedisBatch again;
        Append(call, /*by_source=*/true, again);
        redis.Send(
            std::move(again), deadline,
            [done = std::move(done)](
                absl::StatusOr<RedisReplies> replies) mutable {
              if (!replies.ok()) return std::move(done)(replies.status());
              std::move(done)(ScriptOutcome(std::move(replies->front())));
            });
      });
}

absl::StatusOr<RedisReply> LuaScript::Run(RedisClient& redis,
                                          const std::vector<std::string>& keys,
                                          const std::vector<std::string>& args,
                                          absl::Time deadline) const {
  return Await<RedisReply>([&](Callback<RedisReply> done) {
    Send(redis, Call{keys, args}, deadline, std::move(done));
  });
}

absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> LuaScript::RunMany(
    RedisClient& redis, const std::vector<Call>& calls,
    absl::Time deadline) const {
  RedisBatch batch;
  for (const Call& call : calls) Append(call, /*by_source=*/false, batch);
  absl::StatusOr<RedisReplies> replies = redis.Wait(std::move(batch), deadline);
  if (!replies.ok()) return replies.status();
  std::vector<absl::StatusOr<RedisReply>> out;
  out.reserve(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    RedisReply& reply = (*replies)[i];
    if (IsNoScript(reply)) {
      out.push_back(Run(redis, calls[i].keys, calls[i].args, deadline));
    } else {
      out.push_back(ScriptOutcome(std::move(reply)));
    }
  }
  return out;
}

}  // namespace comments
