// Backup and restore as docs/operations.md ("Backup and restore") tells an
// operator to do them: comments posted through the client library to the
// real comment-server, Redis's AOF (appendfsync always) or RDB (BGSAVE
// after the writes) copied to a new directory, a fresh redis-server started
// from the copy and a fresh comment-server on it: every acknowledged comment
// is listed again, and the counts agree.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/client.h"
#include "gtest/gtest.h"
#include "tests/support/comment_server.h"
#include "tests/support/fsck_run.h"
#include "tests/support/redis_server.h"

namespace comments {
namespace {

namespace fs = std::filesystem;

constexpr int kArticles = 3;
constexpr int kTopLevel = 100;  // Per article.
constexpr int kReplies = 10;    // To each article's first comment.

// What the client was told was stored: article -> parent ("" for the top
// level) -> comment ids.
using Acknowledged =
    std::map<std::string, std::map<std::string, std::set<std::string>>>;

Acknowledged PostComments(const std::string& target) {
  Client client({.target = target});
  Acknowledged acked;
  for (int a = 0; a < kArticles; ++a) {
    const std::string article = absl::StrCat("backup-", a);
    std::string first;
    for (int i = 0; i < kTopLevel + kReplies; ++i) {
      const bool reply = i >= kTopLevel;
      v1::PostCommentRequest post;
      post.set_article_id(article);
      post.set_author_id(absl::StrCat("u", i % 7));
      post.set_author_name("网友");
      post.set_body(absl::StrCat("评论 comment ", a, "/", i));
      if (reply) post.set_parent_id(first);
      absl::StatusOr<v1::PostCommentResponse> posted = client.PostComment(post);
      if (!posted.ok()) continue;  // Not acknowledged: no promise made.
      const std::string& id = posted->comment().comment_id();
      if (first.empty()) first = id;
      acked[article][reply ? first : ""].insert(id);
    }
  }
  return acked;
}

std::set<std::string> Listed(Client& client, const std::string& article,
                             const std::string& parent) {
  std::set<std::string> ids;
  v1::ListCommentsRequest list;
  list.set_article_id(article);
  list.set_parent_id(parent);
  list.set_order(v1::ORDER_NEWEST);
  list.set_page_size(50);
  do {
    absl::StatusOr<v1::ListCommentsResponse> page = client.ListComments(list);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    for (const v1::Comment& c : page->comments()) ids.insert(c.comment_id());
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  return ids;
}

// Copies `name` from `from`'s directory to `to`'s. A Redis Cluster node's
// nodes.conf goes with its data (COMMENTS_TEST_REDIS_CLUSTER=1): it holds
// the slots the node owns, and a node restored without it would claim only
// the slots of the keys it loaded.
void CopyBackup(const testing::RedisServer& from,
                const testing::RedisServer& to, const std::string& name) {
  fs::copy(fs::path(from.dir()) / name, fs::path(to.dir()) / name,
           fs::copy_options::recursive);
  if (testing::RedisServer::cluster_mode()) {
    fs::copy_file(fs::path(from.dir()) / "nodes.conf",
                  fs::path(to.dir()) / "nodes.conf");
  }
}

// Starts a fresh Redis in its own directory from `restored`'s copied files
// and a comment-server on it, and checks every acknowledged comment.
void ExpectRestored(testing::RedisServer& restored,
                    const std::vector<std::string>& redis_args,
                    const Acknowledged& acked) {
  restored.set_extra_args(redis_args);
  ASSERT_TRUE(restored.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(restored.url()));
  Client client({.target = server.target()});
  size_t total = 0;
  for (const auto& [article, by_parent] : acked) {
    for (const auto& [parent, ids] : by_parent) {
      EXPECT_EQ(Listed(client, article, parent), ids)
          << article << " under '" << parent << "'";
      total += ids.size();
    }
    absl::StatusOr<v1::ArticleStats> stats = client.GetArticleStats(article);
    ASSERT_TRUE(stats.ok()) << stats.status();
    size_t posted = 0;
    for (const auto& [parent, ids] : by_parent) posted += ids.size();
    EXPECT_EQ(stats->comment_count(), static_cast<int64_t>(posted)) << article;
  }
  EXPECT_EQ(total, size_t{kArticles * (kTopLevel + kReplies)})
      << "every post was acknowledged on a healthy Redis";
  // And what came back is consistent: every count and index agrees with
  // the records (docs/reliability.md).
  const testing::FsckRun fsck = testing::RunFsck(restored.url());
  EXPECT_EQ(fsck.exit_code, 0) << fsck.output;
}

TEST(BackupRestoreTest, AofCopyBringsBackEveryAcknowledgedComment) {
  const std::vector<std::string> aof = {"--appendonly", "yes", "--appendfsync",
                                        "always"};
  testing::RedisServer source;
  source.set_extra_args(aof);
  ASSERT_TRUE(source.Start());
  Acknowledged acked;
  {
    testing::CommentServerProcess server;
    ASSERT_TRUE(server.Start(source.url()));
    acked = PostComments(server.target());
  }
  // The backup: the AOF directory (base, increments and manifest) copied
  // while Redis runs; with appendfsync always each acknowledged write is in
  // it. No rewrite is running (none was asked for, and the AOF is small).
  testing::RedisServer restored;
  CopyBackup(source, restored, "appendonlydir");
  source.Stop();  // The copy must not need the original.
  ExpectRestored(restored, aof, acked);
}

TEST(BackupRestoreTest, RdbSnapshotAfterTheWritesBringsBackEveryComment) {
  testing::RedisServer source;
  ASSERT_TRUE(source.Start());
  Acknowledged acked;
  {
    testing::CommentServerProcess server;
    ASSERT_TRUE(server.Start(source.url()));
    acked = PostComments(server.target());
  }
  ASSERT_EQ(source.Query("BGSAVE"), "Background saving started");
  // Done when no save runs and the last one holds every change (counted,
  // not timed).
  bool saved = false;
  for (int i = 0; i < 500 && !saved; ++i) {
    const std::string info = source.Query("INFO persistence");
    saved = info.find("rdb_bgsave_in_progress:0") != std::string::npos &&
            info.find("rdb_last_bgsave_status:ok") != std::string::npos &&
            info.find("rdb_changes_since_last_save:0\r") != std::string::npos;
    if (!saved) absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(saved);
  testing::RedisServer restored;
  CopyBackup(source, restored, "dump.rdb");
  source.Stop();
  ExpectRestored(restored, {}, acked);
}

}  // namespace
}  // namespace comments
