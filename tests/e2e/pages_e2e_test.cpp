// End to end: the web pages of the real `concerto serve`, over real HTTP, from a hostile partner
// feed and a normal one served on 127.0.0.1: status codes, headers, caching, the calendar
// files, escaping, the English site and a deployment's own templates.

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/feed_server.h"
#include "support/http_get.h"
#include "support/process.h"

namespace concerto {
namespace {

namespace fs = std::filesystem;
using testing::count;
using testing::FeedServer;
using testing::get;
using testing::Response;
using testing::run_concerto;
using testing::ServerProcess;
using testing::write_file;

// "20270310" for `days` days from now (UTC).
std::string ics_day(int days) {
  const std::time_t when = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
  std::tm parts{};
  gmtime_r(&when, &parts);
  char text[16];
  std::strftime(text, sizeof text, "%Y%m%d", &parts);
  return text;
}

struct VEvent {
  std::string uid;
  std::string summary;
  int days_from_now = 10;
  std::string location;
  std::string description;
  std::string url;
  std::string categories;
};

std::string calendar(const std::vector<VEvent>& events) {
  std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Partner//FR\r\n";
  for (const VEvent& event : events) {
    text += "BEGIN:VEVENT\r\nUID:" + event.uid + "\r\nDTSTAMP:20261101T000000Z\r\n" +
            "DTSTART;TZID=Europe/Paris:" + ics_day(event.days_from_now) +
            "T180000\r\nDURATION:PT2H\r\nSUMMARY:" + event.summary + "\r\n";
    if (!event.location.empty()) text += "LOCATION:" + event.location + "\r\n";
    if (!event.description.empty()) text += "DESCRIPTION:" + event.description + "\r\n";
    if (!event.url.empty()) text += "URL:" + event.url + "\r\n";
    if (!event.categories.empty()) text += "CATEGORIES:" + event.categories + "\r\n";
    text += "END:VEVENT\r\n";
  }
  return text + "END:VCALENDAR\r\n";
}

const std::string kScript = "<script>alert(1)</script>";
const std::string kImage = "\"><img src=x onerror=alert(1)>";
const std::string kQuote = "' onmouseover='x";

const std::vector<VEvent> kHostileEvents = {
    {"evil-1@hostile.example", kScript, 8, kImage,
     "Avant</script><script>alert(1)</script> " + kQuote, "javascript:alert(1)", kQuote},
    {"evil\"<2>'@hostile.example", kImage, 9, kQuote, kScript, "javascript:alert(1)", kScript},
    {"evil-3@hostile.example", kQuote, 11, kScript, kImage, "https://hostile.example/'x", kImage},
};
const std::vector<VEvent> kCityEvents = {
    {"conseil-1@lyon.example", "Conseil de quartier Croix-Rousse", 12, "Mairie du 4e\\, Lyon",
     "Ordre du jour : budget.", "https://lyon.example/conseil", "Démocratie locale"},
    {"atelier-2@lyon.example", "Atelier plan vélo", 13, "En ligne", "", "", ""},
};

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string decode_entities(std::string text) {
  const std::pair<std::string, std::string> kEntities[] = {{"&quot;", "\""}, {"&apos;", "'"},
                                                           {"&#39;", "'"},   {"&lt;", "<"},
                                                           {"&gt;", ">"},    {"&amp;", "&"}};
  for (const auto& [entity, character] : kEntities) {
    for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) {
      text.replace(at, entity.size(), character);
    }
  }
  return text;
}

// The value of every `attribute="..."` in the page, entity-decoded.
std::vector<std::string> attribute_values(const std::string& html, const std::string& attribute) {
  std::vector<std::string> values;
  const std::string marker = " " + attribute + "=\"";
  for (auto at = html.find(marker); at != std::string::npos; at = html.find(marker, at + 1)) {
    const auto start = at + marker.size();
    values.push_back(decode_entities(html.substr(start, html.find('"', start) - start)));
  }
  return values;
}

// The page without the content of its <script> elements (the JSON-LD data).
std::string without_scripts(std::string html) {
  for (auto open = html.find("<script"); open != std::string::npos;
       open = html.find("<script", open + 1)) {
    const auto start = html.find('>', open);
    const auto close = html.find("</script>", start);
    if (start == std::string::npos || close == std::string::npos) break;
    html.erase(start + 1, close - start - 1);
  }
  return html;
}

// What a browser would run or load from partner text: none of it.
void expect_safe(const std::string& html, const std::string& what) {
  SCOPED_TRACE(what);
  const std::string folded = lower(html);
  const std::string markup = without_scripts(html);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(folded.find("<img"), std::string::npos);
  EXPECT_EQ(folded.find("javascript:"), std::string::npos);
  EXPECT_EQ(markup.find("onmouseover='"), std::string::npos);
  // Every "onerror=" of the markup is inside escaped text: preceded by "&lt;img src=x ".
  for (auto at = markup.find("onerror="); at != std::string::npos;
       at = markup.find("onerror=", at + 1)) {
    EXPECT_GE(at, 14u);
    if (at >= 14) {
      EXPECT_EQ(markup.substr(at - 14, 14), "&lt;img src=x ") << markup.substr(at - 14, 80);
    }
  }
  // The only script element is the JSON-LD block, which holds no '<'.
  EXPECT_EQ(count(folded, "<script"), count(html, "<script type=\"application/ld+json\">"));
  EXPECT_EQ(count(folded, "</script"), count(folded, "<script"));
  for (auto at = html.find("<script type=\"application/ld+json\">"); at != std::string::npos;
       at = html.find("<script type=\"application/ld+json\">", at + 1)) {
    const auto start = at + 35;
    const std::string block = html.substr(start, html.find("</script>", start) - start);
    EXPECT_EQ(block.find('<'), std::string::npos) << block;
    EXPECT_EQ(block.front(), '{');
    EXPECT_EQ(block.back(), '}');
  }
  for (const std::string& href : attribute_values(html, "href")) {
    const std::string url = lower(href);
    EXPECT_TRUE(url.rfind("/", 0) == 0 || url.rfind("#", 0) == 0 || url.rfind("https://", 0) == 0 ||
                url.rfind("http://", 0) == 0 || url.rfind("webcal://", 0) == 0 ||
                url == "data:,")  // the layout's empty icon
        << href;
  }
}

// The ICS content lines, unfolded.
std::vector<std::string> unfolded_lines(const std::string& ics) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < ics.size()) {
    auto end = ics.find("\r\n", start);
    if (end == std::string::npos) end = ics.size();
    const std::string line = ics.substr(start, end - start);
    if (!line.empty() && line[0] == ' ' && !lines.empty()) {
      lines.back() += line.substr(1);
    } else {
      lines.push_back(line);
    }
    start = end + 2;
  }
  return lines;
}

std::string ics_value(const std::string& ics, const std::string& name) {
  for (const std::string& line : unfolded_lines(ics)) {
    if (line.rfind(name + ":", 0) == 0) return line.substr(name.size() + 1);
  }
  return "";
}

// Every distinct "/events/..." link of a page (entity-decoded), in order.
std::vector<std::string> event_links(const std::string& html) {
  std::vector<std::string> links;
  for (const std::string& href : attribute_values(html, "href")) {
    if (href.rfind("/events/", 0) != 0) continue;
    if (std::find(links.begin(), links.end(), href) == links.end()) links.push_back(href);
  }
  return links;
}

class Pages : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir();
    fs::create_directories(dir_ + "/feeds");
    hostile_ = std::make_unique<FeedServer>(calendar(kHostileEvents));
    city_ = std::make_unique<FeedServer>(calendar(kCityEvents));
    write_file(dir_ + "/feeds/hostile.ini", "url = " + hostile_->url() + "\nname = " + kImage +
                                                "\npartner = " + kScript + "\npriority = 1\n");
    write_file(dir_ + "/feeds/lyon.ini",
               "url = " + city_->url() +
                   "\nname = Agenda de la ville\npartner = Ville de Lyon\nwebsite = "
                   "https://lyon.example\npriority = 10\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_config(const std::string& name, const std::string& site = "") {
    const std::string path = dir_ + "/" + name;
    write_file(path, "[storage]\ndatabase = sqlite:" + dir_ + "/state/concerto.db\n[feeds]\n" +
                         "directory = " + dir_ + "/feeds\n[fetch]\nallow = 127.0.0.0/8\n" +
                         "[server]\nlisten = 127.0.0.1:0\n" +
                         (site.empty() ? std::string() : "[site]\n" + site));
    return path;
  }
  void fetch(const std::string& config) {
    const auto fetched = run_concerto({"fetch", "--config", config});
    ASSERT_EQ(fetched.exit_code, 0) << fetched.out << fetched.err;
    ASSERT_NE(fetched.out.find("2 feeds: 2 ok"), std::string::npos) << fetched.out;
  }
  // Waits (bounded) until the server's own start-up fetch of both feeds is done, so that the
  // store does not change under conditional requests.
  void wait_for_feeds(const ServerProcess& server) {
    Response status;
    for (int i = 0; i < 600; ++i) {
      status = get(server.port(), "/api/feeds/status");
      if (status.status == 200 && count(status.body, "\"last_fetch\":\"") == 2) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(count(status.body, "\"last_fetch\":\""), 2) << status.body;
    // And once more: the fetch that just ended may have changed the store.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }

  std::string dir_;
  std::unique_ptr<FeedServer> hostile_;
  std::unique_ptr<FeedServer> city_;
};

void expect_page(const Response& page, const std::string& path, int status = 200) {
  SCOPED_TRACE(path);
  EXPECT_EQ(page.status, status) << page.body.substr(0, 2000);
  EXPECT_EQ(page.headers.getContentType(), "text/html; charset=utf-8");
  EXPECT_TRUE(page.headers.has("Content-Security-Policy"));
  if (page.headers.has("Content-Security-Policy")) {
    const std::string& policy = page.headers.get("Content-Security-Policy");
    EXPECT_NE(policy.find("default-src 'none'"), std::string::npos) << policy;
    EXPECT_EQ(policy.find("script-src"), std::string::npos) << policy;
  }
  EXPECT_EQ(page.body.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.body.find("</html>"), std::string::npos);
  expect_safe(page.body, path);
}

TEST_F(Pages, EveryRouteAnswersWithHeadersCachingAndEscapedPartnerText) {
  const std::string config = write_config("concerto.ini");
  fetch(config);
  ServerProcess server({"--config", config});
  ASSERT_TRUE(server.running()) << server.log();
  wait_for_feeds(server);
  const int port = server.port();

  // The list: five events, from both partners, the hostile text escaped.
  const Response index = get(port, "/");
  expect_page(index, "/");
  EXPECT_NE(index.body.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(index.body.find("5 événements"), std::string::npos) << index.body;
  EXPECT_NE(index.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos)
      << index.body;
  EXPECT_NE(index.body.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(index.body.find("&apos; onmouseover=&apos;x"), std::string::npos);
  EXPECT_NE(index.body.find("Conseil de quartier Croix-Rousse"), std::string::npos);
  EXPECT_NE(index.body.find("Ville de Lyon"), std::string::npos);

  // Every event page it links to.
  const std::vector<std::string> links = event_links(index.body);
  EXPECT_EQ(links.size(), 5u);
  std::vector<std::string> event_pages;
  for (const std::string& link : links) {
    const Response page = get(port, link);
    expect_page(page, link);
    EXPECT_NE(page.body.find("<script type=\"application/ld+json\">"), std::string::npos) << link;
    EXPECT_NE(page.body.find("\"@type\":\"Event\""), std::string::npos) << link;
    event_pages.push_back(page.body);
  }
  // The hostile partner's javascript: URLs are not links; its https one is.
  bool hostile_link = false;
  for (const std::string& page : event_pages) {
    hostile_link =
        hostile_link || page.find("href=\"https://hostile.example/&apos;x\"") != std::string::npos;
  }
  EXPECT_TRUE(hostile_link);

  // The other pages, plain and filtered (the filter values are echoed: hostile too).
  const std::vector<std::string> paths = {
      "/?partner=ville-de-lyon",
      "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
      "/?place=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&q=%27%20onmouseover%3D%27x",
      "/?category=democratie-locale&page=1",
      "/month/" + ics_day(10).substr(0, 4) + "-" + ics_day(10).substr(4, 2),
      "/month/" + ics_day(40).substr(0, 4) + "-" + ics_day(40).substr(4, 2) + "?q=%3Cscript%3E",
      "/subscribe",
      "/subscribe?partner=ville-de-lyon&q=%22%3E%3Cimg%20src%3Dx%3E",
  };
  for (const std::string& path : paths) expect_page(get(port, path), path);
  // The month of the city's council lists it.
  const Response month =
      get(port, "/month/" + ics_day(12).substr(0, 4) + "-" + ics_day(12).substr(4, 2));
  expect_page(month, "month of the council");
  EXPECT_NE(month.body.find("Conseil de quartier Croix-Rousse"), std::string::npos);
  // /month sends to the current month.
  const Response now = get(port, "/month?partner=ville-de-lyon");
  EXPECT_EQ(now.status, 302);
  EXPECT_EQ(now.headers.get("Location", "").rfind("/month/", 0), 0u);
  EXPECT_NE(now.headers.get("Location", "").find("?partner=ville-de-lyon"), std::string::npos);
  expect_page(get(port, now.headers.get("Location", "/")), "current month");
  // A partner's filtered list has only its events.
  const Response city = get(port, "/?partner=ville-de-lyon");
  EXPECT_NE(city.body.find("2 événements"), std::string::npos);
  EXPECT_EQ(city.body.find("&lt;script&gt;alert(1)&lt;/script&gt;</a></h4>"), std::string::npos);

  // The stylesheet named in the page: for good, by its hash.
  const auto css_at = index.body.find("<link rel=\"stylesheet\" href=\"");
  ASSERT_NE(css_at, std::string::npos);
  const auto css_start = css_at + 29;
  const std::string css_path =
      index.body.substr(css_start, index.body.find('"', css_start) - css_start);
  EXPECT_EQ(css_path.rfind("/static/concerto-", 0), 0u) << css_path;
  const Response css = get(port, css_path);
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.headers.getContentType(), "text/css; charset=utf-8");
  EXPECT_NE(css.headers.get("Cache-Control", "").find("max-age=31536000"), std::string::npos)
      << css.headers.get("Cache-Control", "");
  EXPECT_NE(css.body.find(".calendar"), std::string::npos);
  EXPECT_EQ(get(port, "/static/concerto-000000000000.css").status, 404);
  const Response css_again = get(port, css_path, {{"If-None-Match", css.headers.get("ETag", "")}});
  EXPECT_EQ(css_again.status, 304);

  // Conditional requests on pages.
  ASSERT_TRUE(index.headers.has("ETag"));
  const Response revalidated = get(port, "/", {{"If-None-Match", index.headers.get("ETag")}});
  EXPECT_EQ(revalidated.status, 304);
  EXPECT_TRUE(revalidated.body.empty());
  EXPECT_EQ(get(port, "/", {{"If-None-Match", "\"other\""}}).status, 200);
  const Response event = get(port, links[0]);
  EXPECT_EQ(get(port, links[0], {{"If-None-Match", event.headers.get("ETag", "")}}).status, 304);
  const Response gzipped = get(port, "/", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gzipped.status, 200);
  EXPECT_EQ(get(port, "/",
                {{"Accept-Encoding", "gzip"}, {"If-None-Match", gzipped.headers.get("ETag", "")}})
                .status,
            304);

  // HEAD: the headers of GET, no body.
  {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    Poco::Net::HTTPRequest head(Poco::Net::HTTPRequest::HTTP_HEAD, "/",
                                Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(head);
    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    std::string rest;
    Poco::StreamCopier::copyToString(body, rest);
    EXPECT_EQ(response.getStatus(), Poco::Net::HTTPResponse::HTTP_OK);
    EXPECT_TRUE(rest.empty());
    EXPECT_EQ(response.get("ETag", ""), index.headers.get("ETag", ""));
    EXPECT_EQ(response.getContentType(), "text/html; charset=utf-8");
    EXPECT_TRUE(response.has("Content-Security-Policy"));
  }

  // Errors are pages too.
  const Response unknown = get(port, "/events/no-such-event%40nowhere");
  expect_page(unknown, "unknown event", 404);
  EXPECT_NE(unknown.body.find("Page introuvable"), std::string::npos);
  expect_page(get(port, "/events/no-such-event/event.ics"), "unknown event.ics", 404);
  expect_page(get(port, "/events/conseil-1@lyon.example/other"), "an unknown event subpath", 404);
  expect_page(get(port, "/month/2026-13"), "/month/2026-13", 404);
  expect_page(get(port, "/month/26-01"), "/month/26-01", 404);
  const Response bad_page = get(port, "/?page=abc");
  expect_page(bad_page, "/?page=abc", 400);
  EXPECT_NE(bad_page.body.find("Requête invalide"), std::string::npos);
  expect_page(get(port, "/?partner=a&partner=b"), "twice", 400);
  const Response hostile_error = get(port, "/?page=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  expect_page(hostile_error, "hostile page number", 400);
  expect_page(get(port, "/nowhere/%3Cscript%3E"), "unknown path", 404);

  // The calendar of one partner: only its events, named after it.
  const Response city_ics = get(port, "/calendar.ics?partner=ville-de-lyon");
  ASSERT_EQ(city_ics.status, 200);
  EXPECT_EQ(city_ics.headers.getContentType(), "text/calendar; charset=utf-8");
  EXPECT_EQ(count(city_ics.body, "BEGIN:VEVENT"), 2) << city_ics.body;
  EXPECT_NE(city_ics.body.find("UID:conseil-1@lyon.example"), std::string::npos);
  EXPECT_NE(city_ics.body.find("UID:atelier-2@lyon.example"), std::string::npos);
  EXPECT_EQ(city_ics.body.find("hostile.example"), std::string::npos);
  EXPECT_NE(ics_value(city_ics.body, "X-WR-CALNAME").find("Ville de Lyon"), std::string::npos)
      << ics_value(city_ics.body, "X-WR-CALNAME");
  const Response all_ics = get(port, "/calendar.ics");
  EXPECT_EQ(count(all_ics.body, "BEGIN:VEVENT"), 5);
  EXPECT_EQ(ics_value(all_ics.body, "X-WR-CALNAME").find("Ville de Lyon"), std::string::npos);
  const Response nobody_ics = get(port, "/calendar.ics?partner=nobody");
  EXPECT_EQ(nobody_ics.status, 200);
  EXPECT_EQ(count(nobody_ics.body, "BEGIN:VEVENT"), 0);

  // One event's own file.
  for (const VEvent& source : kCityEvents) {
    SCOPED_TRACE(source.uid);
    const Response ics = get(port, "/events/" + source.uid + "/event.ics");
    ASSERT_EQ(ics.status, 200) << ics.body;
    EXPECT_EQ(ics.headers.getContentType(), "text/calendar; charset=utf-8");
    EXPECT_EQ(ics.body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
    EXPECT_NE(ics.body.find("END:VCALENDAR\r\n"), std::string::npos);
    EXPECT_NE(ics.body.find("VERSION:2.0\r\n"), std::string::npos);
    EXPECT_EQ(count(ics.body, "BEGIN:VEVENT"), 1);
    EXPECT_EQ(ics_value(ics.body, "UID"), source.uid);
    EXPECT_EQ(ics_value(ics.body, "SUMMARY"), source.summary);
  }
  // The .ics link of the hostile event with quotes and brackets in its UID, from its page.
  for (const std::string& page : event_pages) {
    for (const std::string& href : attribute_values(page, "href")) {
      if (href.rfind("/events/", 0) != 0 || href.find("/event.ics") == std::string::npos) continue;
      const Response ics = get(port, href);
      EXPECT_EQ(ics.status, 200) << href;
      EXPECT_EQ(count(ics.body, "BEGIN:VEVENT"), 1) << href;
    }
  }
  EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST_F(Pages, AnEnglishSiteAnswersInEnglish) {
  const std::string config = write_config("english.ini", "language = en\ntitle = Civic agenda\n");
  fetch(config);
  ServerProcess server({"--config", config});
  ASSERT_TRUE(server.running()) << server.log();
  const Response index = get(server.port(), "/");
  expect_page(index, "/ in English");
  EXPECT_NE(index.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(index.body.find("<h1>Upcoming</h1>"), std::string::npos);
  EXPECT_NE(index.body.find("5 events"), std::string::npos);
  EXPECT_EQ(index.body.find("À venir"), std::string::npos);
  EXPECT_NE(index.body.find("Civic agenda"), std::string::npos);
  const std::vector<std::string> links = event_links(index.body);
  ASSERT_FALSE(links.empty());
  const Response event = get(server.port(), links[0]);
  expect_page(event, links[0]);
  EXPECT_NE(event.body.find("Add to my calendar"), std::string::npos);
  const Response missing = get(server.port(), "/events/nope");
  expect_page(missing, "English 404", 404);
  EXPECT_NE(missing.body.find("Page not found"), std::string::npos);
  EXPECT_NE(missing.body.find("<html lang=\"en\">"), std::string::npos);
  const Response subscribe = get(server.port(), "/subscribe");
  expect_page(subscribe, "English subscribe");
  EXPECT_NE(subscribe.body.find("<h1>Subscribe</h1>"), std::string::npos);
}

TEST_F(Pages, ADeploymentsTemplatesReplaceTheBuiltInOnesAndABrokenOneStopsTheServer) {
  const std::string templates = dir_ + "/templates";
  fs::create_directories(templates);
  write_file(templates + "/layout.mustache",
             "<!DOCTYPE html>\n<html lang=\"{{site.lang}}\">\n<head><meta charset=\"utf-8\">"
             "<title>{{page_title}}</title></head>\n<body>\n<header><p class=\"maison\">Notre "
             "propre mise en page</p></header>\n<main>{{{content}}}</main>\n</body>\n</html>\n");
  const std::string config = write_config("custom.ini", "templates = " + templates + "\n");
  fetch(config);
  {
    ServerProcess server({"--config", config});
    ASSERT_TRUE(server.running()) << server.log();
    const Response index = get(server.port(), "/");
    expect_page(index, "custom layout");
    EXPECT_NE(index.body.find("Notre propre mise en page"), std::string::npos) << index.body;
    EXPECT_EQ(index.body.find("class=\"site-footer\""), std::string::npos);
    // The other templates are still the built-in ones, partner text still escaped.
    EXPECT_NE(index.body.find("<h1>À venir</h1>"), std::string::npos);
    EXPECT_NE(index.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    expect_page(get(server.port(), "/events/nope"), "custom 404", 404);
    EXPECT_NE(get(server.port(), "/events/nope").body.find("Notre propre mise en page"),
              std::string::npos);
  }

  const std::string broken = dir_ + "/broken";
  fs::create_directories(broken);
  write_file(broken + "/index.mustache", "<h1>{{t.upcoming}}</h1>\n{{#x}}\n<p>never closed</p>\n");
  const std::string broken_config = write_config("broken.ini", "templates = " + broken + "\n");
  const auto served = run_concerto({"serve", "--config", broken_config}, 30);
  EXPECT_NE(served.exit_code, 0);
  EXPECT_NE(served.exit_code, -9) << "still serving after 30 s";
  EXPECT_NE(served.err.find(broken + "/index.mustache"), std::string::npos) << served.err;
  EXPECT_EQ(served.err.find("serving"), std::string::npos) << served.err;

  // A templates folder that does not exist is an error too.
  const std::string missing_config =
      write_config("missing.ini", "templates = " + dir_ + "/no-such-folder\n");
  const auto missing = run_concerto({"serve", "--config", missing_config}, 30);
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.exit_code, -9) << "still serving after 30 s";
  EXPECT_NE(missing.err.find("no-such-folder"), std::string::npos) << missing.err;
}

// A partner's UID holding a control character (libical keeps it): its page and its calendar
// file are reachable at the percent-encoded UID, and the RSS feed can carry it.
TEST_F(Pages, AUidWithAControlCharacterHasItsPageItsFileAndAWellFormedFeed) {
  hostile_->set_body(calendar({{"evil\x0Buid@x", "Atelier de contrôle", 8, "Lyon", "", "", ""}}));
  const std::string config = write_config("control.ini");
  fetch(config);
  ServerProcess server({"--config", config});
  ASSERT_TRUE(server.running()) << server.log();
  const int port = server.port();

  const std::string path = "/events/evil%0Buid%40x";
  const Response index = get(port, "/");
  expect_page(index, "/");
  const std::vector<std::string> links = event_links(index.body);
  EXPECT_NE(std::find(links.begin(), links.end(), path), links.end()) << index.body;

  const Response page = get(port, path);
  expect_page(page, path);
  EXPECT_NE(page.body.find("<h1>Atelier de contrôle</h1>"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("href=\"" + path + "/event.ics\""), std::string::npos);

  const Response ics = get(port, path + "/event.ics");
  ASSERT_EQ(ics.status, 200) << ics.body;
  EXPECT_EQ(ics.headers.getContentType(), "text/calendar; charset=utf-8");
  EXPECT_EQ(count(ics.body, "BEGIN:VEVENT"), 1);
  EXPECT_EQ(ics_value(ics.body, "SUMMARY"), "Atelier de contrôle");

  const Response rss = get(port, "/upcoming.rss");
  ASSERT_EQ(rss.status, 200) << rss.body;
  for (const char c : rss.body) {
    const auto byte = static_cast<unsigned char>(c);
    EXPECT_FALSE((byte < 0x20 && byte != '\n') || byte == 0x7F) << static_cast<int>(byte);
  }
  EXPECT_NE(rss.body.find("<guid isPermaLink=\"false\">evil uid@x</guid>"), std::string::npos)
      << rss.body;
  EXPECT_NE(rss.body.find(path + "</link>"), std::string::npos) << rss.body;
  EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace concerto
