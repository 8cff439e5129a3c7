#include "parse/xml_feed_reader.h"

namespace concerto::parse {

core::Result<XmlFeed> read_xml_feed(std::string_view, const core::IngestLimits&,
                                    core::Problems&) {
  return core::Error{"RSS/Atom reading is not available yet (issue 4)"};
}

}  // namespace concerto::parse
