#include "dedup/merge.h"

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <unordered_map>

#include "core/event.h"

namespace concerto::dedup {
namespace {

int priority_of(const std::map<std::string, int>& feed_priority, const std::string& feed_id) {
  const auto found = feed_priority.find(feed_id);
  return found == feed_priority.end() ? 0 : found->second;
}

struct Ranked {
  std::string feed_id;
  int priority = 0;
};

// Higher priority first, then the smaller feed id.
bool ranks_before(const Ranked& a, const Ranked& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  return a.feed_id < b.feed_id;
}

struct SortKey {
  std::int64_t start = 0;
  std::string recurrence;  // empty for a series or a single event
  std::size_t index = 0;   // into the output
};

}  // namespace

std::vector<MergedEvent> merge_by_uid(const std::vector<core::Event>& events,
                                      const std::map<std::string, int>& feed_priority) {
  // uid -> the feeds that carry it, ranked.
  std::unordered_map<std::string, std::vector<Ranked>> feeds_by_uid;
  for (const core::Event& event : events) {
    if (event.uid.empty()) continue;
    std::vector<Ranked>& feeds = feeds_by_uid[event.uid];
    if (std::none_of(feeds.begin(), feeds.end(),
                     [&](const Ranked& feed) { return feed.feed_id == event.feed_id; })) {
      feeds.push_back({event.feed_id, priority_of(feed_priority, event.feed_id)});
    }
  }
  std::unordered_map<std::string, std::vector<SourceRef>> sources_by_uid;
  sources_by_uid.reserve(feeds_by_uid.size());
  for (auto& [uid, feeds] : feeds_by_uid) {
    std::sort(feeds.begin(), feeds.end(), ranks_before);
    std::vector<SourceRef>& sources = sources_by_uid[uid];
    sources.reserve(feeds.size());
    for (const Ranked& feed : feeds) sources.push_back({feed.feed_id, uid});
  }

  std::vector<MergedEvent> merged;
  std::vector<SortKey> keys;
  for (const core::Event& event : events) {
    std::vector<SourceRef> sources;
    if (event.uid.empty()) {
      // Without a UID nothing says two events are the same: each one stands alone.
      sources.push_back({event.feed_id, event.uid});
    } else {
      const std::vector<SourceRef>& ranked = sources_by_uid.at(event.uid);
      if (ranked.front().feed_id != event.feed_id) continue;  // another feed won this uid
      sources = ranked;
    }
    keys.push_back({event.start.sort_seconds(), core::recurrence_key(event), merged.size()});
    merged.push_back({event, std::move(sources)});
  }

  // Start, uid, recurrence; then the feed, sequence and line so that equal keys stay stable
  // whatever order the store returned them in.
  std::sort(keys.begin(), keys.end(), [&](const SortKey& a, const SortKey& b) {
    const core::Event& x = merged[a.index].event;
    const core::Event& y = merged[b.index].event;
    return std::tie(a.start, x.uid, a.recurrence, x.feed_id, x.sequence, x.source_line, x.summary) <
           std::tie(b.start, y.uid, b.recurrence, y.feed_id, y.sequence, y.source_line, y.summary);
  });
  std::vector<MergedEvent> ordered;
  ordered.reserve(merged.size());
  for (const SortKey& key : keys) ordered.push_back(std::move(merged[key.index]));
  return ordered;
}

}  // namespace concerto::dedup
