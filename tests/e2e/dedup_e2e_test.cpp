// End to end: deduplication across partners with the real binary, a real partner web server on
// 127.0.0.1 and a real SQLite file: merged UIDs that hold, SEQUENCE, vanished events, decisions.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/feed_server.h"
#include "support/http_get.h"
#include "support/process.h"

namespace concerto {
namespace {

namespace fs = std::filesystem;
using testing::count;
using testing::FeedServer;
using testing::run_concerto;
using testing::write_file;

struct VEvent {
  std::string uid;
  std::string summary;
  std::string start;  // "20270310T180000" in Europe/Paris
  std::string location;
  std::string description;
};

std::string calendar(const std::vector<VEvent>& events) {
  std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Partner//FR\r\n";
  for (const VEvent& event : events) {
    text += "BEGIN:VEVENT\r\nUID:" + event.uid + "\r\nDTSTAMP:20261101T000000Z\r\n" +
            "DTSTART;TZID=Europe/Paris:" + event.start +
            "\r\nDURATION:PT2H\r\nSUMMARY:" + event.summary + "\r\n";
    if (!event.location.empty()) text += "LOCATION:" + event.location + "\r\n";
    if (!event.description.empty()) text += "DESCRIPTION:" + event.description + "\r\n";
    text += "END:VEVENT\r\n";
  }
  return text + "END:VCALENDAR\r\n";
}

// The VEVENT blocks of an ICS text.
std::vector<std::string> vevents(const std::string& ics) {
  std::vector<std::string> blocks;
  for (auto at = ics.find("BEGIN:VEVENT"); at != std::string::npos;
       at = ics.find("BEGIN:VEVENT", at + 1)) {
    blocks.push_back(ics.substr(at, ics.find("END:VEVENT", at) - at));
  }
  return blocks;
}

std::string field(const std::string& block, const std::string& name) {
  const auto at = block.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  const auto start = at + 3 + name.size();
  return block.substr(start, block.find("\r\n", start) - start);
}

// The VEVENT whose SUMMARY contains `words`, or "".
std::string block_with(const std::string& ics, const std::string& words) {
  for (const std::string& block : vevents(ics)) {
    if (field(block, "SUMMARY").find(words) != std::string::npos) return block;
  }
  return "";
}

class Partners : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir();
    fs::create_directories(dir_ + "/feeds");
    write_file(dir_ + "/concerto.ini", "[storage]\ndatabase = sqlite:" + dir_ +
                                           "/state/concerto.db\n[feeds]\ndirectory = " + dir_ +
                                           "/feeds\n[fetch]\nallow = 127.0.0.0/8\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void add_feed(const std::string& id, const std::string& url, int priority) {
    write_file(dir_ + "/feeds/" + id + ".ini",
               "url = " + url + "\npriority = " + std::to_string(priority) + "\n");
  }
  testing::CommandResult concerto(std::vector<std::string> args,
                                  const std::vector<std::string>& sets = {}) {
    args.insert(args.begin() + 1, {"--config", dir_ + "/concerto.ini"});
    for (const std::string& set : sets) args.insert(args.end(), {"--set", set});
    return run_concerto(args);
  }
  std::string fetch_and_export(const std::vector<std::string>& sets = {}) {
    const auto fetched = concerto({"fetch"}, sets);
    EXPECT_EQ(fetched.exit_code, 0) << fetched.err;
    const auto exported = concerto({"export", "--format", "ics"}, sets);
    EXPECT_EQ(exported.exit_code, 0) << exported.err;
    return exported.out;
  }

  std::string dir_;
};

const VEvent kForumByOrganiser{"forum-2027@organiser.example", "Forum citoyen de la mobilité",
                               "20270310T180000", "Hôtel de Ville\\, Lyon", "Le forum annuel."};
const VEvent kForumByCity{"evt-881@ville.example", "FORUM CITOYEN DE LA MOBILITE 2027",
                          "20270310T180000", "Lyon", ""};
const VEvent kWorkshopOne{"atelier-1@organiser.example", "Atelier #1 : le plan vélo",
                          "20270312T180000", "Lyon", ""};
const VEvent kWorkshopTwo{"atelier-2@ville.example", "Atelier #2 : le plan vélo", "20270312T180000",
                          "Lyon", ""};

TEST_F(Partners, CopiesFromTwoPartnersAreOneEventWithAStableUidAndSequence) {
  FeedServer organiser(calendar({kForumByOrganiser}));
  FeedServer city(calendar({kForumByCity}));
  // The city's feed is registered (and fetched) first.
  add_feed("ville", city.url(), 1);
  std::string ics = fetch_and_export();
  std::string forum = block_with(ics, "FORUM CITOYEN");
  ASSERT_FALSE(forum.empty()) << ics;
  EXPECT_EQ(field(forum, "UID"), kForumByCity.uid);

  // The organiser's copy appears: one event, the organiser's wording, the same UID as before,
  // and a higher SEQUENCE since what it says changed.
  add_feed("organisateur", organiser.url(), 10);
  ics = fetch_and_export();
  ASSERT_EQ(count(ics, "BEGIN:VEVENT"), 1) << ics;
  forum = block_with(ics, "Forum citoyen de la mobilité");
  ASSERT_FALSE(forum.empty()) << ics;
  EXPECT_EQ(field(forum, "UID"), kForumByCity.uid);
  EXPECT_EQ(field(forum, "SEQUENCE"), "1");
  EXPECT_EQ(field(forum, "DESCRIPTION"), "Le forum annuel.");

  // Nothing changes: neither does SEQUENCE; after a restart (a new process) neither.
  ics = fetch_and_export();
  EXPECT_EQ(field(block_with(ics, "Forum citoyen"), "SEQUENCE"), "1");
  EXPECT_EQ(field(block_with(ics, "Forum citoyen"), "UID"), kForumByCity.uid);

  // The JSON lists both sources.
  const auto json =
      concerto({"export", "--format", "json", "--from", "2027-03-01", "--to", "2027-03-31"});
  EXPECT_NE(json.out.find("{\"feed\":\"organisateur\",\"uid\":\"" + kForumByOrganiser.uid + "\"}"),
            std::string::npos)
      << json.out;
  EXPECT_NE(json.out.find("{\"feed\":\"ville\",\"uid\":\"" + kForumByCity.uid + "\"}"),
            std::string::npos);

  // `concerto explain` by either UID names both sources and the score.
  const auto explained = concerto({"explain", kForumByOrganiser.uid});
  ASSERT_EQ(explained.exit_code, 0) << explained.err;
  EXPECT_NE(explained.out.find("ville / " + kForumByCity.uid), std::string::npos) << explained.out;
  EXPECT_NE(explained.out.find("organisateur / " + kForumByOrganiser.uid), std::string::npos);
  EXPECT_NE(explained.out.find("score (title"), std::string::npos) << explained.out;
  EXPECT_NE(concerto({"explain", "no-such-uid"}).exit_code, 0);

  // The city's copy goes away: still the same event for subscribers.
  city.set_body(calendar({}));
  fs::remove(dir_ + "/feeds/ville.ini");
  ics = fetch_and_export();
  EXPECT_EQ(field(block_with(ics, "Forum citoyen"), "UID"), kForumByCity.uid) << ics;
}

TEST_F(Partners, NumberedPartsStayApartAndWaitForReviewAndDecisionsHold) {
  FeedServer organiser(calendar({kForumByOrganiser, kWorkshopOne}));
  FeedServer city(calendar({kForumByCity, kWorkshopTwo}));
  add_feed("organisateur", organiser.url(), 10);
  add_feed("ville", city.url(), 1);
  std::string ics = fetch_and_export();
  EXPECT_EQ(count(ics, "BEGIN:VEVENT"), 3) << ics;

  const auto review = concerto({"merges", "review"});
  ASSERT_EQ(review.exit_code, 0) << review.err;
  EXPECT_NE(review.out.find("numbered parts differ"), std::string::npos) << review.out;
  EXPECT_NE(review.out.find(kWorkshopOne.uid), std::string::npos);

  // Split the forum: two events from now on, across refreshes.
  const auto split = concerto({"merges", "split", kForumByOrganiser.uid});
  ASSERT_EQ(split.exit_code, 0) << split.err;
  ics = fetch_and_export();
  EXPECT_EQ(count(ics, "BEGIN:VEVENT"), 4) << ics;
  // Join the workshops (the administrator knows better): one event.
  const auto join = concerto({"merges", "join", kWorkshopOne.uid, kWorkshopTwo.uid});
  ASSERT_EQ(join.exit_code, 0) << join.err;
  ics = fetch_and_export();
  EXPECT_EQ(count(ics, "BEGIN:VEVENT"), 3) << ics;
  EXPECT_EQ(count(ics, "Atelier #"), 1) << ics;
  // Settled pairs leave the review list.
  EXPECT_EQ(concerto({"merges", "review"}).out.find(kWorkshopOne.uid), std::string::npos);
  // Bad requests say why.
  const auto unknown = concerto({"merges", "confirm", "nope"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("no event with uid 'nope'"), std::string::npos) << unknown.err;
  EXPECT_EQ(concerto({"merges", "frobnicate"}).exit_code, 2);
}

TEST_F(Partners, AnUpcomingEventThatVanishesStaysAsCancelledForAWhile) {
  const VEvent kept{"kept@p.example", "Conseil de quartier Nord", "20270401T180000", "Lille", ""};
  const VEvent dropped{"gone@p.example", "Balade urbaine", "20270402T100000", "Lille", ""};
  FeedServer partner(calendar({kept, dropped}));
  add_feed("partenaire", partner.url(), 1);
  std::string ics = fetch_and_export();
  EXPECT_EQ(field(block_with(ics, "Balade"), "STATUS"), "CONFIRMED") << ics;

  partner.set_body(calendar({kept}));
  ics = fetch_and_export();
  const std::string gone = block_with(ics, "Balade");
  ASSERT_FALSE(gone.empty()) << ics;
  EXPECT_EQ(field(gone, "STATUS"), "CANCELLED");
  EXPECT_EQ(field(block_with(ics, "Conseil"), "STATUS"), "CONFIRMED");

  // A feed that suddenly has no event at all is broken, not every event cancelled.
  partner.set_body(calendar({}));
  const auto fetched = concerto({"fetch"});
  EXPECT_NE(fetched.out.find("no events any more"), std::string::npos) << fetched.out;
  ics = concerto({"export", "--format", "ics"}).out;
  EXPECT_EQ(field(block_with(ics, "Conseil"), "STATUS"), "CONFIRMED") << ics;

  // With keep_vanished = 0 a dropped event goes at once.
  partner.set_body(calendar({kept}));
  ics = fetch_and_export({"dedup.keep_vanished=0"});
  EXPECT_TRUE(block_with(ics, "Balade").empty()) << ics;
}

TEST(DemoFeeds, TheBundledCrossFeedCopiesAreMerged) {
  const std::string dir = testing::make_temp_dir();
  write_file(dir + "/concerto.ini", "[storage]\ndatabase = sqlite:" + dir +
                                        "/concerto.db\n[feeds]\ndirectory = " CONCERTO_SOURCE_DIR
                                        "/feeds\n");
  const auto fetched = run_concerto({"fetch", "--config", dir + "/concerto.ini"});
  ASSERT_EQ(fetched.exit_code, 0) << fetched.err;
  const auto exported =
      run_concerto({"export", "--config", dir + "/concerto.ini", "--format", "ics"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::string& ics = exported.out;
  // Nantes Métropole's two-day series; the local group lists the first day on its own: that
  // day becomes an override of the series (same UID, RECURRENCE-ID), not a second event.
  std::vector<std::string> forum;
  for (const std::string& block : vevents(ics)) {
    if (field(block, "SUMMARY") == "Nantes Innovation Forum") forum.push_back(block);
  }
  ASSERT_EQ(forum.size(), 2u) << ics;
  EXPECT_EQ(field(forum[0], "RRULE"), "FREQ=DAILY;COUNT=2");
  EXPECT_EQ(field(forum[1], "UID"), field(forum[0], "UID"));
  EXPECT_NE(forum[1].find("RECURRENCE-ID;TZID=Europe/Paris:20271008T090000"), std::string::npos);
  EXPECT_EQ(count(ics, "SUMMARY:Rencontres nationales de la participation"), 1);
  int webinars = 0;
  for (const std::string& block : vevents(ics)) {
    webinars += field(block, "SUMMARY").find("ebinaire franco-qu") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(webinars, 1) << ics;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace concerto
