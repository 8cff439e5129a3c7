#include "server/page_requests.h"

#include <charconv>

#include "core/text.h"

namespace concerto::server {

core::Result<render::ViewFilter> read_filter(const QueryParameters& query) {
  render::ViewFilter filter;
  bool seen[4] = {false, false, false, false};
  for (const auto& [name, value] : query) {
    std::string* field = nullptr;
    int index = 0;
    if (name == "partner") {
      field = &filter.partner;
    } else if (name == "category") {
      field = &filter.category;
      index = 1;
    } else if (name == "place") {
      field = &filter.place;
      index = 2;
    } else if (name == "q") {
      field = &filter.query;
      index = 3;
    } else {
      continue;
    }
    if (seen[index]) return core::Error{name + " is given twice"};
    seen[index] = true;
    if (value.size() > kMaxFilterBytes) {
      return core::Error{name + " is longer than " + std::to_string(kMaxFilterBytes) + " bytes"};
    }
    if (!core::is_valid_utf8(value)) return core::Error{name + " is not valid UTF-8"};
    *field = core::clean_line(value);
  }
  return filter;
}

std::string read_text(const QueryParameters& query, std::string_view name) {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return {};
}

core::Result<int> read_int(const QueryParameters& query, std::string_view name, int fallback,
                           int min, int max) {
  bool seen = false;
  int result = fallback;
  for (const auto& [key, value] : query) {
    if (key != name) continue;
    if (seen) return core::Error{std::string(name) + " is given twice"};
    seen = true;
    int parsed = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (error != std::errc() || end != value.data() + value.size() || parsed < min ||
        parsed > max) {
      return core::Error{std::string(name) + " must be a whole number from " + std::to_string(min) +
                         " to " + std::to_string(max) + ", got \"" + value.substr(0, 40) + "\""};
    }
    result = parsed;
  }
  return result;
}

core::Result<render::EmbedRequest> read_embed_request(const QueryParameters& query) {
  render::EmbedRequest request;
  auto filter = read_filter(query);
  if (!filter) return core::Error{filter.error()};
  request.filter = std::move(filter).value();
  auto days = read_int(query, "days", request.days, 1, render::kMaxEmbedDays);
  if (!days) return core::Error{days.error()};
  auto limit = read_int(query, "limit", request.limit, 1, render::kMaxEmbedLimit);
  if (!limit) return core::Error{limit.error()};
  request.days = *days;
  request.limit = *limit;
  return request;
}

std::optional<YearMonth> parse_year_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  YearMonth result;
  const auto year = std::from_chars(text.data(), text.data() + 4, result.year);
  const auto month = std::from_chars(text.data() + 5, text.data() + 7, result.month);
  if (year.ec != std::errc() || year.ptr != text.data() + 4 || month.ec != std::errc() ||
      month.ptr != text.data() + 7 || result.year < 1000 || result.month < 1 || result.month > 12) {
    return std::nullopt;
  }
  return result;
}

std::string filter_key(const render::ViewFilter& filter) {
  std::string key = "p=" + filter.partner;
  key += '\0';
  key += "c=" + filter.category;
  key += '\0';
  key += "l=" + filter.place;
  key += '\0';
  key += "q=" + filter.query;
  return key;
}

}  // namespace concerto::server
