#include "service/internal/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace comments {
namespace {

// Versioned so the layout can change without misreading old tokens.
constexpr absl::string_view kVersion = "1";
constexpr size_t kTagBytes = 16;   // Truncated HMAC-SHA256: 128 bits.
constexpr char kSeparator = '\n';  // Not allowed in any field.

absl::Status BadToken(absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("page_token is invalid: ", why,
                   "; pass back next_page_token unchanged, with the same "
                   "article_id, order and parent_id"));
}

}  // namespace

PageTokenCodec::PageTokenCodec(std::string secret)
    : secret_(std::move(secret)) {}

std::string PageTokenCodec::Tag(absl::string_view payload) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
       mac, &mac_length);
  return std::string(reinterpret_cast<const char*>(mac), kTagBytes);
}

std::string PageTokenCodec::Encode(const PageCursor& cursor) const {
  const std::string payload = absl::StrJoin(
      {std::string(kVersion), cursor.article_id, cursor.parent_id,
       std::to_string(cursor.order), cursor.score, cursor.comment_id},
      std::string(1, kSeparator));
  return absl::WebSafeBase64Escape(payload + Tag(payload));
}

absl::StatusOr<PageCursor> PageTokenCodec::Decode(
    absl::string_view token, const PageCursor& expected) const {
  std::string raw;
  if (token.size() > 1024 || !absl::WebSafeBase64Unescape(token, &raw)) {
    return BadToken("not a token this service issued");
  }
  if (raw.size() <= kTagBytes) return BadToken("too short");
  const absl::string_view payload(raw.data(), raw.size() - kTagBytes);
  const std::string tag = Tag(payload);
  if (CRYPTO_memcmp(tag.data(), raw.data() + payload.size(), kTagBytes) != 0) {
    return BadToken("its signature does not match");
  }
  const std::vector<std::string> fields = absl::StrSplit(payload, kSeparator);
  if (fields.size() != 6 || fields[0] != kVersion) {
    return BadToken("unknown layout");
  }
  PageCursor cursor;
  cursor.article_id = fields[1];
  cursor.parent_id = fields[2];
  double score;
  if (!absl::SimpleAtoi(fields[3], &cursor.order) ||
      !absl::SimpleAtod(fields[4], &score)) {
    return BadToken("unknown layout");
  }
  cursor.score = fields[4];
  cursor.comment_id = fields[5];
  if (cursor.article_id != expected.article_id ||
      cursor.parent_id != expected.parent_id ||
      cursor.order != expected.order) {
    return BadToken("it belongs to another list");
  }
  return cursor;
}

}  // namespace comments
