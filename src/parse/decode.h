#pragma once
// Turns a feed's raw bytes into UTF-8 text before any parser sees them.

#include <string>
#include <string_view>

#include "core/problem.h"
#include "core/result.h"

namespace concerto::parse {

// UTF-8 (with or without BOM) passes through, UTF-16 LE/BE with BOM is transcoded; bytes that
// are not valid UTF-8 are read as Windows-1252 and reported (with the first such line) as a
// warning. NUL bytes outside UTF-16 are an error.
core::Result<std::string> decode_to_utf8(std::string_view bytes, core::Problems& problems);

}  // namespace concerto::parse
