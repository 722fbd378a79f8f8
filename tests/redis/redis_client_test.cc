#include "redis/redis_client.h"

#include <algorithm>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "redis/redis_error.h"
#include "tests/support/redis_replies.h"
#include "tests/support/redis_server.h"
#include "tests/support/status_matchers.h"

namespace comments {
namespace {

using testing::ErrorReply;

TEST(RedisReplyTest, AnErrorIsItsOwnType) {
  EXPECT_TRUE(ErrorReply("ERR unknown command").is_error());
  EXPECT_EQ(ErrorReply("ERR unknown command").str, "ERR unknown command");
  // Text that looks like an error is not one: only the type says so.
  RedisReply status;
  status.type = RedisReply::Type::kStatus;
  status.str = "ERR:OOM";
  EXPECT_FALSE(status.is_error());
  RedisReply string;
  string.type = RedisReply::Type::kString;
  string.str = "OOM command not allowed";
  EXPECT_FALSE(string.is_error());
  EXPECT_FALSE(RedisReply().is_error());
}

TEST(RedisReplyTest, TheKindIsTheErrorCodeWord) {
  const std::pair<const char*, RedisErrorKind> cases[] = {
      {"NOSCRIPT No matching script.", RedisErrorKind::kNoScript},
      {"MOVED 3999 127.0.0.1:6381", RedisErrorKind::kMoved},
      {"ASK 3999 127.0.0.1:6381", RedisErrorKind::kAsk},
      {"LOADING Redis is loading", RedisErrorKind::kLoading},
      {"BUSY Redis is busy", RedisErrorKind::kBusy},
      {"TRYAGAIN Multiple keys", RedisErrorKind::kTryAgain},
      {"CLUSTERDOWN The cluster is down", RedisErrorKind::kClusterDown},
      {"MASTERDOWN Link with MASTER is down", RedisErrorKind::kMasterDown},
      {"READONLY You can't write", RedisErrorKind::kReadOnly},
      {"NOAUTH Authentication required.", RedisErrorKind::kNoAuth},
      {"OOM command not allowed", RedisErrorKind::kOutOfMemory},
      {"OOM", RedisErrorKind::kOutOfMemory},
      {"ERR unknown command", RedisErrorKind::kOther},
      {"NOTFOUND parent_id 7", RedisErrorKind::kOther},
      {"LOADINGS is not a prefix", RedisErrorKind::kOther},
      {"ERR OOM is not the first word", RedisErrorKind::kOther},
      {"oom lower case", RedisErrorKind::kOther},
      {"", RedisErrorKind::kOther},
  };
  for (const auto& [message, kind] : cases) {
    EXPECT_EQ(ErrorReply(message).error_kind(), kind) << message;
    // The status keeps the kind, whatever its message says.
    EXPECT_EQ(RedisErrorKindOf(ErrorReply(message).error_status()), kind)
        << message;
  }
}

TEST(RedisReplyTest, PassingRefusalsAreUnavailableOthersInternal) {
  for (const char* passing :
       {"LOADING Redis is loading the dataset in memory",
        "BUSY Redis is busy running a script.",
        "TRYAGAIN Multiple keys request during rehashing of slot",
        "CLUSTERDOWN The cluster is down",
        "MASTERDOWN Link with MASTER is down",
        "READONLY You can't write against a read only replica.",
        "NOAUTH Authentication required."}) {
    const absl::Status s = ErrorReply(passing).error_status();
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << passing;
    EXPECT_EQ(s.message(), std::string("redis: ") + passing);
    EXPECT_TRUE(IsPassingRefusal(*RedisErrorKindOf(s))) << passing;
  }
  for (const char* other :
       {"ERR unknown command", "WRONGTYPE Operation against a key",
        "NOTFOUND parent_id 7", "LOADINGS is not a prefix", "OOMS not one",
        "NOSCRIPT No matching script.", "MOVED 1 h:1"}) {
    const absl::Status s = ErrorReply(other).error_status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << other;
    EXPECT_EQ(s.message(), other);
    EXPECT_FALSE(IsPassingRefusal(*RedisErrorKindOf(s))) << other;
  }
  // Out of memory lasts until an operator acts: no retry helps.
  const absl::Status full =
      ErrorReply("OOM command not allowed when used memory > 'maxmemory'.")
          .error_status();
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(full.message()), ::testing::HasSubstr("maxmemory"));
  EXPECT_EQ(RedisErrorKindOf(full), RedisErrorKind::kOutOfMemory);
  RedisReplies replies(3);
  replies[1] = ErrorReply("LOADING Redis is loading");
  replies[2] = ErrorReply("ERR later");
  EXPECT_EQ(FirstError(replies).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(RedisErrorKindOf(FirstError(replies)), RedisErrorKind::kLoading);
  EXPECT_TRUE(FirstError(RedisReplies(2)).ok());
}

TEST(RedisErrorKindOfTest, ReadsThePayloadNotTheMessage) {
  // A status from no error reply has no kind, whatever its message says.
  EXPECT_EQ(RedisErrorKindOf(absl::OkStatus()), std::nullopt);
  EXPECT_EQ(RedisErrorKindOf(absl::ResourceExhaustedError("redis: OOM x")),
            std::nullopt);
  EXPECT_EQ(RedisErrorKindOf(absl::UnavailableError("redis: connection lost")),
            std::nullopt);
  absl::Status tagged = absl::InternalError("anything at all");
  tagged.SetPayload(kRedisErrorCodeUrl, absl::Cord("OOM"));
  EXPECT_EQ(RedisErrorKindOf(tagged), RedisErrorKind::kOutOfMemory);
  tagged.SetPayload(kRedisErrorCodeUrl, absl::Cord("NOTFOUND"));
  EXPECT_EQ(RedisErrorKindOf(tagged), RedisErrorKind::kOther);
}

TEST(RedisEndpointTest, ParsesBothForms) {
  absl::StatusOr<RedisEndpoint> tcp = RedisEndpoint::Parse("redis://h:6380");
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->host, "h");
  EXPECT_EQ(tcp->port, 6380);
  absl::StatusOr<RedisEndpoint> unix_socket =
      RedisEndpoint::Parse("unix:///tmp/r.sock");
  ASSERT_TRUE(unix_socket.ok());
  EXPECT_EQ(unix_socket->unix_path, "/tmp/r.sock");
  EXPECT_EQ(RedisEndpoint::Parse("redis://h").value().port, 6379);
  for (const char* bad :
       {"", "h:1", "redis://", "redis://h:0", "redis://h:x", "unix://rel"}) {
    EXPECT_EQ(RedisEndpoint::Parse(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(RedisEndpointTest, ParsesAListOfSeedsAsPeopleWriteIt) {
  absl::StatusOr<std::vector<RedisEndpoint>> seeds =
      RedisEndpoint::ParseList("redis://h1:7000, h2:7001,redis://h3:7002");
  ASSERT_TRUE(seeds.ok()) << seeds.status();
  ASSERT_EQ(seeds->size(), 3u);
  EXPECT_EQ((*seeds)[0].ToString(), "redis://h1:7000");
  EXPECT_EQ((*seeds)[1].ToString(), "redis://h2:7001");
  EXPECT_EQ((*seeds)[2].ToString(), "redis://h3:7002");
  absl::StatusOr<std::vector<RedisEndpoint>> one =
      RedisEndpoint::ParseList("unix:///tmp/r.sock");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->front().unix_path, "/tmp/r.sock");
  // The first names its scheme; an empty or bad element is named.
  for (const char* bad :
       {"h1:7000,h2:7001", "redis://h1:7000,", "redis://h1:7000,h2:x"}) {
    absl::StatusOr<std::vector<RedisEndpoint>> parsed =
        RedisEndpoint::ParseList(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_THAT(
      RedisEndpoint::ParseList("redis://h1:7000,h2:x").status().message(),
      ::testing::HasSubstr("element 2"));
}

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_.Start()); }

  RedisClient Client() {
    return RedisClient(RedisClientOptions{
        RedisEndpoint::Parse(redis_.url()).value(), /*connections=*/2,
        absl::Milliseconds(200), absl::Milliseconds(10)});
  }
  static absl::Time Soon() { return absl::Now() + absl::Seconds(2); }

  testing::RedisServer redis_;
};

TEST_F(RedisClientTest, BinarySafeRoundTrip) {
  RedisClient client = Client();
  const std::string value("a\0b\r\n评论", 10);
  ASSERT_TRUE(client.Command({"SET", "k", value}, Soon()).ok());
  absl::StatusOr<RedisReply> got = client.Command({"GET", "k"}, Soon());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->str, value);
  EXPECT_TRUE(
      VALUE_OR_FAIL(client.Command({"GET", "missing"}, Soon())).is_nil());
}

TEST_F(RedisClientTest, ErrorRepliesAreInternalAndKeepTheConnection) {
  RedisClient client = Client();
  absl::StatusOr<RedisReply> bad = client.Command({"NOSUCHCOMMAND"}, Soon());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(client.Command({"PING"}, Soon()).ok());
}

// The kind comes from Redis's reply through hiredis into the status.
TEST_F(RedisClientTest, ErrorRepliesCarryTheirKind) {
  RedisClient client = Client();
  absl::StatusOr<RedisReply> missing =
      client.Command({"EVALSHA", std::string(40, 'f'), "0"}, Soon());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(RedisErrorKindOf(missing.status()), RedisErrorKind::kNoScript);
  absl::StatusOr<RedisReply> raised = client.Command(
      {"EVAL", "return redis.error_reply('NOTFOUND comment_id 7')", "0"},
      Soon());
  EXPECT_EQ(raised.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(raised.status().message(), "NOTFOUND comment_id 7");
  EXPECT_EQ(RedisErrorKindOf(raised.status()), RedisErrorKind::kOther);
  ASSERT_TRUE(
      client
          .Command({"CONFIG", "SET", "maxmemory-policy", "noeviction"}, Soon())
          .ok());
  ASSERT_TRUE(client.Command({"CONFIG", "SET", "maxmemory", "1"}, Soon()).ok());
  absl::StatusOr<RedisReply> full = client.Command({"SET", "k", "v"}, Soon());
  EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(RedisErrorKindOf(full.status()), RedisErrorKind::kOutOfMemory);
  ASSERT_TRUE(client.Command({"CONFIG", "SET", "maxmemory", "0"}, Soon()).ok());
}

TEST_F(RedisClientTest, PipelineKeepsOrderAndPerCommandErrors) {
  RedisClient client = Client();
  absl::StatusOr<std::vector<RedisReply>> replies = client.Pipeline(
      {{"SET", "a", "1"}, {"INCR", "a"}, {"HGET", "a", "f"}, {"GET", "a"}},
      Soon());
  ASSERT_TRUE(replies.ok());
  ASSERT_EQ(replies->size(), 4u);
  EXPECT_EQ((*replies)[1].integer, 2);
  EXPECT_EQ((*replies)[2].type, RedisReply::Type::kError);
  EXPECT_THAT((*replies)[2].str, ::testing::StartsWith("WRONGTYPE "));
  EXPECT_EQ((*replies)[2].error_kind(), RedisErrorKind::kOther);
  EXPECT_EQ((*replies)[3].str, "2");
}

TEST_F(RedisClientTest, SlowRedisIsDeadlineExceeded) {
  RedisClient client = Client();
  absl::StatusOr<RedisReply> slow = client.Command(
      {"DEBUG", "SLEEP", "0.5"}, absl::Now() + absl::Milliseconds(100));
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kDeadlineExceeded);
  // The late reply must not be read as the answer to the next command.
  absl::SleepFor(absl::Milliseconds(500));
  absl::StatusOr<RedisReply> next = client.Command({"ECHO", "x"}, Soon());
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->str, "x");
}

TEST_F(RedisClientTest, DownIsUnavailableAndRecoversWhenBack) {
  RedisClient client = Client();
  ASSERT_TRUE(client.Command({"PING"}, Soon()).ok());
  redis_.Stop();
  EXPECT_EQ(client.Command({"PING"}, Soon()).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(client.Command({"PING"}, Soon()).status().code(),
            absl::StatusCode::kUnavailable);
  ASSERT_TRUE(redis_.Start());
  absl::SleepFor(absl::Milliseconds(20));  // Past the reconnect backoff.
  EXPECT_TRUE(client.Command({"PING"}, Soon()).ok());
}

// A failover demotes the primary: its writes come back READONLY. The call
// is UNAVAILABLE (it ran nothing) and the connection is made again, so the
// client finds whichever server now answers at the address.
TEST_F(RedisClientTest, ADemotedPrimaryIsUnavailableAndReconnected) {
  if (testing::RedisServer::cluster_mode()) {
    GTEST_SKIP() << "a cluster node cannot be made a replica with REPLICAOF";
  }
  RedisClient client = Client();
  absl::StatusOr<RedisReply> before = client.Command({"CLIENT", "ID"}, Soon());
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(client.Command({"REPLICAOF", "127.0.0.1", "1"}, Soon()).ok());
  EXPECT_EQ(client.Command({"SET", "k", "v"}, Soon()).status().code(),
            absl::StatusCode::kUnavailable);
  // Promoted again, as a failover's new primary would be.
  ASSERT_TRUE(redis_.Query("REPLICAOF NO ONE") == "OK");
  absl::SleepFor(absl::Milliseconds(20));  // Past the reconnect backoff.
  EXPECT_TRUE(client.Command({"SET", "k", "v"}, Soon()).ok());
  absl::StatusOr<RedisReply> after = client.Command({"CLIENT", "ID"}, Soon());
  ASSERT_TRUE(after.ok());
  EXPECT_NE(after->integer, before->integer);  // A new connection.
}

TEST_F(RedisClientTest, ConcurrentCallsEachGetTheirOwnReplies) {
  RedisClient client = Client();
  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string mine = absl::StrCat("t", t, "-", i);
        absl::StatusOr<RedisReplies> replies = client.Pipeline(
            {{"ECHO", mine}, {"ECHO", absl::StrCat(mine, "b")}}, Soon());
        if (!replies.ok() || (*replies)[0].str != mine ||
            (*replies)[1].str != absl::StrCat(mine, "b")) {
          ++wrong[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(wrong[t], 0) << "thread " << t;
}

TEST_F(RedisClientTest, ManyCallsInFlightSpreadOverConnectionsInOrder) {
  RedisClient client = Client();  // Two connections.
  constexpr int kCalls = 200;     // Enough to spill past the first.
  absl::Mutex mu;
  int answered = 0, wrong = 0;
  for (int i = 0; i < kCalls; ++i) {
    const std::string mine = absl::StrCat("call-", i);
    RedisBatch batch;
    batch.Add({"ECHO", mine});
    client.Send(std::move(batch), Soon(),
                [&, mine](absl::StatusOr<RedisReplies> replies) {
                  absl::MutexLock lock(&mu);
                  ++answered;
                  if (!replies.ok() || replies->front().str != mine) ++wrong;
                });
  }
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(
      +[](int* n) { return *n == kCalls; }, &answered));
  EXPECT_EQ(wrong, 0);
  absl::StatusOr<RedisReply> clients =
      client.Command({"CLIENT", "LIST"}, Soon());
  ASSERT_TRUE(clients.ok());
  // Both connections were opened: the second took calls past the first 32.
  EXPECT_EQ(std::count(clients->str.begin(), clients->str.end(), '\n'), 2);
}

TEST_F(RedisClientTest, ALateReplyNeverReachesTheNextCall) {
  RedisClient client = Client();
  absl::Notification slow_done, next_done;
  absl::StatusOr<RedisReplies> slow, next;
  RedisBatch sleep;
  sleep.Add({"DEBUG", "SLEEP", "0.3"});
  client.Send(std::move(sleep), absl::Now() + absl::Milliseconds(50),
              [&](absl::StatusOr<RedisReplies> r) {
                slow = std::move(r);
                slow_done.Notify();
              });
  RedisBatch echo;
  echo.Add({"ECHO", "after"});
  client.Send(std::move(echo), Soon(), [&](absl::StatusOr<RedisReplies> r) {
    next = std::move(r);
    next_done.Notify();
  });
  slow_done.WaitForNotification();
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kDeadlineExceeded);
  next_done.WaitForNotification();
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->front().str, "after");
}

TEST_F(RedisClientTest, CallbacksMaySendButNeverBlock) {
  RedisClient client = Client();
  absl::Notification done;
  absl::Status blocking;
  absl::StatusOr<RedisReply> chained;
  client.Send({"SET", "chain", "1"}, Soon(),
              [&](absl::StatusOr<RedisReply> first) {
                ASSERT_TRUE(first.ok());
                // On the I/O thread a blocking call would wait on itself.
                blocking = client.Command({"PING"}, Soon()).status();
                client.Send({"INCR", "chain"}, Soon(),
                            [&](absl::StatusOr<RedisReply> second) {
                              chained = std::move(second);
                              done.Notify();
                            });
              });
  done.WaitForNotification();
  EXPECT_EQ(blocking.code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(chained.ok()) << chained.status();
  EXPECT_EQ(chained->integer, 2);
}

TEST_F(RedisClientTest, ClosingAnswersCallsInFlight) {
  absl::Notification done;
  absl::Status outcome;
  {
    RedisClient client = Client();
    ASSERT_TRUE(client.Command({"PING"}, Soon()).ok());
    client.Send({"DEBUG", "SLEEP", "0.3"}, Soon(),
                [&](absl::StatusOr<RedisReply> r) {
                  outcome = r.status();
                  done.Notify();
                });
  }
  ASSERT_TRUE(done.HasBeenNotified());
  // Answered by the reply if it beat the close, else UNAVAILABLE; never lost.
  EXPECT_TRUE(outcome.ok() || absl::IsUnavailable(outcome)) << outcome;
}

}  // namespace
}  // namespace comments
