#include "core/merge_records.h"

namespace concerto::core {

std::string source_key(const SourceRef& source) {
  std::string key;
  key.reserve(source.feed_id.size() + source.uid.size() + source.recurrence.size() + 2);
  key.append(source.feed_id).push_back('\x1f');
  key.append(source.uid).push_back('\x1f');
  key.append(source.recurrence);
  return key;
}

const char* to_string(MergeDecisionKind kind) {
  return kind == MergeDecisionKind::kJoin ? "join" : "apart";
}

}  // namespace concerto::core
