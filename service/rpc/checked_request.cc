#include "service/rpc/checked_request.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/stubs/common.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/wire_format_lite.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "logging/log.h"

namespace comments {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;

// As deep as protobuf's own parser goes by default.
constexpr int kMaxDepth = 100;

// Walks one message's fields; sets `found` at the first string field that
// is not UTF-8. Stops at the first malformed byte: the caller only wants a
// field name, and protobuf already refused the request.
void Walk(const Descriptor* type, absl::string_view bytes,
          const std::string& prefix, int depth,
          std::optional<std::string>* found) {
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  absl::flat_hash_map<int, int> occurrences;  // Repeated fields' indexes.
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return;  // The end, or malformed.
    const int number = WireFormatLite::GetTagFieldNumber(tag);
    const FieldDescriptor* field = type->FindFieldByNumber(number);
    if (field == nullptr ||
        WireFormatLite::GetTagWireType(tag) !=
            WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!WireFormatLite::SkipField(&in, tag)) return;
      continue;
    }
    uint32_t length;
    if (!in.ReadVarint32(&length)) return;
    const size_t at = static_cast<size_t>(in.CurrentPosition());
    if (length > bytes.size() - at) return;
    const absl::string_view value = bytes.substr(at, length);
    in.Skip(static_cast<int>(length));
    std::string name = absl::StrCat(prefix, field->name());
    if (field->is_repeated()) {
      absl::StrAppend(&name, "[", occurrences[number]++, "]");
    }
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (!google::protobuf::internal::IsStructurallyValidUTF8(
              value.data(), static_cast<int>(value.size()))) {
        *found = std::move(name);
        return;
      }
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE &&
               depth < kMaxDepth) {
      Walk(field->message_type(), value, name + ".", depth + 1, found);
      if (found->has_value()) return;
    }
  }
}

// The protobuf log handler that InstallProtobufLogFilter installs, and what
// it needs: the handler before it, and the rate limit's state.
google::protobuf::LogHandler* previous_handler = nullptr;

class Utf8ErrorLimiter final {
 public:
  // Counts one UTF-8 error; writes a line when a minute has passed since the
  // last one written (or none was).
  void Count(const std::string& message) {
    int64_t count;
    {
      absl::MutexLock lock(&mu_);
      ++unreported_;
      const absl::Time now = absl::Now();
      if (now - last_line_ < absl::Minutes(1)) return;
      last_line_ = now;
      count = unreported_;
      unreported_ = 0;
    }
    // At most one line a minute, whatever a caller sends.
    logging::Log(logging::Level::kWarning, "invalid_utf8_refused",
                 {{"requests", count},
                  {"answer", "INVALID_ARGUMENT"},
                  {"latest", message}});
  }

 private:
  absl::Mutex mu_;
  absl::Time last_line_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int64_t unreported_ ABSL_GUARDED_BY(mu_) = 0;
};

Utf8ErrorLimiter& Limiter() {
  static auto* limiter = new Utf8ErrorLimiter();
  return *limiter;
}

void FilterProtobufLog(google::protobuf::LogLevel level, const char* filename,
                       int line, const std::string& message) {
  // wire_format_lite.cc's PrintUTF8ErrorLog: "String field '<name>' contains
  // invalid UTF-8 data when parsing a protocol buffer. ..."
  if (absl::StrContains(message, "contains invalid UTF-8 data")) {
    Limiter().Count(message);
    return;
  }
  if (previous_handler != nullptr) {
    previous_handler(level, filename, line, message);
  }
}

}  // namespace

std::optional<std::string> FindInvalidUtf8(const Descriptor* type,
                                           absl::string_view bytes) {
  std::optional<std::string> found;
  Walk(type, bytes, "", 0, &found);
  return found;
}

absl::Status ParseFailure(const Descriptor* type, absl::string_view bytes) {
  if (std::optional<std::string> field = FindInvalidUtf8(type, bytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat(*field, " is not valid UTF-8"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "the request is not a well-formed ", type->full_name(), " message"));
}

void InstallProtobufLogFilter() {
  static std::once_flag once;
  std::call_once(once, [] {
    previous_handler = google::protobuf::SetLogHandler(&FilterProtobufLog);
  });
}

int CheckedMethodIndex(absl::string_view service, absl::string_view method,
                       const Descriptor* request) {
  const google::protobuf::ServiceDescriptor* s =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(service));
  const google::protobuf::MethodDescriptor* m =
      s == nullptr ? nullptr : s->FindMethodByName(std::string(method));
  if (m == nullptr || m->input_type() != request) {
    logging::Log(logging::Level::kError, "handler_mismatch",
                 {{"rpc", absl::StrCat(service, "/", method)},
                  {"request", request->full_name()},
                  {"action", "a bug in this build: report it"}});
    std::abort();
  }
  return m->index();
}

}  // namespace comments
