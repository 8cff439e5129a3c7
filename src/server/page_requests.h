#pragma once
// What a page request asks for, read from its path and query: the filter, the page number, the
// newsletter window, the month. Pure functions; errors are phrased for the visitor.

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "render/web_pages.h"
#include "server/http_util.h"

namespace concerto::server {

constexpr std::size_t kMaxFilterBytes = 200;

// partner, category, place and q (each at most kMaxFilterBytes, given at most once); other
// parameters are ignored (clients add cache-busters).
core::Result<render::ViewFilter> read_filter(const QueryParameters& query);
// The integer parameter `name` in [min, max], `fallback` when absent.
core::Result<int> read_int(const QueryParameters& query, std::string_view name, int fallback,
                           int min, int max);
// The value of `name`, empty when absent.
std::string read_text(const QueryParameters& query, std::string_view name);
// The newsletter window: filter, days (1..366, default 31) and limit (1..100, default 10).
core::Result<render::EmbedRequest> read_embed_request(const QueryParameters& query);

// "2026-10" -> {2026, 10}; years 1000..9999. nullopt when malformed.
struct YearMonth {
  int year = 0;
  int month = 0;
};
std::optional<YearMonth> parse_year_month(std::string_view text);

// A cache key for what the filter asks: "p=…\0c=…\0l=…\0q=…".
std::string filter_key(const render::ViewFilter& filter);

}  // namespace concerto::server
