// The server's structured log and request ids, end to end: the real
// comment-server over a real redis-server, called through the client
// library and through raw stubs (to send or leave out metadata as any
// caller might). Every line the server prints is parsed as JSON.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "client/client.h"
#include "comments/v1/comments.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/comment_server.h"
#include "tests/support/redis_server.h"
#include "tests/support/status_matchers.h"

namespace comments {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

constexpr char kTraceparent[] =
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

// Every line of `log`, parsed; a line that is not a JSON object fails the
// test (and is left out).
std::vector<Json> Lines(const std::string& log) {
  std::vector<Json> lines;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    Json parsed = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(parsed.is_object()) << "not a JSON object: " << line;
    if (!parsed.is_object()) continue;
    for (const char* field : {"time", "level", "event"}) {
      EXPECT_TRUE(parsed.contains(field)) << field << " missing: " << line;
    }
    lines.push_back(std::move(parsed));
  }
  return lines;
}

// The access lines (event "rpc") of `request_id`.
std::vector<Json> AccessLines(const std::string& log,
                              const std::string& request_id) {
  std::vector<Json> found;
  for (Json& line : Lines(log)) {
    if (line.value("event", "") == "rpc" &&
        line.value("request_id", "") == request_id) {
      found.push_back(std::move(line));
    }
  }
  return found;
}

std::string InitialMetadata(const grpc::ClientContext& context,
                            const std::string& key) {
  const auto& metadata = context.GetServerInitialMetadata();
  const auto it = metadata.find(key);
  return it == metadata.end() ? "" : std::string(it->second.data(),
                                                 it->second.size());
}

class RequestLogTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_.Start()); }

  void StartServer(const std::vector<std::string>& flags = {}) {
    ASSERT_TRUE(server_.Start(redis_.url(), flags));
    channel_ = MakeChannel({.target = server_.target()});
    stub_ = v1::CommentService::NewStub(channel_);
  }

  testing::RedisServer redis_;
  testing::CommentServerProcess server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CommentService::Stub> stub_;
};

TEST_F(RequestLogTest, ACallersIdComesBackAndNamesItsOneAccessLine) {
  StartServer();
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "portal-7f3a");
  context.AddMetadata("traceparent", kTraceparent);
  v1::PostCommentRequest request;
  request.set_article_id("art-log");
  request.set_author_id("u1");
  request.set_author_name("网友");
  request.set_body("a body never logged 正文");
  v1::PostCommentResponse response;
  ASSERT_TRUE(stub_->PostComment(&context, request, &response).ok());
  EXPECT_EQ(InitialMetadata(context, "x-request-id"), "portal-7f3a");
  EXPECT_EQ(InitialMetadata(context, "traceparent"), kTraceparent);

  const std::string log = server_.ReadLog();
  const std::vector<Json> lines = AccessLines(log, "portal-7f3a");
  ASSERT_EQ(lines.size(), 1u) << log;
  const Json& line = lines[0];
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["rpc"], "comments.v1.CommentService/PostComment");
  EXPECT_EQ(line["code"], "OK");
  EXPECT_EQ(line["article_id"], "art-log");
  EXPECT_EQ(line["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  ASSERT_TRUE(line["duration_ms"].is_number()) << line;
  EXPECT_GE(line["duration_ms"].get<double>(), 0.0);
  EXPECT_FALSE(line.contains("peer")) << line;
  EXPECT_THAT(log, Not(HasSubstr("never logged")));

  // A refused call gets its id back too.
  grpc::ClientContext refused;
  refused.AddMetadata("x-request-id", "portal-7f3b");
  request.clear_article_id();
  EXPECT_EQ(stub_->PostComment(&refused, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(InitialMetadata(refused, "x-request-id"), "portal-7f3b");
  EXPECT_EQ(AccessLines(server_.ReadLog(), "portal-7f3b").size(), 1u);
}

TEST_F(RequestLogTest, ACallWithoutAnIdGetsANewOneAndTheClientTellsItsOwn) {
  StartServer();
  grpc::ClientContext context;
  v1::GetArticleStatsRequest request;
  request.set_article_id("art-none");
  v1::ArticleStats stats;
  ASSERT_TRUE(stub_->GetArticleStats(&context, request, &stats).ok());
  const std::string made = InitialMetadata(context, "x-request-id");
  EXPECT_EQ(made.size(), 32u) << made;
  EXPECT_EQ(AccessLines(server_.ReadLog(), made).size(), 1u);
  // A malformed id (a space) is replaced, not logged.
  grpc::ClientContext spaced;
  spaced.AddMetadata("x-request-id", "two words");
  ASSERT_TRUE(stub_->GetArticleStats(&spaced, request, &stats).ok());
  EXPECT_EQ(InitialMetadata(spaced, "x-request-id").size(), 32u);

  // The client library sends an id of its own per call and tells it.
  Client client({.target = server_.target()});
  ASSERT_OK(client.GetArticleStats("art-client").status());
  const std::string sent = LastRequestId();
  ASSERT_FALSE(sent.empty());
  ASSERT_EQ(AccessLines(server_.ReadLog(), sent).size(), 1u);
  ASSERT_OK(client.GetArticleStats("art-client").status());
  EXPECT_NE(LastRequestId(), sent);
  {
    // Or the caller's, for every call in the scope.
    const RequestIdScope scope("page-42");
    ASSERT_OK(client.FetchCommentBlock("art-client").status());
    ASSERT_OK(client.GetArticleStats("art-client").status());
    EXPECT_EQ(LastRequestId(), "page-42");
  }
  // The block's three parts and the stats call.
  EXPECT_EQ(AccessLines(server_.ReadLog(), "page-42").size(), 4u);
}

TEST_F(RequestLogTest, ARetriedCallKeepsItsIdAndRedisTroubleIsAWarning) {
  StartServer();
  Client client({.target = server_.target(),
                 .max_attempts = 3,
                 .initial_backoff = absl::Milliseconds(20)});
  ASSERT_OK(client.GetArticleStats("art-retry").status());
  redis_.Stop();
  EXPECT_EQ(client.GetArticleStats("art-retry").status().code(),
            absl::StatusCode::kUnavailable);
  const std::string log = server_.ReadLog();
  const std::vector<Json> lines = AccessLines(log, LastRequestId());
  ASSERT_EQ(lines.size(), 3u) << log;
  for (const Json& line : lines) {
    EXPECT_EQ(line["code"], "UNAVAILABLE");
    EXPECT_EQ(line["level"], "warning");
    // The node is named, and what to do.
    EXPECT_THAT(line.value("error", ""), HasSubstr(redis_.socket_path()));
    EXPECT_FALSE(line.value("action", "").empty());
  }
  bool node_warned = false;
  for (const Json& line : Lines(log)) {
    node_warned |= line["event"] == "redis_unreachable" &&
                   line["level"] == "warning" &&
                   absl::StrContains(line.value("node", ""),
                                     redis_.socket_path());
  }
  EXPECT_TRUE(node_warned) << log;
}

TEST_F(RequestLogTest, WarningLevelDropsAccessLinesAndEveryLineIsJson) {
  StartServer({"--log_level=warning"});
  Client client({.target = server_.target()});
  ASSERT_OK(client.GetArticleStats("art-quiet").status());
  const std::string quiet = LastRequestId();
  server_.Stop();
  const std::string log = server_.ReadLog();
  EXPECT_TRUE(AccessLines(log, quiet).empty()) << log;
  for (const Json& line : Lines(log)) {
    EXPECT_NE(line["level"], "info") << line;
    EXPECT_NE(line["level"], "debug") << line;
  }
}

TEST_F(RequestLogTest, HostileInputStaysOneLineOfJsonFromStartToStop) {
  StartServer({"--log_client_ip"});
  Client client({.target = server_.target()});
  // A quote and a newline: escaped, still one line, the id as sent.
  const std::string hostile = "art\"\n{\"level\":\"error\"}";
  EXPECT_EQ(client.GetArticleStats(hostile).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string id = LastRequestId();
  // Bytes that are not UTF-8: protobuf refuses them and says so on its own
  // log, which the server turns into lines of its log.
  EXPECT_FALSE(client.GetArticleStats("art-\xff\xfe").ok());
  server_.Stop();
  const std::string log = server_.ReadLog();
  const std::vector<Json> lines = AccessLines(log, id);
  ASSERT_EQ(lines.size(), 1u) << log;
  EXPECT_EQ(lines[0]["article_id"], hostile);
  EXPECT_EQ(lines[0]["code"], "INVALID_ARGUMENT");
  EXPECT_FALSE(lines[0].value("peer", "").empty()) << lines[0];
  std::vector<std::string> events;
  for (const Json& line : Lines(log)) events.push_back(line["event"]);
  EXPECT_THAT(events, ::testing::Contains("listening"));
  EXPECT_THAT(events, ::testing::Contains("stopped"));
}

}  // namespace
}  // namespace comments
