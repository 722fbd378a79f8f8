// comment-loadgen: drives a CommentService (comment-server, or comment-echo
// for the ceiling) with a closed loop of concurrent calls over a few
// channels, using gRPC's callback API, and prints calls/s and latency
// percentiles per concurrency, with the CPU the named processes used.
//
//   comment-loadgen --target=127.0.0.1:50051 --scenario=list_hot
//       --article=big --concurrency=16,64,256 --duration=5s
//       --pids=server:1234,redis:5678
//
// Scenarios: list_hot, list_newest (page of 20), post, like, stats,
// batch_stats (20 articles), mix (80% list, 15% like, 5% post).
// --rate=N offers N calls/s on a fixed schedule instead (open loop), for
// latency at a given load.
// See bench/run_bench.sh for the full side-by-side run.

#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/time/clock.h"
#include "comments/v1/comments.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "Service to drive");
ABSL_FLAG(std::string, scenario, "list_hot", "What to call (see the head)");
ABSL_FLAG(std::string, article, "bench", "Article to read, like, post to");
ABSL_FLAG(int, comment_count, 1000, "like: comment ids 1..N to like");
ABSL_FLAG(std::string, concurrency, "16,64,256", "Calls in flight, a sweep");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "Measured time a point");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "Unmeasured time first");
ABSL_FLAG(int, channels, 4, "gRPC channels (connections) to spread over");
ABSL_FLAG(std::string, pids, "", "name:pid,... whose CPU use to report");
ABSL_FLAG(int, body_chars, 100, "post: characters per body");
ABSL_FLAG(std::string, label, "", "Prefix of each output line");
ABSL_FLAG(double, rate, 0,
          "Calls/s to offer on a fixed schedule (open loop, concurrency is "
          "then the most in flight); 0: closed loop");

namespace {

using comments::v1::CommentService;

// CPU seconds a process has used (user + system), from /proc.
double CpuSeconds(int pid) {
  std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  std::getline(stat, line);
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> fields = absl::StrSplit(line.substr(close + 2), ' ');
  double utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtod(fields[11], &utime) ||
      !absl::SimpleAtod(fields[12], &stime)) {
    return 0;
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

enum class Kind { kListHot, kListNewest, kPost, kLike, kStats, kBatchStats };

// One slot: issues a call, and on its completion the next one, until told
// to stop. Its latencies need no lock: one call at a time. With an
// `interval`, calls are due on a fixed schedule (open loop): the slot waits
// for a call's due time, and a late call's latency counts from when it was
// due, so a slow server cannot hide its queueing (no coordinated omission).
class Slot {
 public:
  Slot(CommentService::Stub* stub, std::string scenario, int seed,
       absl::Duration interval, std::atomic<bool>* measuring,
       std::atomic<bool>* stopping, absl::BlockingCounter* finished)
      : stub_(stub),
        scenario_(std::move(scenario)),
        random_(seed),
        interval_(interval),
        measuring_(measuring),
        stopping_(stopping),
        finished_(finished) {}

  void Start() {
    // Spread the slots' schedules over one interval.
    due_ = absl::Now() +
           interval_ * std::uniform_real_distribution<double>(0, 1)(random_);
    Next();
  }
  const std::vector<double>& latencies_ms() const { return latencies_ms_; }
  int64_t errors() const { return errors_; }
  const std::string& first_error() const { return first_error_; }

 private:
  struct Call {
    grpc::ClientContext context;
    absl::Time start;
    google::protobuf::Message* response = nullptr;
    std::unique_ptr<google::protobuf::Message> request, response_owner;
  };

  Kind Pick() {
    if (scenario_ == "list_hot") return Kind::kListHot;
    if (scenario_ == "list_newest") return Kind::kListNewest;
    if (scenario_ == "post") return Kind::kPost;
    if (scenario_ == "like") return Kind::kLike;
    if (scenario_ == "stats") return Kind::kStats;
    if (scenario_ == "batch_stats") return Kind::kBatchStats;
    const int dice = std::uniform_int_distribution<int>(0, 99)(random_);
    if (dice < 40) return Kind::kListHot;
    if (dice < 80) return Kind::kListNewest;
    if (dice < 95) return Kind::kLike;
    return Kind::kPost;
  }

  void Next() {
    if (stopping_->load()) {
      finished_->DecrementCount();
      return;
    }
    if (interval_ == absl::ZeroDuration()) return Issue(absl::Now());
    const absl::Time due = due_;
    due_ += interval_;
    if (due <= absl::Now()) return Issue(due);
    alarm_.Set(absl::ToChronoTime(due), [this, due](bool) { Issue(due); });
  }

  void Issue(absl::Time due) {
    auto* call = new Call;
    call->context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(10));
    call->start = due;
    auto done = [this, call](grpc::Status status) { Done(call, status); };
    const std::string& article = absl::GetFlag(FLAGS_article);
    switch (Pick()) {
      case Kind::kListHot:
      case Kind::kListNewest: {
        auto* req = new comments::v1::ListCommentsRequest;
        auto* resp = new comments::v1::ListCommentsResponse;
        req->set_article_id(article);
        req->set_page_size(20);
        req->set_order(scenario_ == "list_newest" ? comments::v1::ORDER_NEWEST
                                                  : comments::v1::ORDER_HOT);
        call->request.reset(req);
        call->response_owner.reset(resp);
        stub_->async()->ListComments(&call->context, req, resp, done);
        break;
      }
      case Kind::kPost: {
        auto* req = new comments::v1::PostCommentRequest;
        auto* resp = new comments::v1::PostCommentResponse;
        req->set_article_id(article);
        req->set_author_id(absl::StrCat("load-", random_() % 100000));
        std::string body;
        for (int i = 0; i < absl::GetFlag(FLAGS_body_chars); ++i) {
          body += "好";
        }
        req->set_body(body);
        call->request.reset(req);
        call->response_owner.reset(resp);
        stub_->async()->PostComment(&call->context, req, resp, done);
        break;
      }
      case Kind::kLike: {
        auto* req = new comments::v1::LikeCommentRequest;
        auto* resp = new comments::v1::LikeCommentResponse;
        req->set_article_id(article);
        req->set_comment_id(
            absl::StrCat(1 + random_() % absl::GetFlag(FLAGS_comment_count)));
        req->set_user_id(absl::StrCat("fan-", random_() % 1000000));
        call->request.reset(req);
        call->response_owner.reset(resp);
        stub_->async()->LikeComment(&call->context, req, resp, done);
        break;
      }
      case Kind::kStats: {
        auto* req = new comments::v1::GetArticleStatsRequest;
        auto* resp = new comments::v1::ArticleStats;
        req->set_article_id(article);
        call->request.reset(req);
        call->response_owner.reset(resp);
        stub_->async()->GetArticleStats(&call->context, req, resp, done);
        break;
      }
      case Kind::kBatchStats: {
        auto* req = new comments::v1::BatchGetArticleStatsRequest;
        auto* resp = new comments::v1::BatchGetArticleStatsResponse;
        for (int i = 0; i < 20; ++i) {
          req->add_article_ids(i == 0 ? article
                                      : absl::StrCat(article, "-", i));
        }
        call->request.reset(req);
        call->response_owner.reset(resp);
        stub_->async()->BatchGetArticleStats(&call->context, req, resp, done);
        break;
      }
    }
  }

  void Done(Call* call, const grpc::Status& status) {
    if (measuring_->load()) {
      if (status.ok()) {
        latencies_ms_.push_back(
            absl::ToDoubleMilliseconds(absl::Now() - call->start));
      } else {
        ++errors_;
        if (first_error_.empty()) {
          first_error_ =
              absl::StrCat(status.error_code(), " ", status.error_message());
        }
      }
    }
    delete call;
    Next();
  }

  CommentService::Stub* stub_;
  const std::string scenario_;
  std::mt19937_64 random_;
  const absl::Duration interval_;
  absl::Time due_;
  grpc::Alarm alarm_;
  std::atomic<bool>* measuring_;
  std::atomic<bool>* stopping_;
  absl::BlockingCounter* finished_;
  std::vector<double> latencies_ms_;
  int64_t errors_ = 0;
  std::string first_error_;
};

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t i =
      std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[i];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::vector<std::pair<std::string, int>> watched;
  for (absl::string_view item :
       absl::StrSplit(absl::GetFlag(FLAGS_pids), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, ':');
    int pid = 0;
    if (absl::SimpleAtoi(kv.second, &pid)) watched.emplace_back(kv.first, pid);
  }
  std::vector<std::unique_ptr<CommentService::Stub>> stubs;
  for (int i = 0; i < absl::GetFlag(FLAGS_channels); ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // Own connection.
    std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials(), args);
    // Connected before the first call: calls fail fast, and a connection
    // attempt that fails once would otherwise fail a second of them (gRPC's
    // first reconnect backoff) and count as the server's errors.
    if (!channel->WaitForConnected(std::chrono::system_clock::now() +
                                   std::chrono::seconds(10))) {
      std::fprintf(stderr, "comment-loadgen: cannot connect to %s\n",
                   absl::GetFlag(FLAGS_target).c_str());
      return 1;
    }
    stubs.push_back(CommentService::NewStub(channel));
  }
  std::printf("%s# scenario=%s target=%s channels=%zu duration=%s cores=%ld\n",
              absl::GetFlag(FLAGS_label).c_str(),
              absl::GetFlag(FLAGS_scenario).c_str(),
              absl::GetFlag(FLAGS_target).c_str(), stubs.size(),
              absl::FormatDuration(absl::GetFlag(FLAGS_duration)).c_str(),
              sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("%s%-12s %6s %10s %8s %8s %8s %7s",
              absl::GetFlag(FLAGS_label).c_str(), "scenario", "conc", "calls/s",
              "p50ms", "p99ms", "p999ms", "errors");
  for (const auto& [name, pid] : watched)
    std::printf(" %9s", (name + "%cpu").c_str());
  std::printf("\n");
  for (absl::string_view level :
       absl::StrSplit(absl::GetFlag(FLAGS_concurrency), ',')) {
    int concurrency = 0;
    if (!absl::SimpleAtoi(level, &concurrency) || concurrency < 1) continue;
    std::atomic<bool> measuring{false}, stopping{false};
    absl::BlockingCounter finished(concurrency);
    std::vector<std::unique_ptr<Slot>> slots;
    const double rate = absl::GetFlag(FLAGS_rate);
    const absl::Duration interval =
        rate > 0 ? absl::Seconds(concurrency / rate) : absl::ZeroDuration();
    for (int i = 0; i < concurrency; ++i) {
      slots.push_back(std::make_unique<Slot>(
          stubs[i % stubs.size()].get(), absl::GetFlag(FLAGS_scenario), i + 1,
          interval, &measuring, &stopping, &finished));
    }
    for (auto& slot : slots) slot->Start();
    absl::SleepFor(absl::GetFlag(FLAGS_warmup));
    std::vector<double> cpu_before;
    for (const auto& w : watched) cpu_before.push_back(CpuSeconds(w.second));
    const absl::Time start = absl::Now();
    measuring = true;
    absl::SleepFor(absl::GetFlag(FLAGS_duration));
    measuring = false;
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    std::vector<double> cpu;
    for (size_t i = 0; i < watched.size(); ++i) {
      cpu.push_back(100 * (CpuSeconds(watched[i].second) - cpu_before[i]) /
                    seconds);
    }
    stopping = true;
    finished.Wait();
    std::vector<double> all;
    int64_t errors = 0;
    std::string first_error;
    for (const auto& slot : slots) {
      all.insert(all.end(), slot->latencies_ms().begin(),
                 slot->latencies_ms().end());
      errors += slot->errors();
      if (first_error.empty()) first_error = slot->first_error();
    }
    std::sort(all.begin(), all.end());
    std::printf("%s%-12s %6d %10.0f %8.2f %8.2f %8.2f %7lld",
                absl::GetFlag(FLAGS_label).c_str(),
                absl::GetFlag(FLAGS_scenario).c_str(), concurrency,
                all.size() / seconds, Percentile(all, 0.5),
                Percentile(all, 0.99), Percentile(all, 0.999),
                static_cast<long long>(errors));
    for (double c : cpu) std::printf(" %9.0f", c);
    if (!first_error.empty())
      std::printf("  first error: %s", first_error.c_str());
    std::printf("\n");
    std::fflush(stdout);
  }
  return 0;
}
