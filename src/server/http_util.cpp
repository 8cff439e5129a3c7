#include "server/http_util.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <memory>

#include "core/civil_time.h"
#include "core/text.h"

namespace concerto::server {
namespace {

struct DeflateEnd {
  void operator()(z_stream* stream) const { deflateEnd(stream); }
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

core::Result<std::string> percent_decode(std::string_view text, bool plus_is_space,
                                         bool allow_controls) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      c = ' ';
    } else if (c == '%') {
      const int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) return core::Error{"malformed query: bad %-escape"};
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (!allow_controls && (byte < 0x20 || byte == 0x7f)) {
      return core::Error{"malformed query: control character"};
    }
    out.push_back(c);
  }
  return out;
}

namespace {

std::optional<int> number(std::string_view digits) {
  if (digits.empty() || digits.size() > 4) return std::nullopt;
  int value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<int> month_number(std::string_view name) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (name == kMonths[i]) return i + 1;
  }
  return std::nullopt;
}

}  // namespace

core::Result<std::string> gzip_compress(std::string_view data, int level) {
  z_stream stream{};
  // 15 window bits + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return core::Error{"cannot start gzip compression"};
  }
  const std::unique_ptr<z_stream, DeflateEnd> guard(&stream);
  if (data.size() > std::numeric_limits<uInt>::max()) return core::Error{"body too large to gzip"};
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  // zlib's API is not const-correct; it does not write through next_in.
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) return core::Error{"gzip compression failed"};
  out.resize(stream.total_out);
  return out;
}

std::string strong_etag(std::string_view body) {
  // Appended piecewise: "literal" + std::string&& trips g++ 12's -Wrestrict at -O2.
  std::string tag = "\"";
  tag += core::hex64(core::fnv1a64(body));
  tag += '"';
  return tag;
}

bool if_none_match_matches(std::string_view header, std::string_view etag) {
  auto opaque = [](std::string_view tag) {
    tag = core::trim(tag);
    if (tag.size() >= 2 && (tag[0] == 'W' || tag[0] == 'w') && tag[1] == '/') tag.remove_prefix(2);
    return tag;
  };
  const std::string_view wanted = opaque(etag);
  // Entity tags cannot contain commas (RFC 9110 8.8.3 etagc), so splitting on them is safe.
  for (const std::string& item : core::split(header, ',')) {
    const std::string_view tag = core::trim(item);
    if (tag == "*") return true;
    if (!tag.empty() && opaque(tag) == wanted) return true;
  }
  return false;
}

bool accepts_gzip(std::string_view header) {
  std::optional<bool> gzip;
  bool star = false;
  for (const std::string& item : core::split(header, ',')) {
    const std::vector<std::string> parts = core::split(item, ';');
    const std::string coding = core::ascii_lower(core::trim(parts.front()));
    double quality = 1.0;
    for (std::size_t i = 1; i < parts.size(); ++i) {
      const std::string_view parameter = core::trim(parts[i]);
      if (parameter.size() >= 2 && (parameter[0] == 'q' || parameter[0] == 'Q') &&
          parameter[1] == '=') {
        const std::string value(parameter.substr(2));
        char* end = nullptr;
        quality = std::strtod(value.c_str(), &end);
        if (end == value.c_str()) quality = 0;
      }
    }
    if (coding == "gzip" || coding == "x-gzip") {
      gzip = gzip.value_or(false) || quality > 0;
    } else if (coding == "*") {
      star = quality > 0;
    }
  }
  return gzip.value_or(star);
}

std::string format_http_date(std::int64_t utc_seconds) {
  return Poco::DateTimeFormatter::format(
      Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(utc_seconds)),
      Poco::DateTimeFormat::HTTP_FORMAT);
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  // Poco::DateTimeParser accepts any text with a given format ("yesterday" is year 0), so the
  // three forms of RFC 9110 5.6.7 are read strictly here.
  std::vector<std::string_view> tokens;
  for (std::size_t at = 0; at < text.size();) {
    const auto start = text.find_first_not_of(' ', at);
    if (start == std::string_view::npos) break;
    const auto end = std::min(text.find(' ', start), text.size());
    tokens.push_back(text.substr(start, end - start));
    at = end;
  }
  std::optional<int> day, month, year;
  std::string_view clock;
  if (tokens.size() == 6 && tokens[0].size() == 4 && tokens[0][3] == ',' && tokens[5] == "GMT" &&
      tokens[1].size() == 2 && tokens[3].size() == 4) {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    day = number(tokens[1]);
    month = month_number(tokens[2]);
    year = number(tokens[3]);
    clock = tokens[4];
  } else if (tokens.size() == 4 && tokens[0].size() > 4 && tokens[0].back() == ',' &&
             tokens[3] == "GMT" && tokens[1].size() == 9 && tokens[1][2] == '-' &&
             tokens[1][6] == '-') {
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit year before 70 is 20xx.
    day = number(tokens[1].substr(0, 2));
    month = month_number(tokens[1].substr(3, 3));
    const auto short_year = number(tokens[1].substr(7, 2));
    if (short_year) year = *short_year + (*short_year < 70 ? 2000 : 1900);
    clock = tokens[2];
  } else if (tokens.size() == 5 && tokens[0].size() == 3 && tokens[4].size() == 4 &&
             !tokens[2].empty() && tokens[2].size() <= 2) {
    // asctime: "Sun Nov  6 08:49:37 1994"
    month = month_number(tokens[1]);
    day = number(tokens[2]);
    year = number(tokens[4]);
    clock = tokens[3];
  } else {
    return std::nullopt;
  }
  if (!day || !month || !year || clock.size() != 8 || clock[2] != ':' || clock[5] != ':') {
    return std::nullopt;
  }
  const auto hour = number(clock.substr(0, 2));
  const auto minute = number(clock.substr(3, 2));
  const auto second = number(clock.substr(6, 2));
  if (!hour || !minute || !second) return std::nullopt;
  const core::LocalDateTime time{{*year, *month, *day}, *hour, *minute, *second};
  if (!core::is_valid(time)) return std::nullopt;
  return core::seconds_from_civil(time);
}

core::Result<QueryParameters> parse_query(std::string_view query) {
  QueryParameters parameters;
  for (const std::string& pair : core::split(query, '&')) {
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    auto name = percent_decode(std::string_view(pair).substr(0, equals), true);
    if (!name) return core::Error{name.error()};
    std::string value;
    if (equals != std::string::npos) {
      auto decoded = percent_decode(std::string_view(pair).substr(equals + 1), true);
      if (!decoded) return core::Error{decoded.error()};
      value = std::move(decoded).value();
    }
    parameters.emplace_back(std::move(name).value(), std::move(value));
  }
  return parameters;
}

}  // namespace concerto::server
