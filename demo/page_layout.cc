#include "demo/page_layout.h"

#include "absl/strings/str_cat.h"
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
.actions button.liked{color:#c00;font-weight:bold}
.featured{font-size:12px;color:#fff;background:#c00;padding:0 4px;border-radius:2px}
details.reply{display:inline-block;vertical-align:top}
.why{font-size:13px;color:#6d4c41}
a.more{display:block;text-align:center;padding:6px;background:#f5f5f5}
footer{text-align:center;font-size:13px;color:#888;padding:16px}
)css";

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

std::string Layout(const std::string& title, const std::string& body,
                   absl::string_view script) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>",
      HtmlEscape(title), "</title><style>", kStyle, "</style></head><body>",
      "<header class=\"site\">云上竹山 · 评论演示</header><main>", body,
      "</main><footer>演示门户 · <a href=\"/\">文章</a> · "
      "<a href=\"/moderate\">审核后台</a></footer>",
      script.empty() ? "" : absl::StrCat("<script>", script, "</script>"),
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

}  // namespace comments::demo
