// The "Training" view (issue 16, part 6): watch heads form. It opens a
// pretraining run's snapshot series (SnapshotSeries.h: bertlens-cli train
// --snapshot-every N --snapshots DIR) and shows, for the snapshot chosen
// with a step slider (or played one after the other), the sentence in the
// box run through that snapshot's model: every layer x head attention map
// (the All heads view's grid, embedded), the top 5 words at each [MASK] on
// the 0-100 % axis of the Predictions view, and the whole run's loss curve
// with a marker at the step. Left/Right step, Space plays and pauses.
//
// The snapshot is loaded and analysed by a TrainingJob off the UI thread; a
// newer step or sentence supersedes the one in progress, and each step's
// result is kept (for the sentence shown) so scrubbing back is instant. The
// window's own model is never touched: the other views keep using it.
//
// A series that cannot be opened, or a step whose folder does not load,
// gives a message in the view; the series open before (or the window's
// model and text) stay as they were. With no series open the view says how
// to open one. Exported figure: the grid, the predictions and the curve.
//
// "Pretrain a small model live" (TrainingViewLive.cpp) pretrains a fresh
// 2-layer, 2-head model on a LivePretrainJob into a temporary folder, and
// the view shows that run's series as it grows: the slider gains a position
// per snapshot, and while the last one is shown the view moves on to each
// new one; the loss curve grows every step. Stop ends the run with the
// series written so far, which stays open; Save series as… copies it.
// Opening another series stops the run first (the menu and Open… ask).
//
// UI thread only.
#pragma once

#include "FigureView.h"
#include "LivePretrainJob.h"
#include "TrainingJob.h"

#include <map>
#include <memory>

class QLabel;
class QPushButton;
class QSlider;
class QStackedWidget;
class QTimer;

namespace bertlens::train {
class SnapshotSeries;
}

namespace bertlens::ui {

class LossCurve;
class ModelView;
class PredictionChart;

class TrainingView : public FigureView {
    Q_OBJECT
public:
    explicit TrainingView(QWidget* parent = nullptr);
    ~TrainingView() override;

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override;
    void setTheme(const Theme& theme) override;
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    QString figureName() const override { return QStringLiteral("training"); }
    // It shows a series; the sentence part says itself when there is none.
    bool needsSentence() const override { return false; }

    // Opens DIR's series and shows the snapshot of `step` (or the one
    // before it; -1: the first). False with message() when it is refused;
    // what was shown before stays.
    bool openSeries(const QString& folder, qint64 step = -1);
    // File > Open snapshot series…: asks for the folder (and, while a live
    // run goes on, whether to stop it).
    void chooseSeries();

    // Pretrains the live recipe (livePretrainRecipe) into a new temporary
    // folder, or `recipe` into `folder`. False with message() when it cannot
    // start (the folder cannot be written); what was shown stays.
    bool startLivePretraining();
    bool startLivePretraining(train::TrainOptions recipe, const QString& folder);
    void stopLivePretraining();
    bool isPretraining() const { return m_live.isRunning(); }
    // The series shown is the live run's (going on or ended).
    bool showsLiveSeries() const { return m_showsLive; }
    // Copies the live run's series folder to `folder` (which must not
    // exist); false with message() when it cannot. Not while it runs.
    bool saveSeriesAs(const QString& folder);
    void chooseSaveSeries();
    QString liveText() const;
    LivePretrainJob& liveJob() { return m_live; }
    QPushButton* liveButton() const { return m_liveButton; }
    QPushButton* stopButton() const { return m_stopButton; }
    QPushButton* saveButton() const { return m_saveButton; }
    bool hasSeries() const { return m_series != nullptr; }
    const train::SnapshotSeries* series() const { return m_series.get(); }

    int stepCount() const;
    int stepIndex() const { return m_index; }
    void setStepIndex(int index);
    void play();
    void pause();
    bool isPlaying() const;
    // Time each snapshot stays on screen while playing (tests shorten it).
    void setPlayInterval(int ms);

    // The step's loss as the curve shows it: the loss of that update, NaN
    // at step 0 (no update yet) and where the run's loss was not a number.
    double lossAt(int index) const;
    QString stepText() const;
    QString message() const;
    // The current step's result (null while it is computed, the previous
    // step's maps still in sight, or when it failed).
    AnalysisResultPtr shownResult() const { return m_shown; }
    // The window's sentence the snapshots are run on.
    const std::string& sentence() const { return m_text; }

    QSlider* slider() const { return m_slider; }
    QPushButton* playButton() const { return m_playButton; }
    ModelView* grid() const { return m_grid; }
    PredictionChart* predictions() const { return m_chart; }
    LossCurve* lossCurve() const { return m_curve; }
    TrainingJob& job() { return m_job; }

signals:
    // The current step's result (or its failure) is on screen.
    void stepShown(int index);
    void stepFailed(int index);
    void playbackEnded();
    // The live run's series gained a snapshot (count: the snapshots now).
    void seriesGrew(int count);
    // The live run finished, or was stopped, or failed (message()).
    void livePretrainingEnded(bool stopped);
    void livePretrainingFailed(const QString& message);

private:
    void connectLive();
    void showSeries(SeriesPtr series, qint64 step);
    void growSeries(SeriesPtr series);
    void updateSeriesLabel();
    bool askToStopLive();
    void onLiveStep(quint64 generation, const LiveStep& step);
    void onLiveSnapshot(quint64 generation, const SeriesPtr& series);
    void onLiveEnded(quint64 generation, const SeriesPtr& series, bool stopped);
    void onLiveFailed(quint64 generation, const QString& text);
    void updateLiveControls();
    void showStep();
    void request();
    void onReady(quint64 generation, int index, const AnalysisResultPtr& result);
    void onFailed(quint64 generation, int index, const QString& text);
    void onTick();
    void togglePlay();
    void setMessage(const QString& text);
    void updatePredictions();
    void updateStepLabel();
    void updatePlayButton();

    QStackedWidget* m_pages;
    QLabel* m_emptyText;
    QPushButton* m_emptyOpen;
    QPushButton* m_openButton;
    QPushButton* m_playButton;
    QPushButton* m_emptyLive;
    QPushButton* m_liveButton;
    QPushButton* m_stopButton;
    QPushButton* m_saveButton;
    QLabel* m_liveLabel;
    QWidget* m_liveRow;    // the buttons above and the label, over both pages
    QTimer* m_curveTimer;  // merges the live curve's redraws
    QSlider* m_slider;
    QLabel* m_stepLabel;
    QLabel* m_message;
    QLabel* m_seriesLabel;
    ModelView* m_grid;
    PredictionChart* m_chart;
    LossCurve* m_curve;
    QTimer* m_timer;
    QList<QLabel*> m_labels;

    TrainingJob m_job;
    LivePretrainJob m_live;
    bool m_showsLive = false;        // m_series is the live run's
    bool m_liveAdopted = false;      // the running live run's first snapshot is shown
    std::vector<double> m_liveLoss;  // every step's loss, as reported
    qint64 m_livePlanned = 0;
    LiveStep m_liveStep;
    QString m_liveEnd;    // how the last run ended, for the label
    QString m_liveModel;  // "2 layers × 2 heads, hidden 128"
    QString m_liveSaved;  // where Save series as… put it
    SeriesPtr m_series;
    int m_index = -1;
    std::string m_text;
    std::map<int, AnalysisResultPtr> m_cache;  // per step index, for m_text
    std::map<int, QString> m_failures;          // per step index: why it did not load
    AnalysisResultPtr m_shown;
    Selection m_selection;
    Theme m_theme;
};

}  // namespace bertlens::ui
