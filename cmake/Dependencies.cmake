# All third-party packages, found once. See ../../shared/BUILD-NOTES.md for the
# reasons behind each recipe (module-mode protobuf, pkg-config hiredis).
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
# hiredis 0.14's CMake config is broken on bookworm; pkg-config works.
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
# msgpack-c: the server decodes comment records (MessagePack, written by the
# Lua scripts' cmsgpack).
pkg_check_modules(MSGPACK REQUIRED IMPORTED_TARGET msgpack)
# jemalloc for the servers: per-thread caches that take frees from other
# threads cheaply (a response is built on a Redis I/O thread and freed on a
# gRPC thread); glibc's malloc contended on its arena locks there.
pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
# nlohmann-json: comment-moderate's output and the tests that read JSON.
find_package(nlohmann_json CONFIG REQUIRED)
# spdlog 1.10 (compiled, over Debian's fmt 9): the sink of the structured
# logs (logging/).
find_package(spdlog CONFIG REQUIRED)
# cpp-httplib (a compiled library on Debian): the demo portal and the
# metrics endpoint.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
if(COMMENTS_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()
if(COMMENTS_BUILD_BENCH)
  find_package(benchmark CONFIG REQUIRED)
endif()
