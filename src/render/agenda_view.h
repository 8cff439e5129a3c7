#pragma once
// One store generation's merged agenda, made ready for the web pages and the newsletter:
// instances by start, the partners and categories to filter by, and lookups by merged UID.
// Built once per generation and shared read-only by every request (thread-safe once built).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/feed.h"
#include "core/time_zone.h"
#include "dedup/dedup.h"
#include "render/instances.h"

namespace concerto::render {

// "Décider ensemble" -> "decider-ensemble": folded words joined by '-'; "" for no letters.
std::string slug(std::string_view text);

struct PartnerLabel {
  std::string slug;
  std::string name;
  std::string website;  // http(s) home page of the partner, or empty
};

struct CategoryLabel {
  std::string slug;
  std::string name;  // the first spelling seen
  int events = 0;    // merged events (series count once) carrying it
};

// What a visitor narrowed the agenda to. Empty fields do not filter.
struct ViewFilter {
  std::string partner;   // a PartnerLabel slug
  std::string category;  // a CategoryLabel slug
  std::string place;     // words that must all appear in the place (folded, as substrings)
  std::string query;     // words that must all appear in title, description, place, partners
                         // or categories (folded, as substrings)
  bool empty() const {
    return partner.empty() && category.empty() && place.empty() && query.empty();
  }
};

// A feed's labels, as configured (feeds/*.ini) or registered.
struct FeedLabel {
  std::string id;
  std::string name;
  const PartnerLabel* partner = nullptr;  // never null once the snapshot is built
};

class AgendaSnapshot {
 public:
  AgendaSnapshot(dedup::Agenda agenda, const std::vector<core::FeedConfig>& feeds,
                 core::ZonePtr zone);
  AgendaSnapshot(const AgendaSnapshot&) = delete;
  AgendaSnapshot& operator=(const AgendaSnapshot&) = delete;

  const core::TimeZone& zone() const { return *zone_; }
  const dedup::Agenda& agenda() const { return agenda_; }

  // Instances overlapping [from_utc, to_utc) whose merged event passes `filter`, by start.
  // Here an Instance's start and end are instants in the site's zone for dates and floating
  // times too (not their sort_seconds()).
  std::vector<const Instance*> select(const ViewFilter& filter, std::int64_t from_utc,
                                      std::int64_t to_utc) const;
  bool matches(const dedup::MergedEvent& event, const ViewFilter& filter) const;

  // The series or single event with this merged UID (not an override); null when unknown.
  const dedup::MergedEvent* find(std::string_view uid) const;
  // The instances of that event (its occurrences, overrides applied), by start.
  std::vector<const Instance*> instances_of(const dedup::MergedEvent& event) const;
  // The VEVENTs of one calendar entry: the series or single event and its overrides.
  std::vector<dedup::MergedEvent> entry(const dedup::MergedEvent& event) const;
  // Every entry passing the filter (an entry passes when its series or any override does), for
  // the filtered calendars.
  std::vector<dedup::MergedEvent> entries(const ViewFilter& filter) const;

  // The partner's own copy of a source (for one occurrence of a series without an override of
  // its own: the series), null when not stored.
  const core::Event* source_event(const core::SourceRef& source) const;
  // Labels of a feed; an unknown feed id gets a label made from the id.
  const FeedLabel& feed(const std::string& feed_id) const;
  // The distinct partners of an event's sources, highest priority first.
  std::vector<const PartnerLabel*> partners_of(const dedup::MergedEvent& event) const;

  // Every partner with a configured feed, by name; every category in use, by name.
  const std::vector<const PartnerLabel*>& partners() const { return partner_list_; }
  const std::vector<CategoryLabel>& categories() const { return categories_; }
  const PartnerLabel* partner(std::string_view slug) const;
  const CategoryLabel* category(std::string_view slug) const;

 private:
  struct EventKeys {
    std::vector<std::string> partner_slugs;
    std::vector<std::string> category_slugs;
    std::string place;   // folded
    std::string search;  // folded title, description, place, partners, categories
  };
  const EventKeys& keys(const dedup::MergedEvent& event) const;
  const FeedLabel& add_feed(const std::string& id, const std::string& name,
                            const std::string& partner, const std::string& website);

  dedup::Agenda agenda_;
  core::ZonePtr zone_;
  std::vector<Instance> instances_;  // over every stored occurrence, by start
  std::unordered_map<const dedup::MergedEvent*, EventKeys> keys_;
  std::unordered_map<std::string, const dedup::MergedEvent*> by_uid_;
  // The overrides of each series, by the series.
  std::unordered_map<const dedup::MergedEvent*, std::vector<const dedup::MergedEvent*>> overrides_;
  std::unordered_map<const dedup::MergedEvent*, std::vector<const Instance*>> instances_by_event_;
  std::unordered_set<const dedup::MergedEvent*> orphan_overrides_;  // their series is not stored
  std::unordered_map<std::string, const core::Event*> source_events_;
  std::vector<std::unique_ptr<PartnerLabel>> partner_store_;
  std::vector<std::unique_ptr<FeedLabel>> feed_store_;
  std::unordered_map<std::string, const FeedLabel*> feeds_;
  std::unordered_map<std::string, PartnerLabel*> partners_;
  std::int64_t longest_span_ = 0;                // of the instances not in long_instances_
  std::vector<const Instance*> long_instances_;  // lasting more than two months, by start
  std::vector<const PartnerLabel*> partner_list_;
  std::vector<CategoryLabel> categories_;
  std::unordered_map<std::string, std::size_t> category_index_;
};

}  // namespace concerto::render
