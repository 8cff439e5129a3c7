#include "app/config.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/IniFileConfiguration.h>
#include <Poco/Util/LayeredConfiguration.h>
#include <Poco/Util/MapConfiguration.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "core/text.h"
#include "core/time_zone.h"
#include "fetch/address_policy.h"
#include "notify/mailer.h"

namespace concerto::app {
namespace {

namespace fs = std::filesystem;
using Poco::AutoPtr;
using Poco::Util::AbstractConfiguration;

std::string resolve_path(const std::string& path, const fs::path& base) {
  fs::path p(path);
  if (p.is_relative()) p = base / p;
  return p.lexically_normal().string();
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  text = core::trim(text);
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "10MiB", "512k", "1048576" -> bytes.
std::optional<std::int64_t> parse_size(std::string_view text) {
  text = core::trim(text);
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  auto number = parse_integer(text.substr(0, digits));
  if (!number) return std::nullopt;
  const std::string unit = core::ascii_lower(core::trim(text.substr(digits)));
  std::int64_t scale = 1;
  if (unit.empty() || unit == "b") {
    scale = 1;
  } else if (unit == "k" || unit == "kb" || unit == "kib") {
    scale = 1024;
  } else if (unit == "m" || unit == "mb" || unit == "mib") {
    scale = 1024 * 1024;
  } else if (unit == "g" || unit == "gb" || unit == "gib") {
    scale = 1024LL * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  return *number * scale;
}

// Reads typed keys and collects the first error with the key's name.
class Reader {
 public:
  explicit Reader(const AbstractConfiguration& config) : config_(config) {}

  void text(const std::string& key, std::string& out) const {
    if (config_.hasProperty(key)) out = std::string(core::trim(config_.getRawString(key)));
  }
  template <class Int>
  void integer(const std::string& key, Int& out, std::int64_t min, std::int64_t max) {
    if (!config_.hasProperty(key)) return;
    auto value = parse_integer(config_.getRawString(key));
    if (!value || *value < min || *value > max) {
      fail(key, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return;
    }
    out = static_cast<Int>(*value);
  }
  template <class Int>
  void duration(const std::string& key, Int& out) {
    if (!config_.hasProperty(key)) return;
    auto value = parse_duration(config_.getRawString(key));
    if (!value || *value <= 0) {
      fail(key, "a duration such as 30s, 15m, 1h or 1d");
      return;
    }
    out = static_cast<Int>(*value);
  }
  // A duration where "0" is allowed (the feature is off).
  void duration_or_zero(const std::string& key, std::int64_t& out) {
    if (!config_.hasProperty(key)) return;
    if (core::trim(config_.getRawString(key)) == "0") {
      out = 0;
      return;
    }
    duration(key, out);
  }
  // A decimal number in [min, max]: "0.75".
  void fraction(const std::string& key, double& out, double min, double max) {
    if (!config_.hasProperty(key)) return;
    const std::string text(core::trim(config_.getRawString(key)));
    char* end = nullptr;
    const double value = text.empty() ? 0 : std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !(value >= min && value <= max)) {
      fail(key, "a number from " + format_number(min) + " to " + format_number(max));
      return;
    }
    out = value;
  }
  static std::string format_number(double value) {
    std::string text = std::to_string(value);
    while (text.size() > 1 && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text;
  }
  void size(const std::string& key, std::int64_t& out) {
    if (!config_.hasProperty(key)) return;
    auto value = parse_size(config_.getRawString(key));
    if (!value || *value <= 0) {
      fail(key, "a size such as 10MiB, 512KiB or a number of bytes");
      return;
    }
    out = *value;
  }
  void fail(const std::string& key, const std::string& expected) {
    if (error_.empty()) {
      error_ = key + " = \"" + config_.getRawString(key, "") + "\": expected " + expected;
    }
  }
  const std::string& error() const { return error_; }

 private:
  const AbstractConfiguration& config_;
  std::string error_;
};

core::Status read_feed(const fs::path& file, const Settings& settings, core::FeedConfig& feed) {
  AutoPtr<Poco::Util::IniFileConfiguration> ini;
  try {
    ini = new Poco::Util::IniFileConfiguration(file.string());
  } catch (const Poco::Exception& e) {
    return core::Error{e.displayText()};
  }
  feed.id = file.stem().string();
  feed.refresh_seconds = settings.default_refresh_seconds;
  Reader reader(*ini);
  reader.text("name", feed.name);
  reader.text("partner", feed.partner);
  reader.text("website", feed.website);
  reader.text("url", feed.url);
  reader.text("path", feed.path);
  reader.text("format", feed.format);
  reader.text("timezone", feed.timezone);
  reader.text("category", feed.category);
  reader.integer("priority", feed.priority, -1000000, 1000000);
  reader.duration("refresh", feed.refresh_seconds);
  reader.text("email", feed.contact_email);
  if (!reader.error().empty()) return core::Error{reader.error()};
  if (!feed.contact_email.empty()) {
    if (auto problem = notify::address_problem(feed.contact_email); !problem.empty()) {
      return core::Error{"email = \"" + feed.contact_email + "\": " + problem};
    }
  }
  if (feed.name.empty()) feed.name = feed.id;
  if (feed.partner.empty()) feed.partner = feed.name;
  if (feed.url.empty() == feed.path.empty()) {
    return core::Error{"exactly one of url = or path = is required"};
  }
  if (!feed.url.empty() && !core::is_http_url(feed.url)) {
    return core::Error{"url = \"" + feed.url + "\": only http:// and https:// URLs are fetched"};
  }
  if (!feed.website.empty() && !core::is_http_url(feed.website)) {
    return core::Error{"website = \"" + feed.website + "\": expected an http:// or https:// URL"};
  }
  if (!feed.path.empty()) feed.path = resolve_path(feed.path, file.parent_path());
  static const char* kFormats[] = {"auto", "ics", "rss", "atom", "html"};
  feed.format = core::ascii_lower(feed.format);
  if (std::none_of(std::begin(kFormats), std::end(kFormats),
                   [&](const char* f) { return feed.format == f; })) {
    return core::Error{"format = \"" + feed.format + "\": expected auto, ics, rss, atom or html"};
  }
  // Empty: floating times take the calendar's X-WR-TIMEZONE, else the site's zone.
  if (!feed.timezone.empty()) {
    auto zone = core::canonical_zone_name(feed.timezone);
    if (!zone) return core::Error{"timezone = \"" + feed.timezone + "\": unknown time zone"};
    feed.timezone = *zone;
  }
  return core::ok_status();
}

bool is_loopback_name(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1" || host == "[::1]";
}

// [mail]: the keys, then what they must agree on.
core::Status read_mail(Reader& reader, const AbstractConfiguration& config, const fs::path& base,
                       Settings& settings) {
  notify::MailSettings& mail = settings.mail;
  reader.text("mail.host", mail.host);
  std::string starttls = "off";
  reader.text("mail.starttls", starttls);
  mail.port = 0;
  reader.integer("mail.port", mail.port, 1, 65535);
  reader.text("mail.username", mail.username);
  reader.text("mail.from", mail.from);
  reader.text("mail.ca_file", mail.ca_file);
  reader.integer("mail.failures", settings.mail_failures, 1, 1000);
  reader.duration("mail.timeout", mail.timeout_seconds);
  if (!reader.error().empty()) return core::Error{reader.error()};
  // The password may stay out of the file: CONCERTO_MAIL_PASSWORD when the key is not set.
  if (config.hasProperty("mail.password")) {
    mail.password = config.getRawString("mail.password");
  } else if (const char* password = std::getenv("CONCERTO_MAIL_PASSWORD")) {
    mail.password = password;
  }
  if (starttls != "on" && starttls != "off") {
    return core::Error{"mail.starttls = \"" + starttls + "\": expected on or off"};
  }
  mail.starttls = starttls == "on";
  if (mail.port == 0) mail.port = mail.starttls ? 587 : 25;
  if (mail.timeout_seconds > 600) {
    return core::Error{"mail.timeout = \"" + config.getRawString("mail.timeout") +
                       "\": expected at most 10m"};
  }
  if (!mail.ca_file.empty()) {
    mail.ca_file = resolve_path(mail.ca_file, base);
    std::error_code error;
    if (!fs::is_regular_file(mail.ca_file, error)) {
      return core::Error{"mail.ca_file " + mail.ca_file + " does not exist"};
    }
  }
  if (mail.host.empty()) return core::ok_status();  // mail is off; nothing else matters
  if (mail.from.empty()) return core::Error{"mail.from: required when mail.host is set"};
  if (auto problem = notify::address_problem(mail.from); !problem.empty()) {
    return core::Error{"mail.from = \"" + mail.from + "\": " + problem};
  }
  if (!mail.username.empty() && !mail.starttls && !is_loopback_name(mail.host)) {
    return core::Error{
        "mail.username: credentials are only sent over STARTTLS: set "
        "mail.starttls = on (or use a mail server on 127.0.0.1)"};
  }
  return core::ok_status();
}

bool valid_feed_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

}  // namespace

std::optional<std::int64_t> parse_duration(std::string_view text) {
  text = core::trim(text);
  if (text.empty()) return std::nullopt;
  if (auto plain = parse_integer(text)) return plain;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == start || i == text.size()) return std::nullopt;
    auto number = parse_integer(text.substr(start, i - start));
    if (!number || *number > 100000000) return std::nullopt;
    switch (text[i]) {
      case 's':
        total += *number;
        break;
      case 'm':
        total += *number * 60;
        break;
      case 'h':
        total += *number * 3600;
        break;
      case 'd':
        total += *number * 86400;
        break;
      case 'w':
        total += *number * 7 * 86400;
        break;
      default:
        return std::nullopt;
    }
    ++i;
  }
  return total;
}

std::string default_config_file() {
  std::error_code ignored;
  if (fs::exists("config/concerto.ini", ignored))
    return fs::absolute("config/concerto.ini").string();
  if (fs::exists("/etc/concerto/concerto.ini", ignored)) return "/etc/concerto/concerto.ini";
  return {};
}

core::Result<Settings> load_settings(const std::string& config_file,
                                     const std::vector<std::string>& overrides) {
  Settings settings;
  AutoPtr<Poco::Util::LayeredConfiguration> config(new Poco::Util::LayeredConfiguration);
  AutoPtr<Poco::Util::MapConfiguration> set(new Poco::Util::MapConfiguration);
  for (const std::string& item : overrides) {
    const auto equals = item.find('=');
    const auto dot = item.find('.');
    if (equals == std::string::npos || dot == std::string::npos || dot > equals || dot == 0) {
      return core::Error{"--set " + item + ": expected section.key=value"};
    }
    set->setString(std::string(core::trim(item.substr(0, equals))), item.substr(equals + 1));
  }
  config->add(set, 0);
  fs::path base = fs::current_path();
  if (!config_file.empty()) {
    std::error_code error;
    fs::path file = fs::absolute(config_file, error);
    if (!fs::is_regular_file(file, error)) {
      return core::Error{"configuration file " + config_file + " does not exist"};
    }
    try {
      AutoPtr<Poco::Util::IniFileConfiguration> ini(
          new Poco::Util::IniFileConfiguration(file.string()));
      config->add(ini, 10);
    } catch (const Poco::Exception& e) {
      return core::Error{"cannot read " + file.string() + ": " + e.displayText()};
    }
    settings.config_file = file.lexically_normal().string();
    base = file.parent_path();
  }

  Reader reader(*config);
  std::string listen = settings.listen_host + ":" + std::to_string(settings.listen_port);
  reader.text("server.listen", listen);
  reader.text("server.base_url", settings.base_url);
  reader.integer("server.threads", settings.threads, 2, 1024);
  reader.duration("server.keep_alive", settings.keep_alive_seconds);
  std::string database = "sqlite:../var/concerto.db";
  reader.text("storage.database", database);
  std::string feeds_directory = "../feeds";
  reader.text("feeds.directory", feeds_directory);
  reader.duration("feeds.refresh", settings.default_refresh_seconds);
  reader.duration("feeds.min_refresh", settings.min_refresh_seconds);
  reader.duration("feeds.max_refresh", settings.max_refresh_seconds);
  reader.integer("fetch.concurrency", settings.concurrency, 1, 256);
  reader.integer("fetch.per_host", settings.per_host, 1, 256);
  reader.duration("fetch.timeout", settings.timeout_seconds);
  reader.duration("fetch.connect_timeout", settings.connect_timeout_seconds);
  reader.size("fetch.max_bytes", settings.max_bytes);
  std::string allow;
  reader.text("fetch.allow", allow);
  reader.text("site.title", settings.title);
  reader.text("site.timezone", settings.timezone);
  reader.text("site.language", settings.language);
  reader.text("site.templates", settings.templates_directory);
  core::IngestLimits& limits = settings.limits;
  reader.size("limits.max_line_bytes", limits.max_line_bytes);
  reader.integer("limits.max_depth", limits.max_depth, 2, 1000);
  reader.integer("limits.max_events", limits.max_events, 1, 10000000);
  reader.integer("limits.max_values_per_property", limits.max_values_per_property, 1, 1000000);
  reader.integer("limits.max_occurrences_per_series", limits.max_occurrences_per_series, 1,
                 1000000);
  reader.integer("limits.max_recurrence_steps", limits.max_recurrence_steps, 1000, 1000000000);
  reader.integer("limits.expand_past_days", limits.expand_past_days, 0, 36600);
  reader.integer("limits.expand_future_days", limits.expand_future_days, 1, 36600);
  reader.duration("limits.cpu_time", limits.cpu_seconds);
  reader.duration("limits.wall_time", limits.wall_seconds);
  reader.size("limits.memory", limits.memory_bytes);
  reader.fraction("dedup.threshold", settings.dedup_threshold, 0.05, 1.0);
  reader.fraction("dedup.review_margin", settings.dedup_review_margin, 0.0, 1.0);
  reader.duration_or_zero("dedup.keep_vanished", settings.vanished_keep_seconds);
  reader.text("admin.token", settings.admin_token);
  std::string moderation = settings.moderation ? "on" : "off";
  reader.text("partners.moderation", moderation);
  if (!reader.error().empty()) return core::Error{reader.error()};
  if (auto mail = read_mail(reader, *config, base, settings); !mail) {
    return core::Error{mail.error()};
  }
  if (!settings.admin_token.empty() && settings.admin_token.size() < 16) {
    return core::Error{"admin.token: at least 16 characters (better: 32 random ones)"};
  }
  limits.max_bytes = settings.max_bytes;
  if (settings.min_refresh_seconds > settings.max_refresh_seconds) {
    return core::Error{"feeds.min_refresh is longer than feeds.max_refresh"};
  }

  // listen = HOST:PORT, [V6]:PORT or PORT.
  const auto colon = listen.rfind(':');
  std::string port_text = colon == std::string::npos ? listen : listen.substr(colon + 1);
  if (colon != std::string::npos) {
    settings.listen_host = listen.substr(0, colon);
    if (settings.listen_host.size() > 2 && settings.listen_host.front() == '[') {
      settings.listen_host = settings.listen_host.substr(1, settings.listen_host.size() - 2);
    }
  }
  auto port = parse_integer(port_text);
  if (!port || *port < 0 || *port > 65535 || settings.listen_host.empty()) {
    return core::Error{"server.listen = \"" + listen + "\": expected HOST:PORT"};
  }
  settings.listen_port = static_cast<int>(*port);
  while (!settings.base_url.empty() && settings.base_url.back() == '/')
    settings.base_url.pop_back();

  if (database.rfind("sqlite:", 0) != 0) {
    return core::Error{"storage.database = \"" + database + "\": expected sqlite:PATH"};
  }
  settings.database = resolve_path(database.substr(7), base);
  settings.feeds_directory = resolve_path(feeds_directory, base);
  if (!settings.templates_directory.empty()) {
    settings.templates_directory = resolve_path(settings.templates_directory, base);
  }
  for (const std::string& cidr : core::split(allow, ',')) {
    std::string item(core::trim(cidr));
    if (!item.empty()) settings.allow.push_back(item);
  }
  if (auto policy = fetch::AddressPolicy::create(settings.allow); !policy) {
    return core::Error{policy.error()};
  }
  auto zone = core::canonical_zone_name(settings.timezone);
  if (!zone) return core::Error{"site.timezone = \"" + settings.timezone + "\": unknown time zone"};
  settings.timezone = *zone;
  if (moderation != "on" && moderation != "off") {
    return core::Error{"partners.moderation = \"" + moderation + "\": expected on or off"};
  }
  settings.moderation = moderation == "on";
  if (settings.language != "fr" && settings.language != "en") {
    return core::Error{"site.language = \"" + settings.language + "\": expected fr or en"};
  }

  std::error_code error;
  if (!fs::is_directory(settings.feeds_directory, error)) {
    return core::Error{"feeds.directory " + settings.feeds_directory + " is not a directory"};
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(settings.feeds_directory, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".ini") files.push_back(entry);
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    core::FeedConfig feed;
    if (!valid_feed_id(file.stem().string())) {
      settings.feed_errors.push_back(file.string() + ": the file name is not a valid feed id");
      continue;
    }
    if (auto status = read_feed(file, settings, feed); !status) {
      settings.feed_errors.push_back(file.string() + ": " + status.error());
      settings.skipped_feed_ids.push_back(file.stem().string());
      continue;
    }
    settings.feeds.push_back(std::move(feed));
  }
  return settings;
}

dedup::MatchConfig match_config(const Settings& settings) {
  dedup::MatchConfig config;
  config.threshold = settings.dedup_threshold;
  config.review_margin = settings.dedup_review_margin;
  config.timezone = settings.timezone;
  return config;
}

std::map<std::string, int> feed_priorities(const Settings& settings) {
  std::map<std::string, int> priorities;
  for (const core::FeedConfig& feed : settings.feeds) priorities[feed.id] = feed.priority;
  return priorities;
}

}  // namespace concerto::app
