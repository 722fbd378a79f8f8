// The keyword moderation engine: start here.
//
// A moderator-maintained lexicon (word, category, action) is compiled once
// into an immutable `Lexicon`; `Lexicon::Check(text)` then decides whether a
// comment is allowed, masked, held for review or blocked, and reports every
// match with its span in the original text. Exception words (action allow)
// cancel the matches inside them.
//
// Matching happens on a normalized view of the text, so the usual evasions
// still match: NFKC + case folding (full-width, circled digits, ligatures),
// traditional -> simplified Chinese (OpenCC), Latin look-alikes from other
// scripts (ICU confusables), invisible characters, noise between the
// characters of a word (spaces, punctuation, symbols, emoji, line breaks),
// repeated letters and characters (fuuuck, 百家家乐), common leetspeak and
// stand-ins (sh1t, phuck, fu(k). A Latin word in the default mode also
// matches its inflections and compounds (fucking, dumbass; not class,
// Dickens), and a word with digits its other numeral spellings (3级片,
// 三级片, 叁级片). Words also match in their
// Taiwan, Hong Kong and Japanese spellings (點擊連結 for 点击链接, 百家楽
// for 百家乐), which OpenCC gives each word at compile time. See
// docs/moderation.md.
//
// Typical use, in a service that reloads its lexicon while it runs:
//
//   absl::StatusOr<std::vector<moderation::LexiconEntry>> entries =
//       moderation::LoadLexiconFile("lexicon.tsv");
//   if (!entries.ok()) return entries.status();
//   absl::StatusOr<std::shared_ptr<const moderation::Lexicon>> lexicon =
//       moderation::Lexicon::Compile(*entries, moderation::EngineOptions());
//   if (!lexicon.ok()) return lexicon.status();
//   moderation::LexiconHolder holder(*std::move(lexicon));
//   ...
//   moderation::Verdict verdict = holder.Check(comment_text);  // any thread
//   ...
//   holder.Set(new_lexicon);  // from a reload thread; readers never wait
//
// No call in this library throws; errors are absl::Status values.

#ifndef MODERATION_MODERATION_H_
#define MODERATION_MODERATION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace moderation {

// Ordered by strength: a verdict is the strongest action among its matches.
enum class Action : uint8_t { kAllow = 0, kMask = 1, kReview = 2, kBlock = 3 };

// "allow", "mask", "review", "block".
std::string_view ActionName(Action action);

// Parses "mask", "review", "block" (and "allow" when `allow_ok`), exactly as
// written (lowercase). Returns InvalidArgument for anything else.
absl::StatusOr<Action> ParseAction(std::string_view name, bool allow_ok);

// How a lexicon entry matches.
enum class WordMode : uint8_t {
  kAuto = 0,       // Latin-only words: whole word, or with an inflection
                   // or compound part glued on (docs/moderation.md);
                   // anything else: anywhere.
  kWholeWord = 1,  // Not preceded or followed by a Latin letter.
  kAnywhere = 2,   // Also inside longer words ("ass" in "classic").
};

// One moderator-maintained keyword. A value type.
//
// An entry with action kAllow is an *exception word*: innocent text that
// holds a keyword across a word boundary ("上百家乐器行" holds 百家乐,
// "刷单词" 刷单). It is matched like any entry (same normalization, noise
// and mode), is never reported itself, and cancels every match of another
// entry or a contact detector that lies entirely inside one of its matches.
// A match that reaches outside it stands ("百家乐器" cancels 百家乐, not
// 百家乐器行 if that were an entry), so write the keyword into the
// exception word: "刷单词", not "单词".
struct LexiconEntry {
  std::string word;      // UTF-8; written in any form (it is normalized too).
  std::string category;  // Free text, e.g. "gambling", "contact", "abuse".
  Action action = Action::kBlock;  // kMask, kReview, kBlock, or kAllow.
  WordMode mode = WordMode::kAuto;
  int line = 0;  // 1-based line in the source file; 0 when not from a file.
};

// The category and action of a word from a plain word list (a line with
// the word alone).
inline constexpr char kPlainCategory[] = "keyword";
inline constexpr Action kPlainAction = Action::kReview;

// Parses a UTF-8 TSV lexicon. Each non-blank line that does not start with
// '#' is either
//     word <TAB> category <TAB> action [<TAB> options]
// or, for the plain word lists operators keep, the word alone: category
// kPlainCategory ("keyword"), action kPlainAction (review), default mode.
// A word-alone line ending in " block", " review", " mask" or " allow" is
// an error (columns separated by spaces, not tabs).
// where action is mask|review|block, or allow for an exception word (see
// LexiconEntry), and the optional options column is
// "match=word" (whole word) or "match=any" (anywhere); without it, Latin-only
// words match whole words and everything else matches anywhere. A UTF-8 BOM
// and a trailing '\r' are accepted. `source_name` only labels errors.
// Returns InvalidArgument naming "<source_name>:<line>" for the first
// malformed line (wrong column count, empty word or category, unknown action
// or option, invalid UTF-8).
absl::StatusOr<std::vector<LexiconEntry>> ParseLexiconTsv(
    std::string_view tsv, std::string_view source_name = "lexicon");

// Reads `path` and parses it with ParseLexiconTsv. Returns NotFound or
// PermissionDenied-style errors (from errno) when the file cannot be read.
absl::StatusOr<std::vector<LexiconEntry>> LoadLexiconFile(
    const std::string& path);

// Contact-spam detectors, common on Chinese portals. Each maps to an action
// chosen by the operator; kAllow turns a detector off.
struct ContactOptions {
  // http(s):// and www. links, and bare domains with a known TLD, including
  // "。" or "点" written for the dot ("xx点com"), a defanged dot ("xx[.]com",
  // "xx(dot)com"), spaces around the dot ("xx . com") and spelled-out links
  // ("w w w . x x . c o m"). A bare "dot" word is not read ("the dot com
  // bubble").
  Action url = Action::kReview;
  // Mainland mobile numbers (1[3-9] + 9 digits, optional +86), digits in any
  // form (full-width, circled, Chinese numerals) with separators between.
  Action phone = Action::kReview;
  // 5-11 digit ids right after a QQ keyword ("qq", "扣扣", "企鹅", ...).
  Action qq = Action::kReview;
  // An id right after a WeChat keyword ("微信", "vx", "wx", "薇信", ...).
  Action wechat = Action::kReview;
};

// How Check tells a keyword from the same characters across two Chinese
// words ("景色情调" holds 色情 across 景色 and 情调; docs/moderation.md,
// "Precision without exception words").
enum class WordBoundaries : uint8_t {
  // No word boundaries: every match stands unless an exception word
  // cancels it. The degraded mode when no dictionary is installed.
  kOff = 0,
  // Maximum-probability segmentation of the text around each match with
  // a word-frequency dictionary (EngineOptions::dictionary_path): a match
  // that the most likely reading cuts through, by a clear margin over the
  // reading that keeps the match whole, is downgraded.
  kDictionary = 1,
  // ICU's dictionary-based word break iterator (locale zh) instead: any cut
  // downgrades. Kept for comparison; it loses recall (docs/moderation.md).
  kIcu = 2,
};

// Where Debian's python3-jieba installs jieba's word-frequency dictionary,
// the default EngineOptions::dictionary_path.
inline constexpr char kDefaultDictionaryPath[] =
    "/usr/lib/python3/dist-packages/jieba/dict.txt";

// Options compiled into a Lexicon. A value type; the defaults are the
// production settings.
struct EngineOptions {
  WordBoundaries word_boundaries = WordBoundaries::kDictionary;
  // The word-frequency dictionary for kDictionary, in jieba's format (one
  // "word count [tag]" per line). Read once per process and path (about
  // 0.3 s and 10 MB, shared by every lexicon); Compile fails with NotFound
  // when it is missing, so a missing package is an error, never a silent
  // loss of precision. To run without it, set word_boundaries to kOff.
  std::string dictionary_path = kDefaultDictionaryPath;
  // At most this many noise code points (spaces, punctuation, emoji,
  // invisible characters...) may separate two characters of one word;
  // a longer gap ends the word. Must be in [0, 64].
  int max_gap = 8;
  // Verdict::matches holds at most this many matches (the first ones in text
  // order); the action and the masking still account for all of them.
  // Must be >= 1.
  int max_reported_matches = 256;
  ContactOptions contact;
};

// Why a match acts weaker than its entry (or detector) says.
enum class Downgrade : uint8_t {
  kNone = 0,
  // The match cuts into a Chinese word of the most likely reading of the
  // text around it (景色情调: 色情 starts inside 景色): block -> review,
  // review or mask -> allow. Match::cue is that word.
  kInsideWord = 1,
  // The match follows a warning or a report in the same sentence
  // (警惕..., 谨防...诈骗, 请举报..., "beware of ... scam"): block -> review.
  // Match::cue is the warning word.
  kWarning = 2,
};

// "none", "inside_word", "warning".
std::string_view DowngradeName(Downgrade downgrade);

// One match, in the coordinates of the original text.
struct Match {
  std::string word;      // The lexicon word as written, or "<url>",
                         // "<phone>", "<qq>", "<wechat>" for detectors.
  std::string category;  // The entry's category; "contact" for detectors.
  // The entry's action, or weaker by `downgrade`. A match downgraded to
  // kAllow is reported (so a moderator can see what was let through and
  // why) but neither masked nor counted in the verdict.
  Action action = Action::kAllow;
  Downgrade downgrade = Downgrade::kNone;
  // For a downgrade, the text that caused it, as written in the text (the
  // word cut into, or the warning word); empty otherwise.
  std::string cue;
  // Code point offsets into the original text, end exclusive. Noise inside
  // the match is inside the span. An invalid UTF-8 byte counts as one code
  // point.
  size_t start = 0;
  size_t end = 0;
};

struct Verdict {
  Action action = Action::kAllow;  // Strongest action among all matches.
  // In order of start, then end. Exception words (kAllow entries) are never
  // reported, nor the matches they cancel.
  std::vector<Match> matches;
  // The text with every code point inside any match of action mask or
  // stronger replaced by U+FF0A (＊);
  // everything else byte-identical, except that invalid UTF-8 bytes become
  // U+FFFD so the result is always valid UTF-8.
  std::string masked;
};

namespace internal {
class LexiconAccess;  // Reaches the compiled form (internal/lexicon_impl.h).
}  // namespace internal

// An immutable, compiled lexicon plus its EngineOptions.
// Thread safety: immutable after Compile; Check may be called concurrently
// from any number of threads.
class Lexicon final {
 public:
  // Normalizes every entry, finds the regional and Japanese spellings of
  // those with Chinese characters (each matches as its entry), and builds
  // the matcher. Takes about a second per 100,000 entries, most of it in
  // OpenCC, and about 0.1 s more to open OpenCC's configurations when an
  // entry has Chinese characters; call it off the request path. A spelling
  // that is another entry's word matches as that entry alone; one that
  // several entries share, as the strongest of them (by action).
  // With WordBoundaries::kDictionary the first Compile in a process for a
  // dictionary path also reads that dictionary (about 0.3 s, NotFound or
  // InvalidArgument when it is missing or malformed).
  // Errors: InvalidArgument for options out of range, or for an entry whose
  // word is empty after normalization (only noise) or longer than 64
  // characters (the message names the entry's line when it has one);
  // FailedPrecondition when the Unicode data (ICU, OpenCC) cannot be
  // loaded.
  static absl::StatusOr<std::shared_ptr<const Lexicon>> Compile(
      const std::vector<LexiconEntry>& entries, const EngineOptions& options);

  ~Lexicon();
  Lexicon(const Lexicon&) = delete;
  Lexicon& operator=(const Lexicon&) = delete;

  // Moderates `text` (UTF-8; invalid bytes are tolerated, see Verdict).
  // Never fails. Linear in the text length, plus the matches found.
  Verdict Check(std::string_view text) const;

  size_t entry_count() const;
  // Approximate heap bytes owned by this lexicon (tables and automaton).
  size_t MemoryUsage() const;

  class Impl;  // Public only so compile.cc's helpers can fill it in.

 private:
  friend class internal::LexiconAccess;
  explicit Lexicon(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Checks one entry by the rules of Lexicon::Compile, without compiling: a
// reload can drop the bad entries of a large lexicon in microseconds each
// instead of compiling every entry on its own. Returns OK, InvalidArgument
// (same messages as Compile) or FailedPrecondition (Unicode data missing).
absl::Status ValidateLexiconEntry(const LexiconEntry& entry);

// Holds the current lexicon for a service that reloads it.
// Thread safety: every method may be called from any thread. Get and Check
// take a reference with an atomic shared_ptr load (no lock shared with
// writers beyond the reference-count update); Set publishes the new lexicon
// with one atomic store, so a reader sees the old or the new lexicon, never
// a mix, and a Check in progress finishes on the lexicon it started with.
class LexiconHolder final {
 public:
  // REQUIRES: `initial` is not null.
  explicit LexiconHolder(std::shared_ptr<const Lexicon> initial);
  LexiconHolder(const LexiconHolder&) = delete;
  LexiconHolder& operator=(const LexiconHolder&) = delete;

  std::shared_ptr<const Lexicon> Get() const;
  // Replaces the lexicon. REQUIRES: `next` is not null.
  void Set(std::shared_ptr<const Lexicon> next);
  // Get()->Check(text).
  Verdict Check(std::string_view text) const;

 private:
  std::shared_ptr<const Lexicon> current_;  // Accessed with std::atomic_*.
};

}  // namespace moderation

#endif  // MODERATION_MODERATION_H_
