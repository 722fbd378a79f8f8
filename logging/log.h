#ifndef COMMENTS_LOGGING_LOG_H_
#define COMMENTS_LOGGING_LOG_H_

// Structured logs: one JSON object per line on stderr, start here.
//
//   logging::Log(logging::Level::kWarning, "redis_connect_failed",
//                {{"node", "10.0.0.5:6379"}, {"error", message}});
// writes
//   {"time":"2024-05-01T08:30:12.345Z","level":"warning",
//    "event":"redis_connect_failed","node":"10.0.0.5:6379","error":"..."}
//
// Every line starts with "time" (RFC 3339, UTC, milliseconds), "level"
// (debug, info, warning, error) and "event" (a fixed snake_case name saying
// what happened), then the event's fields in the order given. Strings are
// escaped as JSON requires (a newline or quote in a user's text cannot
// break a line or forge a field), and bytes that are not UTF-8 become
// U+FFFD. docs/operations.md ("Logs") lists the events and fields.
//
// Lines go through spdlog (a thread-safe stderr sink, flushed per line);
// lines below the level set by SetLevel are dropped before they are
// formatted.
//
// Thread-safe: Log may be called from any thread. SetLevel belongs in main,
// before threads start.

#include <optional>

#include <nlohmann/json.hpp>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace comments::logging {

enum class Level { kDebug, kInfo, kWarning, kError };

// An event's fields, in order: `{{"name", value}, ...}`. Values are JSON
// values (strings, numbers, booleans); a std::string, not absl::string_view.
using Fields = nlohmann::ordered_json;

// "debug", "info", "warning", "error".
const char* LevelName(Level level);
// The level named by `name` (as LevelName spells it), or nullopt.
std::optional<Level> ParseLevel(absl::string_view name);

// Lines below `level` are dropped from now on. Default: kInfo.
void SetLevel(Level level);
// True when a line of `level` would be written: a caller with costly fields
// may ask first.
bool Enabled(Level level);

// Writes one line of `level` for `event` with `fields` (an object, or null
// for none) unless `level` is below the level set.
void Log(Level level, absl::string_view event, const Fields& fields = nullptr);

// The line Log writes, without its newline, as of `time`.
std::string FormatLine(absl::Time time, Level level, absl::string_view event,
                       const Fields& fields);

}  // namespace comments::logging

#endif  // COMMENTS_LOGGING_LOG_H_
