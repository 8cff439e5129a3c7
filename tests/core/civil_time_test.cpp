#include "core/civil_time.h"

#include <gtest/gtest.h>

namespace concerto::core {
namespace {

TEST(CivilTime, RoundTripsDaysAcrossCenturiesAndLeapYears) {
  for (std::int64_t days = -800000; days <= 800000; days += 997) {
    EXPECT_EQ(days_from_civil(civil_from_days(days)), days);
  }
  EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(days_from_civil({2000, 3, 1}), 11017);
  EXPECT_EQ(civil_from_days(days_from_civil({2028, 2, 29})), (Date{2028, 2, 29}));
}

TEST(CivilTime, RefusesImpossibleDates) {
  EXPECT_FALSE(is_valid(Date{2026, 13, 1}));
  EXPECT_FALSE(is_valid(Date{2026, 2, 29}));
  EXPECT_FALSE(is_valid(Date{2026, 2, 30}));
  EXPECT_FALSE(is_valid(Date{2026, 4, 31}));
  EXPECT_TRUE(is_valid(Date{2028, 2, 29}));
  EXPECT_FALSE(is_valid(Date{1900, 2, 29}));
  EXPECT_TRUE(is_valid(Date{2000, 2, 29}));
  EXPECT_FALSE(is_valid(LocalDateTime{{2026, 1, 1}, 24, 0, 0}));
  EXPECT_FALSE(is_valid(LocalDateTime{{2026, 1, 1}, 10, 60, 0}));
}

TEST(CivilTime, KnowsWeekdays) {
  EXPECT_EQ(weekday({1970, 1, 1}), 4);    // Thursday
  EXPECT_EQ(weekday({2026, 10, 19}), 1);  // Monday
  EXPECT_EQ(weekday({1969, 12, 28}), 0);  // Sunday
}

TEST(CivilTime, FormatsAndParsesIsoDates) {
  EXPECT_EQ(format_iso_date({2026, 3, 4}), "2026-03-04");
  EXPECT_EQ(format_ics_local({{2026, 10, 19}, 9, 5, 7}), "20261019T090507");
  EXPECT_EQ(format_utc_offset(7200), "+02:00");
  EXPECT_EQ(format_utc_offset(-16200, false), "-0430");
  EXPECT_EQ(format_utc_offset(561, false), "+000921");
  EXPECT_EQ(parse_iso_date("2026-10-19"), (Date{2026, 10, 19}));
  EXPECT_FALSE(parse_iso_date("2026-02-30"));
  EXPECT_FALSE(parse_iso_date("2026-1-01"));
  EXPECT_FALSE(parse_iso_date("20261019"));
}

}  // namespace
}  // namespace concerto::core
