#include "client/client.h"

#include <utility>

namespace comments {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

Client::Client(const ClientOptions& options)
    : options_(options),
      channel_(grpc::CreateChannel(
          options.target, options.credentials != nullptr
                              ? options.credentials
                              : grpc::InsecureChannelCredentials())),
      stub_(v1::CommentService::NewStub(channel_)) {}

bool Client::WaitForConnected(absl::Duration timeout) {
  return channel_->WaitForConnected(
      absl::ToChronoTime(absl::Now() + timeout));
}

template <typename Request, typename Response, typename Method>
absl::StatusOr<Response> Client::Call(Method method, const Request& request) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  Response response;
  grpc::Status status = (stub_.get()->*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<v1::PostCommentResponse> Client::PostComment(
    const v1::PostCommentRequest& request) {
  return Call<v1::PostCommentRequest, v1::PostCommentResponse>(
      &v1::CommentService::Stub::PostComment, request);
}

absl::StatusOr<v1::Comment> Client::GetComment(const std::string& article_id,
                                               const std::string& comment_id) {
  v1::GetCommentRequest request;
  request.set_article_id(article_id);
  request.set_comment_id(comment_id);
  return Call<v1::GetCommentRequest, v1::Comment>(
      &v1::CommentService::Stub::GetComment, request);
}

absl::StatusOr<v1::ListCommentsResponse> Client::ListComments(
    const v1::ListCommentsRequest& request) {
  return Call<v1::ListCommentsRequest, v1::ListCommentsResponse>(
      &v1::CommentService::Stub::ListComments, request);
}

absl::StatusOr<v1::LikeCommentResponse> Client::LikeComment(
    const std::string& article_id, const std::string& comment_id,
    const std::string& user_id) {
  v1::LikeCommentRequest request;
  request.set_article_id(article_id);
  request.set_comment_id(comment_id);
  request.set_user_id(user_id);
  return Call<v1::LikeCommentRequest, v1::LikeCommentResponse>(
      &v1::CommentService::Stub::LikeComment, request);
}

absl::StatusOr<v1::LikeCommentResponse> Client::UnlikeComment(
    const std::string& article_id, const std::string& comment_id,
    const std::string& user_id) {
  v1::UnlikeCommentRequest request;
  request.set_article_id(article_id);
  request.set_comment_id(comment_id);
  request.set_user_id(user_id);
  return Call<v1::UnlikeCommentRequest, v1::LikeCommentResponse>(
      &v1::CommentService::Stub::UnlikeComment, request);
}

absl::Status Client::DeleteComment(const std::string& article_id,
                                   const std::string& comment_id,
                                   const std::string& user_id) {
  v1::DeleteCommentRequest request;
  request.set_article_id(article_id);
  request.set_comment_id(comment_id);
  request.set_user_id(user_id);
  return Call<v1::DeleteCommentRequest, v1::DeleteCommentResponse>(
             &v1::CommentService::Stub::DeleteComment, request)
      .status();
}

absl::StatusOr<v1::ArticleStats> Client::GetArticleStats(
    const std::string& article_id) {
  v1::GetArticleStatsRequest request;
  request.set_article_id(article_id);
  return Call<v1::GetArticleStatsRequest, v1::ArticleStats>(
      &v1::CommentService::Stub::GetArticleStats, request);
}

absl::StatusOr<std::vector<v1::ArticleStats>> Client::BatchGetArticleStats(
    const std::vector<std::string>& article_ids) {
  v1::BatchGetArticleStatsRequest request;
  for (const std::string& id : article_ids) request.add_article_ids(id);
  absl::StatusOr<v1::BatchGetArticleStatsResponse> response =
      Call<v1::BatchGetArticleStatsRequest, v1::BatchGetArticleStatsResponse>(
          &v1::CommentService::Stub::BatchGetArticleStats, request);
  if (!response.ok()) return response.status();
  return std::vector<v1::ArticleStats>(response->stats().begin(),
                                       response->stats().end());
}

}  // namespace comments
