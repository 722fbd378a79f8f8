#include "service/rpc/grpc_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "redis/redis_error.h"
#include "service/store/internal/script_error.h"
#include "tests/support/redis_replies.h"

namespace comments {
namespace {

using testing::ErrorReply;
using ::testing::HasSubstr;

TEST(ToGrpcStatusTest, RedisOutOfMemoryGetsTheOperatorsMessage) {
  const grpc::Status full = ToGrpcStatus(
      ErrorReply("OOM command not allowed when used memory > 'maxmemory'.")
          .error_status());
  EXPECT_EQ(full.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(full.error_message(), HasSubstr("out of memory"));
  EXPECT_THAT(full.error_message(), ::testing::Not(HasSubstr("OOM")));
}

TEST(ToGrpcStatusTest, ARateLimitKeepsItsMessage) {
  const absl::Status limited =
      DecodeScriptError(ErrorReply("RATE 5 1500").error_status()).status;
  const grpc::Status got = ToGrpcStatus(limited);
  EXPECT_EQ(got.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(got.error_message(), std::string(limited.message()));
}

TEST(ToGrpcStatusTest, DecidesByThePayloadNotTheText) {
  // Text that reads like Redis's is the client's when no payload says so...
  const grpc::Status plain =
      ToGrpcStatus(absl::ResourceExhaustedError("redis: OOM of a kind"));
  EXPECT_EQ(plain.error_message(), "redis: OOM of a kind");
  // ...and the payload decides whatever the text.
  absl::Status tagged = absl::ResourceExhaustedError("author_id has posted");
  tagged.SetPayload(kRedisErrorCodeUrl, absl::Cord("OOM"));
  EXPECT_THAT(ToGrpcStatus(tagged).error_message(), HasSubstr("out of memory"));
}

TEST(ToGrpcStatusTest, StoreFailuresAreGenericOthersAsTheyAre) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  const grpc::Status down =
      ToGrpcStatus(ErrorReply("LOADING Redis is loading").error_status());
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(down.error_message(),
            "the comment store is unavailable; retry later");
  const grpc::Status chain = ToGrpcStatus(
      DecodeScriptError(ErrorReply("CHAIN 1|").error_status()).status);
  EXPECT_EQ(chain.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(chain.error_message(), "internal error in the comment service");
  const grpc::Status missing = ToGrpcStatus(
      DecodeScriptError(ErrorReply("NOTFOUND comment_id 7").error_status())
          .status);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.error_message(),
            "comment_id 7 names no visible comment of this article");
}

}  // namespace
}  // namespace comments
