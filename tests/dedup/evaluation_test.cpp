// Scores cross-feed deduplication against labelled partner feeds (tests/fixtures/dedup/eval and
// holdout, see the README.md there): the real pipeline (parse, normalize, expand, deduplicate)
// runs in-process, then B-cubed precision and recall over the labelled source events.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/civil_time.h"
#include "core/event.h"
#include "core/limits.h"
#include "core/merge_records.h"
#include "core/problem.h"
#include "dedup/dedup.h"
#include "normalize/normalize.h"
#include "normalize/recurrence.h"
#include "parse/feed_reader.h"

namespace concerto {
namespace {

constexpr std::int64_t kNowUtc = 1796083200;  // 2026-12-01T00:00:00Z, the agenda's "now"

struct FeedRow {
  std::string id;
  std::string file;
  int priority = 0;
  std::string timezone;
};

// The true start of a real-world event: an instant, or a date for an all-day event.
struct TrueStart {
  bool all_day = false;
  core::Date date;
  std::int64_t utc = 0;
};

struct Label {
  core::SourceRef source;
  std::string event;  // real-world event id
  TrueStart start;
  std::string start_text;
};

struct FixtureSet {
  std::string name;
  std::vector<FeedRow> feeds;
  std::vector<Label> labels;
  std::vector<core::Event> events;
  std::vector<core::Occurrence> occurrences;
  std::vector<std::string> broken;  // what makes the fixture unusable
  std::vector<std::string> notes;   // warnings, per-feed counts
};

std::string fixture_dir(const std::string& set) {
  return std::string(CONCERTO_FIXTURES_DIR) + "/dedup/" + set;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t from = 0;
  while (true) {
    const std::size_t tab = line.find('\t', from);
    fields.push_back(line.substr(from, tab == std::string::npos ? std::string::npos : tab - from));
    if (tab == std::string::npos) break;
    from = tab + 1;
  }
  return fields;
}

// Rows of a TSV file, without its header row (first field "feed"), comments and blank lines.
std::vector<std::pair<int, std::vector<std::string>>> read_tsv(const std::string& text) {
  std::vector<std::pair<int, std::vector<std::string>>> rows;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#' || line.rfind("feed\t", 0) == 0) continue;
    rows.emplace_back(number, split_tabs(line));
  }
  return rows;
}

// "2027-03-12T17:30:00Z" or "2027-03-12".
std::optional<TrueStart> parse_true_start(const std::string& text) {
  TrueStart start;
  if (text.size() == 10) {
    const auto date = core::parse_iso_date(text);
    if (!date) return std::nullopt;
    start.all_day = true;
    start.date = *date;
    return start;
  }
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z') {
    return std::nullopt;
  }
  const auto date = core::parse_iso_date(text.substr(0, 10));
  if (!date) return std::nullopt;
  core::LocalDateTime local;
  local.date = *date;
  try {
    local.hour = std::stoi(text.substr(11, 2));
    local.minute = std::stoi(text.substr(14, 2));
    local.second = std::stoi(text.substr(17, 2));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!core::is_valid(local)) return std::nullopt;
  start.utc = core::seconds_from_civil(local);
  return start;
}

bool same_start(const core::EventTime& time, const TrueStart& truth) {
  // A timed copy beats an all-day one of the same day (the issue: "the most precise times").
  if (truth.all_day && !time.all_day) {
    static const core::ZonePtr paris = core::find_zone("Europe/Paris");
    return paris->to_local(time.utc).date == truth.date;
  }
  if (truth.all_day) return time.all_day && time.date == truth.date;
  return !time.all_day && time.utc == truth.utc;
}

std::string describe_time(const core::EventTime& time) {
  if (time.all_day) return core::format_iso_date(time.date) + " (all day)";
  return core::format_iso_local(core::civil_from_seconds(time.utc)) + "Z";
}

std::string describe_ref(const core::SourceRef& ref) {
  return ref.feed_id + " / " + ref.uid + (ref.recurrence.empty() ? "" : " @ " + ref.recurrence);
}

// Reads feeds.tsv and labels.tsv, then every feed through parse, normalize and expansion as
// app/ingest.cpp does.
FixtureSet load_set(const std::string& name) {
  FixtureSet set;
  set.name = name;
  const std::string dir = fixture_dir(name);
  const auto manifest = read_file(dir + "/feeds.tsv");
  if (!manifest) {
    set.broken.push_back("cannot read " + dir + "/feeds.tsv");
    return set;
  }
  for (const auto& [line, fields] : read_tsv(*manifest)) {
    if (fields.size() != 4) {
      set.broken.push_back("feeds.tsv line " + std::to_string(line) + ": 4 fields expected");
      continue;
    }
    FeedRow feed{fields[0], fields[1], 0, fields[3]};
    try {
      feed.priority = std::stoi(fields[2]);
    } catch (const std::exception&) {
      set.broken.push_back("feeds.tsv line " + std::to_string(line) + ": bad priority");
    }
    set.feeds.push_back(feed);
  }
  const auto labels = read_file(dir + "/labels.tsv");
  if (!labels) {
    set.broken.push_back("cannot read " + dir + "/labels.tsv");
    return set;
  }
  for (const auto& [line, fields] : read_tsv(*labels)) {
    const auto start = fields.size() == 5 ? parse_true_start(fields[4]) : std::nullopt;
    if (!start) {
      set.broken.push_back("labels.tsv line " + std::to_string(line) +
                           ": expected feed, uid, recurrence, event, start (ISO 8601 UTC or "
                           "date)");
      continue;
    }
    set.labels.push_back(Label{{fields[0], fields[1], fields[2]}, fields[3], *start, fields[4]});
  }

  const core::IngestLimits limits;
  for (const FeedRow& feed : set.feeds) {
    const auto bytes = read_file(dir + "/" + feed.file);
    if (!bytes) {
      set.broken.push_back("cannot read " + feed.file);
      continue;
    }
    core::Problems problems;
    auto parsed = parse::read_feed(*bytes, "auto", limits, problems);
    if (!parsed) {
      set.broken.push_back(feed.file + ": " + parsed.error());
      continue;
    }
    if (!parsed->complete) set.broken.push_back(feed.file + ": document cut short");
    normalize::FeedDefaults defaults;
    defaults.feed_id = feed.id;
    defaults.timezone = feed.timezone;
    normalize::normalize_events(parsed->events, defaults, problems);
    normalize::ExpansionWindow window;
    window.from_utc = kNowUtc - std::int64_t{limits.expand_past_days} * 86400;
    window.to_utc = kNowUtc + std::int64_t{limits.expand_future_days} * 86400;
    window.now_utc = kNowUtc;
    window.timezone = feed.timezone;
    auto occurrences = normalize::expand_occurrences(parsed->events, window, limits, problems);
    for (const core::Problem& problem : problems) {
      const std::string text = feed.file + ": " + core::describe(problem);
      if (problem.severity == core::Severity::kError) {
        set.broken.push_back(text);
      } else {
        set.notes.push_back("warning " + text);
      }
    }
    set.notes.push_back(feed.file + " (" + parsed->format +
                        "): " + std::to_string(parsed->events.size()) + " events, " +
                        std::to_string(occurrences.size()) + " occurrences");
    for (auto& event : parsed->events) set.events.push_back(std::move(event));
    for (auto& occurrence : occurrences) set.occurrences.push_back(std::move(occurrence));
  }

  // Every source event is labelled exactly once, and every label names a source event or an
  // occurrence of a series.
  std::set<core::SourceRef> sources;
  for (const core::Event& event : set.events) {
    sources.insert({event.feed_id, event.uid, core::recurrence_key(event)});
  }
  std::set<core::SourceRef> series_occurrences;
  for (const core::Occurrence& occurrence : set.occurrences) {
    if (occurrence.recurrence_id) {
      series_occurrences.insert(
          {occurrence.feed_id, occurrence.uid, occurrence.recurrence_id->key()});
    }
  }
  std::set<core::SourceRef> labelled;
  for (const Label& label : set.labels) {
    if (!labelled.insert(label.source).second) {
      set.broken.push_back("labelled twice: " + describe_ref(label.source));
    }
    const bool known =
        sources.count(label.source) > 0 ||
        (!label.source.recurrence.empty() && series_occurrences.count(label.source) > 0);
    if (!known) set.broken.push_back("label names no source event: " + describe_ref(label.source));
  }
  for (const core::SourceRef& source : sources) {
    if (labelled.count(source) == 0) {
      set.broken.push_back("source event without a label: " + describe_ref(source));
    }
  }
  return set;
}

struct Score {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  std::size_t lost = 0;
  std::size_t wrong_instants = 0;
  std::size_t sources = 0;      // labelled sources (including series occurrences)
  std::size_t real_events = 0;  // distinct real-world events labelled
  std::size_t merged_events = 0;
  std::string report;
};

// One labelled source (or an unlabelled one that a merged event joined to others) and the
// predicted cluster it ended in.
struct Item {
  core::SourceRef source;
  std::string truth;    // real-world event id
  std::string cluster;  // "m<index>" a merged event, "o<ref>" an occurrence left alone
  const Label* label = nullptr;
};

dedup::DedupResult run_dedup(const FixtureSet& set) {
  dedup::DedupInput input;
  input.events = &set.events;
  input.occurrences = &set.occurrences;
  for (const FeedRow& feed : set.feeds) input.feed_priority[feed.id] = feed.priority;
  return dedup::deduplicate(input);
}

Score score_set(const FixtureSet& set, const dedup::DedupResult& result) {
  std::ostringstream report;
  Score score;
  score.merged_events = result.events.size();

  std::map<core::SourceRef, std::string> titles;
  for (const core::Event& event : set.events) {
    titles[{event.feed_id, event.uid, core::recurrence_key(event)}] = event.summary;
  }
  auto title_of = [&](const core::SourceRef& ref) {
    auto it = titles.find(ref);
    if (it == titles.end()) it = titles.find({ref.feed_id, ref.uid, ""});
    return it == titles.end() ? std::string("?") : "\"" + it->second + "\"";
  };

  std::map<core::SourceRef, std::size_t> merged_of;
  for (std::size_t i = 0; i < result.events.size(); ++i) {
    for (const core::SourceRef& ref : result.events[i].sources) {
      const auto [it, inserted] = merged_of.emplace(ref, i);
      if (!inserted) {
        report << "  source in two merged events: " << describe_ref(ref) << "\n";
        ++score.lost;
      }
    }
  }

  std::vector<Item> items;
  std::set<core::SourceRef> labelled;
  std::vector<std::string> lost;
  for (const Label& label : set.labels) {
    labelled.insert(label.source);
    Item item{label.source, label.event, "", &label};
    if (const auto it = merged_of.find(label.source); it != merged_of.end()) {
      item.cluster = "m" + std::to_string(it->second);
    } else if (!label.source.recurrence.empty() &&
               merged_of.count({label.source.feed_id, label.source.uid, ""}) > 0) {
      item.cluster = "o" + core::source_key(label.source);
    } else {
      item.cluster = "lost " + core::source_key(label.source);
      lost.push_back("  " + describe_ref(label.source) + " " + title_of(label.source) + " (" +
                     label.event + ")");
    }
    items.push_back(item);
  }
  // Occurrences nobody labelled are events of their own: joined to others, they are wrong.
  for (std::size_t i = 0; i < result.events.size(); ++i) {
    if (result.events[i].sources.size() < 2) continue;
    for (const core::SourceRef& ref : result.events[i].sources) {
      if (labelled.count(ref) > 0) continue;
      items.push_back(
          Item{ref, "unlabelled " + core::source_key(ref), "m" + std::to_string(i), nullptr});
    }
  }
  score.lost += lost.size();

  std::map<std::string, std::vector<std::size_t>> by_cluster;
  std::map<std::string, std::vector<std::size_t>> by_truth;
  for (std::size_t i = 0; i < items.size(); ++i) {
    by_cluster[items[i].cluster].push_back(i);
    by_truth[items[i].truth].push_back(i);
  }
  double precision_sum = 0;
  double recall_sum = 0;
  for (const Item& item : items) {
    const auto& cluster = by_cluster[item.cluster];
    const auto& truth = by_truth[item.truth];
    const auto both = std::count_if(cluster.begin(), cluster.end(),
                                    [&](std::size_t j) { return items[j].truth == item.truth; });
    precision_sum += static_cast<double>(both) / static_cast<double>(cluster.size());
    recall_sum += static_cast<double>(both) / static_cast<double>(truth.size());
  }
  const double n = items.empty() ? 1.0 : static_cast<double>(items.size());
  score.precision = precision_sum / n;
  score.recall = recall_sum / n;
  score.f1 = score.precision + score.recall > 0
                 ? 2 * score.precision * score.recall / (score.precision + score.recall)
                 : 0;
  score.sources = set.labels.size();
  std::set<std::string> real;
  for (const Label& label : set.labels) real.insert(label.event);
  score.real_events = real.size();

  auto cluster_name = [&](const std::string& cluster) {
    if (cluster[0] == 'm') {
      const auto& merged = result.events[std::stoul(cluster.substr(1))];
      return "merged \"" + merged.event.summary + "\" (" + merged.event.uid +
             (merged.event.recurrence_id ? " @ " + merged.event.recurrence_id->key() : "") + ")";
    }
    return cluster[0] == 'o' ? std::string("occurrence left alone") : std::string("lost");
  };

  // Wrong merges: predicted clusters holding more than one real-world event.
  std::ostringstream wrong;
  std::size_t wrong_count = 0;
  for (const auto& [cluster, members] : by_cluster) {
    std::set<std::string> truths;
    for (std::size_t j : members) truths.insert(items[j].truth);
    if (truths.size() < 2) continue;
    ++wrong_count;
    wrong << "  " << cluster_name(cluster) << " joins:\n";
    for (std::size_t j : members) {
      wrong << "      " << describe_ref(items[j].source) << " " << title_of(items[j].source)
            << " -> " << items[j].truth << "\n";
    }
  }
  // Missed merges: real-world events spread over several predicted clusters.
  std::ostringstream missed;
  std::size_t missed_count = 0;
  for (const auto& [truth, members] : by_truth) {
    std::set<std::string> clusters;
    for (std::size_t j : members) clusters.insert(items[j].cluster);
    if (clusters.size() < 2) continue;
    ++missed_count;
    missed << "  " << truth << " is split over " << clusters.size() << ":\n";
    for (std::size_t j : members) {
      missed << "      " << describe_ref(items[j].source) << " " << title_of(items[j].source)
             << " in " << cluster_name(items[j].cluster) << "\n";
    }
    // What the matcher said about them, when it compared them.
    for (const dedup::PairScore& pair : result.near_misses) {
      const auto is_member = [&](const core::SourceRef& ref) {
        return std::any_of(members.begin(), members.end(),
                           [&](std::size_t j) { return items[j].source == ref; });
      };
      if (is_member(pair.a) && is_member(pair.b)) {
        missed << "      near-miss: " << pair.how << " (" << dedup::describe(pair.score) << ")\n";
      }
    }
  }

  // Start of every predicted cluster against the true start of its (majority) real event.
  std::ostringstream instants;
  for (const auto& [cluster, members] : by_cluster) {
    if (cluster[0] == 'l') continue;
    std::map<std::string, int> votes;
    const Label* first = nullptr;
    for (std::size_t j : members) {
      if (items[j].label == nullptr) continue;
      ++votes[items[j].truth];
      if (first == nullptr) first = items[j].label;
    }
    if (first == nullptr) continue;
    std::string truth = first->event;
    for (const auto& [id, count] : votes) {
      if (count > votes[truth]) truth = id;
    }
    const Label* truth_label = first;
    for (std::size_t j : members) {
      if (items[j].label != nullptr && items[j].truth == truth) {
        truth_label = items[j].label;
        break;
      }
    }
    std::optional<core::EventTime> start;
    if (cluster[0] == 'm') {
      start = result.events[std::stoul(cluster.substr(1))].event.start;
    } else {
      const core::SourceRef& ref = items[members.front()].source;
      for (const core::Occurrence& occurrence : set.occurrences) {
        if (occurrence.feed_id == ref.feed_id && occurrence.uid == ref.uid &&
            occurrence.recurrence_id && occurrence.recurrence_id->key() == ref.recurrence) {
          start = occurrence.start;
        }
      }
    }
    if (start && same_start(*start, truth_label->start)) continue;
    ++score.wrong_instants;
    instants << "  " << cluster_name(cluster) << " starts "
             << (start ? describe_time(*start) : std::string("nowhere")) << ", " << truth
             << " starts " << truth_label->start_text << "\n";
  }

  std::set<std::string> used_clusters;
  for (const Item& item : items) used_clusters.insert(item.cluster);
  report << "[" << set.name << "] labelled sources " << score.sources << " (events and series "
         << "occurrences), real-world events " << score.real_events << ", merged events "
         << score.merged_events << " (" << used_clusters.size()
         << " predicted clusters hold labelled sources)\n";
  char figures[160];
  std::snprintf(figures, sizeof figures,
                "[%s] B-cubed precision %.4f recall %.4f F1 %.4f; lost %zu, wrong instants %zu\n",
                set.name.c_str(), score.precision, score.recall, score.f1, score.lost,
                score.wrong_instants);
  report << figures;
  report << "[" << set.name << "] wrong merges (" << wrong_count << ")\n" << wrong.str();
  report << "[" << set.name << "] missed merges (" << missed_count << ")\n" << missed.str();
  report << "[" << set.name << "] wrong start instants (" << score.wrong_instants << ")\n"
         << instants.str();
  report << "[" << set.name << "] lost sources (" << lost.size() << ")\n";
  for (const std::string& line : lost) report << line << "\n";
  score.report = report.str();
  return score;
}

void expect_clean_fixture(const std::string& name) {
  const FixtureSet set = load_set(name);
  for (const std::string& note : set.notes) std::cout << "[" << name << "] " << note << "\n";
  for (const std::string& problem : set.broken) ADD_FAILURE() << "broken fixture: " << problem;
  EXPECT_GE(set.feeds.size(), 4u);
  EXPECT_FALSE(set.labels.empty());
}

void expect_score(const std::string& name, double min_f1) {
  const FixtureSet set = load_set(name);
  ASSERT_TRUE(set.broken.empty()) << "broken fixture: " << set.broken.front();
  const Score score = score_set(set, run_dedup(set));
  std::cout << score.report << std::flush;
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", score.precision);
  ::testing::Test::RecordProperty("precision", text);
  std::snprintf(text, sizeof text, "%.4f", score.recall);
  ::testing::Test::RecordProperty("recall", text);
  std::snprintf(text, sizeof text, "%.4f", score.f1);
  ::testing::Test::RecordProperty("f1", text);
  ::testing::Test::RecordProperty("sources", static_cast<int>(score.sources));
  ::testing::Test::RecordProperty("real_events", static_cast<int>(score.real_events));
  ::testing::Test::RecordProperty("merged_events", static_cast<int>(score.merged_events));
  EXPECT_GE(score.f1, min_f1) << "precision " << score.precision << ", recall " << score.recall;
  EXPECT_EQ(score.lost, 0u) << "labelled sources in no merged event (or in two)";
  EXPECT_EQ(score.wrong_instants, 0u) << "merged events starting at another instant than the "
                                         "real-world event they stand for";
}

TEST(DedupEvaluation, EvalFixtureParsesCleanlyAndEverySourceIsLabelled) {
  expect_clean_fixture("eval");
}

TEST(DedupEvaluation, HoldoutFixtureParsesCleanlyAndEverySourceIsLabelled) {
  expect_clean_fixture("holdout");
}

TEST(DedupEvaluation, MergesTheEvalSetWithAnF1OfAtLeast97Percent) { expect_score("eval", 0.97); }

TEST(DedupEvaluation, MergesTheHoldoutSetWithAnF1OfAtLeast90Percent) {
  expect_score("holdout", 0.90);
}

}  // namespace
}  // namespace concerto
