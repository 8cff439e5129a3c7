#include "app/merge_commands.h"

#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/civil_time.h"
#include "dedup/decisions.h"
#include "dedup/dedup.h"

namespace concerto::app {
namespace {

constexpr const char* kMergesUsage =
    "usage: concerto merges review | confirm UID | split UID [--source FEED/UID] | join UID UID";

// "feed/uid" or "feed/uid@recurrence-key" (the uid may itself hold '/' or '@': the feed id
// cannot hold '/', and the recurrence key is the text after the last '@').
std::optional<core::SourceRef> parse_source(const std::string& text,
                                            const dedup::MergedEvent& merged) {
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) return std::nullopt;
  core::SourceRef source{text.substr(0, slash), text.substr(slash + 1), ""};
  for (const core::SourceRef& listed : merged.sources) {
    if (listed == source) return source;
  }
  if (const auto at = source.uid.rfind('@'); at != std::string::npos) {
    core::SourceRef occurrence{source.feed_id, source.uid.substr(0, at), source.uid.substr(at + 1)};
    for (const core::SourceRef& listed : merged.sources) {
      if (listed == occurrence) return occurrence;
    }
  }
  return source;  // not a source of this event: split_decisions says so
}

std::string ref_text(const core::SourceRef& source) {
  return source.feed_id + "/" + source.uid +
         (source.recurrence.empty() ? "" : "@" + source.recurrence);
}

void print_review(const dedup::Agenda& agenda) {
  const std::vector<dedup::PairScore> review = dedup::review_list(agenda.merged, agenda.memory);
  std::map<std::pair<std::string, std::string>, const core::Event*> events;
  for (const core::Event& event : agenda.events) {
    if (!event.recurrence_id) events.emplace(std::pair(event.feed_id, event.uid), &event);
  }
  const auto line = [&](const core::SourceRef& source) {
    std::string text = "    " + ref_text(source);
    const auto found = events.find(std::pair(source.feed_id, source.uid));
    if (found != events.end()) {
      const core::Event& event = *found->second;
      text += ": \"" + event.summary + "\", " + event.start.key();
      if (!event.location.empty()) text += ", " + event.location;
    }
    return text;
  };
  if (review.empty()) {
    std::cout << "nothing to review\n";
    return;
  }
  for (const dedup::PairScore& pair : review) {
    std::cout << dedup::describe(pair.score) << " (" << pair.how << ")\n"
              << line(pair.a) << "\n"
              << line(pair.b) << "\n";
  }
  std::cout << review.size() << " near-misses; settle one with `concerto merges join UID UID` or "
            << "keep it apart with `concerto merges split`\n";
}

}  // namespace

int command_explain(const Arguments& args) {
  if (!check_options(args, {"config"}, 1)) return 2;
  if (args.positional.size() != 1) {
    std::cerr << "usage: concerto explain UID\n";
    return 2;
  }
  auto settings = settings_from(args);
  if (!settings) return 2;
  auto store = open_store(*settings);
  if (!store) return 2;
  auto agenda = dedup::merged_agenda(*store, feed_priorities(*settings), match_config(*settings));
  if (!agenda) {
    std::cerr << "concerto explain: " << agenda.error() << "\n";
    return 1;
  }
  const dedup::MergedEvent* merged = dedup::find_merged(agenda->merged, args.positional.front());
  if (merged == nullptr) {
    std::cerr << "concerto explain: no event with uid '" << args.positional.front()
              << "' (neither a merged UID nor a partner's)\n";
    return 1;
  }
  std::cout << dedup::explain(agenda->merged, *merged, agenda->events);
  return 0;
}

int command_merges(const Arguments& args) {
  if (!check_options(args, {"config", "source"}, 3)) return 2;
  if (args.positional.empty()) {
    std::cerr << kMergesUsage << "\n";
    return 2;
  }
  const std::string& action = args.positional.front();
  const std::size_t operands = action == "review"                         ? 0
                               : action == "confirm" || action == "split" ? 1
                               : action == "join"                         ? 2
                                                                          : SIZE_MAX;
  if (operands == SIZE_MAX || args.positional.size() != operands + 1 ||
      (args.options.count("source") != 0 && action != "split")) {
    std::cerr << kMergesUsage << "\n";
    return 2;
  }
  auto settings = settings_from(args);
  if (!settings) return 2;
  auto store = open_store(*settings);
  if (!store) return 2;
  const auto priorities = feed_priorities(*settings);
  const dedup::MatchConfig config = match_config(*settings);
  auto agenda = dedup::merged_agenda(*store, priorities, config);
  if (!agenda) {
    std::cerr << "concerto merges: " << agenda.error() << "\n";
    return 1;
  }
  if (action == "review") {
    print_review(*agenda);
    return 0;
  }
  const std::int64_t now = core::unix_now();
  const std::string& uid = args.positional[1];
  core::Result<std::vector<core::MergeDecision>> decisions = core::Error{""};
  if (action == "confirm") {
    decisions = dedup::confirm_decisions(agenda->merged, uid, now);
  } else if (action == "split") {
    std::optional<core::SourceRef> source;
    if (const auto option = args.options.find("source"); option != args.options.end()) {
      const dedup::MergedEvent* merged = dedup::find_merged(agenda->merged, uid);
      if (merged != nullptr) source = parse_source(option->second, *merged);
      if (merged != nullptr && !source) {
        std::cerr << "concerto merges split: --source " << option->second
                  << ": expected FEED/UID\n";
        return 2;
      }
    }
    decisions = dedup::split_decisions(agenda->merged, uid, source, now);
  } else {
    decisions =
        dedup::join_decisions(agenda->merged, uid, args.positional[2], now, &agenda->occurrences);
  }
  if (!decisions) {
    std::cerr << "concerto merges " << action << ": " << decisions.error() << "\n";
    return 1;
  }
  auto updated = dedup::record_decisions(*store, *decisions, priorities, config);
  if (!updated) {
    std::cerr << "concerto merges " << action << ": " << updated.error() << "\n";
    return 1;
  }
  for (const core::MergeDecision& decision : *decisions) {
    std::cout << core::to_string(decision.kind) << ": " << ref_text(decision.a) << " + "
              << ref_text(decision.b) << "\n";
  }
  std::cout << decisions->size() << " decision" << (decisions->size() == 1 ? "" : "s")
            << " recorded; they hold across every later refresh\n";
  return 0;
}

}  // namespace concerto::app
