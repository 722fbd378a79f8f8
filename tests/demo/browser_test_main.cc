// The browser test's launcher, run by CTest: starts the demo (redis-server,
// comment-server, comment-portal), seeds the article, and runs
// browser_test.mjs in node against it. Exits with the script's status, or
// with kSkip when Chromium, node or npm is missing, so that CTest reports
// the test as skipped instead of passing it silently.
//
// playwright-core comes from npm, pinned by package-lock.json, into the
// build tree (`npm ci` on the first run): the source tree never holds
// node_modules.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "client/client.h"
#include "tests/demo/demo_stack.h"
#include "tests/support/subprocess.h"

namespace {

constexpr int kSkip = 77;  // SKIP_RETURN_CODE in tests/demo/CMakeLists.txt.

bool Executable(const std::string& path) {
  return !path.empty() && std::filesystem::exists(path);
}

// The article as the test wants it: eleven older comments, the first three
// liked once, so that a new comment starts in the middle of 最热评论 (below
// the liked ones, above the rest) and the newest list has a second page.
bool Seed(const std::string& target) {
  comments::Client client({.target = target});
  for (int i = 1; i <= 11; ++i) {
    comments::v1::PostCommentRequest post;
    post.set_article_id(comments::testing::DemoStack::kArticleId);
    post.set_author_id(absl::StrCat("seed-reader-", i));
    post.set_author_name(absl::StrCat("竹山网友", i));
    post.set_body(absl::StrCat("支持家乡建设！第", i, "条种子评论。"));
    absl::StatusOr<comments::v1::PostCommentResponse> posted =
        client.PostComment(post);
    if (!posted.ok()) {
      std::cerr << "seeding: " << posted.status() << "\n";
      return false;
    }
    if (i <= 3 &&
        !client
             .LikeComment(post.article_id(), posted->comment().comment_id(),
                          "seed-liker")
             .ok()) {
      return false;
    }
  }
  return true;
}

}  // namespace

int main() {
  if (!Executable(CHROMIUM_PATH) || !Executable(NODE_PATH) ||
      !Executable(NPM_PATH)) {
    std::printf(
        "SKIP: needs chromium, node and npm (scripts/deps.sh installs "
        "them); found chromium='%s' node='%s' npm='%s'\n",
        CHROMIUM_PATH, NODE_PATH, NPM_PATH);
    return kSkip;
  }
  const std::string dir = BROWSER_TEST_DIR;
  if (!std::filesystem::exists(dir + "/node_modules/playwright-core")) {
    const std::string npm =
        absl::StrCat("cd '", dir, "' && '", NPM_PATH,
                     "' ci --no-audit --no-fund --loglevel=error");
    std::printf("installing playwright-core: %s\n", npm.c_str());
    std::fflush(stdout);
    if (std::system(npm.c_str()) != 0) {
      std::printf("npm ci failed (is the npm registry reachable?)\n");
      return 1;
    }
  }

  comments::testing::DemoStack stack;
  if (!stack.Start() || !Seed(stack.target())) return 1;

  setenv("PORTAL_URL", stack.url().c_str(), 1);
  setenv("MODERATOR_TOKEN", comments::testing::DemoStack::kModeratorToken, 1);
  setenv("CHROMIUM", CHROMIUM_PATH, 1);
  setenv("SCREENSHOT_DIR", dir.c_str(), 1);
  const std::string log = stack.dir() + "/browser.log";
  comments::testing::Subprocess node;
  if (!node.Start({NODE_PATH, dir + "/browser_test.mjs"}, log)) return 1;
  // Chromium's start and the page loads take a few seconds; CTest's timeout
  // bounds the whole.
  while (node.Running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const int status = node.Stop();
  std::ifstream in(log);
  std::cout << in.rdbuf() << "screenshots in " << dir << "\n";
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
