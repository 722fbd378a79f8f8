// comment-server's Prometheus metrics, as a real Prometheus sees them: the
// real server over a real redis-server, scraped by Debian's prometheus,
// queried over its HTTP API; and the exposition linted by promtool.
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/comment_server.h"
#include "tests/support/redis_server.h"
#include "tests/support/subprocess.h"

namespace comments {
namespace {

using ::testing::HasSubstr;

// A loopback port nobody listens on now (the kernel's pick; free again
// once closed, and not handed out again at once).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// Runs `command` with a shell; its exit status and output.
std::pair<int, std::string> RunShell(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  return {pclose(pipe), output};
}

v1::PostCommentRequest PostRequest(const std::string& article,
                                   const std::string& body) {
  v1::PostCommentRequest r;
  r.set_article_id(article);
  r.set_author_id("reader");
  r.set_author_name("网友");
  r.set_body(body);
  return r;
}

// The sum of the samples in `text` whose series starts with `series` (a
// name, or a name and the first labels: "x_total{kind=\"moved\"").
double SumOf(const std::string& text, const std::string& series) {
  double sum = 0;
  size_t at = 0;
  while ((at = text.find(series, at)) != std::string::npos) {
    const bool line_start = at == 0 || text[at - 1] == '\n';
    const size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end - at);
    at = end;
    if (!line_start) continue;
    double value = 0;
    if (absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &value)) {
      sum += value;
    }
  }
  return sum;
}

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start());
    // Pre-moderation holds every post: the pending queue's depth is known.
    ASSERT_TRUE(server_.Start(redis_.url(), {"--metrics_listen=127.0.0.1:0",
                                             "--default_policy=pre"}));
    // The server names its metrics port in its "listening" log line.
    std::smatch port;
    std::string log;
    for (int i = 0; i < 100; ++i) {
      log = server_.ReadLog();
      if (std::regex_search(log, port,
                            std::regex("\"metrics_port\":([0-9]+)"))) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    ASSERT_FALSE(port.empty()) << log;
    metrics_port_ = std::stoi(port[1]);
  }

  std::string Scrape() {
    httplib::Client http("127.0.0.1", metrics_port_);
    httplib::Result res = http.Get("/metrics");
    EXPECT_TRUE(res);
    return res ? res->body : "";
  }

  testing::RedisServer redis_;
  testing::CommentServerProcess server_;
  int metrics_port_ = 0;
};

TEST_F(MetricsServerTest, PromtoolAcceptsTheServersExposition) {
  Client client({.target = server_.target()});
  ASSERT_TRUE(client.PostComment(PostRequest("lint", "第一条")).ok());
  const std::string text = Scrape();
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{grpc_service="
                              "\"comments.v1.CommentService\",grpc_method="
                              "\"PostComment\",grpc_code=\"OK\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("comments_build_info{version="));
  // The Redis client's families are linted with the rest.
  EXPECT_THAT(text, HasSubstr("# TYPE comments_redis_latency_seconds "
                              "histogram\n"));
  EXPECT_THAT(
      text, HasSubstr("comments_moderation_queue_depth{queue=\"pending\"} 1"));
  const std::string path = ::testing::TempDir() + "/server-metrics.txt";
  std::ofstream(path) << text;
  const auto [status, output] =
      RunShell(absl::StrCat(PROMTOOL_PATH, " check metrics < ", path));
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "");
}

TEST_F(MetricsServerTest, CountsRedisRoundTripsAndErrorRepliesByKind) {
  Client client({.target = server_.target()});
  ASSERT_TRUE(client.PostComment(PostRequest("redis", "第一条")).ok());
  const std::string before = Scrape();
  // Every family is there from the start, bounded labels only.
  EXPECT_THAT(before,
              ::testing::AllOf(
                  HasSubstr(absl::StrCat("comments_redis_round_trips_total{"
                                         "node=\"",
                                         redis_.socket_path(), "\"} ")),
                  HasSubstr("comments_redis_latency_seconds_bucket{node=\""),
                  HasSubstr("comments_redis_reconnects_total{node=\""),
                  HasSubstr("comments_redis_errors_total{kind=\"oom\"} 0\n"),
                  HasSubstr("comments_redis_errors_total{kind=\"unavailable\"} "
                            "0\n"),
                  HasSubstr("comments_redis_redirections_total{kind=\"moved\"} "
                            "0\n"),
                  HasSubstr("comments_redis_redirections_total{kind=\"ask\"} "
                            "0\n")));
  // Each list is one round trip (the server's own polls add more).
  constexpr int kLists = 10;
  v1::ListCommentsRequest list;
  list.set_article_id("redis");
  for (int i = 0; i < kLists; ++i) {
    ASSERT_TRUE(client.ListComments(list).ok());
  }
  // Redis forgets the scripts: the next call's EVALSHA is told NOSCRIPT
  // (an error reply, counted by kind) and the script is loaded again.
  EXPECT_EQ(redis_.Query("SCRIPT FLUSH"), "OK");
  ASSERT_TRUE(client.ListComments(list).ok());
  const std::string after = Scrape();
  const std::string round_trips = "comments_redis_round_trips_total{";
  EXPECT_GE(SumOf(after, round_trips) - SumOf(before, round_trips),
            kLists + 1);
  // The histogram counts the same round trips (a poll finishing between
  // the two families' rendering may count in the later one only).
  const double observed = SumOf(after, "comments_redis_latency_seconds_count{");
  EXPECT_GE(observed, SumOf(after, round_trips));
  EXPECT_LE(observed, SumOf(after, round_trips) + 3);
  // (Each script's first call since the server started was one too.)
  const std::string noscript = "comments_redis_errors_total{kind=\"noscript\"";
  EXPECT_GE(SumOf(after, noscript) - SumOf(before, noscript), 1);
  EXPECT_EQ(SumOf(after, "comments_redis_reconnects_total{"), 0);
  EXPECT_EQ(SumOf(after, "comments_redis_redirections_total{"), 0);
}

TEST(PostMetricsTest, CountsVerdictsByActionAndCategoryAndFloodRefusals) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  testing::CommentServerProcess server;
  ASSERT_TRUE(server.Start(
      redis.url(),
      {"--metrics_listen=127.0.0.1:0", absl::StrCat("--lexicon=", TEST_LEXICON),
       "--post_limit=4", "--duplicate_window=1m"}));
  int port = 0;
  for (int i = 0; i < 100 && port == 0; ++i) {
    std::smatch m;
    const std::string log = server.ReadLog();
    if (std::regex_search(log, m, std::regex("\"metrics_port\":([0-9]+)"))) {
      port = std::stoi(m[1]);
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_NE(port, 0) << server.ReadLog();
  Client client({.target = server.target()});
  // Allowed; held for review (contact), then the same text again, a
  // duplicate; blocked (gambling, stored as rejected); allowed; and past
  // the four stored posts, rate limited. Moderation sees all six.
  EXPECT_TRUE(client.PostComment(PostRequest("v", "普通评论")).ok());
  EXPECT_TRUE(client.PostComment(PostRequest("v", "有事加微信")).ok());
  EXPECT_EQ(client.PostComment(PostRequest("v", "有事加微信")).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(client.PostComment(PostRequest("v", "来玩博彩")).ok());
  EXPECT_TRUE(client.PostComment(PostRequest("v", "第三条")).ok());
  EXPECT_EQ(client.PostComment(PostRequest("v", "第四条")).status().code(),
            absl::StatusCode::kResourceExhausted);

  httplib::Client http("127.0.0.1", port);
  httplib::Result res = http.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_THAT(
      res->body,
      ::testing::AllOf(
          HasSubstr("comments_moderation_verdicts_total{action=\"allow\","
                    "category=\"none\"} 3\n"),
          HasSubstr("comments_moderation_verdicts_total{action=\"review\","
                    "category=\"contact\"} 2\n"),
          HasSubstr("comments_moderation_verdicts_total{action=\"block\","
                    "category=\"gambling\"} 1\n"),
          HasSubstr("comments_posts_refused_total{reason=\"duplicate\"} 1\n"),
          HasSubstr(
              "comments_posts_refused_total{reason=\"rate_limited\"} 1\n"),
          HasSubstr("comments_posts_refused_total{reason=\"banned\"} 0\n")));
}

// A Prometheus server on loopback scrapes comment-server every second.
class PrometheusProcess {
 public:
  bool Start(int target_port) {
    port_ = FreePort();
    const std::string config = dir_.path() + "/prometheus.yml";
    std::ofstream(config) << "global:\n"
                             "  scrape_interval: 1s\n"
                             "scrape_configs:\n"
                             "  - job_name: comment-server\n"
                             "    static_configs:\n"
                             "      - targets: ['127.0.0.1:"
                          << target_port << "']\n";
    if (!process_.Start({PROMETHEUS_PATH, "--config.file=" + config,
                         "--storage.tsdb.path=" + dir_.path() + "/data",
                         absl::StrCat("--web.listen-address=127.0.0.1:", port_),
                         "--log.level=warn"},
                        dir_.path() + "/prometheus.log")) {
      return false;
    }
    httplib::Client http("127.0.0.1", port_);
    for (int i = 0; i < 300; ++i) {
      httplib::Result res = http.Get("/-/ready");
      if (res && res->status == 200) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return false;
  }

  // The value of an instant query that yields one sample, or nullopt while
  // it yields none.
  std::optional<double> Query(const std::string& promql) {
    httplib::Client http("127.0.0.1", port_);
    httplib::Result res =
        http.Get("/api/v1/query", {{"query", promql}}, httplib::Headers{});
    if (!res || res->status != 200) return std::nullopt;
    const nlohmann::json body = nlohmann::json::parse(res->body);
    const nlohmann::json& result = body["data"]["result"];
    if (result.size() != 1) return std::nullopt;
    double value = 0;
    if (!absl::SimpleAtod(result[0]["value"][1].get<std::string>(), &value)) {
      return std::nullopt;
    }
    return value;
  }

  // Polls `promql` until it equals `want` or 30 s pass; the last value.
  std::optional<double> WaitFor(const std::string& promql, double want) {
    std::optional<double> value;
    for (int i = 0; i < 300; ++i) {
      value = Query(promql);
      if (value && *value == want) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return value;
  }

 private:
  testing::TempDir dir_;
  testing::Subprocess process_;
  int port_ = 0;
};

TEST_F(MetricsServerTest, ARealPrometheusScrapesTheCallsAndTheirLatency) {
  PrometheusProcess prometheus;
  ASSERT_TRUE(prometheus.Start(metrics_port_));
  Client client({.target = server_.target()});
  // One post that Prometheus sees before the burst: a rate needs the
  // series to exist before it grows.
  ASSERT_TRUE(client.PostComment(PostRequest("burst", "预热")).ok());
  const std::string posted_ok =
      "sum(grpc_server_handled_total{grpc_method=\"PostComment\","
      "grpc_code=\"OK\"})";
  ASSERT_EQ(prometheus.WaitFor(posted_ok, 1), 1);
  constexpr int kPosts = 25;
  constexpr int kRefused = 3;
  for (int i = 0; i < kPosts; ++i) {
    ASSERT_TRUE(
        client.PostComment(PostRequest("burst", absl::StrCat("评论", i))).ok());
  }
  for (int i = 0; i < kRefused; ++i) {
    EXPECT_EQ(client.PostComment(PostRequest("", "no article")).status().code(),
              absl::StatusCode::kInvalidArgument);
  }

  EXPECT_EQ(prometheus.WaitFor("up{job=\"comment-server\"}", 1), 1);
  EXPECT_EQ(prometheus.WaitFor(posted_ok, 1 + kPosts), 1 + kPosts);
  EXPECT_EQ(prometheus.WaitFor(
                "sum(grpc_server_handled_total{grpc_method=\"PostComment\","
                "grpc_code=\"INVALID_ARGUMENT\"})",
                kRefused),
            kRefused);
  EXPECT_EQ(
      prometheus.WaitFor("comments_moderation_queue_depth{queue=\"pending\"}",
                         1 + kPosts),
      1 + kPosts);
  // The burst shows as a rate, and the histogram gives a quantile: a
  // latency above zero and within the largest finite bucket.
  std::optional<double> rate;
  std::optional<double> median;
  for (int i = 0; i < 300 && !(rate && median); ++i) {
    rate = prometheus.Query(
        "sum(rate(grpc_server_handled_total{grpc_method=\"PostComment\"}"
        "[1m])) > 0");
    median = prometheus.Query(
        "histogram_quantile(0.5, sum by (le) (rate("
        "grpc_server_handling_seconds_bucket{grpc_method=\"PostComment\"}"
        "[1m])))");
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(rate.has_value());
  EXPECT_GT(*rate, 0);
  ASSERT_TRUE(median.has_value());
  EXPECT_GT(*median, 0);
  EXPECT_LE(*median, 10);
}

}  // namespace
}  // namespace comments
