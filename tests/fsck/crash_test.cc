// Crashes in the middle of writes leave the data consistent: comment-server
// or Redis killed with SIGKILL while several clients post, reply, like,
// unlike and delete, and then comment-fsck finds it clean (and, after a
// Redis crash, every acknowledged post is there). docs/reliability.md cites
// these tests.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/client.h"
#include "redis/redis_client.h"
#include "gtest/gtest.h"
#include "tests/support/comment_server.h"
#include "tests/support/fsck_run.h"
#include "tests/support/redis_cluster.h"
#include "tests/support/redis_server.h"
#include "tests/support/status_matchers.h"

namespace comments {
namespace {

constexpr int kWriters = 3;
// Acknowledged posts each writer makes before the crash is let loose.
constexpr int kBeforeCrash = 30;

// Writers that post, reply, like, unlike and delete on two articles until
// told to stop, remembering the posts acknowledged to them.
class Writers final {
 public:
  explicit Writers(const std::string& target) : posts_(kWriters, 0) {
    for (int w = 0; w < kWriters; ++w) {
      threads_.emplace_back([this, target, w] { Write(target, w); });
    }
  }
  ~Writers() { Join(); }

  // Blocks until every writer has had `n` posts acknowledged.
  void WaitForPosts(int n) {
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (*std::min_element(posts_.begin(), posts_.end()) >= n) return;
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
  }
  void Join() {
    stop_ = true;
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  // (article, id) of every acknowledged post.
  std::vector<std::pair<std::string, std::string>> acked() {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_;
  }

 private:
  void Write(const std::string& target, int w) {
    // One attempt a call, so that writers keep going while a peer is down.
    Client client({.target = target,
                   .deadline = absl::Seconds(2),
                   .max_attempts = 1});
    const std::string user = absl::StrCat("writer", w);
    std::vector<std::pair<std::string, std::string>> mine;
    for (int i = 0; !stop_; ++i) {
      const std::string article = i % 2 ? "crash-a" : "crash-b";
      v1::PostCommentRequest post;
      post.set_article_id(article);
      post.set_author_id(user);
      post.set_body(absl::StrCat("comment ", w, " ", i));
      // Every third post replies to one of this writer's earlier ones.
      if (i % 3 == 2 && !mine.empty() && mine.back().first == article) {
        post.set_parent_id(mine.back().second);
      }
      absl::StatusOr<v1::PostCommentResponse> posted =
          client.PostComment(post);
      if (posted.ok()) {
        const std::string id = posted->comment().comment_id();
        mine.emplace_back(article, id);
        std::lock_guard<std::mutex> lock(mu_);
        acked_.emplace_back(article, id);
        ++posts_[w];
      }
      if (mine.empty()) continue;
      // Likes by this writer and a neighbour, an unlike, a delete.
      const auto& [a, id] = mine[i % mine.size()];
      (void)client.LikeComment(a, id, user);
      (void)client.LikeComment(a, id, absl::StrCat("fan", i % 5));
      if (i % 4 == 0) (void)client.UnlikeComment(a, id, user);
      if (i % 7 == 6) (void)client.DeleteComment(a, id, user);
    }
  }

  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<int> posts_;  // Acknowledged posts per writer.
  std::vector<std::pair<std::string, std::string>> acked_;
  std::vector<std::thread> threads_;
};

TEST(CrashTest, KillNineOfTheServerMidWritesLeavesTheDataConsistent) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url()));
  {
    Writers writers(server.target());
    writers.WaitForPosts(kBeforeCrash);
    server.Stop(SIGKILL);
  }
  const testing::FsckRun fsck = testing::RunFsck(redis.url());
  EXPECT_EQ(fsck.exit_code, 0) << fsck.output;
}

// A planned failover (CLUSTER FAILOVER on the replica of the primary that
// holds the articles) in the middle of the writes loses nothing and leaves
// the data consistent: the replica had every script's writes, each
// replicated whole.
TEST(CrashTest, ClusterFailoverMidWritesLeavesTheDataConsistent) {
  testing::RedisCluster cluster(/*primaries=*/3, /*replicas=*/1);
  ASSERT_TRUE(cluster.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(cluster.seed_url() + "," + cluster.url(1)));
  const int primary = cluster.OwnerOf(
      std::stoi(cluster.Query(0, "CLUSTER KEYSLOT c:{crash-a}:c")));
  ASSERT_GE(primary, 0);
  std::vector<std::pair<std::string, std::string>> acked;
  {
    Writers writers(server.target());
    writers.WaitForPosts(kBeforeCrash);
    // Nodes 3, 4, 5 are the replicas of primaries 0, 1, 2.
    ASSERT_TRUE(cluster.Failover(3 + primary));
    writers.WaitForPosts(2 * kBeforeCrash);
    writers.Join();
    acked = writers.acked();
  }
  ASSERT_OK_AND_ASSIGN(std::vector<RedisEndpoint> seeds,
                       RedisEndpoint::ParseList(cluster.seed_url()));
  RedisClient redis(RedisClientOptions{seeds.front()});
  std::vector<RedisArgv> exists;
  for (const auto& [article, id] : acked) {
    exists.push_back({"HEXISTS", absl::StrCat("c:{", article, "}:c"), id});
  }
  ASSERT_OK_AND_ASSIGN(RedisReplies replies,
                       redis.Pipeline(exists, absl::Now() + absl::Seconds(10)));
  for (size_t i = 0; i < replies.size(); ++i) {
    EXPECT_EQ(replies[i].integer, 1) << exists[i][1] << " " << exists[i][2];
  }
  const testing::FsckRun fsck = testing::RunFsck(cluster.seed_url());
  EXPECT_EQ(fsck.exit_code, 0) << fsck.output;
}

struct Fsync {
  const char* appendfsync;
  // Whether every acknowledged post must survive the crash.
  bool keeps_every_ack;
};

class RedisCrashTest : public ::testing::TestWithParam<Fsync> {};

// Redis with the AOF fsynced as the parameter says, killed with SIGKILL
// mid-writes and started again from its AOF. Each script's writes come back
// all or none, so comment-fsck finds the data consistent either way. With
// `always` every acknowledged post is there. With `everysec` even a crash
// of the process alone (not of the machine) may lose the last writes: while
// a background fsync is slow, Redis postpones writing its AOF buffer (up to
// 2 s) but still answers (this test has seen it lose some).
TEST_P(RedisCrashTest, KillNineOfRedisMidWritesLeavesTheDataConsistent) {
  testing::RedisServer redis;
  redis.set_extra_args(
      {"--appendonly", "yes", "--appendfsync", GetParam().appendfsync});
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url(), {"--store_timeout=500ms"}));
  std::vector<std::pair<std::string, std::string>> acked;
  {
    Writers writers(server.target());
    writers.WaitForPosts(kBeforeCrash);
    redis.Kill();
    writers.Join();
    acked = writers.acked();
  }
  ASSERT_TRUE(redis.Start());  // Loads the AOF.
  int lost = 0;
  for (const auto& [article, id] : acked) {
    const std::string there =
        redis.Query(absl::StrCat("HEXISTS c:{", article, "}:c ", id));
    if (there != "1") ++lost;
    if (GetParam().keeps_every_ack) {
      EXPECT_EQ(there, "1") << article << "/" << id;
    }
  }
  std::printf("appendfsync %s: %d of %zu acknowledged posts lost\n",
              GetParam().appendfsync, lost, acked.size());
  const testing::FsckRun fsck = testing::RunFsck(redis.url());
  EXPECT_EQ(fsck.exit_code, 0) << fsck.output;
}

INSTANTIATE_TEST_SUITE_P(
    AppendFsync, RedisCrashTest,
    ::testing::Values(Fsync{"always", true}, Fsync{"everysec", false}),
    [](const ::testing::TestParamInfo<Fsync>& info) {
      return std::string(info.param.appendfsync);
    });

}  // namespace
}  // namespace comments
