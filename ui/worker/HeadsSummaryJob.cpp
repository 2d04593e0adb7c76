#include "HeadsSummaryJob.h"

#include "SafeDisplay.h"
#include "ThreadHandOff.h"

#include "Errors.h"

#include <QElapsedTimer>
#include <QMetaObject>
#include <QThread>

#include <omp.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace bertlens::ui {

struct HeadsSummaryJob::Running {
    quint64 generation = 0;
    std::atomic<bool> cancel{false};
};

namespace {

// Like the inference worker: below the UI thread's priority, and one engine
// thread (an Encoder sizes its pool by omp_get_max_threads on its thread),
// so a corpus run beside typing leaves a core to the worker on two cores.
void lowerThisThread() {
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    setpriority(PRIO_PROCESS, tid, getpriority(PRIO_PROCESS, tid) + 5);
    omp_set_num_threads(1);
}

}  // namespace

HeadsSummaryJob::HeadsSummaryJob(QObject* parent) : QObject(parent) {}

HeadsSummaryJob::~HeadsSummaryJob() {
    m_pending = nullptr;
    if (m_running) m_running->cancel.store(true);
    if (m_thread) m_thread->wait();
}

quint64 HeadsSummaryJob::start(Work work) {
    m_pending = std::move(work);
    m_pendingGeneration = ++m_generation;
    m_busy = true;
    if (m_running) {
        m_running->cancel.store(true);  // it ends soon; onThreadDone starts the pending one
    } else {
        launch();
    }
    return m_generation;
}

void HeadsSummaryJob::cancel() {
    ++m_generation;  // whatever the running job still reports is dropped
    m_busy = false;
    m_pending = nullptr;
    if (m_running) m_running->cancel.store(true);
}

void HeadsSummaryJob::launch() {
    auto running = std::make_shared<Running>();
    running->generation = m_pendingGeneration;
    Work work = std::move(m_pending);
    m_pending = nullptr;
    m_running = running;

    // Everything the thread reports is posted to this object's thread and
    // dropped there unless it is still the newest generation.
    class PostingReporter : public Reporter {
    public:
        PostingReporter(HeadsSummaryJob* job, quint64 generation) : m_job(job), m_generation(generation) {}
        void progress(const CorpusProgress& p) override {
            if (m_clock.isValid() && m_clock.elapsed() < 50) return;
            m_clock.start();
            const HandOff posting(m_job);
            QMetaObject::invokeMethod(
                m_job,
                [job = m_job, g = m_generation, p] {
                    takeOver(job);
                    if (g == job->m_generation) emit job->progressed(g, p);
                },
                Qt::QueuedConnection);
        }
        void partial(HeadsSummary summary) override {
            auto shared = std::make_shared<const HeadsSummary>(std::move(summary));
            const HandOff posting(m_job);
            QMetaObject::invokeMethod(
                m_job,
                [job = m_job, g = m_generation, shared] {
                    takeOver(job);
                    if (g == job->m_generation) emit job->partialReady(g, shared);
                },
                Qt::QueuedConnection);
        }

    private:
        HeadsSummaryJob* m_job;
        quint64 m_generation;
        QElapsedTimer m_clock;
    };

    QThread* thread = QThread::create([this, running, work = std::move(work)] {
        lowerThisThread();
        PostingReporter reporter(this, running->generation);
        HeadsSummaryPtr summary;
        QString error;
        try {
            summary = std::make_shared<const HeadsSummary>(work(running->cancel, reporter));
        } catch (const Cancelled&) {
            return;
        } catch (const std::bad_alloc&) {
            error = tr("There is not enough memory for this summary.");
        } catch (const std::exception& e) {
            error = safeDisplay(e.what());
        }
        if (running->cancel.load()) return;
        const HandOff posting(this);  // the summary was built here and is read on the UI thread
        QMetaObject::invokeMethod(
            this,
            [this, g = running->generation, summary, error] {
                takeOver(this);
                if (g != m_generation) return;
                m_busy = false;
                if (summary) {
                    emit finished(g, summary);
                } else {
                    emit failed(g, error);
                }
            },
            Qt::QueuedConnection);
    });
    thread->setObjectName(QStringLiteral("head summary"));
    connect(thread, &QThread::finished, this, &HeadsSummaryJob::onThreadDone);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    m_thread = thread;
    thread->start();
}

void HeadsSummaryJob::onThreadDone() {
    m_running.reset();
    m_thread = nullptr;
    if (m_pending) launch();
}

}  // namespace bertlens::ui
