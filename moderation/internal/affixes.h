// Inflections and compounds of Latin words, without listing them.
//
// A Latin word matches whole words (docs/moderation.md), which keeps
// "class" and "Dickens" clean but also misses "fucking" and "dumbass".
// Instead of a rule for all words, each Latin entry in the default matching
// mode gets one of two rules, chosen from the word:
//  * kAnywhere, for a short list of profanity stems that hardly occur inside
//    innocent English words (fuck, shit, cunt, bitch, whore, slut, porn,
//    twat): any letters may be glued to either side (motherfucker,
//    clusterfuck, bullshit), unless the whole word is one of the few
//    innocent ones that hold such a stem (Scunthorpe, shiitake,
//    Matsushita).
//  * kInflect, for every other Latin word: only an inflection or a
//    profane compound part may be glued to it: after it s, es, ed, ing,
//    head, hole, face, sucker... (idiots, dickhead, cocksucker), before it
//    dumb, jack, bad, smart... (dumbass, jackass). Anything else glued
//    on makes it another word (assess, Dickens, cockpit, Essex, class).
// Explicit modes (match=word, match=any) keep their meaning, and a word
// without a vowel (an acronym: bjl, xxx) gets neither rule.
#ifndef MODERATION_INTERNAL_AFFIXES_H_
#define MODERATION_INTERNAL_AFFIXES_H_

#include <cstdint>
#include <string_view>

namespace moderation::internal {

enum class AffixRule : uint8_t { kNone = 0, kInflect = 1, kAnywhere = 2 };

// The rule for a Latin entry `word` (normalized: lowercase a-z and digits).
AffixRule AffixRuleFor(std::string_view word);

// True when a match of `word` with `prefix` glued before it and `suffix`
// after it (lowercase letters, repeated letters written out; at least one
// of them not empty) may stand under `rule`.
bool AffixesAllowed(AffixRule rule, std::string_view word,
                    std::string_view prefix, std::string_view suffix);

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_AFFIXES_H_
