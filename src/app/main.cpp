#include "app/commands.h"

int main(int argc, char** argv) { return concerto::app::run_command(argc, argv); }
