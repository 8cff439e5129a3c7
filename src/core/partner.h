#pragma once
// Partners who register their own feeds, and the feeds they registered.

#include <cstdint>
#include <string>

#include "core/feed.h"

namespace concerto::core {

struct Partner {
  std::string id;  // "partner-<hex>"
  std::string name;
  std::string email;   // where feed health mail goes; may be empty
  bool admin = false;  // acts on every feed
  bool disabled = false;
  std::int64_t created_at = 0;  // UTC seconds
};

// A feed registered through the API (never a local path: config.path stays empty).
struct RegisteredFeed {
  FeedConfig config;  // config.id is "p-<hex>", never a feeds/*.ini stem
  std::string partner_id;
  bool approved = true;  // false while moderation holds it: its events are not public
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

}  // namespace concerto::core
