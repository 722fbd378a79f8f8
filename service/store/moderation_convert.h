#ifndef COMMENTS_SERVICE_STORE_MODERATION_CONVERT_H_
#define COMMENTS_SERVICE_STORE_MODERATION_CONVERT_H_

#include <string>

#include "comments/v1/moderation.pb.h"
#include "moderation/moderation.h"

namespace comments {

// Between the engine's types and the API's.

inline v1::ModerationAction ToProtoAction(moderation::Action action) {
  switch (action) {
    case moderation::Action::kAllow:
      return v1::MODERATION_ACTION_ALLOW;
    case moderation::Action::kMask:
      return v1::MODERATION_ACTION_MASK;
    case moderation::Action::kReview:
      return v1::MODERATION_ACTION_REVIEW;
    case moderation::Action::kBlock:
      return v1::MODERATION_ACTION_BLOCK;
  }
  return v1::MODERATION_ACTION_UNSPECIFIED;
}

// REQUIRES: a known action other than UNSPECIFIED (validated requests and
// stored keywords); anything else reads as BLOCK, never as an exception.
inline moderation::Action FromProtoAction(v1::ModerationAction action) {
  switch (action) {
    case v1::MODERATION_ACTION_ALLOW:
      return moderation::Action::kAllow;
    case v1::MODERATION_ACTION_MASK:
      return moderation::Action::kMask;
    case v1::MODERATION_ACTION_REVIEW:
      return moderation::Action::kReview;
    default:
      return moderation::Action::kBlock;
  }
}

inline moderation::LexiconEntry ToLexiconEntry(const v1::Keyword& keyword) {
  moderation::LexiconEntry entry;
  entry.word = keyword.word();
  entry.category = keyword.category();
  entry.action = FromProtoAction(keyword.action());
  switch (keyword.scope()) {
    case v1::KEYWORD_SCOPE_WHOLE_WORD:
      entry.mode = moderation::WordMode::kWholeWord;
      break;
    case v1::KEYWORD_SCOPE_ANYWHERE:
      entry.mode = moderation::WordMode::kAnywhere;
      break;
    default:
      entry.mode = moderation::WordMode::kAuto;
  }
  return entry;
}

inline v1::Keyword ToKeyword(const moderation::LexiconEntry& entry) {
  v1::Keyword keyword;
  keyword.set_word(entry.word);
  keyword.set_category(entry.category);
  keyword.set_action(ToProtoAction(entry.action));
  switch (entry.mode) {
    case moderation::WordMode::kWholeWord:
      keyword.set_scope(v1::KEYWORD_SCOPE_WHOLE_WORD);
      break;
    case moderation::WordMode::kAnywhere:
      keyword.set_scope(v1::KEYWORD_SCOPE_ANYWHERE);
      break;
    default:
      break;
  }
  return keyword;
}

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_MODERATION_CONVERT_H_
