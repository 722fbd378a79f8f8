#include "tests/demo/demo_stack.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"

namespace comments::testing {

bool DemoStack::Start(const std::vector<std::string>& server_flags,
                      const std::vector<std::string>& portal_flags) {
  const std::string tokens = dir() + "/moderator-tokens";
  std::ofstream(tokens) << "# moderators of the demo test\n"
                        << kModeratorToken << " demo\n";
  if (!redis_.Start()) {
    std::cerr << "redis-server did not start\n";
    return false;
  }
  // A report threshold of 2 keeps the tests short; the lexicon is the one
  // scripts/run.sh gives the demo.
  std::vector<std::string> flags = {"--lexicon=" DEFAULT_LEXICON,
                                    "--moderator_tokens=" + tokens,
                                    "--report_threshold=2"};
  flags.insert(flags.end(), server_flags.begin(), server_flags.end());
  if (!server_.Start(redis_.url(), flags)) {
    std::cerr << "comment-server did not start; log: " << server_.log_path()
              << "\n";
    return false;
  }
  const std::string log = dir() + "/portal.log";
  std::vector<std::string> portal = {
      COMMENT_PORTAL_PATH, "--listen=127.0.0.1:0",
      "--target=" + server_.target(), "--article_file=" DEMO_ARTICLE_FILE,
      absl::StrCat("--article_id=", kArticleId),
      "--moderator_token_file=" + tokens};
  portal.insert(portal.end(), portal_flags.begin(), portal_flags.end());
  if (!portal_.Start(portal, log)) {
    return false;
  }
  // The portal prints its address once it has bound the port.
  const std::regex serving("serving http://127\\.0\\.0\\.1:([0-9]+)/");
  for (int i = 0; i < 1000 && portal_.Running(); ++i) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    std::smatch m;
    if (std::regex_search(s, m, serving)) {
      port_ = std::stoi(m[1]);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::cerr << "comment-portal did not start; log: " << log << "\n";
  return false;
}

std::string DemoStack::url() const {
  return absl::StrCat("http://127.0.0.1:", port_);
}

}  // namespace comments::testing
