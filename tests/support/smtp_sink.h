#pragma once
// A local SMTP server for tests: aiosmtpd (Debian's python3-aiosmtpd, run by /usr/bin/python3)
// on 127.0.0.1, on a port it picks itself, keeping every message it receives. Optionally offers
// STARTTLS with a certificate made for the test, and requires AUTH with one login. Stopped when
// the object goes away.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace concerto::testing {

struct ReceivedMail {
  std::string from;                            // envelope sender
  std::vector<std::string> recipients;         // envelope recipients
  bool tls = false;                            // came over STARTTLS
  std::string login;                           // the AUTH login; empty without AUTH
  std::string raw;                             // the DATA as received
  std::map<std::string, std::string> headers;  // lower-case names, unfolded, first of each

  std::string header(const std::string& name) const;  // "" when absent
  std::string subject() const;                        // Subject with RFC 2047 encoded words decoded
  std::string body() const;  // the body, quoted-printable decoded, CRLF as \n
};

struct SinkOptions {
  std::string certificate;  // PEM certificate and key (make_test_certificate): offer STARTTLS
  std::string key;
  std::string username;  // non-empty: AUTH is required with this login
  std::string password;
};

// A self-signed certificate (for 127.0.0.1 and localhost unless `alt_names` says otherwise),
// made with the openssl CLI: <dir>/<name>.pem and <dir>/<name>.key. Returns the certificate's
// path; empty on failure.
std::string make_test_certificate(const std::string& dir, const std::string& name,
                                  const std::string& alt_names = "IP:127.0.0.1,DNS:localhost");

class SmtpSink {
 public:
  explicit SmtpSink(SinkOptions options = {});
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  bool running() const { return port_ > 0; }
  int port() const { return port_; }
  std::string log() const;  // the sink's stderr

  // The messages received so far, in order.
  std::vector<ReceivedMail> received() const;
  // Waits until at least `count` messages arrived (or the timeout); returns all received.
  std::vector<ReceivedMail> wait_for(std::size_t count, double timeout_seconds = 20) const;

 private:
  std::string dir_;
  int pid_ = -1;
  int stdin_ = -1;  // closing it stops the sink
  int port_ = 0;
};

ReceivedMail parse_mail(const std::string& envelope, const std::string& raw);

}  // namespace concerto::testing
