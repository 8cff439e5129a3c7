#include "server/json_api.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <istream>

#include "render/json_text.h"

namespace concerto::server {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Object;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

// Bodies are flat objects; a deeper one is refused before it costs anything.
constexpr std::size_t kMaxJsonDepth = 8;
// Unread body bytes dropped before answering rather than closing the connection on them.
constexpr std::size_t kMaxDiscarded = 1024 * 1024;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "application/json", optionally with "; charset=utf-8" (any case, quotes allowed).
}  // namespace

bool is_json_media_type(std::string_view header) {
  const auto semicolon = header.find(';');
  if (!iequals(trim(header.substr(0, semicolon)), "application/json")) return false;
  while (semicolon != std::string_view::npos && !header.empty()) {
    header.remove_prefix(header.find(';') + 1);
    const auto next = header.find(';');
    const std::string_view parameter = trim(header.substr(0, next));
    if (!parameter.empty()) {
      const auto equals = parameter.find('=');
      if (equals == std::string_view::npos) return false;
      std::string_view value = trim(parameter.substr(equals + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (iequals(trim(parameter.substr(0, equals)), "charset") && !iequals(value, "utf-8")) {
        return false;
      }
    }
    if (next == std::string_view::npos) break;
  }
  return true;
}

namespace {

// Whether the request came with a body (which must be read, or the connection closed). Without
// Content-Length or chunked coding a request has none (RFC 9112 6.3).
bool has_body(const HTTPServerRequest& request) {
  if (request.getChunkedTransferEncoding()) return true;
  try {
    return request.hasContentLength() && request.getContentLength64() > 0;
  } catch (const Poco::Exception&) {
    return true;  // an unreadable Content-Length: assume the worst
  }
}

}  // namespace

void log_exception(const HTTPServerRequest& request, const std::exception& error) {
  const auto* poco = dynamic_cast<const Poco::Exception*>(&error);
  log_line("concerto serve: " + request.getMethod() + " " + request.getURI() + ": " +
           (poco != nullptr ? poco->displayText() : std::string(error.what())));
}

// Reads and drops what is left of the request body, at most kMaxDiscarded bytes: a client whose
// body is left unread would see its connection reset, not the answer. False when the connection
// must close instead (too much left, or the body could not be read).
bool discard_rest_of_body(HTTPServerRequest& request) {
  if (!has_body(request)) return true;
  try {
    if (!request.getChunkedTransferEncoding() &&
        static_cast<std::uint64_t>(request.getContentLength64()) > kMaxDiscarded) {
      return false;
    }
    std::istream& in = request.stream();
    char buffer[8192];
    std::size_t dropped = 0;
    while (dropped <= kMaxDiscarded) {
      in.read(buffer, sizeof buffer);
      dropped += static_cast<std::size_t>(in.gcount());
      if (!in) break;
    }
    return in.eof() && !in.bad() && dropped <= kMaxDiscarded;
  } catch (const std::exception&) {
    return false;
  }
}

namespace {

enum class BodyRead { kRead, kTooLarge, kBroken };

// Reads the whole body, at most max_bytes of it.
BodyRead read_body(HTTPServerRequest& request, std::size_t max_bytes, std::string& body,
                   std::string& problem) {
  if (!has_body(request)) return BodyRead::kRead;
  std::istream& in = request.stream();
  char buffer[8192];
  try {
    while (body.size() <= max_bytes) {
      const std::size_t want = std::min(sizeof buffer, max_bytes + 1 - body.size());
      in.read(buffer, static_cast<std::streamsize>(want));
      body.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (!in) break;
    }
  } catch (const Poco::Exception& error) {
    problem = error.displayText();
    return BodyRead::kBroken;
  } catch (const std::exception& error) {
    problem = error.what();
    return BodyRead::kBroken;
  }
  if (body.size() > max_bytes) return BodyRead::kTooLarge;
  if (in.bad()) {
    problem = "the connection failed";
    return BodyRead::kBroken;
  }
  if (!request.getChunkedTransferEncoding() && request.hasContentLength() &&
      static_cast<std::uint64_t>(request.getContentLength64()) != body.size()) {
    problem = "the body ended before Content-Length bytes";
    return BodyRead::kBroken;
  }
  return BodyRead::kRead;
}

}  // namespace

JsonReply error_reply(HTTPResponse::HTTPStatus status, std::string_view message) {
  JsonReply reply;
  reply.status = status;
  reply.body = "{\"error\":";
  render::append_json_string(reply.body, message);
  reply.body += "}\n";
  return reply;
}

void log_line(const std::string& line) {
  // One fputs on unbuffered stderr: lines from different threads do not interleave.
  std::fputs((line + "\n").c_str(), stderr);
}

core::Result<Object::Ptr> parse_object(const std::string& body) {
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return core::Error{"the body is empty; a JSON object is expected"};
  }
  // Poco's messages for a scalar or an array at the top are obscure ("empty stack").
  if (body[first] != '{') return core::Error{"the body must be a JSON object"};
  Var root;
  try {
    Poco::JSON::Parser parser;
    parser.setDepth(kMaxJsonDepth);
    root = parser.parse(body);
  } catch (const Poco::Exception& error) {
    return core::Error{"invalid JSON: " + error.message()};
  }
  if (root.type() != typeid(Object::Ptr)) return core::Error{"the body must be a JSON object"};
  auto object = root.extract<Object::Ptr>();
  if (object.isNull()) return core::Error{"the body must be a JSON object"};
  return object;
}

core::Status only_fields(const Object& object, std::initializer_list<std::string_view> allowed,
                         std::string_view where) {
  for (const auto& member : object) {
    if (std::find(allowed.begin(), allowed.end(), member.first) == allowed.end()) {
      return core::Error{std::string(where) + "unknown field \"" + member.first + "\""};
    }
  }
  return core::ok_status();
}

// A member that must be a non-empty string.
core::Result<std::string> required_text(const Object& object, const std::string& name,
                                        std::string_view where) {
  if (!object.has(name)) return core::Error{std::string(where) + "missing field \"" + name + "\""};
  const Var value = object.get(name);
  if (value.type() != typeid(std::string)) {
    return core::Error{std::string(where) + "\"" + name + "\" must be a string"};
  }
  std::string text = value.extract<std::string>();
  if (text.empty()) return core::Error{std::string(where) + "\"" + name + "\" is empty"};
  return text;
}

std::optional<std::string> bearer_token(const HTTPServerRequest& request) {
  if (!request.has("Authorization")) return std::nullopt;
  const std::string_view header = trim(request.get("Authorization"));
  const auto space = header.find_first_of(" \t");
  if (space == std::string_view::npos || !iequals(header.substr(0, space), "Bearer")) {
    return std::nullopt;
  }
  return std::string(trim(header.substr(space + 1)));
}

std::optional<BodyRefusal> read_bounded_body(HTTPServerRequest& request, std::size_t max_bytes,
                                             std::string& body) {
  const std::string too_large = "the body is over " + std::to_string(max_bytes / 1024) + " KiB";
  try {
    if (request.hasContentLength() &&
        static_cast<std::uint64_t>(request.getContentLength64()) > max_bytes) {
      return BodyRefusal{HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, too_large};
    }
  } catch (const Poco::Exception&) {
    return BodyRefusal{HTTPResponse::HTTP_BAD_REQUEST, "unreadable Content-Length"};
  }
  std::string problem;
  switch (read_body(request, max_bytes, body, problem)) {
    case BodyRead::kTooLarge:
      return BodyRefusal{HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, too_large};
    case BodyRead::kBroken:
      return BodyRefusal{HTTPResponse::HTTP_BAD_REQUEST, "cannot read the body: " + problem};
    case BodyRead::kRead:
      break;
  }
  return std::nullopt;
}

std::optional<JsonReply> read_json_body(HTTPServerRequest& request, std::size_t max_bytes,
                                        std::string& body) {
  if (!is_json_media_type(request.getContentType())) {
    return error_reply(
        HTTPResponse::HTTP_UNSUPPORTED_MEDIA_TYPE,
        "Content-Type must be application/json, got \"" + request.getContentType() + "\"");
  }
  if (auto refused = read_bounded_body(request, max_bytes, body)) {
    return error_reply(refused->status, refused->message);
  }
  return std::nullopt;
}

void send_json_reply(HTTPServerRequest& request, HTTPServerResponse& response,
                     const JsonReply& reply) {
  response.setStatusAndReason(reply.status);
  response.set("Cache-Control", "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : reply.headers) response.set(name, value);
  // An unread request body would be taken for the next request: drop it, or close.
  if (!discard_rest_of_body(request)) response.setKeepAlive(false);
  if (reply.status == HTTPResponse::HTTP_NO_CONTENT) {
    response.send();  // no body, no Content-Type, no Content-Length (RFC 9110 15.3.5)
    return;
  }
  response.setContentType("application/json; charset=utf-8");
  response.sendBuffer(reply.body.data(), reply.body.size());
}

}  // namespace concerto::server
