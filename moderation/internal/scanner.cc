#include "moderation/internal/scanner.h"

#include <cstddef>

#include "moderation/internal/utf8.h"

namespace moderation::internal {
namespace {

bool IsLatin(const Unit& u) { return (u.flags & kUnitLatin) != 0; }

// Unit flags are the table flags shifted down: one shift on the hot path.
static_assert(kLatin >> 23 == kUnitLatin && kDigit >> 23 == kUnitDigit &&
              kSoft >> 23 == kUnitSoft && kStar >> 23 == kUnitStar &&
              kNumeral >> 23 == kUnitNumeral);

// The units written so far: the vector is used as raw storage (Unit's
// constructor leaves it uninitialized, so growing it costs no memset) and
// `n` counts the units in use; Scan trims the vector to `n` at the end.
struct Sink {
  std::vector<Unit>* units;
  size_t n;

  Unit* Next() {
    if (n == units->size()) units->resize(2 * n + 64);
    return units->data() + n++;
  }
  Unit& Back() { return (*units)[n - 1]; }
};

// Appends a unit field by field: building a Unit on the stack and copying
// it made the compiler store bytes and reload 16, a store-forwarding stall
// that cost a third of the scan.
inline void Append(Sink* sink, uint32_t sym, uint32_t index, uint32_t end,
                   uint8_t flags, uint8_t gap) {
  Unit& u = *sink->Next();
  u.sym = sym;
  u.start = index;
  u.end = end;
  u.run = 1;
  u.flags = flags;
  u.gap = gap;
}

// Appends a unit made from table entry `e` for the code point at `index`,
// folding a repeated Latin letter into the previous unit. Returns true when
// the unit makes the leetspeak pass necessary (a digit glued to a letter).
// Out of line: all but plain characters come here, rare in Chinese text.
[[gnu::noinline]] bool Push(uint32_t e, uint32_t index, uint8_t gap, Sink* sink,
                            uint32_t* digits) {
  const auto flags = static_cast<uint8_t>((e >> 23) & 0x1F);
  const uint32_t sym = e & kValueMask;
  if (flags & (kUnitDigit | kUnitNumeral)) ++*digits;
  if (sink->n > 0) {
    Unit& back = sink->Back();
    // Same letter, glued or from the same code point ("ß" -> "ss").
    if ((flags & kUnitLatin) && IsLatin(back) && back.sym == sym &&
        (back.end == index || back.end == index + 1)) {
      if (back.run < UINT16_MAX) ++back.run;
      back.end = index + 1;
      return false;
    }
  }
  Append(sink, sym, index, index + 1, flags, gap);
  if (sink->n < 2) return false;
  // Leetspeak candidates: a digit after a letter ("sh1t", "s h 1 t"), a
  // letter glued after a digit ("1diot").
  const Unit& prev = (*sink->units)[sink->n - 2];
  if (flags & kUnitDigit) return IsLatin(prev);
  return (flags & kUnitLatin) && (prev.flags & kUnitDigit) &&
         Adjacent(prev, sink->Back());
}

// See kGapClause.
bool IsClauseMark(char32_t c) {
  switch (c) {
    case ',':
    case ';':
    case '!':
    case '?':
    case 0x3001:  // 、
    case 0x3002:  // 。
    case 0xFF61:  // ｡
    case 0xFF0C:  // ，
    case 0xFF1B:  // ；
    case 0xFF1A:  // ：
    case 0xFF01:  // ！
    case 0xFF1F:  // ？
      return true;
    default:
      return false;
  }
}

// Digits are consecutive in both value spaces (code points, and the
// symbols every lexicon reserves for them).
int DigitOf(const CharTable& table, const Unit& u) {
  return static_cast<int>(u.sym - (table.Lookup('0') & kValueMask));
}

// Appends `u` to the first `*w` units (the rewritten prefix), folding it
// into the last one when both are the same Latin letter.
inline void Emit(const Unit& u, std::vector<Unit>* units, size_t* w) {
  if (*w > 0 && IsLatin(u)) {
    Unit& back = (*units)[*w - 1];
    if (IsLatin(back) && back.sym == u.sym && Adjacent(back, u)) {
      back.run = static_cast<uint16_t>(
          back.run + u.run < UINT16_MAX ? back.run + u.run : UINT16_MAX);
      back.end = u.end;
      // A run with a real letter in it is a letter.
      if (!(u.flags & kUnitEdge)) back.flags &= ~kUnitEdge;
      return;
    }
  }
  (*units)[(*w)++] = u;
}

// True when units[i] is a Latin letter glued right after `prev`.
bool GluedLatin(const std::vector<Unit>& units, size_t i, const Unit& prev) {
  return i < units.size() && IsLatin(units[i]) && Adjacent(prev, units[i]);
}

// True when `u` is part of a Latin word: a letter or digit, or a symbol
// that may become one.
bool WordChar(const Unit& u) {
  return (u.flags & (kUnitLatin | kUnitDigit | kUnitSoft | kUnitStar)) != 0;
}

// The Latin letters (runs counted) of the glued letters and digits from
// u[i] on, up to 2.
int LettersAfter(const std::vector<Unit>& u, size_t i) {
  int letters = 0;
  for (; i < u.size() && letters < 2; ++i) {
    if (!(u[i].flags & (kUnitLatin | kUnitDigit))) break;
    if (i > 0 && !Adjacent(u[i - 1], u[i])) break;
    if (u[i].flags & kUnitLatin) letters += u[i].run;
  }
  return letters;
}

// True when the digit u[r], not glued to anything, stands between two
// Latin letters spelled out with the same separator ("b.3.t", "s h 1 t"):
// the letters are alone too, and u[w - 1] is the unit before it once
// rewritten.
bool SpelledBetweenLetters(const std::vector<Unit>& u, size_t w, size_t r) {
  if (w == 0 || r + 1 >= u.size()) return false;
  const Unit& before = u[w - 1];
  const Unit& after = u[r + 1];
  const bool before_alone =
      !(w > 1 && IsLatin(u[w - 2]) && Adjacent(u[w - 2], before));
  const bool after_alone =
      !(r + 2 < u.size() && IsLatin(u[r + 2]) && Adjacent(after, u[r + 2]));
  return IsLatin(before) && IsLatin(after) && u[r].gap != kGapNone &&
         after.gap == u[r].gap && before.run == 1 && after.run == 1 &&
         before_alone && after_alone;
}

// The leetspeak pass. Digits with a letter reading become that letter
// between Latin letters (no noise in between: "sh1t"), at the start of a
// word (one or two of them: "1diot") and between letters spelled out
// ("b.3.t"). '@', '$', '!' become 'a', 's', 'i' between Latin letters; a
// run of '*' becomes wildcards ("f*ck", "f**k") unless it only separates
// single letters ("f*u*c*k", where it is noise like a '.'). '$' and '@' at
// the start of a word and '$' at its end become letters marked kUnitEdge
// ("@ss", "a$$"), since they may as well be separators ("@idiot",
// "idiot$"). A word starts after anything but a Latin letter or digit, so
// Chinese glued in front does not count ("尊龙@g旗舰厅", "这些1diot").
// Everything pending that is not converted is dropped as the noise it is.
void Rewrite(const CharTable& table, std::vector<Unit>* units) {
  std::vector<Unit>& u = *units;
  const size_t n = u.size();
  // Units before the first pending one or digit stay as they are (the first
  // pass already folded repeated letters), so start there: in Chinese text
  // the trigger is usually a full-width '！' near the end.
  size_t first = 0;
  while (first < n &&
         (u[first].flags & (kUnitSoft | kUnitStar | kUnitDigit)) == 0) {
    ++first;
  }
  size_t w = first;
  for (size_t r = first; r < n; ++r) {
    if ((u[r].flags & (kUnitSoft | kUnitStar | kUnitDigit)) == 0) {
      Emit(u[r], units, &w);
      continue;
    }
    const bool left_latin =
        w > 0 && IsLatin(u[w - 1]) && Adjacent(u[w - 1], u[r]);
    const bool left_glued =
        w > 0 && Adjacent(u[w - 1], u[r]) && WordChar(u[w - 1]);
    if (u[r].flags & (kUnitSoft | kUnitStar)) {
      const uint8_t kind = u[r].flags & (kUnitSoft | kUnitStar);
      size_t last = r;  // The run of identical pending symbols.
      while (last + 1 < n && (u[last + 1].flags & kind) &&
             u[last + 1].sym == u[r].sym && Adjacent(u[last], u[last + 1])) {
        ++last;
      }
      const bool right_latin = GluedLatin(u, last + 1, u[last]);
      bool convert = false;
      bool edge = false;
      if (kind == kUnitStar) {
        const bool single_left = left_latin && !(w > 1 && IsLatin(u[w - 2]) &&
                                                 Adjacent(u[w - 2], u[w - 1]));
        const bool single_right =
            right_latin && !GluedLatin(u, last + 2, u[last + 1]);
        convert = left_latin && right_latin &&
                  (last > r || !(single_left && single_right));
      } else {
        const uint32_t letter = u[r].sym;
        const bool is_i = letter == (table.Lookup('i') & kValueMask);
        const bool is_s = letter == (table.Lookup('s') & kValueMask);
        // '!', '(' and '+' stand for a letter only between two.
        const bool between_only = is_i ||
                                  letter == (table.Lookup('c') & kValueMask) ||
                                  letter == (table.Lookup('t') & kValueMask);
        const bool right_glued = last + 1 < n &&
                                 Adjacent(u[last], u[last + 1]) &&
                                 WordChar(u[last + 1]);
        convert = (left_latin && right_latin) ||
                  (!between_only && right_latin && !left_glued) ||  // "$hit"
                  (is_s && left_latin && !right_glued);             // "a$$"
        edge = convert && !(left_latin && right_latin);
      }
      // The dropped symbols were noise; a '!' ends a clause.
      if (!convert && last + 1 < n) {
        if (kind == kUnitSoft && u[r].sym == (table.Lookup('i') & kValueMask)) {
          u[last + 1].gap = kGapClause;
        } else if (u[last + 1].gap == kGapNone) {
          u[last + 1].gap = kGapOther;
        }
      }
      for (size_t k = r; k <= last; ++k) {
        if (!convert) continue;
        Unit x = u[k];
        x.flags = kind == kUnitSoft ? kUnitLatin : 0;
        if (edge) x.flags |= kUnitEdge;
        Emit(x, units, &w);
      }
      r = last;
      continue;
    }
    if (u[r].flags & kUnitDigit) {
      size_t last = r;  // The run of glued digits.
      while (last + 1 < n && (u[last + 1].flags & kUnitDigit) &&
             Adjacent(u[last], u[last + 1])) {
        ++last;
      }
      const bool right_latin = GluedLatin(u, last + 1, u[last]);
      // At a word's start only a short run before at least two letters: a
      // longer run is a number ("2024abc"), one letter a unit or a model
      // ("5G", "4K") or an O for a zero ("13O12345678"), and a digit after
      // other digits part of a number ("1 3 8 ... 8a").
      const bool word_start = !left_glued && last - r < 2 &&
                              !(w > 0 && (u[w - 1].flags & kUnitDigit)) &&
                              LettersAfter(u, last + 1) >= 2;
      bool convert = right_latin && (left_latin || word_start);
      convert |= last == r && SpelledBetweenLetters(u, w, r);
      for (size_t k = r; convert && k <= last; ++k) {
        convert = kLeetDigits[DigitOf(table, u[k])] != 0;
      }
      for (size_t k = r; k <= last; ++k) {
        Unit x = u[k];
        if (convert) {
          const uint32_t e = table.Lookup(
              static_cast<char32_t>(kLeetDigits[DigitOf(table, u[k])]));
          x.sym = e & kValueMask;
          x.flags = kUnitLatin;
        }
        Emit(x, units, &w);
      }
      r = last;
      continue;
    }
    Emit(u[r], units, &w);
  }
  units->resize(w);
}

}  // namespace

void FoldRepeatedCharacters(std::vector<Unit>* units,
                            bool (*keep)(uint32_t sym)) {
  std::vector<Unit>& u = *units;
  size_t w = 0;
  for (size_t r = 0; r < u.size(); ++r) {
    if (w > 0 && u[r].flags == 0 && u[r].sym != 0 && !keep(u[r].sym)) {
      Unit& back = u[w - 1];
      if (back.flags == 0 && back.sym == u[r].sym && Adjacent(back, u[r])) {
        if (back.run < UINT16_MAX) ++back.run;
        back.end = u[r].end;
        continue;
      }
    }
    u[w++] = u[r];
  }
  units->resize(w);
}

ScanInfo Scan(const CharTable& table, std::string_view text, int max_gap,
              std::vector<Unit>* units) {
  // Plain characters make at most one unit each; expansions grow on demand.
  if (units->size() < text.size() + 1) units->resize(text.size() + 1);
  Sink sink{units, 0};
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  uint32_t index = 0;
  uint32_t last_end = 0;
  bool rewrite = false;
  uint8_t noise_gap = kGapOther;  // The kind of the current gap.
  // The last unit is a run of inert characters (symbol 0, no flags), which
  // the next inert character extends, noise in between included.
  uint32_t tail_inert = 0;
  uint32_t run_start = 0;
  uint8_t run_gap = kGapNone;
  // Held in a local: stores of uint8_t unit fields may alias anything, so
  // the compiler would otherwise reload the table's data pointer per byte.
  const uint32_t* const entries = table.entries().data();
  ScanInfo info;
  uint32_t seen = 0;  // All entries ORed: which kinds of character occur.
  while (p < end) {
    char32_t c;
    if (*p < 0x80) {
      c = *p++;
    } else {
      const int n = DecodeUtf8(p, end, &c);
      p += n;
      info.invalid_utf8 |= (c == kReplacementChar && n == 1);
    }
    const uint32_t e = c < kTableSize ? entries[c] : table.Lookup(c);
    const uint32_t here = index++;
    seen |= e;
    if (e & kNoise) {
      // A clause mark anywhere in a gap makes it a clause gap.
      const uint8_t kind = IsClauseMark(c)                         ? kGapClause
                           : c <= 0x20 || c == 0x3000 || c == 0xA0 ? kGapSpace
                                                                   : kGapOther;
      noise_gap =
          here > last_end && noise_gap == kGapClause ? kGapClause : kind;
      if ((e & (kSoft | kStar)) == 0) continue;
      rewrite = true;
    }
    const bool after_noise = here != last_end && sink.n > 0;
    const uint8_t gap = after_noise ? noise_gap : kGapNone;
    if (after_noise && here - last_end > static_cast<uint32_t>(max_gap) &&
        !((e == 0) & tail_inert)) {
      Append(&sink, 0, here, here, kUnitBreak, gap);
      tail_inert = 0;
    }
    last_end = here + 1;
    if ((e & ~kValueMask) == 0) {
      // A plain character, written without branching on whether it extends
      // an inert run: that branch is unpredictable in Chinese text and cost
      // more than the rest of the loop.
      const uint32_t merge = (e == 0) & tail_inert;
      if (sink.n == units->size()) units->resize(2 * sink.n + 64);
      Unit* u = units->data() + sink.n - merge;
      run_start = merge ? run_start : here;
      run_gap = merge ? run_gap : gap;
      u->sym = e;
      u->start = run_start;
      u->end = here + 1;
      u->run = 1;
      u->flags = 0;
      u->gap = run_gap;
      sink.n += 1 - merge;
      tail_inert = e == 0;
      continue;
    }
    tail_inert = 0;
    if (e & kExpansion) {
      const uint32_t* b;
      const uint32_t* x;
      table.Expansion(e, &b, &x);
      for (uint8_t g = gap; b < x; ++b, g = kGapNone) {
        rewrite |= Push(*b, here, g, &sink, &info.digits);
      }
      // An expansion may end in an inert unit; never extend it.
    } else {
      rewrite |= Push(e, here, gap, &sink, &info.digits);
    }
  }
  units->resize(sink.n);
  if (rewrite) Rewrite(table, units);
  // Expansions may hold letters too ("ﬁ"); a rare false "yes" only costs
  // the URL detector a pass.
  info.any_latin = (seen & (kLatin | kExpansion)) != 0;
  return info;
}

}  // namespace moderation::internal
