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

double medianMs(int repeats, const std::function<void()>& run) {
    run();  // warm: caches, scratch buffers, page faults
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
        const auto t = std::chrono::steady_clock::now();
        run();
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
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
    const double forward = medianMs(repeats, [&] { a = encoder.forward(masked, types, keep, {position}); });
    std::vector<std::pair<std::string, double>> rows;
    rows.push_back({"rollout", medianMs(repeats, [&] { attentionRollout(a); })});
    rows.push_back({"norms", medianMs(repeats, [&] { attentionNorms(model, a); })});
    if (model.hasMlmHead() && !a.predictions.empty()) {
        GradientRequest g;
        g.ids = masked;
        g.typeIds = types;
        g.fromPosition = a.predictions.front().fromPosition;
        g.target = a.predictions.front().top.front().id;
        rows.push_back({"saliency", medianMs(repeats, [&] { gradientsOf(model, g); })});
        rows.push_back({"layer_predictions", medianMs(repeats, [&] { layerPredictions(model, a, 5); })});
    }
    if (n <= 32) rows.push_back({"flow", medianMs(std::max(1, repeats / 4), [&] { attentionFlow(a, {}); })});
    out << ",\"measures\":{\"forward_ms\":" << forward;
    for (const auto& [name, ms] : rows) {
        out << ",\"" << name << "_ms\":" << ms << ",\"" << name << "_x_forward\":" << ms / forward;
    }
    out << '}';
}

}  // namespace bertlens::cli
