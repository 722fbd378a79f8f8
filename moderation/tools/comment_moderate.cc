// comment-moderate: moderates JSON lines from stdin with a lexicon file.
//
//   comment-moderate --lexicon=PATH < in.jsonl > out.jsonl
//
// Each input line {"text": "..."} gives one output line, in order:
//   {"action": "allow|mask|review|block",
//    "matches": [{"word", "category", "action", "start", "end"
//                 [, "downgrade": "inside_word|warning", "cue": "..."]}],
//    "masked": "..."}
// with offsets in Unicode code points of the input, end exclusive. A line
// that is not a JSON object with a string "text" gives {"error": "..."} and
// the tool goes on. Exit status: 0, or 2 for bad flags or a bad lexicon.
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "moderation/moderation.h"
#include "nlohmann/json.hpp"

ABSL_FLAG(std::string, lexicon, "", "Path of the TSV lexicon (required).");
ABSL_FLAG(std::string, segmentation_dictionary,
          moderation::kDefaultDictionaryPath,
          "Word-frequency dictionary (jieba's dict.txt format) for Chinese "
          "word boundaries; empty turns them off (matches that straddle two "
          "words then stand). A missing file is an error.");
ABSL_FLAG(std::string, url_action, "review",
          "Action for links: allow (off), mask, review or block.");
ABSL_FLAG(std::string, phone_action, "review", "Action for phone numbers.");
ABSL_FLAG(std::string, qq_action, "review", "Action for QQ ids.");
ABSL_FLAG(std::string, wechat_action, "review", "Action for WeChat ids.");

namespace {

using nlohmann::json;

json ToJson(const moderation::Verdict& verdict) {
  json matches = json::array();
  for (const moderation::Match& m : verdict.matches) {
    json match = {{"word", m.word},
                  {"category", m.category},
                  {"action", std::string(ActionName(m.action))},
                  {"start", m.start},
                  {"end", m.end}};
    if (m.downgrade != moderation::Downgrade::kNone) {
      match["downgrade"] = std::string(DowngradeName(m.downgrade));
      match["cue"] = m.cue;
    }
    matches.push_back(std::move(match));
  }
  return {{"action", std::string(ActionName(verdict.action))},
          {"matches", std::move(matches)},
          {"masked", verdict.masked}};
}

bool ParseActionFlag(const std::string& name, const std::string& value,
                     moderation::Action* action) {
  absl::StatusOr<moderation::Action> parsed =
      moderation::ParseAction(value, /*allow_ok=*/true);
  if (!parsed.ok()) {
    std::cerr << "comment-moderate: --" << name << ": "
              << parsed.status().message() << "\n";
    return false;
  }
  *action = *parsed;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Moderates JSON lines {\"text\": ...} from stdin; see --helpfull.");
  absl::ParseCommandLine(argc, argv);
  const std::string path = absl::GetFlag(FLAGS_lexicon);
  if (path.empty()) {
    std::cerr << "comment-moderate: --lexicon=PATH is required\n";
    return 2;
  }
  moderation::EngineOptions options;
  options.dictionary_path = absl::GetFlag(FLAGS_segmentation_dictionary);
  if (options.dictionary_path.empty()) {
    options.word_boundaries = moderation::WordBoundaries::kOff;
  }
  moderation::ContactOptions& c = options.contact;
  if (!ParseActionFlag("url_action", absl::GetFlag(FLAGS_url_action), &c.url) ||
      !ParseActionFlag("phone_action", absl::GetFlag(FLAGS_phone_action),
                       &c.phone) ||
      !ParseActionFlag("qq_action", absl::GetFlag(FLAGS_qq_action), &c.qq) ||
      !ParseActionFlag("wechat_action", absl::GetFlag(FLAGS_wechat_action),
                       &c.wechat)) {
    return 2;
  }
  auto entries = moderation::LoadLexiconFile(path);
  if (!entries.ok()) {
    std::cerr << "comment-moderate: " << entries.status().message() << "\n";
    return 2;
  }
  auto lexicon = moderation::Lexicon::Compile(*entries, options);
  if (!lexicon.ok()) {
    std::cerr << "comment-moderate: " << lexicon.status().message() << "\n";
    return 2;
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  for (long line_number = 1; std::getline(std::cin, line); ++line_number) {
    json out;
    json in = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (in.is_discarded()) {
      out = {{"error",
              "line " + std::to_string(line_number) + ": not valid JSON"}};
    } else if (!in.is_object() || !in.contains("text") ||
               !in["text"].is_string()) {
      out = {{"error", "line " + std::to_string(line_number) +
                           ": expected an object with a string \"text\""}};
    } else {
      out = ToJson((*lexicon)->Check(in["text"].get_ref<const std::string&>()));
    }
    std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace)
              << '\n';
  }
  std::cout.flush();
  return 0;
}
