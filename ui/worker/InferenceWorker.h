// Runs the model off the UI thread. The worker lives on its own QThread and
// holds the current model's two Encoders (bidirectional and left-to-right).
//
// After each result it computes the measures of where information flows
// (MeasuresPass.h) unless a newer request is waiting.
//
// Requests go into a mailbox of one, not a queue: submit() replaces any
// request still waiting and cancels the run in progress between layers (an
// atomic flag the encoder polls), so the worker always moves on to the newest
// text. A run that finishes after a newer request arrived is dropped. Results
// and errors come back as queued signals.
//
// Thread-safety: submit(), cancelAll() and the counters may be called from any
// thread; everything else runs on the worker's thread.
#pragma once

#include "AnalysisRequest.h"
#include "AnalysisResult.h"
#include "FlowMeasures.h"

#include <QObject>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

namespace bertlens {
class Encoder;
}

namespace bertlens::ui {

struct WorkerOptions {
    // Threads for the worker's runs (set with omp_set_num_threads on the
    // worker thread; an Encoder sizes its pool by it). 0: one fewer than the
    // cores (at least one), so the UI thread keeps a core; -1: OpenMP's
    // default (every core). Chosen when the engine ran on OpenMP, whose
    // threads spin at every barrier: on this project's 2-core machine two
    // threads made runs up to 10x slower whenever anything else ran. The
    // engine's own pool sleeps after 0.1 ms, so every core may pay off on
    // bigger machines; not measured (2 cores here).
    int threads = 0;
    // Run the bidirectional and the left-to-right pass at the same time, on
    // the worker thread and a second thread, each with half of `threads` (at
    // least one: on 2 cores both work, and the UI thread relies on the lower
    // priority below). false: one after the other with all of `threads`.
    bool parallelMasks = true;
    // For a masked-LM model, run both masks as one pass over the weights
    // (Encoder::forwardBothMasks, the same bits) with the threads the two
    // side-by-side passes would use. Off: on this 2-core machine it was
    // slower in the window (bert-base p50 at 16 / 128 tokens: F32 42 / 377
    // ms against 27 / 216 side by side; BF16 30 / 241 against 25 / 141),
    // its pool's barriers waiting whenever the UI thread takes a core.
    bool onePassMasks = false;
    // Added to the worker threads' nice value (Linux), so that the UI thread
    // wins the CPU whenever it has work.
    int niceIncrement = 5;
    // The most memory one analysis may need (its attention maps under both
    // masks grow with the square of the text's length); a longer text is
    // refused before anything is allocated. 0: half of the physical memory.
    // Linux overcommits, so an allocation that is too large does not fail: the
    // pages fail later, when the system runs out and kills a process.
    qint64 memoryLimitBytes = 0;
};

class InferenceWorker : public QObject {
    Q_OBJECT
public:
    explicit InferenceWorker(WorkerOptions options = {});
    ~InferenceWorker() override;

    void submit(AnalysisRequest request);
    // Cancels the run in progress and forgets the waiting request.
    void cancelAll();

    int runsStarted() const { return m_started.load(); }
    int runsFinished() const { return m_finished.load(); }
    int runsCancelled() const { return m_cancelled.load(); }

signals:
    void resultReady(const bertlens::ui::AnalysisResultPtr& result);
    void analysisFailed(quint64 requestId, const QString& message);
    // After resultReady, unless a newer request came: the measures of where
    // information flows (FlowMeasures.h), once without flow and, when the
    // request asked for flow, once more with it.
    void measuresReady(const bertlens::ui::FlowMeasuresPtr& measures);

private:
    void drain();
    AnalysisResultPtr run(const AnalysisRequest& request);
    void runMeasures(const AnalysisRequest& request, const AnalysisResultPtr& result);
    void applyThreadSettings();

    WorkerOptions m_options;
    // Guards m_pending and m_scheduled. A std::mutex rather than a QMutex:
    // ThreadSanitizer sees pthread locks, not the uninstrumented QMutex slow path.
    std::mutex m_mutex;
    std::optional<AnalysisRequest> m_pending;
    bool m_scheduled = false;
    std::atomic<bool> m_cancel{false};
    std::atomic<int> m_started{0}, m_finished{0}, m_cancelled{0};

    // Worker thread only.
    bool m_threadConfigured = false;
    int m_threads = 1;  // threads for a run, as applyThreadSettings resolved them
    std::shared_ptr<const Model> m_model;
    std::unique_ptr<Encoder> m_bidirectional;
    std::unique_ptr<Encoder> m_causal;
    std::shared_ptr<const Model> m_leftToRightModel, m_rightToLeftModel;
    std::unique_ptr<Encoder> m_leftToRight, m_rightToLeft;
};

}  // namespace bertlens::ui
