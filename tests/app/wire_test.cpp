#include "app/wire.h"

#include <gtest/gtest.h>

namespace concerto::app {
namespace {

IngestResult sample_result() {
  IngestResult result;
  result.ok = true;
  result.format = "ics";
  core::Event event;
  event.feed_id = "icpc";
  event.uid = "ag-2027@i-cpc.org";
  event.summary = "Assemblée générale";
  event.categories = {"Réseau", "a,b"};
  event.start.tzid = "Europe/Paris";
  event.start.local = {{2027, 6, 15}, 18, 30, 0};
  event.start.utc = 1813084200;
  event.end.all_day = true;
  event.end.date = {2027, 6, 16};
  event.recurrence_id = event.start;
  event.exdates = {event.start, event.end};
  event.status = core::EventStatus::kCancelled;
  event.sequence = 7;
  event.source_line = 42;
  result.events.push_back(event);
  result.occurrences.push_back({"icpc", event.uid, event.start, event.start, event.end, true});
  result.problems.push_back({core::Severity::kWarning, 12, "x", "URL dropped"});
  result.refresh_seconds = 3600;
  return result;
}

TEST(Wire, RoundTripsAnIngestResult) {
  const IngestResult original = sample_result();
  auto decoded = decode_result(encode(original));
  ASSERT_TRUE(decoded) << decoded.error();
  ASSERT_EQ(decoded->events.size(), 1u);
  const core::Event& event = decoded->events[0];
  EXPECT_EQ(event.summary, "Assemblée générale");
  EXPECT_EQ(event.categories, original.events[0].categories);
  EXPECT_EQ(event.start, original.events[0].start);
  EXPECT_EQ(event.end, original.events[0].end);
  EXPECT_EQ(event.recurrence_id, original.events[0].recurrence_id);
  EXPECT_EQ(event.exdates, original.events[0].exdates);
  EXPECT_EQ(event.status, core::EventStatus::kCancelled);
  EXPECT_EQ(event.sequence, 7);
  EXPECT_EQ(event.source_line, 42);
  ASSERT_EQ(decoded->occurrences.size(), 1u);
  EXPECT_TRUE(decoded->occurrences[0].from_override);
  EXPECT_EQ(decoded->problems.at(0).message, "URL dropped");
  EXPECT_EQ(decoded->refresh_seconds, 3600);
}

TEST(Wire, RoundTripsARequestWithItsBody) {
  IngestRequest request;
  request.feed.id = "nantes";
  request.feed.format = "ics";
  request.limits.cpu_seconds = 3;
  request.site_timezone = "Europe/Paris";
  request.body = std::string("BEGIN:VCALENDAR\r\n\0binary", 25);
  auto decoded = decode_request(encode(request));
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->feed.id, "nantes");
  EXPECT_EQ(decoded->limits.cpu_seconds, 3);
  EXPECT_EQ(decoded->body, request.body);
}

TEST(Wire, RefusesEveryTruncationOfAMessage) {
  const std::string bytes = encode(sample_result());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_FALSE(decode_result(std::string_view(bytes).substr(0, size))) << size;
  }
}

TEST(Wire, RefusesHugeCountsWithoutAllocating) {
  std::string bytes = encode(IngestResult{});
  // The event count sits after magic, ok flag, and two empty strings.
  const std::size_t count_at = 4 + 4 + 4 + 4;
  bytes[count_at] = '\xff';
  bytes[count_at + 1] = '\xff';
  bytes[count_at + 2] = '\xff';
  bytes[count_at + 3] = '\x7f';
  EXPECT_FALSE(decode_result(bytes));
}

}  // namespace
}  // namespace concerto::app
