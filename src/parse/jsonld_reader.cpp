#include "parse/jsonld_reader.h"

namespace concerto::parse {

core::Result<JsonLdPage> read_jsonld_events(std::string_view, const core::IngestLimits&,
                                            core::Problems&) {
  return core::Error{"HTML reading is not available yet (issue 4)"};
}

}  // namespace concerto::parse
