#ifndef COMMENTS_DEMO_HTML_H_
#define COMMENTS_DEMO_HTML_H_

#include <string>

#include "absl/strings/string_view.h"

namespace comments::demo {

// Escapes & < > " ' so that any text (a comment body, a name, a queue
// reason) is inert both between tags and inside a quoted attribute value.
std::string HtmlEscape(absl::string_view text);

// Percent-encodes everything but RFC 3986's unreserved characters, for a
// query parameter value (page tokens, notices) inside a link.
std::string UrlEncode(absl::string_view text);

}  // namespace comments::demo

#endif  // COMMENTS_DEMO_HTML_H_
