#include "service/rpc/moderation_service_impl.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "service/rpc/grpc_status.h"
#include "service/rpc/validation.h"
#include "service/store/lua_words.h"
#include "service/store/moderation_convert.h"

namespace comments {
namespace {

constexpr int kDefaultQueuePage = 20;
constexpr int kMaxQueuePage = 100;
constexpr int kMaxDecisions = 500;
constexpr int kClearBatch = 500;
constexpr int kMaxKeywordChanges = 1000;
constexpr int kMaxKeywordChars = 64;
constexpr int kDefaultKeywordPage = 100;
constexpr int kMaxKeywordPage = 1000;
constexpr int kDefaultAuditPage = 50;
constexpr int kMaxAuditPage = 500;
constexpr int kMaxReportReasons = 10;
// A ClearQueue without a client deadline stops after this.
constexpr absl::Duration kMaxClearTime = absl::Minutes(10);

absl::Status ValidateQueue(v1::Queue queue) {
  if (queue != v1::QUEUE_PENDING && queue != v1::QUEUE_REPORTED) {
    return absl::InvalidArgumentError(
        "queue must be QUEUE_PENDING or QUEUE_REPORTED");
  }
  return absl::OkStatus();
}

absl::Status ValidateDecision(v1::Decision decision,
                              absl::string_view field = "decision") {
  if (decision != v1::DECISION_APPROVE && decision != v1::DECISION_REJECT) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be DECISION_APPROVE or DECISION_REJECT"));
  }
  return absl::OkStatus();
}

// The audit log spells queues and policies as the store does in Redis.
// REQUIRES: a validated queue or policy.
template <typename Enum>
std::string AuditWord(Enum value) {
  return std::string(ToLuaWord(value));
}

google::protobuf::Timestamp FromMicros(int64_t micros) {
  google::protobuf::Timestamp t;
  t.set_seconds(micros / 1000000);
  t.set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return t;
}

// The cursor of a moderation list: which list, then the position.
PageCursor ListCursor(absl::string_view list, absl::string_view scope,
                      int kind) {
  PageCursor cursor;
  cursor.article_id = std::string(scope);
  cursor.parent_id = std::string(list);
  cursor.order = kind;
  return cursor;
}

int CountCodePoints(absl::string_view s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

ModerationServiceImpl::ModerationServiceImpl(
    ModerationServiceOptions options, const ModeratorAuth* auth,
    CommentStore* comments, ModerationStore* store, KeywordSync* keyword_sync,
    BanList* bans, const PageTokenCodec* tokens, RpcMetrics* metrics,
    WaveStore* waves)
    : options_(std::move(options)),
      methods_(metrics->ForService(v1::ModerationService::service_full_name())),
      auth_(auth),
      comments_(comments),
      store_(store),
      keyword_sync_(keyword_sync),
      bans_(bans),
      tokens_(tokens),
      waves_(waves),
      workers_(options_.threads) {
  InstallProtobufLogFilter();
  CheckRequests("ListQueue", &ModerationServiceImpl::ListQueue);
  CheckRequests("InspectComment", &ModerationServiceImpl::InspectComment);
  CheckRequests("ModerateComments", &ModerationServiceImpl::ModerateComments);
  CheckRequests("ClearQueue", &ModerationServiceImpl::ClearQueue);
  CheckRequests("FeatureComment", &ModerationServiceImpl::FeatureComment);
  CheckRequests("SetArticlePolicy", &ModerationServiceImpl::SetArticlePolicy);
  CheckRequests("GetArticlePolicy", &ModerationServiceImpl::GetArticlePolicy);
  CheckRequests("UpdateKeywords", &ModerationServiceImpl::UpdateKeywords);
  CheckRequests("ListKeywords", &ModerationServiceImpl::ListKeywords);
  CheckRequests("BanUser", &ModerationServiceImpl::BanUser);
  CheckRequests("UnbanUser", &ModerationServiceImpl::UnbanUser);
  CheckRequests("ListAuditLog", &ModerationServiceImpl::ListAuditLog);
  CheckRequests("ListWaves", &ModerationServiceImpl::ListWaves);
  CheckRequests("RejectWave", &ModerationServiceImpl::RejectWave);
}

template <typename Request, typename Response>
void ModerationServiceImpl::CheckRequests(
    absl::string_view method,
    grpc::ServerUnaryReactor* (ModerationServiceImpl::*handler)(
        grpc::CallbackServerContext*, const Request*, Response*)) {
  // A caller learns nothing about validation before it is authenticated.
  auto refuse = [this, metrics = methods_.find(method)->second](
                    grpc::CallbackServerContext* context,
                    const absl::Status& problem) {
    absl::StatusOr<std::string> moderator = auth_->Authenticate(*context);
    const absl::Status status = moderator.ok() ? problem : moderator.status();
    metrics->Started();
    metrics->Handled(status.code(), absl::ZeroDuration());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  };
  MarkMethodCallback(
      CheckedMethodIndex(v1::ModerationService::service_full_name(), method,
                         Request::descriptor()),
      NewCheckedHandler(this, handler, std::move(refuse)));
}

absl::Time ModerationServiceImpl::Deadline(
    const grpc::ServerContextBase& context) const {
  return StoreDeadline(context, options_.store_timeout);
}

absl::Status ModerationServiceImpl::AuditOne(const std::string& moderator,
                                             const std::string& action,
                                             const std::string& target,
                                             const std::string& reason,
                                             const std::string& details,
                                             absl::Time deadline) {
  v1::AuditEntry entry;
  entry.set_moderator(moderator);
  entry.set_action(action);
  entry.set_target(target);
  entry.set_reason(reason);
  entry.set_details(details);
  return store_->Audit({entry}, deadline);
}

// ---- Queues ----------------------------------------------------------------

absl::Status ModerationServiceImpl::FillItems(
    v1::Queue queue, std::vector<StoredComment> comments,
    const std::vector<std::string>& scores, absl::Time deadline,
    v1::ListQueueResponse& response) {
  std::vector<std::vector<std::string>> reasons(comments.size());
  if (queue == v1::QUEUE_REPORTED && !comments.empty()) {
    std::vector<CommentRef> refs;
    for (const StoredComment& c : comments) {
      refs.push_back({c.comment.article_id(), c.comment.comment_id()});
    }
    absl::StatusOr<std::vector<std::vector<std::string>>> got =
        comments_->ReportReasons(refs, kMaxReportReasons, deadline);
    if (!got.ok()) return got.status();
    reasons = *std::move(got);
  }
  for (size_t i = 0; i < comments.size(); ++i) {
    v1::QueueItem* item = response.add_items();
    item->ParseFromString(comments[i].detail);
    item->set_queue(queue);
    if (item->original_body().empty()) {
      item->set_original_body(comments[i].comment.body());
    }
    bool flagged = false;
    for (const v1::KeywordMatch& m : item->matches()) {
      flagged |= m.action() >= v1::MODERATION_ACTION_REVIEW;
    }
    item->set_pre_moderation(queue == v1::QUEUE_PENDING && !flagged);
    item->set_report_count(comments[i].report_count);
    for (std::string& r : reasons[i]) item->add_report_reasons(std::move(r));
    double micros = 0;
    absl::SimpleAtod(scores[i], &micros);
    *item->mutable_enqueue_time() = FromMicros(static_cast<int64_t>(micros));
    *item->mutable_comment() = std::move(comments[i].comment);
  }
  return absl::OkStatus();
}

absl::Status ModerationServiceImpl::DoListQueue(
    const v1::ListQueueRequest& request, absl::Time deadline,
    v1::ListQueueResponse& response) {
  if (absl::Status s = ValidateQueue(request.queue()); !s.ok()) return s;
  const std::string& article = request.article_id();
  if (!article.empty()) {
    if (absl::Status s = ValidateArticleId(article); !s.ok()) return s;
  }
  absl::StatusOr<int> limit =
      ResolvePageSize(request.page_size(), kDefaultQueuePage, kMaxQueuePage);
  if (!limit.ok()) return limit.status();
  PageCursor expected =
      ListCursor("queue", article.empty() ? "*" : article, request.queue());
  std::optional<IndexPosition> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor =
        tokens_->Decode(request.page_token(), expected);
    if (!cursor.ok()) return cursor.status();
    after = IndexPosition{cursor->score, cursor->comment_id};
  }
  absl::StatusOr<int64_t> total =
      store_->QueueSize(request.queue(), article, deadline);
  if (!total.ok()) return total.status();
  response.set_total_size(*total);

  std::vector<StoredComment> page;
  std::vector<std::string> scores;
  std::optional<IndexPosition> next;
  if (!article.empty()) {
    ListQuery query;
    query.article_id = article;
    query.index = request.queue() == v1::QUEUE_REPORTED
                      ? ListQuery::Index::kReportedQueue
                      : ListQuery::Index::kPendingQueue;
    query.after = after;
    query.limit = *limit;
    absl::StatusOr<ListPage> listed = comments_->List(query, deadline);
    if (!listed.ok()) return listed.status();
    page = std::move(listed->comments);
    scores = std::move(listed->scores);
    next = listed->next;
  } else {
    // The cross-article index may hold entries that already left their
    // article's queue (see moderation_store.h): skip and drop those, and
    // read on until the page is full.
    for (int round = 0; round < 10 && static_cast<int>(page.size()) <= *limit;
         ++round) {
      const int want = *limit + 1 - static_cast<int>(page.size());
      absl::StatusOr<std::vector<ModerationStore::QueueEntry>> entries =
          store_->Range(request.queue(), after, want, "+inf", deadline);
      if (!entries.ok()) return entries.status();
      if (entries->empty()) break;
      after = IndexPosition{entries->back().score,
                            QueueMember(entries->back().ref)};
      std::vector<CommentRef> refs;
      for (const auto& e : *entries) refs.push_back(e.ref);
      absl::StatusOr<std::vector<bool>> live =
          store_->StillQueued(request.queue(), refs, deadline);
      if (!live.ok()) return live.status();
      std::vector<CommentRef> stale, fresh;
      std::vector<std::string> fresh_scores;
      for (size_t i = 0; i < refs.size(); ++i) {
        if ((*live)[i]) {
          fresh.push_back(refs[i]);
          fresh_scores.push_back((*entries)[i].score);
        } else {
          stale.push_back(refs[i]);
        }
      }
      if (absl::Status s = store_->Dequeue(request.queue(), stale, deadline);
          !s.ok()) {
        return s;
      }
      absl::StatusOr<std::vector<absl::StatusOr<StoredComment>>> got =
          comments_->GetMany(fresh, deadline);
      if (!got.ok()) return got.status();
      for (size_t i = 0; i < fresh.size(); ++i) {
        if (!(*got)[i].ok()) continue;
        page.push_back(*std::move((*got)[i]));
        scores.push_back(fresh_scores[i]);
      }
      if (static_cast<int>(entries->size()) < want) break;
    }
    if (static_cast<int>(page.size()) > *limit) {
      page.resize(*limit);
      scores.resize(*limit);
      const v1::Comment& last = page.back().comment;
      next = IndexPosition{scores.back(),
                           QueueMember({last.article_id(), last.comment_id()})};
    }
  }
  if (next) {
    expected.score = next->score;
    expected.comment_id = next->comment_id;
    response.set_next_page_token(tokens_->Encode(expected));
  }
  return FillItems(request.queue(), std::move(page), scores, deadline,
                   response);
}

absl::StatusOr<std::vector<absl::StatusOr<Decided>>>
ModerationServiceImpl::DecideAndRecord(const std::vector<CommentRef>& refs,
                                       bool approve, ModerationQueue queue,
                                       const std::string& moderator,
                                       const std::string& reason,
                                       bool audit_each, absl::Time deadline) {
  if (refs.empty()) return std::vector<absl::StatusOr<Decided>>();
  absl::StatusOr<std::vector<absl::StatusOr<Decided>>> results =
      comments_->Decide(refs, approve, queue, deadline);
  if (!results.ok()) return results.status();
  std::vector<CommentRef> left_pending, left_reported;
  std::vector<v1::AuditEntry> audit;
  for (size_t i = 0; i < refs.size(); ++i) {
    const absl::StatusOr<Decided>& r = (*results)[i];
    if (!r.ok() || r->left_queue == v1::QUEUE_UNSPECIFIED) continue;
    (r->left_queue == v1::QUEUE_PENDING ? left_pending : left_reported)
        .push_back(refs[i]);
    if (audit_each) {
      v1::AuditEntry entry;
      entry.set_moderator(moderator);
      entry.set_action(approve ? "approve" : "reject");
      entry.set_target(QueueMember(refs[i]));
      entry.set_reason(reason);
      entry.set_details(absl::StrCat("queue=", AuditWord(r->left_queue)));
      audit.push_back(std::move(entry));
    }
  }
  if (absl::Status s =
          store_->Dequeue(v1::QUEUE_PENDING, left_pending, deadline);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          store_->Dequeue(v1::QUEUE_REPORTED, left_reported, deadline);
      !s.ok()) {
    return s;
  }
  if (!audit.empty()) {
    if (absl::Status s = store_->Audit(audit, deadline); !s.ok()) return s;
  }
  return results;
}

absl::Status ModerationServiceImpl::DoModerate(
    const std::string& moderator, const v1::ModerateCommentsRequest& request,
    absl::Time deadline, v1::ModerateCommentsResponse& response) {
  const int n = request.decisions_size();
  if (n == 0 || n > kMaxDecisions) {
    return absl::InvalidArgumentError(absl::StrCat("decisions must hold 1 to ",
                                                   kMaxDecisions,
                                                   " decisions; it holds ", n));
  }
  absl::StatusOr<std::string> reason = NormalizeReason(request.reason());
  if (!reason.ok()) return reason.status();
  std::vector<CommentRef> refs[2];
  std::vector<int> index[2];  // [approve?] -> positions in the request.
  for (int i = 0; i < n; ++i) {
    const v1::CommentDecision& d = request.decisions(i);
    v1::DecisionResult* result = response.add_results();
    result->set_article_id(d.article_id());
    result->set_comment_id(d.comment_id());
    absl::Status s = ValidateArticleId(
        d.article_id(), absl::StrCat("decisions[", i, "].article_id"));
    if (s.ok()) {
      s = ValidateCommentIdPresent(
          d.comment_id(), absl::StrCat("decisions[", i, "].comment_id"));
    }
    if (s.ok()) {
      s = ValidateDecision(d.decision(),
                           absl::StrCat("decisions[", i, "].decision"));
    }
    if (s.ok() && !IsWellFormedCommentId(d.comment_id())) {
      s = absl::NotFoundError(absl::StrCat(
          "comment_id ", d.comment_id(), " names no comment of this article"));
    }
    if (!s.ok()) {
      result->set_code(static_cast<int>(s.code()));
      result->set_message(std::string(s.message()));
      continue;
    }
    const int approve = d.decision() == v1::DECISION_APPROVE ? 1 : 0;
    refs[approve].push_back({d.article_id(), d.comment_id()});
    index[approve].push_back(i);
  }
  for (int approve = 0; approve < 2; ++approve) {
    absl::StatusOr<std::vector<absl::StatusOr<Decided>>> decided =
        DecideAndRecord(refs[approve], approve == 1, ModerationQueue::kAny,
                        moderator, *reason, /*audit_each=*/true, deadline);
    if (!decided.ok()) return decided.status();
    for (size_t k = 0; k < decided->size(); ++k) {
      v1::DecisionResult* result = response.mutable_results(index[approve][k]);
      const absl::StatusOr<Decided>& r = (*decided)[k];
      if (r.ok()) {
        result->set_status(r->status);
      } else {
        // A decision's own failure is told as the call's would be: never
        // Redis's text.
        const absl::Status shown = ForClient(r.status());
        result->set_code(static_cast<int>(shown.code()));
        result->set_message(std::string(shown.message()));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ModerationServiceImpl::RunBatches(
    absl::Time end, absl::string_view doing, absl::string_view things,
    const int64_t& count,
    absl::FunctionRef<absl::StatusOr<bool>(absl::Time deadline)> batch) const {
  while (true) {
    if (absl::Now() >= end) {
      return absl::DeadlineExceededError(
          absl::StrCat("the deadline passed after ", doing, " ", count, " ",
                       things, "; call again for the rest"));
    }
    absl::StatusOr<bool> more =
        batch(std::min(end, absl::Now() + options_.store_timeout));
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
  }
}

absl::Status ModerationServiceImpl::DoClear(
    const std::string& moderator, const v1::ClearQueueRequest& request,
    const grpc::ServerContextBase& context, v1::ClearQueueResponse& response) {
  if (absl::Status s = ValidateQueue(request.queue()); !s.ok()) return s;
  if (absl::Status s = ValidateDecision(request.decision()); !s.ok()) return s;
  const std::string& article = request.article_id();
  if (!article.empty()) {
    if (absl::Status s = ValidateArticleId(article); !s.ok()) return s;
  }
  absl::StatusOr<std::string> reason = NormalizeReason(request.reason());
  if (!reason.ok()) return reason.status();
  const bool approve = request.decision() == v1::DECISION_APPROVE;
  const ModerationQueue from = request.queue() == v1::QUEUE_REPORTED
                                   ? ModerationQueue::kReported
                                   : ModerationQueue::kPending;
  // Only what was queued when the call started: a steady stream of new
  // comments cannot keep it running.
  const std::string snapshot = absl::StrCat(absl::ToUnixMicros(absl::Now()));
  int64_t count = 0;
  const absl::Status outcome = RunBatches(
      StoreDeadline(context, kMaxClearTime), "clearing", "comments", count,
      [&](absl::Time deadline) -> absl::StatusOr<bool> {
        std::vector<CommentRef> batch;
        if (!article.empty()) {
          absl::StatusOr<std::vector<CommentRef>> head =
              store_->ArticleQueueHead(request.queue(), article, snapshot,
                                       kClearBatch, deadline);
          if (!head.ok()) return head.status();
          batch = *std::move(head);
        } else {
          absl::StatusOr<std::vector<ModerationStore::QueueEntry>> entries =
              store_->Range(request.queue(), std::nullopt, kClearBatch,
                            snapshot, deadline);
          if (!entries.ok()) return entries.status();
          for (auto& e : *entries) batch.push_back(std::move(e.ref));
        }
        if (batch.empty()) return false;
        absl::StatusOr<std::vector<absl::StatusOr<Decided>>> decided =
            DecideAndRecord(batch, approve, from, moderator, *reason,
                            /*audit_each=*/false, deadline);
        if (!decided.ok()) return decided.status();
        int64_t progress = 0;
        std::vector<CommentRef> stale;
        for (size_t i = 0; i < batch.size(); ++i) {
          const absl::StatusOr<Decided>& r = (*decided)[i];
          if (r.ok() && r->left_queue != v1::QUEUE_UNSPECIFIED) {
            ++progress;
          } else if (!r.ok() && (absl::IsNotFound(r.status()) ||
                                 absl::IsFailedPrecondition(r.status()))) {
            stale.push_back(batch[i]);  // Gone from its article's queue.
          } else if (!r.ok()) {
            return r.status();
          }
        }
        if (absl::Status s = store_->Dequeue(request.queue(), stale, deadline);
            !s.ok()) {
          return s;
        }
        count += progress;
        return progress > 0 || !stale.empty();
      });
  if (!outcome.ok() && !absl::IsDeadlineExceeded(outcome)) return outcome;
  response.set_count(count);
  if (absl::Status s = AuditOne(
          moderator, "clear_queue", article.empty() ? "*" : article, *reason,
          absl::StrCat("queue=", AuditWord(request.queue()), " decision=",
                       approve ? "approve" : "reject", " count=", count),
          absl::Now() + options_.store_timeout);
      !s.ok()) {
    return s;
  }
  return outcome;
}

// ---- Keywords --------------------------------------------------------------

absl::Status ModerationServiceImpl::DoUpdateKeywords(
    const std::string& moderator, const v1::UpdateKeywordsRequest& request,
    absl::Time deadline, v1::UpdateKeywordsResponse& response) {
  const int changes = request.add_size() + request.remove_size();
  if (changes == 0 || changes > kMaxKeywordChanges) {
    return absl::InvalidArgumentError(
        absl::StrCat("add and remove together must hold 1 to ",
                     kMaxKeywordChanges, " keywords; they hold ", changes));
  }
  std::vector<v1::Keyword> add;
  for (int i = 0; i < request.add_size(); ++i) {
    v1::Keyword k = request.add(i);
    const std::string field = absl::StrCat("add[", i, "]");
    absl::StatusOr<std::string> word =
        NormalizeReason(k.word(), field + ".word");
    if (!word.ok()) return word.status();
    absl::StatusOr<std::string> category =
        NormalizeReason(k.category(), field + ".category");
    if (!category.ok()) return category.status();
    if (word->empty() || CountCodePoints(*word) > kMaxKeywordChars ||
        word->find('\n') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".word must be 1 to ", kMaxKeywordChars,
                       " characters on one line"));
    }
    if (category->empty() || CountCodePoints(*category) > kMaxKeywordChars ||
        category->find_first_of("\t\n") != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".category must be 1 to ", kMaxKeywordChars,
                       " characters on one line"));
    }
    if (k.action() != v1::MODERATION_ACTION_ALLOW &&
        k.action() != v1::MODERATION_ACTION_MASK &&
        k.action() != v1::MODERATION_ACTION_REVIEW &&
        k.action() != v1::MODERATION_ACTION_BLOCK) {
      return absl::InvalidArgumentError(absl::StrCat(
          field,
          ".action must be MASK, REVIEW, BLOCK or ALLOW (an exception)"));
    }
    if (!v1::KeywordScope_IsValid(k.scope())) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".scope is not a known KeywordScope"));
    }
    k.set_word(*word);
    k.set_category(*category);
    // The engine must be able to match it (a word of only punctuation
    // cannot be).
    if (absl::Status s = moderation::ValidateLexiconEntry(ToLexiconEntry(k));
        !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".word cannot be matched: ", s.message()));
    }
    add.push_back(std::move(k));
  }
  // Removed words go to the audit log as they are written: bounded like the
  // words added.
  std::vector<std::string> remove;
  for (int i = 0; i < request.remove_size(); ++i) {
    const std::string field = absl::StrCat("remove[", i, "]");
    absl::StatusOr<std::string> word = NormalizeReason(request.remove(i), field);
    if (!word.ok()) return word.status();
    if (word->empty() || CountCodePoints(*word) > kMaxKeywordChars ||
        word->find('\n') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " must be 1 to ", kMaxKeywordChars, " characters on one line"));
    }
    remove.push_back(*std::move(word));
  }
  absl::StatusOr<ModerationStore::KeywordsState> state =
      store_->UpdateKeywords(add, remove, /*seed=*/false, deadline);
  if (!state.ok()) return state.status();
  if (keyword_sync_ != nullptr) keyword_sync_->Poke();
  response.set_keyword_count(state->count);
  std::string details =
      absl::StrCat("added=", add.size(), " removed=", remove.size(), " words:");
  for (const v1::Keyword& k : add) absl::StrAppend(&details, " +", k.word());
  for (const std::string& w : remove) absl::StrAppend(&details, " -", w);
  return AuditOne(moderator, "update_keywords", "keywords", "", details,
                  deadline);
}

absl::Status ModerationServiceImpl::DoListKeywords(
    const v1::ListKeywordsRequest& request, absl::Time deadline,
    v1::ListKeywordsResponse& response) {
  absl::StatusOr<int> limit = ResolvePageSize(
      request.page_size(), kDefaultKeywordPage, kMaxKeywordPage);
  if (!limit.ok()) return limit.status();
  PageCursor expected = ListCursor("keywords", "*", 0);
  std::string after;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor =
        tokens_->Decode(request.page_token(), expected);
    if (!cursor.ok()) return cursor.status();
    after = cursor->comment_id;
  }
  absl::StatusOr<std::pair<std::vector<v1::Keyword>, int64_t>> page =
      store_->ListKeywords(after, *limit + 1, deadline);
  if (!page.ok()) return page.status();
  std::vector<v1::Keyword>& keywords = page->first;
  const bool more = static_cast<int>(keywords.size()) > *limit;
  if (more) keywords.resize(*limit);
  for (v1::Keyword& k : keywords) *response.add_keywords() = std::move(k);
  response.set_total_size(page->second);
  if (more && response.keywords_size() > 0) {
    expected.score = "0";
    expected.comment_id =
        response.keywords(response.keywords_size() - 1).word();
    response.set_next_page_token(tokens_->Encode(expected));
  }
  return absl::OkStatus();
}

absl::Status ModerationServiceImpl::DoListAudit(
    const v1::ListAuditLogRequest& request, absl::Time deadline,
    v1::ListAuditLogResponse& response) {
  absl::StatusOr<int> limit =
      ResolvePageSize(request.page_size(), kDefaultAuditPage, kMaxAuditPage);
  if (!limit.ok()) return limit.status();
  PageCursor expected = ListCursor("audit", "*", 0);
  std::string before;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor =
        tokens_->Decode(request.page_token(), expected);
    if (!cursor.ok()) return cursor.status();
    before = cursor->comment_id;
  }
  absl::StatusOr<std::vector<v1::AuditEntry>> entries =
      store_->ListAudit(before, *limit + 1, deadline);
  if (!entries.ok()) return entries.status();
  const bool more = static_cast<int>(entries->size()) > *limit;
  if (more) entries->resize(*limit);
  for (v1::AuditEntry& e : *entries) *response.add_entries() = std::move(e);
  if (more) {
    expected.score = "0";
    expected.comment_id =
        response.entries(response.entries_size() - 1).entry_id();
    response.set_next_page_token(tokens_->Encode(expected));
  }
  return absl::OkStatus();
}

// ---- The rest of the calls' logic -------------------------------------------

absl::Status ModerationServiceImpl::DoInspect(
    const v1::InspectCommentRequest& request, absl::Time deadline,
    v1::QueueItem& response) {
  absl::Status s = ValidateArticleId(request.article_id());
  if (s.ok()) s = ValidateCommentIdPresent(request.comment_id(), "comment_id");
  if (!s.ok()) return s;
  const CommentRef ref{request.article_id(), request.comment_id()};
  absl::StatusOr<std::vector<absl::StatusOr<StoredComment>>> got =
      comments_->GetMany({ref}, deadline);
  if (!got.ok()) return got.status();
  if (!got->front().ok()) return got->front().status();
  absl::StatusOr<v1::Queue> queue = store_->QueueOf(ref, deadline);
  if (!queue.ok()) return queue.status();
  // Filled as a reported-queue item so that its report reasons come along
  // whatever queue it is in; the queue fields are set right after.
  v1::ListQueueResponse one;
  if (absl::Status fill = FillItems(
          v1::QUEUE_REPORTED, {*std::move(got->front())}, {"0"}, deadline, one);
      !fill.ok()) {
    return fill;
  }
  response = std::move(*one.mutable_items(0));
  response.set_queue(*queue);
  response.clear_enqueue_time();
  response.set_pre_moderation(false);
  return absl::OkStatus();
}

absl::Status ModerationServiceImpl::DoSetPolicy(
    const std::string& moderator, const v1::SetArticlePolicyRequest& request,
    absl::Time deadline, v1::ArticlePolicy& response) {
  if (absl::Status s = ValidateArticleId(request.article_id()); !s.ok()) {
    return s;
  }
  if (request.policy() == v1::POLICY_UNSPECIFIED ||
      !v1::Policy_IsValid(request.policy())) {
    return absl::InvalidArgumentError(
        "policy must be POLICY_POST_MODERATION, POLICY_PRE_MODERATION or "
        "POLICY_CLOSED");
  }
  if (absl::Status s =
          comments_->SetPolicy(request.article_id(), request.policy(), deadline);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          AuditOne(moderator, "set_policy", request.article_id(), "",
                   absl::StrCat("policy=", AuditWord(request.policy())),
                   deadline);
      !s.ok()) {
    return s;
  }
  response.set_article_id(request.article_id());
  response.set_policy(request.policy());
  return absl::OkStatus();
}

absl::Status ModerationServiceImpl::DoGetPolicy(
    const v1::GetArticlePolicyRequest& request, absl::Time deadline,
    v1::ArticlePolicy& response) {
  if (absl::Status s = ValidateArticleId(request.article_id()); !s.ok()) {
    return s;
  }
  absl::StatusOr<v1::Policy> policy =
      comments_->GetPolicy(request.article_id(), deadline);
  if (!policy.ok()) return policy.status();
  response.set_article_id(request.article_id());
  response.set_policy(*policy == v1::POLICY_UNSPECIFIED
                          ? options_.default_policy
                          : *policy);
  return absl::OkStatus();
}

absl::Status ModerationServiceImpl::DoFeature(
    const std::string& moderator, const v1::FeatureCommentRequest& request,
    absl::Time deadline, v1::Comment& response) {
  if (absl::Status s =
          ValidateCommentRef(request.article_id(), request.comment_id());
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> reason = NormalizeReason(request.reason());
  if (!reason.ok()) return reason.status();
  absl::StatusOr<v1::Comment> comment =
      comments_->SetFeatured({request.article_id(), request.comment_id()},
                             request.featured(), deadline);
  if (!comment.ok()) return comment.status();
  if (absl::Status s = AuditOne(
          moderator, request.featured() ? "feature" : "unfeature",
          absl::StrCat(request.article_id(), "/", request.comment_id()),
          *reason, "", deadline);
      !s.ok()) {
    return s;
  }
  response = *std::move(comment);
  return absl::OkStatus();
}

absl::Status ModerationServiceImpl::DoBan(const std::string& moderator,
                                          const std::string& user_id,
                                          const std::string& raw_reason,
                                          bool ban, absl::Time deadline) {
  if (absl::Status s = ValidateUserId(user_id, "user_id"); !s.ok()) return s;
  absl::StatusOr<std::string> reason = NormalizeReason(raw_reason);
  if (!reason.ok()) return reason.status();
  if (absl::Status s = store_->SetBanned(user_id, ban, *reason, deadline);
      !s.ok()) {
    return s;
  }
  // This replica refuses the user's next post at once; the others follow
  // within their poll interval.
  if (bans_ != nullptr) bans_->Apply(user_id, ban);
  return AuditOne(moderator, ban ? "ban" : "unban", user_id, *reason, "",
                  deadline);
}

// ---- RPC entry points: authenticate, then a Do* method on a worker --------

grpc::ServerUnaryReactor* ModerationServiceImpl::Serve(
    grpc::CallbackServerContext* context, const CallInfo& call, Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RpcMetrics::Method* metrics = methods_.find(call.method)->second;
  metrics->Started();
  const absl::Time start = absl::Now();
  auto finish = [reactor, metrics, start,
                 log = CallLog(*context,
                               v1::ModerationService::service_full_name(),
                               call, options_.log_client_ip)](
                    const absl::Status& status) {
    metrics->Handled(status.code(), absl::Now() - start);
    log.Finished(status);
    reactor->Finish(ToGrpcStatus(status));
  };
  absl::StatusOr<std::string> moderator = auth_->Authenticate(*context);
  if (!moderator.ok()) {
    finish(moderator.status());
    return reactor;
  }
  const absl::Time deadline = Deadline(*context);
  workers_.Schedule([finish = std::move(finish), deadline,
                     moderator = *std::move(moderator),
                     work = std::move(work)]() mutable {
    finish(std::move(work)(moderator, deadline));
  });
  return reactor;
}

// The handlers: each hands its call to its Do* method. A work item runs
// after the handler has returned, so it captures the call's pointers, which
// gRPC keeps alive until the call finishes, and never the handler's frame.

grpc::ServerUnaryReactor* ModerationServiceImpl::ListQueue(
    grpc::CallbackServerContext* context, const v1::ListQueueRequest* request,
    v1::ListQueueResponse* response) {
  return Serve(context, {"ListQueue", request->article_id()}, [this, request, response](const std::string&,
                                                  absl::Time deadline) {
    return DoListQueue(*request, deadline, *response);
  });
}

grpc::ServerUnaryReactor* ModerationServiceImpl::InspectComment(
    grpc::CallbackServerContext* context,
    const v1::InspectCommentRequest* request, v1::QueueItem* response) {
  return Serve(context, {"InspectComment", request->article_id()}, [this, request, response](const std::string&,
                                                  absl::Time deadline) {
    return DoInspect(*request, deadline, *response);
  });
}

grpc::ServerUnaryReactor* ModerationServiceImpl::ModerateComments(
    grpc::CallbackServerContext* context,
    const v1::ModerateCommentsRequest* request,
    v1::ModerateCommentsResponse* response) {
  return Serve(context, {"ModerateComments"}, [this, request, response](const std::string& moderator,
                                                  absl::Time deadline) {
    return DoModerate(moderator, *request, deadline, *response);
  });
}

grpc::ServerUnaryReactor* ModerationServiceImpl::ClearQueue(
    grpc::CallbackServerContext* context, const v1::ClearQueueRequest* request,
    v1::ClearQueueResponse* response) {
  // Clearing runs batch after batch, each with its own store deadline, up to
  // the client's deadline: it takes the context rather than one deadline.
  return Serve(context, {"ClearQueue", request->article_id()}, [this, context, request, response](
                            const std::string& moderator, absl::Time) {
    return DoClear(moderator, *request, *context, *response);
  });
}

grpc::ServerUnaryReactor* ModerationServiceImpl::SetArticlePolicy(
    grpc::CallbackServerContext* context,
    const v1::SetArticlePolicyRequest* request, v1::ArticlePolicy* response) {
  return Serve(context, {"SetArticlePolicy", request->article_id()}, [this, request, response](const std::string& moderator,
                                                  absl::Time deadline) {
    return DoSetPolicy(moderator, *request, deadline, *response);
  });
}

grpc::ServerUnaryReactor* ModerationServiceImpl::GetArticlePolicy(
    grpc::CallbackServerContext* context,
    const v1::GetArticlePolicyRequest* request, v1::ArticlePolicy* response) {
  return Serve(context, {"GetArticlePolicy", request->article_id()}, [this, request, response](const std::string&,
                                                  absl::Time deadline) {
    return DoGetPolicy(*request, deadline, *response);
  });
}

grpc::ServerUnaryReactor* ModerationServiceImpl::UpdateKeywords(
    grpc::CallbackServerContext* context,
    const v1::UpdateKeywordsRequest* request,
    v1::UpdateKeywordsResponse* response) {
  return Serve(context, {"UpdateKeywords"}, [this, request, response](const std::string& moderator,
                                                  absl::Time deadline) {
    return DoUpdateKeywords(moderator, *request, deadline, *response);
  });
}

grpc::ServerUnaryReactor* ModerationServiceImpl::ListKeywords(
    grpc::CallbackServerContext* context,
    const v1::ListKeywordsRequest* request,
    v1::ListKeywordsResponse* response) {
  return Serve(context, {"ListKeywords"}, [this, request, response](const std::string&,
                                                  absl::Time deadline) {
    return DoListKeywords(*request, deadline, *response);
  });
}

grpc::ServerUnaryReactor* ModerationServiceImpl::FeatureComment(
    grpc::CallbackServerContext* context,
    const v1::FeatureCommentRequest* request, v1::Comment* response) {
  return Serve(context, {"FeatureComment", request->article_id()}, [this, request, response](const std::string& moderator,
                                                  absl::Time deadline) {
    return DoFeature(moderator, *request, deadline, *response);
  });
}

grpc::ServerUnaryReactor* ModerationServiceImpl::BanUser(
    grpc::CallbackServerContext* context, const v1::BanUserRequest* request,
    v1::BanUserResponse*) {
  return Serve(context, {"BanUser"}, [this, request](const std::string& moderator,
                                        absl::Time deadline) {
    return DoBan(moderator, request->user_id(), request->reason(),
                 /*ban=*/true, deadline);
  });
}

grpc::ServerUnaryReactor* ModerationServiceImpl::UnbanUser(
    grpc::CallbackServerContext* context, const v1::UnbanUserRequest* request,
    v1::UnbanUserResponse*) {
  return Serve(context, {"UnbanUser"}, [this, request](const std::string& moderator,
                                        absl::Time deadline) {
    return DoBan(moderator, request->user_id(), request->reason(),
                 /*ban=*/false, deadline);
  });
}

grpc::ServerUnaryReactor* ModerationServiceImpl::ListAuditLog(
    grpc::CallbackServerContext* context,
    const v1::ListAuditLogRequest* request,
    v1::ListAuditLogResponse* response) {
  return Serve(context, {"ListAuditLog"}, [this, request, response](const std::string&,
                                                  absl::Time deadline) {
    return DoListAudit(*request, deadline, *response);
  });
}

}  // namespace comments
