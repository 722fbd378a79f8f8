// A command-line program as one table of commands, for commentctl: each
// entry names a command, shows its arguments and flags, says what it does,
// and points at the function that runs it. RunCommandLine dispatches on the
// table and answers `help`, `help COMMAND`, `--help`, `-h` and
// `COMMAND --help` from it, so what a command does is written once.
//
// Not part of the client library's API (client.h): only commentctl uses it.

#ifndef COMMENTS_CLIENT_INTERNAL_COMMAND_TABLE_H_
#define COMMENTS_CLIENT_INTERNAL_COMMAND_TABLE_H_

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace comments::cli {

// The exit status of a usage error. 0 is success; other codes are the
// program's to define.
inline constexpr int kUsageError = 2;

// One command of the table.
struct Command {
  // args[0] is the command's name, the rest its positional arguments, as
  // many as min_args..max_args; flags are parsed already (absl::GetFlag).
  // Returns the exit status; kUsageError (an argument value it does not
  // take) makes RunCommandLine print the command's usage to stderr.
  using RunFn = int (*)(const std::vector<std::string>& args);
  static constexpr size_t kAnyNumber = std::numeric_limits<size_t>::max();

  std::string_view name;
  // What follows the name, one line per form of the command (usually one):
  // the positional arguments, then the flags it reads as `[--flag=VALUE]`.
  // Every `--flag` named here must be an ABSL_FLAG: `help NAME` shows that
  // flag's help text and default, so they too are written once.
  std::vector<std::string_view> usage;
  // How many positional arguments it takes; another count is a usage error,
  // found before `run` is called.
  size_t min_args = 0;
  size_t max_args = 0;
  // The heading it is listed under by `help`; commands in a row with the same
  // group share it.
  std::string_view group;
  // One line, for `help`.
  std::string_view summary;
  // For `help NAME`: what it calls, what it prints, its exit status when
  // that says more than the program's epilogue. Lines end in "\n".
  std::string_view description;
  RunFn run = nullptr;
};

struct Program {
  std::string_view name;   // "commentctl", as the user types it
  std::string_view about;  // heads `help`; lines end in "\n"
  // The flags every command reads, `[--flag=VALUE]` as in Command::usage.
  std::string_view global_flags;
  std::vector<Command> commands;  // in the order `help` lists them
  std::string_view epilogue;      // ends `help`: exit statuses, environment
};

// The program's main. Parses argv's flags with absl::ParseCommandLine (so
// absl's --helpfull, --helpon and the like keep working), then:
//   help, --help, -h          the program's usage, every command with its
//                             arguments and summary, on stdout; returns 0
//   help NAME, NAME --help    NAME's full help on stdout; returns 0
//   NAME ARGS...              NAME's `run`, with its arguments counted first
//                             (a wrong count prints NAME's usage on stderr
//                             and returns kUsageError)
// No command, an unknown NAME, or `help` of one, is a usage error on stderr,
// naming the command closest by edit distance when one is close.
//
// REQUIRES: called once; every `--flag` the table names is an ABSL_FLAG, and
// command names are unique and not "help" (the table's checks say which is
// not, on stderr, and return 70, EX_SOFTWARE).
int RunCommandLine(const Program& program, int argc, char** argv);

}  // namespace comments::cli

#endif  // COMMENTS_CLIENT_INTERNAL_COMMAND_TABLE_H_
