// Moderation end to end: the real comment-server over a real redis-server,
// through the client library.
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "redis/redis_client.h"
#include "service/store/keyspace.h"
#include "tests/support/comment_server.h"
#include "tests/support/redis_server.h"
#include "tests/support/status_matchers.h"

namespace comments {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kToken[] = "alice-token-0123456789";
constexpr char kOtherToken[] = "bob-token-9876543210";

// A redis-server, a token file, and comment-server processes sharing them.
class ModerationFixture {
 public:
  ModerationFixture() {
    EXPECT_TRUE(redis_.Start());
    tokens_ = redis_.dir() + "/tokens";
    std::ofstream(tokens_) << "# moderators\n"
                           << kToken << " alice\n"
                           << kOtherToken << " bob\n";
  }

  // Starts one more server replica; extra flags after the defaults.
  testing::CommentServerProcess& StartServer(
      std::vector<std::string> flags = {}) {
    flags.insert(flags.begin(),
                 {"--lexicon=" + std::string(TEST_LEXICON),
                  "--moderator_tokens=" + tokens_, "--report_threshold=3",
                  "--keyword_poll_interval=100ms"});
    servers_.push_back(std::make_unique<testing::CommentServerProcess>());
    EXPECT_TRUE(servers_.back()->Start(redis_.url(), flags));
    return *servers_.back();
  }

  testing::RedisServer& redis() { return redis_; }

 private:
  testing::RedisServer redis_;
  std::string tokens_;
  std::vector<std::unique_ptr<testing::CommentServerProcess>> servers_;
};

class ModerationServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fixture_ = new ModerationFixture();
    const std::string target = fixture_->StartServer().target();
    client_ = new Client({.target = target});
    mod_ = new ModerationClient({.target = target, .bearer_token = kToken});
    target_ = new std::string(target);
  }
  static void TearDownTestSuite() {
    delete client_;
    delete mod_;
    delete fixture_;
    delete target_;
  }

  static std::string Article() {
    static int next = 0;
    return absl::StrCat("mod-", ++next);
  }

  static absl::StatusOr<v1::PostCommentResponse> Post(
      const std::string& article, const std::string& body,
      const std::string& author = "reader", const std::string& parent = "") {
    v1::PostCommentRequest r;
    r.set_article_id(article);
    r.set_author_id(author);
    r.set_body(body);
    r.set_parent_id(parent);
    return client_->PostComment(r);
  }

  static std::vector<std::string> Newest(const std::string& article) {
    v1::ListCommentsRequest r;
    r.set_article_id(article);
    r.set_page_size(100);
    std::vector<std::string> ids;
    absl::StatusOr<v1::ListCommentsResponse> page = client_->ListComments(r);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return ids;
    for (const auto& c : page->comments()) ids.push_back(c.comment_id());
    return ids;
  }

  static std::vector<std::string> QueueIds(v1::Queue queue,
                                           const std::string& article = "",
                                           int page_size = 100) {
    v1::ListQueueRequest r;
    r.set_queue(queue);
    r.set_article_id(article);
    r.set_page_size(page_size);
    std::vector<std::string> ids;
    do {
      auto page = mod_->ListQueue(r);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const auto& item : page->items()) {
        ids.push_back(absl::StrCat(item.comment().article_id(), "/",
                                   item.comment().comment_id()));
      }
      r.set_page_token(page->next_page_token());
    } while (!r.page_token().empty());
    return ids;
  }

  static int64_t Count(const std::string& article) {
    return VALUE_OR_FAIL(client_->GetArticleStats(article)).comment_count();
  }

  static ModerationFixture* fixture_;
  static Client* client_;
  static ModerationClient* mod_;
  static std::string* target_;
};

ModerationFixture* ModerationServerTest::fixture_ = nullptr;
Client* ModerationServerTest::client_ = nullptr;
ModerationClient* ModerationServerTest::mod_ = nullptr;
std::string* ModerationServerTest::target_ = nullptr;

TEST_F(ModerationServerTest, BlockRejectsAndKeepsItOutOfSight) {
  const std::string a = Article();
  auto r = Post(a, "来玩博 彩，稳赚");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->comment().status(), v1::COMMENT_STATUS_REJECTED);
  EXPECT_EQ(r->moderation().action(), v1::MODERATION_ACTION_BLOCK);
  EXPECT_THAT(r->moderation().categories(), ElementsAre("gambling"));
  EXPECT_THAT(r->moderation().message(), ::testing::Not(HasSubstr("博彩")));
  EXPECT_TRUE(Newest(a).empty());
  EXPECT_EQ(Count(a), 0);
  EXPECT_EQ(client_->GetComment(a, r->comment().comment_id()).status().code(),
            absl::StatusCode::kNotFound);
  // Kept for the audit trail: moderators can read it.
  auto seen = mod_->InspectComment(a, r->comment().comment_id());
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->original_body(), "来玩博 彩，稳赚");
  EXPECT_EQ(seen->comment().status(), v1::COMMENT_STATUS_REJECTED);
}

TEST_F(ModerationServerTest, ReviewHoldsUntilApproved) {
  const std::string a = Article();
  const std::string early =
      VALUE_OR_FAIL(Post(a, "first")).comment().comment_id();
  auto held = Post(a, "有事加 微 信聊");
  ASSERT_TRUE(held.ok());
  const std::string id = held->comment().comment_id();
  EXPECT_EQ(held->comment().status(), v1::COMMENT_STATUS_PENDING);
  EXPECT_EQ(held->moderation().action(), v1::MODERATION_ACTION_REVIEW);
  EXPECT_THAT(held->moderation().categories(), ElementsAre("contact"));
  const std::string late =
      VALUE_OR_FAIL(Post(a, "third")).comment().comment_id();
  EXPECT_THAT(Newest(a), ElementsAre(late, early));
  EXPECT_EQ(Count(a), 2);

  v1::ListQueueRequest q;
  q.set_queue(v1::QUEUE_PENDING);
  q.set_article_id(a);
  auto queue = mod_->ListQueue(q);
  ASSERT_TRUE(queue.ok()) << queue.status();
  ASSERT_EQ(queue->items_size(), 1);
  EXPECT_EQ(queue->total_size(), 1);
  const v1::QueueItem& item = queue->items(0);
  EXPECT_EQ(item.comment().comment_id(), id);
  ASSERT_EQ(item.matches_size(), 1);
  EXPECT_EQ(item.matches(0).category(), "contact");
  EXPECT_EQ(item.matches(0).start(), 2);
  EXPECT_EQ(item.matches(0).end(), 7);
  EXPECT_FALSE(item.pre_moderation());

  auto approved = mod_->Decide(a, id, v1::DECISION_APPROVE, "fine");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(*approved, v1::COMMENT_STATUS_PUBLISHED);
  // In its place by creation time, and counted.
  EXPECT_THAT(Newest(a), ElementsAre(late, id, early));
  EXPECT_EQ(Count(a), 3);
  EXPECT_TRUE(QueueIds(v1::QUEUE_PENDING, a).empty());
  // Idempotent.
  EXPECT_EQ(*mod_->Decide(a, id, v1::DECISION_APPROVE),
            v1::COMMENT_STATUS_PUBLISHED);
  EXPECT_EQ(Count(a), 3);
  EXPECT_EQ(mod_->Decide(a, id, v1::DECISION_REJECT).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ModerationServerTest, AuthorAloneSeesWhereTheirHeldCommentStands) {
  const std::string a = Article();
  auto held = Post(a, "有事加 微 信聊", "writer");
  ASSERT_TRUE(held.ok()) << held.status();
  const std::string id = held->comment().comment_id();
  ASSERT_EQ(held->comment().status(), v1::COMMENT_STATUS_PENDING);

  EXPECT_EQ(client_->GetComment(a, id).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(client_->GetComment(a, id, "someone-else").status().code(),
            absl::StatusCode::kNotFound);
  auto own = client_->GetComment(a, id, "writer");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->status(), v1::COMMENT_STATUS_PENDING);
  EXPECT_EQ(own->body(), "有事加 微 信聊");
  EXPECT_EQ(own->author_id(), "writer");

  ASSERT_EQ(*mod_->Decide(a, id, v1::DECISION_REJECT),
            v1::COMMENT_STATUS_REJECTED);
  EXPECT_EQ(client_->GetComment(a, id, "someone-else").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(VALUE_OR_FAIL(client_->GetComment(a, id, "writer")).status(),
            v1::COMMENT_STATUS_REJECTED);

  // Blocked outright: its author is told, no one else.
  auto blocked = Post(a, "来玩博 彩，稳赚", "writer");
  ASSERT_TRUE(blocked.ok()) << blocked.status();
  EXPECT_EQ(client_->GetComment(a, blocked->comment().comment_id(), "writer")
                ->status(),
            v1::COMMENT_STATUS_REJECTED);
  EXPECT_EQ(client_->GetComment(a, blocked->comment().comment_id(), "reader")
                .status()
                .code(),
            absl::StatusCode::kNotFound);

  // A published comment reads the same with or without a viewer.
  const std::string open =
      VALUE_OR_FAIL(Post(a, "fine")).comment().comment_id();
  EXPECT_EQ(VALUE_OR_FAIL(client_->GetComment(a, open, "someone-else")).body(),
            "fine");

  auto bad = client_->GetComment(a, id, std::string(129, 'v'));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("viewer_id"));
}

// Featured comments (精选): listed most recently featured first, flagged in
// every list, taken back by the moderator or by deletion and rejection, and
// audited.
TEST_F(ModerationServerTest, FeaturedCommentsAreTheEditorsPick) {
  const std::string a = Article();
  const std::string c1 =
      VALUE_OR_FAIL(Post(a, "第一条", "w1")).comment().comment_id();
  const std::string c2 =
      VALUE_OR_FAIL(Post(a, "第二条", "w2")).comment().comment_id();
  const std::string c3 =
      VALUE_OR_FAIL(Post(a, "第三条", "w3")).comment().comment_id();
  auto featured = [&](int page_size = 100) {
    v1::ListCommentsRequest r;
    r.set_article_id(a);
    r.set_order(v1::ORDER_FEATURED);
    r.set_page_size(page_size);
    std::vector<std::string> ids;
    do {
      auto page = client_->ListComments(r);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const auto& c : page->comments()) {
        EXPECT_TRUE(c.featured()) << c.comment_id();
        ids.push_back(c.comment_id());
      }
      r.set_page_token(page->next_page_token());
    } while (!r.page_token().empty());
    return ids;
  };
  EXPECT_TRUE(featured().empty());

  auto one = mod_->FeatureComment(a, c1, true, "好评论");
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_TRUE(one->featured());
  ASSERT_TRUE(mod_->FeatureComment(a, c3, true).ok());
  ASSERT_TRUE(mod_->FeatureComment(a, c1, true).ok());  // Idempotent.
  EXPECT_THAT(featured(), ElementsAre(c3, c1));
  EXPECT_THAT(featured(/*page_size=*/1), ElementsAre(c3, c1));
  EXPECT_TRUE(VALUE_OR_FAIL(client_->GetComment(a, c1)).featured());
  EXPECT_FALSE(VALUE_OR_FAIL(client_->GetComment(a, c2)).featured());

  auto back = mod_->FeatureComment(a, c3, false);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_FALSE(back->featured());
  EXPECT_THAT(featured(), ElementsAre(c1));
  // Deleted or rejected, it leaves the featured list.
  ASSERT_TRUE(mod_->FeatureComment(a, c2, true).ok());
  ASSERT_TRUE(client_->DeleteComment(a, c2, "w2").ok());
  EXPECT_THAT(featured(), ElementsAre(c1));
  for (const char* user : {"r1", "r2", "r3"}) {
    ASSERT_TRUE(client_->ReportComment(a, c1, user).ok());
  }
  ASSERT_EQ(*mod_->Decide(a, c1, v1::DECISION_REJECT),
            v1::COMMENT_STATUS_REJECTED);
  EXPECT_TRUE(featured().empty());

  // Only visible comments can be featured; featured is top-level only.
  EXPECT_EQ(mod_->FeatureComment(a, c2, true).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(mod_->FeatureComment(a, "99999", true).status().code(),
            absl::StatusCode::kNotFound);
  v1::ListCommentsRequest replies;
  replies.set_article_id(a);
  replies.set_order(v1::ORDER_FEATURED);
  replies.set_parent_id(c3);
  EXPECT_EQ(client_->ListComments(replies).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::ListAuditLogRequest audit;
  audit.set_page_size(50);
  auto log = mod_->ListAuditLog(audit);
  ASSERT_TRUE(log.ok()) << log.status();
  bool seen = false;
  for (const auto& e : log->entries()) {
    if (e.action() == "feature" && e.target() == a + "/" + c1) {
      seen = e.reason() == "好评论";
    }
  }
  EXPECT_TRUE(seen);
}

TEST_F(ModerationServerTest, RejectingPendingNeverShowsIt) {
  const std::string a = Article();
  const std::string id =
      VALUE_OR_FAIL(Post(a, "spamword here")).comment().comment_id();
  EXPECT_EQ(*mod_->Decide(a, id, v1::DECISION_REJECT),
            v1::COMMENT_STATUS_REJECTED);
  EXPECT_TRUE(Newest(a).empty());
  EXPECT_EQ(Count(a), 0);
  EXPECT_EQ(VALUE_OR_FAIL(client_->GetArticleStats(a)).participant_count(), 0);
  EXPECT_EQ(*mod_->Decide(a, id, v1::DECISION_REJECT),
            v1::COMMENT_STATUS_REJECTED);
}

TEST_F(ModerationServerTest, MaskPublishesWithStarsAndKeepsTheOriginal) {
  const std::string a = Article();
  auto r = Post(a, "你这个傻.瓜，哈哈");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->comment().status(), v1::COMMENT_STATUS_PUBLISHED);
  EXPECT_EQ(r->comment().body(), "你这个＊＊＊，哈哈");
  EXPECT_EQ(r->moderation().action(), v1::MODERATION_ACTION_MASK);
  EXPECT_EQ(
      VALUE_OR_FAIL(client_->GetComment(a, r->comment().comment_id())).body(),
      "你这个＊＊＊，哈哈");
  EXPECT_EQ(Count(a), 1);
  auto seen = mod_->InspectComment(a, r->comment().comment_id());
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->original_body(), "你这个傻.瓜，哈哈");
  EXPECT_EQ(seen->queue(), v1::QUEUE_UNSPECIFIED);
}

TEST_F(ModerationServerTest, CleanTextPublishesWithoutOutcome) {
  const std::string a = Article();
  auto r = Post(a, "写得好，支持家乡发展");
  ASSERT_OK(r);
  EXPECT_EQ(r->comment().status(), v1::COMMENT_STATUS_PUBLISHED);
  EXPECT_FALSE(r->has_moderation());
}

TEST_F(ModerationServerTest, PoliciesPreAndClosed) {
  const std::string a = Article();
  auto policy = mod_->GetArticlePolicy(a);
  ASSERT_OK(policy);
  EXPECT_EQ(policy->policy(), v1::POLICY_POST_MODERATION);
  ASSERT_TRUE(mod_->SetArticlePolicy(a, v1::POLICY_PRE_MODERATION).ok());
  EXPECT_EQ(VALUE_OR_FAIL(mod_->GetArticlePolicy(a)).policy(),
            v1::POLICY_PRE_MODERATION);

  auto held = Post(a, "a perfectly clean comment");
  ASSERT_OK(held);
  EXPECT_EQ(held->comment().status(), v1::COMMENT_STATUS_PENDING);
  EXPECT_TRUE(held->moderation().pre_moderation());
  EXPECT_EQ(held->moderation().action(), v1::MODERATION_ACTION_ALLOW);
  // Blocked text is still refused outright under pre-moderation.
  EXPECT_EQ(VALUE_OR_FAIL(Post(a, "博彩")).comment().status(),
            v1::COMMENT_STATUS_REJECTED);
  EXPECT_EQ(Count(a), 0);
  auto queue = mod_->ListQueue([&] {
    v1::ListQueueRequest q;
    q.set_queue(v1::QUEUE_PENDING);
    q.set_article_id(a);
    return q;
  }());
  ASSERT_OK(queue);
  ASSERT_EQ(queue->items_size(), 1);
  EXPECT_TRUE(queue->items(0).pre_moderation());

  ASSERT_TRUE(mod_->SetArticlePolicy(a, v1::POLICY_CLOSED).ok());
  auto closed = Post(a, "too late");
  EXPECT_EQ(closed.status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(mod_->SetArticlePolicy(a, v1::POLICY_POST_MODERATION).ok());
  EXPECT_EQ(VALUE_OR_FAIL(Post(a, "open again")).comment().status(),
            v1::COMMENT_STATUS_PUBLISHED);
  EXPECT_EQ(mod_->SetArticlePolicy(a, v1::POLICY_UNSPECIFIED).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ModerationServerTest, ReportsQueueAtTheThresholdAndStayVisible) {
  const std::string a = Article();
  const std::string id =
      VALUE_OR_FAIL(Post(a, "controversial")).comment().comment_id();
  EXPECT_EQ(
      VALUE_OR_FAIL(client_->ReportComment(a, id, "r1", "rude")).report_count(),
      1);
  EXPECT_EQ(VALUE_OR_FAIL(client_->ReportComment(a, id, "r1", "again"))
                .report_count(),
            1);
  EXPECT_EQ(VALUE_OR_FAIL(client_->ReportComment(a, id, "r2")).report_count(),
            2);
  EXPECT_TRUE(QueueIds(v1::QUEUE_REPORTED, a).empty());
  EXPECT_EQ(
      VALUE_OR_FAIL(client_->ReportComment(a, id, "r3", "spam")).report_count(),
      3);
  EXPECT_THAT(QueueIds(v1::QUEUE_REPORTED, a), ElementsAre(a + "/" + id));
  EXPECT_THAT(Newest(a), ElementsAre(id));  // Still visible.

  v1::ListQueueRequest q;
  q.set_queue(v1::QUEUE_REPORTED);
  q.set_article_id(a);
  auto item = VALUE_OR_FAIL(mod_->ListQueue(q)).items(0);
  EXPECT_EQ(item.report_count(), 3);
  EXPECT_THAT(std::set<std::string>(item.report_reasons().begin(),
                                    item.report_reasons().end()),
              ::testing::UnorderedElementsAre("rude", "spam"));

  // Approve: stays, leaves the queue; returns only after 3 new reports.
  EXPECT_EQ(*mod_->Decide(a, id, v1::DECISION_APPROVE),
            v1::COMMENT_STATUS_PUBLISHED);
  EXPECT_TRUE(QueueIds(v1::QUEUE_REPORTED, a).empty());
  client_->ReportComment(a, id, "r4").IgnoreError();
  client_->ReportComment(a, id, "r5").IgnoreError();
  EXPECT_TRUE(QueueIds(v1::QUEUE_REPORTED, a).empty());
  client_->ReportComment(a, id, "r6").IgnoreError();
  EXPECT_THAT(QueueIds(v1::QUEUE_REPORTED, a), ElementsAre(a + "/" + id));

  // Reject: gone from lists and counts.
  EXPECT_EQ(*mod_->Decide(a, id, v1::DECISION_REJECT),
            v1::COMMENT_STATUS_REJECTED);
  EXPECT_TRUE(Newest(a).empty());
  EXPECT_EQ(Count(a), 0);
  EXPECT_EQ(client_->ReportComment(a, id, "r7").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(client_->ReportComment(a, id, "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ModerationServerTest, QueuesListOldestFirstAcrossArticles) {
  const std::string a = Article();
  const std::string b = Article();
  std::vector<std::string> expected;
  for (int i = 0; i < 5; ++i) {
    const std::string& art = i % 2 ? b : a;
    expected.push_back(art + "/" +
                       VALUE_OR_FAIL(Post(art, absl::StrCat("spamword ", i)))
                           .comment()
                           .comment_id());
  }
  std::vector<std::string> all = QueueIds(v1::QUEUE_PENDING, "", 2);
  std::vector<std::string> ours;
  for (const std::string& id : all) {
    if (id.rfind(a + "/", 0) == 0 || id.rfind(b + "/", 0) == 0)
      ours.push_back(id);
  }
  EXPECT_EQ(ours, expected);
  EXPECT_EQ(QueueIds(v1::QUEUE_PENDING, b, 1).size(), 2u);
  v1::ListQueueRequest q;
  q.set_queue(v1::QUEUE_PENDING);
  q.set_article_id(a);
  EXPECT_EQ(VALUE_OR_FAIL(mod_->ListQueue(q)).total_size(), 3);
  q.set_queue(v1::QUEUE_UNSPECIFIED);
  EXPECT_EQ(mod_->ListQueue(q).status().code(),
            absl::StatusCode::kInvalidArgument);
  q.set_queue(v1::QUEUE_PENDING);
  q.set_page_token("forged");
  EXPECT_EQ(mod_->ListQueue(q).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ModerationServerTest, ClearQueueByArticleThenAll) {
  const std::string a = Article();
  const std::string b = Article();
  for (int i = 0; i < 3; ++i) Post(a, "spamword a").IgnoreError();
  for (int i = 0; i < 2; ++i) Post(b, "spamword b").IgnoreError();
  v1::ClearQueueRequest clear;
  clear.set_queue(v1::QUEUE_PENDING);
  clear.set_decision(v1::DECISION_APPROVE);
  clear.set_article_id(a);
  EXPECT_EQ(*mod_->ClearQueue(clear), 3);
  EXPECT_EQ(Count(a), 3);
  EXPECT_EQ(Newest(a).size(), 3u);
  EXPECT_EQ(*mod_->ClearQueue(clear), 0);  // Safe to repeat.

  clear.clear_article_id();
  clear.set_decision(v1::DECISION_REJECT);
  EXPECT_GE(*mod_->ClearQueue(clear), 2);
  EXPECT_EQ(Count(b), 0);
  EXPECT_TRUE(QueueIds(v1::QUEUE_PENDING).empty());
  clear.set_decision(v1::DECISION_UNSPECIFIED);
  EXPECT_EQ(mod_->ClearQueue(clear).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ModerationServerTest, ClearReportedQueue) {
  const std::string a = Article();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(VALUE_OR_FAIL(Post(a, absl::StrCat("reported ", i)))
                      .comment()
                      .comment_id());
    for (const char* who : {"x", "y", "z"}) {
      ASSERT_TRUE(client_->ReportComment(a, ids.back(), who).ok());
    }
  }
  const std::string kept =
      VALUE_OR_FAIL(Post(a, "not reported")).comment().comment_id();
  EXPECT_EQ(QueueIds(v1::QUEUE_REPORTED, a).size(), 3u);
  v1::ClearQueueRequest clear;
  clear.set_queue(v1::QUEUE_REPORTED);
  clear.set_decision(v1::DECISION_REJECT);
  clear.set_article_id(a);
  clear.set_reason("brigading");
  EXPECT_EQ(*mod_->ClearQueue(clear), 3);
  EXPECT_THAT(Newest(a), ElementsAre(kept));
  EXPECT_EQ(Count(a), 1);
  EXPECT_TRUE(QueueIds(v1::QUEUE_REPORTED, a).empty());
  for (const std::string& id : ids) {
    EXPECT_EQ(VALUE_OR_FAIL(mod_->InspectComment(a, id)).comment().status(),
              v1::COMMENT_STATUS_REJECTED);
  }
}

TEST_F(ModerationServerTest, ClearQueueWorksInBatches) {
  const std::string a = Article();
  ASSERT_TRUE(mod_->SetArticlePolicy(a, v1::POLICY_PRE_MODERATION).ok());
  constexpr int kHeld = 1234;  // More than two batches of 500.
  for (int i = 0; i < kHeld; ++i) {
    ASSERT_TRUE(Post(a, absl::StrCat("held ", i)).ok());
  }
  v1::ClearQueueRequest clear;
  clear.set_queue(v1::QUEUE_PENDING);
  clear.set_decision(v1::DECISION_APPROVE);
  EXPECT_EQ(*mod_->ClearQueue(clear), kHeld);
  EXPECT_EQ(Count(a), kHeld);
  v1::ListQueueRequest q;
  q.set_queue(v1::QUEUE_PENDING);
  EXPECT_EQ(VALUE_OR_FAIL(mod_->ListQueue(q)).total_size(), 0);
}

TEST_F(ModerationServerTest, ModerateCommentsGivesEachDecisionItsResult) {
  const std::string a = Article();
  const std::string held =
      VALUE_OR_FAIL(Post(a, "spamword")).comment().comment_id();
  v1::ModerateCommentsRequest req;
  auto add = [&](const std::string& article, const std::string& id,
                 v1::Decision d) {
    auto* x = req.add_decisions();
    x->set_article_id(article);
    x->set_comment_id(id);
    x->set_decision(d);
  };
  add(a, held, v1::DECISION_APPROVE);
  add(a, "99999", v1::DECISION_APPROVE);
  add("bad id", "1", v1::DECISION_REJECT);
  add(a, held, v1::DECISION_UNSPECIFIED);
  auto res = mod_->ModerateComments(req);
  ASSERT_TRUE(res.ok());
  ASSERT_EQ(res->results_size(), 4);
  EXPECT_EQ(res->results(0).code(), 0);
  EXPECT_EQ(res->results(0).status(), v1::COMMENT_STATUS_PUBLISHED);
  EXPECT_EQ(res->results(1).code(),
            static_cast<int>(absl::StatusCode::kNotFound));
  EXPECT_EQ(res->results(2).code(),
            static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(res->results(3).code(),
            static_cast<int>(absl::StatusCode::kInvalidArgument));
  v1::ModerateCommentsRequest empty;
  EXPECT_EQ(mod_->ModerateComments(empty).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ModerationServerTest, BannedUsersCannotPost) {
  const std::string a = Article();
  ASSERT_TRUE(mod_->BanUser("troll", "repeated abuse").ok());
  auto refused = Post(a, "hello", "troll");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Post(a, "hello", "someone-else").ok());
  ASSERT_TRUE(mod_->UnbanUser("troll").ok());
  EXPECT_TRUE(Post(a, "hello again", "troll").ok());
  EXPECT_EQ(mod_->BanUser("").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ModerationServerTest, AuditLogRecordsWhoWhatWhenWhy) {
  const std::string a = Article();
  const std::string id =
      VALUE_OR_FAIL(Post(a, "spamword audit")).comment().comment_id();
  ASSERT_TRUE(mod_->Decide(a, id, v1::DECISION_REJECT, "spam link").ok());
  ASSERT_TRUE(mod_->SetArticlePolicy(a, v1::POLICY_CLOSED).ok());
  ModerationClient bob({.target = *target_, .bearer_token = kOtherToken});
  ASSERT_TRUE(bob.BanUser("audited-user", "spammer").ok());

  v1::ListAuditLogRequest req;
  req.set_page_size(2);
  auto page = mod_->ListAuditLog(req);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->entries_size(), 2);
  EXPECT_EQ(page->entries(0).action(), "ban");
  EXPECT_EQ(page->entries(0).moderator(), "bob");
  EXPECT_EQ(page->entries(0).target(), "audited-user");
  EXPECT_EQ(page->entries(0).reason(), "spammer");
  EXPECT_GT(page->entries(0).time().seconds(), 1600000000);
  EXPECT_EQ(page->entries(1).action(), "set_policy");
  EXPECT_EQ(page->entries(1).moderator(), "alice");
  req.set_page_token(page->next_page_token());
  auto next = mod_->ListAuditLog(req);
  ASSERT_OK(next);
  ASSERT_GE(next->entries_size(), 1);
  EXPECT_EQ(next->entries(0).action(), "reject");
  EXPECT_EQ(next->entries(0).target(), a + "/" + id);
  EXPECT_EQ(next->entries(0).reason(), "spam link");
}

TEST_F(ModerationServerTest, KeywordsListAndValidate) {
  v1::ListKeywordsRequest req;
  req.set_page_size(2);
  std::vector<std::string> words;
  int64_t total = 0;
  do {
    auto page = mod_->ListKeywords(req);
    ASSERT_TRUE(page.ok()) << page.status();
    total = page->total_size();
    for (const auto& k : page->keywords()) words.push_back(k.word());
    req.set_page_token(page->next_page_token());
  } while (!req.page_token().empty());
  EXPECT_GE(total, 4);
  EXPECT_TRUE(std::is_sorted(words.begin(), words.end()));
  EXPECT_NE(std::find(words.begin(), words.end(), "博彩"), words.end());

  v1::UpdateKeywordsRequest bad;
  auto* k = bad.add_add();
  k->set_word("...");
  k->set_category("x");
  k->set_action(v1::MODERATION_ACTION_BLOCK);
  auto refused = mod_->UpdateKeywords(bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("add[0]"));
  k->set_word("fine");
  k->set_action(v1::MODERATION_ACTION_UNSPECIFIED);
  EXPECT_EQ(mod_->UpdateKeywords(bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::UpdateKeywordsRequest none;
  EXPECT_EQ(mod_->UpdateKeywords(none).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ModerationServerTest, EveryModerationCallNeedsAToken) {
  ModerationClient anonymous({.target = *target_});
  ModerationClient stranger(
      {.target = *target_, .bearer_token = "not-a-known-token-at-all"});
  for (ModerationClient* c : {&anonymous, &stranger}) {
    const absl::StatusCode want = c == &anonymous
                                      ? absl::StatusCode::kUnauthenticated
                                      : absl::StatusCode::kPermissionDenied;
    EXPECT_EQ(c->ListQueue({}).status().code(), want);
    EXPECT_EQ(c->ModerateComments({}).status().code(), want);
    EXPECT_EQ(c->InspectComment("a", "1").status().code(), want);
    EXPECT_EQ(c->ClearQueue({}).status().code(), want);
    EXPECT_EQ(c->SetArticlePolicy("a", v1::POLICY_CLOSED).status().code(),
              want);
    EXPECT_EQ(c->GetArticlePolicy("a").status().code(), want);
    EXPECT_EQ(c->UpdateKeywords({}).status().code(), want);
    EXPECT_EQ(c->ListKeywords({}).status().code(), want);
    EXPECT_EQ(c->BanUser("x").code(), want);
    EXPECT_EQ(c->UnbanUser("x").code(), want);
    EXPECT_EQ(c->ListAuditLog({}).status().code(), want);
  }
  // Nothing the strangers tried took effect.
  EXPECT_EQ(VALUE_OR_FAIL(mod_->GetArticlePolicy("a")).policy(),
            v1::POLICY_POST_MODERATION);
}

// Posts `post` every 50 ms until moderation gives it status `want` (a
// keyword change reaching a replica), for up to 5 s; returns the last status.
v1::CommentStatus PostUntil(Client& client, const v1::PostCommentRequest& post,
                            v1::CommentStatus want) {
  v1::CommentStatus status = v1::COMMENT_STATUS_UNSPECIFIED;
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (absl::Now() < give_up) {
    absl::StatusOr<v1::PostCommentResponse> posted = client.PostComment(post);
    if (posted.ok()) status = posted->comment().status();
    if (status == want) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return status;
}

// Two replicas over one Redis: a keyword added through one is applied by the
// other within a second; removing it frees the text again.
TEST(ModerationReplicasTest, KeywordUpdatesReachEveryReplica) {
  ModerationFixture fixture;
  testing::CommentServerProcess& one = fixture.StartServer();
  testing::CommentServerProcess& two = fixture.StartServer();
  ModerationClient mod({.target = one.target(), .bearer_token = kToken});
  Client reader({.target = two.target()});
  v1::PostCommentRequest post;
  post.set_article_id("replicas");
  post.set_author_id("u");
  post.set_body("buy cheapwatches today");
  EXPECT_EQ(VALUE_OR_FAIL(reader.PostComment(post)).comment().status(),
            v1::COMMENT_STATUS_PUBLISHED);

  v1::UpdateKeywordsRequest add;
  auto* k = add.add_add();
  k->set_word("cheapwatches");
  k->set_category("spam");
  k->set_action(v1::MODERATION_ACTION_BLOCK);
  ASSERT_TRUE(mod.UpdateKeywords(add).ok());
  EXPECT_EQ(PostUntil(reader, post, v1::COMMENT_STATUS_REJECTED),
            v1::COMMENT_STATUS_REJECTED);

  // A scope override: "anywhere" also matches inside longer words.
  v1::UpdateKeywordsRequest scoped;
  auto* inside = scoped.add_add();
  inside->set_word("rolex");
  inside->set_category("spam");
  inside->set_action(v1::MODERATION_ACTION_REVIEW);
  inside->set_scope(v1::KEYWORD_SCOPE_ANYWHERE);
  ASSERT_TRUE(mod.UpdateKeywords(scoped).ok());
  v1::PostCommentRequest glued = post;
  glued.set_body("superrolexdeals");
  EXPECT_EQ(PostUntil(reader, glued, v1::COMMENT_STATUS_PENDING),
            v1::COMMENT_STATUS_PENDING);
  v1::ListKeywordsRequest list;
  list.set_page_size(1000);
  bool listed = false;
  absl::StatusOr<v1::ListKeywordsResponse> keywords = mod.ListKeywords(list);
  ASSERT_TRUE(keywords.ok()) << keywords.status();
  for (const auto& k : keywords->keywords()) {
    if (k.word() == "rolex") {
      listed = k.scope() == v1::KEYWORD_SCOPE_ANYWHERE;
    }
  }
  EXPECT_TRUE(listed);

  v1::UpdateKeywordsRequest remove;
  remove.add_remove("cheapwatches");
  ASSERT_TRUE(mod.UpdateKeywords(remove).ok());
  EXPECT_EQ(PostUntil(reader, post, v1::COMMENT_STATUS_PUBLISHED),
            v1::COMMENT_STATUS_PUBLISHED);
}

// An exception word (action ALLOW), added through one replica, lets the
// other publish text where the keyword only sits inside it; the keyword
// still blocks elsewhere, and the exception lists as ALLOW.
TEST(ModerationReplicasTest, ExceptionWordsExcuseTheKeywordInside) {
  ModerationFixture fixture;
  testing::CommentServerProcess& one = fixture.StartServer();
  testing::CommentServerProcess& two = fixture.StartServer();
  ModerationClient mod({.target = one.target(), .bearer_token = kToken});
  Client reader({.target = two.target()});
  v1::PostCommentRequest news;
  news.set_article_id("exceptions");
  news.set_author_id("u");
  news.set_body("澳门博彩业收入同比增长");
  EXPECT_EQ(VALUE_OR_FAIL(reader.PostComment(news)).comment().status(),
            v1::COMMENT_STATUS_REJECTED);  // 博彩 blocks.

  v1::UpdateKeywordsRequest add;
  auto* k = add.add_add();
  k->set_word("博彩业");
  k->set_category("exception");
  k->set_action(v1::MODERATION_ACTION_ALLOW);
  ASSERT_TRUE(mod.UpdateKeywords(add).ok());
  EXPECT_EQ(PostUntil(reader, news, v1::COMMENT_STATUS_PUBLISHED),
            v1::COMMENT_STATUS_PUBLISHED);
  v1::PostCommentRequest spam = news;
  spam.set_body("来玩博彩，稳赚");
  EXPECT_EQ(VALUE_OR_FAIL(reader.PostComment(spam)).comment().status(),
            v1::COMMENT_STATUS_REJECTED);

  v1::ListKeywordsRequest list;
  list.set_page_size(1000);
  absl::StatusOr<v1::ListKeywordsResponse> keywords = mod.ListKeywords(list);
  ASSERT_TRUE(keywords.ok()) << keywords.status();
  v1::ModerationAction listed = v1::MODERATION_ACTION_UNSPECIFIED;
  for (const auto& keyword : keywords->keywords()) {
    if (keyword.word() == "博彩业") listed = keyword.action();
  }
  EXPECT_EQ(listed, v1::MODERATION_ACTION_ALLOW);
}

// A replica that starts while Redis is down moderates with its --lexicon,
// writes it to Redis once Redis answers, and keeps it: Redis's list, empty
// until then, must not replace it.
TEST(ModerationReplicasTest, LexiconSeedsARedisThatComesUpLater) {
  testing::RedisServer redis;  // Not started yet.
  testing::CommentServerProcess server;
  ASSERT_TRUE(
      server.Start(redis.url(), {"--lexicon=" + std::string(TEST_LEXICON),
                                 "--keyword_poll_interval=100ms"}));
  ASSERT_TRUE(redis.Start());
  RedisClient direct({RedisEndpoint::Parse(redis.url()).value()});
  int64_t words = 0;
  for (int i = 0; i < 100 && words == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    absl::StatusOr<RedisReply> n =
        direct.Command({"HLEN", std::string(global_keys::kKeywords)},
                       absl::Now() + absl::Seconds(1));
    if (n.ok()) words = n->integer;
  }
  EXPECT_EQ(words, 4);                      // tests/data/test_lexicon.tsv
  absl::SleepFor(absl::Milliseconds(300));  // Several polls after the seed.

  Client client({.target = server.target()});
  v1::PostCommentRequest post;
  post.set_article_id("late-redis");
  post.set_author_id("u");
  post.set_body("来玩博彩");
  absl::StatusOr<v1::PostCommentResponse> posted = client.PostComment(post);
  ASSERT_TRUE(posted.ok()) << posted.status();
  EXPECT_EQ(posted->comment().status(), v1::COMMENT_STATUS_REJECTED);
}

TEST(ModerationReplicasTest, BansReachEveryReplica) {
  ModerationFixture fixture;
  testing::CommentServerProcess& one = fixture.StartServer();
  testing::CommentServerProcess& two = fixture.StartServer();
  ModerationClient mod({.target = one.target(), .bearer_token = kToken});
  Client here({.target = one.target()});
  Client there({.target = two.target()});
  v1::PostCommentRequest post;
  post.set_article_id("replica-bans");
  post.set_author_id("roaming-troll");
  post.set_body("hello");
  ASSERT_TRUE(there.PostComment(post).ok());  // Both replicas loaded the list.

  ASSERT_TRUE(mod.BanUser("roaming-troll", "spam").ok());
  // At once on the replica that took the ban...
  EXPECT_EQ(here.PostComment(post).status().code(),
            absl::StatusCode::kPermissionDenied);
  // ...and on the other within its poll interval.
  const auto code_there = [&] {
    return there.PostComment(post).status().code();
  };
  absl::StatusCode code = code_there();
  for (int i = 0; i < 100 && code != absl::StatusCode::kPermissionDenied; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    code = code_there();
  }
  EXPECT_EQ(code, absl::StatusCode::kPermissionDenied);

  ASSERT_TRUE(mod.UnbanUser("roaming-troll").ok());
  EXPECT_TRUE(here.PostComment(post).ok());
  for (int i = 0; i < 100 && code != absl::StatusCode::kOk; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    code = code_there();
  }
  EXPECT_EQ(code, absl::StatusCode::kOk);
}

TEST(ModerationReplicasTest, DefaultPolicyPreHoldsEverything) {
  ModerationFixture fixture;
  testing::CommentServerProcess& server =
      fixture.StartServer({"--default_policy=pre"});
  Client reader({.target = server.target()});
  v1::PostCommentRequest post;
  post.set_article_id("pre-default");
  post.set_author_id("u");
  post.set_body("clean words");
  auto r = reader.PostComment(post);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->comment().status(), v1::COMMENT_STATUS_PENDING);
  EXPECT_TRUE(r->moderation().pre_moderation());
}

TEST(ModerationReplicasTest, BadModerationFlagsStopTheServer) {
  ModerationFixture fixture;
  testing::CommentServerProcess server;
  EXPECT_FALSE(server.Start(fixture.redis().url(), {"--default_policy=maybe"}));
  testing::CommentServerProcess no_tokens;
  EXPECT_FALSE(no_tokens.Start(fixture.redis().url(),
                               {"--moderator_tokens=/nonexistent"}));
}

}  // namespace
}  // namespace comments

namespace comments {
namespace {

// A throwaway CA with a server and a client certificate, made with the
// openssl command line.
class TestPki {
 public:
  explicit TestPki(const std::string& dir) : dir_(dir) {
    const std::string ext = dir + "/ext.cnf";
    std::ofstream(ext) << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
    ok_ = Run("req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem "
              "-days 1 -subj /CN=test-ca") &&
          Issue("server", ext) && Issue("client", ext);
  }
  bool ok() const { return ok_; }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string Read(const std::string& name) const {
    std::ifstream in(Path(name));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  bool Run(const std::string& args) const {
    const std::string command =
        "cd '" + dir_ + "' && openssl " + args + " >/dev/null 2>&1";
    return std::system(command.c_str()) == 0;
  }
  bool Issue(const std::string& who, const std::string& ext) const {
    return Run("req -newkey rsa:2048 -nodes -keyout " + who + ".key -out " +
               who + ".csr -subj /CN=localhost") &&
           Run("x509 -req -in " + who +
               ".csr -CA ca.pem -CAkey ca.key "
               "-CAcreateserial -days 1 -out " +
               who + ".pem -extfile " + ext);
  }

  std::string dir_;
  bool ok_ = false;
};

TEST(ModerationTlsTest, TlsAndMutualTls) {
  ModerationFixture fixture;
  TestPki pki(fixture.redis().dir());
  ASSERT_TRUE(pki.ok());
  grpc::SslCredentialsOptions trust;
  trust.pem_root_certs = pki.Read("ca.pem");

  testing::CommentServerProcess& tls =
      fixture.StartServer({"--tls_cert=" + pki.Path("server.pem"),
                           "--tls_key=" + pki.Path("server.key")});
  ModerationClient secure({.target = tls.target(),
                           .credentials = grpc::SslCredentials(trust),
                           .bearer_token = kToken});
  EXPECT_TRUE(secure.GetArticlePolicy("tls").ok());
  ModerationClient plain({.target = tls.target(),
                          .deadline = absl::Seconds(2),
                          .bearer_token = kToken});
  EXPECT_FALSE(plain.GetArticlePolicy("tls").ok());

  testing::CommentServerProcess& mutual =
      fixture.StartServer({"--tls_cert=" + pki.Path("server.pem"),
                           "--tls_key=" + pki.Path("server.key"),
                           "--tls_client_ca=" + pki.Path("ca.pem")});
  ModerationClient no_cert({.target = mutual.target(),
                            .deadline = absl::Seconds(2),
                            .credentials = grpc::SslCredentials(trust),
                            .bearer_token = kToken});
  EXPECT_FALSE(no_cert.GetArticlePolicy("tls").ok());
  grpc::SslCredentialsOptions with_cert = trust;
  with_cert.pem_private_key = pki.Read("client.key");
  with_cert.pem_cert_chain = pki.Read("client.pem");
  ModerationClient mtls({.target = mutual.target(),
                         .credentials = grpc::SslCredentials(with_cert),
                         .bearer_token = kToken});
  EXPECT_TRUE(mtls.GetArticlePolicy("tls").ok());
}

}  // namespace
}  // namespace comments
