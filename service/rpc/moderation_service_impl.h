#ifndef COMMENTS_SERVICE_RPC_MODERATION_SERVICE_IMPL_H_
#define COMMENTS_SERVICE_RPC_MODERATION_SERVICE_IMPL_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "comments/v1/moderation.grpc.pb.h"
#include "moderation/moderation.h"
#include "service/rpc/moderator_auth.h"
#include "service/rpc/page_token.h"
#include "service/store/ban_list.h"
#include "service/store/comment_store.h"
#include "service/store/keyword_sync.h"
#include "service/store/moderation_store.h"

namespace comments {

struct ModerationServiceOptions {
  // Store work of one call gives up after this, or the client's deadline if
  // sooner. ClearQueue takes this per batch and the client's deadline in
  // all.
  absl::Duration store_timeout = absl::Seconds(2);
  // Policy of articles that have none: POST or PRE moderation.
  v1::Policy default_policy = v1::POLICY_POST_MODERATION;
};

// comments.v1.ModerationService (proto/comments/v1/moderation.proto): every
// call authenticated, every change audited.
//
// Thread-safe.
class ModerationServiceImpl final : public v1::ModerationService::Service {
 public:
  // REQUIRES: the pointers outlive the service. `keyword_sync` and `bans`
  // may be null.
  ModerationServiceImpl(ModerationServiceOptions options,
                        const ModeratorAuth* auth, CommentStore* comments,
                        ModerationStore* store, KeywordSync* keyword_sync,
                        BanList* bans, const PageTokenCodec* tokens);

  grpc::Status ListQueue(grpc::ServerContext* context,
                         const v1::ListQueueRequest* request,
                         v1::ListQueueResponse* response) override;
  grpc::Status InspectComment(grpc::ServerContext* context,
                              const v1::InspectCommentRequest* request,
                              v1::QueueItem* response) override;
  grpc::Status ModerateComments(
      grpc::ServerContext* context, const v1::ModerateCommentsRequest* request,
      v1::ModerateCommentsResponse* response) override;
  grpc::Status ClearQueue(grpc::ServerContext* context,
                          const v1::ClearQueueRequest* request,
                          v1::ClearQueueResponse* response) override;
  grpc::Status SetArticlePolicy(grpc::ServerContext* context,
                                const v1::SetArticlePolicyRequest* request,
                                v1::ArticlePolicy* response) override;
  grpc::Status GetArticlePolicy(grpc::ServerContext* context,
                                const v1::GetArticlePolicyRequest* request,
                                v1::ArticlePolicy* response) override;
  grpc::Status UpdateKeywords(grpc::ServerContext* context,
                              const v1::UpdateKeywordsRequest* request,
                              v1::UpdateKeywordsResponse* response) override;
  grpc::Status ListKeywords(grpc::ServerContext* context,
                            const v1::ListKeywordsRequest* request,
                            v1::ListKeywordsResponse* response) override;
  grpc::Status FeatureComment(grpc::ServerContext* context,
                              const v1::FeatureCommentRequest* request,
                              v1::Comment* response) override;
  grpc::Status BanUser(grpc::ServerContext* context,
                       const v1::BanUserRequest* request,
                       v1::BanUserResponse* response) override;
  grpc::Status UnbanUser(grpc::ServerContext* context,
                         const v1::UnbanUserRequest* request,
                         v1::UnbanUserResponse* response) override;
  grpc::Status ListAuditLog(grpc::ServerContext* context,
                            const v1::ListAuditLogRequest* request,
                            v1::ListAuditLogResponse* response) override;

 private:
  // Each RPC's logic, after authentication, with the moderator's name.
  absl::Status DoListQueue(const v1::ListQueueRequest& request,
                           absl::Time deadline,
                           v1::ListQueueResponse& response);
  absl::Status DoModerate(const std::string& moderator,
                          const v1::ModerateCommentsRequest& request,
                          absl::Time deadline,
                          v1::ModerateCommentsResponse& response);
  absl::Status DoClear(const std::string& moderator,
                       const v1::ClearQueueRequest& request,
                       const grpc::ServerContext& context,
                       v1::ClearQueueResponse& response);
  absl::Status DoUpdateKeywords(const std::string& moderator,
                                const v1::UpdateKeywordsRequest& request,
                                absl::Time deadline,
                                v1::UpdateKeywordsResponse& response);
  absl::Status DoListKeywords(const v1::ListKeywordsRequest& request,
                              absl::Time deadline,
                              v1::ListKeywordsResponse& response);
  // BanUser (ban) and UnbanUser (!ban).
  absl::Status DoBan(const std::string& moderator, const std::string& user_id,
                     const std::string& reason, bool ban, absl::Time deadline);
  absl::Status DoListAudit(const v1::ListAuditLogRequest& request,
                           absl::Time deadline,
                           v1::ListAuditLogResponse& response);

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
  absl::Status AuditOne(const std::string& moderator, const std::string& action,
                        const std::string& target, const std::string& reason,
                        const std::string& details, absl::Time deadline);
  absl::Time Deadline(const grpc::ServerContext& context) const;

  const ModerationServiceOptions options_;
  const ModeratorAuth* const auth_;
  CommentStore* const comments_;
  ModerationStore* const store_;
  KeywordSync* const keyword_sync_;
  BanList* const bans_;
  const PageTokenCodec* const tokens_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_MODERATION_SERVICE_IMPL_H_
