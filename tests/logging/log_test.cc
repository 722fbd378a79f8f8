#include "logging/log.h"

#include "gtest/gtest.h"

namespace comments::logging {
namespace {

using Json = nlohmann::json;

const absl::Time kTime = absl::FromUnixMillis(1714552212345);

TEST(LogTest, ALineIsOneJsonObjectWithTimeLevelEventFirst) {
  const std::string line = FormatLine(
      kTime, Level::kWarning, "redis_unreachable",
      {{"node", "10.0.0.5:6379"}, {"in_flight", 3}});
  EXPECT_EQ(line,
            "{\"time\":\"2024-05-01T08:30:12.345Z\",\"level\":\"warning\","
            "\"event\":\"redis_unreachable\",\"node\":\"10.0.0.5:6379\","
            "\"in_flight\":3}");
}

TEST(LogTest, ClientsBytesCannotBreakTheLineOrForgeAField) {
  const std::string hostile = "a\"b\n{\"level\":\"error\"}\x01";
  const std::string line =
      FormatLine(kTime, Level::kInfo, "rpc",
                 {{"article_id", hostile}, {"level", "error"},
                  {"name", "网友\xff"}});
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  const Json parsed = Json::parse(line);
  EXPECT_EQ(parsed["article_id"], hostile);
  EXPECT_EQ(parsed["level"], "info");       // Not replaced by a field.
  EXPECT_EQ(parsed["name"], "网友\xEF\xBF\xBD");  // U+FFFD for the bad byte.
}

TEST(LogTest, NoFieldsIsTheThreeAlone) {
  EXPECT_EQ(FormatLine(kTime, Level::kInfo, "stopped", nullptr),
            "{\"time\":\"2024-05-01T08:30:12.345Z\",\"level\":\"info\","
            "\"event\":\"stopped\"}");
}

// The seconds are cached per thread: a line in another second, or back in
// an earlier one, must not show the cached text.
TEST(LogTest, EachLineHasItsOwnTime) {
  const auto time_of = [](absl::Time t) {
    return Json::parse(FormatLine(t, Level::kInfo, "e", nullptr))["time"];
  };
  EXPECT_EQ(time_of(kTime), "2024-05-01T08:30:12.345Z");
  EXPECT_EQ(time_of(kTime + absl::Milliseconds(600)),
            "2024-05-01T08:30:12.945Z");
  EXPECT_EQ(time_of(kTime + absl::Milliseconds(700)),
            "2024-05-01T08:30:13.045Z");
  EXPECT_EQ(time_of(kTime + absl::Hours(24)), "2024-05-02T08:30:12.345Z");
  EXPECT_EQ(time_of(kTime), "2024-05-01T08:30:12.345Z");
  EXPECT_EQ(time_of(absl::FromUnixMillis(-1)), "1969-12-31T23:59:59.999Z");
}

TEST(LogTest, LevelsByName) {
  for (Level level :
       {Level::kDebug, Level::kInfo, Level::kWarning, Level::kError}) {
    EXPECT_EQ(ParseLevel(LevelName(level)), level);
  }
  EXPECT_EQ(ParseLevel("warn"), std::nullopt);
  SetLevel(Level::kWarning);
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kError));
  SetLevel(Level::kInfo);
}

}  // namespace
}  // namespace comments::logging
