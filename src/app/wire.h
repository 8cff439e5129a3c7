#pragma once
// The binary messages between `concerto` and its `ingest-worker` child: length-prefixed fields,
// every read bounds-checked (a crashed or killed worker leaves a truncated message).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/feed.h"
#include "core/limits.h"
#include "core/problem.h"
#include "core/result.h"

namespace concerto::app {

struct IngestRequest {
  core::FeedConfig feed;
  core::IngestLimits limits;
  std::string site_timezone;
  std::int64_t now_utc = 0;
  std::string body;
};

struct IngestResult {
  bool ok = false;
  std::string error;   // why nothing usable was read, when !ok
  std::string format;  // what was read: "ics", ...
  std::vector<core::Event> events;
  std::vector<core::Occurrence> occurrences;
  core::Problems problems;
  std::optional<std::int64_t> refresh_seconds;
};

std::string encode(const IngestRequest& request);
std::string encode(const IngestResult& result);
core::Result<IngestRequest> decode_request(std::string_view bytes);
core::Result<IngestResult> decode_result(std::string_view bytes);

}  // namespace concerto::app
