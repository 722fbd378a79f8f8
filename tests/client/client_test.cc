#include "client/client.h"

#include "gtest/gtest.h"

namespace comments {
namespace {

TEST(FromGrpcStatusTest, KeepsCodeAndMessage) {
  absl::Status s = FromGrpcStatus(
      grpc::Status(grpc::StatusCode::NOT_FOUND, "comment_id 7 names nothing"));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "comment_id 7 names nothing");
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(ClientTest, NoServerIsUnavailableWithinTheDeadline) {
  Client client({.target = "unix:/nonexistent/comments.sock",
                 .deadline = absl::Milliseconds(300)});
  absl::StatusOr<v1::ArticleStats> stats = client.GetArticleStats("a");
  EXPECT_TRUE(stats.status().code() == absl::StatusCode::kUnavailable ||
              stats.status().code() == absl::StatusCode::kDeadlineExceeded)
      << stats.status();
  EXPECT_FALSE(client.WaitForConnected(absl::Milliseconds(100)));
}

}  // namespace
}  // namespace comments
