#include "support/feed_server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <cstdint>
#include <utility>

namespace concerto::testing {
namespace {

std::string etag_of(const std::string& body) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : body) hash = (hash ^ c) * 1099511628211ull;
  return "\"" + std::to_string(hash) + "\"";
}

struct Handler : Poco::Net::HTTPRequestHandler {
  explicit Handler(FeedServer& server) : owner(server) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    owner.count_request();
    if (const int code = owner.status(); code != 200) {
      response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(code));
      response.setContentType("text/plain");
      response.send() << "broken on purpose\n";
      return;
    }
    const FeedServer::Answer answer = owner.answer();
    response.set("ETag", answer.etag);
    if (request.get("If-None-Match", "") == answer.etag) {
      response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_MODIFIED);
      response.send();
      return;
    }
    response.setContentType(owner.content_type());
    response.sendBuffer(answer.body.data(), answer.body.size());
  }
  FeedServer& owner;
};

struct Factory : Poco::Net::HTTPRequestHandlerFactory {
  explicit Factory(FeedServer& server) : owner(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(owner);
  }
  FeedServer& owner;
};

}  // namespace

FeedServer::FeedServer(std::string body, std::string content_type)
    : body_(std::move(body)),
      content_type_(std::move(content_type)),
      socket_(std::make_unique<Poco::Net::ServerSocket>()) {
  socket_->bind(Poco::Net::SocketAddress("127.0.0.1", 0), true, false);
  socket_->listen();
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *socket_,
                                                    new Poco::Net::HTTPServerParams);
  server_->start();
}

FeedServer::~FeedServer() { server_->stopAll(true); }

std::string FeedServer::url() const {
  return "http://127.0.0.1:" + std::to_string(socket_->address().port()) + "/agenda.ics";
}

void FeedServer::set_body(std::string body) {
  std::lock_guard lock(mutex_);
  body_ = std::move(body);
}

FeedServer::Answer FeedServer::answer() {
  std::lock_guard lock(mutex_);
  return {body_, etag_of(body_)};
}

}  // namespace concerto::testing
