// What each head looks at (Clark et al. 2019, "What does BERT look at?"):
// per layer and head, averaged over query tokens, the entropy of the
// attention row, the mean attention distance, and how much attention goes to
// [CLS], [SEP], punctuation, the token itself, the previous and the next
// token; and the Jensen–Shannon distance between every pair of heads with a
// 2-D layout of the heads by classical multidimensional scaling.
//
//   HeadSummaryAccumulator acc(layers, heads, /*withDistances=*/true);
//   for (each sentence) acc.add(encoder.analyze(sentence, options));
//   std::vector<HeadStatistics> s = acc.statistics();
//
// The accumulator keeps sums and counts only, so a corpus of any length runs
// in constant memory. Only the keys the row's mask lets it see count: under
// the causal mask row i sees keys 0..i, so its next-token weight is 0. One
// accumulator belongs to one thread at a time; the free functions are pure.
#pragma once

#include "model/Analysis.h"

#include <Eigen/Core>

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace bertlens {

struct HeadStatistics {
    double entropy = 0.0;        // −Σ_j a_ij ln a_ij, nats
    double distance = 0.0;       // Σ_j a_ij |i − j|, in tokens
    double toCls = 0.0;          // Σ over keys that are [CLS]
    double toSep = 0.0;          // Σ over keys that are [SEP]
    double toPunctuation = 0.0;  // Σ over keys whose characters are all Unicode punctuation (P*)
    double toSelf = 0.0;         // a_ii
    double toPrevious = 0.0;     // a_i,i−1 (0 for the first token)
    double toNext = 0.0;         // a_i,i+1 (0 for the last token, and under the causal mask)
};

// What each key token is, for the statistics above.
struct KeyRoles {
    std::vector<char> cls, sep, punctuation;  // one flag per token
};
KeyRoles keyRoles(const std::vector<Token>& tokens);
// True when the text is not empty and every code point is in a Unicode
// punctuation category (Pc, Pd, Ps, Pe, Pi, Pf, Po).
bool isAllPunctuation(const std::string& utf8);

class HeadSummaryAccumulator {
public:
    HeadSummaryAccumulator(int layers, int heads, bool withDistances);

    // One sentence: its attentions, its tokens' roles and its mask.
    void add(const Analysis& analysis);
    // The same from plain inputs: attentions [layers][heads][n][n].
    // cancel, when given, is polled once per head: a raised flag throws
    // Cancelled and leaves the accumulator as it was before the call (the
    // window drops a sentence's Jensen–Shannon distances, seconds of work for
    // bert-base at 512 tokens, as soon as a newer text arrives).
    void add(const float* attentions, int tokenCount, const KeyRoles& roles, MaskMode mask,
             const std::atomic<bool>* cancel = nullptr);

    int layers() const { return m_layers; }
    int heads() const { return m_heads; }
    int64_t sentences() const { return m_sentences; }
    int64_t queryTokens() const { return m_queryTokens; }
    bool withDistances() const { return m_withDistances; }

    // Means over every query token added so far; [layer * heads + head].
    std::vector<HeadStatistics> statistics() const;
    // Mean over query tokens of the JS distance (√ of the JS divergence, ln)
    // between two heads' rows; [L·H][L·H], symmetric, zero diagonal.
    Eigen::MatrixXd jsDistances() const;

private:
    int m_layers, m_heads;
    bool m_withDistances;
    int64_t m_sentences = 0;
    int64_t m_queryTokens = 0;
    std::vector<HeadStatistics> m_sums;
    std::vector<double> m_jsSums;  // upper triangle, row by row
};

// Jensen–Shannon divergence (natural log) of two distributions of n values.
double jsDivergence(const float* p, const float* q, int n);

// Classical MDS: B = −½ J D² J, the top two eigenvectors scaled by the square
// root of their eigenvalues (0 when an eigenvalue is negative). Each axis is
// signed so that its largest-magnitude coordinate (first on ties) is positive.
std::vector<std::array<double, 2>> classicalMds(const Eigen::MatrixXd& distances);

}  // namespace bertlens
