#ifndef COMMENTS_CLIENT_CLIENT_H_
#define COMMENTS_CLIENT_CLIENT_H_

// The portal's C++ client for comments.v1.CommentService: start here.
//
//   comments::Client client({.target = "127.0.0.1:50051"});
//   absl::StatusOr<comments::v1::PostCommentResponse> posted =
//       client.PostComment(request);
//
// Every call returns absl::Status / absl::StatusOr carrying the service's
// gRPC status code and message unchanged (see comments.proto for which code
// means what). Each call has a deadline (ClientOptions::deadline) that
// covers all its attempts: a call answered UNAVAILABLE (server or Redis
// down) is tried again with exponential backoff and jitter while attempts
// and time remain. Every call of this library is safe to retry: PostComment
// always carries an idempotency key, and the client makes one (random, 128
// bits) when the request has none. See docs/client.md.
//
// Every call carries a request id (`x-request-id` metadata), the same on all
// its attempts; the server returns it and writes it in its log line for the
// call, so that a portal's log and the service's meet. The id is the one of
// the calling thread's innermost RequestIdScope, or a fresh random one per
// call; LastRequestId() tells which one the thread's last call sent:
//
//   comments::RequestIdScope scope(http_request_id);  // every call below
//   auto block = client.FetchCommentBlock(article_id);
//   if (!block.ok()) log(comments::LastRequestId(), block.status());
//
// Thread-safe: one Client may be shared by all threads; it holds one
// channel, which multiplexes calls over one connection.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "comments/v1/comments.grpc.pb.h"
#include "comments/v1/moderation.grpc.pb.h"

namespace comments {

struct ClientOptions {
  // gRPC target: "HOST:PORT", "unix:/path/to.sock", or any gRPC URI. A
  // target of several replicas ("ipv4:HOST:PORT,HOST:PORT", or "dns:NAME"
  // with several addresses) has its calls spread round-robin over those
  // that are up.
  std::string target;
  // Deadline of each call, from when it starts.
  absl::Duration deadline = absl::Seconds(5);
  // Channel credentials; insecure when null.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // Sent as `authorization: Bearer <token>` with every call when not empty
  // (ModerationService needs it).
  std::string bearer_token;
  // Attempts per call (1: no retry) on UNAVAILABLE, waiting a random
  // 50-100% of the backoff between attempts; the backoff starts at
  // `initial_backoff` and doubles up to `max_backoff`.
  int max_attempts = 4;
  absl::Duration initial_backoff = absl::Milliseconds(50);
  absl::Duration max_backoff = absl::Seconds(1);
};

// What an article's comment block needs, fetched at once.
struct CommentBlock {
  v1::ArticleStats stats;
  v1::ListCommentsResponse hot;
  v1::ListCommentsResponse newest;
};

// A channel for `options` (target and credentials), to share between a
// Client and a ModerationClient.
std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options);

class Client final {
 public:
  explicit Client(const ClientOptions& options);
  // Uses `channel` (e.g. shared with a ModerationClient) instead of making
  // one; `options.target` and `credentials` are then unused.
  Client(const ClientOptions& options, std::shared_ptr<grpc::Channel> channel);
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Blocks until the channel is connected or `timeout` passes; false then.
  bool WaitForConnected(absl::Duration timeout);

  absl::StatusOr<v1::PostCommentResponse> PostComment(
      const v1::PostCommentRequest& request);
  // With `viewer_id` the comment's author, a held or refused comment is
  // returned too (see GetComment in comments.proto).
  absl::StatusOr<v1::Comment> GetComment(const std::string& article_id,
                                         const std::string& comment_id,
                                         const std::string& viewer_id = "");
  absl::StatusOr<v1::ListCommentsResponse> ListComments(
      const v1::ListCommentsRequest& request);
  absl::StatusOr<v1::LikeCommentResponse> LikeComment(
      const std::string& article_id, const std::string& comment_id,
      const std::string& user_id);
  absl::StatusOr<v1::LikeCommentResponse> UnlikeComment(
      const std::string& article_id, const std::string& comment_id,
      const std::string& user_id);
  absl::Status DeleteComment(const std::string& article_id,
                             const std::string& comment_id,
                             const std::string& user_id);
  absl::StatusOr<v1::ArticleStats> GetArticleStats(
      const std::string& article_id);
  absl::StatusOr<std::vector<v1::ArticleStats>> BatchGetArticleStats(
      const std::vector<std::string>& article_ids);
  absl::StatusOr<v1::ReportCommentResponse> ReportComment(
      const std::string& article_id, const std::string& comment_id,
      const std::string& user_id, const std::string& reason = "");

  // The stats and the first page of hot and of newest comments, fetched
  // concurrently (the three calls are in flight together), as `viewer_id`
  // sees them (viewer_liked; empty: no viewer). Fails with the first error
  // of the three.
  absl::StatusOr<CommentBlock> FetchCommentBlock(
      const std::string& article_id, int page_size = 20,
      const std::string& viewer_id = "");

 private:
  const ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CommentService::Stub> stub_;
};

// The moderators' calls (comments.v1.ModerationService). Needs
// ClientOptions::bearer_token. Thread-safe.
class ModerationClient final {
 public:
  explicit ModerationClient(const ClientOptions& options);
  ModerationClient(const ClientOptions& options,
                   std::shared_ptr<grpc::Channel> channel);
  ModerationClient(const ModerationClient&) = delete;
  ModerationClient& operator=(const ModerationClient&) = delete;

  absl::StatusOr<v1::ListQueueResponse> ListQueue(
      const v1::ListQueueRequest& request);
  absl::StatusOr<v1::QueueItem> InspectComment(const std::string& article_id,
                                               const std::string& comment_id);
  absl::StatusOr<v1::ModerateCommentsResponse> ModerateComments(
      const v1::ModerateCommentsRequest& request);
  // Approves or rejects one comment; its result's code as a status.
  absl::StatusOr<v1::CommentStatus> Decide(const std::string& article_id,
                                           const std::string& comment_id,
                                           v1::Decision decision,
                                           const std::string& reason = "");
  absl::StatusOr<int64_t> ClearQueue(const v1::ClearQueueRequest& request);
  // Features a visible comment (or with `featured` false takes it back).
  absl::StatusOr<v1::Comment> FeatureComment(const std::string& article_id,
                                             const std::string& comment_id,
                                             bool featured,
                                             const std::string& reason = "");
  absl::StatusOr<v1::ArticlePolicy> SetArticlePolicy(
      const std::string& article_id, v1::Policy policy);
  absl::StatusOr<v1::ArticlePolicy> GetArticlePolicy(
      const std::string& article_id);
  absl::StatusOr<v1::UpdateKeywordsResponse> UpdateKeywords(
      const v1::UpdateKeywordsRequest& request);
  absl::StatusOr<v1::ListKeywordsResponse> ListKeywords(
      const v1::ListKeywordsRequest& request);
  absl::Status BanUser(const std::string& user_id,
                       const std::string& reason = "");
  absl::Status UnbanUser(const std::string& user_id,
                         const std::string& reason = "");
  absl::StatusOr<v1::ListAuditLogResponse> ListAuditLog(
      const v1::ListAuditLogRequest& request);
  // Copy-paste waves, most recently seen first.
  absl::StatusOr<v1::ListWavesResponse> ListWaves(
      const v1::ListWavesRequest& request);
  // Rejects every stored copy of the wave; returns how many this call
  // rejected. DEADLINE_EXCEEDED when the call's deadline passed first: call
  // again to finish.
  absl::StatusOr<int64_t> RejectWave(const std::string& wave_id,
                                     const std::string& reason = "");

 private:
  const ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ModerationService::Stub> stub_;
};

// The request id of the calls this thread makes while the scope lives
// (innermost first, for nested scopes). The id should be printable ASCII
// without spaces, at most 128 bytes: the server replaces any other with one
// of its own (and returns that). Not movable; destroy it on the thread that
// made it, in reverse order of construction.
class RequestIdScope final {
 public:
  explicit RequestIdScope(std::string request_id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  const std::string id_;
  const std::string* const outer_;
};

// The reader's address for the calls this thread makes while the scope lives
// (innermost first, for nested scopes), sent as `x-client-address` metadata:
// the service's per-address flood limits count the call under it when this
// client connects from a peer it trusts (its --trusted_portal_peers), and
// answer INVALID_ARGUMENT when it is no address then. One IPv4 or IPv6
// address without a port ("203.0.113.7", "2001:db8::1"); "" sends none.
// A portal opens one per HTTP request, with the address its reader connects
// from:
//
//   comments::ClientAddressScope reader(http_request.remote_addr);
//   client.PostComment(request);
//
// Not movable; destroy it on the thread that made it, in reverse order of
// construction.
class ClientAddressScope final {
 public:
  explicit ClientAddressScope(std::string address);
  ~ClientAddressScope();
  ClientAddressScope(const ClientAddressScope&) = delete;
  ClientAddressScope& operator=(const ClientAddressScope&) = delete;

 private:
  const std::string address_;
  const std::string* const outer_;
};

// The request id sent by the last call this thread made through a Client or
// ModerationClient (FetchCommentBlock: the one id of its three parts), ""
// before any. Valid until this thread's next call.
const std::string& LastRequestId();

// A fresh random request id as the library makes them: 32 hex digits.
std::string NewRequestId();
// True for an id the server keeps as it is: 1 to 128 bytes of printable
// ASCII without spaces. A portal taking ids from its own callers (an HTTP
// X-Request-Id) checks them with this and makes a new one otherwise.
bool IsValidRequestId(absl::string_view request_id);

// gRPC and absl share code numbers; the message is kept.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace comments

#endif  // COMMENTS_CLIENT_CLIENT_H_
