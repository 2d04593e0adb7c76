// The window's side of the analysis: the current model, text and masked
// tokens; the debounce of edits; request ids; and the stale-result check. It
// owns the InferenceWorker and its thread, and the ModelLoader. Nothing here
// ever waits for the model: requests go to the worker's mailbox and results
// come back as queued signals.
//
//   AnalysisController controller;
//   connect(&controller, &AnalysisController::resultReady, view, ...);
//   controller.loadModel(folder);
//   controller.setText("the dog [MASK] at the mailman .");
//
// UI thread only (its signals are emitted on the UI thread).
#pragma once

#include "AnalysisResult.h"
#include "InferenceWorker.h"
#include "UserMasks.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <string>

class QThread;

namespace bertlens::ui {

class ModelLoader;

class AnalysisController : public QObject {
    Q_OBJECT
public:
    // Edits go to the worker at once: a zero-time timer merges only the
    // edits made in one turn of the event loop (a paste, a replaced text).
    // The worker keeps just the newest request and cancels a run in progress
    // between layers, so waiting for the typing to pause would only add its
    // wait to every keystroke (it did: 30 ms, a third of bert-base's 16-token
    // keystroke); at typing speed most keystrokes now show (tst_responsiveness).

    explicit AnalysisController(WorkerOptions options = {}, QObject* parent = nullptr);
    ~AnalysisController() override;

    // Starts loading in the background; the current model stays in use until
    // the new one has loaded, and stays if it fails.
    void loadModel(const QString& folder);
    // Stops waiting for the load in progress: the current model stays, and
    // the load's outcome is dropped when it comes (Model::load cannot be
    // interrupted; its thread finishes in the background).
    void cancelLoad();
    // Uses an already loaded model at once (tests, batch export).
    void setModel(std::shared_ptr<const Model> model, const QString& folder);
    const std::shared_ptr<const Model>& model() const { return m_model; }
    QString modelName() const { return m_modelName; }
    QString modelFolder() const { return m_modelFolder; }
    bool isLoading() const { return m_loadId != 0; }
    // A loader thread still runs (a cancelled load's too, until it ends).
    bool isLoadThreadRunning() const;

    // The request goes out debounceMs() after the last edit (0 unless set).
    void setText(const QString& text);
    QString text() const { return m_text; }
    // Turns the token at this position of latestResult() into [MASK], or back.
    // Returns false when that token cannot be masked ([CLS], a typed [MASK]).
    bool toggleMask(int position);
    void clearMasks();
    const UserMasks& masks() const { return m_masks; }
    // Sends the current text now (skips the debounce).
    void analyzeNow();
    // Waits this long after the last edit instead (tests that merge edits).
    void setDebounceInterval(int ms) { m_debounce.setInterval(ms); }
    int debounceMs() const { return m_debounce.interval(); }

    // The trained one-way twins of the current model: the folders beside it
    // named FOLDER-l2r and FOLDER-r2l, opened in the background after the
    // model itself (the first result comes without them, the next with).
    const std::shared_ptr<const Model>& leftToRightTwin() const { return m_twins[0]; }
    const std::shared_ptr<const Model>& rightToLeftTwin() const { return m_twins[1]; }
    // What went wrong with a twin folder that exists ("" when nothing did).
    QString twinProblems() const { return m_twinProblems.join(QLatin1Char('\n')); }
    // Looks for twins of this model folder and opens them (setModel does it).
    void loadTwins(const QString& modelFolder);
    // Uses already loaded twins at once (tests, batch export); null for none.
    void setTwins(std::shared_ptr<const Model> leftToRight, std::shared_ptr<const Model> rightToLeft);

    // Ask the worker for attention flow after each result (slow on long
    // texts: only while a view shows it). Turning it on re-sends the current
    // text when the latest result came without flow.
    void setFlowWanted(bool wanted);
    bool flowWanted() const { return m_flowWanted; }

    // Head ablation: heads switched off (gate 0) in both of BERT's passes; the
    // next result reflects them. A model that replaces another starts with
    // every head on; heads set before the first model loads are kept for it
    // (the command line's --ablate), and one it lacks gets the worker's
    // message (analysisFailed).
    // toggleHeadAblation returns false for a head the model does not have.
    bool toggleHeadAblation(int layer, int head);
    void restoreAllHeads();
    void setAblatedHeads(std::vector<HeadRef> heads);
    const std::vector<HeadRef>& ablatedHeads() const { return m_ablated; }
    // The token whose prediction saliency and head importance explain; -1
    // (or a token with no prediction) for the first [MASK]. Re-sends the text.
    void setSaliencyPosition(int position);
    // View > Arithmetic: the next analyses run in this precision.
    void setPrecision(Precision precision);
    Precision precision() const { return m_precision; }
    int saliencyPosition() const { return m_saliencyPosition; }

    AnalysisResultPtr latestResult() const { return m_latest; }
    // The measures of where information flows for latestResult() (null until
    // the worker sends them).
    FlowMeasuresPtr latestMeasures() const { return m_latestMeasures; }
    quint64 latestRequestId() const { return m_lastSubmitted; }
    int resultsDropped() const { return m_dropped; }
    const InferenceWorker& worker() const { return *m_worker; }

signals:
    void resultReady(const bertlens::ui::AnalysisResultPtr& result);
    // An analysis of the current text failed (empty, too long, ...): there is
    // no latest result until the next one (latestResult() is null).
    void analysisFailed(const QString& message);
    // The measures for the latest result arrived (without flow, then with it).
    void measuresReady(const bertlens::ui::FlowMeasuresPtr& measures);
    void modelLoadStarted(const QString& folder);
    void modelChanged(const QString& name);
    void modelLoadFailed(const QString& folder, const QString& message);
    void modelLoadCancelled(const QString& folder);
    // The twins changed (opened, or gone with a new model); problems says
    // which twin folder could not be opened and why, or is empty.
    void twinsChanged(const QString& problems);
    // The set of heads switched off changed (also to none with a new model).
    void ablationChanged();

private:
    void onResult(const AnalysisResultPtr& result);
    void onFailed(quint64 requestId, const QString& message);
    void onMeasures(const FlowMeasuresPtr& measures);
    void onLoaded(quint64 id, const QString& folder, const std::shared_ptr<const Model>& model);
    void onLoadFailed(quint64 id, const QString& folder, const QString& message);
    void onTwinLoaded(quint64 id, const QString& folder, const std::shared_ptr<const Model>& model);
    void onTwinFailed(quint64 id, const QString& folder, const QString& message);

    QThread* m_thread;
    InferenceWorker* m_worker;  // lives on m_thread; deleted after it stops
    ModelLoader* m_loader;
    ModelLoader* m_twinLoader;
    QTimer m_debounce;

    std::shared_ptr<const Model> m_model;
    QString m_modelName, m_modelFolder;
    quint64 m_loadId = 0;  // the load whose outcome counts; 0 when none runs
    QString m_loadFolder;  // what it loads
    std::shared_ptr<const Model> m_twins[2];  // left-to-right, right-to-left
    quint64 m_twinLoads[2] = {0, 0};           // their loads in progress
    QStringList m_twinProblems;

    QString m_text;
    std::u32string m_text32;
    UserMasks m_masks;
    std::vector<HeadRef> m_ablated;
    int m_saliencyPosition = -1;
    Precision m_precision = Precision::F32;
    quint64 m_lastSubmitted = 0;
    AnalysisResultPtr m_latest;
    FlowMeasuresPtr m_latestMeasures;
    bool m_flowWanted = false;
    int m_dropped = 0;
};

}  // namespace bertlens::ui
