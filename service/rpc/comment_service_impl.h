#ifndef COMMENTS_SERVICE_RPC_COMMENT_SERVICE_IMPL_H_
#define COMMENTS_SERVICE_RPC_COMMENT_SERVICE_IMPL_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "comments/v1/comments.grpc.pb.h"
#include "moderation/moderation.h"
#include "service/rpc/arena_allocator.h"
#include "service/rpc/call_log.h"
#include "service/rpc/checked_request.h"
#include "service/rpc/flood_gate.h"
#include "service/rpc/page_token.h"
#include "service/rpc/rpc_metrics.h"
#include "service/rpc/wave_gate.h"
#include "service/store/ban_list.h"
#include "service/store/comment_store.h"
#include "service/store/moderation_store.h"

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
  // Policy of articles that have none: POST or PRE moderation.
  v1::Policy default_policy = v1::POLICY_POST_MODERATION;
  // Distinct reports that put a comment in the reported queue.
  int report_threshold = 3;
  // The access line of each call names the client's address ("peer").
  bool log_client_ip = false;
};

// comments.v1.CommentService: validates each request, asks the store, and
// shapes the answer. The RPC contract is documented in comments.proto.
//
// Callback API: a handler validates on gRPC's thread, starts its store work
// and returns; the call finishes from the store's callback on a Redis I/O
// thread. No thread waits on Redis, so a few threads serve any number of
// calls in flight.
//
// Every method parses its request as a CheckedRequest (checked_request.h):
// a request protobuf refuses (a string field that is not UTF-8) is answered
// INVALID_ARGUMENT naming the field, and never reaches the handlers below.
//
// Thread-safe: handlers share only the stores.
class CommentServiceImpl final : public v1::CommentService::CallbackService {
 public:
  // REQUIRES: the pointers outlive the service. `waves` may be null (no
  // copy-paste wave check).
  CommentServiceImpl(CommentServiceOptions options, CommentStore* store,
                     ModerationStore* moderation_store, const BanList* bans,
                     const moderation::LexiconHolder* lexicon,
                     const PageTokenCodec* tokens, RpcMetrics* metrics,
                     PostMetrics* post_metrics, FloodGate* flood,
                     WaveGate* waves = nullptr);

  grpc::ServerUnaryReactor* PostComment(
      grpc::CallbackServerContext* context,
      const v1::PostCommentRequest* request,
      v1::PostCommentResponse* response) override;
  grpc::ServerUnaryReactor* GetComment(grpc::CallbackServerContext* context,
                                       const v1::GetCommentRequest* request,
                                       v1::Comment* response) override;
  grpc::ServerUnaryReactor* ListComments(
      grpc::CallbackServerContext* context,
      const v1::ListCommentsRequest* request,
      v1::ListCommentsResponse* response) override;
  grpc::ServerUnaryReactor* LikeComment(
      grpc::CallbackServerContext* context,
      const v1::LikeCommentRequest* request,
      v1::LikeCommentResponse* response) override;
  grpc::ServerUnaryReactor* UnlikeComment(
      grpc::CallbackServerContext* context,
      const v1::UnlikeCommentRequest* request,
      v1::LikeCommentResponse* response) override;
  grpc::ServerUnaryReactor* DeleteComment(
      grpc::CallbackServerContext* context,
      const v1::DeleteCommentRequest* request,
      v1::DeleteCommentResponse* response) override;
  grpc::ServerUnaryReactor* GetArticleStats(
      grpc::CallbackServerContext* context,
      const v1::GetArticleStatsRequest* request,
      v1::ArticleStats* response) override;
  grpc::ServerUnaryReactor* BatchGetArticleStats(
      grpc::CallbackServerContext* context,
      const v1::BatchGetArticleStatsRequest* request,
      v1::BatchGetArticleStatsResponse* response) override;
  grpc::ServerUnaryReactor* ReportComment(
      grpc::CallbackServerContext* context,
      const v1::ReportCommentRequest* request,
      v1::ReportCommentResponse* response) override;

 private:
  // Each RPC's work. `request` and `response` belong to gRPC and live until
  // `done` runs, which finishes the call. `address` is the client address
  // key the flood limits count the call under (FloodGate::AddressOf; "" for
  // none).
  void DoPost(const v1::PostCommentRequest& request, std::string address,
              absl::Time deadline, v1::PostCommentResponse* response,
              StatusCallback done);
  void DoGet(const v1::GetCommentRequest& request, absl::Time deadline,
             v1::Comment* response, StatusCallback done);
  void DoList(const v1::ListCommentsRequest& request, absl::Time deadline,
              v1::ListCommentsResponse* response, StatusCallback done);
  // Like and Unlike: the same call with the direction as a flag.
  void DoLike(const std::string& article_id, const std::string& comment_id,
              const std::string& user_id, bool like, std::string address,
              absl::Time deadline, v1::LikeCommentResponse* response,
              StatusCallback done);
  void DoDelete(const v1::DeleteCommentRequest& request, absl::Time deadline,
                StatusCallback done);
  void DoStats(const v1::GetArticleStatsRequest& request, absl::Time deadline,
               v1::ArticleStats* response, StatusCallback done);
  void DoBatchStats(const v1::BatchGetArticleStatsRequest& request,
                    absl::Time deadline,
                    v1::BatchGetArticleStatsResponse* response,
                    StatusCallback done);
  void DoReport(const v1::ReportCommentRequest& request, std::string address,
                absl::Time deadline, v1::ReportCommentResponse* response,
                StatusCallback done);

  // Runs `work(deadline, done)` for a call of `call.method` and returns the
  // reactor that `done` finishes; counts the call in the RPC metrics, returns
  // its request id and writes its access line (call_log.h).
  template <typename Work>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                  const CallInfo& call, Work&& work);

  // Makes `method` parse its request as a CheckedRequest; `handler` is the
  // method's handler above.
  template <typename Request, typename Response>
  grpc::internal::CallbackUnaryHandler<CheckedRequest<Request>, Response>*
  CheckRequests(absl::string_view method,
                grpc::ServerUnaryReactor* (CommentServiceImpl::*handler)(
                    grpc::CallbackServerContext*, const Request*, Response*));

  const CommentServiceOptions options_;
  // Each method's series, by name; fixed at construction.
  const absl::flat_hash_map<std::string, RpcMetrics::Method*> methods_;
  // A page of comments is decoded straight into its response, on an arena.
  ArenaMessageAllocator<CheckedRequest<v1::ListCommentsRequest>,
                        v1::ListCommentsResponse>
      list_allocator_;
  CommentStore* const store_;
  ModerationStore* const moderation_store_;
  const BanList* const bans_;
  const moderation::LexiconHolder* const lexicon_;
  const PageTokenCodec* const tokens_;
  PostMetrics* const post_metrics_;
  FloodGate* const flood_;
  WaveGate* const waves_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_COMMENT_SERVICE_IMPL_H_
