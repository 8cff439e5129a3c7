#pragma once
// Renderings of the agenda kept per request kind (route and normalized query) with the store
// generation they were made from. Thread-safe: lookups of a fresh rendering take one short lock;
// a stale or missing one is rendered by one thread while others asking for the same key wait
// for it (different keys render concurrently).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/result.h"

namespace concerto::server {

// One rendered body with everything a response needs, computed once: the gzip coding and both
// representations' validators.
struct Rendering {
  std::int64_t generation = 0;
  std::string content_type;
  std::string body;
  std::string gzip_body;
  std::string etag;       // strong, of `body`
  std::string gzip_etag;  // strong, of the gzip representation (a different one, RFC 9110 8.8.3)
  std::int64_t last_modified = 0;  // UTC seconds
  std::string last_modified_text;  // IMF-fixdate
};

// Builds a Rendering from a body: gzip at level 6, ETags, Last-Modified.
core::Result<Rendering> make_rendering(std::int64_t generation, std::string content_type,
                                       std::string body, std::int64_t last_modified);

class RenderCache {
 public:
  // Keeps at most `max_entries` keys, dropping the least recently used.
  explicit RenderCache(std::size_t max_entries);

  using Renderer = std::function<core::Result<Rendering>()>;
  // The rendering of `key` made from `generation`; calls `render` when the cached one was made
  // from another generation (or there is none). A failed rendering is not cached.
  core::Result<std::shared_ptr<const Rendering>> get(const std::string& key,
                                                     std::int64_t generation,
                                                     const Renderer& render);
  std::size_t size() const;

 private:
  struct Entry {
    std::mutex render_mutex;  // held while rendering this key
    std::mutex mutex;         // guards `rendering`
    std::shared_ptr<const Rendering> rendering;
    std::uint64_t last_used = 0;  // guarded by RenderCache::mutex_
  };
  std::shared_ptr<Entry> entry(const std::string& key);

  const std::size_t max_entries_;
  mutable std::mutex mutex_;  // guards entries_ and tick_
  std::unordered_map<std::string, std::shared_ptr<Entry>> entries_;
  std::uint64_t tick_ = 0;
};

}  // namespace concerto::server
