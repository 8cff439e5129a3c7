#include "server/partner_api.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>
#include <utility>

#include "core/civil_time.h"
#include "core/text.h"
#include "core/time_zone.h"
#include "core/token.h"
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
constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxCategoryBytes = 100;
constexpr const char* kFormats[] = {"auto", "ics", "rss", "atom", "html"};
constexpr const char* kConfigAdminId = "admin";

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

// The fields a registration or a change may give, checked; absent fields stay nullopt.
struct FeedFields {
  std::optional<std::string> url, name, format, category, timezone, partner;
};

core::Result<std::optional<std::string>> optional_text(const Object& object,
                                                       const std::string& name) {
  if (!object.has(name)) return std::optional<std::string>();
  const Var value = object.get(name);
  if (value.type() != typeid(std::string)) return core::Error{"\"" + name + "\" must be a string"};
  return std::optional<std::string>(value.extract<std::string>());
}

// The URL as compared for duplicates: scheme and host in lower case, the scheme's default port
// and any fragment left out ("HTTP://Example.org:80/a#b" -> "http://example.org/a").
std::string normalized_url(std::string url) {
  if (const auto hash = url.find('#'); hash != std::string::npos) url.resize(hash);
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const std::string scheme = core::ascii_lower(url.substr(0, scheme_end));
  const auto host_start = scheme_end + 3;
  auto host_end = url.find_first_of("/?", host_start);
  if (host_end == std::string::npos) host_end = url.size();
  std::string authority = core::ascii_lower(url.substr(host_start, host_end - host_start));
  const std::string default_port = scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
  if (!default_port.empty() && authority.size() > default_port.size() &&
      authority.ends_with(default_port)) {
    authority.resize(authority.size() - default_port.size());
  }
  std::string rest = url.substr(host_end);
  if (rest.empty()) rest = "/";
  return scheme + "://" + authority + rest;
}

core::Result<FeedFields> read_fields(const std::string& body, bool creating, bool admin) {
  auto object = parse_object(body);
  if (!object) return core::Error{object.error()};
  if (auto fields =
          only_fields(**object, {"url", "name", "format", "category", "timezone", "partner"}, "");
      !fields) {
    return core::Error{fields.error()};
  }
  FeedFields fields;
  for (const auto& [name, slot] :
       {std::pair<const char*, std::optional<std::string>*>{"url", &fields.url},
        {"name", &fields.name},
        {"format", &fields.format},
        {"category", &fields.category},
        {"timezone", &fields.timezone},
        {"partner", &fields.partner}}) {
    auto value = optional_text(**object, name);
    if (!value) return core::Error{value.error()};
    *slot = std::move(value).value();
  }
  if (fields.partner && (!admin || !creating)) {
    return core::Error{"\"partner\" is for administrators registering a feed for a partner"};
  }
  if (creating && !fields.url) return core::Error{"missing field \"url\""};
  if (creating && !fields.name) return core::Error{"missing field \"name\""};
  if (fields.url) {
    *fields.url = std::string(core::trim(*fields.url));
    if (fields.url->empty()) return core::Error{"\"url\" is empty"};
    *fields.url = normalized_url(*fields.url);
  }
  if (fields.name) {
    *fields.name = core::clean_line(*fields.name);
    if (fields.name->empty()) return core::Error{"\"name\" is empty"};
    if (fields.name->size() > kMaxNameBytes || !core::is_valid_utf8(*fields.name)) {
      return core::Error{"\"name\" must be valid UTF-8 of at most 200 bytes"};
    }
  }
  if (fields.format) {
    *fields.format = core::ascii_lower(core::trim(*fields.format));
    if (std::none_of(std::begin(kFormats), std::end(kFormats),
                     [&](const char* f) { return *fields.format == f; })) {
      return core::Error{"\"format\" must be auto, ics, rss, atom or html"};
    }
  }
  if (fields.category) {
    *fields.category = core::clean_line(*fields.category);
    if (fields.category->size() > kMaxCategoryBytes || !core::is_valid_utf8(*fields.category)) {
      return core::Error{"\"category\" must be valid UTF-8 of at most 100 bytes"};
    }
  }
  if (fields.timezone && !fields.timezone->empty()) {
    auto zone = core::canonical_zone_name(*fields.timezone);
    if (!zone) return core::Error{"\"timezone\": unknown time zone \"" + *fields.timezone + "\""};
    *fields.timezone = *zone;
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

std::string random_feed_id() {
  auto token = core::new_token();
  if (!token) return {};
  return "p-" + core::hex64(core::fnv1a64(*token)).substr(0, 12);
}

}  // namespace

PartnerApi::PartnerApi(store::Store& store, store::Registry* registry, PartnerApiOptions options)
    : store_(store), registry_(registry), options_(std::move(options)) {
  if (!options_.admin_token.empty()) admin_token_hash_ = core::token_hash(options_.admin_token);
}

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
    const auto* poco = dynamic_cast<const Poco::Exception*>(&error);
    log_line("concerto serve: " + request.getMethod() + " " + request.getURI() + ": " +
             (poco != nullptr ? poco->displayText() : std::string(error.what())));
    reply = error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal server error");
  }
  send_json_reply(request, response, reply);
}

std::optional<JsonReply> PartnerApi::authenticate(const HTTPServerRequest& request,
                                                  Caller& caller) {
  const std::optional<std::string> token = bearer_token(request);
  const auto unauthorized = [&](const std::string& message) {
    JsonReply reply = error_reply(HTTPResponse::HTTP_UNAUTHORIZED, message);
    reply.headers.emplace_back(
        "WWW-Authenticate",
        token ? "Bearer realm=\"concerto\", error=\"invalid_token\"" : "Bearer realm=\"concerto\"");
    return reply;
  };
  if (!token || token->empty()) {
    return unauthorized("missing Authorization: Bearer <token> header");
  }
  const std::string hash = core::token_hash(*token);
  if (!admin_token_hash_.empty() && core::constant_time_equal(hash, admin_token_hash_)) {
    caller.partner = core::Partner{kConfigAdminId, "administrator", "", true, false, 0};
    return std::nullopt;
  }
  auto partner = registry_->partner_by_token(hash);
  if (!partner) {
    log_line("concerto serve: partner API: " + partner.error());
    return error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "the registry cannot be read");
  }
  if (!partner->has_value()) return unauthorized("unknown token");
  if ((*partner)->disabled) return unauthorized("this partner account is disabled");
  caller.partner = std::move(**partner);
  return std::nullopt;
}

JsonReply PartnerApi::answer(HTTPServerRequest& request, std::string_view path,
                             std::string_view query) {
  if (registry_ == nullptr) {
    return error_reply(HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "the partner registry is off");
  }
  Caller caller;
  if (auto refused = authenticate(request, caller)) return *refused;
  if (!query.empty()) {
    return error_reply(HTTPResponse::HTTP_BAD_REQUEST, std::string(path) + " takes no query");
  }
  const std::string& method = request.getMethod();
  const bool reading = method == HTTPRequest::HTTP_GET || method == HTTPRequest::HTTP_HEAD;
  std::string body;
  const auto read = [&]() -> std::optional<JsonReply> {
    return read_json_body(request, kMaxPartnerBody, body);
  };

  if (path == kCollection) {
    if (reading) return list(caller);
    if (method != HTTPRequest::HTTP_POST)
      return method_not_allowed(path, method, "GET, HEAD, POST");
    if (auto refused = read()) return *refused;
    return create(caller, body);
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
  auto feed = registry_->feed(std::string(rest));
  if (!feed) {
    log_line("concerto serve: partner API: " + feed.error());
    return error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "the registry cannot be read");
  }
  if (!feed->has_value()) {
    return error_reply(HTTPResponse::HTTP_NOT_FOUND, "no registered feed " + std::string(rest));
  }
  const core::RegisteredFeed& found = **feed;
  if (!caller.partner.admin && found.partner_id != caller.partner.id) {
    return error_reply(HTTPResponse::HTTP_FORBIDDEN,
                       "feed " + found.config.id + " belongs to another partner");
  }
  if (action == "status") {
    if (!reading) return method_not_allowed(path, method, "GET, HEAD");
    return status(found);
  }
  if (action == "refresh" || action == "approve") {
    if (method != HTTPRequest::HTTP_POST) return method_not_allowed(path, method, "POST");
    return action == "refresh" ? refresh(found) : approve(caller, found);
  }
  if (reading) return show(found);
  if (method == HTTPRequest::HTTP_DELETE) return remove(found);
  if (method != "PATCH") return method_not_allowed(path, method, "GET, HEAD, PATCH, DELETE");
  if (auto refused = read()) return *refused;
  return update(caller, found, body);
}

std::string PartnerApi::feed_json(const core::RegisteredFeed& feed) {
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

JsonReply PartnerApi::list(const Caller& caller) {
  auto feeds = registry_->feeds();
  if (!feeds) {
    log_line("concerto serve: partner API: " + feeds.error());
    return error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "the registry cannot be read");
  }
  JsonReply reply;
  reply.body = "{\"feeds\":[";
  bool first = true;
  for (const core::RegisteredFeed& feed : *feeds) {
    if (!caller.partner.admin && feed.partner_id != caller.partner.id) continue;
    if (!first) reply.body += ",";
    first = false;
    reply.body += feed_json(feed);
  }
  reply.body += "]}\n";
  return reply;
}

JsonReply PartnerApi::create(const Caller& caller, const std::string& body) {
  auto fields = read_fields(body, /*creating=*/true, caller.partner.admin);
  if (!fields) return error_reply(HTTPResponse::HTTP_BAD_REQUEST, fields.error());
  if (auto refused = check_url(*fields->url, "")) return *refused;
  core::RegisteredFeed feed;
  feed.partner_id = fields->partner.value_or(caller.partner.id);
  if (feed.partner_id == kConfigAdminId) {
    return error_reply(HTTPResponse::HTTP_BAD_REQUEST,
                       "with the [admin] token, say for which partner: \"partner\": \"<id>\"");
  }
  if (fields->partner) {
    auto owner = registry_->partner(*fields->partner);
    if (!owner || !owner->has_value()) {
      return error_reply(HTTPResponse::HTTP_BAD_REQUEST, "no partner " + *fields->partner);
    }
  }
  feed.config.id = random_feed_id();
  feed.config.url = *fields->url;
  feed.config.name = *fields->name;
  feed.config.partner = caller.partner.name;
  feed.config.format = fields->format.value_or("auto");
  feed.config.category = fields->category.value_or("");
  feed.config.timezone = fields->timezone.value_or("");
  feed.config.refresh_seconds = options_.default_refresh_seconds;
  feed.approved = !options_.moderation || caller.partner.admin;
  feed.created_at = feed.updated_at = core::unix_now();
  if (feed.config.id.empty()) {
    return error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "no random bytes for an id");
  }
  {
    const std::lock_guard lock(writes_);
    if (!caller.partner.admin) {
      auto feeds = registry_->feeds();
      if (!feeds) {
        log_line("concerto serve: partner API: " + feeds.error());
        return error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "the registry cannot be read");
      }
      if (static_cast<std::size_t>(
              std::count_if(feeds->begin(), feeds->end(), [&](const core::RegisteredFeed& f) {
                return f.partner_id == feed.partner_id;
              })) >= kMaxFeedsPerPartner) {
        return error_reply(HTTPResponse::HTTP_FORBIDDEN, "a partner registers at most " +
                                                             std::to_string(kMaxFeedsPerPartner) +
                                                             " feeds; delete one first");
      }
    }
    if (auto added = registry_->add_feed(feed); !added.ok()) {
      if (added.error == store::RegistryError::kDuplicateUrl) {
        return error_reply(HTTPResponse::HTTP_CONFLICT, added.message);
      }
      log_line("concerto serve: partner API: " + added.message);
      return error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "the feed cannot be saved");
    }
  }
  Check check = run_check(feed, /*unconditional=*/false, /*once_a_minute=*/true);
  if (check.refusal) {
    (void)registry_->delete_feed(feed.config.id);
    return *check.refusal;
  }
  if (check.result.refused) {
    (void)registry_->delete_feed(feed.config.id);
    return error_reply(HTTPResponse::HTTP_UNPROCESSABLE_ENTITY, check.result.error);
  }
  JsonReply reply;
  reply.status = HTTPResponse::HTTP_CREATED;
  reply.headers.emplace_back("Location", std::string(kCollection) + "/" + feed.config.id);
  reply.body = "{\"feed\":" + feed_json(feed) + ",\"check\":" + check_json(check.result) + "}\n";
  return reply;
}

JsonReply PartnerApi::show(const core::RegisteredFeed& feed) {
  JsonReply reply = status(feed);
  if (reply.status != HTTPResponse::HTTP_OK) return reply;
  reply.body = "{\"feed\":" + feed_json(feed) + ",\"status\":" + reply.body + "}\n";
  return reply;
}

JsonReply PartnerApi::update(const Caller& caller, core::RegisteredFeed feed,
                             const std::string& body) {
  auto fields = read_fields(body, /*creating=*/false, false);
  if (!fields) return error_reply(HTTPResponse::HTTP_BAD_REQUEST, fields.error());
  const bool new_url = fields->url && *fields->url != feed.config.url;
  // What changes how the feed is read is read again (its events carry the default category).
  const bool reread = new_url || (fields->format && *fields->format != feed.config.format) ||
                      (fields->timezone && *fields->timezone != feed.config.timezone) ||
                      (fields->category && *fields->category != feed.config.category);
  if (new_url) {
    if (auto refused = check_url(*fields->url, feed.config.id)) return *refused;
    feed.config.url = *fields->url;
    // What a new address serves has not been seen by a moderator.
    if (options_.moderation && !caller.partner.admin) feed.approved = false;
  }
  if (fields->name) feed.config.name = *fields->name;
  if (fields->format) feed.config.format = *fields->format;
  if (fields->category) feed.config.category = *fields->category;
  if (fields->timezone) feed.config.timezone = *fields->timezone;
  feed.updated_at = core::unix_now();
  // The new reading is tried before anything is saved: a change refused when connecting (or
  // turned away, 429) leaves the feed, its approval included, as it was.
  std::string check_text;
  if (reread) {
    Check check = run_check(feed, /*unconditional=*/true, /*once_a_minute=*/false);
    if (check.refusal) return *check.refusal;
    if (check.result.refused) {
      return error_reply(HTTPResponse::HTTP_UNPROCESSABLE_ENTITY, check.result.error);
    }
    check_text = ",\"check\":" + check_json(check.result);
  }
  if (auto saved = save(feed)) return *saved;
  JsonReply reply;
  reply.body = "{\"feed\":" + feed_json(feed) + check_text + "}\n";
  return reply;
}

std::optional<JsonReply> PartnerApi::save(const core::RegisteredFeed& feed) {
  const std::lock_guard lock(writes_);
  if (auto updated = registry_->update_feed(feed); !updated.ok()) {
    if (updated.error == store::RegistryError::kDuplicateUrl) {
      return error_reply(HTTPResponse::HTTP_CONFLICT, updated.message);
    }
    if (updated.error == store::RegistryError::kNotFound) {
      return error_reply(HTTPResponse::HTTP_NOT_FOUND, updated.message);
    }
    log_line("concerto serve: partner API: " + updated.message);
    return error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "the feed cannot be saved");
  }
  return std::nullopt;
}

std::optional<JsonReply> PartnerApi::check_url(const std::string& url, const std::string& feed_id) {
  if (url.size() > kMaxFeedUrlBytes) {
    return error_reply(HTTPResponse::HTTP_UNPROCESSABLE_ENTITY,
                       "refused: the URL is longer than 2048 bytes");
  }
  if (auto refusal = options_.url_refusal(url)) {
    return error_reply(HTTPResponse::HTTP_UNPROCESSABLE_ENTITY, *refusal);
  }
  for (const core::FeedConfig& local : options_.local_feeds) {
    if (normalized_url(local.url) == url) {
      return error_reply(HTTPResponse::HTTP_CONFLICT, url + " is already a feed");
    }
  }
  // Before any fetch; the registry checks again when saving (two requests at once).
  if (auto feeds = registry_->feeds()) {
    for (const core::RegisteredFeed& other : *feeds) {
      if (other.config.id != feed_id && other.config.url == url) {
        return error_reply(HTTPResponse::HTTP_CONFLICT, url + " is already registered");
      }
    }
  }
  return std::nullopt;
}

PartnerApi::Check PartnerApi::run_check(const core::RegisteredFeed& feed, bool unconditional,
                                        bool once_a_minute) {
  Check check;
  {
    const std::lock_guard lock(writes_);
    // One test fetch at a time per partner, and per feed once a minute: each holds a server
    // thread for up to [fetch] timeout.
    if (checking_.count(feed.partner_id) != 0) {
      JsonReply reply = error_reply(HTTPResponse::HTTP_TOO_MANY_REQUESTS,
                                    "another fetch of your feeds is running; retry when it ends");
      reply.headers.emplace_back("Retry-After", "5");
      check.refusal = std::move(reply);
      return check;
    }
    const std::int64_t now = core::unix_now();
    std::int64_t& last = last_refresh_[feed.config.id];
    if (once_a_minute && last != 0 && now - last < kRefreshIntervalSeconds) {
      const std::int64_t wait = kRefreshIntervalSeconds - (now - last);
      JsonReply reply = error_reply(
          HTTPResponse::HTTP_TOO_MANY_REQUESTS,
          "this feed was fetched less than a minute ago; retry in " + std::to_string(wait) + " s");
      reply.headers.emplace_back("Retry-After", std::to_string(wait));
      check.refusal = std::move(reply);
      return check;
    }
    last = now;
    checking_.insert(feed.partner_id);
  }
  if (unconditional) {
    // The feed is to be read anew (another address, zone, format or category): the validators
    // of what was read before would get a 304 and keep the old reading.
    if (auto status = store_.status(feed.config.id); status && status->has_value()) {
      core::FeedStatus fresh = **status;
      fresh.etag.clear();
      fresh.last_modified.clear();
      (void)store_.record_status(fresh);
    }
  }
  check.result = options_.check_feed(feed.config);
  const std::lock_guard lock(writes_);
  checking_.erase(feed.partner_id);
  return check;
}

JsonReply PartnerApi::remove(const core::RegisteredFeed& feed) {
  const std::lock_guard lock(writes_);
  if (auto removed = registry_->delete_feed(feed.config.id); !removed.ok()) {
    if (removed.error == store::RegistryError::kNotFound) {
      return error_reply(HTTPResponse::HTTP_NOT_FOUND, removed.message);
    }
    log_line("concerto serve: partner API: " + removed.message);
    return error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "the feed cannot be deleted");
  }
  last_refresh_.erase(feed.config.id);
  JsonReply reply;
  reply.status = HTTPResponse::HTTP_NO_CONTENT;
  return reply;
}

JsonReply PartnerApi::refresh(const core::RegisteredFeed& feed) {
  Check check = run_check(feed, /*unconditional=*/false, /*once_a_minute=*/true);
  if (check.refusal) return *check.refusal;
  JsonReply reply;
  reply.body = "{\"check\":" + check_json(check.result) + "}\n";
  return reply;
}

JsonReply PartnerApi::status(const core::RegisteredFeed& feed) {
  auto found = store_.status(feed.config.id);
  if (!found) {
    log_line("concerto serve: partner API: " + found.error());
    return error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "the status cannot be read");
  }
  core::FeedStatus s;  // never fetched yet: all zero
  if (found->has_value()) s = **found;
  JsonReply reply;
  reply.body = "{\"last_fetch\":" + iso_or_null(s.last_fetch);
  reply.body += ",\"last_success\":" + iso_or_null(s.last_success);
  reply.body += ",\"http_code\":" + std::to_string(s.http_code);
  reply.body +=
      ",\"error\":" + (s.error.empty() ? std::string("null") : render::json_string(s.error));
  reply.body += ",\"consecutive_failures\":" + std::to_string(s.consecutive_failures);
  reply.body += ",\"event_count\":" + std::to_string(s.event_count);
  reply.body += ",\"problem_count\":" + std::to_string(s.problem_count);
  reply.body += ",\"next_fetch\":" + iso_or_null(s.next_fetch) + "}";
  return reply;
}

JsonReply PartnerApi::approve(const Caller& caller, const core::RegisteredFeed& feed) {
  if (!caller.partner.admin) {
    return error_reply(HTTPResponse::HTTP_FORBIDDEN, "only an administrator approves feeds");
  }
  if (auto approved = registry_->approve_feed(feed.config.id); !approved.ok()) {
    log_line("concerto serve: partner API: " + approved.message);
    return error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "the feed cannot be approved");
  }
  core::RegisteredFeed now_public = feed;
  now_public.approved = true;
  JsonReply reply;
  reply.body = "{\"feed\":" + feed_json(now_public) + "}\n";
  return reply;
}

}  // namespace concerto::server
