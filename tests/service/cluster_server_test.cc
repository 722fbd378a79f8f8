// The service over a real Redis Cluster of three primaries, end to end:
// two comment-server replicas given one node's address, driven through the
// client library. Articles spread over every primary; the calls that span
// articles (BatchGetArticleStats, the cross-article moderation queues,
// ClearQueue, the queue repair's SCAN) must see all of them.
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/client.h"
#include "gtest/gtest.h"
#include "redis/internal/redis_cluster.h"
#include "service/store/keyspace.h"
#include "tests/support/comment_server.h"
#include "tests/support/redis_cluster.h"
#include "tests/support/status_matchers.h"

namespace comments {
namespace {

constexpr char kToken[] = "alice-token-0123456789";

class ClusterServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new testing::RedisCluster(/*primaries=*/3);
    ASSERT_TRUE(cluster_->Start());
    tokens_ = new testing::TempDir();
    const std::string tokens = tokens_->path() + "/tokens";
    std::ofstream(tokens) << kToken << " alice\n";
    for (auto*& server : servers_) {
      server = new testing::CommentServerProcess();
      // Two seeds, as an operator would give them.
      ASSERT_TRUE(server->Start(
          cluster_->seed_url() + "," + cluster_->url(1),
          {"--lexicon=" + std::string(TEST_LEXICON),
           "--moderator_tokens=" + tokens, "--report_threshold=2",
           "--keyword_poll_interval=100ms", "--queue_repair_interval=200ms"}));
    }
    client_ = new Client({.target = servers_[0]->target()});
    other_ = new Client({.target = servers_[1]->target()});
    mod_ = new ModerationClient(
        {.target = servers_[1]->target(), .bearer_token = kToken});
  }

  static void TearDownTestSuite() {
    delete client_;
    delete other_;
    delete mod_;
    for (auto*& server : servers_) delete server;
    delete tokens_;
    delete cluster_;
  }

  // `n` article ids whose keys live on every primary.
  static std::vector<std::string> Articles(const std::string& prefix, int n) {
    std::vector<std::string> ids;
    std::set<int> owners;
    for (int i = 0; i < n; ++i) {
      ids.push_back(absl::StrCat(prefix, i));
      owners.insert(cluster_->OwnerOf(KeySlot(ids.back())));
    }
    EXPECT_EQ(owners.size(), 3u);
    return ids;
  }

  static absl::StatusOr<v1::PostCommentResponse> Post(
      Client& client, const std::string& article, const std::string& body,
      const std::string& author = "reader") {
    v1::PostCommentRequest r;
    r.set_article_id(article);
    r.set_author_id(author);
    r.set_body(body);
    return client.PostComment(r);
  }

  static std::set<std::string> Queue(v1::Queue queue) {
    v1::ListQueueRequest r;
    r.set_queue(queue);
    r.set_page_size(7);  // Several pages.
    std::set<std::string> items;
    do {
      absl::StatusOr<v1::ListQueueResponse> page = mod_->ListQueue(r);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const auto& item : page->items()) {
        items.insert(absl::StrCat(item.comment().article_id(), "/",
                                  item.comment().comment_id()));
      }
      r.set_page_token(page->next_page_token());
    } while (!r.page_token().empty());
    return items;
  }

  static testing::RedisCluster* cluster_;
  static testing::TempDir* tokens_;
  static testing::CommentServerProcess* servers_[2];
  static Client* client_;
  static Client* other_;
  static ModerationClient* mod_;
};

testing::RedisCluster* ClusterServerTest::cluster_ = nullptr;
testing::TempDir* ClusterServerTest::tokens_ = nullptr;
testing::CommentServerProcess* ClusterServerTest::servers_[2] = {};
Client* ClusterServerTest::client_ = nullptr;
Client* ClusterServerTest::other_ = nullptr;
ModerationClient* ClusterServerTest::mod_ = nullptr;

TEST_F(ClusterServerTest, CommentsOnEveryPrimaryListLikeAndCount) {
  const std::vector<std::string> articles = Articles("news-", 12);
  for (size_t i = 0; i < articles.size(); ++i) {
    for (size_t j = 0; j <= i % 3; ++j) {
      ASSERT_TRUE(Post(*client_, articles[i], absl::StrCat("comment ", j),
                       absl::StrCat("user", j))
                      .ok());
    }
  }
  for (size_t i = 0; i < articles.size(); ++i) {
    v1::ListCommentsRequest list;
    list.set_article_id(articles[i]);
    list.set_order(v1::ORDER_HOT);
    // Read through the other replica: the state is all in the cluster.
    absl::StatusOr<v1::ListCommentsResponse> page = other_->ListComments(list);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_EQ(page->comments_size(), static_cast<int>(i % 3 + 1));
    const std::string& newest = page->comments(0).comment_id();
    absl::StatusOr<v1::LikeCommentResponse> liked =
        other_->LikeComment(articles[i], newest, "fan");
    ASSERT_TRUE(liked.ok()) << liked.status();
    EXPECT_EQ(liked->like_count(), 1);
  }
  absl::StatusOr<std::vector<v1::ArticleStats>> stats =
      client_->BatchGetArticleStats(articles);
  ASSERT_TRUE(stats.ok()) << stats.status();
  ASSERT_EQ(stats->size(), articles.size());
  for (size_t i = 0; i < articles.size(); ++i) {
    EXPECT_EQ((*stats)[i].article_id(), articles[i]);
    EXPECT_EQ((*stats)[i].comment_count(), static_cast<int64_t>(i % 3 + 1));
    // The authors, and the reader who liked a comment.
    EXPECT_EQ((*stats)[i].participant_count(), static_cast<int64_t>(i % 3 + 2));
  }
}

TEST_F(ClusterServerTest, QueuesSpanEveryPrimaryAndClear) {
  const std::vector<std::string> articles = Articles("held-", 9);
  std::set<std::string> held;
  for (const std::string& a : articles) {
    absl::StatusOr<v1::PostCommentResponse> r =
        Post(*client_, a, "spamword offer");
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->comment().status(), v1::COMMENT_STATUS_PENDING);
    held.insert(absl::StrCat(a, "/", r->comment().comment_id()));
  }
  EXPECT_EQ(Queue(v1::QUEUE_PENDING), held);

  const std::string first = *held.begin();
  const size_t slash = first.find('/');
  ASSERT_TRUE(mod_->Decide(first.substr(0, slash), first.substr(slash + 1),
                           v1::DECISION_APPROVE, "fine")
                  .ok());
  v1::ClearQueueRequest clear;
  clear.set_queue(v1::QUEUE_PENDING);
  clear.set_decision(v1::DECISION_REJECT);
  absl::StatusOr<int64_t> cleared = mod_->ClearQueue(clear);
  ASSERT_TRUE(cleared.ok()) << cleared.status();
  EXPECT_EQ(*cleared, static_cast<int64_t>(held.size() - 1));
  EXPECT_TRUE(Queue(v1::QUEUE_PENDING).empty());
  absl::StatusOr<std::vector<v1::ArticleStats>> stats =
      client_->BatchGetArticleStats(articles);
  ASSERT_TRUE(stats.ok()) << stats.status();
  int64_t published = 0;
  for (const v1::ArticleStats& s : *stats) published += s.comment_count();
  EXPECT_EQ(published, 1);
}

TEST_F(ClusterServerTest, ReportsReachTheReportedQueueFromEveryPrimary) {
  std::set<std::string> reported;
  for (const std::string& a : Articles("reported-", 6)) {
    const std::string id =
        VALUE_OR_FAIL(Post(*client_, a, "hot take")).comment().comment_id();
    for (const char* who : {"r1", "r2"}) {
      ASSERT_TRUE(other_->ReportComment(a, id, who, "rude").ok());
    }
    reported.insert(absl::StrCat(a, "/", id));
  }
  EXPECT_EQ(Queue(v1::QUEUE_REPORTED), reported);
}

TEST_F(ClusterServerTest, TheRepairScanFindsQueuedCommentsOnEveryPrimary) {
  std::set<std::string> held;
  for (const std::string& a : Articles("repair-", 6)) {
    held.insert(absl::StrCat(a, "/",
                             VALUE_OR_FAIL(Post(*client_, a, "spamword again"))
                                 .comment()
                                 .comment_id()));
  }
  ASSERT_EQ(Queue(v1::QUEUE_PENDING), held);
  // Lose the cross-article queue, as a crash between the two writes would;
  // the per-article queues on every primary still hold the comments.
  const std::string global(global_keys::kPendingQueue);
  cluster_->Query(cluster_->OwnerOf(KeySlot(global)), "DEL " + global);
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (Queue(v1::QUEUE_PENDING) != held && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(Queue(v1::QUEUE_PENDING), held);
  // Put back by the repair, not found still there.
  std::string logs;
  for (auto* server : servers_) {
    logs.append(server->ReadLog());
  }
  EXPECT_NE(logs.find("\"event\":\"queue_repaired\""), std::string::npos)
      << logs;
}

TEST_F(ClusterServerTest, BansAndKeywordsReachEveryReplica) {
  ASSERT_TRUE(mod_->BanUser("troll", "abuse").ok());
  const std::vector<std::string> articles = Articles("ban-", 6);
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (Post(*client_, articles[0], "hi", "troll").ok() &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  for (const std::string& a : articles) {
    EXPECT_EQ(Post(*client_, a, "hi", "troll").status().code(),
              absl::StatusCode::kPermissionDenied);
  }
  ASSERT_TRUE(mod_->UnbanUser("troll").ok());
  v1::ListAuditLogRequest audit;
  audit.set_page_size(2);
  absl::StatusOr<v1::ListAuditLogResponse> log = mod_->ListAuditLog(audit);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->entries_size(), 2);
  EXPECT_EQ(log->entries(0).action(), "unban");
  EXPECT_EQ(log->entries(1).action(), "ban");
}

}  // namespace
}  // namespace comments
