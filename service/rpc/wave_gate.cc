#include "service/rpc/wave_gate.h"

#include <algorithm>
#include <utility>

#include "comments/v1/moderation.pb.h"
#include "logging/log.h"

namespace comments {
namespace {

metrics::CounterFamily& WavePosts(metrics::Registry& registry) {
  return registry.AddCounter(
      "comments_wave_posts_total",
      "Posts fingerprinted and recorded in a copy-paste wave (tracked), and "
      "those held for review because their wave had passed --wave_accounts "
      "(held).",
      {"outcome"});
}

}  // namespace

WaveGate::WaveGate(WaveGateOptions options, WaveStore* waves,
                   CommentStore* comments, metrics::Registry& registry)
    : WaveGate(std::move(options), waves, comments, WavePosts(registry)) {}

WaveGate::WaveGate(WaveGateOptions options, WaveStore* waves,
                   CommentStore* comments, metrics::CounterFamily& posts)
    : options_(std::move(options)),
      waves_(waves),
      comments_(comments),
      tracked_(&posts.WithLabels({"tracked"})),
      held_(&posts.WithLabels({"held"})) {}

std::optional<moderation::TextFingerprint> WaveGate::Fingerprint(
    const std::string& body) const {
  if (options_.accounts <= 0) return std::nullopt;
  absl::StatusOr<moderation::TextFingerprint> fp =
      moderation::Fingerprint(body, options_.fingerprint);
  // Unicode data missing is the engine's start-up failure, already fatal
  // there; a text the gate cannot read is simply not tracked.
  if (!fp.ok() || fp->informative_chars < options_.min_chars) {
    return std::nullopt;
  }
  return *std::move(fp);
}

void WaveGate::Hold(const std::string& wave_id, NewComment& comment) {
  comment.verdict = std::max(comment.verdict, moderation::Action::kReview);
  v1::QueueItem detail;
  detail.ParseFromString(comment.detail);
  detail.set_wave_id(wave_id);
  // Shown to its author as a category, as the lexicon's matches are; the
  // word names the detector, as "<url>" does.
  v1::KeywordMatch* match = detail.add_matches();
  match->set_word("<wave>");
  match->set_category("wave");
  match->set_action(v1::MODERATION_ACTION_REVIEW);
  comment.detail = detail.SerializeAsString();
}

void WaveGate::Post(NewComment comment,
                    const moderation::TextFingerprint& fingerprint,
                    std::string sample, absl::Time deadline,
                    Callback<PostResult> done) {
  const std::string author = comment.author_id;
  const std::string article = comment.article_id;
  waves_->See(
      fingerprint, author, article, sample, deadline,
      [this, comment = std::move(comment), deadline, done = std::move(done)](
          absl::StatusOr<WaveSighting> sighting) mutable {
        if (!sighting.ok()) return std::move(done)(sighting.status());
        tracked_->Increment();
        if (sighting->recent_accounts > options_.accounts) {
          held_->Increment();
          Hold(sighting->wave_id, comment);
        }
        comments_->Post(
            std::move(comment), deadline,
            [this, sighting = *std::move(sighting), deadline,
             done = std::move(done)](absl::StatusOr<PostResult> posted) mutable {
              if (!posted.ok()) return std::move(done)(std::move(posted));
              const CommentRef ref{posted->stored.comment.article_id(),
                                   posted->stored.comment.comment_id()};
              waves_->AddCopy(
                  sighting, ref, deadline,
                  [wave = sighting.wave_id, ref, posted = std::move(posted),
                   done = std::move(done)](absl::Status s) mutable {
                    if (!s.ok()) {
                      logging::Log(logging::Level::kWarning,
                                   "wave_copy_not_recorded",
                                   {{"wave", wave},
                                    {"article", ref.article_id},
                                    {"comment", ref.comment_id},
                                    {"error", std::string(s.message())}});
                    }
                    std::move(done)(std::move(posted));
                  });
            });
      });
}

}  // namespace comments
