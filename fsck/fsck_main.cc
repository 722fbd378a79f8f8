// comment-fsck: checks that what the comment service keeps in Redis is
// consistent, and with --repair repairs what can be derived. Exit codes: 0
// clean, 1 damage found and all of it repaired, 2 damage left, 3 could not
// run. docs/reliability.md says what it checks and when to run it.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "fsck/fsck.h"
#include "redis/redis_client.h"

ABSL_FLAG(std::string, redis, "redis://127.0.0.1:6379",
          "Redis URL (redis://HOST:PORT or unix:///path), or a comma-separated "
          "list of a Redis Cluster's nodes: every primary is scanned");
ABSL_FLAG(std::string, redis_password_file, "",
          "File whose first line is the password Redis requires (requirepass "
          "or --redis_user's ACL password); empty: no AUTH");
ABSL_FLAG(std::string, redis_user, "",
          "Redis ACL user to AUTH as (needs --redis_password_file)");
ABSL_FLAG(std::string, article, "",
          "Check only this article (default: every article)");
ABSL_FLAG(bool, repair, false,
          "Repair what can be derived from the comment records and likers");
ABSL_FLAG(bool, json, false, "Print the report as one JSON object");
ABSL_FLAG(double, rate, 50,
          "At most this many SCAN steps (of 100 keys) and this many article "
          "checks per second, each");
ABSL_FLAG(absl::Duration, hot_half_life, absl::Hours(6),
          "The server's --hot_half_life (hot scores are checked with it)");
ABSL_FLAG(double, hot_reply_weight, 2.0,
          "The server's --hot_reply_weight (hot scores are checked with it)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Checks the comment service's data in Redis; --repair fixes what can "
      "be derived.\nExit: 0 clean, 1 repaired, 2 damage left, 3 could not "
      "run.");
  absl::ParseCommandLine(argc, argv);
  using comments::fsck::kExitCouldNotRun;

  absl::StatusOr<comments::RedisClientOptions> redis_options =
      comments::RedisClientOptionsFor(absl::GetFlag(FLAGS_redis),
                                      absl::GetFlag(FLAGS_redis_user),
                                      absl::GetFlag(FLAGS_redis_password_file));
  if (!redis_options.ok()) {
    std::fprintf(stderr, "comment-fsck: %s\n",
                 redis_options.status().ToString().c_str());
    return kExitCouldNotRun;
  }
  comments::RedisClient redis(*redis_options);
  comments::fsck::Options options;
  options.repair = absl::GetFlag(FLAGS_repair);
  options.rate = absl::GetFlag(FLAGS_rate);
  options.hot_half_life = absl::GetFlag(FLAGS_hot_half_life);
  options.hot_reply_weight = absl::GetFlag(FLAGS_hot_reply_weight);
  comments::fsck::Checker checker(&redis, options);
  const std::string article = absl::GetFlag(FLAGS_article);
  absl::StatusOr<comments::fsck::Report> report =
      article.empty() ? checker.CheckAll() : checker.CheckArticle(article);
  if (!report.ok()) {
    std::fprintf(stderr, "comment-fsck: %s\n",
                 report.status().ToString().c_str());
    return kExitCouldNotRun;
  }
  const std::string out =
      absl::GetFlag(FLAGS_json) ? report->ToJson() + "\n" : report->ToText();
  std::fwrite(out.data(), 1, out.size(), stdout);
  return report->exit_code();
}
