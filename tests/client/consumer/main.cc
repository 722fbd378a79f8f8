// Links the installed client and makes one call to a target that does not
// exist: proves the package is complete (headers, library, dependencies).
#include <cstdio>

#include "client/client.h"

int main() {
  comments::Client client({.target = "unix:/nonexistent/comments.sock",
                           .deadline = absl::Milliseconds(200),
                           .max_attempts = 1});
  absl::StatusOr<comments::v1::ArticleStats> stats =
      client.GetArticleStats("article");
  std::printf("%s\n", stats.status().ToString().c_str());
  return stats.status().code() == absl::StatusCode::kUnavailable ||
                 stats.status().code() == absl::StatusCode::kDeadlineExceeded
             ? 0
             : 1;
}
