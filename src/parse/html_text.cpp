#include "parse/html_text.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/text.h"

namespace concerto::parse {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// HTML 4 names (the Latin-1, symbol and special sets) and the HTML5 names partners actually use.
const std::unordered_map<std::string_view, char32_t>& named_entities() {
  static const auto* const table = [] {
    auto* map = new std::unordered_map<std::string_view, char32_t>();
    // U+00A0 .. U+00FF in order.
    static constexpr std::array<std::string_view, 96> kLatin1 = {
        "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",
        "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn",
        "sup2",   "sup3",   "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",
        "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde",
        "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave",
        "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde",
        "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
        "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
        "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",   "eth",
        "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
        "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};
    for (std::size_t i = 0; i < kLatin1.size(); ++i) {
      map->emplace(kLatin1[i], static_cast<char32_t>(0xA0 + i));
    }
    // Greek capitals U+0391.. (U+03A2 is unassigned), small letters U+03B1..U+03C9.
    static constexpr std::array<std::string_view, 25> kGreek = {
        "Alpha", "Beta",   "Gamma",   "Delta", "Epsilon", "Zeta",    "Eta",  "Theta", "Iota",
        "Kappa", "Lambda", "Mu",      "Nu",    "Xi",      "Omicron", "Pi",   "Rho",   "",
        "Sigma", "Tau",    "Upsilon", "Phi",   "Chi",     "Psi",     "Omega"};
    static constexpr std::array<std::string_view, 25> kGreekSmall = {
        "alpha", "beta",   "gamma",   "delta", "epsilon", "zeta",    "eta",  "theta", "iota",
        "kappa", "lambda", "mu",      "nu",    "xi",      "omicron", "pi",   "rho",   "sigmaf",
        "sigma", "tau",    "upsilon", "phi",   "chi",     "psi",     "omega"};
    for (std::size_t i = 0; i < kGreek.size(); ++i) {
      if (!kGreek[i].empty()) map->emplace(kGreek[i], static_cast<char32_t>(0x391 + i));
      map->emplace(kGreekSmall[i], static_cast<char32_t>(0x3B1 + i));
    }
    static constexpr std::pair<std::string_view, char32_t> kOthers[] = {
        {"quot", 0x22},     {"amp", 0x26},       {"apos", 0x27},     {"lt", 0x3C},
        {"gt", 0x3E},       {"OElig", 0x152},    {"oelig", 0x153},   {"Scaron", 0x160},
        {"scaron", 0x161},  {"Yuml", 0x178},     {"fnof", 0x192},    {"circ", 0x2C6},
        {"tilde", 0x2DC},   {"thetasym", 0x3D1}, {"upsih", 0x3D2},   {"piv", 0x3D6},
        {"ensp", 0x2002},   {"emsp", 0x2003},    {"thinsp", 0x2009}, {"zwnj", 0x200C},
        {"zwj", 0x200D},    {"lrm", 0x200E},     {"rlm", 0x200F},    {"ndash", 0x2013},
        {"mdash", 0x2014},  {"horbar", 0x2015},  {"lsquo", 0x2018},  {"rsquo", 0x2019},
        {"rsquor", 0x2019}, {"sbquo", 0x201A},   {"ldquo", 0x201C},  {"rdquo", 0x201D},
        {"bdquo", 0x201E},  {"dagger", 0x2020},  {"Dagger", 0x2021}, {"bull", 0x2022},
        {"bullet", 0x2022}, {"hellip", 0x2026},  {"mldr", 0x2026},   {"permil", 0x2030},
        {"prime", 0x2032},  {"Prime", 0x2033},   {"lsaquo", 0x2039}, {"rsaquo", 0x203A},
        {"oline", 0x203E},  {"frasl", 0x2044},   {"euro", 0x20AC},   {"image", 0x2111},
        {"weierp", 0x2118}, {"real", 0x211C},    {"trade", 0x2122},  {"alefsym", 0x2135},
        {"larr", 0x2190},   {"uarr", 0x2191},    {"rarr", 0x2192},   {"darr", 0x2193},
        {"harr", 0x2194},   {"crarr", 0x21B5},   {"lArr", 0x21D0},   {"uArr", 0x21D1},
        {"rArr", 0x21D2},   {"dArr", 0x21D3},    {"hArr", 0x21D4},   {"forall", 0x2200},
        {"part", 0x2202},   {"exist", 0x2203},   {"empty", 0x2205},  {"nabla", 0x2207},
        {"isin", 0x2208},   {"notin", 0x2209},   {"ni", 0x220B},     {"prod", 0x220F},
        {"sum", 0x2211},    {"minus", 0x2212},   {"lowast", 0x2217}, {"radic", 0x221A},
        {"prop", 0x221D},   {"infin", 0x221E},   {"ang", 0x2220},    {"and", 0x2227},
        {"or", 0x2228},     {"cap", 0x2229},     {"cup", 0x222A},    {"int", 0x222B},
        {"there4", 0x2234}, {"sim", 0x223C},     {"cong", 0x2245},   {"asymp", 0x2248},
        {"ne", 0x2260},     {"equiv", 0x2261},   {"le", 0x2264},     {"ge", 0x2265},
        {"sub", 0x2282},    {"sup", 0x2283},     {"nsub", 0x2284},   {"sube", 0x2286},
        {"supe", 0x2287},   {"oplus", 0x2295},   {"otimes", 0x2297}, {"perp", 0x22A5},
        {"sdot", 0x22C5},   {"lceil", 0x2308},   {"rceil", 0x2309},  {"lfloor", 0x230A},
        {"rfloor", 0x230B}, {"lang", 0x27E8},    {"rang", 0x27E9},   {"loz", 0x25CA},
        {"spades", 0x2660}, {"clubs", 0x2663},   {"hearts", 0x2665}, {"diams", 0x2666},
        {"check", 0x2713},  {"hyphen", 0x2010},  {"dash", 0x2010},   {"nbhy", 0x2011},
        {"numsp", 0x2007},  {"puncsp", 0x2008},  {"hairsp", 0x200A}, {"NewLine", 0x0A},
        {"Tab", 0x09},      {"colon", 0x3A},     {"comma", 0x2C},    {"period", 0x2E},
        {"excl", 0x21},     {"quest", 0x3F},     {"num", 0x23},      {"dollar", 0x24},
        {"percnt", 0x25},   {"lpar", 0x28},      {"rpar", 0x29},     {"ast", 0x2A},
        {"plus", 0x2B},     {"sol", 0x2F},       {"semi", 0x3B},     {"equals", 0x3D},
        {"commat", 0x40},   {"lsqb", 0x5B},      {"rsqb", 0x5D},     {"bsol", 0x5C},
        {"lowbar", 0x5F},   {"grave", 0x60},     {"lcub", 0x7B},     {"rcub", 0x7D},
        {"verbar", 0x7C},   {"vert", 0x7C},      {"star", 0x2606},   {"starf", 0x2605},
        {"phone", 0x260E},  {"female", 0x2640},  {"male", 0x2642},
    };
    for (const auto& [name, code] : kOthers) map->emplace(name, code);
    return map;
  }();
  return *table;
}

// HTML5: &#128; .. &#159; are read as Windows-1252, the way browsers do.
char32_t from_c1(char32_t code) {
  static constexpr std::array<char32_t, 32> kWindows1252 = {
      0x20AC,       kReplacement, 0x201A, 0x0192, 0x201E, 0x2026,       0x2020, 0x2021,
      0x02C6,       0x2030,       0x0160, 0x2039, 0x0152, kReplacement, 0x017D, kReplacement,
      kReplacement, 0x2018,       0x2019, 0x201C, 0x201D, 0x2022,       0x2013, 0x2014,
      0x02DC,       0x2122,       0x0161, 0x203A, 0x0153, kReplacement, 0x017E, 0x0178};
  return kWindows1252[code - 0x80];
}

void append_utf8(std::string& out, char32_t code) {
  if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) code = kReplacement;
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The entity starting at text[at] (an '&'): its code point and length, or length 0 when the
// text there is not an entity we know (then it is kept as written).
struct Entity {
  char32_t code = 0;
  std::size_t length = 0;
};

Entity entity_at(std::string_view text, std::size_t at) {
  std::size_t i = at + 1;
  if (i < text.size() && text[i] == '#') {
    ++i;
    const bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
    if (hex) ++i;
    const std::size_t digits_start = i;
    std::uint32_t value = 0;
    for (; i < text.size(); ++i) {
      const int digit = hex ? hex_value(text[i]) : (is_digit(text[i]) ? text[i] - '0' : -1);
      if (digit < 0) break;
      value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
      if (value > 0x10FFFF) value = 0x110000;  // saturates: any longer number is invalid too
    }
    if (i == digits_start) return {};
    if (i < text.size() && text[i] == ';') ++i;
    char32_t code = value;
    if (code >= 0x80 && code <= 0x9F) code = from_c1(code);
    if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) code = kReplacement;
    return {code, i - at};
  }
  constexpr std::size_t kLongestName = 32;
  const std::size_t name_start = i;
  while (i < text.size() && i - name_start <= kLongestName && is_alnum(text[i])) ++i;
  const std::string_view name = text.substr(name_start, i - name_start);
  if (name.empty()) return {};
  const bool terminated = i < text.size() && text[i] == ';';
  if (!terminated) {
    // Browsers still read these few without their ';' ("AT&T" stays as it is: T is unknown).
    if (name == "amp") return {'&', i - at};
    if (name == "lt") return {'<', i - at};
    if (name == "gt") return {'>', i - at};
    if (name == "quot") return {'"', i - at};
    if (name == "nbsp") return {0xA0, i - at};
    return {};
  }
  const auto& table = named_entities();
  const auto found = table.find(name);
  if (found == table.end()) return {};
  return {found->second, i + 1 - at};
}

// Decodes entities (not tags) in an attribute value.
std::string decode_attribute(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size();) {
    if (value[i] == '&') {
      const Entity entity = entity_at(value, i);
      if (entity.length > 0) {
        append_utf8(out, entity.code);
        i += entity.length;
        continue;
      }
    }
    out.push_back(value[i]);
    ++i;
  }
  return out;
}

// Case-insensitive search for `needle` (lower case) from `from`; npos when absent. Linear: the
// needle is short and has no repeated prefix.
std::size_t ifind(std::string_view text, std::string_view needle, std::size_t from) {
  if (needle.size() > text.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= text.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && static_cast<char>(text[i + k] | 0x20) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

// The '>' closing the tag whose attributes start at `from`, skipping quoted values; when a
// quote is never closed, the first '>' after `from` (so one stray quote cannot hide the rest).
std::size_t tag_end(std::string_view text, std::size_t from) {
  char quote = 0;
  for (std::size_t i = from; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i;
    }
  }
  return quote != 0 ? text.find('>', from) : std::string_view::npos;
}

// The value of attribute `wanted` (lower case) in a tag's attribute text, entities decoded.
std::optional<std::string> attribute(std::string_view attributes, std::string_view wanted) {
  std::size_t i = 0;
  while (i < attributes.size()) {
    while (i < attributes.size() && (is_space(attributes[i]) || attributes[i] == '/')) ++i;
    const std::size_t name_start = i;
    while (i < attributes.size() && !is_space(attributes[i]) && attributes[i] != '=' &&
           attributes[i] != '/') {
      ++i;
    }
    const std::string name = core::ascii_lower(attributes.substr(name_start, i - name_start));
    while (i < attributes.size() && is_space(attributes[i])) ++i;
    std::string_view value;
    if (i < attributes.size() && attributes[i] == '=') {
      ++i;
      while (i < attributes.size() && is_space(attributes[i])) ++i;
      if (i < attributes.size() && (attributes[i] == '"' || attributes[i] == '\'')) {
        const char quote = attributes[i++];
        const std::size_t end = attributes.find(quote, i);
        const std::size_t stop = end == std::string_view::npos ? attributes.size() : end;
        value = attributes.substr(i, stop - i);
        i = stop == attributes.size() ? stop : stop + 1;
      } else {
        const std::size_t value_start = i;
        while (i < attributes.size() && !is_space(attributes[i])) ++i;
        value = attributes.substr(value_start, i - value_start);
      }
    }
    if (name == wanted) return decode_attribute(value);
    if (i == name_start) ++i;  // a lone '=' or similar: step over it
  }
  return std::nullopt;
}

enum class Block { kNone, kSpace, kLine, kParagraph };

Block block_of(std::string_view tag) {
  static const std::unordered_map<std::string_view, Block> kBlocks = {
      {"br", Block::kLine},           {"li", Block::kLine},
      {"tr", Block::kLine},           {"div", Block::kLine},
      {"dt", Block::kLine},           {"dd", Block::kLine},
      {"option", Block::kLine},       {"caption", Block::kLine},
      {"p", Block::kParagraph},       {"h1", Block::kParagraph},
      {"h2", Block::kParagraph},      {"h3", Block::kParagraph},
      {"h4", Block::kParagraph},      {"h5", Block::kParagraph},
      {"h6", Block::kParagraph},      {"blockquote", Block::kParagraph},
      {"ul", Block::kParagraph},      {"ol", Block::kParagraph},
      {"dl", Block::kParagraph},      {"table", Block::kParagraph},
      {"hr", Block::kParagraph},      {"pre", Block::kParagraph},
      {"section", Block::kParagraph}, {"article", Block::kParagraph},
      {"header", Block::kParagraph},  {"footer", Block::kParagraph},
      {"figure", Block::kParagraph},  {"address", Block::kParagraph},
      {"form", Block::kParagraph},    {"fieldset", Block::kParagraph},
      {"main", Block::kParagraph},    {"nav", Block::kParagraph},
      {"aside", Block::kParagraph},   {"td", Block::kSpace},
      {"th", Block::kSpace},          {"img", Block::kSpace},
      {"figcaption", Block::kLine},
  };
  const auto found = kBlocks.find(tag);
  return found == kBlocks.end() ? Block::kNone : found->second;
}

// Elements whose content is never text.
bool drops_content(std::string_view tag) {
  return tag == "script" || tag == "style" || tag == "template" || tag == "title" ||
         tag == "noembed" || tag == "xml";
}

// "https://x.fr/a/" and "x.fr/a" both read as the same target as "https://x.fr/a".
std::string_view bare_url(std::string_view url) {
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
  }
  if (url.size() > 4 && core::iequals(url.substr(0, 4), "www.")) url.remove_prefix(4);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return url;
}

class TextBuilder {
 public:
  explicit TextBuilder(std::size_t expected) { out_.reserve(expected); }

  void text_byte(char c) {
    // A literal '<' never joins what follows into something that reads as a tag.
    if (out_.size() == literal_lt_end_ && (is_alpha(c) || c == '/' || c == '!' || c == '?')) {
      out_.push_back(' ');
    }
    out_.push_back(c);
    trailing_newlines_ = 0;
  }
  void literal_lt() {
    text_byte('<');
    literal_lt_end_ = out_.size();
  }
  void code_point(char32_t code) {
    if (code == 0xA0 || code == '\t' || code == '\n' || code == '\r' || code == '\f') {
      out_.push_back(' ');
      return;
    }
    std::string bytes;
    append_utf8(bytes, code);
    for (const char c : bytes) text_byte(c);
  }
  void space() { out_.push_back(' '); }
  // <br> always breaks the line; other blocks only start on a line (or after a blank line) of
  // their own, so that "</li><li>" is one break and not two.
  void block(Block block, bool forced) {
    if (block == Block::kSpace) out_.push_back(' ');
    const int wanted = block == Block::kParagraph ? 2 : block == Block::kLine ? 1 : 0;
    if (forced) {
      out_.push_back('\n');
      ++trailing_newlines_;
      return;
    }
    while (trailing_newlines_ < wanted) {
      out_.push_back('\n');
      ++trailing_newlines_;
    }
  }

  void open_link(std::string url) {
    close_link();
    link_url_ = std::move(url);
    link_start_ = out_.size();
    in_link_ = true;
  }
  void close_link() {
    if (!in_link_) return;
    in_link_ = false;
    if (link_url_.empty()) return;
    const std::string text = core::clean_line(std::string_view(out_).substr(link_start_));
    if (text.empty()) {
      out_.append(" " + link_url_ + " ");
      trailing_newlines_ = 0;
    } else if (text != link_url_ && bare_url(text) != bare_url(link_url_)) {
      out_.append(" (" + link_url_ + ")");
      trailing_newlines_ = 0;
    }
  }

  std::string finish() {
    close_link();
    return core::clean_text(out_);
  }

 private:
  std::string out_;
  std::size_t literal_lt_end_ = std::string::npos;
  int trailing_newlines_ = 0;  // line breaks since the last text
  bool in_link_ = false;
  std::size_t link_start_ = 0;
  std::string link_url_;
};

}  // namespace

std::string html_to_text(std::string_view html) {
  TextBuilder out(html.size());
  std::size_t i = 0;
  int open_cdata = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      const std::string_view rest = html.substr(i);
      if (rest.starts_with("<!--")) {
        std::size_t end;
        if (rest.starts_with("<!-->")) {
          end = i + 5;
        } else if (rest.starts_with("<!--->")) {
          end = i + 6;
        } else {
          const std::size_t close = html.find("-->", i + 4);
          end = close == std::string_view::npos ? html.size() : close + 3;
        }
        i = end;
        continue;
      }
      if (rest.starts_with("<![CDATA[")) {  // its content is read as the rest is
        ++open_cdata;
        i += 9;
        continue;
      }
      if (rest.size() > 1 && (rest[1] == '!' || rest[1] == '?')) {  // doctype, <![endif]>, PI
        const std::size_t close = html.find('>', i + 2);
        i = close == std::string_view::npos ? html.size() : close + 1;
        continue;
      }
      const bool closing = rest.size() > 1 && rest[1] == '/';
      const std::size_t name_start = i + (closing ? 2 : 1);
      if (name_start >= html.size() || !is_alpha(html[name_start])) {
        if (closing && name_start < html.size() && html[name_start] == '>') {
          i = name_start + 1;  // "</>" is nothing
          continue;
        }
        out.literal_lt();
        ++i;
        continue;
      }
      std::size_t name_end = name_start;
      while (name_end < html.size() &&
             (is_alnum(html[name_end]) || html[name_end] == '-' || html[name_end] == ':')) {
        ++name_end;
      }
      const std::string name = core::ascii_lower(
          html.substr(name_start, std::min<std::size_t>(name_end - name_start, 16)));
      const std::size_t close = tag_end(html, name_end);
      if (close == std::string_view::npos) break;  // an unclosed tag at the end: dropped
      const std::string_view attributes = html.substr(name_end, close - name_end);
      i = close + 1;
      if (!closing && drops_content(name)) {
        const std::size_t end_tag = ifind(html, "</" + name, i);
        if (end_tag == std::string_view::npos) break;  // never closed: the rest is its content
        const std::size_t end_close = html.find('>', end_tag);
        i = end_close == std::string_view::npos ? html.size() : end_close + 1;
        continue;
      }
      if (name == "a") {
        if (closing) {
          out.close_link();
        } else {
          std::string href = std::string(core::trim(attribute(attributes, "href").value_or("")));
          out.open_link(core::is_http_url(href) ? std::move(href) : std::string());
        }
        continue;
      }
      out.block(block_of(name), name == "br");
      continue;
    }
    if (c == ']' && open_cdata > 0 && html.substr(i).starts_with("]]>")) {
      --open_cdata;
      i += 3;
      continue;
    }
    if (c == '&') {
      const Entity entity = entity_at(html, i);
      if (entity.length > 0) {
        out.code_point(entity.code);
        i += entity.length;
        continue;
      }
      out.text_byte(c);
      ++i;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      if (is_space(c)) {
        out.space();
      } else if (byte >= 0x20 && byte != 0x7F) {
        out.text_byte(c);
      }
      ++i;
      continue;
    }
    const std::size_t length = core::utf8_sequence_length(html, i);
    if (length == 0) {
      out.code_point(kReplacement);
      ++i;
      continue;
    }
    if (html.substr(i, 2) == "\xC2\xA0") {  // a no-break space is a space once laid out again
      out.space();
    } else {
      for (std::size_t k = 0; k < length; ++k) out.text_byte(html[i + k]);
    }
    i += length;
  }
  return out.finish();
}

}  // namespace concerto::parse
