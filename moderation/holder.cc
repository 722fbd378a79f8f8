// LexiconHolder. std::atomic_load/atomic_store on shared_ptr (C++11's free
// functions; C++20's std::atomic<std::shared_ptr> is not available in
// C++17): a reader copies the pointer, bumping its reference count, and
// never waits for a reload, which only builds a new lexicon elsewhere and
// stores it. libstdc++ guards the copy with a tiny spin lock from a
// hashed pool, held for a pointer copy only; bench/moderation measures Get.
#include <memory>
#include <utility>

#include "moderation/moderation.h"

namespace moderation {

LexiconHolder::LexiconHolder(std::shared_ptr<const Lexicon> initial)
    : current_(std::move(initial)) {}

std::shared_ptr<const Lexicon> LexiconHolder::Get() const {
  return std::atomic_load_explicit(&current_, std::memory_order_acquire);
}

void LexiconHolder::Set(std::shared_ptr<const Lexicon> next) {
  // The old lexicon is freed by whichever thread drops the last reference,
  // possibly a reader finishing a Check.
  std::atomic_store_explicit(&current_, std::move(next),
                             std::memory_order_release);
}

Verdict LexiconHolder::Check(std::string_view text) const {
  return Get()->Check(text);
}

}  // namespace moderation
