#include "client/internal/command_table.h"

#include <algorithm>
#include <iostream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace comments::cli {
namespace {

constexpr int kSoftwareError = 70;  // EX_SOFTWARE: the table is wrong

// `help` is a command of every table, answered here.
const Command& HelpCommand() {
  static const Command* const kHelp = new Command{
      .name = "help",
      .usage = {"[COMMAND]"},
      .min_args = 0,
      .max_args = 1,
      .summary = "Print this list, or COMMAND's full help.",
      .description =
          "The same as --help or -h; 'COMMAND --help' is 'help COMMAND'.\n"
          "Prints on stdout and exits 0; an unknown COMMAND is a usage "
          "error.\n",
  };
  return *kHelp;
}

const Command* Find(const Program& program, std::string_view name) {
  if (name == HelpCommand().name) return &HelpCommand();
  for (const Command& command : program.commands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

// The flags a usage text names, as written there: "--parent=ID", "--json".
std::vector<std::string_view> FlagsIn(std::string_view usage) {
  std::vector<std::string_view> flags;
  for (size_t at = usage.find("--"); at != std::string_view::npos;
       at = usage.find("--", at)) {
    const size_t end = std::min(usage.find_first_of(" ]", at), usage.size());
    flags.push_back(usage.substr(at, end - at));
    at = end;
  }
  return flags;
}

// Debian's abseil has its own string_view, not std's.
absl::string_view ToAbsl(std::string_view s) { return {s.data(), s.size()}; }

const absl::CommandLineFlag* FindFlag(std::string_view name) {
  return absl::FindCommandLineFlag(ToAbsl(name));
}

std::string_view FlagName(std::string_view written) {
  written.remove_prefix(2);  // "--"
  return written.substr(0, written.find('='));
}

bool CheckTable(const Program& program) {
  bool ok = true;
  auto check_flags = [&](std::string_view usage) {
    for (std::string_view flag : FlagsIn(usage)) {
      if (FindFlag(FlagName(flag)) == nullptr) {
        std::cerr << program.name << ": the command table names " << flag
                  << ", which is no flag\n";
        ok = false;
      }
    }
  };
  check_flags(program.global_flags);
  for (const Command& command : program.commands) {
    for (std::string_view form : command.usage) check_flags(form);
    if (command.run == nullptr) {
      std::cerr << program.name << ": '" << command.name << "' runs nothing\n";
      ok = false;
    }
    if (Find(program, command.name) != &command) {
      std::cerr << program.name << ": the command table has '" << command.name
                << "' twice\n";
      ok = false;
    }
  }
  return ok;
}

constexpr size_t kWidth = 80;

// Writes `text`, which goes on a line `column` columns in, broken at spaces
// into lines of at most kWidth columns (unless a word is wider), each further
// line `indent` columns in; then "\n".
void Wrap(std::string_view text, size_t column, size_t indent,
          std::ostream& out) {
  bool first = true;
  for (absl::string_view word : absl::StrSplit(ToAbsl(text), ' ')) {
    // Columns are code points: UTF-8 continuation bytes take none.
    const size_t width = std::count_if(word.begin(), word.end(), [](char c) {
      return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    });
    if (!first && column + 1 + width > kWidth) {
      out << "\n" << std::string(indent, ' ');
      column = indent;
    } else if (!first) {
      out << ' ';
      ++column;
    }
    out << word;
    column += width;
    first = false;
  }
  out << "\n";
}

// "  --parent=ID  The parent comment: ...", a flag a line.
// A flag wider than kFlagWidth has its help on the next line.
void PrintFlags(const std::vector<std::string_view>& flags, std::ostream& out) {
  constexpr size_t kFlagWidth = 20;
  size_t width = 0;
  for (std::string_view flag : flags) {
    if (flag.size() <= kFlagWidth) width = std::max(width, flag.size());
  }
  for (std::string_view flag : flags) {
    const absl::CommandLineFlag* f = FindFlag(FlagName(flag));
    std::string help = f->Help();
    const std::string def = f->DefaultValue();
    if (!def.empty() && !f->IsOfType<bool>()) help += " (default: " + def + ")";
    out << "  " << flag;
    if (flag.size() > width) {
      out << "\n" << std::string(width + 4, ' ');
    } else {
      out << std::string(width + 2 - flag.size(), ' ');
    }
    Wrap(help, width + 4, width + 4, out);
  }
}

void PrintCommandUsage(const Program& program, const Command& command,
                       std::ostream& out) {
  std::string lead = "usage: ";
  for (std::string_view form : command.usage) {
    lead += absl::StrCat(ToAbsl(program.name), " [FLAGS] ",
                         ToAbsl(command.name), " ");
    Wrap(lead + std::string(form), 0, lead.size(), out);
    lead = "       ";
  }
}

void PrintProgramUsage(const Program& program, std::ostream& out) {
  out << program.about << "\n"
      << "usage: " << program.name << " [FLAGS] COMMAND ARGS...\n";
  std::optional<std::string_view> group;
  auto list = [&](const Command& command) {
    if (command.group != group) {
      group = command.group;
      out << "\n" << *group << (group->empty() ? "" : "\n");
    }
    for (std::string_view form : command.usage) {
      const std::string lead = absl::StrCat("  ", ToAbsl(command.name), " ");
      Wrap(lead + std::string(form), 0, lead.size(), out);
    }
    out << "      " << command.summary << "\n";
  };
  list(HelpCommand());
  for (const Command& command : program.commands) list(command);
  out << "\nFLAGS, before or after the command (--helpfull lists absl's "
         "too):\n";
  PrintFlags(FlagsIn(program.global_flags), out);
  out << "\n"
      << program.epilogue << "'" << program.name
      << " help COMMAND' prints a command's full help.\n";
}

void PrintCommandHelp(const Program& program, const Command& command,
                      std::ostream& out) {
  PrintCommandUsage(program, command, out);
  out << "\n" << command.summary << "\n";
  if (!command.description.empty()) out << "\n" << command.description;
  std::vector<std::string_view> flags;
  for (std::string_view form : command.usage) {
    for (std::string_view flag : FlagsIn(form)) {
      if (std::find(flags.begin(), flags.end(), flag) == flags.end()) {
        flags.push_back(flag);
      }
    }
  }
  if (!flags.empty()) {
    out << "\nFlags:\n";
    PrintFlags(flags, out);
  }
  out << "\nFLAGS, those of every command: see '" << program.name
      << " help'.\n";
}

// Optimal string alignment distance: insertions, deletions, substitutions
// and swaps of neighbours ("lsit" is one edit from "list") each cost 1.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1,
                                     std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The command nearest `typed`, if it is near enough to be what was meant:
// at most a third of its letters wrong, two for short words, and fewer than
// all of them (so "xy" suggests nothing).
std::optional<std::string_view> Closest(const Program& program,
                                        std::string_view typed) {
  const std::string lower = absl::AsciiStrToLower(std::string(typed));
  std::optional<std::string_view> best;
  size_t best_distance = std::max<size_t>(2, lower.size() / 3) + 1;
  auto consider = [&](std::string_view name) {
    const size_t distance = EditDistance(lower, name);
    if (distance < best_distance && distance < lower.size()) {
      best = name;
      best_distance = distance;
    }
  };
  consider(HelpCommand().name);
  for (const Command& command : program.commands) consider(command.name);
  return best;
}

int UnknownCommand(const Program& program, std::string_view typed) {
  std::cerr << "error: unknown command '" << typed << "'";
  if (std::optional<std::string_view> meant = Closest(program, typed)) {
    std::cerr << "; did you mean '" << *meant << "'?";
  }
  std::cerr << "\n'" << program.name << " help' lists the commands.\n";
  return kUsageError;
}

void PrintCountError(const Command& command, size_t given, std::ostream& out) {
  const size_t min = command.min_args, max = command.max_args;
  out << "error: '" << command.name << "' takes " << min;
  if (max == Command::kAnyNumber) {
    out << " or more";
  } else if (max != min) {
    out << (max == min + 1 ? " or " : " to ") << max;
  }
  out << (max == 1 ? " argument" : " arguments") << ", not " << given << "\n";
}

// absl answers --help itself (its flag list, exit status 1), so --help,
// -help and -h leave argv before it parses; a flag's value in the next
// argument ("--reason -h") stays, as does everything after "--".
bool TakeHelpFlags(std::vector<char*>& argv) {
  bool help = false;
  std::vector<char*> kept;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string_view arg = argv[i];
    if (i > 0 && arg == "--") {
      kept.insert(kept.end(), argv.begin() + i, argv.end());
      break;
    }
    if (i > 0 && (arg == "--help" || arg == "-help" || arg == "-h")) {
      help = true;
      continue;
    }
    kept.push_back(argv[i]);
    if (i > 0 && arg.size() > 1 && arg[0] == '-' &&
        arg.find('=') == std::string_view::npos) {
      const absl::CommandLineFlag* flag =
          FindFlag(arg.substr(arg[1] == '-' ? 2 : 1));
      if (flag != nullptr && !flag->IsOfType<bool>() && i + 1 < argv.size()) {
        kept.push_back(argv[++i]);
      }
    }
  }
  argv = std::move(kept);
  return help;
}

int Help(const Program& program, const std::vector<std::string>& names) {
  if (names.empty()) {
    PrintProgramUsage(program, std::cout);
    return 0;
  }
  const Command* command = Find(program, names[0]);
  if (command == nullptr) return UnknownCommand(program, names[0]);
  PrintCommandHelp(program, *command, std::cout);
  return 0;
}

}  // namespace

int RunCommandLine(const Program& program, int argc, char** argv) {
  if (!CheckTable(program)) return kSoftwareError;
  absl::SetProgramUsageMessage(
      absl::StrCat(ToAbsl(program.name), " [FLAGS] COMMAND ARGS...  ('",
                   ToAbsl(program.name), " help' lists the commands)"));
  std::vector<char*> flags(argv, argv + argc);
  const bool help = TakeHelpFlags(flags);
  const std::vector<char*> positional =
      absl::ParseCommandLine(static_cast<int>(flags.size()), flags.data());
  const std::vector<std::string> args(positional.begin() + 1, positional.end());
  if (help) return Help(program, args);
  if (args.empty()) {
    std::cerr << "error: no command\n";
    PrintProgramUsage(program, std::cerr);
    return kUsageError;
  }
  const Command* command = Find(program, args[0]);
  if (command == nullptr) return UnknownCommand(program, args[0]);
  const size_t count = args.size() - 1;
  if (count < command->min_args || count > command->max_args) {
    PrintCountError(*command, count, std::cerr);
    PrintCommandUsage(program, *command, std::cerr);
    return kUsageError;
  }
  if (command == &HelpCommand()) {
    return Help(program, {args.begin() + 1, args.end()});
  }
  const int status = command->run(args);
  if (status == kUsageError) PrintCommandUsage(program, *command, std::cerr);
  return status;
}

}  // namespace comments::cli
