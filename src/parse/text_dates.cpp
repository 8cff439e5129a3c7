#include "parse/text_dates.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"

namespace concerto::parse {
namespace {

constexpr std::size_t kMaxText = 20000;    // bytes of text read: dates come early in a news item
constexpr int kGraceDays = 7;              // a date this close before publication is that year's
constexpr int kFarApartDays = 60;          // distinct event dates further apart are ambiguous
constexpr std::size_t kMarkerWindow = 30;  // tokens either side of a date searched for markers

enum class Kind { kWord, kNumber, kPunct };

struct Token {
  Kind kind = Kind::kPunct;
  std::string raw;   // as written
  std::string fold;  // lower case, accents removed
  bool space_before = false;
  bool capitalised = false;
  int sentence = 0;
  int clause = 0;
  int value = 0;  // numbers
};

// Folds one UTF-8 letter of Latin-1 Supplement / Latin Extended-A to ASCII, or returns "".
std::string fold_letter(char32_t c) {
  switch (c) {
    case U'à':
    case U'á':
    case U'â':
    case U'ä':
    case U'ã':
    case U'À':
    case U'Â':
    case U'Ä':
      return "a";
    case U'ç':
    case U'Ç':
      return "c";
    case U'é':
    case U'è':
    case U'ê':
    case U'ë':
    case U'É':
    case U'È':
    case U'Ê':
    case U'Ë':
      return "e";
    case U'î':
    case U'ï':
    case U'Î':
    case U'Ï':
      return "i";
    case U'ô':
    case U'ö':
    case U'Ô':
    case U'Ö':
      return "o";
    case U'ù':
    case U'û':
    case U'ü':
    case U'Ù':
    case U'Û':
    case U'Ü':
      return "u";
    case U'œ':
    case U'Œ':
      return "oe";
    case U'æ':
    case U'Æ':
      return "ae";
    case U'ÿ':
      return "y";
    default:
      return "";
  }
}

bool is_upper_letter(char32_t c) {
  return (c >= U'A' && c <= U'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) || c == U'Œ';
}

char32_t decode(std::string_view s, std::size_t at, std::size_t len) {
  auto b = static_cast<unsigned char>(s[at]);
  if (len == 1) return b;
  char32_t c = b & (0xFF >> (len + 1));
  for (std::size_t k = 1; k < len; ++k)
    c = (c << 6) | (static_cast<unsigned char>(s[at + k]) & 0x3F);
  return c;
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  bool space = true;
  int sentence = 0;
  int clause = 0;
  std::size_t i = 0;
  auto push_punct = [&](std::string raw, std::string fold) {
    Token t;
    t.kind = Kind::kPunct;
    t.raw = std::move(raw);
    t.fold = std::move(fold);
    t.space_before = space;
    t.sentence = sentence;
    t.clause = clause;
    out.push_back(std::move(t));
    space = false;
  };
  while (i < s.size()) {
    std::size_t len = core::utf8_sequence_length(s, i);
    if (len == 0) {
      ++i;
      space = true;
      continue;
    }
    char32_t c = decode(s, i, len);
    if (c == U'\n') {
      ++sentence;
      ++clause;
      space = true;
      ++i;
      continue;
    }
    if (c == U' ' || c == U'\t' || c == 0xA0 || c == 0x202F || c == 0x2009) {
      space = true;
      i += len;
      continue;
    }
    if (c >= U'0' && c <= U'9') {
      Token t;
      t.kind = Kind::kNumber;
      std::size_t j = i;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
      t.raw = std::string(s.substr(i, j - i));
      t.fold = t.raw;
      t.value = t.raw.size() > 6 ? 999999 : std::stoi(t.raw);
      t.space_before = space;
      t.sentence = sentence;
      t.clause = clause;
      out.push_back(std::move(t));
      space = false;
      i = j;
      continue;
    }
    std::string folded = fold_letter(c);
    bool letter = (c < 128 && std::isalpha(static_cast<int>(c))) || !folded.empty();
    if (letter) {
      Token t;
      t.kind = Kind::kWord;
      t.capitalised = is_upper_letter(c);
      std::size_t j = i;
      while (j < s.size()) {
        std::size_t l = core::utf8_sequence_length(s, j);
        if (l == 0) break;
        char32_t d = decode(s, j, l);
        std::string f = d < 128
                            ? std::string(1, static_cast<char>(std::tolower(static_cast<int>(d))))
                            : fold_letter(d);
        if (!(d < 128 && std::isalpha(static_cast<int>(d))) && (d < 128 || f.empty())) break;
        t.fold += f;
        j += l;
      }
      t.raw = std::string(s.substr(i, j - i));
      t.space_before = space;
      t.sentence = sentence;
      t.clause = clause;
      out.push_back(std::move(t));
      space = false;
      i = j;
      continue;
    }
    std::string raw(s.substr(i, len));
    std::string fold = raw;
    if (c == 0x2019 || c == 0x2018 || c == U'`') fold = "'";
    if (c == 0x2013 || c == 0x2014 || c == 0x2010 || c == 0x2011) fold = "-";
    if (c == 0x00AB || c == 0x00BB || c == 0x201C || c == 0x201D) fold = "\"";
    push_punct(raw, fold);
    i += len;
    if (fold == "!" || fold == "?") {
      ++sentence;
      ++clause;
    } else if (fold == ";" || fold == ",") {
      // A comma ends a clause for context look-back; the token keeps the clause it ends.
      ++clause;
      out.back().clause = clause;
    } else if (fold == "." && (i >= s.size() || s[i] == ' ' || s[i] == '\n')) {
      // "janv." or "a.m." do not end a sentence; a full stop before a space does.
      static const std::vector<std::string> kAbbreviations = {
          "janv", "fevr", "fev", "avr", "juil", "sept", "oct", "nov", "dec", "jan", "feb",
          "mar",  "apr",  "jun", "jul", "aug",  "sep",  "lun", "mer", "jeu", "ven", "sam",
          "dim",  "mon",  "tue", "wed", "thu",  "fri",  "sat", "sun", "st",  "av",  "bd"};
      const Token& prev = out[out.size() - 2];
      bool abbreviation =
          out.size() >= 2 && prev.kind == Kind::kWord &&
          (prev.fold.size() == 1 || std::find(kAbbreviations.begin(), kAbbreviations.end(),
                                              prev.fold) != kAbbreviations.end());
      if (!abbreviation) {
        ++sentence;
        ++clause;
      }
    }
  }
  return out;
}

int month_of(std::string_view w) {
  static const std::array<std::array<const char*, 6>, 12> kNames = {{
      {"janvier", "janv", "january", "jan", "", ""},
      {"fevrier", "fevr", "fev", "february", "feb", ""},
      {"mars", "march", "mar", "", "", ""},
      {"avril", "avr", "april", "apr", "", ""},
      {"mai", "may", "", "", "", ""},
      {"juin", "june", "jun", "", "", ""},
      {"juillet", "juil", "july", "jul", "", ""},
      {"aout", "august", "aug", "", "", ""},
      {"septembre", "sept", "september", "sep", "", ""},
      {"octobre", "oct", "october", "", "", ""},
      {"novembre", "nov", "november", "", "", ""},
      {"decembre", "dec", "december", "", "", ""},
  }};
  for (int m = 0; m < 12; ++m) {
    for (const char* n : kNames[static_cast<std::size_t>(m)]) {
      if (*n != '\0' && w == n) return m + 1;
    }
  }
  return 0;
}

// 0 = Sunday ... 6 = Saturday, -1 when not a weekday name.
int weekday_of(std::string_view w) {
  static const std::array<std::array<const char*, 5>, 7> kNames = {{
      {"dimanche", "dim", "sunday", "sun", ""},
      {"lundi", "lun", "monday", "mon", ""},
      {"mardi", "mar", "tuesday", "tue", "tues"},
      {"mercredi", "mer", "wednesday", "wed", ""},
      {"jeudi", "jeu", "thursday", "thu", "thurs"},
      {"vendredi", "ven", "friday", "fri", ""},
      {"samedi", "sam", "saturday", "sat", ""},
  }};
  for (int d = 0; d < 7; ++d) {
    for (const char* n : kNames[static_cast<std::size_t>(d)]) {
      if (*n != '\0' && w == n) return d;
    }
  }
  return -1;
}

bool is_ordinal_suffix(std::string_view w) {
  return w == "er" || w == "ere" || w == "re" || w == "st" || w == "nd" || w == "rd" || w == "th" ||
         w == "e" || w == "eme";
}

struct Atom {
  int day = 0;
  int month = 0;
  int year = 0;
  int weekday = -1;
  int end_day = 0;  // "March 4-5": the second day
};

struct Time {
  int hour = 0;
  int minute = 0;
};

struct Mention {
  std::size_t begin = 0;
  std::size_t end = 0;  // one past the last token
  std::vector<Atom> atoms;
  bool range = false;
  std::vector<Atom> others;  // further days of a list that is not a run of days
};

class Scanner {
 public:
  explicit Scanner(const std::vector<Token>& t) : t_(t) {}

  const Token* at(std::size_t i) const { return i < t_.size() ? &t_[i] : nullptr; }
  bool is(std::size_t i, std::string_view f) const { return i < t_.size() && t_[i].fold == f; }
  bool glued(std::size_t i) const { return i < t_.size() && !t_[i].space_before; }
  bool number(std::size_t i) const { return i < t_.size() && t_[i].kind == Kind::kNumber; }
  int month(std::size_t i) const {
    return i < t_.size() && t_[i].kind == Kind::kWord ? month_of(t_[i].fold) : 0;
  }
  int wday(std::size_t i) const {
    return i < t_.size() && t_[i].kind == Kind::kWord ? weekday_of(t_[i].fold) : -1;
  }

  // Skips a "." glued to an abbreviation ("janv.", "ven.").
  std::size_t skip_dot(std::size_t i) const { return is(i, ".") && glued(i) ? i + 1 : i; }

  // Skips a number's ordinal suffix ("1er", "2nd", "4th").
  std::size_t skip_ordinal(std::size_t i) const {
    if (i < t_.size() && t_[i].kind == Kind::kWord && glued(i) && is_ordinal_suffix(t_[i].fold))
      return i + 1;
    if (is(i, "°") || is(i, "º")) return i + 1;
    return i;
  }

  bool looks_like_time_after(std::size_t i) const {
    if (is(i, "h") || is(i, "heures") || is(i, "heure") || is(i, "am") || is(i, "pm") ||
        is(i, "hrs"))
      return true;
    if (is(i, ":") && number(i + 1)) return true;
    if (is(i, "a") && is(i + 1, ".") && is(i + 2, "m")) return true;
    if (is(i, "p") && is(i + 1, ".") && is(i + 2, "m")) return true;
    return false;
  }

  bool year_at(std::size_t i, int* year) const {
    if (!number(i) || t_[i].raw.size() != 4) return false;
    int v = t_[i].value;
    if (v < 1900 || v > 2100) return false;
    if (looks_like_time_after(i + 1)) return false;
    *year = v;
    return true;
  }

  // Numeric dates: dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy, dd/mm/yy, yyyy-mm-dd.
  bool numeric(std::size_t i, Atom* a, std::size_t* next) const {
    if (short_numeric(i, a, next)) return true;
    if (!number(i) || !(i + 4 < t_.size())) return false;
    const std::string& sep = t_[i + 1].fold;
    if (sep != "/" && sep != "." && sep != "-") return false;
    if (!glued(i + 1) || !number(i + 2) || !glued(i + 2) || !is(i + 3, sep) || !glued(i + 3) ||
        !number(i + 4) || !glued(i + 4))
      return false;
    Atom r;
    if (t_[i].raw.size() == 4 && sep == "-") {
      r.year = t_[i].value;
      r.month = t_[i + 2].value;
      r.day = t_[i + 4].value;
    } else if (t_[i].raw.size() <= 2 && t_[i + 2].raw.size() <= 2) {
      r.day = t_[i].value;
      r.month = t_[i + 2].value;
      if (t_[i + 4].raw.size() == 4) {
        r.year = t_[i + 4].value;
      } else if (t_[i + 4].raw.size() == 2 && sep == "/") {
        r.year = 2000 + t_[i + 4].value;
      } else {
        return false;
      }
    } else {
      return false;
    }
    // "3/15/2027": read month first only where day first is impossible.
    if (r.month > 12 && r.day <= 12 && sep == "/") std::swap(r.month, r.day);
    if (!core::is_valid(core::Date{r.year, r.month, r.day})) return false;
    *a = r;
    *next = i + 5;
    return true;
  }

  // "le 04/03" without a year: only right after "le", "du", "au", "on" or a weekday, so that
  // "24/7" or "1/2 journée" stay numbers.
  bool short_numeric(std::size_t i, Atom* a, std::size_t* next) const {
    if (i == 0 || !number(i) || !is(i + 1, "/") || !glued(i + 1) || !number(i + 2) ||
        !glued(i + 2) || (is(i + 3, "/") && glued(i + 3)))
      return false;
    const std::string& p = t_[i - 1].fold;
    if (p != "le" && p != "du" && p != "au" && p != "on" && wday(i - 1) < 0) return false;
    if (t_[i].raw.size() > 2 || t_[i + 2].raw.size() > 2) return false;
    Atom r;
    r.day = t_[i].value;
    r.month = t_[i + 2].value;
    if (r.month < 1 || r.month > 12 || r.day < 1 || r.day > 31) return false;
    *a = r;
    *next = i + 3;
    return true;
  }

  // A day number that is not the start of a time ("18h") or a quantity.
  bool day_at(std::size_t i, int* day, std::size_t* next) const {
    if (!number(i) || t_[i].raw.size() > 2) return false;
    int v = t_[i].value;
    if (v < 1 || v > 31) return false;
    std::size_t j = skip_ordinal(i + 1);
    if (j == i + 1 && looks_like_time_after(i + 1)) return false;
    if (j == i + 1 && (is(i + 1, "/") || is(i + 1, ":")) && glued(i + 1)) return false;
    *day = v;
    *next = j;
    return true;
  }

  std::size_t skip_weekday(std::size_t i, int* wd) const {
    int d = wday(i);
    if (d < 0) return i;
    *wd = d;
    std::size_t j = skip_dot(i + 1);
    if (is(j, ",")) ++j;
    return j;
  }

  // One date, possibly without month (a bare day inside a list or range).
  bool atom(std::size_t i, Atom* out, std::size_t* next, bool allow_bare) const {
    if (numeric(i, out, next)) return true;
    if (is(i, "the") || is(i, "le")) ++i;
    Atom a;
    std::size_t j = skip_weekday(i, &a.weekday);
    if (is(j, "the") || is(j, "le")) ++j;
    std::size_t k = 0;
    // Day first: "4 mars", "4th of March", "1er août 2027".
    if (day_at(j, &a.day, &k)) {
      std::size_t m = k;
      if (is(m, "of")) ++m;
      if (int mo = month(m); mo != 0) {
        a.month = mo;
        m = skip_dot(m + 1);
        if (year_at(m, &a.year)) ++m;
        *out = a;
        *next = m;
        return true;
      }
      if (allow_bare) {
        *out = a;
        *next = k;
        return true;
      }
      return false;
    }
    // Month first: "March 4", "Apr 2nd, 2027", "March 4-5, 2027".
    if (int mo = month(j); mo != 0) {
      std::size_t m = skip_dot(j + 1);
      if (day_at(m, &a.day, &k)) {
        a.month = mo;
        if (is(k, "-") && day_at(k + 1, &a.end_day, &m) && a.end_day > a.day) {
          k = m;
        } else {
          a.end_day = 0;
        }
        std::size_t y = is(k, ",") ? k + 1 : k;
        if (year_at(y, &a.year)) k = y + 1;
        *out = a;
        *next = k;
        return true;
      }
    }
    return false;
  }

  // Range connector between two dates; returns the index after it or 0.
  std::size_t range_connector(std::size_t i, bool from_lead, bool between_lead) const {
    if (is(i, "au") || is(i, "to") || is(i, "-") || is(i, "through") || is(i, "thru")) return i + 1;
    if (is(i, "jusqu") && is(i + 1, "'") && (is(i + 2, "au") || is(i + 2, "a"))) return i + 3;
    if (from_lead && (is(i, "until") || is(i, "till"))) return i + 1;
    if (between_lead && (is(i, "and") || is(i, "et"))) return i + 1;
    return 0;
  }

  std::size_t list_connector(std::size_t i, bool* final) const {
    *final = false;
    std::size_t j = 0;
    if (is(i, ",")) j = i + 1;
    if (is(i, "et") || is(i, "and") || is(i, "&")) {
      j = i + 1;
      *final = true;
    }
    if (j == 0) return 0;
    if (is(j, "le") || is(j, "les") || is(j, "the")) ++j;
    return j;
  }

  bool mention(std::size_t i, Mention* out) const {
    bool from_lead = false;
    bool between_lead = false;
    if (i > 0) {
      const std::string& p = t_[i - 1].fold;
      from_lead = p == "from" || p == "du";
      between_lead = p == "between" || p == "entre";
      if (p == "le" && i > 1 && t_[i - 2].fold == "entre") between_lead = true;
    }
    Atom first;
    std::size_t next = 0;
    if (!atom(i, &first, &next, true)) return false;
    Mention m;
    m.begin = i;
    m.atoms.push_back(first);
    std::size_t conn = range_connector(next, from_lead, between_lead);
    Atom second;
    std::size_t after = 0;
    if (first.end_day == 0 && conn != 0) {
      std::size_t c = conn;
      if (is(c, "le") || is(c, "the")) ++c;
      if (atom(c, &second, &after, false)) {
        m.atoms.push_back(second);
        m.range = true;
        next = after;
      }
    }
    if (!m.range) {
      std::size_t j = next;
      bool final = false;
      while (true) {
        std::size_t c = list_connector(j, &final);
        if (c == 0) break;
        Atom a;
        if (!atom(c, &a, &after, true)) break;
        m.atoms.push_back(a);
        j = after;
        if (final) break;
      }
      // A list is only a list once a month closes it.
      if (m.atoms.back().month != 0) {
        next = j;
      } else {
        m.atoms.resize(1);
      }
    }
    if (m.atoms.back().month == 0) return false;
    // Fill months and years leftwards: "du 6 au 8 juin 2027".
    for (std::size_t k = m.atoms.size() - 1; k-- > 0;) {
      Atom& a = m.atoms[k];
      const Atom& b = m.atoms[k + 1];
      if (a.month == 0) a.month = b.month;
      if (a.year == 0 && b.year != 0) a.year = a.month > b.month ? b.year - 1 : b.year;
    }
    m.end = next;
    *out = m;
    return true;
  }

  // "9h", "9 h 15", "9h30", "20 heures", "9:15 am", "5pm"; bare numbers only when allowed.
  bool time_at(std::size_t i, Time* out, std::size_t* next, bool* marked, int* meridiem) const {
    *marked = false;
    *meridiem = 0;
    if (is(i, "midi") || is(i, "noon") || is(i, "midday")) {
      *out = {12, 0};
      *next = i + 1;
      *marked = true;
      return true;
    }
    if (!number(i) || t_[i].raw.size() > 2) return false;
    Time t{t_[i].value, 0};
    std::size_t j = i + 1;
    if (is(j, "h") || is(j, "heures") || is(j, "heure") || is(j, "hrs")) {
      *marked = true;
      ++j;
      if (number(j) && t_[j].raw.size() == 2 && (glued(j) || t_[j - 1].fold == "h")) {
        t.minute = t_[j].value;
        ++j;
      }
    } else if (is(j, ":") && glued(j) && number(j + 1) && t_[j + 1].raw.size() == 2) {
      *marked = true;
      t.minute = t_[j + 1].value;
      j += 2;
    } else if (is(j, ".") && glued(j) && number(j + 1) && glued(j + 1) &&
               t_[j + 1].raw.size() == 2 && (is(j + 2, "am") || is(j + 2, "pm"))) {
      t.minute = t_[j + 1].value;  // "7.30pm"
      j += 2;
    }
    if (is(j, "am") || is(j, "pm")) {
      *meridiem = is(j, "am") ? 1 : 2;
      ++j;
    } else if ((is(j, "a") || is(j, "p")) && is(j + 1, ".") && is(j + 2, "m")) {
      *meridiem = is(j, "a") ? 1 : 2;
      j += 3;
      if (is(j, ".")) ++j;
    }
    if (*meridiem != 0) {
      *marked = true;
      if (t.hour < 1 || t.hour > 12) return false;
      if (*meridiem == 2 && t.hour != 12) t.hour += 12;
      if (*meridiem == 1 && t.hour == 12) t.hour = 0;
    }
    if (t.hour > 23 || t.minute > 59) return false;
    *out = t;
    *next = j;
    return true;
  }

  // A time or a span of times starting at i: "de 10h à 12h", "10h-12h", "from 2 to 4 pm".
  bool span_at(std::size_t i, Time* start, std::optional<Time>* end, std::size_t* next) const {
    bool m1 = false;
    int mer1 = 0;
    std::size_t j = 0;
    if (!time_at(i, start, &j, &m1, &mer1)) return false;
    std::size_t c = 0;
    if (is(j, "a") || is(j, "-") || is(j, "to") || is(j, "until") || is(j, "till")) c = j + 1;
    if (is(j, "jusqu") && is(j + 1, "'") && is(j + 2, "a")) c = j + 3;
    if (c != 0) {
      Time t2;
      bool m2 = false;
      int mer2 = 0;
      std::size_t k = 0;
      if (time_at(c, &t2, &k, &m2, &mer2) && m2) {
        if (mer1 == 0 && mer2 == 2 && start->hour < 12 && start->hour + 12 <= t2.hour)
          start->hour += 12;
        if (m1 || (number(i) && start->hour <= 23)) {
          *end = t2;
          *next = k;
          return true;
        }
      }
    }
    if (!m1) return false;
    *next = j;
    return true;
  }

 private:
  const std::vector<Token>& t_;
};

bool contains(const std::vector<std::string>& words, std::string_view w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

enum class Role { kEvent, kDeadline, kValidity, kPublication, kPast, kVague, kCancelled };

struct Found {
  Mention mention;
  Role role = Role::kEvent;
  std::optional<Time> start_time;
  std::optional<Time> end_time;
  int segment = 0;  // 0 title, 1 text
};

// The folded words of tokens [from, to) joined by spaces, apostrophes kept as words.
std::string words_between(const std::vector<Token>& t, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t k = from; k < to && k < t.size(); ++k) {
    if (!out.empty()) out += ' ';
    out += t[k].fold;
  }
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix &&
         (s.size() == suffix.size() || s[s.size() - suffix.size() - 1] == ' ');
}

bool has_phrase(std::string_view s, std::string_view p) {
  std::size_t at = s.find(p);
  while (at != std::string_view::npos) {
    bool left = at == 0 || s[at - 1] == ' ';
    bool right = at + p.size() == s.size() || s[at + p.size()] == ' ';
    if (left && right) return true;
    at = s.find(p, at + 1);
  }
  return false;
}

// What the words just before a date say about it.
std::optional<Role> role_before(const std::vector<Token>& t, std::size_t begin, bool range) {
  std::size_t from = begin;
  while (from > 0 && begin - from < 7 && t[from - 1].clause == t[begin].clause) --from;
  std::string before = words_between(t, from, begin);
  // Drop a trailing article so "avant le" and "avant" read the same.
  for (std::string_view art : {"le", "la", "les", "du", "the", "on", ":", "au"}) {
    if (ends_with(before, art) && before.size() > art.size()) {
      std::string trimmed = before.substr(0, before.size() - art.size() - 1);
      if (art == "du" && (ends_with(trimmed, "a partir") || ends_with(trimmed, "a compter")))
        return Role::kValidity;
      if (art == "au" && ends_with(trimmed, "jusqu '")) return Role::kDeadline;
      if (art == "au" && ends_with(trimmed, "au plus tard")) return Role::kDeadline;
      before = trimmed;
      break;
    }
  }
  static const std::vector<std::string> kDeadlineEnd = {
      "avant",   "jusqu '",   "jusqu ' au",    "au plus tard", "by",         "before",
      "until",   "till",      "no later than", "deadline",     "deadline :", "due",
      "d ' ici", "jusqu ' a", "limite",        "closes",       "close"};
  static const std::vector<std::string> kValidityEnd = {
      "a partir", "des",     "starting", "starting from", "a compter", "effective", "since",
      "depuis",   "valable", "valid",    "as of",         "apres",     "after"};
  static const std::vector<std::string> kPublicationEnd = {"paru",
                                                           "parue",
                                                           "publie",
                                                           "publiee",
                                                           "mis a jour",
                                                           "mise a jour",
                                                           "posted",
                                                           "posted on",
                                                           "published",
                                                           "published on",
                                                           "updated",
                                                           "updated on",
                                                           "ecrit",
                                                           "redige",
                                                           "poste",
                                                           "postee",
                                                           "mis en ligne",
                                                           "mise en ligne",
                                                           "publies",
                                                           "publiees",
                                                           "parus",
                                                           "parues",
                                                           "paraitra",
                                                           "paraitront",
                                                           "sera publie",
                                                           "sera publiee",
                                                           "seront publies",
                                                           "seront publiees",
                                                           "will be published",
                                                           "be published"};
  static const std::vector<std::string> kVagueEnd = {"semaine", "week of", "week",  "mois",
                                                     "autour",  "vers",    "around"};
  for (const auto& p : kPublicationEnd)
    if (ends_with(before, p)) return Role::kPublication;
  // "from June 1" alone starts a validity; "from June 11 to June 13" is a range.
  if (!range && ends_with(before, "from")) return Role::kValidity;
  for (const auto& p : kDeadlineEnd)
    if (ends_with(before, p)) return Role::kDeadline;
  for (const auto& p : kValidityEnd)
    if (ends_with(before, p)) return Role::kValidity;
  for (const auto& p : kVagueEnd)
    if (ends_with(before, p)) return Role::kVague;
  for (std::string_view p : {"date limite", "deadline", "date butoir", "cloture", "closing date",
                             "closes", "candidatures", "depot"}) {
    if (has_phrase(before, p)) return Role::kDeadline;
  }
  for (std::string_view p : {"publie le", "paru le", "posted on", "published on", "mis a jour"}) {
    if (has_phrase(before, p)) return Role::kPublication;
  }
  return std::nullopt;
}

// Markers of a past event and of a future one, searched in the sentence of a date.
const std::vector<std::string>& past_markers() {
  static const std::vector<std::string> k = {"a eu lieu",
                                             "ont eu lieu",
                                             "avait lieu",
                                             "s ' est tenu",
                                             "s ' est tenue",
                                             "se sont tenus",
                                             "se sont tenues",
                                             "s ' est deroule",
                                             "s ' est deroulee",
                                             "se sont deroules",
                                             "se sont deroulees",
                                             "took place",
                                             "was held",
                                             "were held",
                                             "retour sur",
                                             "compte - rendu",
                                             "compte rendu",
                                             "c ' etait",
                                             "a reuni",
                                             "a rassemble",
                                             "ont participe",
                                             "happened",
                                             "recap",
                                             "s ' est achevee",
                                             "s ' est acheve",
                                             "etait organise",
                                             "etait organisee",
                                             "a ete organise",
                                             "a ete organisee",
                                             "took part",
                                             "looking back",
                                             "missed",
                                             "recording",
                                             "replay",
                                             "revivez",
                                             "rediffusion",
                                             "en differe",
                                             "merci a",
                                             "thank you",
                                             "thanks to",
                                             "originally",
                                             "initialement",
                                             "instead of",
                                             "au lieu du"};
  return k;
}
const std::vector<std::string>& future_markers() {
  static const std::vector<std::string> k = {
      "aura lieu",     "auront lieu",     "se tiendra",       "se tiendront",
      "se deroulera",  "se derouleront",  "will take place",  "will be held",
      "rendez - vous", "prochaine",       "prochain",         "next",
      "join us",       "inscrivez",       "register",         "venez",
      "aura",          "organise",        "organisera",       "vous invite",
      "invites you",   "est reprogramme", "est reprogrammee", "reprogramme",
      "reprogrammee",  "is coming",       "save the date",    "reporte au",
      "reportee au",   "reportes au",     "postponed to",     "postponed until",
      "moved to",      "rescheduled",     "rescheduled for",  "decale au",
      "decalee au",    "repousse au",     "repoussee au",     "nouvelle date"};
  return k;
}

// Token distance from the mention to the nearest occurrence of one of `markers` in its sentence.
int nearest(const std::vector<Token>& t, const Mention& m,
            const std::vector<std::string>& markers) {
  std::size_t from = m.begin;
  while (from > 0 && m.begin - from < kMarkerWindow && t[from - 1].sentence == t[m.begin].sentence)
    --from;
  std::size_t to = m.end;
  while (to < t.size() && to - m.end < kMarkerWindow && t[to].sentence == t[m.begin].sentence) ++to;
  int best = 1 << 20;
  for (std::size_t k = from; k < to; ++k) {
    for (const auto& p : markers) {
      std::size_t n = static_cast<std::size_t>(std::count(p.begin(), p.end(), ' ')) + 1;
      if (k + n > to) continue;
      if (words_between(t, k, k + n) != p) continue;
      int d = k + n <= m.begin ? static_cast<int>(m.begin - (k + n))
              : k >= m.end     ? static_cast<int>(k - m.end)
                               : 0;
      best = std::min(best, d);
    }
  }
  return best;
}

// A French past participle by its ending ("voté", "réunis", "venu"); "ont lieu" is present.
bool is_participle(std::string_view w) {
  if (w == "ete" || w == "tenu") return true;
  if (w.size() < 3 || w == "lieu") return false;
  for (std::string_view end : {"e", "es", "ee", "ees", "i", "is", "ie", "ies", "u", "us", "ue"}) {
    if (w.size() > end.size() && w.substr(w.size() - end.size()) == end) return true;
  }
  return false;
}

// Token distance to a compound past tense in the sentence: "ont voté", "avons réuni",
// "s'est réuni", "were invited". The written "a" (not "à") counts: "a rassemblé".
int nearest_compound_past(const std::vector<Token>& t, const Mention& m) {
  int best = 1 << 20;
  const std::size_t from = m.begin > kMarkerWindow ? m.begin - kMarkerWindow : 0;
  for (std::size_t k = from; k + 1 < t.size() && k < m.end + kMarkerWindow; ++k) {
    if (t[k].sentence != t[m.begin].sentence) continue;
    const std::string& aux = t[k].raw;
    bool french = aux == "ont" || aux == "avons" || aux == "avez" || aux == "a" ||
                  ((aux == "est" || aux == "sont") && k >= 2 && t[k - 1].fold == "'" &&
                   t[k - 2].fold == "s") ||
                  (aux == "sont" && k >= 1 && t[k - 1].fold == "se");
    bool english = aux == "was" || aux == "were" || aux == "had";
    const std::string& next = t[k + 1].fold;
    bool past =
        (french && t[k + 1].kind == Kind::kWord && !t[k + 1].capitalised && is_participle(next)) ||
        (english && next.size() > 3 && next.substr(next.size() - 2) == "ed");
    if (!past) continue;
    int d = k + 2 <= m.begin ? static_cast<int>(m.begin - (k + 2))
            : k >= m.end     ? static_cast<int>(k - m.end)
                             : 0;
    best = std::min(best, d);
  }
  return best;
}

bool is_past(const std::vector<Token>& t, const Mention& m) {
  if (t.size() > m.end && (t[m.end].fold == "dernier" || t[m.end].fold == "derniere" ||
                           t[m.end].fold == "passe" || t[m.end].fold == "passee"))
    return true;
  if (m.begin > 0 && (t[m.begin - 1].fold == "last" || t[m.begin - 1].fold == "dernier"))
    return true;
  int past = std::min(nearest(t, m, past_markers()), nearest_compound_past(t, m));
  if (past >= (1 << 20)) return false;
  return past < nearest(t, m, future_markers());
}

// "la fête prévue le 6 février est annulée", unless a new date is nearer: "reporté au 3 avril".
bool is_cancelled(const std::vector<Token>& t, const Mention& m) {
  static const std::vector<std::string> k = {"annule",   "annulee",           "annules",
                                             "annulees", "annulation",        "cancelled",
                                             "canceled", "n ' aura pas lieu", "will not take place",
                                             "is off",   "called off"};
  int cancelled = nearest(t, m, k);
  return cancelled < (1 << 20) && cancelled < nearest(t, m, future_markers());
}

// "la mairie est ouverte du 1er juillet au 31 août": a period of opening hours, not an event.
bool opening_hours(const std::vector<Token>& t, const Mention& m) {
  static const std::vector<std::string> k = {
      "est ouverte",   "est ouvert",  "sont ouverts", "sont ouvertes", "est fermee",
      "est ferme",     "sera fermee", "sera ferme",   "horaires",      "fermeture",
      "opening hours", "is open",     "is closed",    "will be closed"};
  return nearest(t, m, k) < (1 << 20);
}

bool deadline_after(const std::vector<Token>& t, const Mention& m) {
  std::string after = words_between(t, m.end, std::min(t.size(), m.end + 4));
  return after.rfind("au plus tard", 0) == 0 || after.rfind("at the latest", 0) == 0 ||
         after.rfind("dernier delai", 0) == 0 || after.rfind("inclus", 0) == 0;
}

// Time after the date (same sentence, a few words on) or just before it.
void find_time(const Scanner& s, const std::vector<Token>& t, Found* f) {
  const Mention& m = f->mention;
  for (std::size_t k = m.end; k < t.size() && k < m.end + 14; ++k) {
    if (t[k].sentence != t[m.begin].sentence) break;
    if (s.month(k) != 0) break;
    if (t[k].kind != Kind::kNumber && !s.is(k, "midi") && !s.is(k, "noon")) continue;
    Time a;
    std::optional<Time> b;
    std::size_t next = 0;
    if (s.span_at(k, &a, &b, &next)) {
      f->start_time = a;
      f->end_time = b;
    }
    return;
  }
  std::size_t from = m.begin > 6 ? m.begin - 6 : 0;
  for (std::size_t k = from; k < m.begin; ++k) {
    if (t[k].sentence != t[m.begin].sentence) continue;
    Time a;
    std::optional<Time> b;
    std::size_t next = 0;
    if (s.span_at(k, &a, &b, &next) && next + 3 >= m.begin) {
      f->start_time = a;
      f->end_time = b;
      return;
    }
  }
}

std::vector<Found> scan(std::string_view text, int segment, std::vector<Token>* tokens) {
  *tokens = tokenize(text);
  const std::vector<Token>& t = *tokens;
  Scanner s(t);
  std::vector<Found> out;
  for (std::size_t i = 0; i < t.size();) {
    Mention m;
    if (!s.mention(i, &m)) {
      ++i;
      continue;
    }
    Found f;
    f.mention = m;
    f.segment = segment;
    if (auto r = role_before(t, m.begin, m.range)) {
      f.role = *r;
    } else if (deadline_after(t, m)) {
      f.role = Role::kDeadline;
    } else if (is_cancelled(t, m)) {
      f.role = Role::kCancelled;
    } else if (is_past(t, m)) {
      f.role = Role::kPast;
    } else if (opening_hours(t, m)) {
      f.role = Role::kValidity;
    }
    find_time(s, t, &f);
    out.push_back(std::move(f));
    i = m.end > i ? m.end : i + 1;
  }
  return out;
}

struct Resolved {
  core::Date first;
  core::Date last;
  bool ok = false;
  bool weekday_mismatch = false;
  bool past = false;
};

// Picks the year of each date: the explicit one, else the first year that puts the date on or
// after publication (less the grace) and agrees with any weekday named, within two years.
Resolved resolve(const Mention& m, const core::Date& published) {
  Resolved r;
  const Atom& a = m.atoms.front();
  const Atom& b = m.atoms.back();
  int last_day = b.end_day != 0 ? b.end_day : b.day;
  bool explicit_year = b.year != 0;
  std::vector<int> years;
  if (explicit_year) {
    years.push_back(b.year);
  } else {
    for (int y = published.year; y <= published.year + 2; ++y) years.push_back(y);
  }
  core::Date floor = core::add_days(published, -kGraceDays);
  for (int y : years) {
    int first_year = a.year != 0 ? a.year : (a.month > b.month ? y - 1 : y);
    core::Date first{first_year, a.month, a.day};
    core::Date last{y, b.month, last_day};
    if (!core::is_valid(first) || !core::is_valid(last) || last < first) continue;
    if (!explicit_year && first < floor) continue;
    // Announcements do not look more than two years ahead.
    if (!explicit_year && core::days_from_civil(first) - core::days_from_civil(published) > 731)
      continue;
    bool wd_ok = true;
    if (a.weekday >= 0 && core::weekday(first) != a.weekday) wd_ok = false;
    if (m.atoms.size() > 1 && b.weekday >= 0 &&
        core::weekday(core::Date{y, b.month, b.day}) != b.weekday)
      wd_ok = false;
    if (!wd_ok) {
      r.weekday_mismatch = true;
      continue;
    }
    r.first = first;
    r.last = last;
    r.ok = true;
    r.weekday_mismatch = false;
    r.past = explicit_year && last < floor;
    return r;
  }
  return r;
}

// Lists of days are a range when the days follow each other; otherwise the first day is kept.
void narrow_list(Mention* m) {
  if (m->range || m->atoms.size() < 2) return;
  for (std::size_t k = 1; k < m->atoms.size(); ++k) {
    const Atom& p = m->atoms[k - 1];
    const Atom& q = m->atoms[k];
    if (q.month != p.month || q.day != p.day + 1) {
      m->others.assign(m->atoms.begin() + 1, m->atoms.end());
      m->atoms.resize(1);
      return;
    }
  }
}

bool is_venue_head(std::string_view w) {
  static const std::vector<std::string> k = {
      "maison",  "salle",   "centre",      "espace",       "hotel",    "theatre",    "halle",
      "halles",  "palais",  "mediatheque", "bibliotheque", "mairie",   "universite", "auditorium",
      "cite",    "parc",    "musee",       "campus",       "institut", "ecole",      "college",
      "lycee",   "chateau", "place",       "town",         "city",     "community",  "university",
      "library", "museum",  "centre",      "center",       "hall",     "house",      "gymnase",
      "forum",   "tiers",   "cafe",        "friche"};
  return contains(k, w);
}

bool is_connector_word(std::string_view w) {
  return w == "de" || w == "des" || w == "du" || w == "la" || w == "le" || w == "l" || w == "d" ||
         w == "sur" || w == "en" || w == "of" || w == "the" || w == "les" || w == "et" ||
         w == "and" || w == "aux" || w == "sous";
}

bool stop_word_for_place(const Token& tok) {
  if (tok.kind != Kind::kWord) return true;
  if (month_of(tok.fold) != 0 || weekday_of(tok.fold) >= 0) return true;
  return false;
}

// A capitalised place after "à", "au", "at", "in" starting at cue index i.
std::string place_after(const std::vector<Token>& t, std::size_t i) {
  std::size_t j = i + 1;
  if (t[i].fold == "a" && j < t.size() && (t[j].fold == "la" || t[j].fold == "l")) {
    ++j;
    if (j < t.size() && t[j].fold == "'") ++j;
  } else if ((t[i].fold == "at" || t[i].fold == "in") && j < t.size() && t[j].fold == "the") {
    ++j;
  }
  if (j >= t.size() || t[j].kind != Kind::kWord || !t[j].capitalised || stop_word_for_place(t[j]))
    return "";
  static const std::vector<std::string> kNotPlaces = {
      "a",   "en",   "partir", "travers", "cette", "ce",     "nos",
      "vos", "tous", "toutes", "noter",   "i",     "we",     "you",
      "the", "this", "our",    "compter", "titre", "suivre", "venir"};
  if (contains(kNotPlaces, t[j].fold)) return "";
  const bool venue = is_venue_head(t[j].fold);
  std::size_t last = j;
  std::size_t k = j + 1;
  // Lower-case words inside a name ("Bourse du travail de Saint-Denis"): one, two in a venue.
  const int max_plain = venue ? 2 : 1;
  int plain = 0;
  int lowercase_run = 0;
  static const std::vector<std::string> kBreakers = {
      "avec",    "pour", "par",  "chez", "dans", "sans", "puis", "with",  "for",
      "from",    "to",   "on",   "ou",   "or",   "qui",  "que",  "where", "which",
      "pendant", "lors", "afin", "in",   "at",   "a",    "au",   "near",  "pres"};
  while (k < t.size() && t[k].sentence == t[j].sentence) {
    const Token& tok = t[k];
    if (tok.fold == "-" && !tok.space_before && k + 1 < t.size() && !t[k + 1].space_before) {
      ++k;
      continue;
    }
    if (tok.fold == "'" && !tok.space_before) {
      if (k + 1 < t.size() && t[k + 1].fold == "s" && !t[k + 1].space_before) {
        last = k + 1;  // "St John's Hall"
        k += 2;
        continue;
      }
      ++k;
      continue;
    }
    if (stop_word_for_place(tok)) break;
    if (tok.capitalised) {
      last = k;
      lowercase_run = 0;
      plain = 0;
    } else if (is_connector_word(tok.fold)) {
      ++lowercase_run;
      if (lowercase_run > 3) break;
    } else if (plain < max_plain && !contains(kBreakers, tok.fold)) {
      ++plain;
      ++lowercase_run;
      if (lowercase_run > 3) break;
    } else {
      break;
    }
    ++k;
  }
  std::string out;
  const std::size_t begin = j;
  for (std::size_t q = begin; q <= last; ++q) {
    if (q > begin && t[q].space_before) out += ' ';
    out += t[q].raw;
  }
  return out;
}

std::string place_in(const std::vector<Token>& t, std::size_t from, std::size_t to) {
  for (std::size_t k = from; k < to && k < t.size(); ++k) {
    const std::string& w = t[k].fold;
    if (w == "a" || w == "au" || w == "at" || w == "in") {
      std::string p = place_after(t, k);
      if (!p.empty()) return p;
    }
  }
  return "";
}

bool online_in(const std::vector<Token>& t, std::size_t from, std::size_t to) {
  for (std::size_t k = from; k < to && k < t.size(); ++k) {
    const std::string& w = t[k].fold;
    bool registration =
        k > 0 && (t[k - 1].fold.rfind("inscri", 0) == 0 || t[k - 1].fold.rfind("regist", 0) == 0 ||
                  (k > 1 && t[k - 2].fold.rfind("inscri", 0) == 0));
    if (w == "online" && !registration) return true;
    if (w == "en" && k + 1 < to &&
        (t[k + 1].fold == "ligne" || t[k + 1].fold == "visio" ||
         t[k + 1].fold == "visioconference" || t[k + 1].fold == "distanciel") &&
        !registration)
      return true;
    if (w == "visioconference" || w == "zoom") return true;
  }
  return false;
}

bool mentions_webinar(const std::vector<Token>& t) {
  return std::any_of(t.begin(), t.end(), [](const Token& x) {
    return x.fold == "webinaire" || x.fold == "webinar" || x.fold == "webinaires" ||
           x.fold == "webinars";
  });
}

std::string find_location(const std::vector<Token>& tokens, const Found& f,
                          const std::vector<Token>& title) {
  const Mention& m = f.mention;
  std::size_t from = m.begin;
  while (from > 0 && tokens[from - 1].sentence == tokens[m.begin].sentence) --from;
  std::size_t to = m.end;
  while (to < tokens.size() && tokens[to].sentence == tokens[m.begin].sentence) ++to;
  if (auto p = place_in(tokens, m.end, to); !p.empty()) return p;
  if (auto p = place_in(tokens, from, m.begin); !p.empty()) return p;
  if (online_in(tokens, from, to)) return "En ligne";
  if (&tokens != &title) {
    if (auto p = place_in(title, 0, title.size()); !p.empty()) return p;
    if (online_in(title, 0, title.size())) return "En ligne";
  }
  return "";
}

bool title_says_past(const std::vector<Token>& t) {
  std::string head = words_between(t, 0, std::min<std::size_t>(t.size(), 4));
  for (std::string_view p :
       {"retour sur", "retour en images", "compte - rendu", "compte rendu", "bilan", "recap",
        "looking back", "in pictures", "en images", "c ' etait"}) {
    if (head.rfind(p, 0) == 0) return true;
  }
  return false;
}

core::EventTime all_day(const core::Date& d) {
  core::EventTime e;
  e.all_day = true;
  e.date = d;
  return e;
}

core::EventTime timed(const core::Date& d, const Time& t) {
  core::EventTime e;
  e.all_day = false;
  e.date = d;
  e.local = core::LocalDateTime{d, t.hour, t.minute, 0};
  return e;
}

}  // namespace

ProseDate find_event_date(const ProseItem& item) {
  // A character cut at the limit is an invalid sequence, which the tokenizer skips.
  std::string_view text = item.text.substr(0, std::min(item.text.size(), kMaxText));
  std::vector<Token> title_tokens;
  std::vector<Token> text_tokens;
  std::vector<Found> found = scan(item.title, 0, &title_tokens);
  std::vector<Found> in_text = scan(text, 1, &text_tokens);
  found.insert(found.end(), in_text.begin(), in_text.end());
  bool past_item = title_says_past(title_tokens);

  struct Candidate {
    const Found* found;
    Resolved dates;
  };
  std::vector<Candidate> events;
  std::set<Role> seen;  // the roles of the dates that were not taken as the event
  bool saw_mismatch = false;
  for (Found& f : found) {
    narrow_list(&f.mention);
    if (f.role != Role::kEvent) {
      seen.insert(f.role);
      continue;
    }

    if (past_item) {
      seen.insert(Role::kPast);
      continue;
    }
    Resolved r = resolve(f.mention, item.published);
    if (!r.ok) {
      if (r.weekday_mismatch) saw_mismatch = true;
      continue;
    }
    if (r.past) {
      seen.insert(Role::kPast);
      continue;
    }
    events.push_back({&f, r});
  }
  if (events.empty()) {
    if (seen.count(Role::kCancelled) != 0) return {std::nullopt, "cancelled"};
    if (seen.count(Role::kPast) != 0) return {std::nullopt, "past report"};
    if (saw_mismatch) return {std::nullopt, "weekday does not match"};
    if (seen.count(Role::kDeadline) != 0) return {std::nullopt, "only a deadline"};
    if (seen.count(Role::kValidity) != 0) return {std::nullopt, "only a start of validity"};
    if (seen.count(Role::kPublication) != 0) return {std::nullopt, "only a publication date"};
    if (seen.count(Role::kVague) != 0) return {std::nullopt, "only a vague period"};
    return {std::nullopt, "no date found"};
  }
  // The title names the event when it has a date; otherwise the text's first event date does,
  // unless the text lists three or more distinct dates spread far apart (a programme).
  const Candidate* chosen = &events.front();
  if (chosen->found->segment == 1) {
    std::vector<core::Date> distinct;
    for (const Candidate& c : events) {
      std::vector<core::Date> days = {c.dates.first};
      for (const Atom& o : c.found->mention.others) {
        int y = o.month < c.dates.first.month ? c.dates.first.year + 1 : c.dates.first.year;
        if (core::is_valid(core::Date{y, o.month, o.day})) days.push_back({y, o.month, o.day});
      }
      for (const core::Date& d : days) {
        if (std::find(distinct.begin(), distinct.end(), d) == distinct.end()) distinct.push_back(d);
      }
    }
    if (distinct.size() >= 3) {
      auto [lo, hi] = std::minmax_element(distinct.begin(), distinct.end());
      if (core::days_from_civil(*hi) - core::days_from_civil(*lo) > kFarApartDays)
        return {std::nullopt, "several dates far apart"};
    }
  }
  std::optional<Time> start_time = chosen->found->start_time;
  std::optional<Time> end_time = chosen->found->end_time;
  if (!start_time) {
    // The title gives the day, the text often the hour of the same day.
    for (const Candidate& c : events) {
      if (c.dates.first == chosen->dates.first && c.found->start_time) {
        start_time = c.found->start_time;
        end_time = c.found->end_time;
        break;
      }
    }
  }
  ProseEvent ev;
  if (start_time) {
    ev.start = timed(chosen->dates.first, *start_time);
    ev.end = timed(chosen->dates.last, end_time ? *end_time : *start_time);
    if (ev.end.local < ev.start.local) ev.end = ev.start;
  } else {
    ev.start = all_day(chosen->dates.first);
    ev.end = all_day(core::add_days(chosen->dates.last, 1));
  }
  const bool in_title = chosen->found->segment == 0;
  ev.location = find_location(in_title ? title_tokens : text_tokens, *chosen->found, title_tokens);
  if (ev.location.empty() && in_title) {
    // A dated title: the place is in the text, beside the same date or in its first sentence.
    for (const Candidate& c : events) {
      if (c.found->segment == 1 && c.dates.first == chosen->dates.first) {
        ev.location = find_location(text_tokens, *c.found, title_tokens);
        break;
      }
    }
    if (ev.location.empty()) {
      std::size_t first_end = 0;
      while (first_end < text_tokens.size() && text_tokens[first_end].sentence == 0) ++first_end;
      ev.location = place_in(text_tokens, 0, first_end);
      if (ev.location.empty() && online_in(text_tokens, 0, first_end)) ev.location = "En ligne";
    }
  }
  if (ev.location.empty() && (mentions_webinar(title_tokens) || mentions_webinar(text_tokens)))
    ev.location = "En ligne";
  return {ev, ""};
}

}  // namespace concerto::parse
