#include "service/store/wave_store.h"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "service/store/keyspace.h"
#include "service/store/moderation_store.h"
#include "service/store/script_calls.h"

namespace comments {
namespace {

absl::Status Malformed(absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("unexpected reply from Redis for ", what));
}

int64_t ToInt(const std::string& s) {
  int64_t v = 0;
  return absl::SimpleAtoi(s, &v) ? v : 0;
}

// A band key's value: the wave id, a space, and the signature of the text
// that set it, 4 hex digits a position.
std::string BandValue(const std::string& wave_id,
                      const std::vector<uint16_t>& signature) {
  std::string out = wave_id;
  out.push_back(' ');
  for (uint16_t v : signature) absl::StrAppend(&out, absl::Hex(v, absl::kZeroPad4));
  return out;
}

std::vector<uint16_t> ParseSignature(absl::string_view hex) {
  std::vector<uint16_t> out;
  for (size_t i = 0; i + 4 <= hex.size(); i += 4) {
    uint32_t v = 0;
    if (!absl::SimpleHexAtoi(hex.substr(i, 4), &v)) return {};
    out.push_back(static_cast<uint16_t>(v));
  }
  return out;
}

// The wave a text joins: among the waves its bands already name (other than
// its own candidate) and whose band signature is similar enough, the one
// most bands name (ties to the smallest id, so replicas agree); else the
// candidate. One confirmed band is enough: near-duplicates often share only
// one or two.
std::string ChooseWave(const std::vector<std::string>& band_values,
                       const std::string& candidate,
                       const std::vector<uint16_t>& signature,
                       double min_similarity) {
  std::map<std::string, int> votes;
  for (absl::string_view value : band_values) {
    const size_t space = value.find(' ');
    if (space == absl::string_view::npos) continue;  // Not ours.
    const absl::string_view wave = value.substr(0, space);
    if (wave == candidate) continue;
    if (moderation::SignatureSimilarity(
            ParseSignature(value.substr(space + 1)), signature) <
        min_similarity) {
      continue;
    }
    ++votes[std::string(wave)];
  }
  std::string best = candidate;
  int most = 0;
  for (const auto& [wave, n] : votes) {
    if (n > most) best = wave, most = n;
  }
  return best;
}

}  // namespace

// The band scripts of one See, answered one by one on I/O threads.
struct WaveStore::BandJoin {
  absl::Mutex mu;
  size_t remaining ABSL_GUARDED_BY(mu) = 0;
  // Each band key's value, by band.
  std::vector<std::string> values ABSL_GUARDED_BY(mu);
  absl::Status error ABSL_GUARDED_BY(mu);
  // Set before the first script is sent; taken by the last answer.
  absl::AnyInvocable<void(absl::Status, std::vector<std::string>) &&> next;
};

WaveStore::WaveStore(RedisClient* redis, WaveStoreOptions options)
    : redis_(redis), options_(std::move(options)) {}

std::string WaveStore::Hex(uint64_t hash) {
  return absl::StrFormat("%016x", hash);
}

void WaveStore::See(const moderation::TextFingerprint& fingerprint,
                    const std::string& author_id,
                    const std::string& article_id, const std::string& sample,
                    absl::Time deadline, Callback<WaveSighting> done) {
  const std::string candidate = Hex(fingerprint.exact);
  auto join = std::make_shared<BandJoin>();
  {
    absl::MutexLock lock(&join->mu);
    join->remaining = fingerprint.band_hashes.size();
    join->values.resize(fingerprint.band_hashes.size());
  }
  const std::string value = BandValue(candidate, fingerprint.signature);
  std::vector<std::string> band_keys;
  for (uint64_t band : fingerprint.band_hashes) {
    band_keys.push_back(WaveKeys::Band(Hex(band)));
  }
  join->next = [this, candidate, value, band_keys,
                signature = fingerprint.signature, author_id, article_id,
                sample, deadline, done = std::move(done)](
                   absl::Status error,
                   std::vector<std::string> values) mutable {
    if (!error.ok()) return std::move(done)(error);
    const std::string wave = ChooseWave(values, candidate, signature,
                                        options_.min_similarity);
    if (wave != candidate) {
      // The bands this text was first to set name its own candidate;
      // point them at the wave it joined, so that a later text sharing
      // only those joins the same wave. Best effort: a lost SET splits a
      // wave, never joins two.
      const std::string joined = BandValue(wave, signature);
      for (size_t i = 0; i < values.size(); ++i) {
        if (values[i] != value) continue;
        redis_->Send(RedisArgv{"SET", band_keys[i], joined, "PX",
                               absl::StrCat(absl::ToInt64Milliseconds(
                                   options_.window))},
                     deadline, [](absl::StatusOr<RedisReply>) {});
      }
    }
    SeeWave(wave, author_id, article_id, sample, deadline, std::move(done));
  };
  // One script per band key: each key is its own Cluster slot. The client
  // writes concurrent calls together, so this is one round trip.
  for (size_t i = 0; i < band_keys.size(); ++i) {
    WaveBandCall call;
    call.band_key = band_keys[i];
    call.candidate = value;
    call.window = options_.window;
    WaveBandCall::Script().Send(
        *redis_, call.ToCall(), deadline,
        [join, i](absl::StatusOr<RedisReply> reply) {
          bool last = false;
          {
            absl::MutexLock lock(&join->mu);
            if (!reply.ok()) {
              join->error.Update(reply.status());
            } else if (reply->type != RedisReply::Type::kString) {
              join->error.Update(Malformed("a wave band"));
            } else {
              join->values[i] = std::move(reply->str);
            }
            last = --join->remaining == 0;
          }
          if (!last) return;
          absl::Status error;
          std::vector<std::string> values;
          {
            absl::MutexLock lock(&join->mu);
            error = join->error;
            values = std::move(join->values);
          }
          std::move(join->next)(std::move(error), std::move(values));
        });
  }
}

void WaveStore::SeeWave(const std::string& wave_id,
                        const std::string& author_id,
                        const std::string& article_id,
                        const std::string& sample, absl::Time deadline,
                        Callback<WaveSighting> done) {
  const WaveKeys keys(wave_id);
  WaveSeenCall call;
  call.wave_key = keys.Wave();
  call.accounts_key = keys.Accounts();
  call.articles_key = keys.Articles();
  call.copies_key = keys.Copies();
  call.author = author_id;
  call.article = article_id;
  call.sample = sample;
  call.window = options_.window;
  call.retention = std::max(options_.retention, options_.window);
  WaveSeenCall::Script().Send(
      *redis_, call.ToCall(), deadline,
      [wave_id, done = std::move(done)](
          absl::StatusOr<RedisReply> reply) mutable {
        if (!reply.ok()) return std::move(done)(reply.status());
        if (reply->type != RedisReply::Type::kArray ||
            reply->elements.size() != 3) {
          return std::move(done)(Malformed("a wave"));
        }
        WaveSighting s;
        s.wave_id = wave_id;
        s.recent_accounts = reply->elements[0].integer;
        s.accounts = reply->elements[1].integer;
        s.articles = reply->elements[2].integer;
        std::move(done)(std::move(s));
      });
}

void WaveStore::AddCopy(const WaveSighting& sighting, const CommentRef& ref,
                        absl::Time deadline, StatusCallback done) {
  const WaveKeys keys(sighting.wave_id);
  WaveCopyCall call;
  call.wave_key = keys.Wave();
  call.copies_key = keys.Copies();
  call.copy = QueueMember(ref);
  const bool listed = sighting.accounts >= 2;
  const std::string wave_id = sighting.wave_id;
  WaveCopyCall::Script().Send(
      *redis_, call.ToCall(), deadline,
      [this, listed, wave_id, deadline, done = std::move(done)](
          absl::StatusOr<RedisReply> reply) mutable {
        if (!reply.ok()) return std::move(done)(reply.status());
        if (!listed) return std::move(done)(absl::OkStatus());
        // The index is scored by the copy's time as this replica sees it:
        // it only orders the moderators' list.
        redis_->Send(
            RedisArgv{"ZADD", std::string(global_keys::kWaves),
                      absl::StrCat(absl::ToUnixMillis(absl::Now())), wave_id},
            deadline, [done = std::move(done)](absl::StatusOr<RedisReply> r) mutable {
              std::move(done)(r.status());
            });
      });
}

absl::StatusOr<std::vector<std::optional<WaveSummary>>> WaveStore::Summaries(
    const std::vector<std::string>& ids, absl::Time deadline) {
  std::vector<RedisArgv> commands;
  for (const std::string& id : ids) {
    const WaveKeys keys(id);
    commands.push_back({"HMGET", keys.Wave(), "sample", "copies", "first",
                        "last"});
    commands.push_back({"ZCARD", keys.Accounts()});
    commands.push_back({"ZCARD", keys.Articles()});
  }
  absl::StatusOr<RedisReplies> replies = redis_->Pipeline(commands, deadline);
  if (!replies.ok()) return replies.status();
  std::vector<std::optional<WaveSummary>> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    const RedisReply& h = (*replies)[3 * i];
    const RedisReply& accounts = (*replies)[3 * i + 1];
    const RedisReply& articles = (*replies)[3 * i + 2];
    if (h.is_error()) return h.error_status();
    if (h.type != RedisReply::Type::kArray || h.elements.size() != 4) {
      return Malformed("a wave's summary");
    }
    if (h.elements[0].is_nil()) {
      out.push_back(std::nullopt);  // Expired.
      continue;
    }
    WaveSummary s;
    s.wave_id = ids[i];
    s.sample = h.elements[0].str;
    s.copies = ToInt(h.elements[1].str);
    s.first_seen_ms = ToInt(h.elements[2].str);
    s.last_seen_ms = ToInt(h.elements[3].str);
    s.accounts = accounts.integer;
    s.articles = articles.integer;
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<std::vector<WaveSummary>> WaveStore::List(
    const std::optional<WavePosition>& after, int limit, absl::Time deadline) {
  const std::string index(global_keys::kWaves);
  std::vector<std::pair<std::string, std::string>> entries;  // id, score
  const auto add_all = [&](const RedisReply& reply) -> absl::Status {
    if (reply.is_error()) return reply.error_status();
    if (reply.type != RedisReply::Type::kArray) return Malformed("waves");
    for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
      entries.emplace_back(reply.elements[i].str, reply.elements[i + 1].str);
    }
    return absl::OkStatus();
  };
  const std::string n = absl::StrCat(limit);
  if (!after.has_value()) {
    absl::StatusOr<RedisReply> reply = redis_->Command(
        {"ZREVRANGEBYSCORE", index, "+inf", "-inf", "WITHSCORES", "LIMIT",
         "0", n},
        deadline);
    if (!reply.ok()) return reply.status();
    if (absl::Status s = add_all(*reply); !s.ok()) return s;
  } else {
    // The waves seen at the cursor's very time after its id (descending,
    // as ZREVRANGEBYSCORE orders ties), then the older ones.
    absl::StatusOr<RedisReplies> replies = redis_->Pipeline(
        {{"ZREVRANGEBYSCORE", index, after->score, after->score,
          "WITHSCORES"},
         {"ZREVRANGEBYSCORE", index, absl::StrCat("(", after->score), "-inf",
          "WITHSCORES", "LIMIT", "0", n}},
        deadline);
    if (!replies.ok()) return replies.status();
    if (absl::Status s = add_all((*replies)[0]); !s.ok()) return s;
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [&](const auto& e) {
                                   return e.first >= after->wave_id;
                                 }),
                  entries.end());
    if (absl::Status s = add_all((*replies)[1]); !s.ok()) return s;
  }
  if (static_cast<int>(entries.size()) > limit) entries.resize(limit);
  std::vector<std::string> ids;
  for (const auto& e : entries) ids.push_back(e.first);
  absl::StatusOr<std::vector<std::optional<WaveSummary>>> summaries =
      Summaries(ids, deadline);
  if (!summaries.ok()) return summaries.status();
  std::vector<WaveSummary> out;
  RedisArgv expired = {"ZREM", index};
  for (size_t i = 0; i < ids.size(); ++i) {
    if ((*summaries)[i]) {
      out.push_back(*std::move((*summaries)[i]));
      out.back().index_score = entries[i].second;
    } else {
      expired.push_back(ids[i]);
    }
  }
  if (expired.size() > 2) {
    // The index is derived: drop waves whose keys have expired.
    if (absl::StatusOr<RedisReply> r = redis_->Command(expired, deadline);
        !r.ok()) {
      return r.status();
    }
  }
  return out;
}

absl::StatusOr<WaveSummary> WaveStore::Get(const std::string& wave_id,
                                           absl::Time deadline) {
  absl::StatusOr<std::vector<std::optional<WaveSummary>>> summaries =
      Summaries({wave_id}, deadline);
  if (!summaries.ok()) return summaries.status();
  if (!(*summaries)[0]) {
    return absl::NotFoundError(
        absl::StrCat("wave_id ", wave_id, " is unknown or has expired"));
  }
  return *std::move((*summaries)[0]);
}

absl::StatusOr<std::vector<CommentRef>> WaveStore::Copies(
    const std::string& wave_id, int64_t offset, int limit,
    absl::Time deadline) {
  absl::StatusOr<RedisReply> reply = redis_->Command(
      {"ZRANGE", WaveKeys(wave_id).Copies(), absl::StrCat(offset),
       absl::StrCat(offset + limit - 1)},
      deadline);
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kArray) return Malformed("wave copies");
  std::vector<CommentRef> out;
  for (const RedisReply& member : reply->elements) {
    if (std::optional<CommentRef> ref = ParseQueueMember(member.str)) {
      out.push_back(*std::move(ref));
    }
  }
  return out;
}

}  // namespace comments
