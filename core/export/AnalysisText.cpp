#include "export/AnalysisText.h"

#include <algorithm>
#include <cstdio>

namespace bertlens {
namespace {

std::string tokenLabel(const Analysis& a, int position) {
    const std::string text = position < int(a.tokens.size()) ? a.tokens[size_t(position)].text
                                                             : "#" + std::to_string(a.ids[size_t(position)]);
    return text + " (" + std::to_string(position) + ")";
}

}  // namespace

StrongestAttention strongestAttention(const Analysis& analysis, int layer, int head) {
    const auto map = analysis.attention(layer, head);
    StrongestAttention best{0, 0, -1.0f};
    for (int q = 0; q < analysis.tokenCount; ++q) {
        for (int k = 0; k < analysis.tokenCount; ++k) {
            if (map(q, k) > best.weight) best = {q, k, map(q, k)};
        }
    }
    return best;
}

std::string classificationText(const Classification& c) {
    std::string text = c.labels[size_t(c.predicted)] + " (";
    char number[32];
    // Most probable first, as a reader scans them.
    std::vector<size_t> order(c.labels.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t x, size_t y) { return c.probabilities[x] > c.probabilities[y]; });
    for (size_t k = 0; k < order.size(); ++k) {
        const double percent = 100.0 * double(c.probabilities[order[k]]);
        if (percent < 0.05) {
            std::snprintf(number, sizeof number, " <0.1%%");
        } else {
            std::snprintf(number, sizeof number, " %.1f%%", percent);
        }
        text += (k ? ", " : "") + c.labels[order[k]] + number;
    }
    return text + ")";
}

void writeAnalysisText(std::ostream& out, const Analysis& a, const ParameterCount* parameters) {
    char line[256];
    out << "tokens (" << a.tokenCount << "):";
    for (int i = 0; i < a.tokenCount; ++i) out << ' ' << (i < int(a.tokens.size()) ? a.tokens[size_t(i)].text : "?");
    out << "\nmask: " << maskModeName(a.maskMode) << "\n";
    if (parameters) writeParameterText(out, *parameters);
    if (a.classification.present()) {
        out << "classification (bidirectional pass): " << classificationText(a.classification) << "\n";
    } else if (!a.classificationOffReason.empty()) {
        out << "classification: none (" << a.classificationOffReason << ")\n";
    }
    if (!a.predictionsOffReason.empty()) {
        out << "predictions: none (" << a.predictionsOffReason << ")\n";
    } else if (a.predictions.empty()) {
        out << "predictions: none (no [MASK] in the text)\n";
    } else {
        out << "predictions:\n";
        for (const Prediction& p : a.predictions) {
            out << "  " << tokenLabel(a, p.position) << ":";
            for (size_t i = 0; i < p.top.size(); ++i) {
                const double percent = 100.0 * double(p.top[i].probability);
                // "0.0%" would read as impossible: a guess under 0.05% says so.
                if (percent < 0.05) {
                    std::snprintf(line, sizeof line, "%s %s <0.1%%", i ? "," : "", p.top[i].token.c_str());
                } else {
                    std::snprintf(line, sizeof line, "%s %s %.1f%%", i ? "," : "", p.top[i].token.c_str(), percent);
                }
                out << line;
            }
            out << '\n';
        }
    }
    out << "strongest attention per head (layer head: from -> to weight):\n";
    for (int l = 0; l < a.layers; ++l) {
        for (int h = 0; h < a.heads; ++h) {
            const StrongestAttention s = strongestAttention(a, l, h);
            std::snprintf(line, sizeof line, "  %2d %2d: %s -> %s %.3f", l, h, tokenLabel(a, s.from).c_str(),
                          tokenLabel(a, s.to).c_str(), double(s.weight));
            out << line << '\n';
        }
    }
}

std::string groupedDigits(int64_t value) {
    std::string digits = std::to_string(value < 0 ? -value : value);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<size_t>(i), ",");
    return value < 0 ? "-" + digits : digits;
}

void writeParameterText(std::ostream& out, const ParameterCount& p) {
    out << "parameters: " << groupedDigits(p.total()) << " (embeddings " << groupedDigits(p.embeddings()) << "; "
        << p.layers << " layers x " << groupedDigits(p.layer.total());
    if (p.pooler) out << "; pooler " << groupedDigits(p.pooler);
    if (p.mlmHead()) {
        out << "; masked-LM head " << groupedDigits(p.mlmHead())
            << (p.headDecoderWeight ? ", its own decoder weight" : ", decoder weight tied to the word embeddings");
    }
    out << ")\n";
}

}  // namespace bertlens
