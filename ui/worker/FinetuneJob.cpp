#include "FinetuneJob.h"

#include "SafeDisplay.h"
#include "ThreadHandOff.h"

#include "Errors.h"

#include <QMetaObject>
#include <QThread>

#include <omp.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace bertlens::ui {

struct FinetuneJob::Running {
    quint64 generation = 0;
    std::atomic<bool> cancel{false};
};

FinetuneJob::FinetuneJob(QObject* parent) : QObject(parent) {
    qRegisterMetaType<FinetuneLive>();
    qRegisterMetaType<FinetuneOutcomePtr>();
}

FinetuneJob::~FinetuneJob() {
    m_pending = nullptr;
    if (m_running) m_running->cancel.store(true);
    if (m_thread) m_thread->wait();
}

quint64 FinetuneJob::start(Work work) {
    m_pending = std::move(work);
    m_pendingGeneration = ++m_generation;
    m_busy = true;
    if (m_running) {
        m_running->cancel.store(true);  // onThreadDone starts the pending one
    } else {
        launch();
    }
    return m_generation;
}

void FinetuneJob::cancel() {
    ++m_generation;
    m_busy = false;
    m_pending = nullptr;
    if (m_running) m_running->cancel.store(true);
}

void FinetuneJob::launch() {
    auto running = std::make_shared<Running>();
    running->generation = m_pendingGeneration;
    Work work = std::move(m_pending);
    m_pending = nullptr;
    m_running = running;

    QThread* thread = QThread::create([this, running, work = std::move(work)] {
        // Below the UI's priority, one engine thread: a core stays free for
        // the window's worker on a two-core machine.
        const auto tid = static_cast<id_t>(syscall(SYS_gettid));
        setpriority(PRIO_PROCESS, tid, getpriority(PRIO_PROCESS, tid) + 5);
        omp_set_num_threads(1);
        const Report report = [this, running](const FinetuneLive& live) {
            if (running->cancel.load()) return;
            const HandOff posting(this);
            QMetaObject::invokeMethod(
                this,
                [this, g = running->generation, live] {
                    takeOver(this);
                    if (g == m_generation) emit progressed(g, live);
                },
                Qt::QueuedConnection);
        };
        FinetuneOutcomePtr outcome;
        QString error;
        try {
            outcome = std::make_shared<const FinetuneOutcome>(work(running->cancel, report));
        } catch (const Cancelled&) {
            return;
        } catch (const std::bad_alloc&) {
            error = tr("There is not enough memory to fine-tune this model.");
        } catch (const std::exception& e) {
            error = safeDisplay(e.what());
        }
        if (running->cancel.load()) return;  // outcome (and its folder) goes here
        const HandOff posting(this);
        QMetaObject::invokeMethod(
            this,
            [this, g = running->generation, outcome, error] {
                takeOver(this);
                if (g != m_generation) return;
                m_busy = false;
                if (outcome) {
                    emit finished(g, outcome);
                } else {
                    emit failed(g, error);
                }
            },
            Qt::QueuedConnection);
    });
    thread->setObjectName(QStringLiteral("fine-tune"));
    connect(thread, &QThread::finished, this, &FinetuneJob::onThreadDone);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    m_thread = thread;
    thread->start();
}

void FinetuneJob::onThreadDone() {
    m_running.reset();
    m_thread = nullptr;
    emit threadEnded();
    if (m_pending) launch();
}

}  // namespace bertlens::ui
