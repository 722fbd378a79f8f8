#include "metrics/metrics.h"

#include <httplib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "metrics/http_exporter.h"

namespace comments::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, RendersTheTextExpositionFormat) {
  Registry registry;
  CounterFamily& calls =
      registry.AddCounter("app_calls_total", "Calls served.", {"method"});
  calls.WithLabels({"Post"}).Increment(3);
  calls.WithLabels({"List"}).Increment();
  registry.AddGauge("app_depth", "Queue depth.").WithLabels({}).Set(2.5);
  HistogramFamily& latency = registry.AddHistogram(
      "app_seconds", "Latency.", {"method"}, {0.1, 1});
  Histogram& post = latency.WithLabels({"Post"});
  post.Observe(0.05);
  post.Observe(0.5);
  post.Observe(7);

  EXPECT_EQ(registry.Render(),
            "# HELP app_calls_total Calls served.\n"
            "# TYPE app_calls_total counter\n"
            "app_calls_total{method=\"Post\"} 3\n"
            "app_calls_total{method=\"List\"} 1\n"
            "# HELP app_depth Queue depth.\n"
            "# TYPE app_depth gauge\n"
            "app_depth 2.5\n"
            "# HELP app_seconds Latency.\n"
            "# TYPE app_seconds histogram\n"
            "app_seconds_bucket{method=\"Post\",le=\"0.1\"} 1\n"
            "app_seconds_bucket{method=\"Post\",le=\"1\"} 2\n"
            "app_seconds_bucket{method=\"Post\",le=\"+Inf\"} 3\n"
            "app_seconds_sum{method=\"Post\"} 7.55\n"
            "app_seconds_count{method=\"Post\"} 3\n");
}

TEST(MetricsTest, AHistogramWithoutLabelsStillNamesItsBuckets) {
  Registry registry;
  registry.AddHistogram("h_seconds", "H.", {}, {1}).WithLabels({}).Observe(2);
  EXPECT_THAT(registry.Render(), HasSubstr("h_seconds_bucket{le=\"1\"} 0\n"
                                           "h_seconds_bucket{le=\"+Inf\"} 1\n"
                                           "h_seconds_sum 2\n"
                                           "h_seconds_count 1\n"));
}

TEST(MetricsTest, EscapesLabelValues) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  Registry registry;
  registry.AddCounter("x_total", "X.", {"l"})
      .WithLabels({"say \"hi\""})
      .Increment();
  EXPECT_THAT(registry.Render(), HasSubstr("x_total{l=\"say \\\"hi\\\"\"} 1"));
}

TEST(MetricsTest, CountsEveryIncrementFromManyThreads) {
  Registry registry;
  Counter& counter = registry.AddCounter("n_total", "N.").WithLabels({});
  Histogram& histogram =
      registry.AddHistogram("n_seconds", "N.", {}, {0.5}).WithLabels({});
  constexpr int kThreads = 4;
  constexpr int kEach = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        counter.Increment();
        histogram.Observe(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(counter.value(), uint64_t{kThreads} * kEach);
  const Histogram::Snapshot snapshot = histogram.Read();
  EXPECT_EQ(snapshot.cumulative.back(), uint64_t{kThreads} * kEach);
  EXPECT_EQ(snapshot.sum, double{kThreads} * kEach);
}

TEST(MetricsTest, TheSameLabelsGiveTheSameChild) {
  Registry registry;
  CounterFamily& family = registry.AddCounter("s_total", "S.", {"a", "b"});
  EXPECT_EQ(&family.WithLabels({"x", "y"}), &family.WithLabels({"x", "y"}));
  // Length-prefixed keys: ("ab","c") and ("a","bc") stay apart.
  EXPECT_NE(&family.WithLabels({"ab", "c"}), &family.WithLabels({"a", "bc"}));
}

TEST(MetricsTest, AFamilyStopsGrowingAtItsBound) {
  Registry registry;
  CounterFamily& family = registry.AddCounter("b_total", "B.", {"user"});
  for (size_t i = 0; i < CounterFamily::kMaxChildren + 50; ++i) {
    family.WithLabels({absl::StrCat("u", i)}).Increment();
  }
  const std::string text = registry.Render();
  size_t samples = 0;
  for (size_t at = 0; (at = text.find("\nb_total{", at)) != std::string::npos;
       ++at) {
    ++samples;
  }
  EXPECT_EQ(samples, CounterFamily::kMaxChildren);
  // The sets past the bound all count in the overflow child.
  EXPECT_THAT(text, HasSubstr("b_total{user=\"other\"} 51\n"));
}

TEST(MetricsTest, CollectorsRunBeforeEachRender) {
  Registry registry;
  Gauge& gauge = registry.AddGauge("c_depth", "C.").WithLabels({});
  int runs = 0;
  registry.AddCollector([&] { gauge.Set(++runs); });
  EXPECT_THAT(registry.Render(), HasSubstr("c_depth 1\n"));
  EXPECT_THAT(registry.Render(), HasSubstr("c_depth 2\n"));
}

// promtool, from Debian's prometheus package, lints the exposition as
// Prometheus itself would read it.
TEST(MetricsTest, PromtoolAcceptsTheExposition) {
  Registry registry;
  registry.AddCounter("lint_calls_total", "Calls.", {"code"})
      .WithLabels({"OK"})
      .Increment();
  registry.AddGauge("lint_depth", "Depth.", {"queue"})
      .WithLabels({"pending"})
      .Set(4);
  registry.AddHistogram("lint_call_seconds", "Latency.", {"method"},
                        LatencyBuckets())
      .WithLabels({"Post"})
      .Observe(0.003);
  const std::string path = ::testing::TempDir() + "/exposition.txt";
  std::ofstream(path) << registry.Render();
  const std::string command =
      absl::StrCat(PROMTOOL_PATH, " check metrics < ", path, " 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  const int status = pclose(pipe);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "");
}

TEST(HttpExporterTest, ServesTheRegistryOnMetrics) {
  Registry registry;
  registry.AddCounter("h_total", "H.").WithLabels({}).Increment(7);
  absl::StatusOr<std::unique_ptr<HttpExporter>> exporter =
      HttpExporter::Start(&registry, "127.0.0.1:0");
  ASSERT_TRUE(exporter.ok()) << exporter.status();
  httplib::Client http("127.0.0.1", (*exporter)->port());
  httplib::Result res = http.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), kExpositionContentType);
  EXPECT_THAT(res->body, HasSubstr("h_total 7\n"));
  httplib::Result other = http.Get("/other");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
}

TEST(HttpExporterTest, RefusesABadAddress) {
  Registry registry;
  EXPECT_EQ(HttpExporter::Start(&registry, "no-port").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpExporter::Start(&registry, "127.0.0.1:99999").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace comments::metrics
