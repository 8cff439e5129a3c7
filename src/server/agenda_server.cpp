#include "server/agenda_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/civil_time.h"
#include "core/time_zone.h"
#include "render/json_text.h"
#include "server/admin_api.h"
#include "server/http_util.h"
#include "server/render_cache.h"

namespace concerto::server {
namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr const char* kIcsType = "text/calendar; charset=utf-8";
constexpr const char* kJsonType = "application/json; charset=utf-8";
constexpr const char* kTextType = "text/plain; charset=utf-8";
constexpr const char* kHtmlType = "text/html; charset=utf-8";
constexpr const char* kAllow = "GET, HEAD";
constexpr int kMaxKeepAliveRequests = 1000;
// Longest /api/events window a client may ask for: five years, leap days included. A wider one
// would render (and cache) a huge body for one request.
constexpr std::int64_t kMaxWindowDays = 5 * 366;
// Set on a response written straight to the socket (Poco's sent() does not know about it).
constexpr const char* kSentMarker = "X-Concerto-Sent";

// Renders a body from the store, given the store's last change (for DTSTAMP).
using BodyRenderer = std::function<core::Result<std::string>(std::int64_t last_change)>;

enum class Route { kIndex, kCalendar, kEvents, kStatus, kHealth, kUnknown };

Route route_of(std::string_view path) {
  if (path == "/") return Route::kIndex;
  if (path == "/calendar.ics") return Route::kCalendar;
  if (path == "/api/events") return Route::kEvents;
  if (path == "/api/feeds/status") return Route::kStatus;
  if (path == "/healthz") return Route::kHealth;
  return Route::kUnknown;
}

std::string iso_utc_or_null(std::int64_t utc) {
  if (utc == 0) return "null";
  // Appended piecewise: "literal" + std::string&& trips g++ 12's -Wrestrict at -O2.
  std::string text = "\"";
  text += core::format_iso_local(core::civil_from_seconds(utc));
  text += "Z\"";
  return text;
}

void log_line(const std::string& line) {
  // One fputs on unbuffered stderr: lines from different threads do not interleave.
  std::fputs((line + "\n").c_str(), stderr);
}

// Splits "/path?query" (or an absolute-form "http://host/path?query") into path and query.
std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
  if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
    const auto authority = target.find("//") + 2;
    const auto path = target.find_first_of("/?", authority);
    target = path == std::string_view::npos ? std::string_view("/") : target.substr(path);
  }
  const auto question = target.find('?');
  if (question == std::string_view::npos) return {target, {}};
  return {target.substr(0, question), target.substr(question + 1)};
}

void send_bytes(HTTPServerResponse& response, std::string_view body) {
  // Small bodies only: sendBuffer sets Content-Length and writes no body for HEAD, but goes
  // through a 4 KiB stream buffer.
  response.sendBuffer(body.data(), body.size());
}

// Writes all of `parts` with sendmsg: one system call for a whole response when the socket
// takes it, instead of the 4 KiB writes of Poco 1.11's response streams (sendBuffer included,
// as strace shows). MSG_NOSIGNAL: a client gone away is an error value, not a SIGPIPE.
core::Status send_fully(int fd, std::vector<std::string_view> parts) {
  std::size_t first = 0;
  while (first < parts.size()) {
    std::vector<iovec> vectors;
    for (std::size_t i = first; i < parts.size(); ++i) {
      // iovec is not const-correct; sendmsg only reads.
      vectors.push_back(iovec{const_cast<char*>(parts[i].data()), parts[i].size()});
    }
    msghdr message{};
    message.msg_iov = vectors.data();
    message.msg_iovlen = vectors.size();
    const ssize_t sent = ::sendmsg(fd, &message, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return core::Error{"send timed out"};
      return core::Error{std::string("send failed: ") + std::strerror(errno)};
    }
    auto left = static_cast<std::size_t>(sent);
    while (first < parts.size() && left >= parts[first].size()) {
      left -= parts[first].size();
      ++first;
    }
    if (first < parts.size()) parts[first].remove_prefix(left);
  }
  return core::ok_status();
}

void send_text(HTTPServerResponse& response, HTTPResponse::HTTPStatus status, std::string_view text,
               const char* type = kTextType) {
  response.setStatusAndReason(status);
  response.setContentType(type);
  response.set("Cache-Control", "no-store");
  send_bytes(response, text);
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '&':
        out.append("&amp;");
        break;
      case '"':
        out.append("&quot;");
        break;
      case '\'':
        out.append("&#39;");
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// The landing page until the HTML agenda lands: what this server offers and how to subscribe.
std::string index_html(const std::string& title) {
  const std::string name = html_escape(title);
  return "<!DOCTYPE html>\n<html lang=\"fr\">\n<head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" +
         name + "</title></head>\n<body>\n<main>\n<h1>" + name +
         "</h1>\n"
         "<p>L'agenda commun des partenaires du réseau, fusionné et mis à jour chaque heure.</p>\n"
         "<h2>S'abonner</h2>\n<ul>\n"
         "<li><a href=\"/calendar.ics\">calendar.ics</a> : ajoutez cette adresse à Google "
         "Agenda (« À partir de l'URL »), Apple Calendrier (« Nouvel abonnement »), Outlook "
         "(« S'abonner à partir du web ») ou Thunderbird (« Nouvel agenda sur le réseau »).</li>\n"
         "</ul>\n<h2>Données</h2>\n<ul>\n"
         "<li><a href=\"/api/events\">/api/events</a> : les événements en JSON "
         "(<code>?from=AAAA-MM-JJ&amp;to=AAAA-MM-JJ</code>)</li>\n"
         "<li><a href=\"/api/feeds/status\">/api/feeds/status</a> : l'état de chaque flux "
         "partenaire</li>\n</ul>\n</main>\n</body>\n</html>\n";
}

void send_json_error(HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
                     std::string_view message) {
  send_text(response, status, "{\"error\":" + render::json_string(message) + "}\n", kJsonType);
}

std::string status_json(const std::vector<core::FeedStatus>& statuses) {
  std::string out = "[";
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    const core::FeedStatus& s = statuses[i];
    if (i > 0) out += ",";
    out += "\n{\"id\":" + render::json_string(s.feed_id);
    out += ",\"last_fetch\":" + iso_utc_or_null(s.last_fetch);
    out += ",\"last_success\":" + iso_utc_or_null(s.last_success);
    out += ",\"http_code\":" + std::to_string(s.http_code);
    out += ",\"error\":" + (s.error.empty() ? std::string("null") : render::json_string(s.error));
    out += ",\"consecutive_failures\":" + std::to_string(s.consecutive_failures);
    out += ",\"event_count\":" + std::to_string(s.event_count);
    out += ",\"problem_count\":" + std::to_string(s.problem_count);
    out += ",\"bytes\":" + std::to_string(s.bytes);
    out += ",\"next_fetch\":" + iso_utc_or_null(s.next_fetch) + "}";
  }
  out += statuses.empty() ? "]\n" : "\n]\n";
  return out;
}

std::string lower_first(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// What the Poco handlers call into (AgendaServer::Impl itself is private to AgendaServer).
class RequestSink {
 public:
  virtual void handle(HTTPServerRequest& request, HTTPServerResponse& response) = 0;

 protected:
  ~RequestSink() = default;
};

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(RequestSink& sink) : sink_(sink) {}
  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    sink_.handle(request, response);
  }

 private:
  RequestSink& sink_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(RequestSink& sink) : sink_(sink) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(sink_);
  }

 private:
  RequestSink& sink_;
};

}  // namespace

struct AgendaServer::Impl final : RequestSink {
  Impl(store::Store& store_ref, ServerOptions server_options)
      : store(store_ref),
        options(std::move(server_options)),
        cache(static_cast<std::size_t>(std::max(1, options.max_cache_entries))),
        admin(store_ref, AdminOptions{options.admin_token, options.agenda.feed_priority,
                                      options.agenda.match}) {
    zone = core::find_zone(options.agenda.calendar.timezone);
    if (!zone) zone = core::utc_zone();
  }

  void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;
  void route(HTTPServerRequest& request, HTTPServerResponse& response);
  void serve_cached(HTTPServerRequest& request, HTTPServerResponse& response,
                    const std::string& key, const BodyRenderer& body, const char* content_type);
  void serve_events(HTTPServerRequest& request, HTTPServerResponse& response,
                    const QueryParameters& query);
  void serve_status(HTTPServerRequest& request, HTTPServerResponse& response);
  void serve_health(HTTPServerResponse& response);
  void fail(HTTPServerRequest& request, HTTPServerResponse& response, const std::string& what);
  void send_large(HTTPServerRequest& request, HTTPServerResponse& response, std::string_view body);
  render::AgendaOptions agenda_options(std::int64_t last_change) const;

  store::Store& store;
  const ServerOptions options;
  core::ZonePtr zone;
  RenderCache cache;
  AdminApi admin;

  std::mutex lifecycle;  // guards the members below against concurrent start/stop
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  int bound_port = 0;
};

void AgendaServer::Impl::handle(HTTPServerRequest& request, HTTPServerResponse& response) {
  const auto started = std::chrono::steady_clock::now();
  try {
    route(request, response);
  } catch (const std::exception& error) {
    // Poco::Exception::what() is only the class name.
    const auto* poco = dynamic_cast<const Poco::Exception*>(&error);
    fail(request, response, poco != nullptr ? poco->displayText() : error.what());
  } catch (...) {
    fail(request, response, "unknown exception");
  }
  if (options.access_log) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.2f ms", ms);
    log_line(request.clientAddress().host().toString() + " \"" + request.getMethod() + " " +
             request.getURI() + "\" " + std::to_string(static_cast<int>(response.getStatus())) +
             " " + response.get("Content-Encoding", "identity") + " " + elapsed);
  }
}

void AgendaServer::Impl::fail(HTTPServerRequest& request, HTTPServerResponse& response,
                              const std::string& what) {
  log_line("concerto serve: " + request.getMethod() + " " + request.getURI() + ": " + what);
  // Once bytes are out the client sees a truncated answer; nothing more can be said.
  if (response.sent() || response.has(kSentMarker)) return;
  response.erase("ETag");
  response.erase("Last-Modified");
  response.erase("Content-Encoding");
  response.erase("Vary");
  send_text(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal server error\n");
}

void AgendaServer::Impl::route(HTTPServerRequest& request, HTTPServerResponse& response) {
  const auto [path, query_text] = split_target(request.getURI());
  // The admin API has its own methods, authentication and errors.
  if (AdminApi::handles(path)) {
    admin.handle(request, response, path, query_text);
    return;
  }
  const Route route = route_of(path);
  if (route == Route::kUnknown) {
    send_text(response, HTTPResponse::HTTP_NOT_FOUND, "not found\n");
    return;
  }
  const std::string& method = request.getMethod();
  if (method != HTTPRequest::HTTP_GET && method != HTTPRequest::HTTP_HEAD) {
    response.set("Allow", kAllow);
    // An unread request body would be taken for the next request: close instead.
    if (request.getChunkedTransferEncoding() || request.getContentLength64() > 0) {
      response.setKeepAlive(false);
    }
    send_text(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
    return;
  }
  auto query = parse_query(query_text);
  if (!query) {
    if (route == Route::kEvents) {
      send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST, query.error());
    } else {
      send_text(response, HTTPResponse::HTTP_BAD_REQUEST, query.error() + "\n");
    }
    return;
  }
  switch (route) {
    case Route::kIndex:
      send_text(response, HTTPResponse::HTTP_OK, index_html(options.agenda.calendar.name),
                kHtmlType);
      return;
    case Route::kCalendar:
      // Query parameters are ignored (clients add cache-busters); one rendering serves all.
      serve_cached(
          request, response, "ics",
          [this](std::int64_t last_change) {
            return render::agenda_ics(store, agenda_options(last_change));
          },
          kIcsType);
      return;
    case Route::kEvents:
      serve_events(request, response, *query);
      return;
    case Route::kStatus:
      serve_status(request, response);
      return;
    case Route::kHealth:
      serve_health(response);
      return;
    case Route::kUnknown:
      break;
  }
}

render::AgendaOptions AgendaServer::Impl::agenda_options(std::int64_t last_change) const {
  render::AgendaOptions agenda = options.agenda;
  // DTSTAMP from the data, not the clock: the same events give the same bytes and ETag across
  // restarts and replicas.
  if (agenda.calendar.now_utc == 0) {
    agenda.calendar.now_utc = last_change != 0 ? last_change : core::unix_now();
  }
  return agenda;
}

void AgendaServer::Impl::serve_events(HTTPServerRequest& request, HTTPServerResponse& response,
                                      const QueryParameters& query) {
  const core::Date today = zone->to_local(core::unix_now()).date;
  core::Date from = core::add_days(today, -options.json_past_days);
  core::Date to = core::add_days(today, options.json_future_days);  // inclusive
  bool seen_from = false;
  bool seen_to = false;
  for (const auto& [name, value] : query) {
    if (name != "from" && name != "to") continue;  // unknown parameters do not split the cache
    bool& seen = name == "from" ? seen_from : seen_to;
    if (seen) {
      send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST, name + " given twice");
      return;
    }
    seen = true;
    const auto date = core::parse_iso_date(value);
    if (!date) {
      send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST,
                      name + " must be a date YYYY-MM-DD, got \"" + value + "\"");
      return;
    }
    (name == "from" ? from : to) = *date;
  }
  if (to < from) {
    send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST, "from is after to");
    return;
  }
  const core::Date end = core::add_days(to, 1);
  // The configured default window is trusted; only a window the client chose is capped.
  if (const std::int64_t days = core::days_from_civil(end) - core::days_from_civil(from);
      (seen_from || seen_to) && days > kMaxWindowDays) {
    send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST,
                    "the window from " + core::format_iso_date(from) + " to " +
                        core::format_iso_date(to) + " spans " + std::to_string(days) +
                        " days; at most " + std::to_string(kMaxWindowDays) +
                        " (five years) may be asked for at once");
    return;
  }
  render::JsonWindow window;
  window.from_utc = zone->to_utc(core::LocalDateTime{from, 0, 0, 0});
  window.to_utc = zone->to_utc(core::LocalDateTime{end, 0, 0, 0});
  const std::string key = "json " + core::format_iso_date(from) + " " + core::format_iso_date(end);
  serve_cached(
      request, response, key,
      [this, window](std::int64_t last_change) {
        return render::agenda_json(store, agenda_options(last_change), window);
      },
      kJsonType);
}

void AgendaServer::Impl::serve_cached(HTTPServerRequest& request, HTTPServerResponse& response,
                                      const std::string& key, const BodyRenderer& body,
                                      const char* content_type) {
  const auto generation = store.generation();
  if (!generation) {
    fail(request, response, "store: " + generation.error());
    return;
  }
  const auto rendering = cache.get(key, *generation, [&]() -> core::Result<Rendering> {
    // Read before rendering: a change made meanwhile shows as a newer generation next time.
    auto last_change = store.last_change();
    if (!last_change) return core::Error{"store: " + last_change.error()};
    auto rendered = body(*last_change);
    if (!rendered) return core::Error{"render: " + rendered.error()};
    const std::int64_t modified = *last_change != 0 ? *last_change : core::unix_now();
    return make_rendering(*generation, content_type, std::move(rendered).value(), modified);
  });
  if (!rendering) {
    fail(request, response, rendering.error());
    return;
  }
  const Rendering& r = **rendering;
  const bool gzip = accepts_gzip(request.get("Accept-Encoding", ""));
  std::string etag = gzip ? r.gzip_etag : r.etag;

  bool not_modified = false;
  if (request.has("If-None-Match")) {
    // Either coding is the same content: a cache holding the other one may revalidate it.
    const std::string& tags = request.get("If-None-Match");
    if (if_none_match_matches(tags, etag)) {
      not_modified = true;
    } else if (const std::string& other = gzip ? r.etag : r.gzip_etag;
               if_none_match_matches(tags, other)) {
      not_modified = true;
      etag = other;
    }
  } else if (request.has("If-Modified-Since")) {
    const auto since = parse_http_date(request.get("If-Modified-Since"));
    not_modified = since && *since >= r.last_modified;
  }

  response.set("ETag", etag);
  response.set("Last-Modified", r.last_modified_text);
  response.set("Cache-Control", options.cache_control);
  response.set("Vary", "Accept-Encoding");
  if (not_modified) {
    response.setStatusAndReason(HTTPResponse::HTTP_NOT_MODIFIED);
    // Poco sends a 304 (or HEAD) without a body and keeps the connection alive.
    response.send();
    return;
  }
  response.setStatusAndReason(HTTPResponse::HTTP_OK);
  response.setContentType(r.content_type);
  if (gzip) response.set("Content-Encoding", "gzip");
  send_large(request, response, gzip ? r.gzip_body : r.body);
}

void AgendaServer::Impl::send_large(HTTPServerRequest& request, HTTPServerResponse& response,
                                    std::string_view body) {
  auto* connection = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (connection == nullptr) {  // not Poco's own request type: take the slower path
    send_bytes(response, body);
    return;
  }
  response.setChunkedTransferEncoding(false);
  response.setContentLength64(static_cast<Poco::Int64>(body.size()));
  std::ostringstream header;
  response.write(header);  // status line, headers, blank line
  const std::string head = header.str();
  response.set(kSentMarker, "1");  // after write(): not on the wire
  // A client that stops reading must not hold this thread longer than a slow request would.
  connection->socket().setSendTimeout(
      Poco::Timespan(std::max(1, options.request_timeout_seconds), 0));
  std::vector<std::string_view> parts{head};
  if (request.getMethod() != HTTPRequest::HTTP_HEAD) parts.push_back(body);
  if (auto sent = send_fully(connection->socket().impl()->sockfd(), parts); !sent) {
    response.setKeepAlive(false);  // the connection is unusable: Poco closes it
    if (options.access_log) log_line("concerto serve: " + request.getURI() + ": " + sent.error());
  }
}

void AgendaServer::Impl::serve_status(HTTPServerRequest& request, HTTPServerResponse& response) {
  const auto statuses = store.statuses();
  if (!statuses) {
    fail(request, response, "store: " + statuses.error());
    return;
  }
  // Statuses change without a new generation (a 304, a failed fetch): never cached, and no
  // validators to revalidate with.
  response.setStatusAndReason(HTTPResponse::HTTP_OK);
  response.setContentType(kJsonType);
  response.set("Cache-Control", "no-store");
  send_bytes(response, status_json(*statuses));
}

// Answers whether the store can be read; never cached (send_text says Cache-Control: no-store).
void AgendaServer::Impl::serve_health(HTTPServerResponse& response) {
  const auto generation = store.generation();
  if (!generation) {
    log_line("concerto serve: /healthz: store: " + generation.error());
    send_text(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "store unavailable\n");
    return;
  }
  send_text(response, HTTPResponse::HTTP_OK, "ok\n");
}

AgendaServer::AgendaServer(store::Store& store, ServerOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}

AgendaServer::~AgendaServer() { stop(); }

core::Status AgendaServer::start() {
  Impl& impl = *impl_;
  const std::lock_guard lock(impl.lifecycle);
  if (impl.server) return core::ok_status();
  const ServerOptions& options = impl.options;
  const std::string where =
      (options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host) +
      ":" + std::to_string(options.port);
  if (options.port < 0 || options.port > 65535) {
    return core::Error{"cannot listen on " + where + ": port out of range"};
  }
  const int threads = std::max(1, options.threads);
  try {
    Poco::Net::ServerSocket socket;
    // ServerSocket(address, backlog) would also set SO_REUSEPORT, letting a second instance
    // share the port silently; SO_REUSEADDR alone only allows a restart over TIME_WAIT.
    socket.bind(Poco::Net::SocketAddress(options.host, static_cast<Poco::UInt16>(options.port)),
                /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(std::max(64, options.max_queued));

    auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
    params->setMaxThreads(threads);
    params->setMaxQueued(std::max(1, options.max_queued));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(std::max(1, options.keep_alive_seconds), 0));
    params->setMaxKeepAliveRequests(kMaxKeepAliveRequests);
    params->setTimeout(Poco::Timespan(std::max(1, options.request_timeout_seconds), 0));

    // Poco holds a thread per open keep-alive connection: all of them up front.
    auto pool = std::make_unique<Poco::ThreadPool>(threads, threads);
    auto server =
        std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(impl), *pool, socket, params);
    server->start();
    impl.bound_port = socket.address().port();
    impl.pool = std::move(pool);
    impl.server = std::move(server);
  } catch (const Poco::Exception& error) {
    const std::string reason =
        error.code() > 0 ? lower_first(std::strerror(error.code())) : error.displayText();
    return core::Error{"cannot listen on " + where + ": " + reason};
  }
  return core::ok_status();
}

void AgendaServer::stop() {
  Impl& impl = *impl_;
  const std::lock_guard lock(impl.lifecycle);
  if (!impl.server) return;
  // Shuts open keep-alive connections down instead of waiting out their timeout, then waits for
  // the handlers still running: none may outlive the cache or the store.
  impl.server->stopAll(/*abortCurrent=*/true);
  impl.pool->joinAll();
  impl.server.reset();
  impl.pool.reset();
  impl.bound_port = 0;
}

int AgendaServer::port() const {
  const std::lock_guard lock(impl_->lifecycle);
  return impl_->bound_port;
}

}  // namespace concerto::server
