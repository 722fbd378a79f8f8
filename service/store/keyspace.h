#ifndef COMMENTS_SERVICE_STORE_KEYSPACE_H_
#define COMMENTS_SERVICE_STORE_KEYSPACE_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace comments {

// The Redis keys of one article. Every key carries the article id as its
// hash tag, so an article lives in one Redis Cluster slot and each write is
// one atomic script over its keys. (Article ids are validated to
// [A-Za-z0-9_.:-], so they hold no brace.) docs/data-model.md gives each
// key's type, contents and cost.
//
//   c:{A}:c          hash   comment id -> MessagePack record (lua/prelude.lua)
//   c:{A}:s          hash   seq: last comment id; n: visible comments
//   c:{A}:p          hash   user id -> visible comments + likes (HLEN =
//                           participants)
//   c:{A}:b          bitmap top-level comments by id (newest): bit N set while
//                           comment N is visible (lua/prelude.lua)
//   c:{A}:h          zset   top-level comments by hot score
//   c:{A}:rn:P       zset   replies of comment P by id
//   c:{A}:rh:P       zset   replies of comment P by hot score
//   c:{A}:l:X        set    users who like comment X
//   c:{A}:u:N:U      set    comments user U (N = byte length of U) likes
//   c:{A}:i:N:U:K    string comment id created by author U (N = byte length of
//                           U) with idempotency key K; expires after 24 h
//   c:{A}:r:N:U      string author U's posts in the current rate-limit window;
//                           expires with the window (only with a post limit)
//   c:{A}:d:N:U      hash   author U's last post here: b body, p parent, i id;
//                           expires after the duplicate window (only with one)
//   c:{A}:qp         zset   comments awaiting approval, by creation time (us)
//   c:{A}:qr         zset   reported comments awaiting a decision, by the
//                           time they were queued (us)
//   c:{A}:ft         zset   featured comments (精选), by when they were
//                           featured (us)
//   c:{A}:rp:X       hash   user -> reason, one per user reporting comment X
//   (c:{A}:s also holds `policy`: post|pre|closed, when one was set; the
//   words the scripts and these keys hold are spelled in lua_words.h)
class Keyspace final {
 public:
  explicit Keyspace(absl::string_view article_id)
      : prefix_(absl::StrCat("c:{", article_id, "}:")) {}

  std::string Comments() const { return Key("c"); }
  std::string Stats() const { return Key("s"); }
  std::string Participants() const { return Key("p"); }
  // The index listing the children of `parent` ("" for the top level): a
  // bitmap for the top level, a sorted set for replies.
  std::string NewestIndex(absl::string_view parent) const {
    return parent.empty() ? Key("b") : Key("rn:", parent);
  }
  std::string HotIndex(absl::string_view parent) const {
    return parent.empty() ? Key("h") : Key("rh:", parent);
  }
  std::string Likers(absl::string_view comment_id) const {
    return Key("l:", comment_id);
  }
  std::string PendingQueue() const { return Key("qp"); }
  std::string ReportedQueue() const { return Key("qr"); }
  std::string Featured() const { return Key("ft"); }
  std::string Reports(absl::string_view comment_id) const {
    return Key("rp:", comment_id);
  }
  std::string Idempotency(absl::string_view author_id,
                          absl::string_view key) const {
    return Key(Author("i:", author_id), ":", key);
  }
  std::string LikedBy(absl::string_view user_id) const {
    return Key(Author("u:", user_id));
  }
  std::string PostCount(absl::string_view author_id) const {
    return Key(Author("r:", author_id));
  }
  std::string LastPost(absl::string_view author_id) const {
    return Key(Author("d:", author_id));
  }

 private:
  // The author's id with its length first, so that no id (which may hold
  // ':') can end where another key's id and suffix do.
  static std::string Author(absl::string_view kind, absl::string_view id) {
    return absl::StrCat(kind, id.size(), ":", id);
  }

  template <typename... Parts>
  std::string Key(const Parts&... parts) const {
    return absl::StrCat(prefix_, parts...);
  }

  std::string prefix_;
};

// Keys shared by all articles (moderation). Each group has its own hash tag,
// so each is one Cluster slot:
//   mq:{q}:pending, mq:{q}:reported   zset  "ARTICLE/ID" -> time queued (us):
//       every article's queue in one, derived from the articles' own queues
//       (c:{A}:qp / qr), which are the truth; see moderation_store.h
//   mod:{kw}:words    hash   keyword -> "category TAB action", with
//                            "TAB scope" after it when a scope was set
//   mod:{kw}:index    zset   keywords, all scored 0, for ordered paging
//   mod:{kw}:version  string bumped by every change; replicas poll it
//   mod:{kw}:stamp    string a random token written with every change, so
//                            that a version reached again after Redis lost
//                            writes still reads as new (Revision)
//   mod:{kw}:seeded   string set once --lexicon has seeded the words
//   mod:{bans}        hash   user id -> reason
//   mod:{bans}:version string bumped with every ban and unban (in the same
//                            MULTI); replicas poll it (ban_list.h)
//   mod:{bans}:stamp  string a random token written with it, as for keywords
//   mod:{audit}       stream the audit log
//   mod:{waves}       zset   copy-paste waves seen by two accounts or more:
//                            wave id -> when last seen (ms); WaveKeys below
namespace global_keys {
inline constexpr absl::string_view kPendingQueue = "mq:{q}:pending";
inline constexpr absl::string_view kReportedQueue = "mq:{q}:reported";
inline constexpr absl::string_view kKeywords = "mod:{kw}:words";
inline constexpr absl::string_view kKeywordIndex = "mod:{kw}:index";
inline constexpr absl::string_view kKeywordVersion = "mod:{kw}:version";
inline constexpr absl::string_view kKeywordStamp = "mod:{kw}:stamp";
inline constexpr absl::string_view kKeywordsSeeded = "mod:{kw}:seeded";
inline constexpr absl::string_view kBans = "mod:{bans}";
inline constexpr absl::string_view kBanVersion = "mod:{bans}:version";
inline constexpr absl::string_view kBanStamp = "mod:{bans}:stamp";
inline constexpr absl::string_view kAudit = "mod:{audit}";
inline constexpr absl::string_view kWaves = "mod:{waves}";
}  // namespace global_keys

// Flood counters across all articles (flood_store.h): one key per subject
// and kind of action, a sorted set of the subject's recent actions (a random
// action id -> when it was taken, ms), trimmed to the window and expiring a
// window after its newest action. The hash tag is the subject, so a
// subject's counters share a slot; each is read and written alone, by one
// script (lua/flood_take.lua) or a ZREM, never with an article's keys.
//   fl:{u:N:U}:ACTION   user U's (N = byte length of U) actions
//   fl:{a:ADDR}:ACTION  a client address's actions: ADDR is an IPv4 address
//                       ("203.0.113.7") or an IPv6 /64 ("2001:db8:1:2::/64")
// ACTION is post, like or report.
namespace flood_keys {
inline std::string User(absl::string_view action, absl::string_view user) {
  return absl::StrCat("fl:{u:", user.size(), ":", user, "}:", action);
}
inline std::string Address(absl::string_view action,
                           absl::string_view address) {
  return absl::StrCat("fl:{a:", address, "}:", action);
}
}  // namespace flood_keys

// The keys of copy-paste waves (wave_store.h). A wave's own keys share its
// id as hash tag, so one script updates them; each band key is its own tag,
// so band keys spread over the cluster's slots.
//   wv:b:{H}      string  band hash H (16 hex digits) -> "WAVE SIGNATURE":
//                         the wave it belongs to and the MinHash signature
//                         (hex) of the text that set it (re-pointed by a
//                         plain SET when that text joined another wave);
//                         expires --wave_window after the last text with it
//   wv:{W}:h      hash    wave W: sample (its first text), first, last (ms),
//                         copies
//   wv:{W}:a      zset    author id -> when last seen in the wave (ms)
//   wv:{W}:r      zset    article id -> when last seen in the wave (ms)
//   wv:{W}:c      zset    "ARTICLE/ID" of each stored copy -> when posted (ms)
// The four wave keys expire together: --wave_window after the last copy
// while one account has posted it, --wave_retention once two have.
class WaveKeys final {
 public:
  explicit WaveKeys(absl::string_view wave_id)
      : prefix_(absl::StrCat("wv:{", wave_id, "}:")) {}
  static std::string Band(absl::string_view band_hex) {
    return absl::StrCat("wv:b:{", band_hex, "}");
  }
  std::string Wave() const { return absl::StrCat(prefix_, "h"); }
  std::string Accounts() const { return absl::StrCat(prefix_, "a"); }
  std::string Articles() const { return absl::StrCat(prefix_, "r"); }
  std::string Copies() const { return absl::StrCat(prefix_, "c"); }

 private:
  std::string prefix_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_KEYSPACE_H_
