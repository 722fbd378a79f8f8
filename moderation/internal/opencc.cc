#include "moderation/internal/opencc.h"

#include <opencc/opencc.h>

#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace moderation::internal {
namespace {

const opencc_t kOpenFailed = reinterpret_cast<opencc_t>(-1);

absl::Status FromException(const std::exception& e) {
  return absl::FailedPreconditionError(absl::StrCat("OpenCC: ", e.what()));
}

absl::Status UnknownException() {
  return absl::FailedPreconditionError("OpenCC: unknown exception");
}

}  // namespace

absl::StatusOr<std::unique_ptr<OpenCcConverter>> OpenCcConverter::Open(
    std::string_view config) {
  const std::string name(config);
  opencc_t handle = kOpenFailed;
  try {
    handle = opencc_open(("/usr/share/opencc/" + name).c_str());
    if (handle == kOpenFailed) handle = opencc_open(name.c_str());
  } catch (const std::exception& e) {
    return FromException(e);
  } catch (...) {
    return UnknownException();
  }
  if (handle == kOpenFailed) {
    return absl::FailedPreconditionError(
        absl::StrCat("OpenCC: cannot open ", name, ": ", opencc_error()));
  }
  return std::unique_ptr<OpenCcConverter>(new OpenCcConverter(handle));
}

OpenCcConverter::~OpenCcConverter() { opencc_close(handle_); }

absl::StatusOr<std::vector<std::string>> OpenCcConverter::ConvertLines(
    const std::vector<std::string>& lines) const {
  if (lines.empty()) return std::vector<std::string>();
  std::string input = absl::StrJoin(lines, "\n");
  input.push_back('\n');
  std::string output;
  try {
    char* converted = opencc_convert_utf8(handle_, input.data(), input.size());
    if (converted == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("OpenCC: conversion failed: ", opencc_error()));
    }
    output = converted;
    opencc_convert_utf8_free(converted);
  } catch (const std::exception& e) {
    return FromException(e);
  } catch (...) {
    return UnknownException();
  }
  std::vector<std::string> converted = absl::StrSplit(output, '\n');
  // The input ends with a line break, so the last piece is empty.
  if (converted.size() != lines.size() + 1 || !converted.back().empty()) {
    return absl::FailedPreconditionError("OpenCC: output lost lines");
  }
  converted.pop_back();
  return converted;
}

}  // namespace moderation::internal
