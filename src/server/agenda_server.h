#pragma once
// The HTTP face of the agenda (Poco::Net::HTTPServer). Renderings are cached per request kind
// and store generation, gzip-compressed once, and sent in one write; conditional requests get
// 304.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/feed.h"
#include "core/result.h"
#include "render/agenda.h"
#include "render/web_pages.h"
#include "server/partner_api.h"
#include "store/registry.h"
#include "store/store.h"

namespace concerto::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;   // 0 picks a free port (see AgendaServer::port)
  int threads = 64;  // Poco holds one thread per open keep-alive connection
  int max_queued = 512;
  int keep_alive_seconds = 10;
  int request_timeout_seconds = 30;  // to receive one request's headers (slow clients)
  int max_cache_entries = 64;        // calendar and API renderings kept (per filter and window)
  int max_page_cache_entries = 256;  // page renderings kept (per page, filter and day)
  std::string cache_control = "public, max-age=300";  // for /calendar.ics and /api/events
  bool access_log = false;                            // one line per request on stderr
  render::AgendaOptions agenda;
  // Bearer token of the admin API under /api/admin/ (see admin_api.h); empty: the API is off and
  // every /api/admin path answers 404.
  std::string admin_token;
  int json_past_days = 366;  // default /api/events window around now
  int json_future_days = 731;
  // The web pages: partner and feed labels, the site (title, public URL, language), templates
  // replacing the built-in ones (empty: none; loaded by start()), and their caching.
  std::vector<core::FeedConfig> feeds;
  render::SiteInfo site;
  std::string templates_dir;
  std::string page_cache_control = "public, max-age=60";
  // The partner API under /api/feeds (partner_api.h); null registry: it answers 503.
  store::Registry* registry = nullptr;
  PartnerApiOptions partners;
};

// Routes: GET/HEAD
// - pages: / (upcoming, ?partner=&category=&place=&q=&page=), /month, /month/YYYY-MM,
//   /events/<uid>[?at=<recurrence>], /events/<uid>/event.ics, /subscribe,
//   /static/concerto-<hash>.css;
// - newsletter: /embed/upcoming, /embed/upcoming.txt, /upcoming.rss, /embed/widget
//   (?days=&limit=&partner=&category=);
// - data: /calendar.ics (same filters), /api/events?from=YYYY-MM-DD&to=YYYY-MM-DD (inclusive
//   dates in the site's zone), /api/feeds/status, /healthz; the admin API under /api/admin/
//   (admin_api.h); the partner API under /api/feeds (partner_api.h).
// `store` must outlive the server; handlers run on options.threads pool threads and call the store
// concurrently.
class AgendaServer {
 public:
  AgendaServer(store::Store& store, ServerOptions options);
  ~AgendaServer();
  AgendaServer(const AgendaServer&) = delete;
  AgendaServer& operator=(const AgendaServer&) = delete;

  // Loads the templates (a broken one fails here, naming its file), then binds without
  // SO_REUSEPORT, so a second instance on the same port fails here:
  // "cannot listen on 127.0.0.1:8080: address already in use".
  core::Status start();
  // Closes open connections and waits for running handlers; idempotent, also run on destruction.
  void stop();
  // The bound port (the one picked when options.port is 0); 0 before start().
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace concerto::server
