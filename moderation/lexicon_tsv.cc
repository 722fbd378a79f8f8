// The lexicon file format and the small value helpers of moderation.h.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "moderation/internal/utf8.h"
#include "moderation/moderation.h"

namespace moderation {
namespace {

// Debian's abseil is built without std::string_view aliasing, so the two
// view types need explicit conversions.
absl::string_view Av(std::string_view s) { return {s.data(), s.size()}; }
std::string_view Sv(absl::string_view s) { return {s.data(), s.size()}; }

constexpr std::string_view kActionNames[] = {"allow", "mask", "review",
                                             "block"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' '))
    s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

absl::StatusOr<WordMode> ParseOptions(std::string_view options) {
  if (options == "match=word") return WordMode::kWholeWord;
  if (options == "match=any") return WordMode::kAnywhere;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown option \"", Av(options),
                   "\" (expected match=word or match=any)"));
}

}  // namespace

std::string_view ActionName(Action action) {
  return kActionNames[static_cast<int>(action) & 3];
}

std::string_view DowngradeName(Downgrade downgrade) {
  switch (downgrade) {
    case Downgrade::kInsideWord:
      return "inside_word";
    case Downgrade::kWarning:
      return "warning";
    case Downgrade::kNone:
      break;
  }
  return "none";
}

absl::StatusOr<Action> ParseAction(std::string_view name, bool allow_ok) {
  for (int i = allow_ok ? 0 : 1; i < 4; ++i) {
    if (name == kActionNames[i]) return static_cast<Action>(i);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown action \"", Av(name), "\" (expected ",
                   allow_ok ? "allow, " : "", "mask, review or block)"));
}

absl::StatusOr<std::vector<LexiconEntry>> ParseLexiconTsv(
    std::string_view tsv, std::string_view source_name) {
  if (tsv.substr(0, 3) == "\xEF\xBB\xBF") tsv.remove_prefix(3);
  std::vector<LexiconEntry> entries;
  int line_number = 0;
  for (absl::string_view raw_line : absl::StrSplit(Av(tsv), '\n')) {
    ++line_number;
    const std::string_view line = Trim(Sv(raw_line));
    if (line.empty() || line.front() == '#') continue;
    auto error = [&](std::string_view what) {
      return absl::InvalidArgumentError(
          absl::StrCat(Av(source_name), ":", line_number, ": ", Av(what)));
    };
    if (!internal::IsValidUtf8(line)) return error("invalid UTF-8");
    std::vector<absl::string_view> fields = absl::StrSplit(Av(line), '\t');
    if (fields.size() == 1) {
      // A plain word list, as operators paste them: the word alone. A line
      // of words ending in an action is a TSV line with spaces for tabs.
      for (std::string_view action : kActionNames) {
        if (line.size() > action.size() &&
            line.substr(line.size() - action.size()) == action &&
            line[line.size() - action.size() - 1] == ' ') {
          return error(absl::StrCat("\"", Av(line),
                                    "\" ends in an action: separate the "
                                    "columns with tabs"));
        }
      }
      entries.push_back({std::string(line), std::string(kPlainCategory),
                         kPlainAction, WordMode::kAuto, line_number});
      continue;
    }
    if (fields.size() < 3 || fields.size() > 4) {
      return error(absl::StrCat(
          "expected word<TAB>category<TAB>action[<TAB>options], got ",
          fields.size(), " field(s)"));
    }
    LexiconEntry entry;
    entry.word = std::string(Trim(Sv(fields[0])));
    entry.category = std::string(Trim(Sv(fields[1])));
    entry.line = line_number;
    if (entry.word.empty()) return error("empty word");
    if (entry.category.empty()) return error("empty category");
    absl::StatusOr<Action> action = ParseAction(Trim(Sv(fields[2])), true);
    if (!action.ok()) return error(Sv(action.status().message()));
    entry.action = *action;
    if (fields.size() == 4) {
      absl::StatusOr<WordMode> mode = ParseOptions(Trim(Sv(fields[3])));
      if (!mode.ok()) return error(Sv(mode.status().message()));
      entry.mode = *mode;
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<std::vector<LexiconEntry>> LoadLexiconFile(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string message =
        absl::StrCat("cannot read lexicon ", path, ": ", std::strerror(err));
    return err == ENOENT   ? absl::NotFoundError(message)
           : err == EACCES ? absl::PermissionDeniedError(message)
                           : absl::UnavailableError(message);
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  return ParseLexiconTsv(contents.str(), path);
}

}  // namespace moderation
