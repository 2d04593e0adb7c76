#include "TestSupport.h"

#include <sys/wait.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace fs = std::filesystem;

namespace bertlens::test {

fs::path fixturesDir() {
    return BERTLENS_FIXTURES;
}
fs::path modelFixture(const std::string& name) {
    return fixturesDir() / "models" / name;
}

std::string bundledModel() {
    return (fs::path(BERTLENS_RESOURCES) / "models" / "bertlens-mini").string();
}

fs::path sharedBertBaseUncased() {
    const fs::path p = fs::path(BERTLENS_SHARED_DIR) / "reference" / "bert-base-uncased";
    return fs::exists(p / "vocab.txt") ? p : fs::path();
}

std::string readBytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("test cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeBytes(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("test cannot write " + path.string());
}

nlohmann::json readJson(const fs::path& path) {
    return nlohmann::json::parse(readBytes(path));
}

ScratchDir::ScratchDir() {
    std::random_device rd;
    m_path = fs::temp_directory_path() / ("bertlens-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(m_path);
}

ScratchDir::~ScratchDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

fs::path ScratchDir::copyModel(const std::string& fixture, const std::string& as) {
    const fs::path dst = m_path / as;
    fs::create_directories(dst);
    for (const char* f : {"config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors"}) {
        fs::copy_file(modelFixture(fixture) / f, dst / f);
    }
    return dst;
}

void rewriteSafetensors(const fs::path& file, const std::function<void(nlohmann::json&, std::string&)>& edit) {
    const std::string bytes = readBytes(file);
    uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i)
        headerLength = (headerLength << 8) | static_cast<uint8_t>(bytes[static_cast<size_t>(i)]);
    nlohmann::json header = nlohmann::json::parse(bytes.substr(8, headerLength));
    std::string data = bytes.substr(8 + headerLength);
    edit(header, data);
    const std::string text = header.dump();
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[static_cast<size_t>(i)] = static_cast<char>((text.size() >> (8 * i)) & 0xFF);
    writeBytes(file, out + text + data);
}

CliResult runCli(const std::string& args, const std::string& stdinBytes) {
    ScratchDir dir;
    const fs::path in = dir.path() / "stdin", out = dir.path() / "stdout", err = dir.path() / "stderr";
    writeBytes(in, stdinBytes);
    const std::string command = std::string("'") + BERTLENS_CLI + "' " + args + " <'" + in.string() + "' >'" +
                                out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    CliResult r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = readBytes(out);
    r.err = readBytes(err);
    return r;
}

}  // namespace bertlens::test
