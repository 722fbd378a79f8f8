#ifndef COMMENTS_DEMO_COMMENT_FEED_H_
#define COMMENTS_DEMO_COMMENT_FEED_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/client.h"

namespace comments::demo {

// A top-level comment with the first few of its replies, oldest first.
struct CommentThread {
  v1::Comment comment;
  std::vector<v1::Comment> replies;
};

// One page of a list: what a 最热评论 or 最新评论 box shows at a time.
struct CommentPage {
  std::vector<CommentThread> threads;
  // Empty on the last page; otherwise the 加载更多 link carries it.
  std::string next_page_token;
};

// Everything the comment block under the article needs.
struct CommentBlock {
  v1::ArticleStats stats;
  CommentPage hot;
  CommentPage newest;
};

struct FeedOptions {
  // The article whose comments are shown.
  std::string article_id;
  // Comments per page of each list (1-100).
  int page_size = 10;
  // Replies shown under each comment (0-100); the rest are counted only.
  int replies_shown = 5;
};

// Reads the article's comment block through the client library. One page
// costs one ListComments call plus one per comment that has replies; fine
// for a demo, where a real portal would cache the block. Thread-safe (the
// Client is).
class CommentFeed final {
 public:
  // `client` must outlive the feed.
  CommentFeed(Client* client, FeedOptions options)
      : client_(client), options_(std::move(options)) {}
  CommentFeed(const CommentFeed&) = delete;
  CommentFeed& operator=(const CommentFeed&) = delete;

  // The page of `order` after `page_token` (empty: the first page), as
  // `viewer` sees it (which comments they like). The service's status on
  // failure (INVALID_ARGUMENT for a forged token).
  absl::StatusOr<CommentPage> LoadPage(v1::Order order,
                                       const std::string& page_token,
                                       const std::string& viewer) const;

  // Stats and the hot and newest pages named by the two tokens.
  absl::StatusOr<CommentBlock> LoadBlock(const std::string& hot_token,
                                         const std::string& newest_token,
                                         const std::string& viewer) const;

  const FeedOptions& options() const { return options_; }

 private:
  Client* const client_;
  const FeedOptions options_;
};

}  // namespace comments::demo

#endif  // COMMENTS_DEMO_COMMENT_FEED_H_
