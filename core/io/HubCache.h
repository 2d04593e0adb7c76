// The Hugging Face hub cache, where most users already have BERT models:
//
//   ROOT/models--ORG--NAME/refs/main              the commit "main" points to
//   ROOT/models--ORG--NAME/snapshots/COMMIT/FILE  (relative symlinks into ../../blobs/)
//   ROOT/models--ORG--NAME/blobs/ETAG             the files' bytes
//
// scan() lists every snapshot with what the model picker shows (repo id,
// revision, folder, weights file and size, layers, heads, hidden size,
// model_type) and whether BertLens can open it, with the reason when not.
// Nothing in a damaged cache (broken symlinks, missing snapshots, bad JSON,
// other architectures) throws: it becomes a listed reason.
// Stateless functions; safe to call from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bertlens {

struct CachedModel {
    std::string repoId;       // "google/bert_uncased_L-2_H-128_A-2"
    std::string revision;     // the snapshot's folder name (a commit hash)
    bool isMain = false;      // refs/main names this revision
    std::string folder;       // ROOT/models--.../snapshots/REVISION
    std::string weightsFile;  // "model.safetensors", "pytorch_model.bin", or "" when none
    uint64_t weightsBytes = 0;
    int layers = 0;  // 0 where config.json does not say
    int heads = 0;
    int hidden = 0;
    std::string modelType;
    bool supported = false;
    std::string reason;  // why it cannot be opened; "" when supported
};

class HubCache {
public:
    using GetEnv = std::function<const char*(const char*)>;

    // HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE, else HF_HOME/hub, else
    // XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub (as huggingface_hub decides).
    static std::string defaultRoot(const GetEnv& getEnv = nullptr);

    // Every snapshot of every models--* folder under root, sorted by repo id
    // (the revision refs/main names first). A missing root gives an empty list.
    static std::vector<CachedModel> scan(const std::string& root);
    // One snapshot folder, judged as scan() does.
    static CachedModel describe(const std::string& snapshotFolder);

    // "models--ORG--NAME" for "ORG/NAME".
    static std::string repoFolderName(const std::string& repoId);
    // Whether a repo id looks like ORG/NAME or NAME (letters, digits, - _ .; no "--" or "..").
    static bool isValidRepoId(const std::string& repoId);
};

}  // namespace bertlens
