// What the heads view shows, as one value: core's head summary
// (analysis/HeadSummary.h, Clark et al. 2019) per layer and head and, when
// computed, the heads' classical-MDS map by their mean Jensen–Shannon
// distance — of one sentence (a result under one mask, over its tokens) or of
// a corpus file read one line at a time, the way `bertlens-cli heads` reads it.
//
//   HeadsSummary s = summariseSentence(*result, MaskMode::Causal, true, &cancel);
//   HeadsSummary c = summariseCorpus(model, path, MaskMode::Bidirectional, &cancel, onProgress);
//
// HeadsSummary is a plain value, immutable once published (HeadsSummaryPtr).
// The functions are pure: any thread, with an Encoder of their own for the
// corpus (the Model is shared, read-only). They poll the cancel flag and throw
// Cancelled; summariseCorpus throws InputError, with a message saying what is
// wrong and what to do, for a file it cannot use.
#pragma once

#include "AnalysisResult.h"
#include "analysis/HeadSummary.h"
#include "model/Model.h"

#include <QString>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bertlens::ui {

struct HeadsSummary {
    enum class Source { Sentence, Corpus };
    Source source = Source::Sentence;
    quint64 requestId = 0;  // the result summarised (a sentence)
    MaskMode maskMode = MaskMode::Bidirectional;
    int layers = 0;
    int heads = 0;
    int64_t sentences = 0;                   // sentences (lines) summarised
    int64_t queryTokens = 0;                 // the rows every mean is over
    std::vector<HeadStatistics> statistics;  // [layer * heads + head]
    // Classical MDS of the mean JS distances, one point per head as above;
    // empty until computed.
    std::vector<std::array<double, 2>> map;

    // A corpus: the file as chosen, lines read, and the lines skipped by
    // reason ("empty", "not_utf8", "contains_nul", "line_over_64_kib",
    // "too_long_for_model"), as `bertlens-cli heads` counts them.
    QString file;
    int64_t linesRead = 0;
    std::map<std::string, int64_t> skipped;

    int64_t skippedTotal() const;
    const HeadStatistics& of(int layer, int head) const {
        return statistics[static_cast<size_t>(layer * heads + head)];
    }
};
using HeadsSummaryPtr = std::shared_ptr<const HeadsSummary>;

// The result's analysis under mask, over its tokens; with the map when
// withMap (the costly part: every pair of heads, every row).
HeadsSummary summariseSentence(const AnalysisResult& result, MaskMode mask, bool withMap,
                               const std::atomic<bool>* cancel = nullptr);

struct CorpusProgress {
    int64_t bytesRead = 0;
    int64_t totalBytes = 0;
    int64_t linesRead = 0;
    int64_t linesUsed = 0;
    int64_t linesSkipped = 0;
};

// Every line of the file (a sentence, or a tab-separated pair) run through
// the model under mask, streamed: sums only, any length in constant memory.
// progress is called after every line, on the calling thread.
HeadsSummary summariseCorpus(const std::shared_ptr<const Model>& model, const QString& path, MaskMode mask,
                             const std::atomic<bool>* cancel,
                             const std::function<void(const CorpusProgress&)>& progress = {});

// "empty line", "not UTF-8", ...: a skip reason for people.
QString skipReasonTitle(const std::string& reason);

}  // namespace bertlens::ui
