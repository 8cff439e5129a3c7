// PartnerFeeds (what the API and the /partners pages share) and PartnerSessions, on a real
// SQLite store and registry. The test fetch is the one callback PartnerFeeds is given: here it
// stores a snapshot as the real one would, and looks at the public agenda while it runs.
#include "server/partner_feeds.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/token.h"
#include "server/partner_sessions.h"
#include "store/registry.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace concerto {
namespace {

core::EventTime utc_time(std::int64_t utc) {
  core::EventTime time;
  time.utc = utc;
  time.local = core::civil_from_seconds(utc);
  time.tzid = "UTC";
  return time;
}

store::FeedSnapshot one_event(const std::string& feed_id, const std::string& uid) {
  core::Event event;
  event.feed_id = feed_id;
  event.uid = uid;
  event.summary = "Event " + uid;
  event.start = utc_time(4'000'000'000);
  event.end = utc_time(4'000'003'600);
  core::Occurrence occurrence;
  occurrence.feed_id = feed_id;
  occurrence.uid = uid;
  occurrence.start = event.start;
  occurrence.end = event.end;
  return {{event}, {occurrence}, {}};
}

class PartnerFeedsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string db = (dir_.path() / "concerto.db").string();
    auto opened = store::Store::open(db);
    ASSERT_TRUE(opened) << opened.error();
    store_ = std::move(opened).value();
    auto registry = store::Registry::open(db);
    ASSERT_TRUE(registry) << registry.error();
    registry_ = std::move(registry).value();
    owner_ = core::Partner{"partner-a", "Atelier", "", false, false, 0};
    ASSERT_TRUE(registry_->add_partner(owner_, core::token_hash("cct_owner")).ok());
  }

  server::PartnerFeeds make(bool moderation) {
    server::PartnerApiOptions options;
    options.moderation = moderation;
    options.url_refusal = [](std::string_view) { return std::optional<std::string>(); };
    options.check_feed = [this](const core::FeedConfig& feed) { return check(feed); };
    return server::PartnerFeeds(*store_, registry_.get(), std::move(options));
  }

  // Stores one event named after the URL's last letter, and notes whether the feed's events
  // were public at that moment.
  server::FeedCheck check(const core::FeedConfig& feed) {
    ++checks_;
    if (throw_next_) {
      throw_next_ = false;
      throw std::runtime_error("injected");
    }
    core::FeedStatus status;
    status.feed_id = feed.id;
    status.last_fetch = status.last_success = 1'790'000'000;
    status.event_count = 1;
    EXPECT_TRUE(store_->replace_snapshot(
        feed.id, one_event(feed.id, feed.url.substr(feed.url.size() - 1)), status));
    auto events = store_->events();
    EXPECT_TRUE(events) << events.error();
    public_during_check_ = events && !events->empty();
    server::FeedCheck result;
    result.ok = true;
    result.events = 1;
    return result;
  }

  concerto::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Registry> registry_;
  core::Partner owner_;
  int checks_ = 0;
  bool throw_next_ = false;
  bool public_during_check_ = false;
};

server::FeedFields fields(const std::string& url) {
  server::FeedFields fields;
  fields.url = url;
  fields.name = "Agenda";
  return fields;
}

TEST_F(PartnerFeedsTest, UnderModerationANewAddressIsNeverPublicWhileItIsRead) {
  server::PartnerFeeds feeds = make(/*moderation=*/true);
  server::FeedOutcome created = feeds.create(owner_, fields("https://a.example/a"));
  ASSERT_TRUE(created.ok()) << created.error;
  EXPECT_FALSE(public_during_check_);
  ASSERT_TRUE(registry_->approve_feed(created.feed->config.id).ok());
  ASSERT_EQ(store_->events()->size(), 1u);

  server::FeedFields change;
  change.url = "https://a.example/b";
  server::FeedOutcome changed =
      feeds.update(owner_, **registry_->feed(created.feed->config.id), change);
  ASSERT_TRUE(changed.ok()) << changed.error;
  EXPECT_FALSE(public_during_check_) << "the new address's events were public before approval";
  EXPECT_FALSE(changed.feed->approved);
  EXPECT_TRUE(store_->events()->empty());
}

TEST_F(PartnerFeedsTest, AnExceptionWhileANewAddressIsReadLeavesItHeld) {
  server::PartnerFeeds feeds = make(/*moderation=*/true);
  server::FeedOutcome created = feeds.create(owner_, fields("https://a.example/a"));
  ASSERT_TRUE(created.ok()) << created.error;
  ASSERT_TRUE(registry_->approve_feed(created.feed->config.id).ok());
  core::RegisteredFeed approved = **registry_->feed(created.feed->config.id);
  throw_next_ = true;
  server::FeedFields change;
  change.url = "https://a.example/b";
  EXPECT_THROW(feeds.update(owner_, approved, change), std::runtime_error);
  // Only a refused or turned-away check restores the approval; after an exception (the
  // server's 500) the feed waits for approval again, erring on the side of not publishing.
  EXPECT_FALSE((*registry_->feed(approved.config.id))->approved);
  server::FeedOutcome next = feeds.create(owner_, fields("https://a.example/c"));
  EXPECT_EQ(next.status, 201) << "the partner's slot was not given back: " << next.error;
}

TEST_F(PartnerFeedsTest, AnExceptionInTheTestFetchGivesThePartnersSlotBack) {
  server::PartnerFeeds feeds = make(/*moderation=*/false);
  server::FeedOutcome created = feeds.create(owner_, fields("https://a.example/a"));
  ASSERT_TRUE(created.ok()) << created.error;
  throw_next_ = true;
  server::FeedFields change;
  change.format = "ics";
  EXPECT_THROW(feeds.update(owner_, *created.feed, change), std::runtime_error);
  server::FeedOutcome second = feeds.create(owner_, fields("https://a.example/c"));
  EXPECT_EQ(second.status, 201) << second.error;
}

TEST(PartnerSessions, SigningInAgainAndAgainNeverSignsAnotherPartnerOut) {
  server::PartnerSessions sessions;
  const core::Partner a{"partner-a", "A", "", false, false, 0};
  const core::Partner b{"partner-b", "B", "", false, false, 0};
  const std::string b_session = sessions.open(b, "hash-b", 1000);
  std::vector<std::string> a_sessions;
  for (int i = 0; i < 50; ++i) a_sessions.push_back(sessions.open(a, "hash-a", 1000 + i));
  EXPECT_TRUE(sessions.find(b_session, 1100).has_value());
  EXPECT_EQ(sessions.size(), server::kMaxSessionsPerPartner + 1);
  // A's newest sessions stay, its oldest went.
  EXPECT_TRUE(sessions.find(a_sessions.back(), 1100).has_value());
  EXPECT_FALSE(sessions.find(a_sessions.front(), 1100).has_value());
}

TEST(PartnerSessions, ExpireWhenIdleOrTooOldAndKeepTheirNoticesOnce) {
  server::PartnerSessions sessions;
  const core::Partner a{"partner-a", "A", "", false, false, 0};
  const std::string id = sessions.open(a, "hash-a", 0);
  ASSERT_FALSE(id.empty());
  sessions.add_notice(id, {false, "done", {}});
  ASSERT_EQ(sessions.take_notices(id).size(), 1u);
  EXPECT_TRUE(sessions.take_notices(id).empty());
  // Seen within the idle time again and again: alive until the lifetime ends.
  std::int64_t now = 0;
  while (now + server::kSessionIdleSeconds / 2 < server::kSessionLifetimeSeconds) {
    now += server::kSessionIdleSeconds / 2;
    ASSERT_TRUE(sessions.find(id, now).has_value()) << now;
  }
  EXPECT_FALSE(sessions.find(id, server::kSessionLifetimeSeconds + 1).has_value());
  const std::string idle = sessions.open(a, "hash-a", 0);
  EXPECT_FALSE(sessions.find(idle, server::kSessionIdleSeconds + 1).has_value());
  EXPECT_FALSE(sessions.find("", 0).has_value());
  EXPECT_FALSE(sessions.find("cct_unknown", 0).has_value());
}

}  // namespace
}  // namespace concerto
