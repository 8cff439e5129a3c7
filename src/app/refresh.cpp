#include "app/refresh.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <iostream>
#include <optional>
#include <random>
#include <unordered_set>

#include "app/ingest.h"
#include "core/civil_time.h"
#include "dedup/dedup.h"
#include "fetch/fetcher.h"

namespace concerto::app {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// One feed's refresh between its download and its outcome.
struct Pending {
  const core::FeedConfig* feed = nullptr;
  core::FeedStatus status;  // as stored, updated as the refresh goes
};

class Refresher {
 public:
  Refresher(const Settings& settings, store::Store& store, const std::string& worker_binary)
      : settings_(settings), store_(store), worker_binary_(worker_binary) {}

  fetch::FetchRequest prepare(Pending& pending, std::int64_t now) {
    const core::FeedConfig& feed = *pending.feed;
    if (auto previous = store_.status(feed.id); previous && previous->has_value()) {
      pending.status = **previous;
    }
    pending.status.feed_id = feed.id;
    pending.status.last_fetch = now;
    fetch::FetchRequest request;
    request.url = feed.url;
    request.path = feed.path;
    // Validators only while the stored events are the ones they describe.
    if (pending.status.consecutive_failures == 0) {
      request.etag = pending.status.etag;
      request.last_modified = pending.status.last_modified;
    }
    request.max_bytes = settings_.max_bytes;
    request.timeout_seconds = settings_.timeout_seconds;
    request.connect_timeout_seconds = settings_.connect_timeout_seconds;
    request.user_agent = "Concerto/0.1 (+" + settings_.base_url + ")";
    if (auto policy = fetch::AddressPolicy::create(settings_.allow)) request.addresses = *policy;
    return request;
  }

  RefreshOutcome finish(Pending& pending, fetch::FetchOutcome fetched, double fetch_seconds) {
    const auto started = std::chrono::steady_clock::now();
    const core::FeedConfig& feed = *pending.feed;
    core::FeedStatus& status = pending.status;
    RefreshOutcome outcome;
    outcome.feed_id = feed.id;
    outcome.http_code = fetched.http_code;
    outcome.events_before = status.event_count;
    outcome.fetched_at = status.last_fetch;
    status.http_code = fetched.http_code;
    auto done = [&](std::optional<std::int64_t> hint) {
      const bool succeeded = outcome.status != "failed";
      status.next_fetch =
          next_fetch_after(feed, settings_, status.last_fetch, succeeded,
                           status.consecutive_failures, hint, fetched.retry_after_seconds);
      outcome.next_fetch = status.next_fetch;
      outcome.seconds = fetch_seconds + seconds_since(started);
      outcome.consecutive_failures = status.consecutive_failures;
      outcome.last_success = status.last_success;
      return outcome;
    };
    auto fail = [&](std::string error) {
      status.error = error;
      status.consecutive_failures += 1;
      outcome.status = "failed";
      outcome.error = std::move(error);
      RefreshOutcome result = done(std::nullopt);
      if (auto recorded = store_.record_status(status); !recorded) {
        result.error += "; and the status could not be saved: " + recorded.error();
      }
      return result;
    };

    if (!fetched.response) return fail(fetched.response.error());
    fetch::FetchResponse& response = *fetched.response;
    if (response.not_modified) {
      status.error.clear();
      status.consecutive_failures = 0;
      status.last_success = status.last_fetch;
      outcome.status = "not-modified";
      outcome.events = status.event_count;
      RefreshOutcome result = done(response.max_age_seconds);
      if (auto recorded = store_.record_status(status); !recorded) {
        return fail("cannot save the status: " + recorded.error());
      }
      return result;
    }
    outcome.bytes = static_cast<std::int64_t>(response.body.size());

    IngestRequest ingest_request;
    ingest_request.feed = feed;
    ingest_request.limits = settings_.limits;
    ingest_request.site_timezone = settings_.timezone;
    ingest_request.now_utc = status.last_fetch;
    ingest_request.body = std::move(response.body);
    IngestResult ingested = ingest_in_worker(ingest_request, worker_binary_);
    outcome.problems = std::move(ingested.problems);
    if (!ingested.ok) return fail(ingested.error);
    // An empty answer from a feed that had events is a broken export, not every event cancelled:
    // the last good events stay (and do not turn into vanished ones).
    if (ingested.events.empty() && status.event_count > 0) {
      return fail("the feed has no events any more; the " + std::to_string(status.event_count) +
                  " events of the last good fetch are kept");
    }

    const int previous_count = status.event_count;
    // Which upcoming events the snapshot keeps, for the mail about UIDs that all changed or
    // events that went: one indexed read before and one after, only when events were stored.
    std::optional<std::vector<std::string>> upcoming_before;
    int upcoming_kept = 0;
    if (previous_count > 0) {
      if (auto uids = store_.upcoming_uids(feed.id, status.last_fetch); uids) {
        std::unordered_set<std::string_view> listed;
        listed.reserve(ingested.events.size());
        for (const core::Event& event : ingested.events) listed.insert(event.uid);
        for (const std::string& uid : *uids) upcoming_kept += listed.count(uid) != 0 ? 1 : 0;
        upcoming_before = std::move(*uids);
      }
    }
    status.error.clear();
    status.consecutive_failures = 0;
    status.last_success = status.last_fetch;
    status.event_count = static_cast<int>(ingested.events.size());
    status.problem_count = static_cast<int>(outcome.problems.size());
    status.bytes = outcome.bytes;
    status.etag = response.etag;
    status.last_modified = response.last_modified;
    outcome.status = "ok";
    outcome.events = status.event_count;
    // The feed's own hint: its HTTP cache lifetime, else what the calendar says.
    RefreshOutcome result =
        done(response.max_age_seconds ? response.max_age_seconds : ingested.refresh_seconds);
    store::FeedSnapshot snapshot{std::move(ingested.events),
                                 std::move(ingested.occurrences),
                                 {status.last_fetch, settings_.vanished_keep_seconds}};
    if (auto stored = store_.replace_snapshot(feed.id, snapshot, status); !stored) {
      status.etag.clear();
      status.last_modified.clear();
      // The previous events are still stored: their count stays (it guards against an empty
      // export being taken for every event gone).
      status.event_count = previous_count;
      return fail("cannot store the events: " + stored.error());
    }
    // What is wrong in what was just stored, for its partner (the pages and the API show it).
    if (auto saved = store_.save_problems(feed.id, outcome.problems); !saved) {
      std::cerr << "concerto: feed " << feed.id << ": " << saved.error() << std::endl;
    }
    if (upcoming_before) {
      if (auto after = store_.upcoming_uids(feed.id, status.last_fetch); after) {
        result.compared = true;
        result.upcoming_before = static_cast<int>(upcoming_before->size());
        result.upcoming_kept = upcoming_kept;
        result.upcoming_after = static_cast<int>(after->size());
      }
    }
    return result;
  }

 private:
  const Settings& settings_;
  store::Store& store_;
  const std::string& worker_binary_;
};

// Runs ingests on a few threads while fetch_all keeps downloading on the calling thread, so a
// slow parse never stalls transfers (their timeouts run on wall-clock time).
class IngestQueue {
 public:
  IngestQueue(std::size_t threads, std::function<void(std::size_t, fetch::FetchOutcome)> work)
      : work_(std::move(work)) {
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
  }
  ~IngestQueue() { finish(); }

  void push(fetch::FetchOutcome outcome) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(outcome));
    }
    ready_.notify_one();
  }
  void finish() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

 private:
  void run() {
    while (true) {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return closed_ || !queue_.empty(); });
      if (queue_.empty()) return;
      fetch::FetchOutcome outcome = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      const std::size_t index = outcome.index;
      work_(index, std::move(outcome));
    }
  }

  std::function<void(std::size_t, fetch::FetchOutcome)> work_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<fetch::FetchOutcome> queue_;
  bool closed_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

std::int64_t next_fetch_after(const core::FeedConfig& feed, const Settings& settings,
                              std::int64_t now, bool succeeded, int consecutive_failures,
                              std::optional<std::int64_t> hint_seconds,
                              std::optional<std::int64_t> retry_after_seconds) {
  if (succeeded) {
    const std::int64_t interval =
        hint_seconds && *hint_seconds > 0
            ? std::clamp(*hint_seconds, settings.min_refresh_seconds, settings.max_refresh_seconds)
            : feed.refresh_seconds;
    return now + interval;
  }
  const int exponent = std::clamp(consecutive_failures - 1, 0, 20);
  const std::int64_t backoff =
      std::min<std::int64_t>(feed.refresh_seconds, std::int64_t{60} << exponent);
  static thread_local std::mt19937_64 random{std::random_device{}()};
  const double jitter = std::uniform_real_distribution<double>(0.5, 1.0)(random);
  std::int64_t wait = std::max<std::int64_t>(1, static_cast<std::int64_t>(backoff * jitter));
  if (retry_after_seconds && *retry_after_seconds > 0) {
    wait = std::max(wait, std::min(*retry_after_seconds, settings.max_refresh_seconds));
  }
  return now + wait;
}

notify::FeedHealth feed_health(const core::FeedConfig& feed, const RefreshOutcome& outcome) {
  notify::FeedHealth health;
  health.feed_id = feed.id;
  health.name = feed.name;
  health.url = feed.url.empty() ? feed.path : feed.url;
  health.contact_email = feed.contact_email;
  health.registered = feed.registered;
  health.result = outcome.status == "ok"             ? notify::FetchResult::kOk
                  : outcome.status == "not-modified" ? notify::FetchResult::kNotModified
                                                     : notify::FetchResult::kFailed;
  health.consecutive_failures = outcome.consecutive_failures;
  health.error = outcome.error;
  health.http_code = outcome.http_code;
  health.events_before = outcome.events_before;
  health.events_after =
      health.result == notify::FetchResult::kFailed ? outcome.events_before : outcome.events;
  health.compared = outcome.compared;
  health.upcoming_before = outcome.upcoming_before;
  health.upcoming_kept = outcome.upcoming_kept;
  health.upcoming_after = outcome.upcoming_after;
  health.checked_at = outcome.fetched_at;
  health.last_success = outcome.last_success;
  return health;
}

std::unique_ptr<notify::Notifier> make_notifier(const Settings& settings,
                                                store::Registry& registry) {
  if (settings.mail.host.empty()) return nullptr;
  notify::AlertRules rules;
  rules.failures = settings.mail_failures;
  notify::SiteText site;
  site.title = settings.title;
  site.base_url = settings.base_url;
  site.language = settings.language;
  site.timezone = settings.timezone;
  site.vanished_keep_seconds = settings.vanished_keep_seconds;
  return std::make_unique<notify::Notifier>(settings.mail, rules, site, registry);
}

std::vector<RefreshOutcome> refresh_feeds(
    const std::vector<core::FeedConfig>& feeds, const Settings& settings, store::Store& store,
    const std::string& worker_binary, const std::function<void(const RefreshOutcome&)>& on_finished,
    notify::Notifier* notifier) {
  Refresher refresher(settings, store, worker_binary);
  const std::int64_t now = core::unix_now();
  std::vector<Pending> pending(feeds.size());
  std::vector<fetch::FetchRequest> requests;
  requests.reserve(feeds.size());
  for (std::size_t i = 0; i < feeds.size(); ++i) {
    pending[i].feed = &feeds[i];
    requests.push_back(refresher.prepare(pending[i], now));
  }
  std::vector<RefreshOutcome> outcomes(feeds.size());
  std::mutex report_mutex;
  const auto started = std::chrono::steady_clock::now();
  {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    IngestQueue queue(std::min<std::size_t>(cores, std::max<std::size_t>(feeds.size(), 1)),
                      [&](std::size_t index, fetch::FetchOutcome fetched) {
                        RefreshOutcome outcome = refresher.finish(
                            pending[index], std::move(fetched), seconds_since(started));
                        std::lock_guard lock(report_mutex);
                        if (on_finished) on_finished(outcome);
                        outcomes[index] = std::move(outcome);
                      });
    fetch::fetch_all(requests, {settings.concurrency, settings.per_host},
                     [&](fetch::FetchOutcome outcome) { queue.push(std::move(outcome)); });
    queue.finish();
  }
  // New snapshots: deduplicate again and remember the merged UIDs and SEQUENCEs they got.
  if (std::any_of(outcomes.begin(), outcomes.end(),
                  [](const RefreshOutcome& outcome) { return outcome.status == "ok"; })) {
    if (auto merged =
            dedup::update_memory(store, feed_priorities(settings), match_config(settings));
        !merged) {
      std::cerr << "concerto: deduplication: " << merged.error() << std::endl;
    }
  }
  // Mail last: every snapshot is stored and no store call is waiting on a send.
  if (notifier != nullptr) {
    std::vector<notify::FeedHealth> healths;
    for (std::size_t i = 0; i < feeds.size(); ++i) {
      if (!feeds[i].contact_email.empty()) healths.push_back(feed_health(feeds[i], outcomes[i]));
    }
    notifier->after_refreshes(healths);
  }
  return outcomes;
}

RefreshOutcome refresh_feed(const core::FeedConfig& feed, const Settings& settings,
                            store::Store& store, const std::string& worker_binary,
                            notify::Notifier* notifier) {
  return refresh_feeds({feed}, settings, store, worker_binary, {}, notifier).front();
}

RefreshScheduler::RefreshScheduler(const Settings& settings, store::Store& store,
                                   std::string worker_binary,
                                   std::function<std::vector<core::FeedConfig>()> feeds,
                                   notify::Notifier* notifier)
    : settings_(settings),
      store_(store),
      worker_binary_(std::move(worker_binary)),
      feeds_(std::move(feeds)),
      notifier_(notifier) {}

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

void RefreshScheduler::run() {
  while (true) {
    const std::int64_t now = core::unix_now();
    std::int64_t soonest = now + 60;
    std::vector<core::FeedConfig> due;
    for (const core::FeedConfig& feed : feeds_ ? feeds_() : settings_.feeds) {
      auto status = store_.status(feed.id);
      const std::int64_t next = status && status->has_value() ? (*status)->next_fetch : 0;
      if (next <= now) {
        due.push_back(feed);
      } else {
        soonest = std::min(soonest, next);
      }
    }
    if (!due.empty()) {
      for (const RefreshOutcome& outcome :
           refresh_feeds(due, settings_, store_, worker_binary_, {}, notifier_)) {
        std::cerr << "refresh " << outcome.feed_id << ": " << outcome.status << ", "
                  << outcome.events << " events, " << outcome.bytes << " bytes"
                  << (outcome.http_code != 0 ? ", HTTP " + std::to_string(outcome.http_code) : "")
                  << (outcome.error.empty() ? "" : ", " + outcome.error) << std::endl;
        soonest = std::min(soonest, outcome.next_fetch);
      }
    }
    std::unique_lock lock(mutex_);
    const auto wait = std::chrono::seconds(std::max<std::int64_t>(1, soonest - core::unix_now()));
    if (wake_.wait_for(lock, wait, [this] { return stopping_; })) return;
  }
}

}  // namespace concerto::app
