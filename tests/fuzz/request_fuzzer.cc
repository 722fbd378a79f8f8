// Fuzzes what parses untrusted request fields: page tokens, the text
// checks (the format-character rules), and the walk that names a request's
// invalid UTF-8 field (checked_request.h). Input layout: first byte picks
// max_body_chars, the rest is the text under test, also read as the bytes
// of a request.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "comments/v1/comments.pb.h"
#include "comments/v1/moderation.pb.h"
#include "service/rpc/checked_request.h"
#include "service/rpc/page_token.h"
#include "service/rpc/validation.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

bool IsValidUtf8(const std::string& s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  for (int32_t i = 0; i < static_cast<int32_t>(s.size());) {
    UChar32 c;
    U8_NEXT(p, i, static_cast<int32_t>(s.size()), c);
    if (c < 0) return false;
  }
  return true;
}

int32_t CodePoints(const std::string& s) {
  int32_t n = 0;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  for (int32_t i = 0; i < static_cast<int32_t>(s.size()); ++n) {
    UChar32 c;
    U8_NEXT(p, i, static_cast<int32_t>(s.size()), c);
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int max_chars = 1 + data[0] % 64;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  static const comments::PageTokenCodec codec("fuzz-secret");
  comments::PageCursor expected;
  expected.article_id = "a";
  expected.order = 2;
  absl::StatusOr<comments::PageCursor> cursor = codec.Decode(text, expected);
  if (cursor.ok()) {
    // Only a token this codec signed can decode; it must re-encode the same.
    Check(codec.Encode(*cursor) == text);
  } else {
    Check(cursor.status().code() == absl::StatusCode::kInvalidArgument);
  }
  // Every cursor survives a round trip, whatever its fields hold.
  comments::PageCursor any = expected;
  any.score = text.substr(0, 20);
  any.comment_id = text.size() > 20 ? text.substr(20) : "";
  if (any.score.find('\n') == std::string::npos &&
      any.comment_id.find('\n') == std::string::npos) {
    double score;
    Check(codec.Decode(codec.Encode(any), expected).ok() ==
          absl::SimpleAtod(any.score, &score));
  }

  absl::StatusOr<std::string> body = comments::NormalizeBody(text, max_chars);
  if (body.ok()) {
    Check(IsValidUtf8(*body));
    Check(!body->empty());
    Check(CodePoints(*body) <= max_chars);
    Check(body->front() != ' ' && body->back() != ' ' && body->back() != '\n');
  }
  if (body.ok()) {
    // No refused or dropped format character survives.
    const auto* p = reinterpret_cast<const uint8_t*>(body->data());
    for (int32_t i = 0; i < static_cast<int32_t>(body->size());) {
      UChar32 c;
      U8_NEXT(p, i, static_cast<int32_t>(body->size()), c);
      Check(c == '\n' || u_charType(c) != U_CONTROL_CHAR);
      if (u_charType(c) == U_FORMAT_CHAR) {
        Check(comments::FormatRuleFor(c) == comments::FormatRule::kKeep);
      }
    }
  }
  absl::StatusOr<std::string> name = comments::NormalizeAuthorName(text);
  if (name.ok()) Check(IsValidUtf8(*name));

  // A request that parses has no invalid field to name; one the walk finds
  // an invalid field in does not parse.
  static const google::protobuf::Message* const kRequests[] = {
      &comments::v1::PostCommentRequest::default_instance(),
      &comments::v1::BatchGetArticleStatsRequest::default_instance(),
      &comments::v1::UpdateKeywordsRequest::default_instance(),
      &comments::v1::ModerateCommentsRequest::default_instance()};
  for (const google::protobuf::Message* prototype : kRequests) {
    std::unique_ptr<google::protobuf::Message> request(prototype->New());
    const bool parsed = request->ParseFromString(text);
    const std::optional<std::string> field =
        comments::FindInvalidUtf8(prototype->GetDescriptor(), text);
    if (parsed) Check(!field.has_value());
    if (field.has_value()) Check(!parsed && !field->empty());
  }
  comments::ValidateUserId(text, "user_id").IgnoreError();
  comments::ValidateArticleId(text).IgnoreError();
  return 0;
}
