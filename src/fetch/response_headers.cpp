#include "fetch/response_headers.h"

#include <curl/curl.h>

#include <algorithm>
#include <string>

#include "core/text.h"

namespace concerto::fetch {
namespace {

constexpr std::int64_t kDeltaSecondsCeiling = std::int64_t{1} << 31;

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Delta-seconds, saturating at kDeltaSecondsCeiling.
std::int64_t delta_seconds(std::string_view digits) {
  std::int64_t value = 0;
  for (const char c : digits) {
    value = value * 10 + (c - '0');
    if (value >= kDeltaSecondsCeiling) return kDeltaSecondsCeiling;
  }
  return value;
}

}  // namespace

std::optional<std::int64_t> parse_retry_after(std::string_view value, std::time_t now) {
  value = core::trim(value);
  if (value.empty()) return std::nullopt;
  if (all_digits(value)) return delta_seconds(value);
  const std::string date(value);
  const std::time_t when = curl_getdate(date.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  return std::max<std::int64_t>(0, static_cast<std::int64_t>(when) - now);
}

std::optional<std::int64_t> parse_max_age(std::string_view cache_control) {
  for (const std::string& directive : core::split(cache_control, ',')) {
    const std::string_view text = core::trim(directive);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    if (!core::iequals(core::trim(text.substr(0, equals)), "max-age")) continue;
    std::string_view value = core::trim(text.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (!all_digits(value)) return std::nullopt;
    return delta_seconds(value);
  }
  return std::nullopt;
}

bool ResponseHeaders::take(std::string_view raw, std::time_t now) {
  const std::string_view line = core::trim(raw);
  if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {
    // "HTTP/1.1 404 Not Found": a new answer (redirect hop or 1xx) starts.
    *this = ResponseHeaders{};
    const auto code_start = line.find(' ');
    if (code_start != std::string_view::npos) {
      const auto reason_start = line.find(' ', code_start + 1);
      if (reason_start != std::string_view::npos) {
        reason = std::string(core::trim(line.substr(reason_start + 1)));
      }
    }
    return true;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view name = core::trim(line.substr(0, colon));
  const std::string_view value = core::trim(line.substr(colon + 1));
  if (core::iequals(name, "ETag")) {
    etag = std::string(value);
  } else if (core::iequals(name, "Last-Modified")) {
    last_modified = std::string(value);
  } else if (core::iequals(name, "Content-Type")) {
    content_type = std::string(value);
  } else if (core::iequals(name, "Cache-Control")) {
    if (auto max_age = parse_max_age(value)) max_age_seconds = max_age;
  } else if (core::iequals(name, "Retry-After")) {
    retry_after_seconds = parse_retry_after(value, now);
  }
  return false;
}

}  // namespace concerto::fetch
