#ifndef COMMENTS_SERVICE_SERVER_H_
#define COMMENTS_SERVICE_SERVER_H_

// The comment service, assembled: start here.
//
// A CommentServer serves comments.v1.CommentService (proto/comments/v1/
// comments.proto) and comments.v1.ModerationService (moderation.proto), the
// gRPC health service and server reflection, over one Redis or a Redis
// Cluster (found by itself: every key of an article shares a hash tag, so an
// article is one slot). Replicas hold no state between calls: run as many
// as the load needs against the same Redis.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "comments/v1/moderation.pb.h"
#include "moderation/moderation.h"

namespace comments {

struct ServerOptions {
  // gRPC listening address: "HOST:PORT" (port 0 picks a free one; see
  // CommentServer::port) or "unix:/path/to.sock".
  std::string listen = "127.0.0.1:50051";
  // "redis://HOST:PORT" or "unix:///path/to.sock"; for a Redis Cluster,
  // any of its nodes, or several separated by commas (tried in turn for the
  // slot table while the first does not answer).
  std::string redis = "redis://127.0.0.1:6379";
  // File whose first line is the password Redis requires (`requirepass`,
  // or `redis_username`'s ACL password); empty: no AUTH. A file, not a
  // flag, so that the password stays out of `ps` and shell history.
  std::string redis_password_path;
  // ACL user for AUTH; empty: Redis's default user.
  std::string redis_username;
  // Redis connections, each with an I/O thread that pipelines every call in
  // flight on it; the second is used once the first has 32 calls waiting.
  int redis_connections = 2;
  // Longest comment body, in code points after trimming. Must be positive.
  int max_body_chars = 2000;
  // Hot order: age worth a doubling of engagement, and a reply's weight in
  // likes (docs/hot-ranking.md). Half-life positive, weight >= 0.
  absl::Duration hot_half_life = absl::Hours(6);
  double hot_reply_weight = 2.0;
  // Longest the store may take for one call (capped by the client deadline).
  absl::Duration store_timeout = absl::Seconds(2);
  // Key that signs page tokens. Replicas behind one load balancer must
  // share it. Must not be empty.
  std::string page_token_secret;
  // The secret before the last rotation: its page tokens are still
  // accepted (new ones are signed with page_token_secret only). Empty:
  // none. Set it for as long as readers may hold its tokens, then drop it.
  std::string page_token_previous_secret;
  // Threads that run moderators' calls (ModerationService), each waiting on
  // the store for one call at a time; more calls wait their turn. Readers'
  // calls (CommentService) hold no thread while they wait on Redis.
  int moderation_threads = 4;

  // Moderation (docs/moderation.md).
  // Policy of articles that have none: POLICY_POST_MODERATION or
  // POLICY_PRE_MODERATION.
  v1::Policy default_policy = v1::POLICY_POST_MODERATION;
  // Distinct reports that put a comment in the reported queue. >= 1.
  int report_threshold = 3;
  // Flood control, per author and article (off by default): at most
  // `post_limit` comments per `post_limit_window` (0: no limit; more are
  // RESOURCE_EXHAUSTED), and the author's last text again under the same
  // parent within `duplicate_window` is ALREADY_EXISTS (0: allowed).
  int post_limit = 0;
  absl::Duration post_limit_window = absl::Minutes(1);
  absl::Duration duplicate_window = absl::ZeroDuration();
  // Flood control across articles (off by default; docs/operations.md,
  // "Flood control", suggests values). Each limit allows at most that many
  // actions in any window of its length (a sliding window; 0: no limit), and
  // refuses more with RESOURCE_EXHAUSTED saying when to retry. The counts
  // live in Redis, shared by every replica, and count accepted actions
  // only. Limits >= 0; windows at least 1 ms.
  // Posts per author across all articles.
  int author_post_limit = 0;
  absl::Duration author_post_limit_window = absl::Minutes(10);
  // Posts per client address across all articles and accounts.
  int address_post_limit = 0;
  absl::Duration address_post_limit_window = absl::Minutes(10);
  // Likes per user, and per client address (unlikes are free).
  int like_limit = 0;
  absl::Duration like_limit_window = absl::Minutes(10);
  int address_like_limit = 0;
  absl::Duration address_like_limit_window = absl::Minutes(10);
  // Reports per user, and per client address.
  int report_limit = 0;
  absl::Duration report_limit_window = absl::Hours(1);
  int address_report_limit = 0;
  absl::Duration address_report_limit_window = absl::Hours(1);
  // Peers whose `x-client-address` metadata (the reader's address, sent by
  // the portal) the address limits believe: a comma-separated list of IPv4
  // and IPv6 addresses, CIDR blocks and `unix` (clients of a unix socket).
  // Any other peer is counted under its own address. Empty: nobody's.
  std::string trusted_portal_peers;
  // TSV lexicon that seeds the shared keyword list the first time (empty:
  // none). Later changes go through ModerationService.UpdateKeywords.
  std::string lexicon_path;
  // Actions of the contact-spam detectors (links, phone numbers, QQ and
  // WeChat ids): kAllow turns one off; each is kReview by default.
  moderation::ContactOptions contact;
  // Word-frequency dictionary for Chinese word boundaries
  // (moderation::EngineOptions::dictionary_path); empty turns word
  // boundaries off (moderation::WordBoundaries::kOff). A dictionary that
  // cannot be read fails Start with the engine's NotFound.
  std::string segmentation_dictionary = moderation::kDefaultDictionaryPath;
  // Copy-paste waves (off by default; docs/moderation-workflow.md): copies
  // of a text posted by more than `wave_accounts` distinct accounts within
  // `wave_window` are held for review (0: off). Only texts of at least
  // `wave_min_chars` informative characters count. A wave stays listable
  // for `wave_retention` after its last copy. wave_accounts >= 0,
  // wave_min_chars >= 1, windows positive.
  int wave_accounts = 0;
  absl::Duration wave_window = absl::Minutes(10);
  absl::Duration wave_retention = absl::Hours(24);
  int wave_min_chars = 12;
  // How often Redis is checked for the gRPC health service: every primary
  // of a Redis Cluster must answer. Two failed checks in a row make the
  // overall status ("") and both services' NOT_SERVING, one that passes
  // SERVING again; the name "liveness" stays SERVING while the process
  // runs (docs/operations.md, "Health"). Positive.
  absl::Duration health_interval = absl::Seconds(1);
  // How often each replica looks for keyword and ban changes made through
  // other replicas.
  absl::Duration keyword_poll_interval = absl::Milliseconds(250);
  // How often the cross-article queue index is checked against the
  // articles' own queues (and once at start).
  absl::Duration queue_repair_interval = absl::Minutes(10);
  // File of `TOKEN NAME` lines: the moderators (empty: none, and every
  // ModerationService call is PERMISSION_DENIED).
  std::string moderator_tokens_path;

  // TLS: a PEM certificate chain and key turn it on; a client CA bundle
  // also requires and verifies client certificates (mutual TLS).
  std::string tls_cert_path;
  std::string tls_key_path;
  std::string tls_client_ca_path;

  // Where to serve Prometheus metrics, "HOST:PORT" (port 0: any free one,
  // see CommentServer::metrics_port), at /metrics; empty: nowhere. What is
  // measured: docs/operations.md, "Metrics".
  std::string metrics_listen;
  // Each call's access line names the client's address (docs/operations.md,
  // "Logs"); off, a line holds no address.
  bool log_client_ip = false;
};

// Thread-safe.
class CommentServer {
 public:
  virtual ~CommentServer() = default;

  // Validates `options`, loads the lexicon, tokens and TLS files, then
  // listens. INVALID_ARGUMENT for bad options or files, NOT_FOUND for
  // missing files, UNAVAILABLE when the address cannot be bound. Redis need
  // not be up: calls fail with UNAVAILABLE until it is, and the keyword list
  // is seeded and loaded once it is.
  static absl::StatusOr<std::unique_ptr<CommentServer>> Start(
      const ServerOptions& options);

  // The TCP port listened on (0 for a unix socket).
  virtual int port() const = 0;
  // The metrics endpoint's port (0 when there is none).
  virtual int metrics_port() const = 0;

  // Stops taking calls, lets calls in flight finish for up to `grace`, then
  // cancels the rest. Idempotent.
  virtual void Shutdown(absl::Duration grace) = 0;

  // Blocks until Shutdown has finished.
  virtual void Wait() = 0;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_SERVER_H_
