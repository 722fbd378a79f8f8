// The demo portal end to end: redis-server, comment-server and
// comment-portal processes, checked through HTTP as a browser without JS
// would use them (plain form POSTs, redirects, cookies).
#include <httplib.h>

#include <regex>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "client/client.h"
#include "tests/demo/demo_stack.h"
#include "tests/support/status_matchers.h"

namespace comments {
namespace {

using ::testing::AllOf;
using testing::DemoStack;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class PortalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.Start());
    http_ = std::make_unique<httplib::Client>("127.0.0.1", stack_.port());
  }

  // GET as reader `uid`; the page's HTML (status checked).
  std::string Get(const std::string& path, const std::string& cookie,
                  int want_status = 200) {
    httplib::Result res = http_->Get(path.c_str(), {{"Cookie", cookie}});
    EXPECT_TRUE(res) << path;
    if (!res) return "";
    EXPECT_EQ(res->status, want_status) << path << "\n" << res->body;
    return res->body;
  }
  std::string Page(const std::string& uid = "reader-a") {
    return Get("/", "uid=" + uid);
  }

  // Where a form sends the browser, and the notice it leaves for that page.
  struct Redirect {
    std::string location;
    // The notice cookie as set ("held%3A...") and decoded ("held:...").
    std::string cookie;
    std::string notice;
  };

  // A form POST; a 303 is required.
  Redirect Submit(const std::string& path, const httplib::Params& form,
                  const std::string& cookie) {
    httplib::Result res = http_->Post(path.c_str(), {{"Cookie", cookie}}, form);
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    EXPECT_EQ(res->status, 303) << path << "\n" << res->body;
    Redirect r{res->get_header_value("Location")};
    for (size_t i = 0; i < res->get_header_value_count("Set-Cookie"); ++i) {
      const std::string c = res->get_header_value("Set-Cookie", i);
      if (c.rfind("notice=", 0) != 0) continue;
      r.cookie = c.substr(7, c.find(';') - 7);
      r.notice = httplib::detail::decode_url(r.cookie, false);
    }
    return r;
  }
  // The page a redirect lands on, as reader `uid` whose browser kept the
  // notice cookie.
  std::string Follow(const Redirect& r, const std::string& uid) {
    return Get(r.location.substr(0, r.location.find('#')),
               "uid=" + uid + "; notice=" + r.cookie);
  }
  Redirect PostComment(const std::string& body, const std::string& uid,
                       const std::string& parent = "",
                       const std::string& name = "") {
    return Submit(
        "/post",
        {{"body", body}, {"name", name}, {"parent_id", parent}, {"key", ""}},
        "uid=" + uid);
  }

  static std::string ModCookie() {
    return std::string("mod_token=") + DemoStack::kModeratorToken;
  }

  // The ids of the comments in the list with HTML id `list`, in order.
  static std::vector<std::string> Ids(const std::string& html,
                                      const std::string& list) {
    std::vector<std::string> ids;
    const size_t begin = html.find("id=\"" + list + "\"");
    const size_t end = html.find("</ol>", begin);
    if (begin == std::string::npos) return ids;
    const std::string part = html.substr(begin, end - begin);
    const std::regex item("<li class=\"comment\" id=\"[a-z]+-c-([^\"]+)\"");
    for (std::sregex_iterator it(part.begin(), part.end(), item), stop;
         it != stop; ++it) {
      ids.push_back((*it)[1]);
    }
    return ids;
  }

  static std::string Stats(int people, int comments) {
    return "评论 <b id=\"participant-count\">" + std::to_string(people) +
           "</b>人参与, <b id=\"comment-count\">" + std::to_string(comments) +
           "</b>条评论";
  }

  DemoStack stack_;
  std::unique_ptr<httplib::Client> http_;
};

// The service's log lines of the request id `id` (its access lines: the
// id is quoted as the JSON has it).
int ServiceLinesOf(const DemoStack& stack, const std::string& id) {
  const std::string log = stack.ServerLog();
  const std::string needle = "\"request_id\":\"" + id + "\"";
  int n = 0;
  for (size_t at = log.find(needle); at != std::string::npos;
       at = log.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

TEST_F(PortalTest, PassesItsRequestIdToTheService) {
  // A proxy's id is kept, returned, and names the service's calls for the
  // page (its stats and lists).
  httplib::Result res = http_->Get(
      "/", {{"Cookie", "uid=reader-a"}, {"X-Request-Id", "edge-5d1c"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("X-Request-Id"), "edge-5d1c");
  EXPECT_GE(ServiceLinesOf(stack_, "edge-5d1c"), 1) << stack_.ServerLog();
  // Without one the portal makes one, and a form's calls carry it too.
  res = http_->Post("/post", {{"Cookie", "uid=reader-a"}},
                    httplib::Params{{"body", "带编号的请求"}, {"key", ""}});
  ASSERT_TRUE(res);
  const std::string made = res->get_header_value("X-Request-Id");
  ASSERT_EQ(made.size(), 32u);
  EXPECT_GE(ServiceLinesOf(stack_, made), 1) << stack_.ServerLog();
}

TEST_F(PortalTest, ShowsTheArticleWithAnEmptyCommentBlock) {
  httplib::Result res = http_->Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->get_header_value("Content-Type"), HasSubstr("utf-8"));
  EXPECT_THAT(res->get_header_value("Set-Cookie"), HasSubstr("uid=reader-"));
  EXPECT_THAT(
      res->body,
      AllOf(HasSubstr("<h1>【辉煌十三五•奋进十四五•筑梦新竹山】"
                      "党建引领决战脱贫攻坚助力乡村振兴</h1>"),
            HasSubstr("竹山县作为秦巴山片区扶贫开发主战场"),
            HasSubstr(Stats(0, 0)), HasSubstr("还没有评论"),
            HasSubstr("最热评论"), HasSubstr("最新评论"),
            // The seed page's injected spam and old footer are gone.
            Not(HasSubstr("人生就是博")), Not(HasSubstr("尊龙")),
            // No external assets.
            Not(HasSubstr("src=\"http")), Not(HasSubstr("href=\"http"))));
}

TEST_F(PortalTest, PostedCommentsAreCountedAndListed) {
  const Redirect posted =
      PostComment("写得好，支持家乡发展！", "reader-a", "", "竹山网友甲");
  EXPECT_EQ(posted.location, "/#comments");
  EXPECT_THAT(posted.notice, StartsWith("ok:评论已发表。"));
  PostComment("第二条评论", "reader-b");
  const std::string html = Page();
  EXPECT_THAT(html, AllOf(HasSubstr(Stats(2, 2)), HasSubstr("竹山网友甲"),
                          HasSubstr("写得好，支持家乡发展！"),
                          Not(HasSubstr("还没有评论"))));
  EXPECT_EQ(Ids(html, "newest-list"), (std::vector<std::string>{"2", "1"}));
  EXPECT_EQ(Ids(html, "hot-list").size(), 2u);
}

TEST_F(PortalTest, ServesMetricsOfItsOwnTraffic) {
  const Redirect posted = PostComment("统计一下", "reader-m");
  ASSERT_EQ(posted.location, "/#comments");
  Page();
  Page();
  httplib::Result res = http_->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->body,
              AllOf(HasSubstr("portal_http_requests_total{route=\"/post\","
                              "code=\"303\"} 1\n"),
                    HasSubstr("portal_http_request_duration_seconds_count{"
                              "route=\"/post\"} 1\n"),
                    HasSubstr("portal_http_requests_total{route=\"/\","
                              "code=\"200\"} 2\n")));
}

TEST_F(PortalTest, EscapesEveryUserText) {
  PostComment("<script>alert('x')</script> & \"q\"", "reader-a", "",
              "<img src=x onerror=alert(1)>");
  const std::string html = Page();
  EXPECT_THAT(html,
              AllOf(HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
                              " &amp; &quot;q&quot;"),
                    HasSubstr("&lt;img src=x onerror=alert(1)&gt;"),
                    Not(HasSubstr("<script>alert")), Not(HasSubstr("<img"))));
  // The notice is escaped too, and only the cookie sets it: a crafted link
  // cannot make the portal say anything.
  EXPECT_THAT(Get("/?notice=error&msg=x", "uid=reader-a"),
              Not(HasSubstr("id=\"notice\"")));
  EXPECT_THAT(Get("/", "uid=reader-a; notice=ok%3A%3Cscript%3Ex"),
              AllOf(HasSubstr("&lt;script&gt;x"), Not(HasSubstr("<script>x"))));
}

TEST_F(PortalTest, RepliesLikesAndReports) {
  PostComment("主评论", "reader-a");
  PostComment("一条回复", "reader-b", "1");
  std::string html = Page();
  EXPECT_THAT(html, AllOf(HasSubstr("回复 (1)"), HasSubstr("一条回复"),
                          HasSubstr(Stats(2, 2))));
  EXPECT_EQ(Ids(html, "newest-list"), (std::vector<std::string>{"1", "2"}))
      << "the reply is nested under its parent, not a top-level comment";

  const Redirect liked = Submit("/like", {{"comment_id", "1"}}, "uid=reader-c");
  EXPECT_EQ(liked.location, "/#newest-c-1");
  EXPECT_THAT(liked.notice, StartsWith("ok:"));
  Submit("/like", {{"comment_id", "1"}}, "uid=reader-c");  // Once per user.
  html = Page();
  EXPECT_THAT(html, AllOf(HasSubstr("<span class=\"like-count\">1</span>"),
                          HasSubstr(Stats(3, 2))));
  // The reader who liked it sees it liked, and may take it back.
  EXPECT_THAT(Get("/", "uid=reader-c"),
              AllOf(HasSubstr("class=\"like liked\""),
                    HasSubstr("name=\"undo\" value=\"1\"")));
  EXPECT_THAT(Get("/", "uid=reader-d"), Not(HasSubstr("like liked")));
  EXPECT_THAT(
      Submit("/like", {{"comment_id", "1"}, {"undo", "1"}}, "uid=reader-c")
          .notice,
      StartsWith("ok:"));
  EXPECT_THAT(Get("/", "uid=reader-c"),
              AllOf(Not(HasSubstr("like liked")),
                    HasSubstr("<span class=\"like-count\">0</span>")));
  Submit("/like", {{"comment_id", "1"}}, "uid=reader-c");

  EXPECT_THAT(Submit("/report", {{"comment_id", "1"}, {"reason", "灌水"}},
                     "uid=reader-c")
                  .notice,
              StartsWith("ok:"));
  Submit("/report", {{"comment_id", "1"}}, "uid=reader-d");
  html = Get("/moderate", ModCookie());
  EXPECT_THAT(html, AllOf(HasSubstr("被举报评论 <span class=\"total\">(1)"),
                          HasSubstr("<b class=\"report-count\">2</b> 人举报"),
                          HasSubstr("灌水")));

  EXPECT_THAT(Submit("/like", {{"comment_id", "99"}}, "uid=reader-c").notice,
              StartsWith("error:"));
}

TEST_F(PortalTest, TellsWhenACommentIsHeldOrRejected) {
  const Redirect held = PostComment("有事加微信详聊", "reader-a");
  EXPECT_THAT(held.notice, StartsWith("held:"));
  EXPECT_THAT(Follow(held, "reader-a"),
              AllOf(HasSubstr("class=\"notice held\""),
                    HasSubstr("您的评论已提交，审核通过后显示。"),
                    HasSubstr("awaiting review"), HasSubstr(Stats(0, 0))));

  const Redirect rejected = PostComment("来玩博彩，稳赚", "reader-a");
  EXPECT_THAT(rejected.notice, StartsWith("rejected:"));
  EXPECT_THAT(Follow(rejected, "reader-a"),
              AllOf(HasSubstr("您的评论未能发表。"), HasSubstr("gambling"),
                    Not(HasSubstr("来玩博彩"))));

  EXPECT_THAT(PostComment("   ", "reader-a").notice, StartsWith("error:"));
}

TEST_F(PortalTest, ModeratorPageNeedsAValidToken) {
  EXPECT_THAT(Get("/moderate", "", 401), HasSubstr("name=\"token\""));
  EXPECT_THAT(Get("/moderate", "mod_token=wrong", 403),
              AllOf(HasSubstr("令牌无效"), Not(HasSubstr("待审评论"))));
  EXPECT_THAT(Submit("/moderate/clear",
                     {{"queue", "pending"}, {"decision", "approve"}}, "")
                  .notice,
              StartsWith("error:"));

  httplib::Result res = http_->Get(
      (std::string("/moderate?token=") + DemoStack::kModeratorToken).c_str());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_THAT(res->get_header_value("Set-Cookie"),
              AllOf(HasSubstr(ModCookie()), HasSubstr("HttpOnly")));
  EXPECT_THAT(Get("/moderate", ModCookie()), HasSubstr("待审评论"));
}

TEST_F(PortalTest, ModeratorApprovesAndClears) {
  PostComment("有事加微信详聊", "reader-a");
  PostComment("彩金多多", "reader-b");
  PostComment("加我微信领红包", "reader-c");
  std::string html = Get("/moderate", ModCookie());
  EXPECT_THAT(html, AllOf(HasSubstr("待审评论 <span class=\"total\">(3)"),
                          HasSubstr("有事加微信详聊"),
                          HasSubstr("<b class=\"categories\">contact</b>"),
                          HasSubstr("<b class=\"categories\">gambling</b>")));

  EXPECT_THAT(Submit("/moderate/decide",
                     {{"article_id", DemoStack::kArticleId},
                      {"comment_id", "1"},
                      {"decision", "approve"}},
                     ModCookie())
                  .notice,
              StartsWith("ok:"));
  EXPECT_THAT(Page(),
              AllOf(HasSubstr(Stats(1, 1)), HasSubstr("有事加微信详聊")));

  EXPECT_EQ(Submit("/moderate/decide",
                   {{"article_id", DemoStack::kArticleId},
                    {"comment_id", "2"},
                    {"decision", "reject"}},
                   ModCookie())
                .notice,
            "ok:已拒绝 #2");
  EXPECT_EQ(Submit("/moderate/clear",
                   {{"queue", "pending"}, {"decision", "reject"}}, ModCookie())
                .notice,
            "ok:已全部拒绝，共 1 条。");
  html = Get("/moderate", ModCookie());
  EXPECT_THAT(html, HasSubstr("待审评论 <span class=\"total\">(0)"));
  EXPECT_THAT(Page(),
              AllOf(HasSubstr(Stats(1, 1)), Not(HasSubstr("彩金多多"))));
}

TEST_F(PortalTest, LoadMoreShowsTheNextPage) {
  for (int i = 1; i <= 12; ++i) {
    PostComment("评论" + std::to_string(i), "reader-" + std::to_string(i));
  }
  const std::string html = Page();
  EXPECT_EQ(Ids(html, "newest-list").size(), 10u);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      html, m,
      std::regex("data-fragment=\"(/comments\\?order=newest&amp;"
                 "page_token=[^\"]+)\"")));
  std::string fragment = m[1];
  fragment.replace(fragment.find("&amp;"), 5, "&");
  const std::string more = Get(fragment, "uid=reader-a");
  EXPECT_THAT(more, AllOf(HasSubstr("评论2<"), HasSubstr("评论1<"),
                          Not(HasSubstr("加载更多"))));

  // Without JS the link shows that page in the whole article page.
  ASSERT_TRUE(std::regex_search(
      html, m, std::regex("href=\"(/\\?newest_page=[^\"#]+)")));
  EXPECT_EQ(Ids(Get(m[1], "uid=reader-a"), "newest-list"),
            (std::vector<std::string>{"2", "1"}));
  Get("/?newest_page=forged", "uid=reader-a", 400);
}

// The portal passes each reader's address to the service: with
// --trust_x_forwarded_for, the last X-Forwarded-For entry (the one its own
// proxy appended); the service, which trusts the portal's unix-socket
// connection, limits posts per address across accounts.
TEST(PortalAddressTest, PassesEachReadersAddressToTheService) {
  DemoStack stack;
  ASSERT_TRUE(stack.Start({"--address_post_limit=1",
                           "--address_post_limit_window=10m",
                           "--trusted_portal_peers=unix"},
                          {"--trust_x_forwarded_for"}));
  httplib::Client http("127.0.0.1", stack.port());
  // The notice a post leaves, decoded.
  auto post = [&](const std::string& uid, const std::string& forwarded) {
    httplib::Result res = http.Post(
        "/post", {{"Cookie", "uid=" + uid}, {"X-Forwarded-For", forwarded}},
        httplib::Params{{"body", "来自 " + uid}, {"key", ""}});
    EXPECT_TRUE(res);
    if (!res) return std::string();
    EXPECT_EQ(res->status, 303) << res->body;
    for (size_t i = 0; i < res->get_header_value_count("Set-Cookie"); ++i) {
      const std::string c = res->get_header_value("Set-Cookie", i);
      if (c.rfind("notice=", 0) != 0) continue;
      return httplib::detail::decode_url(c.substr(7, c.find(';') - 7), false);
    }
    return std::string();
  };
  EXPECT_THAT(post("reader-a", "198.51.100.1"), StartsWith("ok:"));
  // Another account on the same address: refused, and told why.
  EXPECT_THAT(post("reader-b", "198.51.100.1"),
              AllOf(HasSubstr("RESOURCE_EXHAUSTED"),
                    HasSubstr("this client address has posted 1 comments")));
  // A reader cannot pose as another address: only the last entry counts.
  EXPECT_THAT(post("reader-c", "198.51.100.7, 198.51.100.1"),
              HasSubstr("RESOURCE_EXHAUSTED"));
  EXPECT_THAT(post("reader-c", "198.51.100.1, 198.51.100.2"),
              StartsWith("ok:"));
  Client client({.target = stack.target()});
  EXPECT_EQ(VALUE_OR_FAIL(client.GetArticleStats(DemoStack::kArticleId))
                .comment_count(),
            2);
}

}  // namespace
}  // namespace comments
