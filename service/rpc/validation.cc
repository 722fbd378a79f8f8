#include "service/rpc/validation.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace comments {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, " ", problem));
}

// What a scan of UTF-8 text found (ids: no rewriting).
struct TextScan {
  bool valid_utf8 = true;
  bool has_control = false;  // Any Cc or Cf (u_iscntrl).
};

TextScan Scan(absl::string_view text) {
  TextScan scan;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) {
      scan.valid_utf8 = false;
      return scan;
    }
    if (u_iscntrl(c)) scan.has_control = true;
  }
  return scan;
}

int32_t CountCodePoints(absl::string_view text) {
  int32_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// "U+202E RIGHT-TO-LEFT OVERRIDE", or "U+0007" for a character without a
// name.
std::string Describe(UChar32 c) {
  std::string described = absl::StrFormat("U+%04X", c);
  char name[128];
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length =
      u_charName(c, U_UNICODE_CHAR_NAME, name, sizeof(name), &status);
  if (U_SUCCESS(status) && length > 0 && length < int32_t{sizeof(name)}) {
    absl::StrAppend(&described, " ", absl::string_view(name, length));
  }
  return described;
}

}  // namespace

FormatRule FormatRuleFor(char32_t c) {
  // Bidirectional embeddings, overrides and isolates reorder the text as it
  // is rendered (an override can show "gnp.exe" as "exe.png"): refused.
  if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
    return FormatRule::kRefuse;
  }
  // Deprecated format characters (symmetric swapping, shaping) and
  // interlinear annotation controls: no reader needs them.
  if ((c >= 0x206A && c <= 0x206F) || (c >= 0xFFF9 && c <= 0xFFFB)) {
    return FormatRule::kRefuse;
  }
  // Invisible word breakers and joiners that only hide text (a zero-width
  // space inside a word, a stray byte order mark): dropped.
  if (c == 0x200B || c == 0x2060 || c == 0xFEFF) return FormatRule::kDrop;
  // Everything else in Cf is kept: the zero-width joiner of emoji sequences
  // (👨‍👩‍👧, ❤️‍🔥) and Indic scripts, the non-joiner Persian and Indic
  // scripts need, the left-to-right and right-to-left marks and Arabic
  // letter mark (marks, not overrides), the soft hyphen, emoji tag
  // sequences (🏴 flags), number signs of Arabic and other scripts.
  return FormatRule::kKeep;
}

absl::StatusOr<CleanText> CleanFreeText(absl::string_view text,
                                        absl::string_view field,
                                        bool allow_newline) {
  CleanText clean;
  clean.text.reserve(text.size());
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  size_t first_kept = std::string::npos;  // Bytes of `clean.text` without
  size_t end_kept = 0;                    // leading/trailing white space.
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) return Invalid(field, "is not valid UTF-8");
    absl::string_view bytes(text.data() + start, i - start);
    switch (u_charType(c)) {
      case U_CONTROL_CHAR:
        if (c == '\n' && allow_newline) break;
        if (c == '\t') {
          bytes = " ";
          break;
        }
        return Invalid(
            field,
            absl::StrCat("holds the control character ", Describe(c),
                         allow_newline ? "; only newline and tab are allowed"
                                       : "; only tab is allowed"));
      case U_FORMAT_CHAR:
        switch (FormatRuleFor(static_cast<char32_t>(c))) {
          case FormatRule::kKeep:
            break;
          case FormatRule::kDrop:
            continue;
          case FormatRule::kRefuse:
            return Invalid(
                field, absl::StrCat("holds ", Describe(c),
                                    ", a formatting control that can change "
                                    "how the text reads; it is not allowed"));
        }
        break;
      default:
        break;
    }
    const bool space = bytes == " " || u_isUWhiteSpace(c);
    if (!space) {
      if (first_kept == std::string::npos) first_kept = clean.text.size();
      end_kept = clean.text.size() + bytes.size();
    }
    clean.text.append(bytes.data(), bytes.size());
  }
  if (first_kept == std::string::npos) {
    clean.text.clear();
  } else {
    clean.text = clean.text.substr(first_kept, end_kept - first_kept);
  }
  clean.code_points = CountCodePoints(clean.text);
  return clean;
}

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
  const TextScan scan = Scan(id);
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
  absl::StatusOr<CleanText> clean =
      CleanFreeText(folded, "body", /*allow_newline=*/true);
  if (!clean.ok()) return clean.status();
  if (clean->code_points == 0) return Invalid("body", "is empty");
  if (clean->code_points > max_chars) {
    return Invalid("body",
                   absl::StrCat("has ", clean->code_points,
                                " characters; the limit is ", max_chars));
  }
  return std::move(clean->text);
}

namespace {

// Optional free text: the format-character rules, trimmed, bounded; may be
// empty.
absl::StatusOr<std::string> NormalizeOptionalText(absl::string_view text,
                                                  absl::string_view field,
                                                  int max_chars,
                                                  bool allow_newline) {
  absl::StatusOr<CleanText> clean = CleanFreeText(text, field, allow_newline);
  if (!clean.ok()) return clean.status();
  if (clean->code_points > max_chars) {
    return Invalid(field,
                   absl::StrCat("has more than ", max_chars, " characters"));
  }
  return std::move(clean->text);
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
