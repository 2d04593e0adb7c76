// Attention flow (Abnar & Zuidema 2020): the attention graph read as a
// network of pipes. Node (l−1, j) feeds node (l, i) with capacity Ã_l[i][j]
// (Rollout.h); flow[i][j] is the maximum flow from input token j to token i
// after the last layer, computed exactly (Dinic's blocking flows) for every
// pair, the pairs shared among the OpenMP threads.
//
// MaxFlow is a plain single-use value; attentionFlow() is thread-safe (it
// reads the Analysis only) and checks its cancel flag and time limit between
// pairs, throwing Cancelled or InputError rather than running on.
#pragma once

#include "model/Analysis.h"

#include <atomic>
#include <vector>

namespace bertlens {

// A directed graph with real capacities and its maximum flow.
class MaxFlow {
public:
    explicit MaxFlow(int nodes);
    void addEdge(int from, int to, double capacity);
    // The value of a maximum s-t flow; residual capacities below 1e-13 count as saturated.
    double run(int source, int sink);

private:
    struct Edge {
        int to;
        int reverse;  // index of the paired edge in m_edges[to]
        double capacity;
    };
    bool levelGraph(int source, int sink);
    double push(int node, int sink, double limit);

    std::vector<std::vector<Edge>> m_edges;
    std::vector<int> m_level, m_next;
};

struct AttentionFlowOptions {
    const std::atomic<bool>* cancel = nullptr;
    double timeLimitSeconds = 0.0;  // 0 = no limit
};

struct AttentionFlowResult {
    std::vector<float> flow;        // [query][key]: max flow from input key to output query
    std::vector<float> normalized;  // the same, each row divided by its sum
};

AttentionFlowResult attentionFlow(const Analysis& analysis, const AttentionFlowOptions& options = {});

}  // namespace bertlens
