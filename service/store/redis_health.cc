#include "service/store/redis_health.h"

#include <utility>

namespace comments {

RedisHealth::RedisHealth(RedisClient* redis, RedisHealthOptions options,
                         Changed changed)
    : redis_(redis), options_(options), changed_(std::move(changed)) {}

void RedisHealth::Start() {
  // The first verdict is the first check's, whatever it is: a replica that
  // starts while Redis is down must not be sent traffic until it answers.
  const absl::Status first = redis_->PingAll(absl::Now() + options_.interval);
  {
    absl::MutexLock lock(&mu_);
    started_ = true;
    serving_ = first.ok();
    failures_ = first.ok() ? 0 : options_.failures_to_unhealthy;
  }
  changed_(first.ok(), first);
  // The Poller logs failed runs every time; a check that fails is a
  // verdict, reported by `changed_` on transitions only.
  poller_ =
      std::make_unique<Poller>(options_.interval, "checking redis", [this] {
        Record(redis_->PingAll(absl::Now() + options_.interval));
        return absl::OkStatus();
      });
  poller_->Start();
}

bool RedisHealth::serving() const {
  absl::MutexLock lock(&mu_);
  return serving_;
}

void RedisHealth::Record(const absl::Status& check) {
  bool now_serving;
  {
    absl::MutexLock lock(&mu_);
    const bool was = serving_;
    if (check.ok()) {
      failures_ = 0;
      serving_ = true;
    } else if (++failures_ >= options_.failures_to_unhealthy) {
      serving_ = false;
    }
    if (started_ && serving_ == was) return;
    started_ = true;
    now_serving = serving_;
  }
  changed_(now_serving, check);
}

}  // namespace comments
