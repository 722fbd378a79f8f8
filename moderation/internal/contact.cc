#include "moderation/internal/contact.h"

#include <algorithm>
#include <string>
#include <vector>

#include "moderation/internal/utf8.h"

namespace moderation::internal {
namespace {

constexpr uint8_t kNone = 0xFF;

uint8_t DigitAt(const std::vector<Unit>& units, const DigitValues& dv,
                size_t i) {
  return i < units.size() && units[i].sym < dv.size() ? dv[units[i].sym]
                                                      : kNone;
}

bool IsLatinUnit(const Unit& u) { return (u.flags & kUnitLatin) != 0; }

// Top-level domains seen in Chinese spam. Short common words ("me", "is")
// are left out on purpose: "hello.me" in prose is not a link.
constexpr std::string_view kTlds[] = {
    "com",  "net",  "org",  "cn",     "top",  "xyz",  "vip",  "cc",
    "info", "club", "site", "shop",   "app",  "io",   "co",   "tv",
    "bet",  "win",  "live", "online", "link", "ltd",  "biz",  "ink",
    "pw",   "ws",   "la",   "hk",     "tw",   "asia", "wang", "fun",
    "icu",  "work", "cyou", "xin",    "red"};

bool IsTld(std::string_view label) {
  for (std::string_view tld : kTlds) {
    if (label == tld) return true;
  }
  return false;
}

bool IsUrlChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~:/?#@!$&'()*+,;=%").find(c) !=
             std::string_view::npos;
}
bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// Full-width ASCII ("１３８", "ｃｏｍ") as ASCII.
char32_t NarrowAscii(char32_t c) {
  return c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c;
}

// What Fold writes for a code point that is neither a URL character nor
// whitespace: it ends any label.
constexpr char kOther = '\x01';

// One ASCII character per original code point: letters and digits folded
// (full-width, other scripts' look-alikes), dots in their Chinese forms as
// '.', brackets in their CJK forms as '[' and ']', ASCII punctuation kept,
// whitespace ' ', everything else kOther.
void Fold(const CharTable& table, std::string_view text, std::string* out) {
  out->clear();
  const uint32_t a = table.Lookup('a') & kValueMask;
  const uint32_t zero = table.Lookup('0') & kValueMask;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    char32_t c;
    p += DecodeUtf8(p, end, &c);
    c = NarrowAscii(c);
    const uint32_t e = table.Lookup(c);
    char folded = kOther;
    if (c == '.' || c == 0x3002 || c == 0xFF61 || c == U'点' || c == U'點') {
      folded = '.';
    } else if (c == '[' || c == ']' || c == '{' || c == '}') {
      folded = static_cast<char>(c);
    } else if (c == 0x3010 || c == 0x3014) {  // 【 〔
      folded = '[';
    } else if (c == 0x3011 || c == 0x3015) {  // 】 〕
      folded = ']';
    } else if (!(e & kExpansion) && (e & kLatin)) {
      folded = static_cast<char>('a' + ((e & kValueMask) - a));
    } else if (!(e & kExpansion) && (e & kDigit)) {
      folded = static_cast<char>('0' + ((e & kValueMask) - zero));
    } else if (c < 0x80 && IsUrlChar(static_cast<char>(c))) {
      folded = static_cast<char>(c);
    } else if (c <= 0x20 || c == 0xA0 || c == 0x3000) {
      folded = ' ';
    }
    out->push_back(folded);
  }
}

// The length of a defanged dot at f[i] ("[.]", "(.)", "{.}", "[dot]",
// "(dot)"), or 0.
size_t DefangedDot(std::string_view f, size_t i) {
  constexpr std::string_view kOpen = "[({";
  constexpr std::string_view kClose = "])}";
  const size_t kind = kOpen.find(f[i]);
  if (kind == std::string_view::npos) return 0;
  for (std::string_view dot : {".", "dot"}) {
    if (f.substr(i + 1, dot.size()) == dot &&
        f.substr(i + 1 + dot.size(), 1) == kClose.substr(kind, 1)) {
      return dot.size() + 2;
    }
  }
  return 0;
}

// True when f[i] is a character standing alone between whitespace (or the
// ends of the text), as in "w w w . x p j".
bool Single(std::string_view f, size_t i) {
  return f[i] != ' ' && f[i] != kOther && (i == 0 || f[i - 1] == ' ') &&
         (i + 1 == f.size() || f[i + 1] == ' ');
}

// Compacts the folded text into the string the link scan reads, undoing the
// ways links are broken up to get past filters, with `pos[k]` the original
// code point of `view[k]`:
//  * a defanged dot ("xpj888[.]com") becomes '.';
//  * whitespace before a dot ("xpj888 . com", "xpj888 。com") and after such
//    a dot goes: prose puts no space before a full stop, so this does not
//    join a sentence to the next ("the end. Net income");
//  * whitespace between characters spelled out one by one ("w w w . x p j")
//    and right after "://" goes.
// Other whitespace stays, and ends a label.
void Compact(std::string_view f, std::string* view,
             std::vector<uint32_t>* pos) {
  view->clear();
  pos->clear();
  const size_t n = f.size();
  // The last dot kept had whitespace before it, or was defanged.
  bool spaced_dot = false;
  for (size_t i = 0; i < n;) {
    if (const size_t len = DefangedDot(f, i); len > 0) {
      view->push_back('.');
      pos->push_back(static_cast<uint32_t>(i + 1));
      spaced_dot = true;  // Never prose: whitespace after it goes too.
      i += len;
      continue;
    }
    if (f[i] != ' ') {
      if (f[i] == '.') spaced_dot = i > 0 && f[i - 1] == ' ';
      view->push_back(f[i]);
      pos->push_back(static_cast<uint32_t>(i));
      ++i;
      continue;
    }
    size_t j = i;  // The whitespace run [i, j).
    while (j < n && f[j] == ' ') ++j;
    const bool between = i > 0 && j < n;
    const std::string_view before = *view;
    const bool drop =
        between &&
        ((IsLabelChar(f[i - 1]) && (f[j] == '.' || DefangedDot(f, j) > 0)) ||
         (spaced_dot && before.back() == '.' && IsLabelChar(f[j])) ||
         (Single(f, i - 1) && Single(f, j)) ||
         (before.size() >= 3 && before.substr(before.size() - 3) == "://"));
    if (!drop) {
      view->push_back(' ');
      pos->push_back(static_cast<uint32_t>(i));
    }
    i = j;
  }
}

bool NumberChar(char32_t c) {
  return (c >= '0' && c <= '9') || c == ',' || c == '.';
}

// True when `number` (digits, commas and dots) is written as a number
// rather than a phone number: thousands separated by commas
// ("15,000,000,000", "1,381,234,567.50"), or four or more groups separated
// by dots with one of them, after the first, of one or two digits (a
// version or an address: "138.0.7204.157"; "86.138.1234.5678" is a phone).
bool IsWrittenNumber(std::string_view around) {
  // Separators at either end punctuate the sentence ("15,000,000,000，").
  const size_t first = around.find_first_not_of(",.");
  if (first == std::string_view::npos) return false;
  const std::string_view number =
      around.substr(first, around.find_last_not_of(",.") + 1 - first);
  std::vector<size_t> groups;  // Lengths of the runs of digits,
  std::string separators;      // and what separates them.
  size_t length = 0;
  for (char c : number) {
    if (c >= '0' && c <= '9') {
      ++length;
    } else {
      groups.push_back(length);
      separators.push_back(c);
      length = 0;
    }
  }
  groups.push_back(length);
  if (separators.empty()) return false;
  if (separators[0] == ',') {
    // The integer part: 1-3 digits, then groups of 3; then at most a
    // fraction.
    size_t k = 0;
    while (k < separators.size() && separators[k] == ',') ++k;
    bool thousands = groups[0] >= 1 && groups[0] <= 3 &&
                     (k == separators.size() || k + 1 == separators.size());
    for (size_t g = 1; thousands && g <= k; ++g) thousands = groups[g] == 3;
    return thousands;
  }
  if (groups.size() < 4 ||
      separators.find_first_not_of('.') != std::string::npos) {
    return false;
  }
  for (size_t g = 1; g < groups.size(); ++g) {
    if (groups[g] >= 1 && groups[g] <= 2) return true;
  }
  return false;
}

// Reads the original text around phone candidates: is a candidate written
// as a number? Decodes the text once, on the first question, and answers
// every candidate within one run of digits, commas and dots from that
// run, so a text's candidates cost linear time together. Not thread-safe;
// lives inside one FindPhones call.
class NumberReader final {
 public:
  explicit NumberReader(std::string_view text) : text_(text) {}
  NumberReader(const NumberReader&) = delete;
  NumberReader& operator=(const NumberReader&) = delete;

  // Code points [start, end) hold the candidate's digits.
  bool WrittenAsNumber(uint32_t start, uint32_t end) {
    if (code_points_.empty() && !text_.empty()) Decode();
    if (start < run_start_ || start >= run_end_) {
      // The run of number characters (ASCII or full-width) around `start`.
      run_start_ = start;
      while (run_start_ > 0 && NumberChar(code_points_[run_start_ - 1])) {
        --run_start_;
      }
      run_end_ = start;
      std::string run;
      for (uint32_t i = run_start_;
           i < code_points_.size() && NumberChar(code_points_[i]); ++i) {
        run.push_back(static_cast<char>(code_points_[i]));
        run_end_ = i + 1;
      }
      run_is_number_ = IsWrittenNumber(run);
    }
    return end <= run_end_ && run_is_number_;
  }

 private:
  void Decode() {
    const auto* p = reinterpret_cast<const unsigned char*>(text_.data());
    const auto* const stop = p + text_.size();
    while (p < stop) {
      char32_t c;
      p += DecodeUtf8(p, stop, &c);
      code_points_.push_back(NarrowAscii(c));
    }
  }

  std::string_view text_;
  std::u32string code_points_;
  uint32_t run_start_ = 0;  // The last run read: [run_start_, run_end_).
  uint32_t run_end_ = 0;
  bool run_is_number_ = false;
};

}  // namespace

void FindPhones(std::string_view text, const std::vector<Unit>& units,
                const DigitValues& dv, uint32_t letter_o,
                std::vector<Span>* out) {
  const size_t n = units.size();
  // A digit, or an O between two digits.
  auto digit = [&](size_t i) -> uint8_t {
    const uint8_t d = DigitAt(units, dv, i);
    if (d != kNone || i >= n || units[i].sym != letter_o || units[i].run != 1 ||
        i == 0 || i + 1 >= n || !Adjacent(units[i - 1], units[i]) ||
        !Adjacent(units[i], units[i + 1]) ||
        DigitAt(units, dv, i - 1) == kNone ||
        DigitAt(units, dv, i + 1) == kNone) {
      return d;
    }
    return 0;
  };
  NumberReader numbers(text);
  size_t i = 0;
  while (i < n) {
    if (digit(i) == kNone) {
      ++i;
      continue;
    }
    size_t last = i;  // A run of digits, noise allowed in between.
    while (digit(last + 1) != kNone) ++last;
    // A number stands alone where the run ends or noise separates it.
    auto bounded = [&](size_t a, size_t b) {
      return (a == i || !Adjacent(units[a - 1], units[a])) &&
             (b == last || !Adjacent(units[b], units[b + 1]));
    };
    for (size_t k = i; k + 10 <= last; ++k) {
      if (digit(k) != 1 || digit(k + 1) < 3 || digit(k + 1) > 9) continue;
      size_t first = k;
      if (k >= i + 2 && digit(k - 2) == 8 && digit(k - 1) == 6 &&
          bounded(k - 2, k + 10)) {
        first = k - 2;
      }
      if (bounded(first, k + 10) &&
          !numbers.WrittenAsNumber(units[first].start, units[k + 10].end)) {
        out->push_back(Span{units[first].start, units[k + 10].end});
        k += 10;
      }
    }
    i = last + 1;
  }
}

bool FindIdAfter(const std::vector<Unit>& units, const DigitValues& dv,
                 size_t keyword_last, bool wechat, uint32_t* end) {
  const size_t n = units.size();
  for (size_t first = keyword_last + 1; first < n && first <= keyword_last + 3;
       ++first) {
    if (units[first].flags & kUnitBreak) return false;
    const bool digit_first = DigitAt(units, dv, first) != kNone;
    if (!digit_first && !(wechat && IsLatinUnit(units[first]))) continue;
    size_t last = first;
    size_t length = units[first].run;
    bool not_a_word = false;  // A digit or punctuation mark in the id.
    // Ids may contain '_', '-', '.': one punctuation mark between units.
    while (last + 1 < n && (Adjacent(units[last], units[last + 1]) ||
                            (units[last + 1].gap == kGapOther &&
                             units[last + 1].start == units[last].end + 1))) {
      const bool digit = DigitAt(units, dv, last + 1) != kNone;
      if (digit_first ? !digit : !(digit || IsLatinUnit(units[last + 1]))) {
        break;
      }
      not_a_word |= digit || !Adjacent(units[last], units[last + 1]);
      ++last;
      length += units[last].run;
    }
    // Letters alone after a space are a word as often as an id ("I paid
    // with 微信 yesterday"): they need the id glued to the keyword, or
    // something between the two ("微信：", "微信号").
    const bool introduced =
        first > keyword_last + 1 || units[first].gap != kGapSpace;
    const bool ok =
        digit_first ? DigitAt(units, dv, first) != 0 && length >= 5 &&
                          (wechat || length <= 11)
                    : length >= 6 && length <= 20 && (not_a_word || introduced);
    if (ok) *end = units[last].end;
    return ok;
  }
  return false;
}

void FindUrls(const CharTable& table, std::string_view text,
              std::vector<Span>* out) {
  thread_local std::string folded;
  thread_local std::string view;
  thread_local std::vector<uint32_t> pos;
  Fold(table, text, &folded);
  Compact(folded, &view, &pos);
  const std::string_view f = view;
  const size_t n = f.size();
  size_t i = 0;
  while (i < n) {
    if (!IsLabelChar(f[i]) ||
        (i > 0 && (IsLabelChar(f[i - 1]) || f[i - 1] == '.'))) {
      ++i;
      continue;
    }
    // A token starts at i: labels separated by single dots, or a scheme.
    size_t j = i;
    bool linked = false;
    for (std::string_view prefix : {"https://", "http://", "www."}) {
      if (f.substr(i, prefix.size()) == prefix) linked = true;
    }
    size_t labels = 0;
    size_t last_label = i;
    size_t domain_end = i;
    while (j < n && IsLabelChar(f[j])) {
      last_label = j;
      while (j < n && IsLabelChar(f[j])) ++j;
      ++labels;
      domain_end = j;
      if (j + 1 < n && f[j] == '.' && IsLabelChar(f[j + 1])) {
        ++j;
      } else {
        break;
      }
    }
    const bool domain =
        labels >= 2 && IsTld(f.substr(last_label, domain_end - last_label));
    if (linked || domain) {
      size_t k = linked ? i : domain_end;
      if (linked || (k < n && f[k] == '/')) {
        while (k < n && IsUrlChar(f[k])) ++k;
      }
      while (k > i && (f[k - 1] == '.' || f[k - 1] == ',')) --k;
      out->push_back(Span{pos[i], pos[k - 1] + 1});
      i = k;
    } else {
      i = std::max(j, i + 1);
    }
  }
}

}  // namespace moderation::internal
