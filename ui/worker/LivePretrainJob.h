// The Training view's live pretraining (issue 16, part 6): a fresh small
// BERT (2 layers, 2 heads; livePretrainRecipe) pretrained in the window for
// a few minutes with the bundled model's vocabulary and the project's
// grammar corpus, as `bertlens-cli train` does, writing a snapshot series as
// it goes. One run at a time on a QThread of its own, one engine thread,
// below the UI's priority (like FinetuneJob), so typing, the inference
// worker and the Training view's own snapshot analysis keep going.
//
//   LivePretrainJob job;
//   connect(&job, &LivePretrainJob::snapshotReady, view, ...);  // the series grew
//   job.start(livePretrainRecipe(), "/tmp/bertlens-live-1234");  // series/, then bertlens-live/
//   job.stop();   // between two steps; ended() brings the series written so far
//
// The folder gets series/ (the snapshot series: SnapshotSeries opens it at
// any moment, the recorder writes each snapshot before the series.json that
// lists it, and series.json atomically) and, when the run ends, bertlens-live/ (the
// trained model). stop() keeps every snapshot written and ends the series at
// the last step done; cancel() (and the destructor) stops too but nothing
// more reaches the UI.
//
// UI thread only (create, call, destroy; signals arrive on it). The
// destructor stops the run and waits for its thread.
#pragma once

#include "train/Trainer.h"

#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <memory>

class QThread;

namespace bertlens::train {
class SnapshotSeries;
}

namespace bertlens::ui {

using SeriesPtr = std::shared_ptr<const train::SnapshotSeries>;

// The live model's recipe: 2 layers of 2 heads, hidden 128, a corpus of
// 300,000 generated sentences, 4,000 steps of 2,048 tokens (about 4 minutes
// on one thread), a snapshot every 100 steps (1.1 MB each). Its vocabulary
// is left empty: start() reads the bundled model's vocab.txt into it.
train::TrainOptions livePretrainRecipe();

// One step's progress, as the view shows it.
struct LiveStep {
    qint64 step = 0;
    qint64 steps = 0;
    double loss = 0;  // the loss of this update (series.json's loss[step - 1])
    double stepsPerSecond = 0;
    double remainingSeconds = 0;
};

class LivePretrainJob : public QObject {
    Q_OBJECT
public:
    explicit LivePretrainJob(QObject* parent = nullptr);
    ~LivePretrainJob() override;

    // Starts a run into folder (made when missing); a run still going is
    // cancelled first. options' outDir, snapshotDir, reportEvery and stop are
    // set here. Returns the generation.
    quint64 start(train::TrainOptions options, const QString& folder);
    // Ends the run between two steps; ended() follows with the series.
    void stop();
    // As stop(), and nothing more of this run reaches the UI.
    void cancel();
    bool isRunning() const { return m_busy; }
    bool isStopping() const { return m_busy && m_stopAsked; }
    // A thread is still running (a cancelled run too, until its series is written).
    bool hasThread() const { return m_running != nullptr; }
    quint64 generation() const { return m_generation; }
    QString folder() const { return m_folder; }
    QString seriesFolder() const;

signals:
    void stepDone(quint64 generation, const bertlens::ui::LiveStep& step);
    // A snapshot was written: the series as it is now on disk.
    void snapshotReady(quint64 generation, const bertlens::ui::SeriesPtr& series);
    // The run finished (stopped: false) or was stopped; series is what was
    // written (null if nothing was).
    void ended(quint64 generation, const bertlens::ui::SeriesPtr& series, bool stopped);
    // The run could not start or broke off (the folder cannot be written, the
    // disk is full, the vocabulary is missing): the message says why.
    void failed(quint64 generation, const QString& message);

private:
    struct Running;
    void launch(train::TrainOptions options);
    void onThreadDone();

    quint64 m_generation = 0;
    bool m_busy = false;
    bool m_stopAsked = false;
    QString m_folder;
    std::shared_ptr<Running> m_running;
    QPointer<QThread> m_thread;
    bool m_hasPending = false;
    train::TrainOptions m_pending;
};

}  // namespace bertlens::ui

Q_DECLARE_METATYPE(bertlens::ui::LiveStep)
Q_DECLARE_METATYPE(bertlens::ui::SeriesPtr)
