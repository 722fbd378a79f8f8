// commentctl: the comment service from a shell, over the client library.
// This file is its table of commands, which `commentctl help` prints; the
// commands themselves are client/internal/commentctl_commands.cc, and
// client/internal/command_table.h dispatches.

#include <string_view>

#include "client/internal/command_table.h"
#include "client/internal/commentctl_commands.h"

namespace comments::commentctl {
namespace {

using cli::Command;

constexpr std::string_view kReader = "Reader commands:";
constexpr std::string_view kModerator =
    "Moderator commands (the token: --token or $COMMENTS_MODERATOR_TOKEN):";

// Descriptions are printed as written: lines of at most 80 columns.
const cli::Program& Commentctl() {
  static const cli::Program* const kProgram = new cli::Program{
      .name = "commentctl",
      .about = "commentctl: the comment service from a shell.\n",
      .global_flags =
          "[--target=HOST:PORT] [--json] [--deadline=DURATION] [--token=T]",
      .commands =
          {
              {.name = "post",
               .usage = {"ARTICLE AUTHOR BODY [--parent=ID] [--name=NAME] "
                         "[--key=KEY]"},
               .min_args = 3,
               .max_args = 3,
               .group = kReader,
               .summary = "Post a comment as AUTHOR, or a reply to --parent.",
               .description = R"(Calls PostComment. Prints the stored comment:
'#ID AUTHOR · N likes · N replies · TIME · STATUS', then its body (masked where
moderation masked it), then a 'moderation:' line when moderation masked, held
or rejected it. --json prints the PostCommentResponse. Without --key the client
makes a key per call, so that its own retries post once.
Exit status 1 also when the article is closed (FAILED_PRECONDITION) or AUTHOR
is banned (PERMISSION_DENIED).
)",
               .run = Post},
              {.name = "get",
               .usage = {"ARTICLE COMMENT [--viewer=USER]"},
               .min_args = 2,
               .max_args = 2,
               .group = kReader,
               .summary = "Print one comment.",
               .description =
                   R"(Calls GetComment and prints the comment as post does, with '(you too)' after
its likes when --viewer likes it; --json prints the Comment. A deleted comment
is a tombstone without body; a held or rejected one is shown to its author only
(--viewer=AUTHOR), to anyone else it is NOT_FOUND (exit 1).
)",
               .run = Get},
              {.name = "list",
               .usage = {"ARTICLE [--order=hot|newest|oldest|featured] "
                         "[--parent=ID] [--page_size=N] [--page_token=T] "
                         "[--viewer=USER]"},
               .min_args = 1,
               .max_args = 1,
               .group = kReader,
               .summary = "List an article's comments, or a comment's replies.",
               .description =
                   R"(Calls ListComments: the visible top-level comments of ARTICLE, or the direct
replies of --parent, in --order (hot: likes and replies with time decay;
featured: the moderators' picks). Prints each comment as post does, then
'next page: --page_token=T' when there is more; --json prints the
ListCommentsResponse. --page_size is at most 100.
Exit status 2 for another --order.
)",
               .run = List},
              {.name = "like",
               .usage = {"ARTICLE COMMENT USER"},
               .min_args = 3,
               .max_args = 3,
               .group = kReader,
               .summary = "Like a comment as USER.",
               .description =
                   R"(Calls LikeComment; a user likes a comment at most once, so liking again
changes nothing. Prints 'N likes; liked by USER'; --json prints the
LikeCommentResponse. NOT_FOUND (exit 1) for an unknown or invisible comment.
)",
               .run = LikeOrUnlike},
              {.name = "unlike",
               .usage = {"ARTICLE COMMENT USER"},
               .min_args = 3,
               .max_args = 3,
               .group = kReader,
               .summary = "Take back USER's like of a comment.",
               .description =
                   R"(Calls UnlikeComment; nothing changes when USER does not like it. Prints
'N likes; not liked by USER'; --json prints the LikeCommentResponse.
)",
               .run = LikeOrUnlike},
              {.name = "delete",
               .usage = {"ARTICLE COMMENT USER"},
               .min_args = 3,
               .max_args = 3,
               .group = kReader,
               .summary = "Delete a comment, as its author USER.",
               .description =
                   R"(Calls DeleteComment: the comment leaves every list and count, its replies stay
readable; deleting it again succeeds. Prints 'deleted #COMMENT'; --json prints
{}. PERMISSION_DENIED (exit 1) when USER is not its author.
)",
               .run = Delete},
              {.name = "stats",
               .usage = {"ARTICLE [ARTICLE...]"},
               .min_args = 1,
               .max_args = Command::kAnyNumber,
               .group = kReader,
               .summary = "Print the counts of articles' comment blocks.",
               .description =
                   R"(Calls BatchGetArticleStats (up to 100 articles) and prints a line an article,
in the order given: 'ARTICLE: 评论 N人参与, M条评论' (participants: the users who
commented or liked; comments: the visible ones, replies included). --json
prints an ArticleStats a line.
)",
               .run = Stats},
              {.name = "report",
               .usage = {"ARTICLE COMMENT USER [--reason=TEXT]"},
               .min_args = 3,
               .max_args = 3,
               .group = kReader,
               .summary = "Report a comment to the moderators, as USER.",
               .description =
                   R"(Calls ReportComment; a user's report of a comment counts once. When the
reports reach the server's --report_threshold the comment enters the reported
queue. Prints 'N reports'; --json prints the ReportCommentResponse.
)",
               .run = Report},
              {.name = "queue",
               .usage = {"pending|reported [--article=ID] [--page_size=N] "
                         "[--page_token=T]"},
               .min_args = 1,
               .max_args = 1,
               .group = kModerator,
               .summary = "List a moderation queue, oldest first.",
               .description =
                   R"(Calls ListQueue: pending holds the comments awaiting approval, reported those
whose reports reached the threshold. Prints 'N in the QUEUE queue', then each
comment as post does, with what moderators see: the text as posted when it was
masked ('original:'), each keyword match, 'held: article is pre-moderated', the
reports and their reasons; then 'next page: --page_token=T' when there is
more. --json prints the ListQueueResponse.
)",
               .run = Queue},
              {.name = "inspect",
               .usage = {"ARTICLE COMMENT"},
               .min_args = 2,
               .max_args = 2,
               .group = kModerator,
               .summary = "Show a comment of any status as moderators see it.",
               .description =
                   R"(Calls InspectComment and prints the comment as queue does; --json prints the
QueueItem. NOT_FOUND (exit 1) for an unknown comment.
)",
               .run = Inspect},
              {.name = "approve",
               .usage = {"ARTICLE COMMENT [--reason=TEXT]"},
               .min_args = 2,
               .max_args = 2,
               .group = kModerator,
               .summary = "Approve a held or reported comment.",
               .description =
                   R"(Calls ModerateComments with one decision: a pending comment is published in
its place by time; a reported one stays published and leaves the queue.
Prints '#COMMENT is now STATUS', --json or not. FAILED_PRECONDITION (exit 1)
when the comment is in neither queue and not approved already.
)",
               .run = Decide},
              {.name = "reject",
               .usage = {"ARTICLE COMMENT [--reason=TEXT]"},
               .min_args = 2,
               .max_args = 2,
               .group = kModerator,
               .summary = "Reject a held or reported comment.",
               .description =
                   R"(Calls ModerateComments with one decision: the comment becomes REJECTED and
leaves every list and count; its replies stay readable. Prints '#COMMENT is
now STATUS', --json or not. FAILED_PRECONDITION (exit 1) when the comment is
in neither queue and not rejected already.
)",
               .run = Decide},
              {.name = "clear",
               .usage = {"pending|reported approve|reject [--article=ID] "
                         "[--reason=TEXT]"},
               .min_args = 2,
               .max_args = 2,
               .group = kModerator,
               .summary = "Approve or reject a whole queue.",
               .description =
                   R"(Calls ClearQueue: decides everything in the queue (or --article's part of it)
that was there when the call started, in batches; safe to repeat. Prints how
many comments it decided, --json or not.
)",
               .run = Clear},
              {.name = "policy",
               .usage = {"ARTICLE [post|pre|closed]"},
               .min_args = 1,
               .max_args = 2,
               .group = kModerator,
               .summary =
                   "Show or set how an article's comments are moderated.",
               .description =
                   R"(Calls GetArticlePolicy (the server's default when none was set), or with a
policy SetArticlePolicy: post publishes at once and holds only what the
lexicon flags for review, pre holds every comment for approval (先审后发),
closed refuses new comments. Prints 'ARTICLE: POLICY'; --json prints the
ArticlePolicy. Exit status 2 for another policy.
)",
               .run = Policy},
              {.name = "keywords",
               .usage = {"list [--page_size=N] [--page_token=T]",
                         "add WORD CATEGORY mask|review|block|allow",
                         "remove WORD"},
               .min_args = 1,
               .max_args = 4,
               .group = kModerator,
               .summary = "List, add or remove the moderation lexicon's words.",
               .description =
                   R"(list calls ListKeywords and prints 'WORD<tab>CATEGORY<tab>ACTION' a line, by
word (--json: the ListKeywordsResponse). add and remove call UpdateKeywords
(every replica applies the change within a second) and print 'N keywords',
the lexicon's size after it, --json or not. add replaces WORD when it is
there; allow makes WORD an exception that cancels the matches inside it
(docs/moderation-workflow.md). Removing an absent word is no error.
)",
               .run = Keywords},
              {.name = "feature",
               .usage = {"ARTICLE COMMENT [--reason=TEXT]"},
               .min_args = 2,
               .max_args = 2,
               .group = kModerator,
               .summary = "Feature a comment (精选).",
               .description =
                   R"(Calls FeatureComment: 'list --order=featured' lists it, most recently featured
first. Prints the comment as post does, ending '· featured'; --json prints the
Comment. NOT_FOUND (exit 1) for a comment that is not visible.
)",
               .run = FeatureOrUnfeature},
              {.name = "unfeature",
               .usage = {"ARTICLE COMMENT [--reason=TEXT]"},
               .min_args = 2,
               .max_args = 2,
               .group = kModerator,
               .summary = "Take a comment's feature back.",
               .description =
                   R"(Calls FeatureComment with featured false. Prints the comment as post does;
--json prints the Comment.
)",
               .run = FeatureOrUnfeature},
              {.name = "ban",
               .usage = {"USER [--reason=TEXT]"},
               .min_args = 1,
               .max_args = 1,
               .group = kModerator,
               .summary = "Refuse a user's new comments.",
               .description =
                   R"(Calls BanUser: USER's posts fail with PERMISSION_DENIED until unbanned.
Prints 'USER banned', --json or not.
)",
               .run = BanOrUnban},
              {.name = "unban",
               .usage = {"USER [--reason=TEXT]"},
               .min_args = 1,
               .max_args = 1,
               .group = kModerator,
               .summary = "Let a banned user comment again.",
               .description =
                   R"(Calls UnbanUser. Prints 'USER unbanned', --json or not.
)",
               .run = BanOrUnban},
              {.name = "audit",
               .usage = {"[--page_size=N] [--page_token=T]"},
               .min_args = 0,
               .max_args = 0,
               .group = kModerator,
               .summary = "Read the moderators' audit log, newest first.",
               .description = R"(Calls ListAuditLog and prints an action a line:
'TIME MODERATOR ACTION TARGET — REASON (DETAILS)', then
'next page: --page_token=T' when there is more; --json prints the
ListAuditLogResponse. --page_size is at most 500.
)",
               .run = Audit},
              {.name = "waves",
               .usage = {"[--page_size=N] [--page_token=T]"},
               .min_args = 0,
               .max_args = 0,
               .group = kModerator,
               .summary = "List copy-paste waves, most recently seen first.",
               .description = R"(Calls ListWaves and prints a wave in two lines:
'WAVE copies=N accounts=N articles=N FIRST .. LAST', then its first text;
then 'next page: --page_token=T' when there is more; --json prints the
ListWavesResponse. --page_size is at most 100.
)",
               .run = Waves},
              {.name = "reject-wave",
               .usage = {"WAVE [--reason=TEXT]"},
               .min_args = 1,
               .max_args = 1,
               .group = kModerator,
               .summary = "Reject every copy of a copy-paste wave.",
               .description =
                   R"(Calls RejectWave: rejects the wave's held copies and unpublishes the copies
published before it was seen; safe to repeat. Prints 'N copies rejected',
--json or not.
)",
               .run = RejectWave},
          },
      .epilogue =
          R"(Each command is one call of the client library (client/client.h), named after
its rpc (proto/comments/v1/). Exit status: 0 on success; 1 when the service
answers with an error, printed on stderr as 'error: CODE: message'; 2 for a
usage error.
)",
  };
  return *kProgram;
}

}  // namespace
}  // namespace comments::commentctl

int main(int argc, char** argv) {
  return comments::cli::RunCommandLine(comments::commentctl::Commentctl(), argc,
                                       argv);
}
