#include "io/DataFolder.h"

#include <filesystem>
#include <system_error>

namespace bertlens {
namespace fs = std::filesystem;

std::vector<std::string> dataFolderCandidates(const std::string& exeDir) {
    const fs::path exe(exeDir);
    // Installed (P/bin -> P/share/bertlens) first, so a copy never reads the tree it came from;
    // then build/app -> resources of a build folder inside the source tree, then the source tree.
    std::vector<std::string> out = {
        (exe / ".." / "share" / "bertlens").lexically_normal().string(),
        (exe / ".." / ".." / "resources").lexically_normal().string(),
        (exe / ".." / "resources").lexically_normal().string(),
    };
#ifdef BERTLENS_SOURCE_DIR
    out.push_back((fs::path(BERTLENS_SOURCE_DIR) / "resources").lexically_normal().string());
#endif
    return out;
}

std::string findBundledModelFolder(const std::string& exeDir, const std::string& model) {
    for (const std::string& root : dataFolderCandidates(exeDir)) {
        const fs::path folder = fs::path(root) / "models" / model;
        std::error_code ec;
        if (fs::exists(folder / "config.json", ec) &&
            (fs::exists(folder / "model.safetensors", ec) || fs::exists(folder / "pytorch_model.bin", ec))) {
            return folder.string();
        }
    }
    return {};
}

std::string executableFolder() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

}  // namespace bertlens
