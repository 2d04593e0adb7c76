// The second-wave measures (rollout, flow, norms, saliency, head importance,
// layer predictions, ablation) against the float64 torch reference of
// tools/make_flow_fixtures.py (tests/fixtures/flow/*.json), on three shapes,
// both masks, a sentence pair and an ablated run; and the max-flow solver
// against a plain Edmonds-Karp written here.
#include "TestSupport.h"

#include "analysis/AnalyzeRequest.h"
#include "analysis/AttentionFlow.h"
#include "analysis/Rollout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <random>

namespace bertlens {
namespace {

// Worst error relative to the reference, with a floor of 1 % of the
// largest reference value so tiny entries do not dominate.
struct Relative {
    double worst = 0.0;
    void compare(const std::vector<float>& ours, const std::vector<double>& ref) {
        ASSERT_EQ(ours.size(), ref.size());
        double scale = 0.0;
        for (double v : ref) scale = std::max(scale, std::abs(v));
        for (size_t i = 0; i < ref.size(); ++i)
            worst = std::max(worst, std::abs(ours[i] - ref[i]) / std::max(std::abs(ref[i]), 0.01 * scale));
    }
};

std::vector<double> flatten(const nlohmann::json& j) {
    std::vector<double> out;
    if (j.is_array()) {
        for (const auto& v : j) {
            const auto inner = flatten(v);
            out.insert(out.end(), inner.begin(), inner.end());
        }
    } else {
        out.push_back(j.get<double>());
    }
    return out;
}

class MeasuresReference : public ::testing::TestWithParam<std::string> {};

TEST_P(MeasuresReference, MatchesFloat64Torch) {
    const auto model = Model::load(test::modelFixture(GetParam() + "-f32").string());
    Encoder encoder(model);
    const auto fixture = test::readJson(test::fixturesDir() / "flow" / (GetParam() + ".json"));
    Relative rollout, flow, norms;
    double saliencyError = 0.0, importanceError = 0.0, probabilityError = 0.0;
    for (const auto& c : fixture["cases"]) {
        SCOPED_TRACE(GetParam() + " " + c["name"].get<std::string>() + " " + c["mode"].get<std::string>());
        AnalyzeRequest rq;
        ASSERT_TRUE(parseMaskMode(c["mode"].get<std::string>(), rq.encoder.maskMode));
        for (const auto& h : c["ablate"]) rq.ablate.push_back({h[0].get<int>(), h[1].get<int>()});
        rq.rollout = rq.flow = rq.norms = rq.saliency = rq.headImportance = rq.layerPredictions = true;
        const auto& sal = c["saliency"];
        const bool hasMask = !c["layer_predictions"][0].empty() &&
                             std::count(c["ids"].begin(), c["ids"].end(), 4) > 0;
        if (!hasMask) rq.target = std::make_pair(sal["position"].get<int>(), sal["target"].get<int32_t>());
        const Measures m = runAnalysis(encoder, c["text"].get<std::string>(), rq);
        ASSERT_EQ(m.analysis.ids, c["ids"].get<std::vector<int32_t>>());

        rollout.compare(m.rollout, flatten(c["rollout"]));
        flow.compare(m.flow->flow, flatten(c["flow"]));
        norms.compare(m.norms, flatten(c["norms"]));

        ASSERT_TRUE(m.saliency);
        EXPECT_EQ(m.saliency->position, sal["position"].get<int>());
        EXPECT_EQ(m.saliency->target, sal["target"].get<int32_t>());
        saliencyError = std::max(saliencyError, std::abs(m.saliency->logProb - sal["log_prob"].get<double>()));
        const auto gxi = flatten(sal["grad_x_input"]), grad = flatten(sal["gradient"]);
        for (size_t i = 0; i < gxi.size(); ++i) {
            saliencyError = std::max(saliencyError, std::abs(m.saliency->gradXInput[i] - gxi[i]));
            saliencyError = std::max(saliencyError, std::abs(m.saliency->gradient[i] - grad[i]));
        }
        const auto importance = flatten(c["head_importance"]);
        const double scale = *std::max_element(importance.begin(), importance.end());
        for (size_t i = 0; i < importance.size(); ++i)
            importanceError = std::max(importanceError, std::abs(m.headImportance[i] - importance[i]) / scale);

        if (hasMask) {
            const auto& ref = c["layer_predictions"];
            ASSERT_EQ(m.layerPredictions.size(), ref.size());
            for (size_t l = 0; l < ref.size(); ++l) {
                ASSERT_EQ(m.layerPredictions[l].size(), ref[l].size());
                for (size_t p = 0; p < ref[l].size(); ++p) {
                    const auto& top = ref[l][p]["top"];
                    EXPECT_EQ(m.layerPredictions[l][p].position, ref[l][p]["position"].get<int>());
                    for (size_t k = 0; k < 5; ++k) {
                        // Rank k is only defined when it is clear of its neighbours.
                        if (top[k]["prob"].get<double>() - top[k + 1]["prob"].get<double>() < 1e-4) break;
                        EXPECT_EQ(m.layerPredictions[l][p].top[k].id, top[k]["id"].get<int32_t>())
                            << "layer " << l << " rank " << k;
                        probabilityError = std::max(probabilityError, std::abs(m.layerPredictions[l][p].top[k].probability -
                                                                               top[k]["prob"].get<double>()));
                    }
                }
            }
            // The last layer's table is the (ablated) model's own prediction.
            for (size_t k = 0; k < 5; ++k)
                EXPECT_EQ(m.analysis.predictions[0].top[k].id, m.layerPredictions.back()[0].top[k].id);
        }
    }
    std::cout << GetParam() << ": rollout " << rollout.worst << ", flow " << flow.worst << ", norms " << norms.worst
              << " (relative); saliency " << saliencyError << ", head importance " << importanceError
              << " (of the largest), probabilities " << probabilityError << "\n";
    EXPECT_LT(rollout.worst, 1e-5);
    EXPECT_LT(flow.worst, 1e-5);
    EXPECT_LT(norms.worst, 1e-5);
    EXPECT_LT(saliencyError, 1e-3);
    EXPECT_LT(importanceError, 1e-3);
    EXPECT_LT(probabilityError, 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Shapes, MeasuresReference, ::testing::Values("h12", "inter", "ownvocab"));

// Edmonds-Karp on a dense capacity matrix: the simplest correct max flow.
double edmondsKarp(std::vector<std::vector<double>> res, int s, int t) {
    const int n = static_cast<int>(res.size());
    double total = 0.0;
    for (;;) {
        std::vector<int> parent(static_cast<size_t>(n), -1);
        parent[static_cast<size_t>(s)] = s;
        std::deque<int> queue{s};
        while (!queue.empty() && parent[static_cast<size_t>(t)] < 0) {
            const int u = queue.front();
            queue.pop_front();
            for (int v = 0; v < n; ++v) {
                if (parent[static_cast<size_t>(v)] < 0 && res[u][v] > 1e-15) {
                    parent[static_cast<size_t>(v)] = u;
                    queue.push_back(v);
                }
            }
        }
        if (parent[static_cast<size_t>(t)] < 0) return total;
        double b = 1e300;
        for (int v = t; v != s; v = parent[static_cast<size_t>(v)]) b = std::min(b, res[parent[v]][v]);
        for (int v = t; v != s; v = parent[static_cast<size_t>(v)]) {
            res[parent[v]][v] -= b;
            res[v][parent[v]] += b;
        }
        total += b;
    }
}

TEST(MaxFlow, AgreesWithEdmondsKarpOnRandomGraphs) {
    std::mt19937 rng(14);
    std::uniform_real_distribution<double> capacity(0.0, 1.0);
    std::bernoulli_distribution present(0.4);
    for (int trial = 0; trial < 300; ++trial) {
        const int n = 2 + trial % 9;
        std::vector<std::vector<double>> cap(static_cast<size_t>(n), std::vector<double>(static_cast<size_t>(n), 0.0));
        MaxFlow graph(n);
        for (int u = 0; u < n; ++u) {
            for (int v = 0; v < n; ++v) {
                if (u != v && present(rng)) {
                    cap[u][v] = capacity(rng);
                    graph.addEdge(u, v, cap[u][v]);
                }
            }
        }
        EXPECT_NEAR(graph.run(0, n - 1), edmondsKarp(cap, 0, n - 1), 1e-12) << "trial " << trial;
    }
}

TEST(MaxFlow, AttentionFlowAgreesWithEdmondsKarpOnItsLayeredGraph) {
    // A random "analysis" of 3 layers, 2 heads, 5 tokens with causal-like zeros.
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    Analysis a;
    a.layers = 3, a.heads = 2, a.tokenCount = 5;
    const int n = 5;
    a.attentions.resize(static_cast<size_t>(a.layers * a.heads * n * n));
    for (int lh = 0; lh < a.layers * a.heads; ++lh) {
        for (int i = 0; i < n; ++i) {
            float sum = 0.0f;
            float* row = a.attentions.data() + (static_cast<size_t>(lh) * n + i) * n;
            for (int j = 0; j < n; ++j) sum += row[j] = (j <= i || lh % 2) ? u(rng) : 0.0f;
            for (int j = 0; j < n; ++j) row[j] /= sum;
        }
    }
    const AttentionFlowResult r = attentionFlow(a);
    const int nodes = (a.layers + 1) * n;
    std::vector<std::vector<double>> cap(static_cast<size_t>(nodes), std::vector<double>(static_cast<size_t>(nodes), 0.0));
    for (int l = 0; l < a.layers; ++l) {
        const std::vector<double> t = residualAttention(a, l);
        for (int i = 0; i < n; ++i) {
            double rowSum = 0.0;
            for (int j = 0; j < n; ++j) {
                cap[l * n + j][(l + 1) * n + i] = t[static_cast<size_t>(i * n + j)];
                rowSum += t[static_cast<size_t>(i * n + j)];
            }
            EXPECT_NEAR(rowSum, 1.0, 1e-12);
        }
    }
    for (int i = 0; i < n; ++i) {
        double sum = 0.0;
        for (int j = 0; j < n; ++j) {
            EXPECT_NEAR(r.flow[static_cast<size_t>(i * n + j)], edmondsKarp(cap, j, a.layers * n + i), 1e-6);
            sum += r.normalized[static_cast<size_t>(i * n + j)];
        }
        EXPECT_NEAR(sum, 1.0, 1e-6);
    }
}

TEST(MeasuresRequest, OutOfRangeHeadsAndTargetsAreRequestErrors) {
    const auto model = Model::load(test::modelFixture("h12-f32").string());
    Encoder encoder(model);
    AnalyzeRequest rq;
    rq.ablate = {{2, 0}};
    EXPECT_THROW(runAnalysis(encoder, "the cat [MASK] .", rq), RequestError);
    rq.ablate = {{0, 12}};
    EXPECT_THROW(runAnalysis(encoder, "the cat [MASK] .", rq), RequestError);
    rq.ablate.clear();
    rq.saliency = true;
    rq.target = std::make_pair(6, 5);
    EXPECT_THROW(runAnalysis(encoder, "the cat [MASK] .", rq), RequestError);
    rq.target = std::make_pair(1, 120);
    EXPECT_THROW(runAnalysis(encoder, "the cat [MASK] .", rq), RequestError);
    rq.target.reset();
    EXPECT_THROW(runAnalysis(encoder, "the cat sat .", rq), RequestError);  // no [MASK] to explain
    // Every head off is allowed: the layers then pass only the residual.
    for (int l = 0; l < 2; ++l)
        for (int h = 0; h < 12; ++h) rq.ablate.push_back({l, h});
    const Measures m = runAnalysis(encoder, "the cat [MASK] .", rq);
    for (float v : m.headImportance) EXPECT_TRUE(std::isfinite(v));
}

}  // namespace
}  // namespace bertlens
