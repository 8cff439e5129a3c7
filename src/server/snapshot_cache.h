#pragma once
// The merged agenda of the store's current generation, deduplicated once and shared by every
// page, calendar and API rendering of that generation.

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/feed.h"
#include "core/result.h"
#include "render/agenda.h"
#include "render/agenda_view.h"
#include "store/registry.h"
#include "store/store.h"

namespace concerto::server {

class SnapshotCache {
 public:
  // `registry` (may be null) adds the labels of feeds partners registered, read at each build.
  SnapshotCache(store::Store& store, render::AgendaOptions options,
                std::vector<core::FeedConfig> feeds, store::Registry* registry = nullptr);

  // The snapshot of `generation`; built (by one thread, the others wait) when the one held is of
  // another generation. The store may have moved on meanwhile: the caller's cache entry is then
  // stale at its next lookup and rendered again.
  core::Result<std::shared_ptr<const render::AgendaSnapshot>> get(std::int64_t generation);

 private:
  store::Store& store_;
  const render::AgendaOptions options_;
  const std::vector<core::FeedConfig> feeds_;
  store::Registry* registry_;
  core::ZonePtr zone_;
  std::mutex build_mutex_;  // held while building
  std::mutex mutex_;        // guards the two below
  std::int64_t generation_ = -1;
  std::shared_ptr<const render::AgendaSnapshot> snapshot_;
};

}  // namespace concerto::server
