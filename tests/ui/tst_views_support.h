// Shared by the part-B Qt tests (views and export): analysis results built
// straight from the engine, the way the window's worker builds them, so the
// tests compare what views and files hold against the engine's own numbers.
#pragma once

#include "AnalysisResult.h"
#include "UiTestSupport.h"

#include "model/Encoder.h"

#include <memory>
#include <string>
#include <vector>

namespace bertlens::test {

inline std::shared_ptr<const Model> fixture(const char* name = "h12-f32") {
    return Model::load(fixtureModel(name).toStdString());
}

// Both mask modes for text; the tokens at maskPositions are turned into
// [MASK] as a click in the token strip would (their words kept as the
// originals), and predictions are made at every [MASK].
inline ui::AnalysisResultPtr makeResult(const std::shared_ptr<const Model>& model, const std::string& text,
                                        const std::vector<int>& maskPositions = {}) {
    Encoding e = model->tokenizer().encode(text);
    auto r = std::make_shared<ui::AnalysisResult>();
    r->modelName = QStringLiteral("h12-f32");
    r->model = model;
    r->text = text;
    const int32_t maskId = model->vocab().maskId();
    for (int p : maskPositions) {
        r->userMasked.push_back(p);
        r->userMaskedOriginal.push_back(e.tokens[static_cast<size_t>(p)].text);
        e.ids[static_cast<size_t>(p)] = maskId;
        e.tokens[static_cast<size_t>(p)].text = "[MASK]";
        e.tokens[static_cast<size_t>(p)].id = maskId;
    }
    std::vector<int> positions;
    for (size_t i = 0; i < e.ids.size(); ++i) {
        if (e.ids[i] == maskId) positions.push_back(static_cast<int>(i));
    }
    AnalyzeOptions o;
    o.topK = 10;
    Encoder encoder(model);
    o.maskMode = MaskMode::Bidirectional;
    r->bidirectional = encoder.forward(e.ids, e.typeIds, o, positions);
    o.maskMode = MaskMode::Causal;
    r->causal = encoder.forward(e.ids, e.typeIds, o, positions);
    r->bidirectional.tokens = e.tokens;
    r->causal.tokens = e.tokens;
    return r;
}

}  // namespace bertlens::test
