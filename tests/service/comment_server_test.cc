// The real comment-server binary over a real redis-server, driven through
// the client library: the contract of comments.proto, end to end.
#include "tests/support/comment_server.h"
#include "tests/support/fsck_run.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/client.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "gtest/gtest.h"
#include "redis/redis_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/status_matchers.h"

namespace comments {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using v1::Order;

v1::PostCommentRequest PostRequest(const std::string& article,
                                   const std::string& body,
                                   const std::string& parent = "",
                                   const std::string& author = "u1") {
  v1::PostCommentRequest r;
  r.set_article_id(article);
  r.set_author_id(author);
  r.set_author_name("网友");
  r.set_body(body);
  r.set_parent_id(parent);
  return r;
}

class CommentServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    redis_ = new testing::RedisServer();
    ASSERT_TRUE(redis_->Start());
    server_ = new testing::CommentServerProcess();
    ASSERT_TRUE(server_->Start(redis_->url(), {"--max_body_chars=50"}));
    client_ = new Client({.target = server_->target()});
  }
  static void TearDownTestSuite() {
    delete client_;
    delete server_;
    delete redis_;
  }

  // A fresh article id per test, so tests share the servers safely.
  static std::string Article() {
    static std::atomic<int> next{0};
    return absl::StrCat("art-", ++next);
  }

  static v1::Comment Post(const std::string& article, const std::string& body,
                          const std::string& parent = "",
                          const std::string& author = "u1") {
    absl::StatusOr<v1::PostCommentResponse> r =
        client_->PostComment(PostRequest(article, body, parent, author));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->comment() : v1::Comment();
  }

  static std::vector<std::string> Ids(const std::string& article, Order order,
                                      const std::string& parent = "",
                                      int page_size = 100) {
    std::vector<std::string> ids;
    v1::ListCommentsRequest req;
    req.set_article_id(article);
    req.set_order(order);
    req.set_parent_id(parent);
    req.set_page_size(page_size);
    do {
      absl::StatusOr<v1::ListCommentsResponse> page =
          client_->ListComments(req);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const v1::Comment& c : page->comments())
        ids.push_back(c.comment_id());
      req.set_page_token(page->next_page_token());
    } while (!req.page_token().empty());
    return ids;
  }

  static testing::RedisServer* redis_;
  static testing::CommentServerProcess* server_;
  static Client* client_;
};

testing::RedisServer* CommentServerTest::redis_ = nullptr;
testing::CommentServerProcess* CommentServerTest::server_ = nullptr;
Client* CommentServerTest::client_ = nullptr;

TEST_F(CommentServerTest, PostValidatesEachFieldByName) {
  const std::string a = Article();
  struct Case {
    v1::PostCommentRequest request;
    std::string field;
  };
  std::vector<Case> cases;
  auto add = [&](auto mutate, const std::string& field) {
    v1::PostCommentRequest r = PostRequest(a, "hello");
    mutate(r);
    cases.push_back({r, field});
  };
  add([](auto& r) { r.set_article_id(""); }, "article_id");
  add([](auto& r) { r.set_article_id("bad id"); }, "article_id");
  add([](auto& r) { r.set_article_id(std::string(129, 'a')); }, "article_id");
  add([](auto& r) { r.set_author_id(""); }, "author_id");
  add([](auto& r) { r.set_author_id(std::string(129, 'u')); }, "author_id");
  add([](auto& r) { r.set_body(""); }, "body");
  add([](auto& r) { r.set_body(" \n "); }, "body");
  add([](auto& r) { r.set_body(std::string(51, 'x')); }, "body");
  // A tab is a space now (format-character rule); a bell is refused.
  add([](auto& r) { r.set_body("bell\ahere"); }, "body");
  add([](auto& r) { r.set_author_name(std::string(65, 'n')); }, "author_name");
  add([](auto& r) { r.set_idempotency_key(std::string(129, 'k')); },
      "idempotency_key");
  for (const Case& c : cases) {
    absl::StatusOr<v1::PostCommentResponse> r = client_->PostComment(c.request);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(c.field));
  }
  // Exactly at the limit, counted in code points, after trimming.
  std::string fifty;
  for (int i = 0; i < 50; ++i) fifty += "评";
  EXPECT_TRUE(client_->PostComment(PostRequest(a, "  " + fifty + "\n")).ok());
  EXPECT_EQ(VALUE_OR_FAIL(client_->GetArticleStats(a)).comment_count(), 1);
}

TEST_F(CommentServerTest, PostReturnsTheStoredComment) {
  const std::string a = Article();
  const v1::Comment c = Post(a, "  第一条评论\r\n好  ");
  EXPECT_EQ(c.article_id(), a);
  EXPECT_EQ(c.body(), "第一条评论\n好");
  EXPECT_EQ(c.author_id(), "u1");
  EXPECT_EQ(c.author_name(), "网友");
  EXPECT_EQ(c.status(), v1::COMMENT_STATUS_PUBLISHED);
  EXPECT_FALSE(c.comment_id().empty());
  EXPECT_GT(c.create_time().seconds(), 1600000000);
  absl::StatusOr<v1::Comment> got = client_->GetComment(a, c.comment_id());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->SerializeAsString(), c.SerializeAsString());
}

TEST_F(CommentServerTest, IdempotentRetryStoresNothingNew) {
  const std::string a = Article();
  v1::PostCommentRequest r = PostRequest(a, "once");
  r.set_idempotency_key("key-1");
  absl::StatusOr<v1::PostCommentResponse> first = client_->PostComment(r);
  absl::StatusOr<v1::PostCommentResponse> again = client_->PostComment(r);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->comment().comment_id(), again->comment().comment_id());
  EXPECT_EQ(VALUE_OR_FAIL(client_->GetArticleStats(a)).comment_count(), 1);

  r.set_author_id("u2");  // The key is scoped to its author.
  EXPECT_NE(VALUE_OR_FAIL(client_->PostComment(r)).comment().comment_id(),
            first->comment().comment_id());
  r.set_idempotency_key("key-2");
  client_->PostComment(r).IgnoreError();
  EXPECT_EQ(VALUE_OR_FAIL(client_->GetArticleStats(a)).comment_count(), 3);
}

TEST_F(CommentServerTest, RepliesCountAndListUnderTheirParent) {
  const std::string a = Article();
  const v1::Comment top = Post(a, "top");
  const v1::Comment r1 = Post(a, "r1", top.comment_id(), "u2");
  const v1::Comment r2 = Post(a, "r2", top.comment_id(), "u3");
  EXPECT_EQ(r1.parent_id(), top.comment_id());
  EXPECT_EQ(
      VALUE_OR_FAIL(client_->GetComment(a, top.comment_id())).reply_count(), 2);
  EXPECT_THAT(Ids(a, v1::ORDER_NEWEST), ElementsAre(top.comment_id()));
  EXPECT_THAT(Ids(a, v1::ORDER_NEWEST, top.comment_id()),
              ElementsAre(r2.comment_id(), r1.comment_id()));
  EXPECT_THAT(Ids(a, v1::ORDER_OLDEST, top.comment_id()),
              ElementsAre(r1.comment_id(), r2.comment_id()));
  const v1::Comment nested = Post(a, "nested", r1.comment_id());
  EXPECT_EQ(
      VALUE_OR_FAIL(client_->GetComment(a, r1.comment_id())).reply_count(), 1);
  EXPECT_THAT(Ids(a, v1::ORDER_HOT, r1.comment_id()),
              ElementsAre(nested.comment_id()));
  EXPECT_EQ(VALUE_OR_FAIL(client_->GetArticleStats(a)).comment_count(), 4);

  // A parent must exist in the same article.
  EXPECT_EQ(client_->PostComment(PostRequest(a, "x", "999")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(client_->PostComment(PostRequest(Article(), "x", top.comment_id()))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(
      client_->PostComment(PostRequest(a, "x", "not-an-id")).status().code(),
      absl::StatusCode::kNotFound);
  v1::ListCommentsRequest list;
  list.set_article_id(a);
  list.set_parent_id("12345");
  EXPECT_EQ(client_->ListComments(list).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CommentServerTest, ConcurrentLikesAreExact) {
  const std::string a = Article();
  const v1::Comment c = Post(a, "popular");
  constexpr int kUsers = 50;
  auto hammer = [&](bool like) {
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int i = 0; i < kUsers; ++i) {
      threads.emplace_back([&, i] {
        Client own({.target = server_->target()});
        const std::string user = absl::StrCat("liker-", i);
        for (int twice = 0; twice < 2; ++twice) {
          auto r = like ? own.LikeComment(a, c.comment_id(), user)
                        : own.UnlikeComment(a, c.comment_id(), user);
          if (!r.ok() || r->liked() != like) ++failures;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    return failures.load();
  };
  EXPECT_EQ(hammer(true), 0);
  EXPECT_EQ(VALUE_OR_FAIL(client_->GetComment(a, c.comment_id())).like_count(),
            kUsers);
  EXPECT_EQ(VALUE_OR_FAIL(client_->GetArticleStats(a)).participant_count(),
            kUsers + 1);
  EXPECT_EQ(hammer(false), 0);
  EXPECT_EQ(VALUE_OR_FAIL(client_->GetComment(a, c.comment_id())).like_count(),
            0);
  EXPECT_EQ(VALUE_OR_FAIL(client_->GetArticleStats(a)).participant_count(), 1);
}

TEST_F(CommentServerTest, LikeTwiceChangesNothingAndUnlikeUndoes) {
  const std::string a = Article();
  const v1::Comment c = Post(a, "c");
  auto first = client_->LikeComment(a, c.comment_id(), "fan");
  ASSERT_OK(first);
  auto second = client_->LikeComment(a, c.comment_id(), "fan");
  ASSERT_OK(second);
  EXPECT_EQ(first->like_count(), 1);
  EXPECT_TRUE(first->liked());
  EXPECT_EQ(second->like_count(), 1);
  auto undone = client_->UnlikeComment(a, c.comment_id(), "fan");
  ASSERT_OK(undone);
  EXPECT_EQ(undone->like_count(), 0);
  EXPECT_FALSE(undone->liked());
  EXPECT_EQ(VALUE_OR_FAIL(client_->UnlikeComment(a, c.comment_id(), "fan"))
                .like_count(),
            0);
  EXPECT_EQ(client_->LikeComment(a, "424242", "fan").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(client_->LikeComment(a, c.comment_id(), "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A page read for a viewer says which comments that viewer likes, in every
// order and among replies; without a viewer it says none.
TEST_F(CommentServerTest, ViewerSeesWhatTheyLike) {
  const std::string a = Article();
  const v1::Comment c1 = Post(a, "one");
  const v1::Comment c2 = Post(a, "two");
  const v1::Comment r1 = Post(a, "reply", c1.comment_id());
  ASSERT_TRUE(client_->LikeComment(a, c2.comment_id(), "fan").ok());
  ASSERT_TRUE(client_->LikeComment(a, r1.comment_id(), "fan").ok());
  ASSERT_TRUE(client_->LikeComment(a, c1.comment_id(), "other").ok());
  // comment id -> viewer_liked, for one page.
  auto liked = [&](Order order, const std::string& viewer,
                   const std::string& parent = "") {
    v1::ListCommentsRequest r;
    r.set_article_id(a);
    r.set_order(order);
    r.set_parent_id(parent);
    r.set_viewer_id(viewer);
    std::map<std::string, bool> out;
    auto page = client_->ListComments(r);
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) {
      for (const auto& c : page->comments()) {
        out[c.comment_id()] = c.viewer_liked();
      }
    }
    return out;
  };
  const std::map<std::string, bool> fan_view = {{c1.comment_id(), false},
                                                {c2.comment_id(), true}};
  for (Order order : {v1::ORDER_NEWEST, v1::ORDER_HOT, v1::ORDER_OLDEST}) {
    EXPECT_EQ(liked(order, "fan"), fan_view) << order;
    EXPECT_EQ(liked(order, ""),
              (std::map<std::string, bool>{{c1.comment_id(), false},
                                           {c2.comment_id(), false}}))
        << order;
  }
  EXPECT_EQ(liked(v1::ORDER_NEWEST, "fan", c1.comment_id()),
            (std::map<std::string, bool>{{r1.comment_id(), true}}));
  EXPECT_TRUE(VALUE_OR_FAIL(client_->GetComment(a, c2.comment_id(), "fan"))
                  .viewer_liked());
  EXPECT_FALSE(VALUE_OR_FAIL(client_->GetComment(a, c1.comment_id(), "fan"))
                   .viewer_liked());
  EXPECT_FALSE(
      VALUE_OR_FAIL(client_->GetComment(a, c2.comment_id())).viewer_liked());

  ASSERT_TRUE(client_->UnlikeComment(a, c2.comment_id(), "fan").ok());
  EXPECT_FALSE(liked(v1::ORDER_NEWEST, "fan")[c2.comment_id()]);
  // A deleted comment's tombstone is liked by no one.
  ASSERT_TRUE(client_->LikeComment(a, c2.comment_id(), "fan").ok());
  ASSERT_TRUE(client_->DeleteComment(a, c2.comment_id(), "u1").ok());
  EXPECT_FALSE(VALUE_OR_FAIL(client_->GetComment(a, c2.comment_id(), "fan"))
                   .viewer_liked());

  v1::ListCommentsRequest bad;
  bad.set_article_id(a);
  bad.set_viewer_id(std::string(129, 'v'));
  auto refused = client_->ListComments(bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("viewer_id"));
}

TEST_F(CommentServerTest, HotRanksByLikesNewestByTime) {
  const std::string a = Article();
  const v1::Comment c1 = Post(a, "one");
  const v1::Comment c2 = Post(a, "two");
  const v1::Comment c3 = Post(a, "three");
  for (const char* u : {"x", "y", "z"}) {
    ASSERT_TRUE(client_->LikeComment(a, c1.comment_id(), u).ok());
  }
  ASSERT_TRUE(client_->LikeComment(a, c2.comment_id(), "x").ok());
  EXPECT_THAT(Ids(a, v1::ORDER_HOT),
              ElementsAre(c1.comment_id(), c2.comment_id(), c3.comment_id()));
  EXPECT_THAT(Ids(a, v1::ORDER_NEWEST),
              ElementsAre(c3.comment_id(), c2.comment_id(), c1.comment_id()));
  EXPECT_THAT(Ids(a, v1::ORDER_UNSPECIFIED),
              ElementsAre(c3.comment_id(), c2.comment_id(), c1.comment_id()));
  EXPECT_THAT(Ids(a, v1::ORDER_OLDEST),
              ElementsAre(c1.comment_id(), c2.comment_id(), c3.comment_id()));
  // Replies count towards hot too: two replies outweigh c1's three likes.
  Post(a, "r", c3.comment_id());
  Post(a, "r", c3.comment_id());
  EXPECT_EQ(Ids(a, v1::ORDER_HOT).front(), c3.comment_id());
  // Unliking moves the rank back down.
  for (const char* u : {"x", "y", "z"}) {
    ASSERT_TRUE(client_->UnlikeComment(a, c1.comment_id(), u).ok());
  }
  EXPECT_EQ(Ids(a, v1::ORDER_HOT).back(), c1.comment_id());
}

TEST_F(CommentServerTest, PageSizeDefaultsAndCaps) {
  const std::string a = Article();
  for (int i = 0; i < 105; ++i) Post(a, absl::StrCat("c", i));
  v1::ListCommentsRequest req;
  req.set_article_id(a);
  EXPECT_EQ(VALUE_OR_FAIL(client_->ListComments(req)).comments_size(), 20);
  req.set_page_size(1000);
  auto capped = client_->ListComments(req);
  ASSERT_OK(capped);
  EXPECT_EQ(capped->comments_size(), 100);
  EXPECT_FALSE(capped->next_page_token().empty());
  req.set_page_size(-1);
  EXPECT_EQ(client_->ListComments(req).status().code(),
            absl::StatusCode::kInvalidArgument);
  req.set_page_size(5);
  req.set_order(static_cast<Order>(17));
  EXPECT_EQ(client_->ListComments(req).status().code(),
            absl::StatusCode::kInvalidArgument);
  // An exact multiple ends without an empty trailing page.
  EXPECT_EQ(Ids(a, v1::ORDER_NEWEST, "", 35).size(), 105u);
}

TEST_F(CommentServerTest, NewestWalkNeitherRepeatsNorSkipsWhileCommentsArrive) {
  const std::string a = Article();
  std::vector<std::string> before;
  for (int i = 0; i < 45; ++i) before.push_back(Post(a, "old").comment_id());
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    Client own({.target = server_->target()});
    while (!stop) own.PostComment(PostRequest(a, "new")).IgnoreError();
  });
  const std::vector<std::string> walked = Ids(a, v1::ORDER_NEWEST, "", 4);
  stop = true;
  writer.join();
  // Comments that arrive during the walk are newer than its cursor: the walk
  // shows exactly the comments that existed, newest first.
  std::vector<std::string> expected(before.rbegin(), before.rend());
  const auto start = std::find(walked.begin(), walked.end(), expected.front());
  ASSERT_NE(start, walked.end());
  EXPECT_EQ(std::vector<std::string>(start, walked.end()), expected);
  EXPECT_EQ(std::set<std::string>(walked.begin(), walked.end()).size(),
            walked.size());
}

TEST_F(CommentServerTest, HotWalkShowsEachUnchangedCommentOnce) {
  const std::string a = Article();
  std::vector<std::string> all;
  for (int i = 0; i < 30; ++i) {
    const std::string id = Post(a, "c").comment_id();
    all.push_back(id);
    for (int l = 0; l < i % 4; ++l) {
      ASSERT_TRUE(client_->LikeComment(a, id, absl::StrCat("u", l)).ok());
    }
  }
  // Likes on other comments while walking must not disturb the rest.
  v1::ListCommentsRequest req;
  req.set_article_id(a);
  req.set_order(v1::ORDER_HOT);
  req.set_page_size(7);
  std::vector<std::string> walked;
  std::set<std::string> touched;
  int64_t last_likes = INT64_MAX;
  do {
    auto page = client_->ListComments(req);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::Comment& c : page->comments())
      walked.push_back(c.comment_id());
    if (!page->comments().empty()) {
      // Bump the first comment of this page: it is already behind us.
      const std::string& seen = page->comments(0).comment_id();
      ASSERT_TRUE(client_->LikeComment(a, seen, "walker").ok());
      touched.insert(seen);
      last_likes = std::min(last_likes, page->comments(0).like_count());
    }
    req.set_page_token(page->next_page_token());
  } while (!req.page_token().empty());
  std::multiset<std::string> counted(walked.begin(), walked.end());
  for (const std::string& id : all) {
    if (touched.count(id) == 0) {
      EXPECT_EQ(counted.count(id), 1u) << id;
    }
  }
}

TEST_F(CommentServerTest, ForgedPageTokensAreInvalidArgument) {
  const std::string a = Article();
  for (int i = 0; i < 5; ++i) Post(a, "c");
  v1::ListCommentsRequest req;
  req.set_article_id(a);
  req.set_page_size(2);
  auto first = client_->ListComments(req);
  ASSERT_OK(first);
  ASSERT_FALSE(first->next_page_token().empty());
  const std::string token = first->next_page_token();
  std::string flipped = token;
  flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {std::string("garbage"), flipped, token.substr(0, token.size() - 3),
        token + "AAAA", std::string(2000, 'A')}) {
    req.set_page_token(bad);
    EXPECT_EQ(client_->ListComments(req).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  req.set_page_token(token);
  req.set_order(v1::ORDER_HOT);
  EXPECT_EQ(client_->ListComments(req).status().code(),
            absl::StatusCode::kInvalidArgument);
  req.set_order(v1::ORDER_NEWEST);
  req.set_article_id(Article());
  EXPECT_EQ(client_->ListComments(req).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CommentServerTest, OnlyTheAuthorDeletesAndRepliesSurvive) {
  const std::string a = Article();
  const v1::Comment top = Post(a, "top", "", "author");
  const v1::Comment reply = Post(a, "reply", top.comment_id(), "other");
  ASSERT_TRUE(client_->LikeComment(a, top.comment_id(), "fan").ok());
  EXPECT_EQ(VALUE_OR_FAIL(client_->GetArticleStats(a)).participant_count(), 3);

  EXPECT_EQ(client_->DeleteComment(a, top.comment_id(), "other").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(client_->DeleteComment(a, top.comment_id(), "").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client_->DeleteComment(a, "777", "author").code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(client_->DeleteComment(a, top.comment_id(), "author").ok());
  EXPECT_TRUE(client_->DeleteComment(a, top.comment_id(), "author").ok());

  auto tombstone = client_->GetComment(a, top.comment_id());
  ASSERT_TRUE(tombstone.ok());
  EXPECT_EQ(tombstone->status(), v1::COMMENT_STATUS_DELETED);
  EXPECT_EQ(tombstone->body(), "");
  for (Order o : {v1::ORDER_HOT, v1::ORDER_NEWEST, v1::ORDER_OLDEST}) {
    EXPECT_TRUE(Ids(a, o).empty());
  }
  auto stats = client_->GetArticleStats(a);
  ASSERT_OK(stats);
  EXPECT_EQ(stats->comment_count(), 1);
  EXPECT_EQ(stats->participant_count(), 1);  // "other", by the reply.
  EXPECT_EQ(VALUE_OR_FAIL(client_->GetComment(a, reply.comment_id())).body(),
            "reply");
  EXPECT_THAT(Ids(a, v1::ORDER_NEWEST, top.comment_id()),
              ElementsAre(reply.comment_id()));
  EXPECT_EQ(client_->LikeComment(a, top.comment_id(), "fan").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(client_->PostComment(PostRequest(a, "x", top.comment_id()))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CommentServerTest, StatsSingleAndBatched) {
  const std::string a = Article();
  const std::string b = Article();
  Post(a, "1", "", "p1");
  Post(a, "2", "", "p1");
  const v1::Comment c = Post(a, "3", "", "p2");
  ASSERT_TRUE(client_->LikeComment(a, c.comment_id(), "p3").ok());
  Post(b, "1", "", "p1");
  auto one = client_->GetArticleStats(a);
  ASSERT_OK(one);
  EXPECT_EQ(one->article_id(), a);
  EXPECT_EQ(one->comment_count(), 3);
  EXPECT_EQ(one->participant_count(), 3);
  auto none = client_->GetArticleStats("never-commented");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->comment_count(), 0);
  EXPECT_EQ(none->participant_count(), 0);

  auto batch = client_->BatchGetArticleStats({b, "never-commented", a});
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->size(), 3u);
  EXPECT_EQ((*batch)[0].article_id(), b);
  EXPECT_EQ((*batch)[0].comment_count(), 1);
  EXPECT_EQ((*batch)[1].comment_count(), 0);
  EXPECT_EQ((*batch)[2].participant_count(), 3);

  EXPECT_EQ(client_->BatchGetArticleStats({}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      client_->BatchGetArticleStats(std::vector<std::string>(100, a)).ok());
  EXPECT_EQ(client_->BatchGetArticleStats(std::vector<std::string>(101, a))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  auto bad = client_->BatchGetArticleStats({a, "bad id"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("article_ids[1]"));
  EXPECT_EQ(client_->GetArticleStats("").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CommentServerTest, UnknownCommentsAreNotFound) {
  const std::string a = Article();
  EXPECT_EQ(client_->GetComment(a, "1").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(client_->GetComment(a, "x").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(client_->GetComment(a, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::ListCommentsRequest req;
  req.set_article_id(a);
  auto empty = client_->ListComments(req);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->comments_size(), 0);
  EXPECT_TRUE(empty->next_page_token().empty());
}

// Its own servers: this test stops Redis.
TEST(CommentServerRecoveryTest, RedisDownThenBack) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url(), {"--store_timeout=1s"}));
  Client client({.target = server.target(), .deadline = absl::Seconds(3)});
  v1::PostCommentRequest req = PostRequest("recovery", "before");
  ASSERT_TRUE(client.PostComment(req).ok());

  redis.Stop();
  auto down = client.PostComment(req);
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(down.status().message()),
              ::testing::Not(HasSubstr("redis")));
  EXPECT_EQ(client.GetArticleStats("recovery").status().code(),
            absl::StatusCode::kUnavailable);

  ASSERT_TRUE(redis.Start());
  absl::StatusOr<v1::PostCommentResponse> back;
  for (int i = 0; i < 50 && !back.ok(); ++i) {
    back = client.PostComment(req);
    if (!back.ok()) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(server.Running());
  const testing::FsckRun fsck = testing::RunFsck(redis.url());
  EXPECT_EQ(fsck.exit_code, 0) << fsck.output;
}

// Flood control: per author and article, a post limit per window
// (RESOURCE_EXHAUSTED past it) and the author's last text refused again
// (ALREADY_EXISTS); neither touches other authors, other articles, replies
// elsewhere, or idempotent retries.
TEST(CommentServerFloodTest, LimitsPostsAndRefusesDuplicatesPerAuthor) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(
      redis.url(),
      {"--post_limit=4", "--post_limit_window=10m", "--duplicate_window=10m"}));
  Client client({.target = server.target()});
  auto post = [&](const std::string& article, const std::string& body,
                  const std::string& author, const std::string& parent = "",
                  const std::string& key = "") {
    v1::PostCommentRequest r = PostRequest(article, body, parent, author);
    r.set_idempotency_key(key);
    return client.PostComment(r);
  };

  auto first = post("flood", "one", "spammer");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(post("flood", "two", "spammer").ok());
  auto third = post("flood", "three", "spammer", "", "key-3");
  ASSERT_TRUE(third.ok()) << third.status();
  ASSERT_TRUE(post("flood", "four", "spammer").ok());
  auto fifth = post("flood", "five", "spammer");
  EXPECT_EQ(fifth.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(fifth.status().message()), HasSubstr("retry in"));
  // A retry of a post that was stored still answers with it.
  auto retried = post("flood", "three", "spammer", "", "key-3");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->comment().comment_id(), third->comment().comment_id());
  // Others, and this author elsewhere, post on.
  EXPECT_TRUE(post("flood", "five", "reader").ok());
  EXPECT_TRUE(post("elsewhere", "five", "spammer").ok());
  EXPECT_EQ(VALUE_OR_FAIL(client.GetArticleStats("flood")).comment_count(), 5);
  // The window runs from the first post.
  RedisClient admin({RedisEndpoint::Parse(redis.url()).value()});
  auto ttl = admin.Command({"PTTL", "c:{flood}:r:7:spammer"},
                           absl::Now() + absl::Seconds(5));
  ASSERT_TRUE(ttl.ok()) << ttl.status();
  EXPECT_GT(ttl->integer, 0);
  EXPECT_LE(ttl->integer, 10 * 60 * 1000);

  auto same = post("dup", "same words", "writer");
  ASSERT_TRUE(same.ok()) << same.status();
  auto again = post("dup", "same words", "writer");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.status().message()),
              HasSubstr(same->comment().comment_id()));
  EXPECT_TRUE(post("dup", "same words", "someone-else").ok());
  // The same words as a reply are a different post ...
  EXPECT_TRUE(
      post("dup", "same words", "writer", same->comment().comment_id()).ok());
  // ... and only the author's last post counts.
  EXPECT_TRUE(post("dup", "other words", "writer").ok());
  EXPECT_TRUE(post("dup", "same words", "writer").ok());
  EXPECT_EQ(VALUE_OR_FAIL(client.GetArticleStats("dup")).comment_count(), 5);
}

// A Redis at maxmemory (noeviction) refuses writes: RESOURCE_EXHAUSTED, not
// retried by the client, no Redis internals in the message, nothing
// half-written; reads go on, and writes come back once memory is freed.
TEST(CommentServerRecoveryTest, FullRedisRefusesWritesAsResourceExhausted) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url()));
  Client client({.target = server.target()});
  v1::PostCommentRequest req = PostRequest("full", "before");
  auto first = client.PostComment(req);
  ASSERT_TRUE(first.ok()) << first.status();

  RedisClient admin({RedisEndpoint::Parse(redis.url()).value()});
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  ASSERT_TRUE(admin
                  .Command({"CONFIG", "SET", "maxmemory-policy", "noeviction"},
                           deadline)
                  .ok());
  ASSERT_TRUE(
      admin.Command({"CONFIG", "SET", "maxmemory", "1"}, deadline).ok());

  req.set_body("while full");
  auto refused = client.PostComment(req);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted)
      << refused.status();
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("out of memory"));
  EXPECT_THAT(std::string(refused.status().message()),
              ::testing::Not(HasSubstr("OOM")));
  EXPECT_EQ(client.LikeComment("full", first->comment().comment_id(), "fan")
                .status()
                .code(),
            absl::StatusCode::kResourceExhausted);
  auto stats = client.GetArticleStats("full");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->comment_count(), 1);
  EXPECT_EQ(
      VALUE_OR_FAIL(client.GetComment("full", first->comment().comment_id()))
          .like_count(),
      0);

  ASSERT_TRUE(
      admin.Command({"CONFIG", "SET", "maxmemory", "0"}, deadline).ok());
  auto back = client.PostComment(req);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(VALUE_OR_FAIL(client.GetArticleStats("full")).comment_count(), 2);
}

// A Redis that requires a password: the server AUTHs with the first line of
// --redis_password_file (as the default user, or as --redis_user); without
// it, or with a wrong one, calls are UNAVAILABLE and the log says why, never
// with the password in it.
TEST(CommentServerRedisAuthTest, AuthenticatesFromThePasswordFile) {
  testing::RedisServer redis;
  const std::string password = "s3cret-for-the-test";
  redis.set_password(password);
  ASSERT_TRUE(redis.Start());
  ASSERT_EQ(redis.Query("ACL SETUSER portal on >portal-pass ~* &* +@all"),
            "OK");
  testing::TempDir dir;
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.path() + "/" + name) << text;
    return dir.path() + "/" + name;
  };
  const std::string right = write("right", password + "\n");
  const std::string wrong = write("wrong", "not-the-password\n");
  const std::string acl = write("acl", "portal-pass");
  v1::PostCommentRequest req = PostRequest("auth", "hello");

  testing::CommentServerProcess with_password;
  ASSERT_TRUE(with_password.Start(
      redis.url(),
      {"--redis_password_file=" + right, "--redis_connections=1"}));
  Client ok({.target = with_password.target()});
  EXPECT_TRUE(ok.PostComment(req).ok());
  testing::CommentServerProcess as_user;
  ASSERT_TRUE(as_user.Start(
      redis.url(), {"--redis_password_file=" + acl, "--redis_user=portal"}));
  EXPECT_TRUE(Client({.target = as_user.target()}).PostComment(req).ok());
  EXPECT_EQ(VALUE_OR_FAIL(ok.GetArticleStats("auth")).comment_count(), 2);

  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{},
        std::vector<std::string>{"--redis_password_file=" + wrong}}) {
    testing::CommentServerProcess refused;
    ASSERT_TRUE(refused.Start(redis.url(), flags));
    Client client({.target = refused.target(), .max_attempts = 1});
    EXPECT_EQ(client.PostComment(req).status().code(),
              absl::StatusCode::kUnavailable);
    refused.Stop();
    const std::string text = refused.ReadLog();
    EXPECT_THAT(text, HasSubstr(flags.empty() ? "NOAUTH" : "AUTH refused"));
    EXPECT_THAT(text, ::testing::Not(HasSubstr(password)));
    EXPECT_THAT(text, ::testing::Not(HasSubstr("not-the-password")));
  }

  // A file that cannot be read, or has no password, stops the server.
  testing::CommentServerProcess missing;
  EXPECT_FALSE(missing.Start(redis.url(),
                             {"--redis_password_file=" + dir.path() + "/no"}));
  testing::CommentServerProcess empty;
  EXPECT_FALSE(empty.Start(redis.url(),
                           {"--redis_password_file=" + write("empty", "\n")}));
}

TEST(CommentServerLifecycleTest, SigtermDrainsAndExitsZero) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url()));
  const int status = server.Stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// Connections that never speak HTTP/2 (a port scanner, a stuck probe) must
// not hold a stopping server for its whole grace period: gRPC waits for
// handshakes in progress, so the server bounds them.
TEST(CommentServerLifecycleTest, SilentConnectionsDoNotHoldShutdown) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url(), {"--shutdown_grace=60s"}));
  const std::string path = server.target().substr(std::strlen("unix:"));
  std::vector<int> silent;
  for (int i = 0; i < 5; ++i) {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    ASSERT_LT(path.size(), sizeof(addr.sun_path));
    std::memcpy(addr.sun_path, path.data(), path.size());
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0)
        << std::strerror(errno);
    silent.push_back(fd);
  }
  absl::SleepFor(absl::Milliseconds(200));
  // Stop gives up after 10 s with SIGKILL, well inside the 60 s grace.
  const int status = server.Stop(SIGTERM);
  for (int fd : silent) close(fd);
  ASSERT_TRUE(WIFEXITED(status)) << "still running 10 s after SIGTERM";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// Blocks the Redis at `url` for `seconds`, from another connection.
std::thread SleepRedis(const std::string& url, double seconds) {
  return std::thread([url, seconds] {
    RedisClient redis({RedisEndpoint::Parse(url).value()});
    redis
        .Command({"DEBUG", "SLEEP", absl::StrCat(seconds)},
                 absl::Now() + absl::Seconds(seconds + 5))
        .IgnoreError();
  });
}

TEST(CommentServerLifecycleTest, SigtermLetsCallsInFlightFinish) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url(), {"--store_timeout=5s"}));
  Client client({.target = server.target()});
  ASSERT_TRUE(client.GetArticleStats("drain").ok());  // Connected and warm.

  std::thread sleeper = SleepRedis(redis.url(), 1.0);
  absl::SleepFor(absl::Milliseconds(100));
  absl::StatusOr<v1::PostCommentResponse> in_flight;
  std::thread caller([&] {
    in_flight = client.PostComment(
        PostRequest("drain", "posted while the server stops"));
  });
  absl::SleepFor(absl::Milliseconds(300));  // The call now waits on Redis.
  const int status = server.Stop(SIGTERM);
  caller.join();
  sleeper.join();
  EXPECT_TRUE(in_flight.ok()) << in_flight.status();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(CommentServerLifecycleTest, SlowRedisIsDeadlineExceededThenRecovers) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url()));
  Client fast({.target = server.target(), .deadline = absl::Milliseconds(300)});
  ASSERT_TRUE(fast.GetArticleStats("slow").ok());

  std::thread sleeper = SleepRedis(redis.url(), 1.5);
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(fast.GetArticleStats("slow").status().code(),
            absl::StatusCode::kDeadlineExceeded);
  sleeper.join();
  EXPECT_TRUE(fast.GetArticleStats("slow").ok());
  EXPECT_TRUE(server.Running());
}

TEST(CommentServerLifecycleTest, HealthServiceAnswersServing) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url()));
  auto channel =
      grpc::CreateChannel(server.target(), grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST(CommentServerLifecycleTest, ReflectionListsTheServices) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(redis.url()));
  auto channel =
      grpc::CreateChannel(server.target(), grpc::InsecureChannelCredentials());
  auto reflection =
      grpc::reflection::v1alpha::ServerReflection::NewStub(channel);
  grpc::ClientContext context;
  auto stream = reflection->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  stream->WritesDone();
  std::set<std::string> names;
  for (const auto& service : response.list_services_response().service()) {
    names.insert(service.name());
  }
  EXPECT_EQ(names.count("comments.v1.CommentService"), 1u);
  EXPECT_EQ(names.count("comments.v1.ModerationService"), 1u);
  EXPECT_EQ(names.count("grpc.health.v1.Health"), 1u);
  context.TryCancel();
}

TEST(CommentServerLifecycleTest, BadFlagsExitNonZero) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  // A bad address, alone or after a good one in a list of cluster seeds.
  for (const std::string& redis_flag :
       {std::string("mysql://nope"), redis.url() + ",redis://h:0"}) {
    testing::CommentServerProcess server;
    EXPECT_FALSE(server.Start(redis_flag)) << redis_flag;
    const int status = server.Stop(SIGTERM);
    ASSERT_TRUE(WIFEXITED(status)) << redis_flag;
    EXPECT_NE(WEXITSTATUS(status), 0) << redis_flag;
  }
  for (const std::string flag :
       {"--post_limit=-1", "--post_limit_window=0s", "--duplicate_window=-1s",
        "--report_threshold=0"}) {
    testing::CommentServerProcess server;
    EXPECT_FALSE(server.Start(redis.url(), {flag})) << flag;
    const int status = server.Stop(SIGTERM);
    ASSERT_TRUE(WIFEXITED(status)) << flag;
    EXPECT_NE(WEXITSTATUS(status), 0) << flag;
    EXPECT_THAT(server.ReadLog(), HasSubstr(flag.substr(2, flag.find('=') - 2)))
        << flag;
  }
}

}  // namespace
}  // namespace comments
