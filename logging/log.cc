#include "logging/log.h"

#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace comments::logging {
namespace {

std::atomic<Level> min_level{Level::kInfo};

// spdlog writes the line as it is given ("%v"), one lock per line, and
// flushes each: a crash loses nothing, and a reader of the file (a test, a
// log shipper) sees whole lines. Its levels are not used for filtering: ours
// are checked before a line is built.
spdlog::logger& Sink() {
  static spdlog::logger* const logger = [] {
    auto* l = new spdlog::logger(
        "comments", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

bool IsOwnName(absl::string_view name) {
  return name == "time" || name == "level" || name == "event";
}

// RFC 3339 in UTC with milliseconds. The seconds are formatted once a
// second per thread: absl::FormatTime goes through the time zone library,
// which costs more than the rest of the line.
void AppendTime(absl::Time time, std::string& out) {
  struct Cache {
    int64_t second = std::numeric_limits<int64_t>::min();
    std::string text;  // "2024-05-01T08:30:12"
  };
  thread_local Cache cache;
  const int64_t millis = absl::ToUnixMillis(time);
  int64_t second = millis / 1000;
  int64_t milli = millis % 1000;
  if (milli < 0) {  // Before 1970: C++ division truncates toward zero.
    second -= 1;
    milli += 1000;
  }
  if (second != cache.second) {
    cache.text = absl::FormatTime("%Y-%m-%dT%H:%M:%S",
                                  absl::FromUnixSeconds(second),
                                  absl::UTCTimeZone());
    cache.second = second;
  }
  char fraction[8];
  std::snprintf(fraction, sizeof(fraction), ".%03dZ", static_cast<int>(milli));
  absl::StrAppend(&out, cache.text, fraction);
}

}  // namespace

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "error";
}

std::optional<Level> ParseLevel(absl::string_view name) {
  for (Level level :
       {Level::kDebug, Level::kInfo, Level::kWarning, Level::kError}) {
    if (name == LevelName(level)) return level;
  }
  return std::nullopt;
}

void SetLevel(Level level) { min_level.store(level, std::memory_order_relaxed); }

bool Enabled(Level level) {
  return level >= min_level.load(std::memory_order_relaxed);
}

std::string FormatLine(absl::Time time, Level level, absl::string_view event,
                       const Fields& fields) {
  // Written straight into one string: the fields are dumped once as they
  // are, not copied into a second object first (that copy and the time
  // zone lookup cost as much as the rest of an access line).
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  std::string line = "{\"time\":\"";
  AppendTime(time, line);
  absl::StrAppend(&line, "\",\"level\":\"", LevelName(level),
                  "\",\"event\":");
  // Not ASCII-only: Chinese text stays readable. Invalid UTF-8 is replaced
  // rather than thrown on (the default), since fields carry clients' bytes.
  line += Fields(std::string(event)).dump(-1, ' ', false, kReplace);
  if (!fields.is_object() || fields.empty()) return line + "}";
  bool own_names = false;
  for (const auto& [name, value] : fields.items()) {
    own_names = own_names || IsOwnName(name);
  }
  if (!own_names) {
    // `{"a":1,"b":2}` becomes `,"a":1,"b":2}` after the line's own three.
    const std::string dumped = fields.dump(-1, ' ', false, kReplace);
    line += ',';
    line.append(dumped, 1, std::string::npos);
    return line;
  }
  // The three above are the line's own: a field cannot replace them.
  for (const auto& [name, value] : fields.items()) {
    if (IsOwnName(name)) continue;
    absl::StrAppend(&line, ",", Fields(name).dump(-1, ' ', false, kReplace),
                    ":", value.dump(-1, ' ', false, kReplace));
  }
  return line + "}";
}

void Log(Level level, absl::string_view event, const Fields& fields) {
  if (!Enabled(level)) return;
  const std::string line = FormatLine(absl::Now(), level, event, fields);
  Sink().log(spdlog::level::info, spdlog::string_view_t(line));
}

}  // namespace comments::logging
