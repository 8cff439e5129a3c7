#pragma once
// What the JSON APIs (admin_api.h, partner_api.h) share: error replies, Bearer tokens, reading a
// bounded JSON body, and sending an answer so that an unread body never becomes the next request.

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPResponse.h>

#include <cstddef>
#include <exception>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace concerto::server {

struct JsonReply {
  Poco::Net::HTTPResponse::HTTPStatus status = Poco::Net::HTTPResponse::HTTP_OK;
  std::string body;  // a JSON document
  std::vector<std::pair<std::string, std::string>> headers;
};

// {"error": message}
JsonReply error_reply(Poco::Net::HTTPResponse::HTTPStatus status, std::string_view message);
// One line on stderr (one fputs: lines of different threads do not interleave).
void log_line(const std::string& line);
// "concerto serve: POST /api/feeds: <what went wrong>" for an exception a handler caught
// (Poco's displayText, since Poco::Exception::what() is only the class name).
void log_exception(const Poco::Net::HTTPServerRequest& request, const std::exception& error);

// The token of "Authorization: Bearer <token>" (scheme in any case); nullopt when the header is
// missing or of another scheme.
std::optional<std::string> bearer_token(const Poco::Net::HTTPServerRequest& request);

// "application/json", optionally with "; charset=utf-8" (any case, quotes allowed).
bool is_json_media_type(std::string_view header);

// Reads the whole request body, at most `max_bytes` (judged on Content-Length before reading):
// nullopt when read, else why not (413 over the limit, 400 unreadable).
struct BodyRefusal {
  Poco::Net::HTTPResponse::HTTPStatus status;
  std::string message;
};
std::optional<BodyRefusal> read_bounded_body(Poco::Net::HTTPServerRequest& request,
                                             std::size_t max_bytes, std::string& body);
// Reads and drops what is left of the request body (up to 1 MiB): false when the connection must
// close instead.
bool discard_rest_of_body(Poco::Net::HTTPServerRequest& request);

// Reads a JSON request body of at most `max_bytes` into `body`: nullopt when read, else the reply
// to send: 415 (not application/json), 413 (over the limit, judged on Content-Length before
// reading), 400 (unreadable).
std::optional<JsonReply> read_json_body(Poco::Net::HTTPServerRequest& request,
                                        std::size_t max_bytes, std::string& body);

// The body as a JSON object (at most 8 levels deep); errors say what is wrong.
core::Result<Poco::JSON::Object::Ptr> parse_object(const std::string& body);
// An error naming the first member not in `allowed`; `where` prefixes it ("source: ").
core::Status only_fields(const Poco::JSON::Object& object,
                         std::initializer_list<std::string_view> allowed, std::string_view where);
// A member that must be a non-empty string.
core::Result<std::string> required_text(const Poco::JSON::Object& object, const std::string& name,
                                        std::string_view where);

// Sends `reply` as JSON with Cache-Control: no-store and nosniff, after dropping what is left of
// the request body (up to 1 MiB; beyond, or when it cannot be read, the connection closes).
void send_json_reply(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                     const JsonReply& reply);

}  // namespace concerto::server
