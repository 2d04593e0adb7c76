// The BERT encoder forward pass, returning every attention map.
//
//   Encoder encoder(model);
//   Analysis a = encoder.analyze("the [MASK] barked .", {MaskMode::Causal});
//
// An Encoder keeps scratch buffers and a thread pool between runs, so one
// Encoder belongs to one thread at a time; the Model it reads may be shared.
// A run uses as many threads as OpenMP would give the calling thread
// (omp_set_num_threads, OMP_NUM_THREADS); the pool is resized when that
// changes. forward() checks the cancel flag between layers and throws
// Cancelled when it is set.
#pragma once

#include "model/Analysis.h"
#include "model/Gemm.h"
#include "model/GemmBf16.h"
#include "model/Model.h"
#include "model/ThreadPool.h"

#include <atomic>
#include <memory>
#include <utility>
#include <string_view>

namespace bertlens {

struct AnalyzeOptions {
    MaskMode maskMode = MaskMode::Bidirectional;
    int topK = 5;
    bool predictAll = false;  // predictions for every position, not only [MASK]s
    bool keepDistributions = false;  // each prediction keeps every token's log-probability
    // Analysis::values: every layer's value vectors, which norm-weighted
    // attention reads (recomputing them costs a tenth of the forward pass).
    bool keepValues = false;
    // Head ablation (Hugging Face's head_mask): [layers][heads] gates that
    // multiply each head's attention probabilities before they weigh the
    // values; empty = every head 1. Analysis::attentions stays un-gated.
    std::vector<float> headGates = {};
    // The linear layers' arithmetic (model/Precision.h); Bf16 rounds the
    // weights once per Model (Model::bf16Layers) and each input per product.
    Precision precision = Precision::F32;
    const std::atomic<bool>* cancel = nullptr;
};

class Encoder {
public:
    explicit Encoder(std::shared_ptr<const Model> model);
    ~Encoder();

    // Tokenizes the text ([CLS] text [SEP]) and runs the model. Throws
    // InputError for an empty text or one longer than the model's limit.
    Analysis analyze(std::string_view text, const AnalyzeOptions& options);

    // Runs the model on token ids; predictions for the positions listed.
    Analysis forward(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds,
                     const AnalyzeOptions& options, const std::vector<int>& predictPositions);

    // The same run under the bidirectional and the causal mask in one pass
    // over the weights: the two copies of the text go through every product
    // side by side (twice the columns per weight read), each attends under
    // its own mask, and the masked-LM head reads each copy as a pass alone would. Every
    // number equals what two forward() calls give, bit for bit (the
    // products sum each element in one order whatever the token count).
    // options.maskMode is not read. For a masked-LM model only (a one-way
    // model has one mask): throws InputError otherwise.
    std::pair<Analysis, Analysis> forwardBothMasks(const std::vector<int32_t>& ids,
                                                   const std::vector<int32_t>& typeIds, const AnalyzeOptions& options,
                                                   const std::vector<int>& predictPositions);

    const Model& model() const { return *m_model; }

private:
    void checkInput(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds) const;
    void checkGates(const AnalyzeOptions& options) const;
    // An Analysis with its sizes, ids and buffers set, for a run under `mask`.
    Analysis startAnalysis(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds,
                           const AnalyzeOptions& options, MaskMode mask) const;
    // After the last layer: refuses overflowed activations (rows of m_x).
    void checkFinite() const;
    // forward() (one mask) and forwardBothMasks() (two): one copy of the
    // text per mask, side by side through every product, one Analysis each.
    std::vector<Analysis> runBlocks(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds,
                                    const AnalyzeOptions& options, const std::vector<MaskMode>& masks,
                                    const std::vector<int>& predictPositions);
    void checkWeightsUnchanged() const;
    void embed(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds);
    void prepare(int n);
    // A product's input in the form the run's precision reads (bf16.data
    // null for F32).
    struct ProductInput {
        gemm::Panels f32;
        gemm::Bf16Panels bf16;
    };
    // One layer over every row of m_x; `masks` says how its row blocks of
    // `blockRows` rows attend (one block for forward(), two for forwardBothMasks).
    void runLayer(const EncoderLayerWeights& layer, const Bf16LayerWeights* bf16, const std::vector<MaskMode>& masks,
                  int blockRows, const float* gates, const std::vector<float*>& attentionOut);
    // Row-major [n, in] rows (m_x or the context) packed for a product.
    ProductInput packRows(const float* x, int in, bool bf16);
    // Rows [r0, r1) of out = W · in, from the BF16 weights when given.
    static void multiply(const LinearWeights& w, const Bf16Linear* wb, const ProductInput& in,
                         const gemm::Panels& out, int r0, int r1);
    void projectQkv(const EncoderLayerWeights& layer, const Bf16LayerWeights* bf16);
    // Rows [first, first + n) of the hidden state attend among themselves.
    void attend(MaskMode mask, const float* gates, float* attentionOut, int first, int n);
    void feedForward(const EncoderLayerWeights& layer, const Bf16LayerWeights* bf16);
    // x += in^T W^T + b: the attention output and FFN output layers.
    void addProjection(const LinearWeights& w, const Bf16Linear* wb, const ProductInput& in);

    std::shared_ptr<const Model> m_model;
    std::unique_ptr<ThreadPool> m_pool;
    // Scratch, sized once per token count and reused across runs. x is the
    // running hidden state; q, v and context are row-major [n, hidden].
    // Products come out transposed (one token per column, the columns
    // padded to whole vectors): qkvT is [3 hidden, columns] row-major, and
    // ffnT is the intermediate activation [intermediate, columns], packed,
    // which the output layer reads as it is.
    int m_columns = 0;
    RowMatrix m_x, m_q, m_v, m_context;
    Eigen::VectorXf m_packed, m_qkvT, m_ffnT, m_outT;
    // Precision::Bf16: a product's input [hidden, columns], and the
    // intermediate activation [intermediate, columns], as BF16 pairs.
    std::vector<uint16_t> m_packedBf16, m_ffnBf16;
};

}  // namespace bertlens
