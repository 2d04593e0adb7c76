#include "analysis/HeadSummary.h"

#include "Errors.h"
#include "tokenizer/Unicode.h"

#include <utf8proc.h>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bertlens {
namespace {

// x ln x with 0 ln 0 = 0.
double xLogX(double x) {
    return x > 0.0 ? x * std::log(x) : 0.0;
}

// Σ_j m_j ln m_j with m = (p + q)/2, in double, a block of keys at a time
// (Eigen's vectorised logarithm: this is most of a summary's time). A zero
// m_j counts 0: it is raised to a tiny number whose log is finite.
double meanXLogMean(const float* p, const float* q, int n) {
    constexpr int kBlock = 256;
    using Block = Eigen::Array<double, Eigen::Dynamic, 1, 0, kBlock, 1>;
    double sum = 0.0;
    for (int j = 0; j < n; j += kBlock) {
        const int len = std::min(kBlock, n - j);
        const Eigen::Map<const Eigen::ArrayXf> a(p + j, len), b(q + j, len);
        const Block m = 0.5 * (a.cast<double>() + b.cast<double>());
        const Block logM = m.max(1e-300).log();
        sum += (m * logM).sum();
    }
    return sum;
}

size_t pairCount(int heads) {
    return static_cast<size_t>(heads) * (heads - 1) / 2;
}

}  // namespace

bool isAllPunctuation(const std::string& utf8) {
    if (utf8.empty() || !unicode::isValidUtf8(utf8)) return false;
    for (const char32_t cp : unicode::decodeUtf8(utf8).codePoints) {
        const auto c = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
        if (c < UTF8PROC_CATEGORY_PC || c > UTF8PROC_CATEGORY_PO) return false;
    }
    return true;
}

KeyRoles keyRoles(const std::vector<Token>& tokens) {
    KeyRoles r;
    for (const Token& t : tokens) {
        r.cls.push_back(t.text == "[CLS]");
        r.sep.push_back(t.text == "[SEP]");
        r.punctuation.push_back(isAllPunctuation(t.text));
    }
    return r;
}

double jsDivergence(const float* p, const float* q, int n) {
    double sum = 0.0;
    for (int j = 0; j < n; ++j) {
        const double a = p[j], b = q[j], m = 0.5 * (a + b);
        if (m <= 0.0) continue;
        const double lm = std::log(m);
        if (a > 0.0) sum += a * (std::log(a) - lm);
        if (b > 0.0) sum += b * (std::log(b) - lm);
    }
    return std::max(0.0, 0.5 * sum);
}

HeadSummaryAccumulator::HeadSummaryAccumulator(int layers, int heads, bool withDistances)
    : m_layers(layers),
      m_heads(heads),
      m_withDistances(withDistances),
      m_sums(static_cast<size_t>(layers) * heads),
      m_jsSums(withDistances ? pairCount(layers * heads) : 0, 0.0) {}

void HeadSummaryAccumulator::add(const Analysis& a) {
    if (a.layers != m_layers || a.heads != m_heads) {
        throw std::invalid_argument("HeadSummaryAccumulator: an analysis of another model shape");
    }
    add(a.attentions.data(), a.tokenCount, keyRoles(a.tokens), a.maskMode);
}

void HeadSummaryAccumulator::add(const float* att, int n, const KeyRoles& roles, MaskMode mask,
                                 const std::atomic<bool>* cancel) {
    if (static_cast<int>(roles.cls.size()) != n) {
        throw std::invalid_argument("HeadSummaryAccumulator: one role per token is needed");
    }
    auto cancelled = [cancel] { return cancel && cancel->load(std::memory_order_relaxed); };
    // This sentence's sums go into buffers of their own and are added only
    // once it is complete, so a cancelled call changes nothing.
    const size_t nn = static_cast<size_t>(n) * n;
    const int all = m_layers * m_heads;
    std::vector<HeadStatistics> sums(static_cast<size_t>(all));
    // Σ_j a_ij ln a_ij of every head's row i, which the distances reuse.
    std::vector<double> rowXLogX(m_withDistances ? static_cast<size_t>(all) * n : 0);
    for (int k = 0; k < all; ++k) {
        if (cancelled()) throw Cancelled();
        HeadStatistics& s = sums[static_cast<size_t>(k)];
        const float* map = att + static_cast<size_t>(k) * nn;
        for (int i = 0; i < n; ++i) {
            const float* row = map + static_cast<size_t>(i) * n;
            const int first = firstVisible(mask, i), end = endVisible(mask, i, n);
            double rowSum = 0.0;
            for (int j = first; j < end; ++j) {
                const double w = row[j];
                rowSum += xLogX(w);
                s.distance += w * std::abs(i - j);
                if (roles.cls[j]) s.toCls += w;
                if (roles.sep[j]) s.toSep += w;
                if (roles.punctuation[j]) s.toPunctuation += w;
                if (j == i) s.toSelf += w;
                if (j == i - 1) s.toPrevious += w;
                if (j == i + 1) s.toNext += w;
            }
            s.entropy -= rowSum;
            if (m_withDistances) rowXLogX[static_cast<size_t>(k) * n + i] = rowSum;
        }
    }
    std::vector<double> js(m_withDistances ? m_jsSums.size() : 0, 0.0);
    if (m_withDistances) {
        // Pair (a, b), a < b, lives at a·all − a(a+1)/2 + (b − a − 1). Threads
        // only pay for themselves on big maps (bert-base); small ones run alone.
        const bool parallel = static_cast<double>(pairCount(all)) * n * n > 2e6;
#pragma omp parallel for schedule(dynamic) if (parallel)
        for (int x = 0; x < all; ++x) {
            if (cancelled()) continue;  // no throwing out of a parallel loop
            const size_t base = static_cast<size_t>(x) * all - static_cast<size_t>(x) * (x + 1) / 2;
            for (int y = x + 1; y < all; ++y) {
                double sum = 0.0;
                for (int i = 0; i < n; ++i) {
                    // Both rows see the same keys: the mask is the sentence's.
                    const int first = firstVisible(mask, i), end = endVisible(mask, i, n);
                    const size_t off = static_cast<size_t>(i) * n + first;
                    // JS(p, q) = ½(Σ p ln p + Σ q ln q) − Σ m ln m, m = (p + q)/2: one
                    // logarithm per key instead of jsDivergence's three.
                    const double half =
                        0.5 * (rowXLogX[static_cast<size_t>(x) * n + i] + rowXLogX[static_cast<size_t>(y) * n + i]);
                    const double js = half - meanXLogMean(att + x * nn + off, att + y * nn + off, end - first);
                    sum += std::sqrt(std::max(0.0, js));
                }
                js[base + static_cast<size_t>(y - x - 1)] = sum;
            }
        }
        if (cancelled()) throw Cancelled();
    }
    for (size_t k = 0; k < sums.size(); ++k) {
        HeadStatistics& t = m_sums[k];
        const HeadStatistics& s = sums[k];
        t.entropy += s.entropy;
        t.distance += s.distance;
        t.toCls += s.toCls;
        t.toSep += s.toSep;
        t.toPunctuation += s.toPunctuation;
        t.toSelf += s.toSelf;
        t.toPrevious += s.toPrevious;
        t.toNext += s.toNext;
    }
    for (size_t k = 0; k < js.size(); ++k) m_jsSums[k] += js[k];
    ++m_sentences;
    m_queryTokens += n;
}

std::vector<HeadStatistics> HeadSummaryAccumulator::statistics() const {
    std::vector<HeadStatistics> out = m_sums;
    if (m_queryTokens == 0) return out;
    const double k = 1.0 / static_cast<double>(m_queryTokens);
    for (HeadStatistics& s : out) {
        for (double* v :
             {&s.entropy, &s.distance, &s.toCls, &s.toSep, &s.toPunctuation, &s.toSelf, &s.toPrevious, &s.toNext}) {
            *v *= k;
        }
    }
    return out;
}

Eigen::MatrixXd HeadSummaryAccumulator::jsDistances() const {
    const int all = m_layers * m_heads;
    Eigen::MatrixXd d = Eigen::MatrixXd::Zero(all, all);
    if (!m_withDistances || m_queryTokens == 0) return d;
    size_t at = 0;
    for (int x = 0; x < all; ++x) {
        for (int y = x + 1; y < all; ++y) {
            d(x, y) = d(y, x) = m_jsSums[at++] / static_cast<double>(m_queryTokens);
        }
    }
    return d;
}

std::vector<std::array<double, 2>> classicalMds(const Eigen::MatrixXd& distances) {
    const Eigen::Index n = distances.rows();
    std::vector<std::array<double, 2>> out(static_cast<size_t>(n), {0.0, 0.0});
    if (n < 2) return out;
    const Eigen::MatrixXd d2 = distances.array().square().matrix();
    const Eigen::MatrixXd j =
        Eigen::MatrixXd::Identity(n, n) - Eigen::MatrixXd::Constant(n, n, 1.0 / static_cast<double>(n));
    const Eigen::MatrixXd b = -0.5 * j * d2 * j;
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(b);
    // Eigenvalues come in increasing order: the last two are the largest.
    for (int axis = 0; axis < 2 && axis < n; ++axis) {
        const Eigen::Index k = n - 1 - axis;
        const double scale = std::sqrt(std::max(0.0, solver.eigenvalues()(k)));
        Eigen::VectorXd v = solver.eigenvectors().col(k) * scale;
        Eigen::Index biggest = 0;
        for (Eigen::Index i = 1; i < n; ++i) {
            if (std::abs(v(i)) > std::abs(v(biggest)) + 1e-12) biggest = i;
        }
        if (v(biggest) < 0) v = -v;
        for (Eigen::Index i = 0; i < n; ++i) out[static_cast<size_t>(i)][static_cast<size_t>(axis)] = v(i);
    }
    return out;
}

}  // namespace bertlens
