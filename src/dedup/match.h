#pragma once
// The transparent score that says whether two source events are one real-world event: a title
// part, a time part and a place part, weighted, with vetoes that no score overrides.

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "core/time_zone.h"
#include "dedup/fold.h"

namespace concerto::dedup {

struct MatchConfig {
  double threshold = 0.75;      // [dedup] threshold: merge at or above
  double review_margin = 0.15;  // [dedup] review_margin: near-misses this close below threshold
  std::string timezone = "Europe/Paris";  // [site] timezone: the local day candidates share
};

// Weights of the parts; each part is in [0, 1].
inline constexpr double kTitleWeight = 0.6;
inline constexpr double kTimeWeight = 0.25;
inline constexpr double kPlaceWeight = 0.15;
// Titles less alike than this never merge, whatever the time and place say.
inline constexpr double kMinTitleSimilarity = 0.5;
// Two timed copies whose starts are further apart than this are different events.
inline constexpr std::int64_t kMaxStartGapSeconds = 3600;

enum class Veto {
  kNone,
  kTitles,       // titles too different
  kPartNumbers,  // "Atelier #1" / "Atelier #2"
  kTimes,        // timed copies more than an hour apart, or not overlapping
  kDates,        // no common day
  kPlaces,       // both give a place and they share nothing, or name different towns
  kMarkers,      // "Réunion 1" / "Réunion 2", "quartier Nord" / "quartier Sud"
};

struct Score {
  double title = 0;
  double time = 0;
  double place = 0;
  double total = 0;  // the weighted sum; also set when vetoed, for the review list
  Veto veto = Veto::kNone;
  bool merges(double threshold) const { return veto == Veto::kNone && total >= threshold; }
};

// "title 0.92 · time 1.00 · place 0.50 = 0.88" or "... kept apart: numbered parts differ".
std::string describe(const Score& score);
const char* to_string(Veto veto);

// Words are compared as ids: every word is interned once per run.
class WordTable {
 public:
  std::uint32_t intern(std::string_view word);
  std::string_view word(std::uint32_t id) const { return words_[id]; }

 private:
  std::unordered_map<std::string_view, std::uint32_t> ids_;
  std::deque<std::string> storage_;  // stable addresses for the views
  std::vector<std::string_view> words_;
};

// An event's title and place as sorted word ids (spans into a pool owned by the caller).
struct MatchKeys {
  std::span<const std::uint32_t> title;
  std::span<const std::uint32_t> place;
  // The last comma-separated part of a place of two parts or more ("…, 44000 Nantes"): its town.
  std::span<const std::uint32_t> town;
  // Title words that tell two events of one slot apart: plain numbers ("Réunion 2") and
  // quarters ("Nord", "Sud"); two titles that both have some must have the same.
  std::span<const std::uint32_t> markers;
  std::uint32_t part = 0;  // 1 + the id of the first part number ("Atelier #2"); 0: none
  bool online = false;     // the place is (also) online
  bool has_place() const { return !place.empty() || online; }
};

// Folds and interns; appends the ids to `pool` and returns offsets that keys_in() turns into
// spans once the pool stops growing.
struct KeyOffsets {
  std::uint32_t title_begin = 0, title_size = 0, place_begin = 0, place_size = 0;
  std::uint32_t town_begin = 0, town_size = 0, markers_begin = 0, markers_size = 0, part = 0;
  bool online = false;
};
// Words kept of one title or place: beyond, a hostile line costs no more.
inline constexpr std::size_t kMaxKeyWords = 64;
KeyOffsets fold_keys(std::string_view title, std::string_view place, WordTable& words,
                     std::vector<std::uint32_t>& pool);
MatchKeys keys_in(const KeyOffsets& offsets, const std::vector<std::uint32_t>& pool);

// What the matcher knows of one side: its keys (shared by the occurrences of a series, so held
// by pointer) and its times.
struct MatchSide {
  const MatchKeys* keys = nullptr;
  bool all_day = false;
  std::int64_t start = 0;  // EventTime::sort_seconds of the start and end
  std::int64_t end = 0;
  // Local days (days_from_civil) the event covers in the site's zone: the dates of an all-day
  // event (last = end date - 1), the days of a timed one's start and end.
  std::int64_t first_day = 0;
  std::int64_t last_day = 0;
};

MatchSide match_side(const MatchKeys& keys, const core::EventTime& start,
                     const core::EventTime& end, const core::TimeZone& site_zone);

Score score_pair(const MatchSide& a, const MatchSide& b, const WordTable& words);

}  // namespace concerto::dedup
