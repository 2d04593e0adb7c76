// The "Fine-tune" view (issue 16, part 5): transfer learning watched live.
// The user picks a task of the task table and a training size (100, 300,
// 1,000 or 3,000 examples) and presses Train; the window's model is
// fine-tuned on it, and so is the same architecture from random weights,
// with the same budget and seed (the README's transfer table's recipe: 20,
// 10, 5 or 3 epochs, 500 held-out examples, seed 1), one run after the
// other on a FinetuneJob thread with progress and Cancel, their training
// and held-out losses and held-out accuracy drawn as they come
// (FinetuneCurves). When both are done, the "what changed" map of the
// sentence in the box (ChangeGrid), and buttons to open the fine-tuned
// model in the window (the classifier line then shows its verdict) or save
// it as a Hugging Face folder (copyFolderAtomically).
//
// Refused with a message: no model, a one-way model, one too large for the
// view's time budget (FinetuneCost's estimate for both runs over
// kMaxSeconds). A change of the window's model stops a run in progress;
// Cancel leaves the window's model as it was and nothing on disk.
//
// Exported figure: the curves and the map. UI thread only.
#pragma once

#include "FigureView.h"
#include "FinetuneJob.h"

#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace bertlens::ui {

class ChangeGrid;
class FinetuneCurves;
class FinetuneSource;

class FinetuneView : public FigureView {
    Q_OBJECT
public:
    // Both runs together may take this long by the estimate (FinetuneCost.h).
    static constexpr double kMaxSeconds = 600.0;

    explicit FinetuneView(QWidget* parent = nullptr);
    ~FinetuneView() override;

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override { Q_UNUSED(selection); }
    void setTheme(const Theme& theme) override;
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    // A journal column: the curves stacked, the map under them.
    double minimumFigureWidth() const override { return 220.0 * m_theme.fontScale; }
    double figureHeightForWidth(double width) const override;
    QSizeF figureSize() const override { return QSizeF(1100.0, 780.0); }
    QString figureName() const override { return QStringLiteral("finetune"); }
    // Training runs on the model, not on the sentence in the box.
    bool needsSentence() const override { return false; }

    // The window's model (not owned); without one Train says it needs the window.
    void setSource(FinetuneSource* source);
    // Chooses the task and size and presses Train; false (with message()) when refused.
    bool startTraining(const QString& task, int trainExamples);
    void cancelTraining();
    bool isTraining() const { return m_job.isBusy(); }
    // Opens the fine-tuned model in the window; false when there is none.
    bool loadIntoWindow();
    // Saves the fine-tuned model as a Hugging Face folder; false with message().
    bool saveTo(const QString& folder);

    // Tests keep runs short: epochs and held-out examples instead of the
    // table's recipe (0 = the recipe's); the temporary folders' parent.
    void setBudget(int epochs, int heldOutExamples);
    void setStagingRoot(const QString& folder) { m_stagingRoot = folder; }
    // The recipe's epochs for a training size.
    static int epochsFor(int trainExamples);

    QString message() const;
    QString status() const;
    // For the last run started: its request (model aside) and outcome (null until done).
    const FinetuneRequest& request() const { return m_request; }
    FinetuneOutcomePtr outcome() const { return m_outcome; }
    FinetuneCurves* curves() const { return m_curves; }
    ChangeGrid* grid() const { return m_grid; }
    FinetuneJob& job() { return m_job; }
    FinetuneJob& mapJob() { return m_mapJob; }
    QPushButton* trainButton() const { return m_train; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* loadButton() const { return m_load; }
    QPushButton* saveButton() const { return m_save; }

signals:
    // Both runs ended and the outcome is shown (tests, --finetune with --screenshot).
    void trainingFinished();
    // A held-out evaluation of the from-scratch run was drawn.
    void scratchEvaluated();

private:
    QString refusal(const QString& task, int trainExamples) const;
    QString estimateText() const;
    double estimatedSeconds(const QString& task, int trainExamples) const;
    void updateControls();
    void setMessage(const QString& text, bool error);
    void onProgress(const FinetuneLive& live);
    void onFinished(const FinetuneOutcomePtr& outcome);
    void requestMap();
    QString sentenceText() const;
    void chooseSaveFolder();

    QComboBox* m_taskBox;
    QComboBox* m_sizeBox;
    QPushButton* m_train;
    QPushButton* m_cancel;
    QPushButton* m_load;
    QPushButton* m_save;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_message;
    FinetuneCurves* m_curves;
    ChangeGrid* m_grid;
    QList<QLabel*> m_labels;

    FinetuneJob m_job;
    FinetuneJob m_mapJob;
    FinetuneSource* m_source = nullptr;
    AnalysisResultPtr m_result;
    Theme m_theme;
    FinetuneRequest m_request;  // its model is dropped when the run ends
    FinetuneOutcomePtr m_outcome;
    std::shared_ptr<const Model> m_pretrained;  // of m_outcome, for maps of new sentences
    std::vector<int32_t> m_mapIds;              // the ids of the map shown
    QString m_mapSentence;
    std::vector<std::shared_ptr<QTemporaryDir>> m_kept;  // folders a model was opened from
    int m_epochs = 0, m_heldOut = 0;
    QString m_stagingRoot;
    double m_firstStepSeconds = 0;
};

}  // namespace bertlens::ui
