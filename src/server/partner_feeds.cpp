#include "server/partner_feeds.h"

#include <algorithm>
#include <utility>

#include "core/civil_time.h"
#include "core/text.h"
#include "core/time_zone.h"
#include "core/token.h"
#include "server/json_api.h"

namespace concerto::server {
namespace {

constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxCategoryBytes = 100;
constexpr const char* kFormats[] = {"auto", "ics", "rss", "atom", "html"};

FeedOutcome failure(int status, std::string error) {
  FeedOutcome outcome;
  outcome.status = status;
  outcome.error = std::move(error);
  return outcome;
}

FeedOutcome unreadable(const std::string& detail) {
  log_line("concerto serve: partner feeds: " + detail);
  return failure(500, "the registry cannot be read");
}

std::string random_feed_id() {
  auto token = core::new_token();
  if (!token) return {};
  return "p-" + core::hex64(core::fnv1a64(*token)).substr(0, 12);
}

}  // namespace

std::string normalized_url(std::string url) {
  if (const auto hash = url.find('#'); hash != std::string::npos) url.resize(hash);
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const std::string scheme = core::ascii_lower(url.substr(0, scheme_end));
  const auto host_start = scheme_end + 3;
  auto host_end = url.find_first_of("/?", host_start);
  if (host_end == std::string::npos) host_end = url.size();
  std::string authority = core::ascii_lower(url.substr(host_start, host_end - host_start));
  const std::string default_port = scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
  if (!default_port.empty() && authority.size() > default_port.size() &&
      authority.ends_with(default_port)) {
    authority.resize(authority.size() - default_port.size());
  }
  std::string rest = url.substr(host_end);
  if (rest.empty()) rest = "/";
  return scheme + "://" + authority + rest;
}

core::Status clean_fields(FeedFields& fields, bool creating, bool admin) {
  if (fields.partner && (!admin || !creating)) {
    return core::Error{"\"partner\" is for administrators registering a feed for a partner"};
  }
  if (creating && !fields.url) return core::Error{"missing field \"url\""};
  if (creating && !fields.name) return core::Error{"missing field \"name\""};
  if (fields.url) {
    *fields.url = std::string(core::trim(*fields.url));
    if (fields.url->empty()) return core::Error{"\"url\" is empty"};
    *fields.url = normalized_url(*fields.url);
  }
  if (fields.name) {
    *fields.name = core::clean_line(*fields.name);
    if (fields.name->empty()) return core::Error{"\"name\" is empty"};
    if (fields.name->size() > kMaxNameBytes || !core::is_valid_utf8(*fields.name)) {
      return core::Error{"\"name\" must be valid UTF-8 of at most 200 bytes"};
    }
  }
  if (fields.format) {
    *fields.format = core::ascii_lower(core::trim(*fields.format));
    if (std::none_of(std::begin(kFormats), std::end(kFormats),
                     [&](const char* f) { return *fields.format == f; })) {
      return core::Error{"\"format\" must be auto, ics, rss, atom or html"};
    }
  }
  if (fields.category) {
    *fields.category = core::clean_line(*fields.category);
    if (fields.category->size() > kMaxCategoryBytes || !core::is_valid_utf8(*fields.category)) {
      return core::Error{"\"category\" must be valid UTF-8 of at most 100 bytes"};
    }
  }
  if (fields.timezone) {
    *fields.timezone = std::string(core::trim(*fields.timezone));
    if (!fields.timezone->empty()) {
      auto zone = core::canonical_zone_name(*fields.timezone);
      if (!zone) return core::Error{"\"timezone\": unknown time zone \"" + *fields.timezone + "\""};
      *fields.timezone = *zone;
    }
  }
  return core::ok_status();
}

PartnerFeeds::PartnerFeeds(store::Store& store, store::Registry* registry,
                           PartnerApiOptions options)
    : store_(store), registry_(registry), options_(std::move(options)) {
  if (!options_.admin_token.empty()) admin_token_hash_ = core::token_hash(options_.admin_token);
}

FeedOutcome PartnerFeeds::authenticate(std::string_view token, core::Partner& caller) {
  if (token.empty()) {
    if (registry_ == nullptr) return failure(503, "the partner registry is off");
    return failure(401, "missing token");
  }
  return authenticate_hash(core::token_hash(token), caller);
}

FeedOutcome PartnerFeeds::authenticate_hash(const std::string& hash, core::Partner& caller) {
  if (registry_ == nullptr) return failure(503, "the partner registry is off");
  if (!admin_token_hash_.empty() && core::constant_time_equal(hash, admin_token_hash_)) {
    caller = core::Partner{kConfigAdminId, "administrator", "", true, false, 0};
    return {};
  }
  auto partner = registry_->partner_by_token(hash);
  if (!partner) return unreadable(partner.error());
  if (!partner->has_value()) return failure(401, "unknown token");
  if ((*partner)->disabled) return failure(401, "this partner account is disabled");
  caller = std::move(**partner);
  return {};
}

core::Result<std::vector<core::RegisteredFeed>> PartnerFeeds::feeds_of(
    const core::Partner& caller) {
  if (registry_ == nullptr) return core::Error{"the partner registry is off"};
  auto feeds = registry_->feeds();
  if (!feeds) return feeds;
  if (!caller.admin) {
    std::erase_if(*feeds,
                  [&](const core::RegisteredFeed& feed) { return feed.partner_id != caller.id; });
  }
  return feeds;
}

FeedOutcome PartnerFeeds::find(const core::Partner& caller, std::string_view feed_id) {
  if (registry_ == nullptr) return failure(503, "the partner registry is off");
  auto feed = registry_->feed(std::string(feed_id));
  if (!feed) return unreadable(feed.error());
  if (!feed->has_value()) return failure(404, "no registered feed " + std::string(feed_id));
  if (!caller.admin && (*feed)->partner_id != caller.id) {
    return failure(403, "feed " + (*feed)->config.id + " belongs to another partner");
  }
  FeedOutcome outcome;
  outcome.feed = std::move(**feed);
  return outcome;
}

FeedOutcome PartnerFeeds::create(const core::Partner& caller, FeedFields fields) {
  if (registry_ == nullptr) return failure(503, "the partner registry is off");
  if (auto cleaned = clean_fields(fields, /*creating=*/true, caller.admin); !cleaned) {
    return failure(400, cleaned.error());
  }
  if (auto refused = check_url(*fields.url, "")) return *refused;
  core::RegisteredFeed feed;
  feed.partner_id = fields.partner.value_or(caller.id);
  if (feed.partner_id == kConfigAdminId) {
    return failure(400, "with the [admin] token, say for which partner: \"partner\": \"<id>\"");
  }
  std::string partner_name = caller.name;
  if (fields.partner) {
    auto owner = registry_->partner(*fields.partner);
    if (!owner || !owner->has_value()) return failure(400, "no partner " + *fields.partner);
    partner_name = (*owner)->name;
  }
  feed.config.id = random_feed_id();
  if (feed.config.id.empty()) return failure(500, "no random bytes for an id");
  feed.config.url = *fields.url;
  feed.config.name = *fields.name;
  feed.config.partner = partner_name;
  feed.config.format = fields.format.value_or("auto");
  feed.config.category = fields.category.value_or("");
  feed.config.timezone = fields.timezone.value_or("");
  feed.config.refresh_seconds = options_.default_refresh_seconds;
  feed.approved = !options_.moderation || caller.admin;
  feed.created_at = feed.updated_at = core::unix_now();
  {
    const std::lock_guard lock(writes_);
    if (!caller.admin) {
      auto feeds = registry_->feeds();
      if (!feeds) return unreadable(feeds.error());
      if (static_cast<std::size_t>(
              std::count_if(feeds->begin(), feeds->end(), [&](const core::RegisteredFeed& f) {
                return f.partner_id == feed.partner_id;
              })) >= kMaxFeedsPerPartner) {
        return failure(403, "a partner registers at most " + std::to_string(kMaxFeedsPerPartner) +
                                " feeds; delete one first");
      }
    }
    if (auto added = registry_->add_feed(feed); !added.ok()) {
      if (added.error == store::RegistryError::kDuplicateUrl) return failure(409, added.message);
      log_line("concerto serve: partner feeds: " + added.message);
      return failure(500, "the feed cannot be saved");
    }
  }
  FeedOutcome check = run_check(feed, /*unconditional=*/false, /*once_a_minute=*/true);
  if (!check.ok() || (check.check && check.check->refused)) {
    (void)registry_->delete_feed(feed.config.id);
    if (check.ok()) return failure(422, check.check->error);
    return check;
  }
  check.status = 201;
  check.feed = std::move(feed);
  return check;
}

FeedOutcome PartnerFeeds::update(const core::Partner& caller, core::RegisteredFeed feed,
                                 FeedFields fields) {
  if (auto cleaned = clean_fields(fields, /*creating=*/false, false); !cleaned) {
    return failure(400, cleaned.error());
  }
  const core::RegisteredFeed before = feed;
  const bool approved_before = feed.approved;
  const bool new_url = fields.url && *fields.url != feed.config.url;
  // What changes how the feed is read is read again (its events carry the default category).
  const bool reread = new_url || (fields.format && *fields.format != feed.config.format) ||
                      (fields.timezone && *fields.timezone != feed.config.timezone) ||
                      (fields.category && *fields.category != feed.config.category);
  if (new_url) {
    if (auto refused = check_url(*fields.url, feed.config.id)) return *refused;
    feed.config.url = *fields.url;
    // What a new address serves has not been seen by a moderator.
    if (options_.moderation && !caller.admin) feed.approved = false;
  }
  if (fields.name) feed.config.name = *fields.name;
  if (fields.format) feed.config.format = *fields.format;
  if (fields.category) feed.config.category = *fields.category;
  if (fields.timezone) feed.config.timezone = *fields.timezone;
  feed.updated_at = core::unix_now();
  // The new reading is tried before anything is saved: a change refused when connecting (or
  // turned away, 429) leaves the feed, its approval included, as it was.
  FeedOutcome outcome;
  if (reread) {
    // Under moderation a new address is held before it is read: what it serves is stored by the
    // check and must not be public, even for the moment until the change is saved.
    const bool hold = new_url && !feed.approved && approved_before;
    if (hold) {
      core::RegisteredFeed held = before;
      held.approved = false;
      if (FeedOutcome saved = save(held); !saved.ok()) return saved;
    }
    outcome = run_check(feed, /*unconditional=*/true, /*once_a_minute=*/false);
    const bool refused = !outcome.ok() || outcome.check->refused;
    if (refused && hold) (void)registry_->approve_feed(feed.config.id);  // as it was
    if (!outcome.ok()) return outcome;
    if (outcome.check->refused) return failure(422, outcome.check->error);
  }
  if (FeedOutcome saved = save(feed); !saved.ok()) return saved;
  outcome.feed = std::move(feed);
  return outcome;
}

FeedOutcome PartnerFeeds::save(const core::RegisteredFeed& feed) {
  const std::lock_guard lock(writes_);
  if (auto updated = registry_->update_feed(feed); !updated.ok()) {
    if (updated.error == store::RegistryError::kDuplicateUrl) return failure(409, updated.message);
    if (updated.error == store::RegistryError::kNotFound) return failure(404, updated.message);
    log_line("concerto serve: partner feeds: " + updated.message);
    return failure(500, "the feed cannot be saved");
  }
  return {};
}

std::optional<FeedOutcome> PartnerFeeds::check_url(const std::string& url,
                                                   const std::string& feed_id) {
  if (url.size() > kMaxFeedUrlBytes) {
    return failure(422, "refused: the URL is longer than 2048 bytes");
  }
  if (auto refusal = options_.url_refusal(url)) return failure(422, *refusal);
  for (const core::FeedConfig& local : options_.local_feeds) {
    if (normalized_url(local.url) == url) return failure(409, url + " is already a feed");
  }
  // Before any fetch; the registry checks again when saving (two requests at once).
  if (auto feeds = registry_->feeds()) {
    for (const core::RegisteredFeed& other : *feeds) {
      if (other.config.id != feed_id && other.config.url == url) {
        return failure(409, url + " is already registered");
      }
    }
  }
  return std::nullopt;
}

FeedOutcome PartnerFeeds::run_check(const core::RegisteredFeed& feed, bool unconditional,
                                    bool once_a_minute) {
  {
    const std::lock_guard lock(writes_);
    // One test fetch at a time per partner, and per feed once a minute: each holds a server
    // thread for up to [fetch] timeout.
    if (checking_.count(feed.partner_id) != 0) {
      FeedOutcome busy = failure(429, "another fetch of your feeds is running; retry when it ends");
      busy.retry_after = 5;
      return busy;
    }
    const std::int64_t now = core::unix_now();
    std::int64_t& last = last_refresh_[feed.config.id];
    if (once_a_minute && last != 0 && now - last < kRefreshIntervalSeconds) {
      const std::int64_t wait = kRefreshIntervalSeconds - (now - last);
      FeedOutcome soon = failure(429, "this feed was fetched less than a minute ago; retry in " +
                                          std::to_string(wait) + " s");
      soon.retry_after = wait;
      return soon;
    }
    last = now;
    checking_.insert(feed.partner_id);
  }
  if (unconditional) {
    // The feed is to be read anew (another address, zone, format or category): the validators
    // of what was read before would get a 304 and keep the old reading.
    if (auto status = store_.status(feed.config.id); status && status->has_value()) {
      core::FeedStatus fresh = **status;
      fresh.etag.clear();
      fresh.last_modified.clear();
      (void)store_.record_status(fresh);
    }
  }
  // The partner's slot is given back however the check ends (an exception included).
  struct Release {
    PartnerFeeds& feeds;
    const std::string& partner;
    ~Release() {
      const std::lock_guard lock(feeds.writes_);
      feeds.checking_.erase(partner);
    }
  } release{*this, feed.partner_id};
  FeedOutcome outcome;
  outcome.check = options_.check_feed(feed.config);
  return outcome;
}

FeedOutcome PartnerFeeds::remove(const core::RegisteredFeed& feed) {
  const std::lock_guard lock(writes_);
  if (auto removed = registry_->delete_feed(feed.config.id); !removed.ok()) {
    if (removed.error == store::RegistryError::kNotFound) return failure(404, removed.message);
    log_line("concerto serve: partner feeds: " + removed.message);
    return failure(500, "the feed cannot be deleted");
  }
  last_refresh_.erase(feed.config.id);
  FeedOutcome outcome;
  outcome.status = 204;
  return outcome;
}

FeedOutcome PartnerFeeds::refresh(const core::RegisteredFeed& feed) {
  FeedOutcome outcome = run_check(feed, /*unconditional=*/false, /*once_a_minute=*/true);
  if (outcome.ok()) outcome.feed = feed;
  return outcome;
}

FeedOutcome PartnerFeeds::approve(const core::Partner& caller, const core::RegisteredFeed& feed) {
  if (!caller.admin) return failure(403, "only an administrator approves feeds");
  if (auto approved = registry_->approve_feed(feed.config.id); !approved.ok()) {
    log_line("concerto serve: partner feeds: " + approved.message);
    return failure(500, "the feed cannot be approved");
  }
  FeedOutcome outcome;
  outcome.feed = feed;
  outcome.feed->approved = true;
  return outcome;
}

std::int64_t PartnerFeeds::refresh_wait(const std::string& feed_id) {
  const std::lock_guard lock(writes_);
  const auto it = last_refresh_.find(feed_id);
  if (it == last_refresh_.end()) return 0;
  return std::max<std::int64_t>(0, kRefreshIntervalSeconds - (core::unix_now() - it->second));
}

core::Result<core::FeedStatus> PartnerFeeds::status(const core::RegisteredFeed& feed) {
  auto found = store_.status(feed.config.id);
  if (!found) return core::Error{found.error()};
  core::FeedStatus status;  // never fetched yet: all zero
  status.feed_id = feed.config.id;
  if (found->has_value()) status = **found;
  return status;
}

}  // namespace concerto::server
