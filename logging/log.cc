#include "logging/log.h"

#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <memory>
#include <string>

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
  Fields line = Fields::object();
  line["time"] =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
  line["level"] = LevelName(level);
  line["event"] = std::string(event);
  if (fields.is_object()) {
    for (const auto& [name, value] : fields.items()) {
      // The three above are the line's own: a field cannot replace them.
      if (name == "time" || name == "level" || name == "event") continue;
      line[name] = value;
    }
  }
  // Not ASCII-only: Chinese text stays readable. Invalid UTF-8 is replaced
  // rather than thrown on (the default), since fields carry clients' bytes.
  return line.dump(-1, ' ', /*ensure_ascii=*/false,
                   nlohmann::json::error_handler_t::replace);
}

void Log(Level level, absl::string_view event, const Fields& fields) {
  if (!Enabled(level)) return;
  const std::string line = FormatLine(absl::Now(), level, event, fields);
  Sink().log(spdlog::level::info, spdlog::string_view_t(line));
}

}  // namespace comments::logging
