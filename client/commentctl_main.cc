// commentctl: the comment service from a shell, over the client library.
//
//   commentctl [--target=HOST:PORT] [--json] COMMAND ARGS...
//
// Commands:
//   post ARTICLE AUTHOR BODY [--parent=ID] [--name=NAME] [--key=IDEMPOTENCY]
//   get ARTICLE COMMENT
//   list ARTICLE [--order=hot|newest|oldest] [--parent=ID] [--page_size=N]
//        [--page_token=T]
//   like | unlike ARTICLE COMMENT USER
//   delete ARTICLE COMMENT USER
//   stats ARTICLE [ARTICLE...]
//
// Exit status: 0 on success, 1 when the service answers with an error (its
// gRPC status and message are printed), 2 for a usage error.

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/client.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "The comment service");
ABSL_FLAG(bool, json, false, "Print replies as JSON, one object a line");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(5), "Deadline of a call");
ABSL_FLAG(std::string, parent, "", "post/list: the parent comment");
ABSL_FLAG(std::string, name, "", "post: the author's display name");
ABSL_FLAG(std::string, key, "", "post: idempotency key");
ABSL_FLAG(std::string, order, "newest", "list: hot, newest or oldest");
ABSL_FLAG(int, page_size, 20, "list: comments per page");
ABSL_FLAG(std::string, page_token, "", "list: next_page_token of a page");

namespace comments {
namespace {

constexpr int kUsage = 2;

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "error: %s: %s\n",
               absl::StatusCodeToString(status.code()).c_str(),
               std::string(status.message()).c_str());
  return 1;
}

void PrintJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  std::cout << json << "\n";
}

void PrintComment(const v1::Comment& c) {
  std::cout << "#" << c.comment_id()
            << (c.parent_id().empty() ? "" : " (reply to #" + c.parent_id() + ")")
            << " " << (c.author_name().empty() ? c.author_id() : c.author_name())
            << " · " << c.like_count() << " likes · " << c.reply_count()
            << " replies · "
            << absl::FormatTime("%Y-%m-%d %H:%M:%S",
                                absl::FromUnixSeconds(c.create_time().seconds()),
                                absl::LocalTimeZone())
            << " · " << v1::CommentStatus_Name(c.status()) << "\n  " << c.body()
            << "\n";
}

int Run(const std::vector<std::string>& args) {
  if (args.empty()) return kUsage;
  const std::string& command = args[0];
  const bool json = absl::GetFlag(FLAGS_json);
  Client client({.target = absl::GetFlag(FLAGS_target),
                 .deadline = absl::GetFlag(FLAGS_deadline)});
  auto need = [&](size_t n) { return args.size() == n + 1; };

  if (command == "post" && need(3)) {
    v1::PostCommentRequest r;
    r.set_article_id(args[1]);
    r.set_author_id(args[2]);
    r.set_body(args[3]);
    r.set_parent_id(absl::GetFlag(FLAGS_parent));
    r.set_author_name(absl::GetFlag(FLAGS_name));
    r.set_idempotency_key(absl::GetFlag(FLAGS_key));
    auto posted = client.PostComment(r);
    if (!posted.ok()) return Fail(posted.status());
    json ? PrintJson(*posted) : PrintComment(posted->comment());
    return 0;
  }
  if (command == "get" && need(2)) {
    auto got = client.GetComment(args[1], args[2]);
    if (!got.ok()) return Fail(got.status());
    json ? PrintJson(*got) : PrintComment(*got);
    return 0;
  }
  if (command == "list" && need(1)) {
    v1::ListCommentsRequest r;
    r.set_article_id(args[1]);
    v1::Order order;
    if (!v1::Order_Parse("ORDER_" + absl::AsciiStrToUpper(
                                        absl::GetFlag(FLAGS_order)),
                         &order)) {
      std::fprintf(stderr, "error: --order must be hot, newest or oldest\n");
      return kUsage;
    }
    r.set_order(order);
    r.set_parent_id(absl::GetFlag(FLAGS_parent));
    r.set_page_size(absl::GetFlag(FLAGS_page_size));
    r.set_page_token(absl::GetFlag(FLAGS_page_token));
    auto page = client.ListComments(r);
    if (!page.ok()) return Fail(page.status());
    if (json) {
      PrintJson(*page);
    } else {
      for (const v1::Comment& c : page->comments()) PrintComment(c);
      if (!page->next_page_token().empty()) {
        std::cout << "next page: --page_token=" << page->next_page_token()
                  << "\n";
      }
    }
    return 0;
  }
  if ((command == "like" || command == "unlike") && need(3)) {
    auto state = command == "like"
                     ? client.LikeComment(args[1], args[2], args[3])
                     : client.UnlikeComment(args[1], args[2], args[3]);
    if (!state.ok()) return Fail(state.status());
    if (json) {
      PrintJson(*state);
    } else {
      std::cout << state->like_count() << " likes; "
                << (state->liked() ? "liked" : "not liked") << " by "
                << args[3] << "\n";
    }
    return 0;
  }
  if (command == "delete" && need(3)) {
    absl::Status s = client.DeleteComment(args[1], args[2], args[3]);
    if (!s.ok()) return Fail(s);
    if (json) {
      std::cout << "{}\n";
    } else {
      std::cout << "deleted #" << args[2] << "\n";
    }
    return 0;
  }
  if (command == "stats" && args.size() >= 2) {
    auto stats = client.BatchGetArticleStats(
        std::vector<std::string>(args.begin() + 1, args.end()));
    if (!stats.ok()) return Fail(stats.status());
    for (const v1::ArticleStats& s : *stats) {
      if (json) {
        PrintJson(s);
      } else {
        std::cout << s.article_id() << ": 评论 " << s.participant_count()
                  << "人参与, " << s.comment_count() << "条评论\n";
      }
    }
    return 0;
  }
  return kUsage;
}

}  // namespace
}  // namespace comments

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "commentctl [--target=HOST:PORT] [--json] "
      "post|get|list|like|unlike|delete|stats ARGS...  (see the source head "
      "or docs/api.md)");
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  const std::vector<std::string> args(positional.begin() + 1,
                                      positional.end());
  const int rc = comments::Run(args);
  if (rc == 2) {
    std::fprintf(stderr, "usage: %s\n", absl::ProgramUsageMessage().data());
  }
  return rc;
}
