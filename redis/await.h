#ifndef COMMENTS_REDIS_AWAIT_H_
#define COMMENTS_REDIS_AWAIT_H_

#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"

namespace comments {

// The callback of an asynchronous call: runs once, with the outcome.
template <typename T>
using Callback = absl::AnyInvocable<void(absl::StatusOr<T>) &&>;
// The callback of an asynchronous call that yields no value.
using StatusCallback = absl::AnyInvocable<void(absl::Status) &&>;

// Starts an asynchronous call and blocks until its callback runs: the
// blocking form of any call that takes a Callback<T>. `start` receives the
// callback to pass on. Never use it on a RedisClient I/O thread.
template <typename T, typename Start>
absl::StatusOr<T> Await(Start&& start) {
  absl::Notification ready;
  absl::StatusOr<T> result;
  std::forward<Start>(start)(Callback<T>([&](absl::StatusOr<T> outcome) {
    result = std::move(outcome);
    ready.Notify();
  }));
  ready.WaitForNotification();
  return result;
}

// Await for a call that takes a StatusCallback.
template <typename Start>
absl::Status AwaitStatus(Start&& start) {
  absl::Notification ready;
  absl::Status result;
  std::forward<Start>(start)(StatusCallback([&](absl::Status outcome) {
    result = std::move(outcome);
    ready.Notify();
  }));
  ready.WaitForNotification();
  return result;
}

}  // namespace comments

#endif  // COMMENTS_REDIS_AWAIT_H_
