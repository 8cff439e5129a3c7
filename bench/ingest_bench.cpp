// Reading throughput of the ICS pipeline: parse (one VEVENT at a time through libical),
// normalize and expand, on generated feeds shaped like partners' exports.

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <string>

#include "core/limits.h"
#include "normalize/normalize.h"
#include "normalize/recurrence.h"
#include "parse/feed_reader.h"

namespace {

std::string make_feed(int events) {
  std::string text =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//bench//FR\r\n"
      "X-WR-TIMEZONE:Europe/Paris\r\n";
  for (int i = 0; i < events; ++i) {
    const int day = 1 + i % 28, month = 1 + (i / 28) % 12;
    char dates[160];
    std::snprintf(dates, sizeof dates,
                  "DTSTART;TZID=Europe/Paris:2027%02d%02dT093000\r\n"
                  "DTEND;TZID=Europe/Paris:2027%02d%02dT113000\r\n",
                  month, day, month, day);
    text += "BEGIN:VEVENT\r\nUID:event-" + std::to_string(i) +
            "@bench.example\r\nDTSTAMP:20261201T000000Z\r\n" + dates +
            "SUMMARY:Atelier de la participation citoyenne n° " + std::to_string(i) +
            "\r\nDESCRIPTION:Un atelier ouvert à tous\\, avec des retours d'expérience\\n"
            "et une discussion.\r\nLOCATION:Maison des associations\\, Nantes\r\n"
            "CATEGORIES:Atelier,Numérique\r\nURL:https://example.org/e/" +
            std::to_string(i) + "\r\n" + (i % 10 == 0 ? "RRULE:FREQ=WEEKLY;COUNT=10\r\n" : "") +
            "END:VEVENT\r\n";
  }
  return text + "END:VCALENDAR\r\n";
}

void BM_ReadIcs(benchmark::State& state) {
  const std::string feed = make_feed(static_cast<int>(state.range(0)));
  concerto::core::IngestLimits limits;
  limits.max_events = 1000000;
  limits.max_bytes = 1LL << 30;
  for (auto _ : state) {
    concerto::core::Problems problems;
    auto parsed = concerto::parse::read_feed(feed, "ics", limits, problems);
    if (!parsed || parsed->events.size() != static_cast<std::size_t>(state.range(0))) {
      state.SkipWithError("parse failed");
      break;
    }
    benchmark::DoNotOptimize(parsed->events.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(feed.size()));
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}
BENCHMARK(BM_ReadIcs)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_NormalizeAndExpand(benchmark::State& state) {
  const std::string feed = make_feed(static_cast<int>(state.range(0)));
  concerto::core::IngestLimits limits;
  limits.max_events = 1000000;
  concerto::core::Problems problems;
  auto parsed = concerto::parse::read_feed(feed, "ics", limits, problems);
  if (!parsed) {
    state.SkipWithError("parse failed");
    return;
  }
  for (auto _ : state) {
    auto events = parsed->events;
    concerto::normalize::normalize_events(events, {"bench", "Europe/Paris", ""}, problems);
    concerto::normalize::ExpansionWindow window;
    window.from_utc = 1767225600;  // 2026-01-01
    window.to_utc = 1893456000;    // 2030-01-01
    window.timezone = "Europe/Paris";
    auto occurrences = concerto::normalize::expand_occurrences(events, window, limits, problems);
    benchmark::DoNotOptimize(occurrences.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_NormalizeAndExpand)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
