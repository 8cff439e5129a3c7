#include "app/commands.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli.h"
#include "app/config.h"
#include "app/ingest.h"
#include "app/merge_commands.h"
#include "app/partner_commands.h"
#include "app/refresh.h"
#include "core/civil_time.h"
#include "core/time_zone.h"
#include "fetch/address_policy.h"
#include "fetch/fetcher.h"
#include "render/agenda.h"
#include "server/agenda_server.h"
#include "store/store.h"

namespace concerto::app {
namespace {

constexpr const char* kUsage = R"(usage: concerto COMMAND [options]

commands:
  serve  [--config FILE]                  HTTP server and scheduled refresh of every feed
  fetch  [--config FILE] [--feed ID]      refresh all feeds (or one) once and report
  export [--config FILE] --format ics|json [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                                          write the merged agenda to stdout
  check  FILE [--format ics|rss|atom|html|auto]
                                          read one file, list its events and problems
  explain UID [--config FILE]             why the event with this (merged or source) UID is
                                          made of its sources, and the near-misses kept apart
  merges review [--config FILE]           near-misses waiting for a decision
  merges confirm UID                      keep this merged event's sources together for good
  merges split UID [--source FEED/UID]    keep all its sources (or one) apart for good
  merges join UID UID                     make two events one for good
  partners add NAME [--email ADDRESS] [--admin]
                                          a partner account; prints its token once
  partners list | rotate ID | disable ID | enable ID
  feeds list | approve ID                 feeds partners registered; approve one (moderation)

options for every command:
  --config FILE           configuration (default: ./config/concerto.ini, /etc/concerto/concerto.ini)
  --set section.key=value override one configuration key (repeatable)
)";

std::string human_bytes(std::int64_t bytes) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1);
  if (bytes >= 1024 * 1024) {
    out << bytes / (1024.0 * 1024.0) << " MiB";
  } else if (bytes >= 1024) {
    out << bytes / 1024.0 << " KiB";
  } else {
    out << bytes << " B";
  }
  return out.str();
}

std::string outcome_line(const RefreshOutcome& outcome, std::size_t id_width) {
  std::ostringstream line;
  line << std::left << std::setw(static_cast<int>(id_width)) << outcome.feed_id << "  "
       << std::setw(12) << outcome.status << std::right << std::setw(6) << outcome.events
       << " events  " << std::setw(10) << human_bytes(outcome.bytes) << "  " << std::fixed
       << std::setprecision(2) << std::setw(6) << outcome.seconds << " s";
  if (!outcome.error.empty()) line << "  " << outcome.error;
  if (!outcome.problems.empty()) line << "  (" << outcome.problems.size() << " problems)";
  return line.str();
}

int command_fetch(const Arguments& args) {
  if (!check_options(args, {"config", "feed"}, 0)) return 2;
  auto settings = settings_from(args);
  if (!settings) return 2;
  auto store = open_store(*settings);
  if (!store) return 2;
  auto registry = open_registry(*settings);
  if (!registry || !add_registered_feeds(*settings, *registry)) return 2;
  const std::unique_ptr<notify::Notifier> notifier = make_notifier(*settings, *registry);
  std::vector<core::FeedConfig> feeds = settings->feeds;
  if (auto it = args.options.find("feed"); it != args.options.end()) {
    std::erase_if(feeds, [&](const core::FeedConfig& feed) { return feed.id != it->second; });
    if (feeds.empty()) {
      std::cerr << "concerto fetch: no feed with id " << it->second << "\n";
      return 2;
    }
  }
  std::size_t width = 4;
  for (const auto& feed : feeds) width = std::max(width, feed.id.size());
  // Progress: a line per feed as it finishes ([done/total] on a terminal), problems on stderr.
  const bool terminal = ::isatty(STDOUT_FILENO) != 0;
  std::size_t finished = 0;
  const auto started = std::chrono::steady_clock::now();
  auto outcomes = refresh_feeds(
      feeds, *settings, *store, current_executable(),
      [&](const RefreshOutcome& outcome) {
        ++finished;
        if (terminal) std::cout << "[" << finished << "/" << feeds.size() << "] ";
        std::cout << outcome_line(outcome, width) << std::endl;
        for (const core::Problem& problem : outcome.problems) {
          std::cerr << "  " << outcome.feed_id << ": " << core::describe(problem) << "\n";
        }
      },
      notifier.get());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  int ok = 0, unchanged = 0, failed = 0, events = 0;
  std::int64_t bytes = 0;
  std::sort(outcomes.begin(), outcomes.end(),
            [](const auto& a, const auto& b) { return a.feed_id < b.feed_id; });
  std::cout << "\n"
            << std::left << std::setw(static_cast<int>(width)) << "feed"
            << "  " << std::setw(12) << "status" << std::right << std::setw(6) << "events"
            << "  " << std::setw(10) << "bytes"
            << "  " << std::setw(5) << "HTTP"
            << "  next refresh\n";
  for (const RefreshOutcome& outcome : outcomes) {
    (outcome.status == "ok" ? ok : outcome.status == "not-modified" ? unchanged : failed) += 1;
    events += outcome.events;
    bytes += outcome.bytes;
    const core::LocalDateTime next = core::civil_from_seconds(outcome.next_fetch);
    std::cout << std::left << std::setw(static_cast<int>(width)) << outcome.feed_id << "  "
              << std::setw(12) << outcome.status << std::right << std::setw(6) << outcome.events
              << "  " << std::setw(10) << human_bytes(outcome.bytes) << "  " << std::setw(5)
              << (outcome.http_code != 0 ? std::to_string(outcome.http_code) : "-") << "  "
              << core::format_iso_local(next).replace(10, 1, " ") << " UTC\n";
  }
  std::cout << feeds.size() << " feeds: " << ok << " ok, " << unchanged << " not modified, "
            << failed << " failed; " << events << " events, " << human_bytes(bytes) << ", "
            << std::fixed << std::setprecision(2) << seconds << " s" << std::endl;
  return 0;
}

// Feeds never fetched are fetched first, so that `export` right after set-up is not empty.
void fetch_unfetched(const Settings& settings, store::Store& store) {
  std::vector<core::FeedConfig> never;
  for (const core::FeedConfig& feed : settings.feeds) {
    auto status = store.status(feed.id);
    if (!status || !status->has_value()) never.push_back(feed);
  }
  if (never.empty()) return;
  refresh_feeds(never, settings, store, current_executable(), [](const RefreshOutcome& outcome) {
    std::cerr << "fetched " << outcome.feed_id << ": " << outcome.status << ", " << outcome.events
              << " events" << (outcome.error.empty() ? "" : ", " + outcome.error) << "\n";
  });
}

int command_export(const Arguments& args) {
  if (!check_options(args, {"config", "format", "from", "to"}, 0)) return 2;
  auto format = args.options.find("format");
  if (format == args.options.end() || (format->second != "ics" && format->second != "json")) {
    std::cerr << "concerto export: --format ics or --format json is required\n";
    return 2;
  }
  auto settings = settings_from(args);
  if (!settings) return 2;
  core::ZonePtr zone = core::find_zone(settings->timezone);
  const std::int64_t now = core::unix_now();
  const server::ServerOptions defaults;  // the same default window as GET /api/events
  render::JsonWindow window{now - defaults.json_past_days * 86400LL,
                            now + defaults.json_future_days * 86400LL};
  for (const char* name : {"from", "to"}) {
    auto it = args.options.find(name);
    if (it == args.options.end()) continue;
    auto date = core::parse_iso_date(it->second);
    if (!date) {
      std::cerr << "concerto export: --" << name << " " << it->second
                << ": expected a date YYYY-MM-DD\n";
      return 2;
    }
    const bool is_to = std::string(name) == "to";
    const core::Date day = is_to ? core::add_days(*date, 1) : *date;  // --to is inclusive
    (is_to ? window.to_utc : window.from_utc) = zone->to_utc({day, 0, 0, 0});
  }
  if (window.to_utc <= window.from_utc) {
    std::cerr << "concerto export: --to is before --from\n";
    return 2;
  }
  auto store = open_store(*settings);
  if (!store) return 2;
  fetch_unfetched(*settings, *store);
  render::AgendaOptions options = agenda_options(*settings);
  auto body = format->second == "ics" ? render::agenda_ics(*store, options)
                                      : render::agenda_json(*store, options, window);
  if (!body) {
    std::cerr << "concerto export: " << body.error() << "\n";
    return 1;
  }
  std::fwrite(body->data(), 1, body->size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

std::string describe_time(const core::EventTime& time) {
  if (time.all_day) return core::format_iso_date(time.date);
  std::string text = core::format_iso_local(time.local).replace(10, 1, " ").substr(0, 16);
  return text + " " + (time.tzid.empty() ? "floating" : time.tzid);
}

int command_check(const Arguments& args) {
  if (!check_options(args, {"format", "config"}, 1)) return 2;
  if (args.positional.empty()) {
    std::cerr << "concerto check: FILE is required\n";
    return 2;
  }
  const std::string& file = args.positional.front();
  IngestRequest request;
  request.feed.id = "check";
  request.feed.path = file;
  if (auto it = args.options.find("format"); it != args.options.end()) {
    request.feed.format = it->second;
  }
  Settings settings;
  if (args.options.count("config") != 0 || !args.overrides.empty()) {
    auto loaded = settings_from(args);
    if (!loaded) return 2;
    settings = std::move(*loaded);
  }
  request.site_timezone = settings.timezone;
  request.limits = settings.limits;
  request.now_utc = core::unix_now();
  fetch::FetchRequest read;
  read.path = file;
  read.max_bytes = settings.max_bytes;
  auto bytes = fetch::fetch(read);
  if (!bytes) {
    std::cout << file << ": " << bytes.error() << "\n";
    return 1;
  }
  request.body = std::move(bytes->body);
  IngestResult result = ingest_in_worker(request, current_executable());
  if (!result.ok) {
    std::cout << file << ": " << result.error << "\n";
  } else {
    std::cout << file << ": " << result.format << ", " << result.events.size() << " events, "
              << result.occurrences.size() << " occurrences in the expansion window\n";
  }
  for (const core::Event& event : result.events) {
    std::cout << "  line " << std::setw(5) << event.source_line << "  " << std::left
              << std::setw(28) << describe_time(event.start) << std::right << "  " << event.summary
              << (event.rrule.empty() ? "" : "  [" + event.rrule + "]")
              << (event.recurrence_id ? "  (override " + event.recurrence_id->key() + ")" : "")
              << "\n";
  }
  int errors = 0;
  for (const core::Problem& problem : result.problems) {
    if (problem.severity == core::Severity::kError) ++errors;
    std::cout << "  " << core::describe(problem) << "\n";
  }
  std::cout << result.events.size() << " events, " << errors << " errors, "
            << result.problems.size() - static_cast<std::size_t>(errors) << " warnings\n";
  return result.ok && !result.events.empty() ? 0 : 1;
}

int command_serve(const Arguments& args) {
  if (!check_options(args, {"config"}, 0)) return 2;
  auto settings = settings_from(args);
  if (!settings) return 2;
  auto store = open_store(*settings);
  if (!store) return 2;
  auto registry = open_registry(*settings);
  if (!registry) return 2;
  const std::vector<core::FeedConfig> local_feeds = settings->feeds;
  if (!add_registered_feeds(*settings, *registry)) return 2;
  auto policy = fetch::AddressPolicy::create(settings->allow);
  if (!policy) {
    std::cerr << "concerto serve: fetch.allow: " << policy.error() << "\n";
    return 2;
  }
  // Feeds whose file was removed go; a feed whose file has a mistake keeps its last events.
  std::vector<std::string> ids = settings->skipped_feed_ids;
  for (const auto& feed : settings->feeds) ids.push_back(feed.id);
  if (auto removed = store->remove_feeds_except(ids); !removed) {
    std::cerr << "concerto serve: " << removed.error() << "\n";
  }

  // SIGINT/SIGTERM are taken by sigwait below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  server::ServerOptions options;
  options.host = settings->listen_host;
  options.port = settings->listen_port;
  options.threads = settings->threads;
  options.keep_alive_seconds = settings->keep_alive_seconds;
  options.agenda = agenda_options(*settings);
  options.admin_token = settings->admin_token;
  options.feeds = settings->feeds;
  options.site = site_info(*settings);
  options.templates_dir = settings->templates_directory;
  options.registry = registry.get();
  options.partners.admin_token = settings->admin_token;
  options.partners.moderation = settings->moderation;
  options.partners.default_refresh_seconds = settings->default_refresh_seconds;
  options.partners.local_feeds = local_feeds;
  options.partners.url_refusal = [policy = *policy](std::string_view url) {
    return fetch::url_refusal(url, policy);
  };
  const std::string worker = current_executable();
  // Feed health mail to partners ([mail]); null when off.
  const std::unique_ptr<notify::Notifier> notifier = make_notifier(*settings, *registry);
  // A partner's own test fetch (registering, changing, "read it now") sends no mail: they see
  // its outcome on the spot, their own change of address is no news to them, and no HTTP thread
  // waits on an SMTP server. The next scheduled refresh judges the feed (and says "recovered").
  options.partners.check_feed = [&settings, &store, worker](const core::FeedConfig& feed) {
    return check_feed(feed, *settings, *store, worker);
  };
  server::AgendaServer http(*store, options);
  if (auto started = http.start(); !started) {
    std::cerr << "concerto serve: " << started.error() << "\n";
    return 1;
  }
  std::cerr << "concerto: serving " << settings->feeds.size() << " feeds on http://"
            << settings->listen_host << ":" << http.port() << "/ (calendar.ics, api/events)"
            << std::endl;
  // Feeds partners register while the server runs are refreshed too.
  RefreshScheduler scheduler(
      *settings, *store, worker,
      [&local_feeds, &registry, &settings] {
        Settings current;
        current.feeds = local_feeds;
        current.default_refresh_seconds = settings->default_refresh_seconds;
        add_registered_feeds(current, *registry);
        return current.feeds;
      },
      notifier.get());
  scheduler.start();
  int received = 0;
  sigwait(&signals, &received);
  std::cerr << "concerto: stopping (" << strsignal(received) << ")" << std::endl;
  scheduler.stop();
  http.stop();
  return 0;
}

}  // namespace

int run_command(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc >= 2 && std::string(argv[1]) == "ingest-worker") return run_ingest_worker();
  if (argc >= 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "help")) {
    std::cout << kUsage;
    return 0;
  }
  if (argc >= 2 && std::string(argv[1]) == "--version") {
    std::cout << "concerto 0.1.0\n";
    return 0;
  }
  std::string error;
  auto args = parse_arguments(argc, argv, error);
  if (!args) {
    std::cerr << "concerto: " << error << "\n" << kUsage;
    return 2;
  }
  if (args->command == "serve") return command_serve(*args);
  if (args->command == "fetch") return command_fetch(*args);
  if (args->command == "export") return command_export(*args);
  if (args->command == "check") return command_check(*args);
  if (args->command == "explain") return command_explain(*args);
  if (args->command == "merges") return command_merges(*args);
  if (args->command == "partners") return command_partners(*args);
  if (args->command == "feeds") return command_feeds(*args);
  std::cerr << "concerto: unknown command " << args->command << "\n" << kUsage;
  return 2;
}

}  // namespace concerto::app
