#include "app/cli.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <system_error>
#include <utility>

namespace concerto::app {

std::optional<Arguments> parse_arguments(int argc, char** argv, std::string& error) {
  Arguments args;
  if (argc < 2) {
    error = "no command given";
    return std::nullopt;
  }
  args.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
      std::string name = arg.substr(2);
      std::string value;
      // Options that take no value.
      static constexpr std::string_view kFlags[] = {"admin"};
      const bool flag = std::find(std::begin(kFlags), std::end(kFlags), name) != std::end(kFlags);
      if (const auto equals = name.find('='); equals != std::string::npos) {
        value = name.substr(equals + 1);
        name = name.substr(0, equals);
      } else if (flag) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        error = "option --" + name + " needs a value";
        return std::nullopt;
      }
      if (name == "set") {
        args.overrides.push_back(value);
      } else {
        args.options[name] = value;
      }
    } else {
      args.positional.push_back(arg);
    }
  }
  return args;
}

bool check_options(const Arguments& args, std::initializer_list<const char*> allowed,
                   std::size_t max_positional) {
  for (const auto& [name, value] : args.options) {
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return name == a; })) {
      std::cerr << "concerto " << args.command << ": unknown option --" << name << "\n";
      return false;
    }
  }
  if (args.positional.size() > max_positional) {
    std::cerr << "concerto " << args.command << ": unexpected argument " << args.positional.back()
              << "\n";
    return false;
  }
  return true;
}

std::optional<Settings> settings_from(const Arguments& args) {
  auto it = args.options.find("config");
  const std::string file = it != args.options.end() ? it->second : default_config_file();
  auto settings = load_settings(file, args.overrides);
  if (!settings) {
    std::cerr << "concerto: configuration unusable: " << settings.error() << "\n";
    return std::nullopt;
  }
  for (const std::string& skipped : settings->feed_errors) {
    std::cerr << "concerto: feed skipped: " << skipped << "\n";
  }
  return std::move(settings).value();
}

std::unique_ptr<store::Store> open_store(const Settings& settings) {
  // The state folder is made on first use (the default database lives in ../var).
  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(settings.database).parent_path(),
                                      ignored);
  auto store = store::Store::open(settings.database);
  if (!store) {
    std::cerr << "concerto: cannot open the database " << settings.database << ": " << store.error()
              << "\n";
    return nullptr;
  }
  return std::move(store).value();
}

render::AgendaOptions agenda_options(const Settings& settings) {
  render::AgendaOptions options;
  options.calendar.name = settings.title;
  options.calendar.timezone = settings.timezone;
  options.calendar.refresh_seconds = settings.default_refresh_seconds;
  options.calendar.cancelled_prefix = settings.language == "en" ? "Cancelled: " : "Annulé : ";
  std::string host = settings.base_url;
  if (auto scheme = host.find("://"); scheme != std::string::npos) host = host.substr(scheme + 3);
  if (auto slash = host.find_first_of(":/"); slash != std::string::npos) host.resize(slash);
  if (!host.empty()) options.calendar.uid_domain = host;
  options.feed_priority = feed_priorities(settings);
  options.match = match_config(settings);
  return options;
}

render::SiteInfo site_info(const Settings& settings) {
  render::SiteInfo site;
  site.title = settings.title;
  site.base_url = settings.base_url;
  site.language = render::language_from_code(settings.language);
  return site;
}

}  // namespace concerto::app
