// The sequence-classification head of a trainable BERT, as Hugging Face's
// BertForSequenceClassification defines it: the pooler (dense + tanh on the
// final hidden state of [CLS]) and a linear classifier giving one logit per
// class. Forward keeps what the hand-written backward needs.
//
//   ClassifierHead<float> head(layout.pooler, layout.classifier);
//   head.forward(params.data(), clsRows, logits);        // logits [m, labels]
//   head.backward(params.data(), grads.data(), dlogits, dcls);
//
// The weights live in the model's flat parameter buffer (ParameterLayout's
// pooler and classifier slots); backward ADDS into the gradient buffer and
// OVERWRITES dcls. No dropout (the trainer uses none). Not thread-safe: one
// head per model.
#pragma once

#include "train/ParameterLayout.h"
#include "train/TrainMath.h"

namespace bertlens::train {

template <typename S>
class ClassifierHead {
public:
    ClassifierHead(LinearSlot pooler, LinearSlot classifier) : m_pooler(pooler), m_classifier(classifier) {}

    // cls: the final hidden state of each sequence's [CLS] token, one row
    // each. logits = tanh(cls Wp^T + bp) Wc^T + bc.
    void forward(const S* params, const Mat<S>& cls, Mat<S>& logits);
    // dcls = d loss / d cls for the last forward(), given d loss / d logits.
    void backward(const S* params, S* grads, const Mat<S>& dlogits, Mat<S>& dcls);

    const Mat<S>& pooled() const { return m_pooled; }

private:
    LinearSlot m_pooler, m_classifier;
    Mat<S> m_cls, m_pooled, m_dpooled, m_dpre;
};

extern template class ClassifierHead<float>;
extern template class ClassifierHead<double>;

}  // namespace bertlens::train
