#pragma once
// Writes the merged agenda as one RFC 5545 VCALENDAR. Content lines are built here (libical
// 3.0.16 folds an 80-octet URL into a bare CR plus an empty line): folded at 75 octets on UTF-8
// boundaries, text escaped, CRLF.

#include <cstdint>
#include <string>
#include <vector>

#include "dedup/dedup.h"

namespace concerto::render {

struct CalendarInfo {
  std::string name = "Concerto";          // X-WR-CALNAME
  std::string timezone = "Europe/Paris";  // X-WR-TIMEZONE
  std::string description;
  std::int64_t refresh_seconds = 3600;  // REFRESH-INTERVAL and X-PUBLISHED-TTL
  std::int64_t now_utc = 0;             // DTSTAMP
  std::string uid_domain = "concerto";  // for events whose UID must be made up
  // Put before the SUMMARY of a cancelled event: many calendar apps show a cancelled event of a
  // subscription like any other, so the title has to say it. Empty: nothing is added.
  std::string cancelled_prefix = "Annulé : ";
};

std::string render_ics(const std::vector<dedup::MergedEvent>& events, const CalendarInfo& info);

// One content line, folded and terminated: ("SUMMARY", "", "a,b") -> "SUMMARY:a\,b\r\n".
// `value` is TEXT and gets escaped; `parameters` ("TZID=Europe/Paris", leading ';' optional) is
// written as given. No CR, LF or other control character of any argument reaches the output.
std::string content_line(std::string_view name, std::string_view parameters,
                         std::string_view value);
// RFC 5545 TEXT escaping: backslash, comma, semicolon, newline.
std::string escape_text(std::string_view text);

}  // namespace concerto::render
