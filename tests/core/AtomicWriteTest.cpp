// Atomic writes (issue 19): every core writer runs in a child process that
// rewrites its files again and again, and is killed at random moments; after
// each kill the files must be whole (the old generation or a new one, never
// torn). Then each writer meets a full disk (a file-size limit in the child):
// a clear message, the previous files intact, no temporary file left.
#include "TestSupport.h"

#include "Errors.h"
#include "export/NpyWriter.h"
#include "io/AtomicFile.h"
#include "io/SafeTensors.h"
#include "io/SafeTensorsWriter.h"
#include "model/Model.h"
#include "train/AdamW.h"
#include "train/Checkpoint.h"
#include "train/TrainState.h"
#include "train/WordPieceBuilder.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace bertlens {
namespace {

namespace fs = std::filesystem;
using train::AdamW;
using train::TrainableBert;

// One writer under test: write(folder, generation) renews its files;
// check(folder) is empty when they are whole, else what is wrong.
struct Writer {
    std::string name;
    std::function<void(const fs::path&, int)> write;
    std::function<std::string(const fs::path&)> check;
};

// 3 MB of one byte per generation, its length up front: a torn file is short
// or mixes two bytes.
Writer rawFile() {
    static constexpr size_t kSize = 3 << 20;
    return {"AtomicFile",
            [](const fs::path& dir, int g) {
                std::string bytes(8 + kSize, char('a' + g % 26));
                std::memcpy(bytes.data(), &kSize, sizeof kSize);
                AtomicFile::writeAll(dir / "data.bin", bytes);
            },
            [](const fs::path& dir) -> std::string {
                const std::string bytes = test::readBytes(dir / "data.bin");
                if (bytes.size() != 8 + kSize) return "size " + std::to_string(bytes.size());
                size_t stated = 0;
                std::memcpy(&stated, bytes.data(), sizeof stated);
                if (stated != kSize) return "damaged length";
                if (bytes.find_first_not_of(bytes[8], 8) != std::string::npos) return "two generations mixed";
                return {};
            }};
}

Writer safetensorsFile() {
    static constexpr size_t kCount = 1 << 18;
    return {"writeSafeTensors",
            [](const fs::path& dir, int g) {
                const std::vector<float> values(kCount, float(g));
                writeSafeTensors((dir / "w.safetensors").string(),
                                 {{"a", {int64_t(kCount)}, values.data()}, {"b", {int64_t(kCount)}, values.data()}},
                                 DType::F32);
            },
            [](const fs::path& dir) -> std::string {
                const std::string bytes = test::readBytes(dir / "w.safetensors");
                try {
                    const SafeTensors st = SafeTensors::parse(reinterpret_cast<const uint8_t*>(bytes.data()),
                                                              bytes.size(), "w.safetensors");
                    float first = -1;
                    for (const char* name : {"a", "b"}) {
                        const TensorView& t = st.tensors().at(name);
                        const auto* v = reinterpret_cast<const float*>(t.data);
                        if (first < 0) first = v[0];
                        for (size_t i = 0; i < kCount; ++i) {
                            if (v[i] != first) return "two generations mixed";
                        }
                    }
                } catch (const std::exception& e) {
                    return e.what();
                }
                return {};
            }};
}

ModelConfig checkpointConfig() {
    ModelConfig c;
    c.layers = 2;
    c.hidden = 64;
    c.heads = 4;
    c.intermediate = 128;
    c.vocabSize = 40;
    c.maxPositions = 32;
    return c;
}

std::vector<std::string> smallVocab(int size) {
    std::vector<std::string> v = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    for (int i = int(v.size()); i < size; ++i) v.push_back("w" + std::to_string(i));
    return v;
}

std::string loads(const fs::path& folder) {
    try {
        Model::load(folder.string());
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

Writer checkpointFolder() {
    return {"writeRandomCheckpoint",
            [](const fs::path& dir, int g) {
                writeRandomCheckpoint((dir / "model").string(), checkpointConfig(), smallVocab(40), uint64_t(g));
            },
            [](const fs::path& dir) { return loads(dir / "model"); }};
}

Writer trainingState() {
    return {"saveTrainingState",
            [](const fs::path& dir, int g) {
                static TrainableBert<float> model(checkpointConfig());
                static AdamW optimizer(model.layout().total(), {});
                train::saveTrainingState((dir / "state").string(), model, optimizer, smallVocab(40), "{\"run\": 1}", g);
            },
            [](const fs::path& dir) -> std::string {
                TrainableBert<float> model(checkpointConfig());
                AdamW optimizer(model.layout().total(), {});
                int64_t step = -1;
                try {
                    if (!train::loadTrainingState((dir / "state").string(), model, optimizer, "{\"run\": 1}", step))
                        return "no training state to resume from";
                } catch (const std::exception& e) {
                    return e.what();
                }
                return {};
            }};
}

Writer vocabularyFile() {
    static constexpr int kTokens = 20000;
    return {"writeVocabFile",
            [](const fs::path& dir, int g) {
                std::vector<std::string> tokens;
                for (int i = 0; i < kTokens; ++i) tokens.push_back("g" + std::to_string(g) + "_" + std::to_string(i));
                writeVocabFile(tokens, (dir / "vocab.txt").string());
            },
            [](const fs::path& dir) -> std::string {
                const std::string text = test::readBytes(dir / "vocab.txt");
                const std::string generation = text.substr(0, text.find('_') + 1);
                size_t lines = 0, at = 0;
                for (size_t end; (end = text.find('\n', at)) != std::string::npos; at = end + 1, ++lines) {
                    if (text.compare(at, generation.size(), generation) != 0) return "two generations mixed";
                }
                if (at != text.size() || lines != kTokens) return std::to_string(lines) + " whole lines";
                return {};
            }};
}

// analyze --npy and the window's data export: a folder of .npy files and
// the sidecar, each file whole on its own (header + all values of one generation).
Writer npyFolder() {
    static constexpr int64_t kCount = 1 << 18;
    return {"writeArrayFolder",
            [](const fs::path& dir, int g) {
                const std::vector<float> values(kCount, float(g));
                ArrayFolder folder;
                folder.add({"a", {kCount}, {"i"}, "first", values.data()});
                folder.add({"b", {2, kCount / 2}, {"i", "j"}, "second", values.data()});
                folder.meta["generation"] = g;
                writeArrayFolder(dir / "arrays", folder);
            },
            [](const fs::path& dir) -> std::string {
                for (const char* name : {"a.npy", "b.npy"}) {
                    const std::string bytes = test::readBytes(dir / "arrays" / name);
                    if (bytes.size() < 10) return std::string(name) + " has no header";
                    const size_t header = 10 + size_t(uint8_t(bytes[8])) + (size_t(uint8_t(bytes[9])) << 8);
                    if (bytes.size() != header + kCount * 4) return std::string(name) + ": size " + std::to_string(bytes.size());
                    const auto* v = reinterpret_cast<const float*>(bytes.data() + header);
                    for (int64_t i = 1; i < kCount; ++i) {
                        if (v[i] != v[0]) return std::string(name) + ": two generations mixed";
                    }
                }
                try {
                    const auto sidecar = nlohmann::json::parse(test::readBytes(dir / "arrays" / "arrays.json"));
                    if (!sidecar.contains("arrays")) return "arrays.json names no arrays";
                } catch (const std::exception& e) {
                    return std::string("arrays.json: ") + e.what();
                }
                return {};
            }};
}

std::vector<Writer> writers() {
    return {rawFile(), safetensorsFile(), checkpointFolder(), trainingState(), vocabularyFile(), npyFolder()};
}

std::vector<std::string> leftovers(const fs::path& dir) {
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.path().filename().string().find(".partial-") != std::string::npos) found.push_back(e.path().string());
    }
    return found;
}

TEST(AtomicWrite, KilledAtRandomMomentsNeverLeavesATornFile) {
    std::mt19937 random(19);
    int kills = 0;
    for (const Writer& w : writers()) {
        test::ScratchDir dir;
        w.write(dir.path(), 0);
        ASSERT_EQ(w.check(dir.path()), "") << w.name << " does not write a whole file even when left alone";
        int killedMidWrite = 0;
        for (int round = 0; round < 30; ++round) {
            const pid_t child = fork();
            ASSERT_GE(child, 0);
            if (child == 0) {
                try {
                    for (int g = 1;; ++g) w.write(dir.path(), g);
                } catch (...) {
                    _exit(3);
                }
            }
            std::this_thread::sleep_for(std::chrono::microseconds(random() % 40000));
            kill(child, SIGKILL);
            int status = 0;
            waitpid(child, &status, 0);
            ASSERT_TRUE(WIFSIGNALED(status)) << w.name << ": the writer stopped by itself, status " << status;
            ++kills;
            ++killedMidWrite;
            ASSERT_EQ(w.check(dir.path()), "") << w.name << ": torn after the kill in round " << round;
        }
        EXPECT_EQ(killedMidWrite, 30) << w.name;
        // A kill leaves its temporary file behind; the next writer of the
        // same target removes those of dead writers, so at most the last
        // kill's remain (one per file the writer writes).
        const size_t left = leftovers(dir.path()).size();
        EXPECT_LE(left, 4u) << w.name;
        std::cout << "[ info     ] " << w.name << ": 30 kills, files whole after every one; " << left
                  << " temporary files of the last kill left\n";
    }
    EXPECT_EQ(kills, 180);
}

// The same kills on a plain std::ofstream writer tear its file: the
// experiment above can see a torn file when there is one.
TEST(AtomicWrite, TheSameKillsTearAPlainWrite) {
    std::mt19937 random(19);
    test::ScratchDir dir;
    const std::string whole(3 << 20, 'x');
    test::writeBytes(dir.path() / "plain.bin", whole);
    int torn = 0;
    for (int round = 0; round < 30; ++round) {
        const pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            for (;;) test::writeBytes(dir.path() / "plain.bin", whole);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(random() % 40000));
        kill(child, SIGKILL);
        waitpid(child, nullptr, 0);
        if (test::readBytes(dir.path() / "plain.bin") != whole) ++torn;
    }
    std::cout << "[ info     ] a plain write was torn by " << torn << " of 30 kills\n";
    EXPECT_GT(torn, 0);
}

// RLIMIT_FSIZE in the child stands in for a full disk (writes past it fail
// with EFBIG; SIGXFSZ is ignored so the writer sees the error).
TEST(AtomicWrite, AFullDiskGivesAClearMessageAndKeepsThePreviousFile) {
    for (const Writer& w : writers()) {
        test::ScratchDir dir;
        w.write(dir.path(), 0);
        ASSERT_EQ(w.check(dir.path()), "") << w.name;
        int pipeFds[2];
        ASSERT_EQ(pipe(pipeFds), 0);
        const pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            close(pipeFds[0]);
            signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{16 << 10, 16 << 10};
            setrlimit(RLIMIT_FSIZE, &limit);
            int code = 4;  // the write went through: the limit did not bite
            std::string message;
            try {
                w.write(dir.path(), 1);
            } catch (const Error& e) {
                message = e.what();
                code = 0;
            } catch (const std::exception& e) {
                message = e.what();
                code = 5;
            }
            (void)!::write(pipeFds[1], message.data(), message.size());
            _exit(code);
        }
        close(pipeFds[1]);
        std::string message;
        char buffer[512];
        for (ssize_t n; (n = read(pipeFds[0], buffer, sizeof buffer)) > 0;) message.append(buffer, size_t(n));
        close(pipeFds[0]);
        int status = 0;
        waitpid(child, &status, 0);
        ASSERT_TRUE(WIFEXITED(status)) << w.name;
        EXPECT_EQ(WEXITSTATUS(status), 0) << w.name << ": " << message;
        EXPECT_NE(message.find("cannot write " + dir.path().string()), std::string::npos) << w.name << ": " << message;
        EXPECT_NE(message.find(std::strerror(EFBIG)), std::string::npos) << w.name << ": " << message;
        EXPECT_NE(message.find("unchanged"), std::string::npos) << w.name << ": " << message;
        EXPECT_EQ(w.check(dir.path()), "") << w.name << ": the previous file was damaged";
        EXPECT_TRUE(leftovers(dir.path()).empty()) << w.name << ": " << leftovers(dir.path()).front();
    }
}

TEST(AtomicWrite, ANewFileKeepsTheUsualPermissionsAndAFolderIsRefused) {
    test::ScratchDir dir;
    AtomicFile::writeAll(dir.path() / "x.txt", "hello\n");
    EXPECT_EQ(test::readBytes(dir.path() / "x.txt"), "hello\n");
    const mode_t mask = umask(0);
    umask(mask);
    const auto perms = fs::status(dir.path() / "x.txt").permissions();
    EXPECT_EQ(static_cast<unsigned>(perms) & 0777u, 0666u & ~unsigned(mask));
    EXPECT_THROW(AtomicFile::writeAll(dir.path() / "missing" / "x.txt", "x"), Error);
    EXPECT_TRUE(leftovers(dir.path()).empty());
    {
        AtomicFile abandoned(dir.path() / "y.txt");
        abandoned.write("never committed");
    }
    EXPECT_FALSE(fs::exists(dir.path() / "y.txt"));
    EXPECT_TRUE(leftovers(dir.path()).empty()) << "an abandoned writer left its temporary file";
}

}  // namespace
}  // namespace bertlens
