// Runs the Training view's work off the UI thread: open one snapshot of a
// pretraining series (SnapshotSeries::loadModel), run the sentence through
// it under both mask modes (analyseBothMasks, top 5 at every [MASK]) and
// hand the result back. One request at a time on a QThread of its own, one
// engine thread, below the UI's priority; a newer request supersedes: the
// running one is cancelled between layers and nothing it reports reaches the
// UI, and only the newest waiting request runs after it.
//
//   TrainingJob job;
//   connect(&job, &TrainingJob::ready, view, ...);
//   job.request(series, index, "the dog [MASK] .");
//
// UI thread only (create, call, destroy; signals arrive on it). The
// destructor cancels and waits for the thread.
#pragma once

#include "AnalysisResult.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <memory>
#include <string>

class QThread;

namespace bertlens::train {
class SnapshotSeries;
}

namespace bertlens::ui {

class TrainingJob : public QObject {
    Q_OBJECT
public:
    // The predictions per [MASK] the view shows.
    static constexpr int kTopK = 5;

    explicit TrainingJob(QObject* parent = nullptr);
    ~TrainingJob() override;

    // Analyses text with snapshot `index` of series; returns the generation.
    quint64 request(std::shared_ptr<const train::SnapshotSeries> series, int index, std::string text);
    void cancel();
    bool isBusy() const { return m_busy; }
    quint64 generation() const { return m_generation; }

signals:
    void ready(quint64 generation, int index, const bertlens::ui::AnalysisResultPtr& result);
    // The snapshot did not load, or the text was refused: the message says why.
    void failed(quint64 generation, int index, const QString& message);

private:
    struct Work {
        std::shared_ptr<const train::SnapshotSeries> series;
        int index = -1;
        std::string text;
        quint64 generation = 0;
    };
    struct Running {
        std::atomic<bool> cancel{false};
    };
    void launch();
    void onThreadDone();

    quint64 m_generation = 0;
    bool m_busy = false;
    bool m_hasPending = false;
    Work m_pending;
    std::shared_ptr<Running> m_running;
    QPointer<QThread> m_thread;
};

}  // namespace bertlens::ui
