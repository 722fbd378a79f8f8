#ifndef COMMENTS_SERVICE_RPC_CHECKED_REQUEST_H_
#define COMMENTS_SERVICE_RPC_CHECKED_REQUEST_H_

// Requests whose string fields are not valid UTF-8 get the contract's answer,
// INVALID_ARGUMENT naming the field, instead of gRPC's.
//
// Why this exists: protobuf's generated parser refuses a proto3 `string`
// field that is not valid UTF-8 (and logs a `libprotobuf ERROR` line), and
// gRPC 1.51's callback handler (CallbackUnaryHandler::Deserialize/RunHandler)
// then answers UNIMPLEMENTED with an empty message without ever calling the
// service's handler. So the request must reach a handler of ours even when
// the real parse fails.
//
// How: each method's handler is replaced (grpc::Service::MarkMethodCallback)
// by a CallbackUnaryHandler whose request type is CheckedRequest<Request>,
// with SerializationTraits of its own below:
//   1. the real parse, exactly as gRPC's own traits do it: valid requests
//      (every request the portal sends) cost what they cost before, and the
//      ListComments arena allocator keeps working (ArenaMessageAllocator
//      puts the CheckedRequest and its message on the arena);
//   2. only when that fails, a walk over the raw bytes with the request's
//      descriptor (FindInvalidUtf8) names the first `string` field, nested
//      and repeated ones included (`add[2].word`), that is not UTF-8.
// A build-time "wire" mirror of the .proto files with `bytes` for `string`
// was the other design: it parses every request twice (or keeps two
// generated libraries in step) to learn what the walk learns from the
// descriptor the real messages already carry, and only on the rare failure.
//
// The parser's log line for each such request is rate-limited by
// InstallProtobufLogFilter.

#include <google/protobuf/arena.h>
#include <google/protobuf/descriptor.h>
#include <grpcpp/impl/codegen/proto_buffer_reader.h>
#include <grpcpp/impl/codegen/serialization_traits.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>
#include <grpcpp/support/byte_buffer.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace comments {

// The path of the first `string` field in `bytes` (a serialized message of
// type `type`) that is not valid UTF-8, as the API names fields: `body`,
// `decisions[3].article_id`, `add[2].word`. std::nullopt when every string
// field is valid UTF-8 or the bytes are not a well-formed message.
std::optional<std::string> FindInvalidUtf8(
    const google::protobuf::Descriptor* type, absl::string_view bytes);

// Why a request could not be parsed, for its client: INVALID_ARGUMENT
// "<field> is not valid UTF-8", or INVALID_ARGUMENT naming the message when
// the bytes are malformed in some other way. `bytes` is what failed to parse.
absl::Status ParseFailure(const google::protobuf::Descriptor* type,
                          absl::string_view bytes);

// Keeps protobuf's "String field ... contains invalid UTF-8 data" errors
// out of the log line by line: the first is reported at once, then at most
// one summary line a minute counts the others. Any other protobuf log line
// goes to the previous handler. Process-wide; idempotent; thread-safe.
void InstallProtobufLogFilter();

// A request as a checked handler receives it: the parsed message, or why it
// could not be parsed. Lives where gRPC's MessageHolder puts it: in the
// call's arena (default) or on a protobuf arena (ArenaMessageAllocator),
// and then puts its message there too. Not copyable.
template <typename Message>
class CheckedRequest final {
 public:
  CheckedRequest() : message_(&own_.emplace()) {}
  explicit CheckedRequest(google::protobuf::Arena* arena)
      : message_(google::protobuf::Arena::CreateMessage<Message>(arena)) {}
  CheckedRequest(const CheckedRequest&) = delete;
  CheckedRequest& operator=(const CheckedRequest&) = delete;

  // OK, or INVALID_ARGUMENT: then message() is empty.
  const absl::Status& problem() const { return problem_; }
  const Message& message() const { return *message_; }

  // Parses `buffer` into the message; on failure records why. Consumes
  // `buffer` as gRPC's own traits do. Returns a non-OK status only when the
  // buffer cannot be read at all (gRPC then fails the call itself).
  grpc::Status Parse(grpc::ByteBuffer* buffer) {
    if (buffer == nullptr) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "No payload");
    }
    grpc::Status result;
    bool parsed;
    {
      grpc::ProtoBufferReader reader(buffer);
      if (!reader.status().ok()) return reader.status();
      parsed = message_->ParseFromZeroCopyStream(&reader);
    }
    if (!parsed) {
      message_->Clear();
      grpc::Slice flat;
      if (buffer->DumpToSingleSlice(&flat).ok()) {
        problem_ = ParseFailure(
            Message::descriptor(),
            absl::string_view(reinterpret_cast<const char*>(flat.begin()),
                              flat.size()));
      } else {
        result = grpc::Status(grpc::StatusCode::INTERNAL, "unreadable payload");
      }
    }
    buffer->Clear();
    return result;
  }

 private:
  std::optional<Message> own_;  // Unused on a protobuf arena.
  Message* const message_;
  absl::Status problem_;
};

// A handler for `method` of `service` (a generated CallbackService method)
// that takes a CheckedRequest: a request that parsed goes to `method`
// unchanged, one that did not goes to `refuse`, which answers its problem.
// For Service::MarkMethodCallback, which owns the result.
template <typename Service, typename Request, typename Response>
grpc::internal::CallbackUnaryHandler<CheckedRequest<Request>, Response>*
NewCheckedHandler(
    Service* service,
    grpc::ServerUnaryReactor* (Service::*method)(grpc::CallbackServerContext*,
                                                 const Request*, Response*),
    std::function<grpc::ServerUnaryReactor*(grpc::CallbackServerContext*,
                                            const absl::Status&)>
        refuse) {
  return new grpc::internal::CallbackUnaryHandler<CheckedRequest<Request>,
                                                  Response>(
      [service, method, refuse = std::move(refuse)](
          grpc::CallbackServerContext* context,
          const CheckedRequest<Request>* request, Response* response) {
        if (!request->problem().ok()) return refuse(context, request->problem());
        return (service->*method)(context, &request->message(), response);
      });
}

// The index of `method` among `service`'s methods (the generated
// CallbackService's own numbering: declaration order), checked against the
// request type a handler will parse. Aborts on a mismatch: a programming
// error found at start-up.
int CheckedMethodIndex(absl::string_view service, absl::string_view method,
                       const google::protobuf::Descriptor* request);

}  // namespace comments

namespace grpc {

// gRPC parses a CheckedRequest with CheckedRequest::Parse.
template <typename Message>
class SerializationTraits<comments::CheckedRequest<Message>, void> {
 public:
  static Status Deserialize(ByteBuffer* buffer,
                            comments::CheckedRequest<Message>* request) {
    return request->Parse(buffer);
  }
};

}  // namespace grpc

#endif  // COMMENTS_SERVICE_RPC_CHECKED_REQUEST_H_
