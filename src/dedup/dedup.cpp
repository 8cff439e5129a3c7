#include "dedup/dedup.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <numeric>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/text.h"
#include "core/time_zone.h"
#include "dedup/fold.h"

namespace concerto::dedup {
namespace {

// Bounds on the work one event can cause, whatever the input: a day with thousands of events
// sharing a word costs at most this many look-ups and comparisons per event.
constexpr std::size_t kMaxScannedPerEvent = 4096;
constexpr std::size_t kMaxComparedPerEvent = 64;
// Vetoed pairs whose titles are at least this alike are worth showing as near-misses.
constexpr double kNearMissTitle = 0.8;

constexpr char kSeparator = '\x1f';

// With CONCERTO_DEDUP_TIMING set, prints how long each phase took (for bench/dedup_bench).
class PhaseClock {
 public:
  PhaseClock() : on_(std::getenv("CONCERTO_DEDUP_TIMING") != nullptr) {}
  void lap(const char* phase) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "dedup %-12s %8.3f s\n", phase,
                 std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// The events one feed published under one UID: a series or single event, and its overrides.
struct Unit {
  std::size_t main = SIZE_MAX;  // index into the input events; SIZE_MAX: only overrides
  std::vector<std::size_t> overrides;
  const std::string* feed_id = nullptr;
  const std::string* uid = nullptr;
  int priority = 0;
  std::size_t rank = 0;    // position in the order: priority desc, feed id, uid
  std::uint32_t feed = 0;  // a number per feed id
};

// One occurrence of a winning series, which a single event of another feed may join.
struct OccurrenceItem {
  std::size_t unit = 0;
  const core::Occurrence* occurrence = nullptr;
  std::string recurrence;        // its key
  std::size_t source_event = 0;  // the event whose fields it shows: its override, else the series
};

class DisjointSets {
 public:
  explicit DisjointSets(std::size_t count) : parent_(count) {
    std::iota(parent_.begin(), parent_.end(), std::size_t{0});
  }
  std::size_t find(std::size_t item) {
    while (parent_[item] != item) {
      parent_[item] = parent_[parent_[item]];
      item = parent_[item];
    }
    return item;
  }
  // The surviving root is `into`.
  void unite_into(std::size_t into, std::size_t from) { parent_[from] = into; }

 private:
  std::vector<std::size_t> parent_;
};

// What the union step needs to know of each cluster; kept on its root.
struct ClusterFacts {
  std::vector<std::size_t> members;       // items
  std::vector<const std::string*> feeds;  // of the members, for "one copy per feed"
  bool has_series = false;
  bool has_occurrence = false;
};

std::string pair_key(const SourceRef& a, const SourceRef& b) {
  const bool ordered = a <= b;
  std::string key = core::source_key(ordered ? a : b);
  key.push_back('\x1e');
  key.append(core::source_key(ordered ? b : a));
  return key;
}

// FNV-1a over what a subscriber sees of an event, field by field (no text built: this runs
// for every merged event on every render).
std::string content_hash(const core::Event& event) {
  std::uint64_t hash = 14695981039346656037ull;
  const auto add = [&hash](std::string_view field) {
    for (unsigned char c : field) hash = (hash ^ c) * 1099511628211ull;
    hash = (hash ^ 0x1f) * 1099511628211ull;
  };
  const auto add_number = [&hash](std::int64_t value) {
    for (int k = 0; k < 8; ++k) {
      hash = (hash ^ static_cast<unsigned char>(value >> (8 * k))) * 1099511628211ull;
    }
  };
  const auto add_time = [&](const core::EventTime& time) {
    add_number(time.all_day ? 1 : 0);
    add_number(time.all_day ? core::days_from_civil(time.date) : time.sort_seconds());
    add(time.tzid);
  };
  add(event.summary);
  add(event.description);
  add(event.location);
  add(event.url);
  add(event.organizer);
  for (const std::string& category : event.categories) add(category);
  add(core::to_string(event.status));
  add_time(event.start);
  add_time(event.end);
  add(event.rrule);
  for (const core::EventTime& time : event.rdates) add_time(time);
  add("-");
  for (const core::EventTime& time : event.exdates) add_time(time);
  return core::hex64(hash);
}

// A copy taking part in a merge, with its feed's priority.
struct Copy {
  const core::Event* event = nullptr;
  int priority = 0;
};

// The value of the highest-priority tier that has one; within the tier the longest (the most
// complete), the first of equals.
std::string pick_text(const std::vector<Copy>& copies, std::string core::Event::*field) {
  const std::string* best = nullptr;
  int tier = 0;
  for (const Copy& copy : copies) {
    const std::string& value = copy.event->*field;
    if (value.empty()) continue;
    if (best != nullptr && copy.priority < tier) break;
    if (best == nullptr || value.size() > best->size()) {
      best = &value;
      tier = copy.priority;
    }
  }
  return best != nullptr ? *best : std::string();
}

// Field by field from copies ranked highest priority first; times stay as in `base`.
core::Event merge_fields(core::Event base, const std::vector<Copy>& copies) {
  if (copies.size() < 2) return base;
  base.summary = pick_text(copies, &core::Event::summary);
  base.location = pick_text(copies, &core::Event::location);
  base.organizer = pick_text(copies, &core::Event::organizer);
  {
    std::vector<Copy> with_url;
    for (const Copy& copy : copies) {
      if (core::is_http_url(copy.event->url)) with_url.push_back(copy);
    }
    base.url = pick_text(with_url, &core::Event::url);
  }
  // The longest good description: one that says more than the title.
  const std::string* description = nullptr;
  for (const Copy& copy : copies) {
    const std::string& text = copy.event->description;
    if (core::trim(text).empty() || fold_text(text) == fold_text(copy.event->summary)) continue;
    if (description == nullptr || text.size() > description->size()) description = &text;
  }
  base.description = description != nullptr ? *description : std::string();
  // Categories united, first spelling kept.
  std::vector<std::string> categories;
  std::unordered_set<std::string> seen;
  for (const Copy& copy : copies) {
    for (const std::string& category : copy.event->categories) {
      if (seen.insert(fold_text(category)).second) categories.push_back(category);
    }
  }
  base.categories = std::move(categories);
  // Cancelled when the organiser's copy says so (the one copy of the highest priority, above
  // all others), or every copy does.
  const core::Event& top = *copies.front().event;
  const bool top_is_organiser = copies[0].priority > copies[1].priority;
  const bool all_cancelled = std::all_of(copies.begin(), copies.end(), [](const Copy& copy) {
    return copy.event->status == core::EventStatus::kCancelled;
  });
  if ((top_is_organiser && top.status == core::EventStatus::kCancelled) || all_cancelled) {
    base.status = core::EventStatus::kCancelled;
    base.vanished_at = top.vanished_at;
  } else {
    base.status = top.status == core::EventStatus::kTentative ? core::EventStatus::kTentative
                                                              : core::EventStatus::kConfirmed;
    base.vanished_at = 0;
  }
  for (const Copy& copy : copies) {
    base.last_modified = std::max(base.last_modified, copy.event->last_modified);
    base.sequence = std::max(base.sequence, copy.event->sequence);
  }
  return base;
}

class Deduplicator {
 public:
  explicit Deduplicator(const DedupInput& input) : input_(input), events_(*input.events), sets_(0) {
    zone_ = core::find_zone(input.config.timezone);
    if (zone_ == nullptr) zone_ = core::find_zone("Europe/Paris");
    if (zone_ == nullptr) zone_ = core::utc_zone();
    if (input.memory != nullptr) {
      for (const core::MergeIdentity& identity : input.memory->identities) {
        remembered_uid_.emplace(identity.source_key, &identity.merged_uid);
      }
      for (const core::MergeSequence& sequence : input.memory->sequences) {
        remembered_sequence_.emplace(sequence.merged_key, &sequence);
      }
    }
  }

  DedupResult run() {
    PhaseClock clock;
    build_units();
    clock.lap("units");
    fold_all();
    clock.lap("fold");
    sets_ = DisjointSets(units_.size());
    facts_.resize(units_.size());
    for (std::size_t u = 0; u < units_.size(); ++u) {
      facts_[u].members.push_back(u);
      facts_[u].feeds.push_back(units_[u].feed_id);
      facts_[u].has_series = is_series(u);
    }
    item_by_key_.reserve(units_.size());
    for (std::size_t u = 0; u < units_.size(); ++u) index_item(u);
    read_decisions();
    join_same_uids();
    apply_join_decisions(/*occurrences=*/false);
    match_series();
    clock.lap("same uid");
    add_occurrence_items();
    apply_join_decisions(/*occurrences=*/true);
    clock.lap("occurrences");
    match_candidates();
    clock.lap("match");
    print_stats();
    build_output();
    clock.lap("output");
    return std::move(result_);
  }

 private:
  // ---- units and their ranking

  void build_units() {
    std::unordered_map<std::string, std::size_t> by_key;
    by_key.reserve(events_.size());
    std::unordered_map<std::string_view, std::uint32_t> feed_numbers;
    for (std::size_t i = 0; i < events_.size(); ++i) {
      const core::Event& event = events_[i];
      std::string key = event.feed_id;
      key.push_back(kSeparator);
      if (event.uid.empty()) {
        key.append("\x1e" + std::to_string(i));  // no UID: nothing says it is another's copy
      } else {
        key.append(event.uid);
      }
      auto [found, inserted] = by_key.emplace(std::move(key), units_.size());
      if (inserted) {
        Unit unit;
        unit.feed = feed_numbers.try_emplace(event.feed_id, feed_numbers.size()).first->second;
        unit.feed_id = &event.feed_id;
        unit.uid = &event.uid;
        unit.priority = priority_of(event.feed_id);
        units_.push_back(unit);
      }
      Unit& unit = units_[found->second];
      if (event.recurrence_id) {
        unit.overrides.push_back(i);
      } else if (unit.main == SIZE_MAX) {
        unit.main = i;
      }
    }
    std::vector<std::size_t> order(units_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return ranks_before(units_[a], units_[b]); });
    for (std::size_t r = 0; r < order.size(); ++r) units_[order[r]].rank = r;
  }

  int priority_of(const std::string& feed_id) const {
    const auto found = input_.feed_priority.find(feed_id);
    return found == input_.feed_priority.end() ? 0 : found->second;
  }

  static bool ranks_before(const Unit& a, const Unit& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (*a.feed_id != *b.feed_id) return *a.feed_id < *b.feed_id;
    return *a.uid < *b.uid;
  }

  bool is_series(std::size_t unit) const {
    return units_[unit].main != SIZE_MAX && events_[units_[unit].main].recurring();
  }

  bool is_single(std::size_t unit) const {
    return units_[unit].main != SIZE_MAX && !events_[units_[unit].main].recurring();
  }

  const core::Event& representative(std::size_t unit) const {
    const Unit& u = units_[unit];
    return events_[u.main != SIZE_MAX ? u.main : u.overrides.front()];
  }

  // ---- items: units, then occurrences of winning series

  std::size_t item_count() const { return units_.size() + occurrence_items_.size(); }
  bool is_occurrence(std::size_t item) const { return item >= units_.size(); }
  const OccurrenceItem& occurrence_item(std::size_t item) const {
    return occurrence_items_[item - units_.size()];
  }
  std::uint32_t feed_of(std::size_t item) const { return units_[unit_of(item)].feed; }
  std::size_t unit_of(std::size_t item) const {
    return is_occurrence(item) ? occurrence_item(item).unit : item;
  }

  SourceRef ref_of(std::size_t item) const {
    const Unit& unit = units_[unit_of(item)];
    return {*unit.feed_id, *unit.uid,
            is_occurrence(item) ? occurrence_item(item).recurrence : std::string()};
  }

  // Items rank by their unit, then by recurrence key.
  bool item_before(std::size_t a, std::size_t b) const {
    const std::size_t ra = units_[unit_of(a)].rank;
    const std::size_t rb = units_[unit_of(b)].rank;
    if (ra != rb) return ra < rb;
    if (is_occurrence(a) != is_occurrence(b)) return !is_occurrence(a);
    return is_occurrence(a) && occurrence_item(a).recurrence < occurrence_item(b).recurrence;
  }

  // Every event's folded title and place, once.
  void fold_all() {
    std::vector<KeyOffsets> offsets;
    offsets.reserve(events_.size());
    pool_.reserve(events_.size() * 8);
    for (const core::Event& event : events_) {
      offsets.push_back(fold_keys(event.summary, event.location, words_, pool_));
    }
    keys_.reserve(events_.size());
    for (const KeyOffsets& offset : offsets) keys_.push_back(keys_in(offset, pool_));
  }

  std::size_t event_of(std::size_t item) const {
    if (is_occurrence(item)) return occurrence_item(item).source_event;
    const Unit& unit = units_[item];
    return unit.main != SIZE_MAX ? unit.main : unit.overrides.front();
  }

  MatchSide side_of(std::size_t item) const {
    const MatchKeys& keys = keys_[event_of(item)];
    if (!is_occurrence(item)) {
      const core::Event& event = events_[event_of(item)];
      return match_side(keys, event.start, event.end, *zone_);
    }
    const core::Occurrence& occurrence = *occurrence_item(item).occurrence;
    return match_side(keys, occurrence.start, occurrence.end, *zone_);
  }

  // ---- joining

  // Joins the clusters of two items when allowed; true when they are (now) one.
  // `series`: two series (the same rule from the same start) may join each other.
  bool join(std::size_t a, std::size_t b, bool forced, bool series = false) {
    std::size_t ra = sets_.find(a);
    std::size_t rb = sets_.find(b);
    if (ra == rb) return true;
    ClusterFacts& fa = facts_[ra];
    ClusterFacts& fb = facts_[rb];
    if (!forced) {
      if (series ? !(fa.has_series && fb.has_series) : (fa.has_series || fb.has_series)) {
        return false;
      }
      if (fa.has_occurrence && fb.has_occurrence) return false;
      for (const std::string* feed : fa.feeds) {
        for (const std::string* other : fb.feeds) {
          if (*feed == *other) return false;  // one copy per feed
        }
      }
    }
    if (!apart_.empty()) {
      for (std::size_t x : fa.members) {
        for (std::size_t y : fb.members) {
          if (apart_.count(pair_key(ref_of(x), ref_of(y))) != 0) return false;
        }
      }
    }
    if (fa.members.size() < fb.members.size()) std::swap(ra, rb);
    ClusterFacts& into = facts_[ra];
    ClusterFacts& from = facts_[rb];
    into.members.insert(into.members.end(), from.members.begin(), from.members.end());
    into.feeds.insert(into.feeds.end(), from.feeds.begin(), from.feeds.end());
    into.has_series = into.has_series || from.has_series;
    into.has_occurrence = into.has_occurrence || from.has_occurrence;
    from = ClusterFacts{};
    sets_.unite_into(ra, rb);
    return true;
  }

  void read_decisions() {
    if (input_.memory == nullptr) return;
    for (const core::MergeDecision& decision : input_.memory->decisions) {
      if (decision.kind == core::MergeDecisionKind::kApart) {
        apart_.insert(pair_key(decision.a, decision.b));
      }
    }
  }

  // Same UID in several feeds: one event, unless a decision keeps them apart or nothing else
  // about them agrees (two partners' generic "event-12" UIDs colliding).
  void join_same_uids() {
    std::unordered_map<std::string_view, std::vector<std::size_t>> by_uid;
    for (std::size_t u = 0; u < units_.size(); ++u) {
      if (!units_[u].uid->empty()) by_uid[*units_[u].uid].push_back(u);
    }
    for (auto& [uid, group] : by_uid) {
      if (group.size() < 2) continue;
      std::sort(group.begin(), group.end(),
                [&](std::size_t a, std::size_t b) { return units_[a].rank < units_[b].rank; });
      for (std::size_t k = 1; k < group.size(); ++k) {
        const std::size_t first = group.front();
        const std::size_t other = group[k];
        PairScore pair{ref_of(first), ref_of(other), {}, "same uid"};
        if (is_single(first) && is_single(other)) {
          pair.score = score_pair(side_of(first), side_of(other), words_);
          if ((pair.score.veto == Veto::kTimes || pair.score.veto == Veto::kDates) &&
              pair.score.title < kMinTitleSimilarity) {
            pair.how = "kept apart: same uid, nothing else alike";
            result_.near_misses.push_back(std::move(pair));
            continue;
          }
        } else {
          pair.score.total = 1;
        }
        if (join(first, other, /*forced=*/true)) {
          result_.links.push_back(std::move(pair));
        } else {
          pair.how = "kept apart: decision";
          result_.near_misses.push_back(std::move(pair));
        }
      }
    }
  }

  // Join decisions whose two sides are known items (units, or occurrence items once created).
  void apply_join_decisions(bool occurrences) {
    if (input_.memory == nullptr) return;
    for (const core::MergeDecision& decision : input_.memory->decisions) {
      if (decision.kind != core::MergeDecisionKind::kJoin) continue;
      const bool involves_occurrence =
          !decision.a.recurrence.empty() || !decision.b.recurrence.empty();
      if (involves_occurrence != occurrences) continue;
      const auto a = item_by_key_.find(core::source_key(decision.a));
      const auto b = item_by_key_.find(core::source_key(decision.b));
      if (a == item_by_key_.end() || b == item_by_key_.end()) continue;  // gone from feeds
      if (join(a->second, b->second, /*forced=*/true)) {
        result_.links.push_back({decision.a, decision.b, {}, "decision: join"});
      }
    }
  }

  void index_item(std::size_t item) { item_by_key_.emplace(core::source_key(ref_of(item)), item); }

  void add_occurrence_items() {
    if (input_.occurrences == nullptr) return;
    // The winning series of each cluster: the best-ranked series in it.
    std::unordered_map<std::size_t, std::size_t> winner_of_root;
    for (std::size_t u = 0; u < units_.size(); ++u) {
      if (!is_series(u)) continue;
      const std::size_t root = sets_.find(u);
      auto [found, inserted] = winner_of_root.emplace(root, u);
      if (!inserted && units_[u].rank < units_[found->second].rank) found->second = u;
    }
    std::unordered_map<std::string, std::size_t> winner_by_key;
    for (const auto& [root, unit] : winner_of_root) {
      winner_by_key.emplace(*units_[unit].feed_id + kSeparator + *units_[unit].uid, unit);
      (void)root;
    }
    std::string key;
    std::unordered_map<std::string, std::size_t> overrides;  // of the current winner, by key
    std::size_t overrides_of = SIZE_MAX;
    for (const core::Occurrence& occurrence : *input_.occurrences) {
      if (!occurrence.recurrence_id) continue;
      key.assign(occurrence.feed_id).push_back(kSeparator);
      key.append(occurrence.uid);
      const auto winner = winner_by_key.find(key);
      if (winner == winner_by_key.end()) continue;
      const Unit& unit = units_[winner->second];
      if (overrides_of != winner->second) {
        overrides.clear();
        for (std::size_t index : unit.overrides) {
          overrides.emplace(events_[index].recurrence_id->key(), index);
        }
        overrides_of = winner->second;
      }
      std::string recurrence = occurrence.recurrence_id->key();
      const auto override_event = overrides.find(recurrence);
      const std::size_t source =
          override_event != overrides.end() ? override_event->second : unit.main;
      occurrence_items_.push_back({winner->second, &occurrence, std::move(recurrence), source});
    }
    const std::size_t count = item_count();
    sets_ = extend(std::move(sets_), count);
    facts_.resize(count);
    for (std::size_t item = units_.size(); item < count; ++item) {
      facts_[item].members.push_back(item);
      facts_[item].feeds.push_back(units_[unit_of(item)].feed_id);
      facts_[item].has_occurrence = true;
      index_item(item);
    }
  }

  // DisjointSets over more items, keeping the unions made so far.
  DisjointSets extend(DisjointSets old, std::size_t count) {
    DisjointSets bigger(count);
    for (std::size_t item = 0; item < units_.size(); ++item) {
      const std::size_t root = old.find(item);
      if (root != item) bigger.unite_into(root, item);
    }
    return bigger;
  }

  // ---- fuzzy matching: series against series with the same rule and start

  struct Candidate {
    std::size_t a = 0;
    std::size_t b = 0;
    Score score;
  };

  // Two partners listing one weekly meeting as a series each: one series. Only series with
  // the same rule (its parts in any order) from the same start are compared.
  void match_series() {
    std::map<std::pair<std::string, std::int64_t>, std::vector<std::size_t>> groups;
    for (std::size_t u = 0; u < units_.size(); ++u) {
      if (!is_series(u)) continue;
      const core::Event& event = events_[units_[u].main];
      std::vector<std::string> parts = core::split(core::ascii_upper(event.rrule), ';');
      std::sort(parts.begin(), parts.end());
      std::string rule = core::join(parts, ";");
      for (const core::EventTime& time : event.rdates) rule += "|" + time.key();
      groups[{std::move(rule), event.start.sort_seconds()}].push_back(u);
    }
    std::vector<Candidate> accepted;
    for (auto& [key, group] : groups) {
      if (group.size() < 2) continue;
      std::sort(group.begin(), group.end(),
                [&](std::size_t a, std::size_t b) { return units_[a].rank < units_[b].rank; });
      // A few copies of one series at most; a huge group costs no more than this.
      const std::size_t count = std::min<std::size_t>(group.size(), kMaxComparedPerEvent);
      for (std::size_t i = 0; i < count; ++i) {
        for (std::size_t j = i + 1; j < count; ++j) {
          if (units_[group[i]].feed == units_[group[j]].feed) continue;
          const Score score = score_pair(side_of(group[i]), side_of(group[j]), words_);
          if (score.merges(input_.config.threshold)) {
            accepted.push_back({group[i], group[j], score});
          } else if (is_near_miss(score)) {
            result_.near_misses.push_back(
                {ref_of(group[i]), ref_of(group[j]), score,
                 std::string("kept apart: ") +
                     (score.veto != Veto::kNone ? to_string(score.veto) : "below the threshold")});
          }
        }
      }
    }
    std::stable_sort(accepted.begin(), accepted.end(), [](const Candidate& x, const Candidate& y) {
      return x.score.total > y.score.total;
    });
    for (const Candidate& pair : accepted) {
      if (sets_.find(pair.a) == sets_.find(pair.b)) continue;
      PairScore scored{ref_of(pair.a), ref_of(pair.b), pair.score, "score (series)"};
      if (join(pair.a, pair.b, /*forced=*/false, /*series=*/true)) {
        result_.links.push_back(std::move(scored));
      }
    }
  }

  // ---- fuzzy matching: single events against single events and occurrences of series

  void match_candidates() {
    // The records: single events outside series clusters, and occurrence items.
    std::vector<std::size_t> records;
    for (std::size_t u = 0; u < units_.size(); ++u) {
      if (is_single(u) && !facts_[sets_.find(u)].has_series) records.push_back(u);
    }
    for (std::size_t item = units_.size(); item < item_count(); ++item) records.push_back(item);
    // In rank order, not input order: the scan budget then spends the same way whatever order
    // the store returned the events in.
    std::sort(records.begin(), records.end(),
              [&](std::size_t a, std::size_t b) { return item_before(a, b); });

    std::vector<MatchSide> sides;
    sides.reserve(records.size());
    for (std::size_t item : records) sides.push_back(side_of(item));

    // (local day, word) -> records, for every word of the title: one sorted array of entries
    // and the range of each key.
    constexpr std::int64_t kDayOffset = std::int64_t{1} << 22;
    const auto posting_key = [](std::int64_t day, std::uint32_t word, bool all_day) {
      return (static_cast<std::uint64_t>(day + kDayOffset) << 33) |
             (static_cast<std::uint64_t>(word) << 1) | (all_day ? 1u : 0u);
    };
    // A list per (local day, title word, all-day or timed), each sorted by start: a timed
    // event only looks at timed copies starting within the hour around it, so the work per
    // event stays flat however many events a day holds.
    struct Entry {
      std::uint64_t key = 0;
      std::int64_t start = 0;
      std::uint32_t record = 0;
      std::uint32_t title_size = 0;
      bool operator<(const Entry& other) const {
        return std::tie(key, start, record) < std::tie(other.key, other.start, other.record);
      }
    };
    std::vector<Entry> entries;
    entries.reserve(records.size() * 4);
    for (std::size_t r = 0; r < records.size(); ++r) {
      const MatchSide& side = sides[r];
      for (std::uint32_t word : side.keys->title) {
        entries.push_back({posting_key(side.first_day, word, side.all_day), side.start,
                           static_cast<std::uint32_t>(r),
                           static_cast<std::uint32_t>(side.keys->title.size())});
      }
    }
    std::sort(entries.begin(), entries.end());
    // Where each list starts and ends, in an open-addressing table (one probe or two per
    // look-up; std::unordered_map's nodes cost a cache miss each).
    struct Slot {
      std::uint64_t key = 0;  // 0: empty (a real key has the day offset in its high bits)
      std::uint32_t begin = 0;
      std::uint32_t end = 0;
    };
    std::size_t capacity = 16;
    while (capacity < entries.size() * 2) capacity *= 2;
    std::vector<Slot> slots(capacity);
    const auto slot_of = [&](std::uint64_t key) {
      std::size_t at =
          static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 20) & (capacity - 1);
      while (slots[at].key != 0 && slots[at].key != key) at = (at + 1) & (capacity - 1);
      return at;
    };
    for (std::size_t e = 0; e < entries.size();) {
      std::size_t end = e;
      while (end < entries.size() && entries[end].key == entries[e].key) ++end;
      slots[slot_of(entries[e].key)] = {entries[e].key, static_cast<std::uint32_t>(e),
                                        static_cast<std::uint32_t>(end)};
      e = end;
    }
    // The entries of one list with a start in [from, to].
    const auto find_list = [&](std::int64_t day, std::uint32_t word, bool all_day,
                               std::int64_t from, std::int64_t to,
                               std::pair<std::uint32_t, std::uint32_t>& list) {
      const std::uint64_t key = posting_key(day, word, all_day);
      const Slot& slot = slots[slot_of(key)];
      if (slot.key != key) return false;
      const auto first = entries.begin() + slot.begin;
      const auto last = entries.begin() + slot.end;
      const auto begin = std::lower_bound(first, last, Entry{key, from, 0, 0});
      const auto end = std::upper_bound(begin, last, Entry{key, to, UINT32_MAX, 0});
      if (begin == end) return false;
      list = {static_cast<std::uint32_t>(begin - entries.begin()),
              static_cast<std::uint32_t>(end - entries.begin())};
      return true;
    };

    std::vector<Candidate> accepted;
    std::vector<Candidate> near;
    std::vector<std::uint16_t> shared_count(records.size(), 0);
    std::vector<std::uint32_t> title_size(records.size(), 0);
    std::vector<std::uint32_t> touched;
    std::vector<std::pair<std::uint16_t, std::uint32_t>> candidates;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> lists;
    constexpr std::int64_t kAny = std::numeric_limits<std::int64_t>::max() / 2;
    for (std::size_t r = 0; r < records.size(); ++r) {
      const MatchSide& side = sides[r];
      lists.clear();
      for (std::uint32_t word : side.keys->title) {
        for (std::int64_t day = side.first_day - 1; day <= side.first_day + 1; ++day) {
          std::pair<std::uint32_t, std::uint32_t> list;
          // Timed copies: within the hour of a timed event, any time of an all-day one's day.
          const std::int64_t from = side.all_day ? -kAny : side.start - kMaxStartGapSeconds;
          const std::int64_t to = side.all_day ? kAny : side.start + kMaxStartGapSeconds;
          if (find_list(day, word, false, from, to, list)) lists.push_back(list);
          if (find_list(day, word, true, -kAny, kAny, list)) lists.push_back(list);
        }
      }
      // Rare words first: a real copy shares them, and the budget is spent on likely pairs.
      std::sort(lists.begin(), lists.end(), [](const auto& x, const auto& y) {
        const std::uint32_t x_size = x.second - x.first;
        const std::uint32_t y_size = y.second - y.first;
        return x_size != y_size ? x_size < y_size : x.first < y.first;
      });
      // Count the title words each later record shares with this one; only those sharing at
      // least half the words of the shorter title can be alike enough (kMinTitleSimilarity).
      std::size_t scanned = 0;
      touched.clear();
      for (const auto& [begin, end] : lists) {
        for (std::uint32_t e = begin; e < end && scanned < kMaxScannedPerEvent; ++e, ++scanned) {
          const std::uint32_t s = entries[e].record;
          if (s <= r) continue;
          if (shared_count[s]++ == 0) {
            touched.push_back(s);
            title_size[s] = entries[e].title_size;
          }
        }
      }
      candidates.clear();
      for (std::uint32_t s : touched) {
        const std::size_t shorter = std::min<std::size_t>(side.keys->title.size(), title_size[s]);
        if (2 * shared_count[s] >= shorter) candidates.emplace_back(shared_count[s], s);
        shared_count[s] = 0;
      }
      // The most alike first, then in record order; at most kMaxComparedPerEvent.
      std::sort(candidates.begin(), candidates.end(), [](const auto& x, const auto& y) {
        return x.first != y.first ? x.first > y.first : x.second < y.second;
      });
      std::size_t compared = 0;
      stats_.scanned += scanned;
      stats_.touched += touched.size();
      stats_.lists += lists.size();
      for (const auto& [count, s] : candidates) {
        if (compared >= kMaxComparedPerEvent) break;
        const std::size_t a = records[r];
        const std::size_t b = records[s];
        if (feed_of(a) == feed_of(b)) continue;
        if (is_occurrence(a) && is_occurrence(b)) continue;
        ++compared;
        ++stats_.compared;
        const Score score = score_pair(sides[r], sides[s], words_);
        if (score.merges(input_.config.threshold)) {
          accepted.push_back({a, b, score});
        } else if (is_near_miss(score)) {
          near.push_back({a, b, score});
        }
      }
    }

    // Best pairs first; ties in a fixed order, so the input's order does not matter.
    const auto ordered = [&](const Candidate& x) {
      return item_before(x.a, x.b) ? std::pair(x.a, x.b) : std::pair(x.b, x.a);
    };
    std::sort(accepted.begin(), accepted.end(), [&](const Candidate& x, const Candidate& y) {
      if (x.score.total != y.score.total) return x.score.total > y.score.total;
      const auto [x1, x2] = ordered(x);
      const auto [y1, y2] = ordered(y);
      if (x1 != y1) return item_before(x1, y1);
      return item_before(x2, y2);
    });
    for (const Candidate& pair : accepted) {
      const auto [a, b] = ordered(pair);
      if (sets_.find(a) == sets_.find(b)) continue;  // already one (same UID, a better pair)
      PairScore scored{ref_of(a), ref_of(b), pair.score, "score"};
      if (join(a, b, /*forced=*/false)) {
        result_.links.push_back(std::move(scored));
      } else {
        scored.how =
            "kept apart: each is already joined to another copy from the same feed, "
            "or a decision";
        result_.near_misses.push_back(std::move(scored));
      }
    }
    for (const Candidate& pair : near) {
      if (sets_.find(pair.a) == sets_.find(pair.b)) continue;
      const auto [a, b] = ordered(pair);
      result_.near_misses.push_back({ref_of(a), ref_of(b), pair.score,
                                     pair.score.veto != Veto::kNone
                                         ? std::string("kept apart: ") + to_string(pair.score.veto)
                                         : std::string("kept apart: below the threshold")});
    }
  }

  bool is_near_miss(const Score& score) const {
    if (score.veto == Veto::kNone) {
      return score.total >= input_.config.threshold - input_.config.review_margin;
    }
    return score.veto != Veto::kTitles && score.title >= kNearMissTitle;
  }

  // ---- output

  struct Cluster {
    std::vector<std::size_t> members;  // items, best-ranked first
    std::size_t anchor = 0;            // the best-ranked unit
    bool series = false;
    std::size_t occurrence = SIZE_MAX;  // the occurrence item, for a single joining a series
    std::string uid;                    // merged UID (top-level clusters)
  };

  void build_output() {
    std::unordered_map<std::size_t, std::size_t> cluster_of_root;
    std::vector<Cluster> clusters;
    for (std::size_t item = 0; item < item_count(); ++item) {
      const std::size_t root = sets_.find(item);
      auto [found, inserted] = cluster_of_root.emplace(root, clusters.size());
      if (inserted) clusters.emplace_back();
      clusters[found->second].members.push_back(item);
    }
    std::vector<std::size_t> top_level;
    for (std::size_t c = 0; c < clusters.size(); ++c) {
      Cluster& cluster = clusters[c];
      std::sort(cluster.members.begin(), cluster.members.end(),
                [&](std::size_t a, std::size_t b) { return item_before(a, b); });
      cluster.anchor = unit_of(cluster.members.front());
      for (std::size_t item : cluster.members) {
        if (is_occurrence(item)) {
          if (cluster.occurrence == SIZE_MAX) cluster.occurrence = item;
        } else if (is_series(item)) {
          cluster.series = true;
        }
      }
      // An occurrence nobody else listed is shown by its series; a single that joined one is
      // an override of that series, named after it.
      if (cluster.occurrence != SIZE_MAX && !cluster.series) continue;
      top_level.push_back(c);
    }
    assign_uids(clusters, top_level);
    std::vector<std::size_t> cluster_of_unit(units_.size(), SIZE_MAX);
    for (std::size_t c : top_level) {
      for (std::size_t item : clusters[c].members) {
        if (!is_occurrence(item)) cluster_of_unit[item] = c;
      }
    }
    // Occurrence clusters first: they claim the overrides they replace.
    for (Cluster& cluster : clusters) {
      if (cluster.occurrence == SIZE_MAX || cluster.series || cluster.members.size() < 2) continue;
      const std::size_t series_unit = occurrence_item(cluster.occurrence).unit;
      const std::size_t series_cluster = cluster_of_unit[series_unit];
      if (series_cluster == SIZE_MAX) continue;
      emit_joined_occurrence(cluster, clusters[series_cluster].uid);
    }
    for (std::size_t c : top_level) emit_cluster(clusters[c]);
    sort_output();
  }

  // Remembered UIDs first (each to the best-ranked cluster claiming it), then new ones.
  void assign_uids(std::vector<Cluster>& clusters, std::vector<std::size_t>& top_level) {
    std::sort(top_level.begin(), top_level.end(), [&](std::size_t a, std::size_t b) {
      return units_[clusters[a].anchor].rank < units_[clusters[b].anchor].rank;
    });
    std::unordered_set<std::string> taken;
    taken.reserve(top_level.size());
    // A cluster holding the source whose own UID is the merged one keeps it (after a split, the
    // partner that gave the UID first keeps it)...
    for (std::size_t c : top_level) {
      Cluster& cluster = clusters[c];
      for (std::size_t item : cluster.members) {
        if (is_occurrence(item)) continue;
        const auto found = remembered_uid_.find(core::source_key(ref_of(item)));
        if (found != remembered_uid_.end() && *found->second == *units_[item].uid &&
            taken.insert(*found->second).second) {
          cluster.uid = *found->second;
          break;
        }
      }
    }
    // ... then the other remembered UIDs go to the best-ranked cluster claiming them.
    for (std::size_t c : top_level) {
      if (!clusters[c].uid.empty()) continue;
      Cluster& cluster = clusters[c];
      for (std::size_t item : cluster.members) {
        if (is_occurrence(item)) continue;
        const auto found = remembered_uid_.find(core::source_key(ref_of(item)));
        if (found == remembered_uid_.end()) continue;
        const std::string& uid = *found->second;
        if (uid.find(kSeparator) != std::string::npos) continue;  // an occurrence's identity
        if (taken.insert(uid).second) {
          cluster.uid = uid;
          break;
        }
      }
    }
    for (std::size_t c : top_level) {
      Cluster& cluster = clusters[c];
      if (!cluster.uid.empty()) continue;
      const Unit& anchor = units_[cluster.anchor];
      std::string uid = *anchor.uid;
      if (uid.empty()) uid = made_up_uid(representative(cluster.anchor));
      if (!taken.insert(uid).second) {
        // Another event already has this UID (a split, or two feeds' colliding UIDs).
        const std::string base =
            uid + "-" + core::hex64(core::fnv1a64(*anchor.feed_id)).substr(0, 8);
        uid = base;
        for (int n = 2; !taken.insert(uid).second; ++n) uid = base + "-" + std::to_string(n);
      }
      cluster.uid = std::move(uid);
    }
    for (std::size_t c : top_level) {
      for (std::size_t item : clusters[c].members) {
        if (!is_occurrence(item)) {
          result_.identities.push_back({core::source_key(ref_of(item)), clusters[c].uid});
        }
      }
    }
  }

  static std::string made_up_uid(const core::Event& event) {
    return "concerto-" +
           core::hex64(core::fnv1a64(event.feed_id + kSeparator + event.summary + kSeparator +
                                     event.start.key())) +
           "@concerto";
  }

  std::vector<Copy> copies_of(const Cluster& cluster) const {
    std::vector<Copy> copies;
    for (std::size_t item : cluster.members) {
      if (is_occurrence(item) || units_[item].main == SIZE_MAX) continue;
      copies.push_back({&events_[units_[item].main], units_[item].priority});
    }
    return copies;
  }

  std::vector<SourceRef> sources_of(const Cluster& cluster) const {
    std::vector<SourceRef> sources;
    sources.reserve(cluster.members.size());
    for (std::size_t item : cluster.members) sources.push_back(ref_of(item));
    return sources;
  }

  void emit_cluster(const Cluster& cluster) {
    std::vector<Copy> copies = copies_of(cluster);
    // The unit whose times are used: the winning series, else the best-ranked timed copy (a
    // timed copy beats an all-day one of the same day), else the best-ranked.
    std::size_t timing = cluster.anchor;
    bool chosen = false;
    for (std::size_t item : cluster.members) {
      if (is_occurrence(item) || units_[item].main == SIZE_MAX) continue;
      if (!chosen) timing = item;  // at least a unit with a main event
      chosen = true;
      if (cluster.series ? is_series(item) : !events_[units_[item].main].start.all_day) {
        timing = item;
        break;
      }
    }
    const Unit& timing_unit = units_[timing];
    if (timing_unit.main != SIZE_MAX) {
      MergedEvent merged;
      merged.event = merge_fields(events_[timing_unit.main], copies);
      merged.event.uid = cluster.uid;
      merged.source_uid = *timing_unit.uid;
      merged.sources = sources_of(cluster);
      push(std::move(merged), copies);
    }
    // Overrides: for each RECURRENCE-ID the best-ranked unit's (an organiser may publish only
    // the override that cancels one session of a partner's series).
    std::map<std::string, std::pair<std::size_t, std::size_t>> overrides;  // key -> unit, event
    for (std::size_t item : cluster.members) {
      if (is_occurrence(item)) continue;
      for (std::size_t index : units_[item].overrides) {
        if (claimed_overrides_.count(index) != 0) continue;
        // Members are best-ranked first: the first unit to give a key keeps it.
        overrides.emplace(events_[index].recurrence_id->key(), std::pair(item, index));
      }
    }
    for (const auto& [key, override_of] : overrides) {
      const Unit& unit = units_[override_of.first];
      MergedEvent merged;
      merged.event = events_[override_of.second];
      merged.event.uid = cluster.uid;
      // The stored occurrences are the timing unit's; the JSON finds the override by its key.
      merged.event.feed_id = *timing_unit.feed_id;
      merged.source_uid = *timing_unit.uid;
      merged.sources.push_back({*unit.feed_id, *unit.uid, key});
      push(std::move(merged), {{&events_[override_of.second], unit.priority}});
    }
  }

  // A single event of another feed joined one occurrence of a series: an override of that
  // occurrence carrying the merged fields, under the series' merged UID.
  void emit_joined_occurrence(const Cluster& cluster, const std::string& series_uid) {
    const OccurrenceItem& item = occurrence_item(cluster.occurrence);
    const Unit& series = units_[item.unit];
    const std::size_t source = item.source_event;
    core::Event base = events_[source];
    if (source == series.main) {
      base.rrule.clear();
      base.rdates.clear();
      base.exdates.clear();
      base.recurrence_id = item.occurrence->recurrence_id;
    } else {
      claimed_overrides_.insert(source);
    }
    base.start = item.occurrence->start;
    base.end = item.occurrence->end;
    std::vector<Copy> copies;
    std::vector<std::size_t> singles;
    for (std::size_t member : cluster.members) {
      if (member == cluster.occurrence) {
        copies.push_back({&events_[source], series.priority});
      } else if (!is_occurrence(member) && units_[member].main != SIZE_MAX) {
        copies.push_back({&events_[units_[member].main], units_[member].priority});
        singles.push_back(member);
      }
    }
    std::stable_sort(copies.begin(), copies.end(),
                     [](const Copy& a, const Copy& b) { return a.priority > b.priority; });
    MergedEvent merged;
    merged.event = merge_fields(std::move(base), copies);
    merged.event.uid = series_uid;
    merged.source_uid = *series.uid;
    merged.sources = sources_of(cluster);
    for (std::size_t single : singles) {
      result_.identities.push_back(
          {core::source_key(ref_of(single)), series_uid + kSeparator + item.recurrence});
    }
    push(std::move(merged), copies);
  }

  // Gives the event its SEQUENCE: the remembered one, one more when the content changed, never
  // below what a source says.
  void push(MergedEvent merged, const std::vector<Copy>& copies) {
    int source_sequence = merged.event.sequence;
    for (const Copy& copy : copies)
      source_sequence = std::max(source_sequence, copy.event->sequence);
    const std::string hash = content_hash(merged.event);
    std::string key = merged.event.uid;
    key.push_back(kSeparator);
    key.append(core::recurrence_key(merged.event));
    int sequence = std::max(source_sequence, 0);
    if (const auto found = remembered_sequence_.find(key); found != remembered_sequence_.end()) {
      const core::MergeSequence& before = *found->second;
      sequence =
          std::max(sequence, before.content_hash == hash ? before.sequence : before.sequence + 1);
    }
    merged.event.sequence = sequence;
    result_.sequences.push_back({std::move(key), hash, sequence});
    result_.events.push_back(std::move(merged));
  }

  void sort_output() {
    std::vector<MergedEvent>& events = result_.events;
    struct Key {
      std::int64_t start = 0;
      std::int64_t recurrence = 0;  // the RECURRENCE-ID's sort seconds; series first
      std::size_t index = 0;
    };
    std::vector<Key> keys;
    keys.reserve(events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
      const core::Event& event = events[i].event;
      keys.push_back({event.start.sort_seconds(),
                      event.recurrence_id ? event.recurrence_id->sort_seconds()
                                          : std::numeric_limits<std::int64_t>::min(),
                      i});
    }
    std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
      const core::Event& x = events[a.index].event;
      const core::Event& y = events[b.index].event;
      return std::tie(a.start, x.uid, a.recurrence, x.feed_id) <
             std::tie(b.start, y.uid, b.recurrence, y.feed_id);
    });
    std::vector<MergedEvent> ordered;
    ordered.reserve(events.size());
    for (const Key& key : keys) ordered.push_back(std::move(events[key.index]));
    events = std::move(ordered);
  }

  const DedupInput& input_;
  const std::vector<core::Event>& events_;
  core::ZonePtr zone_;
  std::unordered_map<std::string_view, const std::string*> remembered_uid_;
  std::unordered_map<std::string_view, const core::MergeSequence*> remembered_sequence_;
  std::unordered_set<std::string> apart_;
  std::vector<Unit> units_;
  std::vector<OccurrenceItem> occurrence_items_;
  std::unordered_map<std::string, std::size_t> item_by_key_;
  WordTable words_;
  std::vector<std::uint32_t> pool_;  // the word ids keys_ point into
  std::vector<MatchKeys> keys_;      // by event index
  DisjointSets sets_;
  std::vector<ClusterFacts> facts_;
  std::unordered_set<std::size_t> claimed_overrides_;
  DedupResult result_;
  struct {
    std::size_t lists = 0, scanned = 0, touched = 0, compared = 0;
  } stats_;

 public:
  void print_stats() const {
    if (std::getenv("CONCERTO_DEDUP_TIMING") == nullptr) return;
    std::fprintf(stderr, "dedup lists %zu scanned %zu touched %zu compared %zu\n", stats_.lists,
                 stats_.scanned, stats_.touched, stats_.compared);
  }
};

}  // namespace

DedupResult deduplicate(const DedupInput& input) {
  if (input.events == nullptr) return {};
  return Deduplicator(input).run();
}

}  // namespace concerto::dedup
