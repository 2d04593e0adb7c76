// bertlens-cli heads: the head summary (Clark et al. 2019) over one text or a
// corpus file, streamed one line at a time; bad lines are skipped and counted.
#include "cli/Commands.h"

#include "Errors.h"
#include "analysis/CorpusLines.h"
#include "analysis/HeadSummary.h"
#include "analysis/SummaryText.h"
#include "model/Encoder.h"

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

namespace bertlens::cli {
namespace {

using nlohmann::ordered_json;

// Too long for the model is a kind of skip, beside the reader's own.
struct Skips {
    std::map<std::string, int64_t> counts = {
        {"empty", 0}, {"too_long_for_model", 0}, {"line_over_64_kib", 0}, {"not_utf8", 0}, {"contains_nul", 0}};
    int64_t total() const {
        int64_t t = 0;
        for (const auto& [k, v] : counts) t += v;
        return t;
    }
};

// Runs one text if the model can read it; otherwise names why not.
bool addText(Encoder& encoder, const std::string& text, MaskMode mask, HeadSummaryAccumulator& acc, std::string& why) {
    why = addTextToSummary(encoder, text, mask, acc);
    return why.empty();
}

// A bar redrawn in place on a terminal; otherwise a line every 10 %.
class Progress {
public:
    explicit Progress(int64_t totalBytes) : m_total(totalBytes), m_tty(isatty(fileno(stderr)) != 0) {}
    void update(int64_t bytes, int64_t used) {
        if (m_total <= 0) return;
        const int percent = static_cast<int>(100 * bytes / m_total);
        if (m_tty) {
            if (percent == m_shown) return;
            const int filled = percent * 30 / 100;
            std::cerr << "\rheads [" << std::string(static_cast<size_t>(filled), '#')
                      << std::string(static_cast<size_t>(30 - filled), ' ') << "] " << percent << "% " << used
                      << " lines" << std::flush;
        } else {
            if (percent / 10 == m_shown / 10) return;
            std::cerr << "heads: " << percent << "% of the file, " << used << " lines used\n";
        }
        m_shown = percent;
    }
    void finish() {
        if (m_tty && m_shown >= 0) std::cerr << "\n";
    }

private:
    int64_t m_total;
    bool m_tty;
    int m_shown = -1;
};

ordered_json statisticsJson(const HeadSummaryAccumulator& acc) {
    ordered_json heads = ordered_json::array();
    const auto stats = acc.statistics();
    for (int l = 0; l < acc.layers(); ++l) {
        for (int h = 0; h < acc.heads(); ++h) {
            const HeadStatistics& s = stats[static_cast<size_t>(l * acc.heads() + h)];
            heads.push_back({{"layer", l},
                             {"head", h},
                             {"entropy", s.entropy},
                             {"distance", s.distance},
                             {"to_cls", s.toCls},
                             {"to_sep", s.toSep},
                             {"to_punctuation", s.toPunctuation},
                             {"to_self", s.toSelf},
                             {"to_previous", s.toPrevious},
                             {"to_next", s.toNext}});
        }
    }
    return heads;
}

}  // namespace

int runHeads(const std::vector<std::string>& args, std::ostream& out) {
    const CliArgs a(args, {"--model", "--text", "--corpus", "--mask-mode", "--limit", "--threads"}, {});
    const std::string mode = a.valueOr("--mask-mode", "bidirectional");
    MaskMode mask = MaskMode::Bidirectional;
    if (!parseMaskMode(mode, mask)) throw UsageError("--mask-mode is bidirectional or causal, not \"" + mode + "\"");
    if (a.has("--text") == a.has("--corpus")) throw UsageError("heads takes either --text or --corpus FILE");
    const int64_t limit = a.intValue("--limit", 0, 0, 1 << 30);
    setThreadCount(a);
    const bool corpus = a.has("--corpus");
    std::ifstream file;
    if (corpus) {
        file.open(a.value("--corpus"), std::ios::binary);
        if (!file) throw InputError("cannot open the corpus file " + a.value("--corpus") + ": check the path");
    }
    const auto model = Model::load(modelFolder(a));
    Encoder encoder(model);
    const ModelConfig& c = model->config();
    HeadSummaryAccumulator acc(c.layers, c.heads, corpus);
    Skips skips;
    int64_t lines = 0;
    const auto start = std::chrono::steady_clock::now();
    if (!corpus) {
        std::string why;
        if (!addText(encoder, readText(a), mask, acc, why)) {
            throw InputError(why == "empty" ? "the text is empty: type a sentence to summarise"
                                            : "the text is longer than the model reads (" +
                                                  std::to_string(c.maxPositions) + " tokens): shorten it");
        }
        lines = 1;
    } else {
        file.seekg(0, std::ios::end);
        const int64_t size = static_cast<int64_t>(file.tellg());
        file.seekg(0);
        Progress progress(size);
        CorpusLineReader reader(file);
        std::string line, why;
        LineProblem problem;
        while ((limit == 0 || acc.sentences() < limit) && reader.next(line, problem)) {
            ++lines;
            if (problem == LineProblem::TooLong) {
                ++skips.counts["line_over_64_kib"];
            } else if (problem != LineProblem::None) {
                ++skips.counts[lineProblemName(problem)];
            } else if (!addText(encoder, corpusLineToText(line), mask, acc, why)) {
                ++skips.counts[why];
            }
            progress.update(reader.bytesRead(), acc.sentences());
        }
        progress.finish();
        if (lines == 0)
            throw InputError("the corpus file " + a.value("--corpus") + " is empty: give one sentence a line");
        if (acc.sentences() == 0) {
            throw InputError("no line of " + a.value("--corpus") +
                             " could be used (all empty, too long, not UTF-8 or with NUL bytes): see the counts with a "
                             "file of plain UTF-8 sentences, one a line");
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ordered_json j;
    j["description"] =
        "Per head, means over every query token of every line used (Clark et al. 2019): entropy of the attention row "
        "in nats; distance = sum_j a_ij |i-j| in tokens; to_cls, to_sep, to_punctuation (keys whose characters are all "
        "Unicode punctuation), to_self, to_previous, to_next = attention on those keys. Only keys the mask lets row i "
        "see count: under the causal mask to_next is 0; the first token's to_previous and the last token's to_next "
        "are 0. A tab in a corpus line joins a pair with [SEP].";
    j["model"] = {{"layers", c.layers}, {"heads", c.heads}, {"hidden", c.hidden}, {"max_positions", c.maxPositions}};
    j["mask_mode"] = maskModeName(mask);
    j["lines_read"] = lines;
    j["lines_used"] = acc.sentences();
    j["lines_skipped"] = skips.total();
    j["skipped"] = skips.counts;
    j["query_tokens"] = acc.queryTokens();
    j["seconds"] = seconds;
    j["heads"] = statisticsJson(acc);
    if (corpus) {
        const Eigen::MatrixXd d = acc.jsDistances();
        j["head_order"] = "row and column k is layer k / heads, head k % heads (the order of \"heads\")";
        ordered_json rows = ordered_json::array();
        for (Eigen::Index r = 0; r < d.rows(); ++r) {
            ordered_json row = ordered_json::array();
            for (Eigen::Index col = 0; col < d.cols(); ++col) row.push_back(d(r, col));
            rows.push_back(row);
        }
        j["js_distance"] = rows;
        ordered_json mds = ordered_json::array();
        for (const auto& p : classicalMds(d)) mds.push_back({p[0], p[1]});
        j["mds"] = mds;
    }
    out << j.dump(1) << "\n";
    return 0;
}

}  // namespace bertlens::cli
