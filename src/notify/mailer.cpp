#include "notify/mailer.h"

#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <array>
#include <mutex>
#include <random>
#include <sstream>

#include "core/civil_time.h"
#include "core/text.h"

namespace concerto::notify {
namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t chunk = 0;
    for (std::size_t j = 0; j < 3; ++j) {
      chunk = (chunk << 8) | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0u);
    }
    for (std::size_t j = 0; j < 4; ++j) {
      out += j <= n ? kBase64[(chunk >> (18 - 6 * j)) & 0x3f] : '=';
    }
  }
  return out;
}

bool plain_ascii(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  // "=?" would read as the start of an encoded word.
  return text.find("=?") == std::string_view::npos;
}

// RFC 2047 encoded words of at most 75 characters, split between UTF-8 characters, folded.
std::string encoded_words(std::string_view text) {
  // 36 bytes: 48 base64 characters, 60 with "=?UTF-8?B?" and "?=", so that "Subject: " and
  // one word stay within 78 columns.
  constexpr std::size_t kChunkBytes = 36;
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = at;
    while (end < text.size()) {
      std::size_t length = core::utf8_sequence_length(text, end);
      if (length == 0) length = 1;
      if (end + length - at > kChunkBytes) break;
      end += length;
    }
    if (end == at) end = at + 1;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

// Plain text folded at spaces so that lines stay within 78 columns after `used` columns.
std::string folded(const std::string& text, std::size_t used) {
  std::string out;
  std::size_t column = used;
  for (const std::string& word : core::split(text, ' ')) {
    if (!out.empty()) {
      if (column + 1 + word.size() > 78) {
        out += "\r\n";
        column = 0;
      }
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
  }
  return out;
}

// An unstructured header's value after "Name: " (`used` columns).
std::string encode_header_text(std::string_view text, std::size_t used) {
  const std::string safe = header_safe(text);
  return plain_ascii(safe) ? folded(safe, used) : encoded_words(safe);
}

// A display name: a quoted string when ASCII, else encoded words.
std::string encode_display_name(std::string_view name) {
  const std::string safe = header_safe(name);
  if (!plain_ascii(safe)) return encoded_words(safe);
  std::string quoted = "\"";
  for (char c : safe) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

// Quoted-printable (RFC 2045 6.7): lines of at most 76 characters, CRLF line ends.
std::string quoted_printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  std::size_t line_length = 0;
  auto put = [&](std::string_view piece) {
    if (line_length + piece.size() > 75) {
      out += "=\r\n";
      line_length = 0;
    }
    out += piece;
    line_length += piece.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r') continue;
    if (c == '\n') {
      out += "\r\n";
      line_length = 0;
      continue;
    }
    const bool line_end = i + 1 == text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
    const bool literal =
        (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !line_end);
    if (literal) {
      put(std::string_view(reinterpret_cast<const char*>(&text[i]), 1));
    } else {
      const char escaped[3] = {'=', kHex[c >> 4], kHex[c & 0x0f]};
      put(std::string_view(escaped, 3));
    }
  }
  return out;
}

std::string rfc5322_date(std::int64_t utc) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const core::LocalDateTime time = core::civil_from_seconds(utc);
  char text[48];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                kDays[static_cast<std::size_t>(core::weekday(time.date))], time.date.day,
                kMonths[static_cast<std::size_t>(time.date.month - 1)], time.date.year, time.hour,
                time.minute, time.second);
  return text;
}

std::string new_message_id(const std::string& from) {
  static std::mutex mutex;
  static std::mt19937_64 random{std::random_device{}()};
  std::uint64_t a = 0, b = 0;
  {
    std::lock_guard lock(mutex);
    a = random();
    b = random();
  }
  const auto at = from.rfind('@');
  const std::string domain = at == std::string::npos ? "concerto.invalid" : from.substr(at + 1);
  return "<" + core::hex64(a) + core::hex64(b) + "." + std::to_string(core::unix_now()) + "@" +
         domain + ">";
}

// SMTPClientSession with the protected steps this sender drives itself.
class SmtpSession : public Poco::Net::SMTPClientSession {
 public:
  explicit SmtpSession(const Poco::Net::StreamSocket& socket) : SMTPClientSession(socket) {}

  // Reads the greeting (first call only) and sends EHLO; returns the server's extensions.
  std::string hello() {
    std::string response;
    login(Poco::Environment::nodeName(), response);
    return response;
  }
  int command(const std::string& text, std::string& response) {
    return sendCommand(text, response);
  }
  // The TLS handshake on the open connection; the certificate must match `host`.
  void start_tls(const std::string& host, Poco::Net::Context::Ptr context) {
    Poco::Net::SecureStreamSocket secure =
        Poco::Net::SecureStreamSocket::attach(socket(), host, context);
    socket() = secure;
  }
  void auth_plain(const std::string& user, const std::string& password) {
    loginUsingPlain(user, password);
  }
  void auth_login(const std::string& user, const std::string& password) {
    loginUsingLogin(user, password);
  }
};

// The AUTH mechanisms an EHLO answer lists ("250-AUTH PLAIN LOGIN").
bool offers(const std::string& ehlo, std::string_view extension, std::string_view mechanism = {}) {
  std::istringstream lines(ehlo);
  std::string line;
  while (std::getline(lines, line)) {
    const std::string upper = core::ascii_upper(line);
    if (upper.size() < 4) continue;
    std::istringstream words(upper.substr(4));
    std::string word;
    if (!(words >> word) || word != extension) continue;
    if (mechanism.empty()) return true;
    while (words >> word) {
      if (word == mechanism) return true;
    }
  }
  return false;
}

std::string first_line(std::string text) {
  const auto end = text.find_first_of("\r\n");
  if (end != std::string::npos) text.resize(end);
  return text;
}

Poco::Net::Context::Ptr tls_context(const MailSettings& settings) {
  static std::once_flag initialized;
  std::call_once(initialized, [] { Poco::Net::initializeSSL(); });
  Poco::Net::Context::Params params;
  // STRICT: with RELAXED, Poco skips the host name check for loopback servers.
  params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
  params.caLocation = settings.ca_file;
  params.loadDefaultCAs = settings.ca_file.empty();
  params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
  Poco::Net::Context::Ptr context =
      new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  return context;
}

}  // namespace

bool is_unreachable(const std::string& error) {
  return error.find(": connecting: ") != std::string::npos ||
         error.find(": no answer within ") != std::string::npos;
}

std::string header_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c == '\r' || c == '\n' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else if (c >= 0x20 && c != 0x7f) {
      out += static_cast<char>(c);
    }
  }
  return std::string(core::trim(out));
}

std::string address_problem(std::string_view address) {
  if (address.empty()) return "the address is empty";
  if (address.size() > 254) return "the address is longer than 254 characters";
  for (unsigned char c : address) {
    if (c < 0x21 || c == 0x7f) return "the address contains a space or a control character";
    if (c >= 0x80) return "the address is not ASCII (write its domain in its xn-- form)";
    if (std::string_view("<>,;\"()[]\\").find(static_cast<char>(c)) != std::string_view::npos) {
      return std::string("the address contains '") + static_cast<char>(c) + "'";
    }
  }
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() ||
      address.find('@') != at) {
    return "expected one local@domain address";
  }
  return {};
}

std::string format_message(const MailSettings& settings, const Mail& mail, std::int64_t date_utc,
                           const std::string& message_id) {
  std::string from = settings.from;
  if (!mail.from_name.empty()) {
    const std::string name = encode_display_name(mail.from_name);
    const bool fits = 6 + name.size() + 3 + from.size() <= 78 && name.find('\n') == name.npos;
    from = name + (fits ? " <" : "\r\n <") + from + ">";
  }
  std::string text;
  text += "Date: " + rfc5322_date(date_utc) + "\r\n";
  text += "From: " + from + "\r\n";
  text += "To: <" + mail.to + ">\r\n";
  text += "Subject: " + encode_header_text(mail.subject, 9) + "\r\n";
  text += "Message-ID: " + header_safe(message_id) + "\r\n";
  text += "MIME-Version: 1.0\r\n";
  text += "Content-Type: text/plain; charset=UTF-8\r\n";
  text += "Content-Transfer-Encoding: quoted-printable\r\n";
  // Robot mail: no vacation replies back (RFC 3834), and none from Exchange either.
  text += "Auto-Submitted: auto-generated\r\n";
  text += "X-Auto-Response-Suppress: All\r\n";
  text += "\r\n";
  text += quoted_printable(mail.body);
  if (text.size() < 2 || text.compare(text.size() - 2, 2, "\r\n") != 0) text += "\r\n";
  return text;
}

core::Status send_mail(const MailSettings& settings, const Mail& mail) {
  const std::string where = "SMTP " + settings.host + ":" + std::to_string(settings.port);
  auto fail = [&](const std::string& step, const std::string& detail) {
    return core::Error{where + ": " + step + ": " + detail};
  };
  if (settings.host.empty()) return fail("not configured", "[mail] host is empty");
  if (auto problem = address_problem(settings.from); !problem.empty()) {
    return fail("sender " + header_safe(settings.from), problem);
  }
  if (auto problem = address_problem(mail.to); !problem.empty()) {
    return fail("recipient " + header_safe(mail.to), problem);
  }
  const Poco::Timespan timeout(std::max(1, settings.timeout_seconds), 0);
  std::string step = "connecting";
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(
        Poco::Net::SocketAddress(settings.host, static_cast<Poco::UInt16>(settings.port)), timeout);
    socket.setReceiveTimeout(timeout);
    socket.setSendTimeout(timeout);
    const bool loopback = socket.peerAddress().host().isLoopback();
    if (!settings.username.empty() && !settings.starttls && !loopback) {
      return fail("AUTH", "credentials are only sent over STARTTLS (set [mail] starttls = on)");
    }
    SmtpSession session(socket);
    session.setTimeout(timeout);
    step = "greeting and EHLO";
    std::string extensions = session.hello();
    if (settings.starttls) {
      if (!offers(extensions, "STARTTLS")) {
        return fail("STARTTLS refused", "the server does not offer STARTTLS");
      }
      step = "STARTTLS";
      std::string response;
      if (const int status = session.command("STARTTLS", response); status / 100 != 2) {
        return fail("STARTTLS refused", first_line(response));
      }
      step = "TLS handshake";
      session.start_tls(settings.host, tls_context(settings));
      session.setTimeout(timeout);
      step = "EHLO after STARTTLS";
      extensions = session.hello();
    }
    if (!settings.username.empty()) {
      step = "AUTH";
      if (offers(extensions, "AUTH", "PLAIN")) {
        session.auth_plain(settings.username, settings.password);
      } else if (offers(extensions, "AUTH", "LOGIN")) {
        session.auth_login(settings.username, settings.password);
      } else {
        return fail("AUTH", "the server offers neither AUTH PLAIN nor AUTH LOGIN");
      }
    }
    step = "MAIL FROM/RCPT TO";
    Poco::Net::SMTPClientSession::Recipients recipients{mail.to};
    session.sendAddresses(settings.from, recipients);
    step = "DATA";
    session.sendData();
    step = "sending the message";
    std::istringstream message(
        format_message(settings, mail, core::unix_now(), new_message_id(settings.from)));
    session.sendMessage(message);
    try {
      session.close();                  // QUIT; the mail is accepted already
    } catch (const Poco::Exception&) {  // NOLINT(bugprone-empty-catch): accepted is what counts
    }
    return core::ok_status();
  } catch (const Poco::TimeoutException&) {
    return fail(step, "no answer within " + std::to_string(timeout.totalSeconds()) + " s");
  } catch (const Poco::Net::SMTPException& e) {
    return fail(step, core::clean_line(e.message()));
  } catch (const Poco::Exception& e) {
    return fail(step, core::clean_line(e.displayText()));
  } catch (const std::exception& e) {
    return fail(step, e.what());
  }
}

}  // namespace concerto::notify
