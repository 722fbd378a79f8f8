#include "tests/support/redis_server.h"

#include <hiredis.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

namespace comments::testing {
namespace {

bool Pings(const std::string& socket) {
  redisContext* c = redisConnectUnix(socket.c_str());
  bool ok = false;
  if (c != nullptr && c->err == 0) {
    auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
    ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS;
    if (reply != nullptr) freeReplyObject(reply);
  }
  if (c != nullptr) redisFree(c);
  return ok;
}

}  // namespace

RedisServer::RedisServer() : socket_(dir_.path() + "/redis.sock") {}

RedisServer::~RedisServer() { Stop(); }

bool RedisServer::Start() {
  if (!process_.Start({REDIS_SERVER_PATH, "--port", "0", "--unixsocket",
                       socket_, "--unixsocketperm", "700", "--save", "",
                       "--appendonly", "no", "--dir", dir_.path(),
                       "--daemonize", "no", "--enable-debug-command", "local"},
                      dir_.path() + "/redis.log")) {
    return false;
  }
  for (int i = 0; i < 500; ++i) {
    if (Pings(socket_)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::ifstream log(dir_.path() + "/redis.log");
  std::fprintf(stderr, "redis-server did not come up; its log:\n%s\n",
               std::string(std::istreambuf_iterator<char>(log), {}).c_str());
  return false;
}

void RedisServer::Stop() { process_.Stop(); }

}  // namespace comments::testing
