#include "tests/support/comment_server.h"

#include <chrono>
#include <filesystem>
#include <thread>

namespace comments::testing {

bool CommentServerProcess::Start(const std::string& redis_url,
                                 const std::vector<std::string>& extra_flags) {
  std::vector<std::string> argv = {
      COMMENT_SERVER_PATH, "--listen=unix:" + socket_, "--redis=" + redis_url,
      "--page_token_secret=test-secret"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  std::error_code ignored;
  std::filesystem::remove(socket_, ignored);  // A restart binds anew.
  if (!process_.Start(argv, log_path())) return false;
  // The server binds its socket once it is ready to serve (TLS or not).
  // Up to 10 s, but give up as soon as the process has exited.
  for (int i = 0; i < 1000 && process_.Running(); ++i) {
    if (std::filesystem::exists(socket_)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace comments::testing
