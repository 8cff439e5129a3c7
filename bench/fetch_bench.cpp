// fetch_all against a loopback server whose every answer takes 500 ms: wall time for N requests
// at 1, 8 and 32 transfers at once (per_host = transfers), against the ideal ceil(N/c) x 0.5 s.
// Usage: fetch_bench [requests=200] [concurrency...=1 8 32]. At c=1 the default takes 100 s.

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Thread.h>
#include <Poco/ThreadPool.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fetch/fetcher.h"

namespace {

constexpr long kAnswerMilliseconds = 500;
constexpr int kMaxConcurrency = 64;
constexpr const char* kCalendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";

class SlowHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest&,
                     Poco::Net::HTTPServerResponse& response) override {
    Poco::Thread::sleep(kAnswerMilliseconds);
    response.setContentType("text/calendar");
    response.sendBuffer(kCalendar, std::char_traits<char>::length(kCalendar));
  }
};

class SlowFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new SlowHandler;
  }
};

int positive(const char* text, const char* what) {
  const int value = std::atoi(text);
  if (value < 1 || value > 100000) {
    std::fprintf(stderr, "fetch_bench: %s must be a number from 1 to 100000, not \"%s\"\n", what,
                 text);
    std::exit(2);
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? positive(argv[1], "the request count") : 200;
  std::vector<int> concurrencies;
  for (int i = 2; i < argc; ++i) concurrencies.push_back(positive(argv[i], "a concurrency"));
  if (concurrencies.empty()) concurrencies = {1, 8, 32};

  // Loopback only, with a thread per connection the fetcher may open.
  Poco::ThreadPool pool(4, kMaxConcurrency + 4);
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress("127.0.0.1", 0), true, false);
  socket.listen(kMaxConcurrency * 2);
  auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
  params->setMaxThreads(kMaxConcurrency + 4);
  params->setMaxQueued(count + kMaxConcurrency);
  Poco::Net::HTTPServer server(new SlowFactory, pool, socket, params);
  server.start();
  const std::string url =
      "http://127.0.0.1:" + std::to_string(socket.address().port()) + "/calendar.ics";

  auto policy = concerto::fetch::AddressPolicy::create({"127.0.0.0/8"});
  if (!policy) {
    std::fprintf(stderr, "fetch_bench: %s\n", policy.error().c_str());
    return 1;
  }
  concerto::fetch::FetchRequest request;
  request.url = url;
  request.addresses = *policy;
  request.timeout_seconds = 30;
  const std::vector<concerto::fetch::FetchRequest> requests(static_cast<std::size_t>(count),
                                                            request);

  std::printf("%d requests, every answer %ld ms, server on 127.0.0.1\n", count,
              kAnswerMilliseconds);
  std::printf("%12s %10s %10s %8s %6s\n", "transfers", "wall s", "ideal s", "wall/id", "failed");
  int failures = 0;
  for (const int concurrency : concurrencies) {
    if (concurrency > kMaxConcurrency) {
      std::fprintf(stderr, "fetch_bench: concurrency %d is above the server's %d threads\n",
                   concurrency, kMaxConcurrency);
      continue;
    }
    int failed = 0;
    const auto started = std::chrono::steady_clock::now();
    concerto::fetch::fetch_all(requests, {concurrency, concurrency},
                               [&failed](concerto::fetch::FetchOutcome outcome) {
                                 if (!outcome.response.ok()) ++failed;
                               });
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double ideal =
        static_cast<double>((count + concurrency - 1) / concurrency) * kAnswerMilliseconds / 1000.0;
    std::printf("%12d %10.2f %10.2f %8.3f %6d\n", concurrency, wall, ideal, wall / ideal, failed);
    std::fflush(stdout);
    failures += failed;
  }
  server.stopAll(true);
  pool.joinAll();
  return failures == 0 ? 0 : 1;
}
