// The one place this library calls OpenCC. OpenCC reports some errors by
// throwing; they stop here and become absl::Status values.
#ifndef MODERATION_INTERNAL_OPENCC_H_
#define MODERATION_INTERNAL_OPENCC_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace moderation::internal {

// An open OpenCC configuration.
// Thread safety: none (OpenCC does not say its converters may be shared);
// open one where it is used.
class OpenCcConverter final {
 public:
  // Opens `config`, a file name such as "t2s.json", looked up in
  // /usr/share/opencc and then in OpenCC's own data directory. Opening
  // reads the configuration's dictionaries: from under a millisecond (t2jp)
  // to about 70 ms and 8 MB (s2twp), so open each once and batch.
  // Errors: FailedPrecondition when it cannot be opened.
  static absl::StatusOr<std::unique_ptr<OpenCcConverter>> Open(
      std::string_view config);

  ~OpenCcConverter();
  OpenCcConverter(const OpenCcConverter&) = delete;
  OpenCcConverter& operator=(const OpenCcConverter&) = delete;

  // Converts each of `lines` and returns one converted line per input
  // line, in order. No line may hold '\n': the lines go through one
  // conversion call, joined by line breaks, which no OpenCC phrase spans,
  // so each line is converted on its own. About a microsecond per
  // character. Errors: FailedPrecondition when the conversion fails or
  // loses lines.
  absl::StatusOr<std::vector<std::string>> ConvertLines(
      const std::vector<std::string>& lines) const;

 private:
  explicit OpenCcConverter(void* handle) : handle_(handle) {}
  void* handle_;  // opencc_t
};

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_OPENCC_H_
