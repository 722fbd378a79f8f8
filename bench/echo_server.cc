// comment-echo: the gRPC ceiling. Serves comments.v1.CommentService with the
// same gRPC build, server API and thread quota as comment-server, but
// answers from memory: ListComments with a fixed page of 20 comments (the
// size of a real page), the others with fixed small replies. What it
// measures is gRPC and protobuf alone.
//
//   comment-echo --listen=127.0.0.1:50052 [--api=callback|handoff|sync]
//
// --api=handoff finishes each call from one other thread, as comment-server
// finishes calls from its Redis I/O thread: the ceiling of any design that
// answers from a thread gRPC did not call.

#include <grpcpp/grpcpp.h>

#include <csignal>
#include <cstdio>
#include <deque>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/str_cat.h"
#include "comments/v1/comments.grpc.pb.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50052", "gRPC address");
ABSL_FLAG(int, max_threads, 1024, "Threads serving calls (as comment-server)");
ABSL_FLAG(int, body_chars, 60, "Characters per comment body in the page");
ABSL_FLAG(std::string, api, "callback",
          "gRPC server API: callback (as comment-server's CommentService), "
          "handoff (callback, each call finished from another thread) "
          "or sync");

namespace {

// The fixed answers, shared by both server APIs.
class EchoAnswers {
 public:
  explicit EchoAnswers(int body_chars) {
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

  void List(comments::v1::ListCommentsResponse* out) const { *out = page_; }
  void Post(const comments::v1::PostCommentRequest& in,
            comments::v1::PostCommentResponse* out) const {
    *out->mutable_comment() = page_.comments(0);
    out->mutable_comment()->set_body(in.body());
  }
  static void Like(comments::v1::LikeCommentResponse* out) {
    out->set_like_count(1);
    out->set_liked(true);
  }
  static void Stats(const std::string& id, comments::v1::ArticleStats* out) {
    out->set_article_id(id);
    out->set_comment_count(1000);
    out->set_participant_count(500);
  }
  static void BatchStats(const comments::v1::BatchGetArticleStatsRequest& in,
                         comments::v1::BatchGetArticleStatsResponse* out) {
    for (const std::string& id : in.article_ids()) Stats(id, out->add_stats());
  }

 private:
  comments::v1::ListCommentsResponse page_;
};

// The synchronous API: a handler runs on a thread of gRPC's pool.
class SyncEcho final : public comments::v1::CommentService::Service {
 public:
  explicit SyncEcho(const EchoAnswers* answers) : answers_(answers) {}
  grpc::Status ListComments(grpc::ServerContext*,
                            const comments::v1::ListCommentsRequest*,
                            comments::v1::ListCommentsResponse* out) override {
    answers_->List(out);
    return grpc::Status::OK;
  }
  grpc::Status PostComment(grpc::ServerContext*,
                           const comments::v1::PostCommentRequest* in,
                           comments::v1::PostCommentResponse* out) override {
    answers_->Post(*in, out);
    return grpc::Status::OK;
  }
  grpc::Status LikeComment(grpc::ServerContext*,
                           const comments::v1::LikeCommentRequest*,
                           comments::v1::LikeCommentResponse* out) override {
    EchoAnswers::Like(out);
    return grpc::Status::OK;
  }
  grpc::Status GetArticleStats(grpc::ServerContext*,
                               const comments::v1::GetArticleStatsRequest* in,
                               comments::v1::ArticleStats* out) override {
    EchoAnswers::Stats(in->article_id(), out);
    return grpc::Status::OK;
  }
  grpc::Status BatchGetArticleStats(
      grpc::ServerContext*, const comments::v1::BatchGetArticleStatsRequest* in,
      comments::v1::BatchGetArticleStatsResponse* out) override {
    EchoAnswers::BatchStats(*in, out);
    return grpc::Status::OK;
  }

 private:
  const EchoAnswers* const answers_;
};

// One thread running the work handed to it, in batches, as comment-server's
// Redis I/O thread runs the callbacks of the replies it read.
class Finisher {
 public:
  Finisher() : thread_([this] { Run(); }) {}
  ~Finisher() {
    Post(nullptr);
    thread_.join();
  }

  // `work` null: stop.
  void Post(absl::AnyInvocable<void() &&> work) {
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(work));
  }

 private:
  void Run() {
    std::deque<absl::AnyInvocable<void() &&>> batch;
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](std::deque<absl::AnyInvocable<void() &&>>* q) {
              return !q->empty();
            },
            &queue_));
        batch.swap(queue_);
      }
      for (auto& work : batch) {
        if (work == nullptr) return;
        std::move(work)();
      }
      batch.clear();
    }
  }

  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// The callback API, as comment-server's CommentService uses: a handler
// answers on the thread that read the request, or, given a finisher, from
// the finisher's thread.
class CallbackEcho final
    : public comments::v1::CommentService::CallbackService {
 public:
  CallbackEcho(const EchoAnswers* answers, Finisher* finisher)
      : answers_(answers), finisher_(finisher) {}
  grpc::ServerUnaryReactor* ListComments(
      grpc::CallbackServerContext* context,
      const comments::v1::ListCommentsRequest*,
      comments::v1::ListCommentsResponse* out) override {
    answers_->List(out);
    return Finish(context);
  }
  grpc::ServerUnaryReactor* PostComment(
      grpc::CallbackServerContext* context,
      const comments::v1::PostCommentRequest* in,
      comments::v1::PostCommentResponse* out) override {
    answers_->Post(*in, out);
    return Finish(context);
  }
  grpc::ServerUnaryReactor* LikeComment(
      grpc::CallbackServerContext* context,
      const comments::v1::LikeCommentRequest*,
      comments::v1::LikeCommentResponse* out) override {
    EchoAnswers::Like(out);
    return Finish(context);
  }
  grpc::ServerUnaryReactor* GetArticleStats(
      grpc::CallbackServerContext* context,
      const comments::v1::GetArticleStatsRequest* in,
      comments::v1::ArticleStats* out) override {
    EchoAnswers::Stats(in->article_id(), out);
    return Finish(context);
  }
  grpc::ServerUnaryReactor* BatchGetArticleStats(
      grpc::CallbackServerContext* context,
      const comments::v1::BatchGetArticleStatsRequest* in,
      comments::v1::BatchGetArticleStatsResponse* out) override {
    EchoAnswers::BatchStats(*in, out);
    return Finish(context);
  }

 private:
  grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (finisher_ == nullptr) {
      reactor->Finish(grpc::Status::OK);
    } else {
      finisher_->Post([reactor] { reactor->Finish(grpc::Status::OK); });
    }
    return reactor;
  }

  const EchoAnswers* const answers_;
  Finisher* const finisher_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  const EchoAnswers answers(absl::GetFlag(FLAGS_body_chars));
  SyncEcho sync_service(&answers);
  const std::string api = absl::GetFlag(FLAGS_api);
  if (api != "callback" && api != "handoff" && api != "sync") {
    std::fprintf(stderr,
                 "comment-echo: --api must be callback, handoff or sync\n");
    return 2;
  }
  std::unique_ptr<Finisher> finisher;
  if (api == "handoff") finisher = std::make_unique<Finisher>();
  CallbackEcho callback_service(&answers, finisher.get());
  grpc::ServerBuilder builder;
  grpc::ResourceQuota quota("comment-echo");
  quota.SetMaxThreads(absl::GetFlag(FLAGS_max_threads));
  builder.SetResourceQuota(quota);
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen),
                           grpc::InsecureServerCredentials());
  if (api == "sync") {
    builder.RegisterService(&sync_service);
  } else {
    builder.RegisterService(&callback_service);
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return 1;
  std::fprintf(stderr, "comment-echo: listening on %s\n",
               absl::GetFlag(FLAGS_listen).c_str());
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  server->Shutdown();
  return 0;
}
