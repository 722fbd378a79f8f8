// The client library against a real server made to fail: retries on
// UNAVAILABLE, idempotent posting, and the concurrent comment-block fetch.
#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/client.h"
#include "gtest/gtest.h"
#include "tests/support/comment_server.h"
#include "tests/support/fsck_run.h"
#include "tests/support/redis_server.h"
#include "tests/support/status_matchers.h"

namespace comments {
namespace {

// Retries every 20-200 ms for up to 30 s: long enough to ride out a Redis
// restart.
ClientOptions PatientClient(const std::string& target) {
  return {.target = target,
          .deadline = absl::Seconds(30),
          .max_attempts = 200,
          .initial_backoff = absl::Milliseconds(20),
          .max_backoff = absl::Milliseconds(200)};
}

v1::PostCommentRequest Post(const std::string& article,
                            const std::string& body) {
  v1::PostCommentRequest r;
  r.set_article_id(article);
  r.set_author_id("u");
  r.set_body(body);
  return r;
}

TEST(ClientRetryTest, RidesOutRedisRestartWithoutDuplicates) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url(), {"--store_timeout=500ms"}));
  Client client(PatientClient(server.target()));
  ASSERT_TRUE(client.PostComment(Post("retry", "before")).ok());

  redis.Stop();
  // Fails with UNAVAILABLE until Redis is back, then succeeds, once.
  absl::StatusOr<v1::PostCommentResponse> posted;
  std::thread poster(
      [&] { posted = client.PostComment(Post("retry", "during")); });
  absl::SleepFor(absl::Milliseconds(600));
  // From this thread: a test child dies with the thread that started it.
  EXPECT_TRUE(redis.Start());  // Empty: the test Redis keeps no data.
  poster.join();
  ASSERT_TRUE(posted.ok()) << posted.status();
  EXPECT_EQ(VALUE_OR_FAIL(client.GetArticleStats("retry")).comment_count(), 1);
  const testing::FsckRun fsck = testing::RunFsck(redis.url());
  EXPECT_EQ(fsck.exit_code, 0) << fsck.output;
}

// After a restart Redis answers LOADING until it has read its dataset back.
// Such a refusal ran nothing, so the service must say UNAVAILABLE (never
// INTERNAL), which the client's retries ride out.
TEST(ClientRetryTest, RidesOutRedisLoadingItsDataset) {
  testing::RedisServer redis;
  // Loading takes at least 50 us a key, however fast the machine, and Redis
  // answers (LOADING) after every KB read: at least half a second of
  // LOADING for the keys below, seen even on a busy machine.
  redis.set_extra_args({"--key-load-delay", "50",
                        "--loading-process-events-interval-bytes", "1024"});
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url(), {"--store_timeout=500ms"}));
  Client client(PatientClient(server.target()));
  Client once({.target = server.target(), .max_attempts = 1});
  ASSERT_TRUE(client.PostComment(Post("loading", "before")).ok());
  ASSERT_EQ(redis.Query("DEBUG POPULATE 10000 filler"), "OK");
  ASSERT_EQ(redis.Query("SAVE"), "OK");

  redis.Stop();
  std::atomic<bool> restarted{false};
  absl::StatusOr<v1::PostCommentResponse> posted;
  std::vector<absl::StatusCode> seen_while_loading;
  std::thread caller([&] {
    while (!restarted) absl::SleepFor(absl::Milliseconds(5));
    // Redis's socket answers (LOADING) before it reads the dataset.
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (redis.Query("PING").empty() && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    // Single attempts for as long as Redis says it is loading.
    while (absl::StartsWith(redis.Query("PING"), "LOADING")) {
      seen_while_loading.push_back(
          once.GetArticleStats("loading").status().code());
    }
    posted = client.PostComment(Post("loading", "after"));
  });
  // From this thread: a test child dies with the thread that started it.
  std::thread([&] {
    absl::SleepFor(absl::Milliseconds(50));
    restarted = true;
  }).detach();
  EXPECT_TRUE(redis.Start());  // Returns once the dataset is loaded.
  caller.join();
  ASSERT_TRUE(posted.ok()) << posted.status();
  EXPECT_EQ(VALUE_OR_FAIL(client.GetArticleStats("loading")).comment_count(),
            2);
  const testing::FsckRun fsck = testing::RunFsck(redis.url());
  EXPECT_EQ(fsck.exit_code, 0) << fsck.output;
  EXPECT_FALSE(seen_while_loading.empty());
  for (absl::StatusCode code : seen_while_loading) {
    EXPECT_TRUE(code == absl::StatusCode::kUnavailable ||
                code == absl::StatusCode::kOk)
        << absl::StatusCodeToString(code);
  }
}

TEST(ClientRetryTest, StoppedServerIsUnavailableAfterRetries) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  auto server = std::make_unique<testing::CommentServerProcess>();
  ASSERT_TRUE(server->Start(redis.url()));
  const std::string target = server->target();
  Client client(PatientClient(target));
  ASSERT_TRUE(client.GetArticleStats("restart").ok());
  server->Stop();
  Client impatient({.target = target,
                    .deadline = absl::Milliseconds(500),
                    .max_attempts = 3});
  EXPECT_EQ(impatient.GetArticleStats("restart").status().code(),
            absl::StatusCode::kUnavailable);
  Client no_retry(
      {.target = target, .deadline = absl::Seconds(1), .max_attempts = 1});
  EXPECT_EQ(no_retry.GetArticleStats("restart").status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(ClientRetryTest, RidesOutServerRestart) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url()));
  // Reader and moderator calls over one shared channel.
  const ClientOptions options{.target = server.target(),
                              .deadline = absl::Seconds(20),
                              .max_attempts = 100,
                              .initial_backoff = absl::Milliseconds(20),
                              .max_backoff = absl::Milliseconds(200)};
  std::shared_ptr<grpc::Channel> channel = MakeChannel(options);
  Client client(options, channel);
  ASSERT_TRUE(client.PostComment(Post("restart", "before")).ok());
  server.Stop();
  absl::StatusOr<v1::PostCommentResponse> posted;
  std::thread poster(
      [&] { posted = client.PostComment(Post("restart", "during")); });
  absl::SleepFor(absl::Milliseconds(500));
  ASSERT_TRUE(server.Start(redis.url()));  // Same socket, same Redis.
  poster.join();
  ASSERT_TRUE(posted.ok()) << posted.status();
  EXPECT_EQ(VALUE_OR_FAIL(client.GetArticleStats("restart")).comment_count(),
            2);
  const testing::FsckRun fsck = testing::RunFsck(redis.url());
  EXPECT_EQ(fsck.exit_code, 0) << fsck.output;
  ModerationClient moderator(options, channel);
  EXPECT_EQ(moderator.GetArticlePolicy("restart").status().code(),
            absl::StatusCode::kUnauthenticated);  // This client has no token.
}

TEST(ClientRetryTest, NonRetryableErrorsAreNotRetried) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url()));
  Client client({.target = server.target(), .max_attempts = 100});
  EXPECT_EQ(client.PostComment(Post("bad id", "x")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client.GetComment("a", "12345").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ClientRetryTest, CallerKeysStillDeduplicate) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url()));
  Client client({.target = server.target()});
  v1::PostCommentRequest r = Post("keys", "same");
  r.set_idempotency_key("caller-key");
  const std::string first =
      VALUE_OR_FAIL(client.PostComment(r)).comment().comment_id();
  EXPECT_EQ(VALUE_OR_FAIL(client.PostComment(r)).comment().comment_id(), first);
  // Without a key, each call is a new comment (the client's own key differs
  // per call, not per retry).
  r.clear_idempotency_key();
  EXPECT_NE(VALUE_OR_FAIL(client.PostComment(r)).comment().comment_id(),
            VALUE_OR_FAIL(client.PostComment(r)).comment().comment_id());
  EXPECT_EQ(VALUE_OR_FAIL(client.GetArticleStats("keys")).comment_count(), 3);
}

TEST(ClientRetryTest, FetchCommentBlockGetsAllThree) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url()));
  Client client({.target = server.target()});
  absl::StatusOr<v1::PostCommentResponse> one =
      client.PostComment(Post("block", "one"));
  absl::StatusOr<v1::PostCommentResponse> two =
      client.PostComment(Post("block", "two"));
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_TRUE(two.ok()) << two.status();
  const std::string first = one->comment().comment_id();
  const std::string second = two->comment().comment_id();
  ASSERT_TRUE(client.LikeComment("block", first, "fan").ok());
  absl::StatusOr<CommentBlock> block = client.FetchCommentBlock("block", 10);
  ASSERT_TRUE(block.ok()) << block.status();
  EXPECT_EQ(block->stats.comment_count(), 2);
  EXPECT_EQ(block->stats.participant_count(), 2);
  ASSERT_EQ(block->hot.comments_size(), 2);
  EXPECT_EQ(block->hot.comments(0).comment_id(), first);
  EXPECT_EQ(block->newest.comments(0).comment_id(), second);
  EXPECT_EQ(client.FetchCommentBlock("bad id").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace comments
