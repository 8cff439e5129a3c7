#pragma once
// JSON string literals for every JSON the program writes (render's views, the server's small
// documents). Pure functions, thread-safe.

#include <string>
#include <string_view>

namespace concerto::render {

// Appends `text` as a JSON string literal, quotes included: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced by U+FFFD, and U+2028/U+2029 escaped so that the
// output is also safe inside JavaScript. The result is always valid UTF-8.
void append_json_string(std::string& out, std::string_view text);
// The same, as a new string.
std::string json_string(std::string_view text);

}  // namespace concerto::render
