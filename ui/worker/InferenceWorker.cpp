#include "InferenceWorker.h"

#include "Errors.h"
#include "ThreadHandOff.h"
#include "UserMasks.h"
#include "model/Encoder.h"
#include "tokenizer/Unicode.h"

#include <QMetaObject>
#include <QThread>

#include <algorithm>

#include <chrono>

#include <omp.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace bertlens::ui {

InferenceWorker::InferenceWorker(WorkerOptions options) : m_options(options) {}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::submit(AnalysisRequest request) {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_pending = std::move(request);
    m_cancel.store(true);  // the run in progress, if any, is now stale
    if (!m_scheduled) {
        m_scheduled = true;
        const HandOff posting(this);
        QMetaObject::invokeMethod(this, &InferenceWorker::drain, Qt::QueuedConnection);
    }
}

void InferenceWorker::cancelAll() {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_pending.reset();
    m_cancel.store(true);
}

void InferenceWorker::applyThreadSettings() {
    m_threadConfigured = true;
    // Linux gives each thread its own nice value, and threads inherit it when
    // created: OpenMP's pool for this thread is created on its first parallel
    // region, after this call, so the whole pool runs at the lower priority.
    if (m_options.niceIncrement > 0) {
        const auto tid = static_cast<id_t>(syscall(SYS_gettid));
        const int current = getpriority(PRIO_PROCESS, tid);
        setpriority(PRIO_PROCESS, tid, current + m_options.niceIncrement);
    }
    // omp_set_num_threads sets this thread's teams only; the UI thread keeps OpenMP's default.
    const int threads = m_options.threads == 0 ? std::max(1, QThread::idealThreadCount() - 1) : m_options.threads;
    if (threads > 0) omp_set_num_threads(threads);
}

void InferenceWorker::drain() {
    takeOver(this);  // posted by submit() on another thread
    if (!m_threadConfigured) applyThreadSettings();
    for (;;) {
        AnalysisRequest request;
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            if (!m_pending) {
                m_scheduled = false;
                return;
            }
            request = std::move(*m_pending);
            m_pending.reset();
            m_cancel.store(false);
        }
        m_started.fetch_add(1);
        try {
            AnalysisResultPtr result = run(request);
            if (m_cancel.load()) {
                m_cancelled.fetch_add(1);  // finished, but a newer request came in meanwhile
                continue;
            }
            m_finished.fetch_add(1);
            const HandOff sending(this);  // the result is read on the UI thread
            emit resultReady(result);
        } catch (const Cancelled&) {
            m_cancelled.fetch_add(1);
        } catch (const std::bad_alloc&) {
            const HandOff sending(this);
            emit analysisFailed(request.id, tr("There is not enough memory to analyse this text; shorten it."));
        } catch (const std::exception& e) {
            const HandOff sending(this);
            emit analysisFailed(request.id, QString::fromUtf8(e.what()));
        }
    }
}

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
void InferenceWorker::checkLength(const AnalysisRequest& request, const Encoding& encoding) const {
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
        throw InputError(tr("the text is %1 tokens long but this model reads at most %2 ([CLS] and [SEP] included): "
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
                         2.0 * 4.0 * double(c.layers + 1) * double(n) * c.hidden;
    const qint64 limit = memoryLimit(m_options.memoryLimitBytes);
    if (bytes > double(limit)) {
        throw InputError(tr("analysing these %1 tokens would take %2 of memory (an attention map of %1 x %1 for "
                            "each of the model's %3 heads, under both masks), more than BertLens lets itself use "
                            "on this computer (%4); shorten the text")
                             .arg(n)
                             .arg(memoryText(bytes))
                             .arg(c.layers * c.heads)
                             .arg(memoryText(double(limit)))
                             .toStdString());
    }
}

AnalysisResultPtr InferenceWorker::run(const AnalysisRequest& request) {
    if (!request.model) throw InputError("no model is loaded: open one with File > Open model");
    if (request.model != m_model) {
        m_model = request.model;
        m_bidirectional = std::make_unique<Encoder>(m_model);
        m_causal = std::make_unique<Encoder>(m_model);
    }
    const auto start = std::chrono::steady_clock::now();
    Encoding encoding = m_model->tokenizer().encode(request.text);
    bool anyWord = false;
    for (const Token& t : encoding.tokens) {
        if (!t.added && t.text != "[CLS]" && t.text != "[SEP]") anyWord = true;
    }
    if (!anyWord) throw InputError("the text is empty: type a sentence to analyse");
    checkLength(request, encoding);

    const int32_t maskId = m_model->vocab().maskId();
    const AppliedMasks applied = applyUserMasks(encoding, request.maskedSpans, maskId);
    std::vector<int> positions;
    for (size_t i = 0; i < encoding.ids.size(); ++i) {
        if (maskId != Vocab::kNotFound && encoding.ids[i] == maskId) positions.push_back(static_cast<int>(i));
    }

    auto result = std::make_shared<AnalysisResult>();
    result->requestId = request.id;
    result->modelName = request.modelName;
    result->text = request.text;
    result->userMasked = applied.positions;
    result->userMaskedOriginal = applied.originals;
    AnalyzeOptions options;
    options.topK = request.topK;
    options.cancel = &m_cancel;
    options.maskMode = MaskMode::Bidirectional;
    result->bidirectional = m_bidirectional->forward(encoding.ids, encoding.typeIds, options, positions);
    options.maskMode = MaskMode::Causal;
    result->causal = m_causal->forward(encoding.ids, encoding.typeIds, options, positions);
    result->bidirectional.tokens = encoding.tokens;
    result->causal.tokens = std::move(encoding.tokens);
    result->elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace bertlens::ui
