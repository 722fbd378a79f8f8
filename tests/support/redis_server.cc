#include "tests/support/redis_server.h"

#include <arpa/inet.h>
#include <hiredis.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace comments::testing {
namespace {

// Runs `command` (words separated by single spaces), after AUTH when
// `password` is set, and returns its reply as text ("" when it fails).
std::string Query(const std::string& socket, const std::string& command,
                  const std::string& password) {
  std::vector<std::string> words;
  for (size_t start = 0; start <= command.size();) {
    size_t end = command.find(' ', start);
    if (end == std::string::npos) end = command.size();
    words.push_back(command.substr(start, end - start));
    start = end + 1;
  }
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& w : words) {
    argv.push_back(w.data());
    lengths.push_back(w.size());
  }
  redisContext* c = redisConnectUnix(socket.c_str());
  std::string text;
  if (c != nullptr && c->err == 0 && !password.empty()) {
    auto* auth = static_cast<redisReply*>(
        redisCommand(c, "AUTH %b", password.data(), password.size()));
    if (auth != nullptr) freeReplyObject(auth);
  }
  if (c != nullptr && c->err == 0) {
    auto* reply = static_cast<redisReply*>(redisCommandArgv(
        c, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    if (reply != nullptr && reply->str != nullptr) {
      text.assign(reply->str, reply->len);
    }
    if (reply != nullptr) freeReplyObject(reply);
  }
  if (c != nullptr) redisFree(c);
  return text;
}

// COMMENTS_TEST_REDIS_CLUSTER=1 runs every test's Redis as a one-node Redis
// Cluster owning all 16384 slots. The service's client does not speak the
// cluster protocol yet, but such a node already refuses what a real cluster
// would: a script or command whose keys lie in different slots (CROSSSLOT).
bool ClusterMode() {
  const char* v = std::getenv("COMMENTS_TEST_REDIS_CLUSTER");
  return v != nullptr && std::string(v) == "1";
}

// A TCP port nothing listens on now, for the node's cluster bus (Redis's
// default, client port + 10000, would be 10000 for every test's node).
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

// Gives the node every slot (a restarted node keeps them in nodes.conf) and
// waits until it serves them: a new node waits 2 s before it does.
bool TakeAllSlots(const std::string& socket, const std::string& password) {
  Query(socket, "CLUSTER ADDSLOTSRANGE 0 16383", password);
  for (int i = 0; i < 1000; ++i) {
    if (Query(socket, "CLUSTER INFO", password).find("cluster_state:ok") !=
        std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

RedisServer::RedisServer() : socket_(dir_.path() + "/redis.sock") {}

RedisServer::~RedisServer() { Stop(); }

bool RedisServer::Start() {
  std::vector<std::string> argv = {REDIS_SERVER_PATH,
                                   "--port", "0",
                                   "--unixsocket", socket_,
                                   "--unixsocketperm", "700",
                                   "--save", "",
                                   "--appendonly", "no",
                                   "--dir", dir_.path(),
                                   "--daemonize", "no",
                                   "--enable-debug-command", "local"};
  if (!password_.empty()) {
    argv.push_back("--requirepass");
    argv.push_back(password_);
  }
  if (ClusterMode()) {
    if (cluster_port_ == 0) cluster_port_ = FreeLoopbackPort();
    for (const std::string& arg :
         {std::string("--cluster-enabled"), std::string("yes"),
          std::string("--cluster-config-file"), std::string("nodes.conf"),
          std::string("--cluster-port"), std::to_string(cluster_port_),
          std::string("--bind"), std::string("127.0.0.1")}) {
      argv.push_back(arg);
    }
  }
  if (!process_.Start(argv, dir_.path() + "/redis.log")) return false;
  for (int i = 0; i < 500; ++i) {
    if (Query("PING") == "PONG") {
      return !ClusterMode() || TakeAllSlots(socket_, password_);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::ifstream log(dir_.path() + "/redis.log");
  std::fprintf(stderr, "redis-server did not come up; its log:\n%s\n",
               std::string(std::istreambuf_iterator<char>(log), {}).c_str());
  return false;
}

void RedisServer::Stop() { process_.Stop(); }

bool RedisServer::cluster_mode() { return ClusterMode(); }

std::string RedisServer::Query(const std::string& command) const {
  return comments::testing::Query(socket_, command, password_);
}

}  // namespace comments::testing
