// commentctl as a script would use it: exit codes, JSON on stdout, errors
// on stderr; and as a person would meet it: its help and usage errors.
#include <sys/wait.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/comment_server.h"
#include "tests/support/redis_server.h"
#include "tests/support/subprocess.h"

namespace comments {
namespace {

struct CtlRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs commentctl with `args` (already shell-quoted), its output in `dir`.
CtlRun RunCtl(const std::string& dir, const std::string& args,
              const std::string& env = "") {
  const std::string out = dir + "/out";
  const std::string err = dir + "/err";
  const std::string command =
      env + " " + COMMENTCTL + " " + args + " >" + out + " 2>" + err;
  const int status = std::system(command.c_str());
  CtlRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream o(out), e(err);
  run.out.assign(std::istreambuf_iterator<char>(o), {});
  run.err.assign(std::istreambuf_iterator<char>(e), {});
  return run;
}

class CommentctlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    redis_ = new testing::RedisServer();
    ASSERT_TRUE(redis_->Start());
    tokens_ = new std::string(redis_->dir() + "/tokens");
    std::ofstream(*tokens_) << "ctl-test-token-0123456789 ops\n";
    server_ = new testing::CommentServerProcess();
    ASSERT_TRUE(
        server_->Start(redis_->url(), {"--moderator_tokens=" + *tokens_,
                                       "--wave_accounts=2"}));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete redis_;
    delete tokens_;
  }

  // Runs commentctl against the server with `args` (already shell-quoted).
  static CtlRun Ctl(const std::string& args, const std::string& env = "") {
    return RunCtl(redis_->dir(), "--target=" + server_->target() + " " + args,
                  env);
  }

  static testing::RedisServer* redis_;
  static testing::CommentServerProcess* server_;
  static std::string* tokens_;
};

testing::RedisServer* CommentctlTest::redis_ = nullptr;
testing::CommentServerProcess* CommentctlTest::server_ = nullptr;
std::string* CommentctlTest::tokens_ = nullptr;

TEST_F(CommentctlTest, PostAndListAsJson) {
  CtlRun posted = Ctl("--json post ctl-a reader '好文章'");
  ASSERT_EQ(posted.exit_code, 0) << posted.err;
  nlohmann::json post = nlohmann::json::parse(posted.out);
  const std::string id = post["comment"]["comment_id"];
  EXPECT_EQ(post["comment"]["body"], "好文章");
  EXPECT_EQ(post["comment"]["status"], "COMMENT_STATUS_PUBLISHED");

  CtlRun liked = Ctl("--json like ctl-a " + id + " fan");
  ASSERT_EQ(liked.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(liked.out)["like_count"],
            "1");  // int64 in proto JSON

  CtlRun listed = Ctl("--json list ctl-a --order=hot");
  ASSERT_EQ(listed.exit_code, 0);
  nlohmann::json list = nlohmann::json::parse(listed.out);
  ASSERT_EQ(list["comments"].size(), 1u);
  EXPECT_EQ(list["comments"][0]["comment_id"], id);
  EXPECT_FALSE(list["comments"][0].contains("viewer_liked"));
  CtlRun as_fan = Ctl("--json list ctl-a --viewer=fan");
  ASSERT_EQ(as_fan.exit_code, 0) << as_fan.err;
  EXPECT_EQ(nlohmann::json::parse(as_fan.out)["comments"][0]["viewer_liked"],
            true);
  CtlRun got = Ctl("get ctl-a " + id + " --viewer=fan");
  EXPECT_NE(got.out.find("1 likes (you too)"), std::string::npos) << got.out;

  CtlRun stats = Ctl("stats ctl-a");
  EXPECT_EQ(stats.exit_code, 0);
  EXPECT_EQ(stats.out, "ctl-a: 评论 2人参与, 1条评论\n");
}

TEST_F(CommentctlTest, ServiceErrorsExitOneWithTheStatus) {
  CtlRun missing = Ctl("get ctl-b 424242");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("NOT_FOUND"), std::string::npos) << missing.err;
  CtlRun invalid = Ctl("post 'bad id' u x");
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_NE(invalid.err.find("INVALID_ARGUMENT: article_id"),
            std::string::npos);
}

TEST_F(CommentctlTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Ctl("").exit_code, 2);
  EXPECT_EQ(Ctl("frobnicate").exit_code, 2);
  EXPECT_EQ(Ctl("post only-article").exit_code, 2);
  EXPECT_EQ(Ctl("list a --order=sideways").exit_code, 2);
}

TEST_F(CommentctlTest, ModeratorCommandsUseTheToken) {
  CtlRun anonymous = Ctl("queue pending");
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.err.find("UNAUTHENTICATED"), std::string::npos);
  const std::string env = "COMMENTS_MODERATOR_TOKEN=ctl-test-token-0123456789";
  CtlRun policy = Ctl("policy ctl-c pre", env);
  ASSERT_EQ(policy.exit_code, 0) << policy.err;
  EXPECT_EQ(Ctl("post ctl-c u waiting").exit_code, 0);
  CtlRun queue = Ctl("--json queue pending --article=ctl-c", env);
  ASSERT_EQ(queue.exit_code, 0) << queue.err;
  EXPECT_EQ(nlohmann::json::parse(queue.out)["total_size"], "1");
  CtlRun cleared = Ctl("clear pending approve --article=ctl-c", env);
  EXPECT_EQ(cleared.exit_code, 0);
  EXPECT_EQ(cleared.out, "1 comments approved\n");
  EXPECT_EQ(Ctl("post ctl-c u unwanted").exit_code, 0);
  CtlRun rejected = Ctl("clear pending reject --article=ctl-c", env);
  EXPECT_EQ(rejected.exit_code, 0);
  EXPECT_EQ(rejected.out, "1 comments rejected\n");
  CtlRun audit = Ctl("--json audit --page_size=1", env);
  EXPECT_EQ(nlohmann::json::parse(audit.out)["entries"][0]["action"],
            "clear_queue");

  CtlRun featured = Ctl("feature ctl-c 1 --reason=精彩", env);
  ASSERT_EQ(featured.exit_code, 0) << featured.err;
  EXPECT_NE(featured.out.find("featured"), std::string::npos) << featured.out;
  CtlRun picks = Ctl("--json list ctl-c --order=featured");
  ASSERT_EQ(picks.exit_code, 0) << picks.err;
  nlohmann::json list = nlohmann::json::parse(picks.out);
  ASSERT_EQ(list["comments"].size(), 1u);
  EXPECT_EQ(list["comments"][0]["featured"], true);
}

TEST_F(CommentctlTest, WavesAreListedAndRejected) {
  const std::string env = "COMMENTS_MODERATOR_TOKEN=ctl-test-token-0123456789";
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Ctl("post ctl-wave-" + std::to_string(i) + " acct" +
                  std::to_string(i) +
                  " '独家内幕消息，明天这只股票必涨停，想知道是哪只的私信我'")
                  .exit_code,
              0);
  }
  CtlRun waves = Ctl("--json waves", env);
  ASSERT_EQ(waves.exit_code, 0) << waves.err;
  nlohmann::json list = nlohmann::json::parse(waves.out);
  ASSERT_EQ(list["waves"].size(), 1u) << waves.out;
  EXPECT_EQ(list["waves"][0]["accounts"], "3");
  const std::string id = list["waves"][0]["wave_id"];
  CtlRun plain = Ctl("waves", env);
  EXPECT_EQ(plain.out.rfind(id + " copies=3 accounts=3 articles=3 ", 0), 0u)
      << plain.out;
  CtlRun rejected = Ctl("reject-wave " + id + " --reason=spam", env);
  ASSERT_EQ(rejected.exit_code, 0) << rejected.err;
  EXPECT_EQ(rejected.out, "3 copies rejected\n");
  CtlRun bad = Ctl("reject-wave nonsense", env);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("INVALID_ARGUMENT"), std::string::npos) << bad.err;
}

// Help and usage errors: no server, since commentctl calls none for them.
class CommentctlHelpTest : public ::testing::Test {
 protected:
  CtlRun Ctl(const std::string& args) { return RunCtl(dir_.path(), args); }

  // Every command of commentctl's table, in its order.
  const std::vector<std::string> commands_ = {
      "help",   "post",  "get",    "list",     "like",    "unlike",
      "delete", "stats", "report", "queue",    "inspect", "approve",
      "reject", "clear", "policy", "keywords", "feature", "unfeature",
      "ban",    "unban", "audit",  "waves",    "reject-wave"};

 private:
  testing::TempDir dir_;
};

// The commands `help` lists, each with the summary under its usage lines:
// a line "  NAME ARGS..." starts a command, its last line is the summary.
std::map<std::string, std::string> ListedCommands(const std::string& help) {
  std::map<std::string, std::string> summaries;
  std::istringstream lines(help);
  std::string line, command;
  while (std::getline(lines, line)) {
    if (line.size() > 2 && line.compare(0, 2, "  ") == 0 &&
        std::islower(static_cast<unsigned char>(line[2]))) {
      command = line.substr(2, line.find(' ', 2) - 2);
    } else if (!line.empty() && line[0] == ' ' && !command.empty()) {
      summaries[command] = line.substr(line.find_first_not_of(' '));
    } else {
      command.clear();
    }
  }
  return summaries;
}

TEST_F(CommentctlHelpTest, HelpListsEveryCommandAndExitsZero) {
  const CtlRun help = Ctl("help");
  ASSERT_EQ(help.exit_code, 0) << help.err;
  EXPECT_EQ(help.err, "");
  std::set<std::string> listed;
  for (const auto& [command, summary] : ListedCommands(help.out)) {
    listed.insert(command);
    EXPECT_NE(summary, "") << command;
  }
  EXPECT_EQ(listed, std::set<std::string>(commands_.begin(), commands_.end()))
      << help.out;
  for (const std::string flag :
       {"--target=", "--json", "--deadline=", "--token="}) {
    EXPECT_NE(help.out.find("\n  " + flag), std::string::npos) << flag;
  }
  for (const std::string same : {"--help", "-h", "--json --help"}) {
    const CtlRun run = Ctl(same);
    EXPECT_EQ(run.exit_code, 0) << same;
    EXPECT_EQ(run.out, help.out) << same;
  }
}

TEST_F(CommentctlHelpTest, HelpOfEachCommandShowsItsUsageAndSummary) {
  const std::map<std::string, std::string> summaries =
      ListedCommands(Ctl("help").out);
  for (const std::string& command : commands_) {
    const CtlRun help = Ctl("help " + command);
    ASSERT_EQ(help.exit_code, 0) << command << ": " << help.err;
    EXPECT_EQ(help.err, "") << command;
    EXPECT_EQ(help.out.rfind("usage: commentctl [FLAGS] " + command + " ", 0),
              0u)
        << help.out;
    ASSERT_EQ(summaries.count(command), 1u) << command;
    EXPECT_NE(help.out.find("\n" + summaries.at(command) + "\n"),
              std::string::npos)
        << help.out;
    const CtlRun flag = Ctl(command + " --help");
    EXPECT_EQ(flag.exit_code, 0) << command;
    EXPECT_EQ(flag.out, help.out) << command;
  }
  // Its flags with their help and defaults, from the flags themselves.
  EXPECT_NE(Ctl("help list")
                .out.find("--page_size=N   Items per page "
                          "(default: 20)"),
            std::string::npos);
}

TEST_F(CommentctlHelpTest, UnknownCommandsSuggestTheClosest) {
  for (const auto& [typed, meant] :
       std::map<std::string, std::string>{{"lsit", "list"},
                                          {"aprove", "approve"},
                                          {"keyword", "keywords"},
                                          {"POST", "post"},
                                          {"hlep", "help"}}) {
    for (const std::string& args : {typed, "help " + typed}) {
      const CtlRun run = Ctl(args);
      EXPECT_EQ(run.exit_code, 2) << args;
      EXPECT_EQ(run.out, "") << args;
      EXPECT_NE(run.err.find("unknown command '" + typed + "'; did you mean '" +
                             meant + "'?"),
                std::string::npos)
          << args << ": " << run.err;
      EXPECT_NE(run.err.find("'commentctl help'"), std::string::npos)
          << run.err;
    }
  }
  const CtlRun far = Ctl("frobnicate");
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_NE(far.err.find("unknown command 'frobnicate'"), std::string::npos);
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
}

TEST_F(CommentctlHelpTest, WrongArgumentsPrintTheCommandsUsage) {
  for (const std::string& command : commands_) {
    // More arguments than any command takes, but stats takes any number.
    const std::string args =
        command == "stats" ? "stats" : command + " a b c d e f";
    const CtlRun run = Ctl(args);
    EXPECT_EQ(run.exit_code, 2) << args;
    EXPECT_EQ(run.out, "") << args;
    EXPECT_NE(run.err.find("error: '" + command + "' takes "),
              std::string::npos)
        << run.err;
    EXPECT_NE(run.err.find("usage: commentctl [FLAGS] " + command + " "),
              std::string::npos)
        << run.err;
  }
  // An argument value the command does not take: its usage too.
  for (const std::string args :
       {"policy a sideways", "queue sideways", "clear pending maybe",
        "keywords add w c sideways", "list a --order=sideways"}) {
    const std::string command = args.substr(0, args.find(' '));
    const CtlRun run = Ctl(args);
    EXPECT_EQ(run.exit_code, 2) << args;
    EXPECT_NE(run.err.find("usage: commentctl [FLAGS] " + command + " "),
              std::string::npos)
        << args << ": " << run.err;
  }
  const CtlRun none = Ctl("");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(none.out, "");
  EXPECT_NE(none.err.find("usage: commentctl [FLAGS] COMMAND"),
            std::string::npos);
}

}  // namespace
}  // namespace comments
