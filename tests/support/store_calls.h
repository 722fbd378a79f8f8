#ifndef COMMENTS_TESTS_SUPPORT_STORE_CALLS_H_
#define COMMENTS_TESTS_SUPPORT_STORE_CALLS_H_

// Blocking forms of CommentStore's asynchronous calls, for tests: the store
// offers each call only in the form the service uses (comment_store.h).

#include <string>
#include <vector>

#include "redis/await.h"
#include "service/store/comment_store.h"

namespace comments::testing {

inline absl::StatusOr<PostResult> WaitPost(CommentStore& store,
                                           const NewComment& comment,
                                           absl::Time deadline) {
  return Await<PostResult>([&](Callback<PostResult> done) {
    store.Post(comment, deadline, std::move(done));
  });
}

inline absl::StatusOr<v1::Comment> WaitGet(CommentStore& store,
                                           const std::string& article_id,
                                           const std::string& comment_id,
                                           absl::Time deadline) {
  absl::StatusOr<StoredComment> got =
      Await<StoredComment>([&](Callback<StoredComment> done) {
        store.Get({article_id, comment_id}, "", deadline, std::move(done));
      });
  if (!got.ok()) return got.status();
  return std::move(got->comment);
}

inline absl::StatusOr<LikeState> WaitSetLike(CommentStore& store,
                                             const std::string& article_id,
                                             const std::string& comment_id,
                                             const std::string& user_id,
                                             bool like, absl::Time deadline) {
  return Await<LikeState>([&](Callback<LikeState> done) {
    store.SetLike({article_id, comment_id}, user_id, like, deadline,
                  std::move(done));
  });
}

inline absl::StatusOr<v1::Queue> WaitDelete(CommentStore& store,
                                            const std::string& article_id,
                                            const std::string& comment_id,
                                            const std::string& user_id,
                                            absl::Time deadline) {
  return Await<v1::Queue>([&](Callback<v1::Queue> done) {
    store.Delete({article_id, comment_id}, user_id, deadline, std::move(done));
  });
}

inline absl::StatusOr<std::vector<v1::ArticleStats>> WaitStats(
    CommentStore& store, const std::vector<std::string>& article_ids,
    absl::Time deadline) {
  return Await<std::vector<v1::ArticleStats>>(
      [&](Callback<std::vector<v1::ArticleStats>> done) {
        store.Stats(article_ids, deadline, std::move(done));
      });
}

}  // namespace comments::testing

#endif  // COMMENTS_TESTS_SUPPORT_STORE_CALLS_H_
