// Runs find_event_date over the hand-labelled news items of tests/fixtures/prose/labelled.tsv
// (format in its header line) and holds precision and recall to the figures of the issue.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/text.h"
#include "parse/text_dates.h"

namespace concerto::parse {
namespace {

constexpr double kMinPrecision = 0.97;
constexpr double kMinRecall = 0.90;
constexpr double kMinLocation = 0.90;

struct Labelled {
  int line = 0;
  std::string published;
  std::string start;
  std::string end;
  std::string location;
  std::string title;
  std::string text;
};

std::string unescape(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 1 < field.size() && field[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += field[i];
    }
  }
  return out;
}

std::vector<Labelled> load() {
  std::ifstream in(std::filesystem::path(CONCERTO_FIXTURES_DIR) / "prose" / "labelled.tsv");
  std::vector<Labelled> items;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = core::split(line, '\t');
    if (f.size() != 6) {
      ADD_FAILURE() << "labelled.tsv line " << number << ": " << f.size() << " fields";
      continue;
    }
    items.push_back({number, f[0], f[1], f[2], f[3], unescape(f[4]), unescape(f[5])});
  }
  return items;
}

std::string show(const core::EventTime& t) {
  if (t.all_day) return core::format_iso_date(t.date);
  return core::format_iso_local(t.local).substr(0, 16);  // "2027-03-04T18:30"
}

TEST(TextDatesQuality, MeetsPrecisionAndRecallOnTheLabelledItems) {
  const std::vector<Labelled> items = load();
  ASSERT_GE(items.size(), 90u);
  int returned = 0, correct = 0, expected = 0, location_expected = 0, location_correct = 0;
  for (const Labelled& item : items) {
    auto published = core::parse_iso_date(item.published);
    ASSERT_TRUE(published) << "line " << item.line;
    ProseDate got = find_event_date({item.title, item.text, *published});
    const bool wants_event = item.start != "NONE";
    if (wants_event) ++expected;
    if (!got.event) {
      if (wants_event)
        std::printf("MISS  line %d \"%s\": expected %s/%s, got none (%s)\n", item.line,
                    item.title.c_str(), item.start.c_str(), item.end.c_str(), got.reason.c_str());
      continue;
    }
    ++returned;
    const std::string start = show(got.event->start);
    const std::string end = show(got.event->end);
    if (!wants_event) {
      std::printf("FALSE line %d \"%s\": expected none, got %s/%s\n", item.line, item.title.c_str(),
                  start.c_str(), end.c_str());
      continue;
    }
    if (start != item.start || end != item.end) {
      std::printf("WRONG line %d \"%s\": expected %s/%s, got %s/%s\n", item.line,
                  item.title.c_str(), item.start.c_str(), item.end.c_str(), start.c_str(),
                  end.c_str());
      continue;
    }
    ++correct;
    if (!item.location.empty()) {
      ++location_expected;
      if (got.event->location == item.location) {
        ++location_correct;
      } else {
        std::printf("PLACE line %d \"%s\": expected \"%s\", got \"%s\"\n", item.line,
                    item.title.c_str(), item.location.c_str(), got.event->location.c_str());
      }
    }
  }
  const double precision = returned == 0 ? 0.0 : static_cast<double>(correct) / returned;
  const double recall = expected == 0 ? 0.0 : static_cast<double>(correct) / expected;
  const double location =
      location_expected == 0 ? 1.0 : static_cast<double>(location_correct) / location_expected;
  std::printf("items %zu, expecting an event %d, returned %d, correct %d\n", items.size(), expected,
              returned, correct);
  std::printf("precision %.3f  recall %.3f  location %.3f (%d/%d)\n", precision, recall, location,
              location_correct, location_expected);
  EXPECT_GE(precision, kMinPrecision);
  EXPECT_GE(recall, kMinRecall);
  EXPECT_GE(location, kMinLocation);
}

}  // namespace
}  // namespace concerto::parse
