// Real sends (notify/mailer.h) to a local aiosmtpd sink on 127.0.0.1: plain, AUTH, STARTTLS with
// the test's own CA, and the failures a partner's admin would meet.

#include "notify/mailer.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "support/process.h"
#include "support/smtp_sink.h"

namespace concerto::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::SinkOptions;
using testing::SmtpSink;

MailSettings to_sink(const SmtpSink& sink) {
  MailSettings settings;
  settings.host = "127.0.0.1";
  settings.port = sink.port();
  settings.from = "agenda@concerto.test";
  settings.timeout_seconds = 10;
  return settings;
}

Mail a_mail() {
  return Mail{"contact@maison.test", "[Agenda] Votre flux « Été » ne répond plus",
              "Bonjour,\n\nLes 12 événements restent dans l'agenda.\n.\nUne ligne avec un point "
              "seul au-dessus.\n",
              "Agenda citoyen"};
}

class TempFolder {
 public:
  TempFolder() : path_(testing::make_temp_dir()) {}
  ~TempFolder() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(SendMail, DeliversAPlainTextMailWithItsEnvelopeAndHeaders) {
  SmtpSink sink;
  ASSERT_TRUE(sink.running()) << sink.log();
  const Mail mail = a_mail();
  const auto sent = send_mail(to_sink(sink), mail);
  ASSERT_TRUE(sent) << sent.error();
  const auto received = sink.wait_for(1);
  ASSERT_EQ(received.size(), 1u) << sink.log();
  const testing::ReceivedMail& got = received[0];
  EXPECT_EQ(got.from, "agenda@concerto.test");
  EXPECT_THAT(got.recipients, ::testing::ElementsAre("contact@maison.test"));
  EXPECT_FALSE(got.tls);
  EXPECT_EQ(got.login, "");
  EXPECT_EQ(got.subject(), mail.subject);
  EXPECT_EQ(got.body(), mail.body);  // the lone "." line survived dot-stuffing
  EXPECT_EQ(got.header("auto-submitted"), "auto-generated");
  EXPECT_EQ(got.header("x-auto-response-suppress"), "All");
  EXPECT_THAT(got.header("message-id"),
              ::testing::MatchesRegex("<[0-9a-f]{32}\\.[0-9]+@concerto\\.test>"));
  EXPECT_THAT(got.header("date"),
              ::testing::MatchesRegex(
                  "[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2} [0-9:]{8} \\+0000"));
  EXPECT_EQ(got.header("from"), "\"Agenda citoyen\" <agenda@concerto.test>");
}

TEST(SendMail, LogsInWithTheCredentialsTheServerAsksFor) {
  SinkOptions options;
  options.username = "robot";
  options.password = "s3cret pass";
  SmtpSink sink(options);
  ASSERT_TRUE(sink.running()) << sink.log();
  MailSettings settings = to_sink(sink);
  const auto refused = send_mail(settings, a_mail());  // no credentials: AUTH required
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error(),
              HasSubstr("SMTP 127.0.0.1:" + std::to_string(sink.port()) + ": MAIL FROM/RCPT TO: "));
  settings.username = "robot";
  settings.password = "wrong";
  const auto wrong = send_mail(settings, a_mail());
  ASSERT_FALSE(wrong);
  EXPECT_THAT(wrong.error(), HasSubstr(": AUTH: "));
  settings.password = "s3cret pass";
  const auto sent = send_mail(settings, a_mail());
  ASSERT_TRUE(sent) << sent.error();
  const auto received = sink.wait_for(1);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].login, "robot");
}

TEST(SendMail, UpgradesToTlsWithStartTlsAndVerifiesTheCertificate) {
  TempFolder folder;
  const std::string certificate = testing::make_test_certificate(folder.path(), "sink");
  ASSERT_FALSE(certificate.empty()) << testing::read_file(folder.path() + "/openssl.log");
  SinkOptions options;
  options.certificate = certificate;
  options.key = folder.path() + "/sink.key";
  options.username = "robot";
  options.password = "s3cret";
  SmtpSink sink(options);
  ASSERT_TRUE(sink.running()) << sink.log();
  MailSettings settings = to_sink(sink);
  settings.starttls = true;
  settings.ca_file = certificate;
  settings.username = "robot";
  settings.password = "s3cret";
  const auto sent = send_mail(settings, a_mail());
  ASSERT_TRUE(sent) << sent.error();
  const auto received = sink.wait_for(1);
  ASSERT_EQ(received.size(), 1u) << sink.log();
  EXPECT_TRUE(received[0].tls);
  EXPECT_EQ(received[0].login, "robot");
  EXPECT_EQ(received[0].subject(), a_mail().subject);
}

TEST(SendMail, RefusesAServerCertificateItsCaDidNotSign) {
  TempFolder folder;
  const std::string certificate = testing::make_test_certificate(folder.path(), "sink");
  const std::string stranger = testing::make_test_certificate(folder.path(), "stranger");
  ASSERT_FALSE(certificate.empty());
  ASSERT_FALSE(stranger.empty());
  SinkOptions options;
  options.certificate = certificate;
  options.key = folder.path() + "/sink.key";
  SmtpSink sink(options);
  ASSERT_TRUE(sink.running()) << sink.log();
  MailSettings settings = to_sink(sink);
  settings.starttls = true;
  settings.ca_file = stranger;
  const auto sent = send_mail(settings, a_mail());
  ASSERT_FALSE(sent);
  EXPECT_THAT(sent.error(), HasSubstr(": TLS handshake: "));
  EXPECT_THAT(sink.received(), IsEmpty());
}

TEST(SendMail, RefusesACertificateMadeForAnotherHost) {
  TempFolder folder;
  const std::string certificate =
      testing::make_test_certificate(folder.path(), "elsewhere", "DNS:elsewhere.test");
  ASSERT_FALSE(certificate.empty());
  SinkOptions options;
  options.certificate = certificate;
  options.key = folder.path() + "/elsewhere.key";
  SmtpSink sink(options);
  ASSERT_TRUE(sink.running()) << sink.log();
  MailSettings settings = to_sink(sink);
  settings.starttls = true;
  settings.ca_file = certificate;  // trusted, but not for 127.0.0.1
  const auto sent = send_mail(settings, a_mail());
  ASSERT_FALSE(sent);
  EXPECT_THAT(sent.error(), HasSubstr(": TLS handshake: "));
  EXPECT_THAT(sink.received(), IsEmpty());
}

TEST(SendMail, SaysSoWhenTheServerDoesNotOfferStartTls) {
  SmtpSink sink;  // no certificate: no STARTTLS
  ASSERT_TRUE(sink.running()) << sink.log();
  MailSettings settings = to_sink(sink);
  settings.starttls = true;
  const auto sent = send_mail(settings, a_mail());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error(), "SMTP 127.0.0.1:" + std::to_string(sink.port()) +
                              ": STARTTLS refused: the server does not offer STARTTLS");
  EXPECT_THAT(sink.received(), IsEmpty());
}

TEST(SendMail, AClosedPortFailsAtOnceNamingTheStep) {
  int port = 0;
  {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port = socket.address().port();
  }  // closed: nothing listens there any more
  MailSettings settings;
  settings.host = "127.0.0.1";
  settings.port = port;
  settings.from = "agenda@concerto.test";
  const auto start = std::chrono::steady_clock::now();
  const auto sent = send_mail(settings, a_mail());
  ASSERT_FALSE(sent);
  EXPECT_LT(seconds_since(start), 3.0);
  EXPECT_THAT(sent.error(), HasSubstr("SMTP 127.0.0.1:" + std::to_string(port) + ": connecting: "));
  EXPECT_TRUE(is_unreachable(sent.error()));
}

TEST(SendMail, AServerThatNeverAnswersCostsOneTimeout) {
  // Listening, so the connection is made, but nobody ever reads or greets.
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  MailSettings settings;
  settings.host = "127.0.0.1";
  settings.port = silent.address().port();
  settings.from = "agenda@concerto.test";
  settings.timeout_seconds = 1;
  const auto start = std::chrono::steady_clock::now();
  const auto sent = send_mail(settings, a_mail());
  ASSERT_FALSE(sent);
  EXPECT_LT(seconds_since(start), 4.0);
  EXPECT_THAT(sent.error(), HasSubstr(": greeting and EHLO: no answer within 1 s"));
  EXPECT_TRUE(is_unreachable(sent.error()));
}

TEST(SendMail, RefusesHostileAddressesBeforeConnectingAndCleansTheSubject) {
  SmtpSink sink;
  ASSERT_TRUE(sink.running()) << sink.log();
  MailSettings settings = to_sink(sink);
  Mail mail = a_mail();
  mail.to = "contact@maison.test>\r\nRCPT TO:<everyone@elsewhere.test";
  const auto injected = send_mail(settings, mail);
  ASSERT_FALSE(injected);
  EXPECT_THAT(injected.error(), HasSubstr(": recipient contact@maison.test> RCPT TO:<everyone"));
  settings.from = "agenda@concerto.test\nBcc: everyone@elsewhere.test";
  const auto sender = send_mail(settings, a_mail());
  ASSERT_FALSE(sender);
  EXPECT_THAT(sender.error(), HasSubstr(": sender "));
  EXPECT_THAT(sink.received(), IsEmpty());

  settings = to_sink(sink);
  mail = a_mail();
  mail.subject = "Hello\r\nBcc: everyone@elsewhere.test\r\n\r\nnot the body";
  const auto sent = send_mail(settings, mail);
  ASSERT_TRUE(sent) << sent.error();
  const auto received = sink.wait_for(1);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].subject(), "Hello Bcc: everyone@elsewhere.test not the body");
  EXPECT_EQ(received[0].header("bcc"), "");
  EXPECT_THAT(received[0].recipients, ::testing::ElementsAre("contact@maison.test"));
  EXPECT_EQ(received[0].body(), mail.body);
}

}  // namespace
}  // namespace concerto::notify
