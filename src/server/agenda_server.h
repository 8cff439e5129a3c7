#pragma once
// The HTTP face of the agenda (Poco::Net::HTTPServer). Renderings are cached per request kind
// and store generation, gzip-compressed once, and sent in one write; conditional requests get
// 304.

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "render/agenda.h"
#include "store/store.h"

namespace concerto::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port (see AgendaServer::port)
  int threads = 64;  // Poco holds one thread per open keep-alive connection
  int max_queued = 512;
  int keep_alive_seconds = 10;
  render::AgendaOptions agenda;
  int json_past_days = 366;  // default /api/events window around now
  int json_future_days = 731;
};

class AgendaServer {
 public:
  AgendaServer(store::Store& store, ServerOptions options);
  ~AgendaServer();
  AgendaServer(const AgendaServer&) = delete;
  AgendaServer& operator=(const AgendaServer&) = delete;

  // Binds without SO_REUSEPORT, so a second instance on the same port fails here.
  core::Status start();
  void stop();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace concerto::server
