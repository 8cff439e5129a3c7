#pragma once
// The agenda's web pages and newsletter blocks, rendered from one AgendaSnapshot with the
// templates of config/templates/ (see templates.h). Every piece of partner text goes through
// mustache's HTML escaping; every URL written is ours (percent-encoded) or a partner's http(s)
// one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "render/agenda_view.h"
#include "render/calendar_text.h"
#include "render/partner_view.h"
#include "render/templates.h"

namespace concerto::render {

struct SiteInfo {
  std::string title = "Agenda";
  std::string base_url = "http://127.0.0.1:8080";  // absolute, no trailing slash
  Language language = Language::kFrench;
};

// The list page: upcoming instances from the start of today, in pages.
struct ListRequest {
  ViewFilter filter;
  int page = 1;
};
constexpr int kEventsPerPage = 40;

// The newsletter blocks: instances starting within `days` from now, at most `limit`.
struct EmbedRequest {
  ViewFilter filter;
  int days = 31;
  int limit = 10;
};
constexpr int kMaxEmbedDays = 366;
constexpr int kMaxEmbedLimit = 100;

class WebPages {
 public:
  WebPages(Templates templates, SiteInfo site);

  const SiteInfo& site() const { return site_; }
  // "/static/concerto-<hash>.css": the hash changes with the content, so it is cached for good.
  const std::string& stylesheet_path() const { return stylesheet_path_; }
  const std::string& stylesheet() const { return stylesheet_; }

  core::Result<std::string> index(const AgendaSnapshot& agenda, const ListRequest& request,
                                  std::int64_t now_utc) const;
  core::Result<std::string> month(const AgendaSnapshot& agenda, const ViewFilter& filter, int year,
                                  int month, std::int64_t now_utc) const;
  // nullopt when no event has this merged UID. `at` (a recurrence key, see links.h) picks one
  // occurrence of a series.
  core::Result<std::optional<std::string>> event(const AgendaSnapshot& agenda, std::string_view uid,
                                                 std::string_view at, std::int64_t now_utc) const;
  core::Result<std::string> subscribe(const AgendaSnapshot& agenda, const ViewFilter& filter) const;
  // A page saying what went wrong (404, 400), in the site's look.
  core::Result<std::string> error_page(int status, std::string_view message) const;

  // For the newsletter (newsletter.cpp): an e-mail-safe HTML fragment, the same as plain text,
  // RSS 2.0, and a page for partners' iframes.
  core::Result<std::string> embed_upcoming(const AgendaSnapshot& agenda,
                                           const EmbedRequest& request, std::int64_t now_utc) const;
  core::Result<std::string> embed_text(const AgendaSnapshot& agenda, const EmbedRequest& request,
                                       std::int64_t now_utc) const;
  core::Result<std::string> upcoming_rss(const AgendaSnapshot& agenda, const EmbedRequest& request,
                                         std::int64_t now_utc) const;
  core::Result<std::string> widget(const AgendaSnapshot& agenda, const EmbedRequest& request,
                                   std::int64_t now_utc) const;

  // The /partners pages (partner_pages.cpp): signing in (`error` says why the last try failed),
  // the dashboard of the partner's feeds, one feed's page (view.feeds holds it; view.form is its
  // change form), and the confirmation before deleting it.
  core::Result<std::string> partner_signin(std::string_view csrf, std::string_view error) const;
  core::Result<std::string> partner_dashboard(const PartnerPageView& view) const;
  core::Result<std::string> partner_feed(const PartnerPageView& view) const;
  core::Result<std::string> partner_delete(const PartnerPageView& view) const;

 private:
  // The page's frame (layout.mustache) around `content`.
  core::Result<std::string> framed(TemplateData page, std::string_view template_name) const;
  // embed_upcoming and widget: the events an EmbedRequest asks for, in `template_name`.
  core::Result<std::string> html_block(std::string_view template_name, const AgendaSnapshot& agenda,
                                       const EmbedRequest& request, std::int64_t now_utc) const;
  // The instances an EmbedRequest asks for.
  std::vector<const Instance*> upcoming(const AgendaSnapshot& agenda, const EmbedRequest& request,
                                        std::int64_t now_utc) const;

  Templates templates_;
  SiteInfo site_;
  std::string stylesheet_;
  std::string stylesheet_path_;
};

}  // namespace concerto::render
