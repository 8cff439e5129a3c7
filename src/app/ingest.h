#pragma once
// Parsing and recurrence expansion of one feed: in this process (`ingest`), or in a child
// `concerto ingest-worker` under CPU-time, memory and wall-clock limits (`ingest_in_worker`),
// because libical cannot be interrupted mid-expansion.

#include <string>

#include "app/wire.h"

namespace concerto::app {

// decode -> parse -> normalize -> expand. Never throws.
IngestResult ingest(const IngestRequest& request);

// Runs `worker_binary ingest-worker` with the request on stdin. A worker that crashes, exceeds
// its limits or is killed after limits.wall_seconds gives a failed result saying which.
IngestResult ingest_in_worker(const IngestRequest& request, const std::string& worker_binary);

// The worker's main: applies the limits, reads a request from stdin, writes the result.
int run_ingest_worker();

// The path of the running executable (/proc/self/exe).
std::string current_executable();

}  // namespace concerto::app
