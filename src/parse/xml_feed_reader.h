#pragma once
// RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds (pugixml) read as events.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/limits.h"
#include "core/problem.h"
#include "core/result.h"

namespace concerto::parse {

struct XmlFeed {
  std::string format;  // "rss" or "atom"
  std::string title;
  std::optional<std::int64_t> ttl_seconds;  // RSS <ttl> (minutes in the feed)
  std::vector<core::Event> events;
};

// One event per item that has a date: the RSS event module (ev:startdate, ev:enddate,
// ev:location, ev:organizer, ev:type), xCal elements (xcal:dtstart ...), else a date found in
// the item's title and text (text_dates.h) relative to its pubDate / dc:date / published /
// updated. An item without a usable date is skipped with a warning naming it and saying why.
// UID: the guid / id, else the link, else a hash of title and date; URL: the link (http(s)),
// else an enclosure. Descriptions go through html_to_text. Fails only when the document is not
// well-formed XML or not one of these formats.
core::Result<XmlFeed> read_xml_feed(std::string_view text, const core::IngestLimits& limits,
                                    core::Problems& problems);

}  // namespace concerto::parse
