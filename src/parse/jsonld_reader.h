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
// the page's <script type="application/ld+json"> blocks, at top level, in arrays and in @graph:
// name, description (html_to_text), startDate/endDate (a date: all-day; a date-time with offset:
// its instant, tzid "UTC"; without offset: floating), location (Place name + address, or
// VirtualLocation: "En ligne" and its url), eventStatus (EventCancelled -> cancelled,
// EventPostponed -> tentative), eventAttendanceMode, url (http(s)), organizer (name, email).
// A block that is not valid JSON, or an event without a usable startDate, is reported and
// skipped. Fails when the page has no Event at all.
core::Result<JsonLdPage> read_jsonld_events(std::string_view html,
                                            const core::IngestLimits& limits,
                                            core::Problems& problems);

}  // namespace concerto::parse
