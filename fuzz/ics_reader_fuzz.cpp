// libFuzzer target: any bytes through decode_to_utf8 and read_ics must neither crash, leak nor
// hang (limits are tightened so one input stays cheap).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/limits.h"
#include "parse/decode.h"
#include "parse/ics_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  concerto::core::Problems problems;
  auto text = concerto::parse::decode_to_utf8(bytes, problems);
  if (!text.ok()) return 0;
  concerto::core::IngestLimits limits;
  limits.max_line_bytes = 16 * 1024;
  limits.max_events = 200;
  limits.max_values_per_property = 200;
  auto document = concerto::parse::read_ics(*text, limits, problems);
  (void)document;
  return 0;
}
