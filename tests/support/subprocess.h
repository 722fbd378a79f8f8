#ifndef COMMENTS_TESTS_SUPPORT_SUBPROCESS_H_
#define COMMENTS_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace comments::testing {

// A child process the test owns: started with argv, stopped (SIGTERM, then
// SIGKILL after a while) when destroyed, and killed by the kernel if the
// thread that started it dies first (PR_SET_PDEATHSIG), so a crashed test
// leaves no server behind. Not thread-safe.
class Subprocess final {
 public:
  Subprocess() = default;
  ~Subprocess() { Stop(); }
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Starts argv[0] (a path) with its stdout and stderr sent to `log_path`.
  // Returns false when the process cannot be started.
  bool Start(const std::vector<std::string>& argv, const std::string& log_path);

  // Sends `signal` and waits up to `timeout_ms`; then SIGKILL. Returns the
  // exit status as waitpid reports it (that of the last run when it has
  // already exited), or -1 when nothing was started.
  int Stop(int signal = 15, int timeout_ms = 10000);
  // Waits up to `timeout_ms` for the process to exit by itself (then stops
  // it as Stop does) and returns its exit status as waitpid reports it: for
  // a command that runs to completion.
  int Wait(int timeout_ms = 120000);

  // True while the process has not exited.
  bool Running();

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int exit_status_ = -1;
};

// A fresh temporary directory, removed with its contents when destroyed.
class TempDir final {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace comments::testing

#endif  // COMMENTS_TESTS_SUPPORT_SUBPROCESS_H_
