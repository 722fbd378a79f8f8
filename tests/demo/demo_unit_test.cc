// The demo's logic without processes: the seed article's parsing and the
// escaping every page relies on.
#include <fstream>
#include <sstream>

#include "demo/article.h"
#include "demo/article_page.h"
#include "demo/html.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace comments::demo {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(HtmlTest, EscapesMarkupAndQuotes) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("评论"), "评论");
  EXPECT_EQ(UrlEncode("a+b/c=d 评"), "a%2Bb%2Fc%3Dd%20%E8%AF%84");
}

TEST(ArticleTest, ParsesTheSeedAndDropsItsChromeAndSpam) {
  std::ifstream in(DEMO_ARTICLE_FILE);
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<Article> article = ParseArticle(text.str());
  ASSERT_TRUE(article.ok()) << article.status();
  EXPECT_EQ(article->banner, "新闻广告热线:0719-4224351");
  EXPECT_EQ(
      article->title,
      "【辉煌十三五•奋进十四五•筑梦新竹山】党建引领决战脱贫攻坚助力乡村振兴");
  EXPECT_EQ(article->paragraphs.back(), "村党群服务中心。");
  for (const std::string& p : article->paragraphs) {
    EXPECT_THAT(p, AllOf(Not(HasSubstr("评论")), Not(HasSubstr("尊龙"))));
  }
}

TEST(ArticleTest, RefusesTextWithoutABody) {
  EXPECT_FALSE(ParseArticle("").ok());
  EXPECT_FALSE(ParseArticle("banner\ntitle\n评论一下\nfooter").ok());
}

TEST(ArticlePageRendererTest, EscapesCommentsAndNotices) {
  ArticlePageRenderer renderer(Article{"banner", "<title>", {"p"}});
  CommentBlock block;
  block.stats.set_comment_count(1);
  block.stats.set_participant_count(1);
  CommentThread thread;
  thread.comment.set_comment_id("7\"x");
  thread.comment.set_author_name("<i>n</i>");
  thread.comment.set_body("<script>alert(1)</script>\nline2");
  block.newest.threads.push_back(thread);
  block.newest.next_page_token = "tok+/=";
  const std::string html =
      renderer.ArticlePage(block, {Notice::Kind::kHeld, "<b>held</b>"}, "key");
  EXPECT_THAT(html,
              AllOf(HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;<br>line2"),
                    HasSubstr("&lt;i&gt;n&lt;/i&gt;"), HasSubstr("7&quot;x"),
                    HasSubstr("&lt;b&gt;held&lt;/b&gt;"),
                    HasSubstr("<title>&lt;title&gt;</title>"),
                    HasSubstr("page_token=tok%2B%2F%3D"),
                    Not(HasSubstr("<script>alert")), Not(HasSubstr("<i>n"))));
}

}  // namespace
}  // namespace comments::demo
