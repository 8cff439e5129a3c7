#pragma once
// Sending one plain-text mail over SMTP (Poco::Net): optional STARTTLS with the server's
// certificate verified, optional AUTH PLAIN/LOGIN, every step bounded by a timeout. Stateless
// and thread-safe; each call opens and closes its own connection.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace concerto::notify {

struct MailSettings {
  std::string host;  // empty: mail is off
  int port = 25;
  bool starttls = false;
  std::string username;  // empty: no AUTH
  std::string password;
  std::string from;     // envelope sender and From: address
  std::string ca_file;  // PEM file of a private CA for STARTTLS; empty: the system's CAs
  int timeout_seconds = 20;
};

struct Mail {
  std::string to;
  std::string subject;    // UTF-8; sent RFC 2047 encoded when not plain ASCII
  std::string body;       // UTF-8 text, lines separated by \n; sent quoted-printable
  std::string from_name;  // display name of From:, may be empty
};

// Sends `mail`, or says which step failed: "SMTP mail.example.org:587: STARTTLS refused: ...".
// Refuses, before connecting, addresses that could smuggle headers or SMTP commands, and sends
// credentials only over TLS or to a loopback server.
core::Status send_mail(const MailSettings& settings, const Mail& mail);

// The whole message (headers and quoted-printable body, CRLF line ends, no dot-stuffing) as
// send_mail transmits it; `date_utc` and `message_id` are given so tests can compare.
std::string format_message(const MailSettings& settings, const Mail& mail, std::int64_t date_utc,
                           const std::string& message_id);

// Whether a send_mail error means the server could not be reached or did not answer in time
// (worth postponing other mail), rather than a refusal of this one.
bool is_unreachable(const std::string& error);

// A header value on one line: CR, LF and other control characters removed.
std::string header_safe(std::string_view text);
// Why `address` cannot be used as a bare addr-spec (local@domain), or empty when it can: no
// control characters, spaces, '<', '>', ',', ';', quotes or brackets; one '@' with text on
// both sides.
std::string address_problem(std::string_view address);

}  // namespace concerto::notify
