#include "analysis/AttentionFlow.h"

#include "Errors.h"
#include "analysis/Rollout.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <queue>
#include <sstream>

namespace bertlens {

namespace {
constexpr double kSaturated = 1e-13;
}

MaxFlow::MaxFlow(int nodes) : m_edges(static_cast<size_t>(nodes)) {}

void MaxFlow::addEdge(int from, int to, double capacity) {
    if (capacity <= 0.0) return;  // an absent pipe (a masked key)
    auto& out = m_edges[static_cast<size_t>(from)];
    auto& in = m_edges[static_cast<size_t>(to)];
    out.push_back({to, static_cast<int>(in.size()) + (from == to ? 1 : 0), capacity});
    in.push_back({from, static_cast<int>(out.size()) - 1, 0.0});
}

bool MaxFlow::levelGraph(int source, int sink) {
    std::fill(m_level.begin(), m_level.end(), -1);
    std::queue<int> queue;
    m_level[static_cast<size_t>(source)] = 0;
    queue.push(source);
    while (!queue.empty()) {
        const int u = queue.front();
        queue.pop();
        for (const Edge& e : m_edges[static_cast<size_t>(u)]) {
            if (e.capacity > kSaturated && m_level[static_cast<size_t>(e.to)] < 0) {
                m_level[static_cast<size_t>(e.to)] = m_level[static_cast<size_t>(u)] + 1;
                queue.push(e.to);
            }
        }
    }
    return m_level[static_cast<size_t>(sink)] >= 0;
}

double MaxFlow::push(int u, int sink, double limit) {
    if (u == sink) return limit;
    auto& edges = m_edges[static_cast<size_t>(u)];
    for (int& i = m_next[static_cast<size_t>(u)]; i < static_cast<int>(edges.size()); ++i) {
        Edge& e = edges[static_cast<size_t>(i)];
        if (e.capacity <= kSaturated || m_level[static_cast<size_t>(e.to)] != m_level[static_cast<size_t>(u)] + 1)
            continue;
        const double pushed = push(e.to, sink, std::min(limit, e.capacity));
        if (pushed > 0.0) {
            e.capacity -= pushed;
            m_edges[static_cast<size_t>(e.to)][static_cast<size_t>(e.reverse)].capacity += pushed;
            return pushed;
        }
    }
    return 0.0;
}

double MaxFlow::run(int source, int sink) {
    if (source == sink) return 0.0;
    m_level.assign(m_edges.size(), -1);
    double total = 0.0;
    while (levelGraph(source, sink)) {
        m_next.assign(m_edges.size(), 0);
        while (const double pushed = push(source, sink, std::numeric_limits<double>::infinity())) total += pushed;
    }
    return total;
}

AttentionFlowResult attentionFlow(const Analysis& a, const AttentionFlowOptions& options) {
    const int n = a.tokenCount;
    const int layers = a.layers;
    const size_t nn = static_cast<size_t>(n) * n;
    std::vector<std::vector<double>> tilde;
    for (int l = 0; l < layers; ++l) tilde.push_back(residualAttention(a, l));
    const auto cap = [&](int layer, int query, int key) { return tilde[static_cast<size_t>(layer)][query * n + key]; };

    AttentionFlowResult r;
    r.flow.assign(nn, 0.0f);
    const auto start = std::chrono::steady_clock::now();
    std::atomic<int> stop{0};  // 1 cancelled, 2 over the time limit
    // Only output token i and input token j of the first and last layers
    // carry flow between them, so each pair's graph has L − 1 full layers
    // between a single source and a single sink.
#pragma omp parallel for schedule(dynamic, 1) collapse(2)
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) {
            if (stop.load(std::memory_order_relaxed)) continue;
            if (options.cancel && options.cancel->load(std::memory_order_relaxed)) {
                stop = 1;
                continue;
            }
            if (options.timeLimitSeconds > 0.0 &&
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >
                    options.timeLimitSeconds) {
                stop = 2;
                continue;
            }
            if (layers == 1) {
                r.flow[static_cast<size_t>(i) * n + j] = static_cast<float>(cap(0, i, j));
                continue;
            }
            const int middle = (layers - 1) * n;
            const int source = middle, sink = middle + 1;
            const auto node = [n](int layer, int token) { return (layer - 1) * n + token; };  // layer 1..L-1
            MaxFlow graph(middle + 2);
            for (int k = 0; k < n; ++k) graph.addEdge(source, node(1, k), cap(0, k, j));
            for (int l = 2; l < layers; ++l) {
                for (int q = 0; q < n; ++q) {
                    for (int k = 0; k < n; ++k) graph.addEdge(node(l - 1, k), node(l, q), cap(l - 1, q, k));
                }
            }
            for (int k = 0; k < n; ++k) graph.addEdge(node(layers - 1, k), sink, cap(layers - 1, i, k));
            r.flow[static_cast<size_t>(i) * n + j] = static_cast<float>(graph.run(source, sink));
        }
    }
    if (stop == 1) throw Cancelled();
    if (stop == 2) {
        std::ostringstream s;
        s << "attention flow on " << n << " tokens and " << layers << " layers needs more than the "
          << options.timeLimitSeconds << " s allowed (it solves " << nn << " maximum flows); shorten the text";
        throw InputError(s.str());
    }
    r.normalized = r.flow;
    for (int i = 0; i < n; ++i) {
        double sum = 0.0;
        for (int j = 0; j < n; ++j) sum += r.flow[static_cast<size_t>(i) * n + j];
        if (sum > 0.0) {
            for (int j = 0; j < n; ++j) r.normalized[static_cast<size_t>(i) * n + j] =
                static_cast<float>(r.flow[static_cast<size_t>(i) * n + j] / sum);
        }
    }
    return r;
}

}  // namespace bertlens
