#include "service/internal/comment_service_impl.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "service/internal/grpc_status.h"
#include "service/internal/text_moderation.h"
#include "service/internal/validation.h"

namespace comments {
namespace {

// Validates an (article_id, comment_id) pair. An id the store cannot have
// issued is NOT_FOUND, like any other id it does not hold.
absl::Status ValidateCommentRef(const std::string& article_id,
                                const std::string& comment_id,
                                absl::string_view field = "comment_id") {
  if (absl::Status s = ValidateArticleId(article_id); !s.ok()) return s;
  if (absl::Status s = ValidateCommentIdPresent(comment_id, field); !s.ok()) {
    return s;
  }
  if (!IsWellFormedCommentId(comment_id)) {
    return absl::NotFoundError(absl::StrCat(
        field, " ", comment_id, " names no comment of this article"));
  }
  return absl::OkStatus();
}

}  // namespace

CommentServiceImpl::CommentServiceImpl(CommentServiceOptions options,
                                       CommentStore* store,
                                       ModerationStore* moderation_store,
                                       const moderation::LexiconHolder* lexicon,
                                       const PageTokenCodec* tokens)
    : options_(std::move(options)),
      store_(store),
      moderation_store_(moderation_store),
      lexicon_(lexicon),
      tokens_(tokens) {}

absl::Time CommentServiceImpl::Deadline(
    const grpc::ServerContext& context) const {
  return StoreDeadline(context, options_.store_timeout);
}

absl::Status CommentServiceImpl::Post(const v1::PostCommentRequest& request,
                                      absl::Time deadline,
                                      v1::PostCommentResponse& response) {
  NewComment comment;
  if (absl::Status s = ValidateArticleId(request.article_id()); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateUserId(request.author_id(), "author_id");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> name = NormalizeAuthorName(request.author_name());
  if (!name.ok()) return name.status();
  absl::StatusOr<std::string> body =
      NormalizeBody(request.body(), options_.max_body_chars);
  if (!body.ok()) return body.status();
  if (request.idempotency_key().size() > kMaxIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("idempotency_key is longer than ", kMaxIdBytes, " bytes"));
  }
  if (!request.parent_id().empty()) {
    if (absl::Status s = ValidateCommentRef(request.article_id(),
                                            request.parent_id(), "parent_id");
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<bool> banned =
      moderation_store_->IsBanned(request.author_id(), deadline);
  if (!banned.ok()) return banned.status();
  if (*banned) {
    return absl::PermissionDeniedError("author_id is banned from commenting");
  }
  const ModeratedText moderated = Moderate(*lexicon_, *name, *body);
  comment.article_id = request.article_id();
  comment.parent_id = request.parent_id();
  comment.author_id = request.author_id();
  comment.author_name = moderated.author_name;
  comment.body = moderated.body;
  comment.idempotency_key = request.idempotency_key();
  comment.verdict = std::string(moderation::ActionName(moderated.action));
  comment.default_policy = options_.default_policy;
  comment.detail = moderated.detail.SerializeAsString();
  absl::StatusOr<PostResult> result = store_->Post(comment, deadline);
  if (!result.ok()) return result.status();
  const v1::Comment& stored = result->stored.comment;
  if (stored.status() == v1::COMMENT_STATUS_PENDING) {
    // Idempotent: a retry re-adds the same entry.
    const absl::Time created =
        absl::FromUnixMicros(stored.create_time().seconds() * 1000000 +
                             stored.create_time().nanos() / 1000);
    if (absl::Status s = moderation_store_->Enqueue(
            v1::QUEUE_PENDING, {stored.article_id(), stored.comment_id()},
            absl::ToUnixMicros(created), deadline);
        !s.ok()) {
      return s;
    }
  }
  if (std::optional<v1::ModerationOutcome> outcome =
          Outcome(result->stored, result->policy == "pre")) {
    *response.mutable_moderation() = *std::move(outcome);
  }
  *response.mutable_comment() = std::move(result->stored.comment);
  return absl::OkStatus();
}

absl::Status CommentServiceImpl::Report(const v1::ReportCommentRequest& request,
                                        absl::Time deadline,
                                        v1::ReportCommentResponse& response) {
  if (absl::Status s =
          ValidateCommentRef(request.article_id(), request.comment_id());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateUserId(request.user_id(), "user_id"); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> reason = NormalizeReason(request.reason());
  if (!reason.ok()) return reason.status();
  absl::StatusOr<ReportResult> result = store_->Report(
      request.article_id(), request.comment_id(), request.user_id(), *reason,
      options_.report_threshold, deadline);
  if (!result.ok()) return result.status();
  if (result->queued) {
    if (absl::Status s = moderation_store_->Enqueue(
            v1::QUEUE_REPORTED, {request.article_id(), request.comment_id()},
            result->queued_at_us, deadline);
        !s.ok()) {
      return s;
    }
  }
  response.set_report_count(result->report_count);
  return absl::OkStatus();
}

grpc::Status CommentServiceImpl::ReportComment(
    grpc::ServerContext* context, const v1::ReportCommentRequest* request,
    v1::ReportCommentResponse* response) {
  return ToGrpcStatus(Report(*request, Deadline(*context), *response));
}

absl::Status CommentServiceImpl::List(const v1::ListCommentsRequest& request,
                                      absl::Time deadline,
                                      v1::ListCommentsResponse& response) {
  if (absl::Status s = ValidateArticleId(request.article_id()); !s.ok()) {
    return s;
  }
  if (!request.parent_id().empty()) {
    if (absl::Status s = ValidateCommentRef(request.article_id(),
                                            request.parent_id(), "parent_id");
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<int> limit = ResolvePageSize(
      request.page_size(), options_.default_page_size, options_.max_page_size);
  if (!limit.ok()) return limit.status();
  ListQuery query;
  switch (request.order()) {
    case v1::ORDER_UNSPECIFIED:
    case v1::ORDER_NEWEST:
      query.order = v1::ORDER_NEWEST;
      break;
    case v1::ORDER_HOT:
    case v1::ORDER_OLDEST:
      query.order = request.order();
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("order ", static_cast<int>(request.order()),
                       " is not a known Order"));
  }
  query.article_id = request.article_id();
  query.parent_id = request.parent_id();
  query.limit = *limit;
  PageCursor expected;
  expected.article_id = query.article_id;
  expected.parent_id = query.parent_id;
  expected.order = query.order;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor =
        tokens_->Decode(request.page_token(), expected);
    if (!cursor.ok()) return cursor.status();
    query.after = IndexPosition{cursor->score, cursor->comment_id};
  }
  absl::StatusOr<ListPage> page = store_->List(query, deadline);
  if (!page.ok()) return page.status();
  for (StoredComment& stored : page->comments) {
    *response.add_comments() = std::move(stored.comment);
  }
  if (page->next) {
    expected.score = page->next->score;
    expected.comment_id = page->next->comment_id;
    response.set_next_page_token(tokens_->Encode(expected));
  }
  return absl::OkStatus();
}

absl::Status CommentServiceImpl::Like(const std::string& article_id,
                                      const std::string& comment_id,
                                      const std::string& user_id, bool like,
                                      absl::Time deadline,
                                      v1::LikeCommentResponse& response) {
  if (absl::Status s = ValidateCommentRef(article_id, comment_id); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateUserId(user_id, "user_id"); !s.ok()) return s;
  absl::StatusOr<LikeState> state =
      store_->SetLike(article_id, comment_id, user_id, like, deadline);
  if (!state.ok()) return state.status();
  response.set_like_count(state->like_count);
  response.set_liked(state->liked);
  return absl::OkStatus();
}

grpc::Status CommentServiceImpl::PostComment(
    grpc::ServerContext* context, const v1::PostCommentRequest* request,
    v1::PostCommentResponse* response) {
  return ToGrpcStatus(Post(*request, Deadline(*context), *response));
}

grpc::Status CommentServiceImpl::GetComment(
    grpc::ServerContext* context, const v1::GetCommentRequest* request,
    v1::Comment* response) {
  if (absl::Status s =
          ValidateCommentRef(request->article_id(), request->comment_id());
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<v1::Comment> comment = store_->Get(
      request->article_id(), request->comment_id(), Deadline(*context));
  if (!comment.ok()) return ToGrpcStatus(comment.status());
  // Held and refused comments are not the public's to read.
  if (comment->status() == v1::COMMENT_STATUS_PENDING ||
      comment->status() == v1::COMMENT_STATUS_REJECTED) {
    return ToGrpcStatus(
        absl::NotFoundError(absl::StrCat("comment_id ", request->comment_id(),
                                         " names no comment of this article")));
  }
  *response = *std::move(comment);
  return grpc::Status::OK;
}

grpc::Status CommentServiceImpl::ListComments(
    grpc::ServerContext* context, const v1::ListCommentsRequest* request,
    v1::ListCommentsResponse* response) {
  return ToGrpcStatus(List(*request, Deadline(*context), *response));
}

grpc::Status CommentServiceImpl::LikeComment(
    grpc::ServerContext* context, const v1::LikeCommentRequest* request,
    v1::LikeCommentResponse* response) {
  return ToGrpcStatus(Like(request->article_id(), request->comment_id(),
                           request->user_id(), /*like=*/true,
                           Deadline(*context), *response));
}

grpc::Status CommentServiceImpl::UnlikeComment(
    grpc::ServerContext* context, const v1::UnlikeCommentRequest* request,
    v1::LikeCommentResponse* response) {
  return ToGrpcStatus(Like(request->article_id(), request->comment_id(),
                           request->user_id(), /*like=*/false,
                           Deadline(*context), *response));
}

grpc::Status CommentServiceImpl::DeleteComment(
    grpc::ServerContext* context, const v1::DeleteCommentRequest* request,
    v1::DeleteCommentResponse* response) {
  absl::Status s =
      ValidateCommentRef(request->article_id(), request->comment_id());
  if (s.ok()) s = ValidateUserId(request->user_id(), "user_id");
  if (!s.ok()) return ToGrpcStatus(s);
  const absl::Time deadline = Deadline(*context);
  absl::StatusOr<std::string> left =
      store_->Delete(request->article_id(), request->comment_id(),
                     request->user_id(), deadline);
  if (!left.ok()) return ToGrpcStatus(left.status());
  if (!left->empty()) {
    s = moderation_store_->Dequeue(
        *left == "pending" ? v1::QUEUE_PENDING : v1::QUEUE_REPORTED,
        {{request->article_id(), request->comment_id()}}, deadline);
  }
  return ToGrpcStatus(s);
}

grpc::Status CommentServiceImpl::GetArticleStats(
    grpc::ServerContext* context, const v1::GetArticleStatsRequest* request,
    v1::ArticleStats* response) {
  if (absl::Status s = ValidateArticleId(request->article_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<std::vector<v1::ArticleStats>> stats =
      store_->Stats({request->article_id()}, Deadline(*context));
  if (!stats.ok()) return ToGrpcStatus(stats.status());
  *response = std::move(stats->front());
  return grpc::Status::OK;
}

grpc::Status CommentServiceImpl::BatchGetArticleStats(
    grpc::ServerContext* context,
    const v1::BatchGetArticleStatsRequest* request,
    v1::BatchGetArticleStatsResponse* response) {
  const int n = request->article_ids_size();
  if (n == 0) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        "article_ids must name at least one article"));
  }
  if (n > options_.max_batch_articles) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("article_ids holds ", n, " ids; the limit is ",
                     options_.max_batch_articles)));
  }
  std::vector<std::string> ids(request->article_ids().begin(),
                               request->article_ids().end());
  for (int i = 0; i < n; ++i) {
    if (absl::Status s =
            ValidateArticleId(ids[i], absl::StrCat("article_ids[", i, "]"));
        !s.ok()) {
      return ToGrpcStatus(s);
    }
  }
  absl::StatusOr<std::vector<v1::ArticleStats>> stats =
      store_->Stats(ids, Deadline(*context));
  if (!stats.ok()) return ToGrpcStatus(stats.status());
  for (v1::ArticleStats& s : *stats) *response->add_stats() = std::move(s);
  return grpc::Status::OK;
}

}  // namespace comments
