// BanList against a real redis-server: a ban taken through this replica
// applies here at once, one taken through any replica arrives from the
// store after a poll, and the list says when it does not know.
#include "service/store/ban_list.h"

#include <memory>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "service/store/moderation_store.h"
#include "tests/support/redis_store_test.h"
#include "tests/support/status_matchers.h"

namespace comments {
namespace {

using testing::WaitUntil;

class BanListTest : public testing::RedisStoreTest {
 protected:
  void SetUp() override {
    testing::RedisStoreTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_unique<ModerationStore>(redis_.get());
    bans_ = std::make_unique<BanList>(store_.get(), absl::Milliseconds(20));
  }

  std::unique_ptr<ModerationStore> store_;
  std::unique_ptr<BanList> bans_;
};

TEST_F(BanListTest, UnknownUntilLoaded) {
  EXPECT_EQ(bans_->Contains("troll"), std::nullopt);
  // A local change cannot make a list that was never loaded known.
  bans_->Apply("troll", true);
  EXPECT_EQ(bans_->Contains("troll"), std::nullopt);
  ASSERT_OK(bans_->SyncNow());
  EXPECT_EQ(bans_->Contains("troll"), false);  // The store has no ban.
}

TEST_F(BanListTest, SyncNowLoadsTheStoredBans) {
  ASSERT_OK(store_->SetBanned("troll", true, "spam", Soon()));
  ASSERT_OK(store_->SetBanned("user:with spaces", true, "", Soon()));
  ASSERT_OK(bans_->SyncNow());
  EXPECT_EQ(bans_->Contains("troll"), true);
  EXPECT_EQ(bans_->Contains("user:with spaces"), true);
  EXPECT_EQ(bans_->Contains("reader"), false);

  ASSERT_OK(store_->SetBanned("troll", false, "", Soon()));
  ASSERT_OK(bans_->SyncNow());
  EXPECT_EQ(bans_->Contains("troll"), false);
  EXPECT_EQ(bans_->Contains("user:with spaces"), true);
}

// As for keywords (keyword_sync_test): after Redis lost its last writes,
// later bans count the version up again to one this replica has loaded.
TEST_F(BanListTest, AVersionReachedAgainAfterLostWritesStillReloads) {
  ASSERT_OK(store_->SetBanned("troll", true, "spam", Soon()));
  ASSERT_OK(bans_->SyncNow());
  ASSERT_OK_AND_ASSIGN(ModerationStore::Revision loaded,
                       store_->BanRevision(Soon()));

  ASSERT_OK(redis_->Command({"FLUSHALL"}, Soon()));
  ASSERT_OK(store_->SetBanned("spammer", true, "spam", Soon()));
  ASSERT_OK_AND_ASSIGN(ModerationStore::Revision revision,
                       store_->BanRevision(Soon()));
  ASSERT_EQ(revision.counter, loaded.counter);
  EXPECT_NE(revision.stamp, loaded.stamp);

  ASSERT_OK(bans_->SyncNow());
  EXPECT_EQ(bans_->Contains("troll"), false);
  EXPECT_EQ(bans_->Contains("spammer"), true);
}

TEST_F(BanListTest, ALocalChangeAppliesAtOnce) {
  ASSERT_OK(bans_->SyncNow());
  // No poller runs and the store is not read: Apply alone changes the copy.
  ASSERT_OK(store_->SetBanned("troll", true, "", Soon()));
  bans_->Apply("troll", true);
  EXPECT_EQ(bans_->Contains("troll"), true);
  ASSERT_OK(store_->SetBanned("troll", false, "", Soon()));
  bans_->Apply("troll", false);
  EXPECT_EQ(bans_->Contains("troll"), false);
}

TEST_F(BanListTest, AnotherReplicasBanArrivesAfterAPoll) {
  ASSERT_OK(bans_->SyncNow());
  bans_->Start();
  // Another replica (its own store on the same Redis) bans and unbans.
  ModerationStore other(redis_.get());
  ASSERT_OK(other.SetBanned("troll", true, "spam", Soon()));
  EXPECT_TRUE(WaitUntil([&] { return bans_->Contains("troll") == true; }));
  ASSERT_OK(other.SetBanned("troll", false, "", Soon()));
  EXPECT_TRUE(WaitUntil([&] { return bans_->Contains("troll") == false; }));
}

TEST_F(BanListTest, APollAfterALocalChangeKeepsIt) {
  ASSERT_OK(bans_->SyncNow());
  bans_->Start();
  ASSERT_OK(store_->SetBanned("troll", true, "", Soon()));
  bans_->Apply("troll", true);
  // The poke Apply gives makes a reload; whatever it read, the list agrees
  // with the store once it has run.
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(bans_->Contains("troll"), true);
}

// Redis being down leaves the loaded copy in use; the next poll after it is
// back catches up.
TEST_F(BanListTest, RedisDownKeepsTheLoadedList) {
  ASSERT_OK(store_->SetBanned("troll", true, "", Soon()));
  ASSERT_OK(bans_->SyncNow());
  redis_server_.Stop();
  EXPECT_FALSE(bans_->SyncNow().ok());
  EXPECT_EQ(bans_->Contains("troll"), true);
  bans_->Apply("other", true);  // A local ban still applies.
  EXPECT_EQ(bans_->Contains("other"), true);

  // Back empty (nothing persists), so its ban version starts again from 0:
  // two bans take it past the one loaded, whether or not a poll saw the
  // empty list in between. (A Redis that comes back with its version equal
  // to the loaded one is not noticed until the version moves.)
  ASSERT_TRUE(redis_server_.Start());
  bans_->Start();
  ModerationStore other(redis_.get());
  EXPECT_TRUE(WaitUntil(
      [&] { return other.SetBanned("late", true, "", Soon()).ok(); }));
  ASSERT_OK(other.SetBanned("later", true, "", Soon()));
  EXPECT_TRUE(WaitUntil([&] { return bans_->Contains("later") == true; }));
  EXPECT_EQ(bans_->Contains("late"), true);
  EXPECT_EQ(bans_->Contains("troll"), false);
}

}  // namespace
}  // namespace comments
