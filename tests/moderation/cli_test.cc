// comment-moderate end to end: JSON lines in, JSON lines out, in order.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace {

using nlohmann::json;

// Runs the CLI with `args` on `input`; returns stdout lines and exit code.
std::vector<std::string> RunCli(const std::string& args,
                                const std::string& input, int* status) {
  // A file of its own: tests run in parallel, in one /tmp.
  std::string in_path = ::testing::TempDir() + "/cli_in_XXXXXX";
  const int fd = mkstemp(in_path.data());
  if (fd >= 0) close(fd);
  std::ofstream(in_path, std::ios::binary) << input;
  const std::string command = std::string(COMMENT_MODERATE) + " " + args +
                              " < " + in_path + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  std::vector<std::string> lines;
  std::string line;
  for (int c; (c = fgetc(pipe)) != EOF;) {
    if (c == '\n') {
      lines.push_back(line);
      line.clear();
    } else {
      line.push_back(static_cast<char>(c));
    }
  }
  *status = pclose(pipe);
  std::remove(in_path.c_str());
  return lines;
}

TEST(CliTest, OneOutputLinePerInputLineInOrder) {
  int status = 0;
  const auto lines =
      RunCli(std::string("--lexicon=") + MODERATION_DEFAULT_LEXICON,
             "{\"text\": \"人生就是博官网\"}\n"
             "not json\n"
             "{\"text\": \"今天天气很好\"}\n"
             "{\"body\": 1}\n"
             "{\"text\": \"尊 龍 ａｇ 旗艦廳官网\"}\n",
             &status);
  EXPECT_EQ(status, 0);
  ASSERT_EQ(lines.size(), 5u);
  const json first = json::parse(lines[0]);
  EXPECT_EQ(first["action"], "block");
  EXPECT_EQ(first["masked"], "＊＊＊＊＊官网");
  ASSERT_EQ(first["matches"].size(), 1u);
  EXPECT_EQ(first["matches"][0]["word"], "人生就是博");
  EXPECT_EQ(first["matches"][0]["category"], "gambling");
  EXPECT_EQ(first["matches"][0]["action"], "block");
  EXPECT_EQ(first["matches"][0]["start"], 0);
  EXPECT_EQ(first["matches"][0]["end"], 5);
  EXPECT_TRUE(json::parse(lines[1]).contains("error"));
  EXPECT_EQ(json::parse(lines[2])["action"], "allow");
  EXPECT_EQ(json::parse(lines[2])["masked"], "今天天气很好");
  EXPECT_TRUE(json::parse(lines[3]).contains("error"));
  EXPECT_EQ(json::parse(lines[4])["action"], "block");
}

TEST(CliTest, BadLexiconOrFlagsExitWithTwo) {
  int status = 0;
  RunCli("--lexicon=/nonexistent.tsv", "", &status);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  RunCli("", "", &status);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  RunCli(std::string("--lexicon=") + MODERATION_DEFAULT_LEXICON +
             " --url_action=maybe",
         "", &status);
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

}  // namespace
