#include "metrics/http_exporter.h"

#include <httplib.h>

#include <thread>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace comments::metrics {

class HttpExporter::Impl {
 public:
  explicit Impl(const Registry* registry) {
    http_.Get("/metrics",
              [registry](const httplib::Request&, httplib::Response& res) {
                res.set_content(registry->Render(), kExpositionContentType);
              });
  }

  ~Impl() {
    http_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // Binds; the port bound, or -1.
  int Bind(const std::string& host, int port) {
    if (port == 0) return http_.bind_to_any_port(host);
    return http_.bind_to_port(host, port) ? port : -1;
  }

  void Run() {
    thread_ = std::thread([this] { http_.listen_after_bind(); });
  }

 private:
  httplib::Server http_;
  std::thread thread_;
};

absl::StatusOr<std::unique_ptr<HttpExporter>> HttpExporter::Start(
    const Registry* registry, const std::string& listen) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics address '", listen, "' is not HOST:PORT"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:9090
  }
  auto impl = std::make_unique<Impl>(registry);
  const int bound = impl->Bind(host, port);
  if (bound < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for metrics on ", listen));
  }
  impl->Run();
  return std::unique_ptr<HttpExporter>(new HttpExporter(std::move(impl), bound));
}

HttpExporter::HttpExporter(std::unique_ptr<Impl> impl, int port)
    : impl_(std::move(impl)), port_(port) {}

HttpExporter::~HttpExporter() = default;

}  // namespace comments::metrics
