#pragma once
// An administrator's merge decisions (`concerto merges …` and the admin API) turned into the
// pairwise decisions the store keeps and deduplicate() obeys.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/merge_records.h"
#include "core/result.h"
#include "dedup/dedup.h"

namespace concerto::dedup {

// The merged event with this merged UID, or the one a source event with this UID belongs to
// (a merged event's series, not its overrides). Null when none.
const MergedEvent* find_merged(const DedupResult& result, const std::string& uid);

// Confirm: every source of the merged event stays joined to the first (the anchor).
core::Result<std::vector<core::MergeDecision>> confirm_decisions(const DedupResult& result,
                                                                 const std::string& uid,
                                                                 std::int64_t now_utc);
// Split: one source (when given) is kept apart from the others, else every pair is.
core::Result<std::vector<core::MergeDecision>> split_decisions(
    const DedupResult& result, const std::string& uid, const std::optional<SourceRef>& source,
    std::int64_t now_utc);
// Join: the two merged events become one. A single event joined to a series joins the
// occurrence of the series closest to it (within a day), found in `occurrences`; without them,
// or without such an occurrence, it is refused.
core::Result<std::vector<core::MergeDecision>> join_decisions(
    const DedupResult& result, const std::string& first_uid, const std::string& second_uid,
    std::int64_t now_utc, const std::vector<core::Occurrence>* occurrences = nullptr);

// Near-misses no decision settled yet, highest score first.
std::vector<PairScore> review_list(const DedupResult& result, const store::MergeMemory& memory);

// `concerto explain` text: the merged event, its sources (as `events`, the stored source events,
// describe them), the scores that joined them and the near-misses kept apart.
std::string explain(const DedupResult& result, const MergedEvent& merged,
                    const std::vector<core::Event>& events);

}  // namespace concerto::dedup
