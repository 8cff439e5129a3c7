#pragma once
// The /partners pages: partners sign in with their token and look after their feeds in the
// browser, with the same operations and checks as the JSON API (PartnerFeeds).
//
//   GET  /partners                       sign-in form, or the dashboard of one's feeds
//   POST /partners/signin                token -> session cookie, 303 to /partners
//   POST /partners/signout
//   POST /partners/feeds                 register (url, name, format, category, timezone)
//   GET  /partners/feeds/<id>            the feed: health, next events, change form
//   POST /partners/feeds/<id>            change it
//   POST /partners/feeds/<id>/refresh    read it now (once a minute)
//   GET  /partners/feeds/<id>/delete     confirm; POST deletes
//   POST /partners/feeds/<id>/approve    administrators, under moderation
//
// Security: the session cookie is HttpOnly, SameSite=Strict, Path=/partners, and Secure when the
// site is served over https (base_url, or X-Forwarded-Proto from a proxy). Every form carries a
// CSRF token (the session's; before sign-in, one matched against a short-lived cookie), and a
// POST whose Origin is another site's is refused. Answers are never cached, never framed. Forms
// are application/x-www-form-urlencoded, at most 16 KiB. Actions answer 303 to a page that shows
// what happened (post/redirect/get); a refused form is shown again, filled in, with its status.

#include <string>
#include <string_view>

#include "core/time_zone.h"
#include "render/web_pages.h"
#include "server/partner_feeds.h"
#include "server/partner_sessions.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace concerto::server {

inline constexpr const char* kSessionCookie = "concerto_session";
inline constexpr const char* kSigninCookie = "concerto_signin";  // the sign-in form's CSRF token
inline constexpr int kPreviewOnDashboard = 3;
inline constexpr int kPreviewOnFeedPage = 20;

class PartnerPages {
 public:
  // `feeds` and `zone` must outlive this.
  PartnerPages(PartnerFeeds& feeds, const core::TimeZone& zone) : feeds_(feeds), zone_(zone) {}

  static bool handles(std::string_view path) {
    return path == "/partners" || path.starts_with("/partners/");
  }
  // `query` is the request's (the pages take none: a GET with one is sent to the bare path).
  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
              std::string_view path, std::string_view query, const render::WebPages& pages);

  struct Reply;  // a page or a redirect, before the headers every answer gets

 private:
  struct Context;
  Reply answer(Context& context, std::string_view path);
  Reply signin_page(Context& context, int status, std::string_view error);
  Reply signin(Context& context);
  Reply dashboard(Context& context, int status, const render::FeedFormValues& form,
                  std::string_view form_error);
  Reply feed_page(Context& context, const core::RegisteredFeed& feed, int status,
                  const render::FeedFormValues& form, std::string_view form_error);
  Reply delete_page(Context& context, const core::RegisteredFeed& feed);
  Reply register_feed(Context& context);
  Reply change_feed(Context& context, const core::RegisteredFeed& feed);
  Reply refresh_feed(Context& context, const core::RegisteredFeed& feed);
  Reply delete_feed(Context& context, const core::RegisteredFeed& feed);
  Reply approve_feed(Context& context, const core::RegisteredFeed& feed);
  render::PartnerFeedView feed_view(const core::RegisteredFeed& feed, int preview);
  render::PartnerPageView page_view(Context& context);
  std::string refusal_text(const Context& context, const FeedOutcome& outcome) const;
  Reply error_page(Context& context, int status, std::string_view message);

  PartnerFeeds& feeds_;
  const core::TimeZone& zone_;
  PartnerSessions sessions_;
};

}  // namespace concerto::server
