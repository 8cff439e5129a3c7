#include "render/agenda.h"

#include <utility>
#include <vector>

#include "dedup/dedup.h"

namespace concerto::render {

core::Result<std::string> agenda_ics(store::Store& store, const AgendaOptions& options) {
  core::Result<dedup::Agenda> agenda =
      dedup::merged_agenda(store, options.feed_priority, options.match);
  if (!agenda) return core::Error{agenda.error()};
  return render_ics(agenda->merged.events, options.calendar);
}

core::Result<std::string> agenda_json(store::Store& store, const AgendaOptions& options,
                                      const JsonWindow& window) {
  core::Result<dedup::Agenda> agenda =
      dedup::merged_agenda(store, options.feed_priority, options.match);
  if (!agenda) return core::Error{agenda.error()};
  return render_json(agenda->merged.events, agenda->occurrences, window);
}

}  // namespace concerto::render
