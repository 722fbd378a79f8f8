#include "tests/support/fsck_run.h"

#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "tests/support/subprocess.h"

namespace comments::testing {

FsckRun RunFsck(const std::string& redis_url,
                const std::vector<std::string>& args) {
  TempDir dir;
  const std::string log = dir.path() + "/fsck.log";
  std::vector<std::string> argv = {COMMENT_FSCK_PATH, "--redis=" + redis_url,
                                   "--json", "--rate=1000"};
  argv.insert(argv.end(), args.begin(), args.end());
  Subprocess fsck;
  FsckRun run;
  if (!fsck.Start(argv, log)) return run;
  const int status = fsck.Wait();
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  run.output = text.str();
  return run;
}

}  // namespace comments::testing
