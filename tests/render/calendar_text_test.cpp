#include "render/calendar_text.h"

#include <gtest/gtest.h>

#include <climits>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/text.h"

// Expected strings spell the non-ASCII bytes out: "\u00a0" is NO-BREAK SPACE (C2 A0), "\u2013" is
// EN DASH (E2 80 93). A plain space in an expected string is U+0020.

namespace concerto::render {
namespace {

constexpr Language kFr = Language::kFrench;
constexpr Language kEn = Language::kEnglish;

core::Date d(int year, int month, int day) { return core::Date{year, month, day}; }

core::LocalDateTime t(int year, int month, int day, int hour, int minute, int second = 0) {
  return core::LocalDateTime{core::Date{year, month, day}, hour, minute, second};
}

// ---- language_from_code / language_code ----

TEST(LanguageFromCode, FrenchCodesAreFrench) {
  EXPECT_EQ(language_from_code("fr"), kFr);
  EXPECT_EQ(language_from_code("fr-FR"), kFr);
  EXPECT_EQ(language_from_code("fr_CA"), kFr);
  EXPECT_EQ(language_from_code("FR"), kFr);
}

TEST(LanguageFromCode, EnglishCodesAreEnglishWhateverTheCase) {
  EXPECT_EQ(language_from_code("en"), kEn);
  EXPECT_EQ(language_from_code("en-US"), kEn);
  EXPECT_EQ(language_from_code("en_GB.UTF-8"), kEn);
  EXPECT_EQ(language_from_code("EN"), kEn);
  EXPECT_EQ(language_from_code("En-gb"), kEn);
  EXPECT_EQ(language_from_code("en-US,en;q=0.9,fr;q=0.8"), kEn);
}

TEST(LanguageFromCode, AnythingElseIsFrench) {
  EXPECT_EQ(language_from_code(""), kFr);
  EXPECT_EQ(language_from_code("e"), kFr);
  EXPECT_EQ(language_from_code("de"), kFr);
  EXPECT_EQ(language_from_code("ne"), kFr);
  EXPECT_EQ(language_from_code(" en"), kFr);
  EXPECT_EQ(language_from_code("\xff\xfe"), kFr);
  EXPECT_EQ(language_from_code(std::string_view("\0en", 3)), kFr);
}

TEST(LanguageCode, NamesTheLanguageForTheLangAttribute) {
  EXPECT_STREQ(language_code(kFr), "fr");
  EXPECT_STREQ(language_code(kEn), "en");
  EXPECT_EQ(language_from_code(language_code(kFr)), kFr);
  EXPECT_EQ(language_from_code(language_code(kEn)), kEn);
}

// ---- weekday_name / month_name ----

TEST(WeekdayName, FrenchIsLowerCaseFromSunday) {
  const std::vector<std::string> expected = {"dimanche", "lundi",    "mardi", "mercredi",
                                             "jeudi",    "vendredi", "samedi"};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(weekday_name(kFr, i), expected[i]) << i;
}

TEST(WeekdayName, EnglishIsCapitalisedFromSunday) {
  const std::vector<std::string> expected = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                             "Thursday", "Friday", "Saturday"};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(weekday_name(kEn, i), expected[i]) << i;
}

TEST(WeekdayName, OutOfRangeIsEmpty) {
  for (const int bad : {-1, 7, 8, -7, INT_MIN, INT_MAX}) {
    EXPECT_EQ(weekday_name(kFr, bad), "") << bad;
    EXPECT_EQ(weekday_name(kEn, bad), "") << bad;
  }
}

TEST(WeekdayName, MatchesCoreWeekdayNumbering) {
  EXPECT_EQ(weekday_name(kFr, core::weekday(d(2026, 10, 19))), "lundi");
  EXPECT_EQ(weekday_name(kEn, core::weekday(d(2026, 10, 18))), "Sunday");
}

TEST(MonthName, FrenchIsLowerCaseWithAccents) {
  const std::vector<std::string> expected = {"janvier",
                                             "f\xc3\xa9vrier",
                                             "mars",
                                             "avril",
                                             "mai",
                                             "juin",
                                             "juillet",
                                             "ao\xc3\xbbt",
                                             "septembre",
                                             "octobre",
                                             "novembre",
                                             "d\xc3\xa9"
                                             "cembre"};
  for (int m = 1; m <= 12; ++m) EXPECT_EQ(month_name(kFr, m), expected[m - 1]) << m;
}

TEST(MonthName, English) {
  const std::vector<std::string> expected = {"January",   "February", "March",    "April",
                                             "May",       "June",     "July",     "August",
                                             "September", "October",  "November", "December"};
  for (int m = 1; m <= 12; ++m) EXPECT_EQ(month_name(kEn, m), expected[m - 1]) << m;
}

TEST(MonthName, OutOfRangeIsEmpty) {
  for (const int bad : {0, 13, -1, 100, INT_MIN, INT_MAX}) {
    EXPECT_EQ(month_name(kFr, bad), "") << bad;
    EXPECT_EQ(month_name(kEn, bad), "") << bad;
  }
}

// ---- format_month ----

TEST(FormatMonth, MonthThenYear) {
  EXPECT_EQ(format_month(kFr, 2026, 10), "octobre 2026");
  EXPECT_EQ(format_month(kEn, 2026, 10), "October 2026");
  EXPECT_EQ(format_month(kFr, 2027, 2), "f\xc3\xa9vrier 2027");
  EXPECT_EQ(format_month(kFr, 2026, 12),
            "d\xc3\xa9"
            "cembre 2026");
  EXPECT_EQ(format_month(kEn, 800, 1), "January 800");
  EXPECT_EQ(format_month(kEn, -44, 3), "March -44");
}

TEST(FormatMonth, InvalidMonthIsWrittenAsNumbers) {
  EXPECT_EQ(format_month(kFr, 2026, 13), "2026-13");
  EXPECT_EQ(format_month(kEn, 2026, 0), "2026-00");
  EXPECT_EQ(format_month(kFr, 2026, -1), "2026--1");
  EXPECT_FALSE(format_month(kFr, INT_MIN, INT_MIN).empty());
  EXPECT_FALSE(format_month(kEn, INT_MAX, INT_MAX).empty());
}

// ---- format_day / format_day_short ----

TEST(FormatDay, FrenchWeekdayDayMonthYear) {
  EXPECT_EQ(format_day(kFr, d(2026, 10, 19)), "lundi 19 octobre 2026");
  EXPECT_EQ(format_day(kFr, d(2026, 10, 20)), "mardi 20 octobre 2026");
  EXPECT_EQ(format_day(kFr, d(2026, 12, 30)),
            "mercredi 30 d\xc3\xa9"
            "cembre 2026");
  EXPECT_EQ(format_day(kFr, d(2027, 1, 2)), "samedi 2 janvier 2027");
}

TEST(FormatDay, FrenchFirstOfTheMonthIsPremier) {
  EXPECT_EQ(format_day(kFr, d(2026, 10, 1)), "jeudi 1er octobre 2026");
  EXPECT_EQ(format_day(kFr, d(2027, 1, 1)), "vendredi 1er janvier 2027");
  // Only the first: no "2e", "21er" or "31er".
  EXPECT_EQ(format_day(kFr, d(2026, 10, 2)), "vendredi 2 octobre 2026");
  EXPECT_EQ(format_day(kFr, d(2026, 10, 11)), "dimanche 11 octobre 2026");
  EXPECT_EQ(format_day(kFr, d(2026, 10, 21)), "mercredi 21 octobre 2026");
  EXPECT_EQ(format_day(kFr, d(2026, 10, 31)), "samedi 31 octobre 2026");
}

TEST(FormatDay, EnglishWeekdayDayMonthYear) {
  EXPECT_EQ(format_day(kEn, d(2026, 10, 19)), "Monday 19 October 2026");
  EXPECT_EQ(format_day(kEn, d(2026, 10, 1)), "Thursday 1 October 2026");
  EXPECT_EQ(format_day(kEn, d(2027, 1, 2)), "Saturday 2 January 2027");
}

TEST(FormatDay, LeapDays) {
  EXPECT_EQ(format_day(kFr, d(2028, 2, 29)), "mardi 29 f\xc3\xa9vrier 2028");
  EXPECT_EQ(format_day(kEn, d(2028, 2, 29)), "Tuesday 29 February 2028");
  EXPECT_EQ(format_day(kFr, d(2000, 2, 29)), "mardi 29 f\xc3\xa9vrier 2000");  // divisible by 400
  EXPECT_EQ(format_day(kFr, d(2028, 3, 1)), "mercredi 1er mars 2028");
  // Not leap years: there is no 29 February to name.
  EXPECT_EQ(format_day(kFr, d(2027, 2, 29)), "2027-02-29");
  EXPECT_EQ(format_day(kEn, d(2100, 2, 29)), "2100-02-29");
}

TEST(FormatDay, ImpossibleDatesAreWrittenAsNumbersWithoutAWeekday) {
  EXPECT_EQ(format_day(kFr, d(2026, 13, 5)), "2026-13-05");
  EXPECT_EQ(format_day(kEn, d(2026, 0, 5)), "2026-00-05");
  EXPECT_EQ(format_day(kFr, d(2026, 10, 0)), "2026-10-00");
  EXPECT_EQ(format_day(kFr, d(2026, 10, 32)), "2026-10-32");
  EXPECT_EQ(format_day(kFr, d(2026, 4, 31)), "2026-04-31");
  EXPECT_EQ(format_day(kEn, d(2026, 2, 30)), "2026-02-30");
  EXPECT_EQ(format_day_short(kFr, d(2026, 13, 5)), "2026-13-05");
  EXPECT_EQ(format_day_short(kEn, d(2026, -3, -4)), "2026--3--4");
  EXPECT_EQ(format_day(kFr, d(INT_MIN, INT_MIN, INT_MIN)), "-2147483648--2147483648--2147483648");
  EXPECT_EQ(format_day(kEn, d(INT_MAX, INT_MAX, INT_MAX)), "2147483647-2147483647-2147483647");
}

TEST(FormatDay, AnyYearIsAcceptedAndWrittenAsItsNumber) {
  // Proleptic Gregorian, as in core::weekday().
  EXPECT_EQ(format_day(kFr, d(0, 1, 1)),
            weekday_name(kFr, core::weekday(d(0, 1, 1))) + " 1er janvier 0");
  EXPECT_EQ(format_day(kEn, d(-44, 3, 15)),
            weekday_name(kEn, core::weekday(d(-44, 3, 15))) + " 15 March -44");
  EXPECT_EQ(format_day(kFr, d(800, 12, 25)), weekday_name(kFr, core::weekday(d(800, 12, 25))) +
                                                 " 25 d\xc3\xa9"
                                                 "cembre 800");
  EXPECT_EQ(format_day(kEn, d(10000, 1, 1)), "Saturday 1 January 10000");  // as 2000-01-01
}

TEST(FormatDay, ExtremeYearsDoNotOverflow) {
  // The calendar repeats every 400 years: INT_MAX = 2047 (mod 400), INT_MIN = 2352 (mod 400).
  EXPECT_EQ(format_day(kFr, d(INT_MAX, 12, 31)), weekday_name(kFr, core::weekday(d(2047, 12, 31))) +
                                                     " 31 d\xc3\xa9"
                                                     "cembre 2147483647");
  EXPECT_EQ(format_day(kEn, d(INT_MIN, 1, 1)),
            weekday_name(kEn, core::weekday(d(2352, 1, 1))) + " 1 January -2147483648");
  EXPECT_EQ(format_day(kEn, d(INT_MIN, 2, 29)),  // 2352 is a leap year, so is INT_MIN
            weekday_name(kEn, core::weekday(d(2352, 2, 29))) + " 29 February -2147483648");
}

TEST(FormatDay, WeekdayAgreesWithCoreEveryDayForThreeYears) {
  for (core::Date day = d(2026, 1, 1); day < d(2029, 1, 1); day = core::add_days(day, 1)) {
    const std::string fr = format_day(kFr, day);
    const std::string en = format_day(kEn, day);
    const std::string tail = day.day == 1 ? "1er " : std::to_string(day.day) + " ";
    EXPECT_EQ(fr, weekday_name(kFr, core::weekday(day)) + " " + tail + month_name(kFr, day.month) +
                      " " + std::to_string(day.year));
    EXPECT_EQ(en, weekday_name(kEn, core::weekday(day)) + " " + std::to_string(day.day) + " " +
                      month_name(kEn, day.month) + " " + std::to_string(day.year));
    EXPECT_TRUE(core::is_valid_utf8(fr)) << fr;
  }
}

TEST(FormatDay, SameWeekdayFourHundredYearsApart) {
  for (const core::Date& day : {d(2026, 10, 19), d(2028, 2, 29), d(1900, 3, 1)}) {
    const std::string base = format_day_short(kFr, day);
    for (const int shift : {-800, -400, 400, 4000}) {
      EXPECT_EQ(format_day_short(kFr, d(day.year + shift, day.month, day.day)), base);
    }
  }
}

TEST(FormatDayShort, LeavesTheYearOut) {
  EXPECT_EQ(format_day_short(kFr, d(2026, 10, 19)), "lundi 19 octobre");
  EXPECT_EQ(format_day_short(kFr, d(2026, 10, 1)), "jeudi 1er octobre");
  EXPECT_EQ(format_day_short(kEn, d(2026, 10, 19)), "Monday 19 October");
  EXPECT_EQ(format_day_short(kEn, d(2026, 10, 1)), "Thursday 1 October");
}

// ---- format_time ----

TEST(FormatTime, FrenchExactBytes) {
  EXPECT_EQ(format_time(kFr, 18, 30),
            "18\xc2\xa0h\xc2\xa0"
            "30");
  EXPECT_EQ(format_time(kFr, 9, 0), "9\xc2\xa0h");
}

TEST(FormatTime, FrenchLeavesZeroMinutesOutAndPadsTheOthers) {
  EXPECT_EQ(format_time(kFr, 18, 30), "18\u00a0h\u00a030");
  EXPECT_EQ(format_time(kFr, 9, 0), "9\u00a0h");
  EXPECT_EQ(format_time(kFr, 9, 5), "9\u00a0h\u00a005");
  EXPECT_EQ(format_time(kFr, 12, 0), "12\u00a0h");
  EXPECT_EQ(format_time(kFr, 23, 59), "23\u00a0h\u00a059");
}

TEST(FormatTime, FrenchMidnight) {
  EXPECT_EQ(format_time(kFr, 0, 0), "0\u00a0h");
  EXPECT_EQ(format_time(kFr, 0, 15), "0\u00a0h\u00a015");
}

TEST(FormatTime, FrenchNeverBreaksInsideATime) {
  for (int hour = 0; hour < 24; ++hour) {
    for (int minute = 0; minute < 60; ++minute) {
      const std::string text = format_time(kFr, hour, minute);
      EXPECT_EQ(text.find(' '), std::string::npos) << text;
      EXPECT_EQ(text.find("\u202f"), std::string::npos) << text;
      EXPECT_NE(text.find("\u00a0h"), std::string::npos) << text;
    }
  }
}

TEST(FormatTime, EnglishIsTwentyFourHourWithTwoDigits) {
  EXPECT_EQ(format_time(kEn, 18, 30), "18:30");
  EXPECT_EQ(format_time(kEn, 9, 0), "09:00");
  EXPECT_EQ(format_time(kEn, 9, 5), "09:05");
  EXPECT_EQ(format_time(kEn, 0, 0), "00:00");
  EXPECT_EQ(format_time(kEn, 0, 15), "00:15");
  EXPECT_EQ(format_time(kEn, 23, 59), "23:59");
}

TEST(FormatTime, OutOfRangeValuesAreWrittenAsGiven) {
  EXPECT_EQ(format_time(kFr, 24, 0), "24\u00a0h");
  EXPECT_EQ(format_time(kFr, 25, 70), "25\u00a0h\u00a070");
  EXPECT_EQ(format_time(kEn, 24, 60), "24:60");
  EXPECT_EQ(format_time(kEn, -1, -5), "-1:-5");
  EXPECT_FALSE(format_time(kFr, INT_MIN, INT_MIN).empty());
  EXPECT_FALSE(format_time(kEn, INT_MAX, INT_MAX).empty());
}

// ---- format_day_range ----

TEST(FormatDayRange, OneDayIsFormatDay) {
  EXPECT_EQ(format_day_range(kFr, d(2026, 10, 19), d(2026, 10, 19)), "lundi 19 octobre 2026");
  EXPECT_EQ(format_day_range(kEn, d(2026, 10, 1), d(2026, 10, 1)), "Thursday 1 October 2026");
}

TEST(FormatDayRange, LastBeforeFirstIsTheFirstDay) {
  EXPECT_EQ(format_day_range(kFr, d(2026, 10, 21), d(2026, 10, 19)), "mercredi 21 octobre 2026");
  EXPECT_EQ(format_day_range(kEn, d(2027, 1, 2), d(2026, 12, 30)), "Saturday 2 January 2027");
}

TEST(FormatDayRange, FrenchWithinOneMonth) {
  EXPECT_EQ(format_day_range(kFr, d(2026, 10, 19), d(2026, 10, 21)), "du 19 au 21 octobre 2026");
  EXPECT_EQ(format_day_range(kFr, d(2026, 10, 1), d(2026, 10, 3)), "du 1er au 3 octobre 2026");
  EXPECT_EQ(format_day_range(kFr, d(2026, 10, 1), d(2026, 10, 31)), "du 1er au 31 octobre 2026");
  EXPECT_EQ(format_day_range(kFr, d(2028, 2, 27), d(2028, 2, 29)),
            "du 27 au 29 f\xc3\xa9vrier 2028");
}

TEST(FormatDayRange, FrenchAcrossMonths) {
  EXPECT_EQ(format_day_range(kFr, d(2026, 10, 30), d(2026, 11, 2)),
            "du 30 octobre au 2 novembre 2026");
  EXPECT_EQ(format_day_range(kFr, d(2026, 9, 30), d(2026, 10, 1)),
            "du 30 septembre au 1er octobre 2026");
  EXPECT_EQ(format_day_range(kFr, d(2028, 2, 28), d(2028, 3, 1)),
            "du 28 f\xc3\xa9vrier au 1er mars 2028");
  EXPECT_EQ(format_day_range(kFr, d(2026, 10, 1), d(2026, 11, 1)),
            "du 1er octobre au 1er novembre 2026");
}

TEST(FormatDayRange, FrenchAcrossYears) {
  EXPECT_EQ(format_day_range(kFr, d(2026, 12, 30), d(2027, 1, 2)),
            "du 30 d\xc3\xa9"
            "cembre 2026 au 2 janvier 2027");
  EXPECT_EQ(format_day_range(kFr, d(2026, 12, 31), d(2027, 1, 1)),
            "du 31 d\xc3\xa9"
            "cembre 2026 au 1er janvier 2027");
  // Same month, different years: both years are named.
  EXPECT_EQ(format_day_range(kFr, d(2026, 10, 19), d(2027, 10, 21)),
            "du 19 octobre 2026 au 21 octobre 2027");
}

TEST(FormatDayRange, EnglishWithinOneMonthHasAnUnspacedEnDash) {
  EXPECT_EQ(format_day_range(kEn, d(2026, 10, 19), d(2026, 10, 21)),
            "19\xe2\x80\x93"
            "21 October 2026");
  EXPECT_EQ(format_day_range(kEn, d(2026, 10, 1), d(2026, 10, 3)), "1\u20133 October 2026");
}

TEST(FormatDayRange, EnglishAcrossMonthsAndYearsHasASpacedEnDash) {
  EXPECT_EQ(format_day_range(kEn, d(2026, 10, 30), d(2026, 11, 2)),
            "30 October \xe2\x80\x93 2 November 2026");
  EXPECT_EQ(format_day_range(kEn, d(2026, 12, 30), d(2027, 1, 2)),
            "30 December 2026 \u2013 2 January 2027");
  EXPECT_EQ(format_day_range(kEn, d(2028, 2, 28), d(2028, 3, 1)),
            "28 February \u2013 1 March 2028");
}

TEST(FormatDayRange, ImpossibleEndsAreWrittenAsNumbers) {
  EXPECT_EQ(format_day_range(kFr, d(2026, 10, 19), d(2026, 13, 1)), "du 2026-10-19 au 2026-13-01");
  EXPECT_EQ(format_day_range(kEn, d(2026, 0, 1), d(2026, 10, 19)), "2026-00-01 \u2013 2026-10-19");
  EXPECT_FALSE(
      format_day_range(kFr, d(INT_MIN, INT_MIN, INT_MIN), d(INT_MAX, INT_MAX, INT_MAX)).empty());
}

TEST(FormatDayRange, ExtremeYears) {
  EXPECT_EQ(format_day_range(kFr, d(-1, 12, 31), d(0, 1, 1)),
            "du 31 d\xc3\xa9"
            "cembre -1 au 1er janvier 0");
  EXPECT_EQ(format_day_range(kEn, d(INT_MIN, 1, 1), d(INT_MAX, 12, 31)),
            "1 January -2147483648 \u2013 31 December 2147483647");
}

// ---- format_when, all day ----

TEST(FormatWhenAllDay, EndIsExclusive) {
  EXPECT_EQ(format_when(kFr, true, t(2026, 10, 19, 0, 0), t(2026, 10, 22, 0, 0)),
            "du 19 au 21 octobre 2026");
  EXPECT_EQ(format_when(kEn, true, t(2026, 10, 19, 0, 0), t(2026, 10, 22, 0, 0)),
            "19\u201321 October 2026");
}

TEST(FormatWhenAllDay, OneDayOrAnEndNotAfterTheStartIsOneDay) {
  EXPECT_EQ(format_when(kFr, true, t(2026, 10, 19, 0, 0), t(2026, 10, 20, 0, 0)),
            "lundi 19 octobre 2026");
  EXPECT_EQ(format_when(kFr, true, t(2026, 10, 19, 0, 0), t(2026, 10, 19, 0, 0)),
            "lundi 19 octobre 2026");
  EXPECT_EQ(format_when(kEn, true, t(2026, 10, 19, 0, 0), t(2026, 10, 12, 0, 0)),
            "Monday 19 October 2026");
  EXPECT_EQ(format_when(kFr, true, t(2026, 10, 1, 0, 0), t(2026, 10, 2, 0, 0)),
            "jeudi 1er octobre 2026");
}

TEST(FormatWhenAllDay, LastDayCrossesMonthAndYearBoundaries) {
  // The exclusive end is the 1st: the last day is the end of the month before.
  EXPECT_EQ(format_when(kFr, true, t(2026, 10, 30, 0, 0), t(2026, 11, 1, 0, 0)),
            "du 30 au 31 octobre 2026");
  EXPECT_EQ(format_when(kFr, true, t(2026, 10, 31, 0, 0), t(2026, 11, 2, 0, 0)),
            "du 31 octobre au 1er novembre 2026");
  EXPECT_EQ(format_when(kFr, true, t(2026, 12, 30, 0, 0), t(2027, 1, 3, 0, 0)),
            "du 30 d\xc3\xa9"
            "cembre 2026 au 2 janvier 2027");
  EXPECT_EQ(format_when(kFr, true, t(2026, 12, 30, 0, 0), t(2027, 1, 1, 0, 0)),
            "du 30 au 31 d\xc3\xa9"
            "cembre 2026");
  EXPECT_EQ(format_when(kEn, true, t(2026, 12, 31, 0, 0), t(2027, 1, 1, 0, 0)),
            "Thursday 31 December 2026");
  EXPECT_EQ(format_when(kEn, true, t(2026, 12, 30, 0, 0), t(2027, 1, 3, 0, 0)),
            "30 December 2026 \u2013 2 January 2027");
}

TEST(FormatWhenAllDay, LastDayOfFebruaryFollowsLeapYears) {
  EXPECT_EQ(format_when(kFr, true, t(2028, 2, 27, 0, 0), t(2028, 3, 1, 0, 0)),
            "du 27 au 29 f\xc3\xa9vrier 2028");
  EXPECT_EQ(format_when(kFr, true, t(2027, 2, 27, 0, 0), t(2027, 3, 1, 0, 0)),
            "du 27 au 28 f\xc3\xa9vrier 2027");
  EXPECT_EQ(format_when(kEn, true, t(2028, 2, 29, 0, 0), t(2028, 3, 1, 0, 0)),
            "Tuesday 29 February 2028");
}

TEST(FormatWhenAllDay, TimesOfDayAreIgnored) {
  EXPECT_EQ(format_when(kFr, true, t(2026, 10, 19, 18, 30), t(2026, 10, 22, 9, 5)),
            "du 19 au 21 octobre 2026");
  EXPECT_EQ(format_when(kFr, true, t(2026, 10, 19, 18, 30), t(2026, 10, 19, 20, 0)),
            "lundi 19 octobre 2026");
}

TEST(FormatWhenAllDay, ImpossibleOrExtremeEndsDoNotCrash) {
  EXPECT_EQ(format_when(kFr, true, t(2026, 10, 19, 0, 0), t(2026, 13, 1, 0, 0)),
            "lundi 19 octobre 2026");
  EXPECT_EQ(format_when(kFr, true, t(INT_MAX, 12, 31, 0, 0), t(INT_MAX, 12, 31, 0, 0)),
            format_day(kFr, d(INT_MAX, 12, 31)));
  EXPECT_EQ(format_when(kEn, true, t(INT_MIN, 1, 1, 0, 0), t(INT_MIN, 1, 3, 0, 0)),
            "1\u20132 January -2147483648");
  EXPECT_FALSE(format_when(kFr, true, t(INT_MIN, 0, 5, 0, 0), t(INT_MIN, 1, 1, 0, 0)).empty());
  EXPECT_FALSE(
      format_when(kEn, true, t(INT_MIN, INT_MIN, INT_MIN, 0, 0), t(INT_MAX, INT_MAX, INT_MAX, 0, 0))
          .empty());
}

// ---- format_when, timed ----

TEST(FormatWhenTimed, OneDay) {
  EXPECT_EQ(format_when(kFr, false, t(2026, 10, 19, 18, 30), t(2026, 10, 19, 20, 0)),
            "lundi 19 octobre 2026, 18\u00a0h\u00a030 \u2013 20\u00a0h");
  EXPECT_EQ(format_when(kEn, false, t(2026, 10, 19, 18, 30), t(2026, 10, 19, 20, 0)),
            "Monday 19 October 2026, 18:30\u201320:00");
}

TEST(FormatWhenTimed, OneDayExactBytes) {
  EXPECT_EQ(format_when(kFr, false, t(2026, 10, 1, 9, 5), t(2026, 10, 1, 10, 0)),
            "jeudi 1er octobre 2026, 9\xc2\xa0h\xc2\xa0"
            "05 \xe2\x80\x93 10\xc2\xa0h");
}

TEST(FormatWhenTimed, MidnightAndEarlyMinutes) {
  EXPECT_EQ(format_when(kFr, false, t(2026, 10, 19, 0, 0), t(2026, 10, 19, 0, 15)),
            "lundi 19 octobre 2026, 0\u00a0h \u2013 0\u00a0h\u00a015");
  EXPECT_EQ(format_when(kEn, false, t(2026, 10, 19, 0, 0), t(2026, 10, 19, 9, 5)),
            "Monday 19 October 2026, 00:00\u201309:05");
}

TEST(FormatWhenTimed, EndEqualToOrBeforeTheStartShowsTheStartAlone) {
  EXPECT_EQ(format_when(kFr, false, t(2026, 10, 19, 18, 30), t(2026, 10, 19, 18, 30)),
            "lundi 19 octobre 2026, 18\u00a0h\u00a030");
  EXPECT_EQ(format_when(kFr, false, t(2026, 10, 19, 18, 30), t(2026, 10, 19, 17, 0)),
            "lundi 19 octobre 2026, 18\u00a0h\u00a030");
  // An earlier day, even at a later hour.
  EXPECT_EQ(format_when(kEn, false, t(2026, 10, 19, 18, 30), t(2026, 10, 18, 23, 0)),
            "Monday 19 October 2026, 18:30");
  // Seconds are not shown, so an end within the start's minute is no end.
  EXPECT_EQ(format_when(kEn, false, t(2026, 10, 19, 18, 30, 0), t(2026, 10, 19, 18, 30, 45)),
            "Monday 19 October 2026, 18:30");
}

TEST(FormatWhenTimed, SeveralDays) {
  EXPECT_EQ(format_when(kFr, false, t(2026, 10, 19, 18, 30), t(2026, 10, 20, 2, 0)),
            "du lundi 19 octobre 2026, 18\u00a0h\u00a030 au mardi 20 octobre 2026, 2\u00a0h");
  EXPECT_EQ(format_when(kEn, false, t(2026, 10, 19, 18, 30), t(2026, 10, 20, 2, 0)),
            "Monday 19 October 2026, 18:30 \u2013 Tuesday 20 October 2026, 02:00");
  // An evening ending at midnight ends on its own day.
  EXPECT_EQ(format_when(kFr, false, t(2026, 10, 19, 20, 0), t(2026, 10, 20, 0, 0)),
            "lundi 19 octobre 2026, 20\u00a0h \u2013 0\u00a0h");
  EXPECT_EQ(format_time_range(kFr, false, t(2026, 10, 19, 20, 0), t(2026, 10, 20, 0, 0)),
            "20\u00a0h \u2013 0\u00a0h");
  // From midnight to midnight is a whole day: both days are named.
  EXPECT_EQ(format_when(kFr, false, t(2026, 10, 19, 0, 0), t(2026, 10, 20, 0, 0)),
            "du lundi 19 octobre 2026, 0\u00a0h au mardi 20 octobre 2026, 0\u00a0h");
}

TEST(FormatWhenTimed, SeveralDaysAcrossMonthAndYear) {
  EXPECT_EQ(format_when(kFr, false, t(2026, 9, 30, 22, 0), t(2026, 10, 1, 1, 30)),
            "du mercredi 30 septembre 2026, 22\u00a0h au jeudi 1er octobre 2026, "
            "1\u00a0h\u00a030");
  EXPECT_EQ(format_when(kFr, false, t(2026, 12, 31, 22, 0), t(2027, 1, 1, 2, 0)),
            "du jeudi 31 d\xc3\xa9"
            "cembre 2026, 22\u00a0h au vendredi 1er janvier 2027, 2\u00a0h");
  EXPECT_EQ(format_when(kEn, false, t(2028, 2, 28, 9, 0), t(2028, 3, 1, 17, 0)),
            "Monday 28 February 2028, 09:00 \u2013 Wednesday 1 March 2028, 17:00");
}

// Civil values: no time zone is consulted, so daylight-saving changes do not matter.
TEST(FormatWhenTimed, DaylightSavingChangesAreIrrelevant) {
  const auto fall_back = [] {  // Paris, 25 October 2026: 03:00 CEST becomes 02:00 CET.
    return format_when(kFr, false, t(2026, 10, 25, 1, 30), t(2026, 10, 25, 3, 30));
  };
  const auto spring_forward = [] {  // Paris, 29 March 2026: 02:30 never happens.
    return format_when(kEn, false, t(2026, 3, 29, 2, 30), t(2026, 3, 29, 3, 0));
  };
  const char* saved = std::getenv("TZ");
  const std::optional<std::string> old_tz =
      saved ? std::optional<std::string>(saved) : std::nullopt;
  for (const char* zone : {"UTC", "Europe/Paris", "America/New_York"}) {
    ::setenv("TZ", zone, 1);
    ::tzset();
    EXPECT_EQ(fall_back(), "dimanche 25 octobre 2026, 1\u00a0h\u00a030 \u2013 3\u00a0h\u00a030")
        << zone;
    EXPECT_EQ(spring_forward(), "Sunday 29 March 2026, 02:30\u201303:00") << zone;
  }
  if (old_tz) {
    ::setenv("TZ", old_tz->c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
}

TEST(FormatWhenTimed, ImpossibleAndExtremeValuesDoNotCrash) {
  EXPECT_EQ(format_when(kFr, false, t(2026, 13, 5, 25, 70), t(2026, 13, 5, 26, 0)),
            "2026-13-05, 25\u00a0h\u00a070 \u2013 26\u00a0h");
  EXPECT_EQ(format_when(kEn, false, t(INT_MAX, 12, 31, 23, 0), t(INT_MAX, 12, 31, 23, 30)),
            format_day(kEn, d(INT_MAX, 12, 31)) + ", 23:00\u201323:30");
  EXPECT_FALSE(format_when(kFr, false, t(INT_MIN, INT_MIN, INT_MIN, INT_MIN, INT_MIN),
                           t(INT_MAX, INT_MAX, INT_MAX, INT_MAX, INT_MAX))
                   .empty());
}

// ---- format_time_range ----

TEST(FormatTimeRange, AllDay) {
  EXPECT_EQ(format_time_range(kFr, true, t(2026, 10, 19, 0, 0), t(2026, 10, 20, 0, 0)),
            "toute la journ\xc3\xa9"
            "e");
  EXPECT_EQ(format_time_range(kEn, true, t(2026, 10, 19, 0, 0), t(2026, 10, 22, 0, 0)), "all day");
}

TEST(FormatTimeRange, SameDay) {
  EXPECT_EQ(format_time_range(kFr, false, t(2026, 10, 19, 18, 30), t(2026, 10, 19, 20, 0)),
            "18\u00a0h\u00a030 \u2013 20\u00a0h");
  EXPECT_EQ(format_time_range(kEn, false, t(2026, 10, 19, 18, 30), t(2026, 10, 19, 20, 0)),
            "18:30\u201320:00");
  EXPECT_EQ(format_time_range(kFr, false, t(2026, 10, 19, 0, 0), t(2026, 10, 19, 9, 5)),
            "0\u00a0h \u2013 9\u00a0h\u00a005");
}

TEST(FormatTimeRange, NoEndOrAnEndNotAfterTheStartShowsTheStartAlone) {
  EXPECT_EQ(format_time_range(kFr, false, t(2026, 10, 19, 18, 30), t(2026, 10, 19, 18, 30)),
            "18\u00a0h\u00a030");
  EXPECT_EQ(format_time_range(kFr, false, t(2026, 10, 19, 18, 30), t(2026, 10, 19, 8, 0)),
            "18\u00a0h\u00a030");
  EXPECT_EQ(format_time_range(kEn, false, t(2026, 10, 19, 18, 30), t(2026, 10, 1, 20, 0)), "18:30");
}

TEST(FormatTimeRange, LaterDayNamesThatDayWithoutTheYear) {
  EXPECT_EQ(format_time_range(kFr, false, t(2026, 10, 19, 18, 30), t(2026, 10, 20, 2, 0)),
            "18\u00a0h\u00a030 \u2013 mardi 20 octobre, 2\u00a0h");
  EXPECT_EQ(format_time_range(kEn, false, t(2026, 10, 19, 18, 30), t(2026, 10, 20, 2, 0)),
            "18:30 \u2013 Tuesday 20 October, 02:00");
  EXPECT_EQ(format_time_range(kFr, false, t(2026, 12, 31, 23, 0), t(2027, 1, 1, 0, 30)),
            "23\u00a0h \u2013 vendredi 1er janvier, 0\u00a0h\u00a030");
  // Except an evening ending at midnight.
  EXPECT_EQ(format_time_range(kEn, false, t(2026, 10, 19, 20, 0), t(2026, 10, 20, 0, 0)),
            "20:00\u201300:00");
}

TEST(FormatTimeRange, DaylightSavingNightIsCivil) {
  EXPECT_EQ(format_time_range(kFr, false, t(2026, 10, 25, 2, 30), t(2026, 10, 25, 2, 45)),
            "2\u00a0h\u00a030 \u2013 2\u00a0h\u00a045");
}

TEST(FormatTimeRange, ExtremeValuesDoNotCrash) {
  EXPECT_FALSE(format_time_range(kFr, false, t(INT_MIN, INT_MIN, INT_MIN, INT_MIN, INT_MIN),
                                 t(INT_MAX, INT_MAX, INT_MAX, INT_MAX, INT_MAX))
                   .empty());
  EXPECT_EQ(format_time_range(kEn, false, t(2026, 10, 19, 23, 0), t(2026, 13, 1, 1, 0)),
            "23:00 \u2013 2026-13-01, 01:00");
}

// Every output is valid UTF-8, whatever the input.
TEST(CalendarText, OutputIsValidUtf8) {
  for (const Language language : {kFr, kEn}) {
    for (int month = -1; month <= 14; ++month) {
      for (const int day : {-1, 0, 1, 15, 28, 29, 30, 31, 32}) {
        const core::LocalDateTime start = t(2028, month, day, 0, 0);
        const core::LocalDateTime end = t(2028, 12, 31, 23, 59);
        for (const bool all_day : {false, true}) {
          EXPECT_TRUE(core::is_valid_utf8(format_when(language, all_day, start, end)));
          EXPECT_TRUE(core::is_valid_utf8(format_time_range(language, all_day, start, end)));
        }
        EXPECT_TRUE(core::is_valid_utf8(format_day(language, start.date)));
        EXPECT_TRUE(core::is_valid_utf8(format_month(language, 2028, month)));
      }
    }
  }
}

}  // namespace
}  // namespace concerto::render
