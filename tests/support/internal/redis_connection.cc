#include "tests/support/internal/redis_connection.h"

#include <arpa/inet.h>
#include <hiredis.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

namespace comments::testing::internal {
namespace {

timeval ToTimeval(std::chrono::milliseconds d) {
  return timeval{static_cast<time_t>(d.count() / 1000),
                 static_cast<suseconds_t>((d.count() % 1000) * 1000)};
}

Reply Copy(const redisReply& r) {
  Reply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::kError;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r.integer;
      return out;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      for (size_t i = 0; i < r.elements; ++i) {
        out.elements.push_back(Copy(*r.element[i]));
      }
      return out;
    default:
      out.type = Reply::Type::kNil;
      return out;
  }
  out.str.assign(r.str, r.len);
  return out;
}

}  // namespace

std::string Reply::text() const {
  switch (type) {
    case Type::kString:
    case Type::kStatus:
    case Type::kError:
      return str;
    case Type::kInteger:
      return std::to_string(integer);
    default:
      return "";
  }
}

void Connection::Free::operator()(redisContext* c) const { redisFree(c); }

Connection::Connection(redisContext* context) : context_(context) {}
Connection::~Connection() = default;

Connection Connection::Unix(const std::string& path,
                            std::chrono::milliseconds timeout) {
  if (timeout.count() == 0) return Connection(redisConnectUnix(path.c_str()));
  Connection c(redisConnectUnixWithTimeout(path.c_str(), ToTimeval(timeout)));
  if (c.connected()) redisSetTimeout(c.context_.get(), ToTimeval(timeout));
  return c;
}

Connection Connection::Loopback(int port, std::chrono::milliseconds timeout) {
  if (timeout.count() == 0) return Connection(redisConnect("127.0.0.1", port));
  Connection c(redisConnectWithTimeout("127.0.0.1", port, ToTimeval(timeout)));
  if (c.connected()) redisSetTimeout(c.context_.get(), ToTimeval(timeout));
  return c;
}

bool Connection::connected() const {
  return context_ != nullptr && context_->err == 0;
}

Reply Connection::Command(const std::vector<std::string>& argv) {
  if (!connected()) return Reply();
  std::vector<const char*> words;
  std::vector<size_t> lengths;
  for (const std::string& w : argv) {
    words.push_back(w.data());
    lengths.push_back(w.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(context_.get(), static_cast<int>(words.size()),
                       words.data(), lengths.data()));
  if (reply == nullptr) return Reply();
  Reply copy = Copy(*reply);
  freeReplyObject(reply);
  return copy;
}

std::vector<std::string> SplitWords(const std::string& command) {
  std::vector<std::string> words;
  for (size_t start = 0; start <= command.size();) {
    size_t end = command.find(' ', start);
    if (end == std::string::npos) end = command.size();
    words.push_back(command.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(addr);
  int port = 0;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), length) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) close(fd);
  return port;
}

std::string FileContents(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace comments::testing::internal
