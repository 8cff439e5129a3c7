#pragma once
// `concerto explain UID` and `concerto merges review|confirm|split|join`: why events were merged,
// and the administrator's decisions that override the matcher.

#include "app/cli.h"

namespace concerto::app {

int command_explain(const Arguments& args);
int command_merges(const Arguments& args);

}  // namespace concerto::app
