#include "train/ParameterLayout.h"

namespace bertlens::train {

ParameterLayout::ParameterLayout(const ModelConfig& c) {
    const int d = c.hidden;
    wordEmbeddings = add("bert.embeddings.word_embeddings.weight", {c.vocabSize, d}, true);
    positionEmbeddings = add("bert.embeddings.position_embeddings.weight", {c.maxPositions, d}, true);
    typeEmbeddings = add("bert.embeddings.token_type_embeddings.weight", {c.typeVocabSize, d}, true);
    embeddingNorm = addNorm("bert.embeddings.LayerNorm", d);
    for (int i = 0; i < c.layers; ++i) {
        const std::string p = "bert.encoder.layer." + std::to_string(i) + ".";
        LayerSlots l;
        l.query = addLinear(p + "attention.self.query", d, d);
        l.key = addLinear(p + "attention.self.key", d, d);
        l.value = addLinear(p + "attention.self.value", d, d);
        l.attentionOut = addLinear(p + "attention.output.dense", d, d);
        l.attentionNorm = addNorm(p + "attention.output.LayerNorm", d);
        l.intermediate = addLinear(p + "intermediate.dense", c.intermediate, d);
        l.output = addLinear(p + "output.dense", d, c.intermediate);
        l.outputNorm = addNorm(p + "output.LayerNorm", d);
        layers.push_back(l);
    }
    if (c.isClassifier()) {
        hasMlmHead = false;
        hasClassifier = true;
        pooler = addLinear("bert.pooler.dense", d, d);
        classifier = addLinear("classifier", int(c.labels.size()), d);
        return;
    }
    headTransform = addLinear("cls.predictions.transform.dense", d, d);
    headNorm = addNorm("cls.predictions.transform.LayerNorm", d);
    decoderBias = add("cls.predictions.bias", {c.vocabSize}, false);
}

const ParameterInfo* ParameterLayout::find(const std::string& name) const {
    for (const ParameterInfo& t : m_tensors) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

int64_t ParameterLayout::add(const std::string& name, std::vector<int64_t> shape, bool decay) {
    ParameterInfo t;
    t.name = name;
    t.size = 1;
    for (int64_t s : shape) t.size *= s;
    t.shape = std::move(shape);
    t.offset = m_total;
    t.decay = decay;
    m_total += t.size;
    m_tensors.push_back(std::move(t));
    return m_tensors.back().offset;
}

LinearSlot ParameterLayout::addLinear(const std::string& prefix, int out, int in) {
    LinearSlot s;
    s.weight = add(prefix + ".weight", {out, in}, true);
    s.bias = add(prefix + ".bias", {out}, false);
    s.out = out;
    s.in = in;
    return s;
}

NormSlot ParameterLayout::addNorm(const std::string& prefix, int size) {
    NormSlot s;
    s.gamma = add(prefix + ".weight", {size}, false);
    s.beta = add(prefix + ".bias", {size}, false);
    return s;
}

}  // namespace bertlens::train
