#include "tests/support/comment_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
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

// The same for a TCP port of 127.0.0.1.
bool AcceptsTcp(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  const bool connected =
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return connected;
}

// A port of 127.0.0.1 that nothing listens on now (the kernel's pick).
int FreeTcpPort() {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  socklen_t size = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace

bool CommentServerProcess::Launch(const std::string& listen,
                                  const std::string& redis_url,
                                  const std::vector<std::string>& extra_flags,
                                  const std::function<bool()>& ready) {
  std::vector<std::string> argv = {COMMENT_SERVER_PATH, "--listen=" + listen,
                                   "--redis=" + redis_url,
                                   "--page_token_secret=test-secret"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  if (!process_.Start(argv, log_path())) return false;
  // The server listens once it is ready to serve (TLS or not). Up to 10 s,
  // but give up as soon as the process has exited.
  for (int i = 0; i < 1000 && process_.Running(); ++i) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool CommentServerProcess::Start(const std::string& redis_url,
                                 const std::vector<std::string>& extra_flags) {
  tcp_port_ = 0;
  std::error_code ignored;
  std::filesystem::remove(socket_, ignored);  // A restart binds anew.
  return Launch("unix:" + socket_, redis_url, extra_flags, [this] {
    return std::filesystem::exists(socket_) && Accepts(socket_);
  });
}

bool CommentServerProcess::StartTcp(
    const std::string& redis_url, const std::vector<std::string>& extra_flags) {
  if (tcp_port_ == 0) tcp_port_ = FreeTcpPort();
  if (tcp_port_ == 0) return false;
  const int port = tcp_port_;
  return Launch("127.0.0.1:" + std::to_string(port), redis_url, extra_flags,
                [port] { return AcceptsTcp(port); });
}

std::string CommentServerProcess::ReadLog() const {
  std::ifstream log(log_path());
  return std::string(std::istreambuf_iterator<char>(log), {});
}

}  // namespace comments::testing
