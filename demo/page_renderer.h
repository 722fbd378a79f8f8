#ifndef COMMENTS_DEMO_PAGE_RENDERER_H_
#define COMMENTS_DEMO_PAGE_RENDERER_H_

#include <string>

#include "client/client.h"
#include "demo/article.h"
#include "demo/comment_feed.h"

namespace comments::demo {

// A one-line message shown at the top of a page after a form was sent
// (carried across the POST-redirect-GET in the query string).
struct Notice {
  enum class Kind { kNone, kOk, kHeld, kRejected, kError };
  Kind kind = Kind::kNone;
  std::string text;

  // "ok", "held", "rejected", "error" and back; unknown names are kNone.
  static Kind KindFromName(const std::string& name);
  static const char* NameOf(Kind kind);
};

// The two moderator queues, as ListQueue answers them (first pages).
struct ModerationQueues {
  v1::ListQueueResponse pending;
  v1::ListQueueResponse reported;
};

// Turns data into complete HTML pages; knows nothing of HTTP or of the
// service. Every piece of text that came from a user or the service goes
// through HtmlEscape. Pages are self-contained: inline CSS and a few lines
// of inline JS (加载更多 in place), no external assets. Immutable, so
// thread-safe.
class PageRenderer final {
 public:
  explicit PageRenderer(Article article) : article_(std::move(article)) {}
  PageRenderer(const PageRenderer&) = delete;
  PageRenderer& operator=(const PageRenderer&) = delete;

  // The article with its comment block. `post_key` goes into the forms as
  // the idempotency key, so a form sent twice posts once.
  std::string ArticlePage(const CommentBlock& block, const Notice& notice,
                          const std::string& post_key) const;

  // The <li> items of one page of a list, ending with the 加载更多 item when
  // there is a next page: what 加载更多 fetches and appends.
  std::string CommentItems(const CommentPage& page, v1::Order order,
                           const std::string& post_key) const;

  // The moderator's page: both queues, with a decision per comment and
  // clear-all per queue.
  std::string ModeratorPage(const ModerationQueues& queues,
                            const Notice& notice) const;

  // The moderator's sign-in form.
  std::string LoginPage(const Notice& notice) const;

  // A page with only a title and a message (errors).
  std::string MessagePage(const std::string& title,
                          const std::string& message) const;

 private:
  std::string CommentItem(const v1::Comment& comment, v1::Order order,
                          const std::string& post_key) const;
  std::string QueueSection(const char* title, const char* queue_name,
                           const v1::ListQueueResponse& queue) const;

  const Article article_;
};

}  // namespace comments::demo

#endif  // COMMENTS_DEMO_PAGE_RENDERER_H_
