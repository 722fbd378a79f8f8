// Builds the normalization table. Everything expensive about Unicode (ICU
// normalization, confusables, OpenCC) happens here, once per process, so
// checking text never calls ICU or OpenCC.
#include "moderation/internal/normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "moderation/internal/opencc.h"
#include "moderation/internal/utf8.h"

namespace moderation::internal {
namespace {

using T2sMap = absl::flat_hash_map<char32_t, char32_t>;

// Ranges of Han code points given to OpenCC: the BMP blocks, compatibility
// ideographs and plane 2 (the table covers nothing beyond).
constexpr std::pair<char32_t, char32_t> kHanRanges[] = {
    {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}, {0x20000, 0x2FFFF}};

// OpenCC's t2s conversion applied to each Han code point on its own, i.e.
// its character-level table (TSCharacters): phrase tables only apply to
// runs of several characters, and a line break separates every character
// here. One conversion call for all of them keeps this fast.
absl::StatusOr<T2sMap> TraditionalToSimplified() {
  std::vector<std::string> lines;
  std::vector<char32_t> order;
  for (const auto& [lo, hi] : kHanRanges) {
    for (char32_t c = lo; c <= hi; ++c) {
      lines.emplace_back();
      AppendUtf8(c, &lines.back());
      order.push_back(c);
    }
  }
  absl::StatusOr<std::unique_ptr<OpenCcConverter>> t2s =
      OpenCcConverter::Open("t2s.json");
  if (!t2s.ok()) return t2s.status();
  absl::StatusOr<std::vector<std::string>> converted =
      (*t2s)->ConvertLines(lines);
  if (!converted.ok()) return converted.status();
  T2sMap map;
  for (size_t i = 0; i < order.size(); ++i) {
    const std::string& line = (*converted)[i];
    const auto* p = reinterpret_cast<const unsigned char*>(line.data());
    const auto* end = p + line.size();
    if (p == end) continue;
    char32_t first;
    if (p + DecodeUtf8(p, end, &first) == end && first != order[i]) {
      map[order[i]] = first;
    }
  }
  return map;
}

bool IsLetter(int8_t type) {
  return type == U_UPPERCASE_LETTER || type == U_LOWERCASE_LETTER ||
         type == U_TITLECASE_LETTER || type == U_MODIFIER_LETTER ||
         type == U_OTHER_LETTER || type == U_LETTER_NUMBER;
}

// Scripts whose letters can pass for Latin ones; confusables are applied
// only to them so that, say, katakana never turns into Latin.
bool MayLookLatin(char32_t c) {
  UErrorCode status = U_ZERO_ERROR;
  switch (uscript_getScript(static_cast<UChar32>(c), &status)) {
    case USCRIPT_LATIN:
    case USCRIPT_GREEK:
    case USCRIPT_CYRILLIC:
    case USCRIPT_ARMENIAN:
    case USCRIPT_CHEROKEE:
    case USCRIPT_COPTIC:
    case USCRIPT_LISU:
    case USCRIPT_COMMON:
    case USCRIPT_INHERITED:
      return true;
    default:
      return false;
  }
}

// The ASCII letter a Latin letter is named after, or 0: small capitals
// ("LATIN LETTER SMALL CAPITAL F", in "ꜰᴜᴄᴋ"), script forms ("LATIN SMALL
// LETTER SCRIPT G") and letters with a hook or stroke that NFD does not
// decompose ("LATIN SMALL LETTER F WITH HOOK", "ƒ"). Other qualifiers
// ("TURNED A", "REVERSED E", "ALPHA") name different letters.
char32_t LetterFromName(char32_t c) {
  char buffer[128];
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length =
      u_charName(static_cast<UChar32>(c), U_UNICODE_CHAR_NAME, buffer,
                 sizeof(buffer), &status);
  if (U_FAILURE(status) || length <= 0) return 0;
  std::string_view name(buffer, static_cast<size_t>(length));
  bool latin = false;
  for (std::string_view prefix :
       {"LATIN SMALL LETTER ", "LATIN CAPITAL LETTER ", "LATIN LETTER "}) {
    if (name.substr(0, prefix.size()) == prefix) {
      name.remove_prefix(prefix.size());
      latin = true;
      break;
    }
  }
  if (!latin) return 0;
  for (std::string_view qualifier : {"SMALL CAPITAL ", "SCRIPT ", "DOTLESS "}) {
    if (name.substr(0, qualifier.size()) == qualifier) {
      name.remove_prefix(qualifier.size());
      break;
    }
  }
  if (name.empty() || name[0] < 'A' || name[0] > 'Z') return 0;
  if (name.size() > 1 && name.substr(1, 6) != " WITH ") return 0;
  return static_cast<char32_t>(name[0] - 'A' + 'a');
}

// Computes every table entry. Not thread-safe; used once, under the
// function-local static in NormalizationTable().
class TableBuilder final {
 public:
  TableBuilder(const icu::Normalizer2* nfkc_cf, const icu::Normalizer2* nfd,
               USpoofChecker* spoof, T2sMap t2s)
      : nfkc_cf_(nfkc_cf), nfd_(nfd), spoof_(spoof), t2s_(std::move(t2s)) {}
  TableBuilder(const TableBuilder&) = delete;
  TableBuilder& operator=(const TableBuilder&) = delete;

  CharTable Build() {
    std::vector<uint32_t> entries(kTableSize, kNoise);
    std::vector<uint32_t> expansion;
    std::vector<uint32_t> expansion_index = {0};
    for (char32_t c = 0; c < kTableSize; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;  // Never decoded.
      std::vector<uint32_t> out = Normalize(c);
      if (out.size() == 1) {
        entries[c] = out[0];
      } else if (out.size() > 1) {
        entries[c] =
            kExpansion | static_cast<uint32_t>(expansion_index.size() - 1);
        expansion.insert(expansion.end(), out.begin(), out.end());
        expansion_index.push_back(static_cast<uint32_t>(expansion.size()));
      }
    }
    return CharTable(std::move(entries), std::move(expansion),
                     std::move(expansion_index), kValueMask);
  }

 private:
  // The entries `c` normalizes to; one kNoise entry when it has no letter
  // or digit.
  std::vector<uint32_t> Normalize(char32_t c) {
    // Enclosed letters without a compatibility decomposition (negative
    // circled/squared, regional indicators) spell Latin words in spam.
    for (char32_t base : {0x1F150, 0x1F170, 0x1F1E6}) {
      if (c >= base && c < base + 26) return {kLatin | ('a' + (c - base))};
    }
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString folded = nfkc_cf_->normalize(
        icu::UnicodeString(static_cast<UChar32>(c)), status);
    std::vector<uint32_t> out;
    if (U_FAILURE(status)) return {kNoise};
    for (int32_t i = 0; i < folded.length();) {
      const UChar32 d = folded.char32At(i);
      i += U16_LENGTH(d);
      const int8_t type = u_charType(d);
      if (IsLetter(type)) {
        const uint32_t letter = FoldLetter(static_cast<char32_t>(d), c);
        out.push_back(letter >= 'a' && letter <= 'z' ? (kLatin | letter)
                                                     : letter);
      } else if (type == U_DECIMAL_DIGIT_NUMBER || type == U_OTHER_NUMBER) {
        const double v = u_getNumericValue(d);
        if (v >= 0 && v <= 9 && v == static_cast<int>(v)) {
          out.push_back(kDigit | ('0' + static_cast<uint32_t>(v)));
        }
      }
    }
    if (!out.empty()) return out;
    if (folded.length() == 1) {
      switch (folded.charAt(0)) {
        case u'@':
          return {kNoise | kSoft | 'a'};
        case u'$':
          return {kNoise | kSoft | 's'};
        case u'!':
          return {kNoise | kSoft | 'i'};
        // Read only between Latin letters ("fu(k", "bi+ch"): elsewhere
        // they open asides and add numbers.
        case u'(':
          return {kNoise | kSoft | 'c'};
        case u'+':
          return {kNoise | kSoft | 't'};
        case u'*':
          return {kNoise | kStar | kWildcardCodePoint};
        default:
          break;
      }
    }
    return {kNoise};
  }

  // A letter's normalized form: traditional Han to simplified; accented or
  // look-alike Latin letters to plain ASCII.
  // `original` is the code point before case folding: "Κ" (Greek capital)
  // looks like "K", its folded "κ" looks like nothing Latin.
  char32_t FoldLetter(char32_t c, char32_t original) {
    if (c < 0x80) return c;
    if (auto it = t2s_.find(c); it != t2s_.end()) return it->second;
    if (!MayLookLatin(c)) return c;
    UErrorCode status = U_ZERO_ERROR;
    // Strip accents: "ü" -> "u".
    const icu::UnicodeString decomposed =
        nfd_->normalize(icu::UnicodeString(static_cast<UChar32>(c)), status);
    if (U_SUCCESS(status) && decomposed.length() > 0 &&
        decomposed.char32At(0) < 0x80 && u_isalpha(decomposed.char32At(0))) {
      return static_cast<char32_t>(u_tolower(decomposed.char32At(0)));
    }
    // Look-alikes: Cyrillic "а", Greek "ο" -> "a", "o". The letter as
    // written first (Greek "Ν" looks like "N", its folded "ν" like "v"),
    // then folded, then its capital, since a lowercase Cyrillic or Greek
    // letter shaped like a small capital reads as that letter (Cyrillic
    // "к", "т", "м", Greek "κ", "τ" -> "k", "t", "m", "k", "t"), as the
    // Latin small capitals do (LetterFromName).
    for (char32_t form : {original, c, static_cast<char32_t>(u_toupper(c))}) {
      icu::UnicodeString skeleton;
      status = U_ZERO_ERROR;
      uspoof_getSkeletonUnicodeString(
          spoof_, 0, icu::UnicodeString(static_cast<UChar32>(form)), skeleton,
          &status);
      if (U_SUCCESS(status) && skeleton.countChar32() == 1) {
        UChar32 s = skeleton.char32At(0);
        // The skeleton writes a capital I as "l"; a capital that looks like
        // one (Cyrillic "І", Greek "Ι") is an I.
        if (s == 'l' && u_isupper(static_cast<UChar32>(form))) s = 'i';
        s = u_tolower(s);
        if (s >= 'a' && s <= 'z') return static_cast<char32_t>(s);
      }
    }
    // Latin letters no skeleton maps to one ASCII letter: "ꜰ", "ƒ".
    if (const char32_t letter = LetterFromName(c); letter != 0) return letter;
    return c;
  }

  const icu::Normalizer2* nfkc_cf_;
  const icu::Normalizer2* nfd_;
  USpoofChecker* spoof_;
  T2sMap t2s_;
};

absl::StatusOr<CharTable> BuildNormalizationTable() {
  absl::StatusOr<T2sMap> t2s = TraditionalToSimplified();
  if (!t2s.ok()) return t2s.status();
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf =
      icu::Normalizer2::getNFKCCasefoldInstance(status);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  std::unique_ptr<USpoofChecker, void (*)(USpoofChecker*)> spoof(
      uspoof_open(&status), uspoof_close);
  if (U_FAILURE(status)) {
    return absl::FailedPreconditionError(
        absl::StrCat("ICU data unavailable: ", u_errorName(status)));
  }
  TableBuilder builder(nfkc_cf, nfd, spoof.get(), *std::move(t2s));
  return builder.Build();
}

}  // namespace

const absl::StatusOr<CharTable>& NormalizationTable() {
  static const absl::StatusOr<CharTable>* const table =
      new absl::StatusOr<CharTable>(BuildNormalizationTable());
  return *table;
}

}  // namespace moderation::internal
