#include "TrainingJob.h"

#include "BothMasks.h"
#include "SafeDisplay.h"
#include "ThreadHandOff.h"

#include "Errors.h"
#include "model/Encoder.h"
#include "train/SnapshotSeries.h"

#include <QMetaObject>
#include <QThread>

#include <omp.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace bertlens::ui {

namespace {

AnalysisResultPtr analyseSnapshot(const train::SnapshotSeries& series, int index, const std::string& text,
                                  const std::atomic<bool>& cancel) {
    AnalysisRequest request;
    request.model = series.loadModel(static_cast<size_t>(index));
    if (cancel.load()) throw Cancelled();
    request.modelName = QStringLiteral("%1, step %2")
                            .arg(QString::fromStdString(series.contents().model))
                            .arg(series.snapshots()[static_cast<size_t>(index)].step);
    request.text = text;
    request.topK = TrainingJob::kTopK;
    Encoder bidirectional(request.model);
    Encoder causal(request.model);
    BothMasksOptions options;
    options.cancel = &cancel;
    return analyseBothMasks(request, bidirectional, causal, options);
}

}  // namespace

TrainingJob::TrainingJob(QObject* parent) : QObject(parent) { qRegisterMetaType<AnalysisResultPtr>(); }

TrainingJob::~TrainingJob() {
    m_hasPending = false;
    if (m_running) m_running->cancel.store(true);
    if (m_thread) m_thread->wait();
}

quint64 TrainingJob::request(std::shared_ptr<const train::SnapshotSeries> series, int index, std::string text) {
    m_pending = Work{std::move(series), index, std::move(text), ++m_generation};
    m_hasPending = true;
    m_busy = true;
    if (m_running) {
        m_running->cancel.store(true);  // onThreadDone starts the pending one
    } else {
        launch();
    }
    return m_generation;
}

void TrainingJob::cancel() {
    ++m_generation;
    m_busy = false;
    m_hasPending = false;
    m_pending = Work{};
    if (m_running) m_running->cancel.store(true);
}

void TrainingJob::launch() {
    auto running = std::make_shared<Running>();
    Work work = std::move(m_pending);
    m_pending = Work{};
    m_hasPending = false;
    m_running = running;

    QThread* thread = QThread::create([this, running, work = std::move(work)] {
        // Below the UI's priority, one engine thread: the window's own
        // worker keeps a core on a two-core machine.
        const auto tid = static_cast<id_t>(syscall(SYS_gettid));
        setpriority(PRIO_PROCESS, tid, getpriority(PRIO_PROCESS, tid) + 5);
        omp_set_num_threads(1);
        AnalysisResultPtr result;
        QString error;
        try {
            result = analyseSnapshot(*work.series, work.index, work.text, running->cancel);
        } catch (const Cancelled&) {
            return;
        } catch (const std::bad_alloc&) {
            error = tr("There is not enough memory to open this snapshot.");
        } catch (const std::exception& e) {
            error = safeDisplay(e.what());
        }
        if (running->cancel.load()) return;
        const HandOff posting(this);
        QMetaObject::invokeMethod(
            this,
            [this, g = work.generation, index = work.index, result, error] {
                takeOver(this);
                if (g != m_generation) return;
                m_busy = false;
                if (result) {
                    emit ready(g, index, result);
                } else {
                    emit failed(g, index, error);
                }
            },
            Qt::QueuedConnection);
    });
    thread->setObjectName(QStringLiteral("training"));
    connect(thread, &QThread::finished, this, &TrainingJob::onThreadDone);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    m_thread = thread;
    thread->start();
}

void TrainingJob::onThreadDone() {
    m_running.reset();
    m_thread = nullptr;
    if (m_hasPending) launch();
}

}  // namespace bertlens::ui
