#ifndef COMMENTS_SERVICE_RPC_MODERATION_SERVICE_IMPL_H_
#define COMMENTS_SERVICE_RPC_MODERATION_SERVICE_IMPL_H_

#include <grpcpp/grpcpp.h>

#include "absl/functional/function_ref.h"

#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "comments/v1/moderation.grpc.pb.h"
#include "moderation/moderation.h"
#include "service/rpc/checked_request.h"
#include "service/rpc/call_log.h"
#include "service/rpc/moderator_auth.h"
#include "service/rpc/page_token.h"
#include "service/rpc/rpc_metrics.h"
#include "service/rpc/worker_pool.h"
#include "service/store/ban_list.h"
#include "service/store/comment_store.h"
#include "service/store/keyword_sync.h"
#include "service/store/moderation_store.h"
#include "service/store/wave_store.h"

namespace comments {

struct ModerationServiceOptions {
  // Store work of one call gives up after this, or the client's deadline if
  // sooner. ClearQueue takes this per batch and the client's deadline in
  // all.
  absl::Duration store_timeout = absl::Seconds(2);
  // Policy of articles that have none: POST or PRE moderation.
  v1::Policy default_policy = v1::POLICY_POST_MODERATION;
  // Threads that run the calls' work. >= 1.
  int threads = 4;
  // The access line of each call names the client's address ("peer").
  bool log_client_ip = false;
};

// comments.v1.ModerationService (proto/comments/v1/moderation.proto): every
// call authenticated, every change audited.
//
// Callback API, as CommentServiceImpl: a handler authenticates on gRPC's
// thread, then hands its Do* method to a small pool of its own threads.
// A moderator's call chains several store round trips and waits on each
// (ClearQueue runs for as long as the client allows), which must not hold
// gRPC's threads; moderators are few, so a few threads serve them.
//
// Requests are parsed as CheckedRequests (checked_request.h), as in
// CommentServiceImpl: one that protobuf refuses is answered, once the caller
// is authenticated, INVALID_ARGUMENT naming the field.
//
// Thread-safe.
class ModerationServiceImpl final
    : public v1::ModerationService::CallbackService {
 public:
  // REQUIRES: the pointers outlive the service. `keyword_sync`, `bans` and
  // `waves` may be null (without `waves`, ListWaves is empty and RejectWave
  // FAILED_PRECONDITION).
  ModerationServiceImpl(ModerationServiceOptions options,
                        const ModeratorAuth* auth, CommentStore* comments,
                        ModerationStore* store, KeywordSync* keyword_sync,
                        BanList* bans, const PageTokenCodec* tokens,
                        RpcMetrics* metrics, WaveStore* waves = nullptr);

  grpc::ServerUnaryReactor* ListQueue(grpc::CallbackServerContext* context,
                                const v1::ListQueueRequest* request,
                                v1::ListQueueResponse* response) override;
  grpc::ServerUnaryReactor* InspectComment(grpc::CallbackServerContext* context,
                                const v1::InspectCommentRequest* request,
                                v1::QueueItem* response) override;
  grpc::ServerUnaryReactor* ModerateComments(grpc::CallbackServerContext* context,
                                const v1::ModerateCommentsRequest* request,
                                v1::ModerateCommentsResponse* response) override;
  grpc::ServerUnaryReactor* ClearQueue(grpc::CallbackServerContext* context,
                                const v1::ClearQueueRequest* request,
                                v1::ClearQueueResponse* response) override;
  grpc::ServerUnaryReactor* SetArticlePolicy(grpc::CallbackServerContext* context,
                                const v1::SetArticlePolicyRequest* request,
                                v1::ArticlePolicy* response) override;
  grpc::ServerUnaryReactor* GetArticlePolicy(grpc::CallbackServerContext* context,
                                const v1::GetArticlePolicyRequest* request,
                                v1::ArticlePolicy* response) override;
  grpc::ServerUnaryReactor* UpdateKeywords(grpc::CallbackServerContext* context,
                                const v1::UpdateKeywordsRequest* request,
                                v1::UpdateKeywordsResponse* response) override;
  grpc::ServerUnaryReactor* ListKeywords(grpc::CallbackServerContext* context,
                                const v1::ListKeywordsRequest* request,
                                v1::ListKeywordsResponse* response) override;
  grpc::ServerUnaryReactor* FeatureComment(grpc::CallbackServerContext* context,
                                const v1::FeatureCommentRequest* request,
                                v1::Comment* response) override;
  grpc::ServerUnaryReactor* BanUser(grpc::CallbackServerContext* context,
                                const v1::BanUserRequest* request,
                                v1::BanUserResponse* response) override;
  grpc::ServerUnaryReactor* UnbanUser(grpc::CallbackServerContext* context,
                                const v1::UnbanUserRequest* request,
                                v1::UnbanUserResponse* response) override;
  grpc::ServerUnaryReactor* ListAuditLog(grpc::CallbackServerContext* context,
                                const v1::ListAuditLogRequest* request,
                                v1::ListAuditLogResponse* response) override;
  grpc::ServerUnaryReactor* ListWaves(grpc::CallbackServerContext* context,
                                const v1::ListWavesRequest* request,
                                v1::ListWavesResponse* response) override;
  grpc::ServerUnaryReactor* RejectWave(grpc::CallbackServerContext* context,
                                const v1::RejectWaveRequest* request,
                                v1::RejectWaveResponse* response) override;

 private:
  // A call's work, run on a worker with the authenticated moderator's name
  // and the store deadline; its status finishes the call.
  using Work = absl::AnyInvocable<absl::Status(const std::string& moderator,
                                               absl::Time deadline) &&>;
  // Authenticates a call of `call.method`, then runs `work` on a worker;
  // counts the call in the RPC metrics, returns its request id and writes
  // its access line (call_log.h).
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                  const CallInfo& call, Work work);

  // Makes `method` parse its request as a CheckedRequest; `handler` is the
  // method's handler above.
  template <typename Request, typename Response>
  void CheckRequests(absl::string_view method,
                     grpc::ServerUnaryReactor* (ModerationServiceImpl::*handler)(
                         grpc::CallbackServerContext*, const Request*,
                         Response*));

  // Each RPC's logic, after authentication. They block on the store.
  absl::Status DoListQueue(const v1::ListQueueRequest& request,
                           absl::Time deadline,
                           v1::ListQueueResponse& response);
  absl::Status DoInspect(const v1::InspectCommentRequest& request,
                         absl::Time deadline, v1::QueueItem& response);
  absl::Status DoModerate(const std::string& moderator,
                          const v1::ModerateCommentsRequest& request,
                          absl::Time deadline,
                          v1::ModerateCommentsResponse& response);
  absl::Status DoClear(const std::string& moderator,
                       const v1::ClearQueueRequest& request,
                       const grpc::ServerContextBase& context,
                       v1::ClearQueueResponse& response);
  absl::Status DoSetPolicy(const std::string& moderator,
                           const v1::SetArticlePolicyRequest& request,
                           absl::Time deadline, v1::ArticlePolicy& response);
  absl::Status DoGetPolicy(const v1::GetArticlePolicyRequest& request,
                           absl::Time deadline, v1::ArticlePolicy& response);
  absl::Status DoUpdateKeywords(const std::string& moderator,
                                const v1::UpdateKeywordsRequest& request,
                                absl::Time deadline,
                                v1::UpdateKeywordsResponse& response);
  absl::Status DoListKeywords(const v1::ListKeywordsRequest& request,
                              absl::Time deadline,
                              v1::ListKeywordsResponse& response);
  absl::Status DoFeature(const std::string& moderator,
                         const v1::FeatureCommentRequest& request,
                         absl::Time deadline, v1::Comment& response);
  // BanUser (ban) and UnbanUser (!ban).
  absl::Status DoBan(const std::string& moderator, const std::string& user_id,
                     const std::string& reason, bool ban, absl::Time deadline);
  absl::Status DoListAudit(const v1::ListAuditLogRequest& request,
                           absl::Time deadline,
                           v1::ListAuditLogResponse& response);
  // Copy-paste waves (moderation_service_waves.cc).
  absl::Status DoListWaves(const v1::ListWavesRequest& request,
                           absl::Time deadline,
                           v1::ListWavesResponse& response);
  absl::Status DoRejectWave(const std::string& moderator,
                            const v1::RejectWaveRequest& request,
                            const grpc::ServerContextBase& context,
                            v1::RejectWaveResponse& response);

  // Turns stored comments into queue items (detail, reasons).
  absl::Status FillItems(v1::Queue queue, std::vector<StoredComment> comments,
                         const std::vector<std::string>& scores,
                         absl::Time deadline, v1::ListQueueResponse& response);
  // Decides a batch, takes the decided ones out of the cross-article
  // queues, and audits them. Returns one result per ref.
  absl::StatusOr<std::vector<absl::StatusOr<Decided>>> DecideAndRecord(
      const std::vector<CommentRef>& refs, bool approve,
      ModerationQueue queue, const std::string& moderator,
      const std::string& reason, bool audit_each, absl::Time deadline);
  // ClearQueue's and RejectWave's loop: calls `batch` with a store deadline
  // (options_.store_timeout, capped by `end`) while it returns true. OK when
  // it returns false, its error when it fails, DEADLINE_EXCEEDED ("the
  // deadline passed after <doing> <count> <things>; call again for the
  // rest") when `end` passes first. `count` is the caller's running total,
  // read for that message.
  absl::Status RunBatches(
      absl::Time end, absl::string_view doing, absl::string_view things,
      const int64_t& count,
      absl::FunctionRef<absl::StatusOr<bool>(absl::Time deadline)> batch) const;
  absl::Status AuditOne(const std::string& moderator, const std::string& action,
                        const std::string& target, const std::string& reason,
                        const std::string& details, absl::Time deadline);
  absl::Time Deadline(const grpc::ServerContextBase& context) const;

  const ModerationServiceOptions options_;
  // Each method's series, by name; fixed at construction.
  const absl::flat_hash_map<std::string, RpcMetrics::Method*> methods_;
  const ModeratorAuth* const auth_;
  CommentStore* const comments_;
  ModerationStore* const store_;
  KeywordSync* const keyword_sync_;
  BanList* const bans_;
  const PageTokenCodec* const tokens_;
  WaveStore* const waves_;
  // Last member: destroyed first, it finishes the work in flight while the
  // stores above still stand.
  WorkerPool workers_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_MODERATION_SERVICE_IMPL_H_
