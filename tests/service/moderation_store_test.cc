// ModerationStore against a real redis-server: the cross-article queue index
// and its repair, keywords with their version, bans, the audit log, and
// what each call does when Redis is gone.
#include "service/store/moderation_store.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "redis/await.h"
#include "service/store/comment_store.h"
#include "tests/support/redis_store_test.h"
#include "tests/support/status_matchers.h"
#include "tests/support/store_calls.h"

namespace comments {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::IsOk;
using testing::StatusIs;
using ::testing::UnorderedElementsAre;

v1::Keyword Keyword(const std::string& word, const std::string& category,
                    v1::ModerationAction action,
                    v1::KeywordScope scope = v1::KEYWORD_SCOPE_UNSPECIFIED) {
  v1::Keyword k;
  k.set_word(word);
  k.set_category(category);
  k.set_action(action);
  k.set_scope(scope);
  return k;
}

v1::AuditEntry Entry(const std::string& action, const std::string& target) {
  v1::AuditEntry e;
  e.set_moderator("mod1");
  e.set_action(action);
  e.set_target(target);
  e.set_reason("because");
  e.set_details("count=1");
  return e;
}

// "ARTICLE/ID" of each ref, to compare lists of them.
std::vector<std::string> Members(const std::vector<CommentRef>& refs) {
  std::vector<std::string> out;
  for (const CommentRef& ref : refs) out.push_back(QueueMember(ref));
  return out;
}
std::vector<std::string> Members(
    const std::vector<ModerationStore::QueueEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(QueueMember(e.ref));
  return out;
}

class ModerationStoreTest : public testing::RedisStoreTest {
 protected:
  void SetUp() override {
    testing::RedisStoreTest::SetUp();
    if (HasFatalFailure()) return;
    comments_ =
        std::make_unique<CommentStore>(redis_.get(), CommentStoreOptions{});
    store_ = std::make_unique<ModerationStore>(redis_.get());
  }

  // Posts a comment that moderation holds for review: it lands in its
  // article's pending queue (not in the cross-article index).
  CommentRef Hold(const std::string& article, const std::string& author = "w") {
    NewComment c;
    c.article_id = article;
    c.author_id = author;
    c.body = "held";
    c.verdict = moderation::Action::kReview;
    absl::StatusOr<PostResult> posted =
        testing::WaitPost(*comments_, c, Soon());
    EXPECT_OK(posted);
    if (!posted.ok()) return {};
    EXPECT_EQ(posted->stored.comment.status(), v1::COMMENT_STATUS_PENDING);
    return {article, posted->stored.comment.comment_id()};
  }

  absl::Status Enqueue(v1::Queue queue, const CommentRef& ref,
                       int64_t queued_at_us) {
    return AwaitStatus([&](StatusCallback done) {
      store_->Enqueue(queue, ref, queued_at_us, Soon(), std::move(done));
    });
  }

  absl::StatusOr<bool> IsBanned(const std::string& user) {
    return Await<bool>([&](Callback<bool> done) {
      store_->IsBanned(user, Soon(), std::move(done));
    });
  }

  std::unique_ptr<CommentStore> comments_;
  std::unique_ptr<ModerationStore> store_;
};

TEST(QueueMemberTest, RoundTripsAndRejectsAMemberWithoutSlash) {
  EXPECT_EQ(QueueMember({"art.1", "42"}), "art.1/42");
  std::optional<CommentRef> ref = ParseQueueMember("art.1/42");
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->article_id, "art.1");
  EXPECT_EQ(ref->comment_id, "42");
  EXPECT_FALSE(ParseQueueMember("no-slash").has_value());
}

TEST_F(ModerationStoreTest, RangeListsEveryArticleOldestFirstAfterACursor) {
  ASSERT_OK(Enqueue(v1::QUEUE_PENDING, {"b", "1"}, 300));
  ASSERT_OK(Enqueue(v1::QUEUE_PENDING, {"a", "1"}, 100));
  ASSERT_OK(Enqueue(v1::QUEUE_PENDING, {"a", "2"}, 300));  // Ties with b/1.
  ASSERT_OK(Enqueue(v1::QUEUE_PENDING, {"c", "9"}, 500));
  ASSERT_OK(Enqueue(v1::QUEUE_REPORTED, {"r", "1"}, 200));  // Another queue.

  ASSERT_OK_AND_ASSIGN(
      const std::vector<ModerationStore::QueueEntry> all,
      store_->Range(v1::QUEUE_PENDING, std::nullopt, 10, "+inf", Soon()));
  EXPECT_THAT(Members(all), ElementsAre("a/1", "a/2", "b/1", "c/9"));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].score, "100");

  // Paging: two at a time, the cursor being the last entry's score and
  // member, resumes between entries of equal score.
  ASSERT_OK_AND_ASSIGN(
      const std::vector<ModerationStore::QueueEntry> first,
      store_->Range(v1::QUEUE_PENDING, std::nullopt, 2, "+inf", Soon()));
  EXPECT_THAT(Members(first), ElementsAre("a/1", "a/2"));
  ASSERT_EQ(first.size(), 2u);
  const IndexPosition cursor{first[1].score, QueueMember(first[1].ref)};
  ASSERT_OK_AND_ASSIGN(
      const std::vector<ModerationStore::QueueEntry> second,
      store_->Range(v1::QUEUE_PENDING, cursor, 2, "+inf", Soon()));
  EXPECT_THAT(Members(second), ElementsAre("b/1", "c/9"));

  // max_score: only what was queued by then.
  ASSERT_OK_AND_ASSIGN(
      const std::vector<ModerationStore::QueueEntry> early,
      store_->Range(v1::QUEUE_PENDING, std::nullopt, 10, "300", Soon()));
  EXPECT_THAT(Members(early), ElementsAre("a/1", "a/2", "b/1"));

  ASSERT_OK_AND_ASSIGN(
      const std::vector<ModerationStore::QueueEntry> reported,
      store_->Range(v1::QUEUE_REPORTED, std::nullopt, 10, "+inf", Soon()));
  EXPECT_THAT(Members(reported), ElementsAre("r/1"));
}

TEST_F(ModerationStoreTest, EnqueueAndDequeueAreIdempotent) {
  ASSERT_OK(Enqueue(v1::QUEUE_PENDING, {"a", "1"}, 100));
  // Again, later: the entry keeps its first time.
  ASSERT_OK(Enqueue(v1::QUEUE_PENDING, {"a", "1"}, 999));
  ASSERT_OK(Enqueue(v1::QUEUE_PENDING, {"a", "2"}, 200));
  ASSERT_OK_AND_ASSIGN(int64_t size,
                       store_->QueueSize(v1::QUEUE_PENDING, "", Soon()));
  EXPECT_EQ(size, 2);
  ASSERT_OK_AND_ASSIGN(
      const std::vector<ModerationStore::QueueEntry> entries,
      store_->Range(v1::QUEUE_PENDING, std::nullopt, 10, "+inf", Soon()));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].score, "100");

  ASSERT_OK(store_->Dequeue(v1::QUEUE_PENDING, {{"a", "1"}}, Soon()));
  ASSERT_OK(store_->Dequeue(v1::QUEUE_PENDING, {{"a", "1"}}, Soon()));
  ASSERT_OK(store_->Dequeue(v1::QUEUE_PENDING, {}, Soon()));
  // The asynchronous form.
  ASSERT_OK(AwaitStatus([&](StatusCallback done) {
    store_->Dequeue(v1::QUEUE_PENDING, {{"a", "2"}, {"a", "404"}}, Soon(),
                    std::move(done));
  }));
  ASSERT_OK_AND_ASSIGN(size, store_->QueueSize(v1::QUEUE_PENDING, "", Soon()));
  EXPECT_EQ(size, 0);
}

TEST_F(ModerationStoreTest, ArticleQueuesAreTheTruth) {
  const CommentRef a1 = Hold("a");
  const CommentRef a2 = Hold("a");
  const CommentRef b1 = Hold("b");
  ASSERT_FALSE(HasFailure());

  ASSERT_OK_AND_ASSIGN(
      const std::vector<CommentRef> head,
      store_->ArticleQueueHead(v1::QUEUE_PENDING, "a", "+inf", 10, Soon()));
  EXPECT_THAT(Members(head), ElementsAre(QueueMember(a1), QueueMember(a2)));
  ASSERT_OK_AND_ASSIGN(
      const std::vector<CommentRef> one,
      store_->ArticleQueueHead(v1::QUEUE_PENDING, "a", "+inf", 1, Soon()));
  EXPECT_THAT(Members(one), ElementsAre(QueueMember(a1)));
  // Nothing was queued before the epoch.
  ASSERT_OK_AND_ASSIGN(
      const std::vector<CommentRef> none,
      store_->ArticleQueueHead(v1::QUEUE_PENDING, "a", "0", 10, Soon()));
  EXPECT_THAT(none, IsEmpty());

  ASSERT_OK_AND_ASSIGN(int64_t in_a,
                       store_->QueueSize(v1::QUEUE_PENDING, "a", Soon()));
  EXPECT_EQ(in_a, 2);
  ASSERT_OK_AND_ASSIGN(int64_t reported_in_a,
                       store_->QueueSize(v1::QUEUE_REPORTED, "a", Soon()));
  EXPECT_EQ(reported_in_a, 0);
  // The cross-article index is written apart (Enqueue), so it is empty.
  ASSERT_OK_AND_ASSIGN(int64_t index,
                       store_->QueueSize(v1::QUEUE_PENDING, "", Soon()));
  EXPECT_EQ(index, 0);

  ASSERT_OK_AND_ASSIGN(v1::Queue queue, store_->QueueOf(b1, Soon()));
  EXPECT_EQ(queue, v1::QUEUE_PENDING);
  ASSERT_OK_AND_ASSIGN(queue, store_->QueueOf({"b", "404"}, Soon()));
  EXPECT_EQ(queue, v1::QUEUE_UNSPECIFIED);

  // Once approved, a comment has left its article's queue.
  ASSERT_OK_AND_ASSIGN(auto decided,
                       comments_->Decide({a2}, /*approve=*/true,
                                         ModerationQueue::kPending, Soon()));
  ASSERT_EQ(decided.size(), 1u);
  ASSERT_OK(decided[0]);
  ASSERT_OK_AND_ASSIGN(
      const std::vector<bool> still,
      store_->StillQueued(v1::QUEUE_PENDING, {a1, a2, b1, {"c", "1"}}, Soon()));
  EXPECT_THAT(still, ElementsAre(true, false, true, false));
  ASSERT_OK_AND_ASSIGN(queue, store_->QueueOf(a2, Soon()));
  EXPECT_EQ(queue, v1::QUEUE_UNSPECIFIED);
}

TEST_F(ModerationStoreTest, ReportedCommentsAreInTheReportedQueue) {
  NewComment c;
  c.article_id = "a";
  c.author_id = "w";
  c.body = "visible";
  ASSERT_OK_AND_ASSIGN(const PostResult posted,
                       testing::WaitPost(*comments_, c, Soon()));
  const CommentRef ref{"a", posted.stored.comment.comment_id()};
  ASSERT_OK(Await<ReportResult>([&](Callback<ReportResult> done) {
    comments_->Report(ref, "reader", "rude", /*threshold=*/1, Soon(),
                      std::move(done));
  }));
  ASSERT_OK_AND_ASSIGN(v1::Queue queue, store_->QueueOf(ref, Soon()));
  EXPECT_EQ(queue, v1::QUEUE_REPORTED);
  ASSERT_OK_AND_ASSIGN(const std::vector<bool> still,
                       store_->StillQueued(v1::QUEUE_REPORTED, {ref}, Soon()));
  EXPECT_THAT(still, ElementsAre(true));
}

TEST_F(ModerationStoreTest, RepairQueuesReaddsWhatTheIndexLacks) {
  const CommentRef a1 = Hold("a");
  const CommentRef a2 = Hold("a");
  const CommentRef b1 = Hold("b");
  ASSERT_FALSE(HasFailure());
  // One entry made it into the index before a crash; the others did not.
  ASSERT_OK(Enqueue(v1::QUEUE_PENDING, a1, 1));

  ASSERT_OK_AND_ASSIGN(int64_t added, store_->RepairQueues(Soon()));
  EXPECT_EQ(added, 2);
  ASSERT_OK_AND_ASSIGN(
      const std::vector<ModerationStore::QueueEntry> entries,
      store_->Range(v1::QUEUE_PENDING, std::nullopt, 10, "+inf", Soon()));
  EXPECT_THAT(
      Members(entries),
      UnorderedElementsAre(QueueMember(a1), QueueMember(a2), QueueMember(b1)));
  // Nothing is missing any more; the entry already there kept its time.
  ASSERT_OK_AND_ASSIGN(added, store_->RepairQueues(Soon()));
  EXPECT_EQ(added, 0);
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].score, "1");
}

TEST_F(ModerationStoreTest, KeywordUpdatesMoveTheVersion) {
  ASSERT_OK_AND_ASSIGN(ModerationStore::Revision revision,
                       store_->KeywordRevision(Soon()));
  EXPECT_EQ(revision, ModerationStore::Revision{});  // Never written.

  ASSERT_OK_AND_ASSIGN(
      ModerationStore::KeywordsState state,
      store_->UpdateKeywords(
          {Keyword("博彩", "gambling", v1::MODERATION_ACTION_BLOCK),
           Keyword("idiot", "abuse", v1::MODERATION_ACTION_MASK,
                   v1::KEYWORD_SCOPE_ANYWHERE),
           Keyword("百家乐器", "exception", v1::MODERATION_ACTION_ALLOW)},
          {}, /*seed=*/false, Soon()));
  EXPECT_EQ(state.count, 3);
  EXPECT_EQ(state.version, 1);
  ASSERT_OK_AND_ASSIGN(revision, store_->KeywordRevision(Soon()));
  EXPECT_EQ(revision.counter, 1);
  EXPECT_EQ(revision.stamp.size(), 32u);
  const std::string first_stamp = revision.stamp;

  ASSERT_OK_AND_ASSIGN(
      state, store_->UpdateKeywords(
                 {Keyword("refund", "scam", v1::MODERATION_ACTION_REVIEW,
                          v1::KEYWORD_SCOPE_WHOLE_WORD)},
                 {"百家乐器", "never-there"},
                 /*seed=*/false, Soon()));
  EXPECT_EQ(state.count, 3);
  EXPECT_EQ(state.version, 2);
  ASSERT_OK_AND_ASSIGN(revision, store_->KeywordRevision(Soon()));
  EXPECT_EQ(revision.counter, 2);
  EXPECT_NE(revision.stamp, first_stamp);

  ASSERT_OK_AND_ASSIGN(std::vector<v1::Keyword> all,
                       store_->AllKeywords(Soon()));
  std::vector<std::string> described;
  for (const v1::Keyword& k : all) {
    described.push_back(k.word() + " " + k.category() + " " +
                        v1::ModerationAction_Name(k.action()) + " " +
                        v1::KeywordScope_Name(k.scope()));
  }
  EXPECT_THAT(described,
              UnorderedElementsAre(
                  "博彩 gambling MODERATION_ACTION_BLOCK "
                  "KEYWORD_SCOPE_UNSPECIFIED",
                  "idiot abuse MODERATION_ACTION_MASK KEYWORD_SCOPE_ANYWHERE",
                  "refund scam MODERATION_ACTION_REVIEW "
                  "KEYWORD_SCOPE_WHOLE_WORD"));
}

TEST_F(ModerationStoreTest, SeedAppliesOnlyToAStoreNeverSeeded) {
  ASSERT_OK_AND_ASSIGN(ModerationStore::KeywordsState state,
                       store_->UpdateKeywords(
                           {Keyword("first", "x", v1::MODERATION_ACTION_BLOCK)},
                           {}, /*seed=*/true, Soon()));
  EXPECT_EQ(state.count, 1);
  EXPECT_EQ(state.version, 1);
  // Another replica's seed: ignored, and the version stays.
  ASSERT_OK_AND_ASSIGN(
      state, store_->UpdateKeywords(
                 {Keyword("second", "x", v1::MODERATION_ACTION_BLOCK)}, {},
                 /*seed=*/true, Soon()));
  EXPECT_EQ(state.count, 1);
  EXPECT_EQ(state.version, 1);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Keyword> all,
                       store_->AllKeywords(Soon()));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].word(), "first");
  // A moderator's update still applies.
  ASSERT_OK_AND_ASSIGN(
      state, store_->UpdateKeywords(
                 {Keyword("third", "x", v1::MODERATION_ACTION_BLOCK)}, {},
                 /*seed=*/false, Soon()));
  EXPECT_EQ(state.count, 2);
  EXPECT_EQ(state.version, 2);
}

TEST_F(ModerationStoreTest, ListKeywordsPagesInByteOrderWithTheTotal) {
  std::vector<v1::Keyword> add;
  for (const char* word : {"delta", "alpha", "charlie", "bravo", "echo"}) {
    add.push_back(Keyword(word, "c", v1::MODERATION_ACTION_REVIEW));
  }
  ASSERT_OK(store_->UpdateKeywords(add, {}, /*seed=*/false, Soon()));

  auto words = [](const std::vector<v1::Keyword>& keywords) {
    std::vector<std::string> out;
    for (const v1::Keyword& k : keywords) out.push_back(k.word());
    return out;
  };
  ASSERT_OK_AND_ASSIGN(auto page, store_->ListKeywords("", 2, Soon()));
  EXPECT_THAT(words(page.first), ElementsAre("alpha", "bravo"));
  EXPECT_EQ(page.second, 5);
  ASSERT_FALSE(page.first.empty());
  EXPECT_EQ(page.first[0].action(), v1::MODERATION_ACTION_REVIEW);
  EXPECT_EQ(page.first[0].category(), "c");
  ASSERT_OK_AND_ASSIGN(page, store_->ListKeywords("bravo", 2, Soon()));
  EXPECT_THAT(words(page.first), ElementsAre("charlie", "delta"));
  ASSERT_OK_AND_ASSIGN(page, store_->ListKeywords("delta", 2, Soon()));
  EXPECT_THAT(words(page.first), ElementsAre("echo"));
  ASSERT_OK_AND_ASSIGN(page, store_->ListKeywords("echo", 2, Soon()));
  EXPECT_THAT(page.first, IsEmpty());
  EXPECT_EQ(page.second, 5);
}

// A stored keyword whose action the store does not know (written by a newer
// or broken writer) reads as BLOCK: a keyword is never silently disarmed.
TEST_F(ModerationStoreTest, AnUnknownStoredActionReadsAsBlock) {
  ASSERT_OK(store_->UpdateKeywords(
      {Keyword("odd", "c", v1::MODERATION_ACTION_MASK)}, {}, false, Soon()));
  ASSERT_OK(
      redis_->Command({"HSET", "mod:{kw}:words", "odd", "c\tsmite"}, Soon()));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Keyword> all,
                       store_->AllKeywords(Soon()));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].action(), v1::MODERATION_ACTION_BLOCK);
}

TEST_F(ModerationStoreTest, AVersionThatIsNoNumberIsInternal) {
  ASSERT_OK(redis_->Command({"SET", "mod:{kw}:version", "x"}, Soon()));
  EXPECT_THAT(store_->KeywordRevision(Soon()),
              StatusIs(absl::StatusCode::kInternal));
  ASSERT_OK(redis_->Command({"SET", "mod:{bans}:version", "1.5"}, Soon()));
  EXPECT_THAT(store_->BanRevision(Soon()),
              StatusIs(absl::StatusCode::kInternal));
}

TEST_F(ModerationStoreTest, BansMoveTheBanVersion) {
  ASSERT_OK_AND_ASSIGN(ModerationStore::Revision revision,
                       store_->BanRevision(Soon()));
  EXPECT_EQ(revision.counter, 0);
  ASSERT_OK_AND_ASSIGN(bool banned, IsBanned("troll"));
  EXPECT_FALSE(banned);

  ASSERT_OK(store_->SetBanned("troll", true, "spam", Soon()));
  ASSERT_OK(store_->SetBanned("user:with spaces", true, "", Soon()));
  ASSERT_OK_AND_ASSIGN(revision, store_->BanRevision(Soon()));
  EXPECT_EQ(revision.counter, 2);
  const std::string second_stamp = revision.stamp;
  ASSERT_OK_AND_ASSIGN(banned, IsBanned("troll"));
  EXPECT_TRUE(banned);
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> users,
                       store_->BannedUsers(Soon()));
  EXPECT_THAT(users, UnorderedElementsAre("troll", "user:with spaces"));

  ASSERT_OK(store_->SetBanned("troll", false, "", Soon()));
  ASSERT_OK_AND_ASSIGN(banned, IsBanned("troll"));
  EXPECT_FALSE(banned);
  ASSERT_OK_AND_ASSIGN(users, store_->BannedUsers(Soon()));
  EXPECT_THAT(users, ElementsAre("user:with spaces"));
  // An unban moves the version too, even of a user never banned: every
  // replica reloads.
  ASSERT_OK(store_->SetBanned("nobody", false, "", Soon()));
  ASSERT_OK_AND_ASSIGN(revision, store_->BanRevision(Soon()));
  EXPECT_EQ(revision.counter, 4);
  EXPECT_NE(revision.stamp, second_stamp);
}

TEST_F(ModerationStoreTest, AuditListsNewestFirstBeforeAnId) {
  ASSERT_OK(
      store_->Audit({Entry("approve", "a/1"), Entry("reject", "a/2")}, Soon()));
  ASSERT_OK(store_->Audit({Entry("ban", "troll")}, Soon()));
  ASSERT_OK(store_->Audit({}, Soon()));

  ASSERT_OK_AND_ASSIGN(std::vector<v1::AuditEntry> all,
                       store_->ListAudit("", 10, Soon()));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].action(), "ban");
  EXPECT_EQ(all[1].action(), "reject");
  EXPECT_EQ(all[2].action(), "approve");
  EXPECT_EQ(all[2].target(), "a/1");
  EXPECT_EQ(all[2].moderator(), "mod1");
  EXPECT_EQ(all[2].reason(), "because");
  EXPECT_EQ(all[2].details(), "count=1");
  EXPECT_FALSE(all[0].entry_id().empty());
  // The time is Redis's, from the entry's id.
  const absl::Time time = absl::FromUnixSeconds(all[0].time().seconds()) +
                          absl::Nanoseconds(all[0].time().nanos());
  EXPECT_LT(absl::AbsDuration(time - absl::Now()), absl::Seconds(60));

  ASSERT_OK_AND_ASSIGN(std::vector<v1::AuditEntry> page,
                       store_->ListAudit("", 1, Soon()));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].entry_id(), all[0].entry_id());
  ASSERT_OK_AND_ASSIGN(page, store_->ListAudit(page[0].entry_id(), 5, Soon()));
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].entry_id(), all[1].entry_id());
  EXPECT_EQ(page[1].entry_id(), all[2].entry_id());
}

// With Redis gone, every call fails with UNAVAILABLE (or, if the connection
// is still being given up, DEADLINE_EXCEEDED), and the callbacks of the
// asynchronous calls still run.
TEST_F(ModerationStoreTest, EveryCallFailsWhileRedisIsDown) {
  redis_server_.Stop();
  const auto down =
      ::testing::AnyOf(StatusIs(absl::StatusCode::kUnavailable),
                       StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(Enqueue(v1::QUEUE_PENDING, {"a", "1"}, 1), down);
  EXPECT_THAT(store_->Dequeue(v1::QUEUE_PENDING, {{"a", "1"}}, Soon()), down);
  EXPECT_THAT(store_->Range(v1::QUEUE_PENDING, std::nullopt, 1, "+inf", Soon()),
              down);
  EXPECT_THAT(
      store_->ArticleQueueHead(v1::QUEUE_PENDING, "a", "+inf", 1, Soon()),
      down);
  EXPECT_THAT(store_->StillQueued(v1::QUEUE_PENDING, {{"a", "1"}}, Soon()),
              down);
  EXPECT_THAT(store_->QueueOf({"a", "1"}, Soon()), down);
  EXPECT_THAT(store_->QueueSize(v1::QUEUE_PENDING, "", Soon()), down);
  EXPECT_THAT(store_->RepairQueues(Soon()), down);
  EXPECT_THAT(store_->UpdateKeywords({}, {}, false, Soon()), down);
  EXPECT_THAT(store_->KeywordRevision(Soon()), down);
  EXPECT_THAT(store_->AllKeywords(Soon()), down);
  EXPECT_THAT(store_->ListKeywords("", 1, Soon()), down);
  EXPECT_THAT(store_->SetBanned("u", true, "", Soon()), down);
  EXPECT_THAT(store_->BanRevision(Soon()), down);
  EXPECT_THAT(store_->BannedUsers(Soon()), down);
  EXPECT_THAT(IsBanned("u"), down);
  EXPECT_THAT(store_->Audit({Entry("ban", "u")}, Soon()), down);
  EXPECT_THAT(store_->ListAudit("", 1, Soon()), down);

  // And all is well once it is back.
  ASSERT_TRUE(redis_server_.Start());
  EXPECT_TRUE(testing::WaitUntil(
      [&] { return store_->SetBanned("u", true, "", Soon()).ok(); }));
  EXPECT_THAT(IsBanned("u"), IsOk());
}

}  // namespace
}  // namespace comments
