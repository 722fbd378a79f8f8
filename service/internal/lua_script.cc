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

namespace {

std::string Sha1Hex(const std::string& text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
       digest);
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(digest), sizeof(digest)));
}

}  // namespace

LuaScript::LuaScript(const char* source)
    : source_(source), sha1_(Sha1Hex(source_)) {}

RedisArgv LuaScript::BuildArgv(const std::string& verb,
                               const std::string& body,
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

absl::StatusOr<RedisReply> LuaScript::Run(
    RedisClient& redis, const std::vector<std::string>& keys,
    const std::vector<std::string>& args, absl::Time deadline) const {
  absl::StatusOr<RedisReply> reply =
      redis.Command(BuildArgv("EVALSHA", sha1_, keys, args), deadline);
  if (!reply.ok() && absl::IsInternal(reply.status()) &&
      absl::StartsWith(reply.status().message(), "NOSCRIPT")) {
    reply = redis.Command(BuildArgv("EVAL", source_, keys, args), deadline);
  }
  return reply;
}

#define COMMENTS_DEFINE_SCRIPT(Name)       \
  const LuaScript& Name##Script() {        \
    static const LuaScript script(k##Name##Lua); \
    return script;                         \
  }
COMMENTS_DEFINE_SCRIPT(PostComment)
COMMENTS_DEFINE_SCRIPT(GetComment)
COMMENTS_DEFINE_SCRIPT(ListComments)
COMMENTS_DEFINE_SCRIPT(LikeComment)
COMMENTS_DEFINE_SCRIPT(DeleteComment)
#undef COMMENTS_DEFINE_SCRIPT

}  // namespace comments
