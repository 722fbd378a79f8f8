#include "service/internal/redis_client.h"

#include <hiredis.h>
#include <sys/time.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace comments {
namespace {

timeval TimeoutTimeval(absl::Duration d) {
  if (d < absl::Milliseconds(1)) d = absl::Milliseconds(1);
  return absl::ToTimeval(d);
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

RedisReply CopyReply(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kStatus;
      out.str = r->type == REDIS_REPLY_ERROR ? "ERR:" : "";
      out.str.append(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) {
        out.elements.push_back(CopyReply(r->element[i]));
      }
      break;
    default:
      break;  // REDIS_REPLY_NIL.
  }
  return out;
}

}  // namespace

absl::StatusOr<RedisEndpoint> RedisEndpoint::Parse(const std::string& url) {
  RedisEndpoint endpoint;
  absl::string_view rest(url);
  if (absl::ConsumePrefix(&rest, "unix://")) {
    if (rest.empty() || rest[0] != '/') {
      return absl::InvalidArgumentError(absl::StrCat(
          "redis endpoint '", url, "': unix:// needs an absolute path"));
    }
    endpoint.unix_path = std::string(rest);
    return endpoint;
  }
  if (!absl::ConsumePrefix(&rest, "redis://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis endpoint '", url,
                     "': expected redis://HOST:PORT or unix:///PATH"));
  }
  absl::ConsumeSuffix(&rest, "/");
  const size_t colon = rest.rfind(':');
  int port = 6379;
  absl::string_view host = rest;
  if (colon != absl::string_view::npos) {
    host = rest.substr(0, colon);
    if (!absl::SimpleAtoi(rest.substr(colon + 1), &port) || port <= 0 ||
        port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("redis endpoint '", url, "': bad port"));
    }
  }
  if (host.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis endpoint '", url, "': missing host"));
  }
  endpoint.host = std::string(host);
  endpoint.port = port;
  return endpoint;
}

std::string RedisEndpoint::ToString() const {
  if (!unix_path.empty()) return absl::StrCat("unix://", unix_path);
  return absl::StrCat("redis://", host, ":", port);
}

void RedisClient::ContextDeleter::operator()(redisContext* c) const {
  redisFree(c);
}

RedisClient::RedisClient(RedisClientOptions options)
    : options_(std::move(options)) {
  // hiredis writes with write(2): a write to a connection Redis has closed
  // would raise SIGPIPE and kill the process instead of failing the call.
  std::signal(SIGPIPE, SIG_IGN);
}

RedisClient::~RedisClient() = default;

absl::StatusOr<RedisClient::ContextPtr> RedisClient::Connect(
    absl::Time deadline) {
  const timeval tv = TimeoutTimeval(
      std::min(options_.connect_timeout, deadline - absl::Now()));
  const RedisEndpoint& ep = options_.endpoint;
  ContextPtr context(
      ep.unix_path.empty()
          ? redisConnectWithTimeout(ep.host.c_str(), ep.port, tv)
          : redisConnectUnixWithTimeout(ep.unix_path.c_str(), tv));
  if (context == nullptr) {
    return absl::ResourceExhaustedError("redis: out of memory for a context");
  }
  if (context->err != 0) {
    return absl::UnavailableError(absl::StrCat(
        "redis ", ep.ToString(), ": cannot connect: ", context->errstr));
  }
  return context;
}

absl::StatusOr<RedisClient::ContextPtr> RedisClient::Acquire(
    absl::Time deadline) {
  {
    absl::MutexLock lock(&mu_);
    const auto can_proceed = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.pool_size;
    };
    if (!mu_.AwaitWithDeadline(absl::Condition(&can_proceed), deadline)) {
      return absl::DeadlineExceededError(
          "redis: no connection became free before the deadline");
    }
    if (!idle_.empty()) {
      ContextPtr context = std::move(idle_.back());
      idle_.pop_back();
      return context;
    }
    if (absl::Now() < fail_fast_until_) {
      return absl::UnavailableError(
          absl::StrCat("redis ", options_.endpoint.ToString(),
                       ": unreachable at the last attempt; retrying shortly"));
    }
    ++open_;  // Reserve a slot; connect outside the lock.
  }
  absl::StatusOr<ContextPtr> context = Connect(deadline);
  if (!context.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    fail_fast_until_ = absl::Now() + options_.reconnect_backoff;
  }
  return context;
}

void RedisClient::Release(ContextPtr context) {
  absl::MutexLock lock(&mu_);
  if (context == nullptr) {
    --open_;  // Broken: dropped, a later call connects anew.
  } else {
    idle_.push_back(std::move(context));
  }
}

absl::StatusOr<std::vector<RedisReply>> RedisClient::RunOn(
    redisContext* context, const std::vector<RedisArgv>& commands,
    bool errors_in_slots, absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) {
    return absl::DeadlineExceededError("redis: deadline passed before sending");
  }
  redisSetTimeout(context, TimeoutTimeval(left));
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const RedisArgv& command : commands) {
    argv.clear();
    lengths.clear();
    for (const std::string& arg : command) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context, static_cast<int>(argv.size()),
                               argv.data(), lengths.data()) != REDIS_OK) {
      return absl::ResourceExhaustedError("redis: cannot format a command");
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    errno = 0;
    if (redisGetReply(context, &raw) != REDIS_OK || raw == nullptr) {
      const bool timed_out =
          errno == EAGAIN || errno == EWOULDBLOCK || absl::Now() >= deadline;
      if (timed_out) {
        return absl::DeadlineExceededError(
            "redis: no reply before the deadline");
      }
      return absl::UnavailableError(
          absl::StrCat("redis ", options_.endpoint.ToString(),
                       ": connection lost: ", context->errstr));
    }
    std::unique_ptr<redisReply, ReplyDeleter> reply(
        static_cast<redisReply*>(raw));
    replies.push_back(CopyReply(reply.get()));
  }
  if (!errors_in_slots) {
    for (const RedisReply& reply : replies) {
      if (reply.type == RedisReply::Type::kStatus &&
          absl::StartsWith(reply.str, "ERR:")) {
        return absl::InternalError(reply.str.substr(4));
      }
    }
  }
  return replies;
}

absl::StatusOr<RedisReply> RedisClient::Command(const RedisArgv& argv,
                                                absl::Time deadline) {
  absl::StatusOr<ContextPtr> context = Acquire(deadline);
  if (!context.ok()) return context.status();
  absl::StatusOr<std::vector<RedisReply>> replies =
      RunOn(context->get(), {argv}, /*errors_in_slots=*/false, deadline);
  // A transport failure leaves the connection in an unknown state; an error
  // reply from Redis does not.
  const bool broken = !replies.ok() && !absl::IsInternal(replies.status());
  Release(broken ? nullptr : std::move(*context));
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

absl::StatusOr<std::vector<RedisReply>> RedisClient::Pipeline(
    const std::vector<RedisArgv>& commands, absl::Time deadline) {
  if (commands.empty()) return std::vector<RedisReply>();
  absl::StatusOr<ContextPtr> context = Acquire(deadline);
  if (!context.ok()) return context.status();
  absl::StatusOr<std::vector<RedisReply>> replies =
      RunOn(context->get(), commands, /*errors_in_slots=*/true, deadline);
  Release(replies.ok() ? std::move(*context) : nullptr);
  return replies;
}

}  // namespace comments
