#include "render/instances.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <unordered_map>

#include "render/writable_time.h"

namespace concerto::render {
namespace {

// The series (or single event) of one winning (feed, uid), and its overrides by recurrence key.
struct Winner {
  const dedup::MergedEvent* series = nullptr;
  std::unordered_map<std::string, const dedup::MergedEvent*> overrides;
};

std::string winner_key(const std::string& feed_id, const std::string& uid) {
  std::string key;
  key.reserve(feed_id.size() + uid.size() + 1);
  key.append(feed_id).push_back('\0');
  key.append(uid);
  return key;
}

}  // namespace

std::vector<Instance> merged_instances(const std::vector<dedup::MergedEvent>& events,
                                       const std::vector<core::Occurrence>& occurrences,
                                       std::int64_t from_utc, std::int64_t to_utc) {
  std::unordered_map<std::string, Winner> winners;
  winners.reserve(events.size());
  for (const dedup::MergedEvent& merged : events) {
    const std::string& stored_uid =
        merged.source_uid.empty() ? merged.event.uid : merged.source_uid;
    Winner& winner = winners[winner_key(merged.event.feed_id, stored_uid)];
    if (merged.event.recurrence_id) {
      winner.overrides.emplace(merged.event.recurrence_id->key(), &merged);
    } else if (winner.series == nullptr) {
      winner.series = &merged;
    }
  }

  std::vector<Instance> selected;
  selected.reserve(occurrences.size());
  for (const core::Occurrence& occurrence : occurrences) {
    // A date JSON (ISO 8601, four-digit years) cannot hold is left out rather than mangled.
    if (!detail::is_writable(occurrence.start) || !detail::is_writable(occurrence.end) ||
        (occurrence.recurrence_id && !detail::is_writable(*occurrence.recurrence_id))) {
      continue;
    }
    const std::int64_t start = occurrence.start.sort_seconds();
    const std::int64_t end = occurrence.end.sort_seconds();
    // Overlapping the window; an instant event counts when it starts inside it.
    if (start >= to_utc || (end <= from_utc && start < from_utc)) continue;
    const auto found = winners.find(winner_key(occurrence.feed_id, occurrence.uid));
    if (found == winners.end()) continue;  // this feed lost the merge for this uid
    const Winner& winner = found->second;
    const dedup::MergedEvent* source = nullptr;
    if (occurrence.recurrence_id) {
      const auto match = winner.overrides.find(occurrence.recurrence_id->key());
      if (match != winner.overrides.end()) source = match->second;
    }
    if (source == nullptr) source = winner.series;
    if (source == nullptr) {
      // An override stored without its series: its own row carries no RECURRENCE-ID.
      const std::string key = occurrence.start.key();
      for (const auto& [recurrence, override_event] : winner.overrides) {
        if (recurrence == key || override_event->event.start.key() == key) source = override_event;
      }
    }
    if (source == nullptr) continue;
    selected.push_back(
        {start, end, &occurrence, source, winner.series,
         occurrence.recurrence_id ? occurrence.recurrence_id->sort_seconds() : start});
  }
  std::sort(selected.begin(), selected.end(), [](const Instance& a, const Instance& b) {
    return std::tie(a.start, a.source->event.uid, a.recurrence, a.occurrence->feed_id) <
           std::tie(b.start, b.source->event.uid, b.recurrence, b.occurrence->feed_id);
  });
  return selected;
}

}  // namespace concerto::render
