#pragma once
// Feeds a partner registers in the partner API and /partners page tests: ICS bodies dated from
// today, so that their events are always upcoming, with the titles tests look for.

#include <cstdio>
#include <ctime>
#include <string>

namespace concerto::testing {

// "20270310" for `days` days from now (UTC).
inline std::string ics_day(int days) {
  const std::time_t when = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
  std::tm parts{};
  gmtime_r(&when, &parts);
  char text[16];
  std::strftime(text, sizeof text, "%Y%m%d", &parts);
  return text;
}

inline constexpr const char* kGoodFirst = "Atelier budget participatif";
inline constexpr const char* kGoodSecond = "Conseil de quartier Fives";
inline constexpr int kGoodEvents = 2;
inline constexpr const char* kBrokenGood = "Reunion publique Wazemmes";
inline constexpr int kBrokenLine = 14;  // the DTSTART of broken_calendar() that is no date

// A VEVENT at 18:00 Paris time `day` days from now, for two hours.
inline std::string ics_event(const std::string& uid, int day, const std::string& summary) {
  return "BEGIN:VEVENT\r\nUID:" + uid +
         "\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;TZID=Europe/Paris:" + ics_day(day) +
         "T180000\r\nDURATION:PT2H\r\nSUMMARY:" + summary + "\r\nEND:VEVENT\r\n";
}
inline std::string ics_calendar(const std::string& events) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Partner//FR\r\n" + events +
         "END:VCALENDAR\r\n";
}

// Two upcoming events (kGoodEvents).
inline std::string good_calendar() {
  return ics_calendar(ics_event("atelier-1@decider.example", 10, kGoodFirst) +
                      ics_event("conseil-2@decider.example", 11, kGoodSecond));
}

// One good event, and one whose DTSTART (line kBrokenLine) is no date.
inline std::string broken_calendar() {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Partner//FR\r\n"             // 1-3
         "BEGIN:VEVENT\r\nUID:reunion-1@broken.example\r\nDTSTAMP:20261101T000000Z\r\n"  // 4-6
         "DTSTART;TZID=Europe/Paris:" +
         ics_day(12) + "T180000\r\nDURATION:PT2H\r\nSUMMARY:" + kBrokenGood +          // 7-9
         "\r\nEND:VEVENT\r\n"                                                          // 10
         "BEGIN:VEVENT\r\nUID:casse-2@broken.example\r\nDTSTAMP:20261101T000000Z\r\n"  // 11-13
         "DTSTART:20271345T093000Z\r\nSUMMARY:Evenement casse\r\nEND:VEVENT\r\n"       // 14-16
         "END:VCALENDAR\r\n";
}

}  // namespace concerto::testing
