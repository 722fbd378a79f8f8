#include "fsck/fsck.h"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "fsck/lua_scripts.h"
#include "nlohmann/json.hpp"
#include "service/store/keyspace.h"

namespace comments::fsck {
namespace {

// Keys per SCAN step, and entries per ZSCAN step of a queue index.
constexpr int kScanCount = 100;
// Rounds of a check script asking for keys it was not given (new comments
// or users arriving while it runs) before the article is given up.
constexpr int kMaxNeedRounds = 8;

// Spaces steps at most `rate` per second.
class Pacer final {
 public:
  explicit Pacer(double rate) : interval_(absl::Seconds(1.0 / rate)) {}
  void Step() {
    const absl::Time now = absl::Now();
    if (next_ > now) absl::SleepFor(next_ - now);
    next_ = std::max(now, next_) + interval_;
  }

 private:
  const absl::Duration interval_;
  absl::Time next_ = absl::InfinitePast();
};

// A key of one user on one article whose name holds what cannot be derived
// (the user; an idempotency key's client key), so SCAN must find it.
struct UserKey {
  char kind;  // 'u' liked set, 'i' idempotency key, 'd' last post.
  std::string user;
  std::string key;
};

// "c:{ARTICLE}:rest" -> (ARTICLE, rest).
std::optional<std::pair<std::string, std::string>> SplitArticleKey(
    absl::string_view key) {
  if (!absl::ConsumePrefix(&key, "c:{")) return std::nullopt;
  const size_t close = key.find("}:");
  if (close == absl::string_view::npos || close == 0) return std::nullopt;
  return std::make_pair(std::string(key.substr(0, close)),
                        std::string(key.substr(close + 2)));
}

// The user keys (Keyspace::LikedBy, Idempotency, LastPost) by their part
// after the article: "u:N:U", "i:N:U:K", "d:N:U" (N = bytes in U).
std::optional<UserKey> ParseUserKey(absl::string_view rest,
                                    const std::string& key) {
  if (rest.size() < 2 || rest[1] != ':') return std::nullopt;
  const char kind = rest[0];
  if (kind != 'u' && kind != 'i' && kind != 'd') return std::nullopt;
  rest.remove_prefix(2);
  const size_t colon = rest.find(':');
  size_t n = 0;
  if (colon == absl::string_view::npos ||
      !absl::SimpleAtoi(rest.substr(0, colon), &n) ||
      rest.size() < colon + 1 + n) {
    return std::nullopt;
  }
  absl::string_view user = rest.substr(colon + 1, n);
  absl::string_view after = rest.substr(colon + 1 + n);
  if (kind == 'i' ? !absl::StartsWith(after, ":") : !after.empty()) {
    return std::nullopt;
  }
  return UserKey{kind, std::string(user), key};
}

// A long pass (SCAN of the keyspace at a bounded rate) has no deadline of
// its own; each step has the call timeout.
absl::Time Forever() { return absl::Now() + absl::Hours(24 * 365); }

std::string Seconds(absl::Duration d) {
  return absl::StrCat(absl::ToDoubleSeconds(d));
}

using Entries = std::vector<std::pair<std::string, std::string>>;

// What one run of check_article.lua answered.
struct ArticleResult {
  std::vector<Finding> findings;
  Entries pending;   // The article's queues after the run.
  Entries reported;
};

Entries Pairs(const RedisReply& flat) {
  Entries out;
  for (size_t i = 0; i + 1 < flat.elements.size(); i += 2) {
    out.emplace_back(flat.elements[i].str, flat.elements[i + 1].str);
  }
  return out;
}

absl::Status Malformed() {
  return absl::InternalError("fsck: unexpected reply from check_article.lua");
}

// Runs check_article.lua over one article, giving it the keys it asks for.
class ArticleCheck final {
 public:
  ArticleCheck(RedisClient& redis, const Options& options, std::string article,
               const std::vector<UserKey>& user_keys)
      : redis_(redis), options_(options), article_(std::move(article)),
        keys_(article_) {
    for (const UserKey& k : user_keys) {
      if (k.kind == 'u') {
        AddUser(k.user);
      } else {
        extras_.push_back(k);
      }
    }
  }

  // Every id up to the article's sequence is given, so that likers and
  // reply indexes of a comment whose record is gone are seen too; and the
  // participants, who are nearly all the users the script needs: without
  // them its first run over the article would only ask for them.
  absl::Status Start() {
    absl::StatusOr<RedisReplies> replies =
        redis_.Pipeline({{"HGET", keys_.Stats(), "seq"},
                         {"HKEYS", keys_.Participants()}},
                        absl::Now() + options_.call_timeout);
    if (!replies.ok()) return replies.status();
    if (absl::Status s = FirstError(*replies); !s.ok()) return s;
    int64_t n = 0;
    if (!(*replies)[0].is_nil()) (void)absl::SimpleAtoi((*replies)[0].str, &n);
    for (int64_t i = 1; i <= n; ++i) AddId(absl::StrCat(i));
    for (const RedisReply& user : (*replies)[1].elements) AddUser(user.str);
    return absl::OkStatus();
  }

  absl::StatusOr<ArticleResult> Run(bool repair) {
    for (int round = 0; round < kMaxNeedRounds; ++round) {
      absl::StatusOr<RedisReply> reply = CheckArticleScript().Run(
          redis_, Keys(), Args(repair), absl::Now() + options_.call_timeout);
      if (!reply.ok()) return reply.status();
      if (reply->elements.empty()) return Malformed();
      if (reply->elements[0].str == "NEED") {
        if (reply->elements.size() != 3) return Malformed();
        for (const RedisReply& id : reply->elements[1].elements) AddId(id.str);
        for (const RedisReply& u : reply->elements[2].elements) AddUser(u.str);
        continue;
      }
      if (reply->elements.size() != 4) return Malformed();
      ArticleResult result;
      for (const RedisReply& f : reply->elements[1].elements) {
        if (f.elements.size() != 4) return Malformed();
        result.findings.push_back({article_, f.elements[0].str,
                                   f.elements[1].str, f.elements[2].str,
                                   f.elements[3].integer == 1, false});
      }
      result.pending = Pairs(reply->elements[2]);
      result.reported = Pairs(reply->elements[3]);
      return result;
    }
    return absl::AbortedError(absl::StrCat(
        "fsck: article ", article_, " kept changing; check it again"));
  }

 private:
  void AddId(const std::string& id) {
    if (seen_ids_.insert(id).second) ids_.push_back(id);
  }
  void AddUser(const std::string& user) {
    if (seen_users_.insert(user).second) users_.push_back(user);
  }

  std::vector<std::string> Keys() const {
    std::vector<std::string> keys = {
        keys_.Comments(),      keys_.Stats(),        keys_.Participants(),
        keys_.NewestIndex(""), keys_.HotIndex(""),   keys_.Featured(),
        keys_.PendingQueue(),  keys_.ReportedQueue()};
    for (const std::string& id : ids_) {
      keys.push_back(keys_.Likers(id));
      keys.push_back(keys_.NewestIndex(id));
      keys.push_back(keys_.HotIndex(id));
    }
    for (const std::string& user : users_) keys.push_back(keys_.LikedBy(user));
    for (const UserKey& extra : extras_) keys.push_back(extra.key);
    return keys;
  }

  std::vector<std::string> Args(bool repair) const {
    std::vector<std::string> args = {
        repair ? "repair" : "check", Seconds(options_.hot_half_life),
        absl::StrCat(options_.hot_reply_weight),
        absl::StrCat(absl::ToInt64Seconds(options_.idempotency_ttl))};
    args.push_back(absl::StrCat(ids_.size()));
    args.insert(args.end(), ids_.begin(), ids_.end());
    args.push_back(absl::StrCat(users_.size()));
    args.insert(args.end(), users_.begin(), users_.end());
    args.push_back(absl::StrCat(extras_.size()));
    for (const UserKey& extra : extras_) {
      args.push_back(std::string(1, extra.kind));
      args.push_back(extra.user);
    }
    return args;
  }

  RedisClient& redis_;
  const Options& options_;
  const std::string article_;
  const Keyspace keys_;
  std::vector<std::string> ids_;
  absl::flat_hash_set<std::string> seen_ids_;
  std::vector<std::string> users_;
  absl::flat_hash_set<std::string> seen_users_;
  std::vector<UserKey> extras_;
};

auto Identity(const Finding& f) {
  return std::tie(f.article, f.kind, f.key, f.detail);
}

// The cross-article queue indexes and the article queues they derive from.
struct QueuePair {
  absl::string_view index;  // mq:{q}:...
  std::string (Keyspace::*article_queue)() const;
};
constexpr QueuePair kQueues[] = {
    {global_keys::kPendingQueue, &Keyspace::PendingQueue},
    {global_keys::kReportedQueue, &Keyspace::ReportedQueue},
};

// One run over some articles: the findings so far and the pace.
class Run final {
 public:
  Run(RedisClient& redis, const Options& options)
      : redis_(redis), options_(options), pacer_(options.rate) {}

  // Finds the articles with keys matching `pattern`, and the user keys of
  // each.
  absl::Status Discover(const std::string& pattern) {
    return redis_.Scan(
        {"MATCH", pattern, "COUNT", absl::StrCat(kScanCount)}, Forever(),
        [&](const RedisReply& keys) {
          for (const RedisReply& key : keys.elements) {
            auto split = SplitArticleKey(key.str);
            if (!split) continue;
            std::vector<UserKey>& user_keys = articles_[split->first];
            if (auto parsed = ParseUserKey(split->second, key.str)) {
              user_keys.push_back(*std::move(parsed));
            }
          }
          pacer_.Step();
          return absl::OkStatus();
        });
  }

  absl::Status CheckArticles() {
    for (const auto& [article, user_keys] : articles_) {
      pacer_.Step();
      if (absl::Status s = CheckOne(article, user_keys); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // Entries of the cross-article indexes (those of `article`, or all when
  // it is empty) whose comment is not in its article's queue.
  absl::Status CheckStaleQueueEntries(const std::string& article) {
    const std::string match = article.empty() ? "*" : article + "/*";
    for (const QueuePair& queue : kQueues) {
      const std::string index(queue.index);
      std::string cursor = "0";
      do {
        pacer_.Step();
        absl::StatusOr<RedisReply> page = redis_.Command(
            {"ZSCAN", index, cursor, "MATCH", match, "COUNT",
             absl::StrCat(kScanCount)},
            absl::Now() + options_.call_timeout);
        if (!page.ok()) return page.status();
        if (page->elements.size() != 2) {
          return absl::InternalError("fsck: malformed ZSCAN reply");
        }
        cursor = page->elements[0].str;
        absl::Status s = CheckIndexPage(queue, Pairs(page->elements[1]));
        if (!s.ok()) return s;
      } while (cursor != "0");
    }
    return absl::OkStatus();
  }

  Report Finish() && {
    report_.articles = static_cast<int64_t>(articles_.size());
    std::sort(report_.findings.begin(), report_.findings.end(),
              [](const Finding& a, const Finding& b) {
                return Identity(a) < Identity(b);
              });
    return std::move(report_);
  }

  void AddArticle(const std::string& article) { articles_[article]; }

 private:
  absl::Status CheckOne(const std::string& article,
                        const std::vector<UserKey>& user_keys) {
    ArticleCheck check(redis_, options_, article, user_keys);
    if (absl::Status s = check.Start(); !s.ok()) return s;
    absl::StatusOr<ArticleResult> found = check.Run(/*repair=*/false);
    if (!found.ok()) return found.status();
    const bool fix =
        options_.repair &&
        std::any_of(found->findings.begin(), found->findings.end(),
                    [](const Finding& f) { return f.repairable; });
    if (fix) {
      absl::StatusOr<ArticleResult> repaired = check.Run(/*repair=*/true);
      if (!repaired.ok()) return repaired.status();
      absl::StatusOr<ArticleResult> after = check.Run(/*repair=*/false);
      if (!after.ok()) return after.status();
      // Repaired: what the check no longer finds.
      std::set<std::tuple<std::string, std::string, std::string, std::string>>
          left;
      for (const Finding& f : after->findings) left.insert(Identity(f));
      for (Finding& f : found->findings) {
        f.repaired = f.repairable && left.erase(Identity(f)) == 0;
      }
      for (Finding& f : after->findings) {
        if (left.count(Identity(f))) found->findings.push_back(f);
      }
      found->pending = std::move(after->pending);
      found->reported = std::move(after->reported);
    }
    for (Finding& f : found->findings) report_.findings.push_back(f);
    return CheckMissingQueueEntries(article, *found);
  }

  // Each entry of the article's queues must be in the cross-article index.
  // That index is written just after the article's script (another slot),
  // so a crash between the two leaves an entry out: re-adding it with the
  // article queue's score is what ModerationStore::RepairQueues does too.
  absl::Status CheckMissingQueueEntries(const std::string& article,
                                        const ArticleResult& result) {
    for (const QueuePair& queue : kQueues) {
      const Entries& entries =
          queue.index == global_keys::kPendingQueue ? result.pending
                                                    : result.reported;
      if (entries.empty()) continue;
      const std::string index(queue.index);
      std::vector<RedisArgv> lookups;
      for (const auto& [id, score] : entries) {
        lookups.push_back({"ZSCORE", index, absl::StrCat(article, "/", id)});
      }
      absl::StatusOr<RedisReplies> scores =
          redis_.Pipeline(lookups, absl::Now() + options_.call_timeout);
      if (!scores.ok()) return scores.status();
      if (absl::Status s = FirstError(*scores); !s.ok()) return s;
      for (size_t i = 0; i < entries.size(); ++i) {
        if (!(*scores)[i].is_nil()) continue;
        Finding f{article, "queue_index_missing", index, lookups[i][2], true,
                  false};
        if (options_.repair) {
          absl::StatusOr<RedisReply> added = redis_.Command(
              {"ZADD", index, "NX", entries[i].second, lookups[i][2]},
              absl::Now() + options_.call_timeout);
          if (!added.ok()) return added.status();
          f.repaired = true;
        }
        report_.findings.push_back(std::move(f));
      }
    }
    return absl::OkStatus();
  }

  absl::Status CheckIndexPage(const QueuePair& queue, const Entries& page) {
    const std::string index(queue.index);
    std::vector<RedisArgv> lookups;
    std::vector<size_t> looked_up;
    for (size_t i = 0; i < page.size(); ++i) {
      // "ARTICLE/ID": article ids hold no '/'.
      const std::string& member = page[i].first;
      const size_t slash = member.find('/');
      if (slash == std::string::npos) continue;  // Not ours to judge.
      const Keyspace keys(member.substr(0, slash));
      lookups.push_back(
          {"ZSCORE", (keys.*queue.article_queue)(), member.substr(slash + 1)});
      looked_up.push_back(i);
    }
    if (lookups.empty()) return absl::OkStatus();
    absl::StatusOr<RedisReplies> scores =
        redis_.Pipeline(lookups, absl::Now() + options_.call_timeout);
    if (!scores.ok()) return scores.status();
    if (absl::Status s = FirstError(*scores); !s.ok()) return s;
    for (size_t j = 0; j < lookups.size(); ++j) {
      if (!(*scores)[j].is_nil()) continue;
      const auto& [member, score] = page[looked_up[j]];
      Finding f{member.substr(0, member.find('/')), "queue_index_stale", index,
                member, true, false};
      if (options_.repair) {
        absl::StatusOr<RedisReply> dropped = DropQueueEntryScript().Run(
            redis_, {index}, {member, score},
            absl::Now() + options_.call_timeout);
        if (!dropped.ok()) return dropped.status();
        f.repaired = true;  // Gone, or queued again since: right either way.
      }
      report_.findings.push_back(std::move(f));
    }
    return absl::OkStatus();
  }

  RedisClient& redis_;
  const Options& options_;
  Pacer pacer_;
  absl::btree_map<std::string, std::vector<UserKey>> articles_;
  Report report_;
};

absl::Status Validate(const Options& options) {
  if (!(options.rate > 0)) {
    return absl::InvalidArgumentError("fsck: rate must be positive");
  }
  if (options.hot_half_life <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("fsck: hot_half_life must be positive");
  }
  return absl::OkStatus();
}

}  // namespace

Report::Outcome Report::outcome() const {
  if (findings.empty()) return Outcome::kClean;
  for (const Finding& f : findings) {
    if (!f.repaired) return Outcome::kDamaged;
  }
  return Outcome::kRepaired;
}

int Report::exit_code() const {
  switch (outcome()) {
    case Outcome::kClean:
      return 0;
    case Outcome::kRepaired:
      return 1;
    case Outcome::kDamaged:
      return 2;
  }
  return 2;
}

namespace {
const char* OutcomeWord(Report::Outcome outcome) {
  switch (outcome) {
    case Report::Outcome::kClean:
      return "clean";
    case Report::Outcome::kRepaired:
      return "repaired";
    case Report::Outcome::kDamaged:
      return "damaged";
  }
  return "damaged";
}
}  // namespace

std::string Report::ToJson() const {
  nlohmann::json findings_json = nlohmann::json::array();
  for (const Finding& f : findings) {
    findings_json.push_back({{"article", f.article},
                             {"kind", f.kind},
                             {"key", f.key},
                             {"detail", f.detail},
                             {"repairable", f.repairable},
                             {"repaired", f.repaired}});
  }
  nlohmann::json out = {{"outcome", OutcomeWord(outcome())},
                        {"articles", articles},
                        {"findings", std::move(findings_json)}};
  // Keys and details are bytes from Redis: never fail on invalid UTF-8.
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Report::ToText() const {
  std::string out;
  for (const Finding& f : findings) {
    absl::StrAppend(&out, f.kind, " ", f.key, " ", f.detail, ": ",
                    f.repaired       ? "repaired"
                    : f.repairable   ? "repairable"
                                     : "NOT repairable",
                    "\n");
  }
  absl::StrAppend(&out, OutcomeWord(outcome()), ": ", articles,
                  " articles checked, ", findings.size(), " findings\n");
  return out;
}

Checker::Checker(RedisClient* redis, Options options)
    : redis_(redis), options_(std::move(options)) {}

absl::StatusOr<Report> Checker::CheckArticle(const std::string& article_id) {
  if (absl::Status s = Validate(options_); !s.ok()) return s;
  Run run(*redis_, options_);
  run.AddArticle(article_id);
  // The article's keys only ("c:{A}:*"; article ids hold no glob
  // character), but SCAN still walks the whole keyspace to find them.
  if (absl::Status s = run.Discover(absl::StrCat("c:{", article_id, "}:*"));
      !s.ok()) {
    return s;
  }
  if (absl::Status s = run.CheckArticles(); !s.ok()) return s;
  if (absl::Status s = run.CheckStaleQueueEntries(article_id); !s.ok()) {
    return s;
  }
  return std::move(run).Finish();
}

absl::StatusOr<Report> Checker::CheckAll() {
  if (absl::Status s = Validate(options_); !s.ok()) return s;
  Run run(*redis_, options_);
  if (absl::Status s = run.Discover("c:{*"); !s.ok()) return s;
  if (absl::Status s = run.CheckArticles(); !s.ok()) return s;
  if (absl::Status s = run.CheckStaleQueueEntries(""); !s.ok()) return s;
  return std::move(run).Finish();
}

}  // namespace comments::fsck
