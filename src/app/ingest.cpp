#include "app/ingest.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <iostream>

#include "core/time_zone.h"
#include "normalize/normalize.h"
#include "normalize/recurrence.h"
#include "parse/feed_reader.h"

extern char** environ;

namespace concerto::app {
namespace {

// Set in the environment of a worker so that a worker never starts workers of its own.
constexpr const char* kWorkerMarker = "CONCERTO_INGEST_WORKER";

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

bool read_all(int fd, std::string& out) {
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

IngestResult failed(std::string error) {
  IngestResult result;
  result.error = std::move(error);
  return result;
}

bool sanitized_build() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#else
  return false;
#endif
}

}  // namespace

IngestResult ingest(const IngestRequest& request) {
  IngestResult result;
  try {
    auto parsed =
        parse::read_feed(request.body, request.feed.format, request.limits, result.problems);
    if (!parsed) {
      result.error = parsed.error();
      return result;
    }
    result.format = parsed->format;
    // A document cut short is most likely a broken download: storing it would drop the events
    // after the cut, so the refresh fails and the last good events stay.
    if (!parsed->complete) {
      result.error = "the document ends before END:VCALENDAR (cut short?); " +
                     std::to_string(parsed->events.size()) + " events read were not stored";
      return result;
    }
    result.refresh_seconds = parsed->refresh_seconds;
    normalize::FeedDefaults defaults;
    defaults.feed_id = request.feed.id;
    defaults.category = request.feed.category;
    // Floating times: the feed's configured zone, else the calendar's X-WR-TIMEZONE, else the
    // site's.
    defaults.timezone = !request.feed.timezone.empty()  ? request.feed.timezone
                        : !parsed->default_tzid.empty() ? parsed->default_tzid
                                                        : request.site_timezone;
    normalize::normalize_events(parsed->events, defaults, result.problems);
    normalize::ExpansionWindow window;
    window.from_utc = request.now_utc - std::int64_t{request.limits.expand_past_days} * 86400;
    window.to_utc = request.now_utc + std::int64_t{request.limits.expand_future_days} * 86400;
    window.now_utc = request.now_utc;
    window.timezone = defaults.timezone;
    result.occurrences =
        normalize::expand_occurrences(parsed->events, window, request.limits, result.problems);
    result.events = std::move(parsed->events);
    // Every event refused is a broken feed, not an emptied agenda: the last good events stay.
    if (result.events.empty()) {
      const auto refused = std::count_if(
          result.problems.begin(), result.problems.end(),
          [](const core::Problem& p) { return p.severity == core::Severity::kError; });
      if (refused > 0) {
        const auto first = std::find_if(
            result.problems.begin(), result.problems.end(),
            [](const core::Problem& p) { return p.severity == core::Severity::kError; });
        result.error = "no usable event: " + std::to_string(refused) + " error" +
                       (refused > 1 ? "s" : "") + ", the first: " + core::describe(*first);
        return result;
      }
    }
    result.ok = true;
  } catch (const std::exception& e) {
    result = failed(std::string("internal error while reading the feed: ") + e.what());
  }
  return result;
}

std::string current_executable() {
  char buffer[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return "concerto";
  return std::string(buffer, static_cast<std::size_t>(n));
}

IngestResult ingest_in_worker(const IngestRequest& request, const std::string& worker_binary) {
  if (std::getenv(kWorkerMarker) != nullptr) return failed("a worker cannot start workers");
  int to_child[2];
  int from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0) return failed("pipe: " + std::string(strerror(errno)));
  Fd child_in(to_child[0]), parent_out(to_child[1]);
  if (::pipe2(from_child, O_CLOEXEC) != 0) return failed("pipe: " + std::string(strerror(errno)));
  Fd parent_in(from_child[0]), child_out(from_child[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, child_in.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, child_out.get(), 1);
  std::string marker = std::string(kWorkerMarker) + "=1";
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  env.push_back(marker.data());
  env.push_back(nullptr);
  std::string binary = worker_binary;
  std::string command = "ingest-worker";
  char* argv[] = {binary.data(), command.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv, env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return failed("cannot start the ingest worker " + binary + ": " + strerror(spawned));
  }
  child_in.reset();
  child_out.reset();

  // Feed the request and collect the answer together, so neither side blocks on a full pipe.
  const std::string message = encode(request);
  std::size_t written = 0;
  std::string answer;
  ::fcntl(parent_out.get(), F_SETFL, O_NONBLOCK);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(request.limits.wall_seconds);
  bool timed_out = false;
  bool read_failed = false;
  while (true) {
    pollfd fds[2] = {{parent_in.get(), POLLIN, 0}, {parent_out.get(), POLLOUT, 0}};
    const nfds_t count = parent_out.get() >= 0 ? 2 : 1;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    const int ready = ::poll(fds, count, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) {
      read_failed = true;
      break;
    }
    if (count == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t n = ::write(parent_out.get(), message.data() + written,
                                std::min<std::size_t>(message.size() - written, 1 << 16));
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) written = message.size();  // child gone
      if (written == message.size()) parent_out.reset();
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char buffer[65536];
      const ssize_t n = ::read(parent_in.get(), buffer, sizeof buffer);
      if (n == 0) break;
      if (n < 0 && errno != EINTR && errno != EAGAIN) {
        read_failed = true;
        break;
      }
      if (n > 0) answer.append(buffer, static_cast<std::size_t>(n));
    }
  }
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return failed("reading the feed took longer than limits.wall_time (" +
                  std::to_string(request.limits.wall_seconds) + " s); worker stopped");
  }
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    if (signal == SIGXCPU || signal == SIGKILL) {
      return failed("reading the feed used more than limits.cpu_time (" +
                    std::to_string(request.limits.cpu_seconds) + " s of CPU); worker stopped");
    }
    return failed("the ingest worker crashed (signal " + std::to_string(signal) + ", " +
                  strsignal(signal) + ")");
  }
  if (read_failed) return failed("cannot read the ingest worker's answer");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
    return failed("reading the feed needed more than limits.memory (" +
                  std::to_string(request.limits.memory_bytes >> 20) + " MiB); worker stopped");
  }
  auto result = decode_result(answer);
  if (!result) {
    return failed(result.error() + " (worker exit status " +
                  std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  }
  return std::move(result).value();
}

int run_ingest_worker() {
  std::string input;
  if (!read_all(0, input)) return 2;
  auto request = decode_request(input);
  if (!request) {
    std::cerr << "ingest-worker: " << request.error() << "\n";
    return 2;
  }
  input = std::string();  // the request body is copied in `request`
  const core::IngestLimits& limits = request->limits;
  rlimit cpu{static_cast<rlim_t>(limits.cpu_seconds), static_cast<rlim_t>(limits.cpu_seconds + 1)};
  ::setrlimit(RLIMIT_CPU, &cpu);
  // ASan reserves terabytes of address space, so the memory limit only applies to normal builds.
  if (!sanitized_build()) {
    rlimit memory{static_cast<rlim_t>(limits.memory_bytes),
                  static_cast<rlim_t>(limits.memory_bytes)};
    ::setrlimit(RLIMIT_AS, &memory);
  }
  std::set_new_handler([] { std::_Exit(3); });
  IngestResult result = ingest(*request);
  return write_all(1, encode(result)) ? 0 : 2;
}

}  // namespace concerto::app
