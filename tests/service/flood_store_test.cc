// FloodStore against a real redis-server (a one-node Redis Cluster in
// test.sh's second run): exact counts, refusals that say when to retry,
// places given back, counters apart per subject and action.
#include "service/store/flood_store.h"

#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/store/keyspace.h"
#include "service/store/store_error.h"
#include "tests/support/redis_store_test.h"

namespace comments {
namespace {

using ::testing::HasSubstr;
using testing::StatusIs;

class FloodStoreTest : public testing::RedisStoreTest {
 protected:
  void SetUp() override {
    RedisStoreTest::SetUp();
    store_ = std::make_unique<FloodStore>(redis_.get());
  }

  absl::StatusOr<FloodTicket> Take(std::vector<FloodCounter> counters) {
    return Await<FloodTicket>([&](Callback<FloodTicket> done) {
      store_->Take(counters, Soon(), std::move(done));
    });
  }

  int64_t Count(const std::string& key) {
    absl::StatusOr<RedisReply> n = redis_->Command({"ZCARD", key}, Soon());
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? n->integer : -1;
  }

  static FloodCounter User(const std::string& id, int limit,
                           FloodAction action = FloodAction::kPost) {
    return {action, FloodSubject::kUser, id, {limit, absl::Minutes(10)}};
  }
  static FloodCounter Address(const std::string& id, int limit) {
    return {FloodAction::kPost,
            FloodSubject::kAddress,
            id,
            {limit, absl::Minutes(10)}};
  }

  std::unique_ptr<FloodStore> store_;
};

TEST_F(FloodStoreTest, TakesExactlyTheLimitThenRefuses) {
  const std::string key = flood_keys::User("post", "alice");
  std::vector<FloodTicket> tickets;
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(FloodTicket t, Take({User("alice", 3)}));
    ASSERT_EQ(t.places.size(), 1u);
    EXPECT_EQ(t.places[0].first, key);
    tickets.push_back(std::move(t));
  }
  const absl::StatusOr<FloodTicket> refused = Take({User("alice", 3)});
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(StoreErrorOf(refused.status()), StoreError::kUserLimited);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("author_id has posted 3 comments in the last 10m"));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("retry in"));
  EXPECT_EQ(Count(key), 3);
  // The window runs from each action: the key lives as long as the newest.
  ASSERT_OK_AND_ASSIGN(RedisReply ttl, redis_->Command({"PTTL", key}, Soon()));
  EXPECT_GT(ttl.integer, 0);
  EXPECT_LE(ttl.integer, 10 * 60 * 1000);

  // A place given back is free again, exactly one.
  store_->Refund(tickets[1]);
  EXPECT_TRUE(testing::WaitUntil([&] { return Count(key) == 2; }));
  EXPECT_OK(Take({User("alice", 3)}).status());
  EXPECT_THAT(Take({User("alice", 3)}),
              StatusIs(absl::StatusCode::kResourceExhausted));
  // Giving the same place back twice frees nothing more.
  store_->Refund(tickets[1]);
  EXPECT_THAT(Take({User("alice", 3)}),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(FloodStoreTest, AFullCounterGivesBackThePlacesTakenBeforeIt) {
  ASSERT_OK(Take({User("bob", 5), Address("198.51.100.7", 1)}).status());
  const absl::StatusOr<FloodTicket> refused =
      Take({User("bob", 5), Address("198.51.100.7", 1)});
  EXPECT_EQ(StoreErrorOf(refused.status()), StoreError::kAddressLimited);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("this client address has posted 1 comments"));
  EXPECT_TRUE(testing::WaitUntil(
      [&] { return Count(flood_keys::User("post", "bob")) == 1; }));
  EXPECT_EQ(Count(flood_keys::Address("post", "198.51.100.7")), 1);
}

TEST_F(FloodStoreTest, CountersAreApartPerSubjectAndAction) {
  ASSERT_OK(Take({User("carol", 1)}).status());
  EXPECT_OK(Take({User("carol", 1, FloodAction::kLike)}).status());
  EXPECT_OK(Take({User("carol", 1, FloodAction::kReport)}).status());
  // A user id that looks like an address is another subject.
  EXPECT_OK(Take({User("198.51.100.8", 1)}).status());
  EXPECT_OK(Take({Address("198.51.100.8", 1)}).status());
  // Ids that one key name could hold twice stay apart (the length prefix).
  EXPECT_OK(Take({User("d}:post", 1)}).status());
  EXPECT_OK(Take({User("d", 1)}).status());
  EXPECT_THAT(Take({User("carol", 1, FloodAction::kLike)}),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(FloodStoreTest, LoweringALimitRefusesUntilEnoughActionsLeave) {
  for (int i = 0; i < 4; ++i) ASSERT_OK(Take({User("dave", 4)}).status());
  const absl::StatusOr<FloodTicket> refused = Take({User("dave", 2)});
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("has posted 4 comments"));
}

TEST_F(FloodStoreTest, NoCountersIsAnEmptyTicket) {
  ASSERT_OK_AND_ASSIGN(FloodTicket t, Take({}));
  EXPECT_TRUE(t.empty());
}

}  // namespace
}  // namespace comments
