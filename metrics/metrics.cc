#include "metrics/metrics.h"

#include <charconv>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace comments::metrics {
namespace {

// A sample value as Prometheus reads it: the shortest text that reads back
// as the same double, and +Inf, -Inf, NaN by name.
void AppendValue(double value, std::string& out) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[32];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer),
                                            value);
    out.append(buffer, end);
  }
}

// `{a="x",b="y"` without the closing brace, or "" when there are no labels
// and nothing to add after them.
void AppendLabels(const std::vector<std::string>& names,
                  const std::vector<std::string>& values, std::string& out) {
  for (size_t i = 0; i < names.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "{" : ",", names[i], "=\"",
                    EscapeLabelValue(values[i]), "\"");
  }
}

void CloseLabels(bool any, std::string& out) {
  if (any) out += '}';
}

// The key of a set of label values in a family's index. Each value is
// length-prefixed, since a value may hold any byte.
std::string IndexKey(const std::vector<std::string>& values) {
  std::string key;
  for (const std::string& v : values) absl::StrAppend(&key, v.size(), ":", v);
  return key;
}

void RenderSample(const std::string& name,
                  const std::vector<std::string>& label_names,
                  const std::vector<std::string>& values, const Counter& c,
                  const std::vector<double>*, std::string& out) {
  out += name;
  AppendLabels(label_names, values, out);
  CloseLabels(!label_names.empty(), out);
  absl::StrAppend(&out, " ", c.value(), "\n");
}

void RenderSample(const std::string& name,
                  const std::vector<std::string>& label_names,
                  const std::vector<std::string>& values, const Gauge& g,
                  const std::vector<double>*, std::string& out) {
  out += name;
  AppendLabels(label_names, values, out);
  CloseLabels(!label_names.empty(), out);
  out += ' ';
  AppendValue(g.value(), out);
  out += '\n';
}

void RenderSample(const std::string& name,
                  const std::vector<std::string>& label_names,
                  const std::vector<std::string>& values, const Histogram& h,
                  const std::vector<double>* bounds, std::string& out) {
  const Histogram::Snapshot snapshot = h.Read();
  for (size_t i = 0; i <= bounds->size(); ++i) {
    absl::StrAppend(&out, name, "_bucket");
    AppendLabels(label_names, values, out);
    out += label_names.empty() ? "{le=\"" : ",le=\"";
    AppendValue(i < bounds->size() ? (*bounds)[i] : INFINITY, out);
    absl::StrAppend(&out, "\"} ", snapshot.cumulative[i], "\n");
  }
  absl::StrAppend(&out, name, "_sum");
  AppendLabels(label_names, values, out);
  CloseLabels(!label_names.empty(), out);
  out += ' ';
  AppendValue(snapshot.sum, out);
  absl::StrAppend(&out, "\n", name, "_count");
  AppendLabels(label_names, values, out);
  CloseLabels(!label_names.empty(), out);
  absl::StrAppend(&out, " ", snapshot.cumulative.back(), "\n");
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> bounds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return bounds;
}

Histogram::Histogram(const std::vector<double>* bounds)
    : bounds_(bounds),
      counts_(new std::atomic<uint64_t>[bounds->size() + 1]) {
  for (size_t i = 0; i <= bounds_->size(); ++i) counts_[i] = 0;
}

void Histogram::Observe(double value) {
  // A linear scan: a dozen bounds, most observations in the first few.
  size_t i = 0;
  while (i < bounds_->size() && value > (*bounds_)[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.cumulative.resize(bounds_->size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_->size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative[i] = total;
  }
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

template <typename Metric>
Family<Metric>::Family(std::string name, std::string help, std::string type,
                       std::vector<std::string> label_names,
                       const std::vector<double>* bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(std::move(type)),
      label_names_(std::move(label_names)),
      bounds_(bounds) {}

template <typename Metric>
Metric* Family<Metric>::Make() {
  if constexpr (std::is_same_v<Metric, Histogram>) {
    return new Histogram(bounds_);
  } else {
    return new Metric();
  }
}

template <typename Metric>
Metric& Family<Metric>::WithLabels(const std::vector<std::string>& values) {
  std::string key = IndexKey(values);
  {
    absl::ReaderMutexLock lock(&mu_);
    if (auto it = index_.find(key); it != index_.end()) return *it->second;
  }
  absl::MutexLock lock(&mu_);
  if (auto it = index_.find(key); it != index_.end()) return *it->second;
  std::vector<std::string> labels = values;
  if (children_.size() + 1 >= kMaxChildren) {
    labels.assign(label_names_.size(), "other");
    key = IndexKey(labels);
    if (auto it = index_.find(key); it != index_.end()) return *it->second;
  }
  Metric* metric = Make();
  children_.emplace_back(std::move(labels), std::unique_ptr<Metric>(metric));
  index_.emplace(std::move(key), metric);
  return *metric;
}

template <typename Metric>
void Family<Metric>::Render(std::string& out) const {
  absl::StrAppend(&out, "# HELP ", name_, " ", help_, "\n# TYPE ", name_, " ",
                  type_, "\n");
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [values, metric] : children_) {
    RenderSample(name_, label_names_, values, *metric, bounds_, out);
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

CounterFamily& Registry::AddCounter(std::string name, std::string help,
                                    std::vector<std::string> label_names) {
  auto* family = new CounterFamily(std::move(name), std::move(help), "counter",
                                   std::move(label_names), nullptr);
  absl::MutexLock lock(&mu_);
  families_.push_back(Entry{.counter = std::unique_ptr<CounterFamily>(family)});
  return *family;
}

GaugeFamily& Registry::AddGauge(std::string name, std::string help,
                                std::vector<std::string> label_names) {
  auto* family = new GaugeFamily(std::move(name), std::move(help), "gauge",
                                 std::move(label_names), nullptr);
  absl::MutexLock lock(&mu_);
  families_.push_back(Entry{.gauge = std::unique_ptr<GaugeFamily>(family)});
  return *family;
}

HistogramFamily& Registry::AddHistogram(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bounds) {
  absl::MutexLock lock(&mu_);
  bounds_.push_back(std::make_unique<std::vector<double>>(std::move(bounds)));
  auto* family =
      new HistogramFamily(std::move(name), std::move(help), "histogram",
                          std::move(label_names), bounds_.back().get());
  families_.push_back(
      Entry{.histogram = std::unique_ptr<HistogramFamily>(family)});
  return *family;
}

void Registry::AddCollector(std::function<void()> collect) {
  absl::MutexLock lock(&mu_);
  collectors_.push_back(std::move(collect));
}

std::string Registry::Render() const {
  std::vector<std::function<void()>> collectors;
  {
    absl::ReaderMutexLock lock(&mu_);
    collectors = collectors_;
  }
  for (const auto& collect : collectors) collect();
  std::string out;
  absl::ReaderMutexLock lock(&mu_);
  for (const Entry& e : families_) {
    if (e.counter) e.counter->Render(out);
    if (e.gauge) e.gauge->Render(out);
    if (e.histogram) e.histogram->Render(out);
  }
  return out;
}

}  // namespace comments::metrics
