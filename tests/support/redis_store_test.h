#ifndef COMMENTS_TESTS_SUPPORT_REDIS_STORE_TEST_H_
#define COMMENTS_TESTS_SUPPORT_REDIS_STORE_TEST_H_

// What the tests of the service's stores (tests/service/*_store_test.cc,
// keyword_sync_test.cc, ban_list_test.cc) share: a private redis-server per
// test with a RedisClient on it, and a wait for what a background poll
// brings. Header-only: the tests link comments_redis themselves.

#include <functional>
#include <memory>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "redis/redis_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/status_matchers.h"

namespace comments::testing {

// A fixture: SetUp starts the redis-server (a failure to start fails the
// test) and connects `redis_` to it.
class RedisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_server_.Start());
    ASSERT_OK_AND_ASSIGN(RedisEndpoint endpoint,
                         RedisEndpoint::Parse(redis_server_.url()));
    redis_ = std::make_unique<RedisClient>(RedisClientOptions{endpoint});
  }

  // The deadline for one store call.
  static absl::Time Soon() { return absl::Now() + absl::Seconds(5); }

  RedisServer redis_server_;
  std::unique_ptr<RedisClient> redis_;
};

// Calls `done` every 10 ms until it returns true or `timeout` has passed;
// returns its last answer. For state a background thread brings in.
inline bool WaitUntil(const std::function<bool()>& done,
                      absl::Duration timeout = absl::Seconds(5)) {
  const absl::Time give_up = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > give_up) return done();
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

}  // namespace comments::testing

#endif  // COMMENTS_TESTS_SUPPORT_REDIS_STORE_TEST_H_
