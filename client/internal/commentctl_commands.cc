// The commands of commentctl: the ABSL_FLAGs they read, each command's
// call of the client library, and how it prints the answer. What each one
// does for the user is said in the command table, client/commentctl_main.cc.

#include "client/internal/commentctl_commands.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/time/time.h"
#include "client/client.h"
#include "client/internal/command_table.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051",
          "The comment service: HOST:PORT, unix:PATH or any gRPC target");
ABSL_FLAG(bool, json, false, "Print replies as JSON, one object a line");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(5),
          "Deadline of a call, its retries included");
ABSL_FLAG(std::string, token, "",
          "Moderator bearer token (default: $COMMENTS_MODERATOR_TOKEN)");
ABSL_FLAG(std::string, parent, "",
          "The parent comment: post replies to it, list lists its replies");
ABSL_FLAG(std::string, name, "", "The author's display name");
ABSL_FLAG(std::string, key, "",
          "Idempotency key: a retry with the same key posts once");
ABSL_FLAG(std::string, viewer, "",
          "The reading user: whose likes are shown; an author also sees "
          "their held comment");
ABSL_FLAG(std::string, order, "newest", "hot, newest, oldest or featured");
ABSL_FLAG(int, page_size, 20, "Items per page");
ABSL_FLAG(std::string, page_token, "",
          "The next page, as the previous page printed it");
ABSL_FLAG(std::string, article, "", "Only this article's part of the queue");
ABSL_FLAG(std::string, reason, "",
          "Why: shown to moderators (report) or kept in the audit log");

namespace comments::commentctl {
namespace {

using cli::kUsageError;

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
  std::cout
      << "#" << c.comment_id()
      << (c.parent_id().empty() ? "" : " (reply to #" + c.parent_id() + ")")
      << " " << (c.author_name().empty() ? c.author_id() : c.author_name())
      << " · " << c.like_count() << " likes"
      << (c.viewer_liked() ? " (you too)" : "") << " · " << c.reply_count()
      << " replies · "
      << absl::FormatTime("%Y-%m-%d %H:%M:%S",
                          absl::FromUnixSeconds(c.create_time().seconds()),
                          absl::LocalTimeZone())
      << " · " << v1::CommentStatus_Name(c.status())
      << (c.featured() ? " · featured" : "") << "\n  " << c.body() << "\n";
}

void PrintNextPage(const std::string& next_page_token) {
  if (!next_page_token.empty()) {
    std::cout << "next page: --page_token=" << next_page_token << "\n";
  }
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

// The service's answer: JSON with --json, else as `print` writes it; or the
// error. Returns the exit status.
template <typename Message, typename Print>
int Answer(const absl::StatusOr<Message>& answer, Print print) {
  if (!answer.ok()) return Fail(answer.status());
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(*answer);
  } else {
    print(*answer);
  }
  return 0;
}

ClientOptions ReaderOptions() {
  return {.target = absl::GetFlag(FLAGS_target),
          .deadline = absl::GetFlag(FLAGS_deadline)};
}

ClientOptions ModeratorOptions() {
  std::string token = absl::GetFlag(FLAGS_token);
  if (token.empty() && std::getenv("COMMENTS_MODERATOR_TOKEN") != nullptr) {
    token = std::getenv("COMMENTS_MODERATOR_TOKEN");
  }
  ClientOptions options = ReaderOptions();
  options.bearer_token = token;
  return options;
}

}  // namespace

int Post(const Args& args) {
  Client client(ReaderOptions());
  v1::PostCommentRequest r;
  r.set_article_id(args[1]);
  r.set_author_id(args[2]);
  r.set_body(args[3]);
  r.set_parent_id(absl::GetFlag(FLAGS_parent));
  r.set_author_name(absl::GetFlag(FLAGS_name));
  r.set_idempotency_key(absl::GetFlag(FLAGS_key));
  return Answer(client.PostComment(r), [](const v1::PostCommentResponse& p) {
    PrintComment(p.comment());
    if (p.has_moderation()) {
      std::cout << "  moderation: " << p.moderation().message() << "\n";
    }
  });
}

int Get(const Args& args) {
  Client client(ReaderOptions());
  return Answer(
      client.GetComment(args[1], args[2], absl::GetFlag(FLAGS_viewer)),
      PrintComment);
}

int List(const Args& args) {
  v1::ListCommentsRequest r;
  r.set_article_id(args[1]);
  v1::Order order;
  if (!v1::Order_Parse(
          "ORDER_" + absl::AsciiStrToUpper(absl::GetFlag(FLAGS_order)),
          &order)) {
    std::fprintf(stderr,
                 "error: --order must be hot, newest, oldest or featured\n");
    return kUsageError;
  }
  r.set_order(order);
  r.set_parent_id(absl::GetFlag(FLAGS_parent));
  r.set_page_size(absl::GetFlag(FLAGS_page_size));
  r.set_viewer_id(absl::GetFlag(FLAGS_viewer));
  r.set_page_token(absl::GetFlag(FLAGS_page_token));
  Client client(ReaderOptions());
  return Answer(client.ListComments(r),
                [](const v1::ListCommentsResponse& page) {
                  for (const v1::Comment& c : page.comments()) PrintComment(c);
                  PrintNextPage(page.next_page_token());
                });
}

int LikeOrUnlike(const Args& args) {
  Client client(ReaderOptions());
  return Answer(args[0] == "like"
                    ? client.LikeComment(args[1], args[2], args[3])
                    : client.UnlikeComment(args[1], args[2], args[3]),
                [&](const v1::LikeCommentResponse& state) {
                  std::cout << state.like_count() << " likes; "
                            << (state.liked() ? "liked" : "not liked") << " by "
                            << args[3] << "\n";
                });
}

int Delete(const Args& args) {
  Client client(ReaderOptions());
  absl::Status s = client.DeleteComment(args[1], args[2], args[3]);
  if (!s.ok()) return Fail(s);
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << "{}\n";
  } else {
    std::cout << "deleted #" << args[2] << "\n";
  }
  return 0;
}

int Stats(const Args& args) {
  Client client(ReaderOptions());
  auto stats = client.BatchGetArticleStats(Args(args.begin() + 1, args.end()));
  if (!stats.ok()) return Fail(stats.status());
  for (const v1::ArticleStats& s : *stats) {
    if (absl::GetFlag(FLAGS_json)) {
      PrintJson(s);
    } else {
      std::cout << s.article_id() << ": 评论 " << s.participant_count()
                << "人参与, " << s.comment_count() << "条评论\n";
    }
  }
  return 0;
}

int Report(const Args& args) {
  Client client(ReaderOptions());
  return Answer(client.ReportComment(args[1], args[2], args[3],
                                     absl::GetFlag(FLAGS_reason)),
                [](const v1::ReportCommentResponse& reported) {
                  std::cout << reported.report_count() << " reports\n";
                });
}

int Queue(const Args& args) {
  std::optional<v1::Queue> queue = ParseQueue(args[1]);
  if (!queue) return kUsageError;
  ModerationClient mod(ModeratorOptions());
  v1::ListQueueRequest r;
  r.set_queue(*queue);
  r.set_article_id(absl::GetFlag(FLAGS_article));
  r.set_page_size(absl::GetFlag(FLAGS_page_size));
  r.set_page_token(absl::GetFlag(FLAGS_page_token));
  return Answer(mod.ListQueue(r), [&](const v1::ListQueueResponse& page) {
    std::cout << page.total_size() << " in the " << args[1] << " queue\n";
    for (const v1::QueueItem& item : page.items()) PrintQueueItem(item);
    PrintNextPage(page.next_page_token());
  });
}

int Inspect(const Args& args) {
  ModerationClient mod(ModeratorOptions());
  return Answer(mod.InspectComment(args[1], args[2]), PrintQueueItem);
}

int Decide(const Args& args) {
  ModerationClient mod(ModeratorOptions());
  auto status = mod.Decide(args[1], args[2], *ParseDecision(args[0]),
                           absl::GetFlag(FLAGS_reason));
  if (!status.ok()) return Fail(status.status());
  std::cout << "#" << args[2] << " is now " << v1::CommentStatus_Name(*status)
            << "\n";
  return 0;
}

int Clear(const Args& args) {
  std::optional<v1::Queue> queue = ParseQueue(args[1]);
  std::optional<v1::Decision> decision = ParseDecision(args[2]);
  if (!queue || !decision) return kUsageError;
  ModerationClient mod(ModeratorOptions());
  v1::ClearQueueRequest r;
  r.set_queue(*queue);
  r.set_decision(*decision);
  r.set_article_id(absl::GetFlag(FLAGS_article));
  r.set_reason(absl::GetFlag(FLAGS_reason));
  auto count = mod.ClearQueue(r);
  if (!count.ok()) return Fail(count.status());
  std::cout << *count << " comments "
            << (*decision == v1::DECISION_APPROVE ? "approved" : "rejected")
            << "\n";
  return 0;
}

int Policy(const Args& args) {
  ModerationClient mod(ModeratorOptions());
  absl::StatusOr<v1::ArticlePolicy> policy;
  if (args.size() == 2) {
    policy = mod.GetArticlePolicy(args[1]);
  } else {
    const std::string& p = args[2];
    v1::Policy value = p == "post"     ? v1::POLICY_POST_MODERATION
                       : p == "pre"    ? v1::POLICY_PRE_MODERATION
                       : p == "closed" ? v1::POLICY_CLOSED
                                       : v1::POLICY_UNSPECIFIED;
    if (value == v1::POLICY_UNSPECIFIED) return kUsageError;
    policy = mod.SetArticlePolicy(args[1], value);
  }
  return Answer(policy, [](const v1::ArticlePolicy& p) {
    std::cout << p.article_id() << ": " << v1::Policy_Name(p.policy()) << "\n";
  });
}

int Keywords(const Args& args) {
  const std::string& verb = args[1];
  ModerationClient mod(ModeratorOptions());
  if (verb == "list" && args.size() == 2) {
    v1::ListKeywordsRequest r;
    r.set_page_size(absl::GetFlag(FLAGS_page_size));
    r.set_page_token(absl::GetFlag(FLAGS_page_token));
    return Answer(
        mod.ListKeywords(r), [](const v1::ListKeywordsResponse& page) {
          for (const v1::Keyword& k : page.keywords()) {
            std::cout << k.word() << "\t" << k.category() << "\t"
                      << v1::ModerationAction_Name(k.action()) << "\n";
          }
          PrintNextPage(page.next_page_token());
        });
  }
  v1::UpdateKeywordsRequest r;
  if (verb == "add" && args.size() == 5) {
    v1::Keyword* k = r.add_add();
    k->set_word(args[2]);
    k->set_category(args[3]);
    v1::ModerationAction action;
    if (!v1::ModerationAction_Parse(
            "MODERATION_ACTION_" + absl::AsciiStrToUpper(args[4]), &action)) {
      return kUsageError;
    }
    k->set_action(action);
  } else if (verb == "remove" && args.size() == 3) {
    r.add_remove(args[2]);
  } else {
    return kUsageError;
  }
  auto updated = mod.UpdateKeywords(r);
  if (!updated.ok()) return Fail(updated.status());
  std::cout << updated->keyword_count() << " keywords\n";
  return 0;
}

int FeatureOrUnfeature(const Args& args) {
  ModerationClient mod(ModeratorOptions());
  return Answer(mod.FeatureComment(args[1], args[2], args[0] == "feature",
                                   absl::GetFlag(FLAGS_reason)),
                PrintComment);
}

int BanOrUnban(const Args& args) {
  ModerationClient mod(ModeratorOptions());
  const bool ban = args[0] == "ban";
  const std::string reason = absl::GetFlag(FLAGS_reason);
  absl::Status s =
      ban ? mod.BanUser(args[1], reason) : mod.UnbanUser(args[1], reason);
  if (!s.ok()) return Fail(s);
  std::cout << args[1] << (ban ? " banned" : " unbanned") << "\n";
  return 0;
}

int Audit(const Args&) {
  ModerationClient mod(ModeratorOptions());
  v1::ListAuditLogRequest r;
  r.set_page_size(absl::GetFlag(FLAGS_page_size));
  r.set_page_token(absl::GetFlag(FLAGS_page_token));
  return Answer(mod.ListAuditLog(r), [](const v1::ListAuditLogResponse& page) {
    for (const v1::AuditEntry& e : page.entries()) {
      std::cout << absl::FormatTime("%Y-%m-%d %H:%M:%S",
                                    absl::FromUnixSeconds(e.time().seconds()),
                                    absl::LocalTimeZone())
                << " " << e.moderator() << " " << e.action() << " "
                << e.target() << (e.reason().empty() ? "" : " — " + e.reason())
                << (e.details().empty() ? "" : " (" + e.details() + ")")
                << "\n";
    }
    PrintNextPage(page.next_page_token());
  });
}

int Waves(const Args&) {
  ModerationClient mod(ModeratorOptions());
  v1::ListWavesRequest r;
  r.set_page_size(absl::GetFlag(FLAGS_page_size));
  r.set_page_token(absl::GetFlag(FLAGS_page_token));
  return Answer(mod.ListWaves(r), [](const v1::ListWavesResponse& page) {
    const auto time = [](const google::protobuf::Timestamp& t) {
      return absl::FormatTime("%Y-%m-%d %H:%M:%S",
                              absl::FromUnixSeconds(t.seconds()),
                              absl::LocalTimeZone());
    };
    for (const v1::Wave& w : page.waves()) {
      std::cout << w.wave_id() << " copies=" << w.copies()
                << " accounts=" << w.accounts()
                << " articles=" << w.articles() << " " << time(w.first_seen())
                << " .. " << time(w.last_seen()) << "\n  "
                << w.sample_text() << "\n";
    }
    PrintNextPage(page.next_page_token());
  });
}

int RejectWave(const Args& args) {
  ModerationClient mod(ModeratorOptions());
  auto count = mod.RejectWave(args[1], absl::GetFlag(FLAGS_reason));
  if (!count.ok()) return Fail(count.status());
  std::cout << *count << " copies rejected\n";
  return 0;
}

}  // namespace comments::commentctl
