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
#include "server/page_requests.h"
#include "server/partner_pages.h"
#include "server/render_cache.h"
#include "server/snapshot_cache.h"

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

constexpr const char* kCssType = "text/css; charset=utf-8";
constexpr const char* kRssType = "application/rss+xml; charset=utf-8";
// Pages load nothing but our stylesheet; the JSON-LD block is data, not script.
constexpr const char* kPagePolicy =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'self'";
// The newsletter fragment is styled inline (for mail clients) and may be previewed anywhere.
constexpr const char* kEmbedPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'";
// The widget is made to be framed by partners' sites.
constexpr const char* kWidgetPolicy =
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; frame-ancestors *";
constexpr const char* kForever = "public, max-age=31536000, immutable";
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86400;

// Renders a body from one generation's merged agenda, given the store's last change (for
// DTSTAMP).
using BodyRenderer = std::function<core::Result<std::string>(const render::AgendaSnapshot& agenda,
                                                             std::int64_t last_change)>;

// How a rendered body is sent.
struct BodyKind {
  const char* content_type = kHtmlType;
  std::string cache_control;
  const char* policy = nullptr;  // Content-Security-Policy, for HTML
  // A body that also depends on the clock (upcoming from this hour or today) is rendered anew
  // each such period: Last-Modified is then at least the period's start, so that a client
  // revalidating with If-Modified-Since is not told "not modified" about a new day's page.
  std::int64_t period_seconds = 0;
  bool pages = true;         // kept in the page cache, apart from the calendars' and API's
  bool needs_agenda = true;  // false: the body is rendered without building a snapshot
};

core::ZonePtr site_zone(const std::string& name) {
  core::ZonePtr zone = core::find_zone(name);
  return zone ? zone : core::utc_zone();
}

enum class Route {
  kIndex,
  kMonthNow,
  kMonth,
  kEvent,
  kSubscribe,
  kStatic,
  kEmbed,
  kEmbedText,
  kRss,
  kWidget,
  kCalendar,
  kEvents,
  kStatus,
  kHealth,
  kUnknown
};

// The route of a path, and what follows its prefix ("/month/2026-10" -> "2026-10").
std::pair<Route, std::string_view> route_of(std::string_view path) {
  static constexpr std::pair<std::string_view, Route> kExact[] = {
      {"/", Route::kIndex},
      {"/month", Route::kMonthNow},
      {"/subscribe", Route::kSubscribe},
      {"/embed/upcoming", Route::kEmbed},
      {"/embed/upcoming.txt", Route::kEmbedText},
      {"/upcoming.rss", Route::kRss},
      {"/embed/widget", Route::kWidget},
      {"/calendar.ics", Route::kCalendar},
      {"/api/events", Route::kEvents},
      {"/api/feeds/status", Route::kStatus},
      {"/healthz", Route::kHealth},
  };
  for (const auto& [exact, route] : kExact) {
    if (path == exact) return {route, {}};
  }
  static constexpr std::pair<std::string_view, Route> kPrefixes[] = {
      {"/month/", Route::kMonth}, {"/events/", Route::kEvent}, {"/static/", Route::kStatic}};
  for (const auto& [prefix, route] : kPrefixes) {
    if (path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix) {
      return {route, path.substr(prefix.size())};
    }
  }
  return {Route::kUnknown, {}};
}

std::string iso_utc_or_null(std::int64_t utc) {
  if (utc == 0) return "null";
  // Appended piecewise: "literal" + std::string&& trips g++ 12's -Wrestrict at -O2.
  std::string text = "\"";
  text += core::format_iso_local(core::civil_from_seconds(utc));
  text += "Z\"";
  return text;
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
        page_cache(static_cast<std::size_t>(std::max(1, options.max_page_cache_entries))),
        empty_snapshot(std::make_shared<const render::AgendaSnapshot>(
            dedup::Agenda{}, std::vector<core::FeedConfig>{}, core::utc_zone())),
        snapshots(store_ref, options.agenda, options.feeds, options.registry),
        admin(store_ref, AdminOptions{options.admin_token, options.agenda.feed_priority,
                                      options.agenda.match}),
        partner_feeds(store_ref, options.registry, options.partners),
        partners(partner_feeds),
        zone(site_zone(options.agenda.calendar.timezone)),
        partner_pages(partner_feeds, *zone) {}

  void handle(HTTPServerRequest& request, HTTPServerResponse& response) override;
  void route(HTTPServerRequest& request, HTTPServerResponse& response);
  void serve_cached(HTTPServerRequest& request, HTTPServerResponse& response,
                    const std::string& key, const BodyRenderer& body, const BodyKind& kind);
  void serve_page(HTTPServerRequest& request, HTTPServerResponse& response, Route route,
                  std::string_view rest, const QueryParameters& query);
  void serve_newsletter(HTTPServerRequest& request, HTTPServerResponse& response, Route route,
                        const QueryParameters& query);
  void serve_event(HTTPServerRequest& request, HTTPServerResponse& response,
                   std::string_view encoded_uid, const QueryParameters& query);
  void serve_calendar(HTTPServerRequest& request, HTTPServerResponse& response,
                      const QueryParameters& query);
  void serve_events(HTTPServerRequest& request, HTTPServerResponse& response,
                    const QueryParameters& query);
  void serve_status(HTTPServerRequest& request, HTTPServerResponse& response);
  void serve_health(HTTPServerResponse& response);
  void redirect_to_month(HTTPServerRequest& request, HTTPServerResponse& response);
  void send_page_error(HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
                       const std::string& message);
  void fail(HTTPServerRequest& request, HTTPServerResponse& response, const std::string& what);
  void send_large(HTTPServerRequest& request, HTTPServerResponse& response, std::string_view body);
  core::Result<std::shared_ptr<const render::AgendaSnapshot>> snapshot();
  render::CalendarInfo calendar_info(std::int64_t last_change) const;
  BodyKind page_kind(std::int64_t period_seconds, const char* policy = kPagePolicy) const {
    return BodyKind{kHtmlType, options.page_cache_control, policy, period_seconds};
  }
  bool english() const { return options.site.language == render::Language::kEnglish; }
  // Today's date in the site's zone, for the keys of renderings that start from today.
  std::string today_key() const {
    return core::format_iso_date(zone->to_local(core::unix_now()).date);
  }

  store::Store& store;
  const ServerOptions options;
  RenderCache cache;       // calendars and the JSON API
  RenderCache page_cache;  // pages and newsletter blocks
  // For bodies that need no agenda (the stylesheet).
  std::shared_ptr<const render::AgendaSnapshot> empty_snapshot;
  SnapshotCache snapshots;
  AdminApi admin;
  PartnerFeeds partner_feeds;  // shared by the partner API and the /partners pages
  PartnerApi partners;
  core::ZonePtr zone;  // the site's
  PartnerPages partner_pages;
  std::optional<render::WebPages> pages;  // set by start()

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
  // A negative Content-Length leaves the body's end unknown: what follows could be taken for
  // another request.
  try {
    if (request.hasContentLength() && request.getContentLength64() < 0) {
      response.setKeepAlive(false);
      send_text(response, HTTPResponse::HTTP_BAD_REQUEST, "bad Content-Length\n");
      return;
    }
  } catch (const Poco::Exception&) {
    response.setKeepAlive(false);
    send_text(response, HTTPResponse::HTTP_BAD_REQUEST, "bad Content-Length\n");
    return;
  }
  // The admin API has its own methods, authentication and errors.
  if (AdminApi::handles(path)) {
    admin.handle(request, response, path, query_text);
    return;
  }
  if (PartnerApi::handles(path, request.getMethod())) {
    partners.handle(request, response, path, query_text);
    return;
  }
  if (PartnerPages::handles(path) && pages) {
    partner_pages.handle(request, response, path, query_text, *pages);
    return;
  }
  // Nothing below reads a request body: one left unread would be taken for the next request on
  // the connection, so such a connection is closed after the answer.
  if (request.getChunkedTransferEncoding() || request.getContentLength64() > 0) {
    response.setKeepAlive(false);
  }
  const auto [route, rest] = route_of(path);
  if (route == Route::kUnknown && path.starts_with("/api/")) {
    send_json_error(response, HTTPResponse::HTTP_NOT_FOUND, "no such API endpoint");
    return;
  }
  if (route == Route::kUnknown) {
    send_page_error(
        response, HTTPResponse::HTTP_NOT_FOUND,
        english() ? "There is no page at this address." : "Il n'y a pas de page à cette adresse.");
    return;
  }
  const std::string& method = request.getMethod();
  if (method != HTTPRequest::HTTP_GET && method != HTTPRequest::HTTP_HEAD) {
    response.set("Allow", kAllow);
    send_text(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
    return;
  }
  auto query = parse_query(query_text);
  if (!query) {
    if (route == Route::kEvents) {
      send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST, query.error());
    } else {
      send_page_error(response, HTTPResponse::HTTP_BAD_REQUEST, query.error());
    }
    return;
  }
  switch (route) {
    case Route::kCalendar:
      serve_calendar(request, response, *query);
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
    case Route::kEvent:
      serve_event(request, response, rest, *query);
      return;
    case Route::kMonthNow:
      redirect_to_month(request, response);
      return;
    case Route::kEmbed:
    case Route::kEmbedText:
    case Route::kRss:
    case Route::kWidget:
      serve_newsletter(request, response, route, *query);
      return;
    default:
      serve_page(request, response, route, rest, *query);
      return;
  }
}

core::Result<std::shared_ptr<const render::AgendaSnapshot>> AgendaServer::Impl::snapshot() {
  const auto generation = store.generation();
  if (!generation) return core::Error{"store: " + generation.error()};
  return snapshots.get(*generation);
}

render::CalendarInfo AgendaServer::Impl::calendar_info(std::int64_t last_change) const {
  render::CalendarInfo info = options.agenda.calendar;
  // DTSTAMP from the data, not the clock: the same events give the same bytes and ETag across
  // restarts and replicas.
  if (info.now_utc == 0) info.now_utc = last_change != 0 ? last_change : core::unix_now();
  return info;
}

void AgendaServer::Impl::send_page_error(HTTPServerResponse& response,
                                         HTTPResponse::HTTPStatus status,
                                         const std::string& message) {
  auto page = pages ? pages->error_page(static_cast<int>(status), message)
                    : core::Result<std::string>(core::Error{"no templates"});
  if (!page) {
    send_text(response, status, message + "\n");
    return;
  }
  response.set("Content-Security-Policy", kPagePolicy);
  response.set("X-Content-Type-Options", "nosniff");
  send_text(response, status, *page, kHtmlType);
}

void AgendaServer::Impl::redirect_to_month(HTTPServerRequest& request,
                                           HTTPServerResponse& response) {
  const core::Date today = zone->to_local(core::unix_now()).date;
  char target[24];
  std::snprintf(target, sizeof target, "/month/%04d-%02d", today.year, today.month);
  std::string location = target;
  const auto [path, query_text] = split_target(request.getURI());
  if (!query_text.empty()) location += "?" + std::string(query_text);
  response.set("Location", location);
  response.set("Cache-Control", "no-store");
  response.setStatusAndReason(HTTPResponse::HTTP_FOUND);
  response.setContentLength(0);
  response.send();
}

void AgendaServer::Impl::serve_calendar(HTTPServerRequest& request, HTTPServerResponse& response,
                                        const QueryParameters& query) {
  auto filter = read_filter(query);
  if (!filter) {
    send_text(response, HTTPResponse::HTTP_BAD_REQUEST, filter.error() + "\n");
    return;
  }
  // Other query parameters are ignored (clients add cache-busters): they share one rendering.
  serve_cached(
      request, response, "ics " + filter_key(*filter),
      [this, selection = *filter](const render::AgendaSnapshot& agenda,
                                  std::int64_t last_change) -> core::Result<std::string> {
        render::CalendarInfo info = calendar_info(last_change);
        // The selection is in the calendar's name, as the member's app lists it.
        if (const render::PartnerLabel* partner = agenda.partner(selection.partner)) {
          info.name += " · " + partner->name;
        }
        if (const render::CategoryLabel* category = agenda.category(selection.category)) {
          info.name += " · " + category->name;
        }
        return render::render_ics(agenda.entries(selection), info);
      },
      BodyKind{kIcsType, options.cache_control, nullptr, 0, false});
}

void AgendaServer::Impl::serve_event(HTTPServerRequest& request, HTTPServerResponse& response,
                                     std::string_view rest, const QueryParameters& query) {
  auto agenda = snapshot();
  if (!agenda) {
    fail(request, response, agenda.error());
    return;
  }
  const std::string missing =
      english() ? "No event has this identifier, or it is over and no longer listed."
                : "Aucun événement ne porte cet identifiant, ou il est passé et n'est plus listé.";
  // "/events/<uid>" is the page, "/events/<uid>/event.ics" its calendar file: an encoded UID
  // holds no '/', so no UID can be taken for the other.
  constexpr std::string_view kIcsSuffix = "/event.ics";
  const bool ics = rest.ends_with(kIcsSuffix);
  if (ics) rest.remove_suffix(kIcsSuffix.size());
  // A UID may hold any byte: control characters are only looked up, never written back.
  auto uid = percent_decode(rest, /*plus_is_space=*/false, /*allow_controls=*/true);
  const dedup::MergedEvent* event = uid ? (*agenda)->find(*uid) : nullptr;
  if (event == nullptr || rest.find('/') != std::string_view::npos) {
    send_page_error(response, HTTPResponse::HTTP_NOT_FOUND, missing);
    return;
  }
  if (ics) {
    serve_cached(
        request, response, "event.ics " + *uid,
        [this, event_uid = *uid](const render::AgendaSnapshot& view,
                                 std::int64_t last_change) -> core::Result<std::string> {
          const dedup::MergedEvent* found = view.find(event_uid);
          if (found == nullptr) return core::Error{"the event went away while rendering"};
          render::CalendarInfo info = calendar_info(last_change);
          info.name = found->event.summary;
          return render::render_ics(view.entry(*found), info);
        },
        BodyKind{kIcsType, options.page_cache_control});
    return;
  }
  // An `at` naming no occurrence shows the next one, as no `at` does: one rendering for both.
  std::string at = read_text(query, "at");
  const auto instances = (*agenda)->instances_of(*event);
  if (std::none_of(instances.begin(), instances.end(), [&](const render::Instance* instance) {
        return instance->occurrence->recurrence_id &&
               instance->occurrence->recurrence_id->key() == at;
      })) {
    at.clear();
  }
  // The occurrence shown and the other dates follow the clock: one rendering per hour.
  const std::int64_t hour = core::unix_now() / kHour * kHour;
  serve_cached(
      request, response, "event " + *uid + '\0' + at + '\0' + std::to_string(hour),
      [this, event_uid = *uid, at, hour](const render::AgendaSnapshot& view,
                                         std::int64_t) -> core::Result<std::string> {
        auto page = pages->event(view, event_uid, at, hour);
        if (!page) return core::Error{page.error()};
        if (!page->has_value()) return core::Error{"the event went away while rendering"};
        return std::move(**page);
      },
      page_kind(kHour));
}

void AgendaServer::Impl::serve_newsletter(HTTPServerRequest& request, HTTPServerResponse& response,
                                          Route route, const QueryParameters& query) {
  auto embed = read_embed_request(query);
  if (!embed) {
    send_page_error(response, HTTPResponse::HTTP_BAD_REQUEST, embed.error());
    return;
  }
  // From the current hour: one rendering per hour serves every mail sent in it.
  const std::int64_t hour = core::unix_now() / 3600 * 3600;
  const std::string key = "embed " + std::to_string(static_cast<int>(route)) + " " +
                          std::to_string(embed->days) + " " + std::to_string(embed->limit) + " " +
                          std::to_string(hour) + " " + filter_key(embed->filter);
  BodyKind kind = page_kind(kHour, kEmbedPolicy);
  if (route == Route::kEmbedText) kind.content_type = kTextType;
  if (route == Route::kRss) kind.content_type = kRssType;
  if (route == Route::kWidget) kind.policy = kWidgetPolicy;
  serve_cached(
      request, response, key,
      [this, route, wanted = *embed, hour](const render::AgendaSnapshot& view, std::int64_t) {
        switch (route) {
          case Route::kEmbedText:
            return pages->embed_text(view, wanted, hour);
          case Route::kRss:
            return pages->upcoming_rss(view, wanted, hour);
          case Route::kWidget:
            return pages->widget(view, wanted, hour);
          default:
            return pages->embed_upcoming(view, wanted, hour);
        }
      },
      kind);
}

void AgendaServer::Impl::serve_page(HTTPServerRequest& request, HTTPServerResponse& response,
                                    Route route, std::string_view rest,
                                    const QueryParameters& query) {
  if (route == Route::kStatic) {
    if ("/static/" + std::string(rest) != pages->stylesheet_path()) {
      send_page_error(response, HTTPResponse::HTTP_NOT_FOUND,
                      english() ? "There is no file at this address."
                                : "Il n'y a pas de fichier à cette adresse.");
      return;
    }
    serve_cached(
        request, response, "css",
        [this](const render::AgendaSnapshot&, std::int64_t) -> core::Result<std::string> {
          return pages->stylesheet();
        },
        BodyKind{kCssType, kForever, nullptr, 0, false, false});
    return;
  }
  auto filter = read_filter(query);
  if (!filter) {
    send_page_error(response, HTTPResponse::HTTP_BAD_REQUEST, filter.error());
    return;
  }
  if (route == Route::kMonth) {
    const auto month = parse_year_month(rest);
    if (!month) {
      send_page_error(response, HTTPResponse::HTTP_NOT_FOUND,
                      english() ? "A month is written YYYY-MM, e.g. /month/2026-10."
                                : "Un mois s'écrit AAAA-MM, par exemple /month/2026-10.");
      return;
    }
    serve_cached(
        request, response,
        "month " + std::string(rest) + " " + today_key() + " " + filter_key(*filter),
        [this, selection = *filter, m = *month](const render::AgendaSnapshot& view, std::int64_t) {
          return pages->month(view, selection, m.year, m.month, core::unix_now());
        },
        page_kind(kDay));
    return;
  }
  if (route == Route::kSubscribe) {
    serve_cached(
        request, response, "subscribe " + filter_key(*filter),
        [this, selection = *filter](const render::AgendaSnapshot& view, std::int64_t) {
          return pages->subscribe(view, selection);
        },
        page_kind(kDay));
    return;
  }
  // The list of upcoming events.
  auto page_number = read_int(query, "page", 1, 1, 100000);
  if (!page_number) {
    send_page_error(response, HTTPResponse::HTTP_BAD_REQUEST, page_number.error());
    return;
  }
  serve_cached(
      request, response,
      "index " + std::to_string(*page_number) + " " + today_key() + " " + filter_key(*filter),
      [this, list = render::ListRequest{*filter, *page_number}](const render::AgendaSnapshot& view,
                                                                std::int64_t) {
        return pages->index(view, list, core::unix_now());
      },
      page_kind(kDay));
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
      [window](const render::AgendaSnapshot& agenda, std::int64_t) -> core::Result<std::string> {
        return render::render_json(agenda.agenda().merged.events, agenda.agenda().occurrences,
                                   window);
      },
      BodyKind{kJsonType, options.cache_control, nullptr, 0, false});
}

void AgendaServer::Impl::serve_cached(HTTPServerRequest& request, HTTPServerResponse& response,
                                      const std::string& key, const BodyRenderer& body,
                                      const BodyKind& kind) {
  const auto generation = store.generation();
  if (!generation) {
    fail(request, response, "store: " + generation.error());
    return;
  }
  // Pages have their own cache: a crawler walking every filter, month and page never evicts
  // the calendar that subscribers poll.
  RenderCache& renderings = kind.pages ? page_cache : cache;
  const auto rendering = renderings.get(key, *generation, [&]() -> core::Result<Rendering> {
    // Read before rendering: a change made meanwhile shows as a newer generation next time.
    auto last_change = store.last_change();
    if (!last_change) return core::Error{"store: " + last_change.error()};
    std::shared_ptr<const render::AgendaSnapshot> agenda = empty_snapshot;
    if (kind.needs_agenda) {
      auto built = snapshots.get(*generation);
      if (!built) return core::Error{"dedup: " + built.error()};
      agenda = std::move(built).value();
    }
    auto rendered = body(*agenda, *last_change);
    if (!rendered) return core::Error{"render: " + rendered.error()};
    std::int64_t modified = *last_change != 0 ? *last_change : core::unix_now();
    if (kind.period_seconds > 0) {
      modified = std::max(modified, core::unix_now() / kind.period_seconds * kind.period_seconds);
    }
    return make_rendering(*generation, kind.content_type, std::move(rendered).value(), modified);
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
  response.set("Cache-Control", kind.cache_control);
  response.set("Vary", "Accept-Encoding");
  response.set("X-Content-Type-Options", "nosniff");
  if (kind.policy != nullptr) {
    response.set("Content-Security-Policy", kind.policy);
    response.set("Referrer-Policy", "strict-origin-when-cross-origin");
  }
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
  if (!impl.pages) {
    auto templates = render::Templates::load(options.templates_dir);
    if (!templates) return core::Error{"templates: " + templates.error()};
    impl.pages.emplace(std::move(templates).value(), options.site);
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
