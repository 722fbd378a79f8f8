// comment-fsck against a real Redis: an article written through the real
// store is clean; then, one kind of damage at a time, raw commands corrupt
// it, and the real binary must find the damage (JSON, exit 2), repair it
// (exit 1) and then find it clean (exit 0). What cannot be derived stays
// reported (exit 2). Also on a real three-primary Redis Cluster.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "redis/await.h"
#include "service/store/comment_store.h"
#include "service/store/moderation_store.h"
#include "tests/support/fsck_run.h"
#include "tests/support/redis_cluster.h"
#include "tests/support/redis_store_test.h"
#include "tests/support/status_matchers.h"
#include "tests/support/store_calls.h"

namespace comments {
namespace {

using testing::FsckRun;
using testing::RunFsck;

absl::Time Soon() { return absl::Now() + absl::Seconds(5); }

// Writes one article through the real store, with every kind of derived
// data: likes, a reply, a feature, an idempotency key, a pending comment
// (review), a deleted one and a reported one, and the cross-article queue
// indexes as the service fills them.
//   1 alice, top level, liked by bob and carol, featured
//   2 bob, reply to 1, liked by alice
//   3 carol, top level, idempotency key "k1"
//   4 dave, top level, held for review (pending)
//   5 erin, top level, deleted
//   6 frank, top level, reported (threshold 1)
void Seed(RedisClient& redis, const std::string& article) {
  CommentStore store(&redis, CommentStoreOptions{});
  auto post = [&](const std::string& parent, const std::string& author,
                  moderation::Action verdict = moderation::Action::kAllow,
                  const std::string& idem = "") {
    NewComment c;
    c.article_id = article;
    c.parent_id = parent;
    c.author_id = author;
    c.author_name = author;
    c.body = "text of " + author;
    c.verdict = verdict;
    c.idempotency_key = idem;
    absl::StatusOr<PostResult> posted = testing::WaitPost(store, c, Soon());
    ASSERT_OK(posted);
  };
  auto like = [&](const std::string& id, const std::string& user) {
    ASSERT_OK(testing::WaitSetLike(store, article, id, user, true, Soon()));
  };
  post("", "alice");
  post("1", "bob");
  post("", "carol", moderation::Action::kAllow, "k1");
  post("", "dave", moderation::Action::kReview);
  post("", "erin");
  post("", "frank");
  like("1", "bob");
  like("1", "carol");
  like("2", "alice");
  ASSERT_OK(store.SetFeatured({article, "1"}, true, Soon()));
  ASSERT_OK(testing::WaitDelete(store, article, "5", "erin", Soon()));
  ASSERT_OK(Await<ReportResult>([&](Callback<ReportResult> done) {
    store.Report({article, "6"}, "gina", "spam", 1, Soon(), std::move(done));
  }));
  ModerationStore moderation(&redis);
  ASSERT_OK(moderation.RepairQueues(Soon()));
}

nlohmann::json Parse(const FsckRun& run) {
  nlohmann::json json = nlohmann::json::parse(run.output, nullptr, false);
  EXPECT_FALSE(json.is_discarded()) << run.output;
  return json;
}

// The finding of `kind`, or null.
nlohmann::json FindingOf(const nlohmann::json& report,
                         const std::string& kind) {
  if (!report.contains("findings")) return nullptr;
  for (const nlohmann::json& f : report["findings"]) {
    if (f["kind"] == kind) return f;
  }
  return nullptr;
}

class FsckTest : public testing::RedisStoreTest {
 protected:
  void SetUp() override {
    testing::RedisStoreTest::SetUp();
    if (HasFatalFailure()) return;
    Seed(*redis_, "a1");
    if (HasFatalFailure()) return;
    const FsckRun clean = RunFsck(redis_server_.url());
    ASSERT_EQ(clean.exit_code, 0) << clean.output;
    EXPECT_EQ(Parse(clean)["outcome"], "clean");
    EXPECT_EQ(Parse(clean)["articles"], 1);
  }

  // Runs the raw commands (words separated by spaces).
  void Corrupt(const std::vector<std::string>& commands) {
    for (const std::string& command : commands) {
      const std::string reply = redis_server_.Query(command);
      ASSERT_EQ(reply.find("ERR"), std::string::npos) << command << ": "
                                                      << reply;
    }
  }

  // fsck finds `kind` (exit 2), --repair repairs it (exit 1), and then all
  // is clean (exit 0). Run over the one article and over all.
  void ExpectFoundAndRepaired(const std::string& kind,
                              const std::vector<std::string>& scope) {
    const FsckRun found = RunFsck(redis_server_.url(), scope);
    EXPECT_EQ(found.exit_code, 2) << found.output;
    const nlohmann::json finding = FindingOf(Parse(found), kind);
    ASSERT_FALSE(finding.is_null()) << kind << " not in " << found.output;
    EXPECT_EQ(finding["repairable"], true) << finding;
    EXPECT_EQ(finding["repaired"], false) << finding;
    EXPECT_EQ(Parse(found)["outcome"], "damaged");

    std::vector<std::string> repair = scope;
    repair.push_back("--repair");
    const FsckRun repaired = RunFsck(redis_server_.url(), repair);
    EXPECT_EQ(repaired.exit_code, 1) << repaired.output;
    EXPECT_EQ(FindingOf(Parse(repaired), kind)["repaired"], true)
        << repaired.output;
    EXPECT_EQ(Parse(repaired)["outcome"], "repaired");

    const FsckRun after = RunFsck(redis_server_.url());
    EXPECT_EQ(after.exit_code, 0) << after.output;
  }
};

struct Damage {
  const char* name;
  std::vector<std::string> commands;
  const char* kind;
};

class FsckDamageTest : public FsckTest,
                       public ::testing::WithParamInterface<Damage> {};

TEST_P(FsckDamageTest, FindsAndRepairsOneArticle) {
  Corrupt(GetParam().commands);
  ExpectFoundAndRepaired(GetParam().kind, {"--article=a1"});
}

TEST_P(FsckDamageTest, FindsAndRepairsInAllArticles) {
  Corrupt(GetParam().commands);
  ExpectFoundAndRepaired(GetParam().kind, {});
}

INSTANTIATE_TEST_SUITE_P(
    EachKind, FsckDamageTest,
    ::testing::Values(
        Damage{"HotEntryOfAMissingComment", {"ZADD c:{a1}:h 5 99"},
               "hot_stale"},
        Damage{"HotEntryMissing", {"ZREM c:{a1}:h 3"}, "hot_missing"},
        Damage{"HotScoreWrong", {"ZADD c:{a1}:h 1 3"}, "hot_score"},
        Damage{"ReplyIndexMissesAReply", {"ZREM c:{a1}:rn:1 2"},
               "replies_newest_missing"},
        Damage{"ReplyHotIndexNamesADeletedComment", {"ZADD c:{a1}:rh:1 1 5"},
               "replies_hot_stale"},
        Damage{"NewestBitOfADeletedComment", {"SETBIT c:{a1}:b 5 1"},
               "newest_stale"},
        Damage{"NewestBitMissing", {"SETBIT c:{a1}:b 3 0"}, "newest_missing"},
        Damage{"CommentCountOffByOne", {"HINCRBY c:{a1}:s n 1"},
               "comment_count"},
        Damage{"ParticipantCountOffByOne", {"HINCRBY c:{a1}:p alice 1"},
               "participant"},
        Damage{"ParticipantWhoIsNone", {"HSET c:{a1}:p zed 1"},
               "participant"},
        Damage{"LikersLostOne", {"SREM c:{a1}:l:1 carol"}, "like_count"},
        Damage{"LikersGainedOne", {"SADD c:{a1}:l:1 zed"}, "liked_missing"},
        Damage{"LikedSetNamesAnUnlikedComment", {"SADD c:{a1}:u:5:alice 3"},
               "liked_extra"},
        Damage{"LikedSetLostALike", {"SREM c:{a1}:u:3:bob 1"},
               "liked_missing"},
        Damage{"PendingQueueHoldsAnApprovedComment", {"ZADD c:{a1}:qp 1 1"},
               "pending_stale"},
        Damage{"PendingQueueLostAComment", {"ZREM c:{a1}:qp 4"},
               "pending_missing"},
        Damage{"ReportedQueueHoldsADeletedComment", {"ZADD c:{a1}:qr 1 5"},
               "reported_stale"},
        Damage{"CrossArticleQueueLostAnEntry",
               {"ZREM mq:{q}:pending a1/4"}, "queue_index_missing"},
        Damage{"CrossArticleQueueHoldsADecidedComment",
               {"ZADD mq:{q}:reported 1 a1/1"}, "queue_index_stale"},
        Damage{"FeaturedEntryMissing", {"ZREM c:{a1}:ft 1"},
               "featured_missing"},
        Damage{"FeaturedEntryOfAnUnfeaturedComment", {"ZADD c:{a1}:ft 1 3"},
               "featured_stale"},
        Damage{"OrphanIdempotencyKey", {"SET c:{a1}:i:5:alice:zz 42"},
               "idempotency_orphan"},
        Damage{"IdempotencyKeyOfAnotherAuthor", {"SET c:{a1}:i:3:bob:k9 3"},
               "idempotency_orphan"},
        Damage{"IdempotencyKeyThatNeverExpires",
               {"PERSIST c:{a1}:i:5:carol:k1"}, "idempotency_no_expiry"},
        Damage{"SequenceBehindTheIds", {"HSET c:{a1}:s seq 2"},
               "seq_behind"}),
    [](const ::testing::TestParamInfo<Damage>& info) {
      return std::string(info.param.name);
    });

// A record that is gone cannot be derived: fsck takes the indexes and
// counts back to what the other records say, and reports the rest (the
// reply whose parent is gone, the likers of the missing comment) with exit
// 2, before and after --repair.
TEST_F(FsckTest, AMissingRecordIsReportedNotInvented) {
  Corrupt({"HDEL c:{a1}:c 1"});
  const FsckRun found = RunFsck(redis_server_.url());
  EXPECT_EQ(found.exit_code, 2) << found.output;
  EXPECT_FALSE(FindingOf(Parse(found), "parent_missing").is_null());
  EXPECT_FALSE(FindingOf(Parse(found), "likers_of_missing").is_null());
  EXPECT_FALSE(FindingOf(Parse(found), "hot_stale").is_null());

  const FsckRun repaired = RunFsck(redis_server_.url(), {"--repair"});
  EXPECT_EQ(repaired.exit_code, 2) << repaired.output;
  EXPECT_EQ(Parse(repaired)["outcome"], "damaged");
  EXPECT_EQ(FindingOf(Parse(repaired), "hot_stale")["repaired"], true);
  const nlohmann::json left = FindingOf(Parse(repaired), "parent_missing");
  EXPECT_EQ(left["repairable"], false) << left;
  EXPECT_EQ(left["repaired"], false) << left;

  const FsckRun again = RunFsck(redis_server_.url());
  EXPECT_EQ(again.exit_code, 2) << again.output;
  EXPECT_TRUE(FindingOf(Parse(again), "hot_stale").is_null()) << again.output;
  // The likers stay: they are data, not derived.
  EXPECT_EQ(redis_server_.Query("SCARD c:{a1}:l:1"), "2");
}

TEST_F(FsckTest, ARecordThatCannotBeDecodedIsReportedAndKept) {
  Corrupt({"HSET c:{a1}:c 3 garbage"});
  const FsckRun found = RunFsck(redis_server_.url(), {"--repair"});
  EXPECT_EQ(found.exit_code, 2) << found.output;
  const nlohmann::json finding =
      FindingOf(Parse(found), "record_undecodable");
  ASSERT_FALSE(finding.is_null()) << found.output;
  EXPECT_EQ(finding["repairable"], false);
  EXPECT_EQ(redis_server_.Query("HGET c:{a1}:c 3"), "garbage");
}

TEST_F(FsckTest, CouldNotRunIsExitThree) {
  const FsckRun run = RunFsck("unix:///nonexistent/redis.sock");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  const FsckRun bad_flag = RunFsck(redis_server_.url(), {"--rate=0"});
  EXPECT_EQ(bad_flag.exit_code, 3) << bad_flag.output;
}

// The same on a real three-primary Redis Cluster: two articles whose slots
// live on different primaries, each damaged; a run over all articles scans
// every primary and finds and repairs both.
TEST(FsckClusterTest, ScansEveryPrimaryAndRepairs) {
  testing::RedisCluster cluster(3);
  ASSERT_TRUE(cluster.Start());
  ASSERT_OK_AND_ASSIGN(std::vector<RedisEndpoint> seeds,
                       RedisEndpoint::ParseList(cluster.seed_url()));
  RedisClient redis(RedisClientOptions{seeds.front()});
  // Two articles on different primaries.
  std::vector<std::string> articles;
  std::vector<int> owners;
  for (int i = 0; articles.size() < 2 && i < 100; ++i) {
    const std::string article = "c" + std::to_string(i);
    const int owner = cluster.OwnerOf(
        std::stoi(cluster.Query(0, "CLUSTER KEYSLOT c:{" + article + "}:s")));
    if (owners.empty() || owners.front() != owner) {
      articles.push_back(article);
      owners.push_back(owner);
    }
  }
  ASSERT_EQ(articles.size(), 2u);
  for (const std::string& article : articles) {
    Seed(redis, article);
    if (::testing::Test::HasFatalFailure()) return;
  }
  const FsckRun clean = RunFsck(cluster.seed_url());
  ASSERT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_EQ(Parse(clean)["articles"], 2);

  cluster.Query(owners[0], "HINCRBY c:{" + articles[0] + "}:s n 1");
  cluster.Query(owners[1], "SETBIT c:{" + articles[1] + "}:b 5 1");
  const FsckRun found = RunFsck(cluster.seed_url());
  EXPECT_EQ(found.exit_code, 2) << found.output;
  const nlohmann::json count = FindingOf(Parse(found), "comment_count");
  const nlohmann::json bit = FindingOf(Parse(found), "newest_stale");
  ASSERT_FALSE(count.is_null()) << found.output;
  ASSERT_FALSE(bit.is_null()) << found.output;
  EXPECT_EQ(count["article"], articles[0]);
  EXPECT_EQ(bit["article"], articles[1]);

  const FsckRun repaired = RunFsck(cluster.seed_url(), {"--repair"});
  EXPECT_EQ(repaired.exit_code, 1) << repaired.output;
  const FsckRun after = RunFsck(cluster.seed_url());
  EXPECT_EQ(after.exit_code, 0) << after.output;
  // One article only, by its id, on the cluster too.
  const FsckRun one =
      RunFsck(cluster.seed_url(), {"--article=" + articles[1]});
  EXPECT_EQ(one.exit_code, 0) << one.output;
}

}  // namespace
}  // namespace comments
