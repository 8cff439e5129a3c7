#include "dedup/decisions.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "core/civil_time.h"

namespace concerto::dedup {
namespace {

bool lists(const MergedEvent& merged, const SourceRef& source) {
  return std::find(merged.sources.begin(), merged.sources.end(), source) != merged.sources.end();
}

core::MergeDecision decision(SourceRef a, SourceRef b, core::MergeDecisionKind kind,
                             std::int64_t now_utc) {
  if (b < a) std::swap(a, b);
  return {std::move(a), std::move(b), kind, now_utc};
}

std::string describe_ref(const SourceRef& source) {
  std::string text = source.feed_id + " / " + source.uid;
  if (!source.recurrence.empty()) text += " (occurrence " + source.recurrence + ")";
  return text;
}

std::string describe_time(const core::EventTime& time) {
  if (time.all_day) return core::format_iso_date(time.date) + " (all day)";
  if (time.floating()) return core::format_iso_local(time.local) + " (floating)";
  return core::format_iso_local(time.local) + " " + time.tzid;
}

const char* status_word(const core::Event& event) {
  if (event.vanished_at > 0) return "cancelled (gone from its feed)";
  return core::to_string(event.status);
}

}  // namespace

const MergedEvent* find_merged(const DedupResult& result, const std::string& uid) {
  for (const MergedEvent& merged : result.events) {
    if (merged.event.uid == uid && !merged.event.recurrence_id) return &merged;
  }
  // A source UID: the series or single event that stands for it, else the override made when
  // it joined one occurrence of a series.
  const MergedEvent* in_override = nullptr;
  for (const MergedEvent& merged : result.events) {
    for (const SourceRef& source : merged.sources) {
      if (source.uid != uid) continue;
      if (!merged.event.recurrence_id) return &merged;
      if (in_override == nullptr) in_override = &merged;
    }
  }
  if (in_override != nullptr) return in_override;
  for (const MergedEvent& merged : result.events) {
    if (merged.event.uid == uid) return &merged;
  }
  return nullptr;
}

core::Result<std::vector<core::MergeDecision>> confirm_decisions(const DedupResult& result,
                                                                 const std::string& uid,
                                                                 std::int64_t now_utc) {
  const MergedEvent* merged = find_merged(result, uid);
  if (merged == nullptr) return core::Error{"no event with uid '" + uid + "'"};
  if (merged->sources.size() < 2) {
    return core::Error{"event '" + merged->event.uid + "' has one source: nothing to confirm"};
  }
  std::vector<core::MergeDecision> decisions;
  for (std::size_t i = 1; i < merged->sources.size(); ++i) {
    decisions.push_back(decision(merged->sources.front(), merged->sources[i],
                                 core::MergeDecisionKind::kJoin, now_utc));
  }
  return decisions;
}

core::Result<std::vector<core::MergeDecision>> split_decisions(
    const DedupResult& result, const std::string& uid, const std::optional<SourceRef>& source,
    std::int64_t now_utc) {
  const MergedEvent* merged = find_merged(result, uid);
  if (merged == nullptr) return core::Error{"no event with uid '" + uid + "'"};
  if (merged->sources.size() < 2) {
    return core::Error{"event '" + merged->event.uid + "' has one source: nothing to split"};
  }
  std::vector<core::MergeDecision> decisions;
  if (source) {
    if (!lists(*merged, *source)) {
      return core::Error{"event '" + merged->event.uid + "' has no source " +
                         describe_ref(*source)};
    }
    for (const SourceRef& other : merged->sources) {
      if (other != *source) {
        decisions.push_back(decision(*source, other, core::MergeDecisionKind::kApart, now_utc));
      }
    }
    return decisions;
  }
  for (std::size_t i = 0; i < merged->sources.size(); ++i) {
    for (std::size_t j = i + 1; j < merged->sources.size(); ++j) {
      decisions.push_back(decision(merged->sources[i], merged->sources[j],
                                   core::MergeDecisionKind::kApart, now_utc));
    }
  }
  return decisions;
}

core::Result<std::vector<core::MergeDecision>> join_decisions(
    const DedupResult& result, const std::string& first_uid, const std::string& second_uid,
    std::int64_t now_utc, const std::vector<core::Occurrence>* occurrences) {
  const MergedEvent* first = find_merged(result, first_uid);
  if (first == nullptr) return core::Error{"no event with uid '" + first_uid + "'"};
  const MergedEvent* second = find_merged(result, second_uid);
  if (second == nullptr) return core::Error{"no event with uid '" + second_uid + "'"};
  if (first == second) {
    return core::Error{"'" + first_uid + "' and '" + second_uid + "' are already one event"};
  }
  // A single event and a series: the single is one occurrence of it, not the whole series.
  const bool first_series = first->event.recurring() && !first->event.recurrence_id;
  const bool second_series = second->event.recurring() && !second->event.recurrence_id;
  if (first_series != second_series) {
    const MergedEvent& series = first_series ? *first : *second;
    const MergedEvent& single = first_series ? *second : *first;
    if (single.event.recurrence_id) {
      return core::Error{"'" + single.event.uid + "' is already one occurrence of a series"};
    }
    const std::int64_t start = single.event.start.sort_seconds();
    const core::Occurrence* closest = nullptr;
    // Over *occurrences itself, not a copy: `closest` points into it after the loop.
    static const std::vector<core::Occurrence> kNone;
    for (const core::Occurrence& occurrence : occurrences != nullptr ? *occurrences : kNone) {
      if (!occurrence.recurrence_id || occurrence.feed_id != series.event.feed_id ||
          occurrence.uid != series.source_uid) {
        continue;
      }
      const std::int64_t gap = std::llabs(occurrence.start.sort_seconds() - start);
      if (gap <= 86400 &&
          (closest == nullptr || gap < std::llabs(closest->start.sort_seconds() - start))) {
        closest = &occurrence;
      }
    }
    if (closest == nullptr) {
      return core::Error{"'" + series.event.uid +
                         "' is a series with no occurrence within a day "
                         "of '" +
                         single.event.uid + "': nothing to join it to"};
    }
    const SourceRef occurrence{series.event.feed_id, series.source_uid,
                               closest->recurrence_id->key()};
    std::vector<core::MergeDecision> decisions;
    for (const SourceRef& source : single.sources) {
      decisions.push_back(decision(occurrence, source, core::MergeDecisionKind::kJoin, now_utc));
    }
    return decisions;
  }
  // Every source of each joined to the other's first source: the join holds even when the
  // matcher would no longer link the copies inside either event.
  std::vector<core::MergeDecision> decisions;
  for (const SourceRef& source : second->sources) {
    decisions.push_back(
        decision(first->sources.front(), source, core::MergeDecisionKind::kJoin, now_utc));
  }
  for (std::size_t i = 1; i < first->sources.size(); ++i) {
    decisions.push_back(decision(second->sources.front(), first->sources[i],
                                 core::MergeDecisionKind::kJoin, now_utc));
  }
  return decisions;
}

std::vector<PairScore> review_list(const DedupResult& result, const store::MergeMemory& memory) {
  std::set<std::pair<SourceRef, SourceRef>> decided;
  for (const core::MergeDecision& decision : memory.decisions) {
    decided.emplace(std::min(decision.a, decision.b), std::max(decision.a, decision.b));
  }
  std::vector<PairScore> review;
  std::set<std::pair<SourceRef, SourceRef>> listed;
  for (const PairScore& pair : result.near_misses) {
    auto key = std::pair(std::min(pair.a, pair.b), std::max(pair.a, pair.b));
    if (decided.count(key) != 0 || !listed.insert(key).second) continue;
    review.push_back(pair);
  }
  std::sort(review.begin(), review.end(), [](const PairScore& a, const PairScore& b) {
    if (a.score.total != b.score.total) return a.score.total > b.score.total;
    return std::tie(a.a, a.b) < std::tie(b.a, b.b);
  });
  return review;
}

std::string explain(const DedupResult& result, const MergedEvent& merged,
                    const std::vector<core::Event>& events) {
  std::map<std::pair<std::string_view, std::string_view>, const core::Event*> by_source;
  for (const core::Event& event : events) {
    if (!event.recurrence_id) {
      by_source.emplace(std::pair<std::string_view, std::string_view>(event.feed_id, event.uid),
                        &event);
    }
  }
  const core::Event& event = merged.event;
  std::string out = "Event " + event.uid;
  if (event.recurrence_id) out += " (occurrence " + event.recurrence_id->key() + ")";
  out += ", SEQUENCE " + std::to_string(event.sequence) + "\n";
  out += "  " + event.summary + "\n  " + describe_time(event.start);
  if (!event.location.empty()) out += ", " + event.location;
  out += std::string(", ") + status_word(event) + "\n";
  out += "\nSources (" + std::to_string(merged.sources.size()) + "):\n";
  for (const SourceRef& source : merged.sources) {
    out += "  - " + describe_ref(source);
    const auto found =
        by_source.find(std::pair(std::string_view(source.feed_id), std::string_view(source.uid)));
    if (found != by_source.end()) {
      const core::Event& copy = *found->second;
      out += ": \"" + copy.summary + "\", " + describe_time(copy.start);
      if (!copy.location.empty()) out += ", " + copy.location;
      out += std::string(", ") + status_word(copy);
    }
    out += "\n";
  }
  const auto concerns = [&](const PairScore& pair) {
    return lists(merged, pair.a) || lists(merged, pair.b);
  };
  out += "\nJoined by:\n";
  bool any = false;
  for (const PairScore& pair : result.links) {
    if (!concerns(pair)) continue;
    any = true;
    out += "  - " + describe_ref(pair.a) + " + " + describe_ref(pair.b) + ": " + pair.how;
    // Joins the matcher made ("score", "score (series)") show their parts.
    if (pair.how.rfind("score", 0) == 0) out += " (" + describe(pair.score) + ")";
    out += "\n";
  }
  if (!any) out += "  (nothing: one source)\n";
  out += "\nNear-misses kept apart:\n";
  any = false;
  for (const PairScore& pair : result.near_misses) {
    if (!concerns(pair)) continue;
    any = true;
    out += "  - " + describe_ref(pair.a) + " vs " + describe_ref(pair.b) + ": " + pair.how + " (" +
           describe(pair.score) + ")\n";
  }
  if (!any) out += "  (none)\n";
  return out;
}

}  // namespace concerto::dedup
