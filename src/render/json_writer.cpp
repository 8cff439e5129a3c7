#include "render/json_writer.h"

#include <algorithm>
#include <cstdio>
#include <tuple>
#include <unordered_map>

#include "core/civil_time.h"
#include "core/text.h"
#include "core/time_zone.h"
#include "render/ics_line.h"
#include "render/instances.h"
#include "render/json_text.h"
#include "render/writable_time.h"

namespace concerto::render {
namespace {

void append_digits(char* at, int value, int count) {
  for (int k = count - 1; k >= 0; --k) {
    at[k] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// "2026-10-19T09:30:00" (years 1..9999: render_json leaves out what is_writable refuses).
void append_iso_local(std::string& out, const core::LocalDateTime& time) {
  char buffer[19] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0',
                     'T', '0', '0', ':', '0', '0', ':', '0', '0'};
  append_digits(buffer, std::clamp(time.date.year, 0, 9999), 4);
  append_digits(buffer + 5, time.date.month, 2);
  append_digits(buffer + 8, time.date.day, 2);
  append_digits(buffer + 11, time.hour, 2);
  append_digits(buffer + 14, time.minute, 2);
  append_digits(buffer + 17, time.second, 2);
  out.append(buffer, sizeof buffer);
}

void append_string_or_null(std::string& out, std::string_view text) {
  if (text.empty()) {
    out.append("null");
  } else {
    append_json_string(out, text);
  }
}

class OccurrenceWriter {
 public:
  explicit OccurrenceWriter(std::string& out) : out_(out) {}

  void append(const core::Occurrence& occurrence, const dedup::MergedEvent& source,
              const dedup::MergedEvent* series) {
    const core::Event& event = source.event;
    out_.append("{\"uid\":");
    append_json_string(out_, event.uid);
    out_.append(",\"recurrence_id\":");
    if (occurrence.recurrence_id) {
      append_time(*occurrence.recurrence_id);
    } else {
      out_.append("null");
    }
    out_.append(",\"rrule\":");
    append_string_or_null(out_, series != nullptr ? series->event.rrule : event.rrule);
    out_.append(",\"summary\":");
    append_json_string(out_, event.summary);
    out_.append(",\"description\":");
    append_json_string(out_, event.description);
    out_.append(",\"start\":");
    append_time(occurrence.start);
    out_.append(",\"end\":");
    append_time(occurrence.end);
    out_.append(",\"all_day\":");
    out_.append(occurrence.start.all_day ? "true" : "false");
    out_.append(",\"timezone\":");
    if (occurrence.start.all_day || occurrence.start.floating()) {
      out_.append("null");
    } else {
      const core::ZonePtr& zone = zone_for(occurrence.start.tzid);
      append_json_string(out_, zone != nullptr ? zone->name() : occurrence.start.tzid);
    }
    out_.append(",\"location\":");
    append_json_string(out_, event.location);
    out_.append(",\"url\":");
    append_string_or_null(out_, core::is_http_url(event.url) ? event.url : std::string_view());
    out_.append(",\"categories\":[");
    for (std::size_t i = 0; i < event.categories.size(); ++i) {
      if (i > 0) out_.push_back(',');
      append_json_string(out_, event.categories[i]);
    }
    out_.append("],\"status\":");
    append_json_string(out_, core::to_string(event.status));
    out_.append(",\"organizer\":");
    append_string_or_null(out_, event.organizer);
    out_.append(",\"sequence\":");
    out_.append(std::to_string(event.sequence));
    out_.append(",\"sources\":[");
    for (std::size_t i = 0; i < source.sources.size(); ++i) {
      if (i > 0) out_.push_back(',');
      out_.append("{\"feed\":");
      append_json_string(out_, source.sources[i].feed_id);
      out_.append(",\"uid\":");
      append_json_string(out_, source.sources[i].uid);
      if (!source.sources[i].recurrence.empty()) {
        out_.append(",\"recurrence\":");
        append_json_string(out_, source.sources[i].recurrence);
      }
      out_.push_back('}');
    }
    out_.append("]}");
  }

 private:
  const core::ZonePtr& zone_for(const std::string& tzid) {
    if (last_zone_ != nullptr && last_zone_->first == tzid) return last_zone_->second;
    auto found = zones_.find(tzid);
    if (found == zones_.end()) found = zones_.emplace(tzid, core::find_zone(tzid)).first;
    last_zone_ = &*found;  // node-based: stays valid as the map grows
    return found->second;
  }

  // "2026-10-19", "2026-10-19T09:30:00+02:00", "2026-10-19T07:30:00Z"; floating: no offset.
  void append_time(const core::EventTime& time) {
    out_.push_back('"');
    if (time.all_day) {
      append_iso_local(out_, core::LocalDateTime{time.date, 0, 0, 0});
      out_.resize(out_.size() - 9);  // the date alone
    } else if (time.floating()) {
      append_iso_local(out_, time.local);
    } else if (const core::ZonePtr& zone = zone_for(time.tzid); zone == nullptr || zone->is_utc()) {
      append_iso_local(out_, core::civil_from_seconds(time.utc));
      out_.push_back('Z');
    } else {
      const int offset = zone->offset_at_utc(time.utc);
      append_iso_local(out_, core::civil_from_seconds(time.utc + offset));
      out_.append(core::format_utc_offset(offset));
    }
    out_.push_back('"');
  }

  std::string& out_;
  std::unordered_map<std::string, core::ZonePtr> zones_;
  const std::pair<const std::string, core::ZonePtr>* last_zone_ = nullptr;
};

}  // namespace

std::string render_json(const std::vector<dedup::MergedEvent>& events,
                        const std::vector<core::Occurrence>& occurrences,
                        const JsonWindow& window) {
  const std::vector<Instance> selected =
      merged_instances(events, occurrences, window.from_utc, window.to_utc);

  std::string out;
  out.reserve(64 + selected.size() * 512);
  out.append("{\"events\":[");
  OccurrenceWriter writer(out);
  for (std::size_t i = 0; i < selected.size(); ++i) {
    out.append(i == 0 ? "\n" : ",\n");
    writer.append(*selected[i].occurrence, *selected[i].source, selected[i].series);
  }
  out.append(selected.empty() ? "]}\n" : "\n]}\n");
  return out;
}

}  // namespace concerto::render
