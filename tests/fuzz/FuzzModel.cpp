// libFuzzer target: any bytes as the model.safetensors of a tiny BERT folder
// (1 layer, hidden 8, 2 heads, a 20-word vocabulary, 16 positions; its
// config.json and vocab.txt are tests/fuzz/model's), loaded with Model::load
// and run on a short text under both masks. This is the whole path from a
// file to the numbers a view draws:
// legacy tensor names, F16/BF16 widening, the tied decoder, unaligned F32,
// NaN weights. Loading or running must either refuse with a CheckpointError /
// InputError or give attention rows that sum to 1, a causal map that hides
// later tokens, and predictions that are probabilities in descending order.
//
// The folder lives in /dev/shm (else $TMPDIR, else /tmp), one per process.
#include "FuzzSupport.h"

#include "Errors.h"
#include "model/Encoder.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

namespace {

void writeFile(const std::string& path, const void* data, size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    bertlens::fuzz::require(static_cast<bool>(out), "cannot write the fuzz model folder");
}

// The scratch model folder, removed when the fuzzer exits. Its own
// destructor does that: a std::atexit handler registered while the static
// was being built ran after the static was destroyed (use-after-free).
struct ScratchFolder {
    std::string path;
    ~ScratchFolder() {
        for (const char* f : {"/config.json", "/vocab.txt", "/model.safetensors"}) unlink((path + f).c_str());
        rmdir(path.c_str());
    }
};

const std::string& folder() {
    static const ScratchFolder dir{[] {
        const char* base =
            access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
        std::string pattern = std::string(base) + "/bertlens-fuzz-model-XXXXXX";
        bertlens::fuzz::require(mkdtemp(pattern.data()) != nullptr, "cannot create the fuzz model folder");
        for (const char* name : {"config.json", "vocab.txt"}) {
            std::ifstream in(std::string(BERTLENS_FUZZ_MODEL_DIR "/") + name, std::ios::binary);
            const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            bertlens::fuzz::require(!bytes.empty(), "tests/fuzz/model is missing");
            writeFile(pattern + "/" + name, bytes.data(), bytes.size());
        }
        return pattern;
    }()};
    return dir.path;
}

void checkAnalysis(const bertlens::Analysis& a, bool causal) {
    using bertlens::fuzz::require;
    const int n = a.tokenCount;
    require(a.attentions.size() == static_cast<size_t>(a.layers) * a.heads * n * n, "attention tensor size");
    for (int l = 0; l < a.layers; ++l) {
        for (int h = 0; h < a.heads; ++h) {
            const auto m = a.attention(l, h);
            for (int q = 0; q < n; ++q) {
                double sum = 0.0;
                for (int k = 0; k < n; ++k) {
                    const float w = m(q, k);
                    require(std::isfinite(w) && w >= 0.0f && w <= 1.0f + 1e-5f, "an attention weight outside [0, 1]");
                    if (causal && k > q) require(w == 0.0f, "the causal mask lets a token see a later one");
                    sum += w;
                }
                require(std::abs(sum - 1.0) < 1e-3, "an attention row does not sum to 1");
            }
        }
    }
    for (const bertlens::Prediction& p : a.predictions) {
        float previous = 1.0f;
        for (const bertlens::TokenProbability& t : p.top) {
            require(std::isfinite(t.probability) && t.probability >= 0.0f && t.probability <= previous + 1e-6f,
                    "predictions are not probabilities in descending order");
            previous = t.probability;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace bertlens;
    const std::string& dir = folder();
    writeFile(dir + "/model.safetensors", data, size);
    try {
        const std::shared_ptr<const Model> model = Model::load(dir);
        Encoder encoder(model);
        for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal}) {
            AnalyzeOptions options;
            options.maskMode = mode;
            checkAnalysis(encoder.analyze("the dog [MASK] at the mailman .", options), mode == MaskMode::Causal);
        }
    } catch (const CheckpointError& e) {
        fuzz::requirePrintable(e.what());
    } catch (const InputError& e) {
        fuzz::requirePrintable(e.what());
    }
    return 0;
}
