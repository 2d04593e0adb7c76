#include "InferenceWorker.h"

#include "SafeDisplay.h"

#include "BothMasks.h"
#include "Errors.h"
#include "MeasuresPass.h"
#include "ThreadHandOff.h"
#include "model/Encoder.h"

#include <tuple>

#include <QMetaObject>
#include <QThread>

#include <algorithm>

#include <omp.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace bertlens::ui {

InferenceWorker::InferenceWorker(WorkerOptions options) : m_options(options) {}

InferenceWorker::~InferenceWorker() {
    // The owner has stopped and joined the worker thread (QThread::wait),
    // but that join is Qt's own wait condition, invisible to ThreadSanitizer.
    // Taking the mutex the worker thread last released orders its final
    // drain() before this object's memory is freed, for TSan as in fact.
    const std::lock_guard<std::mutex> lock(m_mutex);
}

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
    // created: the encoders' thread pools (and OpenMP's) are started from this
    // thread after this call, so all of them run at the lower priority.
    if (m_options.niceIncrement > 0) {
        const auto tid = static_cast<id_t>(syscall(SYS_gettid));
        const int current = getpriority(PRIO_PROCESS, tid);
        setpriority(PRIO_PROCESS, tid, current + m_options.niceIncrement);
    }
    // omp_set_num_threads sets this thread's count only (an Encoder sizes its pool
    // by it); the UI thread keeps OpenMP's default.
    const int threads = m_options.threads == 0 ? std::max(1, QThread::idealThreadCount() - 1) : m_options.threads;
    if (threads > 0) omp_set_num_threads(threads);
    m_threads = threads > 0 ? threads : omp_get_max_threads();
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
            {
                const HandOff sending(this);  // the result is read on the UI thread
                emit resultReady(result);
            }
            runMeasures(request, result);
        } catch (const Cancelled&) {
            m_cancelled.fetch_add(1);
        } catch (const std::bad_alloc&) {
            const HandOff sending(this);
            emit analysisFailed(request.id, tr("There is not enough memory to analyse this text; shorten it."));
        } catch (const std::exception& e) {
            const HandOff sending(this);
            emit analysisFailed(request.id, safeDisplay(e.what()));
        }
    }
}

// Cancelled by the next request like the run itself; a failure here costs only
// the measures (the result is already shown), so it is not reported twice.
void InferenceWorker::runMeasures(const AnalysisRequest& request, const AnalysisResultPtr& result) {
    MeasuresOptions options;
    options.cancel = &m_cancel;
    options.topK = request.topK;
    try {
        FlowMeasuresPtr measures = measureStack(*result, *request.model, options);
        if (m_cancel.load()) return;
        {
            const HandOff sending(this);
            emit measuresReady(measures);
        }
        measures = addSaliency(*measures, *result, *request.model, options);
        if (m_cancel.load()) return;
        {
            const HandOff sending(this);
            emit measuresReady(measures);
        }
        if (!request.flow) return;
        measures = addFlow(*measures, *result, options);
        if (m_cancel.load()) return;
        const HandOff sending(this);
        emit measuresReady(measures);
    } catch (const Cancelled&) {
    } catch (const std::exception&) {
        // bad_alloc or a model fault: the views say the measures are missing.
    }
}

AnalysisResultPtr InferenceWorker::run(const AnalysisRequest& request) {
    if (!request.model) throw InputError("no model is loaded: open one with File > Open model");
    if (request.model != m_model) {
        m_model = request.model;
        m_bidirectional = std::make_unique<Encoder>(m_model);
        m_causal = std::make_unique<Encoder>(m_model);
    }
    // The twins' encoders follow the request's twins (opened after the model).
    for (auto [twin, model, encoder] : {std::tuple{request.leftToRight, &m_leftToRightModel, &m_leftToRight},
                                        std::tuple{request.rightToLeft, &m_rightToLeftModel, &m_rightToLeft}}) {
        if (twin != *model) {
            *model = twin;
            encoder->reset(twin ? new Encoder(twin) : nullptr);
        }
    }
    BothMasksOptions options;
    options.cancel = &m_cancel;
    options.leftToRight = m_leftToRight.get();
    options.rightToLeft = m_rightToLeft.get();
    options.memoryLimitBytes = m_options.memoryLimitBytes;
    if (m_options.parallelMasks) options.threadsPerMask = std::max(1, m_threads / 2);
    if (m_options.onePassMasks) {
        options.onePass = true;
        // As many threads as the two side-by-side passes would use together.
        options.onePassThreads = m_options.parallelMasks ? 2 * options.threadsPerMask : m_threads;
    }
    return analyseBothMasks(request, *m_bidirectional, *m_causal, options);
}

}  // namespace bertlens::ui
