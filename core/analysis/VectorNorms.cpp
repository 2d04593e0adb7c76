#include "analysis/VectorNorms.h"

#include <cmath>

namespace bertlens {

std::vector<float> attentionNorms(const Model& model, const Analysis& a) {
    const ModelConfig& c = model.config();
    const int n = a.tokenCount, d = c.hidden, dh = c.headDim();
    const size_t nn = static_cast<size_t>(n) * n;
    std::vector<float> out(static_cast<size_t>(a.layers) * a.heads * nn);
    Eigen::VectorXd norm(n);
    for (int l = 0; l < a.layers; ++l) {
        const EncoderLayerWeights& w = model.weights().layers[static_cast<size_t>(l)];
        const ConstRowMatrixMap wv(w.value.weight, d, d);
        const ConstRowMatrixMap wo(w.attentionOut.weight, d, d);
        // The forward pass's own value vectors when it kept them.
        const bool kept = a.values.size() == static_cast<size_t>(a.layers) * n * d;
        const RowMatrix values =
            kept ? RowMatrix(ConstRowMatrixMap(a.values.data() + static_cast<size_t>(l) * n * d, n, d))
                 : RowMatrix((a.hiddenState(l) * wv.transpose()).rowwise() + ConstRowVectorMap(w.value.bias, d));
        for (int h = 0; h < a.heads; ++h) {
            // ‖v W_O^hᵀ‖: for short texts the n vectors of hidden size
            // directly; past head-size tokens through G = W_O^hᵀ W_O^h
            // (dh x dh), ‖v W_O^hᵀ‖² = v G vᵀ, which costs d·dh² once
            // instead of n·dh·d. Float products, double sums of squares.
            const auto woh = wo.middleCols(h * dh, dh);
            const auto vh = values.middleCols(h * dh, dh);
            if (n <= dh) {
                const RowMatrix moved = vh * woh.transpose();
                norm = moved.cast<double>().rowwise().norm();
            } else {
                const Eigen::MatrixXf gram = woh.transpose() * woh;
                norm = ((vh * gram).cast<double>().array() * vh.cast<double>().array())
                           .rowwise()
                           .sum()
                           .max(0.0)
                           .sqrt();
            }
            const auto att = a.attention(l, h);
            float* dst = out.data() + (static_cast<size_t>(l) * a.heads + h) * nn;
            for (int i = 0; i < n; ++i) {
                for (int j = 0; j < n; ++j) dst[static_cast<size_t>(i) * n + j] = static_cast<float>(att(i, j) * norm[j]);
            }
        }
    }
    return out;
}

}  // namespace bertlens
