#pragma once
// A partner feed: where it comes from, how to read it, and how its last refresh went.

#include <cstdint>
#include <string>

namespace concerto::core {

struct FeedConfig {
  std::string id;  // file stem of feeds/<id>.ini
  std::string name;
  std::string partner;
  std::string website;          // the partner's http(s) home page, linked from the pages
  std::string url;              // http(s) source, or
  std::string path;             // absolute local file (admin-written feeds only)
  std::string format = "auto";  // auto | ics | rss | atom
  std::string timezone;         // for floating times; empty = the site's
  std::string category;         // default category when the feed gives none
  int priority = 0;             // higher wins when feeds disagree (the organiser ranks highest)
  std::int64_t refresh_seconds = 3600;
  // Where mail about the feed's health goes (feeds/*.ini `email =`, or the registering partner's
  // address); empty: no mail.
  std::string contact_email;
  bool registered = false;  // registered by a partner through the API, not a feeds/*.ini
};

struct FeedStatus {
  std::string feed_id;
  std::int64_t last_fetch = 0;    // UTC seconds of the last attempt; 0 = never
  std::int64_t last_success = 0;  // UTC seconds of the last attempt that stored events
  int http_code = 0;
  std::string error;  // empty when the last attempt succeeded
  int consecutive_failures = 0;
  int event_count = 0;
  int problem_count = 0;
  std::int64_t bytes = 0;
  std::string etag;
  std::string last_modified;
  std::int64_t next_fetch = 0;  // UTC seconds when the feed is due again; 0 = now
};

}  // namespace concerto::core
