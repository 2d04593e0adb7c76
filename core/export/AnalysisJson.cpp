#include "export/AnalysisJson.h"

#include "export/ShortestFloat.h"

#include <algorithm>

#include "analysis/AnalyzeRequest.h"

#include <nlohmann/json.hpp>

#include <charconv>

namespace bertlens {
namespace {

void writeString(std::ostream& out, const std::string& s) {
    out << nlohmann::json(s).dump();
}

template <typename T, typename Fn>
void writeArray(std::ostream& out, const std::vector<T>& items, Fn&& writeItem) {
    out << '[';
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out << ',';
        writeItem(items[i]);
    }
    out << ']';
}

// A [rows][cols] block of floats as nested arrays.
void writeMatrix(std::ostream& out, const float* data, size_t rows, size_t cols) {
    out << '[';
    for (size_t r = 0; r < rows; ++r) {
        out << (r ? ",[" : "[");
        const float* row = data + r * cols;
        for (size_t k = 0; k < cols; ++k) {
            if (k) out << ',';
            writeShortestFloat(out, row[k]);
        }
        out << ']';
    }
    out << ']';
}

// [count][rows][cols]: count matrices.
void writeTensor3(std::ostream& out, const float* data, size_t count, size_t rows, size_t cols) {
    out << '[';
    for (size_t c = 0; c < count; ++c) {
        if (c) out << ',';
        writeMatrix(out, data + c * rows * cols, rows, cols);
    }
    out << ']';
}

void writeTokenFields(std::ostream& out, const std::vector<Token>& tokens) {
    out << "\"tokens\":";
    writeArray(out, tokens, [&](const Token& t) { writeString(out, t.text); });
    out << ",\"offsets\":";
    writeArray(out, tokens, [&](const Token& t) { out << '[' << t.chars.start << ',' << t.chars.end << ']'; });
}

}  // namespace

void writeEncodingJson(std::ostream& out, const Encoding& e) {
    out << '{';
    writeTokenFields(out, e.tokens);
    out << ",\"ids\":";
    writeArray(out, e.ids, [&](int32_t id) { out << id; });
    out << ",\"type_ids\":";
    writeArray(out, e.typeIds, [&](int32_t id) { out << id; });
    out << "}\n";
}

namespace {

void writePredictions(std::ostream& out, const std::vector<Prediction>& predictions) {
    writeArray(out, predictions, [&](const Prediction& p) {
        out << "{\"position\":" << p.position << ",\"from_position\":" << p.fromPosition << ",\"top\":";
        writeArray(out, p.top, [&](const TokenProbability& t) {
            out << "{\"token\":";
            writeString(out, t.token);
            out << ",\"id\":" << t.id << ",\"prob\":";
            writeShortestFloat(out, t.probability);
            out << '}';
        });
        out << '}';
    });
}

void writeFloats(std::ostream& out, const std::vector<float>& v) {
    writeArray(out, v, [&](float x) { writeShortestFloat(out, x); });
}

// Everything of writeAnalysisJson but the closing brace.
void writeAnalysisFields(std::ostream& out, const Analysis& a, const ModelConfig& c, bool withHiddenStates) {
    const auto n = static_cast<size_t>(a.tokenCount);
    out << "{\"model\":{\"layers\":" << c.layers << ",\"heads\":" << c.heads << ",\"hidden\":" << c.hidden
        << ",\"vocab_size\":" << c.vocabSize << ",\"max_positions\":" << c.maxPositions << "},";
    writeTokenFields(out, a.tokens);
    out << ",\"ids\":";
    writeArray(out, a.ids, [&](int32_t id) { out << id; });
    out << ",\"type_ids\":";
    writeArray(out, a.typeIds, [&](int32_t id) { out << id; });
    out << ",\"mask_mode\":\"" << maskModeName(a.maskMode) << "\",\"objective\":\"" << objectiveName(a.objective)
        << "\",\"precision\":\"" << precisionName(a.precision) << "\",\"attentions\":[";
    for (int l = 0; l < a.layers; ++l) {
        if (l) out << ',';
        writeTensor3(out, a.attentions.data() + static_cast<size_t>(l) * a.heads * n * n, static_cast<size_t>(a.heads),
                     n, n);
    }
    out << "],\"predictions\":";
    writePredictions(out, a.predictions);
    if (!a.predictionsOffReason.empty()) {
        out << ",\"predictions_off\":";
        writeString(out, a.predictionsOffReason);
    }
    if (a.classification.present()) {
        const Classification& k = a.classification;
        // DESIGN.md: [{"label", "prob"}, ...], most probable first.
        std::vector<size_t> order(k.labels.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(),
                         [&](size_t x, size_t y) { return k.probabilities[x] > k.probabilities[y]; });
        out << ",\"classification\":";
        writeArray(out, order, [&](size_t i) {
            out << "{\"label\":";
            writeString(out, k.labels[i]);
            out << ",\"id\":" << i << ",\"prob\":" << k.probabilities[i] << '}';
        });
        out << ",\"classification_mask_mode\":\"bidirectional\",\"classification_note\":\"from the bidirectional "
               "pass, the one the classifier was trained with\"";
    } else if (!a.classificationOffReason.empty()) {
        out << ",\"classification_off\":";
        writeString(out, a.classificationOffReason);
    }
    if (withHiddenStates) {
        out << ",\"hidden_states\":";
        writeTensor3(out, a.hiddenStates.data(), static_cast<size_t>(a.layers + 1), n, static_cast<size_t>(a.hidden));
    }
}

}  // namespace

void writeAnalysisJson(std::ostream& out, const Analysis& a, const ModelConfig& c, bool withHiddenStates) {
    writeAnalysisFields(out, a, c, withHiddenStates);
    out << "}\n";
}

void writeMeasuresJson(std::ostream& out, const Measures& m, const ModelConfig& c, bool withHiddenStates) {
    const Analysis& a = m.analysis;
    const auto n = static_cast<size_t>(a.tokenCount);
    writeAnalysisFields(out, a, c, withHiddenStates);
    if (!m.ablated.empty()) {
        out << ",\"ablated\":";
        writeArray(out, m.ablated, [&](const HeadRef& h) { out << '[' << h.layer << ',' << h.head << ']'; });
        out << ",\"ablation_note\":\"attentions are the maps before ablation; hidden states, predictions and "
               "the other measures reflect it\"";
    }
    if (!m.rollout.empty()) {
        out << ",\"rollout\":";
        writeTensor3(out, m.rollout.data(), static_cast<size_t>(a.layers), n, n);
    }
    if (m.flow) {
        out << ",\"flow\":";
        writeMatrix(out, m.flow->flow.data(), n, n);
        out << ",\"flow_normalized\":";
        writeMatrix(out, m.flow->normalized.data(), n, n);
    }
    if (!m.norms.empty()) {
        out << ",\"norms\":[";
        for (int l = 0; l < a.layers; ++l) {
            if (l) out << ',';
            writeTensor3(out, m.norms.data() + static_cast<size_t>(l) * a.heads * n * n, static_cast<size_t>(a.heads),
                         n, n);
        }
        out << ']';
    }
    if (m.saliency) {
        const Saliency& s = *m.saliency;
        out << ",\"saliency\":{\"position\":" << s.position << ",\"from_position\":" << s.fromPosition
            << ",\"target\":" << s.target << ",\"log_prob\":";
        writeShortestFloat(out, static_cast<float>(s.logProb));
        out << ",\"grad_x_input\":";
        writeFloats(out, s.gradXInput);
        out << ",\"gradient\":";
        writeFloats(out, s.gradient);
        out << '}';
    }
    if (!m.headImportance.empty()) {
        out << ",\"head_importance\":";
        writeMatrix(out, m.headImportance.data(), static_cast<size_t>(a.layers), static_cast<size_t>(a.heads));
    }
    if (!m.layerPredictions.empty()) {
        out << ",\"layer_predictions\":";
        writeArray(out, m.layerPredictions, [&](const std::vector<Prediction>& p) { writePredictions(out, p); });
    }
    if (m.inside) {
        const InsideHead& in = *m.inside;
        const auto d = static_cast<size_t>(in.dim);
        out << ",\"inside\":{\"layer\":" << in.layer << ",\"head\":" << in.head << ",\"queries\":";
        writeMatrix(out, in.queries.data(), n, d);
        out << ",\"keys\":";
        writeMatrix(out, in.keys.data(), n, d);
        out << ",\"values\":";
        writeMatrix(out, in.values.data(), n, d);
        out << '}';
    }
    const ParameterCount& p = m.parameters;
    out << ",\"parameters\":" << p.total() << ",\"parameters_by_part\":{\"embeddings\":" << p.embeddings()
        << ",\"per_layer\":" << p.layer.total() << ",\"encoder\":" << p.encoder() << ",\"pooler\":" << p.pooler
        << ",\"mlm_head\":" << p.mlmHead() << ",\"decoder_tied\":" << (p.mlmHead() > 0 && p.headDecoderWeight == 0 ? "true" : "false")
        << '}';
    out << "}\n";
}

}  // namespace bertlens
