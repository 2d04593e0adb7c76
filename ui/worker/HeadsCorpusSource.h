// The heads view's way to the window's model for a corpus summary. The view
// never holds the model: it asks this object, which runs summariseCorpus
// (HeadsSummary.h) on a HeadsSummaryJob with the model the AnalysisController
// has at that moment, and cancels the run when the controller changes model
// (the job keeps its own reference, so the old model lives until it stops),
// saying so with modelChanged().
//
// Thread-safety of the model: a Model is immutable after load and shared;
// each Encoder belongs to one thread. The job builds its own Encoder, so it
// runs beside the inference worker's two encoders on the same Model as the
// worker's own two passes already run beside each other (BothMasks.h).
//
// UI thread only.
#pragma once

#include "HeadsSummaryJob.h"

#include <QObject>
#include <QString>

namespace bertlens::ui {

class AnalysisController;

class HeadsCorpusSource : public QObject {
    Q_OBJECT
public:
    explicit HeadsCorpusSource(AnalysisController* controller, QObject* parent = nullptr);

    bool hasModel() const;
    QString modelName() const;
    // Summarises the file with the current model under mask; the job's
    // signals report it. Returns the job's generation.
    quint64 start(const QString& path, MaskMode mask);
    void cancel() { m_job.cancel(); }
    HeadsSummaryJob& job() { return m_job; }

signals:
    // The window's model changed; a run in progress was cancelled.
    void modelChanged(bool runWasCancelled);

private:
    AnalysisController* m_controller;
    HeadsSummaryJob m_job;
};

}  // namespace bertlens::ui
