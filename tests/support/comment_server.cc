#include "tests/support/comment_server.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

namespace comments::testing {
namespace {

// True once something listens on the unix socket at `path`. The file alone
// is not enough: it appears at bind(), and a connect() before listen() is
// refused, a window that a loaded machine stretches.
bool Accepts(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) return false;
  std::memcpy(addr.sun_path, path.data(), path.size());
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return false;
  const bool connected =
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return connected;
}

}  // namespace

bool CommentServerProcess::Start(const std::string& redis_url,
                                 const std::vector<std::string>& extra_flags) {
  std::vector<std::string> argv = {
      COMMENT_SERVER_PATH, "--listen=unix:" + socket_, "--redis=" + redis_url,
      "--page_token_secret=test-secret"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  std::error_code ignored;
  std::filesystem::remove(socket_, ignored);  // A restart binds anew.
  if (!process_.Start(argv, log_path())) return false;
  // The server listens once it is ready to serve (TLS or not). Up to 10 s,
  // but give up as soon as the process has exited.
  for (int i = 0; i < 1000 && process_.Running(); ++i) {
    if (std::filesystem::exists(socket_) && Accepts(socket_)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::string CommentServerProcess::ReadLog() const {
  std::ifstream log(log_path());
  return std::string(std::istreambuf_iterator<char>(log), {});
}

}  // namespace comments::testing
