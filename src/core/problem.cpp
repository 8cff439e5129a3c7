#include "core/problem.h"

namespace concerto::core {

std::string describe(const Problem& problem) {
  std::string text = problem.severity == Severity::kError ? "error" : "warning";
  if (problem.line > 0) text += " line " + std::to_string(problem.line);
  if (!problem.uid.empty()) text += " (uid " + problem.uid + ")";
  text += ": " + problem.message;
  return text;
}

}  // namespace concerto::core
