// bertlens-cli analyze: one forward pass and the measures asked for, read
// into one AnalyzeRequest and written from one Measures (DESIGN.md, "The
// contract, second wave").
#include "cli/Commands.h"

#include "analysis/AnalyzeRequest.h"
#include "export/AnalysisJson.h"
#include "export/AnalysisText.h"
#include "export/AnalysisArrays.h"

namespace bertlens::cli {
namespace {

// Attention flow beyond this gives up with a message rather than hanging.
constexpr double kFlowTimeLimitSeconds = 120.0;

int parseNumber(const std::string& text, const std::string& flag, const std::string& whole) {
    size_t used = 0;
    int v = 0;
    try {
        v = std::stoi(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (text.empty() || used != text.size()) {
        throw UsageError(flag + " takes whole numbers as A:B, not \"" + whole + "\"");
    }
    return v;
}

std::pair<int, int> parsePair(const std::string& text, const std::string& flag) {
    const size_t colon = text.find(':');
    if (colon == std::string::npos) throw UsageError(flag + " takes A:B (for example 3:7), not \"" + text + "\"");
    return {parseNumber(text.substr(0, colon), flag, text), parseNumber(text.substr(colon + 1), flag, text)};
}

}  // namespace

int runAnalyze(const std::vector<std::string>& args, std::ostream& out) {
    const CliArgs a(args,
                    {"--model", "--text", "--format", "--mask-mode", "--top-k", "--threads", "--target", "--ablate", "--npy",
                     "--inside", "--precision"},
                    {"--predict-all", "--hidden-states", "--rollout", "--flow", "--norms", "--saliency",
                     "--head-importance", "--layer-predictions"});
    const std::string format = a.valueOr("--format", "json");
    if (format != "json" && format != "text") throw UsageError("--format is json or text, not \"" + format + "\"");
    AnalyzeRequest rq;
    const std::string mode = a.valueOr("--mask-mode", "bidirectional");
    if (!parseMaskMode(mode, rq.encoder.maskMode)) {
        throw UsageError("--mask-mode is bidirectional or causal, not \"" + mode + "\"");
    }
    rq.encoder.precision = precisionOption(a);
    rq.encoder.topK = a.intValue("--top-k", 5, 1, 1000);
    rq.encoder.predictAll = a.has("--predict-all");
    rq.rollout = a.has("--rollout");
    rq.flow = a.has("--flow");
    rq.flowTimeLimitSeconds = kFlowTimeLimitSeconds;
    rq.norms = a.has("--norms");
    rq.saliency = a.has("--saliency");
    rq.headImportance = a.has("--head-importance");
    rq.layerPredictions = a.has("--layer-predictions");
    if (a.has("--target")) {
        if (!rq.saliency && !rq.headImportance) throw UsageError("--target goes with --saliency or --head-importance");
        const auto t = parsePair(a.value("--target"), "--target");
        rq.target = std::make_pair(t.first, static_cast<int32_t>(t.second));
    }
    if (a.has("--ablate")) {
        const std::string list = a.value("--ablate");
        size_t start = 0;
        while (start <= list.size()) {
            const size_t comma = list.find(',', start);
            const size_t end = comma == std::string::npos ? list.size() : comma;
            const auto h = parsePair(list.substr(start, end - start), "--ablate");
            rq.ablate.push_back({h.first, h.second});
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    if (a.has("--inside")) {
        const auto h = parsePair(a.value("--inside"), "--inside");
        rq.inside = HeadRef{h.first, h.second};
    }
    setThreadCount(a);
    const std::string text = readText(a);
    const auto model = Model::load(modelFolder(a));
    Encoder encoder(model);
    Measures m;
    try {
        m = runAnalysis(encoder, text, rq);
    } catch (const RequestError& e) {
        throw UsageError(e.what());  // a head, position or id that does not exist: exit 2
    }
    if (a.has("--npy")) {
        // The same arrays as the JSON, for numpy; the JSON still goes to stdout.
        ArrayFolder folder;
        folder.meta = analysisMeta(m.analysis);
        folder.meta["model"] = modelFolder(a);
        folder.meta["text"] = text;
        folder.meta["mask_mode"] = maskModeName(m.analysis.maskMode);
        const std::string prefix = std::string(maskModeName(m.analysis.maskMode)) + "_";
        addAnalysisArrays(folder, m.analysis, prefix);
        addMeasuresArrays(folder, m, prefix);
        writeArrayFolder(a.value("--npy"), folder);
    }
    if (format == "text") {
        writeAnalysisText(out, m.analysis, &m.parameters);
    } else {
        writeMeasuresJson(out, m, model->config(), a.has("--hidden-states"));
    }
    return 0;
}

}  // namespace bertlens::cli
