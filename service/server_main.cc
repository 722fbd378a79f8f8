// comment-server: serves comments.v1 over gRPC from Redis. Flags are parsed
// here and nowhere else; see docs/operations.md.

#include <google/protobuf/stubs/logging.h>
#include <grpc/support/log.h>
#include <pthread.h>

#include <csignal>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "logging/log.h"
#include "moderation/moderation.h"
#include "service/server.h"
#include "service/store/lua_words.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC address: HOST:PORT or unix:/path/to.sock");
ABSL_FLAG(std::string, redis, "redis://127.0.0.1:6379",
          "Redis: redis://HOST:PORT or unix:///path/to.sock; for a Redis "
          "Cluster, any of its nodes, or several separated by commas "
          "(redis://h1:7000,h2:7001: later ones may leave out redis://)");
ABSL_FLAG(int, max_body_chars, 2000,
          "Longest comment body, in code points after trimming");
ABSL_FLAG(std::string, redis_password_file, "",
          "File whose first line is the password Redis requires (requirepass "
          "or --redis_user's ACL password); empty: no AUTH");
ABSL_FLAG(std::string, redis_user, "",
          "Redis ACL user to AUTH as (needs --redis_password_file)");
ABSL_FLAG(int, redis_connections, 2,
          "Redis connections, each pipelining every call in flight");
ABSL_FLAG(absl::Duration, hot_half_life, absl::Hours(6),
          "Hot order gravity: age worth a doubling of likes (e.g. 6h, 90m)");
ABSL_FLAG(double, hot_reply_weight, 2.0,
          "Hot order: how many likes one reply is worth");
ABSL_FLAG(absl::Duration, store_timeout, absl::Seconds(2),
          "Longest a call waits on Redis (a client deadline may cut it)");
ABSL_FLAG(std::string, page_token_secret, "",
          "Key signing page tokens; replicas must share it. Defaults to a "
          "fixed development key, with a warning");
ABSL_FLAG(std::string, page_token_previous_secret, "",
          "The page-token secret before the last rotation: its tokens are "
          "still accepted, new ones are signed with --page_token_secret");
ABSL_FLAG(int, moderation_threads, 4,
          "Threads running moderators' calls, each waiting on Redis for one "
          "call at a time (readers' calls hold no thread while they wait)");
ABSL_FLAG(std::string, default_policy, "post",
          "Moderation of articles without a policy: post (publish, hold what "
          "the lexicon flags) or pre (hold everything)");
ABSL_FLAG(int, report_threshold, 3,
          "Distinct reports that put a comment in the reported queue");
ABSL_FLAG(int, post_limit, 0,
          "Flood control: most comments an author may post to one article "
          "per --post_limit_window (0: no limit)");
ABSL_FLAG(absl::Duration, post_limit_window, absl::Minutes(1),
          "Flood control: the window of --post_limit");
ABSL_FLAG(absl::Duration, duplicate_window, absl::ZeroDuration(),
          "Flood control: refuse an author's last text posted again under the "
          "same parent within this long (0: allow)");
ABSL_FLAG(int, author_post_limit, 0,
          "Flood control: most comments an author may post across all "
          "articles in any --author_post_limit_window (0: no limit)");
ABSL_FLAG(absl::Duration, author_post_limit_window, absl::Minutes(10),
          "Flood control: the sliding window of --author_post_limit");
ABSL_FLAG(int, address_post_limit, 0,
          "Flood control: most comments one client address may post, across "
          "all articles and accounts, in any --address_post_limit_window (0: "
          "no limit); IPv6 counts per /64");
ABSL_FLAG(absl::Duration, address_post_limit_window, absl::Minutes(10),
          "Flood control: the sliding window of --address_post_limit");
ABSL_FLAG(int, like_limit, 0,
          "Flood control: most likes one user may give in any "
          "--like_limit_window (0: no limit)");
ABSL_FLAG(absl::Duration, like_limit_window, absl::Minutes(10),
          "Flood control: the sliding window of --like_limit");
ABSL_FLAG(int, address_like_limit, 0,
          "Flood control: most likes from one client address, across "
          "accounts, in any --address_like_limit_window (0: no limit)");
ABSL_FLAG(absl::Duration, address_like_limit_window, absl::Minutes(10),
          "Flood control: the sliding window of --address_like_limit");
ABSL_FLAG(int, report_limit, 0,
          "Flood control: most reports one user may make in any "
          "--report_limit_window (0: no limit)");
ABSL_FLAG(absl::Duration, report_limit_window, absl::Hours(1),
          "Flood control: the sliding window of --report_limit");
ABSL_FLAG(int, address_report_limit, 0,
          "Flood control: most reports from one client address, across "
          "accounts, in any --address_report_limit_window (0: no limit)");
ABSL_FLAG(absl::Duration, address_report_limit_window, absl::Hours(1),
          "Flood control: the sliding window of --address_report_limit");
ABSL_FLAG(std::string, trusted_portal_peers, "",
          "Comma-separated IPs, CIDR blocks and `unix` (unix-socket clients) "
          "whose x-client-address metadata the address limits believe; "
          "other peers count under their own address");
ABSL_FLAG(std::string, lexicon, "",
          "TSV lexicon (word TAB category TAB action) that seeds the shared "
          "keyword list on first start");
ABSL_FLAG(std::string, segmentation_dictionary,
          moderation::kDefaultDictionaryPath,
          "Word-frequency dictionary (jieba's dict.txt, from Debian's "
          "python3-jieba) for Chinese word boundaries in moderation; empty "
          "turns them off (docs/moderation.md)");
ABSL_FLAG(std::string, contact_url_action, "review",
          "Links in comments: allow, mask, review or block");
ABSL_FLAG(std::string, contact_phone_action, "review",
          "Phone numbers in comments: allow, mask, review or block");
ABSL_FLAG(std::string, contact_qq_action, "review",
          "QQ ids in comments: allow, mask, review or block");
ABSL_FLAG(std::string, contact_wechat_action, "review",
          "WeChat ids in comments: allow, mask, review or block");
ABSL_FLAG(int, wave_accounts, 0,
          "Copy-paste waves: hold copies of a text once more than this many "
          "distinct accounts posted it within --wave_window (0: off)");
ABSL_FLAG(absl::Duration, wave_window, absl::Minutes(10),
          "Copy-paste waves: the window distinct accounts are counted over");
ABSL_FLAG(absl::Duration, wave_retention, absl::Hours(24),
          "Copy-paste waves: how long a wave stays listed for moderators "
          "after its last copy");
ABSL_FLAG(int, wave_min_chars, 12,
          "Copy-paste waves: texts with fewer characters (once noise and "
          "repeats are dropped) are never counted");
ABSL_FLAG(absl::Duration, keyword_poll_interval, absl::Milliseconds(250),
          "How often to look for keyword and ban changes made by other "
          "replicas");
ABSL_FLAG(absl::Duration, health_interval, absl::Seconds(1),
          "How often to check Redis (every cluster primary) for the gRPC "
          "health service; two failures in a row: NOT_SERVING");
ABSL_FLAG(absl::Duration, queue_repair_interval, absl::Minutes(10),
          "How often to re-check the cross-article moderation queues");
ABSL_FLAG(std::string, moderator_tokens, "",
          "File of `TOKEN NAME` lines allowed to call ModerationService");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain: turns TLS on");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle: require and verify client certificates (mTLS)");
ABSL_FLAG(std::string, metrics_listen, "",
          "HOST:PORT to serve Prometheus metrics on, at /metrics (empty: "
          "off). Never expose it beyond the operators' network");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "On SIGTERM/SIGINT, how long calls in flight may finish");
ABSL_FLAG(std::string, log_level, "info",
          "Least level of the lines written to stderr: debug, info (one "
          "access line per call), warning or error");
ABSL_FLAG(bool, log_client_ip, false,
          "Name the client's address (\"peer\") in each call's access line");

namespace {
constexpr char kDevelopmentSecret[] = "comment-server development key";

using comments::logging::Level;
using comments::logging::Log;

// gRPC's and protobuf's own messages become lines of the same log (events
// "grpc" and "protobuf"), so that every line on stderr is JSON.
void CaptureLibraryLogs() {
  gpr_set_log_function([](gpr_log_func_args* args) {
    const Level level = args->severity == GPR_LOG_SEVERITY_ERROR ? Level::kError
                        : args->severity == GPR_LOG_SEVERITY_INFO
                            ? Level::kInfo
                            : Level::kDebug;
    Log(level, "grpc",
        {{"message", args->message},
         {"source", absl::StrCat(args->file, ":", args->line)}});
  });
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel severity,
                                     const char* file, int line,
                                     const std::string& message) {
    const Level level = severity >= google::protobuf::LOGLEVEL_ERROR
                            ? Level::kError
                        : severity == google::protobuf::LOGLEVEL_WARNING
                            ? Level::kWarning
                            : Level::kInfo;
    Log(level, "protobuf",
        {{"message", message}, {"source", absl::StrCat(file, ":", line)}});
  });
}

// A start that cannot go on: the line says what to fix.
int StartFailed(const absl::Status& s) {
  Log(Level::kError, "start_failed",
      {{"error", s.ToString()},
       {"action", "fix the flag or file the error names, then start again"}});
  return 1;
}

// Parses the flags that are words into ServerOptions' enums, once; a bad
// word is refused as CommentServer::Start refuses a bad option.
absl::Status ParseWordFlags(comments::ServerOptions& options) {
  // post or pre, spelled as Redis spells policies.
  const std::optional<comments::v1::Policy> policy =
      comments::FindLuaWord<comments::v1::Policy>(
          absl::GetFlag(FLAGS_default_policy));
  if (!policy || *policy == comments::v1::POLICY_CLOSED) {
    return absl::InvalidArgumentError("default_policy must be post or pre");
  }
  options.default_policy = *policy;
  const struct {
    const char* name;
    const absl::Flag<std::string>& flag;
    moderation::Action& action;
  } contacts[] = {
      {"url", FLAGS_contact_url_action, options.contact.url},
      {"phone", FLAGS_contact_phone_action, options.contact.phone},
      {"qq", FLAGS_contact_qq_action, options.contact.qq},
      {"wechat", FLAGS_contact_wechat_action, options.contact.wechat},
  };
  for (const auto& c : contacts) {
    absl::StatusOr<moderation::Action> action =
        moderation::ParseAction(absl::GetFlag(c.flag), /*allow_ok=*/true);
    if (!action.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "contact_", c.name, "_action: ", action.status().message()));
    }
    c.action = *action;
  }
  return absl::OkStatus();
}
}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Serves comments.v1.CommentService over gRPC from Redis.");
  absl::ParseCommandLine(argc, argv);
  CaptureLibraryLogs();
  const std::optional<Level> log_level =
      comments::logging::ParseLevel(absl::GetFlag(FLAGS_log_level));
  if (!log_level) {
    return StartFailed(absl::InvalidArgumentError(
        "log_level must be debug, info, warning or error"));
  }
  comments::logging::SetLevel(*log_level);
  // Debian's abseil keeps absl::Mutex deadlock detection on, which showed up
  // in server profiles (GraphCycles bookkeeping on every lock); the tests'
  // builds keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  comments::ServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.redis = absl::GetFlag(FLAGS_redis);
  options.max_body_chars = absl::GetFlag(FLAGS_max_body_chars);
  options.redis_connections = absl::GetFlag(FLAGS_redis_connections);
  options.redis_password_path = absl::GetFlag(FLAGS_redis_password_file);
  options.redis_username = absl::GetFlag(FLAGS_redis_user);
  options.hot_half_life = absl::GetFlag(FLAGS_hot_half_life);
  options.hot_reply_weight = absl::GetFlag(FLAGS_hot_reply_weight);
  options.store_timeout = absl::GetFlag(FLAGS_store_timeout);
  options.moderation_threads = absl::GetFlag(FLAGS_moderation_threads);
  options.page_token_secret = absl::GetFlag(FLAGS_page_token_secret);
  options.page_token_previous_secret =
      absl::GetFlag(FLAGS_page_token_previous_secret);
  options.report_threshold = absl::GetFlag(FLAGS_report_threshold);
  options.post_limit = absl::GetFlag(FLAGS_post_limit);
  options.post_limit_window = absl::GetFlag(FLAGS_post_limit_window);
  options.duplicate_window = absl::GetFlag(FLAGS_duplicate_window);
  options.author_post_limit = absl::GetFlag(FLAGS_author_post_limit);
  options.author_post_limit_window =
      absl::GetFlag(FLAGS_author_post_limit_window);
  options.address_post_limit = absl::GetFlag(FLAGS_address_post_limit);
  options.address_post_limit_window =
      absl::GetFlag(FLAGS_address_post_limit_window);
  options.like_limit = absl::GetFlag(FLAGS_like_limit);
  options.like_limit_window = absl::GetFlag(FLAGS_like_limit_window);
  options.address_like_limit = absl::GetFlag(FLAGS_address_like_limit);
  options.address_like_limit_window =
      absl::GetFlag(FLAGS_address_like_limit_window);
  options.report_limit = absl::GetFlag(FLAGS_report_limit);
  options.report_limit_window = absl::GetFlag(FLAGS_report_limit_window);
  options.address_report_limit = absl::GetFlag(FLAGS_address_report_limit);
  options.address_report_limit_window =
      absl::GetFlag(FLAGS_address_report_limit_window);
  options.trusted_portal_peers = absl::GetFlag(FLAGS_trusted_portal_peers);
  options.lexicon_path = absl::GetFlag(FLAGS_lexicon);
  options.segmentation_dictionary = absl::GetFlag(FLAGS_segmentation_dictionary);
  options.wave_accounts = absl::GetFlag(FLAGS_wave_accounts);
  options.wave_window = absl::GetFlag(FLAGS_wave_window);
  options.wave_retention = absl::GetFlag(FLAGS_wave_retention);
  options.wave_min_chars = absl::GetFlag(FLAGS_wave_min_chars);
  options.keyword_poll_interval = absl::GetFlag(FLAGS_keyword_poll_interval);
  options.queue_repair_interval = absl::GetFlag(FLAGS_queue_repair_interval);
  options.health_interval = absl::GetFlag(FLAGS_health_interval);
  options.moderator_tokens_path = absl::GetFlag(FLAGS_moderator_tokens);
  options.tls_cert_path = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key_path = absl::GetFlag(FLAGS_tls_key);
  options.tls_client_ca_path = absl::GetFlag(FLAGS_tls_client_ca);
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  options.log_client_ip = absl::GetFlag(FLAGS_log_client_ip);
  if (absl::Status s = ParseWordFlags(options); !s.ok()) return StartFailed(s);
  if (options.page_token_secret.empty()) {
    Log(Level::kWarning, "page_token_secret_missing",
        {{"action",
          "set --page_token_secret (the same on every replica): page tokens "
          "are signed with the public development key"}});
    options.page_token_secret = kDevelopmentSecret;
  }

  auto server = comments::CommentServer::Start(options);
  if (!server.ok()) return StartFailed(server.status());
  comments::logging::Fields listening = {{"listen", options.listen},
                                         {"port", (*server)->port()},
                                         {"redis", options.redis}};
  if ((*server)->metrics_port() != 0) {
    listening["metrics_port"] = (*server)->metrics_port();
  }
  Log(Level::kInfo, "listening", listening);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  Log(Level::kInfo, "draining", {{"signal", signal_number}});
  (*server)->Shutdown(absl::GetFlag(FLAGS_shutdown_grace));
  (*server)->Wait();
  Log(Level::kInfo, "stopped");
  return 0;
}
