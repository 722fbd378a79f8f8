#include "service/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "logging/log.h"
#include "metrics/http_exporter.h"
#include "metrics/metrics.h"
#include "moderation/moderation.h"
#include "redis/redis_client.h"
#include "service/rpc/client_address.h"
#include "service/rpc/comment_service_impl.h"
#include "service/rpc/flood_gate.h"
#include "service/rpc/moderation_service_impl.h"
#include "service/rpc/moderator_auth.h"
#include "service/rpc/page_token.h"
#include "service/rpc/rpc_metrics.h"
#include "service/rpc/wave_gate.h"
#include "service/store/comment_store.h"
#include "service/store/flood_store.h"
#include "service/store/keyword_sync.h"
#include "service/store/moderation_convert.h"
#include "service/store/moderation_store.h"
#include "service/store/redis_health.h"
#include "service/store/redis_metrics.h"
#include "service/store/wave_store.h"

namespace comments {
namespace {

// How long a new connection may take to finish its (TLS and) HTTP/2
// handshake. gRPC's default is 2 minutes, and its Shutdown waits for
// handshakes in progress: a connection that never speaks (a port scanner, a
// stuck probe) held SIGTERM for the whole grace period. The portal's backends
// are near; a real handshake takes milliseconds.
constexpr absl::Duration kHandshakeTimeout = absl::Seconds(3);

// The health service's names. "" and the two services follow Redis
// (RedisHealth): a readiness probe. kLiveness is SERVING from start to
// shutdown whatever Redis does: a liveness probe, which must not restart a
// replica because Redis is down.
constexpr const char* kRedisBoundHealth[] = {"", "comments.v1.CommentService",
                                             "comments.v1.ModerationService"};
constexpr char kLiveness[] = "liveness";

absl::Status Validate(const ServerOptions& o) {
  if (o.listen.empty()) return absl::InvalidArgumentError("listen is empty");
  if (o.redis_connections < 1) {
    return absl::InvalidArgumentError("redis_connections must be at least 1");
  }
  if (o.max_body_chars < 1) {
    return absl::InvalidArgumentError("max_body_chars must be at least 1");
  }
  if (o.hot_half_life <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("hot_half_life must be positive");
  }
  if (!(o.hot_reply_weight >= 0)) {
    return absl::InvalidArgumentError("hot_reply_weight must be >= 0");
  }
  if (o.store_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("store_timeout must be positive");
  }
  if (o.page_token_secret.empty()) {
    return absl::InvalidArgumentError("page_token_secret is empty");
  }
  if (o.moderation_threads < 1 || o.moderation_threads > 256) {
    return absl::InvalidArgumentError("moderation_threads must be 1 to 256");
  }
  if (o.default_policy != v1::POLICY_POST_MODERATION &&
      o.default_policy != v1::POLICY_PRE_MODERATION) {
    return absl::InvalidArgumentError("default_policy must be post or pre");
  }
  if (o.report_threshold < 1) {
    return absl::InvalidArgumentError("report_threshold must be at least 1");
  }
  if (o.post_limit < 0 || o.post_limit_window <= absl::ZeroDuration() ||
      o.duplicate_window < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "post_limit and duplicate_window must be >= 0 and post_limit_window "
        "positive");
  }
  const struct {
    const char* name;
    int limit;
    absl::Duration window;
  } floods[] = {
      {"author_post_limit", o.author_post_limit, o.author_post_limit_window},
      {"address_post_limit", o.address_post_limit, o.address_post_limit_window},
      {"like_limit", o.like_limit, o.like_limit_window},
      {"address_like_limit", o.address_like_limit, o.address_like_limit_window},
      {"report_limit", o.report_limit, o.report_limit_window},
      {"address_report_limit", o.address_report_limit,
       o.address_report_limit_window},
  };
  for (const auto& f : floods) {
    if (f.limit < 0 || f.window < absl::Milliseconds(1)) {
      return absl::InvalidArgumentError(absl::StrCat(
          f.name, " must be >= 0 and ", f.name, "_window at least 1ms"));
    }
  }
  if (o.wave_accounts < 0 || o.wave_min_chars < 1 ||
      o.wave_window <= absl::ZeroDuration() ||
      o.wave_retention <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "wave_accounts must be >= 0, wave_min_chars >= 1, and wave_window and "
        "wave_retention positive");
  }
  if (o.health_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("health_interval must be positive");
  }
  if (o.keyword_poll_interval <= absl::ZeroDuration() ||
      o.queue_repair_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "keyword_poll_interval and queue_repair_interval must be positive");
  }
  if (o.tls_cert_path.empty() != o.tls_key_path.empty()) {
    return absl::InvalidArgumentError(
        "tls_cert and tls_key must be given together");
  }
  if (!o.tls_client_ca_path.empty() && o.tls_cert_path.empty()) {
    return absl::InvalidArgumentError(
        "tls_client_ca needs tls_cert and tls_key");
  }
  return absl::OkStatus();
}

moderation::EngineOptions EngineOptionsFrom(const ServerOptions& o) {
  moderation::EngineOptions engine;
  engine.contact = o.contact;
  engine.dictionary_path = o.segmentation_dictionary;
  if (engine.dictionary_path.empty()) {
    engine.word_boundaries = moderation::WordBoundaries::kOff;
  }
  return engine;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, " cannot be read"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<RedisClientOptions> RedisOptionsFrom(const ServerOptions& o) {
  absl::StatusOr<RedisClientOptions> redis = RedisClientOptionsFor(
      o.redis, o.redis_username, o.redis_password_path);
  if (redis.ok()) redis->connections = o.redis_connections;
  return redis;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServerOptions& o) {
  if (o.tls_cert_path.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl;
  absl::StatusOr<std::string> cert = ReadFile(o.tls_cert_path);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFile(o.tls_key_path);
  if (!key.ok()) return key.status();
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  if (!o.tls_client_ca_path.empty()) {
    absl::StatusOr<std::string> ca = ReadFile(o.tls_client_ca_path);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

RedisClientOptions Observed(RedisClientOptions options,
                            RedisObserver* observer) {
  options.observer = observer;
  return options;
}

// The flood limits across articles, with the trusted portal peers parsed.
absl::StatusOr<FloodOptions> FloodOptionsFrom(const ServerOptions& o) {
  absl::StatusOr<TrustedPeers> trusted =
      TrustedPeers::Parse(o.trusted_portal_peers);
  if (!trusted.ok()) return trusted.status();
  FloodOptions flood{
      .author_posts = {o.author_post_limit, o.author_post_limit_window},
      .address_posts = {o.address_post_limit, o.address_post_limit_window},
      .user_likes = {o.like_limit, o.like_limit_window},
      .address_likes = {o.address_like_limit, o.address_like_limit_window},
      .user_reports = {o.report_limit, o.report_limit_window},
      .address_reports = {o.address_report_limit,
                          o.address_report_limit_window},
      .trusted_portal_peers = *std::move(trusted)};
  if (flood.trusted_portal_peers.empty() &&
      (flood.address_posts.on() || flood.address_likes.on() ||
       flood.address_reports.on())) {
    // Right when readers call the service directly; behind a portal, every
    // reader would share the portal's count.
    logging::Log(
        logging::Level::kWarning, "address_limits_without_portal",
        {{"action",
          "set --trusted_portal_peers to the portals' addresses if readers "
          "reach this service through a portal: without it, the address "
          "limits count each connecting host, a portal as one client"}});
  }
  return flood;
}

class ServerImpl final : public CommentServer {
 public:
  ServerImpl(const ServerOptions& options, RedisClientOptions redis_options,
             moderation::EngineOptions engine,
             std::shared_ptr<const moderation::Lexicon> initial_lexicon,
             ModeratorAuth auth, FloodOptions flood)
      : options_(options),
        rpc_metrics_(registry_),
        post_metrics_(registry_),
        redis_metrics_(registry_),
        redis_(Observed(std::move(redis_options), &redis_metrics_)),
        store_(
            &redis_,
            CommentStoreOptions{.hot_half_life = options.hot_half_life,
                                .hot_reply_weight = options.hot_reply_weight,
                                .post_limit = options.post_limit,
                                .post_limit_window = options.post_limit_window,
                                .duplicate_window = options.duplicate_window}),
        moderation_store_(&redis_),
        waves_(&redis_, WaveStoreOptions{.window = options.wave_window,
                                         .retention = options.wave_retention}),
        wave_gate_(WaveGateOptions{.accounts = options.wave_accounts,
                                   .min_chars = options.wave_min_chars},
                   &waves_, &store_, registry_),
        lexicon_(std::move(initial_lexicon)),
        keyword_sync_(&moderation_store_, &lexicon_, engine,
                      options.keyword_poll_interval),
        bans_(&moderation_store_, options.keyword_poll_interval),
        auth_(std::move(auth)),
        tokens_(options.page_token_secret, options.page_token_previous_secret),
        flood_store_(&redis_),
        flood_gate_(std::move(flood), &flood_store_),
        comment_service_(
            CommentServiceOptions{.max_body_chars = options.max_body_chars,
                                  .store_timeout = options.store_timeout,
                                  .default_policy = options.default_policy,
                                  .report_threshold = options.report_threshold,
                                  .log_client_ip = options.log_client_ip},
            &store_, &moderation_store_, &bans_, &lexicon_, &tokens_,
            &rpc_metrics_, &post_metrics_, &flood_gate_,
            options.wave_accounts > 0 ? &wave_gate_ : nullptr),
        moderation_service_(
            ModerationServiceOptions{.store_timeout = options.store_timeout,
                                     .default_policy = options.default_policy,
                                     .threads = options.moderation_threads,
                                     .log_client_ip = options.log_client_ip},
            &auth_, &store_, &moderation_store_, &keyword_sync_, &bans_,
            &tokens_, &rpc_metrics_, &waves_) {
    AddServerMetrics();
  }

  ~ServerImpl() override {
    {
      absl::MutexLock lock(&repair_mu_);
      stopping_ = true;
    }
    if (repair_thread_.joinable()) repair_thread_.join();
  }

  absl::Status Listen(std::shared_ptr<grpc::ServerCredentials> credentials) {
    // Redis is checked before the port opens, so that the first health
    // answer is already Redis's (gRPC's default says SERVING).
    health_ = std::make_unique<RedisHealth>(
        &redis_, RedisHealthOptions{.interval = options_.health_interval},
        [this](bool serving, const absl::Status& why) {
          SetHealth(serving, why);
        });
    health_->Start();
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.AddListeningPort(options_.listen, credentials, &port_);
    builder.AddChannelArgument(
        GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
        static_cast<int>(absl::ToInt64Milliseconds(kHandshakeTimeout)));
    builder.RegisterService(&comment_service_);
    builder.RegisterService(&moderation_service_);
    server_ = builder.BuildAndStart();
    if (server_ == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", options_.listen));
    }
    {
      absl::MutexLock lock(&health_mu_);
      health_service_ = server_->GetHealthCheckService();
      health_service_->SetServingStatus(kLiveness, true);
      for (const char* name : kRedisBoundHealth) {
        health_service_->SetServingStatus(name, health_->serving());
      }
    }
    return absl::OkStatus();
  }

  // Seeds the shared keyword list from the file's entries (first start
  // only; retried in the background while Redis is down), loads it, and
  // starts the background work.
  void StartBackground(const std::vector<moderation::LexiconEntry>& seed) {
    std::vector<v1::Keyword> keywords;
    for (const auto& e : seed) keywords.push_back(ToKeyword(e));
    keyword_sync_.SetSeed(std::move(keywords));
    if (absl::Status s = keyword_sync_.SyncNow(); !s.ok()) {
      LogFailure("keywords_not_loaded",
                 "the lexicon file's keywords are used until Redis answers; "
                 "check Redis (redis_* lines)",
                 s);
    }
    keyword_sync_.Start();
    if (absl::Status s = bans_.SyncNow(); !s.ok()) {
      LogFailure("bans_not_loaded",
                 "bans are asked of Redis per post until it answers; check "
                 "Redis (redis_* lines)",
                 s);
    }
    bans_.Start();
    repair_thread_ = std::thread([this] { RepairLoop(); });
  }

  int port() const override { return port_; }
  int metrics_port() const override {
    return exporter_ == nullptr ? 0 : exporter_->port();
  }

  // Serves the metrics, when asked to.
  absl::Status ServeMetrics() {
    if (options_.metrics_listen.empty()) return absl::OkStatus();
    absl::StatusOr<std::unique_ptr<metrics::HttpExporter>> exporter =
        metrics::HttpExporter::Start(&registry_, options_.metrics_listen);
    if (!exporter.ok()) return exporter.status();
    exporter_ = *std::move(exporter);
    return absl::OkStatus();
  }

  void Shutdown(absl::Duration grace) override {
    absl::MutexLock lock(&shutdown_mu_);
    if (shut_down_) return;
    shut_down_ = true;
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  }

  void Wait() override { server_->Wait(); }

 private:
  // The server's own series; the RPC layer's are RpcMetrics'.
  void AddServerMetrics() {
    registry_
        .AddGauge("comments_build_info",
                  "Always 1; the labels say which build is running.",
                  {"version"})
        .WithLabels({COMMENTS_VERSION})
        .Set(1);
    metrics::Gauge& version =
        registry_
            .AddGauge("comments_lexicon_version",
                      "Version of the keyword list this replica matches "
                      "with (-1: none loaded from Redis yet).")
            .WithLabels({});
    metrics::Gauge& keywords =
        registry_
            .AddGauge("comments_lexicon_keywords",
                      "Keywords in the list this replica matches with.")
            .WithLabels({});
    metrics::Gauge& compile =
        registry_
            .AddGauge("comments_lexicon_compile_seconds",
                      "How long this replica took to compile its keyword "
                      "list, the last time it changed.")
            .WithLabels({});
    metrics::GaugeFamily& depth = registry_.AddGauge(
        "comments_moderation_queue_depth",
        "Comments waiting in a moderation queue, across all articles; read "
        "from Redis at each scrape.",
        {"queue"});
    metrics::Gauge& pending = depth.WithLabels({"pending"});
    metrics::Gauge& reported = depth.WithLabels({"reported"});
    registry_.AddCollector([this, &version, &keywords, &compile, &pending,
                            &reported] {
      const KeywordSync::Loaded loaded = keyword_sync_.loaded();
      version.Set(static_cast<double>(loaded.version));
      keywords.Set(static_cast<double>(loaded.keywords));
      compile.Set(absl::ToDoubleSeconds(loaded.compile_time));
      // A scrape must answer even while Redis does not: the depths then
      // keep their last value.
      const absl::Time deadline = absl::Now() + absl::Milliseconds(500);
      for (auto [queue, gauge] : {std::pair{v1::QUEUE_PENDING, &pending},
                                  std::pair{v1::QUEUE_REPORTED, &reported}}) {
        absl::StatusOr<int64_t> size =
            moderation_store_.QueueSize(queue, "", deadline);
        if (size.ok()) gauge->Set(static_cast<double>(*size));
      }
    });
  }

  // RedisHealth's verdict, into the health service once it exists.
  void SetHealth(bool serving, const absl::Status& why) {
    {
      absl::MutexLock lock(&health_mu_);
      if (health_service_ != nullptr) {
        for (const char* name : kRedisBoundHealth) {
          health_service_->SetServingStatus(name, serving);
        }
      }
    }
    LogHealth(serving, why);
  }

  static void LogHealth(bool serving, const absl::Status& why) {
    if (serving) {
      logging::Log(logging::Level::kInfo, "health_serving",
                   {{"reason", "redis answers"}});
    } else {
      logging::Log(logging::Level::kWarning, "health_not_serving",
                   {{"error", why.ToString()},
                    {"action", "check that Redis (every primary of a "
                               "cluster) is up and reachable from this "
                               "replica"}});
    }
  }

  static void LogFailure(const char* event, const char* action,
                         const absl::Status& s) {
    logging::Log(logging::Level::kWarning, event,
                 {{"error", s.ToString()}, {"action", action}});
  }

  void RepairLoop() {
    while (true) {
      absl::StatusOr<int64_t> added =
          moderation_store_.RepairQueues(absl::Now() + absl::Minutes(1));
      if (!added.ok()) {
        LogFailure("queue_repair_failed",
                   "retried at the next --queue_repair_interval; check Redis "
                   "(redis_* lines)",
                   added.status());
      } else if (*added > 0) {
        logging::Log(logging::Level::kInfo, "queue_repaired",
                     {{"requeued", *added}});
      }
      absl::MutexLock lock(&repair_mu_);
      const auto stop = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(repair_mu_) {
        return stopping_;
      };
      repair_mu_.AwaitWithTimeout(absl::Condition(&stop),
                                  options_.queue_repair_interval);
      if (stopping_) return;
    }
  }

  const ServerOptions options_;
  // First: every part below may count in it.
  metrics::Registry registry_;
  RpcMetrics rpc_metrics_;
  PostMetrics post_metrics_;
  RedisMetrics redis_metrics_;  // Before redis_, which reports to it.
  RedisClient redis_;
  CommentStore store_;
  ModerationStore moderation_store_;
  WaveStore waves_;
  WaveGate wave_gate_;
  moderation::LexiconHolder lexicon_;
  KeywordSync keyword_sync_;
  BanList bans_;
  ModeratorAuth auth_;
  PageTokenCodec tokens_;
  FloodStore flood_store_;
  FloodGate flood_gate_;
  CommentServiceImpl comment_service_;
  ModerationServiceImpl moderation_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::unique_ptr<metrics::HttpExporter> exporter_;
  absl::Mutex health_mu_;
  grpc::HealthCheckServiceInterface* health_service_
      ABSL_GUARDED_BY(health_mu_) = nullptr;
  // After server_ (its health service) and redis_: stopped before them.
  std::unique_ptr<RedisHealth> health_;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
  absl::Mutex repair_mu_;
  bool stopping_ ABSL_GUARDED_BY(repair_mu_) = false;
  std::thread repair_thread_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<CommentServer>> CommentServer::Start(
    const ServerOptions& options) {
  if (absl::Status s = Validate(options); !s.ok()) return s;
  absl::StatusOr<RedisClientOptions> redis = RedisOptionsFrom(options);
  if (!redis.ok()) return redis.status();
  const moderation::EngineOptions engine = EngineOptionsFrom(options);
  std::vector<moderation::LexiconEntry> seed;
  if (!options.lexicon_path.empty()) {
    absl::StatusOr<std::vector<moderation::LexiconEntry>> entries =
        moderation::LoadLexiconFile(options.lexicon_path);
    if (!entries.ok()) return entries.status();
    seed = *std::move(entries);
  }
  absl::StatusOr<std::shared_ptr<const moderation::Lexicon>> lexicon =
      moderation::Lexicon::Compile(seed, engine);
  if (!lexicon.ok()) return lexicon.status();
  ModeratorAuth auth;
  if (!options.moderator_tokens_path.empty()) {
    absl::StatusOr<ModeratorAuth> loaded =
        ModeratorAuth::LoadFile(options.moderator_tokens_path);
    if (!loaded.ok()) return loaded.status();
    auth = *std::move(loaded);
  }
  absl::StatusOr<FloodOptions> flood = FloodOptionsFrom(options);
  if (!flood.ok()) return flood.status();
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      Credentials(options);
  if (!credentials.ok()) return credentials.status();
  auto server = std::make_unique<ServerImpl>(
      options, *std::move(redis), engine, *std::move(lexicon), std::move(auth),
      *std::move(flood));
  if (absl::Status s = server->Listen(*credentials); !s.ok()) return s;
  if (absl::Status s = server->ServeMetrics(); !s.ok()) return s;
  server->StartBackground(seed);
  return server;
}

}  // namespace comments
