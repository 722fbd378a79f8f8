// Contact-spam detectors: phone numbers, ids after QQ/WeChat keywords, URLs.
// They read the scanner's units (digits in any form are already folded) or,
// for URLs, the original text, whose dots and slashes the scanner drops.
#ifndef MODERATION_INTERNAL_CONTACT_H_
#define MODERATION_INTERNAL_CONTACT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "moderation/internal/char_table.h"
#include "moderation/internal/scanner.h"

namespace moderation::internal {

struct Span {
  uint32_t start;  // Original code points, end exclusive.
  uint32_t end;
};

// `digit_value[sym]`: the digit a symbol stands for, or 0xFF.
using DigitValues = std::vector<uint8_t>;

// The digits (digit and Chinese numeral units) a text needs before a phone
// number can be in it: Check skips FindPhones below that. A text with a
// Latin letter needs kPhoneDigitsWithLetters, since an O may stand for a 0.
inline constexpr uint32_t kPhoneDigits = 11;
inline constexpr uint32_t kPhoneDigitsWithLetters = 8;

// Appends mainland mobile numbers: 11 digits 1[3-9]..., optionally after
// 86, each standing alone (noise or a non-digit on both sides). A letter O
// (symbol `letter_o`) glued between two digits counts as a 0
// ("139O1234567"). Digits written as a number are not a phone number:
// thousands separated by commas ("15,000,000,000"), or four or more groups
// separated by dots, one of them of one or two digits (a version or an
// address: "138.0.7204.157"). `text` is the text the units were made of.
void FindPhones(std::string_view text, const std::vector<Unit>& units,
                const DigitValues& digit_value, uint32_t letter_o,
                std::vector<Span>* out);

// The id following a contact keyword whose last unit is `keyword_last`:
// for QQ 5-11 digits not starting with 0; for WeChat that, or a Latin
// letter followed by 5-19 letters or digits. At most two other units may
// come between ("qq号:", "微信是"). A WeChat id of letters alone must be
// glued to the keyword or set off by something other than a space
// ("微信：zhangsanfeng", "微信号 zhangsanfeng"): after a space it is as
// likely an English word. Returns false when there is none; else sets
// `*end` to the original end of the id.
bool FindIdAfter(const std::vector<Unit>& units, const DigitValues& digit_value,
                 size_t keyword_last, bool wechat, uint32_t* end);

// Appends links: http(s):// or www. and what follows, and bare domains
// ("abc.com", "abc点com", "ａｂｃ。ｃｏｍ") whose last label is a known
// TLD, also when broken up: "abc . com", "abc[.]com", "w w w . a b c . c o m",
// "h t t p s : / / abc . vip". `table` classifies letters and digits (any
// CharTable).
void FindUrls(const CharTable& table, std::string_view text,
              std::vector<Span>* out);

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_CONTACT_H_
