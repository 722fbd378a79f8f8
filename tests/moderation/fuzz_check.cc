// Fuzz entry point: any bytes through Lexicon::Check with the default
// lexicon. Asserts the contract: spans inside the text and ordered, the
// masked text valid UTF-8 with one code point per input code point, and an
// unmatched valid text returned unchanged. abort() so libFuzzer and the
// replay main both see a failure.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "moderation/internal/utf8.h"
#include "moderation/moderation.h"

namespace {

size_t CodePoints(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  size_t n = 0;
  for (char32_t c; p < end; ++n)
    p += moderation::internal::DecodeUtf8(p, end, &c);
  return n;
}

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "contract broken: %s\n", what);
    std::abort();
  }
}

const moderation::Lexicon& FuzzLexicon() {
  static const auto* const lexicon = [] {
    auto entries = moderation::LoadLexiconFile(MODERATION_DEFAULT_LEXICON);
    Require(entries.ok(), "default lexicon loads");
    auto compiled =
        moderation::Lexicon::Compile(*entries, moderation::EngineOptions());
    Require(compiled.ok(), "default lexicon compiles");
    return new std::shared_ptr<const moderation::Lexicon>(*compiled);
  }();
  return **lexicon;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const moderation::Verdict v = FuzzLexicon().Check(text);
  const size_t length = CodePoints(text);
  moderation::Action strongest = moderation::Action::kAllow;
  for (size_t i = 0; i < v.matches.size(); ++i) {
    const moderation::Match& m = v.matches[i];
    Require(m.start < m.end && m.end <= length, "span inside the text");
    Require(i == 0 || v.matches[i - 1].start <= m.start, "matches ordered");
    if (m.action > strongest) strongest = m.action;
  }
  Require(v.action >= strongest, "verdict is the strongest action");
  Require(v.matches.empty() == (v.action == moderation::Action::kAllow),
          "allow exactly when nothing matched");
  Require(moderation::internal::IsValidUtf8(v.masked), "masked is UTF-8");
  Require(CodePoints(v.masked) == length, "masking keeps the length");
  if (v.matches.empty() && moderation::internal::IsValidUtf8(text)) {
    Require(v.masked == text, "clean text unchanged");
  }
  return 0;
}
