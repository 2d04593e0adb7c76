#include "io/FolderCopy.h"

#include "Errors.h"
#include "io/AtomicFile.h"
#include "io/FileBytes.h"

#include <filesystem>
#include <random>

namespace fs = std::filesystem;

namespace bertlens {
namespace {

constexpr uint64_t kMaxFileBytes = uint64_t(64) << 30;

// Removes the half-made folder unless the copy got to its rename.
class Staging {
public:
    explicit Staging(fs::path path) : m_path(std::move(path)) {}
    ~Staging() {
        std::error_code ignored;
        if (!m_kept) fs::remove_all(m_path, ignored);
    }
    const fs::path& path() const { return m_path; }
    void keep() { m_kept = true; }

private:
    fs::path m_path;
    bool m_kept = false;
};

}  // namespace

void copyFolderAtomically(const std::string& from, const std::string& to) {
    std::error_code error;
    const fs::path target = fs::absolute(fs::path(to), error).lexically_normal();
    if (error || target.filename().empty()) throw Error("cannot save to \"" + to + "\": it is not a folder name");
    if (fs::exists(fs::symlink_status(target, error))) {
        if (!fs::is_directory(fs::symlink_status(target)))
            throw Error(to + " exists and is not a folder: choose a new folder name");
        if (!fs::is_empty(target, error) || error)
            throw Error(to + " already holds files: choose a new or empty folder, so nothing of yours is overwritten");
    }
    std::vector<fs::path> files;
    for (const fs::directory_entry& e : fs::directory_iterator(from, error)) {
        if (e.is_regular_file()) files.push_back(e.path());
    }
    if (error) throw Error("cannot read the folder " + from + ": " + error.message());
    if (files.empty()) throw Error(from + " holds no file to save");

    std::random_device random;
    Staging staging(target.parent_path() /
                    ("." + target.filename().string() + ".partial-" + std::to_string(random() % 1000000)));
    if (!fs::create_directory(staging.path(), error) || error)
        throw Error("cannot create a folder in " + target.parent_path().string() + ": " +
                    (error ? error.message() : std::string("it already exists")));
    for (const fs::path& f : files)
        AtomicFile::writeAll(staging.path() / f.filename(), readRegularFile(f.string(), kMaxFileBytes, "a model file"));
    // rename(2) replaces an empty folder and nothing else: a folder that
    // filled up meanwhile makes it fail, and the staging copy goes.
    fs::rename(staging.path(), target, error);
    if (error) throw Error("cannot save to " + to + ": " + error.message());
    staging.keep();
}

}  // namespace bertlens
