#include "parse/html_text.h"

namespace concerto::parse {

std::string html_to_text(std::string_view html) { return std::string(html); }  // pending

}  // namespace concerto::parse
