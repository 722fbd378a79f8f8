// A generated, realistic corpus for the moderation benchmark: comment-length
// lines of mostly clean Chinese, about 1% carrying a lexicon word, some of
// those evaded. Deterministic (fixed seeds), so runs compare.
#ifndef BENCH_MODERATION_CORPUS_H_
#define BENCH_MODERATION_CORPUS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "moderation/moderation.h"

namespace moderation::bench {

// `count` entries: the shipped default lexicon's, then generated words of
// 3-6 Chinese characters (drawn from rarer characters than the clean text
// uses, as real spam words are), a few percent Latin.
std::vector<LexiconEntry> MakeLexicon(size_t count);

// `lines` comment lines; `hit_permille` of them contain a word of
// `lexicon`, a third of those evaded (spaces, emoji, traditional forms,
// full-width).
std::vector<std::string> MakeCorpus(const std::vector<LexiconEntry>& lexicon,
                                    size_t lines, int hit_permille);

}  // namespace moderation::bench

#endif  // BENCH_MODERATION_CORPUS_H_
