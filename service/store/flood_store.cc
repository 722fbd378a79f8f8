#include "service/store/flood_store.h"

#include <algorithm>
#include <memory>
#include <random>

#include "absl/strings/str_cat.h"
#include "logging/log.h"
#include "redis/redis_error.h"
#include "service/store/internal/script_error.h"
#include "service/store/keyspace.h"
#include "service/store/script_calls.h"

namespace comments {
namespace {

// A refund runs after its call has answered, whose deadline may be spent.
constexpr absl::Duration kRefundTimeout = absl::Seconds(2);

// 128 random bits, hex: an action's id in its counter.
std::string NewActionId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrCat(absl::Hex(random(), absl::kZeroPad16),
                      absl::Hex(random(), absl::kZeroPad16));
}

std::string KeyOf(const FloodCounter& counter) {
  const absl::string_view action = FloodActionName(counter.action);
  return counter.subject == FloodSubject::kUser
             ? flood_keys::User(action, counter.id)
             : flood_keys::Address(action, counter.id);
}

// "author_id has posted 10 comments in the last 1h, ..." : who, what, the
// limit and when a place frees.
absl::Status Refusal(const FloodCounter& counter, int64_t count,
                     int64_t ms_left) {
  const bool user = counter.subject == FloodSubject::kUser;
  absl::string_view who = "this client address";
  absl::string_view verb = "posted";
  switch (counter.action) {
    case FloodAction::kPost:
      if (user) who = "author_id";
      break;
    case FloodAction::kLike:
      if (user) who = "user_id";
      verb = "liked";
      break;
    case FloodAction::kReport:
      if (user) who = "user_id";
      verb = "reported";
      break;
  }
  const int64_t seconds = std::max<int64_t>(1, (ms_left + 999) / 1000);
  return StoreRefusal(
      user ? StoreError::kUserLimited : StoreError::kAddressLimited,
      absl::StrCat(who, " has ", verb, " ", count, " comments in the last ",
                   absl::FormatDuration(counter.limit.window),
                   ", the most one ", user ? "account" : "address",
                   " may across all articles; retry in ", seconds, " s"));
}

}  // namespace

absl::string_view FloodActionName(FloodAction action) {
  switch (action) {
    case FloodAction::kPost:
      return "post";
    case FloodAction::kLike:
      return "like";
    case FloodAction::kReport:
      return "report";
  }
  return "post";
}

struct FloodStore::TakeState {
  std::vector<FloodCounter> counters;
  size_t next = 0;
  absl::Time deadline;
  FloodTicket ticket;
  Callback<FloodTicket> done;
};

void FloodStore::Take(std::vector<FloodCounter> counters, absl::Time deadline,
                      Callback<FloodTicket> done) {
  TakeNext(std::make_unique<TakeState>(TakeState{
      std::move(counters), 0, deadline, FloodTicket{}, std::move(done)}));
}

// One counter after the other: the counters live in different slots, and
// usually only one or two apply.
void FloodStore::TakeNext(std::unique_ptr<TakeState> state) {
  if (state->next == state->counters.size()) {
    return std::move(state->done)(std::move(state->ticket));
  }
  const FloodCounter& counter = state->counters[state->next];
  FloodTakeCall call;
  call.counter_key = KeyOf(counter);
  call.member = NewActionId();
  call.limit = counter.limit.limit;
  call.window = counter.limit.window;
  state->ticket.places.emplace_back(call.counter_key, call.member);
  const absl::Time deadline = state->deadline;
  FloodTakeCall::Script().Send(
      *redis_, call.ToCall(), deadline,
      [this,
       state = std::move(state)](absl::StatusOr<RedisReply> reply) mutable {
        const FloodCounter& counter = state->counters[state->next];
        absl::Status refused;
        if (!reply.ok()) {
          refused = reply.status();
        } else if (reply->type != RedisReply::Type::kArray ||
                   reply->elements.size() != 3 ||
                   reply->elements[0].type != RedisReply::Type::kInteger ||
                   reply->elements[1].type != RedisReply::Type::kInteger ||
                   reply->elements[2].type != RedisReply::Type::kInteger) {
          refused = absl::InternalError(
              "flood store: unexpected reply shape for flood_take");
        } else if (reply->elements[0].integer != 1) {
          refused = Refusal(counter, reply->elements[1].integer,
                            reply->elements[2].integer);
        } else {
          ++state->next;
          return TakeNext(std::move(state));
        }
        // This counter holds no place unless the call failed on the way
        // (a timeout may still have run it): give back what may be held.
        if (StoreErrorOf(refused).has_value()) state->ticket.places.pop_back();
        Refund(std::move(state->ticket));
        std::move(state->done)(refused);
      });
}

void FloodStore::Refund(FloodTicket ticket) {
  const absl::Time deadline = absl::Now() + kRefundTimeout;
  for (auto& [key, member] : ticket.places) {
    redis_->Send(RedisArgv{"ZREM", key, member}, deadline,
                 [](absl::StatusOr<RedisReply> reply) {
                   if (reply.ok()) return;
                   // No key: it names the user or the client's address.
                   logging::Log(
                       logging::Level::kWarning, "flood_refund_failed",
                       {{"error", reply.status().ToString()},
                        {"action",
                         "none: the action stays counted until its window "
                         "passes; check Redis if this repeats"}});
                 });
  }
}

}  // namespace comments
