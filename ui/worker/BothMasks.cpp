#include "BothMasks.h"

#include "Errors.h"
#include "analysis/ShallowBidirectional.h"
#include "UserMasks.h"
#include "model/Encoder.h"
#include "tokenizer/Unicode.h"

#include <QObject>

#include <algorithm>
#include <chrono>
#include <exception>
#include <thread>

#include <omp.h>

#include <unistd.h>

namespace bertlens::ui {

namespace {

QString memoryText(double bytes) {
    if (bytes >= double(1 << 30)) return QString::number(bytes / double(1 << 30), 'f', 1) + QStringLiteral(" GB");
    return QString::number(bytes / double(1 << 20), 'f', 1) + QStringLiteral(" MB");
}

qint64 memoryLimit(qint64 configured) {
    if (configured > 0) return configured;
    const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || pageSize <= 0) return qint64(4) << 30;
    return static_cast<qint64>(pages) * pageSize / 2;
}

}  // namespace

// Refuses, before any of it is allocated, a text longer than the model reads
// (saying where its limit falls in the text) or one whose analysis would need
// more memory than the limit.
void checkTextFits(const AnalysisRequest& request, const Encoding& encoding, qint64 memoryLimitBytes) {
    const ModelConfig& c = request.model->config();
    const size_t n = encoding.ids.size();
    if (n > static_cast<size_t>(c.maxPositions)) {
        // [CLS] and the closing [SEP] take two places: the last word piece that
        // fits is at maxPositions - 2.
        const Token& lastFitting = encoding.tokens[static_cast<size_t>(c.maxPositions) - 2];
        const std::u32string text = unicode::decodeUtf8(request.text).codePoints;
        const auto end =
            static_cast<qsizetype>(std::min<size_t>(static_cast<size_t>(lastFitting.chars.end), text.size()));
        const qsizetype start = std::max<qsizetype>(0, end - 40);
        QString before =
            QString::fromStdU32String(text.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)))
                .simplified();
        if (start > 0) before.prepend(QChar(0x2026));
        throw InputError(QObject::tr("the text is %1 tokens long but this model reads at most %2 ([CLS] and [SEP] included): "
                            "shorten it by %3 tokens. Its limit falls after \u201c%4\u201d (character %5 of %6). "
                            "Nothing of this text was analysed.")
                             .arg(n)
                             .arg(c.maxPositions)
                             .arg(n - static_cast<size_t>(c.maxPositions))
                             .arg(before)
                             .arg(end)
                             .arg(text.size())
                             .toStdString());
    }
    // Both mask modes keep layers x heads maps of n x n floats, and each
    // Encoder a heads x n x n scratch; then the hidden states.
    const double nn = double(n) * double(n);
    const double bytes = 2.0 * 4.0 * (double(c.layers) * c.heads * nn + double(c.heads) * nn) +
                         2.0 * 4.0 * double(2 * c.layers + 1) * double(n) * c.hidden;
    const qint64 limit = memoryLimit(memoryLimitBytes);
    if (bytes > double(limit)) {
        throw InputError(QObject::tr("analysing these %1 tokens would take %2 of memory (an attention map of %1 x %1 for "
                            "each of the model's %3 heads, under both masks), more than BertLens lets itself use "
                            "on this computer (%4); shorten the text")
                             .arg(n)
                             .arg(memoryText(bytes))
                             .arg(c.layers * c.heads)
                             .arg(memoryText(double(limit)))
                             .toStdString());
    }
}

namespace {

// The twins read the same ids (their vocabulary is the model's: checked when
// they were opened); the shallow guess needs both sides' whole distributions.
void runTwins(const Encoding& encoding, const std::vector<int>& positions, AnalyzeOptions run,
              const BothMasksOptions& options, AnalysisResult& result) {
    const bool both = options.leftToRight && options.rightToLeft;
    run.keepDistributions = both;
    if (options.leftToRight) {
        result.leftToRight = options.leftToRight->forward(encoding.ids, encoding.typeIds, run, positions);
        result.leftToRight.tokens = encoding.tokens;
    }
    if (options.rightToLeft) {
        result.rightToLeft = options.rightToLeft->forward(encoding.ids, encoding.typeIds, run, positions);
        result.rightToLeft.tokens = encoding.tokens;
    }
    if (!both) return;
    const auto& left = result.leftToRight.predictions;
    const auto& right = result.rightToLeft.predictions;
    for (size_t i = 0, j = 0; i < left.size() && j < right.size();) {
        if (left[i].position < right[j].position) {
            ++i;
        } else if (right[j].position < left[i].position) {
            ++j;
        } else {
            result.shallow.push_back(combinePredictions(left[i++], right[j++], options.leftToRight->model().vocab(),
                                                        run.topK));
        }
    }
    for (Analysis* a : {&result.leftToRight, &result.rightToLeft}) {
        for (Prediction& p : a->predictions) p.logProbabilities = {};  // only the shallow guess needed them
    }
}

}  // namespace

AnalysisResultPtr analyseBothMasks(const AnalysisRequest& request, Encoder& bidirectional, Encoder& causal,
                                   const BothMasksOptions& options) {
    if (!request.model) throw InputError("no model is loaded: open one with File > Open model");
    const auto start = std::chrono::steady_clock::now();
    Encoding encoding = request.model->tokenizer().encode(request.text);
    bool anyWord = false;
    for (const Token& t : encoding.tokens) {
        if (!t.added && t.text != "[CLS]" && t.text != "[SEP]") anyWord = true;
    }
    if (!anyWord) throw InputError(options.emptyTextHint);
    checkTextFits(request, encoding, options.memoryLimitBytes);

    const int32_t maskId = request.model->vocab().maskId();
    const AppliedMasks applied = applyUserMasks(encoding, request.maskedSpans, maskId);
    std::vector<int> positions;
    for (size_t i = 0; i < encoding.ids.size(); ++i) {
        if (maskId != Vocab::kNotFound && encoding.ids[i] == maskId) positions.push_back(static_cast<int>(i));
    }

    auto result = std::make_shared<AnalysisResult>();
    result->requestId = request.id;
    result->modelName = request.modelName;
    result->model = request.model;
    result->text = request.text;
    result->userMasked = applied.positions;
    result->userMaskedOriginal = applied.originals;
    result->ablated = request.ablate;
    result->saliencyPosition = request.saliencyPosition;
    AnalyzeOptions run;
    run.topK = request.topK;
    run.cancel = options.cancel;
    run.precision = request.precision;
    AnalyzeOptions twinRun = run;  // the twins are other models: never ablated, no norms
    run.keepValues = true;  // norm-weighted attention reads them (MeasuresPass)
    run.headGates = headGatesFor(request.model->config().layers, request.model->config().heads, request.ablate);
    AnalyzeOptions runCausal = run;
    run.maskMode = MaskMode::Bidirectional;
    runCausal.maskMode = MaskMode::Causal;
    if (options.onePass && request.model->config().objective == Objective::MaskedLm) {
        if (options.onePassThreads > 0) omp_set_num_threads(options.onePassThreads);
        auto [bi, ca] = bidirectional.forwardBothMasks(encoding.ids, encoding.typeIds, run, positions);
        result->bidirectional = std::move(bi);
        result->causal = std::move(ca);
    } else if (options.threadsPerMask > 0) {
        // The left-to-right run on a thread of its own beside this one. Two
        // independent runs share no barrier, so neither waits for the other
        // when the scheduler gives a core to the UI. The new thread inherits
        // this thread's nice value (Linux: per thread).
        std::exception_ptr failed;
        std::thread other([&] {
            omp_set_num_threads(options.threadsPerMask);
            try {
                result->causal = causal.forward(encoding.ids, encoding.typeIds, runCausal, positions);
            } catch (...) {
                failed = std::current_exception();
            }
        });
        omp_set_num_threads(options.threadsPerMask);
        try {
            result->bidirectional = bidirectional.forward(encoding.ids, encoding.typeIds, run, positions);
        } catch (...) {
            other.join();
            throw;
        }
        other.join();
        if (failed) std::rethrow_exception(failed);
    } else {
        result->bidirectional = bidirectional.forward(encoding.ids, encoding.typeIds, run, positions);
        result->causal = causal.forward(encoding.ids, encoding.typeIds, runCausal, positions);
    }
    runTwins(encoding, positions, twinRun, options, *result);
    result->bidirectional.tokens = encoding.tokens;
    result->causal.tokens = std::move(encoding.tokens);
    result->elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace bertlens::ui
