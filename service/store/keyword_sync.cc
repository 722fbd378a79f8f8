#include "service/store/keyword_sync.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "service/store/moderation_convert.h"

namespace comments {

KeywordSync::KeywordSync(ModerationStore* store,
                         moderation::LexiconHolder* holder,
                         moderation::EngineOptions engine_options,
                         absl::Duration poll_interval)
    : store_(store),
      holder_(holder),
      engine_options_(std::move(engine_options)),
      poller_(poll_interval, "keyword reload", [this] { return SyncNow(); }) {}

void KeywordSync::SetSeed(std::vector<v1::Keyword> seed) {
  absl::MutexLock lock(&sync_mu_);
  seed_ = std::move(seed);
}

absl::Status KeywordSync::SyncNow() {
  absl::MutexLock lock(&sync_mu_);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  if (!seed_.empty()) {
    absl::Status seeded =
        store_->UpdateKeywords(seed_, {}, /*seed=*/true, deadline).status();
    if (!seeded.ok()) return seeded;
    seed_.clear();
  }
  absl::StatusOr<ModerationStore::Revision> revision =
      store_->KeywordRevision(deadline);
  if (!revision.ok()) return revision.status();
  if (*revision == loaded_revision_) return absl::OkStatus();
  absl::StatusOr<std::vector<v1::Keyword>> keywords =
      store_->AllKeywords(deadline);
  if (!keywords.ok()) return keywords.status();
  std::vector<moderation::LexiconEntry> entries;
  entries.reserve(keywords->size());
  for (const v1::Keyword& k : *keywords) entries.push_back(ToLexiconEntry(k));
  const absl::Time compile_start = absl::Now();
  absl::StatusOr<std::shared_ptr<const moderation::Lexicon>> lexicon =
      moderation::Lexicon::Compile(entries, engine_options_);
  if (!lexicon.ok()) {
    // One bad word must not stop every later update: leave it out.
    std::vector<moderation::LexiconEntry> good;
    for (const moderation::LexiconEntry& e : entries) {
      if (moderation::ValidateLexiconEntry(e).ok()) good.push_back(e);
    }
    lexicon = moderation::Lexicon::Compile(good, engine_options_);
    if (!lexicon.ok()) return lexicon.status();
  }
  holder_->Set(*std::move(lexicon));
  loaded_revision_ = *revision;
  absl::MutexLock loaded_lock(&loaded_mu_);
  loaded_ = Loaded{revision->counter, entries.size(), absl::Now() - compile_start};
  return absl::OkStatus();
}

KeywordSync::Loaded KeywordSync::loaded() const {
  absl::MutexLock lock(&loaded_mu_);
  return loaded_;
}

}  // namespace comments
