#ifndef COMMENTS_SERVICE_INTERNAL_COMMENT_SERVICE_IMPL_H_
#define COMMENTS_SERVICE_INTERNAL_COMMENT_SERVICE_IMPL_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "comments/v1/comments.grpc.pb.h"
#include "moderation/moderation.h"
#include "service/internal/comment_store.h"
#include "service/internal/moderation_store.h"
#include "service/internal/page_token.h"

namespace comments {

struct CommentServiceOptions {
  // Longest body accepted, in code points after trimming.
  int max_body_chars = 2000;
  // Page size when a request names none, and the most a page holds.
  int default_page_size = 20;
  int max_page_size = 100;
  // Most articles in one BatchGetArticleStats call.
  int max_batch_articles = 100;
  // Store work of one call gives up after this, or the client's deadline if
  // sooner.
  absl::Duration store_timeout = absl::Seconds(2);
  // Policy of articles that have none: "post" or "pre".
  std::string default_policy = "post";
  // Distinct reports that put a comment in the reported queue.
  int report_threshold = 3;
};

// comments.v1.CommentService: validates each request, asks the store, and
// shapes the answer. The RPC contract is documented in comments.proto.
//
// Thread-safe: handlers run on gRPC's threads and share only the store.
class CommentServiceImpl final : public v1::CommentService::Service {
 public:
  // REQUIRES: the pointers outlive the service.
  CommentServiceImpl(CommentServiceOptions options, CommentStore* store,
                     ModerationStore* moderation_store,
                     const moderation::LexiconHolder* lexicon,
                     const PageTokenCodec* tokens);

  grpc::Status PostComment(grpc::ServerContext* context,
                           const v1::PostCommentRequest* request,
                           v1::PostCommentResponse* response) override;
  grpc::Status GetComment(grpc::ServerContext* context,
                          const v1::GetCommentRequest* request,
                          v1::Comment* response) override;
  grpc::Status ListComments(grpc::ServerContext* context,
                            const v1::ListCommentsRequest* request,
                            v1::ListCommentsResponse* response) override;
  grpc::Status LikeComment(grpc::ServerContext* context,
                           const v1::LikeCommentRequest* request,
                           v1::LikeCommentResponse* response) override;
  grpc::Status UnlikeComment(grpc::ServerContext* context,
                             const v1::UnlikeCommentRequest* request,
                             v1::LikeCommentResponse* response) override;
  grpc::Status DeleteComment(grpc::ServerContext* context,
                             const v1::DeleteCommentRequest* request,
                             v1::DeleteCommentResponse* response) override;
  grpc::Status GetArticleStats(grpc::ServerContext* context,
                               const v1::GetArticleStatsRequest* request,
                               v1::ArticleStats* response) override;
  grpc::Status BatchGetArticleStats(
      grpc::ServerContext* context,
      const v1::BatchGetArticleStatsRequest* request,
      v1::BatchGetArticleStatsResponse* response) override;
  grpc::Status ReportComment(grpc::ServerContext* context,
                             const v1::ReportCommentRequest* request,
                             v1::ReportCommentResponse* response) override;

 private:
  absl::Status Post(const v1::PostCommentRequest& request, absl::Time deadline,
                    v1::PostCommentResponse& response);
  absl::Status List(const v1::ListCommentsRequest& request, absl::Time deadline,
                    v1::ListCommentsResponse& response);
  // Like and Unlike: the same call with the direction as a flag.
  absl::Status Like(const std::string& article_id,
                    const std::string& comment_id, const std::string& user_id,
                    bool like, absl::Time deadline,
                    v1::LikeCommentResponse& response);
  absl::Time Deadline(const grpc::ServerContext& context) const;

  absl::Status Report(const v1::ReportCommentRequest& request,
                      absl::Time deadline, v1::ReportCommentResponse& response);

  const CommentServiceOptions options_;
  CommentStore* const store_;
  ModerationStore* const moderation_store_;
  const moderation::LexiconHolder* const lexicon_;
  const PageTokenCodec* const tokens_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_INTERNAL_COMMENT_SERVICE_IMPL_H_
