#pragma once
// HTML from partners' descriptions made into plain text; nothing of the markup survives.

#include <string>
#include <string_view>

namespace concerto::parse {

// Tags dropped (script, style and comments with their content), entities decoded (named,
// decimal, hex; unknown ones kept as written), block elements (p, br, div, li, h1-h6, tr)
// become line breaks, a link whose text differs from its http(s) target is kept as
// "text (url)". Whitespace is collapsed; the result is valid UTF-8. Linear in the input.
std::string html_to_text(std::string_view html);

}  // namespace concerto::parse
