#include "server/snapshot_cache.h"

#include <algorithm>
#include <utility>

#include "dedup/dedup.h"

namespace concerto::server {

SnapshotCache::SnapshotCache(store::Store& store, render::AgendaOptions options,
                             std::vector<core::FeedConfig> feeds, store::Registry* registry)
    : store_(store), options_(std::move(options)), feeds_(std::move(feeds)), registry_(registry) {
  zone_ = core::find_zone(options_.calendar.timezone);
  if (!zone_) zone_ = core::utc_zone();
}

core::Result<std::shared_ptr<const render::AgendaSnapshot>> SnapshotCache::get(
    std::int64_t generation) {
  // A snapshot of a newer generation serves a late request for an older one: it is what the
  // store holds now, and building the older one again would throw the newer one away.
  {
    const std::lock_guard lock(mutex_);
    if (snapshot_ && generation_ >= generation) return snapshot_;
  }
  const std::lock_guard build(build_mutex_);
  {
    const std::lock_guard lock(mutex_);
    if (snapshot_ && generation_ >= generation) return snapshot_;  // built while we waited
  }
  auto agenda = dedup::merged_agenda(store_, options_.feed_priority, options_.match);
  if (!agenda) return core::Error{agenda.error()};
  std::vector<core::FeedConfig> feeds = feeds_;
  if (registry_ != nullptr) {
    if (auto registered = registry_->feeds()) {
      for (core::RegisteredFeed& feed : *registered) {
        const bool known = std::any_of(feeds.begin(), feeds.end(), [&](const core::FeedConfig& f) {
          return f.id == feed.config.id;
        });
        if (!known) feeds.push_back(std::move(feed.config));
      }
    }
  }
  auto snapshot =
      std::make_shared<const render::AgendaSnapshot>(std::move(agenda).value(), feeds, zone_);
  const std::lock_guard lock(mutex_);
  generation_ = generation;
  snapshot_ = snapshot;
  return snapshot;
}

}  // namespace concerto::server
