// UTF-8 decoding and encoding for the hot path: no allocation, no ICU calls.
#ifndef MODERATION_INTERNAL_UTF8_H_
#define MODERATION_INTERNAL_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace moderation::internal {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes one code point from [p, end), p < end, and returns the number of
// bytes it used (1..4). Anything that is not well-formed UTF-8 (overlong
// forms, surrogates, > U+10FFFF, truncated sequences, stray continuation
// bytes) decodes as U+FFFD of one byte, so every input is a sequence of
// "code points" and offsets stay well defined.
inline int DecodeUtf8(const unsigned char* p, const unsigned char* end,
                      char32_t* out) {
  const unsigned char b0 = p[0];
  if (b0 < 0x80) {
    *out = b0;
    return 1;
  }
  const ptrdiff_t avail = end - p;
  // Three-byte forms first: they are the CJK text this library mostly sees.
  if ((b0 & 0xF0) == 0xE0) {
    if (avail >= 3 && ((p[1] & 0xC0) | ((p[2] & 0xC0) >> 2)) == 0xA0) {
      const char32_t c = (char32_t{b0 & 0x0Fu} << 12) |
                         (char32_t{p[1] & 0x3Fu} << 6) | (p[2] & 0x3Fu);
      if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
        *out = c;
        return 3;
      }
    }
  } else if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (avail >= 2 && (p[1] & 0xC0) == 0x80) {
      *out = (char32_t{b0 & 0x1Fu} << 6) | (p[1] & 0x3Fu);
      return 2;
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (avail >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
        (p[3] & 0xC0) == 0x80) {
      const char32_t c = (char32_t{b0 & 0x07u} << 18) |
                         (char32_t{p[1] & 0x3Fu} << 12) |
                         (char32_t{p[2] & 0x3Fu} << 6) | (p[3] & 0x3Fu);
      if (c >= 0x10000 && c <= 0x10FFFF) {
        *out = c;
        return 4;
      }
    }
  }
  *out = kReplacementChar;
  return 1;
}

// Appends the UTF-8 form of `c` (REQUIRES: a scalar value) to `out`.
inline void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// True when all of `s` is well-formed UTF-8.
inline bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    char32_t c;
    const int n = DecodeUtf8(p, end, &c);
    if (c == kReplacementChar && n == 1)
      return false;  // A valid U+FFFD
                     // takes 3 bytes.
    p += n;
  }
  return true;
}

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_UTF8_H_
