#include "model/Encoder.h"

#include "Errors.h"
#include "model/Kernels.h"
#include "model/MlmHead.h"

#include <cmath>

namespace bertlens {

Encoder::Encoder(std::shared_ptr<const Model> model) : m_model(std::move(model)) {}

Analysis Encoder::analyze(std::string_view text, const AnalyzeOptions& options) {
    Encoding encoding = m_model->tokenizer().encode(text);
    const int maskId = m_model->vocab().maskId();
    bool anyWord = false;
    std::vector<int> positions;
    for (size_t i = 0; i < encoding.tokens.size(); ++i) {
        const Token& t = encoding.tokens[i];
        if (!t.added && t.text != "[CLS]" && t.text != "[SEP]") anyWord = true;
        if (options.predictAll || (t.id == maskId && maskId != Vocab::kNotFound))
            positions.push_back(static_cast<int>(i));
    }
    if (!anyWord) {
        throw InputError("the text is empty (or only spaces and control characters): type a sentence to analyse");
    }
    Analysis a = forward(encoding.ids, encoding.typeIds, options, positions);
    a.tokens = std::move(encoding.tokens);
    return a;
}

void Encoder::checkInput(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds) const {
    const ModelConfig& c = m_model->config();
    if (ids.empty()) throw InputError("there are no tokens to analyse");
    if (static_cast<int>(ids.size()) > c.maxPositions) {
        throw InputError("the text is " + std::to_string(ids.size()) + " tokens long but this model reads at most " +
                         std::to_string(c.maxPositions) +
                         " (its max_position_embeddings, [CLS] and [SEP] included); "
                         "shorten it by " +
                         std::to_string(ids.size() - static_cast<size_t>(c.maxPositions)) + " tokens");
    }
    if (typeIds.size() != ids.size()) throw InputError("token type ids and token ids differ in length");
    for (size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] < 0 || ids[i] >= c.vocabSize) {
            throw InputError("token id " + std::to_string(ids[i]) + " at position " + std::to_string(i) +
                             " is outside the vocabulary (0.." + std::to_string(c.vocabSize - 1) + ")");
        }
        if (typeIds[i] < 0 || typeIds[i] >= c.typeVocabSize) {
            throw InputError("token type " + std::to_string(typeIds[i]) + " at position " + std::to_string(i) +
                             " is more than this model's " + std::to_string(c.typeVocabSize) + " segment(s) allow");
        }
    }
}

void Encoder::checkWeightsUnchanged() const {
    if (m_model->weightsChangedOnDisk()) {
        throw CheckpointError(m_model->weightsFile() +
                              " was overwritten or truncated on disk while BertLens was using it, so its weights "
                              "can no longer be trusted; open the model again (File > Open model, or restart the "
                              "command)");
    }
}

void Encoder::embed(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds) {
    const ModelConfig& c = m_model->config();
    const BertWeights& w = m_model->weights();
    const auto n = static_cast<Eigen::Index>(ids.size());
    m_x.resize(n, c.hidden);
    for (Eigen::Index i = 0; i < n; ++i) {
        m_x.row(i) = ConstRowVectorMap(w.wordEmbeddings + static_cast<size_t>(ids[i]) * c.hidden, c.hidden) +
                     ConstRowVectorMap(w.positionEmbeddings + static_cast<size_t>(i) * c.hidden, c.hidden) +
                     ConstRowVectorMap(w.tokenTypeEmbeddings + static_cast<size_t>(typeIds[i]) * c.hidden, c.hidden);
    }
    kernels::layerNorm(m_x, w.embeddingNorm, c.layerNormEps);
}

void Encoder::runLayer(const EncoderLayerWeights& layer, bool causal, float* attentionOut) {
    const ModelConfig& c = m_model->config();
    const Eigen::Index n = m_x.rows();
    const int headDim = c.headDim();
    const float scale = 1.0f / std::sqrt(static_cast<float>(headDim));

    kernels::linear(m_x, layer.query, m_q);
    kernels::linear(m_x, layer.key, m_k);
    kernels::linear(m_x, layer.value, m_v);
    m_context.resize(n, c.hidden);
    m_scores.resize(static_cast<Eigen::Index>(c.heads) * n, n);

    // Heads are independent: each writes its own attention map and its own
    // columns of the context. The maps are computed in Eigen-aligned scratch,
    // not in the caller's buffer: Eigen's small products peel by alignment, and
    // results must not change with where the output happens to live.
#pragma omp parallel for schedule(static)
    for (int h = 0; h < c.heads; ++h) {
        auto probs = m_scores.middleRows(static_cast<Eigen::Index>(h) * n, n);
        const auto q = m_q.middleCols(h * headDim, headDim);
        const auto k = m_k.middleCols(h * headDim, headDim);
        probs.noalias() = (q * k.transpose()) * scale;
        kernels::softmaxRows(probs, causal);
        m_context.middleCols(h * headDim, headDim).noalias() = probs * m_v.middleCols(h * headDim, headDim);
        RowMatrixMap(attentionOut + static_cast<size_t>(h) * n * n, n, n) = probs;
    }

    kernels::linear(m_context, layer.attentionOut, m_projected);
    m_x += m_projected;
    kernels::layerNorm(m_x, layer.attentionNorm, c.layerNormEps);

    kernels::linear(m_x, layer.intermediate, m_ffn);
    kernels::gelu(m_ffn);
    kernels::linear(m_ffn, layer.output, m_projected);
    m_x += m_projected;
    kernels::layerNorm(m_x, layer.outputNorm, c.layerNormEps);
}

Analysis Encoder::forward(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds,
                          const AnalyzeOptions& options, const std::vector<int>& predictPositions) {
    checkInput(ids, typeIds);
    checkWeightsUnchanged();
    const ModelConfig& c = m_model->config();
    const auto n = static_cast<size_t>(ids.size());
    Analysis a;
    a.layers = c.layers;
    a.heads = c.heads;
    a.tokenCount = static_cast<int>(n);
    a.hidden = c.hidden;
    a.maskMode = options.maskMode;
    a.ids = ids;
    a.typeIds = typeIds;
    a.attentions.resize(static_cast<size_t>(c.layers) * c.heads * n * n);
    a.hiddenStates.resize(static_cast<size_t>(c.layers + 1) * n * c.hidden);

    embed(ids, typeIds);
    RowMatrixMap(a.hiddenStates.data(), m_x.rows(), m_x.cols()) = m_x;
    for (int l = 0; l < c.layers; ++l) {
        if (options.cancel && options.cancel->load(std::memory_order_relaxed)) throw Cancelled();
        runLayer(m_model->weights().layers[static_cast<size_t>(l)], options.maskMode == MaskMode::Causal,
                 a.attentions.data() + static_cast<size_t>(l) * c.heads * n * n);
        RowMatrixMap(a.hiddenStates.data() + static_cast<size_t>(l + 1) * n * c.hidden, m_x.rows(), m_x.cols()) = m_x;
    }
    if (!m_x.allFinite()) {
        const std::string bad = m_model->findNonFiniteTensor();
        throw CheckpointError(bad.empty()
                                  ? "the model's activations overflowed to infinity or NaN on this input; "
                                    "the weights are out of range for float32"
                                  : "tensor " + bad + " holds NaN or infinite values; the checkpoint is damaged");
    }
    checkWeightsUnchanged();  // a change during the run may have fed it zero pages
    if (!m_model->hasMlmHead()) {
        a.predictionsOffReason = m_model->weights().mlm.absentReason;
    } else if (!predictPositions.empty()) {
        a.predictions = predictTopK(*m_model, m_x, predictPositions, options.topK);
    }
    return a;
}

}  // namespace bertlens
