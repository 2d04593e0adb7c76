// The BertLens window: the sentence box and its token strip, the layer/head
// controls, the views in tabs, the menus and the status bar. It wires the
// AnalysisController (worker thread, model loading) to the views; the views
// never see the model, only results.
//
// Views hidden behind another tab are brought up to date when shown, so a
// keystroke costs the UI thread only the visible view's redraw.
//
// The menus are built in MainWindowMenus.cpp. UI thread only.
#pragma once

#include "AnalysisResult.h"
#include "ExampleSentences.h"
#include "InferenceWorker.h"
#include "Selection.h"
#include "Theme.h"
#include "WindowSettings.h"

#include <QMainWindow>

#include <vector>

class QActionGroup;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QTabWidget;
class QToolButton;

namespace bertlens::ui {

class AnalysisController;
class FigureView;
class FileDropHandler;
class ModelChangedBar;
class SaliencyBar;
class SelectionControls;
class TokenStrip;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // The sentence box holds at most this many characters (QLineEdit's own
    // default), far more than any BERT reads (512 tokens are a few thousand
    // characters); a longer paste or drop is cut there and the red line says
    // so (SentenceEdit cuts a paste before inserting it). Not more: QLineEdit
    // cuts an over-long insert() in quadratic time, as
    // measured here for a 1 MB paste: 53 ms to cut it to 32767 characters,
    // 450 ms to 100000, 4.4 s to 300000; and it lays its whole line out again
    // on every keystroke (14 ms at 32767, 285 ms at 1M).
    static constexpr int kMaxTextChars = 32767;

    explicit MainWindow(WorkerOptions options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Loads in the background; a failure opens a (non-blocking) dialog with the
    // engine's message, named "modelLoadError", and keeps the current model.
    void openModel(const QString& folder);
    // A line under the sentence saying what is special about this model.
    void setModelNote(const QString& note);
    void setText(const QString& text);
    void showExample(int index);
    void setPresentationMode(bool on);
    void setColorMap(ColorMap map);
    // View > Arithmetic: float32 (exact) or bfloat16 (faster); remembered.
    void setPrecision(Precision precision);
    void setCurrentView(const QString& name);
    // View > Larger / Smaller text: every font of the window and its figures
    // (exports too) times this, on top of presentation mode's.
    void setTextScale(double scale);
    double textScale() const { return m_textScale; }

    // What the window remembers between runs (MainWindowSettings.cpp). The
    // window saves it on close only when told to (main.cpp does; tests do
    // not, so they never touch the user's settings).
    RememberedState remembered() const;
    void applyRemembered(const RememberedState& state);
    void setSaveSettingsOnClose(bool on) { m_saveSettingsOnClose = on; }
    // The red line under the sentence (not a dialog): analysis errors, a
    // refused drop. It goes when the next result is shown.
    void showMessage(const QString& message);

    AnalysisController& controller() { return *m_controller; }
    QLineEdit* sentenceEdit() const { return m_sentence; }
    TokenStrip* tokenStrip() const { return m_tokens; }
    SaliencyBar* saliencyBar() const { return m_saliency; }
    SelectionControls* selectionControls() const { return m_controls; }
    QLabel* messageLabel() const { return m_message; }
    QLabel* explanationLabel() const { return m_explanation; }
    QLabel* classificationLabel() const { return m_classification; }
    ModelChangedBar* modelChangedBar() const { return m_changedBar; }
    QToolButton* cancelLoadButton() const { return m_cancelLoad; }
    FileDropHandler* fileDrops() const { return m_drops; }
    const QList<ExampleSentence>& examples() const { return m_examples; }
    const std::vector<FigureView*>& views() const { return m_views; }
    FigureView* view(const QString& name) const;
    FigureView* currentView() const;
    // Brings every view, shown or not, up to date (export, tests).
    void syncAllViews();
    Selection selection() const { return m_selection; }
    const Theme& theme() const { return m_theme; }
    // The result the views show: the current text's, or null when nothing
    // is analysed (the box is empty, the text was refused, no model yet);
    // then nothingAnalysedReason() says why, as the sentence views' panel does.
    AnalysisResultPtr shownResult() const { return m_result; }
    QString nothingAnalysedReason() const;
    QLabel* statusTokensLabel() const { return m_statusTokens; }
    FlowMeasuresPtr shownMeasures() const { return m_measures; }

signals:
    void resultShown(const bertlens::ui::AnalysisResultPtr& result);
    // The views no longer show a result (the current text has none): why.
    void resultCleared(const QString& reason);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildCentralWidget();
    void buildMenus();
    void buildStatusBar();
    void rebuildRecentMenu();
    void chooseModelFolder();
    void showShortcuts();

    void onResult(const AnalysisResultPtr& result);
    void onMeasures(const FlowMeasuresPtr& measures);
    void onAnalysisFailed(const QString& message);
    void onModelLoadStarted(const QString& folder);
    void onModelChanged(const QString& name);
    void updateModelStatus();
    void onModelLoadFailed(const QString& folder, const QString& message);
    void onModelLoadCancelled(const QString& folder);
    void onTwinsChanged(const QString& problems);
    void onSelectionChanged(const Selection& selection);
    void syncView(int index);
    void applyTheme();
    void refreshTokenSaliency();
    void connectAblation(FigureView* view);
    void clearResult(const QString& failure);
    void updateStatusTokens();

    AnalysisController* m_controller;
    QLineEdit* m_sentence = nullptr;
    QLabel* m_explanation = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_note = nullptr;
    QLabel* m_classification = nullptr;  // a sequence classifier's verdict on the text
    TokenStrip* m_tokens = nullptr;
    SaliencyBar* m_saliency = nullptr;
    SelectionControls* m_controls = nullptr;
    QTabWidget* m_tabs = nullptr;
    std::vector<FigureView*> m_views;
    struct Given {  // what each view was last handed
        AnalysisResultPtr result;
        FlowMeasuresPtr measures;
        Selection selection;
        quint64 theme = 0;  // m_themeGeneration when it was handed m_theme
        bool fresh = false;
    };
    std::vector<Given> m_given;

    QLabel* m_statusModel = nullptr;
    QLabel* m_statusTokens = nullptr;
    QLabel* m_statusTime = nullptr;
    QProgressBar* m_busy = nullptr;
    QToolButton* m_cancelLoad = nullptr;
    ModelChangedBar* m_changedBar = nullptr;
    FileDropHandler* m_drops = nullptr;
    QMenu* m_recentMenu = nullptr;
    QAction* m_presentationAction = nullptr;
    QActionGroup* m_colorMapGroup = nullptr;
    QActionGroup* m_precisionGroup = nullptr;

    QList<ExampleSentence> m_examples;
    AnalysisResultPtr m_result;
    FlowMeasuresPtr m_measures;  // for m_result, or null
    QString m_failure;           // why the current text has no result, or ""
    Selection m_selection;
    Theme m_theme;
    ColorMap m_colorMap = ColorMap::Viridis;
    bool m_presentation = false;
    double m_textScale = 1.0;
    quint64 m_themeGeneration = 0;  // counts applyTheme() calls
    bool m_saveSettingsOnClose = false;
    bool m_textAtLimit = false;  // the sentence box is full: a longer text was cut to fit
};

}  // namespace bertlens::ui
