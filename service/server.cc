#include "service/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "service/internal/comment_service_impl.h"
#include "service/internal/comment_store.h"
#include "service/internal/page_token.h"
#include "service/internal/redis_client.h"

namespace comments {
namespace {

absl::Status Validate(const ServerOptions& o) {
  if (o.listen.empty()) return absl::InvalidArgumentError("listen is empty");
  if (o.redis_pool_size < 1) {
    return absl::InvalidArgumentError("redis_pool_size must be at least 1");
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
  if (o.max_threads < 2) {
    return absl::InvalidArgumentError("max_threads must be at least 2");
  }
  return absl::OkStatus();
}

class ServerImpl final : public CommentServer {
 public:
  ServerImpl(const ServerOptions& options, RedisEndpoint endpoint)
      : redis_(RedisClientOptions{std::move(endpoint),
                                  options.redis_pool_size}),
        store_(&redis_, CommentStoreOptions{options.hot_half_life,
                                            options.hot_reply_weight}),
        tokens_(options.page_token_secret),
        service_(
            CommentServiceOptions{.max_body_chars = options.max_body_chars,
                                  .store_timeout = options.store_timeout},
            &store_, &tokens_) {}

  absl::Status Listen(const ServerOptions& options) {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    grpc::ResourceQuota quota("comment-server");
    quota.SetMaxThreads(options.max_threads);
    builder.SetResourceQuota(quota);
    builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    if (server_ == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", options.listen));
    }
    return absl::OkStatus();
  }

  int port() const override { return port_; }

  void Shutdown(absl::Duration grace) override {
    absl::MutexLock lock(&shutdown_mu_);
    if (shut_down_) return;
    shut_down_ = true;
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  }

  void Wait() override { server_->Wait(); }

 private:
  RedisClient redis_;
  CommentStore store_;
  PageTokenCodec tokens_;
  CommentServiceImpl service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<CommentServer>> CommentServer::Start(
    const ServerOptions& options) {
  if (absl::Status s = Validate(options); !s.ok()) return s;
  absl::StatusOr<RedisEndpoint> endpoint = RedisEndpoint::Parse(options.redis);
  if (!endpoint.ok()) return endpoint.status();
  auto server = std::make_unique<ServerImpl>(options, *std::move(endpoint));
  if (absl::Status s = server->Listen(options); !s.ok()) return s;
  return server;
}

}  // namespace comments
