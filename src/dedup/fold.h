#pragma once
// Titles and places reduced to what identifies an event, so that two partners' wordings of the
// same meeting compare equal: case, accents, punctuation, ordinals, years, stop words and
// "&"/"et"/"and" folded away. Pure functions over UTF-8 text.

#include <string>
#include <string_view>
#include <vector>

namespace concerto::dedup {

// Lower case, accents and ligatures removed (é→e, œ→oe, ß→ss), every character that is not a
// letter or digit becomes a space, runs of spaces collapse, trimmed. "L'Été  2026 !" → "l ete
// 2026".
std::string fold_text(std::string_view text);

struct TitleKey {
  // The significant words, sorted and unique: folded, stop words (fr/en), "&"/"et"/"and",
  // ordinals ("4e", "4ème", "1er", "1re", "4th", "premier", "deuxieme"...) and years (1900-2099)
  // left out, a plural "s"/"x" taken off words longer than three letters, elisions (l', d', qu')
  // dropped.
  std::vector<std::string> words;
  // Numbers that tell parts of a series apart, in the order they appear: "Atelier #2",
  // "session 1/2", "partie 3", "part II", "n°4", "épisode 5", "module 2", "séance 3" give "2",
  // "1" and "2", "3", "2", "4", "5", "2", "3". Years and ordinals are not part numbers; roman
  // numerals after such a word are read as numbers.
  std::vector<std::string> part_numbers;
};
TitleKey fold_title(std::string_view title);

struct PlaceKey {
  // Significant words of the place, sorted and unique, as for titles, with street words
  // ("rue", "avenue", "bd", "place"...) and house numbers left out; postcodes are kept.
  std::vector<std::string> words;
  // "en ligne", "online", "visio", "visioconférence", "webinaire"/"webinar", "distanciel",
  // "virtuel"/"virtual", Zoom/Teams/Meet/Jitsi, or a URL as the place.
  bool online = false;
  bool empty() const { return words.empty() && !online; }
};
PlaceKey fold_place(std::string_view location);

}  // namespace concerto::dedup
