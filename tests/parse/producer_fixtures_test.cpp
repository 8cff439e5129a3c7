// One test per real-producer file in tests/fixtures/ics: read_ics output against the hand-made
// <producer>.expected.json (see tests/fixtures/ics/make_expected.py for how it was computed).

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "parse/decode.h"
#include "parse/ics_reader.h"

namespace concerto::parse {
namespace {

namespace fs = std::filesystem;

fs::path corpus_dir() { return fs::path(CONCERTO_FIXTURES_DIR) / "ics"; }

std::vector<std::string> producers() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(corpus_dir())) {
    if (entry.path().extension() == ".ics") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string utc_text(std::int64_t utc) {
  return core::format_iso_local(core::civil_from_seconds(utc)) + "Z";
}

// "null" for a missing value, else the string.
std::string text_of(const Poco::JSON::Object::Ptr& object, const std::string& key) {
  if (!object->has(key) || object->isNull(key)) return "null";
  return object->getValue<std::string>(key);
}

std::string wall_text(const core::EventTime& time) {
  return time.all_day ? core::format_iso_date(time.date) : core::format_iso_local(time.local);
}

std::string instant_text(const core::EventTime& time) {
  return time.all_day || time.floating() ? "null" : utc_text(time.utc);
}

class ProducerFixture : public testing::TestWithParam<std::string> {};

TEST_P(ProducerFixture, ReadsAsExpected) {
  const std::string name = GetParam();
  const fs::path expected_path = corpus_dir() / (name + ".expected.json");
  ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
  Poco::JSON::Parser parser;
  const auto expected = parser.parse(slurp(expected_path)).extract<Poco::JSON::Object::Ptr>();

  core::Problems problems;
  auto text = decode_to_utf8(slurp(corpus_dir() / (name + ".ics")), problems);
  ASSERT_TRUE(text.ok()) << text.error();
  auto document = read_ics(*text, {}, problems);
  ASSERT_TRUE(document.ok()) << document.error();
  std::string report;
  int errors = 0;
  int warnings = 0;
  for (const auto& problem : problems) {
    report += describe(problem) + "\n";
    (problem.severity == core::Severity::kError ? errors : warnings)++;
  }
  EXPECT_EQ(errors, expected->getValue<int>("errors")) << report;
  EXPECT_EQ(warnings, expected->getValue<int>("warnings")) << report;
  EXPECT_EQ(document->calendar_name, expected->getValue<std::string>("calendar_name"));
  EXPECT_EQ(document->default_tzid, expected->getValue<std::string>("default_tzid"));
  EXPECT_EQ(document->refresh_seconds ? std::to_string(*document->refresh_seconds) : "null",
            expected->isNull("refresh_seconds")
                ? "null"
                : std::to_string(expected->getValue<std::int64_t>("refresh_seconds")));

  const auto events = expected->getArray("events");
  ASSERT_EQ(document->events.size(), events->size()) << report;
  for (std::size_t i = 0; i < events->size(); ++i) {
    const auto want = events->getObject(static_cast<unsigned>(i));
    const core::Event& got = document->events[i];
    SCOPED_TRACE("event " + std::to_string(i) + " (line " + std::to_string(got.source_line) + ")");
    EXPECT_EQ(got.uid, want->getValue<std::string>("uid"));
    EXPECT_EQ(got.recurrence_id ? got.recurrence_id->key() : "null",
              text_of(want, "recurrence_id"));
    EXPECT_EQ(got.summary, want->getValue<std::string>("summary"));
    EXPECT_EQ(got.location, want->getValue<std::string>("location"));
    EXPECT_EQ(got.start.all_day, want->getValue<bool>("all_day"));
    EXPECT_EQ(got.start.tzid, want->getValue<std::string>("tzid"));
    EXPECT_EQ(wall_text(got.start), text_of(want, "start"));
    EXPECT_EQ(wall_text(got.end), text_of(want, "end"));
    EXPECT_EQ(instant_text(got.start), text_of(want, "start_utc"));
    EXPECT_EQ(instant_text(got.end), text_of(want, "end_utc"));
    std::vector<std::string> categories;
    const auto want_categories = want->getArray("categories");
    for (std::size_t k = 0; k < want_categories->size(); ++k) {
      categories.push_back(want_categories->getElement<std::string>(static_cast<unsigned>(k)));
    }
    EXPECT_EQ(got.categories, categories);
    EXPECT_EQ(got.rrule, want->getValue<std::string>("rrule"));
    EXPECT_EQ(static_cast<int>(got.exdates.size()), want->getValue<int>("exdate_count"));
    EXPECT_EQ(core::to_string(got.status), want->getValue<std::string>("status"));
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, ProducerFixture, testing::ValuesIn(producers()),
                         [](const testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

TEST(ProducerCorpus, HasAnExpectedFileForEveryProducer) {
  const auto names = producers();
  EXPECT_GE(names.size(), 9u);
  for (const auto& name : names) {
    EXPECT_TRUE(fs::exists(corpus_dir() / (name + ".expected.json"))) << name;
  }
}

}  // namespace
}  // namespace concerto::parse
