// comment-portal: the demo news portal page over the comment service.
//
//   comment-portal --target=127.0.0.1:50051 --listen=127.0.0.1:8080
//       --article_file=demo/data/000_fd9a35c044ef1716.txt
//
// Prints "comment-portal: serving http://HOST:PORT/" once it accepts
// connections (with --listen=HOST:0 the port is the one the kernel chose).
// See docs/demo.md.

#include <httplib.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/client.h"
#include "demo/article.h"
#include "demo/article_page.h"
#include "demo/comment_feed.h"
#include "demo/html.h"
#include "demo/moderator_page.h"
#include "demo/portal_server.h"
#include "logging/log.h"
#include "metrics/metrics.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:8080", "HOST:PORT to serve HTTP on");
ABSL_FLAG(std::string, target, "127.0.0.1:50051",
          "The comment service (gRPC target)");
ABSL_FLAG(std::string, article_file, "", "The article text (a seed file)");
ABSL_FLAG(std::string, article_id, "zhushan-fd9a35c044ef1716",
          "The article's id in the comment service");
ABSL_FLAG(std::string, moderator_token_file, "",
          "Optional: a --moderator_tokens file of the service; its first "
          "token is printed as a one-click sign-in link for the demo");
ABSL_FLAG(bool, trust_x_forwarded_for, false,
          "Take the reader's address, which the service's per-address flood "
          "limits count, from the last X-Forwarded-For entry (set it only "
          "behind a reverse proxy that appends it); else the HTTP peer's");
ABSL_FLAG(int, page_size, 10, "Comments per page of each list");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(5),
          "Deadline of each call to the service");

namespace {

int Die(const std::string& message) {
  comments::logging::Log(comments::logging::Level::kError, "start_failed",
                         {{"error", message},
                          {"action", "fix the flag or file the error names"}});
  return 2;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

// The first token of a token file ("TOKEN NAME" lines, # comments).
std::string FirstToken(const std::string& text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (!fields.empty() && fields[0][0] != '#') return std::string(fields[0]);
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using namespace comments;

  std::string text;
  if (!ReadFile(absl::GetFlag(FLAGS_article_file), &text)) {
    return Die("cannot read --article_file=" +
               absl::GetFlag(FLAGS_article_file));
  }
  absl::StatusOr<demo::Article> article = demo::ParseArticle(text);
  if (!article.ok()) return Die(article.status().ToString());

  const std::string listen = absl::GetFlag(FLAGS_listen);
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port)) {
    return Die("--listen must be HOST:PORT");
  }
  const std::string host = listen.substr(0, colon);
  const int page_size = absl::GetFlag(FLAGS_page_size);
  if (page_size < 1 || page_size > 100) return Die("--page_size: 1 to 100");

  ClientOptions options{.target = absl::GetFlag(FLAGS_target),
                        .deadline = absl::GetFlag(FLAGS_deadline)};
  Client client(options);
  demo::CommentFeed feed(
      &client,
      {.article_id = absl::GetFlag(FLAGS_article_id), .page_size = page_size});
  demo::ModeratorPageRenderer moderator_page(article->title);
  demo::ArticlePageRenderer article_page(*std::move(article));
  demo::PortalServer portal(&client, &feed, &article_page, &moderator_page,
                            options,
                            absl::GetFlag(FLAGS_trust_x_forwarded_for));

  httplib::Server http;
  metrics::Registry registry;
  portal.Register(http, &registry);
  if (port == 0) {
    port = http.bind_to_any_port(host);
  } else if (!http.bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0) return Die("cannot listen on " + listen);

  const std::string url = absl::StrCat("http://", host, ":", port, "/");
  std::printf("comment-portal: serving %s\n", url.c_str());
  std::string tokens;
  if (!absl::GetFlag(FLAGS_moderator_token_file).empty() &&
      ReadFile(absl::GetFlag(FLAGS_moderator_token_file), &tokens) &&
      !FirstToken(tokens).empty()) {
    std::printf("comment-portal: moderators: %smoderate?token=%s\n",
                url.c_str(), demo::UrlEncode(FirstToken(tokens)).c_str());
  }
  std::fflush(stdout);
  return http.listen_after_bind() ? 0 : 1;
}
