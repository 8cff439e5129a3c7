#include "parse/feed_reader.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/text.h"
#include "parse/decode.h"
#include "parse/ics_reader.h"

namespace concerto::parse {
namespace {

// How much of the start of a document format detection looks at.
constexpr std::size_t kSniffBytes = 4096;

std::string_view skip_bom_and_space(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const auto first = text.find_first_not_of(" \t\r\n\f\v");
  return first == std::string_view::npos ? std::string_view{} : text.substr(first);
}

std::string detect_text_format(std::string_view text) {
  text = skip_bom_and_space(text);
  if (text.size() >= 15 && core::iequals(text.substr(0, 15), "BEGIN:VCALENDAR")) return "ics";
  if (text.empty() || text.front() != '<') return "";
  const std::string head = core::ascii_lower(text.substr(0, kSniffBytes));
  // The first root-looking element wins: an HTML page may mention "<feed" further down.
  const std::array<std::pair<std::string_view, std::string_view>, 5> kMarkers = {{
      {"<rss", "rss"},
      {"<rdf:rdf", "rss"},
      {"<feed", "atom"},
      {"<html", "html"},
      {"<!doctype html", "html"},
  }};
  std::size_t best = std::string::npos;
  std::string format;
  for (const auto& [marker, name] : kMarkers) {
    const std::size_t found = head.find(marker);
    if (found < best) {
      best = found;
      format = name;
    }
  }
  return format;
}

// The first characters of `text` on one line, printable, for an error message.
std::string sample(std::string_view text, std::size_t characters) {
  std::string out;
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size() && count < characters; ++count) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    if (c >= 0xF0) {
      length = 4;
    } else if (c >= 0xE0) {
      length = 3;
    } else if (c >= 0xC0) {
      length = 2;
    }
    if (c < 0x20 || c == 0x7F) {
      out += ' ';
    } else if (c >= 0x80 && (c < 0xC0 || i + length > text.size())) {
      out += '?';
      length = 1;
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return std::string(core::trim(out));
}

}  // namespace

std::string detect_format(std::string_view bytes) {
  const std::string_view prefix = bytes.substr(0, kSniffBytes);
  if (prefix.substr(0, 2) == "\xFF\xFE" || prefix.substr(0, 2) == "\xFE\xFF") {
    core::Problems ignored;
    auto text = decode_to_utf8(prefix.substr(0, prefix.size() & ~std::size_t{1}), ignored);
    return text ? detect_text_format(*text) : "";
  }
  return detect_text_format(prefix);
}

core::Result<ParsedFeed> read_feed(std::string_view bytes, std::string_view format,
                                   const core::IngestLimits& limits, core::Problems& problems) {
  if (format != "auto" && format != "" && format != "ics" && format != "rss" && format != "atom") {
    return core::Error{"unknown feed format \"" + std::string(format) +
                       "\" (expected auto, ics, rss or atom)"};
  }
  auto text = decode_to_utf8(bytes, problems);
  if (!text) return core::Error{text.error()};
  if (static_cast<std::int64_t>(text->size()) > limits.max_bytes) {
    return core::Error{"the document is " + std::to_string(text->size()) +
                       " bytes after decoding, over limits.max_bytes (" +
                       std::to_string(limits.max_bytes) + ")"};
  }
  const std::string detected = detect_text_format(*text);
  std::string chosen = (format == "auto" || format.empty()) ? detected : std::string(format);
  if (chosen == "ics" && detected != "ics") {
    return core::Error{
        "the feed is configured as ics but the content is not an iCalendar "
        "document: it starts with \"" +
        sample(skip_bom_and_space(*text), 40) + "\""};
  }
  if (chosen == "rss" || chosen == "atom" || chosen == "html") {
    return core::Error{"RSS/Atom/HTML reading is not available yet (issue 4)"};
  }
  if (chosen != "ics") {
    return core::Error{"not a calendar: the content starts with \"" +
                       sample(skip_bom_and_space(*text), 40) + "\""};
  }
  auto document = read_ics(*text, limits, problems);
  if (!document) return core::Error{document.error()};
  ParsedFeed feed;
  feed.format = "ics";
  feed.events = std::move(document->events);
  feed.calendar_name = std::move(document->calendar_name);
  feed.default_tzid = std::move(document->default_tzid);
  feed.refresh_seconds = document->refresh_seconds;
  return feed;
}

}  // namespace concerto::parse
