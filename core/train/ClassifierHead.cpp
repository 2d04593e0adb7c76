#include "train/ClassifierHead.h"

namespace bertlens::train {
namespace {

template <typename S>
ConstMatMap<S> weightOf(const S* params, const LinearSlot& s) {
    return ConstMatMap<S>(params + s.weight, s.out, s.in);
}

template <typename S>
ConstVecMap<S> biasOf(const S* params, const LinearSlot& s) {
    return ConstVecMap<S>(params + s.bias, s.out);
}

}  // namespace

template <typename S>
void ClassifierHead<S>::forward(const S* params, const Mat<S>& cls, Mat<S>& logits) {
    m_cls = cls;
    linearForward<S>(m_cls, weightOf(params, m_pooler), biasOf(params, m_pooler), m_pooled);
    m_pooled = m_pooled.array().tanh().matrix();
    linearForward<S>(m_pooled, weightOf(params, m_classifier), biasOf(params, m_classifier), logits);
}

template <typename S>
void ClassifierHead<S>::backward(const S* params, S* grads, const Mat<S>& dlogits, Mat<S>& dcls) {
    MatMap<S> dWc(grads + m_classifier.weight, m_classifier.out, m_classifier.in);
    VecMap<S> dbc(grads + m_classifier.bias, m_classifier.out);
    linearBackward<S>(m_pooled, weightOf(params, m_classifier), dlogits, &m_dpooled, dWc, dbc);
    // tanh'(x) = 1 - tanh(x)^2, and tanh(x) is what forward kept.
    m_dpre = (m_dpooled.array() * (S(1) - m_pooled.array().square())).matrix();
    MatMap<S> dWp(grads + m_pooler.weight, m_pooler.out, m_pooler.in);
    VecMap<S> dbp(grads + m_pooler.bias, m_pooler.out);
    linearBackward<S>(m_cls, weightOf(params, m_pooler), m_dpre, &dcls, dWp, dbp);
}

template class ClassifierHead<float>;
template class ClassifierHead<double>;

}  // namespace bertlens::train
