// Where BertLens's read-only data lives (the bundled models and the example
// sentences): share/bertlens beside an installed bin/ (found from the
// executable's own folder, so a moved prefix keeps working), else the
// resources/ folder of the build or source tree it was built from.
//
// No Qt: bertlens-cli asks with /proc/self/exe, the window with
// QCoreApplication::applicationDirPath(). Pure functions of the file system.
#pragma once

#include <string>
#include <vector>

namespace bertlens {

// The folders tried, in order, for an executable in exeDir.
std::vector<std::string> dataFolderCandidates(const std::string& exeDir);
// The first candidate holding models/<model> as a checkpoint; empty when none does.
std::string findBundledModelFolder(const std::string& exeDir, const std::string& model = "bertlens-mini");
// The folder of the running executable (/proc/self/exe); empty if unknown.
std::string executableFolder();

}  // namespace bertlens
