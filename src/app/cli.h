#pragma once
// What every `concerto` subcommand shares: its parsed arguments, the settings and store they
// name, and the agenda options derived from the settings.

#include <cstddef>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "render/agenda.h"
#include "render/web_pages.h"
#include "store/store.h"

namespace concerto::app {

struct Arguments {
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // --name value
  std::vector<std::string> overrides;          // --set
};

std::optional<Arguments> parse_arguments(int argc, char** argv, std::string& error);
// Complains on stderr about an option not in `allowed` or too many positional arguments.
bool check_options(const Arguments& args, std::initializer_list<const char*> allowed,
                   std::size_t max_positional);
// Settings from --config (or the default file) and --set; errors go to stderr.
std::optional<Settings> settings_from(const Arguments& args);
std::unique_ptr<store::Store> open_store(const Settings& settings);
render::AgendaOptions agenda_options(const Settings& settings);
// The web pages' site: title, public URL ([server] base_url), language.
render::SiteInfo site_info(const Settings& settings);

}  // namespace concerto::app
