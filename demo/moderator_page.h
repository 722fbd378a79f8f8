#ifndef COMMENTS_DEMO_MODERATOR_PAGE_H_
#define COMMENTS_DEMO_MODERATOR_PAGE_H_

#include <string>

#include "client/client.h"
#include "demo/page_layout.h"

namespace comments::demo {

// The two moderator queues, as ListQueue answers them (first pages).
struct ModerationQueues {
  v1::ListQueueResponse pending;
  v1::ListQueueResponse reported;
};

// The moderator's pages as HTML: the queues, with why each comment is there
// (lexicon categories and words, pre-moderation, reports), a decision per
// comment and clear-all per queue; and the sign-in form. Moderators see the
// text as posted and the matched words, which readers are never told. All
// text escaped. Immutable, so thread-safe.
class ModeratorPageRenderer final {
 public:
  // `article_title` names what the queues belong to.
  explicit ModeratorPageRenderer(std::string article_title)
      : article_title_(std::move(article_title)) {}
  ModeratorPageRenderer(const ModeratorPageRenderer&) = delete;
  ModeratorPageRenderer& operator=(const ModeratorPageRenderer&) = delete;

  std::string ModeratorPage(const ModerationQueues& queues,
                            const Notice& notice) const;
  std::string LoginPage(const Notice& notice) const;

 private:
  std::string QueueSection(const char* title, const char* queue_name,
                           const v1::ListQueueResponse& queue) const;

  const std::string article_title_;
};

}  // namespace comments::demo

#endif  // COMMENTS_DEMO_MODERATOR_PAGE_H_
