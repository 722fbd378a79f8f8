// commentctl: the comment service from a shell, over the client library.
//
//   commentctl [--target=HOST:PORT] [--json] COMMAND ARGS...
//
// Commands:
//   post ARTICLE AUTHOR BODY [--parent=ID] [--name=NAME] [--key=IDEMPOTENCY]
//   get ARTICLE COMMENT [--viewer=USER]
//   list ARTICLE [--order=hot|newest|oldest|featured] [--parent=ID]
//        [--page_size=N]
//        [--page_token=T] [--viewer=USER]
//   like | unlike ARTICLE COMMENT USER
//   delete ARTICLE COMMENT USER
//   stats ARTICLE [ARTICLE...]
//   report ARTICLE COMMENT USER [--reason=TEXT]
//
// Moderator commands (need --token or $COMMENTS_MODERATOR_TOKEN):
//   queue pending|reported [--article=ID] [--page_size=N] [--page_token=T]
//   inspect ARTICLE COMMENT
//   approve | reject ARTICLE COMMENT [--reason=TEXT]
//   clear pending|reported approve|reject [--article=ID] [--reason=TEXT]
//   policy ARTICLE [post|pre|closed]
//   keywords list [--page_size=N] [--page_token=T]
//   keywords add WORD CATEGORY mask|review|block|allow (allow: an exception word)
//   keywords remove WORD
//   feature | unfeature ARTICLE COMMENT [--reason=TEXT]
//   ban | unban USER [--reason=TEXT]
//   audit [--page_size=N] [--page_token=T]
//
// Exit status: 0 on success, 1 when the service answers with an error (its
// gRPC status and message are printed), 2 for a usage error.

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

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
ABSL_FLAG(std::string, viewer, "",
          "get/list: the reading user (whose likes are shown; an author "
          "also sees their held comment)");
ABSL_FLAG(std::string, order, "newest",
          "list: hot, newest, oldest or featured");
ABSL_FLAG(int, page_size, 20, "list: comments per page");
ABSL_FLAG(std::string, page_token, "", "list: next_page_token of a page");
ABSL_FLAG(std::string, token, "",
          "Moderator bearer token (default: $COMMENTS_MODERATOR_TOKEN)");
ABSL_FLAG(std::string, article, "", "queue/clear: only this article");
ABSL_FLAG(std::string, reason, "", "report/approve/reject/clear/ban: why");

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
            << (c.parent_id().empty() ? ""
                                      : " (reply to #" + c.parent_id() + ")")
            << " "
            << (c.author_name().empty() ? c.author_id() : c.author_name())
            << " · " << c.like_count() << " likes"
            << (c.viewer_liked() ? " (you too)" : "") << " · " << c.reply_count()
            << " replies · "
            << absl::FormatTime(
                   "%Y-%m-%d %H:%M:%S",
                   absl::FromUnixSeconds(c.create_time().seconds()),
                   absl::LocalTimeZone())
            << " · " << v1::CommentStatus_Name(c.status())
            << (c.featured() ? " · featured" : "") << "\n  " << c.body()
            << "\n";
}

std::optional<v1::Queue> ParseQueue(const std::string& name) {
  if (name == "pending") return v1::QUEUE_PENDING;
  if (name == "reported") return v1::QUEUE_REPORTED;
  return std::nullopt;
}

std::optional<v1::Decision> ParseDecision(const std::string& name) {
  if (name == "approve") return v1::DECISION_APPROVE;
  if (name == "reject") return v1::DECISION_REJECT;
  return std::nullopt;
}

void PrintQueueItem(const v1::QueueItem& item) {
  PrintComment(item.comment());
  if (item.original_body() != item.comment().body()) {
    std::cout << "  original: " << item.original_body() << "\n";
  }
  for (const v1::KeywordMatch& m : item.matches()) {
    std::cout << "  match: " << m.word() << " (" << m.category() << ", "
              << v1::ModerationAction_Name(m.action()) << ") at " << m.start()
              << "-" << m.end() << "\n";
  }
  if (item.pre_moderation()) std::cout << "  held: article is pre-moderated\n";
  if (item.report_count() > 0) {
    std::cout << "  reports: " << item.report_count();
    for (const std::string& r : item.report_reasons()) std::cout << " | " << r;
    std::cout << "\n";
  }
}

int RunModeration(const std::vector<std::string>& args) {
  const std::string& command = args[0];
  const bool json = absl::GetFlag(FLAGS_json);
  std::string token = absl::GetFlag(FLAGS_token);
  if (token.empty() && std::getenv("COMMENTS_MODERATOR_TOKEN") != nullptr) {
    token = std::getenv("COMMENTS_MODERATOR_TOKEN");
  }
  ModerationClient mod({.target = absl::GetFlag(FLAGS_target),
                        .deadline = absl::GetFlag(FLAGS_deadline),
                        .bearer_token = token});
  auto need = [&](size_t n) { return args.size() == n + 1; };
  const std::string reason = absl::GetFlag(FLAGS_reason);

  if (command == "queue" && need(1) && ParseQueue(args[1])) {
    v1::ListQueueRequest r;
    r.set_queue(*ParseQueue(args[1]));
    r.set_article_id(absl::GetFlag(FLAGS_article));
    r.set_page_size(absl::GetFlag(FLAGS_page_size));
    r.set_page_token(absl::GetFlag(FLAGS_page_token));
    auto page = mod.ListQueue(r);
    if (!page.ok()) return Fail(page.status());
    if (json) {
      PrintJson(*page);
      return 0;
    }
    std::cout << page->total_size() << " in the " << args[1] << " queue\n";
    for (const v1::QueueItem& item : page->items()) PrintQueueItem(item);
    if (!page->next_page_token().empty()) {
      std::cout << "next page: --page_token=" << page->next_page_token()
                << "\n";
    }
    return 0;
  }
  if (command == "inspect" && need(2)) {
    auto item = mod.InspectComment(args[1], args[2]);
    if (!item.ok()) return Fail(item.status());
    json ? PrintJson(*item) : PrintQueueItem(*item);
    return 0;
  }
  if (ParseDecision(command) && need(2)) {
    auto status = mod.Decide(args[1], args[2], *ParseDecision(command), reason);
    if (!status.ok()) return Fail(status.status());
    std::cout << "#" << args[2] << " is now " << v1::CommentStatus_Name(*status)
              << "\n";
    return 0;
  }
  if (command == "clear" && need(2) && ParseQueue(args[1]) &&
      ParseDecision(args[2])) {
    v1::ClearQueueRequest r;
    r.set_queue(*ParseQueue(args[1]));
    r.set_decision(*ParseDecision(args[2]));
    r.set_article_id(absl::GetFlag(FLAGS_article));
    r.set_reason(reason);
    auto count = mod.ClearQueue(r);
    if (!count.ok()) return Fail(count.status());
    std::cout << *count << " comments " << args[2] << "d\n";
    return 0;
  }
  if (command == "policy" && (need(1) || need(2))) {
    absl::StatusOr<v1::ArticlePolicy> policy;
    if (need(1)) {
      policy = mod.GetArticlePolicy(args[1]);
    } else {
      const std::string& p = args[2];
      v1::Policy value = p == "post"     ? v1::POLICY_POST_MODERATION
                         : p == "pre"    ? v1::POLICY_PRE_MODERATION
                         : p == "closed" ? v1::POLICY_CLOSED
                                         : v1::POLICY_UNSPECIFIED;
      if (value == v1::POLICY_UNSPECIFIED) return kUsage;
      policy = mod.SetArticlePolicy(args[1], value);
    }
    if (!policy.ok()) return Fail(policy.status());
    json ? PrintJson(*policy)
         : void(std::cout << policy->article_id() << ": "
                          << v1::Policy_Name(policy->policy()) << "\n");
    return 0;
  }
  if (command == "keywords" && args.size() >= 2) {
    const std::string& verb = args[1];
    if (verb == "list" && need(1)) {
      v1::ListKeywordsRequest r;
      r.set_page_size(absl::GetFlag(FLAGS_page_size));
      r.set_page_token(absl::GetFlag(FLAGS_page_token));
      auto page = mod.ListKeywords(r);
      if (!page.ok()) return Fail(page.status());
      if (json) {
        PrintJson(*page);
        return 0;
      }
      for (const v1::Keyword& k : page->keywords()) {
        std::cout << k.word() << "\t" << k.category() << "\t"
                  << v1::ModerationAction_Name(k.action()) << "\n";
      }
      if (!page->next_page_token().empty()) {
        std::cout << "next page: --page_token=" << page->next_page_token()
                  << "\n";
      }
      return 0;
    }
    v1::UpdateKeywordsRequest r;
    if (verb == "add" && need(4)) {
      v1::Keyword* k = r.add_add();
      k->set_word(args[2]);
      k->set_category(args[3]);
      v1::ModerationAction action;
      if (!v1::ModerationAction_Parse(
              "MODERATION_ACTION_" + absl::AsciiStrToUpper(args[4]), &action)) {
        return kUsage;
      }
      k->set_action(action);
    } else if (verb == "remove" && need(2)) {
      r.add_remove(args[2]);
    } else {
      return kUsage;
    }
    auto updated = mod.UpdateKeywords(r);
    if (!updated.ok()) return Fail(updated.status());
    std::cout << updated->keyword_count() << " keywords\n";
    return 0;
  }
  if ((command == "feature" || command == "unfeature") && need(2)) {
    auto featured =
        mod.FeatureComment(args[1], args[2], command == "feature", reason);
    if (!featured.ok()) return Fail(featured.status());
    json ? PrintJson(*featured) : PrintComment(*featured);
    return 0;
  }
  if ((command == "ban" || command == "unban") && need(1)) {
    absl::Status s = command == "ban" ? mod.BanUser(args[1], reason)
                                      : mod.UnbanUser(args[1], reason);
    if (!s.ok()) return Fail(s);
    std::cout << args[1] << (command == "ban" ? " banned" : " unbanned")
              << "\n";
    return 0;
  }
  if (command == "audit" && need(0)) {
    v1::ListAuditLogRequest r;
    r.set_page_size(absl::GetFlag(FLAGS_page_size));
    r.set_page_token(absl::GetFlag(FLAGS_page_token));
    auto page = mod.ListAuditLog(r);
    if (!page.ok()) return Fail(page.status());
    if (json) {
      PrintJson(*page);
      return 0;
    }
    for (const v1::AuditEntry& e : page->entries()) {
      std::cout << absl::FormatTime("%Y-%m-%d %H:%M:%S",
                                    absl::FromUnixSeconds(e.time().seconds()),
                                    absl::LocalTimeZone())
                << " " << e.moderator() << " " << e.action() << " "
                << e.target() << (e.reason().empty() ? "" : " — " + e.reason())
                << (e.details().empty() ? "" : " (" + e.details() + ")")
                << "\n";
    }
    if (!page->next_page_token().empty()) {
      std::cout << "next page: --page_token=" << page->next_page_token()
                << "\n";
    }
    return 0;
  }
  return kUsage;
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
    if (json) {
      PrintJson(*posted);
    } else {
      PrintComment(posted->comment());
      if (posted->has_moderation()) {
        std::cout << "  moderation: " << posted->moderation().message() << "\n";
      }
    }
    return 0;
  }
  if (command == "get" && need(2)) {
    auto got = client.GetComment(args[1], args[2], absl::GetFlag(FLAGS_viewer));
    if (!got.ok()) return Fail(got.status());
    json ? PrintJson(*got) : PrintComment(*got);
    return 0;
  }
  if (command == "list" && need(1)) {
    v1::ListCommentsRequest r;
    r.set_article_id(args[1]);
    v1::Order order;
    if (!v1::Order_Parse(
            "ORDER_" + absl::AsciiStrToUpper(absl::GetFlag(FLAGS_order)),
            &order)) {
      std::fprintf(stderr,
                   "error: --order must be hot, newest, oldest or featured\n");
      return kUsage;
    }
    r.set_order(order);
    r.set_parent_id(absl::GetFlag(FLAGS_parent));
    r.set_page_size(absl::GetFlag(FLAGS_page_size));
    r.set_viewer_id(absl::GetFlag(FLAGS_viewer));
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
                << (state->liked() ? "liked" : "not liked") << " by " << args[3]
                << "\n";
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
  if (command == "report" && need(3)) {
    auto reported = client.ReportComment(args[1], args[2], args[3],
                                         absl::GetFlag(FLAGS_reason));
    if (!reported.ok()) return Fail(reported.status());
    if (json) {
      PrintJson(*reported);
    } else {
      std::cout << reported->report_count() << " reports\n";
    }
    return 0;
  }
  return RunModeration(args);
}

}  // namespace
}  // namespace comments

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "commentctl [--target=HOST:PORT] [--json] "
      "post|get|list|like|unlike|delete|stats|report|queue|inspect|approve|"
      "reject|clear|policy|keywords|ban|unban|audit ARGS...  (see the head "
      "of client/commentctl_main.cc)");
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  const std::vector<std::string> args(positional.begin() + 1, positional.end());
  const int rc = comments::Run(args);
  if (rc == 2) {
    std::fprintf(stderr, "usage: %s\n", absl::ProgramUsageMessage().data());
  }
  return rc;
}
