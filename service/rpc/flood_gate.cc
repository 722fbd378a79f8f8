#include "service/rpc/flood_gate.h"

#include <optional>
#include <utility>
#include <vector>

#include "redis/redis_error.h"
#include "service/store/store_error.h"

namespace comments {

const FloodLimit& FloodGate::Limit(FloodAction action,
                                   FloodSubject subject) const {
  const bool user = subject == FloodSubject::kUser;
  switch (action) {
    case FloodAction::kLike:
      return user ? options_.user_likes : options_.address_likes;
    case FloodAction::kReport:
      return user ? options_.user_reports : options_.address_reports;
    case FloodAction::kPost:
      break;
  }
  return user ? options_.author_posts : options_.address_posts;
}

absl::StatusOr<std::string> FloodGate::AddressOf(
    FloodAction action, const grpc::ServerContextBase& context) const {
  if (!Limit(action, FloodSubject::kAddress).on()) return "";
  std::optional<absl::string_view> claimed;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find(kClientAddressKey); it != metadata.end()) {
    claimed.emplace(it->second.data(), it->second.size());
  }
  return CallerAddressKey(context.peer(), claimed,
                          options_.trusted_portal_peers);
}

void FloodGate::Admit(FloodAction action, const std::string& user,
                      const std::string& address, absl::Time deadline,
                      Callback<FloodTicket> done) {
  std::vector<FloodCounter> counters;
  if (const FloodLimit& limit = Limit(action, FloodSubject::kUser);
      limit.on()) {
    counters.push_back({action, FloodSubject::kUser, user, limit});
  }
  if (const FloodLimit& limit = Limit(action, FloodSubject::kAddress);
      limit.on() && !address.empty()) {
    counters.push_back({action, FloodSubject::kAddress, address, limit});
  }
  if (counters.empty()) return std::move(done)(FloodTicket{});
  store_->Take(std::move(counters), deadline, std::move(done));
}

void FloodGate::Refund(FloodTicket ticket) {
  if (!ticket.empty()) store_->Refund(std::move(ticket));
}

bool FloodGate::DidNotHappen(const absl::Status& status) {
  // A script's refusal carries its StoreError (the Redis error code is not
  // kept with it); Redis's own refusals their RedisErrorKind.
  return !status.ok() && (StoreErrorOf(status).has_value() ||
                          RedisErrorKindOf(status).has_value());
}

}  // namespace comments
