#include "parse/text_dates.h"

namespace concerto::parse {

ProseDate find_event_date(const ProseItem&) { return {std::nullopt, "not implemented yet"}; }

}  // namespace concerto::parse
