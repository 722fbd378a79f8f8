// The store against a real redis-server: the Lua scripts, the parent-chain
// protocol, and the invariants between record, indexes and counts.
#include "service/store/comment_store.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "service/store/keyspace.h"
#include "tests/support/redis_store_test.h"
#include "tests/support/status_matchers.h"
#include "tests/support/store_calls.h"

namespace comments {
namespace {

class CommentStoreTest : public testing::RedisStoreTest {
 protected:
  void SetUp() override {
    testing::RedisStoreTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = NewStore();
  }

  // A store with a cold parent cache, as on another replica.
  std::unique_ptr<CommentStore> NewStore() {
    return std::make_unique<CommentStore>(redis_.get(), CommentStoreOptions{});
  }

  v1::Comment Post(CommentStore& store, const std::string& parent,
                   const std::string& author = "u1") {
    NewComment c;
    c.article_id = "a";
    c.parent_id = parent;
    c.author_id = author;
    c.body = "body";
    absl::StatusOr<PostResult> r = testing::WaitPost(store, c, Soon());
    EXPECT_OK(r);
    return r.ok() ? r->stored.comment : v1::Comment();
  }

  // -1 (and a failure) when Redis does not answer.
  int64_t ZCard(const std::string& key) {
    absl::StatusOr<RedisReply> reply = redis_->Command({"ZCARD", key}, Soon());
    EXPECT_OK(reply);
    return reply.ok() ? reply->integer : -1;
  }

  std::unique_ptr<CommentStore> store_;
};

TEST_F(CommentStoreTest, DeepThreadsWorkFromAColdReplica) {
  const v1::Comment top = Post(*store_, "");
  const v1::Comment reply = Post(*store_, top.comment_id());
  // Another replica, which has never seen these comments, replies to the
  // reply, likes it and deletes it: each needs the right parent keys.
  std::unique_ptr<CommentStore> cold = NewStore();
  const v1::Comment nested = Post(*cold, reply.comment_id(), "u2");
  EXPECT_EQ(nested.parent_id(), reply.comment_id());

  std::unique_ptr<CommentStore> cold2 = NewStore();
  ASSERT_OK_AND_ASSIGN(const LikeState like,
                       testing::WaitSetLike(*cold2, "a", reply.comment_id(),
                                            "u3", true, Soon()));
  EXPECT_EQ(like.like_count, 1);

  const Keyspace keys("a");
  ASSERT_OK_AND_ASSIGN(
      const RedisReply score,
      redis_->Command(
          {"ZSCORE", keys.HotIndex(top.comment_id()), reply.comment_id()},
          Soon()));
  EXPECT_FALSE(score.is_nil());

  std::unique_ptr<CommentStore> cold3 = NewStore();
  ASSERT_OK(
      testing::WaitDelete(*cold3, "a", nested.comment_id(), "u2", Soon()));
  ASSERT_OK_AND_ASSIGN(
      const v1::Comment parent,
      testing::WaitGet(*store_, "a", reply.comment_id(), Soon()));
  EXPECT_EQ(parent.reply_count(), 0);
  EXPECT_EQ(ZCard(keys.NewestIndex(reply.comment_id())), 0);
  EXPECT_EQ(ZCard(keys.HotIndex(reply.comment_id())), 0);
}

TEST_F(CommentStoreTest, DeleteUndoesEveryCountAndIndex) {
  const v1::Comment top = Post(*store_, "");
  const v1::Comment reply = Post(*store_, top.comment_id(), "u2");
  ASSERT_OK(testing::WaitSetLike(*store_, "a", reply.comment_id(), "u3", true,
                                 Soon()));
  ASSERT_OK(testing::WaitSetLike(*store_, "a", reply.comment_id(), "u1", true,
                                 Soon()));
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::ArticleStats> before,
                       testing::WaitStats(*store_, {"a"}, Soon()));
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].comment_count(), 2);
  EXPECT_EQ(before[0].participant_count(), 3);

  ASSERT_OK(
      testing::WaitDelete(*store_, "a", reply.comment_id(), "u2", Soon()));
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::ArticleStats> after,
                       testing::WaitStats(*store_, {"a"}, Soon()));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].comment_count(), 1);
  EXPECT_EQ(after[0].participant_count(), 1);  // Only u1's comment is left.
  const Keyspace keys("a");
  ASSERT_OK_AND_ASSIGN(
      const RedisReply likers,
      redis_->Command({"EXISTS", keys.Likers(reply.comment_id())}, Soon()));
  EXPECT_EQ(likers.integer, 0);
  ASSERT_OK_AND_ASSIGN(
      const v1::Comment top_after,
      testing::WaitGet(*store_, "a", top.comment_id(), Soon()));
  EXPECT_EQ(top_after.reply_count(), 0);
}

TEST_F(CommentStoreTest, PostManyPipelinesAndFixesWrongGuesses) {
  const v1::Comment top = Post(*store_, "");
  const v1::Comment reply = Post(*store_, top.comment_id());
  std::unique_ptr<CommentStore> cold = NewStore();  // Knows no parents.
  std::vector<NewComment> batch(3);
  for (NewComment& c : batch) {
    c.article_id = "a";
    c.author_id = "bulk";
    c.body = "bulk";
  }
  batch[1].parent_id = reply.comment_id();  // Its parent is itself a reply.
  batch[2].parent_id = "999";               // No such parent.
  ASSERT_OK_AND_ASSIGN(const std::vector<absl::StatusOr<PostResult>> results,
                       cold->PostMany(batch, Soon()));
  ASSERT_EQ(results.size(), 3u);
  ASSERT_OK(results[0]);
  ASSERT_OK(results[1]);
  EXPECT_EQ(results[1]->stored.comment.parent_id(), reply.comment_id());
  EXPECT_THAT(results[2], testing::StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(
      const v1::Comment parent,
      testing::WaitGet(*store_, "a", reply.comment_id(), Soon()));
  EXPECT_EQ(parent.reply_count(), 1);
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::ArticleStats> stats,
                       testing::WaitStats(*store_, {"a"}, Soon()));
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].comment_count(), 4);
}

// The top level's newest index is a bitmap over the article's ids: a walk
// must cross long runs of ids that are not top-level comments (replies,
// deleted ones) in both directions, and resume exactly after its cursor.
TEST_F(CommentStoreTest, NewestWalksCrossLongRunsOfReplies) {
  const v1::Comment first = Post(*store_, "");
  std::vector<NewComment> replies(3000);
  for (NewComment& c : replies) {
    c.article_id = "a";
    c.parent_id = first.comment_id();
    c.author_id = "u2";
    c.body = "reply";
  }
  ASSERT_OK(store_->PostMany(replies, Soon()));
  const v1::Comment second = Post(*store_, "");
  const v1::Comment third = Post(*store_, "");
  const v1::Comment fourth = Post(*store_, "");
  ASSERT_EQ(fourth.comment_id(), "3004");
  ASSERT_OK(
      testing::WaitDelete(*store_, "a", third.comment_id(), "u1", Soon()));

  auto walk = [&](v1::Order order) {
    std::vector<std::string> ids;
    ListQuery query;
    query.article_id = "a";
    query.order = order;
    query.limit = 2;
    do {
      absl::StatusOr<ListPage> page = store_->List(query, Soon());
      EXPECT_OK(page);
      if (!page.ok()) break;
      for (const StoredComment& c : page->comments) {
        ids.push_back(c.comment.comment_id());
      }
      query.after = page->next;
    } while (query.after.has_value());
    return ids;
  };
  EXPECT_EQ(walk(v1::ORDER_NEWEST),
            (std::vector<std::string>{"3004", "3002", "1"}));
  EXPECT_EQ(walk(v1::ORDER_OLDEST),
            (std::vector<std::string>{"1", "3002", "3004"}));
}

TEST_F(CommentStoreTest, ScriptsReloadAfterScriptFlush) {
  Post(*store_, "");
  ASSERT_OK(redis_->Command({"SCRIPT", "FLUSH"}, Soon()));
  const v1::Comment again = Post(*store_, "");
  EXPECT_EQ(again.comment_id(), "2");
}

TEST_F(CommentStoreTest, RecordsCreationTimeFromRedisClock) {
  const absl::Time before = absl::Now() - absl::Seconds(1);
  const v1::Comment c = Post(*store_, "");
  const absl::Time created = absl::FromUnixSeconds(c.create_time().seconds());
  EXPECT_GE(created, before);
  EXPECT_LE(created, absl::Now() + absl::Seconds(1));
}

}  // namespace
}  // namespace comments
