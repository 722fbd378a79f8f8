// The script builders of script_calls.h against the scripts themselves: each
// script names its KEYS and ARGV once at its top (`local x = KEYS[n]`), and
// each builder must put the field of that name in slot n. The slot names are
// read from the .lua files, so a script and its builder cannot drift apart.
// Also the Lua word tables of lua_words.h, and the words the scripts compare
// with. No Redis needed.

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "service/store/lua_words.h"
#include "service/store/script_calls.h"

namespace comments {
namespace {

std::string ReadScript(const std::string& name) {
  std::ifstream in(std::string(LUA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A script's named slots, in order: keys[i] names KEYS[i + 1].
struct Slots {
  std::vector<std::string> keys;
  std::vector<std::string> args;
};

// Reads the `local NAME = [tonumber(]KEYS|ARGV[N]...` lines. Each slot must
// be named once, from 1 up without gaps, and no other line may read a slot
// by number (a variadic tail read as ARGV[i] is allowed).
Slots ReadSlots(const std::string& name) {
  const std::string text = ReadScript(name);
  static const std::regex kNamed(
      R"(^local (\w+) = (?:tonumber\()?(KEYS|ARGV)\[(\d+)\])");
  static const std::regex kByNumber(R"((KEYS|ARGV)\[\d+\])");
  Slots slots;
  std::set<std::string> names;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    std::smatch m;
    if (std::regex_search(line, m, kNamed)) {
      std::vector<std::string>& list = m[2] == "KEYS" ? slots.keys : slots.args;
      EXPECT_EQ(std::stoi(m[3]), static_cast<int>(list.size()) + 1)
          << name << ":" << number << ": slots must be named in order";
      EXPECT_TRUE(names.insert(m[1]).second)
          << name << ":" << number << ": " << m[1] << " named twice";
      list.push_back(m[1]);
      continue;
    }
    const std::string code = line.substr(0, line.find("--"));
    EXPECT_FALSE(std::regex_search(code, kByNumber))
        << name << ":" << number << ": reads a slot by number: " << line;
  }
  EXPECT_FALSE(slots.keys.empty()) << name;
  return slots;
}

// What the test put in each field, by the field's (and slot's) name, as the
// script must receive it.
using Sent = std::map<std::string, std::string>;

// A string field holding its own name.
#define NAME_SLOT(field) (call.field = #field, sent[#field] = #field)
// A field of another type, and how the script receives it.
#define VALUE_SLOT(field, value, spelled) \
  (call.field = value, sent[#field] = spelled)

// Checks that slot n of the call holds the field the script names for it,
// and that every field the test set is a slot of the script. A script with
// a variadic tail gets more ARGV than it names.
void ExpectSlots(const std::string& script, const LuaScript::Call& call,
                 const Sent& sent, bool variadic = false) {
  const Slots slots = ReadSlots(script);
  std::set<std::string> unused;
  for (const auto& [name, value] : sent) unused.insert(name);
  const auto check = [&](const char* kind,
                         const std::vector<std::string>& names,
                         const std::vector<std::string>& values) {
    ASSERT_GE(values.size(), names.size()) << script << " " << kind;
    for (size_t i = 0; i < names.size(); ++i) {
      auto it = sent.find(names[i]);
      ASSERT_NE(it, sent.end())
          << script << ": no field named " << names[i] << " for " << kind
          << "[" << i + 1 << "]";
      EXPECT_EQ(values[i], it->second)
          << script << ": " << kind << "[" << i + 1 << "] is " << names[i];
      unused.erase(names[i]);
    }
  };
  check("KEYS", slots.keys, call.keys);
  check("ARGV", slots.args, call.args);
  EXPECT_EQ(call.keys.size(), slots.keys.size()) << script;
  if (!variadic) {
    EXPECT_EQ(call.args.size(), slots.args.size()) << script;
  }
  EXPECT_TRUE(unused.empty())
      << script << " names no slot " << *unused.begin();
}

TEST(ScriptCallsTest, PostComment) {
  PostCommentCall call;
  Sent sent;
  NAME_SLOT(comments_key);
  NAME_SLOT(stats_key);
  NAME_SLOT(participants_key);
  NAME_SLOT(newest_key);
  NAME_SLOT(hot_key);
  NAME_SLOT(idem_key);
  NAME_SLOT(parent_hot_key);
  NAME_SLOT(pending_key);
  NAME_SLOT(post_count_key);
  NAME_SLOT(last_post_key);
  NAME_SLOT(parent);
  NAME_SLOT(grandparent);
  NAME_SLOT(author);
  NAME_SLOT(author_name);
  NAME_SLOT(body);
  NAME_SLOT(idem);
  VALUE_SLOT(idem_ttl, absl::Hours(24), "86400");
  VALUE_SLOT(half_life, absl::Milliseconds(1500), "1.5");
  VALUE_SLOT(reply_weight, 2.25, "2.25");
  VALUE_SLOT(verdict, moderation::Action::kReview, "review");
  VALUE_SLOT(default_policy, v1::POLICY_PRE_MODERATION, "pre");
  NAME_SLOT(detail);
  VALUE_SLOT(post_limit, 7, "7");
  VALUE_SLOT(post_window, absl::Seconds(61), "61000");
  VALUE_SLOT(duplicate_window, absl::Seconds(3), "3000");
  VALUE_SLOT(replay_only, true, "1");
  ExpectSlots("post_comment.lua", call.ToCall(), sent);
  call.replay_only = false;
  EXPECT_EQ(call.ToCall().args.back(), "0");
}

// The slots decide and delete share (UnpublishSlots).
void SetUnpublishSlots(UnpublishSlots& call, Sent& sent) {
  NAME_SLOT(comments_key);
  NAME_SLOT(stats_key);
  NAME_SLOT(participants_key);
  NAME_SLOT(newest_key);
  NAME_SLOT(hot_key);
  NAME_SLOT(parent_hot_key);
  NAME_SLOT(likers_key);
  NAME_SLOT(pending_key);
  NAME_SLOT(reported_key);
  NAME_SLOT(featured_key);
  NAME_SLOT(id);
  NAME_SLOT(parent);
  NAME_SLOT(grandparent);
}

TEST(ScriptCallsTest, DecideComment) {
  DecideCommentCall call;
  Sent sent;
  SetUnpublishSlots(call, sent);
  VALUE_SLOT(approve, true, "approve");
  VALUE_SLOT(queue, ModerationQueue::kReported, "reported");
  VALUE_SLOT(half_life, absl::Hours(6), "21600");
  VALUE_SLOT(reply_weight, 0.5, "0.5");
  ExpectSlots("decide_comment.lua", call.ToCall(), sent);
  call.approve = false;
  call.queue = ModerationQueue::kAny;
  EXPECT_EQ(call.ToCall().args[3], "reject");
  EXPECT_EQ(call.ToCall().args[4], "any");
}

TEST(ScriptCallsTest, DeleteComment) {
  DeleteCommentCall call;
  Sent sent;
  SetUnpublishSlots(call, sent);
  NAME_SLOT(user);
  VALUE_SLOT(half_life, absl::Hours(6), "21600");
  VALUE_SLOT(reply_weight, 2, "2");
  ExpectSlots("delete_comment.lua", call.ToCall(), sent);
}

TEST(ScriptCallsTest, FeatureComment) {
  FeatureCommentCall call;
  Sent sent;
  NAME_SLOT(comments_key);
  NAME_SLOT(featured_key);
  NAME_SLOT(id);
  VALUE_SLOT(feature, true, "1");
  ExpectSlots("feature_comment.lua", call.ToCall(), sent);
  call.feature = false;
  EXPECT_EQ(call.ToCall().args[1], "0");
}

TEST(ScriptCallsTest, LikeComment) {
  LikeCommentCall call;
  Sent sent;
  NAME_SLOT(comments_key);
  NAME_SLOT(likers_key);
  NAME_SLOT(hot_key);
  NAME_SLOT(participants_key);
  NAME_SLOT(liked_key);
  NAME_SLOT(id);
  NAME_SLOT(parent);
  NAME_SLOT(user);
  VALUE_SLOT(like, true, "1");
  VALUE_SLOT(half_life, absl::Hours(6), "21600");
  VALUE_SLOT(reply_weight, 2, "2");
  ExpectSlots("like_comment.lua", call.ToCall(), sent);
  call.like = false;
  EXPECT_EQ(call.ToCall().args[3], "0");
}

TEST(ScriptCallsTest, ListComments) {
  ListCommentsCall call;
  Sent sent;
  NAME_SLOT(comments_key);
  NAME_SLOT(index_key);
  NAME_SLOT(liked_key);
  VALUE_SLOT(desc, true, "desc");
  NAME_SLOT(after_score);
  NAME_SLOT(after_id);
  VALUE_SLOT(limit, 21, "21");
  NAME_SLOT(parent);
  VALUE_SLOT(all_scores, true, "all");
  VALUE_SLOT(bitmap, true, "bitmap");
  ExpectSlots("list_comments.lua", call.ToCall(), sent);
  // Without a viewer the optional key is left out; the other words.
  call.liked_key.clear();
  call.desc = call.all_scores = call.bitmap = false;
  const LuaScript::Call plain = call.ToCall();
  EXPECT_EQ(plain.keys.size(), 2u);
  EXPECT_EQ(plain.args[0], "asc");
  EXPECT_EQ(plain.args[5], "last");
  EXPECT_EQ(plain.args[6], "zset");
}

TEST(ScriptCallsTest, ReportComment) {
  ReportCommentCall call;
  Sent sent;
  NAME_SLOT(comments_key);
  NAME_SLOT(reports_key);
  NAME_SLOT(reported_key);
  NAME_SLOT(id);
  NAME_SLOT(user);
  NAME_SLOT(reason);
  VALUE_SLOT(threshold, 3, "3");
  ExpectSlots("report_comment.lua", call.ToCall(), sent);
}

TEST(ScriptCallsTest, FloodTake) {
  FloodTakeCall call;
  Sent sent;
  NAME_SLOT(counter_key);
  NAME_SLOT(member);
  VALUE_SLOT(limit, 30, "30");
  VALUE_SLOT(window, absl::Minutes(10), "600000");
  ExpectSlots("flood_take.lua", call.ToCall(), sent);
}

TEST(ScriptCallsTest, QueueRange) {
  QueueRangeCall call;
  Sent sent;
  NAME_SLOT(queue_key);
  NAME_SLOT(after_score);
  NAME_SLOT(after_member);
  VALUE_SLOT(limit, 50, "50");
  NAME_SLOT(max_score);
  ExpectSlots("queue_range.lua", call.ToCall(), sent);
}

TEST(ScriptCallsTest, UpdateKeywords) {
  UpdateKeywordsCall call;
  Sent sent;
  NAME_SLOT(words_key);
  NAME_SLOT(index_key);
  NAME_SLOT(version_key);
  NAME_SLOT(seeded_key);
  NAME_SLOT(stamp_key);
  VALUE_SLOT(seed, true, "seed");
  VALUE_SLOT(stamp, "s1", "s1");
  VALUE_SLOT(adds,
             (std::vector<UpdateKeywordsCall::Addition>{
                 {"w1", "c1", "block"}, {"w2", "c2", "mask\t1"}}),
             "2");
  call.removes = {"w3"};
  const LuaScript::Call positional = call.ToCall();
  ExpectSlots("update_keywords.lua", positional, sent, /*variadic=*/true);
  // The variadic tail: the additions' triples, then the removals.
  EXPECT_EQ(positional.args,
            (std::vector<std::string>{"seed", "s1", "2", "w1", "c1", "block",
                                      "w2", "c2", "mask\t1", "w3"}));
  call.seed = false;
  EXPECT_EQ(call.ToCall().args[0], "update");
}

// Every .lua file but the prelude has a test in this file.
TEST(ScriptCallsTest, EveryScriptHasABuilderTest) {
  const std::set<std::string> tested = {
      "post_comment.lua",    "decide_comment.lua", "delete_comment.lua",
      "feature_comment.lua", "like_comment.lua",   "list_comments.lua",
      "report_comment.lua",  "queue_range.lua",    "update_keywords.lua",
      "flood_take.lua",      "wave_band.lua",      "wave_seen.lua",
      "wave_copy.lua"};
  std::set<std::string> scripts;
  for (const auto& entry : std::filesystem::directory_iterator(LUA_DIR)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".lua" && name != "prelude.lua") {
      scripts.insert(name);
    }
  }
  EXPECT_EQ(scripts, tested);
}

template <typename Enum>
void ExpectRoundTrip(const char* what) {
  std::set<absl::string_view> words;
  for (const LuaWord<Enum>& entry : LuaWords<Enum>::kTable) {
    EXPECT_TRUE(words.insert(entry.word).second)
        << what << ": " << entry.word << " twice";
    EXPECT_EQ(ToLuaWord(entry.value), entry.word) << what;
    absl::StatusOr<Enum> back = FromLuaWord<Enum>(entry.word);
    ASSERT_TRUE(back.ok()) << what << ": " << back.status();
    EXPECT_EQ(*back, entry.value) << what;
  }
  absl::StatusOr<Enum> unknown = FromLuaWord<Enum>("Pending");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInternal) << what;
  EXPECT_TRUE(absl::StrContains(unknown.status().message(),
                                "word \"Pending\" read from Redis"))
      << unknown.status();
  EXPECT_FALSE(FindLuaWord<Enum>("Pending").has_value());
}

TEST(LuaWordsTest, RoundTrip) {
  ExpectRoundTrip<moderation::Action>("verdict");
  ExpectRoundTrip<v1::Policy>("policy");
  ExpectRoundTrip<v1::Queue>("queue");
  ExpectRoundTrip<ModerationQueue>("moderation queue");
}

TEST(ScriptCallsTest, WaveBand) {
  WaveBandCall call;
  Sent sent;
  NAME_SLOT(band_key);
  NAME_SLOT(candidate);
  VALUE_SLOT(window, absl::Minutes(10), "600000");
  ExpectSlots("wave_band.lua", call.ToCall(), sent);
}

TEST(ScriptCallsTest, WaveSeen) {
  WaveSeenCall call;
  Sent sent;
  NAME_SLOT(wave_key);
  NAME_SLOT(accounts_key);
  NAME_SLOT(articles_key);
  NAME_SLOT(copies_key);
  NAME_SLOT(author);
  NAME_SLOT(article);
  NAME_SLOT(sample);
  VALUE_SLOT(window, absl::Seconds(90), "90000");
  VALUE_SLOT(retention, absl::Hours(24), "86400000");
  ExpectSlots("wave_seen.lua", call.ToCall(), sent);
}

TEST(ScriptCallsTest, WaveCopy) {
  WaveCopyCall call;
  Sent sent;
  NAME_SLOT(wave_key);
  NAME_SLOT(copies_key);
  NAME_SLOT(copy);
  ExpectSlots("wave_copy.lua", call.ToCall(), sent);
}

TEST(LuaWordsTest, EveryValueHasAWord) {
  for (auto a : {moderation::Action::kAllow, moderation::Action::kMask,
                 moderation::Action::kReview, moderation::Action::kBlock}) {
    EXPECT_FALSE(ToLuaWord(a).empty());
  }
  for (int p = v1::Policy_MIN; p <= v1::Policy_MAX; ++p) {
    if (!v1::Policy_IsValid(p) || p == v1::POLICY_UNSPECIFIED) continue;
    EXPECT_FALSE(ToLuaWord(static_cast<v1::Policy>(p)).empty()) << p;
  }
  for (int q = v1::Queue_MIN; q <= v1::Queue_MAX; ++q) {
    if (!v1::Queue_IsValid(q)) continue;
    EXPECT_TRUE(FindLuaWord<v1::Queue>(ToLuaWord(static_cast<v1::Queue>(q))))
        << q;
  }
  for (auto q : {ModerationQueue::kPending, ModerationQueue::kReported,
                 ModerationQueue::kAny, ModerationQueue::kAnywhere}) {
    EXPECT_FALSE(ToLuaWord(q).empty());
  }
  // The words agree with the engine's names for the same actions.
  for (const auto& entry : kVerdictWords) {
    EXPECT_EQ(std::string(entry.word),
              std::string(moderation::ActionName(entry.value)));
  }
}

// The words a script compares a slot or answer with are words of the
// matching table, so a C++ enum and a script cannot disagree on one.
template <typename Enum>
void ExpectWordsKnown(const std::string& script, const std::string& variable) {
  const std::string text = ReadScript(script);
  const std::regex compared("\\b" + variable + R"(\s*[=~]=?\s*'([^']*)')");
  int seen = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), compared), end;
       it != end; ++it) {
    ++seen;
    EXPECT_TRUE(FindLuaWord<Enum>((*it)[1].str()).has_value())
        << script << ": " << variable << " and '" << (*it)[1] << "'";
  }
  EXPECT_GT(seen, 0) << script << " never compares " << variable;
}

TEST(LuaWordsTest, ScriptsUseTheTables) {
  ExpectWordsKnown<moderation::Action>("post_comment.lua", "verdict");
  ExpectWordsKnown<v1::Policy>("post_comment.lua", "policy");
  ExpectWordsKnown<ModerationQueue>("decide_comment.lua", "queue");
  ExpectWordsKnown<v1::Queue>("decide_comment.lua", "left");
  ExpectWordsKnown<v1::Queue>("delete_comment.lua", "left");
}

}  // namespace
}  // namespace comments
