#include "model/Model.h"

#include "model/GemmBf16.h"
#include "model/MemoryBudget.h"

#include "Errors.h"
#include "io/HalfFloat.h"

#include <cmath>
#include <cstring>
#include <filesystem>

namespace fs = std::filesystem;

namespace bertlens {

// Finds tensors under every naming variant Hugging Face has used, checks
// their shapes against config.json, and turns them into float views.
class Model::Loader {
public:
    Loader(Model& model, const TensorSource& tensors)
        : m_model(model), m_tensors(tensors), m_fileName(tensors.path()) {}

    void loadAll() {
        const ModelConfig& c = m_model.m_config;
        BertWeights& w = m_model.m_weights;
        const int64_t H = c.hidden;
        w.wordEmbeddings = encoderTensor("embeddings.word_embeddings.weight", {c.vocabSize, H});
        w.positionEmbeddings = encoderTensor("embeddings.position_embeddings.weight", {c.maxPositions, H});
        w.tokenTypeEmbeddings = encoderTensor("embeddings.token_type_embeddings.weight", {c.typeVocabSize, H});
        w.embeddingNorm = layerNorm("embeddings.LayerNorm", H, true);
        m_model.m_weightDType = dtypeName(find("embeddings.word_embeddings.weight", true)->dtype);
        for (int i = 0; i < c.layers; ++i) {
            const std::string p = "encoder.layer." + std::to_string(i) + ".";
            EncoderLayerWeights layer;
            layer.query = linear(p + "attention.self.query", H, H);
            layer.key = linear(p + "attention.self.key", H, H);
            layer.value = linear(p + "attention.self.value", H, H);
            layer.attentionOut = linear(p + "attention.output.dense", H, H);
            layer.attentionNorm = layerNorm(p + "attention.output.LayerNorm", H, true);
            layer.intermediate = linear(p + "intermediate.dense", c.intermediate, H);
            layer.output = linear(p + "output.dense", H, c.intermediate);
            layer.outputNorm = layerNorm(p + "output.LayerNorm", H, true);
            w.layers.push_back(layer);
        }
        loadMlmHead();
        loadClassifier();
    }

private:
    // The encoder's tensors come with or without the "bert." prefix.
    const TensorView* find(const std::string& name, bool encoderPart) const {
        if (encoderPart) {
            if (const TensorView* t = m_tensors.find("bert." + name)) return t;
        }
        return m_tensors.find(name);
    }

    // Old checkpoints call LayerNorm's parameters gamma and beta.
    const TensorView* findWithLegacyName(const std::string& name, bool encoderPart) const {
        if (const TensorView* t = find(name, encoderPart)) return t;
        for (auto [modern, legacy] :
             {std::pair{".LayerNorm.weight", ".LayerNorm.gamma"}, std::pair{".LayerNorm.bias", ".LayerNorm.beta"}}) {
            const std::string suffix = modern;
            if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
                return find(name.substr(0, name.size() - suffix.size()) + legacy, encoderPart);
            }
        }
        return nullptr;
    }

    const float* require(const std::string& name, const std::vector<int64_t>& shape, bool encoderPart) {
        const TensorView* t = findWithLegacyName(name, encoderPart);
        if (t == nullptr) {
            throw CheckpointError(m_fileName + " has no tensor " + (encoderPart ? "bert." : "") + name +
                                  (encoderPart ? " (nor " + name + ")" : std::string()) +
                                  "; the checkpoint is incomplete or is not a BERT");
        }
        return toFloats(*t, shape);
    }

    const float* encoderTensor(const std::string& name, const std::vector<int64_t>& shape) {
        return require(name, shape, true);
    }

    LinearWeights linear(const std::string& prefix, int out, int in, bool encoderPart = true) {
        LinearWeights l;
        l.out = out;
        l.in = in;
        l.weight = require(prefix + ".weight", {out, in}, encoderPart);
        l.bias = require(prefix + ".bias", {out}, encoderPart);
        return l;
    }

    LayerNormWeights layerNorm(const std::string& prefix, int64_t size, bool encoderPart) {
        return {require(prefix + ".weight", {size}, encoderPart), require(prefix + ".bias", {size}, encoderPart)};
    }

    void loadMlmHead() {
        const ModelConfig& c = m_model.m_config;
        MlmHeadWeights& mlm = m_model.m_weights.mlm;
        if (!m_tensors.find("cls.predictions.transform.dense.weight") && c.isClassifier()) {
            mlm.absentReason =
                "this checkpoint is a sequence classifier (BertForSequenceClassification): it has no masked-LM "
                "head, so it cannot predict words; its classes and attention are shown";
            return;
        }
        if (!m_tensors.find("cls.predictions.transform.dense.weight")) {
            mlm.absentReason =
                "this checkpoint has no masked-LM head (no cls.predictions.* tensors: it is a "
                "plain BertModel), so it cannot predict words; attention is still shown";
            return;
        }
        mlm.transform = linear("cls.predictions.transform.dense", c.hidden, c.hidden, false);
        mlm.norm = layerNorm("cls.predictions.transform.LayerNorm", c.hidden, false);
        const char* biasName =
            m_tensors.find("cls.predictions.bias") ? "cls.predictions.bias" : "cls.predictions.decoder.bias";
        mlm.bias = require(biasName, {c.vocabSize}, false);
        mlm.decoder = m_tensors.find("cls.predictions.decoder.weight")
                          ? require("cls.predictions.decoder.weight", {c.vocabSize, c.hidden}, false)
                          : m_model.m_weights.wordEmbeddings;  // tied, as in every released BERT
        mlm.present = true;
    }

    void loadClassifier() {
        const ModelConfig& c = m_model.m_config;
        ClassifierWeights& w = m_model.m_weights.classifier;
        const int64_t H = c.hidden;
        if (!c.isClassifier()) {
            // A pooler alone (bert-base-uncased's, from next-sentence
            // prediction) is kept for fine-tuning to start from; one that
            // does not fit is not needed, so it is left out rather than refused.
            const TensorView* pw = find("pooler.dense.weight", true);
            const TensorView* pb = find("pooler.dense.bias", true);
            if (pw && pb && pw->shape == std::vector<int64_t>{H, H} && pb->shape == std::vector<int64_t>{H}) {
                w.pooler = linear("pooler.dense", c.hidden, c.hidden);
                w.hasPooler = true;
            }
            return;
        }
        const std::string why =
            "; config.json says BertForSequenceClassification, whose weights hold the pooler "
            "(bert.pooler.dense) and the classifier";
        for (const char* name : {"pooler.dense.weight", "pooler.dense.bias"}) {
            if (!find(name, true)) throw CheckpointError(m_fileName + " has no tensor bert." + std::string(name) + why);
        }
        for (const char* name : {"classifier.weight", "classifier.bias"}) {
            if (!m_tensors.find(name)) throw CheckpointError(m_fileName + " has no tensor " + std::string(name) + why);
        }
        const int labels = int(c.labels.size());
        for (const char* name : {"classifier.weight", "classifier.bias"}) {
            const TensorView* t = m_tensors.find(name);
            if (t->shape.empty() || t->shape[0] != labels) {
                throw CheckpointError(
                    m_fileName + ": tensor " + std::string(name) + " has shape " + shapeText(t->shape) + ", " +
                    (t->shape.empty() ? std::string("no classes") : std::to_string(t->shape[0]) + " classes") +
                    ", but config.json has " + std::to_string(labels) +
                    " (num_labels / id2label); the config does not belong to these weights");
            }
        }
        w.pooler = linear("pooler.dense", c.hidden, c.hidden);
        w.classifier = linear("classifier", labels, c.hidden, false);
        w.hasPooler = true;
        w.present = true;
    }

    const float* toFloats(const TensorView& t, const std::vector<int64_t>& shape) {
        if (t.shape != shape) {
            throw CheckpointError(m_fileName + ": tensor " + t.name + " has shape " + shapeText(t.shape) +
                                  " but config.json needs " + shapeText(shape));
        }
        const auto count = static_cast<size_t>(t.elementCount());
        const float* data = nullptr;
        if (t.dtype == DType::F32 && reinterpret_cast<uintptr_t>(t.data) % alignof(float) == 0) {
            data = reinterpret_cast<const float*>(t.data);  // in place, no copy
        } else if (t.dtype == DType::F32 || t.dtype == DType::F16 || t.dtype == DType::BF16) {
            std::vector<float>& buffer = m_model.m_converted.emplace_back(count);
            if (t.dtype == DType::F32) {
                std::memcpy(buffer.data(), t.data, count * sizeof(float));
            } else if (t.dtype == DType::F16) {
                widenHalf(t.data, count, buffer.data());
            } else {
                widenBfloat16(t.data, count, buffer.data());
            }
            data = buffer.data();
        } else {
            throw CheckpointError(m_fileName + ": tensor " + t.name + " has dtype " + t.dtypeText +
                                  "; BertLens reads F32, F16 and BF16 weights");
        }
        m_model.m_used.push_back({t.name, data, count});
        return data;
    }

    Model& m_model;
    const TensorSource& m_tensors;
    std::string m_fileName;
};

namespace {

void requireFolder(const std::string& folder) {
    if (!fs::is_directory(folder)) {
        throw CheckpointError(folder +
                              " is not a folder: choose a Hugging Face BERT folder "
                              "(config.json, vocab.txt, model.safetensors)");
    }
}

// A folder of another architecture (RoBERTa, GPT-2 and ALBERT have no
// vocab.txt) must say "not supported: model_type X", not that a file is missing.
void refuseOtherArchitecture(const fs::path& dir) {
    const fs::path config = dir / "config.json";
    if (!fs::exists(config)) return;
    try {
        ModelConfig::fromFile(config.string());
    } catch (const CheckpointError& e) {
        if (std::string(e.what()).rfind("not supported: model_type", 0) == 0) throw;
    }
}

}  // namespace

std::unique_ptr<Tokenizer> Model::loadTokenizer(const std::string& folder) {
    requireFolder(folder);
    const fs::path dir(folder);
    refuseOtherArchitecture(dir);
    const std::string vocabPath = (dir / "vocab.txt").string();
    auto vocab = std::make_shared<const Vocab>(Vocab::fromFile(vocabPath));
    // Refused here, at load, rather than on the first text typed.
    for (const char* special : {"[CLS]", "[SEP]"}) {
        if (vocab->find(special) == Vocab::kNotFound) {
            throw CheckpointError(vocabPath + " has no " + special +
                                  " token; every BERT vocabulary has [CLS], [SEP] and [UNK] "
                                  "(is this the vocabulary of a BERT model?)");
        }
    }
    return std::make_unique<Tokenizer>(vocab, readTokenizerOptions((dir / "tokenizer_config.json").string()));
}

std::shared_ptr<const Model> Model::load(const std::string& folder) {
    std::shared_ptr<Model> model(new Model());
    model->m_folder = folder;
    requireFolder(folder);
    const fs::path dir(folder);
    // config.json first: it says whether this is a BERT at all.
    model->m_config = ModelConfig::fromFile((dir / "config.json").string());
    model->m_tokenizer = loadTokenizer(folder);
    const ModelConfig& c = model->m_config;
    if (model->vocab().size() > c.vocabSize) {
        throw CheckpointError((dir / "vocab.txt").string() + " has " + std::to_string(model->vocab().size()) +
                              " tokens but config.json says vocab_size " + std::to_string(c.vocabSize) +
                              "; the vocabulary does not belong to these weights");
    }

    // Before anything is mapped: a model that cannot fit is refused with the numbers.
    checkModelFitsInMemory(c, folder);
    model->m_source = TensorSource::openFolder(folder);
    Loader(*model, *model->m_source).loadAll();
    return model;
}

ModelParts Model::parts() const {
    ModelParts p;
    p.pooler = m_source && (m_source->find("bert.pooler.dense.weight") || m_source->find("pooler.dense.weight"));
    p.mlmHead = m_weights.mlm.present;
    p.tiedDecoder = m_weights.mlm.decoder == m_weights.wordEmbeddings;
    return p;
}

const std::vector<Bf16LayerWeights>& Model::bf16Layers() const {
    std::call_once(m_bf16Once, [this] {
        size_t total = 0;
        const auto size = [](const LinearWeights& w) { return static_cast<size_t>(w.out) * gemm::bf16RowStride(w.in); };
        for (const EncoderLayerWeights& l : m_weights.layers) {
            for (const LinearWeights* w : {&l.query, &l.key, &l.value, &l.attentionOut, &l.intermediate, &l.output})
                total += size(*w);
        }
        m_bf16Data.resize(total);
        size_t at = 0;
        for (const EncoderLayerWeights& l : m_weights.layers) {
            Bf16LayerWeights& b = m_bf16Layers.emplace_back();
            const std::pair<const LinearWeights*, Bf16Linear*> pairs[] = {
                {&l.query, &b.query},           {&l.key, &b.key},
                {&l.value, &b.value},           {&l.attentionOut, &b.attentionOut},
                {&l.intermediate, &b.intermediate}, {&l.output, &b.output}};
            for (const auto& [from, to] : pairs) {
                gemm::convertRowsBf16(from->weight, from->out, from->in, m_bf16Data.data() + at);
                to->weight = m_bf16Data.data() + at;
                to->ld = gemm::bf16RowStride(from->in);
                at += size(*from);
            }
        }
    });
    return m_bf16Layers;
}

std::string Model::findNonFiniteTensor() const {
    for (const NamedTensor& t : m_used) {
        for (size_t i = 0; i < t.count; ++i) {
            if (!std::isfinite(t.data[i])) return t.name;
        }
    }
    return {};
}

}  // namespace bertlens
