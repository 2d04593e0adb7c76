#include "io/HubCache.h"

#include "Errors.h"
#include "io/FileBytes.h"
#include "io/ModelConfig.h"
#include "io/TensorSource.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace bertlens {
namespace {

const std::string kRepoPrefix = "models--";

// "" for a file that cannot be read, is not a regular file (a FIFO would
// block the scan) or is larger than a config.json or a ref can be.
std::string readSmallFile(const fs::path& p) {
    try {
        return readRegularFile(p.string(), uint64_t(16) << 20, "a file of the model cache");
    } catch (const CheckpointError&) {
        return std::string();
    }
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

// The first of several keys that holds a whole number (other architectures
// name their sizes differently: n_layer, n_layers, n_head, dim, n_embd, ...).
int firstInt(const nlohmann::json& j, std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
        if (j.contains(k) && j[k].is_number_integer()) {
            const auto v = j[k].get<int64_t>();
            if (v > 0 && v < (int64_t(1) << 30)) return static_cast<int>(v);
        }
    }
    return 0;
}

// Whether a path is a symlink whose target is gone (an interrupted download
// or a cleaned blobs/ folder).
bool isBrokenLink(const fs::path& p) {
    std::error_code ec;
    return fs::is_symlink(fs::symlink_status(p, ec)) && !fs::exists(p, ec);
}

std::string missingFileReason(const fs::path& folder, const char* name) {
    if (isBrokenLink(folder / name)) {
        return std::string(name) +
               " points to a blob that is missing (an interrupted download?); download the "
               "model again";
    }
    return std::string("no ") + name + " in the snapshot (an incomplete download?)";
}

void readConfig(const fs::path& folder, CachedModel& m) {
    const fs::path path = folder / "config.json";
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        m.reason = missingFileReason(folder, "config.json");
        return;
    }
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(readSmallFile(path));
    } catch (const nlohmann::json::exception&) {
        m.reason = "config.json is not valid JSON";
        return;
    }
    if (!j.is_object()) {
        m.reason = "config.json does not hold a JSON object";
        return;
    }
    if (j.contains("model_type") && j["model_type"].is_string()) m.modelType = j["model_type"].get<std::string>();
    m.layers = firstInt(j, {"num_hidden_layers", "n_layer", "n_layers", "num_layers"});
    m.heads = firstInt(j, {"num_attention_heads", "n_head", "n_heads", "num_heads"});
    m.hidden = firstInt(j, {"hidden_size", "n_embd", "dim", "d_model"});
    try {
        ModelConfig::fromFile(path.string());
        if (m.modelType.empty()) m.modelType = "bert";
    } catch (const CheckpointError& e) {
        const std::string what = e.what();
        // "not supported: model_type X (in /long/path/config.json); ..." is shown shortened.
        if (what.rfind("not supported:", 0) == 0 && what.find(" (in ") != std::string::npos) {
            m.reason = what.substr(0, what.find(" (in "));
        } else {
            m.reason = what;
        }
    }
}

void readWeights(const fs::path& folder, CachedModel& m) {
    const std::string file = TensorSource::weightsFileIn(folder.string());
    if (file.empty()) {
        for (const char* name : {"model.safetensors", "pytorch_model.bin"}) {
            if (isBrokenLink(folder / name)) {
                if (m.reason.empty()) m.reason = missingFileReason(folder, name);
                return;
            }
        }
        try {
            TensorSource::openFolder(folder.string());  // throws the reason (no weights, shards, TF only)
        } catch (const CheckpointError& e) {
            if (m.reason.empty()) m.reason = e.what();
        }
        return;
    }
    m.weightsFile = fs::path(file).filename().string();
    std::error_code ec;
    const auto bytes = fs::file_size(file, ec);  // follows the symlink to the blob
    if (ec) {
        if (m.reason.empty()) m.reason = missingFileReason(folder, m.weightsFile.c_str());
        return;
    }
    m.weightsBytes = bytes;
}

}  // namespace

std::string HubCache::defaultRoot(const GetEnv& getEnv) {
    auto env = [&](const char* name) -> std::string {
        const char* v = getEnv ? getEnv(name) : std::getenv(name);
        return v ? std::string(v) : std::string();
    };
    if (!env("HF_HUB_CACHE").empty()) return env("HF_HUB_CACHE");
    if (!env("HUGGINGFACE_HUB_CACHE").empty()) return env("HUGGINGFACE_HUB_CACHE");
    if (!env("HF_HOME").empty()) return (fs::path(env("HF_HOME")) / "hub").string();
    if (!env("XDG_CACHE_HOME").empty()) return (fs::path(env("XDG_CACHE_HOME")) / "huggingface" / "hub").string();
    return (fs::path(env("HOME")) / ".cache" / "huggingface" / "hub").string();
}

std::string HubCache::repoFolderName(const std::string& repoId) {
    std::string s = kRepoPrefix;
    for (char c : repoId) {
        if (c == '/') {
            s += "--";
        } else {
            s += c;
        }
    }
    return s;
}

bool HubCache::isValidRepoId(const std::string& repoId) {
    if (repoId.empty() || repoId.size() > 96) return false;
    if (repoId.find("--") != std::string::npos || repoId.find("..") != std::string::npos) return false;
    const size_t slash = repoId.find('/');
    if (slash != std::string::npos && repoId.find('/', slash + 1) != std::string::npos) return false;
    auto validPart = [](const std::string& part) {
        if (part.empty() || part.front() == '-' || part.front() == '.' || part.back() == '-' || part.back() == '.') {
            return false;
        }
        return std::all_of(part.begin(), part.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                   c == '.';
        });
    };
    if (slash == std::string::npos) return validPart(repoId);
    return validPart(repoId.substr(0, slash)) && validPart(repoId.substr(slash + 1));
}

CachedModel HubCache::describe(const std::string& snapshotFolder) {
    CachedModel m;
    const fs::path folder = fs::path(snapshotFolder).lexically_normal();
    m.folder = folder.string();
    const fs::path snapshots = folder.parent_path();
    const std::string repoFolder = snapshots.parent_path().filename().string();
    if (snapshots.filename() == "snapshots" && repoFolder.rfind(kRepoPrefix, 0) == 0) {
        std::string id = repoFolder.substr(kRepoPrefix.size());
        const size_t sep = id.find("--");
        if (sep != std::string::npos) id.replace(sep, 2, "/");
        m.repoId = id;
        m.revision = folder.filename().string();
    } else {
        m.repoId = folder.filename().string();
    }
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        m.reason = "the snapshot folder is missing";
        return m;
    }
    readConfig(folder, m);
    readWeights(folder, m);
    if (m.reason.empty() && !fs::is_regular_file(folder / "vocab.txt", ec)) {
        m.reason = missingFileReason(folder, "vocab.txt");
    }
    m.supported = m.reason.empty();
    return m;
}

std::vector<CachedModel> HubCache::scan(const std::string& root) {
    std::vector<CachedModel> out;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return out;
    for (const auto& repo : fs::directory_iterator(root, ec)) {
        const std::string name = repo.path().filename().string();
        if (name.rfind(kRepoPrefix, 0) != 0 || !repo.is_directory(ec)) continue;
        const std::string main = trimmed(readSmallFile(repo.path() / "refs" / "main"));
        std::vector<CachedModel> revisions;
        bool mainFound = false;
        for (const auto& snap : fs::directory_iterator(repo.path() / "snapshots", ec)) {
            if (!snap.is_directory(ec)) continue;
            CachedModel m = describe(snap.path().string());
            m.isMain = !main.empty() && m.revision == main;
            mainFound = mainFound || m.isMain;
            revisions.push_back(std::move(m));
        }
        if (!main.empty() && !mainFound) {
            CachedModel m = describe((repo.path() / "snapshots" / main).string());
            m.isMain = true;
            m.reason = "refs/main names snapshot " + main + ", which is missing (an interrupted download?)";
            m.supported = false;
            revisions.push_back(std::move(m));
        }
        if (revisions.empty()) {
            CachedModel m = describe((repo.path() / "snapshots" / "none").string());
            m.revision.clear();
            m.folder = repo.path().string();
            m.reason = "no snapshots: the download never finished";
            revisions.push_back(std::move(m));
        }
        std::sort(revisions.begin(), revisions.end(), [](const CachedModel& a, const CachedModel& b) {
            return a.isMain != b.isMain ? a.isMain : a.revision < b.revision;
        });
        out.insert(out.end(), revisions.begin(), revisions.end());
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const CachedModel& a, const CachedModel& b) { return a.repoId < b.repoId; });
    return out;
}

}  // namespace bertlens
