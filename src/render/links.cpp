#include "render/links.h"

#include "core/civil_time.h"

namespace concerto::render {
namespace {

// The services cut long links; a description is only a reminder there.
constexpr std::size_t kMaxDetailsBytes = 1000;

std::string cut(std::string_view text, std::size_t bytes) {
  if (text.size() <= bytes) return std::string(text);
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "…";
}

// "20261019T073000Z" for timed (floating wall times as they are), "20261019" for dates.
std::string compact_time(const core::EventTime& time) {
  if (time.all_day) return core::format_ics_date(time.date);
  if (time.floating()) return core::format_ics_local(time.local);
  return core::format_ics_local(core::civil_from_seconds(time.utc)) + "Z";
}

// "2026-10-19T07:30:00Z" / "2026-10-19" for Outlook's deeplink.
std::string iso_time(const core::EventTime& time) {
  if (time.all_day) return core::format_iso_date(time.date);
  if (time.floating()) return core::format_iso_local(time.local);
  return core::format_iso_local(core::civil_from_seconds(time.utc)) + "Z";
}

}  // namespace

std::string percent_encode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
        (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' || byte == '_' || byte == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

std::string partner_feed_path(std::string_view feed_id) {
  return "/partners/feeds/" + percent_encode(feed_id);
}

std::string event_path(std::string_view uid, std::string_view at) {
  std::string path = "/events/" + percent_encode(uid);
  if (!at.empty()) path += "?at=" + percent_encode(at);
  return path;
}

std::string webcal_url(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  return "webcal" + std::string(url.substr(scheme));
}

std::string google_subscribe_url(std::string_view calendar_url) {
  return "https://calendar.google.com/calendar/render?cid=" +
         percent_encode(webcal_url(calendar_url));
}

std::string map_url(std::string_view place) {
  return "https://www.openstreetmap.org/search?query=" + percent_encode(place);
}

std::string google_add_url(const AddToCalendar& event) {
  std::string url = "https://calendar.google.com/calendar/render?action=TEMPLATE&text=" +
                    percent_encode(event.title) + "&dates=" + compact_time(event.start) + "%2F" +
                    compact_time(event.end);
  if (!event.start.all_day && !event.start.floating() && !event.start.tzid.empty()) {
    url += "&ctz=" + percent_encode(event.start.tzid);
  }
  if (!event.details.empty())
    url += "&details=" + percent_encode(cut(event.details, kMaxDetailsBytes));
  if (!event.place.empty()) url += "&location=" + percent_encode(event.place);
  if (!event.rrule.empty()) url += "&recur=" + percent_encode("RRULE:" + event.rrule);
  return url;
}

std::string outlook_add_url(const AddToCalendar& event) {
  std::string url = "https://outlook.live.com/calendar/0/action/compose?rru=addevent&subject=" +
                    percent_encode(event.title) +
                    "&startdt=" + percent_encode(iso_time(event.start)) +
                    "&enddt=" + percent_encode(iso_time(event.end));
  if (event.start.all_day) url += "&allday=true";
  if (!event.details.empty())
    url += "&body=" + percent_encode(cut(event.details, kMaxDetailsBytes));
  if (!event.place.empty()) url += "&location=" + percent_encode(event.place);
  return url;
}

}  // namespace concerto::render
