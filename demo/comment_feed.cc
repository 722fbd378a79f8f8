#include "demo/comment_feed.h"

namespace comments::demo {

absl::StatusOr<CommentPage> CommentFeed::LoadPage(
    v1::Order order, const std::string& page_token,
    const std::string& viewer) const {
  v1::ListCommentsRequest request;
  request.set_article_id(options_.article_id);
  request.set_viewer_id(viewer);
  request.set_order(order);
  request.set_page_size(options_.page_size);
  request.set_page_token(page_token);
  absl::StatusOr<v1::ListCommentsResponse> listed =
      client_->ListComments(request);
  if (!listed.ok()) return listed.status();

  CommentPage page;
  page.next_page_token = listed->next_page_token();
  for (v1::Comment& comment : *listed->mutable_comments()) {
    CommentThread thread;
    if (comment.reply_count() > 0 && options_.replies_shown > 0) {
      v1::ListCommentsRequest replies;
      replies.set_article_id(options_.article_id);
      replies.set_parent_id(comment.comment_id());
      replies.set_order(v1::ORDER_OLDEST);
      replies.set_page_size(options_.replies_shown);
      replies.set_viewer_id(viewer);
      absl::StatusOr<v1::ListCommentsResponse> listed_replies =
          client_->ListComments(replies);
      // A comment rejected between the two calls has no replies to list:
      // show the page without them rather than fail it.
      if (listed_replies.ok()) {
        thread.replies.assign(listed_replies->comments().begin(),
                              listed_replies->comments().end());
      } else if (!absl::IsNotFound(listed_replies.status())) {
        return listed_replies.status();
      }
    }
    thread.comment = std::move(comment);
    page.threads.push_back(std::move(thread));
  }
  return page;
}

absl::StatusOr<CommentBlock> CommentFeed::LoadBlock(
    const std::string& hot_token, const std::string& newest_token,
    const std::string& viewer) const {
  CommentBlock block;
  absl::StatusOr<v1::ArticleStats> stats =
      client_->GetArticleStats(options_.article_id);
  if (!stats.ok()) return stats.status();
  block.stats = *std::move(stats);
  absl::StatusOr<CommentPage> hot = LoadPage(v1::ORDER_HOT, hot_token, viewer);
  if (!hot.ok()) return hot.status();
  block.hot = *std::move(hot);
  absl::StatusOr<CommentPage> newest =
      LoadPage(v1::ORDER_NEWEST, newest_token, viewer);
  if (!newest.ok()) return newest.status();
  block.newest = *std::move(newest);
  return block;
}

}  // namespace comments::demo
