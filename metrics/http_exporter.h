#ifndef COMMENTS_METRICS_HTTP_EXPORTER_H_
#define COMMENTS_METRICS_HTTP_EXPORTER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "metrics/metrics.h"

namespace comments::metrics {

// Serves a registry over HTTP for Prometheus to scrape: GET /metrics answers
// the exposition (text/plain; version=0.0.4), anything else 404. Scrapes are
// served by the exporter's own thread, never by a caller's.
//
// Thread-safe. Destroying the exporter stops it and joins its thread.
class HttpExporter final {
 public:
  // Listens on `listen`, "HOST:PORT" (port 0: any free port, see port()).
  // INVALID_ARGUMENT for a malformed address, UNAVAILABLE when it cannot be
  // bound. REQUIRES: `registry` outlives the exporter.
  static absl::StatusOr<std::unique_ptr<HttpExporter>> Start(
      const Registry* registry, const std::string& listen);
  ~HttpExporter();
  HttpExporter(const HttpExporter&) = delete;
  HttpExporter& operator=(const HttpExporter&) = delete;

  int port() const { return port_; }

 private:
  class Impl;
  explicit HttpExporter(std::unique_ptr<Impl> impl, int port);

  std::unique_ptr<Impl> impl_;
  const int port_;
};

// The Content-Type of the text exposition format.
inline constexpr char kExpositionContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

}  // namespace comments::metrics

#endif  // COMMENTS_METRICS_HTTP_EXPORTER_H_
