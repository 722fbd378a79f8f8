#ifndef COMMENTS_SERVICE_RPC_FLOOD_GATE_H_
#define COMMENTS_SERVICE_RPC_FLOOD_GATE_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/rpc/client_address.h"
#include "service/store/flood_store.h"

namespace comments {

// The flood limits across articles (off by default: every limit 0). The
// per-article post limit and the duplicate window are CommentStore's.
struct FloodOptions {
  // Posts per author, and per client address, across all articles.
  FloodLimit author_posts;
  FloodLimit address_posts;
  // Likes per user and per client address (unlikes are not counted).
  FloodLimit user_likes;
  FloodLimit address_likes;
  // Reports per user and per client address.
  FloodLimit user_reports;
  FloodLimit address_reports;
  // Peers whose x-client-address is believed (client_address.h).
  TrustedPeers trusted_portal_peers;
};

// Applies FloodOptions to CommentService's calls: which counters an action
// takes a place in, under which address, and when the place goes back.
//
//   absl::StatusOr<std::string> address = gate.AddressOf(kPost, context);
//   gate.Admit(kPost, author, *address, deadline, [&](auto ticket) {
//     ... store the post ...; if it did not happen: gate.Refund(ticket)
//   });
//
// An action counts once accepted: a post stored (held and blocked ones
// too, like the per-article limit), a like or a report that changed
// something. Places of actions refused for another reason, or that changed
// nothing (a like already given, a retried post found by its idempotency
// key), are given back (FloodStore).
//
// Thread-safe: const after construction but for the store's calls.
class FloodGate final {
 public:
  // REQUIRES: `store` outlives the gate; each limit's window is at least a
  // millisecond when its limit is on.
  FloodGate(FloodOptions options, FloodStore* store)
      : options_(std::move(options)), store_(store) {}
  FloodGate(const FloodGate&) = delete;
  FloodGate& operator=(const FloodGate&) = delete;

  // The address key (client_address.h) the call counts `action` under: ""
  // when no address limit applies to `action` or the call has no address to
  // count. INVALID_ARGUMENT naming x-client-address when a trusted peer
  // sends one that is no address (only checked when an address limit
  // applies to `action`).
  absl::StatusOr<std::string> AddressOf(
      FloodAction action, const grpc::ServerContextBase& context) const;

  // Takes a place for `user`, and for `address` unless it is "", in the
  // counters of `action` that have a limit (user first), as FloodStore::Take
  // does; with no counter to take, `done` runs at once with an empty ticket.
  void Admit(FloodAction action, const std::string& user,
             const std::string& address, absl::Time deadline,
             Callback<FloodTicket> done);

  // Gives back the places of an action that did not happen or changed
  // nothing. Nothing for an empty ticket.
  void Refund(FloodTicket ticket);

  // True when a call that failed with `status` certainly did not happen:
  // Redis answered with an error reply (a script's refusal, which changes
  // nothing, or Redis's own refusal to run it). False for a timeout or a lost
  // connection, after which the action may have been stored: its place
  // stays.
  static bool DidNotHappen(const absl::Status& status);

 private:
  const FloodLimit& Limit(FloodAction action, FloodSubject subject) const;

  const FloodOptions options_;
  FloodStore* const store_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_FLOOD_GATE_H_
