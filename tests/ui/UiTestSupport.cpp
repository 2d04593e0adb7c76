#include "UiTestSupport.h"

#include "model/Encoder.h"

#include <cmath>
#include <limits>

namespace bertlens::test {

QString fixtureModel(const char* name) {
    return QStringLiteral(BERTLENS_FIXTURES "/models/") + QLatin1String(name);
}

Analysis engineAnalysis(const std::shared_ptr<const Model>& model, const std::string& text, MaskMode mode) {
    Encoder encoder(model);
    AnalyzeOptions options;
    options.maskMode = mode;
    options.topK = 10;
    return encoder.analyze(text, options);
}

double maxAttentionDifference(const Analysis& a, const Analysis& b) {
    if (a.layers != b.layers || a.heads != b.heads || a.tokenCount != b.tokenCount ||
        a.attentions.size() != b.attentions.size()) {
        return std::numeric_limits<double>::infinity();
    }
    double worst = 0.0;
    for (size_t i = 0; i < a.attentions.size(); ++i) {
        worst = std::max(worst, std::abs(static_cast<double>(a.attentions[i]) - b.attentions[i]));
    }
    return worst;
}

}  // namespace bertlens::test
