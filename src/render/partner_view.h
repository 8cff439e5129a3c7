#pragma once
// What the /partners pages show (WebPages::partner_*), gathered by the server: the signed-in
// partner, their feeds with their health and next events, and the notices of their last actions.

#include <cstdint>
#include <string>
#include <vector>

#include "core/feed.h"
#include "core/partner.h"
#include "core/problem.h"
#include "core/time_zone.h"
#include "store/store.h"

namespace concerto::render {

// A message for the next page ("Flux enregistré : 12 événements"), with details such as the
// problems a test fetch found, by line.
struct PartnerNotice {
  bool error = false;
  std::string text;
  std::vector<std::string> details;
};

struct PartnerFeedView {
  core::RegisteredFeed feed;
  core::FeedStatus status;
  std::vector<store::PreviewOccurrence> next;  // its next events, public or not
  core::Problems problems;                     // of its last good read (the feed page)
  std::int64_t refresh_wait = 0;               // seconds before "refresh" may be used again
};

// The values of a feed form, refilled after a refusal.
struct FeedFormValues {
  std::string url, name, format = "auto", category, timezone;
};

struct PartnerPageView {
  std::string partner_name;
  bool admin = false;       // sees every feed, approves
  bool moderation = false;  // new feeds wait for approval
  std::string csrf;         // goes in every form
  std::vector<PartnerNotice> notices;
  std::vector<PartnerFeedView> feeds;    // the dashboard's (the feed page: just its feed)
  FeedFormValues form;                   // the registration form (the feed page: the change form)
  std::string form_error;                // why the form was refused ("" when it was not)
  const core::TimeZone* zone = nullptr;  // of the site; null: UTC
};

}  // namespace concerto::render
