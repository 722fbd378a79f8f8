#ifndef COMMENTS_SERVICE_RPC_MODERATOR_AUTH_H_
#define COMMENTS_SERVICE_RPC_MODERATOR_AUTH_H_

#include <grpcpp/grpcpp.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace comments {

// Who may call ModerationService: bearer tokens from a file of lines
// `TOKEN NAME` ('#' comments and blank lines allowed).
//
// Tokens are kept only as SHA-256 digests and compared in constant time
// against every known digest, so neither timing nor a memory dump reveals
// them; no message ever includes a token.
//
// Thread-safe (immutable).
class ModeratorAuth final {
 public:
  // No moderators: every call is PERMISSION_DENIED.
  ModeratorAuth() = default;

  // INVALID_ARGUMENT naming the line for a malformed one (fewer than two
  // fields, a token shorter than 16 characters, a repeated token); NOT_FOUND
  // when the file cannot be read.
  static absl::StatusOr<ModeratorAuth> LoadFile(const std::string& path);
  static absl::StatusOr<ModeratorAuth> Parse(absl::string_view text,
                                             absl::string_view source);

  // The moderator's name for the call's `authorization: Bearer TOKEN`.
  // UNAUTHENTICATED without such metadata; PERMISSION_DENIED for a token
  // that is not in the file.
  absl::StatusOr<std::string> Authenticate(
      const grpc::ServerContextBase& context) const;

  size_t size() const { return moderators_.size(); }

 private:
  // (SHA-256 of the token, moderator name).
  std::vector<std::pair<std::string, std::string>> moderators_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_MODERATOR_AUTH_H_
