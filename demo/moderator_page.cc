#include "demo/moderator_page.h"

#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "demo/html.h"
#include "demo/page_layout.h"

namespace comments::demo {
namespace {

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

std::string ModeratorPageRenderer::QueueSection(
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

std::string ModeratorPageRenderer::ModeratorPage(const ModerationQueues& queues,
                                                 const Notice& notice) const {
  std::string body =
      absl::StrCat("<h1>评论审核</h1><p class=\"meta\">",
                   HtmlEscape(article_title_), "</p>", NoticeHtml(notice),
                   "<form method=\"post\" action=\"/moderate/logout\">"
                   "<button>退出</button></form>",
                   QueueSection("待审评论", "pending", queues.pending),
                   QueueSection("被举报评论", "reported", queues.reported));
  return Layout("评论审核", body, "");
}

std::string ModeratorPageRenderer::LoginPage(const Notice& notice) const {
  return Layout(
      "审核后台登录",
      absl::StrCat("<h1>审核后台</h1>", NoticeHtml(notice),
                   "<form method=\"post\" action=\"/moderate/login\">"
                   "<label>审核令牌 <input type=\"password\" name=\"token\" "
                   "required></label> <button>登录</button></form>"),
      "");
}

}  // namespace comments::demo
