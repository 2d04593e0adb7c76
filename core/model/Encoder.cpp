#include "model/Encoder.h"
#include "model/SequenceClassifier.h"

#include "Errors.h"
#include "model/Gemm.h"
#include "model/Kernels.h"
#include "model/MlmHead.h"

#include <omp.h>

#include <algorithm>
#include <cmath>

namespace bertlens {

namespace {
// Output rows are shared among threads in multiples of every tile height
// gemm uses (12, 8 and 6).
constexpr int kRowGrain = 24;
}  // namespace

Encoder::Encoder(std::shared_ptr<const Model> model) : m_model(std::move(model)) {}

Encoder::~Encoder() = default;

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

void Encoder::prepare(int n) {
    const ModelConfig& c = m_model->config();
    const int threads = std::max(1, omp_get_max_threads());
    if (!m_pool || m_pool->size() != threads) m_pool = std::make_unique<ThreadPool>(threads);
    m_columns = gemm::paddedCols(n);
    const Eigen::Index columns = m_columns;
    // Same sizes as the last run allocate nothing.
    m_q.resize(n, c.hidden);
    m_v.resize(n, c.hidden);
    m_context.resize(n, c.hidden);
    m_packed.resize(c.hidden * columns);
    m_qkvT.resize(3 * c.hidden * columns);
    m_ffnT.resize(c.intermediate * columns);
    m_outT.resize(c.hidden * columns);
    m_packedBf16.resize(gemm::bf16PackedSize(c.hidden, m_columns));
    m_ffnBf16.resize(gemm::bf16PackedSize(c.intermediate, m_columns));
}

Encoder::ProductInput Encoder::packRows(const float* x, int in, bool bf16) {
    const int n = static_cast<int>(m_x.rows());
    if (bf16) {
        gemm::packTransposedBf16(x, n, in, static_cast<size_t>(in), m_packedBf16.data());
        return {gemm::Panels{}, gemm::Bf16Panels{m_packedBf16.data(), in, m_columns}};
    }
    gemm::packTransposed(x, n, in, static_cast<size_t>(in), m_packed.data());
    return {gemm::Panels::packedOf(m_packed.data(), in, m_columns), gemm::Bf16Panels{}};
}

void Encoder::multiply(const LinearWeights& w, const Bf16Linear* wb, const ProductInput& in, const gemm::Panels& out,
                       int r0, int r1) {
    if (wb) {
        gemm::multiplyRowsBf16(wb->weight, wb->ld, in.bf16, out, r0, r1);
    } else {
        gemm::multiplyRows(w.weight, static_cast<size_t>(w.in), in.f32, out, r0, r1);
    }
}

void Encoder::projectQkv(const EncoderLayerWeights& layer, const Bf16LayerWeights* bf16) {
    const int n = static_cast<int>(m_x.rows());
    const int hidden = m_model->config().hidden;
    const int columns = m_columns;
    const ProductInput in = packRows(m_x.data(), hidden, bf16 != nullptr);
    const LinearWeights* weights[3] = {&layer.query, &layer.key, &layer.value};
    const Bf16Linear* weightsBf16[3] = {bf16 ? &bf16->query : nullptr, bf16 ? &bf16->key : nullptr,
                                        bf16 ? &bf16->value : nullptr};
    // One dispatch for the three products (they read the same input); each
    // thread takes the same share of rows of all three.
    m_pool->run([&](int part, int parts) {
        const RowRange rows = partRows(hidden, part, parts, kRowGrain);
        gemm::Panels out[3];
        for (int m = 0; m < 3; ++m) {
            out[m] = gemm::Panels::rowMajor(m_qkvT.data() + static_cast<size_t>(m) * hidden * columns, hidden,
                                            columns, static_cast<size_t>(columns));
            multiply(*weights[m], weightsBf16[m], in, out[m], rows.begin, rows.end);
        }
        gemm::unpackTransposed(out[0], n, rows.begin, rows.end, layer.query.bias, false, m_q.data(), hidden);
        gemm::unpackTransposed(out[2], n, rows.begin, rows.end, layer.value.bias, false, m_v.data(), hidden);
        // Keys stay transposed: a head's scores read them one token per column.
        for (int o = rows.begin; o < rows.end; ++o) {
            float* row = out[1].at(o, 0);
            for (int i = 0; i < n; ++i) row[i] += layer.key.bias[o];
        }
    });
}

void Encoder::attend(MaskMode mask, const float* gates, float* attentionOut, int first, int n) {
    const ModelConfig& c = m_model->config();
    const int hidden = c.hidden;
    const int headDim = c.headDim();
    const float scale = 1.0f / std::sqrt(static_cast<float>(headDim));
    const size_t columns = static_cast<size_t>(m_columns);
    // The block's keys are its columns of the transposed keys; its queries,
    // values and context its rows.
    const float* keysT = m_qkvT.data() + static_cast<size_t>(hidden) * columns + first;
    const size_t rows = static_cast<size_t>(first) * hidden;
    // Heads are independent: each writes its attention map straight into the
    // caller's buffer and its own columns of the context.
    m_pool->run([&](int part, int parts) {
        const RowRange heads = partRows(c.heads, part, parts, 1);
        for (int h = heads.begin; h < heads.end; ++h) {
            const size_t offset = static_cast<size_t>(h) * headDim;
            float* probs = attentionOut + static_cast<size_t>(h) * n * n;
            const auto keys = gemm::Panels::rowMajor(keysT + offset * columns, headDim, n, columns);
            gemm::multiplyRows(m_q.data() + rows + offset, hidden, keys, gemm::Panels::rowMajor(probs, n, n, n), 0, n);
            kernels::softmaxRows(probs, n, scale, mask);
            const auto values = gemm::Panels::rowMajor(m_v.data() + rows + offset, n, headDim, hidden);
            const auto context = gemm::Panels::rowMajor(m_context.data() + rows + offset, n, headDim, hidden);
            gemm::multiplyRows(probs, n, values, context, 0, n);
            // A gate scales the context, which is the same as scaling the
            // probabilities first, and leaves the map the caller sees alone.
            if (gates && gates[h] != 1.0f) {
                for (int i = 0; i < n; ++i) {
                    float* row = m_context.data() + rows + static_cast<size_t>(i) * hidden + offset;
                    for (int k = 0; k < headDim; ++k) row[k] *= gates[h];
                }
            }
        }
    });
}

void Encoder::feedForward(const EncoderLayerWeights& layer, const Bf16LayerWeights* bf16) {
    const ModelConfig& c = m_model->config();
    const int columns = m_columns;
    const ProductInput in = packRows(m_x.data(), c.hidden, bf16 != nullptr);
    const gemm::Panels ffn = gemm::Panels::packedOf(m_ffnT.data(), c.intermediate, columns);
    m_pool->run([&](int part, int parts) {
        const RowRange rows = partRows(c.intermediate, part, parts, kRowGrain);
        multiply(layer.intermediate, bf16 ? &bf16->intermediate : nullptr, in, ffn, rows.begin, rows.end);
        for (int p = 0; p < ffn.count(); ++p) {
            const int width = ffn.width(p);
            float* block = ffn.panel(p) + static_cast<size_t>(rows.begin) * width;
            for (int o = rows.begin; o < rows.end; ++o) {
                float* row = ffn.panel(p) + static_cast<size_t>(o) * width;
                for (int i = 0; i < width; ++i) row[i] += layer.intermediate.bias[o];
            }
            kernels::gelu(block, static_cast<Eigen::Index>(rows.end - rows.begin) * width);
        }
        // The output layer's input in BF16 pairs: each thread its own rows
        // (the row shares are multiples of 24, so no pair is split).
        // (Its own buffer: other threads still read the input's.)
        if (bf16) gemm::packPanelsBf16(ffn, m_ffnBf16.data(), rows.begin, rows.end);
    });
    // The output layer reads the intermediate activation as it lies (packed),
    // or rounded to BF16 pairs.
    ProductInput act{ffn, gemm::Bf16Panels{}};
    if (bf16) act.bf16 = gemm::Bf16Panels{m_ffnBf16.data(), c.intermediate, columns};
    addProjection(layer.output, bf16 ? &bf16->output : nullptr, act);
}

void Encoder::addProjection(const LinearWeights& w, const Bf16Linear* wb, const ProductInput& in) {
    const int n = static_cast<int>(m_x.rows());
    const gemm::Panels out = gemm::Panels::rowMajor(m_outT.data(), w.out, m_columns, static_cast<size_t>(m_columns));
    m_pool->run([&](int part, int parts) {
        const RowRange rows = partRows(w.out, part, parts, kRowGrain);
        multiply(w, wb, in, out, rows.begin, rows.end);
        gemm::unpackTransposed(out, n, rows.begin, rows.end, w.bias, true, m_x.data(), static_cast<size_t>(m_x.cols()));
    });
}

void Encoder::runLayer(const EncoderLayerWeights& layer, const Bf16LayerWeights* bf16,
                       const std::vector<MaskMode>& masks, int blockRows, const float* gates,
                       const std::vector<float*>& attentionOut) {
    const ModelConfig& c = m_model->config();
    projectQkv(layer, bf16);
    for (size_t b = 0; b < masks.size(); ++b) {
        attend(masks[b], gates, attentionOut[b], static_cast<int>(b) * blockRows, blockRows);
    }
    addProjection(layer.attentionOut, bf16 ? &bf16->attentionOut : nullptr,
                  packRows(m_context.data(), c.hidden, bf16 != nullptr));
    kernels::layerNorm(m_x, layer.attentionNorm, c.layerNormEps);
    feedForward(layer, bf16);
    kernels::layerNorm(m_x, layer.outputNorm, c.layerNormEps);
}

void Encoder::checkGates(const AnalyzeOptions& options) const {
    const ModelConfig& c = m_model->config();
    if (!options.headGates.empty() && options.headGates.size() != static_cast<size_t>(c.layers) * c.heads) {
        throw InputError("the head mask has " + std::to_string(options.headGates.size()) + " gates but the model has " +
                         std::to_string(c.layers * c.heads) + " heads (layers x heads)");
    }
}

Analysis Encoder::startAnalysis(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds,
                                const AnalyzeOptions& options, MaskMode mask) const {
    const ModelConfig& c = m_model->config();
    const auto n = static_cast<size_t>(ids.size());
    Analysis a;
    a.layers = c.layers;
    a.heads = c.heads;
    a.tokenCount = static_cast<int>(n);
    a.hidden = c.hidden;
    a.objective = c.objective;
    a.maskMode = mask;
    a.precision = options.precision;
    a.ids = ids;
    a.typeIds = typeIds;
    a.attentions.resize(static_cast<size_t>(c.layers) * c.heads * n * n);
    a.hiddenStates.resize(static_cast<size_t>(c.layers + 1) * n * c.hidden);
    if (options.keepValues) a.values.resize(static_cast<size_t>(c.layers) * n * c.hidden);
    return a;
}

void Encoder::checkFinite() const {
    if (!m_x.allFinite()) {
        const std::string bad = m_model->findNonFiniteTensor();
        throw CheckpointError(bad.empty()
                                  ? "the model's activations overflowed to infinity or NaN on this input; "
                                    "the weights are out of range for float32"
                                  : "tensor " + bad + " holds NaN or infinite values; the checkpoint is damaged");
    }
}

namespace {

// Rows [first, first + n) of the hidden state x into layer `layer` of an
// Analysis's [layers][tokens][hidden] buffer.
void copyRows(const RowMatrix& x, int first, int n, float* to) {
    RowMatrixMap(to, n, x.cols()) = x.middleRows(first, n);
}

}  // namespace

Analysis Encoder::forward(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds,
                          const AnalyzeOptions& options, const std::vector<int>& predictPositions) {
    // A model trained in one direction always runs with its own mask; a
    // masked-LM model runs with the one asked for (the causal mask is then
    // the ablation "BERT's weights without the right-hand context").
    const Objective objective = m_model->config().objective;
    const MaskMode mask = objective == Objective::MaskedLm ? options.maskMode : objectiveInfo(objective).mask;
    return std::move(runBlocks(ids, typeIds, options, {mask}, predictPositions).front());
}

std::pair<Analysis, Analysis> Encoder::forwardBothMasks(const std::vector<int32_t>& ids,
                                                        const std::vector<int32_t>& typeIds,
                                                        const AnalyzeOptions& options,
                                                        const std::vector<int>& predictPositions) {
    const Objective objective = m_model->config().objective;
    if (objective != Objective::MaskedLm) {
        throw InputError(std::string("a ") + objectiveName(objective) +
                         " model reads in one direction only: it has no bidirectional pass to run beside it");
    }
    std::vector<Analysis> both =
        runBlocks(ids, typeIds, options, {MaskMode::Bidirectional, MaskMode::Causal}, predictPositions);
    return {std::move(both[0]), std::move(both[1])};
}

std::vector<Analysis> Encoder::runBlocks(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds,
                                         const AnalyzeOptions& options, const std::vector<MaskMode>& masks,
                                         const std::vector<int>& predictPositions) {
    checkInput(ids, typeIds);
    checkWeightsUnchanged();
    checkGates(options);
    const ModelConfig& c = m_model->config();
    const int n = static_cast<int>(ids.size());
    const int blocks = static_cast<int>(masks.size());
    const auto nn = static_cast<size_t>(n) * n;
    std::vector<Analysis> out;
    for (MaskMode mask : masks) out.push_back(startAnalysis(ids, typeIds, options, mask));
    const std::vector<Bf16LayerWeights>* bf16 =
        options.precision == Precision::Bf16 ? &m_model->bf16Layers() : nullptr;
    // Block b of the hidden state is rows [b n, (b + 1) n): one copy of the text per mask.
    prepare(blocks * n);
    embed(ids, typeIds);
    m_x.conservativeResize(static_cast<Eigen::Index>(blocks) * n, c.hidden);
    for (int b = 1; b < blocks; ++b) m_x.middleRows(static_cast<Eigen::Index>(b) * n, n) = m_x.topRows(n);
    const size_t layerBlock = static_cast<size_t>(n) * c.hidden;
    for (int b = 0; b < blocks; ++b) copyRows(m_x, b * n, n, out[static_cast<size_t>(b)].hiddenStates.data());
    std::vector<float*> maps(static_cast<size_t>(blocks));
    for (int l = 0; l < c.layers; ++l) {
        if (options.cancel && options.cancel->load(std::memory_order_relaxed)) throw Cancelled();
        for (int b = 0; b < blocks; ++b) {
            maps[static_cast<size_t>(b)] = out[static_cast<size_t>(b)].attentions.data() + static_cast<size_t>(l) * c.heads * nn;
        }
        runLayer(m_model->weights().layers[static_cast<size_t>(l)],
                 bf16 ? &(*bf16)[static_cast<size_t>(l)] : nullptr, masks, n,
                 options.headGates.empty() ? nullptr : options.headGates.data() + static_cast<size_t>(l) * c.heads,
                 maps);
        for (int b = 0; b < blocks; ++b) {
            Analysis& a = out[static_cast<size_t>(b)];
            copyRows(m_x, b * n, n, a.hiddenStates.data() + static_cast<size_t>(l + 1) * layerBlock);
            if (options.keepValues) copyRows(m_v, b * n, n, a.values.data() + static_cast<size_t>(l) * layerBlock);
        }
    }
    checkFinite();
    checkWeightsUnchanged();  // a change during the run may have fed it zero pages
    const int readOffset = objectiveInfo(c.objective).readOffset;
    for (int b = 0; b < blocks; ++b) {
        Analysis& a = out[static_cast<size_t>(b)];
        if (m_model->weights().classifier.present) {
            if (a.maskMode == MaskMode::Bidirectional) {
                a.classification = classifySequence(m_model->weights().classifier, c.labels,
                                                    m_x.row(static_cast<Eigen::Index>(b) * n).data(), c.hidden);
            } else {
                a.classificationOffReason =
                    "the classifier was trained on the bidirectional pass; it is reported for that pass only";
            }
        }
        if (!m_model->hasMlmHead()) {
            a.predictionsOffReason = m_model->weights().mlm.absentReason;
            continue;
        }
        // Token i of a left-to-right model is predicted by position i - 1's
        // output, of a right-to-left model by i + 1's; a position with no
        // such neighbour gets no prediction. Each block's positions go to
        // the head on their own: it picks its product by their number
        // (Gemm.h dotRows up to 4), and the numbers must be a pass alone's.
        std::vector<int> wanted, readAt;
        for (int p : predictPositions) {
            const int from = p + readOffset;
            if (from < 0 || from >= n) continue;
            wanted.push_back(p);
            readAt.push_back(b * n + from);
        }
        if (readAt.empty()) continue;
        a.predictions = predictTopK(*m_model, m_x, readAt, options.topK, m_pool.get(), options.keepDistributions);
        for (size_t i = 0; i < a.predictions.size(); ++i) {
            a.predictions[i].position = wanted[i];
            a.predictions[i].fromPosition = readAt[i] - b * n;
        }
    }
    return out;
}

}  // namespace bertlens
