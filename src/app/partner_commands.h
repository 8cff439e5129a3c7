#pragma once
// `concerto partners ...` (accounts and their tokens) and `concerto feeds ...` (feeds partners
// registered, and their moderation).

#include "app/cli.h"
#include "app/config.h"
#include "notify/notifier.h"
#include "server/partner_api.h"
#include "store/registry.h"
#include "store/store.h"

namespace concerto::app {

// partners add NAME [--email ADDRESS] [--admin] | list | rotate ID | disable ID | enable ID
int command_partners(const Arguments& args);
// feeds list | approve ID
int command_feeds(const Arguments& args);

// Opens the registry of the settings' database (after open_store); errors go to stderr.
std::unique_ptr<store::Registry> open_registry(const Settings& settings);
// Adds the feeds partners registered to settings.feeds (they are fetched like the others; those
// awaiting moderation stay out of the public agenda). A disabled partner's feeds are left out
// (their ids go to settings.skipped_feed_ids: their stored events are kept, though hidden). An
// id that a feeds/*.ini also uses is skipped with a message.
bool add_registered_feeds(Settings& settings, store::Registry& registry);

// The partner API's test fetch: fetches, reads and stores `feed` now (refresh_feed), and says
// what came of it. With a `notifier`, the feed's contact gets the mail the refresh calls for:
// the feed's contact_email, else (with a `registry`) the address of the partner it belongs to.
server::FeedCheck check_feed(const core::FeedConfig& feed, const Settings& settings,
                             store::Store& store, const std::string& worker_binary,
                             notify::Notifier* notifier = nullptr,
                             store::Registry* registry = nullptr);

}  // namespace concerto::app
