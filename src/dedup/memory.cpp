#include <algorithm>
#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "core/civil_time.h"
#include "dedup/dedup.h"

namespace concerto::dedup {

core::Result<Agenda> merged_agenda(store::Store& store, const std::map<std::string, int>& priority,
                                   const MatchConfig& config) {
  core::Result<std::vector<core::Event>> events = store.events();
  if (!events) return core::Error{"reading events: " + events.error()};
  // Every stored occurrence: the store only holds those inside the expansion window.
  core::Result<std::vector<core::Occurrence>> occurrences =
      store.occurrences(INT64_MIN / 2, INT64_MAX / 2);
  if (!occurrences) return core::Error{"reading occurrences: " + occurrences.error()};
  core::Result<store::MergeMemory> memory = store.merge_memory();
  if (!memory) return core::Error{"reading merge memory: " + memory.error()};
  Agenda agenda;
  agenda.events = std::move(*events);
  agenda.occurrences = std::move(*occurrences);
  agenda.memory = std::move(*memory);
  DedupInput input;
  input.events = &agenda.events;
  input.occurrences = &agenda.occurrences;
  input.feed_priority = priority;
  input.config = config;
  input.memory = &agenda.memory;
  agenda.merged = deduplicate(input);
  return agenda;
}

core::Result<Agenda> update_memory(store::Store& store, const std::map<std::string, int>& priority,
                                   const MatchConfig& config) {
  core::Result<Agenda> agenda = merged_agenda(store, priority, config);
  if (!agenda) return agenda;
  const store::MergeMemory* before = &agenda->memory;
  // Only what changed is written: most refreshes change nothing here.
  // Rows not saved for kMergeMemoryTouchSeconds are saved again, so that the store can forget
  // the rows of events long gone (kMergeMemoryForgetSeconds) and only those.
  const std::int64_t stale = core::unix_now() - core::kMergeMemoryTouchSeconds;
  std::unordered_map<std::string_view, const core::MergeIdentity*> known_uid;
  known_uid.reserve(before->identities.size());
  for (const core::MergeIdentity& identity : before->identities) {
    known_uid[identity.source_key] = &identity;
  }
  std::vector<core::MergeIdentity> identities;
  for (const core::MergeIdentity& identity : agenda->merged.identities) {
    const auto found = known_uid.find(identity.source_key);
    if (found == known_uid.end() || found->second->merged_uid != identity.merged_uid ||
        found->second->saved_at < stale) {
      identities.push_back(identity);
    }
  }
  std::unordered_map<std::string_view, const core::MergeSequence*> known_sequence;
  known_sequence.reserve(before->sequences.size());
  for (const core::MergeSequence& sequence : before->sequences) {
    known_sequence[sequence.merged_key] = &sequence;
  }
  std::vector<core::MergeSequence> sequences;
  for (const core::MergeSequence& sequence : agenda->merged.sequences) {
    const auto found = known_sequence.find(sequence.merged_key);
    if (found == known_sequence.end() || found->second->content_hash != sequence.content_hash ||
        found->second->sequence != sequence.sequence || found->second->saved_at < stale) {
      sequences.push_back(sequence);
    }
  }
  if (identities.empty() && sequences.empty()) return agenda;
  if (core::Status saved = store.save_merge_memory(identities, sequences); !saved) {
    return core::Error{"saving merge memory: " + saved.error()};
  }
  return agenda;
}

core::Result<Agenda> record_decisions(store::Store& store,
                                      const std::vector<core::MergeDecision>& decisions,
                                      const std::map<std::string, int>& priority,
                                      const MatchConfig& config) {
  if (core::Status added = store.add_merge_decisions(decisions); !added) {
    return core::Error{"saving the decisions: " + added.error()};
  }
  return update_memory(store, priority, config);
}

}  // namespace concerto::dedup
