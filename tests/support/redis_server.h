#ifndef COMMENTS_TESTS_SUPPORT_REDIS_SERVER_H_
#define COMMENTS_TESTS_SUPPORT_REDIS_SERVER_H_

#include <string>
#include <vector>

#include "tests/support/subprocess.h"

namespace comments::testing {

// A private redis-server for one test: listens only on a unix socket in its
// own temp dir, keeps nothing on disk, and is stopped when destroyed. The
// socket path stays the same across Stop/Start, so a client can watch the
// server go away and come back.
class RedisServer final {
 public:
  RedisServer();
  ~RedisServer();

  // Makes the server require `password` (requirepass) from its next Start;
  // Query authenticates with it.
  void set_password(std::string password) { password_ = std::move(password); }

  // More redis-server arguments for every later Start ("--name", "value").
  void set_extra_args(std::vector<std::string> args) {
    extra_args_ = std::move(args);
  }

  // Starts (or restarts) the server and waits until it answers PING.
  // Returns false if it does not within a few seconds.
  bool Start();
  void Stop();
  // SIGKILL: a crash, with no last write of the AOF or the RDB file.
  void Kill();

  // Runs one command, its words separated by single spaces, and returns
  // the reply's text: a status, a string, an error message or an integer in
  // decimal; "" for nil, arrays, or when the server cannot be reached.
  std::string Query(const std::string& command) const;

  // True under COMMENTS_TEST_REDIS_CLUSTER=1, when every server is a
  // one-node Redis Cluster owning all slots.
  static bool cluster_mode();

  const std::string& socket_path() const { return socket_; }
  // "unix:///.../redis.sock", the form comment-server takes.
  std::string url() const { return "unix://" + socket_; }
  const std::string& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  std::string socket_;
  Subprocess process_;
  int cluster_port_ = 0;  // Under COMMENTS_TEST_REDIS_CLUSTER=1.
  std::string password_;
  std::vector<std::string> extra_args_;
};

}  // namespace comments::testing

#endif  // COMMENTS_TESTS_SUPPORT_REDIS_SERVER_H_
