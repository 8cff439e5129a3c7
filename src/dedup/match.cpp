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

// Two different words that count as one: a typo in a word of five letters or more (shorter
// ones one letter apart are often different words), or a short extension of a word of four
// letters or more ("vote"/"votez", "nante"/"nantaise" no: three letters at most).
bool alike_words(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (a.size() >= 4 && b.size() - a.size() <= 3 && b.substr(0, a.size()) == a) return true;
  return a.size() >= 5 && one_edit_apart(a, b);
}

// Words two sorted, unique lists share, alike words (alike_words) among the rest counted too.
std::size_t shared_words(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t shared = 0;
  std::vector<std::string_view> only_a;
  std::vector<std::string_view> only_b;
  auto x = a.begin();
  auto y = b.begin();
  while (x != a.end() && y != b.end()) {
    if (*x == *y) {
      ++shared;
      ++x;
      ++y;
    } else if (*x < *y) {
      if (x->size() >= 4) only_a.push_back(*x);
      ++x;
    } else {
      if (y->size() >= 4) only_b.push_back(*y);
      ++y;
    }
  }
  for (; x != a.end(); ++x) {
    if (x->size() >= 4) only_a.push_back(*x);
  }
  for (; y != b.end(); ++y) {
    if (y->size() >= 4) only_b.push_back(*y);
  }
  for (std::string_view word : only_a) {
    const auto typo = std::find_if(only_b.begin(), only_b.end(), [&](std::string_view other) {
      return alike_words(word, other);
    });
    if (typo != only_b.end()) {
      ++shared;
      only_b.erase(typo);
    }
  }
  return shared;
}

// Dice on words, raised toward containment when the shorter title has two words or more: a
// subtitle added by one partner ("Rencontres nationales : agir ensemble") keeps them alike.
double title_similarity(const TitleKey& a, const TitleKey& b) {
  if (a.words.empty() || b.words.empty()) return 0;
  const double shared = static_cast<double>(shared_words(a.words, b.words));
  const double dice = 2 * shared / static_cast<double>(a.words.size() + b.words.size());
  const std::size_t shorter = std::min(a.words.size(), b.words.size());
  if (shorter < 2) return dice;
  return std::max(dice, 0.9 * shared / static_cast<double>(shorter));
}

// A copy without an end (RSS items often have none) overlaps whatever starts near it.
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

// 0.5 when a side gives no place: nothing for or against.
double place_similarity(const PlaceKey& a, const PlaceKey& b, Veto& veto) {
  if (a.empty() || b.empty()) return 0.5;
  if (a.words.empty() || b.words.empty()) {
    if (a.online && b.online) return 1;
    return 0.25;  // online and in a room: hybrid events exist, but it counts against
  }
  const std::size_t shared = shared_words(a.words, b.words);
  if (shared == 0) {
    // "En ligne et en mairie" against "Nantes" says little; two rooms sharing nothing do.
    if (a.online || b.online) return 0.25;
    veto = Veto::kPlaces;
    return 0;
  }
  return static_cast<double>(shared) /
         static_cast<double>(std::min(a.words.size(), b.words.size()));
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

MatchSide match_side(const TitleKey& title, const PlaceKey& place, const core::EventTime& start,
                     const core::EventTime& end, const core::TimeZone& site_zone) {
  MatchSide side;
  side.title = &title;
  side.place = &place;
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

Score score_pair(const MatchSide& a, const MatchSide& b) {
  Score score;
  score.title = title_similarity(*a.title, *b.title);
  score.time = time_similarity(a, b, score.veto);
  Veto place_veto = Veto::kNone;
  score.place = place_similarity(*a.place, *b.place, place_veto);
  score.total = kTitleWeight * score.title + kTimeWeight * score.time + kPlaceWeight * score.place;
  // The most telling veto first: numbered parts, then times, places, titles.
  // The first number is the part ("session 1/2" is part 1, like "session #1").
  if (!a.title->part_numbers.empty() && !b.title->part_numbers.empty() &&
      a.title->part_numbers.front() != b.title->part_numbers.front()) {
    score.veto = Veto::kPartNumbers;
  } else if (score.veto == Veto::kNone && place_veto != Veto::kNone) {
    score.veto = place_veto;
  } else if (score.veto == Veto::kNone && score.title < kMinTitleSimilarity) {
    score.veto = Veto::kTitles;
  }
  return score;
}

}  // namespace concerto::dedup
