#pragma once
// Test helpers that run the real `concerto` binary: a command with its output captured, or a
// server process that is stopped when the object goes away.

#include <string>
#include <vector>

namespace concerto::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs CONCERTO_BINARY with `args`; bounded by `timeout_seconds` (killed after).
CommandResult run_concerto(const std::vector<std::string>& args, int timeout_seconds = 120);

class ServerProcess {
 public:
  // Starts `concerto serve` with `args` and waits (bounded) for its "serving" line.
  explicit ServerProcess(const std::vector<std::string>& args);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool running() const { return port_ > 0; }
  int port() const { return port_; }
  // Sends SIGTERM and returns the exit code.
  int stop();
  std::string log() const;

 private:
  int pid_ = -1;
  int port_ = 0;
  std::string log_file_;
};

std::string make_temp_dir();
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

}  // namespace concerto::testing
