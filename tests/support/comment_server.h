#ifndef COMMENTS_TESTS_SUPPORT_COMMENT_SERVER_H_
#define COMMENTS_TESTS_SUPPORT_COMMENT_SERVER_H_

#include <functional>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"

namespace comments::testing {

// The real comment-server binary, run as a child process listening on a
// unix socket in a temp dir. Stopped with SIGTERM when destroyed.
class CommentServerProcess final {
 public:
  CommentServerProcess() : socket_(dir_.path() + "/grpc.sock") {}

  // Starts the server against `redis_url` with extra flags, and waits until
  // its socket accepts calls. Returns false when it does not come up. After
  // Stop, starting again serves the same target.
  bool Start(const std::string& redis_url,
             const std::vector<std::string>& extra_flags = {});
  // The same on a free TCP port of 127.0.0.1 instead of the unix socket,
  // for tests that need the server to see a peer address; target() then
  // names it.
  bool StartTcp(const std::string& redis_url,
                const std::vector<std::string>& extra_flags = {});

  // Sends `signal`, waits, returns the exit status as waitpid reports it.
  int Stop(int signal = 15) { return process_.Stop(signal); }
  bool Running() { return process_.Running(); }

  // The gRPC target: "unix:/.../grpc.sock", or "127.0.0.1:PORT" after
  // StartTcp.
  std::string target() const {
    return tcp_port_ != 0 ? "127.0.0.1:" + std::to_string(tcp_port_)
                          : "unix:" + socket_;
  }
  std::string log_path() const { return dir_.path() + "/server.log"; }
  // What the server has written to stdout and stderr so far.
  std::string ReadLog() const;

 private:
  TempDir dir_;
  // Starts the binary with `listen` and waits until `ready` is true.
  bool Launch(const std::string& listen, const std::string& redis_url,
              const std::vector<std::string>& extra_flags,
              const std::function<bool()>& ready);

  std::string socket_;
  int tcp_port_ = 0;
  Subprocess process_;
};

}  // namespace comments::testing

#endif  // COMMENTS_TESTS_SUPPORT_COMMENT_SERVER_H_
