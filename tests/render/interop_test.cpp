// Our ICS read by an independent parser (python3-icalendar, tests/interop/check_ics_instants.py):
// every event's instants, computed from the VTIMEZONEs we wrote, match our JSON occurrences.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "render/ics_writer.h"
#include "render/json_writer.h"
#include "render/render_test_support.h"

namespace concerto::render {
namespace {

using testing::at;
using testing::day;
using testing::make_event;
using testing::merged;
using testing::timed;
using testing::utc_time;

const std::string kScript =
    std::string(CONCERTO_SOURCE_DIR) + "/tests/interop/check_ics_instants.py";

core::Occurrence occurrence_of(const core::Event& event) {
  core::Occurrence occurrence;
  occurrence.feed_id = event.feed_id;
  occurrence.uid = event.uid;
  occurrence.recurrence_id = event.recurrence_id;
  occurrence.start = event.start;
  occurrence.end = event.end;
  occurrence.from_override = event.recurrence_id.has_value();
  return occurrence;
}

core::Event timed_event(const std::string& uid, const std::string& tzid,
                        const core::LocalDateTime& start, const core::LocalDateTime& end) {
  return make_event("feed", uid, timed(tzid, start), timed(tzid, end));
}

// A series with its instances every `step_days` at the same wall time, as the store gives them.
void add_series(core::Event series, int step_days, int count, std::vector<core::Event>& events,
                std::vector<core::Occurrence>& occurrences) {
  for (int i = 0; i < count; ++i) {
    core::Occurrence occurrence;
    occurrence.feed_id = series.feed_id;
    occurrence.uid = series.uid;
    core::LocalDateTime start = series.start.local;
    core::LocalDateTime end = series.end.local;
    start.date = core::add_days(start.date, static_cast<std::int64_t>(step_days) * i);
    end.date = core::add_days(end.date, static_cast<std::int64_t>(step_days) * i);
    occurrence.start = timed(series.start.tzid, start);
    occurrence.end = timed(series.end.tzid, end);
    occurrence.recurrence_id = occurrence.start;
    occurrences.push_back(occurrence);
  }
  events.push_back(std::move(series));
}

struct Agenda {
  std::vector<dedup::MergedEvent> events;
  std::vector<core::Occurrence> occurrences;
};

Agenda sample_agenda() {
  std::vector<core::Event> events;
  std::vector<core::Occurrence> occurrences;
  auto single = [&](core::Event event) {
    occurrences.push_back(occurrence_of(event));
    events.push_back(std::move(event));
  };
  single(timed_event("paris", "Europe/Paris", at(2026, 10, 19, 9, 30), at(2026, 10, 19, 11, 0)));
  single(timed_event("paris-across-fall-back", "Europe/Paris", at(2026, 10, 24, 20, 0),
                     at(2026, 10, 25, 10, 0)));
  single(timed_event("paris-repeated-hour", "Europe/Paris", at(2026, 10, 25, 2, 30),
                     at(2026, 10, 25, 3, 30)));
  single(timed_event("paris-skipped-hour", "Europe/Paris", at(2027, 3, 28, 2, 30),
                     at(2027, 3, 28, 4, 0)));
  single(timed_event("montreal-repeated-hour", "America/Montreal", at(2026, 11, 1, 1, 30),
                     at(2026, 11, 1, 3, 0)));
  single(timed_event("montreal-2029", "America/Montreal", at(2029, 7, 1, 12, 0),
                     at(2029, 7, 1, 13, 0)));
  single(timed_event("sydney-repeated-hour", "Australia/Sydney", at(2026, 4, 5, 2, 30),
                     at(2026, 4, 5, 4, 0)));
  single(timed_event("kolkata", "Asia/Kolkata", at(2026, 12, 1, 18, 45), at(2026, 12, 1, 20, 0)));
  single(
      timed_event("chatham", "Pacific/Chatham", at(2026, 9, 27, 12, 0), at(2026, 9, 27, 13, 15)));
  single(timed_event("tokyo", "Asia/Tokyo", at(2026, 7, 7, 19, 0), at(2026, 7, 7, 21, 0)));
  single(make_event("feed", "utc", utc_time(at(2026, 10, 19, 7, 30)),
                    utc_time(at(2026, 10, 19, 8, 0))));
  single(make_event("feed", "all-day", day(2026, 10, 19), day(2026, 10, 21)));

  core::Event weekly =
      timed_event("paris-weekly", "Europe/Paris", at(2026, 10, 12, 9, 30), at(2026, 10, 12, 11, 0));
  weekly.rrule = "FREQ=WEEKLY;BYDAY=MO";
  core::Event moved = weekly;
  moved.rrule.clear();
  moved.recurrence_id = timed("Europe/Paris", at(2026, 10, 26, 9, 30));
  moved.start = timed("Europe/Paris", at(2026, 10, 26, 14, 0));
  moved.end = timed("Europe/Paris", at(2026, 10, 26, 15, 0));
  moved.summary = "moved";
  add_series(weekly, 7, 6, events, occurrences);
  for (core::Occurrence& occurrence : occurrences) {
    if (occurrence.uid == moved.uid && occurrence.recurrence_id == moved.recurrence_id) {
      occurrence.start = moved.start;
      occurrence.end = moved.end;
      occurrence.from_override = true;
    }
  }
  events.push_back(moved);

  core::Event sydney = timed_event("sydney-monthly", "Australia/Sydney", at(2026, 9, 15, 10, 0),
                                   at(2026, 9, 15, 11, 0));
  sydney.rrule = "FREQ=MONTHLY;COUNT=4";
  add_series(sydney, 30, 1, events, occurrences);

  Agenda agenda;
  for (core::Event& event : events) agenda.events.push_back(merged(std::move(event)));
  agenda.occurrences = std::move(occurrences);
  return agenda;
}

class InteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "concerto_interop_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    directory_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  void write(const std::string& name, const std::string& content) {
    std::ofstream file(directory_ / name, std::ios::binary);
    file << content;
  }

  // The script's exit status; its output goes to `output_`.
  int run_check() {
    const std::filesystem::path log = directory_ / "output.txt";
    const std::string command =
        "/usr/bin/python3 '" + kScript + "' '" + (directory_ / "calendar.ics").string() + "' '" +
        (directory_ / "events.json").string() + "' > '" + log.string() + "' 2>&1";
    const int status = std::system(command.c_str());
    std::ifstream file(log);
    std::stringstream text;
    text << file.rdbuf();
    output_ = text.str();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  static std::string replace_once(std::string text, const std::string& from,
                                  const std::string& to) {
    const auto at_position = text.find(from);
    if (at_position != std::string::npos) text.replace(at_position, from.size(), to);
    return text;
  }

  std::filesystem::path directory_;
  std::string output_;
};

const JsonWindow kEverything{0, 1LL << 40};

TEST_F(InteropTest, PythonIcalendarReadsTheSameInstantsAsOurJson) {
  const Agenda agenda = sample_agenda();
  CalendarInfo info;
  info.now_utc = 1790000000;
  write("calendar.ics", render_ics(agenda.events, info));
  write("events.json", render_json(agenda.events, agenda.occurrences, kEverything));
  EXPECT_EQ(run_check(), 0) << output_;
  EXPECT_NE(output_.find("15 passed, 0 failed"), std::string::npos) << output_;
  std::cout << output_;
}

TEST_F(InteropTest, TheCheckCatchesAJsonInstantThatDisagrees) {
  const Agenda agenda = sample_agenda();
  write("calendar.ics", render_ics(agenda.events, CalendarInfo{}));
  write("events.json", replace_once(render_json(agenda.events, agenda.occurrences, kEverything),
                                    "2026-07-07T19:00:00+09:00", "2026-07-07T19:00:00+08:00"));
  EXPECT_EQ(run_check(), 1) << output_;
  EXPECT_NE(output_.find("1 failed"), std::string::npos) << output_;
}

TEST_F(InteropTest, TheCheckUsesTheVtimezoneOfTheFile) {
  const Agenda agenda = sample_agenda();
  // Tokyo's only observance says +10:00: the file is now wrong, whatever zoneinfo says.
  write("calendar.ics", replace_once(replace_once(render_ics(agenda.events, CalendarInfo{}),
                                                  "TZOFFSETFROM:+0900", "TZOFFSETFROM:+1000"),
                                     "TZOFFSETTO:+0900", "TZOFFSETTO:+1000"));
  write("events.json", render_json(agenda.events, agenda.occurrences, kEverything));
  EXPECT_EQ(run_check(), 1) << output_;
  EXPECT_NE(output_.find("FAIL tokyo"), std::string::npos) << output_;
}

}  // namespace
}  // namespace concerto::render
