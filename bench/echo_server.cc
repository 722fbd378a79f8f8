// comment-echo: the gRPC ceiling. Serves comments.v1.CommentService with the
// same gRPC build, server API and thread quota as comment-server, but
// answers from memory: ListComments with a fixed page of 20 comments (the
// size of a real page), the others with fixed small replies. What it
// measures is gRPC and protobuf alone.
//
//   comment-echo --listen=127.0.0.1:50052 [--max_threads=64]

#include <grpcpp/grpcpp.h>

#include <csignal>
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "comments/v1/comments.grpc.pb.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50052", "gRPC address");
ABSL_FLAG(int, max_threads, 1024, "Threads serving calls (as comment-server)");
ABSL_FLAG(int, body_chars, 60, "Characters per comment body in the page");

namespace {

class EchoService final : public comments::v1::CommentService::Service {
 public:
  explicit EchoService(int body_chars) {
    for (int i = 0; i < 20; ++i) {
      comments::v1::Comment* c = page_.add_comments();
      c->set_comment_id(absl::StrCat(1000 + i));
      c->set_article_id("echo");
      c->set_author_id(absl::StrCat("user-", i));
      c->set_author_name("读者");
      std::string body;
      for (int k = 0; k < body_chars; ++k) body += "评";
      c->set_body(body);
      c->set_like_count(i);
      c->mutable_create_time()->set_seconds(1795000000 + i);
      c->set_status(comments::v1::COMMENT_STATUS_PUBLISHED);
    }
    page_.set_next_page_token(std::string(60, 'T'));
  }

  grpc::Status ListComments(grpc::ServerContext*,
                            const comments::v1::ListCommentsRequest*,
                            comments::v1::ListCommentsResponse* out) override {
    *out = page_;
    return grpc::Status::OK;
  }
  grpc::Status PostComment(grpc::ServerContext*,
                           const comments::v1::PostCommentRequest* in,
                           comments::v1::PostCommentResponse* out) override {
    *out->mutable_comment() = page_.comments(0);
    out->mutable_comment()->set_body(in->body());
    return grpc::Status::OK;
  }
  grpc::Status LikeComment(grpc::ServerContext*,
                           const comments::v1::LikeCommentRequest*,
                           comments::v1::LikeCommentResponse* out) override {
    out->set_like_count(1);
    out->set_liked(true);
    return grpc::Status::OK;
  }
  grpc::Status GetArticleStats(grpc::ServerContext*,
                               const comments::v1::GetArticleStatsRequest* in,
                               comments::v1::ArticleStats* out) override {
    out->set_article_id(in->article_id());
    out->set_comment_count(1000);
    out->set_participant_count(500);
    return grpc::Status::OK;
  }
  grpc::Status BatchGetArticleStats(
      grpc::ServerContext*, const comments::v1::BatchGetArticleStatsRequest* in,
      comments::v1::BatchGetArticleStatsResponse* out) override {
    for (const std::string& id : in->article_ids()) {
      comments::v1::ArticleStats* s = out->add_stats();
      s->set_article_id(id);
      s->set_comment_count(1000);
      s->set_participant_count(500);
    }
    return grpc::Status::OK;
  }

 private:
  comments::v1::ListCommentsResponse page_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  EchoService service(absl::GetFlag(FLAGS_body_chars));
  grpc::ServerBuilder builder;
  grpc::ResourceQuota quota("comment-echo");
  quota.SetMaxThreads(absl::GetFlag(FLAGS_max_threads));
  builder.SetResourceQuota(quota);
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen),
                           grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return 1;
  std::fprintf(stderr, "comment-echo: listening on %s\n",
               absl::GetFlag(FLAGS_listen).c_str());
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  server->Shutdown();
  return 0;
}
