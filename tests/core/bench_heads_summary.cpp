// bench_heads_summary: what one sentence's head summary costs (the Heads
// view's numbers in the README and the inline bounds in HeadsView.cpp).
// Attention rows are random softmax rows of a bert-base shape (12 x 12
// heads): the accumulator's work depends on the shape only, not on the
// weights, so no forward pass is timed here. Prints the medians (ms) of the
// statistics alone and of the statistics with the Jensen–Shannon distances
// of every pair of heads, at each token count.
//
//   build/tests/bench_heads_summary [--layers 12] [--heads 12] [--lengths 32,128] [--repeats 5]
//
// Run by hand (not a ctest test: times are not checked).
#include "analysis/HeadSummary.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace bertlens;

namespace {

std::vector<int> parseList(const char* text) {
    std::vector<int> out;
    for (const char* p = text; *p;) {
        char* end = nullptr;
        const long v = std::strtol(p, &end, 10);
        if (end == p || v <= 0) break;
        out.push_back(static_cast<int>(v));
        p = *end == ',' ? end + 1 : end;
    }
    return out;
}

double medianMs(int repeats, int layers, int heads, const std::vector<float>& attention, int n, const KeyRoles& roles,
                bool withDistances) {
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
        HeadSummaryAccumulator acc(layers, heads, withDistances);
        const auto start = std::chrono::steady_clock::now();
        acc.add(attention.data(), n, roles, MaskMode::Bidirectional);
        if (acc.statistics().empty()) std::abort();  // keeps the work from being optimised away
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    int layers = 12, heads = 12, repeats = 5;
    std::vector<int> lengths = {32, 128};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--layers"))
            layers = std::max(1, std::atoi(argv[i + 1]));
        else if (!std::strcmp(argv[i], "--heads"))
            heads = std::max(1, std::atoi(argv[i + 1]));
        else if (!std::strcmp(argv[i], "--repeats"))
            repeats = std::max(1, std::atoi(argv[i + 1]));
        else if (!std::strcmp(argv[i], "--lengths"))
            lengths = parseList(argv[i + 1]);
        else {
            std::fprintf(stderr,
                         "usage: bench_heads_summary [--layers L] [--heads H] [--lengths N,...] [--repeats R]\n");
            return 2;
        }
    }
    std::mt19937 random(1);
    std::normal_distribution<float> score(0.0f, 2.0f);
    std::printf("{\"layers\": %d, \"heads\": %d, \"repeats\": %d, \"results\": [", layers, heads, repeats);
    for (size_t k = 0; k < lengths.size(); ++k) {
        const int n = lengths[k];
        std::vector<float> attention(static_cast<size_t>(layers) * heads * n * n);
        for (size_t row = 0; row < attention.size() / size_t(n); ++row) {
            float* a = attention.data() + row * size_t(n);
            float sum = 0.0f;
            for (int j = 0; j < n; ++j) sum += (a[j] = std::exp(score(random)));
            for (int j = 0; j < n; ++j) a[j] /= sum;
        }
        KeyRoles roles;
        roles.cls.assign(size_t(n), 0), roles.sep.assign(size_t(n), 0), roles.punctuation.assign(size_t(n), 0);
        roles.cls.front() = 1, roles.sep.back() = 1;
        const double statistics = medianMs(repeats, layers, heads, attention, n, roles, false);
        const double withMap = medianMs(repeats, layers, heads, attention, n, roles, true);
        std::printf("%s{\"n\": %d, \"statistics_ms\": %.2f, \"with_distances_ms\": %.1f}", k ? ", " : "", n, statistics,
                    withMap);
        std::fflush(stdout);
    }
    std::printf("]}\n");
    return 0;
}
