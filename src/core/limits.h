#pragma once
// Budgets that bound what one partner's feed can cost. Every one is configurable
// ([limits] in concerto.ini) and reported by name when hit.

#include <cstdint>

namespace concerto::core {

struct IngestLimits {
  std::int64_t max_bytes = 10 * 1024 * 1024;    // body size, after decoding
  std::int64_t max_line_bytes = 256 * 1024;     // one unfolded content line
  int max_depth = 16;                           // nesting of BEGIN/END
  int max_events = 50000;                       // components per feed
  int max_values_per_property = 2000;           // RDATE/EXDATE/CATEGORIES values
  int max_occurrences_per_series = 5000;        // expanded instances per series
  std::int64_t max_recurrence_steps = 2000000;  // rule instances walked per feed, in all
  int expand_past_days = 366;                   // expansion window around now
  int expand_future_days = 3 * 366;
  int cpu_seconds = 20;                              // per feed ingest, in the worker
  std::int64_t memory_bytes = 1024LL * 1024 * 1024;  // address space of the worker
  int wall_seconds = 60;                             // per feed ingest, worker killed after
};

}  // namespace concerto::core
