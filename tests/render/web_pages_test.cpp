// The web pages (WebPages) rendered with the built-in templates from an AgendaSnapshot made of
// real deduplication output: structure, French and English dates, the month grid, the event
// page, filters, and the escaping of every piece of partner text.

#include "render/web_pages.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/time_zone.h"
#include "dedup/dedup.h"
#include "render/agenda_view.h"
#include "render/render_test_support.h"
#include "render/templates.h"

namespace concerto::render {
namespace {

using testing::at;
using testing::day;
using testing::timed;

const std::string kNbsp = "\u00a0";

core::EventTime paris(int year, int month, int day_of_month, int hour, int minute = 0) {
  return timed("Europe/Paris", at(year, month, day_of_month, hour, minute));
}

// Whether `text` contains `what`; on failure, a short excerpt rather than the whole page.
::testing::AssertionResult has(const std::string& text, const std::string& what) {
  if (text.find(what) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "missing \"" << what << "\" in " << text.size()
                                       << " bytes: \"" << text.substr(0, 300) << "…\"";
}
::testing::AssertionResult lacks(const std::string& text, const std::string& what) {
  const auto found = text.find(what);
  if (found == std::string::npos) return ::testing::AssertionSuccess();
  const auto from = found < 200 ? 0 : found - 200;
  return ::testing::AssertionFailure() << "unexpected \"" << what << "\" at " << found << ": \""
                                       << text.substr(from, 400) << "\"";
}

// 2026-10-19 (a Monday) at 08:00 in Paris: "now" for most tests.
const std::int64_t kNow = paris(2026, 10, 19, 8).utc;

core::Event make(const std::string& feed, const std::string& uid, const std::string& summary,
                 const core::EventTime& start, const core::EventTime& end,
                 const std::string& location = "Salle des fêtes, Lyon") {
  core::Event event = testing::make_event(feed, uid, start, end);
  event.summary = summary;
  event.location = location;
  return event;
}

// Source events and their stored occurrences, deduplicated into a snapshot as the server does.
class Agenda {
 public:
  Agenda() {
    feeds_.push_back(feed("ville", "Agenda de la ville", "Ville de Lyon", "https://lyon.example"));
    feeds_.push_back(feed("asso", "Agenda associatif", "Démocratie Ouverte", ""));
  }

  static core::FeedConfig feed(const std::string& id, const std::string& name,
                               const std::string& partner, const std::string& website) {
    core::FeedConfig config;
    config.id = id;
    config.name = name;
    config.partner = partner;
    config.website = website;
    return config;
  }
  void add_feed(core::FeedConfig config) { feeds_.push_back(std::move(config)); }
  void set_priority(const std::string& feed_id, int priority) { priority_[feed_id] = priority; }

  // A single event: one occurrence with its own times.
  void add(const core::Event& event) {
    events_.push_back(event);
    core::Occurrence occurrence;
    occurrence.feed_id = event.feed_id;
    occurrence.uid = event.uid;
    occurrence.start = event.start;
    occurrence.end = event.end;
    occurrences_.push_back(occurrence);
  }
  // A weekly series of `count` occurrences, expanded as normalize stores them.
  void add_weekly(core::Event event, int count) {
    event.rrule = "FREQ=WEEKLY;COUNT=" + std::to_string(count);
    events_.push_back(event);
    const core::ZonePtr zone = core::find_zone(event.start.tzid);
    for (int week = 0; week < count; ++week) {
      core::Occurrence occurrence;
      occurrence.feed_id = event.feed_id;
      occurrence.uid = event.uid;
      occurrence.start = event.start;
      occurrence.start.local.date = core::add_days(event.start.local.date, 7 * week);
      occurrence.start.utc = zone->to_utc(occurrence.start.local);
      occurrence.end = event.end;
      occurrence.end.local.date = core::add_days(event.end.local.date, 7 * week);
      occurrence.end.utc = zone->to_utc(occurrence.end.local);
      occurrence.recurrence_id = occurrence.start;
      occurrences_.push_back(occurrence);
    }
  }

  const AgendaSnapshot& snapshot(const std::string& zone = "Europe/Paris") {
    dedup::DedupInput input;
    input.events = &events_;
    input.occurrences = &occurrences_;
    input.feed_priority = priority_;
    dedup::Agenda agenda;
    agenda.merged = dedup::deduplicate(input);
    agenda.events = events_;
    agenda.occurrences = occurrences_;
    snapshot_ = std::make_unique<AgendaSnapshot>(std::move(agenda), feeds_, core::find_zone(zone));
    return *snapshot_;
  }

 private:
  std::vector<core::FeedConfig> feeds_;
  std::map<std::string, int> priority_;
  std::vector<core::Event> events_;
  std::vector<core::Occurrence> occurrences_;
  std::unique_ptr<AgendaSnapshot> snapshot_;
};

WebPages make_pages(Language language = Language::kFrench) {
  auto templates = Templates::load("");
  if (!templates) throw std::runtime_error(templates.error());
  SiteInfo site;
  site.title = "Agenda citoyen";
  site.base_url = "https://agenda.example";
  site.language = language;
  return WebPages(std::move(templates).value(), site);
}

std::string index_page(const WebPages& pages, const AgendaSnapshot& agenda,
                       const ViewFilter& filter = {}, int page = 1, std::int64_t now = kNow) {
  auto html = pages.index(agenda, ListRequest{filter, page}, now);
  EXPECT_TRUE(html) << html.error();
  return html ? *html : std::string();
}

std::string month_page(const WebPages& pages, const AgendaSnapshot& agenda, int year, int month,
                       const ViewFilter& filter = {}) {
  auto html = pages.month(agenda, filter, year, month, kNow);
  EXPECT_TRUE(html) << html.error();
  return html ? *html : std::string();
}

std::string event_page(const WebPages& pages, const AgendaSnapshot& agenda, const std::string& uid,
                       const std::string& at_key = "", std::int64_t now = kNow) {
  auto html = pages.event(agenda, uid, at_key, now);
  EXPECT_TRUE(html) << html.error();
  if (!html) return "";
  EXPECT_TRUE(html->has_value()) << "no event " << uid;
  return html->has_value() ? **html : std::string();
}

int occurrences_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto found = text.find(what); found != std::string::npos;
       found = text.find(what, found + 1)) {
    ++n;
  }
  return n;
}

// The text between `begin` (included) and the first `end` after it; "" when absent.
std::string between(const std::string& text, const std::string& begin, const std::string& end,
                    std::size_t from = 0) {
  const auto start = text.find(begin, from);
  if (start == std::string::npos) return "";
  const auto stop = text.find(end, start + begin.size());
  return text.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
}

// The <td> of the month grid for one date.
std::string cell(const std::string& html, const std::string& iso_date) {
  const auto time = html.find("<time datetime=\"" + iso_date + "\">");
  if (time == std::string::npos) return "";
  const auto open = html.rfind("<td", time);
  const auto close = html.find("</td>", time);
  return html.substr(open, close - open);
}

// The <section class="day"> of the list page for one date.
std::string day_section(const std::string& html, const std::string& iso_date) {
  const auto heading = html.find("<h3><time datetime=\"" + iso_date + "\">");
  if (heading == std::string::npos) return "";
  const auto close = html.find("</section>", heading);
  return html.substr(heading, close - heading);
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string decode_entities(std::string text) {
  const std::pair<const char*, const char*> kEntities[] = {{"&quot;", "\""}, {"&apos;", "'"},
                                                           {"&#39;", "'"},   {"&lt;", "<"},
                                                           {"&gt;", ">"},    {"&amp;", "&"}};
  for (const auto& [entity, character] : kEntities) {
    for (auto found = text.find(entity); found != std::string::npos;
         found = text.find(entity, found + 1)) {
      text.replace(found, std::string(entity).size(), character);
    }
  }
  return text;
}

struct Tag {
  std::string name;  // lower case, "/a" for a closing tag
  std::vector<std::pair<std::string, std::string>> attributes;  // values entity-decoded
};

// A small HTML tokenizer, enough to see what a browser would: the tags and their attributes
// (text between tags is skipped; the content of <script> is returned apart).
struct ScannedPage {
  std::vector<Tag> tags;
  std::vector<std::string> scripts;  // the content of each <script> element
  std::string problem;               // what could not be read, if anything
};

ScannedPage scan(const std::string& html) {
  ScannedPage page;
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string::npos) {
    if (html.compare(i, 4, "<!--") == 0) {
      page.problem = "a comment at " + std::to_string(i);
      return page;
    }
    if (html.compare(i, 2, "<!") == 0) {  // <!DOCTYPE html>
      i = html.find('>', i);
      if (i == std::string::npos) break;
      continue;
    }
    std::size_t j = i + 1;
    Tag tag;
    if (j < html.size() && html[j] == '/') {
      tag.name = "/";
      ++j;
    }
    while (j < html.size() && (std::isalnum(static_cast<unsigned char>(html[j])) != 0)) {
      tag.name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(html[j]))));
      ++j;
    }
    if (tag.name.empty() || tag.name == "/") {
      page.problem = "a '<' that starts no tag at " + std::to_string(i) + ": " + html.substr(i, 40);
      return page;
    }
    // Attributes.
    while (j < html.size() && html[j] != '>') {
      if (std::isspace(static_cast<unsigned char>(html[j])) != 0 || html[j] == '/') {
        ++j;
        continue;
      }
      std::string name;
      while (j < html.size() && html[j] != '=' && html[j] != '>' &&
             std::isspace(static_cast<unsigned char>(html[j])) == 0) {
        name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(html[j]))));
        ++j;
      }
      std::string value;
      if (j < html.size() && html[j] == '=') {
        ++j;
        if (j < html.size() && (html[j] == '"' || html[j] == '\'')) {
          const char quote = html[j];
          const auto close = html.find(quote, j + 1);
          if (close == std::string::npos) {
            page.problem = "an unclosed attribute at " + std::to_string(j);
            return page;
          }
          value = html.substr(j + 1, close - j - 1);
          j = close + 1;
        } else {
          while (j < html.size() && html[j] != '>' &&
                 std::isspace(static_cast<unsigned char>(html[j])) == 0) {
            value.push_back(html[j++]);
          }
        }
      }
      tag.attributes.emplace_back(name, decode_entities(value));
    }
    if (j >= html.size()) {
      page.problem = "an unclosed tag at " + std::to_string(i);
      return page;
    }
    i = j + 1;
    if (tag.name == "script") {
      const auto close = lower(html).find("</script", i);
      if (close == std::string::npos) {
        page.problem = "an unclosed <script>";
        return page;
      }
      page.scripts.push_back(html.substr(i, close - i));
      i = close;
    }
    page.tags.push_back(std::move(tag));
  }
  return page;
}

const std::set<std::string> kAllowedTags = {
    "html",  "head",  "meta", "title", "link",   "script",  "body",   "a",      "header",
    "div",   "p",     "nav",  "ul",    "li",     "main",    "footer", "h1",     "h2",
    "h3",    "h4",    "form", "label", "select", "option",  "input",  "button", "section",
    "span",  "time",  "dl",   "dt",    "dd",     "article", "br",     "table",  "caption",
    "thead", "tbody", "tr",   "th",    "td"};

// What a hostile partner could get a browser to run: checks every tag and attribute of a page.
void expect_safe(const std::string& html, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_TRUE(lacks(html, "<script>alert"));
  EXPECT_TRUE(lacks(lower(html), "<img"));
  const ScannedPage page = scan(html);
  ASSERT_TRUE(page.problem.empty()) << page.problem;
  for (const Tag& tag : page.tags) {
    const std::string name = tag.name[0] == '/' ? tag.name.substr(1) : tag.name;
    EXPECT_TRUE(kAllowedTags.count(name) == 1) << "unexpected tag <" << tag.name << ">";
    if (tag.name == "script") {
      ASSERT_EQ(tag.attributes.size(), 1u);
      EXPECT_EQ(tag.attributes[0].first, "type");
      EXPECT_EQ(tag.attributes[0].second, "application/ld+json");
    }
    for (const auto& [attribute, value] : tag.attributes) {
      EXPECT_NE(attribute.rfind("on", 0), 0u)
          << "event handler attribute " << attribute << " on <" << tag.name << ">";
      EXPECT_NE(attribute, "style") << "on <" << tag.name << ">";
      EXPECT_NE(attribute, "src") << "on <" << tag.name << ">";
      if (attribute == "href" || attribute == "action" || attribute == "src") {
        const std::string url = lower(value);
        // The layout's empty icon is the one data: URL.
        const bool ours = url.rfind("/", 0) == 0 || url.rfind("#", 0) == 0 ||
                          (tag.name == "link" && url == "data:,");
        const bool web = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0 ||
                         url.rfind("webcal://", 0) == 0;
        EXPECT_TRUE(ours || web) << attribute << "=\"" << value << "\" on <" << tag.name << ">";
        EXPECT_EQ(url.find("javascript:"), std::string::npos) << value;
      }
    }
  }
  for (const std::string& script : page.scripts) {
    Poco::JSON::Parser parser;
    EXPECT_NO_THROW(parser.parse(script)) << script;
  }
}

// Checks that every form control of the page has an id and a <label for> it; returns how many
// controls there are.
int labelled_controls(const std::string& html) {
  const ScannedPage scanned = scan(html);
  EXPECT_TRUE(scanned.problem.empty()) << scanned.problem;
  std::set<std::string> labelled;
  for (const Tag& tag : scanned.tags) {
    if (tag.name != "label") continue;
    for (const auto& [name, value] : tag.attributes) {
      if (name == "for") labelled.insert(value);
    }
  }
  int controls = 0;
  for (const Tag& tag : scanned.tags) {
    if (tag.name != "input" && tag.name != "select" && tag.name != "textarea") continue;
    ++controls;
    std::string id;
    for (const auto& [name, value] : tag.attributes) {
      if (name == "id") id = value;
    }
    EXPECT_FALSE(id.empty()) << "a <" << tag.name << "> without id";
    EXPECT_EQ(labelled.count(id), 1u) << "no <label for=\"" << id << "\">";
  }
  return controls;
}

// The page without the content of its <script> elements.
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

// The JSON-LD object of an event page.
Poco::JSON::Object::Ptr json_ld(const std::string& html) {
  const ScannedPage page = scan(html);
  if (!page.problem.empty() || page.scripts.size() != 1) {
    ADD_FAILURE() << "expected one script element: " << page.problem;
    return nullptr;
  }
  Poco::JSON::Parser parser;
  return parser.parse(page.scripts[0]).extract<Poco::JSON::Object::Ptr>();
}

// ---------------------------------------------------------------------------------------------
// The list page.

TEST(WebPagesIndex, HasHeadingsByMonthDayAndEventLandmarksAndLabelledControls) {
  Agenda agenda;
  agenda.add(make("ville", "conseil", "Conseil municipal", paris(2026, 10, 19, 18, 30),
                  paris(2026, 10, 19, 20)));
  agenda.add(make("ville", "atelier", "Atelier mobilité", paris(2026, 10, 21, 9),
                  paris(2026, 10, 21, 12)));
  agenda.add(make("asso", "forum", "Forum des associations", paris(2026, 11, 7, 14),
                  paris(2026, 11, 7, 18), "Gymnase Jean Jaurès, Villeurbanne"));
  const WebPages pages = make_pages();
  const std::string html = index_page(pages, agenda.snapshot());

  EXPECT_TRUE(has(html, "<html lang=\"fr\">"));
  EXPECT_EQ(occurrences_of(html, "<h1>"), 1);
  EXPECT_TRUE(has(html, "<h1>À venir</h1>"));
  EXPECT_EQ(occurrences_of(html, "<h2>"), 2);  // octobre, novembre
  EXPECT_TRUE(has(html, ">octobre 2026</a></h2>"));
  EXPECT_TRUE(has(html, ">novembre 2026</a></h2>"));
  EXPECT_EQ(occurrences_of(html, "<h3>"), 3);
  EXPECT_TRUE(has(html, "<h3><time datetime=\"2026-10-19\">lundi 19 octobre 2026</time>"));
  EXPECT_TRUE(has(html, "<h3><time datetime=\"2026-11-07\">samedi 7 novembre 2026</time>"));
  EXPECT_EQ(occurrences_of(html, "<h4>"), 3);
  EXPECT_TRUE(has(html, ">Conseil municipal</a></h4>"));
  // Headings come in order: h2 before its h3s before their h4s.
  EXPECT_LT(html.find("<h2>"), html.find("<h3>"));
  EXPECT_LT(html.find("<h3>"), html.find("<h4>"));
  EXPECT_LT(html.find("Conseil municipal"), html.find("Atelier mobilité"));
  EXPECT_LT(html.find("Atelier mobilité"), html.find("novembre 2026</a></h2>"));
  // Today is marked.
  EXPECT_TRUE(has(day_section(html, "2026-10-19"), "Aujourd&apos;hui"));
  EXPECT_TRUE(lacks(day_section(html, "2026-10-21"), "Aujourd&apos;hui"));
  // Landmarks, each once.
  for (const char* landmark : {"<main", "<nav", "<header", "<footer"}) {
    EXPECT_GE(occurrences_of(html, landmark), 1) << landmark;
  }
  EXPECT_EQ(occurrences_of(html, "<main"), 1);
  EXPECT_EQ(occurrences_of(html, "<header"), 1);
  EXPECT_EQ(occurrences_of(html, "<footer"), 1);
  // Every form control has a label pointing at its id: partner, category, place, q.
  EXPECT_EQ(labelled_controls(html), 4);
  // The time of each event, in French.
  EXPECT_TRUE(has(html, ">18" + kNbsp + "h" + kNbsp + "30 – 20" + kNbsp + "h</time>"));
  EXPECT_TRUE(has(html, "3 événements"));
  expect_safe(html, "index");
}

TEST(WebPagesIndex, FortyOneEventsMakeTwoPagesWhoseLinksKeepTheFilters) {
  Agenda agenda;
  for (int i = 0; i < 41; ++i) {
    const core::Date date = core::add_days(core::Date{2026, 10, 20}, i);
    agenda.add(make("ville", "e" + std::to_string(i), "Permanence du jour " + std::to_string(i),
                    paris(date.year, date.month, date.day, 10),
                    paris(date.year, date.month, date.day, 11)));
  }
  agenda.add(make("asso", "other", "Atelier associatif", paris(2026, 10, 22, 18),
                  paris(2026, 10, 22, 19)));
  const AgendaSnapshot& snapshot = agenda.snapshot();
  const WebPages pages = make_pages();
  const ViewFilter filter{"ville-de-lyon", "", "lyon", ""};

  const std::string first = index_page(pages, snapshot, filter, 1);
  EXPECT_EQ(occurrences_of(first, "<h4>"), 40);
  EXPECT_TRUE(has(first, "41 événements"));
  EXPECT_TRUE(has(first, "Page 1 sur 2"));
  EXPECT_TRUE(
      has(first, "rel=\"next\" href=\"/?partner=ville-de-lyon&amp;place=lyon&amp;page=2\""));
  EXPECT_TRUE(lacks(first, "rel=\"prev\""));
  EXPECT_TRUE(lacks(first, "Atelier associatif"));

  const std::string second = index_page(pages, snapshot, filter, 2);
  EXPECT_EQ(occurrences_of(second, "<h4>"), 1);
  EXPECT_TRUE(has(second, "Permanence du jour 40"));
  EXPECT_TRUE(has(second, "Page 2 sur 2"));
  EXPECT_TRUE(has(second, "rel=\"prev\" href=\"/?partner=ville-de-lyon&amp;place=lyon\""));
  EXPECT_TRUE(lacks(second, "rel=\"next\""));
  // A page past the end shows the last one.
  EXPECT_TRUE(has(index_page(pages, snapshot, filter, 9), "Page 2 sur 2"));

  // Unfiltered: 42 events, two pages, links without a query but the page.
  const std::string all = index_page(pages, snapshot);
  EXPECT_TRUE(has(all, "rel=\"next\" href=\"/?page=2\""));
  EXPECT_TRUE(has(index_page(pages, snapshot, {}, 2), "rel=\"prev\" href=\"/\""));
  // Forty events make one page, with no pager.
  const std::string forty =
      index_page(pages, snapshot, ViewFilter{"", "", "", "jour"}, 1, paris(2026, 10, 21, 8).utc);
  EXPECT_EQ(occurrences_of(forty, "<h4>"), 40);
  EXPECT_TRUE(lacks(forty, "class=\"pager\""));
  expect_safe(first, "page 1");
  expect_safe(second, "page 2");
}

TEST(WebPagesIndex, AnEventThatBeganYesterdayIsListedUnderToday) {
  Agenda agenda;
  agenda.add(make("ville", "nuit", "Nuit de la démocratie", paris(2026, 10, 18, 20),
                  paris(2026, 10, 19, 11)));
  agenda.add(make("ville", "festival", "Festival citoyen", day(2026, 10, 17), day(2026, 10, 21)));
  agenda.add(make("ville", "over", "Réunion terminée hier", paris(2026, 10, 18, 9),
                  paris(2026, 10, 18, 11)));
  agenda.add(
      make("ville", "later", "Atelier de demain", paris(2026, 10, 20, 9), paris(2026, 10, 20, 11)));
  const WebPages pages = make_pages();
  const std::string html = index_page(pages, agenda.snapshot());
  EXPECT_TRUE(lacks(html, "<h3><time datetime=\"2026-10-18\">"));
  EXPECT_TRUE(lacks(html, "<h3><time datetime=\"2026-10-17\">"));
  EXPECT_TRUE(lacks(html, "Réunion terminée hier"));
  const std::string today = day_section(html, "2026-10-19");
  EXPECT_TRUE(has(today, "Nuit de la démocratie"));
  EXPECT_TRUE(has(today, "Festival citoyen"));
  EXPECT_TRUE(has(today, "Aujourd&apos;hui"));
  EXPECT_TRUE(has(day_section(html, "2026-10-20"), "Atelier de demain"));
  EXPECT_EQ(occurrences_of(html, "<h3>"), 2);
  // The time line of a night event names the day it ends.
  EXPECT_TRUE(has(today, "20" + kNbsp + "h – lundi 19 octobre, 11" + kNbsp + "h"));
}

TEST(WebPagesIndex, AnAllDayEventOfYesterdayIsNotListed) {
  Agenda agenda;
  agenda.add(make("ville", "hier", "Journée portes ouvertes d'hier", day(2026, 10, 18),
                  day(2026, 10, 19)));
  agenda.add(make("ville", "today", "Journée du jour", day(2026, 10, 19), day(2026, 10, 20)));
  const WebPages pages = make_pages();
  // At 08:00 and at 00:30 in Paris on the 19th: yesterday's all-day event is over.
  for (const std::int64_t now : {kNow, paris(2026, 10, 19, 0, 30).utc}) {
    const std::string html = index_page(pages, agenda.snapshot(), {}, 1, now);
    EXPECT_TRUE(has(html, "Journée du jour"));
    EXPECT_TRUE(lacks(html, "portes ouvertes")) << now;
    EXPECT_TRUE(has(html, ">1 événement ·")) << now;
  }
}

TEST(WebPagesIndex, EmptyListSaysSo) {
  Agenda agenda;
  const WebPages pages = make_pages();
  const std::string html = index_page(pages, agenda.snapshot());
  EXPECT_TRUE(has(html, "Aucun événement à venir ne correspond."));
  EXPECT_TRUE(has(html, "0 événements"));
  EXPECT_EQ(occurrences_of(html, "<h2>"), 0);
  expect_safe(html, "empty index");
}

// ---------------------------------------------------------------------------------------------
// Dates and times.

TEST(WebPagesDates, NineThirtyInParisIsNineThirtyOnBothSidesOfTheOctoberChange) {
  Agenda agenda;
  agenda.add(make("ville", "before", "Avant le changement d'heure", paris(2026, 10, 24, 9, 30),
                  paris(2026, 10, 24, 11)));
  agenda.add(make("ville", "after", "Après le changement d'heure", paris(2026, 10, 26, 9, 30),
                  paris(2026, 10, 26, 11)));
  const AgendaSnapshot& snapshot = agenda.snapshot();
  const WebPages pages = make_pages();
  const std::string html = index_page(pages, snapshot);
  const std::string nine_thirty = "9" + kNbsp + "h" + kNbsp + "30 – 11" + kNbsp + "h";
  EXPECT_TRUE(has(day_section(html, "2026-10-24"), nine_thirty));
  EXPECT_TRUE(has(day_section(html, "2026-10-26"), nine_thirty));
  EXPECT_TRUE(has(html, "<time datetime=\"2026-10-24T09:30:00+02:00\">"));
  EXPECT_TRUE(has(html, "<time datetime=\"2026-10-26T09:30:00+01:00\">"));

  const std::string before = event_page(pages, snapshot, "before");
  EXPECT_TRUE(
      has(before, "samedi 24 octobre 2026, 9" + kNbsp + "h" + kNbsp + "30 – 11" + kNbsp + "h"));
  const std::string after = event_page(pages, snapshot, "after");
  EXPECT_TRUE(
      has(after, "lundi 26 octobre 2026, 9" + kNbsp + "h" + kNbsp + "30 – 11" + kNbsp + "h"));
  auto ld = json_ld(after);
  ASSERT_TRUE(ld);
  EXPECT_EQ(ld->getValue<std::string>("startDate"), "2026-10-26T09:30:00+01:00");
  EXPECT_EQ(ld->getValue<std::string>("endDate"), "2026-10-26T11:00:00+01:00");
  ld = json_ld(before);
  ASSERT_TRUE(ld);
  EXPECT_EQ(ld->getValue<std::string>("startDate"), "2026-10-24T09:30:00+02:00");

  // The month grid too.
  const std::string month = month_page(pages, snapshot, 2026, 10);
  EXPECT_TRUE(has(cell(month, "2026-10-24"), "9" + kNbsp + "h" + kNbsp + "30"));
  EXPECT_TRUE(has(cell(month, "2026-10-26"), "9" + kNbsp + "h" + kNbsp + "30"));
}

TEST(WebPagesDates, AnAllDayEventOverTheNewYearIsNamedAndDrawnInBothMonths) {
  Agenda agenda;
  agenda.add(make("ville", "reveillon", "Fête citoyenne du nouvel an", day(2026, 12, 30),
                  day(2027, 1, 2)));
  const AgendaSnapshot& snapshot = agenda.snapshot();
  const WebPages pages = make_pages();

  const std::string page = event_page(pages, snapshot, "reveillon");
  EXPECT_TRUE(has(page, "du 30 décembre 2026 au 1er janvier 2027"));
  auto ld = json_ld(page);
  ASSERT_TRUE(ld);
  EXPECT_EQ(ld->getValue<std::string>("startDate"), "2026-12-30");

  const std::string list = index_page(pages, snapshot);
  EXPECT_TRUE(has(list, "toute la journée"));
  EXPECT_TRUE(has(list, "mercredi 30 décembre 2026"));

  for (const auto& [year, month] : {std::pair{2026, 12}, std::pair{2027, 1}}) {
    SCOPED_TRACE(std::to_string(year) + "-" + std::to_string(month));
    const std::string grid = month_page(pages, snapshot, year, month);
    for (const char* date : {"2026-12-30", "2026-12-31", "2027-01-01"}) {
      const std::string td = cell(grid, date);
      ASSERT_FALSE(td.empty()) << date;
      EXPECT_TRUE(has(td, "Fête citoyenne du nouvel an")) << date;
    }
    EXPECT_TRUE(lacks(cell(grid, "2026-12-29"), "Fête citoyenne"));
    if (!cell(grid, "2027-01-02").empty()) {
      EXPECT_TRUE(lacks(cell(grid, "2027-01-02"), "Fête citoyenne"));
    }
    EXPECT_TRUE(has(cell(grid, "2026-12-31"), "continued"));
    EXPECT_TRUE(lacks(cell(grid, "2026-12-30"), "class=\"continued\""));
    EXPECT_TRUE(lacks(grid, "Aucun événement ce mois-ci."));
    expect_safe(grid, "grid");
  }
}

TEST(WebPagesDates, TheJsonLdEndDateOfAnAllDayEventIsItsLastDay) {
  Agenda agenda;
  agenda.add(make("ville", "reveillon", "Fête citoyenne du nouvel an", day(2026, 12, 30),
                  day(2027, 1, 2)));
  agenda.add(
      make("ville", "journee", "Journée portes ouvertes", day(2026, 11, 14), day(2026, 11, 15)));
  const AgendaSnapshot& snapshot = agenda.snapshot();
  const WebPages pages = make_pages();
  // schema.org dates are inclusive: the last day is 1 January (the ICS end, 2 January, is
  // exclusive); a one-day event starts and ends on its day.
  auto ld = json_ld(event_page(pages, snapshot, "reveillon"));
  ASSERT_TRUE(ld);
  EXPECT_EQ(ld->getValue<std::string>("startDate"), "2026-12-30");
  EXPECT_EQ(ld->getValue<std::string>("endDate"), "2027-01-01");
  ld = json_ld(event_page(pages, snapshot, "journee"));
  ASSERT_TRUE(ld);
  EXPECT_EQ(ld->getValue<std::string>("startDate"), "2026-11-14");
  EXPECT_EQ(ld->getValue<std::string>("endDate"), "2026-11-14");
}

TEST(WebPagesDates, ATimedEventInMontrealShowsTheParisTimeAndTheLocalOne) {
  Agenda agenda;
  agenda.add(make("asso", "webinaire", "Webinaire franco-québécois",
                  timed("America/Montreal", at(2026, 10, 21, 12)),
                  timed("America/Montreal", at(2026, 10, 21, 13, 30)), "En ligne"));
  const AgendaSnapshot& snapshot = agenda.snapshot();
  const WebPages pages = make_pages();
  const std::string local_note = "12" + kNbsp + "h (America/Montreal, heure locale)";

  const std::string list = index_page(pages, snapshot);
  const std::string section = day_section(list, "2026-10-21");
  EXPECT_TRUE(has(section, "18" + kNbsp + "h – 19" + kNbsp + "h" + kNbsp + "30"));
  EXPECT_TRUE(has(section, local_note));

  const std::string page = event_page(pages, snapshot, "webinaire");
  EXPECT_TRUE(
      has(page, "mercredi 21 octobre 2026, 18" + kNbsp + "h – 19" + kNbsp + "h" + kNbsp + "30"));
  EXPECT_TRUE(has(page, local_note));
  auto ld = json_ld(page);
  ASSERT_TRUE(ld);
  EXPECT_EQ(ld->getValue<std::string>("startDate"), "2026-10-21T18:00:00+02:00");

  // An event in Paris has no such note.
  Agenda paris_only;
  paris_only.add(make("ville", "p", "Conseil", paris(2026, 10, 21, 18), paris(2026, 10, 21, 19)));
  EXPECT_TRUE(lacks(index_page(pages, paris_only.snapshot()), "heure locale"));
}

TEST(WebPagesDates, EnglishPagesSayMonday19October2026) {
  Agenda agenda;
  agenda.add(make("ville", "conseil", "City council", paris(2026, 10, 19, 18, 30),
                  paris(2026, 10, 19, 20)));
  agenda.add(make("ville", "newyear", "New year", day(2026, 12, 30), day(2027, 1, 2)));
  const AgendaSnapshot& snapshot = agenda.snapshot();
  const WebPages pages = make_pages(Language::kEnglish);
  const std::string list = index_page(pages, snapshot);
  EXPECT_TRUE(has(list, "<html lang=\"en\">"));
  EXPECT_TRUE(has(list, "Monday 19 October 2026"));
  EXPECT_TRUE(has(list, "<h1>Upcoming</h1>"));
  EXPECT_TRUE(has(list, ">October 2026</a></h2>"));
  EXPECT_TRUE(has(list, "18:30–20:00"));
  EXPECT_TRUE(has(list, "2 events"));
  EXPECT_TRUE(lacks(list, "lundi"));
  EXPECT_TRUE(lacks(list, "À venir"));
  const std::string page = event_page(pages, snapshot, "conseil");
  EXPECT_TRUE(has(page, "<html lang=\"en\">"));
  EXPECT_TRUE(has(page, "Monday 19 October 2026, 18:30–20:00"));
  EXPECT_TRUE(has(page, "Add to my calendar"));
  EXPECT_TRUE(has(event_page(pages, snapshot, "newyear"), "30 December 2026 – 1 January 2027"));
  const std::string month = month_page(pages, snapshot, 2026, 10);
  EXPECT_TRUE(has(month, "<h1>October 2026</h1>"));
  EXPECT_TRUE(has(month, "<th scope=\"col\">Mon</th>"));
  EXPECT_TRUE(has(month, "Monday 19 October 2026"));
  auto error = pages.error_page(404, "Nothing here.");
  ASSERT_TRUE(error);
  EXPECT_TRUE(has(*error, "<html lang=\"en\">"));
  EXPECT_TRUE(has(*error, "Page not found"));
  auto subscribe = pages.subscribe(snapshot, {});
  ASSERT_TRUE(subscribe);
  EXPECT_TRUE(has(*subscribe, "<h1>Subscribe</h1>"));
}

// ---------------------------------------------------------------------------------------------
// The month grid.

TEST(WebPagesMonth, WeeksStartOnMondayAndEveryRowHasSevenDays) {
  Agenda agenda;
  agenda.add(make("ville", "a", "Conseil", paris(2026, 10, 19, 18), paris(2026, 10, 19, 20)));
  const WebPages pages = make_pages();
  const std::string html = month_page(pages, agenda.snapshot(), 2026, 10);
  EXPECT_TRUE(has(html, "<h1>octobre 2026</h1>"));
  // The weekday heads, Monday first.
  const std::string head = between(html, "<thead>", "</thead>");
  EXPECT_LT(head.find(">lun.<"), head.find(">mar.<"));
  EXPECT_LT(head.find(">sam.<"), head.find(">dim.<"));
  EXPECT_EQ(occurrences_of(head, "<th "), 7);
  // 1 October 2026 is a Thursday: the grid starts on Monday 28 September, ends on Sunday
  // 1 November; five weeks of seven days.
  const std::string body = between(html, "<tbody>", "</tbody>");
  EXPECT_EQ(occurrences_of(body, "<tr>"), 5);
  EXPECT_EQ(occurrences_of(body, "<td"), 35);
  std::size_t row = body.find("<tr>");
  while (row != std::string::npos) {
    const std::string tr = between(body, "<tr>", "</tr>", row);
    EXPECT_EQ(occurrences_of(tr, "<td"), 7);
    row = body.find("<tr>", row + 1);
  }
  EXPECT_LT(body.find("datetime=\"2026-09-28\""), body.find("datetime=\"2026-10-01\""));
  EXPECT_EQ(body.find("<time datetime="), body.find("<time datetime=\"2026-09-28\""));
  EXPECT_NE(body.find("datetime=\"2026-11-01\""), std::string::npos);
  EXPECT_EQ(body.find("datetime=\"2026-11-02\""), std::string::npos);
  EXPECT_EQ(body.find("datetime=\"2026-09-27\""), std::string::npos);
  EXPECT_TRUE(has(cell(html, "2026-09-28"), "outside"));
  EXPECT_TRUE(lacks(cell(html, "2026-10-01"), "outside"));
  EXPECT_TRUE(has(cell(html, "2026-10-19"), "today"));
  EXPECT_TRUE(has(cell(html, "2026-10-19"), "lundi 19 octobre 2026"));
  EXPECT_TRUE(has(cell(html, "2026-10-19"), "Conseil"));
  EXPECT_TRUE(has(cell(html, "2026-10-20"), "no-events"));
  expect_safe(html, "month");
}

TEST(WebPagesMonth, MultiDayEventsAreInEveryDayTheyCoverAndSeriesAreExpanded) {
  Agenda agenda;
  agenda.add(make("ville", "congres", "Congrès de la participation", paris(2026, 10, 20, 18),
                  paris(2026, 10, 22, 12)));
  // Ending at midnight: the 23rd only.
  agenda.add(
      make("ville", "soiree", "Soirée débat", paris(2026, 10, 23, 20), paris(2026, 10, 24, 0)));
  core::Event weekly = make("asso", "permanence", "Permanence participative",
                            paris(2026, 10, 7, 17), paris(2026, 10, 7, 19));
  agenda.add_weekly(weekly, 6);  // 7, 14, 21, 28 October, 4 and 11 November
  const AgendaSnapshot& snapshot = agenda.snapshot();
  const WebPages pages = make_pages();
  const std::string html = month_page(pages, snapshot, 2026, 10);
  for (const char* date : {"2026-10-20", "2026-10-21", "2026-10-22"}) {
    EXPECT_TRUE(has(cell(html, date), "Congrès de la participation")) << date;
  }
  EXPECT_TRUE(lacks(cell(html, "2026-10-19"), "Congrès"));
  EXPECT_TRUE(lacks(cell(html, "2026-10-23"), "Congrès"));
  EXPECT_TRUE(has(cell(html, "2026-10-21"), "class=\"continued\""));
  EXPECT_TRUE(has(cell(html, "2026-10-20"), "18" + kNbsp + "h"));
  EXPECT_TRUE(has(cell(html, "2026-10-23"), "Soirée débat"));
  EXPECT_TRUE(lacks(cell(html, "2026-10-24"), "Soirée débat"));

  for (const char* date : {"2026-10-07", "2026-10-14", "2026-10-21", "2026-10-28", "2026-11-01"}) {
    SCOPED_TRACE(date);
    const bool wednesday = std::string(date) != "2026-11-01";
    EXPECT_EQ(cell(html, date).find("Permanence participative") != std::string::npos, wednesday);
  }
  EXPECT_EQ(occurrences_of(html, "Permanence participative"), 4);
  // Each occurrence links to itself.
  const std::string first_at = paris(2026, 10, 7, 17).key();
  EXPECT_TRUE(has(cell(html, "2026-10-07"), "href=\"/events/permanence?at=" + first_at + "\""));
  // Two more in the November grid.
  EXPECT_EQ(occurrences_of(month_page(pages, snapshot, 2026, 11), "Permanence participative"), 3)
      << "28 October (outside), 4 and 11 November";

  // The series' page lists its other dates; ?at= picks one.
  const std::string page = event_page(pages, snapshot, "permanence");
  EXPECT_TRUE(has(page, "Événement récurrent"));
  EXPECT_TRUE(has(page, "mercredi 21 octobre 2026, 17" + kNbsp + "h"));  // the next one
  EXPECT_TRUE(has(page, "Autres dates"));
  EXPECT_TRUE(has(page, "mercredi 11 novembre 2026"));
  const std::string picked =
      event_page(pages, snapshot, "permanence", paris(2026, 11, 4, 17).key());
  EXPECT_TRUE(has(between(picked, "<dd><time", "</time>"), "mercredi 4 novembre 2026"));
  expect_safe(page, "series page");
}

TEST(WebPagesMonth, PreviousAndNextMonthsAcrossAYearKeepTheFilter) {
  Agenda agenda;
  const WebPages pages = make_pages();
  const AgendaSnapshot& snapshot = agenda.snapshot();
  const std::string january = month_page(pages, snapshot, 2027, 1);
  EXPECT_TRUE(has(january, "<h1>janvier 2027</h1>"));
  EXPECT_TRUE(has(january, "rel=\"prev\" href=\"/month/2026-12\">← décembre 2026</a>"));
  EXPECT_TRUE(has(january, "rel=\"next\" href=\"/month/2027-02\">février 2027 →</a>"));
  EXPECT_TRUE(has(january, "Aucun événement ce mois-ci."));
  const std::string december =
      month_page(pages, snapshot, 2026, 12, ViewFilter{"ville-de-lyon", "", "", "vélo"});
  EXPECT_TRUE(has(december, "href=\"/month/2026-11?partner=ville-de-lyon&amp;q=v%C3%A9lo\""));
  EXPECT_TRUE(has(december, "href=\"/month/2027-01?partner=ville-de-lyon&amp;q=v%C3%A9lo\""));
  // 31 January 2027 is a Sunday: the grid ends on it.
  const std::string body = between(january, "<tbody>", "</tbody>");
  EXPECT_EQ(body.find("datetime=\"2027-02-01\""), std::string::npos);
  EXPECT_NE(body.find("datetime=\"2026-12-28\""), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The event page.

TEST(WebPagesEvent, ListsBothPartnersOfAMergedEventWithJsonLdAndCalendarLinks) {
  Agenda agenda;
  agenda.set_priority("ville", 10);
  agenda.set_priority("asso", 1);
  core::Event city = make("ville", "forum-ville", "Forum citoyen de la mobilité",
                          paris(2026, 11, 12, 18), paris(2026, 11, 12, 20), "Hôtel de Ville, Lyon");
  city.description = "Le forum annuel.\nEntrée libre.";
  city.url = "https://lyon.example/forum";
  city.categories = {"Mobilité"};
  core::Event asso = make("asso", "forum-asso", "Forum citoyen de la mobilité",
                          paris(2026, 11, 12, 18), paris(2026, 11, 12, 20), "Lyon");
  asso.url = "https://asso.example/forum";
  agenda.add(city);
  agenda.add(asso);
  const AgendaSnapshot& snapshot = agenda.snapshot();
  ASSERT_EQ(snapshot.agenda().merged.events.size(), 1u) << "the copies did not merge";
  const std::string uid = snapshot.agenda().merged.events[0].event.uid;
  EXPECT_EQ(uid, "forum-ville");
  const WebPages pages = make_pages();
  const std::string html = event_page(pages, snapshot, uid);

  EXPECT_EQ(occurrences_of(html, "<h1>"), 1);
  EXPECT_TRUE(has(html, "<h1>Forum citoyen de la mobilité</h1>"));
  EXPECT_TRUE(has(html, "<title>Forum citoyen de la mobilité · Agenda citoyen</title>"));
  const std::string sources = between(html, "<section class=\"sources\">", "</section>");
  EXPECT_TRUE(has(sources, "Ville de Lyon (Agenda de la ville)"));
  EXPECT_TRUE(has(sources, "Démocratie Ouverte (Agenda associatif)"));
  EXPECT_TRUE(has(sources, "href=\"https://lyon.example/forum\""));
  EXPECT_TRUE(has(sources, "href=\"https://asso.example/forum\""));
  // Both partners in the facts, linking to their filtered list.
  EXPECT_TRUE(has(html, "<a href=\"/?partner=ville-de-lyon\">Ville de Lyon</a>"));
  EXPECT_TRUE(has(html, "<a href=\"/?partner=democratie-ouverte\">Démocratie Ouverte</a>"));
  EXPECT_TRUE(has(html, "(<a href=\"https://lyon.example\">"));
  EXPECT_TRUE(has(html, "<a href=\"/?category=mobilite\">Mobilité</a>"));
  EXPECT_TRUE(has(html, "<p>Le forum annuel.</p>"));
  EXPECT_TRUE(has(html, "<p>Entrée libre.</p>"));
  EXPECT_TRUE(has(html,
                  "<link rel=\"canonical\" href=\"https://agenda.example/events/"
                  "forum-ville\">"));

  auto ld = json_ld(html);
  ASSERT_TRUE(ld);
  EXPECT_EQ(ld->getValue<std::string>("@context"), "https://schema.org");
  EXPECT_EQ(ld->getValue<std::string>("@type"), "Event");
  EXPECT_EQ(ld->getValue<std::string>("name"), "Forum citoyen de la mobilité");
  EXPECT_EQ(ld->getValue<std::string>("startDate"), "2026-11-12T18:00:00+01:00");
  EXPECT_EQ(ld->getValue<std::string>("endDate"), "2026-11-12T20:00:00+01:00");
  EXPECT_EQ(ld->getValue<std::string>("eventStatus"), "https://schema.org/EventScheduled");
  EXPECT_EQ(ld->getValue<std::string>("eventAttendanceMode"),
            "https://schema.org/OfflineEventAttendanceMode");
  EXPECT_EQ(ld->getObject("location")->getValue<std::string>("@type"), "Place");
  EXPECT_EQ(ld->getObject("location")->getValue<std::string>("name"), "Hôtel de Ville, Lyon");
  EXPECT_EQ(ld->getValue<std::string>("description"), "Le forum annuel.\nEntrée libre.");
  EXPECT_EQ(ld->getArray("organizer")->size(), 2u);
  EXPECT_EQ(ld->getArray("organizer")->getObject(0)->getValue<std::string>("name"),
            "Ville de Lyon");

  // Add to my calendar.
  const std::string add = between(html, "<section class=\"add\">", "</section>");
  EXPECT_TRUE(has(add, "href=\"/events/forum-ville/event.ics\""));
  EXPECT_TRUE(has(add,
                  "href=\"https://calendar.google.com/calendar/render?action=TEMPLATE"
                  "&amp;text=Forum%20citoyen%20de%20la%20mobilit%C3%A9&amp;dates="
                  "20261112T170000Z%2F20261112T190000Z"));
  EXPECT_TRUE(has(add, "href=\"https://outlook.live.com/calendar/0/action/compose?"));
  EXPECT_TRUE(has(add, "startdt=2026-11-12T17%3A00%3A00Z"));
  // A map for a physical place.
  EXPECT_TRUE(has(html,
                  "href=\"https://www.openstreetmap.org/search?query="
                  "H%C3%B4tel%20de%20Ville%2C%20Lyon\""));
  EXPECT_TRUE(has(html, "Voir sur la carte"));
  expect_safe(html, "event");
}

TEST(WebPagesEvent, AnOnlineEventHasNoMapAndACancelledOneSaysSo) {
  Agenda agenda;
  core::Event online = make("asso", "visio", "Webinaire budget participatif",
                            paris(2026, 11, 3, 18), paris(2026, 11, 3, 19), "En ligne");
  agenda.add(online);
  core::Event link = make("asso", "zoom", "Atelier à distance", paris(2026, 11, 4, 18),
                          paris(2026, 11, 4, 19), "https://zoom.example/j/123");
  agenda.add(link);
  core::Event cancelled =
      make("ville", "annule", "Balade urbaine", paris(2026, 11, 5, 10), paris(2026, 11, 5, 12));
  cancelled.status = core::EventStatus::kCancelled;
  agenda.add(cancelled);
  const AgendaSnapshot& snapshot = agenda.snapshot();
  const WebPages pages = make_pages();

  const std::string html = event_page(pages, snapshot, "visio");
  EXPECT_TRUE(has(html, "En ligne"));
  EXPECT_TRUE(lacks(html, "openstreetmap"));
  EXPECT_TRUE(lacks(html, "Voir sur la carte"));
  auto ld = json_ld(html);
  ASSERT_TRUE(ld);
  EXPECT_EQ(ld->getValue<std::string>("eventAttendanceMode"),
            "https://schema.org/OnlineEventAttendanceMode");
  EXPECT_EQ(ld->getObject("location")->getValue<std::string>("@type"), "VirtualLocation");

  const std::string zoom = event_page(pages, snapshot, "zoom");
  EXPECT_TRUE(has(zoom, "<a href=\"https://zoom.example/j/123\">"));
  EXPECT_TRUE(lacks(zoom, "openstreetmap"));

  const std::string gone = event_page(pages, snapshot, "annule");
  EXPECT_TRUE(has(gone, "<h1><span class=\"badge badge-cancelled\">Annulé</span> Balade"));
  ld = json_ld(gone);
  ASSERT_TRUE(ld);
  EXPECT_EQ(ld->getValue<std::string>("eventStatus"), "https://schema.org/EventCancelled");
  EXPECT_TRUE(has(index_page(pages, snapshot), "class=\"event cancelled\""));
}

TEST(WebPagesEvent, UnknownUidsAreNoPage) {
  Agenda agenda;
  agenda.add(make("ville", "a", "Conseil", paris(2026, 10, 19, 18), paris(2026, 10, 19, 20)));
  const WebPages pages = make_pages();
  auto page = pages.event(agenda.snapshot(), "nope", "", kNow);
  ASSERT_TRUE(page) << page.error();
  EXPECT_FALSE(page->has_value());
  // A past event still has its page.
  auto past = pages.event(agenda.snapshot(), "a", "", paris(2027, 1, 1, 0).utc);
  ASSERT_TRUE(past);
  ASSERT_TRUE(past->has_value());
  EXPECT_TRUE(has(**past, "lundi 19 octobre 2026"));
}

// ---------------------------------------------------------------------------------------------
// Filters.

class WebPagesFilter : public ::testing::Test {
 protected:
  void SetUp() override {
    core::Event election =
        make("ville", "election", "Élection du conseil de quartier", paris(2026, 10, 20, 18),
             paris(2026, 10, 20, 20), "Mairie du 3e, Lyon");
    election.categories = {"Démocratie locale"};
    agenda_.add(election);
    core::Event budget =
        make("asso", "budget", "Atelier budget participatif", paris(2026, 10, 21, 18),
             paris(2026, 10, 21, 20), "Maison des associations, Villeurbanne");
    budget.categories = {"Budget participatif"};
    budget.description = "Venez proposer vos projets.";
    agenda_.add(budget);
    agenda_.add(make("asso", "balade", "Balade urbaine", paris(2026, 10, 22, 10),
                     paris(2026, 10, 22, 12), "Place Bellecour, Lyon"));
  }
  std::vector<std::string> titles(const ViewFilter& filter) {
    const std::string html = index_page(pages_, agenda_.snapshot(), filter);
    std::vector<std::string> found;
    for (const char* title : {"Élection du conseil", "Atelier budget", "Balade urbaine"}) {
      if (html.find(std::string(title)) != std::string::npos) found.push_back(title);
    }
    return found;
  }

  Agenda agenda_;
  WebPages pages_ = make_pages();
};

TEST_F(WebPagesFilter, ByPartnerCategoryPlaceAndWords) {
  using ::testing::ElementsAre;
  EXPECT_THAT(titles({}), ElementsAre("Élection du conseil", "Atelier budget", "Balade urbaine"));
  EXPECT_THAT(titles({"ville-de-lyon", "", "", ""}), ElementsAre("Élection du conseil"));
  EXPECT_THAT(titles({"democratie-ouverte", "", "", ""}),
              ElementsAre("Atelier budget", "Balade urbaine"));
  EXPECT_THAT(titles({"", "democratie-locale", "", ""}), ElementsAre("Élection du conseil"));
  EXPECT_THAT(titles({"", "budget-participatif", "", ""}), ElementsAre("Atelier budget"));
  EXPECT_THAT(titles({"", "", "lyon", ""}), ElementsAre("Élection du conseil", "Balade urbaine"));
  EXPECT_THAT(titles({"", "", "VILLEURBANNE", ""}), ElementsAre("Atelier budget"));
  // Accents and case do not matter.
  EXPECT_THAT(titles({"", "", "", "ELECTION"}), ElementsAre("Élection du conseil"));
  EXPECT_THAT(titles({"", "", "", "élection"}), ElementsAre("Élection du conseil"));
  EXPECT_THAT(titles({"", "", "", "LOCALE"}), ElementsAre("Élection du conseil"));  // category
  // Partner names are searched too.
  EXPECT_THAT(titles({"", "", "", "démocratie ouverte"}),
              ElementsAre("Atelier budget", "Balade urbaine"));
  EXPECT_THAT(titles({"", "", "", "projets"}), ElementsAre("Atelier budget"));
  // Every word must match.
  EXPECT_THAT(titles({"", "", "", "balade lyon"}), ElementsAre("Balade urbaine"));
  EXPECT_THAT(titles({"", "", "", "balade villeurbanne"}), ElementsAre());
  // Filters combine.
  EXPECT_THAT(titles({"democratie-ouverte", "", "lyon", ""}), ElementsAre("Balade urbaine"));
}

TEST_F(WebPagesFilter, AnUnknownSlugGivesTheEmptyListMessage) {
  for (const ViewFilter& filter :
       {ViewFilter{"nobody", "", "", ""}, ViewFilter{"", "no-such-category", "", ""},
        ViewFilter{"", "", "", "introuvable"}}) {
    const std::string html = index_page(pages_, agenda_.snapshot(), filter);
    EXPECT_TRUE(has(html, "Aucun événement à venir ne correspond."));
    EXPECT_EQ(occurrences_of(html, "<h4>"), 0);
    EXPECT_TRUE(has(html, "Tout afficher"));  // the way back
  }
}

TEST_F(WebPagesFilter, TheFormShowsTheCurrentChoicesAndTheMonthFilters) {
  const std::string html =
      index_page(pages_, agenda_.snapshot(),
                 ViewFilter{"ville-de-lyon", "democratie-locale", "Mairie", "élection"});
  EXPECT_TRUE(has(html, "<option value=\"ville-de-lyon\" selected>Ville de Lyon</option>"));
  EXPECT_TRUE(has(html, "<option value=\"democratie-ouverte\">Démocratie Ouverte</option>"));
  EXPECT_TRUE(has(html, "<option value=\"democratie-locale\" selected>Démocratie locale</option>"));
  EXPECT_TRUE(has(html, "value=\"Mairie\""));
  EXPECT_TRUE(has(html, "value=\"élection\""));
  EXPECT_TRUE(has(html,
                  "href=\"/subscribe?partner=ville-de-lyon&amp;category=democratie-"
                  "locale&amp;place=Mairie&amp;q=%C3%A9lection\""));
  const std::string month = month_page(pages_, agenda_.snapshot(), 2026, 10,
                                       ViewFilter{"democratie-ouverte", "", "", ""});
  EXPECT_TRUE(has(cell(month, "2026-10-21"), "Atelier budget"));
  EXPECT_TRUE(lacks(cell(month, "2026-10-20"), "Élection"));
  auto subscribe = pages_.subscribe(agenda_.snapshot(), ViewFilter{"ville-de-lyon", "", "", ""});
  ASSERT_TRUE(subscribe);
  EXPECT_TRUE(
      has(*subscribe, "value=\"https://agenda.example/calendar.ics?partner=ville-de-lyon\""));
  EXPECT_TRUE(has(*subscribe, "webcal://agenda.example/calendar.ics?partner=ville-de-lyon"));
  EXPECT_TRUE(has(*subscribe, "Cette sélection"));
  EXPECT_EQ(labelled_controls(*subscribe), 2);  // this selection's address, the whole agenda's
  expect_safe(*subscribe, "subscribe");
}

// ---------------------------------------------------------------------------------------------
// Escaping.

const char* const kScript = "<script>alert(1)</script>";
const char* const kImage = "\"><img src=x onerror=alert(1)>";
const char* const kQuote = "' onmouseover='x";

class WebPagesEscaping : public ::testing::Test {
 protected:
  void SetUp() override {
    agenda_.add_feed(Agenda::feed("hostile", kImage, kScript, "javascript:alert(1)"));
    agenda_.add_feed(Agenda::feed("quotes", kQuote, kQuote, "https://ok.example/"));
    core::Event event =
        make("hostile", "evil", kScript, paris(2026, 10, 20, 18), paris(2026, 10, 20, 20), kImage);
    event.description = std::string("Avant</script><script>alert(1)</script> ") + kImage + "\n" +
                        kQuote + " & <!-- -->";
    event.url = "javascript:alert(1)";
    event.categories = {kQuote, kScript};
    agenda_.add(event);
    core::Event quoted = make("quotes", "q'uote\"<x>", kQuote, paris(2026, 10, 21, 18),
                              paris(2026, 10, 21, 20), kQuote);
    quoted.categories = {kImage};
    quoted.description = kScript;
    agenda_.add(quoted);
    core::Event series = make("hostile", "evil-series", kImage, paris(2026, 10, 22, 18),
                              paris(2026, 10, 22, 19), kScript);
    agenda_.add_weekly(series, 3);
  }

  Agenda agenda_;
  WebPages pages_ = make_pages();
};

TEST_F(WebPagesEscaping, NoPageLetsPartnerTextBecomeMarkupOrScript) {
  const AgendaSnapshot& snapshot = agenda_.snapshot();
  ASSERT_EQ(snapshot.agenda().merged.events.size(), 3u);
  std::vector<std::pair<std::string, std::string>> all;
  all.emplace_back("index", index_page(pages_, snapshot));
  const ViewFilter hostile_filter{kScript, kImage, kQuote, kScript};
  all.emplace_back("index filtered", index_page(pages_, snapshot, hostile_filter));
  all.emplace_back("index by quote", index_page(pages_, snapshot, ViewFilter{"", "", kQuote, ""}));
  all.emplace_back("month", month_page(pages_, snapshot, 2026, 10));
  all.emplace_back("month filtered", month_page(pages_, snapshot, 2026, 10, hostile_filter));
  all.emplace_back("event", event_page(pages_, snapshot, "evil"));
  all.emplace_back("quoted event", event_page(pages_, snapshot, "q'uote\"<x>"));
  all.emplace_back("series", event_page(pages_, snapshot, "evil-series"));
  all.emplace_back("series at",
                   event_page(pages_, snapshot, "evil-series", paris(2026, 10, 29, 18).key()));
  auto subscribe = pages_.subscribe(snapshot, {});
  ASSERT_TRUE(subscribe);
  all.emplace_back("subscribe", *subscribe);
  auto subscribe_filtered = pages_.subscribe(snapshot, hostile_filter);
  ASSERT_TRUE(subscribe_filtered);
  all.emplace_back("subscribe filtered", *subscribe_filtered);
  auto error = pages_.error_page(400, std::string("q: ") + kScript + kImage);
  ASSERT_TRUE(error);
  all.emplace_back("error", *error);
  for (const auto& [name, html] : all) {
    ASSERT_FALSE(html.empty()) << name;
    expect_safe(html, name);
    EXPECT_TRUE(lacks(html, "javascript:")) << name;
    // Outside the JSON-LD data, a quote of partner text is always escaped.
    EXPECT_TRUE(lacks(without_scripts(html), "onmouseover='")) << name;
    EXPECT_TRUE(lacks(without_scripts(html), "onerror=alert(1)>")) << name;
  }
  // The text is there, escaped.
  const std::string& index = all[0].second;
  EXPECT_TRUE(has(index, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(has(index, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_TRUE(has(index, "&apos; onmouseover=&apos;x"));
  const std::string& event = all[5].second;
  EXPECT_TRUE(has(event, "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
  EXPECT_TRUE(has(event, "Avant&lt;/script&gt;&lt;script&gt;"));
  // The partner's javascript: URL and website are not links.
  EXPECT_TRUE(lacks(event, "Plus d'infos"));
  EXPECT_TRUE(lacks(event, "page de l&apos;événement"));
}

TEST_F(WebPagesEscaping, TheJsonLdBlockHoldsTheTextAndCannotBeClosed) {
  const std::string html = event_page(pages_, agenda_.snapshot(), "evil");
  // One <script> opened, one closed: the description did not close it.
  EXPECT_EQ(occurrences_of(lower(html), "<script"), 1);
  EXPECT_EQ(occurrences_of(lower(html), "</script"), 1);
  const std::string block = between(html, "<script type=\"application/ld+json\">", "</script>");
  EXPECT_EQ(block.find('<', 1), std::string::npos) << block;
  auto ld = json_ld(html);
  ASSERT_TRUE(ld);
  EXPECT_EQ(ld->getValue<std::string>("name"), kScript);
  EXPECT_EQ(ld->getValue<std::string>("description"),
            std::string("Avant</script><script>alert(1)</script> ") + kImage + "\n" + kQuote +
                " & <!-- -->");
  EXPECT_EQ(ld->getObject("location")->getValue<std::string>("name"), kImage);
  // Not the partner's javascript: URL: our page.
  EXPECT_EQ(ld->getValue<std::string>("url"), "https://agenda.example/events/evil");
  auto organizer = ld->getArray("organizer")->getObject(0);
  EXPECT_EQ(organizer->getValue<std::string>("name"), kScript);
  EXPECT_FALSE(organizer->has("url"));
}

TEST(WebPagesMustache, PartnerTextThatLooksLikeATemplateIsShownAsItIs) {
  Agenda agenda;
  core::Event event = make("ville", "tpl", "{{site.title}} {{#t}}x{{/t}}", paris(2026, 10, 20, 18),
                           paris(2026, 10, 20, 20), "{{{content}}}");
  event.description = "{{t.back}} {{> layout.mustache}} {{=<% %>=}}";
  agenda.add(event);
  const AgendaSnapshot& snapshot = agenda.snapshot();
  const WebPages pages = make_pages();
  for (const std::string& html : {index_page(pages, snapshot), event_page(pages, snapshot, "tpl"),
                                  month_page(pages, snapshot, 2026, 10)}) {
    EXPECT_TRUE(has(html, "{{site.title}} {{#t}}x{{/t}}"));
  }
  // The place, where it is shown.
  EXPECT_TRUE(has(index_page(pages, snapshot), "{{{content}}}"));
  EXPECT_TRUE(has(event_page(pages, snapshot, "tpl"), "{{{content}}}"));
  const std::string page = event_page(pages, snapshot, "tpl");
  EXPECT_TRUE(has(page, "<p>{{t.back}} {{&gt; layout.mustache}} {{=&lt;% %&gt;=}}</p>"));
  expect_safe(page, "template-like text");
}

TEST_F(WebPagesEscaping, UrlsMadeOfPartnerTextArePercentEncoded) {
  const std::string html = event_page(pages_, agenda_.snapshot(), "q'uote\"<x>");
  EXPECT_TRUE(has(html, "href=\"/events/q%27uote%22%3Cx%3E/event.ics\""));
  EXPECT_TRUE(has(html, "https://agenda.example/events/q%27uote%22%3Cx%3E"));
  EXPECT_TRUE(has(html, "query=%27%20onmouseover%3D%27x"));
  const std::string index = index_page(pages_, agenda_.snapshot());
  EXPECT_TRUE(has(index, "href=\"/events/q%27uote%22%3Cx%3E\""));
}

// ---------------------------------------------------------------------------------------------
// Deduplication output the pages must show right.

TEST(WebPagesSources, ASourceWithoutItsOwnLinkDoesNotBorrowTheEventsLink) {
  Agenda agenda;
  agenda.set_priority("ville", 10);
  agenda.set_priority("asso", 1);
  core::Event city = make("ville", "forum-ville", "Forum citoyen de la mobilité",
                          paris(2026, 11, 12, 18), paris(2026, 11, 12, 20), "Hôtel de Ville, Lyon");
  city.url = "https://lyon.example/forum";
  core::Event asso = make("asso", "forum-asso", "Forum citoyen de la mobilité",
                          paris(2026, 11, 12, 18), paris(2026, 11, 12, 20), "Lyon");
  agenda.add(city);
  agenda.add(asso);  // no URL of its own
  const AgendaSnapshot& snapshot = agenda.snapshot();
  ASSERT_EQ(snapshot.agenda().merged.events.size(), 1u);
  const WebPages pages = make_pages();
  const std::string html = event_page(pages, snapshot, "forum-ville");
  const std::string sources = between(html, "<section class=\"sources\">", "</section>");
  const std::string asso_line = between(sources, "<li>Démocratie Ouverte", "</li>");
  ASSERT_FALSE(asso_line.empty()) << sources;
  // The association's copy has no page: no "page de l'événement" link on its line.
  EXPECT_TRUE(lacks(asso_line, "href=")) << asso_line;
  EXPECT_EQ(occurrences_of(sources, "https://lyon.example/forum"), 1) << sources;
}

TEST(WebPagesSources, AnotherFeedsCopyOfOneOccurrenceOfASeriesShowsOnThatDateOnly) {
  Agenda agenda;
  agenda.set_priority("ville", 10);
  agenda.set_priority("asso", 1);
  core::Event series =
      make("ville", "permanence", "Permanence participative", paris(2026, 10, 21, 17),
           paris(2026, 10, 21, 19), "Maison de quartier, Lyon");
  series.url = "https://lyon.example/permanences";
  agenda.add_weekly(series, 4);  // 21, 28 October, 4, 11 November
  core::Event single = make("asso", "one", "Permanence participative", paris(2026, 10, 28, 17),
                            paris(2026, 10, 28, 19), "Lyon");
  single.description = "On parlera du budget participatif.";
  single.url = "https://asso.example/permanence";
  agenda.add(single);
  const AgendaSnapshot& snapshot = agenda.snapshot();
  ASSERT_EQ(snapshot.agenda().merged.events.size(), 2u) << "the series and one override";
  const WebPages pages = make_pages();

  const std::string index = index_page(pages, snapshot);
  EXPECT_EQ(occurrences_of(index, "Permanence participative</a></h4>"), 4);
  const std::string day28 = day_section(index, "2026-10-28");
  EXPECT_TRUE(has(day28, "Démocratie Ouverte")) << day28;
  EXPECT_TRUE(lacks(day_section(index, "2026-10-21"), "Démocratie Ouverte"));
  // The 28th links to the series' page for that date.
  const std::string at28 = paris(2026, 10, 28, 17).key();
  EXPECT_TRUE(has(day28, "href=\"/events/permanence?at=" + at28 + "\""));

  const std::string page = event_page(pages, snapshot, "permanence", at28);
  EXPECT_TRUE(has(page, "mercredi 28 octobre 2026, 17" + kNbsp + "h"));
  EXPECT_TRUE(has(page, "<p>On parlera du budget participatif.</p>"));
  const std::string sources = between(page, "<section class=\"sources\">", "</section>");
  EXPECT_TRUE(has(sources, "Ville de Lyon"));
  EXPECT_TRUE(has(sources, "Démocratie Ouverte"));
  const std::string city_line = between(sources, "<li>Ville de Lyon", "</li>");
  ASSERT_FALSE(city_line.empty()) << sources;
  EXPECT_TRUE(lacks(city_line, "asso.example")) << city_line;
  EXPECT_TRUE(has(between(sources, "<li>Démocratie Ouverte", "</li>"),
                  "href=\"https://asso.example/permanence\""));
  const std::string other = event_page(pages, snapshot, "permanence");
  EXPECT_TRUE(has(other, "mercredi 21 octobre 2026, 17" + kNbsp + "h"));
  EXPECT_TRUE(
      lacks(between(other, "<section class=\"sources\">", "</section>"), "Démocratie Ouverte"));
  EXPECT_TRUE(lacks(other, "On parlera du budget"));
  // The unknown recurrence key shows the next occurrence.
  EXPECT_TRUE(has(event_page(pages, snapshot, "permanence", "20990101T000000Z"),
                  "mercredi 21 octobre 2026, 17" + kNbsp + "h"));
}

TEST(WebPagesSources, TheSeriesSourceOfOneOccurrenceShowsTheSeriesTitleAndLink) {
  Agenda agenda;
  agenda.set_priority("ville", 10);
  agenda.set_priority("asso", 1);
  core::Event series =
      make("ville", "permanence", "Permanence participative", paris(2026, 10, 21, 17),
           paris(2026, 10, 21, 19), "Maison de quartier, Lyon");
  series.url = "https://lyon.example/permanences";
  agenda.add_weekly(series, 4);
  core::Event single = make("asso", "one", "Permanence participative", paris(2026, 10, 28, 17),
                            paris(2026, 10, 28, 19), "Lyon");
  single.url = "https://asso.example/permanence";
  agenda.add(single);
  const AgendaSnapshot& snapshot = agenda.snapshot();
  const WebPages pages = make_pages();
  const std::string page = event_page(pages, snapshot, "permanence", paris(2026, 10, 28, 17).key());
  const std::string sources = between(page, "<section class=\"sources\">", "</section>");
  // The city announced this date in its series: its line names the series' title and links to
  // the series' page, as the association's line does for its own copy.
  const std::string city_line = between(sources, "<li>Ville de Lyon", "</li>");
  ASSERT_FALSE(city_line.empty()) << sources;
  EXPECT_TRUE(has(city_line, "« Permanence participative »")) << city_line;
  EXPECT_TRUE(has(city_line, "href=\"https://lyon.example/permanences\"")) << city_line;
  EXPECT_TRUE(
      has(between(sources, "<li>Démocratie Ouverte", "</li>"), "« Permanence participative »"));
}

// ---------------------------------------------------------------------------------------------
// Another site zone.

TEST(WebPagesZones, InASiteWestOfUtcDaysAreListedInOrderAndOnce) {
  Agenda agenda;
  const auto montreal = [](int d, int h, int m = 0) {
    return timed("America/Montreal", at(2026, 10, d, h, m));
  };
  agenda.add(make("ville", "soir", "Soirée du 20", montreal(20, 20, 30), montreal(20, 22)));
  agenda.add(make("ville", "jour", "Journée du 21", day(2026, 10, 21), day(2026, 10, 22)));
  agenda.add(make("ville", "matin", "Matinée du 21", montreal(21, 10), montreal(21, 11)));
  const AgendaSnapshot& snapshot = agenda.snapshot("America/Montreal");
  const WebPages pages = make_pages();
  const std::string html =
      index_page(pages, snapshot, {}, 1, montreal(20, 8).utc);  // the 20th, 08:00 in Montreal
  EXPECT_EQ(occurrences_of(html, "<h3><time datetime=\"2026-10-20\">"), 1) << html;
  EXPECT_EQ(occurrences_of(html, "<h3><time datetime=\"2026-10-21\">"), 1);
  EXPECT_LT(html.find("<h3><time datetime=\"2026-10-20\">"),
            html.find("<h3><time datetime=\"2026-10-21\">"));
  EXPECT_TRUE(has(day_section(html, "2026-10-20"), "Soirée du 20"));
  EXPECT_TRUE(has(day_section(html, "2026-10-21"), "Journée du 21"));
  EXPECT_TRUE(has(day_section(html, "2026-10-21"), "Matinée du 21"));
  EXPECT_TRUE(has(day_section(html, "2026-10-20"), "20" + kNbsp + "h" + kNbsp + "30"));
}

// ---------------------------------------------------------------------------------------------
// The ends of the calendar.

TEST(WebPagesMonth, TheFirstAndLastServableMonthsLinkOnlyToServableMonths) {
  Agenda agenda;
  const WebPages pages = make_pages();
  const AgendaSnapshot& snapshot = agenda.snapshot();
  // /month/YYYY-MM takes years 1000 to 9999 (server/page_requests.h): a link outside answers 404.
  const std::string first = month_page(pages, snapshot, 1000, 1);
  EXPECT_TRUE(lacks(first, "href=\"/month/0999-12\""));
  const std::string last = month_page(pages, snapshot, 9999, 12);
  EXPECT_TRUE(lacks(last, "href=\"/month/10000-01\""));
}

// ---------------------------------------------------------------------------------------------
// Regressions.

// An override (RECURRENCE-ID) whose series no feed carries: normalize stores its occurrence
// without a RECURRENCE-ID. It is listed on its date and kept by the filtered calendars.
TEST(WebPagesRegression, AnOverrideWhoseSeriesIsNotStoredIsListedAndInItsFilteredCalendars) {
  Agenda agenda;
  core::Event moved =
      make("asso", "permanence-moved", "Permanence déplacée", paris(2026, 10, 29, 18),
           paris(2026, 10, 29, 20), "Maison des associations, Villeurbanne");
  moved.recurrence_id = paris(2026, 10, 28, 17);  // another day than its own start
  moved.categories = {"Budget participatif"};
  agenda.add(moved);
  core::Event other = make("ville", "conseil", "Conseil municipal", paris(2026, 10, 30, 18),
                           paris(2026, 10, 30, 20));
  other.categories = {"Démocratie locale"};
  agenda.add(other);
  const AgendaSnapshot& snapshot = agenda.snapshot();
  ASSERT_EQ(snapshot.agenda().merged.events.size(), 2u);
  const WebPages pages = make_pages();

  const std::string index = index_page(pages, snapshot);
  EXPECT_TRUE(has(day_section(index, "2026-10-29"), "Permanence déplacée")) << index;
  EXPECT_TRUE(has(day_section(index, "2026-10-30"), "Conseil municipal"));
  EXPECT_TRUE(lacks(day_section(index, "2026-10-28"), "Permanence déplacée"));
  EXPECT_TRUE(has(index_page(pages, snapshot, ViewFilter{"", "budget-participatif", "", ""}),
                  "Permanence déplacée"));

  // What /calendar.ics?category= and ?partner= write.
  const auto uids = [&](const ViewFilter& filter) {
    std::vector<std::string> out;
    for (const dedup::MergedEvent& event : snapshot.entries(filter)) out.push_back(event.event.uid);
    return out;
  };
  EXPECT_THAT(uids(ViewFilter{"", "budget-participatif", "", ""}),
              ::testing::ElementsAre("permanence-moved"));
  EXPECT_THAT(uids(ViewFilter{"democratie-ouverte", "", "", ""}),
              ::testing::ElementsAre("permanence-moved"));
  EXPECT_THAT(uids(ViewFilter{"ville-de-lyon", "", "", ""}), ::testing::ElementsAre("conseil"));
  EXPECT_THAT(uids(ViewFilter{"", "democratie-locale", "", ""}), ::testing::ElementsAre("conseil"));
}

// An exhibition of twenty years beside an ordinary event: both are where they belong on the
// list and in the month grids.
TEST(WebPagesRegression, ATwentyYearEventIsUnderTodayAndInMonthGridsBesideANormalOne) {
  Agenda agenda;
  agenda.add(make("ville", "expo", "Exposition permanente", day(2020, 1, 1), day(2040, 1, 1)));
  agenda.add(make("asso", "conseil", "Conseil de quartier", paris(2026, 11, 12, 18),
                  paris(2026, 11, 12, 20)));
  const AgendaSnapshot& snapshot = agenda.snapshot();
  const WebPages pages = make_pages();

  const std::string index = index_page(pages, snapshot);
  EXPECT_TRUE(has(index, "2 événements"));
  EXPECT_EQ(occurrences_of(index, "Exposition permanente</a></h4>"), 1);
  EXPECT_TRUE(has(day_section(index, "2026-10-19"), "Exposition permanente"));
  EXPECT_TRUE(lacks(day_section(index, "2026-10-19"), "Conseil de quartier"));
  EXPECT_TRUE(has(day_section(index, "2026-11-12"), "Conseil de quartier"));
  EXPECT_TRUE(lacks(day_section(index, "2026-11-12"), "Exposition permanente"));
  EXPECT_LT(index.find("Exposition permanente"), index.find("Conseil de quartier"));
  // Filtered by the ordinary event's partner: the exhibition is not there.
  const std::string asso =
      index_page(pages, snapshot, ViewFilter{"democratie-ouverte", "", "", ""});
  EXPECT_TRUE(has(asso, "Conseil de quartier"));
  EXPECT_TRUE(lacks(asso, "Exposition permanente"));

  const std::string november = month_page(pages, snapshot, 2026, 11);
  EXPECT_EQ(occurrences_of(november, "Conseil de quartier"), 1);
  EXPECT_TRUE(has(cell(november, "2026-11-12"), "Conseil de quartier"));
  EXPECT_TRUE(has(cell(november, "2026-11-12"), "Exposition permanente"));
  EXPECT_TRUE(lacks(cell(november, "2026-11-13"), "Conseil de quartier"));
  for (const char* date : {"2026-11-01", "2026-11-13", "2026-11-30"}) {
    EXPECT_TRUE(has(cell(november, date), "Exposition permanente")) << date;
  }
  const std::string first = month_page(pages, snapshot, 2020, 1);
  EXPECT_TRUE(has(cell(first, "2020-01-01"), "Exposition permanente"));
  EXPECT_TRUE(lacks(cell(first, "2019-12-31"), "Exposition permanente"));
  const std::string last = month_page(pages, snapshot, 2039, 12);
  EXPECT_TRUE(has(cell(last, "2039-12-31"), "Exposition permanente"));
  const std::string after = month_page(pages, snapshot, 2040, 1);
  EXPECT_TRUE(lacks(cell(after, "2040-01-01"), "Exposition permanente"));
  EXPECT_TRUE(has(after, "Aucun événement ce mois-ci."));
}

// A category of punctuation has no slug: no link to "/" (the unfiltered list) from it.
TEST(WebPagesRegression, ACategoryMadeOnlyOfPunctuationMakesNoCategoryLink) {
  Agenda agenda;
  core::Event alone =
      make("ville", "alone", "Conseil", paris(2026, 10, 20, 18), paris(2026, 10, 20, 20));
  alone.categories = {"!!!"};
  agenda.add(alone);
  core::Event both =
      make("ville", "both", "Atelier", paris(2026, 10, 21, 18), paris(2026, 10, 21, 20));
  both.categories = {"!!!", "Mobilité"};
  agenda.add(both);
  const AgendaSnapshot& snapshot = agenda.snapshot();
  const WebPages pages = make_pages();

  const std::string page = event_page(pages, snapshot, "alone");
  EXPECT_TRUE(lacks(page, ">!!!</a>"));
  EXPECT_TRUE(lacks(page, "<ul class=\"tags\">"));
  EXPECT_TRUE(lacks(page, "<dt>Catégorie</dt>"));  // has_categories is false
  const std::string other = event_page(pages, snapshot, "both");
  EXPECT_TRUE(has(other, "<dt>Catégorie</dt>"));
  EXPECT_TRUE(has(other,
                  "<ul class=\"tags\"><li><a href=\"/?category=mobilite\">Mobilité</a>"
                  "</li></ul>"));
  EXPECT_TRUE(lacks(other, ">!!!</a>"));

  const std::string index = index_page(pages, snapshot);
  EXPECT_TRUE(lacks(index, ">!!!</a>"));
  EXPECT_EQ(occurrences_of(index, "<ul class=\"tags\">"), 1);
  EXPECT_TRUE(lacks(day_section(index, "2026-10-20"), "<ul class=\"tags\">"));
}

TEST(WebPagesRegression, AnEmptySummaryIsADashInTheTitleAndTheJsonLd) {
  Agenda agenda;
  agenda.add(make("ville", "untitled", "", paris(2026, 10, 20, 18), paris(2026, 10, 20, 20)));
  const WebPages pages = make_pages();
  const std::string page = event_page(pages, agenda.snapshot(), "untitled");
  EXPECT_TRUE(has(page, "<title>— · Agenda citoyen</title>"));
  const auto ld = json_ld(page);
  ASSERT_TRUE(ld);
  EXPECT_EQ(ld->getValue<std::string>("name"), "—");
}

// A floating time (no zone) is a wall time of the site's zone: the add-to-calendar links give
// its instant in Paris, not the wall time read in the visitor's zone.
TEST(WebPagesRegression, AFloatingTimeIsAParisWallTimeInTheAddToCalendarLinks) {
  const auto floating = [](const core::LocalDateTime& local) {
    core::EventTime time;
    time.local = local;
    time.utc = core::seconds_from_civil(local);  // the wall time read as UTC
    return time;
  };
  Agenda agenda;
  core::Event event = make("ville", "flottant", "Conseil", floating(at(2026, 11, 12, 18)),
                           floating(at(2026, 11, 12, 20)));
  ASSERT_TRUE(event.start.floating());
  agenda.add(event);
  const WebPages pages = make_pages();
  const std::string page = event_page(pages, agenda.snapshot(), "flottant");
  const std::string add = between(page, "<section class=\"add\">", "</section>");
  // 18:00 in Paris on 12 November (UTC+1) is 17:00 UTC.
  EXPECT_TRUE(has(add,
                  "href=\"https://calendar.google.com/calendar/render?action=TEMPLATE"
                  "&amp;text=Conseil&amp;dates=20261112T170000Z%2F20261112T190000Z"
                  "&amp;ctz=Europe%2FParis&amp;"));
  EXPECT_TRUE(has(add, "startdt=2026-11-12T17%3A00%3A00Z"));
  EXPECT_TRUE(has(add, "enddt=2026-11-12T19%3A00%3A00Z"));
}

}  // namespace
}  // namespace concerto::render
