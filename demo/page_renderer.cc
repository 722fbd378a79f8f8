#include "demo/page_renderer.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "demo/html.h"

namespace comments::demo {
namespace {

// The portal is a Chinese county site: times are Beijing time. A fixed
// offset needs no tzdata on the machine.
const absl::TimeZone& BeijingTime() {
  static const absl::TimeZone zone = absl::FixedTimeZone(8 * 60 * 60);
  return zone;
}

constexpr char kStyle[] = R"css(
body{margin:0;background:#f4f4f4;color:#222;font:16px/1.7 "Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif}
main{max-width:780px;margin:0 auto;background:#fff;padding:16px 28px 32px}
header.site{background:#b71c1c;color:#fff;padding:10px 28px;font-weight:bold}
header.site .banner{float:right;font-weight:normal;font-size:13px;opacity:.85}
h1{font-size:24px;line-height:1.4}
article p{text-indent:2em;margin:.6em 0}
.comment-block{border-top:3px solid #b71c1c;margin-top:28px}
.stats b{color:#b71c1c}
.notice{padding:8px 12px;border-radius:4px;margin:10px 0}
.notice.ok{background:#e8f5e9}.notice.held{background:#fff8e1}
.notice.rejected,.notice.error{background:#ffebee}
form.post textarea{width:100%;box-sizing:border-box;min-height:70px;font:inherit}
form.post input[name=name]{width:12em}
ol.comments,ul.replies,ol.queue{list-style:none;padding:0}
li.comment,li.queued{border-bottom:1px solid #eee;padding:8px 0}
ul.replies{margin-left:2em;background:#fafafa;font-size:15px}
.meta{color:#888;font-size:13px}.meta .author{color:#1565c0}
p.body{margin:4px 0;white-space:normal;word-break:break-word}
form.inline{display:inline}
.actions button,.actions summary{font-size:13px;cursor:pointer}
details.reply{display:inline-block;vertical-align:top}
.why{font-size:13px;color:#6d4c41}
a.more{display:block;text-align:center;padding:6px;background:#f5f5f5}
footer{text-align:center;font-size:13px;color:#888;padding:16px}
)css";

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

std::string Layout(const std::string& title, const std::string& body,
                   bool with_script) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>",
      HtmlEscape(title), "</title><style>", kStyle, "</style></head><body>",
      "<header class=\"site\">云上竹山 · 评论演示</header><main>", body,
      "</main><footer>演示门户 · <a href=\"/\">文章</a> · "
      "<a href=\"/moderate\">审核后台</a></footer>",
      with_script ? absl::StrCat("<script>", kScript, "</script>") : "",
      "</body></html>\n");
}

std::string NoticeHtml(const Notice& notice) {
  if (notice.kind == Notice::Kind::kNone) return "";
  return absl::StrCat("<p class=\"notice ", Notice::NameOf(notice.kind),
                      "\" id=\"notice\" role=\"status\">",
                      HtmlEscape(notice.text), "</p>");
}

// Escaped text with its line breaks kept.
std::string BodyHtml(const std::string& body) {
  return absl::StrReplaceAll(HtmlEscape(body), {{"\n", "<br>"}});
}

std::string TimeHtml(const google::protobuf::Timestamp& ts) {
  const absl::Time t =
      absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  return absl::StrCat("<time>",
                      absl::FormatTime("%Y-%m-%d %H:%M", t, BeijingTime()),
                      "</time>");
}

std::string Hidden(const char* name, const std::string& value) {
  return absl::StrCat("<input type=\"hidden\" name=\"", name, "\" value=\"",
                      HtmlEscape(value), "\">");
}

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

const char* ActionName(v1::ModerationAction action) {
  switch (action) {
    case v1::MODERATION_ACTION_MASK:
      return "打码";
    case v1::MODERATION_ACTION_REVIEW:
      return "待审";
    case v1::MODERATION_ACTION_BLOCK:
      return "屏蔽";
    default:
      return "放行";
  }
}

// Why a comment is queued: lexicon matches, pre-moderation, reports.
std::string WhyQueued(const v1::QueueItem& item) {
  std::vector<std::string> why;
  std::set<std::string> categories;
  std::vector<std::string> words;
  for (const v1::KeywordMatch& m : item.matches()) {
    categories.insert(m.category());
    words.push_back(
        absl::StrCat(HtmlEscape(m.word()), "（", ActionName(m.action()), "）"));
  }
  if (!categories.empty()) {
    why.push_back(absl::StrCat("命中类别 <b class=\"categories\">",
                               HtmlEscape(absl::StrJoin(categories, ", ")),
                               "</b>：", absl::StrJoin(words, "、")));
  }
  if (item.pre_moderation()) why.push_back("本文先审后发");
  if (item.report_count() > 0) {
    std::vector<std::string> reasons;
    for (const std::string& r : item.report_reasons()) {
      reasons.push_back(HtmlEscape(r));
    }
    why.push_back(absl::StrCat(
        "被 <b class=\"report-count\">", item.report_count(), "</b> 人举报",
        reasons.empty() ? "" : "：", absl::StrJoin(reasons, "；")));
  }
  return absl::StrCat("<p class=\"why\">",
                      why.empty() ? "原因未记录" : absl::StrJoin(why, "；"),
                      "</p>");
}

}  // namespace

Notice::Kind Notice::KindFromName(const std::string& name) {
  for (Kind kind : {Kind::kOk, Kind::kHeld, Kind::kRejected, Kind::kError}) {
    if (name == NameOf(kind)) return kind;
  }
  return Kind::kNone;
}

const char* Notice::NameOf(Kind kind) {
  switch (kind) {
    case Kind::kOk:
      return "ok";
    case Kind::kHeld:
      return "held";
    case Kind::kRejected:
      return "rejected";
    case Kind::kError:
      return "error";
    default:
      return "";
  }
}

std::string PageRenderer::CommentItem(const v1::Comment& comment,
                                      v1::Order order,
                                      const std::string& post_key) const {
  const std::string id = HtmlEscape(comment.comment_id());
  const bool top_level = comment.parent_id().empty();
  const std::string name =
      comment.author_name().empty() ? "竹山网友" : comment.author_name();
  std::string html = absl::StrCat(
      "<li class=\"comment\" id=\"", OrderName(order), "-c-", id,
      "\" data-id=\"", id, "\"><div class=\"meta\"><span class=\"author\">",
      HtmlEscape(name), "</span> ", TimeHtml(comment.create_time()),
      "</div><p class=\"body\">", BodyHtml(comment.body()),
      "</p><div class=\"actions\">"
      "<form class=\"inline\" method=\"post\" action=\"/like\">",
      Hidden("comment_id", comment.comment_id()),
      "<button class=\"like\" type=\"submit\">赞 <span class=\"like-count\">",
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

std::string PageRenderer::CommentItems(const CommentPage& page, v1::Order order,
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

std::string PageRenderer::ArticlePage(const CommentBlock& block,
                                      const Notice& notice,
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
  return Layout(article_.title, body, /*with_script=*/true);
}

std::string PageRenderer::QueueSection(
    const char* title, const char* queue_name,
    const v1::ListQueueResponse& queue) const {
  std::string html = absl::StrCat("<section id=\"", queue_name, "\"><h2>",
                                  title, " <span class=\"total\">(",
                                  queue.total_size(), ")</span></h2>");
  if (queue.items().empty()) {
    absl::StrAppend(&html, "<p class=\"empty\">队列为空。</p></section>");
    return html;
  }
  absl::StrAppend(
      &html, "<form method=\"post\" action=\"/moderate/clear\">",
      Hidden("queue", queue_name),
      "<button class=\"clear-approve\" name=\"decision\" value=\"approve\">"
      "全部通过</button> <button class=\"clear-reject\" name=\"decision\" "
      "value=\"reject\">全部拒绝</button></form><ol class=\"queue\">");
  for (const v1::QueueItem& item : queue.items()) {
    const v1::Comment& c = item.comment();
    absl::StrAppend(
        &html, "<li class=\"queued\" data-id=\"", HtmlEscape(c.comment_id()),
        "\"><div class=\"meta\">#", HtmlEscape(c.comment_id()), " · ",
        HtmlEscape(c.author_name().empty() ? c.author_id() : c.author_name()),
        " · ", TimeHtml(c.create_time()), "</div><p class=\"body\">",
        BodyHtml(item.original_body()), "</p>", WhyQueued(item),
        "<form method=\"post\" action=\"/moderate/decide\">",
        Hidden("article_id", c.article_id()),
        Hidden("comment_id", c.comment_id()),
        "<button class=\"approve\" name=\"decision\" value=\"approve\">通过"
        "</button> <button class=\"reject\" name=\"decision\" "
        "value=\"reject\">拒绝</button></form></li>");
  }
  absl::StrAppend(
      &html, "</ol>",
      queue.next_page_token().empty()
          ? ""
          : "<p class=\"meta\">只显示最早的一页；处理后刷新可见其余。</p>",
      "</section>");
  return html;
}

std::string PageRenderer::ModeratorPage(const ModerationQueues& queues,
                                        const Notice& notice) const {
  std::string body =
      absl::StrCat("<h1>评论审核</h1><p class=\"meta\">",
                   HtmlEscape(article_.title), "</p>", NoticeHtml(notice),
                   "<form method=\"post\" action=\"/moderate/logout\">"
                   "<button>退出</button></form>",
                   QueueSection("待审评论", "pending", queues.pending),
                   QueueSection("被举报评论", "reported", queues.reported));
  return Layout("评论审核", body, /*with_script=*/false);
}

std::string PageRenderer::LoginPage(const Notice& notice) const {
  return Layout(
      "审核后台登录",
      absl::StrCat("<h1>审核后台</h1>", NoticeHtml(notice),
                   "<form method=\"post\" action=\"/moderate/login\">"
                   "<label>审核令牌 <input type=\"password\" name=\"token\" "
                   "required></label> <button>登录</button></form>"),
      /*with_script=*/false);
}

std::string PageRenderer::MessagePage(const std::string& title,
                                      const std::string& message) const {
  return Layout(title,
                absl::StrCat("<h1>", HtmlEscape(title), "</h1><p>",
                             HtmlEscape(message), "</p>"),
                /*with_script=*/false);
}

}  // namespace comments::demo
