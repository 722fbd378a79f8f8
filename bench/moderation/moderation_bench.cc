// The moderation engine against vectorscan on the same corpus and words.
//
// BM_Engine runs Lexicon::Check (normalization, matching, detectors and the
// verdict with its masked copy) on every line; BM_Vectorscan scans the same
// lines for the same words as plain literals with no normalization, the
// ceiling of what a multi-pattern matcher does on this machine. Both report
// bytes/s of original text. Counters: compile seconds and memory of each.
#include <hs/hs.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/moderation/corpus.h"
#include "benchmark/benchmark.h"
#include "moderation/moderation.h"

namespace moderation::bench {
namespace {

constexpr size_t kLines = 3000;
constexpr int kHitPermille = 10;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

// Everything one lexicon size needs, built once per process.
struct Fixture {
  std::vector<LexiconEntry> entries;
  std::vector<std::string> corpus;
  size_t bytes = 0;
  std::shared_ptr<const Lexicon> lexicon;
  std::shared_ptr<const Lexicon> words_only;  // Contact detectors off.
  double compile_seconds = 0;
  hs_database_t* hs_db = nullptr;
  hs_scratch_t* hs_scratch = nullptr;
  double hs_compile_seconds = 0;
  size_t hs_bytes = 0;
};

const Fixture& GetFixture(size_t size) {
  static auto* const fixtures = new std::map<size_t, std::unique_ptr<Fixture>>;
  auto& slot = (*fixtures)[size];
  if (slot) return *slot;
  slot = std::make_unique<Fixture>();
  Fixture& f = *slot;
  f.entries = MakeLexicon(size);
  f.corpus = MakeCorpus(f.entries, kLines, kHitPermille);
  for (const std::string& line : f.corpus) f.bytes += line.size();

  auto start = std::chrono::steady_clock::now();
  auto compiled = Lexicon::Compile(f.entries, EngineOptions());
  f.compile_seconds = Seconds(start);
  if (!compiled.ok()) {
    std::fprintf(stderr, "compile: %s\n", compiled.status().ToString().c_str());
    std::abort();
  }
  f.lexicon = *compiled;
  EngineOptions words_only;
  words_only.contact = {Action::kAllow, Action::kAllow, Action::kAllow,
                        Action::kAllow};
  f.words_only = *Lexicon::Compile(f.entries, words_only);

  std::vector<const char*> words;
  std::vector<size_t> lengths;
  std::vector<unsigned> ids, flags;
  for (size_t i = 0; i < f.entries.size(); ++i) {
    words.push_back(f.entries[i].word.data());
    lengths.push_back(f.entries[i].word.size());
    ids.push_back(static_cast<unsigned>(i));
    flags.push_back(0);
  }
  hs_compile_error_t* error = nullptr;
  start = std::chrono::steady_clock::now();
  if (hs_compile_lit_multi(words.data(), flags.data(), ids.data(),
                           lengths.data(), static_cast<unsigned>(words.size()),
                           HS_MODE_BLOCK, nullptr, &f.hs_db,
                           &error) != HS_SUCCESS) {
    std::fprintf(stderr, "hs_compile: %s\n", error->message);
    std::abort();
  }
  f.hs_compile_seconds = Seconds(start);
  hs_database_size(f.hs_db, &f.hs_bytes);
  hs_alloc_scratch(f.hs_db, &f.hs_scratch);
  return f;
}

// `words_only`: the lexicon alone, without the contact detectors, which
// vectorscan has no counterpart for.
void RunEngine(benchmark::State& state, bool words_only) {
  const Fixture& f = GetFixture(static_cast<size_t>(state.range(0)));
  const Lexicon& lexicon = words_only ? *f.words_only : *f.lexicon;
  size_t flagged = 0;
  for (auto _ : state) {
    flagged = 0;
    for (const std::string& line : f.corpus) {
      Verdict v = lexicon.Check(line);
      flagged += v.action != Action::kAllow;
      benchmark::DoNotOptimize(v);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
  state.counters["flagged_lines_pct"] = 100.0 * flagged / f.corpus.size();
  state.counters["compile_s"] = f.compile_seconds;
  state.counters["memory_MB"] = lexicon.MemoryUsage() / 1e6;
}

void BM_Engine(benchmark::State& state) { RunEngine(state, false); }
void BM_EngineWordsOnly(benchmark::State& state) { RunEngine(state, true); }

int OnMatch(unsigned, unsigned long long, unsigned long long, unsigned,
            void* context) {
  ++*static_cast<size_t*>(context);
  return 0;
}

void BM_Vectorscan(benchmark::State& state) {
  const Fixture& f = GetFixture(static_cast<size_t>(state.range(0)));
  size_t matches = 0;
  for (auto _ : state) {
    matches = 0;
    for (const std::string& line : f.corpus) {
      hs_scan(f.hs_db, line.data(), static_cast<unsigned>(line.size()), 0,
              f.hs_scratch, OnMatch, &matches);
    }
    benchmark::DoNotOptimize(matches);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.bytes));
  state.counters["matches"] = static_cast<double>(matches);
  state.counters["compile_s"] = f.hs_compile_seconds;
  state.counters["memory_MB"] = f.hs_bytes / 1e6;
}

// Cost of the reload-safe read path the service takes per request.
void BM_HolderGet(benchmark::State& state) {
  static LexiconHolder* holder = new LexiconHolder(GetFixture(100).lexicon);
  for (auto _ : state) {
    std::shared_ptr<const Lexicon> lexicon = holder->Get();
    benchmark::DoNotOptimize(lexicon);
  }
}

void Sizes(benchmark::internal::Benchmark* b) {
  b->Arg(100)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
}
BENCHMARK(BM_Engine)->Apply(Sizes);
BENCHMARK(BM_EngineWordsOnly)->Apply(Sizes);
BENCHMARK(BM_Vectorscan)->Apply(Sizes);
BENCHMARK(BM_HolderGet)->Threads(1)->Threads(2);

}  // namespace
}  // namespace moderation::bench

BENCHMARK_MAIN();
