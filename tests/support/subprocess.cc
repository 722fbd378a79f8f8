#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace comments::testing {

bool Subprocess::Start(const std::vector<std::string>& argv,
                       const std::string& log_path) {
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    // The child dies with the test, even when the test crashes: no server
    // outlives the run that started it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int null = open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0) _exit(127);
    dup2(null, 0);
    dup2(log, 1);
    dup2(log, 2);
    execv(args[0], args.data());
    _exit(127);
  }
  exit_status_ = -1;
  return true;
}

bool Subprocess::Running() {
  if (pid_ <= 0) return false;
  if (waitpid(pid_, &exit_status_, WNOHANG) == 0) return true;
  pid_ = -1;  // Reaped: Stop reports exit_status_.
  return false;
}

int Subprocess::Stop(int signal, int timeout_ms) {
  if (pid_ <= 0) return exit_status_;
  kill(pid_, signal);
  int status = -1;
  const auto give_up =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > give_up) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  exit_status_ = status;
  return status;
}

int Subprocess::Wait(int timeout_ms) {
  const auto give_up =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Running()) {
    if (std::chrono::steady_clock::now() > give_up) return Stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_status_;
}

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "comments-test-XXXXXX")
          .string();
  path_ = mkdtemp(pattern.data());
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace comments::testing
