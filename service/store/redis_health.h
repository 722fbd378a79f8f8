#ifndef COMMENTS_SERVICE_STORE_REDIS_HEALTH_H_
#define COMMENTS_SERVICE_STORE_REDIS_HEALTH_H_

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "redis/redis_client.h"
#include "service/store/poller.h"

namespace comments {

struct RedisHealthOptions {
  // How often Redis is checked (RedisClient::PingAll); each check may take
  // this long. Positive.
  absl::Duration interval = absl::Seconds(1);
  // Consecutive failed checks that make a serving replica unhealthy; one
  // check that passes makes it healthy again. A single slow answer or lost
  // connection should not take a replica out of its load balancer. >= 1.
  int failures_to_unhealthy = 2;
};

// Whether this replica can serve: whether its Redis (every primary of a
// Redis Cluster) answers, as seen by a check in the background, so that a
// health probe never waits on Redis. `changed(serving, why)` runs once at
// Start with the first check's verdict and then at every change, on the
// checking thread (`why` is the failed check's status, OK when serving); it
// must not call back into this object.
//
// Thread-safe. Destruction stops the checks (after the one in progress).
class RedisHealth final {
 public:
  using Changed = std::function<void(bool serving, const absl::Status& why)>;

  // REQUIRES: `redis` outlives this object.
  RedisHealth(RedisClient* redis, RedisHealthOptions options, Changed changed);
  RedisHealth(const RedisHealth&) = delete;
  RedisHealth& operator=(const RedisHealth&) = delete;

  // Checks once now (blocking for up to `interval`), reports the verdict,
  // then checks every `interval`. REQUIRES: called once.
  void Start();

  // The current verdict: false before Start.
  bool serving() const;

  // Takes one check's outcome into the verdict, and reports a change. What
  // the background checks call; public so that the rule can be tested
  // without a Redis.
  void Record(const absl::Status& check);

 private:
  RedisClient* const redis_;
  const RedisHealthOptions options_;
  const Changed changed_;
  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool serving_ ABSL_GUARDED_BY(mu_) = false;
  int failures_ ABSL_GUARDED_BY(mu_) = 0;
  // Last: stopped first, before what its checks use.
  std::unique_ptr<Poller> poller_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_REDIS_HEALTH_H_
