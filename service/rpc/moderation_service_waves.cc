// ModerationService's copy-paste wave calls: ListWaves and RejectWave
// (docs/moderation-workflow.md, "Copy-paste waves"). The rest of the
// service is in moderation_service_impl.cc.

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "service/rpc/grpc_status.h"
#include "service/rpc/moderation_service_impl.h"
#include "service/rpc/validation.h"

namespace comments {
namespace {

constexpr int kDefaultWavePage = 20;
constexpr int kMaxWavePage = 100;
// Copies decided per pipeline, as ClearQueue's batches.
constexpr int kRejectBatch = 500;
constexpr absl::Duration kMaxRejectTime = absl::Minutes(10);

google::protobuf::Timestamp FromMillis(int64_t ms) {
  google::protobuf::Timestamp t;
  t.set_seconds(ms / 1000);
  t.set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
  return t;
}

absl::Status ValidateWaveId(absl::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError("wave_id is required");
  const bool hex = id.size() == 16 &&
                   std::all_of(id.begin(), id.end(), [](char c) {
                     return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
                   });
  if (!hex) {
    return absl::InvalidArgumentError(
        "wave_id must be 16 lowercase hex digits, as ListWaves gives it");
  }
  return absl::OkStatus();
}

PageCursor WaveCursor() {
  PageCursor cursor;
  cursor.article_id = "*";
  cursor.parent_id = "waves";
  return cursor;
}

}  // namespace

absl::Status ModerationServiceImpl::DoListWaves(
    const v1::ListWavesRequest& request, absl::Time deadline,
    v1::ListWavesResponse& response) {
  absl::StatusOr<int> limit =
      ResolvePageSize(request.page_size(), kDefaultWavePage, kMaxWavePage);
  if (!limit.ok()) return limit.status();
  PageCursor expected = WaveCursor();
  std::optional<WavePosition> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor =
        tokens_->Decode(request.page_token(), expected);
    if (!cursor.ok()) return cursor.status();
    after = WavePosition{cursor->score, cursor->comment_id};
  }
  if (waves_ == nullptr) return absl::OkStatus();
  absl::StatusOr<std::vector<WaveSummary>> waves =
      waves_->List(after, *limit + 1, deadline);
  if (!waves.ok()) return waves.status();
  const bool more = static_cast<int>(waves->size()) > *limit;
  if (more) waves->resize(*limit);
  for (WaveSummary& w : *waves) {
    v1::Wave* out = response.add_waves();
    out->set_wave_id(w.wave_id);
    out->set_sample_text(std::move(w.sample));
    out->set_copies(w.copies);
    out->set_accounts(w.accounts);
    out->set_articles(w.articles);
    *out->mutable_first_seen() = FromMillis(w.first_seen_ms);
    *out->mutable_last_seen() = FromMillis(w.last_seen_ms);
  }
  if (more) {
    // The index's score is its own (when the wave was last indexed), not
    // last_seen: the cursor must hold the index's.
    expected.score = waves->back().index_score;
    expected.comment_id = waves->back().wave_id;
    response.set_next_page_token(tokens_->Encode(expected));
  }
  return absl::OkStatus();
}

absl::Status ModerationServiceImpl::DoRejectWave(
    const std::string& moderator, const v1::RejectWaveRequest& request,
    const grpc::ServerContextBase& context, v1::RejectWaveResponse& response) {
  if (absl::Status s = ValidateWaveId(request.wave_id()); !s.ok()) return s;
  absl::StatusOr<std::string> reason = NormalizeReason(request.reason());
  if (!reason.ok()) return reason.status();
  if (waves_ == nullptr) {
    return absl::FailedPreconditionError(
        "this server keeps no copy-paste waves");
  }
  const std::string& wave = request.wave_id();
  absl::StatusOr<WaveSummary> summary = waves_->Get(
      wave, std::min(StoreDeadline(context, options_.store_timeout),
                     absl::Now() + options_.store_timeout));
  if (!summary.ok()) return summary.status();
  int64_t offset = 0;
  int64_t count = 0;
  const absl::Status outcome = RunBatches(
      StoreDeadline(context, kMaxRejectTime), "rejecting", "copies", count,
      [&](absl::Time deadline) -> absl::StatusOr<bool> {
        absl::StatusOr<std::vector<CommentRef>> batch =
            waves_->Copies(wave, offset, kRejectBatch, deadline);
        if (!batch.ok()) return batch.status();
        if (batch->empty()) return false;
        // Held copies leave the pending queue; copies published before the
        // wave was seen are unpublished (ModerationQueue::kAnywhere).
        absl::StatusOr<std::vector<absl::StatusOr<Decided>>> decided =
            DecideAndRecord(*batch, /*approve=*/false,
                            ModerationQueue::kAnywhere, moderator, *reason,
                            /*audit_each=*/false, deadline);
        if (!decided.ok()) return decided.status();
        for (const absl::StatusOr<Decided>& r : *decided) {
          if (r.ok()) {
            count += r->left_queue != v1::QUEUE_UNSPECIFIED || r->unpublished;
          } else if (!absl::IsNotFound(r.status()) &&
                     !absl::IsFailedPrecondition(r.status())) {
            return r.status();
          }
          // Else deleted by its author (or gone): left as it is.
        }
        offset += static_cast<int64_t>(batch->size());
        return true;
      });
  if (!outcome.ok() && !absl::IsDeadlineExceeded(outcome)) return outcome;
  response.set_count(count);
  if (absl::Status s = AuditOne(
          moderator, "reject_wave", wave, *reason,
          absl::StrCat("copies=", offset, " count=", count),
          absl::Now() + options_.store_timeout);
      !s.ok()) {
    return s;
  }
  return outcome;
}

grpc::ServerUnaryReactor* ModerationServiceImpl::ListWaves(
    grpc::CallbackServerContext* context, const v1::ListWavesRequest* request,
    v1::ListWavesResponse* response) {
  return Serve(context, {"ListWaves"},
               [this, request, response](const std::string&,
                                         absl::Time deadline) {
                 return DoListWaves(*request, deadline, *response);
               });
}

grpc::ServerUnaryReactor* ModerationServiceImpl::RejectWave(
    grpc::CallbackServerContext* context, const v1::RejectWaveRequest* request,
    v1::RejectWaveResponse* response) {
  // As ClearQueue: batch after batch up to the client's deadline.
  return Serve(context, {"RejectWave"},
               [this, context, request, response](const std::string& moderator,
                                                  absl::Time) {
                 return DoRejectWave(moderator, *request, *context, *response);
               });
}

}  // namespace comments
