#ifndef COMMENTS_DEMO_ARTICLE_PAGE_H_
#define COMMENTS_DEMO_ARTICLE_PAGE_H_

#include <string>

#include "client/client.h"
#include "demo/article.h"
#include "demo/comment_feed.h"
#include "demo/page_layout.h"

namespace comments::demo {

// The article page as HTML, with its comment block; knows nothing of HTTP
// or of the service. Every piece of text that came from a user or the service
// goes through HtmlEscape. Pages are self-contained: inline CSS and a few lines
// of inline JS (加载更多 in place), no external assets. Immutable, so
// thread-safe.
class ArticlePageRenderer final {
 public:
  explicit ArticlePageRenderer(Article article)
      : article_(std::move(article)) {}
  ArticlePageRenderer(const ArticlePageRenderer&) = delete;
  ArticlePageRenderer& operator=(const ArticlePageRenderer&) = delete;

  // The article with its comment block. `post_key` goes into the forms as
  // the idempotency key, so a form sent twice posts once.
  std::string ArticlePage(const CommentBlock& block, const Notice& notice,
                          const std::string& post_key) const;

  // The <li> items of one page of a list, ending with the 加载更多 item when
  // there is a next page: what 加载更多 fetches and appends.
  std::string CommentItems(const CommentPage& page, v1::Order order,
                           const std::string& post_key) const;

  // A page with only a title and a message (errors).
  std::string MessagePage(const std::string& title,
                          const std::string& message) const;

 private:
  std::string CommentItem(const v1::Comment& comment, v1::Order order,
                          const std::string& post_key) const;

  const Article article_;
};

}  // namespace comments::demo

#endif  // COMMENTS_DEMO_ARTICLE_PAGE_H_
