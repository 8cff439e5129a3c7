#pragma once
// Events published as schema.org JSON-LD in web pages (WordPress event plugins, OpenAgenda,
// Eventbrite).

#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/limits.h"
#include "core/problem.h"
#include "core/result.h"

namespace concerto::parse {

struct JsonLdPage {
  std::string title;  // the page's <title>
  std::vector<core::Event> events;
};

// Every schema.org Event (and subtypes: EducationEvent, SocialEvent, BusinessEvent, ...) in
// the page's <script type="application/ld+json"> blocks (at most 200), at top level, in arrays,
// in @graph and nested in other nodes (ItemList, WebPage mainEntity), 32 levels deep at most:
// name, description (html_to_text), startDate/endDate (a date: all-day, end exclusive; a
// date-time with offset: its instant, tzid "UTC"; without offset: floating), location (Place
// name + address, or VirtualLocation: "En ligne" and its url), eventStatus (EventCancelled ->
// cancelled, EventPostponed/EventRescheduled -> tentative), eventAttendanceMode, url (http(s),
// else the first offer's), organizer ("Name <email>"), keywords/about as categories. The uid is
// "@id", else url + startDate, else a hash of name + startDate; source_line is the line of the
// <script> tag. A block that is not valid JSON or is nested deeper than 64 levels, or an event
// without a usable startDate/endDate, is reported and skipped. Fails when the page has no Event
// at all. Linear in the page; Poco is only given blocks whose nesting has been checked.
core::Result<JsonLdPage> read_jsonld_events(std::string_view html, const core::IngestLimits& limits,
                                            core::Problems& problems);

}  // namespace concerto::parse
