#ifndef COMMENTS_DEMO_ARTICLE_H_
#define COMMENTS_DEMO_ARTICLE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace comments::demo {

// A news article as the portal shows it. A value type.
struct Article {
  // The site's banner line above the headline ("新闻广告热线:...").
  std::string banner;
  std::string title;
  // Non-empty lines of the body, in order; photo captions included.
  std::vector<std::string> paragraphs;
};

// Parses a seed article: text saved from the county portal's page. Its first
// non-empty line is the site banner, the next the page title
// ("Headline-Site name"), then the body. The saved page ends with the old
// site's static comment block (from the line "评论一下") and its footer;
// both are dropped, since the portal renders the live comment block.
//
// The site-name suffix of the title is dropped too: on this seed it is not
// the portal's name but gambling spam injected into the hacked page
// ("-人生就是博官网"), which a demo must not republish.
//
// InvalidArgument when the text has no title or no body.
absl::StatusOr<Article> ParseArticle(absl::string_view text);

}  // namespace comments::demo

#endif  // COMMENTS_DEMO_ARTICLE_H_
