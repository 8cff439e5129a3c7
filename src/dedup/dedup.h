#pragma once
// Deduplication: every source event of every feed becomes part of exactly one merged event.
// Same UID (and RECURRENCE-ID) across feeds is one event; other candidates are blocked by local
// day and joined when score_pair (match.h) says so. Merged fields come from the highest-priority
// copy (the organiser), else the most complete one. The merged UID and SEQUENCE are stable
// across refreshes, fetch order and restarts thanks to what is remembered (MergeMemory).
//
// deduplicate() is a pure function of its input: the server renders with it read-only, and the
// writer (after a refresh, or a decision) saves what changed with save_memory().

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/merge_records.h"
#include "core/result.h"
#include "dedup/match.h"
#include "store/store.h"

namespace concerto::dedup {

using core::SourceRef;

struct MergedEvent {
  // A series, a single event, or an override (recurrence_id set). event.uid is the merged UID,
  // event.sequence the merged SEQUENCE; event.feed_id is the feed whose stored occurrences
  // carry this event's times, under `source_uid`.
  core::Event event;
  std::string source_uid;
  std::vector<SourceRef> sources;  // every source event it stands for, highest priority first
};

// Two source events the matcher compared, and what it decided.
struct PairScore {
  SourceRef a;
  SourceRef b;
  Score score;
  std::string how;  // "same uid", "score", "decision: join", "decision: apart", "kept apart: …"
};

struct DedupInput {
  const std::vector<core::Event>* events = nullptr;
  // Stored occurrences; those of series let a single event another feed lists join one
  // occurrence of the series (an override is emitted) rather than the whole series.
  const std::vector<core::Occurrence>* occurrences = nullptr;
  std::map<std::string, int> feed_priority;
  MatchConfig config;
  const store::MergeMemory* memory = nullptr;  // may be null: nothing remembered
};

struct DedupResult {
  std::vector<MergedEvent> events;     // by start, merged uid, recurrence
  std::vector<PairScore> links;        // every join that built a merged event
  std::vector<PairScore> near_misses;  // kept apart but close, or vetoed with alike titles
  // What save_memory writes: every source's merged UID, every merged VEVENT's sequence.
  std::vector<core::MergeIdentity> identities;
  std::vector<core::MergeSequence> sequences;
};

DedupResult deduplicate(const DedupInput& input);

// Reads events, occurrences and memory from the store and deduplicates them.
struct Agenda {
  std::vector<core::Event> events;  // the source events, as stored
  std::vector<core::Occurrence> occurrences;
  store::MergeMemory memory;
  DedupResult merged;
};
core::Result<Agenda> merged_agenda(store::Store& store, const std::map<std::string, int>& priority,
                                   const MatchConfig& config);

// Runs merged_agenda and saves the identities and sequences that changed (the writer's step,
// after a refresh or a decision).
core::Result<Agenda> update_memory(store::Store& store, const std::map<std::string, int>& priority,
                                   const MatchConfig& config);

// Records an administrator's decisions, then deduplicates again and saves the outcome.
core::Result<Agenda> record_decisions(store::Store& store,
                                      const std::vector<core::MergeDecision>& decisions,
                                      const std::map<std::string, int>& priority,
                                      const MatchConfig& config);

}  // namespace concerto::dedup
