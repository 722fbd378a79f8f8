// Fuzz entry point: any bytes through Lexicon::Check with the default
// lexicon. Asserts the contract: spans inside the text and ordered, the
// masked text valid UTF-8 with one code point per input code point, and an
// unmatched valid text returned unchanged. Also asserts that the prefilter
// is sound: Check gives exactly the full pipeline's verdict (CheckFully),
// with the default lexicon, a small one that has one-character and digit
// words, and a large one (which has a TripleFilter). abort() so
// libFuzzer and the replay main both see a failure.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "moderation/internal/lexicon_impl.h"
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

// Compiles `entries` for the life of the process (the pointer stays
// reachable, so the leak checker does not report it).
const std::shared_ptr<const moderation::Lexicon>* CompileForever(
    const absl::StatusOr<std::vector<moderation::LexiconEntry>>& entries) {
  Require(entries.ok(), "lexicon loads");
  auto compiled =
      moderation::Lexicon::Compile(*entries, moderation::EngineOptions());
  Require(compiled.ok(), "lexicon compiles");
  return new std::shared_ptr<const moderation::Lexicon>(*compiled);
}

const moderation::Lexicon& FuzzLexicon() {
  static const auto* const lexicon =
      CompileForever(moderation::LoadLexiconFile(MODERATION_DEFAULT_LEXICON));
  return **lexicon;
}

// One-character words, a digit word and a numeral word: the prefilter's
// rarer paths; and exception words around them.
const moderation::Lexicon& EdgeLexicon() {
  static const auto* const lexicon = CompileForever(moderation::ParseLexiconTsv(
      "赌\tgambling\tblock\n8\tspam\treview\n零一\tspam\tmask\n"
      "博彩\tgambling\tblock\n赌王\tpeople\tallow\n"
      "上博彩票\tx\tallow\n"));
  return **lexicon;
}

// The default lexicon among 2,048 words more: too many first pairs for a
// PairFilter, so Check proves texts clean with its TripleFilter.
absl::StatusOr<std::vector<moderation::LexiconEntry>> LargeEntries() {
  auto entries = moderation::LoadLexiconFile(MODERATION_DEFAULT_LEXICON);
  for (char32_t c = 0x3400; entries.ok() && c < 0x3400 + 2048; ++c) {
    moderation::LexiconEntry e;
    moderation::internal::AppendUtf8(c, &e.word);
    moderation::internal::AppendUtf8(c + 1, &e.word);
    e.category = "generated";
    entries->push_back(std::move(e));
  }
  return entries;
}

const moderation::Lexicon& LargeLexicon() {
  static const auto* const lexicon = CompileForever(LargeEntries());
  return **lexicon;
}

bool SameVerdict(const moderation::Verdict& a, const moderation::Verdict& b) {
  if (a.action != b.action || a.masked != b.masked ||
      a.matches.size() != b.matches.size()) {
    return false;
  }
  for (size_t i = 0; i < a.matches.size(); ++i) {
    const moderation::Match& x = a.matches[i];
    const moderation::Match& y = b.matches[i];
    if (x.word != y.word || x.category != y.category || x.action != y.action ||
        x.start != y.start || x.end != y.end) {
      return false;
    }
  }
  return true;
}

void RequirePrefilterSound(const moderation::Lexicon& lexicon,
                           std::string_view text) {
  const moderation::Verdict full = moderation::internal::CheckFully(
      moderation::internal::LexiconAccess::Impl(lexicon), text);
  Require(SameVerdict(lexicon.Check(text), full),
          "prefiltered verdict equals the full pipeline's");
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
  RequirePrefilterSound(FuzzLexicon(), text);
  RequirePrefilterSound(EdgeLexicon(), text);
  RequirePrefilterSound(LargeLexicon(), text);
  return 0;
}
