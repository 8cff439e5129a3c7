#include "dedup/fold.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text.h"

namespace concerto::dedup {
namespace {

// ------------------------------------------------------------------------------------------------
// Words with a role. Every list holds folded words (lower-case ASCII, no accents); the lists are
// merged at compile time into one sorted lexicon so that a word costs one binary search.

using Roles = std::uint32_t;
constexpr Roles kStop = 1u << 0;          // dropped everywhere
constexpr Roles kElision = 1u << 1;       // "l'", "qu'": dropped before an apostrophe
constexpr Roles kContraction = 1u << 2;   // "'s", "'t": dropped after an apostrophe
constexpr Roles kOrdinal = 1u << 3;       // "premier", "third": dropped
constexpr Roles kTens = 1u << 4;          // "vingt" of "vingt-et-unième": dropped with it
constexpr Roles kEdition = 1u << 5;       // "édition": says nothing of which event it is
constexpr Roles kSeries = 1u << 6;        // "atelier 2": the number after it is a part number
constexpr Roles kNumbering = 1u << 7;     // "numéro 2", "no 2": the same, and dropped
constexpr Roles kConnector = 1u << 8;     // "ateliers 1 et 2": the next number is a part too
constexpr Roles kMonth = 1u << 9;         // "atelier 14 mars": 14 is a day, not a part
constexpr Roles kStreet = 1u << 10;       // "rue", "place": dropped before the street's name
constexpr Roles kPostal = 1u << 11;       // "cedex", "bp": dropped
constexpr Roles kHouseSuffix = 1u << 12;  // "5 bis": dropped after a number
constexpr Roles kOnline = 1u << 13;       // "visio", "zoom": the place is online
constexpr Roles kOnlineNoise = 1u << 14;  // "lien envoyé après inscription": dropped when online
// Roles a plural takes from its singular ("ateliers", "webinaires", "éditions", "premières").
constexpr Roles kStemRoles = kOrdinal | kEdition | kSeries | kStreet | kOnline | kOnlineNoise;

// "est" (also "east") and "son" (also "sound") are left out on purpose; "no" is here and in
// kNumberingWords.
constexpr std::string_view kStopWords[] = {
    // French
    "a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "chez", "d", "dans", "de", "des", "du",
    "elle", "elles", "en", "entre", "et", "eux", "il", "ils", "je", "jusqu", "l", "la", "le", "les",
    "leur", "leurs", "lorsqu", "lui", "ma", "mais", "me", "mes", "moi", "mon", "ne", "ni", "nos",
    "notre", "nous", "on", "ou", "par", "pas", "pour", "puisqu", "qu", "que", "qui", "quoi",
    "quoiqu", "sa", "sans", "se", "ses", "si", "sous", "sur", "ta", "te", "tes", "toi", "ton", "tu",
    "un", "une", "vers", "via", "vos", "votre", "vous", "y",
    // English
    "about", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "its",
    "no", "of", "or", "our", "the", "their", "this", "to", "vs", "with", "you", "your"};
constexpr std::string_view kElisionWords[] = {"c", "d",      "j",  "jusqu",  "l", "lorsqu", "m",
                                              "n", "puisqu", "qu", "quoiqu", "s", "t"};
constexpr std::string_view kContractionWords[] = {"d", "ll", "m", "re", "s", "t", "ve"};
constexpr std::string_view kOrdinalWords[] = {
    // French, folded ("première" → "premiere"); plurals are found through their stem
    "premier", "premiere", "second", "seconde", "deuxieme", "troisieme", "quatrieme", "cinquieme",
    "sixieme", "septieme", "huitieme", "neuvieme", "dixieme", "onzieme", "douzieme", "treizieme",
    "quatorzieme", "quinzieme", "seizieme", "vingtieme", "trentieme", "quarantieme", "cinquantieme",
    "soixantieme", "centieme", "millieme", "unieme",
    // English
    "first", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
    "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
    "nineteenth", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth",
    "eightieth", "ninetieth", "hundredth", "thousandth"};
// The first words of a compound ordinal: "dix-huitième", "quatre-vingt-dixième", "twenty-first".
constexpr std::string_view kTensWords[] = {
    "dix",    "vingt", "trente", "quarante", "cinquante", "soixante", "cent",   "quatre", "twenty",
    "thirty", "forty", "fifty",  "sixty",    "seventy",   "eighty",   "ninety", "hundred"};
// Dropped: "1ère édition du Salon" and "Salon 2025" are the same salon.
constexpr std::string_view kEditionWords[] = {"edition"};
// Words after which a number tells parts of a series apart ("Atelier 2", "Jour 1", "Day 2").
// "rencontre", "forum", "conference" are not among them: "Forum 360" is a name, not a part.
constexpr std::string_view kSeriesWords[] = {
    "act",    "acte",  "atelier", "chapitre", "chapter", "cycle",  "day",     "episode",
    "etape",  "group", "groupe",  "jour",     "lecon",   "lesson", "level",   "module",
    "niveau", "part",  "partie",  "saison",   "season",  "seance", "semaine", "session",
    "step",   "tome",  "vol",     "volet",    "volume",  "week"};
// "n°", "nº" and "№" are read as "#"; a lone "n" before them is dropped as well.
constexpr std::string_view kNumberingWords[] = {"no", "nr", "num", "number", "numero"};
constexpr std::string_view kConnectorWords[] = {"a", "and", "au", "et", "or", "ou", "to"};
constexpr std::string_view kMonthWords[] = {
    "janvier", "fevrier",   "mars",    "avril",    "mai",      "juin", "juillet",
    "aout",    "septembre", "octobre", "novembre", "decembre", "janv", "fev",
    "fevr",    "avr",       "juil",    "sept",     "oct",      "nov",  "dec",
    "january", "february",  "march",   "april",    "may",      "june", "july",
    "august",  "september", "october", "november", "december", "jan",  "feb",
    "mar",     "apr",       "jun",     "jul",      "aug",      "sep"};
// Street words are dropped only when a name follows them ("Place Royale" → "royale", "12 rue de
// Valmy" → "valmy"); last in a name they are kept ("Café de la Place", "Le Quai, Angers").
constexpr std::string_view kStreetWords[] = {
    "allee",  "av",    "ave", "avenue", "bd",      "bld",    "blvd",   "boulevard", "bvd",  "chem",
    "chemin", "cours", "crs", "imp",    "impasse", "lane",   "pl",     "place",     "quai", "road",
    "route",  "rte",   "rue", "ruelle", "sq",      "square", "street", "voie"};
constexpr std::string_view kPostalWords[] = {"bp", "cedex"};
constexpr std::string_view kHouseSuffixWords[] = {"bis", "quater", "ter"};
// With "en ligne" and "à distance" (see online_pair) and any URL.
constexpr std::string_view kOnlineWords[] = {
    "distanciel",      "jitsi",   "livestream", "meet",      "online",  "teams",
    "twitch",          "virtual", "virtuel",    "virtuelle", "visio",   "visioconf",
    "visioconference", "webex",   "webinar",    "webinaire", "youtube", "zoom"};
constexpr std::string_view kOnlineNoiseWords[] = {
    "after",  "apres",       "cisco", "communique", "connexion", "direct",    "envoye",
    "google", "inscription", "lien",  "link",       "live",      "microsoft", "registration"};

struct RoleWords {
  Roles role;
  std::span<const std::string_view> words;
};
constexpr RoleWords kRoleWords[] = {{kStop, kStopWords},
                                    {kElision, kElisionWords},
                                    {kContraction, kContractionWords},
                                    {kOrdinal, kOrdinalWords},
                                    {kTens, kTensWords},
                                    {kEdition, kEditionWords},
                                    {kSeries, kSeriesWords},
                                    {kNumbering, kNumberingWords},
                                    {kConnector, kConnectorWords},
                                    {kMonth, kMonthWords},
                                    {kStreet, kStreetWords},
                                    {kPostal, kPostalWords},
                                    {kHouseSuffix, kHouseSuffixWords},
                                    {kOnline, kOnlineWords},
                                    {kOnlineNoise, kOnlineNoiseWords}};

struct LexiconEntry {
  std::string_view word;
  Roles roles = 0;
};

constexpr std::size_t role_word_count() {
  std::size_t count = 0;
  for (const RoleWords& list : kRoleWords) count += list.words.size();
  return count;
}

constexpr std::array<LexiconEntry, role_word_count()> sorted_role_words() {
  std::array<LexiconEntry, role_word_count()> all{};
  std::size_t k = 0;
  for (const RoleWords& list : kRoleWords) {
    for (std::string_view word : list.words) all[k++] = {word, list.role};
  }
  std::sort(all.begin(), all.end(),
            [](const LexiconEntry& a, const LexiconEntry& b) { return a.word < b.word; });
  return all;
}

constexpr std::size_t lexicon_size() {
  const auto all = sorted_role_words();
  std::size_t count = 0;
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (k == 0 || all[k].word != all[k - 1].word) ++count;
  }
  return count;
}

constexpr auto kLexicon = [] {
  const auto all = sorted_role_words();
  std::array<LexiconEntry, lexicon_size()> lexicon{};
  std::size_t k = 0;
  for (const LexiconEntry& entry : all) {
    if (k > 0 && lexicon[k - 1].word == entry.word) {
      lexicon[k - 1].roles |= entry.roles;
    } else {
      lexicon[k++] = entry;
    }
  }
  return lexicon;
}();

constexpr std::size_t kLongestLexiconWord = [] {
  std::size_t longest = 0;
  for (const LexiconEntry& entry : kLexicon) longest = std::max(longest, entry.word.size());
  return longest;
}();

// Words are matched after folding, so every listed word must be folded already.
static_assert(std::all_of(kLexicon.begin(), kLexicon.end(), [](const LexiconEntry& entry) {
  return !entry.word.empty() && std::all_of(entry.word.begin(), entry.word.end(),
                                            [](char c) { return c >= 'a' && c <= 'z'; });
}));

Roles roles_of(std::string_view word) {
  if (word.size() > kLongestLexiconWord) return 0;
  const auto* found = std::lower_bound(
      kLexicon.begin(), kLexicon.end(), word,
      [](const LexiconEntry& entry, std::string_view w) { return entry.word < w; });
  return found != kLexicon.end() && found->word == word ? found->roles : 0;
}

bool listed(std::span<const std::string_view> list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// After digits: "1er", "1re", "1ère", "2e", "2ème", "2nd", "3rd", "4th", "21st", "2nde". Not a
// bare "d": "3D" is not "3rd".
constexpr std::string_view kOrdinalSuffixes[] = {
    "de",   "e",     "eme",  "emes", "er",  "ere", "eres", "ers", "es",  "ieme", "iemes", "ier",
    "iere", "ieres", "iers", "nd",   "nde", "nds", "rd",   "re",  "res", "st",   "th"};
// After an upper-case roman numeral: "XXIe", "IIIème", "Ier".
constexpr std::string_view kRomanOrdinalSuffixes[] = {"e",  "eme",  "emes", "er", "ere",
                                                      "es", "ieme", "re",   "res"};
// After a house number: "5bis", "12b".
constexpr std::string_view kHouseNumberSuffixes[] = {"a", "b", "bis", "c", "d", "quater", "ter"};

// ------------------------------------------------------------------------------------------------
// Characters.

// U+00C0..U+017F folded to ASCII; empty for × and ÷, which are not letters.
constexpr std::array<std::string_view, 0x180 - 0xC0> kLatinFold = {
    // U+00C0 À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00D0 Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
    // U+00E0 à á â ã ä å æ ç è é ê ë ì í î ï
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00F0 ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
    // U+0100 Ā ā Ă ă Ą ą Ć ć Ĉ ĉ Ċ ċ Č č Ď ď
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
    // U+0110 Đ đ Ē ē Ĕ ĕ Ė ė Ę ę Ě ě Ĝ ĝ Ğ ğ
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    // U+0120 Ġ ġ Ģ ģ Ĥ ĥ Ħ ħ Ĩ ĩ Ī ī Ĭ ĭ Į į
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
    // U+0130 İ ı Ĳ ĳ Ĵ ĵ Ķ ķ ĸ Ĺ ĺ Ļ ļ Ľ ľ Ŀ
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
    // U+0140 ŀ Ł ł Ń ń Ņ ņ Ň ň ŉ Ŋ ŋ Ō ō Ŏ ŏ
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    // U+0150 Ő ő Œ œ Ŕ ŕ Ŗ ŗ Ř ř Ś ś Ŝ ŝ Ş ş
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
    // U+0160 Š š Ţ ţ Ť ť Ŧ ŧ Ũ ũ Ū ū Ŭ ŭ Ů ů
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
    // U+0170 Ű ű Ų ų Ŵ ŵ Ŷ ŷ Ÿ Ź ź Ż ż Ž ž ſ
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s"};

enum class CharKind {
  kFolded,   // a letter folded to ASCII
  kOther,    // a letter of another script (or anything not known as a separator): kept as is
  kIgnored,  // soft hyphen, zero-width joiners, combining accents: as if absent
  kMark,     // punctuation that matters: apostrophes, dashes, numero signs
  kSpace,    // any other separator
  kBreak,    // a separator that ends a clause (line break, ideographic comma)
};

struct CharInfo {
  CharKind kind = CharKind::kOther;
  char mark = 0;            // kMark: '\'', '#' or '-'
  std::string_view folded;  // kFolded
  bool lower = false;       // kFolded from a lower-case letter
};

constexpr CharInfo kind_only(CharKind kind) { return {kind, 0, {}, false}; }
constexpr CharInfo mark(char c) { return {CharKind::kMark, c, {}, false}; }
constexpr CharInfo folded_lower(std::string_view folded) {
  return {CharKind::kFolded, 0, folded, true};
}

CharInfo classify(char32_t c) {
  if (c >= 0xC0 && c < 0x180) {
    const std::string_view folded = kLatinFold[c - 0xC0];
    if (folded.empty()) return kind_only(CharKind::kSpace);
    return {CharKind::kFolded, 0, folded, c >= 0xDF && c <= 0xFF};
  }
  switch (c) {
    case 0x00AD:  // soft hyphen
    case 0x034F:  // combining grapheme joiner
    case 0x200B:  // zero-width space: invisible, so the writer saw one word
    case 0x200C:
    case 0x200D:
    case 0x2060:
    case 0xFEFF:
      return kind_only(CharKind::kIgnored);
    case 0x00B4:  // ´
    case 0x02BC:  // ʼ
    case 0x2018:  // ‘
    case 0x2019:  // ’
    case 0x201B:
    case 0x2032:  // ′
    case 0xFF07:
      return mark('\'');
    case 0x00B0:  // ° of "n°"
    case 0x00BA:  // º of "nº"
    case 0x2116:  // №
    case 0xFF03:
      return mark('#');
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:  // –
    case 0x2014:  // —
    case 0x2015:
    case 0x2212:
    case 0xFE63:
    case 0xFF0D:
      return mark('-');
    case 0x2028:
    case 0x2029:
    case 0x3001:
    case 0x3002:
    case 0xFF0C:
    case 0xFF1A:
    case 0xFF1B:
      return kind_only(CharKind::kBreak);
    // Superscript letters of "1ᵉʳ", "2ᵉ", "nᵒ".
    case 0x1D49:
      return folded_lower("e");
    case 0x02B3:
      return folded_lower("r");
    case 0x1D48:
      return folded_lower("d");
    case 0x02E2:
      return folded_lower("s");
    case 0x1D57:
      return folded_lower("t");
    case 0x02B0:
      return folded_lower("h");
    case 0x1D50:
      return folded_lower("m");
    case 0x207F:
      return folded_lower("n");
    case 0x1D52:
      return folded_lower("o");
    case 0x1680:  // ogham space
    case 0x037E:  // Greek question mark
    case 0x0387:  // Greek ano teleia
      return kind_only(CharKind::kSpace);
    default:
      break;
  }
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0xFE00 && c <= 0xFE0F) ||
      (c >= 0xE0000 && c <= 0xE0FFF)) {
    return kind_only(
        CharKind::kIgnored);  // combining accents (decomposed "é"), variation selectors, tags
  }
  if (c < 0xC0 ||                                                    // C1 controls, Latin-1 signs
      (c >= 0x02B0 && c <= 0x02FF) ||                                // spacing modifiers
      (c >= 0x2000 && c <= 0x2BFF) ||                                // punctuation … arrows
      (c >= 0x2E00 && c <= 0x2E7F) ||                                // supplemental punctuation
      (c >= 0x3000 && c <= 0x303F && (c < 0x3005 || c > 0x3007)) ||  // CJK punctuation
      (c >= 0xE000 && c <= 0xF8FF) || (c >= 0xFE10 && c <= 0xFE6F) ||
      (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
      (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
      (c >= 0xFFF0 && c <= 0xFFFF) || (c >= 0x1F000 && c <= 0x1FBFF) ||  // emoji and symbols
      c >= 0xF0000) {
    return kind_only(CharKind::kSpace);
  }
  return kind_only(CharKind::kOther);
}

char32_t decode(std::string_view s, std::size_t at, std::size_t length) {
  const auto lead = static_cast<unsigned char>(s[at]);
  if (length == 1) return lead;
  char32_t c = lead & (0xFFu >> (length + 1));
  for (std::size_t k = 1; k < length; ++k) {
    c = (c << 6) | (static_cast<unsigned char>(s[at + k]) & 0x3Fu);
  }
  return c;
}

bool ascii_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool ascii_digit(unsigned char c) { return c >= '0' && c <= '9'; }

bool starts_with_lower(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k) {
    auto c = static_cast<unsigned char>(text[k]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + ('a' - 'A'));
    if (c != static_cast<unsigned char>(prefix[k])) return false;
  }
  return true;
}

// Length of the URL that starts at text[at], or 0: "http://…", "https://…", "www.…", or a bare
// host with a short top-level domain and a path ("meet.google.com/abc-defg-hij"). A URL ends at
// white space, a quote, an angle bracket or a non-ASCII character. host_scanned remembers how far
// a failed host scan went, so that "a.a.a.a…" is scanned once, not once per letter.
std::size_t url_length(std::string_view text, std::size_t at, std::size_t& host_scanned) {
  const std::string_view rest = text.substr(at);
  const auto to_end = [&] {
    std::size_t n = 0;
    while (n < rest.size()) {
      const auto c = static_cast<unsigned char>(rest[n]);
      if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>') break;
      ++n;
    }
    return n;
  };
  if (starts_with_lower(rest, "http://") || starts_with_lower(rest, "https://") ||
      starts_with_lower(rest, "www.")) {
    return to_end();
  }
  if (at < host_scanned) return 0;
  std::size_t n = 0;
  std::size_t last_dot = std::string_view::npos;
  while (n < rest.size()) {
    const auto c = static_cast<unsigned char>(rest[n]);
    if (c == '.') {
      last_dot = n;
    } else if (!ascii_alpha(c) && !ascii_digit(c) && c != '-') {
      break;
    }
    ++n;
  }
  host_scanned = at + n;
  if (n == rest.size() || rest[n] != '/' || last_dot == std::string_view::npos) return 0;
  const std::string_view domain = rest.substr(last_dot + 1, n - last_dot - 1);
  if (domain.size() < 2 || domain.size() > 4) return 0;
  if (!std::all_of(domain.begin(), domain.end(),
                   [](char c) { return ascii_alpha(static_cast<unsigned char>(c)); })) {
    return 0;
  }
  return to_end();
}

// ------------------------------------------------------------------------------------------------
// Words.

struct Token {
  std::size_t begin = 0;      // in Lexed::text
  std::size_t size = 0;       // of the folded word
  std::size_t stem_size = 0;  // without a plural ending
  Roles roles = 0;
  char before = 0;      // last punctuation mark since the previous word ('\'' for any apostrophe)
  bool spaced = false;  // white space or a symbol since the previous word
  bool hard_break = false;  // , ; : ( ) [ ] { } | / or a line break since the previous word
  bool digits = true;       // ASCII digits only
  bool has_digit = false;
  std::uint8_t roman_caps = 0;  // "XXIe": length of an upper-case I/V/X start before lower case
};

struct Lexed {
  std::string text;  // the folded words, one space apart
  std::vector<Token> tokens;
  bool url = false;  // a URL was skipped
};

// Splits text into folded words. With skip_urls, URLs are left out (and noted).
void lex(std::string_view s, bool skip_urls, bool keep_tokens, Lexed& out) {
  std::string& text = out.text;
  text.clear();
  text.reserve(s.size());
  out.tokens.clear();
  out.url = false;

  Token word;  // the word being read, or what lies between the last word and the next
  bool in_word = false;
  int roman_phase = 0;  // 0 reading upper-case I/V/X, 1 then lower case, 2 neither
  std::size_t host_scanned = 0;

  const auto begin_word = [&] {
    if (in_word) return;
    if (!text.empty()) text.push_back(' ');
    word.begin = text.size();
    in_word = true;
    roman_phase = 0;
  };
  const auto end_word = [&] {
    if (!in_word) return;
    in_word = false;
    word.size = text.size() - word.begin;
    word.stem_size = word.size;
    if (roman_phase != 1) word.roman_caps = 0;
    if (keep_tokens) out.tokens.push_back(word);
    word = Token{};
  };
  const auto gap = [&](char mark, bool spaced, bool hard) {
    end_word();
    if (mark != 0) word.before = mark;
    word.spaced = word.spaced || spaced;
    word.hard_break = word.hard_break || hard;
  };
  const auto roman_letter = [&](bool upper_ivx, bool lower) {
    if (roman_phase == 0) {
      if (upper_ivx && word.roman_caps < 8) {
        ++word.roman_caps;
      } else {
        roman_phase = lower && word.roman_caps > 0 ? 1 : 2;
      }
    } else if (roman_phase == 1 && !lower) {
      roman_phase = 2;
    }
  };

  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (ascii_alpha(c)) {
        if (!in_word && skip_urls) {
          if (const std::size_t url = url_length(s, i, host_scanned); url > 0) {
            gap(0, true, true);
            out.url = true;
            i += url;
            continue;
          }
        }
        begin_word();
        const bool upper = c <= 'Z';
        text.push_back(static_cast<char>(upper ? c + ('a' - 'A') : c));
        word.digits = false;
        roman_letter(c == 'I' || c == 'V' || c == 'X', !upper);
      } else if (ascii_digit(c)) {
        begin_word();
        text.push_back(static_cast<char>(c));
        word.has_digit = true;
        roman_phase = 2;
      } else {
        switch (c) {
          case ' ':
          case '\t':
          case '\v':
          case '\f':
            gap(0, true, false);
            break;
          case '\n':
          case '\r':
            gap(0, true, true);
            break;
          case '\'':
          case '`':
            gap('\'', false, false);
            break;
          case ',':
          case ';':
          case ':':
          case '(':
          case ')':
          case '[':
          case ']':
          case '{':
          case '}':
          case '|':
          case '/':
            gap(static_cast<char>(c), false, true);
            break;
          default:
            if (c < 0x20 || c == 0x7F) {
              gap(0, true, false);
            } else {
              gap(static_cast<char>(c), false, false);
            }
        }
      }
      ++i;
      continue;
    }
    const std::size_t length = core::utf8_sequence_length(s, i);
    if (length == 0) {  // an invalid byte separates words
      gap(0, true, false);
      ++i;
      continue;
    }
    const CharInfo info = classify(decode(s, i, length));
    switch (info.kind) {
      case CharKind::kFolded:
        begin_word();
        text.append(info.folded);
        word.digits = false;
        roman_letter(false, info.lower);
        break;
      case CharKind::kOther:
        begin_word();
        text.append(s.substr(i, length));
        word.digits = false;
        roman_phase = 2;
        break;
      case CharKind::kIgnored:
        break;
      case CharKind::kMark:
        gap(info.mark, false, false);
        break;
      case CharKind::kSpace:
        gap(0, true, false);
        break;
      case CharKind::kBreak:
        gap(0, true, true);
        break;
    }
    i += length;
  }
  end_word();
}

std::string_view word_of(const std::string& text, const Token& token) {
  return std::string_view(text).substr(token.begin, token.size);
}
std::string_view stem_of(const std::string& text, const Token& token) {
  return std::string_view(text).substr(token.begin, token.stem_size);
}

// A plural "s" or "x" off words longer than three letters: "rencontres" → "rencontre",
// "bureaux" → "bureau"; "-aux" becomes "-al" so that "nationaux" and "national" meet. Writes
// into text (the "u" of "aux"), so the unstemmed word must be read before.
std::size_t plural_stem(std::string& text, const Token& token) {
  if (token.has_digit || token.size <= 3) return token.size;
  const std::size_t end = token.begin + token.size;
  const char last = text[end - 1];
  if (last == 's') return token.size - 1;
  if (last != 'x') return token.size;
  if (token.size >= 5 && text[end - 2] == 'u' && text[end - 3] == 'a' && text[end - 4] != 'e') {
    text[end - 2] = 'l';
  }
  return token.size - 1;
}

// Roles and stems of the words that are not numbers.
void annotate(Lexed& lexed) {
  for (Token& token : lexed.tokens) {
    if (token.has_digit) continue;
    token.roles = roles_of(word_of(lexed.text, token));
    token.stem_size = plural_stem(lexed.text, token);
    if (token.stem_size != token.size) {
      token.roles |= roles_of(stem_of(lexed.text, token)) & kStemRoles;
    }
  }
}

std::string_view without_leading_zeros(std::string_view digits) {
  std::size_t k = 0;
  while (k + 1 < digits.size() && digits[k] == '0') ++k;
  return digits.substr(k);
}

// The value of up to four significant digits, or -1.
int small_value(std::string_view digits) {
  digits = without_leading_zeros(digits);
  if (digits.size() > 4) return -1;
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

bool is_year(std::string_view digits) {
  if (digits.size() != 4 || digits[0] == '0') return false;
  const int value = small_value(digits);
  return value >= 1900 && value <= 2099;
}

// Digits followed by one of suffixes, the digits at most four long.
bool digits_then(std::string_view word, std::span<const std::string_view> suffixes) {
  std::size_t k = 0;
  while (k < word.size() && ascii_digit(static_cast<unsigned char>(word[k]))) ++k;
  return k > 0 && k <= 4 && listed(suffixes, word.substr(k));
}

// Canonical lower-case roman numerals i…xxxix; 0 for anything else.
int roman_value(std::string_view word) {
  static constexpr std::string_view kUnits[] = {"",  "i",  "ii",  "iii",  "iv",
                                                "v", "vi", "vii", "viii", "ix"};
  std::size_t tens = 0;
  while (tens < word.size() && word[tens] == 'x') ++tens;
  if (tens > 3) return 0;
  const std::string_view units = word.substr(tens);
  for (std::size_t k = 0; k < std::size(kUnits); ++k) {
    if (units == kUnits[k]) return static_cast<int>(10 * tens + k);
  }
  return 0;
}

bool is_roman_ordinal(std::string_view word, std::size_t caps) {
  return caps > 0 && caps < word.size() && roman_value(word.substr(0, caps)) > 0 &&
         listed(kRomanOrdinalSuffixes, word.substr(caps));
}

std::vector<std::string> sorted_unique(std::vector<std::string_view>& words) {
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return {words.begin(), words.end()};
}

// Reading a word in its context (the marks and words around it), for titles and places alike.
class Reader {
 public:
  explicit Reader(const Lexed& lexed) : text_(lexed.text), tokens_(lexed.tokens) {}

  std::size_t size() const { return tokens_.size(); }
  const Token& at(std::size_t i) const { return tokens_[i]; }
  std::string_view word(std::size_t i) const { return word_of(text_, tokens_[i]); }
  std::string_view stem(std::size_t i) const { return stem_of(text_, tokens_[i]); }
  bool next_is_marked(std::size_t i, char mark) const {
    return i + 1 < tokens_.size() && tokens_[i + 1].before == mark;
  }
  bool joined(std::size_t i, char mark) const {
    return tokens_[i].before == mark && !tokens_[i].spaced;
  }

  // "l'" and "qu'" before an apostrophe, "'s" and "'t" just after one.
  bool elided(std::size_t i) const {
    const Token& token = tokens_[i];
    if ((token.roles & kElision) && next_is_marked(i, '\'')) return true;
    return (token.roles & kContraction) && i > 0 && joined(i, '\'');
  }

  // The "n" of "n°", "nº".
  bool numero_sign(std::size_t i) const { return word(i) == "n" && next_is_marked(i, '#'); }

  // Ordinals whichever way they are written: "4e", "XXIe", "premier", "vingt-et-unième". Sets
  // last to the last word of the ordinal.
  bool ordinal(std::size_t i, std::size_t& last) const {
    const Token& token = tokens_[i];
    last = i;
    if (token.has_digit) return !token.digits && digits_then(word(i), kOrdinalSuffixes);
    if ((token.roles & kOrdinal) || is_roman_ordinal(word(i), token.roman_caps)) return true;
    if (!(token.roles & kTens)) return false;
    for (std::size_t j = i + 1; j < tokens_.size() && j <= i + 4; ++j) {
      if (!joined(j, '-')) return false;
      if (tokens_[j].roles & kOrdinal) {
        last = j;
        return true;
      }
      if (!(tokens_[j].roles & (kTens | kConnector))) return false;
    }
    return false;
  }

  // "2025-26", "2025/26": the end of a season after its year.
  bool year_tail(std::size_t i) const {
    return tokens_[i].size == 2 && i > 0 && (joined(i, '-') || joined(i, '/')) &&
           tokens_[i - 1].digits && is_year(word(i - 1));
  }

 private:
  const std::string& text_;
  const std::vector<Token>& tokens_;
};

}  // namespace

std::string fold_text(std::string_view text) {
  Lexed lexed;
  lex(text, /*skip_urls=*/false, /*keep_tokens=*/false, lexed);
  return std::move(lexed.text);
}

TitleKey fold_title(std::string_view title) {
  Lexed lexed;
  lex(title, /*skip_urls=*/true, /*keep_tokens=*/true, lexed);
  annotate(lexed);
  const Reader reader(lexed);
  TitleKey key;
  std::vector<std::string_view> words;
  words.reserve(reader.size());

  // kPart: after a series word or "n°", a number is a part number; kMorePart: after a part
  // number, another one follows ", 2", "& 2", "-2" or, through "et"/"and"/"à", " et 2".
  enum class Expect { kNothing, kPart, kMorePart };
  Expect expect = Expect::kNothing;
  const auto add_part = [&](std::string_view number) {
    key.part_numbers.emplace_back(number);
    expect = Expect::kMorePart;
  };

  for (std::size_t i = 0; i < reader.size(); ++i) {
    const Token& token = reader.at(i);
    const std::string_view word = reader.word(i);
    const Expect was = std::exchange(expect, Expect::kNothing);
    if (token.digits) {
      if (is_year(word) || reader.year_tail(i)) continue;
      // "1/2", "(2/3)": a part of a series of at most twenty; not the day and month of a date
      // ("12/03/2026" has a third number, "12/03" a first number above the second).
      if (i + 1 < reader.size() && reader.at(i + 1).digits && reader.joined(i + 1, '/') &&
          !(i > 0 && reader.at(i - 1).digits && reader.joined(i, '/')) &&
          !(i + 2 < reader.size() && reader.at(i + 2).digits && reader.joined(i + 2, '/'))) {
        const int part = small_value(word);
        const int of = small_value(reader.word(i + 1));
        if (part >= 1 && part <= of && of <= 20) {
          add_part(without_leading_zeros(word));
          add_part(without_leading_zeros(reader.word(i + 1)));
          ++i;
          continue;
        }
      }
      const std::string_view number = without_leading_zeros(word);
      const bool after_marker =
          was == Expect::kPart || token.before == '#' ||
          (was == Expect::kMorePart && (token.before == ',' || token.before == '&' ||
                                        token.before == '+' || reader.joined(i, '-')));
      const bool day_of_month = i + 1 < reader.size() && (reader.at(i + 1).roles & kMonth);
      if (after_marker && number.size() <= 3 && !day_of_month) {
        add_part(number);
      } else {
        words.push_back(number);
      }
      continue;
    }
    std::size_t last = i;
    if (reader.ordinal(i, last)) {
      i = last;
      continue;
    }
    if (token.has_digit) {  // "10h", "b2b", "cop21"
      words.push_back(word);
      continue;
    }
    if (reader.elided(i)) continue;
    if (reader.numero_sign(i) || (token.roles & kNumbering)) {
      expect = Expect::kPart;
      continue;
    }
    if (was == Expect::kPart) {
      if (const int value = roman_value(word); value > 0) {
        key.part_numbers.push_back(std::to_string(value));
        expect = Expect::kMorePart;
        continue;
      }
    }
    if (was == Expect::kMorePart && (token.roles & kConnector)) {
      expect = Expect::kPart;
      continue;
    }
    if (token.roles & (kStop | kEdition)) continue;
    if (token.roles & kSeries) expect = Expect::kPart;
    words.push_back(reader.stem(i));
  }
  key.words = sorted_unique(words);
  return key;
}

PlaceKey fold_place(std::string_view location) {
  Lexed lexed;
  lex(location, /*skip_urls=*/true, /*keep_tokens=*/true, lexed);
  annotate(lexed);
  const Reader reader(lexed);
  PlaceKey key;
  key.online = lexed.url;
  std::vector<std::string_view> words;
  std::vector<std::string_view> noise;  // words of "lien envoyé après inscription"
  words.reserve(reader.size());

  // A street's name follows a street word: a word that is not a stop word, before any comma,
  // parenthesis or line break; numbers may come first ("rue du 8 Mai 1945").
  const auto name_follows = [&](std::size_t i) {
    for (std::size_t j = i + 1; j < reader.size() && j <= i + 5; ++j) {
      const Token& token = reader.at(j);
      if (token.hard_break) return false;
      if (token.has_digit || (token.roles & (kStop | kElision))) continue;
      return true;
    }
    return false;
  };
  // "en ligne", "à distance".
  const auto online_pair = [&](std::size_t i) {
    if (i + 1 >= reader.size()) return false;
    const std::string_view first = reader.word(i);
    const std::string_view second = reader.word(i + 1);
    return (first == "en" && second == "ligne") || (first == "a" && second == "distance");
  };

  for (std::size_t i = 0; i < reader.size(); ++i) {
    const Token& token = reader.at(i);
    const std::string_view word = reader.word(i);
    if (token.digits) {
      // Postcodes (five digits) kept; house and room numbers, years dropped.
      if (word.size() > 4) words.push_back(word);
      continue;
    }
    std::size_t last = i;
    if (reader.ordinal(i, last)) {  // "2e étage"
      i = last;
      continue;
    }
    if (token.has_digit) {
      if (!digits_then(word, kHouseNumberSuffixes)) words.push_back(word);  // "5bis", "12b"
      continue;
    }
    if (reader.elided(i) || reader.numero_sign(i)) continue;
    if (online_pair(i)) {
      key.online = true;
      ++i;
      continue;
    }
    if (token.roles & kOnline) {
      key.online = true;
      continue;
    }
    if (token.roles & (kStop | kEdition | kNumbering | kPostal)) continue;
    if ((token.roles & kHouseSuffix) && i > 0 && reader.at(i - 1).digits) continue;
    if ((token.roles & kStreet) && name_follows(i)) continue;
    ((token.roles & kOnlineNoise) ? noise : words).push_back(reader.stem(i));
  }
  if (!key.online) words.insert(words.end(), noise.begin(), noise.end());
  key.words = sorted_unique(words);
  return key;
}

}  // namespace concerto::dedup
