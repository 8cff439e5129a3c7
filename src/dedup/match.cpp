#include "dedup/match.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <vector>

#include "core/civil_time.h"

namespace concerto::dedup {
namespace {

// True when one edit (substitution, insertion or deletion) turns a into b: a typo.
bool one_edit_apart(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) return a.substr(i + 1) == b.substr(i + 1);
  return a.substr(i) == b.substr(i + 1);
}

// Two different title words that count as one: a typo in a word of seven letters or more, an
// extension of one or two letters of a word of four letters or more ("vote"/"votez"), or one
// stem. City names one letter apart ("Cannes"/"Vannes", "Nantes"/"Nanterre") stay different.
bool alike_words(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (a.size() >= 4 && b.size() - a.size() <= 2 && b.substr(0, a.size()) == a) return true;
  // One stem, two endings: "evaluer"/"evaluation", "democratie"/"democratique"; not
  // "transition"/"transport" (the common part is too short a share of the shorter word).
  std::size_t common = 0;
  while (common < a.size() && a[common] == b[common]) ++common;
  if (common >= 5 && common * 10 >= a.size() * 7) return true;
  return a.size() >= 7 && one_edit_apart(a, b);
}

// Words two sorted id lists share; with `words`, alike words among the rest count too.
std::size_t shared_words(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b,
                         const WordTable* words) {
  constexpr std::size_t kMaxUnmatched = 16;  // beyond, only exact words count
  std::size_t shared = 0;
  std::uint32_t only_a[kMaxUnmatched];
  std::uint32_t only_b[kMaxUnmatched];
  std::size_t na = 0;
  std::size_t nb = 0;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      ++shared;
      ++i;
      ++j;
    } else if (j == b.size() || (i < a.size() && a[i] < b[j])) {
      if (na < kMaxUnmatched) only_a[na++] = a[i];
      ++i;
    } else {
      if (nb < kMaxUnmatched) only_b[nb++] = b[j];
      ++j;
    }
  }
  if (words == nullptr || na == 0 || nb == 0) return shared;
  bool used[kMaxUnmatched] = {};
  for (std::size_t x = 0; x < na; ++x) {
    const std::string_view word = words->word(only_a[x]);
    if (word.size() < 4) continue;
    for (std::size_t y = 0; y < nb; ++y) {
      if (!used[y] && alike_words(word, words->word(only_b[y]))) {
        used[y] = true;
        ++shared;
        break;
      }
    }
  }
  return shared;
}

// Dice on words, raised toward containment when the shorter title has two words or more: a
// subtitle added by one partner ("Rencontres nationales : agir ensemble") keeps them alike.
double title_similarity(const MatchKeys& a, const MatchKeys& b, const WordTable& words) {
  if (a.title.empty() || b.title.empty()) return 0;
  const double shared = static_cast<double>(shared_words(a.title, b.title, &words));
  const double dice = 2 * shared / static_cast<double>(a.title.size() + b.title.size());
  const std::size_t shorter = std::min(a.title.size(), b.title.size());
  if (shorter < 2) return dice;
  return std::max(dice, 0.9 * shared / static_cast<double>(shorter));
}

bool overlaps(const MatchSide& a, const MatchSide& b) {
  if (a.end <= a.start || b.end <= b.start) return true;
  return a.start < b.end && b.start < a.end;
}

// 1 for the same instant or the same dates; less for starts up to an hour apart or an all-day
// copy of a timed event; otherwise 0 and a veto.
double time_similarity(const MatchSide& a, const MatchSide& b, Veto& veto) {
  if (!a.all_day && !b.all_day) {
    if (a.start == b.start) return 1;
    const std::int64_t gap = std::llabs(a.start - b.start);
    if (gap > kMaxStartGapSeconds || !overlaps(a, b)) {
      veto = Veto::kTimes;
      return 0;
    }
    // Half an hour apart is common for one event (doors open at 9:30, it starts at 10:00).
    return gap <= kMaxStartGapSeconds / 2 ? 0.9 : 0.7;
  }
  if (a.all_day && b.all_day) {
    if (a.first_day == b.first_day) return a.last_day == b.last_day ? 1 : 0.9;
    if (a.first_day <= b.last_day && b.first_day <= a.last_day) return 0.6;
    veto = Veto::kDates;
    return 0;
  }
  // An all-day copy of a timed event: the timed one starts on one of its days.
  const MatchSide& dated = a.all_day ? a : b;
  const MatchSide& timed = a.all_day ? b : a;
  if (timed.first_day >= dated.first_day && timed.first_day <= dated.last_day) return 0.8;
  veto = Veto::kDates;
  return 0;
}

// 0.5 when a side gives no place: nothing for or against. Places compare exact words only.
double place_similarity(const MatchKeys& a, const MatchKeys& b, Veto& veto) {
  if (!a.has_place() || !b.has_place()) return 0.5;
  if (a.place.empty() || b.place.empty()) {
    // Both online: many events are, so it says less than one room.
    if (a.online && b.online) return 0.6;
    return 0.25;  // online and in a room: hybrid events exist, but it counts against
  }
  // Two towns named, neither found in the other place: "Salle des fêtes, Nantes" is not
  // "Salle des fêtes, Rezé".
  const auto town_in = [](const MatchKeys& town_of, const MatchKeys& other) {
    return shared_words(town_of.town, other.place, nullptr) > 0;
  };
  if (!a.town.empty() && !b.town.empty() && !town_in(a, b) && !town_in(b, a)) {
    veto = Veto::kPlaces;
    return 0;
  }
  const std::size_t shared = shared_words(a.place, b.place, nullptr);
  if (shared == 0) {
    // "En ligne et en mairie" against "Nantes" says little; two rooms sharing nothing do.
    if (a.online || b.online) return 0.25;
    veto = Veto::kPlaces;
    return 0;
  }
  return static_cast<double>(shared) /
         static_cast<double>(std::min(a.place.size(), b.place.size()));
}

std::int64_t local_day(const core::EventTime& time, const core::TimeZone& zone) {
  if (time.all_day) return core::days_from_civil(time.date);
  if (time.floating()) return core::days_from_civil(time.local.date);
  return core::days_from_civil(zone.to_local(time.utc).date);
}

}  // namespace

const char* to_string(Veto veto) {
  switch (veto) {
    case Veto::kNone:
      return "";
    case Veto::kTitles:
      return "titles differ";
    case Veto::kPartNumbers:
      return "numbered parts differ";
    case Veto::kTimes:
      return "times differ";
    case Veto::kDates:
      return "dates differ";
    case Veto::kPlaces:
      return "places differ";
    case Veto::kMarkers:
      return "numbers or quarters in the titles differ";
  }
  return "";
}

std::string describe(const Score& score) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "title %.2f · time %.2f · place %.2f = %.2f", score.title,
                score.time, score.place, score.total);
  std::string text = buffer;
  if (score.veto != Veto::kNone) text.append(", kept apart: ").append(to_string(score.veto));
  return text;
}

std::uint32_t WordTable::intern(std::string_view word) {
  if (const auto found = ids_.find(word); found != ids_.end()) return found->second;
  const std::string_view stored = storage_.emplace_back(word);
  const auto id = static_cast<std::uint32_t>(words_.size());
  words_.push_back(stored);
  ids_.emplace(stored, id);
  return id;
}

namespace {

// Quarters of a town that name different events of one slot ("Conseil de quartier Nord").
constexpr std::string_view kQuarterWords[] = {"centre", "east",  "est", "nord", "north",
                                              "ouest",  "south", "sud", "west"};

bool is_marker(std::string_view word) {
  if (!word.empty() &&
      std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return word.size() <= 3;  // not a postcode or a year (years are folded away already)
  }
  return std::find(std::begin(kQuarterWords), std::end(kQuarterWords), word) !=
         std::end(kQuarterWords);
}

}  // namespace

KeyOffsets fold_keys(std::string_view title, std::string_view place, WordTable& words,
                     std::vector<std::uint32_t>& pool) {
  const auto append_sorted = [&](const std::vector<std::string>& list, std::uint32_t& begin,
                                 std::uint32_t& size, bool markers_only) {
    begin = static_cast<std::uint32_t>(pool.size());
    for (const std::string& word : list) {
      if (pool.size() - begin >= kMaxKeyWords) break;
      if (!markers_only || is_marker(word)) pool.push_back(words.intern(word));
    }
    std::sort(pool.begin() + begin, pool.end());
    pool.erase(std::unique(pool.begin() + begin, pool.end()), pool.end());
    size = static_cast<std::uint32_t>(pool.size() - begin);
  };
  KeyOffsets offsets;
  const TitleKey title_key = fold_title(title);
  append_sorted(title_key.words, offsets.title_begin, offsets.title_size, false);
  append_sorted(title_key.words, offsets.markers_begin, offsets.markers_size, true);
  if (!title_key.part_numbers.empty()) {
    offsets.part = 1 + words.intern(title_key.part_numbers.front());
  }
  const PlaceKey place_key = fold_place(place);
  append_sorted(place_key.words, offsets.place_begin, offsets.place_size, false);
  offsets.online = place_key.online;
  // The town: the last part after a comma (or a line break), when there are two parts or more.
  const std::size_t cut = place.find_last_of(",\n");
  if (cut != std::string_view::npos) {
    append_sorted(fold_place(place.substr(cut + 1)).words, offsets.town_begin, offsets.town_size,
                  false);
  } else {
    offsets.town_begin = static_cast<std::uint32_t>(pool.size());
  }
  return offsets;
}

MatchKeys keys_in(const KeyOffsets& offsets, const std::vector<std::uint32_t>& pool) {
  const auto span = [&pool](std::uint32_t begin, std::uint32_t size) {
    return std::span<const std::uint32_t>(pool.data() + begin, size);
  };
  MatchKeys keys;
  keys.title = span(offsets.title_begin, offsets.title_size);
  keys.place = span(offsets.place_begin, offsets.place_size);
  keys.town = span(offsets.town_begin, offsets.town_size);
  keys.markers = span(offsets.markers_begin, offsets.markers_size);
  keys.part = offsets.part;
  keys.online = offsets.online;
  return keys;
}

MatchSide match_side(const MatchKeys& keys, const core::EventTime& start,
                     const core::EventTime& end, const core::TimeZone& site_zone) {
  MatchSide side;
  side.keys = &keys;
  side.all_day = start.all_day;
  side.start = start.sort_seconds();
  side.end = std::max(end.sort_seconds(), side.start);
  side.first_day = local_day(start, site_zone);
  if (start.all_day) {
    side.last_day = std::max(side.first_day, local_day(end, site_zone) - 1);
  } else {
    // The day of the last instant inside the event: an event ending at midnight ends the day
    // before.
    core::EventTime last = end;
    if (!last.all_day && side.end > side.start) {
      last.utc -= 1;
      last.local = core::civil_from_seconds(core::seconds_from_civil(last.local) - 1);
    }
    side.last_day = std::max(side.first_day,
                             side.end > side.start ? local_day(last, site_zone) : side.first_day);
  }
  return side;
}

Score score_pair(const MatchSide& a, const MatchSide& b, const WordTable& words) {
  Score score;
  score.title = title_similarity(*a.keys, *b.keys, words);
  score.time = time_similarity(a, b, score.veto);
  Veto place_veto = Veto::kNone;
  score.place = place_similarity(*a.keys, *b.keys, place_veto);
  score.total = kTitleWeight * score.title + kTimeWeight * score.time + kPlaceWeight * score.place;
  // The most telling veto first: numbered parts, then times, places, titles.
  // The first number is the part ("session 1/2" is part 1, like "session #1").
  if (a.keys->part != 0 && b.keys->part != 0 && a.keys->part != b.keys->part) {
    score.veto = Veto::kPartNumbers;
  } else if (!a.keys->markers.empty() && !b.keys->markers.empty() &&
             !std::equal(a.keys->markers.begin(), a.keys->markers.end(), b.keys->markers.begin(),
                         b.keys->markers.end())) {
    score.veto = Veto::kMarkers;
  } else if (score.veto == Veto::kNone && place_veto != Veto::kNone) {
    score.veto = place_veto;
  } else if (score.veto == Veto::kNone && score.title < kMinTitleSimilarity) {
    score.veto = Veto::kTitles;
  }
  return score;
}

}  // namespace concerto::dedup
