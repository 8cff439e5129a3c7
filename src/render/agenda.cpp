#include "render/agenda.h"

#include <utility>
#include <vector>

#include "dedup/merge.h"

namespace concerto::render {

core::Result<std::string> agenda_ics(store::Store& store, const AgendaOptions& options) {
  core::Result<std::vector<core::Event>> events = store.events();
  if (!events) return core::Error{"reading events: " + events.error()};
  return render_ics(dedup::merge_by_uid(*events, options.feed_priority), options.calendar);
}

core::Result<std::string> agenda_json(store::Store& store, const AgendaOptions& options,
                                      const JsonWindow& window) {
  core::Result<std::vector<core::Event>> events = store.events();
  if (!events) return core::Error{"reading events: " + events.error()};
  core::Result<std::vector<core::Occurrence>> occurrences =
      store.occurrences(window.from_utc, window.to_utc);
  if (!occurrences) return core::Error{"reading occurrences: " + occurrences.error()};
  return render_json(dedup::merge_by_uid(*events, options.feed_priority), *occurrences, window);
}

}  // namespace concerto::render
