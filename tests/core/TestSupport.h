// Shared helpers for the core tests: fixture paths, JSON files, scratch
// folders, and running bertlens-cli as a user would.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>

namespace bertlens::test {

std::filesystem::path fixturesDir();
std::filesystem::path modelFixture(const std::string& name);  // tests/fixtures/models/NAME
std::string bundledModel();  // resources/models/bertlens-mini
// ../shared/reference/bert-base-uncased, or "" when ../shared is absent.
std::filesystem::path sharedBertBaseUncased();

nlohmann::json readJson(const std::filesystem::path& path);
std::string readBytes(const std::filesystem::path& path);
void writeBytes(const std::filesystem::path& path, const std::string& bytes);

// A fresh folder under the system temp dir, removed when the object dies.
class ScratchDir {
public:
    ScratchDir();
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    // A copy of a model fixture folder inside this scratch dir.
    std::filesystem::path copyModel(const std::string& fixture, const std::string& as = "model");

private:
    std::filesystem::path m_path;
};

// Rewrites a safetensors file: the header JSON and the data bytes can be edited.
void rewriteSafetensors(const std::filesystem::path& file,
                        const std::function<void(nlohmann::json& header, std::string& data)>& edit);

struct CliResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};
CliResult runCli(const std::string& args, const std::string& stdinBytes = {});

}  // namespace bertlens::test
