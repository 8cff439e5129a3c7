#include "server/partner_api.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <utility>

#include "core/civil_time.h"
#include "render/json_text.h"

namespace concerto::server {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Object;
using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::string_view kCollection = "/api/feeds";

std::string iso_or_null(std::int64_t utc) {
  if (utc == 0) return "null";
  return render::json_string(core::format_iso_local(core::civil_from_seconds(utc)) + "Z");
}

JsonReply method_not_allowed(std::string_view path, const std::string& method, const char* allow) {
  JsonReply reply = error_reply(HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
                                std::string(path) + " answers " + allow + ", not " + method);
  reply.headers.emplace_back("Allow", allow);
  return reply;
}

JsonReply failure_reply(const FeedOutcome& outcome) {
  JsonReply reply =
      error_reply(static_cast<HTTPResponse::HTTPStatus>(outcome.status), outcome.error);
  if (outcome.retry_after > 0) {
    reply.headers.emplace_back("Retry-After", std::to_string(outcome.retry_after));
  }
  return reply;
}

core::Result<FeedFields> read_fields(const std::string& body) {
  auto object = parse_object(body);
  if (!object) return core::Error{object.error()};
  if (auto known =
          only_fields(**object, {"url", "name", "format", "category", "timezone", "partner"}, "");
      !known) {
    return core::Error{known.error()};
  }
  FeedFields fields;
  for (const auto& [name, slot] :
       {std::pair<const char*, std::optional<std::string>*>{"url", &fields.url},
        {"name", &fields.name},
        {"format", &fields.format},
        {"category", &fields.category},
        {"timezone", &fields.timezone},
        {"partner", &fields.partner}}) {
    if (!(*object)->has(name)) continue;
    const Var value = (*object)->get(name);
    if (value.type() != typeid(std::string)) {
      return core::Error{"\"" + std::string(name) + "\" must be a string"};
    }
    *slot = value.extract<std::string>();
  }
  return fields;
}

std::string check_json(const FeedCheck& check) {
  std::string out = "{\"ok\":";
  out += check.ok ? "true" : "false";
  out += ",\"events\":" + std::to_string(check.events);
  out += ",\"http_code\":" + std::to_string(check.http_code);
  out += ",\"error\":" +
         (check.error.empty() ? std::string("null") : render::json_string(check.error));
  out += ",\"problems\":[";
  for (std::size_t i = 0; i < check.problems.size(); ++i) {
    if (i > 0) out += ",";
    out += "{\"line\":" + std::to_string(check.problems[i].line) +
           ",\"message\":" + render::json_string(check.problems[i].message) + "}";
  }
  out += "]}";
  return out;
}

std::string feed_json(const core::RegisteredFeed& feed) {
  const core::FeedConfig& config = feed.config;
  std::string out = "{\"id\":" + render::json_string(config.id);
  out += ",\"name\":" + render::json_string(config.name);
  out += ",\"url\":" + render::json_string(config.url);
  out += ",\"format\":" + render::json_string(config.format);
  out += ",\"category\":" + render::json_string(config.category);
  out += ",\"timezone\":" + render::json_string(config.timezone);
  out += ",\"partner\":" + render::json_string(feed.partner_id);
  out += ",\"public\":";
  out += feed.approved ? "true" : "false";
  out += ",\"created_at\":" + iso_or_null(feed.created_at);
  out += ",\"updated_at\":" + iso_or_null(feed.updated_at);
  out += "}";
  return out;
}

// The answer to a change: {"feed": …, "check": …} with what is there.
JsonReply outcome_reply(const FeedOutcome& outcome) {
  if (!outcome.ok()) return failure_reply(outcome);
  JsonReply reply;
  reply.status = static_cast<HTTPResponse::HTTPStatus>(outcome.status);
  if (reply.status == HTTPResponse::HTTP_NO_CONTENT) return reply;
  std::string members;
  if (outcome.feed) members = "\"feed\":" + feed_json(*outcome.feed);
  if (outcome.check) {
    if (!members.empty()) members += ",";
    members += "\"check\":" + check_json(*outcome.check);
  }
  reply.body = "{" + members + "}\n";
  return reply;
}

}  // namespace

bool PartnerApi::handles(std::string_view path, std::string_view method) {
  if (path == kCollection) return true;
  // GET /api/feeds/status stays the public list of every feed's status.
  if (path == "/api/feeds/status" && (method == "GET" || method == "HEAD")) return false;
  return path.starts_with("/api/feeds/");
}

void PartnerApi::handle(HTTPServerRequest& request, HTTPServerResponse& response,
                        std::string_view path, std::string_view query) {
  JsonReply reply;
  try {
    reply = answer(request, path, query);
  } catch (const std::exception& error) {
    log_exception(request, error);
    reply = error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal server error");
  }
  send_json_reply(request, response, reply);
}

std::optional<JsonReply> PartnerApi::authenticate(const HTTPServerRequest& request,
                                                  core::Partner& caller) {
  const std::optional<std::string> token = bearer_token(request);
  if (!token || token->empty()) {
    JsonReply reply = error_reply(HTTPResponse::HTTP_UNAUTHORIZED,
                                  "missing Authorization: Bearer <token> header");
    reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"concerto\"");
    return reply;
  }
  FeedOutcome outcome = feeds_.authenticate(*token, caller);
  if (outcome.ok()) return std::nullopt;
  JsonReply reply = failure_reply(outcome);
  if (outcome.status == HTTPResponse::HTTP_UNAUTHORIZED) {
    reply.headers.emplace_back("WWW-Authenticate",
                               "Bearer realm=\"concerto\", error=\"invalid_token\"");
  }
  return reply;
}

JsonReply PartnerApi::answer(HTTPServerRequest& request, std::string_view path,
                             std::string_view query) {
  if (!feeds_.enabled()) {
    return error_reply(HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "the partner registry is off");
  }
  core::Partner caller;
  if (auto refused = authenticate(request, caller)) return *refused;
  if (!query.empty()) {
    return error_reply(HTTPResponse::HTTP_BAD_REQUEST, std::string(path) + " takes no query");
  }
  const std::string& method = request.getMethod();
  const bool reading = method == HTTPRequest::HTTP_GET || method == HTTPRequest::HTTP_HEAD;
  // The body's fields, or the reply refusing it.
  const auto read = [&](FeedFields& fields) -> std::optional<JsonReply> {
    std::string body;
    if (auto refused = read_json_body(request, kMaxPartnerBody, body)) return refused;
    auto parsed = read_fields(body);
    if (!parsed) return error_reply(HTTPResponse::HTTP_BAD_REQUEST, parsed.error());
    fields = std::move(*parsed);
    return std::nullopt;
  };

  if (path == kCollection) {
    if (reading) return list(caller);
    if (method != HTTPRequest::HTTP_POST) {
      return method_not_allowed(path, method, "GET, HEAD, POST");
    }
    FeedFields fields;
    if (auto refused = read(fields)) return *refused;
    FeedOutcome created = feeds_.create(caller, std::move(fields));
    JsonReply reply = outcome_reply(created);
    if (created.ok()) {
      reply.headers.emplace_back("Location",
                                 std::string(kCollection) + "/" + created.feed->config.id);
    }
    return reply;
  }

  // /api/feeds/<id>[/refresh|/status|/approve]
  std::string_view rest = path.substr(kCollection.size() + 1);
  std::string_view action;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    action = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (rest.empty() ||
      (!action.empty() && action != "refresh" && action != "status" && action != "approve")) {
    return error_reply(HTTPResponse::HTTP_NOT_FOUND, "no route " + std::string(path));
  }
  FeedOutcome found = feeds_.find(caller, rest);
  if (!found.ok()) return failure_reply(found);
  const core::RegisteredFeed& feed = *found.feed;
  if (action == "status") {
    if (!reading) return method_not_allowed(path, method, "GET, HEAD");
    return status(feed);
  }
  if (action == "refresh" || action == "approve") {
    if (method != HTTPRequest::HTTP_POST) return method_not_allowed(path, method, "POST");
    if (action == "approve") return outcome_reply(feeds_.approve(caller, feed));
    FeedOutcome refreshed = feeds_.refresh(feed);
    refreshed.feed.reset();  // the answer is the check
    return outcome_reply(refreshed);
  }
  if (reading) return show(feed);
  if (method == HTTPRequest::HTTP_DELETE) return outcome_reply(feeds_.remove(feed));
  if (method != "PATCH") return method_not_allowed(path, method, "GET, HEAD, PATCH, DELETE");
  FeedFields fields;
  if (auto refused = read(fields)) return *refused;
  return outcome_reply(feeds_.update(caller, feed, std::move(fields)));
}

JsonReply PartnerApi::list(const core::Partner& caller) {
  auto feeds = feeds_.feeds_of(caller);
  if (!feeds) {
    log_line("concerto serve: partner API: " + feeds.error());
    return error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "the registry cannot be read");
  }
  JsonReply reply;
  reply.body = "{\"feeds\":[";
  for (std::size_t i = 0; i < feeds->size(); ++i) {
    if (i > 0) reply.body += ",";
    reply.body += feed_json((*feeds)[i]);
  }
  reply.body += "]}\n";
  return reply;
}

JsonReply PartnerApi::show(const core::RegisteredFeed& feed) {
  JsonReply reply = status(feed);
  if (reply.status != HTTPResponse::HTTP_OK) return reply;
  reply.body = "{\"feed\":" + feed_json(feed) + ",\"status\":" + reply.body + "}\n";
  return reply;
}

JsonReply PartnerApi::status(const core::RegisteredFeed& feed) {
  auto found = feeds_.status(feed);
  if (!found) {
    log_line("concerto serve: partner API: " + found.error());
    return error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "the status cannot be read");
  }
  const core::FeedStatus& s = *found;
  JsonReply reply;
  reply.body = "{\"last_fetch\":" + iso_or_null(s.last_fetch);
  reply.body += ",\"last_success\":" + iso_or_null(s.last_success);
  reply.body += ",\"http_code\":" + std::to_string(s.http_code);
  reply.body +=
      ",\"error\":" + (s.error.empty() ? std::string("null") : render::json_string(s.error));
  reply.body += ",\"consecutive_failures\":" + std::to_string(s.consecutive_failures);
  reply.body += ",\"event_count\":" + std::to_string(s.event_count);
  reply.body += ",\"problem_count\":" + std::to_string(s.problem_count);
  reply.body += ",\"next_fetch\":" + iso_or_null(s.next_fetch);
  // The problems of the last good read, by line (at most store::kMaxStoredProblems).
  reply.body += ",\"problems\":[";
  if (auto problems = feeds_.problems(feed)) {
    for (std::size_t i = 0; i < problems->size(); ++i) {
      const core::Problem& problem = (*problems)[i];
      if (i > 0) reply.body += ",";
      reply.body += "{\"line\":" + std::to_string(problem.line) + ",\"severity\":" +
                    (problem.severity == core::Severity::kError ? "\"error\"" : "\"warning\"") +
                    ",\"message\":" + render::json_string(core::describe(problem)) + "}";
    }
  } else {
    log_line("concerto serve: partner API: " + problems.error());
  }
  reply.body += "]}";
  return reply;
}

}  // namespace concerto::server
