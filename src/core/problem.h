#pragma once
// Problems found while reading a feed: reported with where they are, never thrown.

#include <string>
#include <vector>

namespace concerto::core {

enum class Severity {
  kWarning,  // the event was kept, something in it was dropped or repaired
  kError,    // the event (or the whole feed) was skipped
};

struct Problem {
  Severity severity = Severity::kError;
  int line = 0;     // 1-based line in the feed; 0 when not tied to a line
  std::string uid;  // the event concerned, when known
  std::string message;
};

// "line 12 (uid abc): DTSTART month 13 is impossible"
std::string describe(const Problem& problem);

using Problems = std::vector<Problem>;

}  // namespace concerto::core
