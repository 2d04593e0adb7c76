#include "train/TrainableBert.h"

#include <algorithm>

namespace bertlens::train {

template <typename S>
TrainableBert<S>::TrainableBert(const ModelConfig& config)
    : m_config(config),
      m_layout(config),
      m_params(size_t(m_layout.total()), S(0)),
      m_grads(size_t(m_layout.total()), S(0)),
      m_layers(size_t(config.layers)),
      m_classifier(m_layout.pooler, m_layout.classifier) {}

template <typename S>
void TrainableBert<S>::initialize(Random& random) {
    for (const ParameterInfo& t : m_layout.tensors()) {
        S* p = m_params.data() + t.offset;
        const bool isNormGamma = t.name.size() > 17 && t.name.compare(t.name.size() - 17, 17, ".LayerNorm.weight") == 0;
        for (int64_t i = 0; i < t.size; ++i) p[i] = t.decay ? S(0.02 * random.normal()) : S(isNormGamma ? 1 : 0);
    }
}

template <typename S>
void TrainableBert<S>::zeroGradients() {
    std::fill(m_grads.begin(), m_grads.end(), S(0));
}

template <typename S>
ConstMatMap<S> TrainableBert<S>::weight(const LinearSlot& s) const {
    return ConstMatMap<S>(m_params.data() + s.weight, s.out, s.in);
}

template <typename S>
ConstVecMap<S> TrainableBert<S>::vec(int64_t offset, int size) const {
    return ConstVecMap<S>(m_params.data() + offset, size);
}

template <typename S>
MatMap<S> TrainableBert<S>::weightGrad(const LinearSlot& s) {
    return MatMap<S>(m_grads.data() + s.weight, s.out, s.in);
}

template <typename S>
VecMap<S> TrainableBert<S>::vecGrad(int64_t offset, int size) {
    return VecMap<S>(m_grads.data() + offset, size);
}

template <typename S>
const Mat<S>& TrainableBert<S>::hiddenState(int layer) const {
    return layer < m_config.layers ? m_layers[size_t(layer)].input : m_final;
}

template <typename S>
S TrainableBert<S>::forward(const TrainBatch& batch) {
    m_batch = batch;
    m_sequences = SequenceLayout(batch.lengths, m_config.heads, objectiveInfo(m_config.objective).mask);
    embed();
    for (int l = 0; l < m_config.layers; ++l) {
        layerForward(l, l + 1 < m_config.layers ? m_layers[size_t(l + 1)].input : m_final);
    }
    headForward();
    return m_loss;
}

template <typename S>
void TrainableBert<S>::embed() {
    const int d = m_config.hidden;
    const auto n = static_cast<Eigen::Index>(m_batch.ids.size());
    const ConstMatMap<S> word(m_params.data() + m_layout.wordEmbeddings, m_config.vocabSize, d);
    const ConstMatMap<S> position(m_params.data() + m_layout.positionEmbeddings, m_config.maxPositions, d);
    const ConstMatMap<S> type(m_params.data() + m_layout.typeEmbeddings, m_config.typeVocabSize, d);
    m_embedded.resize(n, d);
    for (Eigen::Index r = 0; r < n; ++r) {
        const size_t i = size_t(r);
        m_embedded.row(r) =
            word.row(m_batch.ids[i]) + position.row(m_batch.positions[i]) + type.row(m_batch.typeIds[i]);
    }
    Mat<S>& out = m_config.layers > 0 ? m_layers[0].input : m_final;
    layerNormForward<S>(m_embedded, vec(m_layout.embeddingNorm.gamma, d), vec(m_layout.embeddingNorm.beta, d),
                        S(m_config.layerNormEps), out, m_embeddingNorm);
}

template <typename S>
void TrainableBert<S>::layerForward(int l, Mat<S>& output) {
    const LayerSlots& w = m_layout.layers[size_t(l)];
    LayerCache& c = m_layers[size_t(l)];
    const int d = m_config.hidden;
    const S eps = S(m_config.layerNormEps);
    linearForward<S>(c.input, weight(w.query), vec(w.query.bias, d), c.q);
    linearForward<S>(c.input, weight(w.key), vec(w.key.bias, d), c.k);
    linearForward<S>(c.input, weight(w.value), vec(w.value.bias, d), c.v);
    attentionForward<S>(c.q, c.k, c.v, m_sequences, c.probs, c.context);
    Mat<S>& residual = m_d1;
    linearForward<S>(c.context, weight(w.attentionOut), vec(w.attentionOut.bias, d), residual);
    residual += c.input;
    layerNormForward<S>(residual, vec(w.attentionNorm.gamma, d), vec(w.attentionNorm.beta, d), eps, c.attentionNormed,
                        c.attentionNorm);
    linearForward<S>(c.attentionNormed, weight(w.intermediate), vec(w.intermediate.bias, m_config.intermediate),
                     c.preActivation);
    geluForward<S>(c.preActivation, c.activation);
    linearForward<S>(c.activation, weight(w.output), vec(w.output.bias, d), residual);
    residual += c.attentionNormed;
    layerNormForward<S>(residual, vec(w.outputNorm.gamma, d), vec(w.outputNorm.beta, d), eps, output, c.outputNorm);
}

template <typename S>
void TrainableBert<S>::headForward() {
    const int d = m_config.hidden;
    const auto m = static_cast<Eigen::Index>(m_batch.maskedRows.size());
    m_selected.resize(m, d);
    for (Eigen::Index i = 0; i < m; ++i) m_selected.row(i) = m_final.row(m_batch.maskedRows[size_t(i)]);
    m_loss = S(0);
    m_correct = 0;
    if (m_layout.hasClassifier) {
        m_classifier.forward(m_params.data(), m_selected, m_logits);
        if (m > 0) m_loss = softmaxCrossEntropy<S>(m_logits, m_batch.targets, m_dlogits, &m_correct);
        return;
    }
    m_logits.resize(m, m_config.vocabSize);
    if (m == 0) return;
    const LinearSlot& t = m_layout.headTransform;
    linearForward<S>(m_selected, weight(t), vec(t.bias, d), m_headPre);
    geluForward<S>(m_headPre, m_headAct);
    layerNormForward<S>(m_headAct, vec(m_layout.headNorm.gamma, d), vec(m_layout.headNorm.beta, d),
                        S(m_config.layerNormEps), m_headOut, m_headNorm);
    const LinearSlot decoder{m_layout.wordEmbeddings, m_layout.decoderBias, m_config.vocabSize, d};
    linearForward<S>(m_headOut, weight(decoder), vec(decoder.bias, m_config.vocabSize), m_logits);
    m_loss = softmaxCrossEntropy<S>(m_logits, m_batch.targets, m_dlogits, &m_correct);
}

template <typename S>
void TrainableBert<S>::backward() {
    Mat<S>& dA = m_d3;
    Mat<S>& dB = m_d4;
    headBackward(dA);
    for (int l = m_config.layers - 1; l >= 0; --l) {
        layerBackward(l, dA, dB);
        dA.swap(dB);
    }
    // Embeddings: LayerNorm, then the three lookups scatter their rows.
    const int d = m_config.hidden;
    VecMap<S> dgamma = vecGrad(m_layout.embeddingNorm.gamma, d);
    VecMap<S> dbeta = vecGrad(m_layout.embeddingNorm.beta, d);
    layerNormBackward<S>(dA, vec(m_layout.embeddingNorm.gamma, d), m_embeddingNorm, dB, dgamma, dbeta);
    MatMap<S> word(m_grads.data() + m_layout.wordEmbeddings, m_config.vocabSize, d);
    MatMap<S> position(m_grads.data() + m_layout.positionEmbeddings, m_config.maxPositions, d);
    MatMap<S> type(m_grads.data() + m_layout.typeEmbeddings, m_config.typeVocabSize, d);
    for (Eigen::Index r = 0; r < dB.rows(); ++r) {
        const size_t i = size_t(r);
        word.row(m_batch.ids[i]) += dB.row(r);
        position.row(m_batch.positions[i]) += dB.row(r);
        type.row(m_batch.typeIds[i]) += dB.row(r);
    }
}

template <typename S>
void TrainableBert<S>::headBackward(Mat<S>& dfinal) {
    const int d = m_config.hidden;
    dfinal.setZero(m_final.rows(), d);
    if (m_batch.maskedRows.empty()) return;
    if (m_layout.hasClassifier) {
        m_classifier.backward(m_params.data(), m_grads.data(), m_dlogits, m_dq);
        for (size_t i = 0; i < m_batch.maskedRows.size(); ++i)
            dfinal.row(m_batch.maskedRows[i]) += m_dq.row(Eigen::Index(i));
        return;
    }
    // The decoder is the word embedding matrix (tied): its gradient adds to
    // the one the embedding lookup gives it later.
    const LinearSlot decoder{m_layout.wordEmbeddings, m_layout.decoderBias, m_config.vocabSize, d};
    MatMap<S> dDecoder = weightGrad(decoder);
    VecMap<S> dDecoderBias = vecGrad(decoder.bias, m_config.vocabSize);
    linearBackward<S>(m_headOut, weight(decoder), m_dlogits, &m_dq, dDecoder, dDecoderBias);
    VecMap<S> dgamma = vecGrad(m_layout.headNorm.gamma, d);
    VecMap<S> dbeta = vecGrad(m_layout.headNorm.beta, d);
    layerNormBackward<S>(m_dq, vec(m_layout.headNorm.gamma, d), m_headNorm, m_dk, dgamma, dbeta);
    geluBackward<S>(m_headPre, m_dk, m_dv);
    const LinearSlot& t = m_layout.headTransform;
    MatMap<S> dW = weightGrad(t);
    VecMap<S> db = vecGrad(t.bias, d);
    linearBackward<S>(m_selected, weight(t), m_dv, &m_dq, dW, db);
    for (size_t i = 0; i < m_batch.maskedRows.size(); ++i)
        dfinal.row(m_batch.maskedRows[i]) += m_dq.row(Eigen::Index(i));
}

template <typename S>
void TrainableBert<S>::layerBackward(int l, const Mat<S>& doutput, Mat<S>& dinput) {
    const LayerSlots& w = m_layout.layers[size_t(l)];
    const LayerCache& c = m_layers[size_t(l)];
    const int d = m_config.hidden;
    auto linearBack = [&](const Mat<S>& x, const LinearSlot& s, const Mat<S>& dy, Mat<S>* dx) {
        MatMap<S> dW = weightGrad(s);
        VecMap<S> db = vecGrad(s.bias, s.out);
        linearBackward<S>(x, weight(s), dy, dx, dW, db);
    };
    auto normBack = [&](const Mat<S>& dy, const NormSlot& s, const LayerNormCache<S>& cache, Mat<S>& dx) {
        VecMap<S> dgamma = vecGrad(s.gamma, d);
        VecMap<S> dbeta = vecGrad(s.beta, d);
        layerNormBackward<S>(dy, vec(s.gamma, d), cache, dx, dgamma, dbeta);
    };

    // Output LayerNorm: its input was activation W_out^T + b + attentionNormed.
    Mat<S>& dResidual2 = m_d1;
    normBack(doutput, w.outputNorm, c.outputNorm, dResidual2);
    linearBack(c.activation, w.output, dResidual2, &m_dwide);
    geluBackward<S>(c.preActivation, m_dwide, m_dwide2);
    Mat<S>& dNormed = m_d2;
    linearBack(c.attentionNormed, w.intermediate, m_dwide2, &dNormed);
    dNormed += dResidual2;
    // Attention LayerNorm: its input was context W_o^T + b + input.
    Mat<S>& dResidual1 = m_d1;
    normBack(dNormed, w.attentionNorm, c.attentionNorm, dResidual1);
    Mat<S>& dContext = m_d2;
    linearBack(c.context, w.attentionOut, dResidual1, &dContext);
    attentionBackward<S>(c.q, c.k, c.v, m_sequences, c.probs, dContext, m_dq, m_dk, m_dv);
    linearBack(c.input, w.query, m_dq, &dinput);
    dinput += dResidual1;
    linearBack(c.input, w.key, m_dk, &m_d2);
    dinput += m_d2;
    linearBack(c.input, w.value, m_dv, &m_d2);
    dinput += m_d2;
}

template class TrainableBert<float>;
template class TrainableBert<double>;

}  // namespace bertlens::train
