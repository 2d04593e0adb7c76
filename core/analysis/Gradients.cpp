#include "analysis/Gradients.h"

#include "Errors.h"
#include "model/Gemm.h"
#include "model/Kernels.h"
#include "model/ThreadPool.h"

#include <omp.h>
#include <unsupported/Eigen/SpecialFunctions>

#include <algorithm>
#include <cmath>

namespace bertlens {
namespace {

struct NormCache {  // what LayerNorm's backward needs
    RowMatrix normalized;
    Eigen::VectorXf inverseStd;
};

RowMatrix layerNorm(const RowMatrix& x, const LayerNormWeights& w, float eps, NormCache& cache) {
    const auto d = x.cols();
    const Eigen::VectorXf mean = x.rowwise().mean();
    RowMatrix centred = x.colwise() - mean;
    cache.inverseStd = ((centred.array().square().rowwise().sum() / static_cast<float>(d)) + eps).rsqrt();
    cache.normalized = centred.array().colwise() * cache.inverseStd.array();
    return (cache.normalized.array().rowwise() * ConstRowVectorMap(w.gamma, d).array()).rowwise() +
           ConstRowVectorMap(w.beta, d).array();
}

// dx = LayerNorm's input gradient for output gradient dy, written into dx
// (which may be dy itself) without a temporary of the whole size.
void layerNormBack(const RowMatrix& dy, const LayerNormWeights& w, const NormCache& c, RowMatrix& dx) {
    const auto d = dy.cols();
    dx = dy.array().rowwise() * ConstRowVectorMap(w.gamma, d).array();
    const Eigen::VectorXf meanDn = dx.rowwise().mean();
    const Eigen::VectorXf meanDnN = (dx.array() * c.normalized.array()).rowwise().mean();
    dx = ((dx.colwise() - meanDn).array() - c.normalized.array().colwise() * meanDnN.array()).colwise() *
         c.inverseStd.array();
}

RowMatrix layerNormBack(const RowMatrix& dy, const LayerNormWeights& w, const NormCache& c) {
    RowMatrix dx;
    layerNormBack(dy, w, c, dx);
    return dx;
}

// The products go through the engine's own kernels, which read each weight
// matrix once where it lies; Eigen's products packed a copy of every weight
// on every call, and the gradient of bert-base cost 3.4-4.7 forward passes.
RowMatrix linear(const RowMatrix& x, const LinearWeights& w, ThreadPool& pool) {
    RowMatrix y;
    kernels::linear(x, w, y, &pool);
    return y;
}

// dx (=|+=) dy · W, the input gradient of y = x W^T + b: W's panels are
// shared among the pool's threads, each output element summed in one order.
void linearBack(const RowMatrix& dy, const LinearWeights& w, RowMatrix& dx, bool accumulate, ThreadPool& pool) {
    const int n = static_cast<int>(dy.rows());
    if (!accumulate) dx.resize(n, w.in);
    const auto b = gemm::Panels::rowMajor(w.weight, w.out, w.in, static_cast<size_t>(w.in));
    const auto c = gemm::Panels::rowMajor(dx.data(), n, w.in, static_cast<size_t>(w.in));
    pool.run([&](int part, int parts) {
        const RowRange panels = partRows(b.count(), part, parts, 1);
        gemm::multiplyPanels(dy.data(), static_cast<size_t>(dy.cols()), b, c, panels.begin, panels.end, accumulate);
    });
}

RowMatrix linearBack(const RowMatrix& dy, const LinearWeights& w, ThreadPool& pool) {
    RowMatrix dx;
    linearBack(dy, w, dx, false, pool);
    return dx;
}

// GELU of z into `act` and its slope into `slope`, from one erf and one exp
// per element, vectorised by Eigen (the scalar std::erf of a bert-base
// backward pass took a fifth of its time; a second erf for the slope, a
// tenth of what was left).
void geluWithSlope(const RowMatrix& z, RowMatrix& act, RowMatrix& slope) {
    const auto a = z.array();
    slope = (0.5f * (1.0f + (a * static_cast<float>(M_SQRT1_2)).erf())).matrix();
    act = (a * slope.array()).matrix();
    slope.array() += a * (-0.5f * a.square()).exp() * static_cast<float>(0.5 * M_2_SQRTPI * M_SQRT1_2);
}

void checkCancel(const GradientRequest& rq) {
    if (rq.cancel && rq.cancel->load()) throw Cancelled();
}

struct LayerCache {
    RowMatrix input, q, k, v;
    std::vector<RowMatrix> probs;  // per head
    RowMatrix attended;            // per head P_h V_h, ungated, side by side
    NormCache norm1, norm2;
    RowMatrix geluSlope;  // the slope of GELU at the intermediate layer's output
};

}  // namespace

Gradients gradientsOf(const Model& model, const GradientRequest& rq) {
    const ModelConfig& c = model.config();
    const BertWeights& w = model.weights();
    const int n = static_cast<int>(rq.ids.size()), d = c.hidden, heads = c.heads, dh = c.headDim();
    const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
    const auto gate = [&](int l, int h) {
        return rq.headGates.empty() ? 1.0f : rq.headGates[static_cast<size_t>(l) * heads + h];
    };

    // As many threads as OpenMP would give the calling thread, like Encoder.
    ThreadPool pool(std::max(1, omp_get_max_threads()));

    Gradients g;
    g.embeddings.resize(n, d);
    RowMatrix x(n, d);
    for (int i = 0; i < n; ++i) {
        g.embeddings.row(i) = ConstRowVectorMap(w.wordEmbeddings + static_cast<size_t>(rq.ids[i]) * d, d);
        x.row(i) = g.embeddings.row(i) + ConstRowVectorMap(w.positionEmbeddings + static_cast<size_t>(i) * d, d) +
                   ConstRowVectorMap(w.tokenTypeEmbeddings + static_cast<size_t>(rq.typeIds[i]) * d, d);
    }
    NormCache embedNorm;
    x = layerNorm(x, w.embeddingNorm, c.layerNormEps, embedNorm);

    std::vector<LayerCache> caches(static_cast<size_t>(c.layers));
    for (int l = 0; l < c.layers; ++l) {
        checkCancel(rq);
        const EncoderLayerWeights& lw = w.layers[static_cast<size_t>(l)];
        LayerCache& lc = caches[static_cast<size_t>(l)];
        lc.input = x;
        lc.q = linear(x, lw.query, pool);
        lc.k = linear(x, lw.key, pool);
        lc.v = linear(x, lw.value, pool);
        lc.attended.resize(n, d);
        RowMatrix context(n, d);
        for (int h = 0; h < heads; ++h) {
            RowMatrix s = (lc.q.middleCols(h * dh, dh) * lc.k.middleCols(h * dh, dh).transpose()) * scale;
            for (int i = 0; i < n; ++i) {
                const int b = firstVisible(rq.maskMode, i), e = endVisible(rq.maskMode, i, n);
                const float top = s.row(i).segment(b, e - b).maxCoeff();
                float sum = 0.0f;
                for (int j = 0; j < n; ++j) {
                    s(i, j) = (j >= b && j < e) ? std::exp(s(i, j) - top) : 0.0f;
                    sum += s(i, j);
                }
                s.row(i) /= sum;
            }
            lc.attended.middleCols(h * dh, dh) = s * lc.v.middleCols(h * dh, dh);
            context.middleCols(h * dh, dh) = gate(l, h) * lc.attended.middleCols(h * dh, dh);
            lc.probs.push_back(std::move(s));
        }
        x = layerNorm(x + linear(context, lw.attentionOut, pool), lw.attentionNorm, c.layerNormEps, lc.norm1);
        RowMatrix act;
        geluWithSlope(linear(x, lw.intermediate, pool), act, lc.geluSlope);
        x = layerNorm(x + linear(act, lw.output, pool), lw.outputNorm, c.layerNormEps, lc.norm2);
    }

    // The head, at the one row read.
    const MlmHeadWeights& mlm = w.mlm;
    const RowMatrix last = x.row(rq.fromPosition);
    const RowMatrix pre = linear(last, mlm.transform, pool);
    NormCache headNorm;
    RowMatrix preAct, preSlope;
    geluWithSlope(pre, preAct, preSlope);
    const RowMatrix t = layerNorm(preAct, mlm.norm, c.layerNormEps, headNorm);
    const LinearWeights decoder{mlm.decoder, mlm.bias, c.vocabSize, d};
    const Eigen::RowVectorXd logits = linear(t, decoder, pool).cast<double>();
    const double top = logits.maxCoeff();
    const Eigen::RowVectorXd p = (logits.array() - top).exp();
    const double logSum = std::log(p.sum()) + top;
    g.logProb = logits[rq.target] - logSum;

    // Backwards: ∂ log P / ∂ logits = onehot − softmax.
    Eigen::RowVectorXf dLogits = (-(p / p.sum())).cast<float>();
    dLogits[rq.target] += 1.0f;
    const RowMatrix dt = linearBack(RowMatrix(dLogits), decoder, pool);
    RowMatrix dpre = layerNormBack(dt, mlm.norm, headNorm).cwiseProduct(preSlope);
    RowMatrix dx = RowMatrix::Zero(n, d);
    dx.row(rq.fromPosition) = linearBack(dpre, mlm.transform, pool);

    g.gateGrad.assign(static_cast<size_t>(c.layers) * heads, 0.0);
    // The backward pass's buffers, sized once: every layer assigns them
    // whole, so no layer allocates (fresh pages cost more than the
    // element-wise work on them).
    RowMatrix dv2, dz, dy, du, dContext, dq(n, d), dk(n, d), dv(n, d), dP, dS, dAttended;
    for (int l = c.layers - 1; l >= 0; --l) {
        checkCancel(rq);
        const EncoderLayerWeights& lw = w.layers[static_cast<size_t>(l)];
        const LayerCache& lc = caches[static_cast<size_t>(l)];
        layerNormBack(dx, lw.outputNorm, lc.norm2, dv2);
        linearBack(dv2, lw.output, dz, false, pool);
        dz.array() *= lc.geluSlope.array();
        dy = dv2;
        linearBack(dz, lw.intermediate, dy, true, pool);
        layerNormBack(dy, lw.attentionNorm, lc.norm1, du);
        linearBack(du, lw.attentionOut, dContext, false, pool);
        for (int h = 0; h < heads; ++h) {
            const auto dCh = dContext.middleCols(h * dh, dh);
            g.gateGrad[static_cast<size_t>(l) * heads + h] =
                static_cast<double>((dCh.array() * lc.attended.middleCols(h * dh, dh).array()).sum());
            dAttended = gate(l, h) * dCh;
            const RowMatrix& prob = lc.probs[static_cast<size_t>(h)];
            dP.noalias() = dAttended * lc.v.middleCols(h * dh, dh).transpose();
            dv.middleCols(h * dh, dh).noalias() = prob.transpose() * dAttended;
            const Eigen::VectorXf rowDot = (dP.array() * prob.array()).rowwise().sum();
            dS = (prob.array() * (dP.colwise() - rowDot).array()) * scale;
            dq.middleCols(h * dh, dh).noalias() = dS * lc.k.middleCols(h * dh, dh);
            dk.middleCols(h * dh, dh).noalias() = dS.transpose() * lc.q.middleCols(h * dh, dh);
        }
        dx = du;
        linearBack(dq, lw.query, dx, true, pool);
        linearBack(dk, lw.key, dx, true, pool);
        linearBack(dv, lw.value, dx, true, pool);
    }
    g.embeddingGrad = layerNormBack(dx, w.embeddingNorm, embedNorm);
    return g;
}

}  // namespace bertlens
