// RedisHealth's rule, without a Redis: two failed checks in a row turn a
// serving replica unhealthy, one check that passes makes it healthy again,
// and only changes are reported.
#include "service/store/redis_health.h"

#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace comments {
namespace {

using ::testing::ElementsAre;

class RedisHealthTest : public ::testing::Test {
 protected:
  // Never asked: Record is fed by hand.
  RedisClient redis_{
      RedisClientOptions{*RedisEndpoint::Parse("unix:///nonexistent.sock")}};
  std::vector<bool> reported_;
  RedisHealth health_{&redis_, RedisHealthOptions{},
                      [this](bool serving, const absl::Status&) {
                        reported_.push_back(serving);
                      }};
};

TEST_F(RedisHealthTest, TwoFailuresInARowTurnItUnhealthyOneSuccessBack) {
  const absl::Status down = absl::UnavailableError("down");
  health_.Record(absl::OkStatus());  // The first verdict is always told.
  EXPECT_TRUE(health_.serving());
  health_.Record(down);
  EXPECT_TRUE(health_.serving()) << "one failure is not enough";
  health_.Record(absl::OkStatus());
  health_.Record(down);
  EXPECT_TRUE(health_.serving()) << "the count restarts after a success";
  health_.Record(down);
  EXPECT_FALSE(health_.serving());
  health_.Record(down);
  health_.Record(absl::OkStatus());
  EXPECT_TRUE(health_.serving());
  EXPECT_THAT(reported_, ElementsAre(true, false, true));
}

}  // namespace
}  // namespace comments
