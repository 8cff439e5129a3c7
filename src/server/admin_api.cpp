#include "server/admin_api.h"

#include <Poco/DigestEngine.h>
#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/civil_time.h"
#include "core/time_zone.h"
#include "core/token.h"
#include "dedup/decisions.h"
#include "dedup/dedup.h"
#include "render/json_text.h"
#include "server/http_util.h"

namespace concerto::server {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

namespace {

using Reply = AdminApi::Reply;

constexpr std::string_view kPrefix = "/api/admin";
constexpr const char* kOffMessage = "the admin API is off (set [admin] token)";

enum class AdminRoute { kReview, kExplain, kConfirm, kSplit, kJoin, kUnknown };

AdminRoute admin_route_of(std::string_view path) {
  if (path == "/api/admin/merges/review") return AdminRoute::kReview;
  if (path == "/api/admin/explain") return AdminRoute::kExplain;
  if (path == "/api/admin/merges/confirm") return AdminRoute::kConfirm;
  if (path == "/api/admin/merges/split") return AdminRoute::kSplit;
  if (path == "/api/admin/merges/join") return AdminRoute::kJoin;
  return AdminRoute::kUnknown;
}

Reply store_failure(std::string_view what, const std::string& error) {
  log_line("concerto serve: admin API: " + std::string(what) + ": " + error);
  return error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, std::string(what) + ": " + error);
}

// ---- JSON output

// Scores as numbers with at most three decimals ("0.71", "1"); never NaN in JSON.
void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", value);
  std::string_view text = buffer;
  while (text.back() == '0') text.remove_suffix(1);
  if (text.back() == '.') text.remove_suffix(1);
  out += text == "-0" ? std::string_view("0") : text;
}

void append_string_or_null(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += "null";
  } else {
    render::append_json_string(out, text);
  }
}

// "2026-10-19" (all day), "2026-10-19T09:30:00" (floating), "2026-10-19T09:30:00+02:00" in the
// event's zone, "...Z" for UTC or an unknown zone: the forms of /api/events.
std::string time_text(const core::EventTime& time) {
  if (time.all_day) return core::format_iso_date(time.date);
  if (time.floating()) return core::format_iso_local(time.local);
  const core::ZonePtr zone = core::find_zone(time.tzid);
  if (zone == nullptr || zone->is_utc()) {
    return core::format_iso_local(core::civil_from_seconds(time.utc)) + "Z";
  }
  const int offset = zone->offset_at_utc(time.utc);
  return core::format_iso_local(core::civil_from_seconds(time.utc + offset)) +
         core::format_utc_offset(offset);
}

// The "feed", "uid" and "recurrence" members of a source (no braces).
void append_ref_members(std::string& out, const core::SourceRef& source) {
  out += "\"feed\":";
  render::append_json_string(out, source.feed_id);
  out += ",\"uid\":";
  render::append_json_string(out, source.uid);
  out += ",\"recurrence\":";
  append_string_or_null(out, source.recurrence);
}

void append_ref(std::string& out, const core::SourceRef& source) {
  out += "{";
  append_ref_members(out, source);
  out += "}";
}

// The stored source events, to describe a SourceRef: an occurrence of a series shows its
// override when there is one, else the series, with the occurrence's own start.
class SourceIndex {
 public:
  explicit SourceIndex(const dedup::Agenda& agenda) {
    for (const core::Event& event : agenda.events) {
      events_.emplace(Key{event.feed_id, event.uid, core::recurrence_key(event)}, &event);
    }
    for (const core::Occurrence& occurrence : agenda.occurrences) {
      if (!occurrence.recurrence_id) continue;
      starts_.emplace(Key{occurrence.feed_id, occurrence.uid, occurrence.recurrence_id->key()},
                      &occurrence.start);
    }
  }

  // {"feed", "uid", "recurrence", "summary", "start", "location"}; the last three null when the
  // source event is not stored.
  void append_source(std::string& out, const core::SourceRef& source) const {
    out += "{";
    append_ref_members(out, source);
    const core::Event* event = find_event(source);
    const core::EventTime* start = event != nullptr ? &event->start : nullptr;
    if (!source.recurrence.empty()) {
      const auto found = starts_.find(Key{source.feed_id, source.uid, source.recurrence});
      if (found != starts_.end()) start = found->second;
    }
    out += ",\"summary\":";
    if (event != nullptr) {
      render::append_json_string(out, event->summary);
    } else {
      out += "null";
    }
    out += ",\"start\":";
    if (start != nullptr) {
      render::append_json_string(out, time_text(*start));
    } else {
      out += "null";
    }
    out += ",\"location\":";
    if (event != nullptr) {
      render::append_json_string(out, event->location);
    } else {
      out += "null";
    }
    out += "}";
  }

 private:
  using Key = std::tuple<std::string, std::string, std::string>;

  const core::Event* find_event(const core::SourceRef& source) const {
    auto found = events_.find(Key{source.feed_id, source.uid, source.recurrence});
    if (found == events_.end() && !source.recurrence.empty()) {
      found = events_.find(Key{source.feed_id, source.uid, ""});
    }
    return found == events_.end() ? nullptr : found->second;
  }

  std::map<Key, const core::Event*> events_;
  std::map<Key, const core::EventTime*> starts_;
};

// "score":0.71,"title":…,"time":…,"place":…,"veto":"…"|null (no braces).
void append_score_members(std::string& out, const dedup::Score& score, const char* total_name) {
  out += "\"";
  out += total_name;
  out += "\":";
  append_number(out, score.total);
  out += ",\"title\":";
  append_number(out, score.title);
  out += ",\"time\":";
  append_number(out, score.time);
  out += ",\"place\":";
  append_number(out, score.place);
  out += ",\"veto\":";
  append_string_or_null(out, dedup::to_string(score.veto));
}

void append_near_miss(std::string& out, const dedup::PairScore& pair, const SourceIndex& index) {
  out += "{";
  append_score_members(out, pair.score, "score");
  out += ",\"how\":";
  render::append_json_string(out, pair.how);
  out += ",\"a\":";
  index.append_source(out, pair.a);
  out += ",\"b\":";
  index.append_source(out, pair.b);
  out += "}";
}

void append_link(std::string& out, const dedup::PairScore& pair) {
  out += "{\"a\":";
  append_ref(out, pair.a);
  out += ",\"b\":";
  append_ref(out, pair.b);
  out += ",\"how\":";
  render::append_json_string(out, pair.how);
  out += ",\"score\":{";
  append_score_members(out, pair.score, "total");
  out += "}}";
}

template <class Items, class Append>
void append_array(std::string& out, const Items& items, const Append& append) {
  out += "[";
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ",";
    first = false;
    out += "\n";
    append(item);
  }
  out += first ? "]" : "\n]";
}

// ---- JSON input

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

// "source": {"feed": "…", "uid": "…", "recurrence": "…"|null?}, or absent / null.
core::Result<std::optional<core::SourceRef>> optional_source(const Object& object) {
  if (!object.has("source") || object.get("source").isEmpty()) {
    return std::optional<core::SourceRef>();
  }
  const Var value = object.get("source");
  if (value.type() != typeid(Object::Ptr) || value.extract<Object::Ptr>().isNull()) {
    return core::Error{"\"source\" must be an object {\"feed\", \"uid\", \"recurrence\"}"};
  }
  const Object& source = *value.extract<Object::Ptr>();
  if (auto fields = only_fields(source, {"feed", "uid", "recurrence"}, "source: "); !fields) {
    return core::Error{fields.error()};
  }
  auto feed = required_text(source, "feed", "source: ");
  if (!feed) return core::Error{feed.error()};
  auto uid = required_text(source, "uid", "source: ");
  if (!uid) return core::Error{uid.error()};
  std::string recurrence;
  if (source.has("recurrence") && !source.get("recurrence").isEmpty()) {
    const Var key = source.get("recurrence");
    if (key.type() != typeid(std::string)) {
      return core::Error{"source: \"recurrence\" must be a string or null"};
    }
    recurrence = key.extract<std::string>();
  }
  return std::optional<core::SourceRef>(
      core::SourceRef{std::move(feed).value(), std::move(uid).value(), std::move(recurrence)});
}

// "uids": exactly two non-empty strings.
core::Result<std::pair<std::string, std::string>> two_uids(const Object& object) {
  constexpr const char* kExpected = "\"uids\" must be an array of two UID strings";
  if (!object.has("uids")) return core::Error{"missing field \"uids\""};
  const Var value = object.get("uids");
  if (value.type() != typeid(Array::Ptr) || value.extract<Array::Ptr>().isNull()) {
    return core::Error{kExpected};
  }
  const Array& uids = *value.extract<Array::Ptr>();
  if (uids.size() != 2) return core::Error{kExpected};
  std::string first;
  std::string second;
  for (unsigned i = 0; i < 2; ++i) {
    const Var uid = uids.get(i);
    if (uid.type() != typeid(std::string) || uid.extract<std::string>().empty()) {
      return core::Error{kExpected};
    }
    (i == 0 ? first : second) = uid.extract<std::string>();
  }
  return std::pair(std::move(first), std::move(second));
}

Reply unknown_uid(const std::string& uid) {
  return error_reply(HTTPResponse::HTTP_NOT_FOUND,
                     "no event with uid '" + uid + "' (neither a merged UID nor a partner's)");
}

}  // namespace

AdminApi::AdminApi(store::Store& store, AdminOptions options)
    : store_(store), options_(std::move(options)), token_hash_(core::token_hash(options_.token)) {}

bool AdminApi::handles(std::string_view path) {
  return path == kPrefix || path.starts_with("/api/admin/");
}

void AdminApi::handle(HTTPServerRequest& request, HTTPServerResponse& response,
                      std::string_view path, std::string_view query) {
  Reply reply;
  try {
    reply = answer(request, path, query);
  } catch (const std::exception& error) {
    log_exception(request, error);
    reply = error_reply(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal server error");
  }
  send_json_reply(request, response, reply);
}

bool AdminApi::authorized(const HTTPServerRequest& request) const {
  const std::optional<std::string> token = bearer_token(request);
  return token && core::constant_time_equal(core::token_hash(*token), token_hash_);
}

AdminApi::Reply AdminApi::answer(HTTPServerRequest& request, std::string_view path,
                                 std::string_view query) {
  if (options_.token.empty()) return error_reply(HTTPResponse::HTTP_NOT_FOUND, kOffMessage);
  if (!authorized(request)) {
    Reply reply =
        error_reply(HTTPResponse::HTTP_UNAUTHORIZED,
                    request.has("Authorization") ? "wrong token"
                                                 : "missing Authorization: Bearer <token> header");
    reply.headers.emplace_back("WWW-Authenticate",
                               request.has("Authorization")
                                   ? "Bearer realm=\"concerto admin\", error=\"invalid_token\""
                                   : "Bearer realm=\"concerto admin\"");
    return reply;
  }
  const AdminRoute route = admin_route_of(path);
  if (route == AdminRoute::kUnknown) {
    return error_reply(HTTPResponse::HTTP_NOT_FOUND, "no admin route " + std::string(path));
  }
  const bool reads = route == AdminRoute::kReview || route == AdminRoute::kExplain;
  const std::string& method = request.getMethod();
  if (reads ? method != HTTPRequest::HTTP_GET && method != HTTPRequest::HTTP_HEAD
            : method != HTTPRequest::HTTP_POST) {
    Reply reply =
        error_reply(HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
                    std::string(path) + " answers " + (reads ? "GET" : "POST") + ", not " + method);
    reply.headers.emplace_back("Allow", reads ? "GET, HEAD" : "POST");
    return reply;
  }
  if (reads) {
    if (route == AdminRoute::kExplain) return explain(query);
    if (!query.empty()) {
      auto parameters = parse_query(query);
      if (!parameters) return error_reply(HTTPResponse::HTTP_BAD_REQUEST, parameters.error());
      if (!parameters->empty()) {
        return error_reply(HTTPResponse::HTTP_BAD_REQUEST,
                           "unknown parameter \"" + parameters->front().first + "\"");
      }
    }
    return review();
  }

  std::string body;
  if (auto refused = read_json_body(request, kMaxAdminBody, body)) return *refused;
  if (!query.empty()) {
    return error_reply(HTTPResponse::HTTP_BAD_REQUEST,
                       "POST " + std::string(path) + " takes no query parameters");
  }
  const std::string_view action = path.substr(path.rfind('/') + 1);
  return decide(action, body);
}

AdminApi::Reply AdminApi::review() {
  auto agenda = dedup::merged_agenda(store_, options_.feed_priority, options_.match);
  if (!agenda) return store_failure("reading the agenda", agenda.error());
  const std::vector<dedup::PairScore> pairs = dedup::review_list(agenda->merged, agenda->memory);
  const SourceIndex index(*agenda);
  Reply reply;
  reply.body = "{\"near_misses\":";
  append_array(reply.body, pairs,
               [&](const dedup::PairScore& pair) { append_near_miss(reply.body, pair, index); });
  reply.body += "}\n";
  return reply;
}

AdminApi::Reply AdminApi::explain(std::string_view query) {
  auto parameters = parse_query(query);
  if (!parameters) return error_reply(HTTPResponse::HTTP_BAD_REQUEST, parameters.error());
  std::optional<std::string> uid;
  for (const auto& [name, value] : *parameters) {
    if (name != "uid") {
      return error_reply(HTTPResponse::HTTP_BAD_REQUEST, "unknown parameter \"" + name + "\"");
    }
    if (uid) return error_reply(HTTPResponse::HTTP_BAD_REQUEST, "uid given twice");
    uid = value;
  }
  if (!uid || uid->empty()) {
    return error_reply(HTTPResponse::HTTP_BAD_REQUEST, "missing parameter uid (?uid=UID)");
  }
  auto agenda = dedup::merged_agenda(store_, options_.feed_priority, options_.match);
  if (!agenda) return store_failure("reading the agenda", agenda.error());
  const dedup::MergedEvent* merged = dedup::find_merged(agenda->merged, *uid);
  if (merged == nullptr) return unknown_uid(*uid);

  const SourceIndex index(*agenda);
  const auto lists = [&](const core::SourceRef& source) {
    return std::find(merged->sources.begin(), merged->sources.end(), source) !=
           merged->sources.end();
  };
  const auto concerns = [&](const dedup::PairScore& pair) {
    return lists(pair.a) || lists(pair.b);
  };
  std::vector<const dedup::PairScore*> links;
  for (const dedup::PairScore& pair : agenda->merged.links) {
    if (concerns(pair)) links.push_back(&pair);
  }
  std::vector<const dedup::PairScore*> near_misses;
  for (const dedup::PairScore& pair : agenda->merged.near_misses) {
    if (concerns(pair)) near_misses.push_back(&pair);
  }

  const core::Event& event = merged->event;
  Reply reply;
  std::string& out = reply.body;
  out = "{\"uid\":";
  render::append_json_string(out, event.uid);
  out += ",\"recurrence\":";
  append_string_or_null(out, core::recurrence_key(event));
  out += ",\"sequence\":" + std::to_string(event.sequence);
  out += ",\"summary\":";
  render::append_json_string(out, event.summary);
  out += ",\"start\":";
  render::append_json_string(out, time_text(event.start));
  out += ",\"location\":";
  render::append_json_string(out, event.location);
  out += ",\"status\":";
  render::append_json_string(out, core::to_string(event.status));
  out += ",\n\"sources\":";
  append_array(out, merged->sources,
               [&](const core::SourceRef& source) { index.append_source(out, source); });
  out += ",\n\"links\":";
  append_array(out, links, [&](const dedup::PairScore* pair) { append_link(out, *pair); });
  out += ",\n\"near_misses\":";
  append_array(out, near_misses,
               [&](const dedup::PairScore* pair) { append_near_miss(out, *pair, index); });
  out += ",\n\"text\":";
  render::append_json_string(out, dedup::explain(agenda->merged, *merged, agenda->events));
  out += "}\n";
  return reply;
}

AdminApi::Reply AdminApi::decide(std::string_view action, const std::string& body) {
  auto parsed = parse_object(body);
  if (!parsed) return error_reply(HTTPResponse::HTTP_BAD_REQUEST, parsed.error());
  const Object& object = **parsed;

  // Everything the request says is checked before the store is read.
  std::string uid;
  std::optional<core::SourceRef> source;
  std::pair<std::string, std::string> uids;
  if (action == "join") {
    if (auto fields = only_fields(object, {"uids"}, ""); !fields) {
      return error_reply(HTTPResponse::HTTP_BAD_REQUEST, fields.error());
    }
    auto given = two_uids(object);
    if (!given) return error_reply(HTTPResponse::HTTP_BAD_REQUEST, given.error());
    uids = std::move(given).value();
  } else {
    const bool split = action == "split";
    if (auto fields =
            split ? only_fields(object, {"uid", "source"}, "") : only_fields(object, {"uid"}, "");
        !fields) {
      return error_reply(HTTPResponse::HTTP_BAD_REQUEST, fields.error());
    }
    auto given = required_text(object, "uid", "");
    if (!given) return error_reply(HTTPResponse::HTTP_BAD_REQUEST, given.error());
    uid = std::move(given).value();
    if (split) {
      auto named = optional_source(object);
      if (!named) return error_reply(HTTPResponse::HTTP_BAD_REQUEST, named.error());
      source = std::move(named).value();
    }
  }

  const std::lock_guard lock(decisions_);
  auto agenda = dedup::merged_agenda(store_, options_.feed_priority, options_.match);
  if (!agenda) return store_failure("reading the agenda", agenda.error());
  // Unknown UIDs are told apart here, so that only refusals about the agenda as it is are 409.
  const std::vector<std::string> wanted =
      action == "join" ? std::vector{uids.first, uids.second} : std::vector{uid};
  for (const std::string& one : wanted) {
    if (dedup::find_merged(agenda->merged, one) == nullptr) return unknown_uid(one);
  }
  const std::int64_t now = core::unix_now();
  core::Result<std::vector<core::MergeDecision>> decisions = core::Error{""};
  if (action == "confirm") {
    decisions = dedup::confirm_decisions(agenda->merged, uid, now);
  } else if (action == "split") {
    decisions = dedup::split_decisions(agenda->merged, uid, source, now);
  } else {
    decisions =
        dedup::join_decisions(agenda->merged, uids.first, uids.second, now, &agenda->occurrences);
  }
  if (!decisions) return error_reply(HTTPResponse::HTTP_CONFLICT, decisions.error());
  auto updated =
      dedup::record_decisions(store_, *decisions, options_.feed_priority, options_.match);
  if (!updated) return store_failure("recording the decisions", updated.error());

  Reply reply;
  reply.body = "{\"decisions\":";
  append_array(reply.body, *decisions, [&](const core::MergeDecision& decision) {
    reply.body += "{\"kind\":";
    render::append_json_string(reply.body, core::to_string(decision.kind));
    reply.body += ",\"a\":";
    append_ref(reply.body, decision.a);
    reply.body += ",\"b\":";
    append_ref(reply.body, decision.b);
    reply.body += ",\"decided_at\":";
    render::append_json_string(
        reply.body, core::format_iso_local(core::civil_from_seconds(decision.decided_at)) + "Z");
    reply.body += "}";
  });
  reply.body += "}\n";
  return reply;
}

}  // namespace concerto::server
