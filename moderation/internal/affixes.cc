#include "moderation/internal/affixes.h"

#include <string>

namespace moderation::internal {
namespace {

constexpr std::string_view kAnywhereStems[] = {"fuck",  "shit", "cunt", "bitch",
                                               "whore", "slut", "porn", "twat"};

// Innocent words that hold a kAnywhere stem, by their ending (so that the
// Japanese surnames in -shita, Yamashita, Matsushita, are all covered),
// written with single letters where the text may double them (the match
// reads "shiitake" as shi(i)t + ake, so the whole word is rebuilt from the
// stem).
constexpr std::string_view kInnocentEndings[] = {
    "scunthorpe", "shita",   "shitani", "shitake", "shitakes",
    "shittim",    "shittah", "shitzu",  "twattle"};

constexpr std::string_view kSuffixes[] = {
    "s",     "es",   "ed",     "ing",     "head", "heads", "hole",
    "holes", "face", "faces",  "wad",     "wads", "bag",   "bags",
    "hat",   "hats", "sucker", "suckers", "wipe", "clown"};

constexpr std::string_view kPrefixes[] = {"dumb", "jack", "bad",  "smart",
                                          "fat",  "lard", "kick", "hard"};

template <size_t N>
bool In(const std::string_view (&list)[N], std::string_view s) {
  for (std::string_view x : list) {
    if (x == s) return true;
  }
  return false;
}

}  // namespace

AffixRule AffixRuleFor(std::string_view word) {
  // An acronym (bjl, xxx) has no inflections: "BJLs" is another one.
  if (word.find_first_of("aeiouy") == std::string_view::npos) {
    return AffixRule::kNone;
  }
  return In(kAnywhereStems, word) ? AffixRule::kAnywhere : AffixRule::kInflect;
}

bool AffixesAllowed(AffixRule rule, std::string_view word,
                    std::string_view prefix, std::string_view suffix) {
  switch (rule) {
    case AffixRule::kNone:
      return false;
    case AffixRule::kAnywhere: {
      std::string whole;
      whole.reserve(prefix.size() + word.size() + suffix.size());
      whole.append(prefix.data(), prefix.size());
      whole.append(word.data(), word.size());
      whole.append(suffix.data(), suffix.size());
      for (std::string_view ending : kInnocentEndings) {
        if (whole.size() >= ending.size() &&
            whole.compare(whole.size() - ending.size(), ending.size(),
                          ending) == 0) {
          return false;
        }
      }
      return true;
    }
    case AffixRule::kInflect:
      return (prefix.empty() || In(kPrefixes, prefix)) &&
             (suffix.empty() || In(kSuffixes, suffix));
  }
  return false;
}

}  // namespace moderation::internal
