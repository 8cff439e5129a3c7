#pragma once
// The merged agenda read from the store and rendered, shared by `concerto export` and the server.

#include <map>
#include <string>

#include "core/result.h"
#include "dedup/match.h"
#include "render/ics_writer.h"
#include "render/json_writer.h"
#include "store/store.h"

namespace concerto::render {

struct AgendaOptions {
  CalendarInfo calendar;
  std::map<std::string, int> feed_priority;
  dedup::MatchConfig match;
};

core::Result<std::string> agenda_ics(store::Store& store, const AgendaOptions& options);
core::Result<std::string> agenda_json(store::Store& store, const AgendaOptions& options,
                                      const JsonWindow& window);

}  // namespace concerto::render
