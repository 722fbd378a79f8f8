#include "service/rpc/moderator_auth.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace comments {
namespace {

constexpr size_t kMinTokenLength = 16;

std::string Digest(absl::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

}  // namespace

absl::StatusOr<ModeratorAuth> ModeratorAuth::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("moderator tokens file ", path, " cannot be read"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

absl::StatusOr<ModeratorAuth> ModeratorAuth::Parse(absl::string_view text,
                                                   absl::string_view source) {
  ModeratorAuth auth;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> fields = absl::StrSplit(
        line, absl::MaxSplits(absl::ByAnyChar(" \t"), 1), absl::SkipEmpty());
    const auto where = [&] { return absl::StrCat(source, ":", line_number); };
    if (fields.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), ": expected `TOKEN NAME`"));
    }
    if (fields[0].size() < kMinTokenLength) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), ": tokens must be at least ", kMinTokenLength,
                       " characters"));
    }
    std::string digest = Digest(fields[0]);
    for (const auto& known : auth.moderators_) {
      if (known.first == digest) {
        return absl::InvalidArgumentError(
            absl::StrCat(where(), ": the same token appears twice"));
      }
    }
    auth.moderators_.emplace_back(
        std::move(digest), std::string(absl::StripAsciiWhitespace(fields[1])));
  }
  return auth;
}

absl::StatusOr<std::string> ModeratorAuth::Authenticate(
    const grpc::ServerContextBase& context) const {
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "moderation calls need `authorization: Bearer <token>` metadata");
  }
  absl::string_view value(it->second.data(), it->second.size());
  if (!absl::ConsumePrefix(&value, "Bearer ") || value.empty()) {
    return absl::UnauthenticatedError(
        "the authorization metadata must be `Bearer <token>`");
  }
  const std::string digest = Digest(value);
  // Compare against every digest, without stopping early.
  const std::string* name = nullptr;
  for (const auto& [known, moderator] : moderators_) {
    if (CRYPTO_memcmp(known.data(), digest.data(), digest.size()) == 0) {
      name = &moderator;
    }
  }
  if (name == nullptr) {
    return absl::PermissionDeniedError("the bearer token is not a moderator's");
  }
  return *name;
}

}  // namespace comments
