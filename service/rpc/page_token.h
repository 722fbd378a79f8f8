#ifndef COMMENTS_SERVICE_RPC_PAGE_TOKEN_H_
#define COMMENTS_SERVICE_RPC_PAGE_TOKEN_H_

#include <openssl/types.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace comments {

// Where a list walk stands: the request it belongs to and the (score, id)
// of the last comment handed out.
struct PageCursor {
  std::string article_id;
  std::string parent_id;
  int order = 0;      // comments.v1.Order value.
  std::string score;  // Exactly as Redis printed it, so it round-trips.
  std::string comment_id;
};

// Turns cursors into opaque page tokens and back. A token is the cursor's
// fields followed by an HMAC-SHA256 tag under the codec's secret, in
// unpadded base64url. Tokens outlive the process that made them and work on
// every replica that shares the secret.
//
// Rotating the secret: a codec may also hold the previous secret, whose
// tokens it still accepts (it signs with `secret` only), so that readers
// paging through a list while the replicas restart with a new secret are
// not refused (docs/operations.md, "Rotating the page-token secret").
//
// Thread-safe (immutable).
class PageTokenCodec final {
 public:
  // `previous_secret`: accepted for decoding only; empty: none.
  explicit PageTokenCodec(std::string secret, std::string previous_secret = "");
  ~PageTokenCodec();
  PageTokenCodec(const PageTokenCodec&) = delete;
  PageTokenCodec& operator=(const PageTokenCodec&) = delete;

  std::string Encode(const PageCursor& cursor) const;

  // INVALID_ARGUMENT "page_token ..." when the token was not made by a codec
  // with this secret or the previous one (forged, truncated, corrupted) or when
  // it belongs to another article, parent or order than `expected`'s.
  absl::StatusOr<PageCursor> Decode(absl::string_view token,
                                    const PageCursor& expected) const;

 private:
  // SHA-256 states that have already absorbed an HMAC key's inner and
  // outer pads. A tag copies them instead of keying from scratch: OpenSSL
  // 3's one-shot HMAC() looks up both algorithms on every call, which cost
  // more than the hashing itself. Null for an absent previous key.
  struct Key {
    EVP_MD_CTX* inner = nullptr;
    EVP_MD_CTX* outer = nullptr;
  };
  static Key MakeKey(const std::string& secret);
  static std::string Tag(const Key& key, absl::string_view payload);

  Key key_;
  Key previous_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_PAGE_TOKEN_H_
