#pragma once
// A GET to a server on 127.0.0.1 from a test, and counting in its answer.

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

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

// How many times `what` occurs in `text` (overlapping occurrences included).
inline int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace concerto::testing
