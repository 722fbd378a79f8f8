#include "tests/support/redis_server.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/internal/redis_connection.h"

namespace comments::testing {
namespace {

using internal::Connection;

// Runs `command` (words separated by single spaces), after AUTH when
// `password` is set, and returns its reply as text ("" when it fails).
std::string Query(const std::string& socket, const std::string& command,
                  const std::string& password) {
  Connection c = Connection::Unix(socket);
  if (!password.empty()) c.Command({"AUTH", password});
  return c.Command(internal::SplitWords(command)).text();
}

// COMMENTS_TEST_REDIS_CLUSTER=1 runs every test's Redis as a one-node Redis
// Cluster owning all 16384 slots: the service's client then routes by slot,
// and the node refuses what a real cluster would, a script or transaction
// whose keys lie in different slots (CROSSSLOT). Several nodes, moving slots
// and failovers are redis_cluster.h's.
bool ClusterMode() {
  const char* v = std::getenv("COMMENTS_TEST_REDIS_CLUSTER");
  return v != nullptr && std::string(v) == "1";
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
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  if (!password_.empty()) {
    argv.push_back("--requirepass");
    argv.push_back(password_);
  }
  if (ClusterMode()) {
    // Not Redis's default bus port, client port + 10000: with --port 0 that
    // is 10000 for every test's node.
    if (cluster_port_ == 0) cluster_port_ = internal::FreeLoopbackPort();
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
  std::fprintf(stderr, "redis-server did not come up; its log:\n%s\n",
               internal::FileContents(dir_.path() + "/redis.log").c_str());
  return false;
}

void RedisServer::Stop() { process_.Stop(); }

void RedisServer::Kill() { process_.Stop(SIGKILL); }

bool RedisServer::cluster_mode() { return ClusterMode(); }

std::string RedisServer::Query(const std::string& command) const {
  return comments::testing::Query(socket_, command, password_);
}

}  // namespace comments::testing
