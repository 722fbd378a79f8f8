#ifndef COMMENTS_TESTS_DEMO_DEMO_STACK_H_
#define COMMENTS_TESTS_DEMO_DEMO_STACK_H_

#include <string>
#include <vector>

#include "tests/support/comment_server.h"
#include "tests/support/redis_server.h"
#include "tests/support/subprocess.h"

namespace comments::testing {

// The whole demo as a person runs it: a private redis-server, the real
// comment-server with the default lexicon and a moderator token file, and
// the real comment-portal on a port the kernel picks. Stopped when
// destroyed. Not thread-safe.
class DemoStack final {
 public:
  static constexpr char kModeratorToken[] = "demo-moderator-token-0123456789";
  static constexpr char kArticleId[] = "demo-article";

  DemoStack() = default;
  DemoStack(const DemoStack&) = delete;
  DemoStack& operator=(const DemoStack&) = delete;

  // Starts the three processes; false (with the reason on stderr and the
  // logs kept in dir()) when one does not come up.
  // `server_flags` and `portal_flags` are added to the two binaries' own.
  bool Start(const std::vector<std::string>& server_flags = {},
             const std::vector<std::string>& portal_flags = {});

  // The portal's port on 127.0.0.1, and its base URL "http://127.0.0.1:N".
  int port() const { return port_; }
  std::string url() const;
  // The comment service's gRPC target, for seeding data directly.
  std::string target() const { return server_.target(); }
  const std::string& dir() const { return dir_.path(); }
  // What the comment service has logged so far.
  std::string ServerLog() const { return server_.ReadLog(); }

 private:
  TempDir dir_;
  RedisServer redis_;
  CommentServerProcess server_;
  Subprocess portal_;
  int port_ = 0;
};

}  // namespace comments::testing

#endif  // COMMENTS_TESTS_DEMO_DEMO_STACK_H_
