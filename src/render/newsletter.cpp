// Placeholder until the newsletter blocks land.
#include "render/web_pages.h"

namespace concerto::render {

core::Result<std::string> WebPages::embed_upcoming(const AgendaSnapshot&, const EmbedRequest&,
                                                   std::int64_t) const {
  return core::Error{"not yet"};
}
core::Result<std::string> WebPages::embed_text(const AgendaSnapshot&, const EmbedRequest&,
                                               std::int64_t) const {
  return core::Error{"not yet"};
}
core::Result<std::string> WebPages::upcoming_rss(const AgendaSnapshot&, const EmbedRequest&,
                                                 std::int64_t) const {
  return core::Error{"not yet"};
}
core::Result<std::string> WebPages::widget(const AgendaSnapshot&, const EmbedRequest&,
                                           std::int64_t) const {
  return core::Error{"not yet"};
}

}  // namespace concerto::render
