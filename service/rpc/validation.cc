#include "service/rpc/validation.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace comments {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, " ", problem));
}

// What a scan of UTF-8 text found.
struct TextScan {
  bool valid_utf8 = true;
  bool has_control = false;  // Other than '\n' when newlines are allowed.
  int32_t code_points = 0;
  size_t first_kept = 0;  // Byte range without leading/trailing white space.
  size_t end_kept = 0;
};

TextScan Scan(absl::string_view text, bool allow_newline) {
  TextScan scan;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  bool seen_content = false;
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      scan.valid_utf8 = false;
      return scan;
    }
    if (u_iscntrl(c) && !(allow_newline && c == '\n')) scan.has_control = true;
    if (!u_isUWhiteSpace(c)) {
      if (!seen_content) scan.first_kept = start;
      seen_content = true;
      scan.end_kept = i;
    }
  }
  if (!seen_content) return scan;
  const absl::string_view kept =
      text.substr(scan.first_kept, scan.end_kept - scan.first_kept);
  const auto* k = reinterpret_cast<const uint8_t*>(kept.data());
  for (int32_t i = 0; i < static_cast<int32_t>(kept.size());) {
    UChar32 c;
    U8_NEXT(k, i, static_cast<int32_t>(kept.size()), c);
    ++scan.code_points;
  }
  return scan;
}

}  // namespace

absl::Status ValidateArticleId(absl::string_view id, absl::string_view field) {
  if (id.empty()) return Invalid(field, "is required");
  if (id.size() > kMaxIdBytes) {
    return Invalid(field,
                   absl::StrCat("is longer than ", kMaxIdBytes, " characters"));
  }
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '.' && c != ':' &&
        c != '-') {
      return Invalid(field, "may hold only the characters [A-Za-z0-9_.:-]");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateUserId(absl::string_view id, absl::string_view field) {
  if (id.empty()) return Invalid(field, "is required");
  if (id.size() > kMaxIdBytes) {
    return Invalid(field,
                   absl::StrCat("is longer than ", kMaxIdBytes, " bytes"));
  }
  const TextScan scan = Scan(id, /*allow_newline=*/false);
  if (!scan.valid_utf8) return Invalid(field, "is not valid UTF-8");
  if (scan.has_control) return Invalid(field, "holds a control character");
  return absl::OkStatus();
}

absl::Status ValidateCommentIdPresent(absl::string_view id,
                                      absl::string_view field) {
  if (id.empty()) return Invalid(field, "is required");
  if (id.size() > kMaxIdBytes) {
    return Invalid(field,
                   absl::StrCat("is longer than ", kMaxIdBytes, " bytes"));
  }
  return absl::OkStatus();
}

bool IsWellFormedCommentId(absl::string_view id) {
  if (id.empty() || id.size() > 19 || id[0] == '0') return false;
  for (char c : id) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

absl::Status ValidateCommentRef(absl::string_view article_id,
                                absl::string_view comment_id,
                                absl::string_view field) {
  if (absl::Status s = ValidateArticleId(article_id); !s.ok()) return s;
  if (absl::Status s = ValidateCommentIdPresent(comment_id, field); !s.ok()) {
    return s;
  }
  if (!IsWellFormedCommentId(comment_id)) {
    return absl::NotFoundError(absl::StrCat(
        field, " ", comment_id, " names no comment of this article"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ResolvePageSize(int32_t requested, int default_size,
                                    int max_size) {
  if (requested < 0) return Invalid("page_size", "must not be negative");
  return requested == 0 ? default_size : std::min<int>(requested, max_size);
}

absl::StatusOr<std::string> NormalizeBody(absl::string_view body,
                                          int max_chars) {
  const std::string folded = absl::StrReplaceAll(body, {{"\r\n", "\n"}});
  const TextScan scan = Scan(folded, /*allow_newline=*/true);
  if (!scan.valid_utf8) return Invalid("body", "is not valid UTF-8");
  if (scan.has_control) {
    return Invalid("body",
                   "holds a control character (only newline is allowed)");
  }
  if (scan.code_points == 0) return Invalid("body", "is empty");
  if (scan.code_points > max_chars) {
    return Invalid("body",
                   absl::StrCat("has ", scan.code_points,
                                " characters; the limit is ", max_chars));
  }
  return folded.substr(scan.first_kept, scan.end_kept - scan.first_kept);
}

namespace {

// Optional free text: trimmed, bounded, no control characters (but newline
// when allowed).
absl::StatusOr<std::string> NormalizeOptionalText(absl::string_view text,
                                                  absl::string_view field,
                                                  int max_chars,
                                                  bool allow_newline) {
  const TextScan scan = Scan(text, allow_newline);
  if (!scan.valid_utf8) return Invalid(field, "is not valid UTF-8");
  if (scan.has_control) return Invalid(field, "holds a control character");
  if (scan.code_points > max_chars) {
    return Invalid(field,
                   absl::StrCat("has more than ", max_chars, " characters"));
  }
  return std::string(
      text.substr(scan.first_kept, scan.end_kept - scan.first_kept));
}

}  // namespace

absl::StatusOr<std::string> NormalizeAuthorName(absl::string_view name) {
  return NormalizeOptionalText(name, "author_name", kMaxAuthorNameChars,
                               /*allow_newline=*/false);
}

absl::StatusOr<std::string> NormalizeReason(absl::string_view reason,
                                            absl::string_view field) {
  return NormalizeOptionalText(reason, field, kMaxReasonChars,
                               /*allow_newline=*/true);
}

}  // namespace comments
