#include "service/rpc/comment_service_impl.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "service/rpc/grpc_status.h"
#include "service/rpc/text_moderation.h"
#include "service/rpc/validation.h"
#include "service/store/moderation_convert.h"
#include "service/store/store_error.h"

namespace comments {
namespace {

// The category of the match that decided a post's action: the first match
// as strong as the action ("" when nothing matched).
std::string DecidingCategory(const ModeratedText& moderated) {
  for (const v1::KeywordMatch& m : moderated.detail.matches()) {
    if (m.action() == ToProtoAction(moderated.action)) return m.category();
  }
  return "";
}

}  // namespace

CommentServiceImpl::CommentServiceImpl(
    CommentServiceOptions options, CommentStore* store,
    ModerationStore* moderation_store, const BanList* bans,
    const moderation::LexiconHolder* lexicon, const PageTokenCodec* tokens,
    RpcMetrics* metrics, PostMetrics* post_metrics, FloodGate* flood,
    WaveGate* waves)
    : options_(std::move(options)),
      methods_(metrics->ForService(v1::CommentService::service_full_name())),
      store_(store),
      moderation_store_(moderation_store),
      bans_(bans),
      lexicon_(lexicon),
      tokens_(tokens),
      post_metrics_(post_metrics),
      flood_(flood),
      waves_(waves) {
  InstallProtobufLogFilter();
  CheckRequests("PostComment", &CommentServiceImpl::PostComment);
  CheckRequests("GetComment", &CommentServiceImpl::GetComment);
  CheckRequests("ListComments", &CommentServiceImpl::ListComments)
      ->SetMessageAllocator(&list_allocator_);
  CheckRequests("LikeComment", &CommentServiceImpl::LikeComment);
  CheckRequests("UnlikeComment", &CommentServiceImpl::UnlikeComment);
  CheckRequests("DeleteComment", &CommentServiceImpl::DeleteComment);
  CheckRequests("GetArticleStats", &CommentServiceImpl::GetArticleStats);
  CheckRequests("BatchGetArticleStats",
                &CommentServiceImpl::BatchGetArticleStats);
  CheckRequests("ReportComment", &CommentServiceImpl::ReportComment);
}

template <typename Request, typename Response>
grpc::internal::CallbackUnaryHandler<CheckedRequest<Request>, Response>*
CommentServiceImpl::CheckRequests(
    absl::string_view method,
    grpc::ServerUnaryReactor* (CommentServiceImpl::*handler)(
        grpc::CallbackServerContext*, const Request*, Response*)) {
  auto* checked = NewCheckedHandler(
      this, handler,
      [metrics = methods_.find(method)->second](
          grpc::CallbackServerContext* context, const absl::Status& problem) {
        metrics->Started();
        metrics->Handled(problem.code(), absl::ZeroDuration());
        grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
        reactor->Finish(ToGrpcStatus(problem));
        return reactor;
      });
  MarkMethodCallback(CheckedMethodIndex(v1::CommentService::service_full_name(),
                                        method, Request::descriptor()),
                     checked);
  return checked;
}

template <typename Work>
grpc::ServerUnaryReactor* CommentServiceImpl::Serve(
    grpc::CallbackServerContext* context, const CallInfo& call, Work&& work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RpcMetrics::Method* metrics = methods_.find(call.method)->second;
  metrics->Started();
  const absl::Time start = absl::Now();
  CallLog log(*context, v1::CommentService::service_full_name(), call,
              options_.log_client_ip);
  std::forward<Work>(work)(
      StoreDeadline(*context, options_.store_timeout),
      StatusCallback(
          [reactor, metrics, start, log = std::move(log)](absl::Status status) {
            metrics->Handled(status.code(), absl::Now() - start);
            log.Finished(status);
            reactor->Finish(ToGrpcStatus(status));
          }));
  return reactor;
}

void CommentServiceImpl::DoPost(const v1::PostCommentRequest& request,
                                std::string address, absl::Time deadline,
                                v1::PostCommentResponse* response,
                                StatusCallback done) {
  if (absl::Status s = ValidateArticleId(request.article_id()); !s.ok()) {
    return std::move(done)(s);
  }
  if (absl::Status s = ValidateUserId(request.author_id(), "author_id");
      !s.ok()) {
    return std::move(done)(s);
  }
  absl::StatusOr<std::string> name = NormalizeAuthorName(request.author_name());
  if (!name.ok()) return std::move(done)(name.status());
  absl::StatusOr<std::string> body =
      NormalizeBody(request.body(), options_.max_body_chars);
  if (!body.ok()) return std::move(done)(body.status());
  if (request.idempotency_key().size() > kMaxIdBytes) {
    return std::move(done)(absl::InvalidArgumentError(absl::StrCat(
        "idempotency_key is longer than ", kMaxIdBytes, " bytes")));
  }
  if (!request.parent_id().empty()) {
    if (absl::Status s = ValidateCommentRef(request.article_id(),
                                            request.parent_id(), "parent_id");
        !s.ok()) {
      return std::move(done)(s);
    }
  }
  // Moderation is CPU work: it runs here, on gRPC's thread, not on the
  // Redis I/O thread where the callbacks below run.
  const ModeratedText moderated = Moderate(*lexicon_, *name, *body);
  post_metrics_->Moderated(moderated.action, DecidingCategory(moderated));
  NewComment comment;
  comment.article_id = request.article_id();
  comment.parent_id = request.parent_id();
  comment.author_id = request.author_id();
  comment.author_name = moderated.author_name;
  comment.body = moderated.body;
  comment.idempotency_key = request.idempotency_key();
  comment.verdict = moderated.action;
  comment.default_policy = options_.default_policy;
  comment.detail = moderated.detail.SerializeAsString();
  // Copy-paste waves (wave_gate.h): fingerprinted here, on gRPC's thread,
  // as moderation is. A blocked post is refused anyway.
  std::optional<moderation::TextFingerprint> wave_fingerprint;
  if (waves_ != nullptr && moderated.action != moderation::Action::kBlock) {
    wave_fingerprint = waves_->Fingerprint(*body);
  }

  auto posted = [this, deadline, response, done = std::move(done)](
                    absl::StatusOr<PostResult> result) mutable {
    if (!result.ok()) {
      post_metrics_->Refused(result.status());
      return std::move(done)(result.status());
    }
    if (std::optional<v1::ModerationOutcome> outcome = Outcome(
            result->stored, result->policy == v1::POLICY_PRE_MODERATION)) {
      *response->mutable_moderation() = *std::move(outcome);
    }
    *response->mutable_comment() = std::move(result->stored.comment);
    const v1::Comment& stored = response->comment();
    if (stored.status() != v1::COMMENT_STATUS_PENDING) {
      return std::move(done)(absl::OkStatus());
    }
    // Into the cross-article queue as well. Idempotent: a retry re-adds the
    // same entry.
    const int64_t created_us = stored.create_time().seconds() * 1000000 +
                               stored.create_time().nanos() / 1000;
    moderation_store_->Enqueue(v1::QUEUE_PENDING,
                               {stored.article_id(), stored.comment_id()},
                               created_us, deadline, std::move(done));
  };
  // Stores the comment once the flood limits across articles have a place
  // for it, and gives the place back when it was not stored after all.
  auto post_if_admitted = [this, comment = std::move(comment), deadline,
                           wave_fingerprint = std::move(wave_fingerprint),
                           sample = *std::move(body),
                           posted = std::move(posted)](
                              absl::StatusOr<FloodTicket> ticket) mutable {
    if (!ticket.ok()) {
      // A retry of a post that was stored must still find it, even once
      // the limit is reached: ask the store for a replay only, and answer
      // the refusal when there is none.
      if (comment.idempotency_key.empty() ||
          !StoreErrorOf(ticket.status()).has_value()) {
        return std::move(posted)(ticket.status());
      }
      comment.replay_only = true;
      return store_->Post(
          std::move(comment), deadline,
          [refused = ticket.status(), posted = std::move(posted)](
              absl::StatusOr<PostResult> replayed) mutable {
            std::move(posted)(replayed.ok() ? std::move(replayed) : refused);
          });
    }
    auto refund_unless_stored =
        [this, ticket = *std::move(ticket), posted = std::move(posted)](
            absl::StatusOr<PostResult> result) mutable {
          if (result.ok() ? !result->created
                          : FloodGate::DidNotHappen(result.status())) {
            flood_->Refund(std::move(ticket));
          }
          std::move(posted)(std::move(result));
        };
    if (wave_fingerprint.has_value()) {
      return waves_->Post(std::move(comment), *wave_fingerprint,
                          std::move(sample), deadline,
                          std::move(refund_unless_stored));
    }
    store_->Post(std::move(comment), deadline,
                 std::move(refund_unless_stored));
  };
  auto post_unless_banned = [this, author = request.author_id(),
                             address = std::move(address), deadline,
                             post_if_admitted = std::move(post_if_admitted)](
                                absl::StatusOr<bool> banned) mutable {
    if (!banned.ok()) return std::move(post_if_admitted)(banned.status());
    if (*banned) {
      post_metrics_->Banned();
      return std::move(post_if_admitted)(
          absl::PermissionDeniedError("author_id is banned from commenting"));
    }
    flood_->Admit(FloodAction::kPost, author, address, deadline,
                  std::move(post_if_admitted));
  };
  // The replica's ban list spares a round trip; Redis answers until it has
  // been loaded.
  if (std::optional<bool> banned = bans_->Contains(request.author_id())) {
    return post_unless_banned(*banned);
  }
  moderation_store_->IsBanned(request.author_id(), deadline,
                              std::move(post_unless_banned));
}

void CommentServiceImpl::DoReport(const v1::ReportCommentRequest& request,
                                  std::string address, absl::Time deadline,
                                  v1::ReportCommentResponse* response,
                                  StatusCallback done) {
  if (absl::Status s =
          ValidateCommentRef(request.article_id(), request.comment_id());
      !s.ok()) {
    return std::move(done)(s);
  }
  if (absl::Status s = ValidateUserId(request.user_id(), "user_id"); !s.ok()) {
    return std::move(done)(s);
  }
  absl::StatusOr<std::string> reason = NormalizeReason(request.reason());
  if (!reason.ok()) return std::move(done)(reason.status());
  CommentRef ref{request.article_id(), request.comment_id()};
  auto report = [this, ref, user = request.user_id(),
                 reason = *std::move(reason), deadline, response,
                 done = std::move(done)](
                    absl::StatusOr<FloodTicket> ticket) mutable {
    if (!ticket.ok()) {
      post_metrics_->ActionRefused(/*report=*/true, ticket.status());
      return std::move(done)(ticket.status());
    }
    store_->Report(
        ref, std::move(user), std::move(reason), options_.report_threshold,
        deadline,
        [this, ref, deadline, response, ticket = *std::move(ticket),
         done = std::move(done)](absl::StatusOr<ReportResult> result) mutable {
          // A repeated report changes nothing: it does not count.
          if (result.ok() ? !result->added
                          : FloodGate::DidNotHappen(result.status())) {
            flood_->Refund(std::move(ticket));
          }
          if (!result.ok()) return std::move(done)(result.status());
          response->set_report_count(result->report_count);
          if (!result->queued) return std::move(done)(absl::OkStatus());
          moderation_store_->Enqueue(v1::QUEUE_REPORTED, ref,
                                     result->queued_at_us, deadline,
                                     std::move(done));
        });
  };
  flood_->Admit(FloodAction::kReport, request.user_id(), address, deadline,
                std::move(report));
}

void CommentServiceImpl::DoList(const v1::ListCommentsRequest& request,
                                absl::Time deadline,
                                v1::ListCommentsResponse* response,
                                StatusCallback done) {
  if (absl::Status s = ValidateArticleId(request.article_id()); !s.ok()) {
    return std::move(done)(s);
  }
  if (!request.parent_id().empty()) {
    if (absl::Status s = ValidateCommentRef(request.article_id(),
                                            request.parent_id(), "parent_id");
        !s.ok()) {
      return std::move(done)(s);
    }
  }
  absl::StatusOr<int> limit = ResolvePageSize(
      request.page_size(), options_.default_page_size, options_.max_page_size);
  if (!limit.ok()) return std::move(done)(limit.status());
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
    case v1::ORDER_FEATURED:
      if (!request.parent_id().empty()) {
        return std::move(done)(absl::InvalidArgumentError(
            "parent_id must be empty with ORDER_FEATURED: only top-level "
            "listing of featured comments exists"));
      }
      query.order = request.order();
      break;
    default:
      return std::move(done)(absl::InvalidArgumentError(
          absl::StrCat("order ", static_cast<int>(request.order()),
                       " is not a known Order")));
  }
  if (!request.viewer_id().empty()) {
    if (absl::Status s = ValidateUserId(request.viewer_id(), "viewer_id");
        !s.ok()) {
      return std::move(done)(s);
    }
  }
  query.article_id = request.article_id();
  query.parent_id = request.parent_id();
  query.viewer_id = request.viewer_id();
  query.limit = *limit;
  query.into = response->mutable_comments();
  PageCursor expected;
  expected.article_id = query.article_id;
  expected.parent_id = query.parent_id;
  expected.order = query.order;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor =
        tokens_->Decode(request.page_token(), expected);
    if (!cursor.ok()) return std::move(done)(cursor.status());
    query.after = IndexPosition{cursor->score, cursor->comment_id};
  }
  store_->List(std::move(query), deadline,
               [this, expected = std::move(expected), response,
                done = std::move(done)](absl::StatusOr<ListPage> page) mutable {
                 if (!page.ok()) return std::move(done)(page.status());
                 if (page->next) {
                   expected.score = page->next->score;
                   expected.comment_id = page->next->comment_id;
                   response->set_next_page_token(tokens_->Encode(expected));
                 }
                 std::move(done)(absl::OkStatus());
               });
}

void CommentServiceImpl::DoLike(const std::string& article_id,
                                const std::string& comment_id,
                                const std::string& user_id, bool like,
                                std::string address, absl::Time deadline,
                                v1::LikeCommentResponse* response,
                                StatusCallback done) {
  if (absl::Status s = ValidateCommentRef(article_id, comment_id); !s.ok()) {
    return std::move(done)(s);
  }
  if (absl::Status s = ValidateUserId(user_id, "user_id"); !s.ok()) {
    return std::move(done)(s);
  }
  auto set_like = [this, ref = CommentRef{article_id, comment_id}, user_id,
                   like, deadline, response, done = std::move(done)](
                      absl::StatusOr<FloodTicket> ticket) mutable {
    if (!ticket.ok()) {
      post_metrics_->ActionRefused(/*report=*/false, ticket.status());
      return std::move(done)(ticket.status());
    }
    store_->SetLike(
        std::move(ref), user_id, like, deadline,
        [this, response, ticket = *std::move(ticket),
         done = std::move(done)](absl::StatusOr<LikeState> state) mutable {
          // A like already given changes nothing: it does not count.
          if (state.ok() ? !state->changed
                         : FloodGate::DidNotHappen(state.status())) {
            flood_->Refund(std::move(ticket));
          }
          if (!state.ok()) return std::move(done)(state.status());
          response->set_like_count(state->like_count);
          response->set_liked(state->liked);
          std::move(done)(absl::OkStatus());
        });
  };
  // Unlikes are not limited: each like they undo was counted.
  if (!like) return set_like(FloodTicket{});
  flood_->Admit(FloodAction::kLike, user_id, address, deadline,
                std::move(set_like));
}

void CommentServiceImpl::DoGet(const v1::GetCommentRequest& request,
                               absl::Time deadline, v1::Comment* response,
                               StatusCallback done) {
  absl::Status s =
      ValidateCommentRef(request.article_id(), request.comment_id());
  if (s.ok() && !request.viewer_id().empty()) {
    s = ValidateUserId(request.viewer_id(), "viewer_id");
  }
  if (!s.ok()) return std::move(done)(s);
  store_->Get({request.article_id(), request.comment_id()}, request.viewer_id(),
              deadline,
              [response, viewer = request.viewer_id(), done = std::move(done)](
                  absl::StatusOr<StoredComment> stored) mutable {
                if (!stored.ok()) return std::move(done)(stored.status());
                const v1::Comment& comment = stored->comment;
                // Held and refused comments are not the public's to read,
                // but their author may see where they stand.
                if ((comment.status() == v1::COMMENT_STATUS_PENDING ||
                     comment.status() == v1::COMMENT_STATUS_REJECTED) &&
                    (viewer.empty() || viewer != comment.author_id())) {
                  return std::move(done)(absl::NotFoundError(
                      absl::StrCat("comment_id ", comment.comment_id(),
                                   " names no comment of this article")));
                }
                *response = std::move(stored->comment);
                std::move(done)(absl::OkStatus());
              });
}

void CommentServiceImpl::DoDelete(const v1::DeleteCommentRequest& request,
                                  absl::Time deadline, StatusCallback done) {
  absl::Status s =
      ValidateCommentRef(request.article_id(), request.comment_id());
  if (s.ok()) s = ValidateUserId(request.user_id(), "user_id");
  if (!s.ok()) return std::move(done)(s);
  CommentRef ref{request.article_id(), request.comment_id()};
  store_->Delete(
      ref, request.user_id(), deadline,
      [this, ref, deadline,
       done = std::move(done)](absl::StatusOr<v1::Queue> left) mutable {
        if (!left.ok()) return std::move(done)(left.status());
        if (*left == v1::QUEUE_UNSPECIFIED) {
          return std::move(done)(absl::OkStatus());
        }
        moderation_store_->Dequeue(*left, {ref}, deadline, std::move(done));
      });
}

void CommentServiceImpl::DoStats(const v1::GetArticleStatsRequest& request,
                                 absl::Time deadline,
                                 v1::ArticleStats* response,
                                 StatusCallback done) {
  if (absl::Status s = ValidateArticleId(request.article_id()); !s.ok()) {
    return std::move(done)(s);
  }
  store_->Stats(
      {request.article_id()}, deadline,
      [response, done = std::move(done)](
          absl::StatusOr<std::vector<v1::ArticleStats>> stats) mutable {
        if (!stats.ok()) return std::move(done)(stats.status());
        *response = std::move(stats->front());
        std::move(done)(absl::OkStatus());
      });
}

void CommentServiceImpl::DoBatchStats(
    const v1::BatchGetArticleStatsRequest& request, absl::Time deadline,
    v1::BatchGetArticleStatsResponse* response, StatusCallback done) {
  const int n = request.article_ids_size();
  if (n == 0) {
    return std::move(done)(absl::InvalidArgumentError(
        "article_ids must name at least one article"));
  }
  if (n > options_.max_batch_articles) {
    return std::move(done)(absl::InvalidArgumentError(
        absl::StrCat("article_ids holds ", n, " ids; the limit is ",
                     options_.max_batch_articles)));
  }
  std::vector<std::string> ids(request.article_ids().begin(),
                               request.article_ids().end());
  for (int i = 0; i < n; ++i) {
    if (absl::Status s =
            ValidateArticleId(ids[i], absl::StrCat("article_ids[", i, "]"));
        !s.ok()) {
      return std::move(done)(s);
    }
  }
  store_->Stats(
      std::move(ids), deadline,
      [response, done = std::move(done)](
          absl::StatusOr<std::vector<v1::ArticleStats>> stats) mutable {
        if (!stats.ok()) return std::move(done)(stats.status());
        for (v1::ArticleStats& s : *stats) {
          *response->add_stats() = std::move(s);
        }
        std::move(done)(absl::OkStatus());
      });
}

// The handlers: each hands its call to its Do* method.

grpc::ServerUnaryReactor* CommentServiceImpl::PostComment(
    grpc::CallbackServerContext* context, const v1::PostCommentRequest* request,
    v1::PostCommentResponse* response) {
  return Serve(context, {"PostComment", request->article_id()},
               [&](absl::Time deadline, StatusCallback done) {
                 absl::StatusOr<std::string> address =
                     flood_->AddressOf(FloodAction::kPost, *context);
                 if (!address.ok()) return std::move(done)(address.status());
                 DoPost(*request, *std::move(address), deadline, response,
                        std::move(done));
               });
}

grpc::ServerUnaryReactor* CommentServiceImpl::GetComment(
    grpc::CallbackServerContext* context, const v1::GetCommentRequest* request,
    v1::Comment* response) {
  return Serve(context, {"GetComment", request->article_id()},
               [&](absl::Time deadline, StatusCallback done) {
                 DoGet(*request, deadline, response, std::move(done));
               });
}

grpc::ServerUnaryReactor* CommentServiceImpl::ListComments(
    grpc::CallbackServerContext* context,
    const v1::ListCommentsRequest* request,
    v1::ListCommentsResponse* response) {
  return Serve(context, {"ListComments", request->article_id()},
               [&](absl::Time deadline, StatusCallback done) {
                 DoList(*request, deadline, response, std::move(done));
               });
}

grpc::ServerUnaryReactor* CommentServiceImpl::LikeComment(
    grpc::CallbackServerContext* context, const v1::LikeCommentRequest* request,
    v1::LikeCommentResponse* response) {
  return Serve(context, {"LikeComment", request->article_id()},
               [&](absl::Time deadline, StatusCallback done) {
                 absl::StatusOr<std::string> address =
                     flood_->AddressOf(FloodAction::kLike, *context);
                 if (!address.ok()) return std::move(done)(address.status());
                 DoLike(request->article_id(), request->comment_id(),
                        request->user_id(),
                        /*like=*/true, *std::move(address), deadline, response,
                        std::move(done));
               });
}

grpc::ServerUnaryReactor* CommentServiceImpl::UnlikeComment(
    grpc::CallbackServerContext* context,
    const v1::UnlikeCommentRequest* request,
    v1::LikeCommentResponse* response) {
  return Serve(context, {"UnlikeComment", request->article_id()},
               [&](absl::Time deadline, StatusCallback done) {
                 DoLike(request->article_id(), request->comment_id(),
                        request->user_id(),
                        /*like=*/false, /*address=*/"", deadline, response,
                        std::move(done));
               });
}

grpc::ServerUnaryReactor* CommentServiceImpl::DeleteComment(
    grpc::CallbackServerContext* context,
    const v1::DeleteCommentRequest* request, v1::DeleteCommentResponse*) {
  return Serve(context, {"DeleteComment", request->article_id()},
               [&](absl::Time deadline, StatusCallback done) {
                 DoDelete(*request, deadline, std::move(done));
               });
}

grpc::ServerUnaryReactor* CommentServiceImpl::GetArticleStats(
    grpc::CallbackServerContext* context,
    const v1::GetArticleStatsRequest* request, v1::ArticleStats* response) {
  return Serve(context, {"GetArticleStats", request->article_id()},
               [&](absl::Time deadline, StatusCallback done) {
                 DoStats(*request, deadline, response, std::move(done));
               });
}

grpc::ServerUnaryReactor* CommentServiceImpl::BatchGetArticleStats(
    grpc::CallbackServerContext* context,
    const v1::BatchGetArticleStatsRequest* request,
    v1::BatchGetArticleStatsResponse* response) {
  return Serve(context, {"BatchGetArticleStats"},
               [&](absl::Time deadline, StatusCallback done) {
                 DoBatchStats(*request, deadline, response, std::move(done));
               });
}

grpc::ServerUnaryReactor* CommentServiceImpl::ReportComment(
    grpc::CallbackServerContext* context,
    const v1::ReportCommentRequest* request,
    v1::ReportCommentResponse* response) {
  return Serve(context, {"ReportComment", request->article_id()},
               [&](absl::Time deadline, StatusCallback done) {
                 absl::StatusOr<std::string> address =
                     flood_->AddressOf(FloodAction::kReport, *context);
                 if (!address.ok()) return std::move(done)(address.status());
                 DoReport(*request, *std::move(address), deadline, response,
                          std::move(done));
               });
}

}  // namespace comments
