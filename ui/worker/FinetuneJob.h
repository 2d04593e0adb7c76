// Runs the Fine-tune view's work (FinetuneRun.h) off the UI thread, one job
// at a time, on a QThread of its own at a lower priority and with one
// engine thread (like HeadsSummaryJob), so typing and the inference worker
// keep going while a model trains. Each start() gets a new generation;
// cancel() raises the running job's flag and from then on nothing it
// reports reaches the UI. Progress comes as queued signals, every report of
// the Finetuner (they are the curves' points, so none is dropped).
//
//   FinetuneJob job;
//   connect(&job, &FinetuneJob::progressed, view, ...);
//   job.start([request](const std::atomic<bool>& cancel, FinetuneJob::Report report) {
//       return runFinetunePair(request, cancel, report);
//   });
//
// UI thread only (create, call, destroy; signals arrive on it). The
// destructor cancels and waits for the thread.
#pragma once

#include "FinetuneRun.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace bertlens::ui {

class FinetuneJob : public QObject {
    Q_OBJECT
public:
    using Report = std::function<void(const FinetuneLive&)>;
    using Work = std::function<FinetuneOutcome(const std::atomic<bool>& cancel, const Report& report)>;

    explicit FinetuneJob(QObject* parent = nullptr);
    ~FinetuneJob() override;

    // Starts work; a job still running is cancelled first (its thread ends
    // on its own, and the new one waits for it). Returns the generation.
    quint64 start(Work work);
    void cancel();
    // The newest job has not reported its end yet.
    bool isBusy() const { return m_busy; }
    // A thread is still running (a cancelled job too, until it has cleaned up).
    bool hasThread() const { return m_running != nullptr; }
    quint64 generation() const { return m_generation; }

signals:
    void progressed(quint64 generation, const bertlens::ui::FinetuneLive& live);
    void finished(quint64 generation, const bertlens::ui::FinetuneOutcomePtr& outcome);
    void failed(quint64 generation, const QString& message);
    // A job's thread ended, cancelled or not: its temporary files are gone
    // unless its outcome was delivered.
    void threadEnded();

private:
    struct Running;
    void launch();
    void onThreadDone();

    quint64 m_generation = 0;
    bool m_busy = false;
    std::shared_ptr<Running> m_running;
    QPointer<QThread> m_thread;
    Work m_pending;
    quint64 m_pendingGeneration = 0;
};

}  // namespace bertlens::ui
