#include "core/event.h"

#include <gtest/gtest.h>

namespace concerto::core {
namespace {

TEST(EventTime, OrdersDatesAtMidnightUtcAndTimedValuesByTheirInstant) {
  EventTime day;
  day.all_day = true;
  day.date = {2026, 10, 19};
  EXPECT_EQ(day.sort_seconds(), days_from_civil({2026, 10, 19}) * 86400);
  EXPECT_EQ(day.key(), "20261019");

  EventTime zoned;
  zoned.tzid = "Europe/Paris";
  zoned.local = {{2026, 10, 19}, 9, 30, 0};
  zoned.utc = seconds_from_civil({{2026, 10, 19}, 7, 30, 0});
  EXPECT_EQ(zoned.sort_seconds(), zoned.utc);
  EXPECT_EQ(zoned.key(), "20261019T073000Z");

  EventTime floating;
  floating.local = {{2026, 10, 19}, 9, 30, 0};
  EXPECT_TRUE(floating.floating());
  EXPECT_EQ(floating.sort_seconds(), seconds_from_civil(floating.local));
  EXPECT_EQ(floating.key(), "20261019T093000");
}

TEST(Event, KeysAnOverrideByItsRecurrenceIdAndASeriesByNothing) {
  Event series;
  EXPECT_EQ(recurrence_key(series), "");
  Event override_event;
  override_event.recurrence_id = EventTime{};
  override_event.recurrence_id->all_day = true;
  override_event.recurrence_id->date = {2027, 1, 14};
  EXPECT_EQ(recurrence_key(override_event), "20270114");
  EXPECT_EQ(event_status_from_string("CANCELLED"), EventStatus::kCancelled);
  EXPECT_FALSE(event_status_from_string("maybe"));
  EXPECT_STREQ(to_string(EventStatus::kTentative), "tentative");
}

}  // namespace
}  // namespace concerto::core
