#include "client/client.h"

#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "client/internal/unary_call.h"

namespace comments {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options) {
  // gRPC's own reconnect backoff (1 s growing to 2 min by default) would
  // keep a channel down long after the server is back; tie it to ours.
  // Not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: gRPC takes it as the least time
  // a connection attempt may take, handshake included, so our short initial
  // backoff made a server slow to send its HTTP/2 SETTINGS (a loaded
  // machine) fail every attempt; its default (20 s) is bounded by each
  // call's deadline anyway.
  grpc::ChannelArguments args;
  args.SetInt(
      GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
      static_cast<int>(absl::ToInt64Milliseconds(options.initial_backoff)));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
              static_cast<int>(absl::ToInt64Milliseconds(options.max_backoff)));
  // A target that resolves to several replicas ("ipv4:10.0.0.1:50051,
  // 10.0.0.2:50051", or a DNS name with several addresses) spreads its calls
  // over all of them, skipping those that are down; gRPC's default
  // (pick_first) would send every call to the first one that answers.
  args.SetLoadBalancingPolicyName("round_robin");
  return grpc::CreateCustomChannel(options.target,
                                   options.credentials != nullptr
                                       ? options.credentials
                                       : grpc::InsecureChannelCredentials(),
                                   args);
}

namespace {

// 128 random bits, hex.
std::string RandomHex128() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrCat(absl::Hex(random(), absl::kZeroPad16),
                      absl::Hex(random(), absl::kZeroPad16));
}

// This thread's innermost RequestIdScope, and its last call's id.
thread_local const std::string* t_scope_id = nullptr;
thread_local std::string t_last_request_id;
// This thread's innermost ClientAddressScope.
thread_local const std::string* t_client_address = nullptr;

}  // namespace

std::string NewRequestId() { return RandomHex128(); }

bool IsValidRequestId(absl::string_view request_id) {
  if (request_id.empty() || request_id.size() > 128) return false;
  for (char c : request_id) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

RequestIdScope::RequestIdScope(std::string request_id)
    : id_(std::move(request_id)), outer_(t_scope_id) {
  t_scope_id = &id_;
}

RequestIdScope::~RequestIdScope() { t_scope_id = outer_; }

const std::string& LastRequestId() { return t_last_request_id; }

ClientAddressScope::ClientAddressScope(std::string address)
    : address_(std::move(address)), outer_(t_client_address) {
  t_client_address = &address_;
}

ClientAddressScope::~ClientAddressScope() { t_client_address = outer_; }

namespace client_internal {

CallTags BeginCall() {
  t_last_request_id = t_scope_id != nullptr ? *t_scope_id : NewRequestId();
  return {t_last_request_id,
          t_client_address != nullptr ? *t_client_address : ""};
}

}  // namespace client_internal

Client::Client(const ClientOptions& options)
    : Client(options, MakeChannel(options)) {}

Client::Client(const ClientOptions& options,
               std::shared_ptr<grpc::Channel> channel)
    : options_(options),
      channel_(std::move(channel)),
      stub_(v1::CommentService::NewStub(channel_)) {}

bool Client::WaitForConnected(absl::Duration timeout) {
  return channel_->WaitForConnected(absl::ToChronoTime(absl::Now() + timeout));
}

absl::StatusOr<v1::PostCommentResponse> Client::PostComment(
    const v1::PostCommentRequest& original) {
  // With a key, a retry after a lost answer returns the first comment
  // instead of posting it twice.
  v1::PostCommentRequest request = original;
  if (request.idempotency_key().empty()) {
    request.set_idempotency_key(RandomHex128());
  }
  return client_internal::UnaryCall<v1::PostCommentResponse>(
      *stub_, &v1::CommentService::Stub::PostComment, request, options_);
}

absl::StatusOr<v1::Comment> Client::GetComment(const std::string& article_id,
                                               const std::string& comment_id,
                                               const std::string& viewer_id) {
  v1::GetCommentRequest request;
  request.set_article_id(article_id);
  request.set_comment_id(comment_id);
  request.set_viewer_id(viewer_id);
  return client_internal::UnaryCall<v1::Comment>(
      *stub_, &v1::CommentService::Stub::GetComment, request, options_);
}

absl::StatusOr<v1::ListCommentsResponse> Client::ListComments(
    const v1::ListCommentsRequest& request) {
  return client_internal::UnaryCall<v1::ListCommentsResponse>(
      *stub_, &v1::CommentService::Stub::ListComments, request, options_);
}

absl::StatusOr<v1::LikeCommentResponse> Client::LikeComment(
    const std::string& article_id, const std::string& comment_id,
    const std::string& user_id) {
  v1::LikeCommentRequest request;
  request.set_article_id(article_id);
  request.set_comment_id(comment_id);
  request.set_user_id(user_id);
  return client_internal::UnaryCall<v1::LikeCommentResponse>(
      *stub_, &v1::CommentService::Stub::LikeComment, request, options_);
}

absl::StatusOr<v1::LikeCommentResponse> Client::UnlikeComment(
    const std::string& article_id, const std::string& comment_id,
    const std::string& user_id) {
  v1::UnlikeCommentRequest request;
  request.set_article_id(article_id);
  request.set_comment_id(comment_id);
  request.set_user_id(user_id);
  return client_internal::UnaryCall<v1::LikeCommentResponse>(
      *stub_, &v1::CommentService::Stub::UnlikeComment, request, options_);
}

absl::Status Client::DeleteComment(const std::string& article_id,
                                   const std::string& comment_id,
                                   const std::string& user_id) {
  v1::DeleteCommentRequest request;
  request.set_article_id(article_id);
  request.set_comment_id(comment_id);
  request.set_user_id(user_id);
  return client_internal::UnaryCall<v1::DeleteCommentResponse>(
             *stub_, &v1::CommentService::Stub::DeleteComment, request,
             options_)
      .status();
}

absl::StatusOr<v1::ArticleStats> Client::GetArticleStats(
    const std::string& article_id) {
  v1::GetArticleStatsRequest request;
  request.set_article_id(article_id);
  return client_internal::UnaryCall<v1::ArticleStats>(
      *stub_, &v1::CommentService::Stub::GetArticleStats, request, options_);
}

absl::StatusOr<std::vector<v1::ArticleStats>> Client::BatchGetArticleStats(
    const std::vector<std::string>& article_ids) {
  v1::BatchGetArticleStatsRequest request;
  for (const std::string& id : article_ids) request.add_article_ids(id);
  absl::StatusOr<v1::BatchGetArticleStatsResponse> response =
      client_internal::UnaryCall<v1::BatchGetArticleStatsResponse>(
          *stub_, &v1::CommentService::Stub::BatchGetArticleStats, request,
          options_);
  if (!response.ok()) return response.status();
  return std::vector<v1::ArticleStats>(response->stats().begin(),
                                       response->stats().end());
}

absl::StatusOr<v1::ReportCommentResponse> Client::ReportComment(
    const std::string& article_id, const std::string& comment_id,
    const std::string& user_id, const std::string& reason) {
  v1::ReportCommentRequest request;
  request.set_article_id(article_id);
  request.set_comment_id(comment_id);
  request.set_user_id(user_id);
  request.set_reason(reason);
  return client_internal::UnaryCall<v1::ReportCommentResponse>(
      *stub_, &v1::CommentService::Stub::ReportComment, request, options_);
}

absl::StatusOr<CommentBlock> Client::FetchCommentBlock(
    const std::string& article_id, int page_size,
    const std::string& viewer_id) {
  v1::GetArticleStatsRequest stats_request;
  stats_request.set_article_id(article_id);
  v1::ListCommentsRequest hot_request;
  hot_request.set_article_id(article_id);
  hot_request.set_order(v1::ORDER_HOT);
  hot_request.set_page_size(page_size);
  hot_request.set_viewer_id(viewer_id);
  v1::ListCommentsRequest newest_request = hot_request;
  newest_request.set_order(v1::ORDER_NEWEST);

  const absl::Time deadline = absl::Now() + options_.deadline;
  // One id for the three parts and their retries: one call for the caller.
  const client_internal::CallTags tags = client_internal::BeginCall();
  const RequestIdScope same_id(tags.request_id);
  CommentBlock block;
  grpc::ClientContext contexts[3];
  grpc::Status statuses[3];
  absl::BlockingCounter pending(3);
  for (grpc::ClientContext& context : contexts) {
    client_internal::Prepare(context, options_, deadline, tags);
  }
  auto done = [&](int i) {
    return [&, i](grpc::Status status) {
      statuses[i] = std::move(status);
      pending.DecrementCount();
    };
  };
  stub_->async()->GetArticleStats(&contexts[0], &stats_request, &block.stats,
                                  done(0));
  stub_->async()->ListComments(&contexts[1], &hot_request, &block.hot, done(1));
  stub_->async()->ListComments(&contexts[2], &newest_request, &block.newest,
                               done(2));
  pending.Wait();
  // A part that found the service unavailable gets the usual retries, one
  // by one, in the time left.
  ClientOptions rest = options_;
  rest.deadline = deadline - absl::Now();
  for (int i = 0; i < 3; ++i) {
    if (statuses[i].ok()) continue;
    if (statuses[i].error_code() != grpc::StatusCode::UNAVAILABLE ||
        rest.deadline <= absl::ZeroDuration()) {
      return FromGrpcStatus(statuses[i]);
    }
    absl::Status retried;
    if (i == 0) {
      auto stats = client_internal::UnaryCall<v1::ArticleStats>(
          *stub_, &v1::CommentService::Stub::GetArticleStats, stats_request,
          rest);
      if (stats.ok()) block.stats = *std::move(stats);
      retried = stats.status();
    } else {
      auto page = client_internal::UnaryCall<v1::ListCommentsResponse>(
          *stub_, &v1::CommentService::Stub::ListComments,
          i == 1 ? hot_request : newest_request, rest);
      if (page.ok()) (i == 1 ? block.hot : block.newest) = *std::move(page);
      retried = page.status();
    }
    if (!retried.ok()) return retried;
  }
  return block;
}

ModerationClient::ModerationClient(const ClientOptions& options)
    : ModerationClient(options, MakeChannel(options)) {}

ModerationClient::ModerationClient(const ClientOptions& options,
                                   std::shared_ptr<grpc::Channel> channel)
    : options_(options),
      channel_(std::move(channel)),
      stub_(v1::ModerationService::NewStub(channel_)) {}

#define COMMENTS_MODERATION_CALL(Method, Request, Response)               \
  absl::StatusOr<v1::Response> ModerationClient::Method(                  \
      const v1::Request& request) {                                       \
    return client_internal::UnaryCall<v1::Response>(                      \
        *stub_, &v1::ModerationService::Stub::Method, request, options_); \
  }
COMMENTS_MODERATION_CALL(ListQueue, ListQueueRequest, ListQueueResponse)
COMMENTS_MODERATION_CALL(ModerateComments, ModerateCommentsRequest,
                         ModerateCommentsResponse)
COMMENTS_MODERATION_CALL(UpdateKeywords, UpdateKeywordsRequest,
                         UpdateKeywordsResponse)
COMMENTS_MODERATION_CALL(ListKeywords, ListKeywordsRequest,
                         ListKeywordsResponse)
COMMENTS_MODERATION_CALL(ListAuditLog, ListAuditLogRequest,
                         ListAuditLogResponse)
COMMENTS_MODERATION_CALL(ListWaves, ListWavesRequest, ListWavesResponse)
#undef COMMENTS_MODERATION_CALL

absl::StatusOr<v1::CommentStatus> ModerationClient::Decide(
    const std::string& article_id, const std::string& comment_id,
    v1::Decision decision, const std::string& reason) {
  v1::ModerateCommentsRequest request;
  v1::CommentDecision* d = request.add_decisions();
  d->set_article_id(article_id);
  d->set_comment_id(comment_id);
  d->set_decision(decision);
  request.set_reason(reason);
  absl::StatusOr<v1::ModerateCommentsResponse> response =
      ModerateComments(request);
  if (!response.ok()) return response.status();
  if (response->results_size() != 1) {
    return absl::InternalError("ModerateComments answered no result");
  }
  const v1::DecisionResult& result = response->results(0);
  if (result.code() != 0) {
    return absl::Status(static_cast<absl::StatusCode>(result.code()),
                        result.message());
  }
  return result.status();
}

absl::StatusOr<v1::QueueItem> ModerationClient::InspectComment(
    const std::string& article_id, const std::string& comment_id) {
  v1::InspectCommentRequest request;
  request.set_article_id(article_id);
  request.set_comment_id(comment_id);
  return client_internal::UnaryCall<v1::QueueItem>(
      *stub_, &v1::ModerationService::Stub::InspectComment, request, options_);
}

absl::StatusOr<int64_t> ModerationClient::ClearQueue(
    const v1::ClearQueueRequest& request) {
  absl::StatusOr<v1::ClearQueueResponse> response =
      client_internal::UnaryCall<v1::ClearQueueResponse>(
          *stub_, &v1::ModerationService::Stub::ClearQueue, request, options_);
  if (!response.ok()) return response.status();
  return response->count();
}

absl::StatusOr<int64_t> ModerationClient::RejectWave(
    const std::string& wave_id, const std::string& reason) {
  v1::RejectWaveRequest request;
  request.set_wave_id(wave_id);
  request.set_reason(reason);
  absl::StatusOr<v1::RejectWaveResponse> response =
      client_internal::UnaryCall<v1::RejectWaveResponse>(
          *stub_, &v1::ModerationService::Stub::RejectWave, request, options_);
  if (!response.ok()) return response.status();
  return response->count();
}

absl::StatusOr<v1::Comment> ModerationClient::FeatureComment(
    const std::string& article_id, const std::string& comment_id,
    bool featured, const std::string& reason) {
  v1::FeatureCommentRequest request;
  request.set_article_id(article_id);
  request.set_comment_id(comment_id);
  request.set_featured(featured);
  request.set_reason(reason);
  return client_internal::UnaryCall<v1::Comment>(
      *stub_, &v1::ModerationService::Stub::FeatureComment, request, options_);
}

absl::StatusOr<v1::ArticlePolicy> ModerationClient::SetArticlePolicy(
    const std::string& article_id, v1::Policy policy) {
  v1::SetArticlePolicyRequest request;
  request.set_article_id(article_id);
  request.set_policy(policy);
  return client_internal::UnaryCall<v1::ArticlePolicy>(
      *stub_, &v1::ModerationService::Stub::SetArticlePolicy, request,
      options_);
}

absl::StatusOr<v1::ArticlePolicy> ModerationClient::GetArticlePolicy(
    const std::string& article_id) {
  v1::GetArticlePolicyRequest request;
  request.set_article_id(article_id);
  return client_internal::UnaryCall<v1::ArticlePolicy>(
      *stub_, &v1::ModerationService::Stub::GetArticlePolicy, request,
      options_);
}

absl::Status ModerationClient::BanUser(const std::string& user_id,
                                       const std::string& reason) {
  v1::BanUserRequest request;
  request.set_user_id(user_id);
  request.set_reason(reason);
  return client_internal::UnaryCall<v1::BanUserResponse>(
             *stub_, &v1::ModerationService::Stub::BanUser, request, options_)
      .status();
}

absl::Status ModerationClient::UnbanUser(const std::string& user_id,
                                         const std::string& reason) {
  v1::UnbanUserRequest request;
  request.set_user_id(user_id);
  request.set_reason(reason);
  return client_internal::UnaryCall<v1::UnbanUserResponse>(
             *stub_, &v1::ModerationService::Stub::UnbanUser, request, options_)
      .status();
}

}  // namespace comments
