#include "service/store/internal/script_error.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/cord.h"
#include "gtest/gtest.h"
#include "redis/redis_error.h"
#include "service/store/store_error.h"
#include "tests/support/redis_replies.h"

namespace comments {
namespace {

using testing::ErrorReply;

// A script call failed as LuaScript fails it: the reply's error_status.
absl::Status Raised(const std::string& message) {
  return ErrorReply(message).error_status();
}

TEST(ScriptErrorTest, EachWordHasItsCodeMessageAndKind) {
  struct Case {
    const char* raised;
    absl::StatusCode code;
    StoreError kind;
    const char* message;
  };
  const Case cases[] = {
      {"NOTFOUND comment_id 7", absl::StatusCode::kNotFound,
       StoreError::kNotFound,
       "comment_id 7 names no visible comment of this article"},
      {"DENIED only the author may delete this comment",
       absl::StatusCode::kPermissionDenied, StoreError::kDenied,
       "only the author may delete this comment"},
      {"CLOSED this article is closed to new comments",
       absl::StatusCode::kFailedPrecondition, StoreError::kClosed,
       "this article is closed to new comments"},
      {"RATE 5 1500", absl::StatusCode::kResourceExhausted,
       StoreError::kRateLimited,
       "author_id has posted 5 comments to this article, its limit for now; "
       "retry in 2 s"},
      {"DUPLICATE 12", absl::StatusCode::kAlreadyExists, StoreError::kDuplicate,
       "author_id posted the same body under the same parent moments ago, "
       "as comment_id 12"},
      {"NOTQUEUED comment_id 7", absl::StatusCode::kFailedPrecondition,
       StoreError::kNotQueued, "comment_id 7 is not in the moderation queue"},
      {"NOREPLAY no earlier post with this key",
       absl::StatusCode::kFailedPrecondition, StoreError::kNoReplay,
       "no earlier post with this idempotency_key"},
      {"CHAIN 12|3", absl::StatusCode::kInternal, StoreError::kChain,
       "CHAIN 12|3"},
  };
  for (const Case& c : cases) {
    const ScriptError error = DecodeScriptError(Raised(c.raised));
    EXPECT_EQ(error.kind, c.kind) << c.raised;
    EXPECT_EQ(error.status.code(), c.code) << c.raised;
    EXPECT_EQ(error.status.message(), c.message) << c.raised;
    EXPECT_EQ(StoreErrorOf(error.status), c.kind) << c.raised;
    // A store error is not a Redis error: the service must not take a rate
    // limit for Redis out of memory.
    EXPECT_EQ(RedisErrorKindOf(error.status), std::nullopt) << c.raised;
  }
}

TEST(ScriptErrorTest, DetailIsTyped) {
  const ScriptError rate = DecodeScriptError(Raised("RATE 5 1500"));
  ASSERT_TRUE(rate.rate.has_value());
  EXPECT_EQ(rate.rate->posts, 5);
  EXPECT_EQ(rate.rate->retry_after, absl::Milliseconds(1500));
  EXPECT_FALSE(rate.chain.has_value());

  // PTTL of a key without expiry: nothing to wait for.
  const ScriptError forever = DecodeScriptError(Raised("RATE 3 -1"));
  ASSERT_TRUE(forever.rate.has_value());
  EXPECT_EQ(forever.rate->retry_after, absl::ZeroDuration());
  EXPECT_EQ(forever.status.message(),
            "author_id has posted 3 comments to this article, its limit for "
            "now; retry in 0 s");

  const ScriptError chain = DecodeScriptError(Raised("CHAIN 12|3"));
  ASSERT_TRUE(chain.chain.has_value());
  EXPECT_EQ(chain.chain->parent, "12");
  EXPECT_EQ(chain.chain->grandparent, "3");
  EXPECT_FALSE(chain.rate.has_value());

  const ScriptError top = DecodeScriptError(Raised("CHAIN |"));
  ASSERT_TRUE(top.chain.has_value());
  EXPECT_EQ(top.chain->parent, "");
  EXPECT_EQ(top.chain->grandparent, "");

  const ScriptError reply = DecodeScriptError(Raised("CHAIN 12|"));
  ASSERT_TRUE(reply.chain.has_value());
  EXPECT_EQ(reply.chain->parent, "12");
  EXPECT_EQ(reply.chain->grandparent, "");
}

TEST(ScriptErrorTest, AnythingElseIsKeptAsItCame) {
  const absl::Status kept[] = {
      absl::OkStatus(),
      // Redis's own refusals are the Redis layer's.
      Raised("OOM command not allowed when used memory > 'maxmemory'."),
      Raised("BUSY Redis is busy running a script."),
      // A script's bug, or a word no table names.
      Raised("ERR user_script:1: attempt to index a nil value"),
      Raised("NOTFOUNDX comment_id 7"),
      Raised("CHAIN|12|3"),  // The old form: one word, not CHAIN.
      // Text alone decides nothing: these came from no error reply.
      absl::InternalError("NOTFOUND comment_id 7"),
      absl::UnavailableError("RATE 5 1500"),
  };
  for (const absl::Status& status : kept) {
    const ScriptError error = DecodeScriptError(status);
    EXPECT_EQ(error.status, status) << status;
    EXPECT_FALSE(error.kind.has_value()) << status;
    EXPECT_FALSE(error.rate.has_value()) << status;
    EXPECT_FALSE(error.chain.has_value()) << status;
    EXPECT_EQ(StoreErrorOf(error.status), std::nullopt) << status;
  }
}

// The refusals the store decides itself (the flood limits) carry their
// kind and code as a script's do.
TEST(StoreRefusalTest, CarriesTheKindsCodeAndTheMessage) {
  for (const StoreError kind :
       {StoreError::kUserLimited, StoreError::kAddressLimited}) {
    const absl::Status refused = StoreRefusal(kind, "retry in 3 s");
    EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
    EXPECT_EQ(refused.message(), "retry in 3 s");
    EXPECT_EQ(StoreErrorOf(refused), kind);
    EXPECT_EQ(RedisErrorKindOf(refused), std::nullopt);
  }
}

TEST(StoreErrorOfTest, ReadsThePayloadNotTheMessage) {
  absl::Status tagged = absl::ResourceExhaustedError("any text");
  tagged.SetPayload(kStoreErrorUrl, absl::Cord("RATE"));
  EXPECT_EQ(StoreErrorOf(tagged), StoreError::kRateLimited);
  tagged.SetPayload(kStoreErrorUrl, absl::Cord("NOSUCHWORD"));
  EXPECT_EQ(StoreErrorOf(tagged), std::nullopt);
  EXPECT_EQ(StoreErrorOf(absl::NotFoundError("NOTFOUND x")), std::nullopt);
}

// Every word a script raises is one the decoder knows, so none reaches a
// client as INTERNAL by a typo on either side.
TEST(ScriptErrorTest, EveryWordTheScriptsRaiseIsDecoded) {
  const std::regex raised(R"(err = '([A-Z]+) )");
  std::set<std::string> words;
  for (const auto& file : std::filesystem::directory_iterator(LUA_DIR)) {
    std::ifstream in(file.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    for (std::sregex_iterator it(source.begin(), source.end(), raised), end;
         it != end; ++it) {
      words.insert((*it)[1]);
    }
  }
  EXPECT_EQ(words, (std::set<std::string>{"CHAIN", "CLOSED", "DENIED",
                                          "DUPLICATE", "NOREPLAY", "NOTFOUND",
                                          "NOTQUEUED", "RATE"}));
  for (const std::string& word : words) {
    EXPECT_TRUE(DecodeScriptError(Raised(word + " x")).kind.has_value())
        << word;
  }
}

}  // namespace
}  // namespace comments
