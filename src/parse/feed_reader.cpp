#include "parse/feed_reader.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/text.h"
#include "parse/decode.h"
#include "parse/ics_reader.h"
#include "parse/jsonld_reader.h"
#include "parse/xml_feed_reader.h"

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

bool is_binary(std::string_view head) {
  const auto controls = std::count_if(head.begin(), head.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r' && byte != '\f') ||
           byte == 0x7F;
  });
  return controls * 16 > static_cast<std::ptrdiff_t>(head.size());  // more than 1 byte in 16
}

// What kind of content `text` is, for an error message: never the content itself, which may
// come from an internal URL and is published on the feed status page.
std::string describe_content(std::string_view text, std::size_t size) {
  const std::string bytes = " (" + std::to_string(size) + " bytes)";
  const std::string_view head = skip_bom_and_space(text).substr(0, kSniffBytes);
  if (head.empty()) return "is empty" + bytes;
  std::string kind;
  const std::string format = detect_text_format(head);
  const std::string lower = core::ascii_lower(head);
  if (is_binary(head)) {
    kind = "binary data";
  } else if (format == "rss") {
    kind = "an RSS feed";
  } else if (format == "atom") {
    kind = "an Atom feed";
  } else if (format == "html" ||
             (head.front() == '<' && (lower.find("<head") != std::string::npos ||
                                      lower.find("<body") != std::string::npos))) {
    kind = "an HTML page";
  } else if (head.front() == '<') {
    kind = "an XML document that is not RSS or Atom";
  } else if (head.front() == '{' || head.front() == '[') {
    kind = "JSON";
  } else {
    kind = "plain text";
  }
  return "looks like " + kind + bytes;
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
  if (format != "auto" && format != "" && format != "ics" && format != "rss" && format != "atom" &&
      format != "html") {
    return core::Error{"unknown feed format \"" + std::string(format) +
                       "\" (expected auto, ics, rss, atom or html)"};
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
        "the feed is configured as ics but the content is not an iCalendar document: it " +
        describe_content(*text, bytes.size())};
  }
  if (chosen == "rss" || chosen == "atom") {
    // RSS and Atom are told apart by their root element, whatever the feed was configured as.
    auto xml = read_xml_feed(*text, limits, problems);
    if (!xml) return core::Error{xml.error()};
    ParsedFeed feed;
    feed.format = xml->format;
    feed.events = std::move(xml->events);
    feed.calendar_name = std::move(xml->title);
    feed.refresh_seconds = xml->ttl_seconds;
    return feed;
  }
  if (chosen == "html") {
    auto page = read_jsonld_events(*text, limits, problems);
    if (!page) return core::Error{page.error()};
    ParsedFeed feed;
    feed.format = "html";
    feed.events = std::move(page->events);
    feed.calendar_name = std::move(page->title);
    return feed;
  }
  if (chosen != "ics") {
    return core::Error{"not a calendar: the content " + describe_content(*text, bytes.size())};
  }
  auto document = read_ics(*text, limits, problems);
  if (!document) return core::Error{document.error()};
  ParsedFeed feed;
  feed.format = "ics";
  feed.events = std::move(document->events);
  feed.calendar_name = std::move(document->calendar_name);
  feed.default_tzid = std::move(document->default_tzid);
  feed.refresh_seconds = document->refresh_seconds;
  feed.complete = document->complete;
  return feed;
}

}  // namespace concerto::parse
