// KeywordSync against a real redis-server: a keyword change made through
// any replica's store reaches this replica's lexicon holder after a poll,
// the seed is written once, and neither Redis being down nor a bad stored
// word takes the lexicon away.
#include "service/store/keyword_sync.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "moderation/moderation.h"
#include "service/store/moderation_store.h"
#include "tests/support/redis_store_test.h"
#include "tests/support/status_matchers.h"

namespace comments {
namespace {

using moderation::Action;
using testing::StatusIs;
using testing::WaitUntil;

v1::Keyword Keyword(const std::string& word, v1::ModerationAction action) {
  v1::Keyword k;
  k.set_word(word);
  k.set_category("test");
  k.set_action(action);
  return k;
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

class KeywordSyncTest : public testing::RedisStoreTest {
 protected:
  void SetUp() override {
    testing::RedisStoreTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_unique<ModerationStore>(redis_.get());
    holder_ = NewHolder();
    ASSERT_NE(holder_, nullptr);
    sync_ = NewSync(holder_.get());
  }

  // A holder with an empty lexicon, as a replica starts with.
  static std::unique_ptr<moderation::LexiconHolder> NewHolder() {
    absl::StatusOr<std::shared_ptr<const moderation::Lexicon>> empty =
        moderation::Lexicon::Compile({}, moderation::EngineOptions());
    EXPECT_OK(empty);
    if (!empty.ok()) return nullptr;
    return std::make_unique<moderation::LexiconHolder>(*std::move(empty));
  }

  std::unique_ptr<KeywordSync> NewSync(moderation::LexiconHolder* holder) {
    return std::make_unique<KeywordSync>(store_.get(), holder,
                                         moderation::EngineOptions(),
                                         absl::Milliseconds(20));
  }

  // Changes the keywords in Redis, as a moderator does through any replica.
  void Update(const std::vector<v1::Keyword>& add,
              const std::vector<std::string>& remove = {}) {
    ASSERT_OK(store_->UpdateKeywords(add, remove, /*seed=*/false, Soon()));
  }

  Action Verdict(const moderation::LexiconHolder& holder,
                 const std::string& text) {
    return holder.Check(text).action;
  }

  std::unique_ptr<ModerationStore> store_;
  std::unique_ptr<moderation::LexiconHolder> holder_;
  std::unique_ptr<KeywordSync> sync_;
};

TEST_F(KeywordSyncTest, SyncNowLoadsTheStoredKeywords) {
  ASSERT_NO_FATAL_FAILURE(
      Update({Keyword("博彩", v1::MODERATION_ACTION_BLOCK),
              Keyword("idiot", v1::MODERATION_ACTION_MASK)}));
  EXPECT_EQ(Verdict(*holder_, "来玩博彩"), Action::kAllow);  // Not yet.
  ASSERT_OK(sync_->SyncNow());
  EXPECT_EQ(holder_->Get()->entry_count(), 2u);
  EXPECT_EQ(Verdict(*holder_, "来玩博彩"), Action::kBlock);
  EXPECT_EQ(Verdict(*holder_, "you idiot"), Action::kMask);
  EXPECT_EQ(Verdict(*holder_, "你好"), Action::kAllow);
}

TEST_F(KeywordSyncTest, SyncNowKeepsTheLexiconWhileTheVersionStays) {
  ASSERT_NO_FATAL_FAILURE(
      Update({Keyword("博彩", v1::MODERATION_ACTION_BLOCK)}));
  ASSERT_OK(sync_->SyncNow());
  const std::shared_ptr<const moderation::Lexicon> loaded = holder_->Get();
  ASSERT_OK(sync_->SyncNow());
  EXPECT_EQ(holder_->Get(), loaded);  // Not compiled again.
}

// Redis can lose its last writes (a failover to a replica that lagged, a
// restore of an older backup); later changes then count the version up to
// a value this replica has loaded already, with other keywords.
TEST_F(KeywordSyncTest, AVersionReachedAgainAfterLostWritesStillReloads) {
  ASSERT_NO_FATAL_FAILURE(
      Update({Keyword("博彩", v1::MODERATION_ACTION_BLOCK)}));
  ASSERT_OK(sync_->SyncNow());
  EXPECT_EQ(Verdict(*holder_, "来玩博彩"), Action::kBlock);

  ASSERT_OK(redis_->Command({"FLUSHALL"}, Soon()));
  ASSERT_NO_FATAL_FAILURE(
      Update({Keyword("spamword", v1::MODERATION_ACTION_BLOCK)}));
  ASSERT_OK_AND_ASSIGN(ModerationStore::Revision revision,
                       store_->KeywordRevision(Soon()));
  ASSERT_EQ(revision.counter, sync_->loaded().version);  // The same number.

  ASSERT_OK(sync_->SyncNow());
  EXPECT_EQ(Verdict(*holder_, "来玩博彩"), Action::kAllow);
  EXPECT_EQ(Verdict(*holder_, "a spamword here"), Action::kBlock);
}

TEST_F(KeywordSyncTest, AChangeReachesTheHolderAfterAPoll) {
  sync_->Start();
  ASSERT_NO_FATAL_FAILURE(
      Update({Keyword("spamword", v1::MODERATION_ACTION_BLOCK)}));
  EXPECT_TRUE(WaitUntil(
      [&] { return Verdict(*holder_, "a spamword here") == Action::kBlock; }));
  // Another change, a removal: the next poll takes it too.
  ASSERT_NO_FATAL_FAILURE(
      Update({Keyword("refund", v1::MODERATION_ACTION_REVIEW)}, {"spamword"}));
  EXPECT_TRUE(WaitUntil(
      [&] { return Verdict(*holder_, "a spamword here") == Action::kAllow; }));
  EXPECT_EQ(Verdict(*holder_, "refund now"), Action::kReview);
}

TEST_F(KeywordSyncTest, TheSeedIsWrittenOnceByTheFirstReplica) {
  sync_->SetSeed({Keyword("first", v1::MODERATION_ACTION_BLOCK)});
  ASSERT_OK(sync_->SyncNow());
  EXPECT_EQ(Verdict(*holder_, "first"), Action::kBlock);

  // A second replica starting with another seed: Redis's keywords win.
  std::unique_ptr<moderation::LexiconHolder> other_holder = NewHolder();
  ASSERT_NE(other_holder, nullptr);
  std::unique_ptr<KeywordSync> other = NewSync(other_holder.get());
  other->SetSeed({Keyword("second", v1::MODERATION_ACTION_BLOCK)});
  ASSERT_OK(other->SyncNow());
  EXPECT_EQ(Verdict(*other_holder, "first"), Action::kBlock);
  EXPECT_EQ(Verdict(*other_holder, "second"), Action::kAllow);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Keyword> stored,
                       store_->AllKeywords(Soon()));
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].word(), "first");

  // Once seeded, a removal of every keyword is not undone by a seed.
  ASSERT_NO_FATAL_FAILURE(Update({}, {"first"}));
  ASSERT_OK(sync_->SyncNow());
  EXPECT_EQ(Verdict(*holder_, "first"), Action::kAllow);
}

// Redis being down only delays the reload: the holder keeps what it has,
// and a seed set meanwhile is written once Redis is back, before the
// keywords are read (so its empty list never replaces the seed).
TEST_F(KeywordSyncTest, RedisDownDelaysTheReloadAndTheSeed) {
  ASSERT_NO_FATAL_FAILURE(
      Update({Keyword("old", v1::MODERATION_ACTION_BLOCK)}));
  ASSERT_OK(sync_->SyncNow());
  redis_server_.Stop();  // Its data goes with it: Redis comes back empty.

  std::unique_ptr<moderation::LexiconHolder> fresh_holder = NewHolder();
  ASSERT_NE(fresh_holder, nullptr);
  std::unique_ptr<KeywordSync> fresh = NewSync(fresh_holder.get());
  fresh->SetSeed({Keyword("seeded", v1::MODERATION_ACTION_REVIEW)});
  const auto down =
      ::testing::AnyOf(StatusIs(absl::StatusCode::kUnavailable),
                       StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(sync_->SyncNow(), down);
  EXPECT_THAT(fresh->SyncNow(), down);
  EXPECT_EQ(Verdict(*holder_, "old"), Action::kBlock);

  ASSERT_TRUE(redis_server_.Start());
  EXPECT_TRUE(WaitUntil([&] { return fresh->SyncNow().ok(); }));
  EXPECT_EQ(Verdict(*fresh_holder, "seeded"), Action::kReview);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Keyword> stored,
                       store_->AllKeywords(Soon()));
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].word(), "seeded");
  // The first replica follows Redis at its next change: its old word is
  // gone, the seed is in.
  ASSERT_NO_FATAL_FAILURE(Update({Keyword("new", v1::MODERATION_ACTION_MASK)}));
  ASSERT_OK(sync_->SyncNow());
  EXPECT_EQ(Verdict(*holder_, "old"), Action::kAllow);
  EXPECT_EQ(Verdict(*holder_, "seeded"), Action::kReview);
  EXPECT_EQ(Verdict(*holder_, "new"), Action::kMask);
}

// A stored word the engine cannot compile (only punctuation, or over 64
// characters)
// is left out; the other keywords still load, so one bad word never stops
// every later update.
TEST_F(KeywordSyncTest, ABadStoredWordIsLeftOut) {
  ASSERT_NO_FATAL_FAILURE(
      Update({Keyword("good", v1::MODERATION_ACTION_BLOCK),
              Keyword("。，、", v1::MODERATION_ACTION_BLOCK),
              Keyword(Repeat("博彩", 40), v1::MODERATION_ACTION_BLOCK)}));
  ASSERT_OK(sync_->SyncNow());
  EXPECT_EQ(holder_->Get()->entry_count(), 1u);
  EXPECT_EQ(Verdict(*holder_, "so good"), Action::kBlock);
  // And the next update loads as well.
  ASSERT_NO_FATAL_FAILURE(
      Update({Keyword("better", v1::MODERATION_ACTION_MASK)}));
  ASSERT_OK(sync_->SyncNow());
  EXPECT_EQ(Verdict(*holder_, "even better"), Action::kMask);
}

// A version that is not a number cannot tell whether the keywords moved:
// the sync fails (and is retried at the next poll) and keeps the lexicon.
TEST_F(KeywordSyncTest, AMalformedVersionFailsAndKeepsTheLexicon) {
  ASSERT_NO_FATAL_FAILURE(
      Update({Keyword("博彩", v1::MODERATION_ACTION_BLOCK)}));
  ASSERT_OK(sync_->SyncNow());
  ASSERT_OK(redis_->Command({"SET", "mod:{kw}:version", "garbage"}, Soon()));
  EXPECT_THAT(sync_->SyncNow(), StatusIs(absl::StatusCode::kInternal));
  EXPECT_EQ(Verdict(*holder_, "博彩"), Action::kBlock);
  // Once an operator puts a number back (INCR refuses "garbage"), the
  // next update loads.
  ASSERT_OK(redis_->Command({"SET", "mod:{kw}:version", "5"}, Soon()));
  ASSERT_NO_FATAL_FAILURE(
      Update({Keyword("idiot", v1::MODERATION_ACTION_MASK)}));
  ASSERT_OK(sync_->SyncNow());
  EXPECT_EQ(Verdict(*holder_, "idiot"), Action::kMask);
}

}  // namespace
}  // namespace comments
