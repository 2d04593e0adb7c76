// The BERT encoder forward pass, returning every attention map.
//
//   Encoder encoder(model);
//   Analysis a = encoder.analyze("the [MASK] barked .", {MaskMode::Causal});
//
// An Encoder keeps scratch buffers between runs, so one Encoder belongs to
// one thread at a time; the Model it reads may be shared. forward() checks
// the cancel flag between layers and throws Cancelled when it is set.
#pragma once

#include "model/Analysis.h"
#include "model/Model.h"

#include <atomic>
#include <memory>
#include <string_view>

namespace bertlens {

struct AnalyzeOptions {
    MaskMode maskMode = MaskMode::Bidirectional;
    int topK = 5;
    bool predictAll = false;  // predictions for every position, not only [MASK]s
    const std::atomic<bool>* cancel = nullptr;
};

class Encoder {
public:
    explicit Encoder(std::shared_ptr<const Model> model);

    // Tokenizes the text ([CLS] text [SEP]) and runs the model. Throws
    // InputError for an empty text or one longer than the model's limit.
    Analysis analyze(std::string_view text, const AnalyzeOptions& options);

    // Runs the model on token ids; predictions for the positions listed.
    Analysis forward(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds,
                     const AnalyzeOptions& options, const std::vector<int>& predictPositions);

    const Model& model() const { return *m_model; }

private:
    void checkInput(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds) const;
    void checkWeightsUnchanged() const;
    void embed(const std::vector<int32_t>& ids, const std::vector<int32_t>& typeIds);
    void runLayer(const EncoderLayerWeights& layer, bool causal, float* attentionOut);

    std::shared_ptr<const Model> m_model;
    // Scratch, reused across runs: x is the running hidden state.
    RowMatrix m_x, m_q, m_k, m_v, m_scores, m_context, m_projected, m_ffn;
};

}  // namespace bertlens
