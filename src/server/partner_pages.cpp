#include "server/partner_pages.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/civil_time.h"
#include "core/text.h"
#include "core/token.h"
#include "render/links.h"
#include "server/http_util.h"
#include "server/json_api.h"

namespace concerto::server {
namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::size_t kMaxFormBody = 16 * 1024;
constexpr std::string_view kFeedsPrefix = "/partners/feeds/";
constexpr int kSigninCookieSeconds = 3600;
// Like the agenda's pages, but never framed: a framed form could be clicked through.
constexpr const char* kPolicy =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'";

bool is_form_media_type(std::string_view header) {
  const std::string type = core::ascii_lower(core::trim(header.substr(0, header.find(';'))));
  return type == "application/x-www-form-urlencoded";
}

// The origin of an absolute URL: "https://agenda.example.org" (scheme and host in lower case).
std::string origin_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const auto host_end = url.find('/', scheme_end + 3);
  return core::ascii_lower(url.substr(0, host_end));
}

}  // namespace

struct PartnerPages::Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

namespace {

// 303 See Other: after a form, the page that shows what it did (post/redirect/get).
PartnerPages::Reply redirect(std::string location) {
  PartnerPages::Reply reply;
  reply.status = 303;
  reply.headers.emplace_back("Location", std::move(location));
  return reply;
}

// The feed form's values as the partner typed them (to show again), and as fields to check.
render::FeedFormValues posted_form(const std::map<std::string, std::string>& form) {
  const auto field = [&](const char* name) {
    const auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  render::FeedFormValues values{field("url"), field("name"), field("format"), field("category"),
                                field("timezone")};
  if (values.format.empty()) values.format = "auto";
  return values;
}

FeedFields fields_of(const render::FeedFormValues& values) {
  FeedFields fields;
  fields.url = values.url;
  fields.name = values.name;
  fields.format = values.format;
  fields.category = values.category;
  fields.timezone = values.timezone;
  return fields;
}

}  // namespace

struct PartnerPages::Context {
  Context(HTTPServerRequest& request_ref, const render::WebPages& pages_ref)
      : request(request_ref), pages(pages_ref) {}
  HTTPServerRequest& request;
  const render::WebPages& pages;
  bool english = false;
  bool secure = false;  // cookies get Secure
  std::int64_t now = 0;
  std::string query;                      // the request's query string
  std::string session_id;                 // from the cookie ("" without)
  std::optional<PartnerSession> session;  // the live one it names
  std::map<std::string, std::string> form;
  std::vector<std::string> set_cookies;

  const char* say(const char* fr, const char* en) const { return english ? en : fr; }
  const char* registry_busy() const {
    return say(
        "Le registre des partenaires est illisible pour l’instant ; réessayez dans un "
        "moment.",
        "The partner registry cannot be read just now; try again in a moment.");
  }
  std::string field(const std::string& name) const {
    const auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  }
  // Cookie attributes: only /partners sees them, never script, never another site's request.
  std::string cookie(std::string_view name, std::string_view value, int max_age) const {
    std::string out = std::string(name) + "=" + std::string(value) +
                      "; Path=/partners; HttpOnly; SameSite=Strict";
    if (max_age >= 0) out += "; Max-Age=" + std::to_string(max_age);
    if (secure) out += "; Secure";
    return out;
  }
};

void PartnerPages::handle(HTTPServerRequest& request, HTTPServerResponse& response,
                          std::string_view path, std::string_view query,
                          const render::WebPages& pages) {
  Context context(request, pages);
  context.query = std::string(query);
  context.english = pages.site().language == render::Language::kEnglish;
  context.secure = pages.site().base_url.starts_with("https://") ||
                   core::ascii_lower(request.get("X-Forwarded-Proto", "")) == "https";
  context.now = core::unix_now();
  Poco::Net::NameValueCollection cookies;
  request.getCookies(cookies);
  context.session_id = cookies.get(kSessionCookie, "");
  if (!context.session_id.empty()) {
    context.session = sessions_.find(context.session_id, context.now);
    if (!context.session) {
      context.set_cookies.push_back(context.cookie(kSessionCookie, "", 0));
      context.session_id.clear();
    }
  }

  Reply reply;
  try {
    reply = answer(context, path);
  } catch (const std::exception& error) {
    log_exception(request, error);
    reply = error_page(context, 500,
                       context.say("Une erreur est survenue de notre côté ; réessayez dans un "
                                   "moment.",
                                   "Something went wrong on our side; try again in a moment."));
  }
  response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(reply.status));
  response.set("Cache-Control", "no-store");
  response.set("Content-Security-Policy", kPolicy);
  response.set("X-Frame-Options", "DENY");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "same-origin");
  for (const std::string& cookie : context.set_cookies) response.add("Set-Cookie", cookie);
  for (const auto& [name, value] : reply.headers) response.set(name, value);
  if (!discard_rest_of_body(request)) response.setKeepAlive(false);
  response.setContentType("text/html; charset=utf-8");
  response.sendBuffer(reply.body.data(), reply.body.size());
}

PartnerPages::Reply PartnerPages::answer(Context& context, std::string_view path) {
  HTTPServerRequest& request = context.request;
  const std::string& method = request.getMethod();
  const bool reading = method == HTTPRequest::HTTP_GET || method == HTTPRequest::HTTP_HEAD;
  if (!feeds_.enabled()) {
    return error_page(context, 503,
                      context.say("L’espace partenaires est fermé sur ce serveur.",
                                  "The partner space is closed on this server."));
  }
  if (!reading && method != HTTPRequest::HTTP_POST) {
    Reply reply =
        error_page(context, 405, context.say("Méthode non permise.", "Method not allowed."));
    reply.headers.emplace_back("Allow", "GET, HEAD, POST");
    return reply;
  }
  if (!context.query.empty() && reading) {
    // A query string: the pages take none (a sign-in token in a URL would end up in logs).
    return redirect(std::string(path));
  }

  if (!reading) {
    // A form from another site is refused, whatever it carries.
    const std::string origin = request.get("Origin", "");
    // "null" (a sandboxed or data: document) is no origin of ours either.
    if (!origin.empty()) {
      const std::string ours = origin_of(context.pages.site().base_url);
      const std::string host = core::ascii_lower(request.get("Host", ""));
      const std::string given = core::ascii_lower(origin);
      if (given != ours && given != "http://" + host && given != "https://" + host) {
        return error_page(context, 403,
                          context.say("Ce formulaire vient d’un autre site : il est refusé.",
                                      "This form comes from another site: it is refused."));
      }
    }
    if (!is_form_media_type(request.getContentType())) {
      return error_page(context, 415,
                        context.say("Le formulaire n’a pas été envoyé comme un formulaire.",
                                    "The form was not sent as a form."));
    }
    std::string body;
    if (auto refused = read_bounded_body(request, kMaxFormBody, body)) {
      return error_page(context, refused->status,
                        context.say("Le formulaire est trop long ou illisible.",
                                    "The form is too long or unreadable."));
    }
    auto fields = parse_query(body);
    if (!fields) {
      return error_page(context, 400,
                        context.say("Le formulaire est illisible.", "The form is unreadable."));
    }
    for (auto& [name, value] : *fields) context.form.emplace(name, std::move(value));
  }

  if (path == "/partners/signin") {
    if (reading) {
      return redirect("/partners");
    }
    return signin(context);
  }
  if (!context.session) {
    if (!reading) {
      return signin_page(context, 401,
                         context.say("Votre session a expiré : connectez-vous à nouveau.",
                                     "Your session has expired: please sign in again."));
    }
    if (path == "/partners") return signin_page(context, 200, "");
    return redirect("/partners");
  }
  // The account as it is now: a partner disabled since signing in is signed out.
  if (FeedOutcome current =
          feeds_.authenticate_hash(context.session->token_hash, context.session->partner);
      !current.ok() && current.status != 401) {
    // The registry could not be read (busy): the session stays, the page says so.
    return error_page(context, current.status, context.registry_busy());
  } else if (!current.ok()) {
    sessions_.close(context.session_id);
    context.session.reset();
    context.set_cookies.push_back(context.cookie(kSessionCookie, "", 0));
    return signin_page(context, 401,
                       current.error == "this partner account is disabled"
                           ? context.say("Ce compte partenaire est désactivé.",
                                         "This partner account is disabled.")
                       : current.status == 401
                           ? context.say("Votre session a pris fin : le jeton de ce compte a "
                                         "changé. Connectez-vous avec le nouveau.",
                                         "Your session has ended: this account's token has "
                                         "changed. Sign in with the new one.")
                           : context.say("Le registre des partenaires est illisible.",
                                         "The partner registry cannot be read."));
  }
  sessions_.update_partner(context.session_id, context.session->partner);
  if (!reading && !core::constant_time_equal(core::token_hash(context.field("csrf")),
                                             core::token_hash(context.session->csrf))) {
    return error_page(context, 403,
                      context.say("Ce formulaire a expiré : rechargez la page et recommencez.",
                                  "This form has expired: reload the page and try again."));
  }

  if (path == "/partners") {
    if (!reading) {
      Reply reply =
          error_page(context, 405, context.say("Méthode non permise.", "Method not allowed."));
      reply.headers.emplace_back("Allow", "GET, HEAD");
      return reply;
    }
    return dashboard(context, 200, {}, "");
  }
  if (path == "/partners/signout") {
    if (reading) return dashboard(context, 200, {}, "");
    sessions_.close(context.session_id);
    context.set_cookies.push_back(context.cookie(kSessionCookie, "", 0));
    return redirect("/partners");
  }
  if (path == "/partners/feeds") {
    if (reading) {
      return redirect("/partners");
    }
    return register_feed(context);
  }
  if (!path.starts_with(kFeedsPrefix)) {
    return error_page(
        context, 404,
        context.say("Il n'y a pas de page à cette adresse.", "There is no page at this address."));
  }
  std::string_view rest = path.substr(kFeedsPrefix.size());
  std::string_view action;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    action = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  FeedOutcome found = feeds_.find(context.session->partner, rest);
  if (found.status >= 500) {
    return error_page(context, found.status, context.registry_busy());
  }
  if (!found.ok() ||
      (!action.empty() && action != "refresh" && action != "delete" && action != "approve")) {
    return error_page(context, found.status == 403 ? 403 : 404,
                      found.status == 403 ? context.say("Ce flux appartient à un autre partenaire.",
                                                        "This feed belongs to another partner.")
                                          : context.say("Il n'y a pas de flux à cette adresse.",
                                                        "There is no feed at this address."));
  }
  const core::RegisteredFeed& feed = *found.feed;
  if (action.empty()) {
    if (reading) {
      render::FeedFormValues form{feed.config.url, feed.config.name, feed.config.format,
                                  feed.config.category, feed.config.timezone};
      return feed_page(context, feed, 200, form, "");
    }
    return change_feed(context, feed);
  }
  if (action == "delete") return reading ? delete_page(context, feed) : delete_feed(context, feed);
  if (reading) {
    return redirect(render::partner_feed_path(feed.config.id));
  }
  if (action == "refresh") return refresh_feed(context, feed);
  return approve_feed(context, feed);
}

PartnerPages::Reply PartnerPages::signin_page(Context& context, int status,
                                              std::string_view error) {
  // The sign-in form's CSRF token: kept from the cookie when it has one, so that two tabs work.
  Poco::Net::NameValueCollection cookies;
  context.request.getCookies(cookies);
  std::string csrf = cookies.get(kSigninCookie, "");
  if (csrf.size() != 47 || !csrf.starts_with("cct_")) {
    auto fresh = core::new_token();
    csrf = fresh ? *fresh : std::string();
  }
  context.set_cookies.push_back(context.cookie(kSigninCookie, csrf, kSigninCookieSeconds));
  Reply reply;
  reply.status = status;
  auto page = context.pages.partner_signin(csrf, error);
  if (!page) throw std::runtime_error(page.error());
  reply.body = std::move(page).value();
  return reply;
}

PartnerPages::Reply PartnerPages::signin(Context& context) {
  Poco::Net::NameValueCollection cookies;
  context.request.getCookies(cookies);
  const std::string expected = cookies.get(kSigninCookie, "");
  const std::string given = context.field("csrf");
  if (expected.empty() ||
      !core::constant_time_equal(core::token_hash(given), core::token_hash(expected))) {
    return signin_page(context, 403,
                       context.say("Le formulaire a expiré : recommencez.",
                                   "The form has expired: please try again."));
  }
  const std::string token(core::trim(context.field("token")));
  core::Partner partner;
  FeedOutcome signed_in = feeds_.authenticate(token, partner);
  if (!signed_in.ok()) {
    log_line("concerto serve: /partners: a sign-in was refused: " + signed_in.error);
    return signin_page(context, signed_in.status == 401 ? 401 : signed_in.status,
                       signed_in.error == "this partner account is disabled"
                           ? context.say("Ce compte partenaire est désactivé.",
                                         "This partner account is disabled.")
                       : signed_in.status == 401
                           ? context.say("Ce jeton n’est pas reconnu. Vérifiez-le (il commence "
                                         "par « cct_ »).",
                                         "This token is not known. Check it (it starts with "
                                         "“cct_”).")
                           : context.say("Le registre des partenaires est illisible.",
                                         "The partner registry cannot be read."));
  }
  if (!context.session_id.empty()) sessions_.close(context.session_id);
  const std::string id = sessions_.open(partner, core::token_hash(token), context.now);
  if (id.empty()) {
    return error_page(context, 500,
                      context.say("Pas de session possible.", "No session possible."));
  }
  // A new session id at each sign-in (no fixation), and the sign-in token goes.
  context.set_cookies.push_back(context.cookie(kSessionCookie, id, -1));
  context.set_cookies.push_back(context.cookie(kSigninCookie, "", 0));
  return redirect("/partners");
}

render::PartnerFeedView PartnerPages::feed_view(const core::RegisteredFeed& feed, int preview) {
  render::PartnerFeedView view;
  view.feed = feed;
  if (auto status = feeds_.status(feed)) view.status = *status;
  if (auto next = feeds_.preview(feed, core::unix_now(), preview)) view.next = std::move(*next);
  view.refresh_wait = feeds_.refresh_wait(feed.config.id);
  return view;
}

render::PartnerPageView PartnerPages::page_view(Context& context) {
  render::PartnerPageView view;
  view.partner_name = context.session->partner.name;
  view.admin = context.session->partner.admin;
  view.moderation = feeds_.options().moderation;
  view.csrf = context.session->csrf;
  // A HEAD shows nothing: the notices wait for the page that shows them.
  if (context.request.getMethod() != HTTPRequest::HTTP_HEAD) {
    view.notices = sessions_.take_notices(context.session_id);
  }
  view.zone = &zone_;
  return view;
}

PartnerPages::Reply PartnerPages::dashboard(Context& context, int status,
                                            const render::FeedFormValues& form,
                                            std::string_view form_error) {
  render::PartnerPageView view = page_view(context);
  auto feeds = feeds_.feeds_of(context.session->partner);
  if (!feeds) {
    log_line("concerto serve: /partners: " + feeds.error());
    return error_page(context, 500,
                      context.say("Le registre des partenaires est illisible.",
                                  "The partner registry cannot be read."));
  }
  for (const core::RegisteredFeed& feed : *feeds) {
    view.feeds.push_back(feed_view(feed, kPreviewOnDashboard));
  }
  view.form = form;
  view.form_error = std::string(form_error);
  Reply reply;
  reply.status = status;
  auto page = context.pages.partner_dashboard(view);
  if (!page) throw std::runtime_error(page.error());
  reply.body = std::move(page).value();
  return reply;
}

PartnerPages::Reply PartnerPages::feed_page(Context& context, const core::RegisteredFeed& feed,
                                            int status, const render::FeedFormValues& form,
                                            std::string_view form_error) {
  render::PartnerPageView view = page_view(context);
  view.feeds.push_back(feed_view(feed, kPreviewOnFeedPage));
  if (auto problems = feeds_.problems(feed)) view.feeds.back().problems = std::move(*problems);
  view.form = form;
  view.form_error = std::string(form_error);
  Reply reply;
  reply.status = status;
  auto page = context.pages.partner_feed(view);
  if (!page) throw std::runtime_error(page.error());
  reply.body = std::move(page).value();
  return reply;
}

PartnerPages::Reply PartnerPages::delete_page(Context& context, const core::RegisteredFeed& feed) {
  render::PartnerPageView view = page_view(context);
  view.feeds.push_back(feed_view(feed, 0));
  Reply reply;
  auto page = context.pages.partner_delete(view);
  if (!page) throw std::runtime_error(page.error());
  reply.body = std::move(page).value();
  return reply;
}

std::string PartnerPages::refusal_text(const Context& context, const FeedOutcome& outcome) const {
  switch (outcome.status) {
    case 400:
      if (!context.english) {
        // clean_fields() speaks English (it is the API's too): its usual refusals in French.
        const std::string& error = outcome.error;
        if (error.find("\"url\"") != std::string::npos) return "Indiquez l’adresse du flux.";
        if (error.find("\"name\" must") != std::string::npos) {
          return "Le nom doit tenir en 200 octets de texte.";
        }
        if (error.find("\"name\"") != std::string::npos) return "Indiquez le nom du flux.";
        if (error.find("\"category\"") != std::string::npos) {
          return "La catégorie doit tenir en 100 octets de texte.";
        }
        if (error.find("\"timezone\"") != std::string::npos) {
          return "Ce fuseau horaire est inconnu : donnez un nom comme « Europe/Paris ».";
        }
        if (error.find("\"format\"") != std::string::npos) return "Ce format est inconnu.";
      }
      return context.say("Un champ est à corriger : ", "A field needs fixing: ") + outcome.error;
    case 403:
      return outcome.error.find("at most") != std::string::npos
                 ? context.say(
                       "Vous avez atteint la limite de 100 flux : supprimez-en un "
                       "d’abord.",
                       "You have reached the limit of 100 feeds: delete one first.")
                 : context.say("Cette action est réservée à l’équipe de l’agenda.",
                               "Only the agenda's team may do this.");
    case 404:
      return context.say("Ce flux n’existe plus.", "This feed is gone.");
    case 409:
      return context.say("Cette adresse est déjà inscrite dans l’agenda.",
                         "This address is already in the agenda.");
    case 422:
      return context.say("L’agenda ne peut pas lire cette adresse : ",
                         "The agenda may not read this address: ") +
             outcome.error;
    case 429:
      if (outcome.retry_after > 5) {
        return context.say("Ce flux vient d’être lu : réessayez dans ",
                           "This feed was just read: try again in ") +
               std::to_string(outcome.retry_after) + " s.";
      }
      return context.say(
          "Une autre lecture de vos flux est en cours : réessayez dans quelques "
          "secondes.",
          "Another of your feeds is being read: try again in a few seconds.");
    default:
      return context.say("Une erreur est survenue de notre côté ; réessayez dans un moment.",
                         "Something went wrong on our side; try again in a moment.");
  }
}

namespace {

// What a test fetch found, as a notice: events found, or why the feed could not be read, and
// the problems by line.
render::PartnerNotice check_notice(const FeedCheck& check, const std::string& name,
                                   const char* verb_fr, const char* verb_en, bool english,
                                   bool awaiting) {
  render::PartnerNotice notice;
  const std::string count = std::to_string(check.events);
  const std::string events =
      english ? count + (check.events == 1 ? " event found." : " events found.")
              : count + (check.events <= 1 ? " événement trouvé." : " événements trouvés.");
  if (check.ok) {
    notice.text = english ? "“" + name + "” " + verb_en + ": " + events +
                                (awaiting ? " They will be public once the agenda's team has "
                                            "approved the feed."
                                          : "")
                          : "« " + name + " » " + verb_fr + " : " + events +
                                (awaiting ? " Ils seront publiés quand l’équipe de l’agenda aura "
                                            "validé le flux."
                                          : "");
  } else {
    notice.error = true;
    notice.text = english ? "“" + name + "” could not be read: " + check.error
                          : "« " + name + " » n’a pas pu être lu : " + check.error;
    if (check.http_code > 0) notice.text += " (HTTP " + std::to_string(check.http_code) + ")";
  }
  constexpr std::size_t kShown = 20;
  for (std::size_t i = 0; i < check.problems.size() && i < kShown; ++i) {
    const FeedCheck::Problem& problem = check.problems[i];
    notice.details.push_back(
        (problem.line > 0 ? (english ? "line " : "ligne ") + std::to_string(problem.line) + " : "
                          : std::string()) +
        problem.message);
  }
  if (check.problems.size() > kShown) {
    notice.details.push_back((english ? "and " : "et ") +
                             std::to_string(check.problems.size() - kShown) +
                             (english ? " more" : " autres"));
  }
  return notice;
}

}  // namespace

PartnerPages::Reply PartnerPages::register_feed(Context& context) {
  const render::FeedFormValues form = posted_form(context.form);
  FeedFields fields = fields_of(form);
  if (context.session->partner.admin && context.session->partner.id == kConfigAdminId) {
    return dashboard(context, 400, form,
                     context.say("Avec le jeton d’administration, inscrivez un flux pour un "
                                 "partenaire par l’API (champ « partner »).",
                                 "With the administration token, register a feed for a partner "
                                 "through the API (field \"partner\")."));
  }
  FeedOutcome created = feeds_.create(context.session->partner, std::move(fields));
  if (!created.ok())
    return dashboard(context, created.status, form, refusal_text(context, created));
  const core::RegisteredFeed& feed = *created.feed;
  sessions_.add_notice(context.session_id,
                       check_notice(*created.check, feed.config.name, "est inscrit", "registered",
                                    context.english, !feed.approved));
  return redirect(render::partner_feed_path(feed.config.id));
}

PartnerPages::Reply PartnerPages::change_feed(Context& context, const core::RegisteredFeed& feed) {
  const render::FeedFormValues form = posted_form(context.form);
  FeedFields fields = fields_of(form);
  FeedOutcome changed = feeds_.update(context.session->partner, feed, std::move(fields));
  if (!changed.ok())
    return feed_page(context, feed, changed.status, form, refusal_text(context, changed));
  const core::RegisteredFeed& saved = *changed.feed;
  if (changed.check) {
    sessions_.add_notice(context.session_id,
                         check_notice(*changed.check, saved.config.name, "est modifié et relu",
                                      "changed and read again", context.english, !saved.approved));
  } else {
    render::PartnerNotice notice;
    notice.text = context.english ? "“" + saved.config.name + "” saved."
                                  : "« " + saved.config.name + " » est enregistré.";
    sessions_.add_notice(context.session_id, std::move(notice));
  }
  return redirect(render::partner_feed_path(saved.config.id));
}

PartnerPages::Reply PartnerPages::refresh_feed(Context& context, const core::RegisteredFeed& feed) {
  FeedOutcome refreshed = feeds_.refresh(feed);
  if (refreshed.ok()) {
    sessions_.add_notice(context.session_id,
                         check_notice(*refreshed.check, feed.config.name, "est relu", "read again",
                                      context.english, !feed.approved));
  } else {
    render::PartnerNotice notice;
    notice.error = true;
    notice.text = refusal_text(context, refreshed);
    sessions_.add_notice(context.session_id, std::move(notice));
  }
  // Back where the button was: the dashboard or the feed's page (nothing else: no open redirect).
  const std::string feed_path = render::partner_feed_path(feed.config.id);
  return redirect(context.field("back") == "feed" ? feed_path : "/partners");
}

PartnerPages::Reply PartnerPages::delete_feed(Context& context, const core::RegisteredFeed& feed) {
  FeedOutcome removed = feeds_.remove(feed);
  render::PartnerNotice notice;
  if (removed.ok()) {
    notice.text = context.english ? "“" + feed.config.name +
                                        "” is deleted: its events have left "
                                        "the agenda."
                                  : "« " + feed.config.name +
                                        " » est supprimé : ses événements ont quitté l’agenda.";
  } else {
    notice.error = true;
    notice.text = refusal_text(context, removed);
  }
  sessions_.add_notice(context.session_id, std::move(notice));
  return redirect("/partners");
}

PartnerPages::Reply PartnerPages::approve_feed(Context& context, const core::RegisteredFeed& feed) {
  FeedOutcome approved = feeds_.approve(context.session->partner, feed);
  if (!approved.ok()) return error_page(context, approved.status, refusal_text(context, approved));
  render::PartnerNotice notice;
  notice.text = context.english
                    ? "“" + feed.config.name + "” is approved: its events are public."
                    : "« " + feed.config.name + " » est validé : ses événements sont publics.";
  sessions_.add_notice(context.session_id, std::move(notice));
  return redirect(render::partner_feed_path(feed.config.id));
}

PartnerPages::Reply PartnerPages::error_page(Context& context, int status,
                                             std::string_view message) {
  Reply reply;
  reply.status = status;
  auto page = context.pages.error_page(status, message);
  reply.body = page ? std::move(page).value() : std::string(message);
  return reply;
}

}  // namespace concerto::server
