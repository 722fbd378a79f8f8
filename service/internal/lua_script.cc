#include "service/internal/lua_script.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"

namespace comments {

extern const char kPostCommentLua[];
extern const char kGetCommentLua[];
extern const char kListCommentsLua[];
extern const char kLikeCommentLua[];
extern const char kDeleteCommentLua[];
extern const char kDecideCommentLua[];
extern const char kReportCommentLua[];
extern const char kUpdateKeywordsLua[];
extern const char kQueueRangeLua[];

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

RedisArgv LuaScript::BuildArgv(const std::string& verb, const std::string& body,
                               const std::vector<std::string>& keys,
                               const std::vector<std::string>& args) const {
  RedisArgv argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.push_back(verb);
  argv.push_back(body);
  argv.push_back(std::to_string(keys.size()));
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

absl::StatusOr<RedisReply> LuaScript::Run(RedisClient& redis,
                                          const std::vector<std::string>& keys,
                                          const std::vector<std::string>& args,
                                          absl::Time deadline) const {
  absl::StatusOr<RedisReply> reply =
      redis.Command(BuildArgv("EVALSHA", sha1_, keys, args), deadline);
  if (!reply.ok() && absl::IsInternal(reply.status()) &&
      absl::StartsWith(reply.status().message(), "NOSCRIPT")) {
    reply = redis.Command(BuildArgv("EVAL", source_, keys, args), deadline);
  }
  return reply;
}

absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> LuaScript::RunMany(
    RedisClient& redis, const std::vector<Call>& calls,
    absl::Time deadline) const {
  std::vector<RedisArgv> commands;
  commands.reserve(calls.size());
  for (const Call& call : calls) {
    commands.push_back(BuildArgv("EVALSHA", sha1_, call.keys, call.args));
  }
  absl::StatusOr<std::vector<RedisReply>> replies =
      redis.Pipeline(commands, deadline);
  if (!replies.ok()) return replies.status();
  std::vector<absl::StatusOr<RedisReply>> out;
  out.reserve(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    RedisReply& reply = (*replies)[i];
    const bool error = reply.type == RedisReply::Type::kStatus &&
                       absl::StartsWith(reply.str, "ERR:");
    if (!error) {
      out.push_back(std::move(reply));
    } else if (absl::StartsWith(reply.str, "ERR:NOSCRIPT")) {
      out.push_back(Run(redis, calls[i].keys, calls[i].args, deadline));
    } else {
      out.push_back(absl::InternalError(reply.str.substr(4)));
    }
  }
  return out;
}

#define COMMENTS_DEFINE_SCRIPT(Name)             \
  const LuaScript& Name##Script() {              \
    static const LuaScript script(k##Name##Lua); \
    return script;                               \
  }
COMMENTS_DEFINE_SCRIPT(PostComment)
COMMENTS_DEFINE_SCRIPT(GetComment)
COMMENTS_DEFINE_SCRIPT(ListComments)
COMMENTS_DEFINE_SCRIPT(LikeComment)
COMMENTS_DEFINE_SCRIPT(DeleteComment)
COMMENTS_DEFINE_SCRIPT(DecideComment)
COMMENTS_DEFINE_SCRIPT(ReportComment)
COMMENTS_DEFINE_SCRIPT(UpdateKeywords)
COMMENTS_DEFINE_SCRIPT(QueueRange)
#undef COMMENTS_DEFINE_SCRIPT

}  // namespace comments
