#include "app/wire.h"

#include <cstring>

namespace concerto::app {
namespace {

constexpr std::uint32_t kRequestMagic = 0x43524551;  // "CREQ"
constexpr std::uint32_t kResultMagic = 0x43524553;   // "CRES"

class Writer {
 public:
  void u32(std::uint32_t v) { raw(&v, sizeof v); }
  void i64(std::int64_t v) { raw(&v, sizeof v); }
  void boolean(bool v) { u32(v ? 1 : 0); }
  void text(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  void texts(const std::vector<std::string>& list) {
    u32(static_cast<std::uint32_t>(list.size()));
    for (const auto& s : list) text(s);
  }
  void time(const core::EventTime& t) {
    boolean(t.all_day);
    date(t.date);
    date(t.local.date);
    u32(static_cast<std::uint32_t>(t.local.hour * 3600 + t.local.minute * 60 + t.local.second));
    text(t.tzid);
    i64(t.utc);
  }
  void optional_time(const std::optional<core::EventTime>& t) {
    boolean(t.has_value());
    if (t) time(*t);
  }
  void times(const std::vector<core::EventTime>& list) {
    u32(static_cast<std::uint32_t>(list.size()));
    for (const auto& t : list) time(t);
  }
  std::string take() { return std::move(out_); }

 private:
  void date(const core::Date& d) {
    u32(static_cast<std::uint32_t>(d.year));
    u32(static_cast<std::uint32_t>(d.month * 100 + d.day));
  }
  void raw(const void* data, std::size_t size) {
    out_.append(static_cast<const char*>(data), size);
  }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool failed() const { return failed_; }
  bool at_end() const { return pos_ == in_.size(); }

  std::uint32_t u32() {
    std::uint32_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  std::int64_t i64() {
    std::int64_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  bool boolean() { return u32() != 0; }
  std::string text() {
    const std::uint32_t size = u32();
    if (failed_ || size > in_.size() - pos_) {
      failed_ = true;
      return {};
    }
    std::string s(in_.substr(pos_, size));
    pos_ += size;
    return s;
  }
  // A count of items that each take at least `min_size` bytes: refuses counts the rest of the
  // message cannot hold, so a corrupt count never allocates gigabytes.
  std::uint32_t count(std::size_t min_size) {
    const std::uint32_t n = u32();
    if (failed_ || n > (in_.size() - pos_) / min_size) {
      failed_ = true;
      return 0;
    }
    return n;
  }
  std::vector<std::string> texts() {
    std::vector<std::string> list(count(4));
    for (auto& s : list) s = text();
    return list;
  }
  core::EventTime time() {
    core::EventTime t;
    t.all_day = boolean();
    t.date = date();
    t.local.date = date();
    const std::uint32_t seconds = u32();
    t.local.hour = static_cast<int>(seconds / 3600);
    t.local.minute = static_cast<int>(seconds / 60 % 60);
    t.local.second = static_cast<int>(seconds % 60);
    t.tzid = text();
    t.utc = i64();
    return t;
  }
  std::optional<core::EventTime> optional_time() {
    if (!boolean()) return std::nullopt;
    return time();
  }
  std::vector<core::EventTime> times() {
    std::vector<core::EventTime> list(count(40));
    for (auto& t : list) t = time();
    return list;
  }

 private:
  core::Date date() {
    core::Date d;
    d.year = static_cast<int>(u32());
    const std::uint32_t md = u32();
    d.month = static_cast<int>(md / 100);
    d.day = static_cast<int>(md % 100);
    return d;
  }
  void raw(void* data, std::size_t size) {
    if (failed_ || size > in_.size() - pos_) {
      failed_ = true;
      std::memset(data, 0, size);
      return;
    }
    std::memcpy(data, in_.data() + pos_, size);
    pos_ += size;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

void write_feed(Writer& w, const core::FeedConfig& f) {
  w.text(f.id);
  w.text(f.name);
  w.text(f.partner);
  w.text(f.url);
  w.text(f.path);
  w.text(f.format);
  w.text(f.timezone);
  w.text(f.category);
  w.i64(f.priority);
  w.i64(f.refresh_seconds);
}

core::FeedConfig read_feed(Reader& r) {
  core::FeedConfig f;
  f.id = r.text();
  f.name = r.text();
  f.partner = r.text();
  f.url = r.text();
  f.path = r.text();
  f.format = r.text();
  f.timezone = r.text();
  f.category = r.text();
  f.priority = static_cast<int>(r.i64());
  f.refresh_seconds = r.i64();
  return f;
}

void write_limits(Writer& w, const core::IngestLimits& l) {
  w.i64(l.max_bytes);
  w.i64(l.max_line_bytes);
  w.i64(l.max_depth);
  w.i64(l.max_events);
  w.i64(l.max_values_per_property);
  w.i64(l.max_occurrences_per_series);
  w.i64(l.max_recurrence_steps);
  w.i64(l.expand_past_days);
  w.i64(l.expand_future_days);
  w.i64(l.cpu_seconds);
  w.i64(l.memory_bytes);
  w.i64(l.wall_seconds);
}

core::IngestLimits read_limits(Reader& r) {
  core::IngestLimits l;
  l.max_bytes = r.i64();
  l.max_line_bytes = r.i64();
  l.max_depth = static_cast<int>(r.i64());
  l.max_events = static_cast<int>(r.i64());
  l.max_values_per_property = static_cast<int>(r.i64());
  l.max_occurrences_per_series = static_cast<int>(r.i64());
  l.max_recurrence_steps = r.i64();
  l.expand_past_days = static_cast<int>(r.i64());
  l.expand_future_days = static_cast<int>(r.i64());
  l.cpu_seconds = static_cast<int>(r.i64());
  l.memory_bytes = r.i64();
  l.wall_seconds = static_cast<int>(r.i64());
  return l;
}

void write_event(Writer& w, const core::Event& e) {
  w.text(e.feed_id);
  w.text(e.uid);
  w.optional_time(e.recurrence_id);
  w.text(e.summary);
  w.text(e.description);
  w.text(e.location);
  w.text(e.url);
  w.text(e.organizer);
  w.texts(e.categories);
  w.u32(static_cast<std::uint32_t>(e.status));
  w.time(e.start);
  w.time(e.end);
  w.text(e.rrule);
  w.times(e.rdates);
  w.times(e.exdates);
  w.i64(e.last_modified);
  w.i64(e.sequence);
  w.i64(e.source_line);
}

core::Event read_event(Reader& r) {
  core::Event e;
  e.feed_id = r.text();
  e.uid = r.text();
  e.recurrence_id = r.optional_time();
  e.summary = r.text();
  e.description = r.text();
  e.location = r.text();
  e.url = r.text();
  e.organizer = r.text();
  e.categories = r.texts();
  const std::uint32_t status = r.u32();
  e.status = status <= 2 ? static_cast<core::EventStatus>(status) : core::EventStatus::kConfirmed;
  e.start = r.time();
  e.end = r.time();
  e.rrule = r.text();
  e.rdates = r.times();
  e.exdates = r.times();
  e.last_modified = r.i64();
  e.sequence = static_cast<int>(r.i64());
  e.source_line = static_cast<int>(r.i64());
  return e;
}

}  // namespace

std::string encode(const IngestRequest& request) {
  Writer w;
  w.u32(kRequestMagic);
  write_feed(w, request.feed);
  write_limits(w, request.limits);
  w.text(request.site_timezone);
  w.i64(request.now_utc);
  w.text(request.body);
  return w.take();
}

core::Result<IngestRequest> decode_request(std::string_view bytes) {
  Reader r(bytes);
  if (r.u32() != kRequestMagic) return core::Error{"not an ingest request"};
  IngestRequest request;
  request.feed = read_feed(r);
  request.limits = read_limits(r);
  request.site_timezone = r.text();
  request.now_utc = r.i64();
  request.body = r.text();
  if (r.failed() || !r.at_end()) return core::Error{"truncated ingest request"};
  return request;
}

std::string encode(const IngestResult& result) {
  Writer w;
  w.u32(kResultMagic);
  w.boolean(result.ok);
  w.text(result.error);
  w.text(result.format);
  w.u32(static_cast<std::uint32_t>(result.events.size()));
  for (const auto& e : result.events) write_event(w, e);
  w.u32(static_cast<std::uint32_t>(result.occurrences.size()));
  for (const auto& o : result.occurrences) {
    w.text(o.feed_id);
    w.text(o.uid);
    w.optional_time(o.recurrence_id);
    w.time(o.start);
    w.time(o.end);
    w.boolean(o.from_override);
  }
  w.u32(static_cast<std::uint32_t>(result.problems.size()));
  for (const auto& p : result.problems) {
    w.u32(static_cast<std::uint32_t>(p.severity));
    w.i64(p.line);
    w.text(p.uid);
    w.text(p.message);
  }
  w.boolean(result.refresh_seconds.has_value());
  w.i64(result.refresh_seconds.value_or(0));
  return w.take();
}

core::Result<IngestResult> decode_result(std::string_view bytes) {
  Reader r(bytes);
  if (r.u32() != kResultMagic) return core::Error{"the worker's answer is not an ingest result"};
  IngestResult result;
  result.ok = r.boolean();
  result.error = r.text();
  result.format = r.text();
  result.events.resize(r.count(100));
  for (auto& e : result.events) e = read_event(r);
  result.occurrences.resize(r.count(80));
  for (auto& o : result.occurrences) {
    o.feed_id = r.text();
    o.uid = r.text();
    o.recurrence_id = r.optional_time();
    o.start = r.time();
    o.end = r.time();
    o.from_override = r.boolean();
  }
  result.problems.resize(r.count(20));
  for (auto& p : result.problems) {
    p.severity = r.u32() == 0 ? core::Severity::kWarning : core::Severity::kError;
    p.line = static_cast<int>(r.i64());
    p.uid = r.text();
    p.message = r.text();
  }
  const bool has_refresh = r.boolean();
  const std::int64_t refresh = r.i64();
  if (has_refresh) result.refresh_seconds = refresh;
  if (r.failed() || !r.at_end()) return core::Error{"the worker's answer was cut short"};
  return result;
}

}  // namespace concerto::app
