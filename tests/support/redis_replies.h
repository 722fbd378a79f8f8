#ifndef COMMENTS_TESTS_SUPPORT_REDIS_REPLIES_H_
#define COMMENTS_TESTS_SUPPORT_REDIS_REPLIES_H_

// RedisReply values as the client's reply parser builds them, for tests of
// code that reads replies.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "redis/redis_client.h"

namespace comments::testing {

// An error reply: Redis's "-MESSAGE", kept as kError "MESSAGE".
inline RedisReply ErrorReply(const std::string& message) {
  RedisReply reply;
  reply.type = RedisReply::Type::kError;
  reply.str = message;
  return reply;
}

inline RedisReply IntegerReply(int64_t value) {
  RedisReply reply;
  reply.type = RedisReply::Type::kInteger;
  reply.integer = value;
  return reply;
}

inline RedisReply StringReply(const std::string& value) {
  RedisReply reply;
  reply.type = RedisReply::Type::kString;
  reply.str = value;
  return reply;
}

inline RedisReply ArrayReply(std::vector<RedisReply> elements) {
  RedisReply reply;
  reply.type = RedisReply::Type::kArray;
  reply.elements = std::move(elements);
  return reply;
}

}  // namespace comments::testing

#endif  // COMMENTS_TESTS_SUPPORT_REDIS_REPLIES_H_
