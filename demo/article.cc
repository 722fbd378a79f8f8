#include "demo/article.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace comments::demo {
namespace {

// Where the saved page's own (static, always empty) comment block starts.
constexpr absl::string_view kOldCommentBlock = "评论一下";

}  // namespace

absl::StatusOr<Article> ParseArticle(absl::string_view text) {
  Article article;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    if (line == kOldCommentBlock) break;
    if (article.banner.empty()) {
      article.banner = std::string(line);
    } else if (article.title.empty()) {
      // "Headline-Site": the headline itself has no ASCII hyphen.
      article.title = std::string(line.substr(0, line.rfind('-')));
    } else {
      article.paragraphs.emplace_back(line);
    }
  }
  if (article.title.empty() || article.paragraphs.empty()) {
    return absl::InvalidArgumentError(
        "article: expected a banner line, a title line and a body");
  }
  return article;
}

}  // namespace comments::demo
