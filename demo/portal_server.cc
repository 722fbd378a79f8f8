#include "demo/portal_server.h"

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "demo/html.h"
#include "metrics/http_exporter.h"
#include "logging/log.h"

namespace comments::demo {
namespace {

constexpr char kReaderCookie[] = "uid";
constexpr char kTokenCookie[] = "mod_token";

std::string RandomHex(int bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device random;  // /dev/urandom; thread-safe to construct.
  std::string out;
  for (int i = 0; i < bytes; ++i) {
    const unsigned v = random() & 0xff;
    out += kHex[v >> 4];
    out += kHex[v & 15];
  }
  return out;
}

std::string CookieValue(const httplib::Request& req, absl::string_view name) {
  for (absl::string_view part :
       absl::StrSplit(req.get_header_value("Cookie"), ';')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(
        absl::StripAsciiWhitespace(part), absl::MaxSplits('=', 1));
    if (kv.first == name) {
      return httplib::detail::decode_url(std::string(kv.second), false);
    }
  }
  return "";
}

void SetCookie(httplib::Response& res, absl::string_view name,
               const std::string& value, absl::string_view attributes) {
  res.set_header("Set-Cookie",
                 absl::StrCat(name, "=", UrlEncode(value), "; ", attributes));
}

// The reader's id: the uid cookie, or a new one set on `res`.
std::string ReaderId(const httplib::Request& req, httplib::Response& res) {
  std::string uid = CookieValue(req, kReaderCookie);
  if (uid.empty()) {
    uid = "reader-" + RandomHex(8);
    SetCookie(res, kReaderCookie, uid,
              "Path=/; Max-Age=31536000; SameSite=Lax");
  }
  return uid;
}

void SendHtml(httplib::Response& res, int status, const std::string& html) {
  res.status = status;
  res.set_content(html, "text/html; charset=utf-8");
}

constexpr char kNoticeCookie[] = "notice";

// POST-redirect-GET. The notice travels in a one-shot cookie, not in the
// query string: a link anyone can craft ("/?msg=本站已迁往…") must not be
// able to put words in the portal's mouth, and a reload must not repeat it.
void RedirectWithNotice(httplib::Response& res, const std::string& path,
                        Notice::Kind kind, const std::string& text,
                        const std::string& anchor = "") {
  SetCookie(res, kNoticeCookie, absl::StrCat(Notice::NameOf(kind), ":", text),
            "Path=/; Max-Age=60; HttpOnly; SameSite=Lax");
  res.status = 303;
  res.set_header("Location",
                 absl::StrCat(path, anchor.empty() ? "" : "#", anchor));
}

// The notice left by the last redirect, which it consumes.
Notice TakeNotice(const httplib::Request& req, httplib::Response& res) {
  const std::string cookie = CookieValue(req, kNoticeCookie);
  if (cookie.empty()) return {};
  SetCookie(res, kNoticeCookie, "", "Path=/; Max-Age=0");
  const size_t colon = cookie.find(':');
  if (colon == std::string::npos) return {};
  return {Notice::KindFromName(cookie.substr(0, colon)),
          cookie.substr(colon + 1)};
}

std::string Failure(const char* what, const absl::Status& status) {
  return absl::StrCat(what, "：", absl::StatusCodeToString(status.code()), " ",
                      status.message());
}

bool IsAuthError(const absl::Status& status) {
  return absl::IsUnauthenticated(status) || absl::IsPermissionDenied(status);
}

// What the reader is told after posting, by the comment's fate.
Notice PostNotice(const v1::PostCommentResponse& posted) {
  const std::string& why = posted.moderation().message();
  switch (posted.comment().status()) {
    case v1::COMMENT_STATUS_PENDING:
      return {Notice::Kind::kHeld,
              absl::StrCat("您的评论已提交，审核通过后显示。", why)};
    case v1::COMMENT_STATUS_REJECTED:
      return {Notice::Kind::kRejected, absl::StrCat("您的评论未能发表。", why)};
    default:
      return {Notice::Kind::kOk, absl::StrCat("评论已发表。", why)};
  }
}

}  // namespace

PortalServer::PortalServer(Client* client, const CommentFeed* feed,
                           const ArticlePageRenderer* article_page,
                           const ModeratorPageRenderer* moderator_page,
                           ClientOptions moderation, bool trust_forwarded_for)
    : client_(client),
      feed_(feed),
      article_page_(article_page),
      moderator_page_(moderator_page),
      moderation_(std::move(moderation)),
      trust_forwarded_for_(trust_forwarded_for) {}

std::string PortalServer::ReaderAddress(const httplib::Request& req) const {
  if (trust_forwarded_for_) {
    const std::string forwarded = req.get_header_value("X-Forwarded-For");
    const size_t comma = forwarded.rfind(',');
    const absl::string_view last = absl::StripAsciiWhitespace(
        comma == std::string::npos
            ? absl::string_view(forwarded)
            : absl::string_view(forwarded).substr(comma + 1));
    if (!last.empty()) return std::string(last);
  }
  return req.remote_addr;
}

ClientOptions PortalServer::ModeratorOptions(const std::string& token) const {
  // A client per request, because the token is the signed-in moderator's:
  // channels with equal arguments share one connection (BUILD-NOTES.md),
  // so this costs no new connection.
  ClientOptions options = moderation_;
  options.bearer_token = token;
  return options;
}

void PortalServer::Register(httplib::Server& http,
                            metrics::Registry* registry) {
  using Handler =
      void (PortalServer::*)(const httplib::Request&, httplib::Response&);
  metrics::CounterFamily* requests = nullptr;
  metrics::HistogramFamily* seconds = nullptr;
  if (registry != nullptr) {
    requests = &registry->AddCounter(
        "portal_http_requests_total",
        "HTTP requests the portal answered, by route and status code.",
        {"route", "code"});
    seconds = &registry->AddHistogram(
        "portal_http_request_duration_seconds",
        "Time the portal took to answer, by route, in seconds.", {"route"},
        metrics::LatencyBuckets());
    http.Get("/metrics",
             [registry](const httplib::Request&, httplib::Response& res) {
               res.set_content(registry->Render(),
                               metrics::kExpositionContentType);
             });
  }
  // Each route counts under its own path: a bounded label set, whatever
  // URLs clients send.
  auto bind = [this, requests, seconds](const char* route, Handler h) {
    metrics::Histogram* latency =
        seconds == nullptr ? nullptr : &seconds->WithLabels({route});
    return [this, h, route, requests, latency](const httplib::Request& req,
                                               httplib::Response& res) {
      const absl::Time start = absl::Now();
      // The request's id: the caller's (a proxy's) X-Request-Id, or a new
      // one. Sent back, and with every call to the service the handler
      // makes on this thread, so the service's log lines carry it.
      std::string request_id = req.get_header_value("X-Request-Id");
      if (!IsValidRequestId(request_id)) request_id = NewRequestId();
      res.set_header("X-Request-Id", request_id);
      {
        const RequestIdScope scope(request_id);
        const ClientAddressScope reader(ReaderAddress(req));
        (this->*h)(req, res);
      }
      logging::Log(logging::Level::kInfo, "http",
                   {{"request_id", request_id},
                    {"route", route},
                    {"status", res.status},
                    {"duration_ms",
                     absl::ToDoubleMilliseconds(absl::Now() - start)}});
      if (latency == nullptr) return;
      latency->Observe(absl::ToDoubleSeconds(absl::Now() - start));
      requests->WithLabels({route, absl::StrCat(res.status)}).Increment();
    };
  };
  http.Get("/", bind("/", &PortalServer::ShowArticle));
  http.Get("/comments", bind("/comments", &PortalServer::ShowMore));
  http.Post("/post", bind("/post", &PortalServer::Post));
  http.Post("/like", bind("/like", &PortalServer::Like));
  http.Post("/report", bind("/report", &PortalServer::Report));
  http.Get("/moderate", bind("/moderate", &PortalServer::ShowQueues));
  http.Post("/moderate/login", bind("/moderate/login", &PortalServer::Login));
  http.Post("/moderate/logout",
            bind("/moderate/logout", &PortalServer::Logout));
  http.Post("/moderate/decide",
            bind("/moderate/decide", &PortalServer::Decide));
  http.Post("/moderate/clear", bind("/moderate/clear", &PortalServer::Clear));
}

void PortalServer::ShowArticle(const httplib::Request& req,
                               httplib::Response& res) {
  absl::StatusOr<CommentBlock> block = feed_->LoadBlock(
      req.get_param_value("hot_page"), req.get_param_value("newest_page"),
      ReaderId(req, res));
  if (!block.ok()) {
    SendHtml(res, absl::IsInvalidArgument(block.status()) ? 400 : 503,
             article_page_->MessagePage("评论暂时无法显示",
                                        Failure("评论服务", block.status())));
    return;
  }
  SendHtml(
      res, 200,
      article_page_->ArticlePage(*block, TakeNotice(req, res), RandomHex(12)));
}

void PortalServer::ShowMore(const httplib::Request& req,
                            httplib::Response& res) {
  const v1::Order order =
      req.get_param_value("order") == "hot" ? v1::ORDER_HOT : v1::ORDER_NEWEST;
  absl::StatusOr<CommentPage> page = feed_->LoadPage(
      order, req.get_param_value("page_token"), ReaderId(req, res));
  if (!page.ok()) {
    res.status = absl::IsInvalidArgument(page.status()) ? 400 : 503;
    return;
  }
  SendHtml(res, 200, article_page_->CommentItems(*page, order, RandomHex(12)));
}

void PortalServer::Post(const httplib::Request& req, httplib::Response& res) {
  v1::PostCommentRequest request;
  request.set_article_id(feed_->options().article_id);
  request.set_author_id(ReaderId(req, res));
  request.set_author_name(req.get_param_value("name"));
  request.set_body(req.get_param_value("body"));
  request.set_parent_id(req.get_param_value("parent_id"));
  request.set_idempotency_key(req.get_param_value("key"));
  absl::StatusOr<v1::PostCommentResponse> posted =
      client_->PostComment(request);
  if (!posted.ok()) {
    RedirectWithNotice(res, "/", Notice::Kind::kError,
                       Failure("评论未发表", posted.status()), "comments");
    return;
  }
  const Notice notice = PostNotice(*posted);
  RedirectWithNotice(res, "/", notice.kind, notice.text, "comments");
}

// A like, or with `undo` its withdrawal: the button of a comment the reader
// already likes withdraws it.
void PortalServer::Like(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.get_param_value("comment_id");
  const bool undo = req.get_param_value("undo") == "1";
  const std::string& article = feed_->options().article_id;
  const std::string reader = ReaderId(req, res);
  absl::StatusOr<v1::LikeCommentResponse> liked =
      undo ? client_->UnlikeComment(article, id, reader)
           : client_->LikeComment(article, id, reader);
  if (!liked.ok()) {
    RedirectWithNotice(res, "/", Notice::Kind::kError,
                       Failure("点赞失败", liked.status()), "comments");
    return;
  }
  RedirectWithNotice(res, "/", Notice::Kind::kOk,
                     absl::StrCat(undo ? "已取消赞，共 " : "已赞，共 ",
                                  liked->like_count(), " 赞。"),
                     "newest-c-" + UrlEncode(id));
}

void PortalServer::Report(const httplib::Request& req, httplib::Response& res) {
  absl::StatusOr<v1::ReportCommentResponse> reported = client_->ReportComment(
      feed_->options().article_id, req.get_param_value("comment_id"),
      ReaderId(req, res), req.get_param_value("reason"));
  if (!reported.ok()) {
    RedirectWithNotice(res, "/", Notice::Kind::kError,
                       Failure("举报失败", reported.status()), "comments");
    return;
  }
  RedirectWithNotice(res, "/", Notice::Kind::kOk,
                     "已举报，感谢您的反馈，审核员会尽快处理。", "comments");
}

void PortalServer::ShowQueues(const httplib::Request& req,
                              httplib::Response& res) {
  if (req.has_param("token")) {  // A sign-in link: keep the token out of
    Login(req, res);             // the address bar and the history.
    return;
  }
  const std::string token = CookieValue(req, kTokenCookie);
  if (token.empty()) {
    SendHtml(res, 401,
             moderator_page_->LoginPage(
                 {Notice::Kind::kError, "请先登录审核后台。"}));
    return;
  }
  ModerationClient moderation(ModeratorOptions(token));
  ModerationQueues queues;
  for (auto [queue, out] : {std::pair{v1::QUEUE_PENDING, &queues.pending},
                            std::pair{v1::QUEUE_REPORTED, &queues.reported}}) {
    v1::ListQueueRequest request;
    request.set_queue(queue);
    request.set_article_id(feed_->options().article_id);
    request.set_page_size(50);
    absl::StatusOr<v1::ListQueueResponse> listed =
        moderation.ListQueue(request);
    if (IsAuthError(listed.status())) {
      SetCookie(res, kTokenCookie, "", "Path=/moderate; Max-Age=0");
      SendHtml(
          res, 403,
          moderator_page_->LoginPage(
              {Notice::Kind::kError, Failure("令牌无效", listed.status())}));
      return;
    }
    if (!listed.ok()) {
      SendHtml(
          res, 503,
          article_page_->MessagePage("审核队列暂时无法显示",
                                     Failure("审核服务", listed.status())));
      return;
    }
    *out = *std::move(listed);
  }
  SendHtml(res, 200,
           moderator_page_->ModeratorPage(queues, TakeNotice(req, res)));
}

void PortalServer::Login(const httplib::Request& req, httplib::Response& res) {
  SetCookie(res, kTokenCookie, req.get_param_value("token"),
            "Path=/moderate; HttpOnly; SameSite=Strict");
  res.status = 303;
  res.set_header("Location", "/moderate");
}

void PortalServer::Logout(const httplib::Request& req, httplib::Response& res) {
  SetCookie(res, kTokenCookie, "", "Path=/moderate; Max-Age=0");
  res.status = 303;
  res.set_header("Location", "/moderate");
}

void PortalServer::Decide(const httplib::Request& req, httplib::Response& res) {
  const bool approve = req.get_param_value("decision") == "approve";
  const std::string id = req.get_param_value("comment_id");
  absl::StatusOr<v1::CommentStatus> decided =
      ModerationClient(ModeratorOptions(CookieValue(req, kTokenCookie)))
          .Decide(req.get_param_value("article_id"), id,
                  approve ? v1::DECISION_APPROVE : v1::DECISION_REJECT);
  if (!decided.ok()) {
    RedirectWithNotice(res, "/moderate", Notice::Kind::kError,
                       Failure("操作失败", decided.status()));
    return;
  }
  RedirectWithNotice(res, "/moderate", Notice::Kind::kOk,
                     absl::StrCat(approve ? "已通过" : "已拒绝", " #", id));
}

void PortalServer::Clear(const httplib::Request& req, httplib::Response& res) {
  const bool approve = req.get_param_value("decision") == "approve";
  v1::ClearQueueRequest request;
  request.set_queue(req.get_param_value("queue") == "reported"
                        ? v1::QUEUE_REPORTED
                        : v1::QUEUE_PENDING);
  request.set_decision(approve ? v1::DECISION_APPROVE : v1::DECISION_REJECT);
  request.set_article_id(feed_->options().article_id);
  absl::StatusOr<int64_t> cleared =
      ModerationClient(ModeratorOptions(CookieValue(req, kTokenCookie)))
          .ClearQueue(request);
  if (!cleared.ok()) {
    RedirectWithNotice(res, "/moderate", Notice::Kind::kError,
                       Failure("操作失败", cleared.status()));
    return;
  }
  RedirectWithNotice(
      res, "/moderate", Notice::Kind::kOk,
      absl::StrCat(approve ? "已全部通过，共 " : "已全部拒绝，共 ", *cleared,
                   " 条。"));
}

}  // namespace comments::demo
