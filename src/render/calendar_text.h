#pragma once
// Dates and times as people read them, in French (the default) or English: "lundi 19 octobre
// 2026", "du 19 au 21 octobre 2026", "18 h 30". Pure functions of civil values; the caller has
// already moved instants into the zone to show.
//
// Bytes: French times put a NO-BREAK SPACE (U+00A0) on both sides of the "h" ("18\u00a0h\u00a030",
// "9\u00a0h") so that a line never breaks inside a time; every other space (between weekday, day,
// month and year, and around the dash of a range) is a plain U+0020. Ranges use an EN DASH
// (U+2013): spaced in French ("18 h 30 – 20 h"), between days in English ("30 October – 2
// November 2026"), unspaced in English within one month or one day ("19–21 October 2026",
// "18:30–20:00"). The output is UTF-8.
//
// Out-of-range input never crashes and is never normalised: a weekday outside 0..6 or a month
// outside 1..12 has an empty name; a date whose month or day does not exist (2026-13-05,
// 2026-02-30) is written as its numbers, "2026-13-05", with no weekday; any year is accepted
// (0, negative, beyond 9999) and written as its number; hours and minutes are written as given.

#include <string>
#include <string_view>

#include "core/civil_time.h"

namespace concerto::render {

enum class Language { kFrench, kEnglish };

// "fr" (and "fr-FR", "fr_CA"...) -> French, "en..." -> English; anything else French.
Language language_from_code(std::string_view code);
// "fr" or "en", for the lang attribute.
const char* language_code(Language language);

// "lundi", "Monday" (weekday() numbering: 0 = Sunday).
std::string weekday_name(Language language, int weekday);
// "octobre", "October" (1..12).
std::string month_name(Language language, int month);
// "octobre 2026", "October 2026".
std::string format_month(Language language, int year, int month);
// French: "lundi 19 octobre 2026", "jeudi 1er octobre 2026" (1er for the first);
// English: "Monday 19 October 2026".
std::string format_day(Language language, const core::Date& date);
// Without the year: "lundi 19 octobre", "Monday 19 October".
std::string format_day_short(Language language, const core::Date& date);
// French: "18 h 30", "9 h" (minutes 00 are left out), "0 h 15", "9 h 05", with no-break spaces
// (see above); English: "18:30", "09:00". Seconds are never shown.
std::string format_time(Language language, int hour, int minute);

// A span of days, both ends inclusive (an all-day event ending on the 21st includes the 21st):
// French: one day -> format_day; "du 19 au 21 octobre 2026", "du 30 octobre au 2 novembre
// 2026", "du 30 décembre 2026 au 2 janvier 2027", "du 1er au 3 octobre 2026".
// English: "19–21 October 2026", "30 October – 2 November 2026",
// "30 December 2026 – 2 January 2027". No weekdays. A `last` equal to or before `first` gives
// format_day(first).
std::string format_day_range(Language language, const core::Date& first, const core::Date& last);

// What an event's date line says, given local start and end in the shown zone.
// all_day: `end` is exclusive (the day after the last day), as in ICS.
// Timed, one day: "lundi 19 octobre 2026, 18 h 30 – 20 h" / "Monday 19 October 2026, 18:30–20:00";
// an end equal to the start (or before it) shows the start time alone. Times are compared to
// the minute, as they are shown. An evening ending at midnight is one day: "…, 20 h – 0 h".
// Timed over several days: "du lundi 19 octobre 2026, 18 h 30 au mardi 20 octobre 2026, 2 h"
// / "Monday 19 October 2026, 18:30 – Tuesday 20 October 2026, 02:00".
// All day: format_day_range(start.date, end.date - 1 day) (a one-day event gives format_day; so
// does an end on or before the start day). Times of day are ignored.
std::string format_when(Language language, bool all_day, const core::LocalDateTime& start,
                        const core::LocalDateTime& end);

// The time part alone, for lists grouped by day: "18 h 30 – 20 h", "18 h 30" (no end, or an end
// not after the start), "toute la journée" / "all day" for all-day events; a timed end on a
// later day names that day: "18 h 30 – mardi 20 octobre, 2 h" / "18:30 – Tuesday 20 October,
// 02:00".
std::string format_time_range(Language language, bool all_day, const core::LocalDateTime& start,
                              const core::LocalDateTime& end);

}  // namespace concerto::render
