#include "tests/support/comment_server.h"

#include <grpcpp/grpcpp.h>

#include <chrono>

namespace comments::testing {

bool CommentServerProcess::Start(const std::string& redis_url,
                                 const std::vector<std::string>& extra_flags) {
  std::vector<std::string> argv = {COMMENT_SERVER_PATH,
                                   "--listen=unix:" + socket_,
                                   "--redis=" + redis_url,
                                   "--page_token_secret=test-secret"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  if (!process_.Start(argv, log_path())) return false;
  auto channel =
      grpc::CreateChannel(target(), grpc::InsecureChannelCredentials());
  // Up to 10 s, but give up as soon as the process has exited.
  for (int i = 0; i < 100 && process_.Running(); ++i) {
    if (channel->WaitForConnected(std::chrono::system_clock::now() +
                                  std::chrono::milliseconds(100))) {
      return true;
    }
  }
  return false;
}

}  // namespace comments::testing
