// A BERT for masked-language-model training: forward pass with every
// intermediate kept, hand-written backward pass, parameters and gradients in
// flat buffers laid out by ParameterLayout (Hugging Face names and shapes).
//
//   TrainableBert<float> model(config);
//   Random random(seed, kInitStream);
//   model.initialize(random);
//   model.zeroGradients();
//   float loss = model.forward(batch);  // mean cross-entropy over batch.maskedRows
//   model.backward();                   // adds d loss / d parameter into gradients()
//
// Equations as core/model/Encoder and MlmHead (post-LayerNorm, exact GELU,
// decoder tied to the word embeddings), no dropout. The attention mask is
// the config's objective's: bidirectional for masked-LM, causal for
// next-word, anti-causal for previous-word; the loss is over the batch's
// maskedRows and targets whatever the objective (BatchSampler fills them).
// For a classifier config (ModelConfig::labels) the head is ClassifierHead
// instead of the masked-LM head: maskedRows are then each sequence's [CLS]
// row and targets its class, the loss the mean cross-entropy over classes,
// and maskedLogits() the class logits (the encoder's forward and backward
// are the same).
// Instantiated for float (training) and double (gradient checks). Not
// thread-safe: one model per thread (it parallelises inside with OpenMP).
#pragma once

#include "io/ModelConfig.h"
#include "train/ClassifierHead.h"
#include "train/ParameterLayout.h"
#include "train/Random.h"
#include "train/TrainBatch.h"
#include "train/TrainMath.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bertlens::train {

template <typename S>
class TrainableBert {
public:
    explicit TrainableBert(const ModelConfig& config);

    // BERT's initialisation, drawn from random: matrices and embeddings
    // normal(0, 0.02), LayerNorm gamma 1 and beta 0, biases 0.
    void initialize(Random& random);

    // Runs the batch; returns the mean masked-LM loss (0 when no position is
    // masked). Keeps what backward() needs and what the accessors show.
    S forward(const TrainBatch& batch);
    // Adds the gradient of the last forward()'s loss into gradients().
    void backward();
    void zeroGradients();

    const ModelConfig& config() const { return m_config; }
    const ParameterLayout& layout() const { return m_layout; }
    AlignedVector<S>& parameters() { return m_params; }
    const AlignedVector<S>& parameters() const { return m_params; }
    AlignedVector<S>& gradients() { return m_grads; }
    const AlignedVector<S>& gradients() const { return m_grads; }

    // After forward(): hidden state l (0 = embeddings after LayerNorm, l = output
    // of layer l), rows as in the batch; the attention maps of a layer in
    // SequenceLayout order; the logits at the masked rows; how many masked rows
    // have the target as their most probable token.
    const Mat<S>& hiddenState(int layer) const;
    const AlignedVector<S>& attentionProbabilities(int layer) const { return m_layers[size_t(layer)].probs; }
    const SequenceLayout& sequenceLayout() const { return m_sequences; }
    const Mat<S>& maskedLogits() const { return m_logits; }
    int correctPredictions() const { return m_correct; }

private:
    struct LayerCache {
        Mat<S> input, q, k, v, context, attentionNormed, preActivation, activation;
        AlignedVector<S> probs;
        LayerNormCache<S> attentionNorm, outputNorm;
    };

    ConstMatMap<S> weight(const LinearSlot& s) const;
    ConstVecMap<S> vec(int64_t offset, int size) const;
    MatMap<S> weightGrad(const LinearSlot& s);
    VecMap<S> vecGrad(int64_t offset, int size);

    void embed();
    void layerForward(int l, Mat<S>& output);  // reads m_layers[l].input
    void layerBackward(int l, const Mat<S>& doutput, Mat<S>& dinput);
    void headForward();
    void headBackward(Mat<S>& dfinal);

    ModelConfig m_config;
    ParameterLayout m_layout;
    AlignedVector<S> m_params, m_grads;

    // From the last forward().
    TrainBatch m_batch;
    SequenceLayout m_sequences{{}, 1};
    Mat<S> m_embedded;
    LayerNormCache<S> m_embeddingNorm;
    std::vector<LayerCache> m_layers;
    Mat<S> m_final;
    Mat<S> m_selected, m_headPre, m_headAct, m_headOut, m_logits, m_dlogits;
    LayerNormCache<S> m_headNorm;
    ClassifierHead<S> m_classifier;
    S m_loss = S(0);
    int m_correct = 0;

    // Backward scratch, reused between steps.
    Mat<S> m_d1, m_d2, m_d3, m_d4, m_dq, m_dk, m_dv, m_dwide, m_dwide2;
};

extern template class TrainableBert<float>;
extern template class TrainableBert<double>;

}  // namespace bertlens::train
