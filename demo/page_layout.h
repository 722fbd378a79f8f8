#ifndef COMMENTS_DEMO_PAGE_LAYOUT_H_
#define COMMENTS_DEMO_PAGE_LAYOUT_H_

// The parts every page of the portal shares: the frame, the notice line,
// and small escaped fragments. Free functions of their arguments only, so
// thread-safe.

#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "absl/strings/string_view.h"

namespace comments::demo {

// A one-line message shown at the top of a page after a form was sent
// (carried across the POST-redirect-GET by a cookie).
struct Notice {
  enum class Kind { kNone, kOk, kHeld, kRejected, kError };
  Kind kind = Kind::kNone;
  std::string text;

  // "ok", "held", "rejected", "error" and back; unknown names are kNone.
  static Kind KindFromName(const std::string& name);
  static const char* NameOf(Kind kind);
};

// A complete page: the site header, `body` (HTML, already escaped), the
// footer, inline CSS and, when not empty, the inline `script`. No external
// assets.
std::string Layout(const std::string& title, const std::string& body,
                   absl::string_view script);

// The notice as a paragraph (id "notice", class its kind); "" for kNone.
std::string NoticeHtml(const Notice& notice);

// Escaped text with its line breaks kept.
std::string BodyHtml(const std::string& body);

// A <time> in Beijing time, "2021-03-01 08:00".
std::string TimeHtml(const google::protobuf::Timestamp& ts);

// A hidden form field.
std::string Hidden(const char* name, const std::string& value);

}  // namespace comments::demo

#endif  // COMMENTS_DEMO_PAGE_LAYOUT_H_
