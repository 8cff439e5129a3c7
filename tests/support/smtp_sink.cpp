#include "support/smtp_sink.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Net/QuotedPrintableDecoder.h>
#include <Poco/StreamCopier.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "support/process.h"

extern char** environ;

namespace concerto::testing {
namespace {

namespace fs = std::filesystem;

// Runs a program (no shell) with stdout and stderr to `log`; returns its exit code.
int run_program(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> storage = args;
  std::vector<char*> argv;
  for (auto& arg : storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string base64_decode(const std::string& text) {
  std::istringstream in(text);
  Poco::Base64Decoder decoder(in);
  std::string out;
  Poco::StreamCopier::copyToString(decoder, out);
  return out;
}

// RFC 2047: "=?UTF-8?B?...?=" words decoded, the white space between two of them dropped.
std::string decode_words(const std::string& text) {
  std::string out;
  std::size_t at = 0;
  bool after_word = false;
  while (at < text.size()) {
    const auto start = text.find("=?", at);
    if (start == std::string::npos) {
      out += text.substr(at);
      break;
    }
    const auto q1 = text.find('?', start + 2);
    const auto q2 = q1 == std::string::npos ? q1 : text.find('?', q1 + 1);
    const auto end = q2 == std::string::npos ? q2 : text.find("?=", q2 + 1);
    if (end == std::string::npos) {
      out += text.substr(at);
      break;
    }
    const std::string between = text.substr(at, start - at);
    const bool blank = between.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!(after_word && blank)) out += between;
    const std::string encoding = lower(text.substr(q1 + 1, q2 - q1 - 1));
    const std::string payload = text.substr(q2 + 1, end - q2 - 1);
    if (encoding == "b") {
      out += base64_decode(payload);
    } else {
      std::string q = payload;
      std::replace(q.begin(), q.end(), '_', ' ');
      std::istringstream in(q);
      Poco::Net::QuotedPrintableDecoder decoder(in);
      std::string decoded;
      Poco::StreamCopier::copyToString(decoder, decoded);
      out += decoded;
    }
    at = end + 2;
    after_word = true;
  }
  return out;
}

}  // namespace

std::string ReceivedMail::header(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string ReceivedMail::subject() const { return decode_words(header("subject")); }

std::string ReceivedMail::body() const {
  auto at = raw.find("\r\n\r\n");
  std::size_t skip = 4;
  if (at == std::string::npos) {
    at = raw.find("\n\n");
    skip = 2;
  }
  if (at == std::string::npos) return {};
  std::string encoded = raw.substr(at + skip);
  std::string decoded;
  if (lower(header("content-transfer-encoding")) == "quoted-printable") {
    std::istringstream in(encoded);
    Poco::Net::QuotedPrintableDecoder decoder(in);
    Poco::StreamCopier::copyToString(decoder, decoded);
  } else {
    decoded = encoded;
  }
  std::string text;
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    if (decoded[i] == '\r' && i + 1 < decoded.size() && decoded[i + 1] == '\n') continue;
    text += decoded[i];
  }
  return text;
}

ReceivedMail parse_mail(const std::string& envelope, const std::string& raw) {
  ReceivedMail mail;
  mail.raw = raw;
  std::istringstream lines(envelope);
  std::string line;
  while (std::getline(lines, line)) {
    const auto space = line.find(' ');
    const std::string key = line.substr(0, space);
    const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    if (key == "from") mail.from = value;
    if (key == "rcpt") mail.recipients.push_back(value);
    if (key == "tls") mail.tls = value == "yes";
    if (key == "auth" && value != "-") mail.login = value;
  }
  // Headers up to the first empty line; continuation lines start with white space.
  std::istringstream text(raw);
  std::string name, value;
  auto flush = [&] {
    if (!name.empty() && mail.headers.count(name) == 0) mail.headers[name] = value;
    name.clear();
    value.clear();
  };
  while (std::getline(text, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') {
      value += line;
      continue;
    }
    flush();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    name = lower(line.substr(0, colon));
    value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
  }
  flush();
  return mail;
}

std::string make_test_certificate(const std::string& dir, const std::string& name,
                                  const std::string& alt_names) {
  const std::string certificate = dir + "/" + name + ".pem";
  const std::string key = dir + "/" + name + ".key";
  const int code = run_program(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
       certificate, "-days", "2", "-subj", "/CN=" + name, "-addext", "subjectAltName=" + alt_names},
      dir + "/openssl.log");
  return code == 0 && fs::exists(certificate) ? certificate : std::string();
}

SmtpSink::SmtpSink(SinkOptions options) {
  dir_ = make_temp_dir();
  if (dir_.empty()) return;
  fs::create_directories(dir_ + "/mail");
  std::vector<std::string> storage{"/usr/bin/python3", CONCERTO_SMTP_SINK_SCRIPT, dir_ + "/mail"};
  if (!options.certificate.empty()) {
    storage.insert(storage.end(), {"--tls", options.certificate, options.key});
  }
  if (!options.username.empty()) {
    storage.insert(storage.end(), {"--auth", options.username, options.password});
  }
  std::vector<char*> argv;
  for (auto& arg : storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return;
  const std::string out = dir_ + "/port", err = dir_ + "/sink.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[0]);
  stdin_ = pipe_fds[1];
  if (spawned != 0) return;
  pid_ = pid;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = read_file(out);
    if (const auto at = text.find("PORT "); at != std::string::npos && text.back() == '\n') {
      port_ = std::atoi(text.c_str() + at + 5);
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

SmtpSink::~SmtpSink() {
  if (stdin_ >= 0) close(stdin_);
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::error_code ignored;
  if (!dir_.empty()) fs::remove_all(dir_, ignored);
}

std::string SmtpSink::log() const { return read_file(dir_ + "/sink.log"); }

std::vector<ReceivedMail> SmtpSink::received() const {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir_ + "/mail", error)) {
    if (entry.path().extension() == ".eml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  std::vector<ReceivedMail> mails;
  for (const std::string& name : names) {
    const std::string base = dir_ + "/mail/" + name;
    mails.push_back(parse_mail(read_file(base + ".env"), read_file(base + ".eml")));
  }
  return mails;
}

std::vector<ReceivedMail> SmtpSink::wait_for(std::size_t count, double timeout_seconds) const {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (true) {
    std::vector<ReceivedMail> mails = received();
    if (mails.size() >= count || std::chrono::steady_clock::now() >= deadline) return mails;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace concerto::testing
