// comment-make-lexicon: writes the benchmark's generated lexicon (corpus.h:
// the default lexicon's entries, then generated words) as a lexicon TSV, so
// that the service benchmark can post under a lexicon of realistic size.
//
//   comment-make-lexicon --count=10075 > /tmp/lexicon.tsv

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/moderation/corpus.h"

ABSL_FLAG(int, count, 10000, "Entries to write");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int count = absl::GetFlag(FLAGS_count);
  if (count <= 0) {
    std::fprintf(stderr, "comment-make-lexicon: --count must be positive\n");
    return 2;
  }
  for (const moderation::LexiconEntry& e :
       moderation::bench::MakeLexicon(static_cast<size_t>(count))) {
    const char* options =
        e.mode == moderation::WordMode::kWholeWord  ? "\tmatch=word"
        : e.mode == moderation::WordMode::kAnywhere ? "\tmatch=any"
                                                    : "";
    std::printf("%s\t%s\t%s%s\n", e.word.c_str(), e.category.c_str(),
                std::string(moderation::ActionName(e.action)).c_str(), options);
  }
  return 0;
}
