// Flood control across articles end to end: the real comment-server (one
// or two replicas) over a real redis-server, called through the client
// library as a portal calls it, with the reader's address in a
// ClientAddressScope. Windows are long (10 minutes), so that no count
// expires during a test: nothing here depends on timing.
#include <httplib.h>

#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/comment_server.h"
#include "tests/support/redis_server.h"
#include "tests/support/status_matchers.h"

namespace comments {
namespace {

using ::testing::HasSubstr;
using testing::StatusIs;

v1::PostCommentRequest PostRequest(const std::string& article,
                                   const std::string& author,
                                   const std::string& body) {
  v1::PostCommentRequest r;
  r.set_article_id(article);
  r.set_author_id(author);
  r.set_author_name("网友");
  r.set_body(body);
  return r;
}

class FloodServerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_.Start()); }

  // Starts the server with `flags` and a client on it.
  void Serve(const std::vector<std::string>& flags, bool tcp = false) {
    ASSERT_TRUE(tcp ? server_.StartTcp(redis_.url(), flags)
                    : server_.Start(redis_.url(), flags))
        << server_.ReadLog();
    client_ = std::make_unique<Client>(
        ClientOptions{.target = server_.target(), .max_attempts = 1});
  }

  // Posts as `author` to `article`, with a fresh body each time.
  absl::StatusOr<v1::PostCommentResponse> Post(const std::string& article,
                                               const std::string& author) {
    return client_->PostComment(
        PostRequest(article, author, absl::StrCat("评论 ", ++posts_)));
  }

  // A comment to like or report, by someone no limit concerns.
  std::string Seed(const std::string& article) {
    absl::StatusOr<v1::PostCommentResponse> posted =
        Post(article, absl::StrCat("writer-", posts_));
    EXPECT_TRUE(posted.ok()) << posted.status();
    return posted.ok() ? posted->comment().comment_id() : "";
  }

  testing::RedisServer redis_;
  testing::CommentServerProcess server_;
  std::unique_ptr<Client> client_;
  int posts_ = 0;
};

TEST_F(FloodServerTest, AuthorLimitCountsAcrossArticles) {
  Serve({"--author_post_limit=3", "--author_post_limit_window=10m"});
  ASSERT_OK(Post("article-a", "spammer").status());
  ASSERT_OK(Post("article-b", "spammer").status());
  // Refused for another reason: not counted.
  v1::PostCommentRequest orphan = PostRequest("article-a", "spammer", "回复");
  orphan.set_parent_id("99");
  EXPECT_THAT(client_->PostComment(orphan),
              StatusIs(absl::StatusCode::kNotFound));
  // A retry found by its idempotency key changes nothing: not counted; and
  // once the limit is reached, it still finds the comment it stored.
  v1::PostCommentRequest keyed = PostRequest("article-b", "spammer", "第三");
  keyed.set_idempotency_key("k-3");
  ASSERT_OK_AND_ASSIGN(v1::PostCommentResponse first,
                       client_->PostComment(keyed));
  ASSERT_OK_AND_ASSIGN(v1::PostCommentResponse retried,
                       client_->PostComment(keyed));
  EXPECT_EQ(retried.comment().comment_id(), first.comment().comment_id());

  const absl::StatusOr<v1::PostCommentResponse> fourth =
      Post("article-c", "spammer");
  EXPECT_THAT(fourth, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(std::string(fourth.status().message()),
              HasSubstr("author_id has posted 3 comments in the last 10m"));
  EXPECT_THAT(std::string(fourth.status().message()), HasSubstr("retry in"));
  // Nor does a refusal count: still refused, still 3.
  EXPECT_THAT(Post("article-a", "spammer"),
              StatusIs(absl::StatusCode::kResourceExhausted));
  // A new post under a new key is refused, not taken for a retry.
  keyed.set_idempotency_key("k-4");
  EXPECT_THAT(client_->PostComment(keyed),
              StatusIs(absl::StatusCode::kResourceExhausted));
  // Others post on.
  EXPECT_OK(Post("article-c", "reader").status());
  EXPECT_EQ(
      VALUE_OR_FAIL(client_->GetArticleStats("article-c")).comment_count(), 1);
  EXPECT_EQ(
      VALUE_OR_FAIL(client_->GetArticleStats("article-b")).comment_count(), 2);
}

TEST_F(FloodServerTest, AddressLimitCountsAcrossAccountsFromATrustedPortal) {
  // The test's client reaches the server over its unix socket: a trusted
  // portal.
  Serve({"--address_post_limit=3", "--address_post_limit_window=10m",
         "--trusted_portal_peers=10.0.0.0/8, unix"});
  {
    ClientAddressScope reader("203.0.113.7");
    ASSERT_OK(Post("article-a", "alice").status());
    ASSERT_OK(Post("article-b", "bob").status());
    ASSERT_OK(Post("article-a", "carol").status());
    const absl::StatusOr<v1::PostCommentResponse> refused =
        Post("article-b", "dave");
    EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted));
    EXPECT_THAT(std::string(refused.status().message()),
                HasSubstr("this client address has posted 3 comments"));
  }
  {
    // Another address, and the same accounts, post on.
    ClientAddressScope reader("203.0.113.8");
    EXPECT_OK(Post("article-a", "alice").status());
  }
  {
    // IPv6 counts per /64: three addresses of one /64 are one client.
    ClientAddressScope first("2001:db8:1:2::1");
    EXPECT_OK(Post("article-a", "v6-a").status());
    ClientAddressScope second("2001:db8:1:2:ffff:ffff:ffff:ffff");
    EXPECT_OK(Post("article-a", "v6-b").status());
    ClientAddressScope third("2001:db8:1:2:abcd::9");
    EXPECT_OK(Post("article-a", "v6-c").status());
    ClientAddressScope fourth("2001:db8:1:2::77");
    EXPECT_THAT(Post("article-a", "v6-d"),
                StatusIs(absl::StatusCode::kResourceExhausted));
    ClientAddressScope next_block("2001:db8:1:3::1");
    EXPECT_OK(Post("article-a", "v6-d").status());
  }
  {
    // A trusted portal must send an address.
    ClientAddressScope garbled("203.0.113.7:8080");
    const absl::StatusOr<v1::PostCommentResponse> bad =
        Post("article-a", "eve");
    EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(std::string(bad.status().message()),
                HasSubstr("x-client-address"));
  }
  // The portal's own calls, without an address, are not limited by one.
  for (int i = 0; i < 4; ++i) EXPECT_OK(Post("article-a", "editor").status());
}

TEST_F(FloodServerTest, AddressFromAnUntrustedPeerIsIgnored) {
  // Over the unix socket, not listed: the metadata is ignored, and a unix
  // peer has no address of its own to count.
  Serve({"--address_post_limit=2", "--address_post_limit_window=10m",
         "--trusted_portal_peers=192.0.2.1"});
  ClientAddressScope claimed("203.0.113.7");
  for (int i = 0; i < 4; ++i) {
    EXPECT_OK(Post("article-a", absl::StrCat("user-", i)).status());
  }
  // Nor is a malformed one refused: it is not read at all.
  ClientAddressScope garbled("not an address");
  EXPECT_OK(Post("article-a", "user-9").status());
}

TEST_F(FloodServerTest, UntrustedTcpPeerCountsUnderItsOwnAddress) {
  Serve({"--address_post_limit=2", "--address_post_limit_window=10m",
         "--trusted_portal_peers=192.0.2.0/24"},
        /*tcp=*/true);
  // Claiming a new address with every call does not escape: the server
  // counts 127.0.0.1.
  {
    ClientAddressScope claimed("203.0.113.1");
    ASSERT_OK(Post("article-a", "user-1").status());
  }
  {
    ClientAddressScope claimed("203.0.113.2");
    ASSERT_OK(Post("article-a", "user-2").status());
  }
  ClientAddressScope claimed("203.0.113.3");
  EXPECT_THAT(Post("article-a", "user-3"),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(FloodServerTest, TrustedTcpPortalPassesItsReadersAddresses) {
  Serve({"--address_post_limit=1", "--address_post_limit_window=10m",
         "--trusted_portal_peers=127.0.0.1/32"},
        /*tcp=*/true);
  {
    ClientAddressScope reader("203.0.113.1");
    ASSERT_OK(Post("article-a", "user-1").status());
    EXPECT_THAT(Post("article-a", "user-2"),
                StatusIs(absl::StatusCode::kResourceExhausted));
  }
  ClientAddressScope other("203.0.113.2");
  EXPECT_OK(Post("article-a", "user-2").status());
}

TEST_F(FloodServerTest, LikesAreLimitedPerUserAndPerAddress) {
  Serve({"--like_limit=2", "--like_limit_window=10m", "--address_like_limit=3",
         "--address_like_limit_window=10m", "--trusted_portal_peers=unix"});
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Seed("liked"));
  ClientAddressScope reader("198.51.100.20");
  ASSERT_OK(client_->LikeComment("liked", ids[0], "fan").status());
  // Liking again changes nothing: not counted.
  ASSERT_OK(client_->LikeComment("liked", ids[0], "fan").status());
  // An unknown comment: refused for that, not counted.
  EXPECT_THAT(client_->LikeComment("liked", "77", "fan"),
              StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK(client_->LikeComment("liked", ids[1], "fan").status());
  const absl::StatusOr<v1::LikeCommentResponse> third =
      client_->LikeComment("liked", ids[2], "fan");
  EXPECT_THAT(third, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(std::string(third.status().message()),
              HasSubstr("user_id has liked 2 comments"));
  // Unlikes are free, and give no place back.
  ASSERT_OK(client_->UnlikeComment("liked", ids[1], "fan").status());
  EXPECT_THAT(client_->LikeComment("liked", ids[2], "fan"),
              StatusIs(absl::StatusCode::kResourceExhausted));
  // Another account from the same address: the address's third like, then
  // its limit.
  ASSERT_OK(client_->LikeComment("liked", ids[2], "friend").status());
  EXPECT_THAT(client_->LikeComment("liked", ids[3], "friend"),
              StatusIs(absl::StatusCode::kResourceExhausted));
  ClientAddressScope elsewhere("198.51.100.21");
  EXPECT_OK(client_->LikeComment("liked", ids[3], "friend").status());
}

TEST_F(FloodServerTest, ReportsAreLimitedPerUserAndPerAddress) {
  Serve({"--report_limit=2", "--report_limit_window=10m",
         "--address_report_limit=3", "--address_report_limit_window=10m",
         "--trusted_portal_peers=unix"});
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Seed("reported"));
  ClientAddressScope reader("198.51.100.30");
  ASSERT_OK(client_->ReportComment("reported", ids[0], "critic").status());
  // A repeated report changes nothing: not counted.
  ASSERT_OK(client_->ReportComment("reported", ids[0], "critic").status());
  ASSERT_OK(client_->ReportComment("reported", ids[1], "critic").status());
  const absl::StatusOr<v1::ReportCommentResponse> third =
      client_->ReportComment("reported", ids[2], "critic");
  EXPECT_THAT(third, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(std::string(third.status().message()),
              HasSubstr("user_id has reported 2 comments"));
  ASSERT_OK(client_->ReportComment("reported", ids[2], "other").status());
  EXPECT_THAT(client_->ReportComment("reported", ids[3], "other"),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(FloodServerTest, ReplicasShareTheCounts) {
  const std::vector<std::string> flags = {
      "--author_post_limit=4", "--author_post_limit_window=10m",
      "--address_post_limit=6", "--address_post_limit_window=10m",
      "--trusted_portal_peers=unix"};
  Serve(flags);
  testing::CommentServerProcess second;
  ASSERT_TRUE(second.Start(redis_.url(), flags)) << second.ReadLog();
  Client other({.target = second.target(), .max_attempts = 1});
  auto post_via = [&](Client& client, const std::string& author) {
    ++posts_;
    return client.PostComment(PostRequest(absl::StrCat("article-", posts_ % 3),
                                          author,
                                          absl::StrCat("评论 ", posts_)));
  };
  ClientAddressScope reader("192.0.2.50");
  // The author's four posts, alternating between the replicas.
  ASSERT_OK(post_via(*client_, "spammer").status());
  ASSERT_OK(post_via(other, "spammer").status());
  ASSERT_OK(post_via(*client_, "spammer").status());
  ASSERT_OK(post_via(other, "spammer").status());
  EXPECT_THAT(post_via(*client_, "spammer"),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(post_via(other, "spammer"),
              StatusIs(absl::StatusCode::kResourceExhausted));
  // The address's six: two more from another account, then none.
  ASSERT_OK(post_via(other, "sock-puppet").status());
  ASSERT_OK(post_via(*client_, "sock-puppet").status());
  EXPECT_THAT(post_via(other, "sock-puppet"),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(post_via(*client_, "sock-puppet"),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(FloodServerTest, RefusalsAreCountedByReason) {
  Serve({"--author_post_limit=1", "--author_post_limit_window=10m",
         "--address_post_limit=2", "--address_post_limit_window=10m",
         "--like_limit=1", "--like_limit_window=10m", "--report_limit=1",
         "--report_limit_window=10m", "--trusted_portal_peers=unix",
         "--metrics_listen=127.0.0.1:0"});
  const std::string id = Seed("counted");
  const std::string second = Seed("counted");
  ClientAddressScope reader("192.0.2.60");
  ASSERT_OK(Post("counted", "a").status());
  EXPECT_THAT(Post("counted", "a"),
              StatusIs(absl::StatusCode::kResourceExhausted));
  ASSERT_OK(Post("counted", "b").status());
  EXPECT_THAT(Post("counted", "c"),
              StatusIs(absl::StatusCode::kResourceExhausted));
  ASSERT_OK(client_->LikeComment("counted", id, "a").status());
  ASSERT_OK(client_->UnlikeComment("counted", id, "a").status());
  EXPECT_THAT(client_->LikeComment("counted", id, "a"),
              StatusIs(absl::StatusCode::kResourceExhausted));
  ASSERT_OK(client_->ReportComment("counted", id, "a").status());
  EXPECT_THAT(client_->ReportComment("counted", second, "a"),
              StatusIs(absl::StatusCode::kResourceExhausted));

  std::smatch port;
  const std::string log = server_.ReadLog();
  ASSERT_TRUE(
      std::regex_search(log, port, std::regex("\"metrics_port\":([0-9]+)")))
      << log;
  httplib::Client http("127.0.0.1", std::stoi(port[1]));
  httplib::Result res = http.Get("/metrics");
  ASSERT_TRUE(res);
  const std::string& text = res->body;
  EXPECT_THAT(text, HasSubstr("comments_posts_refused_total{reason=\""
                              "author_rate_limited\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("comments_posts_refused_total{reason=\""
                              "address_rate_limited\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("comments_actions_refused_total{action=\"like\","
                              "reason=\"user_rate_limited\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("comments_actions_refused_total{action=\""
                              "report\",reason=\"user_rate_limited\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("comments_actions_refused_total{action=\"like\","
                              "reason=\"address_rate_limited\"} 0\n"));
}

TEST_F(FloodServerTest, BadFlagsStopTheStart) {
  for (const std::string flag :
       {"--author_post_limit=-1", "--like_limit_window=0s",
        "--trusted_portal_peers=10.0.0.0/33", "--trusted_portal_peers=lan"}) {
    testing::CommentServerProcess server;
    EXPECT_FALSE(server.Start(redis_.url(), {flag})) << flag;
    server.Stop(SIGTERM);
    EXPECT_THAT(server.ReadLog(), HasSubstr("start_failed")) << flag;
  }
}

}  // namespace
}  // namespace comments
