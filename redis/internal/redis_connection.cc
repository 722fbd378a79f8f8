#include "redis/internal/redis_connection.h"

#include <fcntl.h>
#include <hiredis.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "logging/log.h"

namespace comments {
namespace {

// How often an I/O thread looks for calls past their deadline: the
// granularity of DEADLINE_EXCEEDED.
constexpr absl::Duration kSweepInterval = absl::Milliseconds(5);

// Set on the I/O threads, where blocking on a client would deadlock.
thread_local bool t_on_io_thread = false;

timeval TimeoutTimeval(absl::Duration d) {
  if (d < absl::Milliseconds(1)) d = absl::Milliseconds(1);
  return absl::ToTimeval(d);
}

// hiredis's parser builds RedisReply values in place through these, so a
// reply costs one allocation for its root (plus long strings), not one
// hiredis object per element and then a copy.
RedisReply* Slot(const redisReadTask* task) {
  if (task->parent == nullptr) return new RedisReply();
  auto* parent = static_cast<RedisReply*>(task->parent->obj);
  return &parent->elements[task->idx];
}

void* CreateString(const redisReadTask* task, char* str, size_t len) {
  RedisReply* r = Slot(task);
  r->type = task->type == REDIS_REPLY_STRING  ? RedisReply::Type::kString
            : task->type == REDIS_REPLY_ERROR ? RedisReply::Type::kError
                                              : RedisReply::Type::kStatus;
  r->str.assign(str, len);
  return r;
}

void* CreateArray(const redisReadTask* task, int elements) {
  RedisReply* r = Slot(task);
  r->type = RedisReply::Type::kArray;
  r->elements.resize(static_cast<size_t>(elements));
  return r;
}

void* CreateInteger(const redisReadTask* task, long long value) {
  RedisReply* r = Slot(task);
  r->type = RedisReply::Type::kInteger;
  r->integer = value;
  return r;
}

void* CreateNil(const redisReadTask* task) { return Slot(task); }

// hiredis frees only roots: children live inside their parent.
void FreeReply(void* reply) { delete static_cast<RedisReply*>(reply); }

redisReplyObjectFunctions kReplyFunctions = {
    CreateString, CreateArray, CreateInteger, CreateNil, FreeReply};

redisReader* NewReader() {
  redisReader* reader = redisReaderCreateWithFunctions(&kReplyFunctions);
  // Keep the read buffer between replies instead of reallocating it.
  reader->maxbuf = 0;
  return reader;
}

}  // namespace

// Callers append their commands to `outgoing_`; the thread moves them to
// the socket in one write and matches replies to calls in order.
class RedisConnection::Loop final {
 public:
  Loop(const RedisClientOptions& options, RedisEndpoint endpoint,
       RedisConnectionObserver* observer, RedisNodeObserver* node_observer)
      : options_(options),
        endpoint_(std::move(endpoint)),
        observer_(observer),
        node_observer_(node_observer),
        wake_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
        reader_(NewReader()) {
    thread_ = std::thread([this] { Run(); });
  }

  ~Loop() {
    Stop();
    close(wake_fd_);
    redisReaderFree(reader_);
  }

  void Stop() {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    Wake();
    thread_.join();
  }

  void Submit(std::string wire, size_t commands, absl::Time deadline,
              int redirects, bool resendable, RedisDone done) {
    // The clock is read only when someone measures, and outside the lock.
    const Clock::time_point submitted =
        node_observer_ != nullptr ? Clock::now() : Clock::time_point();
    bool accepted = false;
    bool wake = false;
    {
      absl::MutexLock lock(&mu_);
      if (!stopping_) {
        accepted = true;
        std::string kept;
        if (resendable) {
          outgoing_.append(wire);
          kept = std::move(wire);
        } else if (outgoing_.empty()) {
          outgoing_ = std::move(wire);
        } else {
          outgoing_.append(wire);
        }
        incoming_.push_back(Call{commands, deadline, redirects, std::move(kept),
                                 std::move(done)});
        incoming_.back().submitted = submitted;
        waiting_.fetch_add(1, std::memory_order_relaxed);
        wake = sleeping_;
        sleeping_ = false;
      }
    }
    if (!accepted) {
      std::move(done)(absl::UnavailableError("redis: client closing"));
      return;
    }
    if (wake) Wake();
  }

  // Calls submitted and not yet answered.
  int waiting() const { return waiting_.load(std::memory_order_relaxed); }

 private:
  using Clock = std::chrono::steady_clock;

  struct Call {
    size_t expected = 0;
    absl::Time deadline;
    int redirects = 0;
    std::string wire;  // When resendable: the call's bytes.
    RedisDone done;    // Empty once answered; later replies are dropped.
    RedisReplies replies;
    size_t received = 0;
    bool redirected = false;  // A reply is a cluster's MOVED or ASK.
    bool sent = false;        // Written (or queued to be) on the socket.
    Clock::time_point submitted;  // Set only for a node observer.
  };

  void Complete(Call& call, absl::StatusOr<RedisReplies> result) {
    if (!call.done) return;
    RedisDone done = std::move(call.done);
    call.done = nullptr;
    waiting_.fetch_sub(1, std::memory_order_relaxed);
    if (node_observer_ != nullptr && call.sent && !stopping_now_) {
      ReportRoundTrip(call, result.status().code());
    }
    if (result.ok() && call.redirected && observer_ != nullptr) {
      observer_->Redirected(endpoint_, std::move(call.wire), *std::move(result),
                            call.deadline, call.redirects, std::move(done));
      return;
    }
    std::move(done)(std::move(result));
  }

  void ReportRoundTrip(const Call& call, absl::StatusCode code) {
    const RedisRoundTripResult result =
        code == absl::StatusCode::kOk ? RedisRoundTripResult::kAnswered
        : code == absl::StatusCode::kDeadlineExceeded
            ? RedisRoundTripResult::kDeadlineExceeded
            : RedisRoundTripResult::kUnavailable;
    node_observer_->RoundTrip(absl::FromChrono(Clock::now() - call.submitted),
                              result);
  }

  void Wake() {
    const uint64_t one = 1;
    // A full counter already wakes the thread; nothing else can fail here.
    (void)!write(wake_fd_, &one, sizeof(one));
  }

  void Run() {
    t_on_io_thread = true;
    pthread_setname_np(pthread_self(), "redis-io");  // For top and perf.
    std::vector<Call> taken;
    std::string wire;
    for (;;) {
      bool stopping = false;
      bool sleeping = false;
      {
        absl::MutexLock lock(&mu_);
        taken.swap(incoming_);
        wire.swap(outgoing_);
        stopping = stopping_;
        sleeping = sleeping_ = taken.empty() && !stopping;
      }
      if (stopping) {
        stopping_now_ = true;
        for (Call& call : taken) in_flight_.push_back(std::move(call));
        Disconnect(absl::UnavailableError("redis: client closing"));
        return;
      }
      if (!taken.empty()) Accept(taken, wire);
      taken.clear();
      wire.clear();

      const bool want_write = fd_ >= 0 && unsent_offset_ < unsent_.size();
      pollfd fds[2] = {
          {wake_fd_, POLLIN, 0},
          {fd_, static_cast<short>(POLLIN | (want_write ? POLLOUT : 0)), 0}};
      const int timeout_ms =
          !sleeping ? 0
                    : (in_flight_.empty()
                           ? -1
                           : static_cast<int>(
                                 absl::ToInt64Milliseconds(kSweepInterval)));
      const int ready = poll(fds, fd_ >= 0 ? 2 : 1, timeout_ms);
      if (sleeping) {
        absl::MutexLock lock(&mu_);
        sleeping_ = false;
      }
      if (ready > 0) {
        if (fds[0].revents & POLLIN) {
          uint64_t count;
          (void)!read(wake_fd_, &count, sizeof(count));
        }
        if (fd_ >= 0 && fds[1].revents != 0) {
          absl::Status s = absl::OkStatus();
          if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) s = ReadReplies();
          if (s.ok() && (fds[1].revents & POLLOUT)) s = Flush();
          if (!s.ok()) Disconnect(s);
        }
      }
      ExpireDeadlines();
    }
  }

  // Takes calls from the callers' queue: sends them, or fails them when
  // Redis cannot be reached.
  void Accept(std::vector<Call>& taken, std::string& wire) {
    if (fd_ < 0) {
      if (absl::Status s = Connect(); !s.ok()) {
        for (Call& call : taken) {
          if (node_observer_ != nullptr) node_observer_->NotSent();
          Complete(call, s);
        }
        return;
      }
    }
    if (unsent_offset_ == unsent_.size()) {
      unsent_.swap(wire);
      unsent_offset_ = 0;
    } else {
      unsent_.append(wire);
    }
    for (Call& call : taken) {
      call.sent = true;
      in_flight_.push_back(std::move(call));
    }
    if (absl::Status s = Flush(); !s.ok()) Disconnect(s);
  }

  absl::Status Connect() {
    if (absl::Now() < retry_after_) {
      return absl::UnavailableError(
          absl::StrCat("redis ", endpoint_.ToString(), ": unreachable (",
                       last_connect_error_, "); retrying shortly"));
    }
    const RedisEndpoint& ep = endpoint_;
    const timeval tv = TimeoutTimeval(options_.connect_timeout);
    redisContext* context =
        ep.unix_path.empty()
            ? redisConnectWithTimeout(ep.host.c_str(), ep.port, tv)
            : redisConnectUnixWithTimeout(ep.unix_path.c_str(), tv);
    std::string error = context == nullptr  ? "out of memory"
                        : context->err != 0 ? context->errstr
                                            : AuthError(context);
    if (!error.empty()) {
      if (context != nullptr) redisFree(context);
      // Logged once when the node goes down, not at every backoff.
      if (last_connect_error_.empty()) {
        logging::Log(logging::Level::kWarning, "redis_unreachable",
                     {{"node", ep.ToString()},
                      {"error", error},
                      {"action",
                       "check that this Redis node is up and reachable from "
                       "the server (and its password, for AUTH errors); "
                       "calls needing it fail UNAVAILABLE meanwhile"}});
      }
      last_connect_error_ = std::move(error);
      retry_after_ = absl::Now() + options_.reconnect_backoff;
      if (observer_ != nullptr) observer_->ConnectionFailed(endpoint_);
      return absl::UnavailableError(absl::StrCat(
          "redis ", ep.ToString(), ": cannot connect: ", last_connect_error_));
    }
    if (!last_connect_error_.empty()) {
      logging::Log(logging::Level::kInfo, "redis_reconnected",
                   {{"node", ep.ToString()}});
      last_connect_error_.clear();
    }
    if (connected_before_ && node_observer_ != nullptr) {
      node_observer_->Reconnected();
    }
    connected_before_ = true;
    fd_ = redisFreeKeepFd(context);
    fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
    if (ep.unix_path.empty()) {
      const int on = 1;
      setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    }
    return absl::OkStatus();
  }

  // Sends AUTH on a new, still blocking connection, bounded by the connect
  // timeout, when there is a password. Returns why Redis refused it, or ""
  // (the password never appears in it).
  std::string AuthError(redisContext* context) {
    const std::string& user = options_.username;
    const std::string& password = options_.password;
    if (password.empty()) return "";
    redisSetTimeout(context, TimeoutTimeval(options_.connect_timeout));
    auto* reply = static_cast<redisReply*>(
        user.empty()
            ? redisCommand(context, "AUTH %b", password.data(), password.size())
            : redisCommand(context, "AUTH %b %b", user.data(), user.size(),
                           password.data(), password.size()));
    if (reply == nullptr) {
      return absl::StrCat("AUTH got no answer: ", context->errstr);
    }
    std::string error;
    if (reply->type == REDIS_REPLY_ERROR) {
      error = absl::StrCat("AUTH refused: ",
                           absl::string_view(reply->str, reply->len));
    }
    freeReplyObject(reply);
    return error;
  }

  // Fails every call in flight and closes the socket; the next call
  // connects anew.
  void Disconnect(const absl::Status& why) {
    if (fd_ >= 0 && !stopping_now_) {
      logging::Log(logging::Level::kWarning, "redis_connection_lost",
                   {{"node", endpoint_.ToString()},
                    {"error", std::string(why.message())},
                    {"in_flight", in_flight_.size()}});
      if (observer_ != nullptr) observer_->ConnectionFailed(endpoint_);
    }
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    redisReaderFree(reader_);
    reader_ = NewReader();
    unsent_.clear();
    unsent_offset_ = 0;
    std::deque<Call> failed;
    failed.swap(in_flight_);
    for (Call& call : failed) Complete(call, why);
  }

  absl::Status Lost(absl::string_view what) const {
    return absl::UnavailableError(absl::StrCat("redis ", endpoint_.ToString(),
                                               ": connection lost: ", what));
  }

  absl::Status Flush() {
    while (unsent_offset_ < unsent_.size()) {
      const ssize_t n = send(fd_, unsent_.data() + unsent_offset_,
                             unsent_.size() - unsent_offset_, MSG_NOSIGNAL);
      if (n > 0) {
        unsent_offset_ += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return absl::OkStatus();  // The rest when the socket drains.
      } else {
        return Lost(std::strerror(errno));
      }
    }
    unsent_.clear();
    unsent_offset_ = 0;
    return absl::OkStatus();
  }

  absl::Status ReadReplies() {
    // A write refused by a read-only replica means the server this
    // connection reached was demoted (a failover): the replies read so far
    // are handed out, then the connection is dropped, so that the next call
    // connects afresh and finds the new primary behind the same address.
    bool demoted = false;
    char buffer[64 * 1024];
    for (;;) {
      const ssize_t n = read(fd_, buffer, sizeof(buffer));
      if (n > 0) {
        if (redisReaderFeed(reader_, buffer, static_cast<size_t>(n)) !=
            REDIS_OK) {
          return Lost("reply buffer");
        }
        if (static_cast<size_t>(n) < sizeof(buffer)) break;
      } else if (n == 0) {
        return Lost("closed by the server");
      } else if (errno == EINTR) {
        continue;
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        break;
      } else {
        return Lost(std::strerror(errno));
      }
    }
    for (;;) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
        return Lost("malformed reply");
      }
      if (raw == nullptr) {
        return demoted ? Lost("the server is now a read-only replica")
                       : absl::OkStatus();
      }
      std::unique_ptr<RedisReply> reply(static_cast<RedisReply*>(raw));
      if (reply->is_error()) {
        const RedisErrorKind kind = reply->error_kind();
        if (kind == RedisErrorKind::kReadOnly) demoted = true;
        if (!in_flight_.empty() && IsRedirection(kind)) {
          in_flight_.front().redirected = true;
        }
        if (node_observer_ != nullptr) {
          if (IsRedirection(kind)) {
            node_observer_->Redirected(kind);
          } else {
            node_observer_->ErrorReply(kind);
          }
        }
      }
      if (in_flight_.empty()) return Lost("a reply nobody asked for");
      Call& call = in_flight_.front();
      if (call.done) {
        if (call.replies.empty()) call.replies.reserve(call.expected);
        call.replies.push_back(std::move(*reply));
      }
      if (++call.received == call.expected) {
        Call finished = std::move(call);
        in_flight_.pop_front();
        Complete(finished, std::move(finished.replies));
      }
    }
  }

  // Answers calls whose deadline passed; their replies, when they come, are
  // dropped. A connection stuck far past a deadline is given up.
  void ExpireDeadlines() {
    if (in_flight_.empty()) return;
    const absl::Time now = absl::Now();
    if (now < next_sweep_) return;
    next_sweep_ = now + kSweepInterval;
    for (Call& call : in_flight_) {
      if (call.done && call.deadline <= now) {
        Complete(call, absl::DeadlineExceededError(
                           "redis: no reply before the deadline"));
      }
    }
    if (!in_flight_.empty() &&
        in_flight_.front().deadline + options_.stall_timeout <= now) {
      Disconnect(Lost("no reply long past the deadline"));
    }
  }

  const RedisClientOptions& options_;
  const RedisEndpoint endpoint_;
  RedisConnectionObserver* const observer_;
  RedisNodeObserver* const node_observer_;
  std::atomic<int> waiting_{0};
  const int wake_fd_;
  std::thread thread_;

  absl::Mutex mu_;
  std::string outgoing_ ABSL_GUARDED_BY(mu_);
  std::vector<Call> incoming_ ABSL_GUARDED_BY(mu_);
  bool sleeping_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  // Owned by the I/O thread.
  bool stopping_now_ = false;
  bool connected_before_ = false;  // A later connect is a reconnect.
  int fd_ = -1;
  redisReader* reader_;
  std::deque<Call> in_flight_;
  std::string unsent_;  // Wire bytes of the newest calls in flight.
  size_t unsent_offset_ = 0;
  absl::Time retry_after_ = absl::InfinitePast();
  std::string last_connect_error_;
  absl::Time next_sweep_ = absl::InfinitePast();
};

RedisConnection::RedisConnection(const RedisClientOptions& options,
                                 RedisEndpoint endpoint,
                                 RedisConnectionObserver* observer,
                                 RedisNodeObserver* node_observer)
    : loop_(std::make_unique<Loop>(options, std::move(endpoint), observer,
                                   node_observer)) {}

RedisConnection::~RedisConnection() = default;

void RedisConnection::Submit(std::string wire, size_t commands,
                             absl::Time deadline, int redirects,
                             bool resendable, RedisDone done) {
  loop_->Submit(std::move(wire), commands, deadline, redirects, resendable,
                std::move(done));
}

void RedisConnection::Stop() { loop_->Stop(); }

int RedisConnection::waiting() const { return loop_->waiting(); }

bool OnRedisIoThread() { return t_on_io_thread; }

}  // namespace comments
