#include "demo/article_page.h"

#include "absl/strings/str_cat.h"
#include "demo/html.h"
#include "demo/page_layout.h"

namespace comments::demo {
namespace {

// Replaces a 加载更多 item by the next page's items, fetched as a fragment;
// without JS the link itself shows that page.
constexpr char kScript[] = R"js(
document.addEventListener('click', async (e) => {
  const a = e.target.closest('a.more');
  if (!a) return;
  e.preventDefault();
  const r = await fetch(a.dataset.fragment);
  if (!r.ok) { location.href = a.href; return; }
  const li = a.closest('li');
  li.insertAdjacentHTML('beforebegin', await r.text());
  li.remove();
});
)js";

const char* OrderName(v1::Order order) {
  return order == v1::ORDER_HOT ? "hot" : "newest";
}

// The post form, top-level or a reply. Each form has its own idempotency
// key: one key for the whole page would make a reply after a comment look
// like a retry of that comment.
std::string PostForm(const std::string& parent_id, const std::string& key) {
  const bool reply = !parent_id.empty();
  return absl::StrCat(
      "<form class=\"post\" method=\"post\" action=\"/post\"",
      reply ? "" : " id=\"post-form\"", ">", Hidden("parent_id", parent_id),
      Hidden("key", absl::StrCat(key, "-", reply ? parent_id : "top")),
      "<input name=\"name\" maxlength=\"64\" placeholder=\"昵称（可不填）\"> "
      "<textarea name=\"body\" required maxlength=\"2000\" placeholder=\"",
      reply ? "回复这条评论" : "文明上网，理性发言", "\"></textarea>",
      "<button type=\"submit\">", reply ? "发表回复" : "发表评论",
      "</button></form>");
}

}  // namespace

std::string ArticlePageRenderer::CommentItem(
    const v1::Comment& comment, v1::Order order,
    const std::string& post_key) const {
  const std::string id = HtmlEscape(comment.comment_id());
  const bool top_level = comment.parent_id().empty();
  const std::string name =
      comment.author_name().empty() ? "竹山网友" : comment.author_name();
  std::string html = absl::StrCat(
      "<li class=\"comment\" id=\"", OrderName(order), "-c-", id,
      "\" data-id=\"", id, "\"><div class=\"meta\"><span class=\"author\">",
      HtmlEscape(name), "</span> ",
      comment.featured() ? "<span class=\"featured\">精选</span> " : "",
      TimeHtml(comment.create_time()),
      "</div><p class=\"body\">", BodyHtml(comment.body()),
      "</p><div class=\"actions\">"
      "<form class=\"inline\" method=\"post\" action=\"/like\">",
      Hidden("comment_id", comment.comment_id()),
      comment.viewer_liked() ? Hidden("undo", "1") : std::string(),
      comment.viewer_liked()
          ? "<button class=\"like liked\" type=\"submit\" "
            "title=\"取消赞\">已赞 <span class=\"like-count\">"
          : "<button class=\"like\" type=\"submit\">赞 <span "
            "class=\"like-count\">",
      comment.like_count(),
      "</span></button></form> "
      "<form class=\"inline\" method=\"post\" action=\"/report\">",
      Hidden("comment_id", comment.comment_id()),
      "<button class=\"report\" type=\"submit\">举报</button></form> ");
  if (top_level) {
    absl::StrAppend(&html, "<details class=\"reply\"><summary>回复 (",
                    comment.reply_count(), ")</summary>",
                    PostForm(comment.comment_id(), post_key), "</details>");
  }
  absl::StrAppend(&html, "</div>");
  return html;
}

std::string ArticlePageRenderer::CommentItems(
    const CommentPage& page, v1::Order order,
    const std::string& post_key) const {
  std::string html;
  for (const CommentThread& thread : page.threads) {
    absl::StrAppend(&html, CommentItem(thread.comment, order, post_key));
    if (!thread.replies.empty()) {
      absl::StrAppend(&html, "<ul class=\"replies\">");
      for (const v1::Comment& reply : thread.replies) {
        absl::StrAppend(&html, CommentItem(reply, order, post_key), "</li>");
      }
      absl::StrAppend(&html, "</ul>");
    }
    absl::StrAppend(&html, "</li>");
  }
  if (!page.next_page_token.empty()) {
    const char* name = OrderName(order);
    const std::string token = UrlEncode(page.next_page_token);
    absl::StrAppend(&html, "<li class=\"more\"><a class=\"more\" href=\"/?",
                    name, "_page=", token, "#", name,
                    "\" data-fragment=\"/comments?order=", name,
                    "&amp;page_token=", token, "\">加载更多</a></li>");
  }
  return html;
}

std::string ArticlePageRenderer::ArticlePage(
    const CommentBlock& block, const Notice& notice,
    const std::string& post_key) const {
  std::string body = absl::StrCat("<article><p class=\"banner meta\">",
                                  HtmlEscape(article_.banner), "</p><h1>",
                                  HtmlEscape(article_.title), "</h1>");
  for (const std::string& p : article_.paragraphs) {
    absl::StrAppend(&body, "<p>", HtmlEscape(p), "</p>");
  }
  const int64_t people = block.stats.participant_count();
  const int64_t count = block.stats.comment_count();
  absl::StrAppend(
      &body, "</article><section class=\"comment-block\" id=\"comments\">",
      "<h2>评论一下</h2>", NoticeHtml(notice),
      "<p class=\"stats\" id=\"stats\">评论 <b id=\"participant-count\">",
      people, "</b>人参与, <b id=\"comment-count\">", count, "</b>条评论</p>",
      PostForm("", post_key),
      count == 0 ? "<p class=\"empty\">还没有评论,快来抢沙发吧!</p>" : "",
      "<h3 id=\"hot\">最热评论</h3><ol class=\"comments\" id=\"hot-list\">",
      CommentItems(block.hot, v1::ORDER_HOT, post_key),
      "</ol><h3 id=\"newest\">最新评论</h3>"
      "<ol class=\"comments\" id=\"newest-list\">",
      CommentItems(block.newest, v1::ORDER_NEWEST, post_key),
      "</ol><p class=\"meta\">已有", people, "人参与</p></section>");
  return Layout(article_.title, body, kScript);
}

std::string ArticlePageRenderer::MessagePage(const std::string& title,
                                             const std::string& message) const {
  return Layout(title,
                absl::StrCat("<h1>", HtmlEscape(title), "</h1><p>",
                             HtmlEscape(message), "</p>"),
                "");
}

}  // namespace comments::demo
