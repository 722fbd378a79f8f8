#ifndef COMMENTS_TESTS_SUPPORT_INTERNAL_REDIS_CONNECTION_H_
#define COMMENTS_TESTS_SUPPORT_INTERNAL_REDIS_CONNECTION_H_

// What the test Redis harnesses (redis_server.cc, redis_cluster.cc) share:
// the one place in tests/support that speaks hiredis, and the choice of a
// free loopback port. Only tests/support includes this header.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

struct redisContext;

namespace comments::testing::internal {

// One reply, copied out of hiredis at once: every field is owned, nested
// arrays (CLUSTER SLOTS, CLUSTER GETKEYSINSLOT) included.
struct Reply {
  enum class Type { kNone, kString, kStatus, kError, kInteger, kNil, kArray };
  Type type = Type::kNone;      // kNone: no reply (no connection, or it broke).
  std::string str;              // kString, kStatus, kError.
  long long integer = 0;        // kInteger.
  std::vector<Reply> elements;  // kArray.

  // A status, string or error message, an integer in decimal; "" for nil,
  // arrays and no reply.
  std::string text() const;
};

// A blocking connection to one test redis-server, closed when destroyed.
// A connection that failed answers every command with Reply::Type::kNone.
// Movable, not copyable. Not thread-safe.
class Connection final {
 public:
  // `timeout` bounds the connect and then each command; zero means none
  // (a test may run a command that takes long on purpose, DEBUG POPULATE).
  static Connection Unix(const std::string& path,
                         std::chrono::milliseconds timeout = {});
  static Connection Loopback(int port, std::chrono::milliseconds timeout = {});

  Connection(Connection&&) = default;
  Connection& operator=(Connection&&) = default;
  ~Connection();

  bool connected() const;

  // Sends argv as one command, every word binary safe.
  Reply Command(const std::vector<std::string>& argv);

 private:
  struct Free {
    void operator()(redisContext* c) const;
  };
  explicit Connection(redisContext* context);
  std::unique_ptr<redisContext, Free> context_;
};

// "SET k v" -> {"SET", "k", "v"}: words separated by single spaces, so
// "SET k " sends an empty value and nothing can carry a space.
std::vector<std::string> SplitWords(const std::string& command);

// A TCP port on 127.0.0.1 nothing listens on now. Another process may take
// it before the caller binds it: a caller that can retries on a bind failure.
int FreeLoopbackPort();

// The file's contents, or "" when it cannot be read: a server's log for a
// failure message.
std::string FileContents(const std::string& path);

}  // namespace comments::testing::internal

#endif  // COMMENTS_TESTS_SUPPORT_INTERNAL_REDIS_CONNECTION_H_
