#include "app/partner_commands.h"

#include <iomanip>
#include <iostream>
#include <set>

#include "app/refresh.h"
#include "core/civil_time.h"
#include "core/text.h"
#include "core/token.h"
#include "notify/mailer.h"

namespace concerto::app {
namespace {

std::string random_id(const std::string& prefix) {
  // Ids need only be unique, not secret: 48 bits of the token generator's randomness.
  auto token = core::new_token();
  if (!token) return {};
  return prefix + core::hex64(core::fnv1a64(*token)).substr(0, 12);
}

std::unique_ptr<store::Registry> registry_for(const Arguments& args) {
  auto settings = settings_from(args);
  if (!settings) return nullptr;
  if (!open_store(*settings)) return nullptr;  // migrates the schema
  return open_registry(*settings);
}

void print_token_once(const std::string& token) {
  std::cout << "token: " << token << "\n"
            << "This token is shown once and stored only as a hash: give it to the partner now.\n";
}

int partners_add(const Arguments& args, store::Registry& registry) {
  if (args.positional.size() != 2) {
    std::cerr << "concerto partners add: give the partner's name: partners add \"Name\"\n";
    return 2;
  }
  core::Partner partner;
  partner.name = core::clean_line(args.positional[1]);
  if (partner.name.empty()) {
    std::cerr << "concerto partners add: the name is empty\n";
    return 2;
  }
  if (auto email = args.options.find("email"); email != args.options.end()) {
    partner.email = core::clean_line(email->second);
    // The mailer's own rule: an address it would refuse at every send is refused now.
    if (const std::string problem = notify::address_problem(partner.email); !problem.empty()) {
      std::cerr << "concerto partners add: --email " << partner.email << ": " << problem << "\n";
      return 2;
    }
  }
  if (auto admin = args.options.find("admin"); admin != args.options.end()) {
    if (admin->second != "true") {
      std::cerr << "concerto partners add: --admin takes no value\n";
      return 2;
    }
    partner.admin = true;
  }
  partner.created_at = core::unix_now();
  partner.id = random_id("partner-");
  auto token = core::new_token();
  if (!token || partner.id.empty()) {
    std::cerr << "concerto partners add: " << (token ? "no random bytes" : token.error()) << "\n";
    return 1;
  }
  if (auto added = registry.add_partner(partner, core::token_hash(*token)); !added.ok()) {
    std::cerr << "concerto partners add: " << added.message << "\n";
    return 1;
  }
  std::cout << "partner " << partner.id << ": " << partner.name
            << (partner.admin ? " (administrator)" : "") << "\n";
  print_token_once(*token);
  return 0;
}

int partners_list(store::Registry& registry) {
  auto partners = registry.partners();
  if (!partners) {
    std::cerr << "concerto partners list: " << partners.error() << "\n";
    return 1;
  }
  auto feeds = registry.feeds();
  for (const core::Partner& partner : *partners) {
    int count = 0;
    if (feeds) {
      for (const auto& feed : *feeds) count += feed.partner_id == partner.id ? 1 : 0;
    }
    std::cout << partner.id << "  " << partner.name << "  "
              << (partner.email.empty() ? "-" : partner.email) << "  " << count
              << (count == 1 ? " feed" : " feeds") << (partner.admin ? "  admin" : "")
              << (partner.disabled ? "  disabled" : "") << "\n";
  }
  if (partners->empty()) std::cout << "no partners yet: concerto partners add \"Name\"\n";
  return 0;
}

int partners_change(const Arguments& args, store::Registry& registry) {
  const std::string& verb = args.positional[0];
  if (args.positional.size() != 2) {
    std::cerr << "concerto partners " << verb << ": give the partner's id (see partners list)\n";
    return 2;
  }
  const std::string& id = args.positional[1];
  store::RegistryStatus status;
  std::string token;
  if (verb == "rotate") {
    auto fresh = core::new_token();
    if (!fresh) {
      std::cerr << "concerto partners rotate: " << fresh.error() << "\n";
      return 1;
    }
    token = *fresh;
    status = registry.set_token(id, core::token_hash(token));
  } else {
    status = registry.set_disabled(id, verb == "disable");
  }
  if (!status.ok()) {
    std::cerr << "concerto partners " << verb << ": " << status.message << "\n";
    return status.error == store::RegistryError::kNotFound ? 2 : 1;
  }
  if (verb == "rotate") {
    std::cout << "partner " << id << ": new token; the old one no longer works.\n";
    print_token_once(token);
  } else {
    std::cout << "partner " << id << (verb == "disable" ? ": disabled" : ": enabled") << "\n";
  }
  return 0;
}

}  // namespace

std::unique_ptr<store::Registry> open_registry(const Settings& settings) {
  auto registry = store::Registry::open(settings.database);
  if (!registry) {
    std::cerr << "concerto: " << registry.error() << "\n";
    return nullptr;
  }
  return std::move(registry).value();
}

bool add_registered_feeds(Settings& settings, store::Registry& registry) {
  auto feeds = registry.feeds();
  if (!feeds) {
    std::cerr << "concerto: registered feeds: " << feeds.error() << "\n";
    return false;
  }
  // A disabled partner's feeds are not fetched (and their events are not public).
  std::set<std::string> disabled;
  if (auto partners = registry.partners()) {
    for (const core::Partner& partner : *partners) {
      if (partner.disabled) disabled.insert(partner.id);
    }
  }
  for (core::RegisteredFeed& feed : *feeds) {
    if (disabled.count(feed.partner_id) != 0) {
      settings.skipped_feed_ids.push_back(feed.config.id);  // kept for when it is enabled again
      continue;
    }
    const bool taken =
        std::any_of(settings.feeds.begin(), settings.feeds.end(),
                    [&](const core::FeedConfig& f) { return f.id == feed.config.id; });
    if (taken) {
      std::cerr << "concerto: registered feed " << feed.config.id << " skipped: feeds/"
                << feed.config.id << ".ini uses the same id\n";
      continue;
    }
    if (feed.config.refresh_seconds <= 0) {
      feed.config.refresh_seconds = settings.default_refresh_seconds;
    }
    settings.feeds.push_back(std::move(feed.config));
  }
  return true;
}

server::FeedCheck check_feed(const core::FeedConfig& feed, const Settings& settings,
                             store::Store& store, const std::string& worker_binary,
                             notify::Notifier* notifier, store::Registry* registry) {
  core::FeedConfig mailed = feed;
  if (notifier != nullptr && registry != nullptr && mailed.contact_email.empty()) {
    if (auto registered = registry->feed(feed.id); registered && registered->has_value()) {
      mailed.contact_email = (*registered)->config.contact_email;
    }
  }
  const RefreshOutcome outcome = refresh_feed(mailed, settings, store, worker_binary, notifier);
  server::FeedCheck check;
  check.ok = outcome.status != "failed";
  check.events = outcome.events;
  check.http_code = outcome.http_code;
  check.error = outcome.error;
  // The fetcher's words for an address the policy refused when connecting.
  check.refused = outcome.error.rfind("refused:", 0) == 0;
  for (const core::Problem& problem : outcome.problems) {
    check.problems.push_back({problem.line, core::describe(problem)});
  }
  return check;
}

int command_partners(const Arguments& args) {
  if (!check_options(args, {"config", "email", "admin"}, 2)) return 2;
  const std::string verb = args.positional.empty() ? "" : args.positional[0];
  if (verb != "add" && verb != "list" && verb != "rotate" && verb != "disable" &&
      verb != "enable") {
    std::cerr << "usage: concerto partners add NAME [--email ADDRESS] [--admin] | list | "
                 "rotate ID | disable ID | enable ID\n";
    return 2;
  }
  auto registry = registry_for(args);
  if (!registry) return 2;  // an unusable configuration or database, as for the other commands
  if (verb == "add") return partners_add(args, *registry);
  if (verb == "list") return partners_list(*registry);
  return partners_change(args, *registry);
}

int command_feeds(const Arguments& args) {
  if (!check_options(args, {"config"}, 2)) return 2;
  const std::string verb = args.positional.empty() ? "" : args.positional[0];
  if (verb != "list" && verb != "approve") {
    std::cerr << "usage: concerto feeds list | approve ID\n";
    return 2;
  }
  auto registry = registry_for(args);
  if (!registry) return 2;  // an unusable configuration or database, as for the other commands
  if (verb == "approve") {
    if (args.positional.size() != 2) {
      std::cerr << "concerto feeds approve: give the feed's id (see feeds list)\n";
      return 2;
    }
    if (auto approved = registry->approve_feed(args.positional[1]); !approved.ok()) {
      std::cerr << "concerto feeds approve: " << approved.message << "\n";
      return approved.error == store::RegistryError::kNotFound ? 2 : 1;
    }
    std::cout << "feed " << args.positional[1] << ": approved, its events are public\n";
    return 0;
  }
  auto feeds = registry->feeds();
  if (!feeds) {
    std::cerr << "concerto feeds list: " << feeds.error() << "\n";
    return 1;
  }
  for (const core::RegisteredFeed& feed : *feeds) {
    std::cout << feed.config.id << "  " << feed.partner_id << "  " << feed.config.url << "  "
              << (feed.approved ? "public" : "awaiting approval") << "\n";
  }
  if (feeds->empty()) std::cout << "no feeds registered by partners\n";
  return 0;
}

}  // namespace concerto::app
