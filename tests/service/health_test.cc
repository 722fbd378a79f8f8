// The gRPC health service of the real comment-server follows its Redis:
// NOT_SERVING (overall and per service) while Redis, or a Redis Cluster
// primary's slots, cannot be reached, SERVING again once they can; the
// "liveness" name stays SERVING throughout. End to end, over a real
// redis-server and a real Redis Cluster.
#include <memory>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/comment_server.h"
#include "tests/support/redis_cluster.h"
#include "tests/support/redis_server.h"

namespace comments {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using Status = HealthCheckResponse::ServingStatus;

// Checks are 100 ms apart; a change needs at most two (plus a connect
// timeout for a cluster node), so 150 attempts 100 ms apart are plenty on a
// loaded machine. Counted in attempts, not timed.
constexpr int kAttempts = 150;
const std::vector<std::string> kFlags = {"--health_interval=100ms"};

class HealthProbe {
 public:
  explicit HealthProbe(const std::string& target)
      : stub_(Health::NewStub(
            grpc::CreateChannel(target, grpc::InsecureChannelCredentials()))) {}

  // The status of `service`; UNKNOWN when the call itself fails.
  Status Check(const std::string& service = "") {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(2));
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    if (!stub_->Check(&context, request, &response).ok()) {
      return HealthCheckResponse::UNKNOWN;
    }
    return response.status();
  }

  // Polls Check until it says `want`; false after kAttempts.
  bool Becomes(Status want, const std::string& service = "") {
    for (int i = 0; i < kAttempts; ++i) {
      if (Check(service) == want) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return false;
  }

  Health::Stub& stub() { return *stub_; }

 private:
  std::unique_ptr<Health::Stub> stub_;
};

constexpr Status kServing = HealthCheckResponse::SERVING;
constexpr Status kNotServing = HealthCheckResponse::NOT_SERVING;
const char* const kServices[] = {"", "comments.v1.CommentService",
                                 "comments.v1.ModerationService"};

TEST(HealthTest, NotServingWhileRedisIsDownServingAfter) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url(), kFlags));
  HealthProbe probe(server.target());
  for (const char* service : kServices) {
    EXPECT_EQ(probe.Check(service), kServing) << service;
  }
  EXPECT_EQ(probe.Check("liveness"), kServing);

  // Watch streams the change as it happens.
  grpc::ClientContext watch_context;
  HealthCheckRequest everything;
  auto watch = probe.stub().Watch(&watch_context, everything);
  HealthCheckResponse seen;
  ASSERT_TRUE(watch->Read(&seen));
  EXPECT_EQ(seen.status(), kServing);

  redis.Stop();
  ASSERT_TRUE(probe.Becomes(kNotServing)) << server.ReadLog();
  for (const char* service : kServices) {
    EXPECT_EQ(probe.Check(service), kNotServing) << service;
  }
  EXPECT_EQ(probe.Check("liveness"), kServing)
      << "a liveness probe must not restart a replica because Redis is down";
  ASSERT_TRUE(watch->Read(&seen));
  EXPECT_EQ(seen.status(), kNotServing);

  ASSERT_TRUE(redis.Start());
  ASSERT_TRUE(probe.Becomes(kServing)) << server.ReadLog();
  for (const char* service : kServices) {
    EXPECT_EQ(probe.Check(service), kServing) << service;
  }
  ASSERT_TRUE(watch->Read(&seen));
  EXPECT_EQ(seen.status(), kServing);
  watch_context.TryCancel();

  const std::string log = server.ReadLog();
  EXPECT_NE(log.find("\"event\":\"health_not_serving\""), std::string::npos)
      << log;
}

TEST(HealthTest, StartedWithoutRedisIsNotServingUntilItAnswers) {
  testing::RedisServer redis;  // Not started yet.
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url(), kFlags));
  HealthProbe probe(server.target());
  EXPECT_EQ(probe.Check(), kNotServing);
  EXPECT_EQ(probe.Check("liveness"), kServing);
  ASSERT_TRUE(redis.Start());
  EXPECT_TRUE(probe.Becomes(kServing)) << server.ReadLog();
}

// A primary without a replica stops: its slots have no reachable primary,
// so the replica is NOT_SERVING until the primary is back.
TEST(HealthTest, ClusterPrimaryDownIsNotServingUntilItIsBack) {
  testing::RedisCluster cluster(/*primaries=*/3);
  ASSERT_TRUE(cluster.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(cluster.seed_url(), kFlags));
  HealthProbe probe(server.target());
  ASSERT_TRUE(probe.Becomes(kServing)) << server.ReadLog();

  cluster.StopNode(1);
  ASSERT_TRUE(probe.Becomes(kNotServing)) << server.ReadLog();
  EXPECT_EQ(probe.Check("comments.v1.CommentService"), kNotServing);
  EXPECT_EQ(probe.Check("liveness"), kServing);

  ASSERT_TRUE(cluster.StartNode(1));
  EXPECT_TRUE(probe.Becomes(kServing)) << server.ReadLog();
}

// With a replica, the cluster fails the stopped primary over by itself:
// NOT_SERVING while its slots have no primary, SERVING once the replica
// serves them (the client reads the new slot table).
TEST(HealthTest, ClusterFailoverBringsServingBack) {
  testing::RedisCluster cluster(/*primaries=*/3, /*replicas=*/1);
  ASSERT_TRUE(cluster.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(cluster.seed_url(), kFlags));
  HealthProbe probe(server.target());
  ASSERT_TRUE(probe.Becomes(kServing)) << server.ReadLog();

  cluster.StopNode(2);
  ASSERT_TRUE(probe.Becomes(kNotServing)) << server.ReadLog();
  // The replica takes over about 4 s after the stop.
  EXPECT_TRUE(probe.Becomes(kServing)) << server.ReadLog();
}

}  // namespace
}  // namespace comments
