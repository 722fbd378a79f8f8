// Hostile input end to end: raw bytes on the wire to the real comment-server
// over a real redis-server. Every RPC of both services, found in their
// descriptors (a new RPC is covered without touching this file), must answer
// a string field holding the byte 0xFF with INVALID_ARGUMENT naming the
// field, and the server must not log a line per such request.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/client.h"
#include "comments/v1/comments.pb.h"
#include "comments/v1/moderation.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/comment_server.h"
#include "tests/support/redis_server.h"
#include "tests/support/status_matchers.h"

namespace comments {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using ::testing::HasSubstr;

constexpr char kToken[] = "carol-token-0123456789";
// Put in the field under test; its first byte becomes 0xFF on the wire.
constexpr char kMarker[] = "@utf8-marker@";

// A request with `path` (e.g. {"add", 1, "word"}) set to the marker: a
// repeated field gets a valid element first, so the bad one is at [1].
// Returns the API's name of the field.
std::string SetMarker(Message& message,
                      const std::vector<const FieldDescriptor*>& path,
                      size_t depth = 0) {
  const FieldDescriptor* field = path[depth];
  const google::protobuf::Reflection* r = message.GetReflection();
  std::string name = field->name();
  if (field->is_repeated()) name += "[1]";
  if (depth + 1 == path.size()) {
    if (field->is_repeated()) {
      r->AddString(&message, field, "fine");
      r->AddString(&message, field, kMarker);
    } else {
      r->SetString(&message, field, kMarker);
    }
    return name;
  }
  Message* child;
  if (field->is_repeated()) {
    r->AddMessage(&message, field);  // A valid element before it.
    child = r->AddMessage(&message, field);
  } else {
    child = r->MutableMessage(&message, field);
  }
  return name + "." + SetMarker(*child, path, depth + 1);
}

// Every path from `type` to a string field, through message fields (two
// levels deep is all the API has).
void StringPaths(const Descriptor* type, std::vector<const FieldDescriptor*> at,
                 std::vector<std::vector<const FieldDescriptor*>>* out) {
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    at.push_back(f);
    if (f->type() == FieldDescriptor::TYPE_STRING) {
      out->push_back(at);
    } else if (f->type() == FieldDescriptor::TYPE_MESSAGE && at.size() < 3) {
      StringPaths(f->message_type(), at, out);
    }
    at.pop_back();
  }
}

class HostileInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    redis_ = new testing::RedisServer();
    ASSERT_TRUE(redis_->Start());
    const std::string tokens = redis_->dir() + "/tokens";
    std::ofstream(tokens) << kToken << " carol\n";
    server_ = new testing::CommentServerProcess();
    ASSERT_TRUE(server_->Start(redis_->url(), {"--moderator_tokens=" + tokens}));
    channel_ = new std::shared_ptr<grpc::Channel>(grpc::CreateChannel(
        server_->target(), grpc::InsecureChannelCredentials()));
  }
  static void TearDownTestSuite() {
    delete channel_;
    delete server_;
    delete redis_;
  }

  // Sends `bytes` to `method` (e.g. "/comments.v1.CommentService/GetComment")
  // and returns the status.
  static grpc::Status RawCall(const std::string& method,
                              const std::string& bytes, bool with_token) {
    grpc::GenericStub stub(*channel_);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    if (with_token) {
      context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
    }
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                   [&done](grpc::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  }

  // The request's bytes with the marker's first byte made 0xFF.
  static std::string Corrupt(const Message& request) {
    std::string bytes = request.SerializeAsString();
    const size_t at = bytes.find(kMarker);
    EXPECT_NE(at, std::string::npos);
    if (at != std::string::npos) bytes[at] = '\xFF';
    return bytes;
  }

  static int CountLines(const std::string& log, const std::string& what) {
    int n = 0;
    for (absl::string_view line : absl::StrSplit(log, '\n')) {
      n += line.find(what) != absl::string_view::npos;
    }
    return n;
  }

  static testing::RedisServer* redis_;
  static testing::CommentServerProcess* server_;
  static std::shared_ptr<grpc::Channel>* channel_;
};

testing::RedisServer* HostileInputTest::redis_ = nullptr;
testing::CommentServerProcess* HostileInputTest::server_ = nullptr;
std::shared_ptr<grpc::Channel>* HostileInputTest::channel_ = nullptr;

TEST_F(HostileInputTest, InvalidUtf8InAnyStringFieldOfAnyRpcIsInvalidArgument) {
  const google::protobuf::FileDescriptor* files[] = {
      v1::Comment::descriptor()->file(), v1::QueueItem::descriptor()->file()};
  int calls = 0;
  for (const google::protobuf::FileDescriptor* file : files) {
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      const bool moderation = service->name() == "ModerationService";
      for (int m = 0; m < service->method_count(); ++m) {
        const google::protobuf::MethodDescriptor* method = service->method(m);
        const std::string path =
            absl::StrCat("/", service->full_name(), "/", method->name());
        std::vector<std::vector<const FieldDescriptor*>> fields;
        StringPaths(method->input_type(), {}, &fields);
        ASSERT_FALSE(fields.empty()) << path << " has no string field";
        for (const auto& field : fields) {
          std::unique_ptr<Message> request(
              google::protobuf::MessageFactory::generated_factory()
                  ->GetPrototype(method->input_type())
                  ->New());
          const std::string name = SetMarker(*request, field);
          const grpc::Status status =
              RawCall(path, Corrupt(*request), /*with_token=*/moderation);
          ++calls;
          EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
              << path << " " << name << ": " << status.error_message();
          EXPECT_EQ(status.error_message(), name + " is not valid UTF-8")
              << path;
        }
      }
    }
  }
  EXPECT_GT(calls, 40);
  // No line per request; at most the rate-limited summary.
  const std::string log = server_->ReadLog();
  EXPECT_EQ(CountLines(log, "libprotobuf"), 0) << log;
  EXPECT_LE(CountLines(log, "UTF-8"), 1) << log;
}

TEST_F(HostileInputTest, ModerationCallsAuthenticateBeforeValidating) {
  v1::BanUserRequest request;
  request.set_user_id(kMarker);
  const grpc::Status status =
      RawCall("/comments.v1.ModerationService/BanUser", Corrupt(request),
              /*with_token=*/false);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << status.error_message();
}

TEST_F(HostileInputTest, MalformedBytesAreInvalidArgument) {
  const grpc::Status status =
      RawCall("/comments.v1.CommentService/GetComment", "\x0a\x05" "ab",
              /*with_token=*/false);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("not a well-formed comments.v1.GetCommentRequest"));
}

TEST_F(HostileInputTest, ValidRequestsStillWork) {
  // The same raw path with the marker left alone reaches the handler.
  v1::ListCommentsRequest list;
  list.set_article_id("hostile-1");
  EXPECT_TRUE(RawCall("/comments.v1.CommentService/ListComments",
                      list.SerializeAsString(), false)
                  .ok());
  Client client({.target = server_->target()});
  v1::PostCommentRequest post;
  post.set_article_id("hostile-1");
  post.set_author_id("reader");
  post.set_body("fine");
  EXPECT_TRUE(client.PostComment(post).ok());
}

TEST_F(HostileInputTest, EmojiSequencesArePostedUnchanged) {
  Client client({.target = server_->target()});
  for (const std::string body :
       {"\U0001F468\u200D\U0001F469\u200D\U0001F467",
        "\u2764\uFE0F\u200D\U0001F525 great read",
        "\U0001F469\U0001F3FB\u200D\U0001F4BB"}) {
    v1::PostCommentRequest post;
    post.set_article_id("hostile-emoji");
    post.set_author_id("reader");
    post.set_author_name("\U0001F469\u200D\U0001F52C fan");
    post.set_body(body);
    absl::StatusOr<v1::PostCommentResponse> posted = client.PostComment(post);
    ASSERT_TRUE(posted.ok()) << posted.status();
    EXPECT_EQ(posted->comment().body(), body);
    absl::StatusOr<v1::Comment> got = client.GetComment(
        "hostile-emoji", posted->comment().comment_id(), "");
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->body(), body);
    EXPECT_EQ(got->author_name(), "\U0001F469\u200D\U0001F52C fan");
  }
  v1::PostCommentRequest reversed;
  reversed.set_article_id("hostile-emoji");
  reversed.set_author_id("reader");
  reversed.set_body("open \u202Egnp.exe");
  absl::StatusOr<v1::PostCommentResponse> refused = client.PostComment(reversed);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("body holds U+202E RIGHT-TO-LEFT OVERRIDE"));
}

// Every string a moderator supplies has a limit, and passing it is
// INVALID_ARGUMENT naming the field, before anything is stored or audited.
TEST_F(HostileInputTest, EveryModeratorStringIsBounded) {
  const std::string big(1 << 20, 'w');  // 1 MB.
  const std::string reason(501, 'r');
  const std::string id(129, 'i');
  const std::string word(65, 'k');
  struct Case {
    std::string method;
    std::unique_ptr<Message> request;
    std::string field;
  };
  std::vector<Case> cases;
  auto add = [&](const std::string& method, Message* request,
                 const std::string& field) {
    cases.push_back({method, std::unique_ptr<Message>(request), field});
  };
  {
    auto* r = new v1::ModerateCommentsRequest();
    auto* d = r->add_decisions();
    d->set_article_id("a");
    d->set_comment_id("1");
    d->set_decision(v1::DECISION_APPROVE);
    r->set_reason(reason);
    add("ModerateComments", r, "reason");
  }
  {
    auto* r = new v1::ClearQueueRequest();
    r->set_queue(v1::QUEUE_PENDING);
    r->set_decision(v1::DECISION_APPROVE);
    r->set_reason(reason);
    add("ClearQueue", r, "reason");
  }
  {
    auto* r = new v1::FeatureCommentRequest();
    r->set_article_id("a");
    r->set_comment_id("1");
    r->set_reason(big);
    add("FeatureComment", r, "reason");
  }
  for (const char* method : {"BanUser", "UnbanUser"}) {
    auto* r = new v1::BanUserRequest();  // UnbanUserRequest: the same fields.
    r->set_user_id("someone");
    r->set_reason(reason);
    add(method, r, "reason");
    auto* i = new v1::BanUserRequest();
    i->set_user_id(id);
    add(method, i, "user_id");
  }
  {
    auto* r = new v1::UpdateKeywordsRequest();
    auto* k = r->add_add();
    k->set_word(word);
    k->set_category("spam");
    k->set_action(v1::MODERATION_ACTION_BLOCK);
    add("UpdateKeywords", r, "add[0].word");
    auto* c = new v1::UpdateKeywordsRequest();
    auto* kc = c->add_add();
    kc->set_word("fine");
    kc->set_category(word);
    kc->set_action(v1::MODERATION_ACTION_BLOCK);
    add("UpdateKeywords", c, "add[0].category");
    for (const std::string* removed : {&word, &big}) {
      auto* m = new v1::UpdateKeywordsRequest();
      m->add_remove("fine");
      m->add_remove(*removed);
      add("UpdateKeywords", m, "remove[1]");
    }
  }
  {
    auto* r = new v1::ListQueueRequest();
    r->set_queue(v1::QUEUE_PENDING);
    r->set_article_id(id);
    add("ListQueue", r, "article_id");
    auto* t = new v1::ListQueueRequest();
    t->set_queue(v1::QUEUE_PENDING);
    t->set_page_token(big);
    add("ListQueue", t, "page_token");
    auto* k = new v1::ListKeywordsRequest();
    k->set_page_token(big);
    add("ListKeywords", k, "page_token");
    auto* a = new v1::ListAuditLogRequest();
    a->set_page_token(big);
    add("ListAuditLog", a, "page_token");
  }
  {
    auto* r = new v1::InspectCommentRequest();
    r->set_article_id("a");
    r->set_comment_id(id);
    add("InspectComment", r, "comment_id");
    auto* d = new v1::ModerateCommentsRequest();
    auto* one = d->add_decisions();
    one->set_article_id(id);
    one->set_comment_id("1");
    one->set_decision(v1::DECISION_APPROVE);
    add("ModerateComments", d, "decisions[0].article_id");  // In its result.
    auto* p = new v1::SetArticlePolicyRequest();
    p->set_article_id(id);
    p->set_policy(v1::POLICY_CLOSED);
    add("SetArticlePolicy", p, "article_id");
  }
  for (const Case& c : cases) {
    grpc::GenericStub stub(*channel_);
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
    grpc::Slice slice(c.request->SerializeAsString());
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, "/comments.v1.ModerationService/" + c.method,
                   grpc::StubOptions(), &request, &response,
                   [&done](grpc::Status s) { done.set_value(std::move(s)); });
    const grpc::Status status = done.get_future().get();
    if (c.field.rfind("decisions[", 0) == 0) {
      // Decisions fail one by one, in their results.
      ASSERT_TRUE(status.ok()) << status.error_message();
      v1::ModerateCommentsResponse parsed;
      std::vector<grpc::Slice> slices;
      ASSERT_TRUE(response.Dump(&slices).ok());
      std::string bytes;
      for (const grpc::Slice& s : slices) {
        bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
      ASSERT_TRUE(parsed.ParseFromString(bytes));
      EXPECT_EQ(parsed.results(0).code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_THAT(parsed.results(0).message(), HasSubstr(c.field));
      continue;
    }
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.method << " " << c.field << ": " << status.error_message();
    EXPECT_EQ(status.error_message().rfind(c.field, 0), 0u)
        << c.method << ": " << status.error_message();
  }
  // Nothing oversized reached the audit log.
  v1::ListAuditLogRequest audit;
  audit.set_page_size(500);
  grpc::GenericStub stub(*channel_);
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
  grpc::Slice slice(audit.SerializeAsString());
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/comments.v1.ModerationService/ListAuditLog",
                 grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  ASSERT_TRUE(done.get_future().get().ok());
  EXPECT_LT(response.Length(), 4096u);
}

}  // namespace
}  // namespace comments
