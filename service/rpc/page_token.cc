#include "service/rpc/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>
#include <memory>
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

// The working copy a tag is computed in, one per thread so that the codec
// stays immutable and shareable.
EVP_MD_CTX* ThreadDigest() {
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(
      EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return ctx.get();
}

}  // namespace

// HMAC (RFC 2104) with SHA-256: H((K ^ opad) || H((K ^ ipad) || m)).
PageTokenCodec::Key PageTokenCodec::MakeKey(const std::string& secret) {
  Key k{EVP_MD_CTX_new(), EVP_MD_CTX_new()};
  constexpr size_t kBlock = 64;  // SHA-256's block size.
  unsigned char key[kBlock] = {};
  if (secret.size() > kBlock) {
    EVP_Digest(secret.data(), secret.size(), key, nullptr, EVP_sha256(),
               nullptr);
  } else {
    std::memcpy(key, secret.data(), secret.size());
  }
  unsigned char inner_pad[kBlock], outer_pad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) {
    inner_pad[i] = key[i] ^ 0x36;
    outer_pad[i] = key[i] ^ 0x5c;
  }
  EVP_DigestInit_ex(k.inner, EVP_sha256(), nullptr);
  EVP_DigestUpdate(k.inner, inner_pad, kBlock);
  EVP_DigestInit_ex(k.outer, EVP_sha256(), nullptr);
  EVP_DigestUpdate(k.outer, outer_pad, kBlock);
  OPENSSL_cleanse(key, sizeof(key));
  OPENSSL_cleanse(inner_pad, sizeof(inner_pad));
  OPENSSL_cleanse(outer_pad, sizeof(outer_pad));
  return k;
}

PageTokenCodec::PageTokenCodec(std::string secret, std::string previous_secret)
    : key_(MakeKey(secret)) {
  if (!previous_secret.empty()) previous_ = MakeKey(previous_secret);
}

PageTokenCodec::~PageTokenCodec() {
  for (const Key& k : {key_, previous_}) {
    EVP_MD_CTX_free(k.inner);  // Null-safe.
    EVP_MD_CTX_free(k.outer);
  }
}

std::string PageTokenCodec::Tag(const Key& key, absl::string_view payload) {
  EVP_MD_CTX* ctx = ThreadDigest();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX_copy_ex(ctx, key.inner);
  EVP_DigestUpdate(ctx, payload.data(), payload.size());
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_copy_ex(ctx, key.outer);
  EVP_DigestUpdate(ctx, digest, length);
  EVP_DigestFinal_ex(ctx, digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), kTagBytes);
}

std::string PageTokenCodec::Encode(const PageCursor& cursor) const {
  const std::string payload = absl::StrJoin(
      {std::string(kVersion), cursor.article_id, cursor.parent_id,
       std::to_string(cursor.order), cursor.score, cursor.comment_id},
      std::string(1, kSeparator));
  return absl::WebSafeBase64Escape(payload + Tag(key_, payload));
}

absl::StatusOr<PageCursor> PageTokenCodec::Decode(
    absl::string_view token, const PageCursor& expected) const {
  std::string raw;
  if (token.size() > 1024 || !absl::WebSafeBase64Unescape(token, &raw)) {
    return BadToken("not a token this service issued");
  }
  if (raw.size() <= kTagBytes) return BadToken("too short");
  const absl::string_view payload(raw.data(), raw.size() - kTagBytes);
  const auto signed_with = [&](const Key& key) {
    if (key.inner == nullptr) return false;
    const std::string tag = Tag(key, payload);
    return CRYPTO_memcmp(tag.data(), raw.data() + payload.size(), kTagBytes) ==
           0;
  };
  if (!signed_with(key_) && !signed_with(previous_)) {
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
