#ifndef COMMENTS_SERVICE_RPC_TEXT_MODERATION_H_
#define COMMENTS_SERVICE_RPC_TEXT_MODERATION_H_

#include <optional>
#include <string>

#include "comments/v1/moderation.pb.h"
#include "moderation/moderation.h"
#include "service/store/comment_store.h"

namespace comments {

// A comment's text after moderation, ready to store.
struct ModeratedText {
  // Strongest action over the body and the author's name.
  moderation::Action action = moderation::Action::kAllow;
  // As stored: masked when the action is mask.
  std::string author_name;
  std::string body;
  // For moderators: the text as posted (when it differs) and the matches
  // (body spans; matches in the name have empty spans). Empty when nothing
  // matched.
  v1::QueueItem detail;
};

ModeratedText Moderate(const moderation::LexiconHolder& lexicon,
                       const std::string& author_name, const std::string& body);

// What to tell the poster about a stored comment, or nothing when it was
// published untouched. `pre_moderated`: the article's policy held it.
std::optional<v1::ModerationOutcome> Outcome(const StoredComment& stored,
                                             bool pre_moderated);

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_TEXT_MODERATION_H_
