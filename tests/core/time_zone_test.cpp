#include "core/time_zone.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace concerto::core {
namespace {

std::int64_t utc_of(int y, int mo, int d, int h, int mi) {
  return seconds_from_civil({{y, mo, d}, h, mi, 0});
}

TEST(TimeZone, ParisHasSummerAndWinterOffsets) {
  ZonePtr paris = find_zone("Europe/Paris");
  ASSERT_TRUE(paris);
  EXPECT_EQ(paris->offset_at_utc(utc_of(2026, 1, 15, 12, 0)), 3600);
  EXPECT_EQ(paris->offset_at_utc(utc_of(2026, 7, 15, 12, 0)), 7200);
  // 2026-03-29 01:00 UTC the clocks go forward; 2026-10-25 01:00 UTC they go back.
  EXPECT_EQ(paris->offset_at_utc(utc_of(2026, 3, 29, 0, 59)), 3600);
  EXPECT_EQ(paris->offset_at_utc(utc_of(2026, 3, 29, 1, 0)), 7200);
  EXPECT_EQ(paris->offset_at_utc(utc_of(2026, 10, 25, 0, 59)), 7200);
  EXPECT_EQ(paris->offset_at_utc(utc_of(2026, 10, 25, 1, 0)), 3600);
}

TEST(TimeZone, ReadsWallTimesInTheGapWithTheOffsetBeforeIt) {
  ZonePtr paris = find_zone("Europe/Paris");
  // 02:30 does not exist on 2026-03-29; RFC 5545 reads it with +01:00, i.e. 01:30 UTC.
  EXPECT_EQ(paris->to_utc({{2026, 3, 29}, 2, 30, 0}), utc_of(2026, 3, 29, 1, 30));
  EXPECT_EQ(paris->to_utc({{2026, 3, 29}, 3, 30, 0}), utc_of(2026, 3, 29, 1, 30));
  EXPECT_EQ(paris->to_utc({{2026, 3, 29}, 1, 30, 0}), utc_of(2026, 3, 29, 0, 30));
}

TEST(TimeZone, ReadsRepeatedWallTimesAsTheirFirstOccurrence) {
  ZonePtr paris = find_zone("Europe/Paris");
  // 02:30 happens twice on 2026-10-25: first at +02:00 (00:30 UTC).
  EXPECT_EQ(paris->to_utc({{2026, 10, 25}, 2, 30, 0}), utc_of(2026, 10, 25, 0, 30));
  EXPECT_EQ(paris->to_utc({{2026, 10, 25}, 3, 0, 0}), utc_of(2026, 10, 25, 2, 0));
  EXPECT_EQ(paris->to_local(utc_of(2026, 10, 25, 1, 30)),
            (LocalDateTime{{2026, 10, 25}, 2, 30, 0}));
}

TEST(TimeZone, MapsWindowsAndPrefixedNamesToOlsonNames) {
  EXPECT_EQ(canonical_zone_name("Romance Standard Time"), "Europe/Paris");
  EXPECT_EQ(canonical_zone_name("W. Europe Standard Time"), "Europe/Berlin");
  EXPECT_EQ(canonical_zone_name("/mozilla.org/20050126_1/Europe/Paris"), "Europe/Paris");
  EXPECT_EQ(canonical_zone_name("/freeassociation.sourceforge.net/America/Montreal"),
            "America/Montreal");
  EXPECT_EQ(canonical_zone_name("Etc/UTC"), "UTC");
  EXPECT_EQ(canonical_zone_name("Z"), "UTC");
  EXPECT_FALSE(canonical_zone_name("Mars/Olympus_Mons"));
  EXPECT_FALSE(canonical_zone_name("../../etc/passwd"));
  EXPECT_FALSE(canonical_zone_name(""));
}

TEST(TimeZone, HandlesSouthernHemisphereAndHalfHourZones) {
  ZonePtr sydney = find_zone("Australia/Sydney");
  ASSERT_TRUE(sydney);
  EXPECT_EQ(sydney->offset_at_utc(utc_of(2026, 1, 15, 0, 0)), 11 * 3600);
  EXPECT_EQ(sydney->offset_at_utc(utc_of(2026, 7, 15, 0, 0)), 10 * 3600);
  ZonePtr kolkata = find_zone("Asia/Kolkata");
  ASSERT_TRUE(kolkata);
  EXPECT_EQ(kolkata->offset_at_utc(utc_of(2026, 7, 15, 0, 0)), 5 * 3600 + 1800);
  EXPECT_TRUE(kolkata->transitions().size() < 20);
}

TEST(TimeZone, MontrealFollowsNorthAmericanRules) {
  ZonePtr montreal = find_zone("America/Montreal");
  ASSERT_TRUE(montreal);
  // DST 2026: 2026-03-08 07:00 UTC to 2026-11-01 06:00 UTC.
  EXPECT_EQ(montreal->offset_at_utc(utc_of(2026, 3, 8, 6, 59)), -5 * 3600);
  EXPECT_EQ(montreal->offset_at_utc(utc_of(2026, 3, 8, 7, 0)), -4 * 3600);
  EXPECT_EQ(montreal->offset_at_utc(utc_of(2026, 11, 1, 6, 0)), -5 * 3600);
  EXPECT_EQ(montreal->to_utc({{2026, 10, 19}, 12, 0, 0}), utc_of(2026, 10, 19, 16, 0));
}

TEST(TimeZone, IsSafeToLoadFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> offsets(8, 0);
  const char* names[] = {"Europe/London", "Asia/Tokyo", "America/Chicago", "Europe/London"};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      ZonePtr zone = find_zone(names[i % 4]);
      offsets[i] = zone ? zone->offset_at_utc(utc_of(2026, 1, 1, 0, 0)) : -1;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(offsets[0], 0);
  EXPECT_EQ(offsets[1], 9 * 3600);
  EXPECT_EQ(offsets[2], -6 * 3600);
  EXPECT_EQ(find_zone("Europe/London"), find_zone("Europe/London"));  // cached
}

}  // namespace
}  // namespace concerto::core
