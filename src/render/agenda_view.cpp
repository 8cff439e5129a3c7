#include "render/agenda_view.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "core/text.h"
#include "dedup/fold.h"

namespace concerto::render {
namespace {

// Instances longer than this are kept apart for select().
constexpr std::int64_t kLongSpan = 62 * 86400;

std::string stored_source_key(const core::SourceRef& source) {
  std::string key = source.feed_id;
  key.push_back('\0');
  key.append(source.uid);
  key.push_back('\0');
  key.append(source.recurrence);
  return key;
}

std::string event_source_key(const core::Event& event) {
  return stored_source_key({event.feed_id, event.uid, core::recurrence_key(event)});
}

// True when every word of `wanted` (folded) is a substring of `folded`.
bool contains_words(const std::string& folded, std::string_view wanted) {
  for (const std::string& word : core::split(dedup::fold_text(wanted), ' ')) {
    if (!word.empty() && folded.find(word) == std::string::npos) return false;
  }
  return true;
}

bool has(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// The series of an override: same feed and stored uid, no recurrence.
std::string entry_key(const dedup::MergedEvent& event) {
  std::string key = event.event.feed_id;
  key.push_back('\0');
  key.append(event.source_uid.empty() ? event.event.uid : event.source_uid);
  return key;
}

}  // namespace

std::string slug(std::string_view text) {
  std::string folded = dedup::fold_text(text);
  std::replace(folded.begin(), folded.end(), ' ', '-');
  return folded;
}

AgendaSnapshot::AgendaSnapshot(dedup::Agenda agenda, const std::vector<core::FeedConfig>& feeds,
                               core::ZonePtr zone)
    : agenda_(std::move(agenda)), zone_(zone ? std::move(zone) : core::utc_zone()) {
  for (const core::FeedConfig& feed : feeds) {
    add_feed(feed.id, feed.name, feed.partner.empty() ? feed.name : feed.partner, feed.website);
  }
  for (const core::Event& event : agenda_.events) {
    source_events_.emplace(event_source_key(event), &event);
    // Labels for feeds no longer configured whose events are still stored.
    if (feeds_.count(event.feed_id) == 0) add_feed(event.feed_id, event.feed_id, event.feed_id, "");
  }

  const std::vector<dedup::MergedEvent>& merged = agenda_.merged.events;
  std::unordered_map<std::string, const dedup::MergedEvent*> series_by_entry;
  for (const dedup::MergedEvent& event : merged) {
    if (!event.event.recurrence_id) {
      by_uid_.emplace(event.event.uid, &event);
      series_by_entry.emplace(entry_key(event), &event);
    }
  }
  // An override whose series is not stored is reached by its own UID.
  for (const dedup::MergedEvent& event : merged) {
    if (event.event.recurrence_id && series_by_entry.count(entry_key(event)) == 0) {
      by_uid_.emplace(event.event.uid, &event);
      orphan_overrides_.insert(&event);
    }
  }
  for (const dedup::MergedEvent& event : merged) {
    if (event.event.recurrence_id) {
      const auto series = series_by_entry.find(entry_key(event));
      if (series != series_by_entry.end()) overrides_[series->second].push_back(&event);
    }
    EventKeys event_keys;
    for (const PartnerLabel* partner : partners_of(event)) {
      event_keys.partner_slugs.push_back(partner->slug);
      event_keys.search.append(dedup::fold_text(partner->name)).push_back(' ');
    }
    for (const std::string& category : event.event.categories) {
      std::string category_slug = slug(category);
      if (category_slug.empty() || has(event_keys.category_slugs, category_slug)) continue;
      event_keys.category_slugs.push_back(category_slug);
      event_keys.search.append(dedup::fold_text(category)).push_back(' ');
      const auto [at, added] = category_index_.emplace(category_slug, categories_.size());
      if (added) categories_.push_back({category_slug, category, 0});
      // An override shares its series' categories; only series and single events are counted.
      if (!event.event.recurrence_id) ++categories_[at->second].events;
    }
    event_keys.place = dedup::fold_text(event.event.location);
    event_keys.search.append(dedup::fold_text(event.event.summary)).push_back(' ');
    event_keys.search.append(event_keys.place).push_back(' ');
    event_keys.search.append(dedup::fold_text(event.event.description));
    keys_.emplace(&event, std::move(event_keys));
  }
  std::sort(categories_.begin(), categories_.end(),
            [](const CategoryLabel& a, const CategoryLabel& b) { return a.slug < b.slug; });
  for (std::size_t i = 0; i < categories_.size(); ++i) category_index_[categories_[i].slug] = i;

  instances_ =
      merged_instances(merged, agenda_.occurrences, std::numeric_limits<std::int64_t>::min(),
                       std::numeric_limits<std::int64_t>::max());
  // Dates and floating times are days and wall times of the site's zone: its midnight, not
  // UTC's, is where an all-day event begins (else yesterday's would still be on today's list).
  const auto site_seconds = [&](const core::EventTime& time, std::int64_t instant) {
    if (time.all_day) return zone_->to_utc(core::LocalDateTime{time.date, 0, 0, 0});
    if (time.floating()) return zone_->to_utc(time.local);
    return instant;
  };
  for (Instance& instance : instances_) {
    instance.start = site_seconds(instance.occurrence->start, instance.start);
    instance.end = std::max(instance.start, site_seconds(instance.occurrence->end, instance.end));
  }
  std::stable_sort(instances_.begin(), instances_.end(),
                   [](const Instance& a, const Instance& b) { return a.start < b.start; });
  for (const Instance& instance : instances_) {
    if (instance.end - instance.start > kLongSpan) {
      long_instances_.push_back(&instance);
    } else {
      longest_span_ = std::max(longest_span_, instance.end - instance.start);
    }
    instances_by_event_[instance.series != nullptr ? instance.series : instance.source].push_back(
        &instance);
  }

  for (const auto& partner : partner_store_) partner_list_.push_back(partner.get());
  std::sort(partner_list_.begin(), partner_list_.end(),
            [](const PartnerLabel* a, const PartnerLabel* b) { return a->slug < b->slug; });
}

const FeedLabel& AgendaSnapshot::add_feed(const std::string& id, const std::string& name,
                                          const std::string& partner_name,
                                          const std::string& website) {
  std::string partner_slug = slug(partner_name);
  if (partner_slug.empty()) partner_slug = slug(id);
  auto found = partners_.find(partner_slug);
  if (found == partners_.end()) {
    partner_store_.push_back(std::make_unique<PartnerLabel>(
        PartnerLabel{partner_slug, partner_name, core::is_http_url(website) ? website : ""}));
    found = partners_.emplace(partner_slug, partner_store_.back().get()).first;
  } else if (found->second->website.empty() && core::is_http_url(website)) {
    found->second->website = website;  // two feeds of one partner: the first website given
  }
  feed_store_.push_back(std::make_unique<FeedLabel>(FeedLabel{id, name, found->second}));
  feeds_.emplace(id, feed_store_.back().get());
  return *feed_store_.back();
}

const FeedLabel& AgendaSnapshot::feed(const std::string& feed_id) const {
  const auto found = feeds_.find(feed_id);
  if (found != feeds_.end()) return *found->second;
  // Every stored feed got a label in the constructor; this is for ids from elsewhere.
  static const PartnerLabel unknown_partner{"", "?", ""};
  static const FeedLabel unknown{"", "?", &unknown_partner};
  return unknown;
}

std::vector<const PartnerLabel*> AgendaSnapshot::partners_of(
    const dedup::MergedEvent& event) const {
  std::vector<const PartnerLabel*> out;
  for (const core::SourceRef& source : event.sources) {
    const PartnerLabel* partner = feed(source.feed_id).partner;
    if (std::find(out.begin(), out.end(), partner) == out.end()) out.push_back(partner);
  }
  if (out.empty()) out.push_back(feed(event.event.feed_id).partner);
  return out;
}

const AgendaSnapshot::EventKeys& AgendaSnapshot::keys(const dedup::MergedEvent& event) const {
  return keys_.at(&event);
}

bool AgendaSnapshot::matches(const dedup::MergedEvent& event, const ViewFilter& filter) const {
  if (filter.empty()) return true;
  const EventKeys& event_keys = keys(event);
  if (!filter.partner.empty() && !has(event_keys.partner_slugs, filter.partner)) return false;
  if (!filter.category.empty() && !has(event_keys.category_slugs, filter.category)) return false;
  if (!filter.place.empty() && !contains_words(event_keys.place, filter.place)) return false;
  if (!filter.query.empty() && !contains_words(event_keys.search, filter.query)) return false;
  return true;
}

std::vector<const Instance*> AgendaSnapshot::select(const ViewFilter& filter, std::int64_t from_utc,
                                                    std::int64_t to_utc) const {
  std::vector<const Instance*> out;
  // Instances are by start, and none but the long ones lasts longer than longest_span_: the
  // others that may overlap the window start at or after from_utc - longest_span_.
  const std::int64_t earliest = from_utc < std::numeric_limits<std::int64_t>::min() + longest_span_
                                    ? from_utc
                                    : from_utc - longest_span_;
  auto first = std::lower_bound(instances_.begin(), instances_.end(), earliest,
                                [](const Instance& a, std::int64_t t) { return a.start < t; });
  const auto wanted = [&](const Instance& instance) {
    return !(instance.end <= from_utc && instance.start < from_utc) &&
           !(instance.end - instance.start > kLongSpan) && matches(*instance.source, filter);
  };
  for (auto it = first; it != instances_.end() && it->start < to_utc; ++it) {
    if (wanted(*it)) out.push_back(&*it);
  }
  // The few long ones (a season-long exhibition) are looked at apart, so that one of them does
  // not make every window scan from its start.
  bool added = false;
  for (const Instance* instance : long_instances_) {
    if (instance->start < to_utc && instance->end > from_utc &&
        matches(*instance->source, filter)) {
      out.push_back(instance);
      added = true;
    }
  }
  if (added) {
    std::sort(out.begin(), out.end(), [](const Instance* a, const Instance* b) {
      return a->start != b->start ? a->start < b->start : a < b;  // a < b: the stored order
    });
  }
  return out;
}

const dedup::MergedEvent* AgendaSnapshot::find(std::string_view uid) const {
  const auto found = by_uid_.find(std::string(uid));
  return found == by_uid_.end() ? nullptr : found->second;
}

std::vector<const Instance*> AgendaSnapshot::instances_of(const dedup::MergedEvent& event) const {
  const auto found = instances_by_event_.find(&event);
  if (found == instances_by_event_.end()) return {};
  return found->second;
}

std::vector<dedup::MergedEvent> AgendaSnapshot::entry(const dedup::MergedEvent& event) const {
  std::vector<dedup::MergedEvent> out{event};
  const auto found = overrides_.find(&event);
  if (found != overrides_.end()) {
    for (const dedup::MergedEvent* override_event : found->second) out.push_back(*override_event);
  }
  return out;
}

std::vector<dedup::MergedEvent> AgendaSnapshot::entries(const ViewFilter& filter) const {
  if (filter.empty()) return agenda_.merged.events;
  std::vector<dedup::MergedEvent> out;
  for (const dedup::MergedEvent& event : agenda_.merged.events) {
    // An override comes with its series below, unless its series is not stored.
    if (event.event.recurrence_id && orphan_overrides_.count(&event) == 0) continue;
    bool passes = matches(event, filter);
    const auto found = overrides_.find(&event);
    if (!passes && found != overrides_.end()) {
      passes = std::any_of(found->second.begin(), found->second.end(),
                           [&](const dedup::MergedEvent* o) { return matches(*o, filter); });
    }
    if (!passes) continue;
    out.push_back(event);
    if (found != overrides_.end()) {
      for (const dedup::MergedEvent* override_event : found->second) out.push_back(*override_event);
    }
  }
  return out;
}

const core::Event* AgendaSnapshot::source_event(const core::SourceRef& source) const {
  auto found = source_events_.find(stored_source_key(source));
  // One occurrence of a feed's series (joined by another feed's single event) has no event of
  // its own: the series speaks for it.
  if (found == source_events_.end() && !source.recurrence.empty()) {
    found = source_events_.find(stored_source_key({source.feed_id, source.uid, ""}));
  }
  return found == source_events_.end() ? nullptr : found->second;
}

const PartnerLabel* AgendaSnapshot::partner(std::string_view partner_slug) const {
  const auto found = partners_.find(std::string(partner_slug));
  return found == partners_.end() ? nullptr : found->second;
}

const CategoryLabel* AgendaSnapshot::category(std::string_view category_slug) const {
  const auto found = category_index_.find(std::string(category_slug));
  return found == category_index_.end() ? nullptr : &categories_[found->second];
}

}  // namespace concerto::render
