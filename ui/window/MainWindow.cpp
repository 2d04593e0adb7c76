#include "MainWindow.h"
#include "SentenceEdit.h"
#include "TokenStripArea.h"

#include "SafeDisplay.h"

#include "AnalysisController.h"
#include "CompareView.h"
#include "FigureView.h"
#include "FileDropHandler.h"
#include "FinetuneSource.h"
#include "FinetuneView.h"
#include "HeadsCorpusSource.h"
#include "HeadsView.h"
#include "ModelChangedBar.h"
#include "ModelLoader.h"
#include "ModelView.h"
#include "RecentModels.h"
#include "SaliencyBar.h"
#include "SelectionControls.h"
#include "TokenStrip.h"
#include "ViewRegistry.h"
#include "export/AnalysisText.h"

#include <QActionGroup>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace bertlens::ui {

MainWindow::MainWindow(WorkerOptions options, QWidget* parent)
    : QMainWindow(parent), m_controller(new AnalysisController(options, this)), m_theme(Theme::normal()) {
    setWindowTitle(tr("BertLens"));
    QString examplesError;
    m_examples = loadExampleSentences(QStringLiteral(":/bertlens/examples.json"), &examplesError);
    if (!examplesError.isEmpty()) qWarning("BertLens examples: %s", qPrintable(examplesError));
    buildCentralWidget();
    buildMenus();
    buildStatusBar();

    connect(m_controller, &AnalysisController::resultReady, this, &MainWindow::onResult);
    connect(m_controller, &AnalysisController::measuresReady, this, &MainWindow::onMeasures);
    connect(m_controller, &AnalysisController::analysisFailed, this, &MainWindow::onAnalysisFailed);
    connect(m_controller, &AnalysisController::modelLoadStarted, this, &MainWindow::onModelLoadStarted);
    connect(m_controller, &AnalysisController::modelChanged, this, &MainWindow::onModelChanged);
    connect(m_controller, &AnalysisController::modelLoadFailed, this, &MainWindow::onModelLoadFailed);
    connect(m_controller, &AnalysisController::modelLoadCancelled, this, &MainWindow::onModelLoadCancelled);
    connect(m_controller, &AnalysisController::twinsChanged, this, &MainWindow::onTwinsChanged);
    applyTheme();
    resize(1600, 1000);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildCentralWidget() {
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(12, 10, 12, 6);
    layout->setSpacing(6);

    m_sentence = new SentenceEdit(central);
    m_sentence->setObjectName(QStringLiteral("sentence"));
    m_sentence->setPlaceholderText(tr("Type a sentence; write [MASK] where BERT should guess a word"));
    m_sentence->setClearButtonEnabled(true);
    m_sentence->setMaxLength(kMaxTextChars);
    connect(m_sentence, &QLineEdit::textChanged, this,
            [this](const QString& text) { m_textAtLimit = text.size() >= kMaxTextChars; });
    layout->addWidget(m_sentence);

    m_note = new QLabel(central);
    m_note->setWordWrap(true);
    m_note->setVisible(false);
    m_explanation = new QLabel(central);
    m_explanation->setWordWrap(true);
    m_explanation->setVisible(false);
    m_message = new QLabel(central);
    m_message->setObjectName(QStringLiteral("analysisMessage"));
    m_message->setWordWrap(true);
    m_message->setVisible(false);
    m_message->setTextFormat(Qt::PlainText);

    m_tokens = new TokenStrip;
    layout->addWidget(new TokenStripArea(m_tokens, central));
    m_saliency = new SaliencyBar(central);
    layout->addWidget(m_saliency);
    layout->addWidget(m_message);
    m_changedBar = new ModelChangedBar(central);
    layout->addWidget(m_changedBar);
    layout->addWidget(m_explanation);
    layout->addWidget(m_note);

    // One line for a sequence classifier (BertForSequenceClassification):
    // its classes for the text, from the bidirectional pass it was trained with.
    m_classification = new QLabel(central);
    m_classification->setObjectName(QStringLiteral("classification"));
    m_classification->setTextFormat(Qt::PlainText);
    m_classification->setWordWrap(true);
    m_classification->setVisible(false);
    layout->addWidget(m_classification);

    m_controls = new SelectionControls(central);
    layout->addWidget(m_controls);

    m_tabs = new QTabWidget(central);
    m_tabs->setDocumentMode(true);
    const std::vector<ViewEntry>& entries = viewEntries();
    m_views = createAllViews(m_tabs);
    m_given.resize(m_views.size());
    for (size_t i = 0; i < m_views.size(); ++i) {
        m_tabs->addTab(m_views[i], entries[i].title);
        connect(m_views[i], &FigureView::selectionRequested, this, [this](const Selection& s) {
            m_controls->setSelection(s);
            setCurrentView(QStringLiteral("head"));
        });
        connectAblation(m_views[i]);
        connect(m_views[i], &FigureView::needsSentenceChanged, this,
                [this, v = m_views[i]] { v->showNothingAnalysed(nothingAnalysedReason(), m_theme); });
    }
    // The heads view's corpus summaries run with the window's model.
    if (auto* heads = qobject_cast<HeadsView*>(view(QStringLiteral("heads"))))
        heads->setCorpusSource(new HeadsCorpusSource(m_controller, heads));
    // The fine-tune view trains the window's model and can open the result in it.
    if (auto* finetune = qobject_cast<FinetuneView*>(view(QStringLiteral("finetune"))))
        finetune->setSource(new FinetuneSource(m_controller, finetune));
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    connect(m_sentence, &QLineEdit::textChanged, m_controller, &AnalysisController::setText);
    // With no result shown, the panel's reason follows the box (empty or not)
    // at once, model or no model.
    connect(m_sentence, &QLineEdit::textChanged, this, [this] {
        if (!m_result) syncView(m_tabs->currentIndex());
    });
    connect(m_tokens, &TokenStrip::tokenClicked, m_controller, &AnalysisController::toggleMask);
    connect(m_saliency, &SaliencyBar::positionChosen, m_controller, &AnalysisController::setSaliencyPosition);
    connect(m_saliency, &SaliencyBar::restoreHeadsRequested, m_controller, &AnalysisController::restoreAllHeads);
    connect(m_saliency, &SaliencyBar::valuesChanged, this, &MainWindow::refreshTokenSaliency);
    connect(m_controls, &SelectionControls::selectionChanged, this, &MainWindow::onSelectionChanged);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::syncView);
    connect(m_changedBar, &ModelChangedBar::reloadRequested, this, &MainWindow::openModel);

    // Files dropped on the window or the sentence box: a model folder opens,
    // a UTF-8 text file becomes the sentence, anything else says why not.
    m_drops = new FileDropHandler(kMaxTextChars, this);
    m_drops->watch(this);
    m_drops->watch(m_sentence);
    connect(m_drops, &FileDropHandler::openModelRequested, this, &MainWindow::openModel);
    connect(m_drops, &FileDropHandler::textDropped, m_sentence, &QLineEdit::setText);
    connect(m_drops, &FileDropHandler::dropRefused, this, &MainWindow::showMessage);
}

void MainWindow::connectAblation(FigureView* view) {
    // The model grid switches heads off and on (Ctrl+click, right-click).
    if (auto* grid = qobject_cast<ModelView*>(view)) {
        connect(grid, &ModelView::headAblationRequested, m_controller, &AnalysisController::toggleHeadAblation);
        connect(grid, &ModelView::restoreHeadsRequested, m_controller, &AnalysisController::restoreAllHeads);
    }
}

void MainWindow::refreshTokenSaliency() {
    m_tokens->setSaliency(m_saliency->tokenValues(), m_saliency->explainedPosition());
}

void MainWindow::buildStatusBar() {
    m_statusModel = new QLabel(this);
    m_statusTokens = new QLabel(this);
    m_statusTime = new QLabel(this);
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);  // busy indicator: the load reports no fraction
    m_busy->setMaximumWidth(160);
    m_busy->setVisible(false);
    m_cancelLoad = new QToolButton(this);
    m_cancelLoad->setObjectName(QStringLiteral("cancelLoad"));
    m_cancelLoad->setText(tr("Cancel"));
    m_cancelLoad->setToolTip(tr("Stop loading and keep the current model"));
    m_cancelLoad->setVisible(false);
    connect(m_cancelLoad, &QToolButton::clicked, m_controller, &AnalysisController::cancelLoad);
    statusBar()->addWidget(m_statusModel);
    statusBar()->addWidget(m_busy);
    statusBar()->addWidget(m_cancelLoad);
    statusBar()->addPermanentWidget(m_statusTokens);
    statusBar()->addPermanentWidget(m_statusTime);
    m_statusModel->setText(tr("No model loaded"));
    updateStatusTokens();
}

void MainWindow::openModel(const QString& folder) {
    m_controller->loadModel(folder);
}

void MainWindow::setModelNote(const QString& note) {
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

void MainWindow::setText(const QString& text) {
    m_sentence->setText(text);
}

void MainWindow::showExample(int index) {
    if (index < 0 || index >= m_examples.size()) return;
    const ExampleSentence& e = m_examples[index];
    m_controller->clearMasks();
    m_sentence->setText(e.text);
    m_explanation->setText(
        QStringLiteral("<b>%1 — %2.</b> %3")
            .arg(e.category.toHtmlEscaped(), e.title.toHtmlEscaped(), e.explanation.toHtmlEscaped()));
    m_explanation->setVisible(true);
    if (!e.view.isEmpty()) setCurrentView(e.view);
    ComparePartner partner;
    if (auto* compare = qobject_cast<CompareView*>(view(QStringLiteral("compare")));
        compare && parsePartner(e.compareWith, partner)) {
        compare->setPartner(partner);
    }
    if (e.layer >= 0 || e.head >= 0) {
        Selection s = m_controls->selection();
        if (e.layer >= 0) s.layer = e.layer;
        if (e.head >= 0) {
            s.head = e.head;
            s.averageHeads = false;
        }
        m_controls->setSelection(s);
    }
}

FigureView* MainWindow::view(const QString& name) const {
    for (FigureView* v : m_views) {
        if (v->figureName() == name) return v;
    }
    return nullptr;
}

FigureView* MainWindow::currentView() const {
    return qobject_cast<FigureView*>(m_tabs->currentWidget());
}

void MainWindow::setCurrentView(const QString& name) {
    if (FigureView* v = view(name)) m_tabs->setCurrentWidget(v);
}

void MainWindow::syncView(int index) {
    if (index < 0 || index >= static_cast<int>(m_views.size())) return;
    Given& given = m_given[static_cast<size_t>(index)];
    FigureView* v = m_views[static_cast<size_t>(index)];
    if (!given.fresh || given.theme != m_themeGeneration) v->setTheme(m_theme);
    // Selection first: a view then draws the new result once, for the right head.
    if (!given.fresh || given.selection != m_selection) v->setSelection(m_selection);
    if (!given.fresh || given.result != m_result) v->setResult(m_result);
    if (!given.fresh || given.result != m_result || given.measures != m_measures) v->setMeasures(m_measures);
    v->showNothingAnalysed(nothingAnalysedReason(), m_theme);
    given = {m_result, m_measures, m_selection, m_themeGeneration, true};
    if (index == m_tabs->currentIndex()) m_controller->setFlowWanted(v->wantsFlow());
}

void MainWindow::syncAllViews() {
    for (int i = 0; i < static_cast<int>(m_views.size()); ++i) syncView(i);
}

namespace {
QString textCutNote() {
    return MainWindow::tr(
               "The sentence box holds at most %1 characters: a longer text pasted or dropped into it is "
               "cut there.")
        .arg(MainWindow::kMaxTextChars);
}
}  // namespace

void MainWindow::onMeasures(const FlowMeasuresPtr& measures) {
    if (!m_result || !measures || measures->requestId != m_result->requestId) return;
    m_measures = measures;
    m_saliency->setMeasures(measures);
    syncView(m_tabs->currentIndex());
}

QString MainWindow::nothingAnalysedReason() const {
    if (m_result) return QString();
    if (m_sentence->text().trimmed().isEmpty()) return tr("The box is empty — type a sentence.");
    if (!m_failure.isEmpty()) {
        QString reason = m_failure;
        reason[0] = reason[0].toUpper();
        return reason;
    }
    if (m_controller->isLoading()) return tr("The model is still loading.");
    if (!m_controller->model()) return tr("No model is loaded: open one with File > Open model.");
    return tr("The sentence is being analysed…");
}

void MainWindow::updateStatusTokens() {
    if (!m_result) {
        m_statusTokens->setText(tr("Nothing analysed"));
        m_statusTime->clear();
        return;
    }
    const int n = m_result->tokenCount();
    m_statusTokens->setText(n == 1 ? tr("1 token") : tr("%1 tokens").arg(n));
    const bool bf16 = m_result->bidirectional.precision == Precision::Bf16;
    m_statusTime->setText(bf16 ? tr("%1 ms per run (both masks, BFloat16)").arg(m_result->elapsedMs, 0, 'f', 1)
                               : tr("%1 ms per run (both masks)").arg(m_result->elapsedMs, 0, 'f', 1));
}

// Nothing of the current text was analysed: the views, the token strip and
// the status bar let go of the earlier text's result, and the sentence
// views say why instead (never an earlier sentence shown as this one's).
void MainWindow::clearResult(const QString& failure) {
    m_failure = failure;
    m_result = nullptr;
    m_measures = nullptr;
    m_classification->setVisible(false);
    m_tokens->setResult(nullptr);
    m_saliency->setResult(nullptr);
    refreshTokenSaliency();
    syncView(m_tabs->currentIndex());
    updateStatusTokens();
    emit resultCleared(nothingAnalysedReason());
}

void MainWindow::onResult(const AnalysisResultPtr& result) {
    m_result = result;
    m_failure.clear();
    m_measures = nullptr;  // the worker sends this result's next
    if (m_textAtLimit) {
        showMessage(textCutNote());
    } else {
        m_message->setVisible(false);
    }
    // "[mask]" is not BERT's mask token: the tokenizer matches it exactly.
    static const QRegularExpression anyCaseMask(QStringLiteral("\\[mask\\]"), QRegularExpression::CaseInsensitiveOption);
    for (auto it = anyCaseMask.globalMatch(QString::fromStdString(result->text)); it.hasNext();) {
        const QString found = it.next().captured();
        if (found != QLatin1String("[MASK]")) {
            showMessage(tr("\"%1\" is read as ordinary letters: write [MASK] in capitals for BERT to guess the word.")
                            .arg(found));
            break;
        }
    }
    const Classification& verdict = result->bidirectional.classification;
    m_classification->setVisible(verdict.present());
    if (verdict.present()) {
        m_classification->setText(
            tr("Classifier (bidirectional pass): %1").arg(QString::fromStdString(classificationText(verdict))));
    }
    m_tokens->setResult(result);
    m_saliency->setResult(result);
    syncView(m_tabs->currentIndex());
    updateStatusTokens();
    emit resultShown(result);
}

void MainWindow::onAnalysisFailed(const QString& message) {
    // Not a dialog: the user is typing. The red line says what is wrong, and
    // the views let go of the earlier text's result.
    const QString full = m_textAtLimit ? message + QLatin1Char('\n') + textCutNote() : message;
    showMessage(full);
    clearResult(full);
}

void MainWindow::showMessage(const QString& message) {
    m_message->setText(message);
    m_message->setVisible(true);
}

void MainWindow::onModelLoadStarted(const QString& folder) {
    m_busy->setVisible(true);
    m_cancelLoad->setVisible(true);
    m_statusModel->setText(tr("Loading %1…").arg(QDir::toNativeSeparators(folder)));
    syncView(m_tabs->currentIndex());  // "the model is still loading"
}

void MainWindow::updateModelStatus() {
    m_busy->setVisible(m_controller->isLoading());
    m_cancelLoad->setVisible(m_controller->isLoading());
    if (!m_result) syncView(m_tabs->currentIndex());  // the panel's reason may have changed
    if (!m_controller->model()) {
        m_statusModel->setText(tr("No model loaded"));
        return;
    }
    const ModelConfig& c = m_controller->model()->config();
    m_statusModel->setText(tr("%1 · %2 layers × %3 heads · hidden %4")
                               .arg(m_controller->modelName())
                               .arg(c.layers)
                               .arg(c.heads)
                               .arg(c.hidden));
}

void MainWindow::onModelChanged(const QString& name) {
    updateModelStatus();
    const ModelConfig& c = m_controller->model()->config();
    m_controls->setModelShape(c.layers, c.heads);
    setWindowTitle(tr("BertLens — %1").arg(name));
    RecentModels::add(m_controller->modelFolder());
    rebuildRecentMenu();
    m_changedBar->watch(m_controller->modelFolder());
    // Nothing will be analysed until something is typed: say so now.
    if (m_sentence->text().isEmpty()) clearResult(QString());
}

void MainWindow::onModelLoadCancelled(const QString& folder) {
    updateModelStatus();
    const QString still =
        m_controller->model() ? tr("still using %1").arg(m_controller->modelName()) : tr("no model is loaded");
    statusBar()->showMessage(tr("Stopped loading %1; %2.").arg(QDir::toNativeSeparators(folder), still), 8000);
}

// A twin folder that is there but unusable is worth a line, not a dialog:
// the compare view falls back to BERT's own mask and says so.
void MainWindow::onTwinsChanged(const QString& problems) {
    if (problems.isEmpty()) return;
    statusBar()->showMessage(
        tr("%1. The compare view shows BERT's own weights under a left-to-right mask instead.")
            .arg(safeDisplay(QString(problems).replace(QLatin1Char('\n'), QStringLiteral("; ")))),
        15000);
}

void MainWindow::onModelLoadFailed(const QString& folder, const QString& message) {
    updateModelStatus();
    const QString current = m_controller->model() ? m_controller->modelName() : QString();
    // window-modal, never blocks the event loop
    QMessageBox* box = warnPlain(this, tr("Cannot open the model"), message, QStringLiteral("modelLoadError"));
    const QString where = tr("Folder: %1").arg(safeDisplayQuote(QDir::toNativeSeparators(folder), 200));
    box->setInformativeText(current.isEmpty() ? where
                                              : where + QLatin1Char('\n') + tr("Still using %1.").arg(safeDisplay(current)));
}

void MainWindow::onSelectionChanged(const Selection& selection) {
    m_selection = selection;
    m_saliency->setMaskMode(selection.maskMode);
    syncView(m_tabs->currentIndex());
}

void MainWindow::setColorMap(ColorMap map) {
    m_colorMap = map;
    if (m_colorMapGroup) {
        for (QAction* a : m_colorMapGroup->actions()) a->setChecked(a->data().toInt() == static_cast<int>(map));
    }
    applyTheme();
}

void MainWindow::setPresentationMode(bool on) {
    m_presentation = on;
    if (m_presentationAction) m_presentationAction->setChecked(on);
    // Every pixel for the figure: no menu or status bar (F11 or Esc leaves).
    menuBar()->setVisible(!on);
    statusBar()->setVisible(!on);
    if (on) {
        showFullScreen();
    } else {
        showNormal();
    }
    applyTheme();
}

void MainWindow::applyTheme() {
    m_theme = m_presentation ? Theme::presentation() : Theme::normal();
    m_theme.colorMap = m_colorMap;
    m_theme.fontScale *= m_textScale;
    m_sentence->setFont(m_theme.font(18));
    m_sentence->setMinimumHeight(QFontMetrics(m_sentence->font()).height() + 16);
    const QFont body = m_theme.font(10);
    for (QWidget* w : {static_cast<QWidget*>(m_controls), static_cast<QWidget*>(m_tabs->tabBar()),
                       static_cast<QWidget*>(m_explanation), static_cast<QWidget*>(m_note)}) {
        w->setFont(body);
    }
    statusBar()->setFont(body);
    for (QLabel* l : {m_statusModel, m_statusTokens, m_statusTime}) l->setFont(body);
    m_message->setFont(m_theme.font(11, true));
    m_classification->setFont(m_theme.font(12, true));  // the answer a class reads first
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_note->setStyleSheet(QStringLiteral("color: #8a4b00;"));
    m_tokens->setTheme(m_theme);
    m_saliency->setTheme(m_theme);
    // Hidden views take the theme when they are shown (syncView): a theme
    // change redraws one figure, not all of them.
    ++m_themeGeneration;
    syncView(m_tabs->currentIndex());
}

}  // namespace bertlens::ui
