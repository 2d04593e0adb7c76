#include "train/Checkpoint.h"

#include "Errors.h"
#include "io/AtomicFile.h"
#include "io/SafeTensorsWriter.h"
#include "train/Random.h"
#include "train/WordPieceBuilder.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;

namespace bertlens {
namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void checkTensors(const CheckpointContents& c) {
    const std::vector<TensorShape> expected = bertTensorShapes(c.config);
    if (c.tensors.size() != expected.size()) {
        throw Error("a BERT checkpoint of this config has " + std::to_string(expected.size()) + " tensors, not " +
                    std::to_string(c.tensors.size()));
    }
    for (size_t i = 0; i < expected.size(); ++i) {
        const TensorToWrite& t = c.tensors[i];
        if (t.name != expected[i].name || t.shape != expected[i].shape || t.data == nullptr) {
            throw Error("tensor " + std::to_string(i) + " should be " + expected[i].name + " " +
                        shapeText(expected[i].shape) + " but is " + t.name + " " + shapeText(t.shape));
        }
    }
    if (static_cast<int64_t>(c.vocab.size()) > c.config.vocabSize) {
        throw Error("the vocabulary has " + std::to_string(c.vocab.size()) + " tokens but vocab_size is " +
                    std::to_string(c.config.vocabSize));
    }
}

}  // namespace

std::vector<TensorShape> bertTensorShapes(const ModelConfig& c) {
    const int64_t h = c.hidden;
    std::vector<TensorShape> t = {
        {"bert.embeddings.word_embeddings.weight", {c.vocabSize, h}},
        {"bert.embeddings.position_embeddings.weight", {c.maxPositions, h}},
        {"bert.embeddings.token_type_embeddings.weight", {c.typeVocabSize, h}},
        {"bert.embeddings.LayerNorm.weight", {h}},
        {"bert.embeddings.LayerNorm.bias", {h}},
    };
    auto linear = [&](const std::string& name, int64_t out, int64_t in) {
        t.push_back({name + ".weight", {out, in}});
        t.push_back({name + ".bias", {out}});
    };
    auto layerNorm = [&](const std::string& name) {
        t.push_back({name + ".weight", {h}});
        t.push_back({name + ".bias", {h}});
    };
    for (int l = 0; l < c.layers; ++l) {
        const std::string p = "bert.encoder.layer." + std::to_string(l) + ".";
        linear(p + "attention.self.query", h, h);
        linear(p + "attention.self.key", h, h);
        linear(p + "attention.self.value", h, h);
        linear(p + "attention.output.dense", h, h);
        layerNorm(p + "attention.output.LayerNorm");
        linear(p + "intermediate.dense", c.intermediate, h);
        linear(p + "output.dense", h, c.intermediate);
        layerNorm(p + "output.LayerNorm");
    }
    if (c.isClassifier()) {
        linear("bert.pooler.dense", h, h);
        linear("classifier", int64_t(c.labels.size()), h);
        return t;
    }
    linear("cls.predictions.transform.dense", h, h);
    layerNorm("cls.predictions.transform.LayerNorm");
    t.push_back({"cls.predictions.bias", {c.vocabSize}});
    return t;
}

void writeCheckpoint(const std::string& folder, const CheckpointContents& c) {
    checkTensors(c);
    const fs::path dir(folder);
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) throw Error("cannot create the folder " + folder + ": " + error.message());
    // Every file is written under a temporary name and flushed before the
    // first is renamed into place, so a crash leaves each file whole and an
    // old folder either untouched or (for a moment) partly renewed.
    AtomicFile config(dir / "config.json");
    config.write(c.config.toJsonText());
    AtomicFile vocab(dir / "vocab.txt");
    vocab.write(vocabFileText(c.vocab));
    AtomicFile tokenizer(dir / "tokenizer_config.json");
    tokenizer.write(
        nlohmann::ordered_json{{"do_lower_case", c.lowerCase}, {"tokenizer_class", "BertTokenizer"}}.dump(2) + "\n");
    std::map<std::string, std::string> metadata = c.metadata;
    metadata["format"] = "pt";
    AtomicFile weights(dir / "model.safetensors");
    writeSafeTensors(weights, c.tensors, c.dtype, metadata);
    for (AtomicFile* f : {&weights, &config, &vocab, &tokenizer}) f->flush();
    for (AtomicFile* f : {&weights, &config, &vocab, &tokenizer}) f->commit();
}

void writeRandomCheckpoint(const std::string& folder, const ModelConfig& config, const std::vector<std::string>& vocab,
                           uint64_t seed, DType dtype) {
    Random random(seed);
    CheckpointContents c;
    c.config = config;
    c.vocab = vocab;
    c.dtype = dtype;
    c.metadata["bertlens"] = "random weights, seed " + std::to_string(seed);
    std::vector<std::vector<float>> storage;
    const std::vector<TensorShape> shapes = bertTensorShapes(config);
    storage.reserve(shapes.size());
    for (const TensorShape& s : shapes) {
        int64_t count = 1;
        for (int64_t d : s.shape) count *= d;
        std::vector<float>& values = storage.emplace_back(static_cast<size_t>(count));
        if (endsWith(s.name, "LayerNorm.weight")) {
            std::fill(values.begin(), values.end(), 1.0f);
        } else if (!endsWith(s.name, ".bias")) {
            for (float& v : values) v = static_cast<float>(0.02 * random.normal());
        }
        c.tensors.push_back({s.name, s.shape, values.data()});
    }
    writeCheckpoint(folder, c);
}

}  // namespace bertlens
