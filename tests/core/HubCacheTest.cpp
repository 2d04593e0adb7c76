// The Hugging Face cache scan on fake caches built in temp dirs, laid out as
// huggingface_hub lays them out (snapshots/REV/FILE -> ../../blobs/ETAG,
// refs/main), including the ways real caches go wrong.
#include "TestSupport.h"

#include "io/HubCache.h"
#include "model/Model.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

namespace bertlens {
namespace {

namespace fs = std::filesystem;

const std::string kMain = "0123456789abcdef0123456789abcdef01234567";
const std::string kOld = "1111111111111111111111111111111111111111";

// Writes the files as blobs and links them from snapshots/REV, as the Hub client does.
fs::path addSnapshot(const fs::path& root, const std::string& repoId, const std::string& revision,
                     const std::map<std::string, std::string>& files, bool setMain = true) {
    const fs::path repo = root / HubCache::repoFolderName(repoId);
    const fs::path snapshot = repo / "snapshots" / revision;
    fs::create_directories(repo / "blobs");
    fs::create_directories(snapshot);
    int n = 0;
    for (const auto& [name, bytes] : files) {
        const std::string blob = revision.substr(0, 8) + "blob" + std::to_string(n++);
        test::writeBytes(repo / "blobs" / blob, bytes);
        fs::create_symlink(fs::path("..") / ".." / "blobs" / blob, snapshot / name);
    }
    if (setMain) {
        fs::create_directories(repo / "refs");
        test::writeBytes(repo / "refs" / "main", revision);
    }
    return snapshot;
}

std::map<std::string, std::string> fixtureFiles(const std::string& fixture, const std::string& weights) {
    std::map<std::string, std::string> files;
    for (const char* f : {"config.json", "vocab.txt", "tokenizer_config.json"})
        files[f] = test::readBytes(test::modelFixture(fixture) / f);
    if (weights == "safetensors")
        files["model.safetensors"] = test::readBytes(test::modelFixture(fixture) / "model.safetensors");
    if (weights == "bin")
        files["pytorch_model.bin"] = test::readBytes(test::fixturesDir() / "torchbin" / "ownvocab-f32-zip.bin");
    return files;
}

const CachedModel* findRepo(const std::vector<CachedModel>& list, const std::string& repoId) {
    for (const CachedModel& m : list)
        if (m.repoId == repoId) return &m;
    return nullptr;
}

TEST(HubCache, DefaultRootFollowsHuggingFaceHubsOrder) {
    std::map<std::string, std::string> env = {{"HOME", "/home/u"}};
    auto get = [&](const char* name) -> const char* {
        const auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    };
    EXPECT_EQ(HubCache::defaultRoot(get), "/home/u/.cache/huggingface/hub");
    env["XDG_CACHE_HOME"] = "/x";
    EXPECT_EQ(HubCache::defaultRoot(get), "/x/huggingface/hub");
    env["HF_HOME"] = "/h";
    EXPECT_EQ(HubCache::defaultRoot(get), "/h/hub");
    env["HUGGINGFACE_HUB_CACHE"] = "/old";
    EXPECT_EQ(HubCache::defaultRoot(get), "/old");
    env["HF_HUB_CACHE"] = "/c";
    EXPECT_EQ(HubCache::defaultRoot(get), "/c");
}

TEST(HubCache, RepoIdsAndFolderNames) {
    EXPECT_EQ(HubCache::repoFolderName("google/bert_uncased_L-2_H-128_A-2"),
              "models--google--bert_uncased_L-2_H-128_A-2");
    EXPECT_EQ(HubCache::repoFolderName("bert-base-uncased"), "models--bert-base-uncased");
    for (const char* ok : {"bert-base-uncased", "google/bert_uncased_L-2_H-128_A-2", "a/b.c", "x_1/y-2"})
        EXPECT_TRUE(HubCache::isValidRepoId(ok)) << ok;
    for (const char* bad : {"", "a/b/c", "a--b", "../etc", "a/..", "-a", "a b", "a/", "/a", "a/b?x=1", "a/b#c"})
        EXPECT_FALSE(HubCache::isValidRepoId(bad)) << bad;
}

TEST(HubCache, ListsBertSnapshotsWithShapeAndWeightSize) {
    test::ScratchDir scratch;
    const fs::path root = scratch.path() / "hub";
    addSnapshot(root, "org/tiny-bert", kMain, fixtureFiles("h12-f32", "safetensors"));
    addSnapshot(root, "ownvocab-bin", kMain, fixtureFiles("ownvocab-f32", "bin"));
    fs::create_directories(root / "datasets--org--data" / "snapshots" / kMain);  // not a model: skipped
    fs::create_directories(root / ".locks" / "models--org--tiny-bert");

    const auto list = HubCache::scan(root.string());
    ASSERT_EQ(list.size(), 2u);
    const CachedModel& tiny = *findRepo(list, "org/tiny-bert");
    EXPECT_TRUE(tiny.supported) << tiny.reason;
    EXPECT_TRUE(tiny.isMain);
    EXPECT_EQ(tiny.revision, kMain);
    EXPECT_EQ(tiny.weightsFile, "model.safetensors");
    EXPECT_EQ(tiny.weightsBytes, fs::file_size(test::modelFixture("h12-f32") / "model.safetensors"));
    // h12: 2 layers, 12 heads, hidden 48 (tests/fixtures/models/README.md).
    EXPECT_EQ(tiny.layers, 2);
    EXPECT_EQ(tiny.heads, 12);
    EXPECT_EQ(tiny.hidden, 48);
    EXPECT_EQ(tiny.modelType, "bert");
    EXPECT_EQ(fs::path(tiny.folder), root / "models--org--tiny-bert" / "snapshots" / kMain);
    // The folder opens through the symlinks.
    EXPECT_EQ(Model::load(tiny.folder)->config().heads, 12);

    const CachedModel& bin = *findRepo(list, "ownvocab-bin");
    EXPECT_TRUE(bin.supported) << bin.reason;
    EXPECT_EQ(bin.weightsFile, "pytorch_model.bin");
    EXPECT_EQ(bin.layers, 2);
    EXPECT_EQ(bin.heads, 2);
    EXPECT_EQ(bin.hidden, 32);
    EXPECT_STREQ(Model::load(bin.folder)->weightsFormat(), "pytorch zip");
}

TEST(HubCache, MainRevisionComesFirstAndOthersAreListed) {
    test::ScratchDir scratch;
    const fs::path root = scratch.path() / "hub";
    addSnapshot(root, "org/two", kOld, fixtureFiles("h12-f32", "safetensors"), false);
    addSnapshot(root, "org/two", "ffff" + kMain.substr(4), fixtureFiles("h12-f16", "safetensors"), false);
    addSnapshot(root, "org/two", kMain, fixtureFiles("h12-bf16", "safetensors"), true);
    const auto list = HubCache::scan(root.string());
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].revision, kMain);
    EXPECT_TRUE(list[0].isMain);
    EXPECT_FALSE(list[1].isMain);
    EXPECT_FALSE(list[2].isMain);
}

TEST(HubCache, DamagedCachesAreListedWithAReasonNotThrown) {
    test::ScratchDir scratch;
    const fs::path root = scratch.path() / "hub";
    // refs/main names a snapshot that was never written.
    addSnapshot(root, "org/lost-main", kOld, fixtureFiles("h12-f32", "safetensors"), false);
    fs::create_directories(root / "models--org--lost-main" / "refs");
    test::writeBytes(root / "models--org--lost-main" / "refs" / "main", kMain + "\n");
    // The weights blob was deleted.
    const fs::path broken = addSnapshot(root, "org/broken-blob", kMain, fixtureFiles("h12-f32", "safetensors"));
    fs::remove(fs::canonical(broken / "model.safetensors"));
    // config.json is not JSON.
    auto badJson = fixtureFiles("h12-f32", "safetensors");
    badJson["config.json"] = "{\"model_type\": \"bert\", ";
    addSnapshot(root, "org/bad-json", kMain, badJson);
    // No weights at all; no snapshots at all.
    addSnapshot(root, "org/no-weights", kMain, fixtureFiles("h12-f32", ""));
    fs::create_directories(root / "models--org--empty" / "blobs");
    // A config that BertLens refuses (heads do not divide hidden).
    auto badShape = fixtureFiles("h12-f32", "safetensors");
    badShape["config.json"] = R"({"model_type": "bert", "num_hidden_layers": 2, "hidden_size": 48,
        "num_attention_heads": 5, "intermediate_size": 192, "vocab_size": 120, "max_position_embeddings": 40})";
    addSnapshot(root, "org/bad-shape", kMain, badShape);

    const auto list = HubCache::scan(root.string());
    auto reasonOf = [&](const std::string& repo) {
        const CachedModel* m = findRepo(list, repo);
        EXPECT_TRUE(m) << repo;
        if (!m) return std::string();
        EXPECT_FALSE(m->supported) << repo;
        return m->reason;
    };
    EXPECT_NE(reasonOf("org/lost-main").find("refs/main names snapshot " + kMain + ", which is missing"),
              std::string::npos);
    EXPECT_NE(reasonOf("org/broken-blob").find("model.safetensors points to a blob that is missing"),
              std::string::npos);
    EXPECT_EQ(reasonOf("org/bad-json"), "config.json is not valid JSON");
    EXPECT_NE(reasonOf("org/no-weights").find("no weights"), std::string::npos);
    EXPECT_NE(reasonOf("org/empty").find("no snapshots"), std::string::npos);
    EXPECT_NE(reasonOf("org/bad-shape").find("not a multiple of num_attention_heads 5"), std::string::npos);
    // The older snapshot of org/lost-main is still there and usable.
    int lostMainEntries = 0;
    for (const CachedModel& m : list) {
        if (m.repoId != "org/lost-main") continue;
        ++lostMainEntries;
        if (m.revision == kOld) {
            EXPECT_TRUE(m.supported) << m.reason;
        }
    }
    EXPECT_EQ(lostMainEntries, 2);
}

TEST(HubCache, AMissingRootIsAnEmptyList) {
    EXPECT_TRUE(HubCache::scan("/nonexistent/bertlens/hub").empty());
}

TEST(HubCacheCli, ModelsListsTheCacheAsJsonAndAsATable) {
    test::ScratchDir scratch;
    const fs::path root = scratch.path() / "hub";
    addSnapshot(root, "org/tiny-bert", kMain, fixtureFiles("h12-f32", "safetensors"));
    auto distil = fixtureFiles("h12-f32", "safetensors");
    distil["config.json"] = R"({"model_type": "distilbert", "architectures": ["DistilBertForMaskedLM"],
        "n_layers": 6, "n_heads": 12, "dim": 768, "vocab_size": 30522})";
    addSnapshot(root, "distilbert-base-uncased", kMain, distil);

    const auto r = test::runCli("models --cache '" + root.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto out = nlohmann::json::parse(r.out);
    EXPECT_EQ(fs::path(out["cache"].get<std::string>()), root);
    ASSERT_EQ(out["models"].size(), 2u);
    const auto& d = out["models"][0];  // sorted by repo id
    EXPECT_EQ(d["repo_id"], "distilbert-base-uncased");
    EXPECT_EQ(d["supported"], false);
    EXPECT_EQ(d["reason"], "not supported: model_type distilbert");
    EXPECT_EQ(d["layers"], 6);
    const auto& t = out["models"][1];
    EXPECT_EQ(t["repo_id"], "org/tiny-bert");
    EXPECT_EQ(t["supported"], true);
    EXPECT_EQ(t["revision"], kMain);
    EXPECT_EQ(t["weights_file"], "model.safetensors");
    EXPECT_EQ(t["weights_bytes"], fs::file_size(test::modelFixture("h12-f32") / "model.safetensors"));
    EXPECT_EQ(t["layers"], 2);
    EXPECT_EQ(t["heads"], 12);
    EXPECT_EQ(t["hidden"], 48);

    const auto table = test::runCli("models --table --cache '" + root.string() + "'");
    ASSERT_EQ(table.exitCode, 0) << table.err;
    EXPECT_NE(table.out.find("org/tiny-bert"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("not supported: model_type distilbert"), std::string::npos) << table.out;

    // Without --cache, HF_HUB_CACHE decides (the child inherits this process's environment).
    ::setenv("HF_HUB_CACHE", root.c_str(), 1);
    const auto viaEnv = test::runCli("models");
    ::unsetenv("HF_HUB_CACHE");
    ASSERT_EQ(viaEnv.exitCode, 0) << viaEnv.err;
    EXPECT_EQ(nlohmann::json::parse(viaEnv.out)["models"].size(), 2u);
}

}  // namespace
}  // namespace bertlens
