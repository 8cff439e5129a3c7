#include "server/render_cache.h"

#include <algorithm>
#include <utility>

#include "server/http_util.h"

namespace concerto::server {

core::Result<Rendering> make_rendering(std::int64_t generation, std::string content_type,
                                       std::string body, std::int64_t last_modified) {
  auto gzipped = gzip_compress(body, 6);
  if (!gzipped) return core::Error{gzipped.error()};
  Rendering rendering;
  rendering.generation = generation;
  rendering.content_type = std::move(content_type);
  rendering.etag = strong_etag(body);
  rendering.gzip_etag = strong_etag(*gzipped);
  rendering.body = std::move(body);
  rendering.gzip_body = std::move(gzipped).value();
  rendering.last_modified = last_modified;
  rendering.last_modified_text = format_http_date(last_modified);
  return rendering;
}

RenderCache::RenderCache(std::size_t max_entries)
    : max_entries_(std::max<std::size_t>(1, max_entries)) {}

std::size_t RenderCache::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

std::shared_ptr<RenderCache::Entry> RenderCache::entry(const std::string& key) {
  const std::lock_guard lock(mutex_);
  auto found = entries_.find(key);
  if (found == entries_.end()) {
    if (entries_.size() >= max_entries_) {
      // Entries in use elsewhere stay alive through their shared_ptr until that use ends.
      const auto oldest = std::min_element(
          entries_.begin(), entries_.end(),
          [](const auto& a, const auto& b) { return a.second->last_used < b.second->last_used; });
      entries_.erase(oldest);
    }
    found = entries_.emplace(key, std::make_shared<Entry>()).first;
  }
  found->second->last_used = ++tick_;
  return found->second;
}

core::Result<std::shared_ptr<const Rendering>> RenderCache::get(const std::string& key,
                                                                std::int64_t generation,
                                                                const Renderer& render) {
  const std::shared_ptr<Entry> slot = entry(key);
  auto current = [&slot, generation]() -> std::shared_ptr<const Rendering> {
    const std::lock_guard lock(slot->mutex);
    if (slot->rendering && slot->rendering->generation == generation) return slot->rendering;
    return nullptr;
  };
  if (auto fresh = current()) return fresh;

  const std::lock_guard rendering_lock(slot->render_mutex);
  if (auto fresh = current()) return fresh;  // rendered by the thread we waited for
  auto made = render();
  if (!made) return core::Error{made.error()};
  auto shared = std::make_shared<const Rendering>(std::move(made).value());
  const std::lock_guard lock(slot->mutex);
  slot->rendering = shared;
  return std::shared_ptr<const Rendering>(shared);
}

}  // namespace concerto::server
