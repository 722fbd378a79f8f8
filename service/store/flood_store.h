#ifndef COMMENTS_SERVICE_STORE_FLOOD_STORE_H_
#define COMMENTS_SERVICE_STORE_FLOOD_STORE_H_

// Flood control across articles: how many posts, likes and reports one
// account, or one client address, may make in a sliding window, counted in
// Redis so that every replica shares the count.
//
// Each counter is a key of its own (keyspace.h, flood_keys), in the slot of
// its subject, so it cannot join an article's script (a Redis Cluster script
// touches one slot). A call therefore takes a place in each counter first,
// one atomic script per counter (lua/flood_take.lua), and gives the places
// back when the action is then refused for another reason or changes
// nothing: the counters count actions that were accepted. Taking is exact
// (a full counter refuses, atomically, whatever the number of replicas);
// giving back is an exact ZREM of the action's own id. An action whose
// outcome is unknown (the store timed out or lost the connection) keeps its
// place: a retry with the same idempotency key gives its own back when it
// finds the first stored.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "redis/await.h"
#include "redis/redis_client.h"

namespace comments {

// The kind of action a counter counts.
enum class FloodAction { kPost, kLike, kReport };
// Whose actions: an account's (user id) or a client address's.
enum class FloodSubject { kUser, kAddress };

// "post", "like", "report": the counter key's last part.
absl::string_view FloodActionName(FloodAction action);

// At most `limit` actions in any `window` (a sliding window: never more, at
// any moment, than `limit` in the `window` before it). 0: no limit.
struct FloodLimit {
  int limit = 0;
  absl::Duration window = absl::Minutes(1);

  bool on() const { return limit > 0; }
};

// One counter to take a place in.
struct FloodCounter {
  FloodAction action = FloodAction::kPost;
  FloodSubject subject = FloodSubject::kUser;
  // The user id, or the address as ClientAddressKey gives it.
  std::string id;
  // REQUIRES: on(), and a window of at least a millisecond.
  FloodLimit limit;
};

// The places a Take holds: each counter's key and the action's id in it.
// Empty when no counter applied. A value type.
struct FloodTicket {
  std::vector<std::pair<std::string, std::string>> places;

  bool empty() const { return places.empty(); }
};

// Thread-safe; holds no state of its own.
class FloodStore final {
 public:
  // REQUIRES: `redis` outlives the store.
  explicit FloodStore(RedisClient* redis) : redis_(redis) {}
  FloodStore(const FloodStore&) = delete;
  FloodStore& operator=(const FloodStore&) = delete;

  // Takes a place in each counter, in order, and gives `done` the ticket of
  // the places taken (empty for no counters). When a counter is full, gives
  // back the places already taken and fails RESOURCE_EXHAUSTED, with
  // StoreError kUserLimited or kAddressLimited (store_error.h) and a message
  // naming the limit, its window and when a place frees ("retry in N s").
  // UNAVAILABLE / DEADLINE_EXCEEDED as RedisClient fails; a place that was
  // taken before such a failure is given back. `done` runs as
  // RedisClient::Send says.
  void Take(std::vector<FloodCounter> counters, absl::Time deadline,
            Callback<FloodTicket> done);

  // Gives the ticket's places back, without waiting (each a ZREM of the
  // action's own id: exact, and nothing once the action has left the
  // window). A failure is logged (event flood_refund_failed); the place then
  // stays counted until the window passes.
  void Refund(FloodTicket ticket);

 private:
  struct TakeState;
  void TakeNext(std::unique_ptr<TakeState> state);

  RedisClient* const redis_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_FLOOD_STORE_H_
