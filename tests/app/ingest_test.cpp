#include "app/ingest.h"

#include <gtest/gtest.h>

#include <chrono>

namespace concerto::app {
namespace {

std::string calendar(const std::string& events) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//test//EN\r\n" + events +
         "END:VCALENDAR\r\n";
}

std::string event(int i, const std::string& extra = "") {
  return "BEGIN:VEVENT\r\nUID:e" + std::to_string(i) +
         "@test\r\nDTSTAMP:20261201T000000Z\r\nDTSTART;TZID=Europe/Paris:20270105T100000\r\n"
         "DTEND;TZID=Europe/Paris:20270105T120000\r\nSUMMARY:Réunion " +
         std::to_string(i) + "\r\n" + extra + "END:VEVENT\r\n";
}

IngestRequest request_for(std::string body) {
  IngestRequest request;
  request.feed.id = "test";
  request.feed.timezone = "Europe/Paris";
  request.site_timezone = "Europe/Paris";
  request.now_utc = 1796083200;  // 2026-12-01
  request.body = std::move(body);
  return request;
}

// Every series runs a minutely rule from 1990: each costs its full iteration budget.
std::string spinning_calendar() {
  std::string events;
  for (int i = 0; i < 200; ++i) {
    events += "BEGIN:VEVENT\r\nUID:spin" + std::to_string(i) +
              "\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:19900101T000000Z\r\n"
              "SUMMARY:x\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\n";
  }
  return calendar(events);
}

bool sanitized() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#else
  return false;
#endif
}

TEST(Ingest, ReadsAFeedInAWorkerProcessLikeInThisOne) {
  IngestRequest request =
      request_for(calendar(event(1) + event(2, "RRULE:FREQ=WEEKLY;COUNT=3\r\n")));
  IngestResult local = ingest(request);
  IngestResult remote = ingest_in_worker(request, CONCERTO_BINARY);
  ASSERT_TRUE(remote.ok) << remote.error;
  ASSERT_TRUE(local.ok) << local.error;
  EXPECT_EQ(remote.format, "ics");
  ASSERT_EQ(remote.events.size(), 2u);
  EXPECT_EQ(remote.occurrences.size(), 4u);
  EXPECT_EQ(remote.events[0].summary, local.events[0].summary);
  EXPECT_EQ(remote.events[1].start, local.events[1].start);
  EXPECT_EQ(remote.events[0].feed_id, "test");
  EXPECT_EQ(remote.events[0].start.utc, 1799139600);  // 2027-01-05T09:00:00Z
}

TEST(Ingest, ReadsFloatingTimesInTheFeedZoneElseTheCalendarZoneElseTheSiteZone) {
  const std::string floating =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nX-WR-TIMEZONE:America/Montreal\r\n"
      "BEGIN:VEVENT\r\nUID:f@x\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20270210T120000\r\n"
      "SUMMARY:Webinaire\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  IngestRequest request = request_for(floating);
  request.feed.timezone = "";
  IngestResult calendar_zone = ingest(request);
  ASSERT_TRUE(calendar_zone.ok) << calendar_zone.error;
  EXPECT_EQ(calendar_zone.events.at(0).start.tzid, "America/Montreal");
  EXPECT_EQ(calendar_zone.events.at(0).start.utc, 1802278800);  // 2027-02-10T17:00:00Z

  request.feed.timezone = "Europe/Paris";
  IngestResult feed_zone = ingest(request);
  EXPECT_EQ(feed_zone.events.at(0).start.utc, 1802257200);  // 2027-02-10T11:00:00Z

  std::string no_calendar_zone = floating;
  no_calendar_zone.erase(no_calendar_zone.find("X-WR-TIMEZONE"), 32);
  request = request_for(no_calendar_zone);
  request.feed.timezone = "";
  request.site_timezone = "UTC";
  IngestResult site_zone = ingest(request);
  ASSERT_TRUE(site_zone.ok) << site_zone.error;
  EXPECT_EQ(site_zone.events.at(0).start.utc, 1802260800);  // 2027-02-10T12:00:00Z
}

TEST(Ingest, ReportsAnHtmlPageAsNotACalendar) {
  IngestResult result = ingest_in_worker(
      request_for("<!DOCTYPE html><html><body>Erreur</body></html>"), CONCERTO_BINARY);
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.error.empty());
}

TEST(Ingest, StopsAFeedThatExceedsItsCpuBudget) {
  IngestRequest request = request_for(spinning_calendar());
  request.limits.cpu_seconds = 1;
  request.limits.wall_seconds = 20;
  const auto started = std::chrono::steady_clock::now();
  IngestResult result = ingest_in_worker(request, CONCERTO_BINARY);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("limits.cpu_time"), std::string::npos) << result.error;
  EXPECT_LT(seconds, 15.0);
}

TEST(Ingest, StopsAFeedThatExceedsItsWallClockBudget) {
  IngestRequest request = request_for(spinning_calendar());
  request.limits.cpu_seconds = 100;
  request.limits.wall_seconds = 1;
  IngestResult result = ingest_in_worker(request, CONCERTO_BINARY);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("limits.wall_time"), std::string::npos) << result.error;
}

TEST(Ingest, StopsAFeedThatExceedsItsMemoryBudget) {
  if (sanitized()) GTEST_SKIP() << "the address-space limit is not applied under ASan";
  std::string events;
  for (int i = 0; i < 150000; ++i) events += event(i);
  IngestRequest request = request_for(calendar(events));
  request.limits.memory_bytes = 48LL * 1024 * 1024;
  IngestResult result = ingest_in_worker(request, CONCERTO_BINARY);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("limits."), std::string::npos) << result.error;
}

}  // namespace
}  // namespace concerto::app
