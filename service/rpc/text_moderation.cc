#include "service/rpc/text_moderation.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_join.h"
#include "service/store/moderation_convert.h"

namespace comments {
namespace {

void AddMatches(const moderation::Verdict& verdict, bool with_spans,
                v1::QueueItem& detail) {
  for (const moderation::Match& m : verdict.matches) {
    // A match the engine downgraded to allow (a keyword across two Chinese
    // words) did not act on the comment: the queue shows what did.
    if (m.action == moderation::Action::kAllow) continue;
    v1::KeywordMatch* out = detail.add_matches();
    out->set_word(m.word);
    out->set_category(m.category);
    out->set_action(ToProtoAction(m.action));
    if (with_spans) {
      out->set_start(static_cast<int32_t>(m.start));
      out->set_end(static_cast<int32_t>(m.end));
    }
  }
}

}  // namespace

ModeratedText Moderate(const moderation::LexiconHolder& lexicon,
                       const std::string& author_name,
                       const std::string& body) {
  // One lexicon for both texts, even if a reload lands in between.
  const std::shared_ptr<const moderation::Lexicon> current = lexicon.Get();
  const moderation::Verdict body_verdict = current->Check(body);
  const moderation::Verdict name_verdict =
      author_name.empty() ? moderation::Verdict() : current->Check(author_name);
  ModeratedText out;
  out.action = std::max(body_verdict.action, name_verdict.action);
  const bool mask = out.action == moderation::Action::kMask;
  out.body = mask ? body_verdict.masked : body;
  out.author_name = mask ? name_verdict.masked : author_name;
  if (name_verdict.matches.empty()) out.author_name = author_name;
  if (out.action != moderation::Action::kAllow) {
    if (out.body != body) out.detail.set_original_body(body);
    AddMatches(body_verdict, /*with_spans=*/true, out.detail);
    AddMatches(name_verdict, /*with_spans=*/false, out.detail);
  }
  return out;
}

std::optional<v1::ModerationOutcome> Outcome(const StoredComment& stored,
                                             bool pre_moderated) {
  v1::QueueItem detail;
  detail.ParseFromString(stored.detail);
  v1::ModerationOutcome outcome;
  std::set<std::string> categories;
  v1::ModerationAction strongest = v1::MODERATION_ACTION_ALLOW;
  for (const v1::KeywordMatch& m : detail.matches()) {
    categories.insert(m.category());
    strongest = std::max(strongest, m.action());
  }
  outcome.set_action(strongest);
  for (const std::string& c : categories) outcome.add_categories(c);
  switch (stored.comment.status()) {
    case v1::COMMENT_STATUS_REJECTED:
      outcome.set_message(
          categories.empty()
              ? "Your comment was not published."
              : "Your comment was not published: it appears to contain " +
                    absl::StrJoin(categories, ", ") + ".");
      return outcome;
    case v1::COMMENT_STATUS_PENDING:
      if (strongest == v1::MODERATION_ACTION_REVIEW) {
        outcome.set_message("Your comment is awaiting review by a moderator.");
      } else {
        outcome.set_pre_moderation(pre_moderated);
        outcome.set_message(
            "Comments on this article are reviewed before they appear; "
            "yours is awaiting approval.");
      }
      return outcome;
    case v1::COMMENT_STATUS_PUBLISHED:
      if (strongest == v1::MODERATION_ACTION_MASK) {
        outcome.set_message(
            "Your comment was published with some words hidden.");
        return outcome;
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace comments
