// Runs head summaries (HeadsSummary.h) off the UI thread, one at a time, and
// hands each back with a queued signal, as hotspot's job tracker does: every
// start() gets a new generation, raises the cancel flag of the job still
// running and waits in a mailbox of one; anything a job reports after a newer
// start() (or cancel()) is dropped, so only the newest request's summary,
// progress or error ever reaches the view.
//
//   HeadsSummaryJob job;
//   connect(&job, &HeadsSummaryJob::finished, view, ...);
//   job.start([result](const std::atomic<bool>& cancel, HeadsSummaryJob::Reporter& r) {
//       r.partial(summariseSentence(*result, mode, false, &cancel));  // the table first
//       return summariseSentence(*result, mode, true, &cancel);       // then the map
//   });
//
// UI thread only (create, call, destroy; signals arrive on it). The work runs
// on a QThread of its own at a lower priority, with one engine thread, so the
// window's worker and the UI keep the cores; the destructor cancels and waits.
#pragma once

#include "HeadsSummary.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace bertlens::ui {

class HeadsSummaryJob : public QObject {
    Q_OBJECT
public:
    // What a job may say while it runs (from its own thread).
    class Reporter {
    public:
        virtual ~Reporter() = default;
        virtual void progress(const CorpusProgress& progress) = 0;  // at most every 50 ms reaches the UI
        virtual void partial(HeadsSummary summary) = 0;             // a first, incomplete summary
    };
    using Work = std::function<HeadsSummary(const std::atomic<bool>& cancel, Reporter& reporter)>;

    explicit HeadsSummaryJob(QObject* parent = nullptr);
    ~HeadsSummaryJob() override;

    // Runs work after the job in progress, which is cancelled; returns its generation.
    quint64 start(Work work);
    // Cancels the job in progress and forgets the waiting one: nothing more is reported.
    void cancel();
    // The newest job has not reported its end yet.
    bool isBusy() const { return m_busy; }
    quint64 generation() const { return m_generation; }
    // A job's thread has not ended yet (a cancelled one too, until it stops).
    bool hasThread() const { return m_running != nullptr; }

signals:
    void progressed(quint64 generation, const bertlens::ui::CorpusProgress& progress);
    void partialReady(quint64 generation, const bertlens::ui::HeadsSummaryPtr& summary);
    void finished(quint64 generation, const bertlens::ui::HeadsSummaryPtr& summary);
    void failed(quint64 generation, const QString& message);

private:
    struct Running;
    void launch();
    void onThreadDone();

    quint64 m_generation = 0;
    bool m_busy = false;
    std::shared_ptr<Running> m_running;  // the job on the thread, or null
    QPointer<QThread> m_thread;
    Work m_pending;
    quint64 m_pendingGeneration = 0;
};

}  // namespace bertlens::ui
