#ifndef COMMENTS_DEMO_PORTAL_SERVER_H_
#define COMMENTS_DEMO_PORTAL_SERVER_H_

#include <httplib.h>

#include <string>

#include "client/client.h"
#include "demo/article_page.h"
#include "demo/comment_feed.h"
#include "demo/moderator_page.h"
#include "metrics/metrics.h"

namespace comments::demo {

// The portal's HTTP routes, over plain HTML forms with POST-redirect-GET:
//
//   GET  /                     the article and its comment block
//                              (?hot_page=T / ?newest_page=T: a later page)
//   GET  /comments?order=hot|newest&page_token=T
//                              one more page of a list, as <li> items
//   POST /post                 name, body, parent_id, key (idempotency)
//   POST /like, /report        comment_id (report: optional reason)
//   GET  /moderate             the queues (?token=T signs in and redirects)
//   POST /moderate/login       token; /moderate/logout
//   POST /moderate/decide      article_id, comment_id, decision
//   POST /moderate/clear       queue, decision
//   GET  /metrics              Prometheus metrics, when registered with a
//                              registry: the routes' requests by status
//                              code and their latency
//
// After a form, the page it redirects to says what happened (a one-shot
// `notice` cookie). Readers are told apart by a random `uid` cookie the portal
// sets (a demo has no accounts). A moderator's token lives in an HttpOnly,
// SameSite=Strict cookie and goes to the service as the bearer token of each
// call; the portal does not check it itself, the service does. Every call
// to the service carries the reader's address (ClientAddressScope): the
// HTTP peer's, or with `trust_forwarded_for` the last address of the
// X-Forwarded-For header, the one the portal's own reverse proxy appended
// (earlier ones are the reader's to forge). Thread-safe:
// handlers share only thread-safe collaborators.
class PortalServer final {
 public:
  // All pointers must outlive the server. `moderation` holds the target and
  // deadline for moderator calls; its bearer_token is ignored.
  PortalServer(Client* client, const CommentFeed* feed,
               const ArticlePageRenderer* article_page,
               const ModeratorPageRenderer* moderator_page,
               ClientOptions moderation, bool trust_forwarded_for = false);
  PortalServer(const PortalServer&) = delete;
  PortalServer& operator=(const PortalServer&) = delete;

  // Adds the routes to `http`; with a `registry` (which must outlive the
  // server), counts their traffic in it and serves it at /metrics.
  void Register(httplib::Server& http, metrics::Registry* registry = nullptr);

 private:
  void ShowArticle(const httplib::Request& req, httplib::Response& res);
  void ShowMore(const httplib::Request& req, httplib::Response& res);
  void Post(const httplib::Request& req, httplib::Response& res);
  void Like(const httplib::Request& req, httplib::Response& res);
  void Report(const httplib::Request& req, httplib::Response& res);
  void ShowQueues(const httplib::Request& req, httplib::Response& res);
  void Login(const httplib::Request& req, httplib::Response& res);
  void Logout(const httplib::Request& req, httplib::Response& res);
  void Decide(const httplib::Request& req, httplib::Response& res);
  void Clear(const httplib::Request& req, httplib::Response& res);
  // Options for a ModerationClient calling as the moderator with `token`.
  ClientOptions ModeratorOptions(const std::string& token) const;
  // The address the reader of `req` connects from, as said above.
  std::string ReaderAddress(const httplib::Request& req) const;

  Client* const client_;
  const CommentFeed* const feed_;
  const ArticlePageRenderer* const article_page_;
  const ModeratorPageRenderer* const moderator_page_;
  const ClientOptions moderation_;
  const bool trust_forwarded_for_;
};

}  // namespace comments::demo

#endif  // COMMENTS_DEMO_PORTAL_SERVER_H_
