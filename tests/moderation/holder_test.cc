// LexiconHolder: readers see the old or the new lexicon, never a mix, while
// another thread swaps lexicons.
#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "moderation/moderation.h"
#include "tests/moderation/test_util.h"

namespace moderation {
namespace {

using ::moderation::testing::CompileTsv;

TEST(LexiconHolderTest, SetReplacesTheLexicon) {
  LexiconHolder holder(CompileTsv("博彩\tg\tblock\n"));
  EXPECT_EQ(holder.Check("博彩").action, Action::kBlock);
  holder.Set(CompileTsv("刷单\tf\treview\n"));
  EXPECT_EQ(holder.Check("博彩").action, Action::kAllow);
  EXPECT_EQ(holder.Check("刷单").action, Action::kReview);
}

TEST(LexiconHolderTest, ConcurrentReadersSeeWholeLexicons) {
  // Lexicon A blocks both words, lexicon B reviews both: a reader must see
  // the same action for both words within one Get().
  auto a = CompileTsv("博彩\tg\tblock\n刷单\tf\tblock\n");
  auto b = CompileTsv("博彩\tg\treview\n刷单\tf\treview\n");
  LexiconHolder holder(a);
  std::atomic<bool> stop{false};
  std::atomic<int> mixed{0};
  std::atomic<int> checks{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        const Verdict v = holder.Get()->Check("博彩和刷单");
        if (v.matches.size() != 2 ||
            v.matches[0].action != v.matches[1].action) {
          ++mixed;
        }
        ++checks;
      }
    });
  }
  for (int i = 0; i < 2000; ++i) holder.Set(i % 2 ? a : b);
  while (checks.load() < 1000) std::this_thread::yield();
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(mixed.load(), 0);
}

TEST(LexiconHolderTest, OldLexiconOutlivesSwapWhileInUse) {
  LexiconHolder holder(CompileTsv("博彩\tg\tblock\n"));
  std::shared_ptr<const Lexicon> old = holder.Get();
  holder.Set(CompileTsv("刷单\tf\treview\n"));
  EXPECT_EQ(old->Check("博彩").action, Action::kBlock);
}

}  // namespace
}  // namespace moderation
