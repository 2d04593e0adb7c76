#include "cli/BenchMeasures.h"

#include "analysis/AttentionFlow.h"
#include "analysis/Gradients.h"
#include "analysis/LayerPredictions.h"
#include "analysis/Rollout.h"
#include "analysis/VectorNorms.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <utility>

namespace bertlens::cli {
namespace {

double msOf(const std::function<void()>& run) {
    const auto t = std::chrono::steady_clock::now();
    run();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double medianMs(int repeats, const std::function<void()>& run) {
    run();  // warm: caches, scratch buffers, page faults
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) times.push_back(msOf(run));
    return median(times);
}

struct Cost {
    double ms = 0.0;
    double xForward = 0.0;
};

// A measure's cost beside the forward pass, each of its runs paired with a
// forward run just before it: the ratio is the median of the pairs'
// ratios, so a machine that is busy for a while slows both sides of a pair
// (medians of the two taken apart moved by 2x between rounds here).
Cost pairedCost(int repeats, const std::function<void()>& forward, const std::function<void()>& run) {
    run();
    std::vector<double> times, ratios;
    for (int r = 0; r < repeats; ++r) {
        const double f = msOf(forward);
        times.push_back(msOf(run));
        ratios.push_back(times.back() / f);
    }
    return {median(times), median(ratios)};
}

}  // namespace

void benchMeasures(Encoder& encoder, const std::vector<int32_t>& ids, int repeats, std::ostream& out) {
    const Model& model = encoder.model();
    std::vector<int32_t> masked = ids;
    const int n = static_cast<int>(ids.size());
    const int position = n - 1;
    if (model.vocab().maskId() >= 0) masked[static_cast<size_t>(position)] = model.vocab().maskId();
    const std::vector<int32_t> types(ids.size(), 0);
    Analysis a;
    AnalyzeOptions keep;
    keep.keepValues = true;  // as the window and analyze --norms run it
    const auto forwardRun = [&] { a = encoder.forward(masked, types, keep, {position}); };
    const double forward = medianMs(repeats, forwardRun);
    std::vector<std::pair<std::string, Cost>> rows;
    // Measures read `a`; the paired forward runs rewrite it with the same result.
    rows.push_back({"rollout", pairedCost(repeats, forwardRun, [&] { attentionRollout(a); })});
    rows.push_back({"norms", pairedCost(repeats, forwardRun, [&] { attentionNorms(model, a); })});
    if (model.hasMlmHead() && !a.predictions.empty()) {
        GradientRequest g;
        g.ids = masked;
        g.typeIds = types;
        g.fromPosition = a.predictions.front().fromPosition;
        g.target = a.predictions.front().top.front().id;
        rows.push_back({"saliency", pairedCost(repeats, forwardRun, [&] { gradientsOf(model, g); })});
        rows.push_back({"layer_predictions", pairedCost(repeats, forwardRun, [&] { layerPredictions(model, a, 5); })});
    }
    if (n <= 32) {
        rows.push_back({"flow", pairedCost(std::max(1, repeats / 4), forwardRun, [&] { attentionFlow(a, {}); })});
    }
    out << ",\"measures\":{\"forward_ms\":" << forward;
    for (const auto& [name, cost] : rows) {
        out << ",\"" << name << "_ms\":" << cost.ms << ",\"" << name << "_x_forward\":" << cost.xForward;
    }
    out << '}';
}

}  // namespace bertlens::cli
