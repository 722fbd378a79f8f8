// comment-seed: fills one article with generated comments straight through
// the store (the same Lua scripts the server runs, pipelined --batch at a
// time), then reports the Redis memory each comment costs.
//
//   comment-seed --redis=unix:///tmp/r.sock --article=big --count=1000000
//
// Memory is read from INFO memory (used_memory) before and after, so run it
// against a Redis holding nothing else that changes meanwhile.

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "redis/redis_client.h"
#include "service/store/comment_store.h"
#include "service/store/lua_words.h"

ABSL_FLAG(std::string, redis, "redis://127.0.0.1:6379", "Redis to fill");
ABSL_FLAG(std::string, article, "seeded", "Article id to fill");
ABSL_FLAG(int, count, 10000, "Comments to add");
ABSL_FLAG(int, body_chars, 200, "Characters per body");
ABSL_FLAG(bool, chinese, false, "Bodies of CJK characters (3 bytes each)");
ABSL_FLAG(int, reply_every, 0,
          "Every Nth comment replies to the one before (0: none)");
ABSL_FLAG(int, threads, 8, "Concurrent writers");
ABSL_FLAG(int, batch, 200, "Comments per pipelined round trip");
ABSL_FLAG(std::string, policy, "post",
          "post: publish; pre: hold every comment in the article's pending "
          "queue (a server started afterwards indexes them across articles)");

namespace {

int64_t UsedMemory(comments::RedisClient& redis) {
  auto info = redis.Command({"INFO", "memory"}, absl::Now() + absl::Seconds(5));
  if (!info.ok()) return -1;
  for (absl::string_view line : absl::StrSplit(info->str, "\r\n")) {
    if (absl::ConsumePrefix(&line, "used_memory:")) {
      int64_t bytes = 0;
      if (absl::SimpleAtoi(line, &bytes)) return bytes;
    }
  }
  return -1;
}

std::string Body(int n, bool chinese, int seed) {
  static const char* kHan[] = {"竹", "山", "县", "评", "论", "好", "文", "章"};
  std::string body;
  for (int i = 0; i < n; ++i) {
    if (chinese) {
      body += kHan[(i + seed) % 8];
    } else {
      body += static_cast<char>('a' + (i + seed) % 26);
    }
  }
  return body;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto endpoint = comments::RedisEndpoint::Parse(absl::GetFlag(FLAGS_redis));
  if (!endpoint.ok()) {
    std::fprintf(stderr, "%s\n", endpoint.status().ToString().c_str());
    return 2;
  }
  const std::optional<comments::v1::Policy> policy =
      comments::FindLuaWord<comments::v1::Policy>(absl::GetFlag(FLAGS_policy));
  if (!policy || *policy == comments::v1::POLICY_CLOSED) {
    std::fprintf(stderr, "--policy must be post or pre\n");
    return 2;
  }
  const int threads = absl::GetFlag(FLAGS_threads);
  comments::RedisClient redis({*endpoint, threads});
  comments::CommentStore store(&redis, {});
  const int count = absl::GetFlag(FLAGS_count);
  const int reply_every = absl::GetFlag(FLAGS_reply_every);
  const std::string article = absl::GetFlag(FLAGS_article);
  const int64_t before = UsedMemory(redis);

  std::atomic<int> next{0}, failures{0};
  std::atomic<int64_t> raw_bytes{0};
  const absl::Time start = absl::Now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      std::string last_id;
      const int batch = std::max(1, absl::GetFlag(FLAGS_batch));
      std::vector<comments::NewComment> pending;
      while (true) {
        const int first = next.fetch_add(batch);
        if (first >= count) break;
        pending.clear();
        for (int i = first; i < std::min(count, first + batch); ++i) {
          comments::NewComment c;
          c.article_id = article;
          c.author_id = absl::StrCat("user-", i % 5000);
          c.author_name = absl::StrCat("读者", i % 5000);
          c.default_policy = *policy;
          c.body = Body(absl::GetFlag(FLAGS_body_chars),
                        absl::GetFlag(FLAGS_chinese), i);
          // A reply needs its parent stored first: it ends the batch.
          if (reply_every > 0 && i % reply_every == 0 && !last_id.empty()) {
            c.parent_id = last_id;
          }
          pending.push_back(std::move(c));
        }
        auto results = store.PostMany(pending, absl::Now() + absl::Seconds(30));
        if (!results.ok()) {
          failures += pending.size();
          continue;
        }
        for (size_t k = 0; k < pending.size(); ++k) {
          const auto& r = (*results)[k];
          if (!r.ok()) {
            ++failures;
            continue;
          }
          const comments::NewComment& c = pending[k];
          last_id = r->stored.comment.comment_id();
          // The fields a comment holds, at their plain size: ids and text
          // as bytes, counts and time as 8 bytes each, status as 1.
          raw_bytes += last_id.size() + article.size() + c.parent_id.size() +
                       c.author_id.size() + c.author_name.size() +
                       c.body.size() + 8 + 8 + 8 + 1;
        }
      }
    });
  }
  for (std::thread& w : workers) w.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const int64_t after = UsedMemory(redis);
  const int stored = count - failures;
  const double per_comment =
      stored > 0 ? static_cast<double>(after - before) / stored : 0;
  const double raw = stored > 0 ? static_cast<double>(raw_bytes) / stored : 0;
  std::printf(
      "seeded %d comments (%d failed) into %s in %.1f s: %.0f comments/s, "
      "%d threads\n"
      "redis used_memory: %.0f bytes per comment; raw fields %.0f bytes; "
      "ratio %.2f\n",
      stored, failures.load(), article.c_str(), seconds, stored / seconds,
      threads, per_comment, raw, raw > 0 ? per_comment / raw : 0);
  return failures > 0 ? 1 : 0;
}
