#pragma once
// The `concerto` command line: serve, fetch, export, check (and the internal ingest-worker).

namespace concerto::app {

int run_command(int argc, char** argv);

}  // namespace concerto::app
