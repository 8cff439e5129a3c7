#pragma once
// A GET (or any request, with a body) to a server on 127.0.0.1 from a test, and counting in its
// answer.

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace concerto::testing {

struct Response {
  int status = 0;
  std::string body;
  Poco::Net::HTTPResponse headers;
};

inline Response get(int port, const std::string& path,
                    const std::vector<std::pair<std::string, std::string>>& request_headers = {}) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : request_headers) request.set(name, value);
  session.sendRequest(request);
  Response response;
  std::istream& body = session.receiveResponse(response.headers);
  Poco::StreamCopier::copyToString(body, response.body);
  response.status = response.headers.getStatus();
  return response;
}

// Any request: `body` (with `content_type` when not empty) is sent with a Content-Length, or in
// chunks; a POST without a body says Content-Length: 0. HEAD answers have no body.
struct Request {
  std::string method = Poco::Net::HTTPRequest::HTTP_GET;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> body;
  std::string content_type;
  bool chunked = false;
};

inline Response send_request(int port, const Request& call) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setTimeout(Poco::Timespan(60, 0));
  Poco::Net::HTTPRequest request(call.method, call.path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : call.headers) request.set(name, value);
  if (call.body) {
    if (!call.content_type.empty()) request.setContentType(call.content_type);
    if (call.chunked) {
      request.setChunkedTransferEncoding(true);
    } else {
      request.setContentLength64(static_cast<Poco::Int64>(call.body->size()));
    }
  } else if (call.method == Poco::Net::HTTPRequest::HTTP_POST) {
    request.setContentLength64(0);
  }
  std::ostream& out = session.sendRequest(request);
  if (call.body) out << *call.body;
  Response response;
  std::istream& body = session.receiveResponse(response.headers);
  Poco::StreamCopier::copyToString(body, response.body);
  response.status = response.headers.getStatus();
  return response;
}

// Every value of a header that may come more than once (Set-Cookie), in order; the name in any
// case.
inline std::vector<std::string> header_values(const Poco::Net::HTTPResponse& headers,
                                              const std::string& name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : headers) {
    if (Poco::icompare(key, name) == 0) values.push_back(value);
  }
  return values;
}

// How many times `what` occurs in `text` (overlapping occurrences included).
inline int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace concerto::testing
