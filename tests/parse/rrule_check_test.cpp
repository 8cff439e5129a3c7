#include "parse/rrule_check.h"

#include <gtest/gtest.h>

namespace concerto::parse {
namespace {

constexpr core::Date kStart{2026, 1, 5};  // a Monday

TEST(RruleCheck, AcceptsRulesProducersWrite) {
  for (std::string_view rule : {
           "FREQ=WEEKLY;BYDAY=MO,WE,FR",
           "FREQ=WEEKLY;INTERVAL=2;UNTIL=20261231T235959Z;BYDAY=TU",
           "FREQ=MONTHLY;BYDAY=1TH",
           "FREQ=MONTHLY;BYDAY=-1FR",
           "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
           "FREQ=MONTHLY;BYMONTHDAY=-1",
           "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
           "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
           "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
           "FREQ=YEARLY;BYYEARDAY=366",
           "FREQ=DAILY;COUNT=5;",
           "freq=daily;count=5",
           "FREQ=HOURLY;BYHOUR=9,10,11;BYMINUTE=0,30",
       }) {
    EXPECT_EQ(check_rrule(rule, kStart), std::nullopt) << rule;
  }
}

TEST(RruleCheck, RefusesRulesThatNeverMatch) {
  for (std::string_view rule : {
           "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
           "FREQ=YEARLY;BYMONTHDAY=31;BYMONTH=4,6,9,11",
           "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=-30",
           "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31",
           "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6",
           "FREQ=YEARLY;BYYEARDAY=1;BYMONTH=2",
           "FREQ=MONTHLY;BYDAY=5MO;BYMONTH=2;BYMONTHDAY=1",
       }) {
    EXPECT_NE(check_rrule(rule, kStart), std::nullopt) << rule;
  }
  // The day of the month comes from DTSTART when the rule gives none.
  EXPECT_NE(check_rrule("FREQ=YEARLY;BYMONTH=4", {2026, 1, 31}), std::nullopt);
  EXPECT_NE(check_rrule("FREQ=MONTHLY;BYMONTH=2", {2026, 1, 30}), std::nullopt);
  EXPECT_EQ(check_rrule("FREQ=MONTHLY", {2026, 1, 31}), std::nullopt);
}

TEST(RruleCheck, RefusesMalformedRules) {
  for (std::string_view rule : {
           "",
           "BYDAY=MO",
           "FREQ=FORTNIGHTLY",
           "FREQ=DAILY;FOO=1",
           "FREQ=DAILY;COUNT=0",
           "FREQ=DAILY;COUNT=2;UNTIL=20260101",
           "FREQ=DAILY;COUNT=2;COUNT=3",
           "FREQ=MONTHLY;BYMONTHDAY=32",
           "FREQ=MONTHLY;BYMONTHDAY=0",
           "FREQ=DAILY;BYHOUR=24",
           "FREQ=DAILY;BYDAY=XX",
           "FREQ=WEEKLY;BYDAY=1MO",
           "FREQ=MONTHLY;BYDAY=6MO",
           "FREQ=WEEKLY;BYMONTHDAY=1",
           "FREQ=MONTHLY;BYWEEKNO=1",
           "FREQ=DAILY;BYSETPOS=1",
           "FREQ=DAILY;UNTIL=20260230",
           "FREQ=DAILY;INTERVAL=-1",
           "FREQ",
       }) {
    EXPECT_NE(check_rrule(rule, kStart), std::nullopt) << rule;
  }
}

// Regression: libical 3.0.16 ignores BYSETPOS below FREQ=DAILY, so these repeated far more
// often than the rule says.
TEST(RruleCheck, RefusesBysetposBelowDaily) {
  for (std::string_view rule : {
           "FREQ=HOURLY;BYMINUTE=0;BYSETPOS=5",
           "FREQ=MINUTELY;BYSECOND=0,30;BYSETPOS=1",
           "FREQ=SECONDLY;BYMONTH=1;BYSETPOS=-1",
           "freq=hourly;byhour=9,10;bysetpos=1",
       }) {
    const auto why = check_rrule(rule, kStart);
    ASSERT_NE(why, std::nullopt) << rule;
    EXPECT_NE(why->find("BYSETPOS is not supported with FREQ="), std::string::npos) << *why;
  }
  EXPECT_EQ(check_rrule("FREQ=DAILY;BYHOUR=9,17;BYSETPOS=1", kStart), std::nullopt);
}

}  // namespace
}  // namespace concerto::parse
