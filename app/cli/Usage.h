// The usage text of every bertlens-cli command, kept here once: the
// top-level usage lists each command's synopsis, and COMMAND --help prints
// the same synopsis with the command's options explained.
#pragma once

#include <string>

namespace bertlens::cli {

// Every command's synopsis, then the notes that hold for all of them.
std::string usageText();
// One command's synopsis and options; empty when there is no such command.
std::string commandHelp(const std::string& command);

}  // namespace bertlens::cli
