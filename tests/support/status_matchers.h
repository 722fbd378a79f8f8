#ifndef COMMENTS_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define COMMENTS_TESTS_SUPPORT_STATUS_MATCHERS_H_

// Checks on absl::Status and absl::StatusOr<T> that fail a test with the
// status in the message instead of crashing it on a dereference:
//
//   ASSERT_OK(store.Delete(...));                 // or EXPECT_OK
//   ASSERT_OK_AND_ASSIGN(v1::Comment c, store.Get(...));
//   EXPECT_THAT(store.Get(...), StatusIs(absl::StatusCode::kNotFound));
//   EXPECT_EQ(VALUE_OR_FAIL(client.GetArticleStats("a")).comment_count(), 2);
//
// Header-only; needs nothing but gtest, gmock and abseil.

#include <ostream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace comments::testing {

inline const absl::Status& StatusOf(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// The predicate formatter behind ASSERT_OK / EXPECT_OK.
template <typename S>
::testing::AssertionResult IsOkFormatter(const char* expression,
                                         const S& status) {
  if (StatusOf(status).ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << expression << " is not OK: " << StatusOf(status);
}

// Matches a Status or StatusOr whose code is `code`, e.g.
// EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument)).
MATCHER_P(StatusIs, code,
          std::string(negation ? "isn't" : "is") + " a status with code " +
              absl::StatusCodeToString(code)) {
  const absl::Status& status = ::comments::testing::StatusOf(arg);
  *result_listener << "which is " << status;
  return status.code() == code;
}

// Matches an OK Status or StatusOr.
MATCHER(IsOk, negation ? "isn't OK" : "is OK") {
  const absl::Status& status = ::comments::testing::StatusOf(arg);
  *result_listener << "which is " << status;
  return status.ok();
}

// VALUE_OR_FAIL's work.
template <typename T>
T ValueOrFailure(absl::StatusOr<T> status_or, const char* expression,
                 const char* file, int line) {
  if (!status_or.ok()) {
    ADD_FAILURE_AT(file, line)
        << expression << " is not OK: " << status_or.status();
    return T{};
  }
  return *std::move(status_or);
}

}  // namespace comments::testing

// The value of `rexpr` (an absl::StatusOr<T>, T default-constructible); when
// it is not OK, a failure naming the call and its status, and T{} so the
// test goes on (its checks of that value fail or not, the test has failed).
// For reading one field of a call's result inline, where
// ASSERT_OK_AND_ASSIGN would need a name for it.
#define VALUE_OR_FAIL(rexpr) \
  ::comments::testing::ValueOrFailure((rexpr), #rexpr, __FILE__, __LINE__)

#define EXPECT_OK(expression) \
  EXPECT_PRED_FORMAT1(::comments::testing::IsOkFormatter, expression)
#define ASSERT_OK(expression) \
  ASSERT_PRED_FORMAT1(::comments::testing::IsOkFormatter, expression)

// Evaluates `rexpr` (an absl::StatusOr<T>) once; when it is not OK, fails
// the test and returns from the calling function (so only in functions
// returning void, like ASSERT_*); otherwise moves its value into `lhs`, which
// may declare a variable ("auto x", "v1::Comment c") or name one.
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  COMMENTS_ASSERT_OK_AND_ASSIGN_IMPL(    \
      COMMENTS_STATUS_MATCHERS_CONCAT(status_or_value_, __LINE__), lhs, rexpr)

#define COMMENTS_ASSERT_OK_AND_ASSIGN_IMPL(statusor, lhs, rexpr)   \
  auto statusor = (rexpr);                                         \
  if (!statusor.ok()) {                                            \
    GTEST_FAIL() << #rexpr << " is not OK: " << statusor.status(); \
  }                                                                \
  lhs = *std::move(statusor)

#define COMMENTS_STATUS_MATCHERS_CONCAT_INNER(a, b) a##b
#define COMMENTS_STATUS_MATCHERS_CONCAT(a, b) \
  COMMENTS_STATUS_MATCHERS_CONCAT_INNER(a, b)

#endif  // COMMENTS_TESTS_SUPPORT_STATUS_MATCHERS_H_
