#ifndef COMMENTS_METRICS_METRICS_H_
#define COMMENTS_METRICS_METRICS_H_

// Prometheus metrics, kept in memory and rendered in the text exposition
// format (version 0.0.4) that a Prometheus server scrapes. Debian packages no
// C++ Prometheus client, so this is the small part of one the servers need:
// counters, gauges and histograms in labelled families, and a registry that
// renders them.
//
//   metrics::Registry registry;
//   metrics::CounterFamily& calls = registry.AddCounter(
//       "app_calls_total", "Calls served.", {"method", "code"});
//   metrics::Counter& ok = calls.WithLabels({"Post", "OK"});  // Once.
//   ok.Increment();                                           // Per call.
//   std::string text = registry.Render();                     // Per scrape.
//
// The request path only touches a Counter, Gauge or Histogram it resolved
// before (WithLabels at start-up, or once per distinct label set): each
// update is one relaxed atomic operation, with no lock. WithLabels takes a
// lock and may allocate; a family refuses to grow past its bound of label
// sets and hands out one overflow child instead (labelled "other"), so that
// a label fed from outside can never make the exposition grow without end.
//
// Thread-safe: every method of every class here may be called from any
// thread. Families and children live as long as their registry, so the
// references handed out stay valid until then.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace comments::metrics {

// A value that only goes up (resets when the process restarts).
class Counter final {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void Increment(uint64_t by = 1) {
    value_.fetch_add(by, std::memory_order_relaxed);
  }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge final {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets by upper bound, with their sum.
class Histogram final {
 public:
  // REQUIRES: `bounds` strictly increasing and finite; +Inf is implied.
  explicit Histogram(const std::vector<double>* bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(double value);

  // A consistent-enough copy for rendering: each bucket is read on its own,
  // so a scrape during updates may see a count one ahead of a bucket, as
  // with every Prometheus client.
  struct Snapshot {
    std::vector<uint64_t> cumulative;  // One per bound, then +Inf.
    double sum = 0;
  };
  Snapshot Read() const;

 private:
  const std::vector<double>* const bounds_;
  // Non-cumulative counts, one per bound and one for +Inf.
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// Latency buckets in seconds, 0.5 ms to 10 s: from a cached list call to a
// Redis failover.
const std::vector<double>& LatencyBuckets();

// A metric and its children, one per distinct set of label values.
template <typename Metric>
class Family final {
 public:
  // The children a family holds at most, the overflow child included.
  static constexpr size_t kMaxChildren = 1000;

  // The child for `values` (one per label name, in order), made on first
  // use. Past kMaxChildren distinct sets, every new set gets the one child
  // whose every label is "other".
  // REQUIRES: values.size() equals the number of label names.
  Metric& WithLabels(const std::vector<std::string>& values);

  const std::string& name() const { return name_; }

 private:
  friend class Registry;
  Family(std::string name, std::string help, std::string type,
         std::vector<std::string> label_names,
         const std::vector<double>* bounds);
  Metric* Make();
  void Render(std::string& out) const;

  const std::string name_;
  const std::string help_;
  const std::string type_;
  const std::vector<std::string> label_names_;
  const std::vector<double>* const bounds_;  // Histograms only.
  mutable absl::Mutex mu_;
  // In creation order, for a stable exposition.
  std::vector<std::pair<std::vector<std::string>, std::unique_ptr<Metric>>>
      children_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Metric*> index_ ABSL_GUARDED_BY(mu_);
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// The families of one process, rendered together.
class Registry final {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Adds a family. `name` and label names follow Prometheus's rules
  // ([a-zA-Z_:][a-zA-Z0-9_:]* and [a-zA-Z_][a-zA-Z0-9_]*); counters end in
  // _total. REQUIRES: a name not added before.
  CounterFamily& AddCounter(std::string name, std::string help,
                            std::vector<std::string> label_names = {});
  GaugeFamily& AddGauge(std::string name, std::string help,
                        std::vector<std::string> label_names = {});
  // REQUIRES: `bounds` strictly increasing and finite.
  HistogramFamily& AddHistogram(std::string name, std::string help,
                                std::vector<std::string> label_names,
                                std::vector<double> bounds);

  // Runs before each Render: for values read at scrape time rather than
  // kept up to date (a queue's depth asked of Redis, a lexicon's version).
  // A collector must be quick and must not call Render.
  void AddCollector(std::function<void()> collect);

  // Every family, in the order added, in the text exposition format.
  std::string Render() const;

 private:
  // One family, of whichever kind was added.
  struct Entry {
    std::unique_ptr<CounterFamily> counter;
    std::unique_ptr<GaugeFamily> gauge;
    std::unique_ptr<HistogramFamily> histogram;
  };

  mutable absl::Mutex mu_;
  std::vector<Entry> families_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<std::vector<double>>> bounds_
      ABSL_GUARDED_BY(mu_);
  std::vector<std::function<void()>> collectors_ ABSL_GUARDED_BY(mu_);
};

// A label value as the exposition writes it: backslash, double quote and
// newline escaped.
std::string EscapeLabelValue(const std::string& value);

}  // namespace comments::metrics

#endif  // COMMENTS_METRICS_METRICS_H_
