#include "app/refresh.h"

#include <algorithm>
#include <chrono>
#include <iostream>

#include "app/ingest.h"
#include "core/civil_time.h"
#include "fetch/fetcher.h"

namespace concerto::app {

RefreshOutcome refresh_feed(const core::FeedConfig& feed, const Settings& settings,
                            store::Store& store, const std::string& worker_binary) {
  const auto started = std::chrono::steady_clock::now();
  RefreshOutcome outcome;
  outcome.feed_id = feed.id;
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };

  core::FeedStatus status;
  if (auto previous = store.status(feed.id); previous && previous->has_value()) {
    status = **previous;
  }
  status.feed_id = feed.id;
  status.last_fetch = core::unix_now();

  auto record_failure = [&](std::string error) {
    status.error = error;
    status.consecutive_failures += 1;
    outcome.status = "failed";
    outcome.error = std::move(error);
    if (auto recorded = store.record_status(status); !recorded) {
      outcome.error += "; and the status could not be saved: " + recorded.error();
    }
    outcome.seconds = elapsed();
    return outcome;
  };

  fetch::FetchRequest request;
  request.url = feed.url;
  request.path = feed.path;
  // Validators only while the stored events are the ones they describe.
  if (status.consecutive_failures == 0) {
    request.etag = status.etag;
    request.last_modified = status.last_modified;
  }
  request.max_bytes = settings.max_bytes;
  request.timeout_seconds = settings.timeout_seconds;
  request.connect_timeout_seconds = settings.connect_timeout_seconds;
  request.user_agent = "Concerto/0.1 (+" + settings.base_url + ")";
  int http_code = 0;
  auto fetched = fetch::fetch(request, &http_code);
  if (!fetched) {
    status.http_code = http_code;
    return record_failure(fetched.error());
  }
  status.http_code = fetched->http_code;
  if (fetched->not_modified) {
    status.error.clear();
    status.consecutive_failures = 0;
    status.last_success = status.last_fetch;
    outcome.status = "not-modified";
    outcome.events = status.event_count;
    if (auto recorded = store.record_status(status); !recorded) {
      return record_failure("cannot save the status: " + recorded.error());
    }
    outcome.seconds = elapsed();
    return outcome;
  }
  outcome.bytes = static_cast<std::int64_t>(fetched->body.size());

  IngestRequest ingest_request;
  ingest_request.feed = feed;
  ingest_request.limits = settings.limits;
  ingest_request.site_timezone = settings.timezone;
  ingest_request.now_utc = status.last_fetch;
  ingest_request.body = std::move(fetched->body);
  IngestResult ingested = ingest_in_worker(ingest_request, worker_binary);
  outcome.problems = std::move(ingested.problems);
  if (!ingested.ok) return record_failure(ingested.error);

  status.error.clear();
  status.consecutive_failures = 0;
  status.last_success = status.last_fetch;
  status.event_count = static_cast<int>(ingested.events.size());
  status.problem_count = static_cast<int>(outcome.problems.size());
  status.bytes = outcome.bytes;
  status.etag = fetched->etag;
  status.last_modified = fetched->last_modified;
  store::FeedSnapshot snapshot{std::move(ingested.events), std::move(ingested.occurrences)};
  if (auto stored = store.replace_snapshot(feed.id, snapshot, status); !stored) {
    status.etag.clear();
    status.last_modified.clear();
    status.event_count = 0;
    return record_failure("cannot store the events: " + stored.error());
  }
  outcome.status = "ok";
  outcome.events = status.event_count;
  outcome.seconds = elapsed();
  return outcome;
}

RefreshScheduler::RefreshScheduler(const Settings& settings, store::Store& store,
                                   std::string worker_binary)
    : settings_(settings), store_(store), worker_binary_(std::move(worker_binary)) {}

RefreshScheduler::~RefreshScheduler() { stop(); }

void RefreshScheduler::start() {
  thread_ = std::thread([this] { run(); });
}

void RefreshScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::int64_t RefreshScheduler::next_due(const core::FeedConfig& feed) {
  auto status = store_.status(feed.id);
  if (!status || !status->has_value()) return 0;
  const core::FeedStatus& s = **status;
  if (s.consecutive_failures > 0) {
    // Back off from one minute, doubling per failure, never past the refresh interval.
    const int exponent = std::min(s.consecutive_failures - 1, 10);
    return s.last_fetch +
           std::min<std::int64_t>(feed.refresh_seconds, std::int64_t{60} << exponent);
  }
  return s.last_fetch + feed.refresh_seconds;
}

void RefreshScheduler::run() {
  while (true) {
    std::int64_t soonest = core::unix_now() + 3600;
    for (const core::FeedConfig& feed : settings_.feeds) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
      const std::int64_t due = next_due(feed);
      if (due <= core::unix_now()) {
        RefreshOutcome outcome = refresh_feed(feed, settings_, store_, worker_binary_);
        std::cerr << "refresh " << feed.id << ": " << outcome.status << ", " << outcome.events
                  << " events" << (outcome.error.empty() ? "" : ", " + outcome.error) << "\n";
        soonest = std::min(soonest, next_due(feed));
      } else {
        soonest = std::min(soonest, due);
      }
    }
    std::unique_lock lock(mutex_);
    const auto wait = std::chrono::seconds(std::max<std::int64_t>(1, soonest - core::unix_now()));
    if (wake_.wait_for(lock, wait, [this] { return stopping_; })) return;
  }
}

}  // namespace concerto::app
