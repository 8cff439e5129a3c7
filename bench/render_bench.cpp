// render_ics and render_json over 10k merged events (a fifth of them weekly series with an
// override) in six zones, as `concerto export` and the server render them; and deduplicate,
// which makes those merged events from the source events and their stored occurrences.

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/time_zone.h"
#include "dedup/dedup.h"
#include "render/agenda_view.h"
#include "render/ics_writer.h"
#include "render/json_writer.h"
#include "render/web_pages.h"

namespace concerto {
namespace {

constexpr int kEvents = 10000;
constexpr int kInstancesPerSeries = 8;
const char* const kZones[] = {"Europe/Paris", "America/Montreal", "Australia/Sydney",
                              "Asia/Kolkata", "Asia/Tokyo",       "UTC"};

core::EventTime timed(const core::ZonePtr& zone, const core::LocalDateTime& local) {
  core::EventTime time;
  time.tzid = zone->name();
  time.local = local;
  time.utc = zone->to_utc(local);
  return time;
}

struct Corpus {
  std::vector<core::Event> sources;
  std::vector<dedup::MergedEvent> events;
  std::vector<core::Occurrence> occurrences;
};

// The sources with their occurrences; feed-0 is the organiser, nothing is remembered.
dedup::DedupInput dedup_input(const Corpus& corpus) {
  dedup::DedupInput input;
  input.events = &corpus.sources;
  input.occurrences = &corpus.occurrences;
  input.feed_priority = {{"feed-0", 10}};
  return input;
}

const Corpus& corpus() {
  static const Corpus kCorpus = [] {
    Corpus corpus;
    std::vector<core::Event>& events = corpus.sources;
    for (int i = 0; i < kEvents; ++i) {
      const core::ZonePtr zone = core::find_zone(kZones[i % 6]);
      core::Event event;
      event.feed_id = "feed-" + std::to_string(i % 7);
      event.uid = "event-" + std::to_string(i) + "@partner.example.org";
      event.summary = "Concert n°" + std::to_string(i) + " — Orchestre de chambre, « Fête »";
      event.description =
          "Programme: Mozart, Haydn; entrée libre.\nRéservation conseillée, places limitées. " +
          std::string(static_cast<std::size_t>(i % 5) * 60, 'x');
      event.location = "Salle " + std::to_string(i % 40) + ", 12 rue de la Paix, Paris";
      event.url = "https://partner.example.org/events/" + std::to_string(i);
      event.categories = {"Musique", i % 3 == 0 ? "Jeune public" : "Classique"};
      event.organizer = "Service culturel <culture@example.org>";
      event.sequence = i % 4;
      event.last_modified = 1780000000 + i;
      const core::Date date = core::add_days(core::Date{2026, 1, 1}, i % 700);
      const core::LocalDateTime start{date, 9 + i % 10, (i % 4) * 15, 0};
      const core::LocalDateTime end{date, 11 + i % 10, (i % 4) * 15, 0};
      event.start = timed(zone, start);
      event.end = timed(zone, end);
      const bool series = i % 5 == 0;
      if (series) {
        event.rrule = "FREQ=WEEKLY;COUNT=" + std::to_string(kInstancesPerSeries);
        event.exdates = {timed(zone, {core::add_days(date, 14), start.hour, start.minute, 0})};
      }
      for (int k = 0; k < (series ? kInstancesPerSeries : 1); ++k) {
        core::Occurrence occurrence;
        occurrence.feed_id = event.feed_id;
        occurrence.uid = event.uid;
        core::LocalDateTime instance_start = start;
        core::LocalDateTime instance_end = end;
        instance_start.date = core::add_days(date, 7 * k);
        instance_end.date = instance_start.date;
        occurrence.start = timed(zone, instance_start);
        occurrence.end = timed(zone, instance_end);
        if (series) occurrence.recurrence_id = occurrence.start;
        occurrence.from_override = series && k == 1;
        corpus.occurrences.push_back(occurrence);
      }
      events.push_back(event);
      if (series) {
        core::Event moved = event;
        moved.rrule.clear();
        moved.exdates.clear();
        moved.recurrence_id = timed(zone, {core::add_days(date, 7), start.hour, start.minute, 0});
        moved.start = *moved.recurrence_id;
        moved.summary += " (déplacé)";
        events.push_back(moved);
      }
    }
    corpus.events = dedup::deduplicate(dedup_input(corpus)).events;
    return corpus;
  }();
  return kCorpus;
}

void BM_RenderIcs(benchmark::State& state) {
  const Corpus& input = corpus();
  render::CalendarInfo info;
  info.now_utc = 1790000000;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string ics = render::render_ics(input.events, info);
    bytes = ics.size();
    benchmark::DoNotOptimize(ics.data());
  }
  state.counters["events"] = static_cast<double>(input.events.size());
  state.counters["bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_RenderIcs)->Unit(benchmark::kMillisecond);

void BM_RenderJson(benchmark::State& state) {
  const Corpus& input = corpus();
  const render::JsonWindow window{0, 1LL << 40};
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string json = render::render_json(input.events, input.occurrences, window);
    bytes = json.size();
    benchmark::DoNotOptimize(json.data());
  }
  state.counters["occurrences"] = static_cast<double>(input.occurrences.size());
  state.counters["bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_RenderJson)->Unit(benchmark::kMillisecond);

void BM_Deduplicate(benchmark::State& state) {
  const Corpus& input = corpus();
  const dedup::DedupInput sources = dedup_input(input);
  for (auto _ : state) {
    benchmark::DoNotOptimize(dedup::deduplicate(sources).events.data());
  }
  state.counters["sources"] = static_cast<double>(input.sources.size());
}
BENCHMARK(BM_Deduplicate)->Unit(benchmark::kMillisecond);

// The web pages: one snapshot per store generation, then each page from it.
dedup::Agenda agenda_of(const Corpus& input) {
  dedup::Agenda agenda;
  agenda.events = input.sources;
  agenda.occurrences = input.occurrences;
  agenda.merged = dedup::deduplicate(dedup_input(input));
  return agenda;
}

std::vector<core::FeedConfig> feeds() {
  std::vector<core::FeedConfig> configs;
  for (int i = 0; i < 7; ++i) {
    core::FeedConfig feed;
    feed.id = "feed-" + std::to_string(i);
    feed.name = "Agenda " + std::to_string(i);
    feed.partner = "Partenaire " + std::to_string(i);
    configs.push_back(feed);
  }
  return configs;
}

const render::AgendaSnapshot& snapshot() {
  static const render::AgendaSnapshot kSnapshot(agenda_of(corpus()), feeds(),
                                                core::find_zone("Europe/Paris"));
  return kSnapshot;
}

const render::WebPages& pages() {
  static const render::WebPages kPages(render::Templates::load("").value(), render::SiteInfo{});
  return kPages;
}

constexpr std::int64_t kNow = 1780000000;  // 2026-05-28, inside the corpus's two years

void BM_BuildSnapshot(benchmark::State& state) {
  const Corpus& input = corpus();
  const dedup::Agenda agenda = agenda_of(input);
  for (auto _ : state) {
    state.PauseTiming();
    dedup::Agenda copy = agenda;
    state.ResumeTiming();
    render::AgendaSnapshot built(std::move(copy), feeds(), core::find_zone("Europe/Paris"));
    benchmark::DoNotOptimize(&built);
  }
  state.counters["instances"] = static_cast<double>(input.occurrences.size());
}
BENCHMARK(BM_BuildSnapshot)->Unit(benchmark::kMillisecond);

void BM_PageIndex(benchmark::State& state) {
  const render::AgendaSnapshot& agenda = snapshot();
  render::ListRequest request;
  request.filter.query = state.range(0) != 0 ? "orchestre fete" : "";
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string page = pages().index(agenda, request, kNow).value();
    bytes = page.size();
    benchmark::DoNotOptimize(page.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_PageIndex)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_PageMonth(benchmark::State& state) {
  const render::AgendaSnapshot& agenda = snapshot();
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string page = pages().month(agenda, {}, 2026, 6, kNow).value();
    bytes = page.size();
    benchmark::DoNotOptimize(page.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_PageMonth)->Unit(benchmark::kMillisecond);

void BM_PageEvent(benchmark::State& state) {
  const render::AgendaSnapshot& agenda = snapshot();
  for (auto _ : state) {
    const auto page = pages().event(agenda, "event-0@partner.example.org", "", kNow);
    if (!page || !page->has_value()) state.SkipWithError("no event page");
    benchmark::DoNotOptimize(&page);
  }
}
BENCHMARK(BM_PageEvent)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace concerto

BENCHMARK_MAIN();
