#ifndef COMMENTS_SERVICE_STORE_POLLER_H_
#define COMMENTS_SERVICE_STORE_POLLER_H_

#include <functional>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "logging/log.h"

namespace comments {

// Runs `work` on a thread of its own every `interval`, and at once when
// poked: how a replica keeps its copies of shared state (keywords, bans)
// in step with Redis without any request waiting for it. A failed run is
// retried at the next; the first failure is logged (event reload_failed,
// with `what`), and the first success after it (reload_recovered).
//
// Thread-safe. Destruction stops the thread after the run in progress.
class Poller final {
 public:
  Poller(absl::Duration interval, const char* what,
         std::function<absl::Status()> work)
      : interval_(interval), what_(what), work_(std::move(work)) {}
  ~Poller() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  // Asks for a run now rather than at the next interval.
  void Poke() {
    absl::MutexLock lock(&mu_);
    poked_ = true;
  }

 private:
  void Run() {
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        const auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return poked_ || stopping_;
        };
        mu_.AwaitWithTimeout(absl::Condition(&wake), interval_);
        if (stopping_) return;
        poked_ = false;
      }
      // Logged when runs start failing and when they succeed again, not at
      // every interval while Redis is down.
      absl::Status s = work_();
      if (!s.ok() && !failing_) {
        logging::Log(logging::Level::kWarning, "reload_failed",
                     {{"what", what_},
                      {"error", s.ToString()},
                      {"action",
                       "this replica keeps its last copy and retries every "
                       "interval; check Redis (redis_* lines)"}});
      } else if (s.ok() && failing_) {
        logging::Log(logging::Level::kInfo, "reload_recovered",
                     {{"what", what_}});
      }
      failing_ = !s.ok();
    }
  }

  const absl::Duration interval_;
  const char* const what_;
  const std::function<absl::Status()> work_;
  absl::Mutex mu_;
  bool poked_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool failing_ = false;  // Run's thread only.
  std::thread thread_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_POLLER_H_
