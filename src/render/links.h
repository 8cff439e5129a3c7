#pragma once
// The URLs the pages link to: our own (percent-encoded), subscriptions, and other services'
// "add to my calendar" and map links. Every function returns an http(s) or webcal URL built
// from encoded parts, never a partner's text as is.

#include <string>
#include <string_view>

#include "core/event.h"

namespace concerto::render {

// RFC 3986 component encoding: everything but unreserved characters as %XX (UTF-8 bytes).
std::string percent_encode(std::string_view text);
// "/events/<uid>", and "?at=<recurrence key>" for one occurrence of a series.
std::string event_path(std::string_view uid, std::string_view at = {});
// "/partners/feeds/<id>": a registered feed's page in the partner space.
std::string partner_feed_path(std::string_view feed_id);
// "https://host/calendar.ics" -> "webcal://host/calendar.ics" (http too).
std::string webcal_url(std::string_view url);
// Google Calendar's "add by URL" for a subscription.
std::string google_subscribe_url(std::string_view calendar_url);
// OpenStreetMap search for a place.
std::string map_url(std::string_view place);

// One instance's fields for the services' "add to my calendar" forms.
struct AddToCalendar {
  std::string title;
  std::string details;
  std::string place;
  core::EventTime start;
  core::EventTime end;
  std::string rrule;  // for a whole series; empty for one occurrence
};
std::string google_add_url(const AddToCalendar& event);
std::string outlook_add_url(const AddToCalendar& event);

}  // namespace concerto::render
