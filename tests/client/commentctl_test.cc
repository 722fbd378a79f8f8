// commentctl as a script would use it: exit codes, JSON on stdout, errors
// on stderr.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/comment_server.h"
#include "tests/support/redis_server.h"

namespace comments {
namespace {

struct CtlRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CommentctlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    redis_ = new testing::RedisServer();
    ASSERT_TRUE(redis_->Start());
    tokens_ = new std::string(redis_->dir() + "/tokens");
    std::ofstream(*tokens_) << "ctl-test-token-0123456789 ops\n";
    server_ = new testing::CommentServerProcess();
    ASSERT_TRUE(
        server_->Start(redis_->url(), {"--moderator_tokens=" + *tokens_}));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete redis_;
    delete tokens_;
  }

  // Runs commentctl with `args` (already shell-quoted).
  static CtlRun Ctl(const std::string& args, const std::string& env = "") {
    const std::string out = redis_->dir() + "/out";
    const std::string err = redis_->dir() + "/err";
    const std::string command = env + " " + COMMENTCTL +
                                " --target=" + server_->target() + " " + args +
                                " >" + out + " 2>" + err;
    const int status = std::system(command.c_str());
    CtlRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream o(out), e(err);
    run.out.assign(std::istreambuf_iterator<char>(o), {});
    run.err.assign(std::istreambuf_iterator<char>(e), {});
    return run;
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

}  // namespace
}  // namespace comments
