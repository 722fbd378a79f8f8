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

}  // namespace
}  // namespace comments
