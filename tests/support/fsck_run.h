#ifndef COMMENTS_TESTS_SUPPORT_FSCK_RUN_H_
#define COMMENTS_TESTS_SUPPORT_FSCK_RUN_H_

// Runs the real comment-fsck binary on a Redis the test started, for the
// fsck tests and for the tests that kill or fail Redis or comment-server
// and then expect the data consistent.

#include <string>
#include <vector>

namespace comments::testing {

struct FsckRun {
  int exit_code = -1;  // 0 clean, 1 repaired, 2 damaged, 3 could not run;
                       // -1 when it did not exit normally.
  std::string output;  // stdout and stderr together.
};

// Runs `comment-fsck --redis=REDIS_URL --json --rate=1000` with `args`
// after, and waits for it to finish.
FsckRun RunFsck(const std::string& redis_url,
                const std::vector<std::string>& args = {});

}  // namespace comments::testing

#endif  // COMMENTS_TESTS_SUPPORT_FSCK_RUN_H_
