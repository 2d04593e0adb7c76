#include "export/AttentionExport.h"

#include "export/ShortestFloat.h"

#include "Errors.h"
#include "analysis/MaskComparison.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <string>

namespace bertlens {
namespace {

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos && !s.empty() && s.front() != ' ' && s.back() != ' ') return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + '"';
}

std::string tokenText(const Analysis& a, int i) {
    // Analyses run from ids (not text) carry no token strings.
    return static_cast<size_t>(i) < a.tokens.size() ? a.tokens[static_cast<size_t>(i)].text
                                                    : "#" + std::to_string(a.ids[static_cast<size_t>(i)]);
}

void check(const std::vector<const Analysis*>& analyses, const AttentionSlice& s) {
    if (analyses.empty() || !analyses.front()) throw InputError("there is no analysis to export");
    const Analysis& a = *analyses.front();
    for (const Analysis* b : analyses) {
        if (!b || b->tokenCount != a.tokenCount || b->layers != a.layers || b->heads != a.heads || b->ids != a.ids)
            throw InputError("the analyses to export together are not of the same tokens and model");
    }
    if (analyses.size() > 2 || (analyses.size() == 2 && analyses[0]->maskMode == analyses[1]->maskMode))
        throw InputError("export one analysis, or one per mask mode");
    if (s.layer != AttentionSlice::kAll && (s.layer < 0 || s.layer >= a.layers)) {
        throw InputError("layer " + std::to_string(s.layer) + " does not exist: this model has layers 0.." +
                         std::to_string(a.layers - 1));
    }
    if (s.head != AttentionSlice::kAll && s.head != AttentionSlice::kMean && (s.head < 0 || s.head >= a.heads)) {
        throw InputError("head " + std::to_string(s.head) + " does not exist: this model has heads 0.." +
                         std::to_string(a.heads - 1));
    }
}

std::vector<int> layersOf(const Analysis& a, const AttentionSlice& s) {
    std::vector<int> out;
    for (int l = 0; l < a.layers; ++l) {
        if (s.layer == AttentionSlice::kAll || s.layer == l) out.push_back(l);
    }
    return out;
}

// Heads to write: a head index, or kMean for the mean.
std::vector<int> headsOf(const Analysis& a, const AttentionSlice& s) {
    if (s.head == AttentionSlice::kMean) return {AttentionSlice::kMean};
    std::vector<int> out;
    for (int h = 0; h < a.heads; ++h) {
        if (s.head == AttentionSlice::kAll || s.head == h) out.push_back(h);
    }
    return out;
}

RowMatrix mapOf(const Analysis& a, int layer, int head) {
    return attentionMap(a, layer, head == AttentionSlice::kMean ? kMeanOfHeads : head);
}

void writeMatrixJson(std::ostream& out, const RowMatrix& m) {
    out << '[';
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        out << (r ? ",[" : "[");
        for (Eigen::Index c = 0; c < m.cols(); ++c) {
            if (c) out << ',';
            writeShortestFloat(out, m(r, c));
        }
        out << ']';
    }
    out << ']';
}

// The nested attention of one analysis for the slice.
void writeSliceJson(std::ostream& out, const Analysis& a, const AttentionSlice& s) {
    const std::vector<int> layers = layersOf(a, s);
    const std::vector<int> heads = headsOf(a, s);
    const bool allLayers = s.layer == AttentionSlice::kAll;
    const bool allHeads = s.head == AttentionSlice::kAll;
    if (allLayers) out << '[';
    for (size_t li = 0; li < layers.size(); ++li) {
        if (li) out << ',';
        if (allHeads) out << '[';
        for (size_t hi = 0; hi < heads.size(); ++hi) {
            if (hi) out << ',';
            writeMatrixJson(out, mapOf(a, layers[li], heads[hi]));
        }
        if (allHeads) out << ']';
    }
    if (allLayers) out << ']';
}

}  // namespace

void writeAttentionCsv(std::ostream& out, const std::vector<const Analysis*>& analyses, const AttentionSlice& s) {
    check(analyses, s);
    const Analysis& first = *analyses.front();
    const int n = first.tokenCount;
    out << "mask_mode,layer,head,query_index,query_token";
    for (int k = 0; k < n; ++k) out << ',' << csvField(tokenText(first, k));
    out << "\r\n";
    for (const Analysis* a : analyses) {
        for (int layer : layersOf(*a, s)) {
            for (int head : headsOf(*a, s)) {
                const RowMatrix m = mapOf(*a, layer, head);
                const std::string prefix = std::string(maskModeName(a->maskMode)) + ',' + std::to_string(layer) + ',' +
                                           (head == AttentionSlice::kMean ? "mean" : std::to_string(head)) + ',';
                for (int q = 0; q < n; ++q) {
                    out << prefix << q << ',' << csvField(tokenText(*a, q));
                    for (int k = 0; k < n; ++k) {
                        out << ',';
                        writeShortestFloat(out, m(q, k));
                    }
                    out << "\r\n";
                }
            }
        }
    }
}

void writeAttentionJson(std::ostream& out, const std::vector<const Analysis*>& analyses, const AttentionSlice& s) {
    check(analyses, s);
    const Analysis& first = *analyses.front();
    nlohmann::json tokens = nlohmann::json::array();
    for (int i = 0; i < first.tokenCount; ++i) tokens.push_back(tokenText(first, i));
    nlohmann::json shape = nlohmann::json::array();
    if (s.layer == AttentionSlice::kAll) shape.push_back(first.layers);
    if (s.head == AttentionSlice::kAll) shape.push_back(first.heads);
    shape.push_back(first.tokenCount);
    shape.push_back(first.tokenCount);
    const nlohmann::json layer = s.layer == AttentionSlice::kAll ? nlohmann::json("all") : nlohmann::json(s.layer);
    const nlohmann::json head = s.head == AttentionSlice::kAll    ? nlohmann::json("all")
                                : s.head == AttentionSlice::kMean ? nlohmann::json("mean")
                                                                  : nlohmann::json(s.head);
    const bool both = analyses.size() > 1;
    out << "{\"tokens\":" << tokens.dump()
        << ",\"mask_mode\":" << (both ? std::string("\"both\"") : nlohmann::json(maskModeName(first.maskMode)).dump())
        << ",\"layer\":" << layer.dump() << ",\"head\":" << head.dump() << ",\"shape\":" << shape.dump()
        << ",\"attention\":";
    if (!both) {
        writeSliceJson(out, first, s);
    } else {
        out << '{';
        for (size_t i = 0; i < analyses.size(); ++i) {
            if (i) out << ',';
            out << '"' << maskModeName(analyses[i]->maskMode) << "\":";
            writeSliceJson(out, *analyses[i], s);
        }
        out << '}';
    }
    out << "}\n";
}

}  // namespace bertlens
