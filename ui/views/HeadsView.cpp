#include "HeadsView.h"

#include "HeadMap.h"
#include "HeadMatrix.h"
#include "HeadStatisticKinds.h"
#include "HeadsCorpusSource.h"
#include "HeadsSourceBar.h"
#include "HeadsTableModel.h"
#include "SafeDisplay.h"
#include "SelectedAttention.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QResizeEvent>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace bertlens::ui {

namespace {

// Summaries this small are computed on the UI thread as the result arrives;
// larger ones on the job. Measured on this project's 2-core machine (Release,
// tests/core/bench_heads_summary.cpp): the statistics cost 5 to 9 ns per attention
// weight (layers x heads x n²) and the map about 2.5 ns per pair of heads and weight
// (pairs x n²), so each bound below is a few milliseconds.
constexpr double kInlineWeights = 1 << 20;
constexpr double kInlinePairWeights = 1 << 21;
// The table's largest share of the view's width.
constexpr double kTableShare = 0.45;

}  // namespace

HeadsView::HeadsView(QWidget* parent)
    : FigureView(parent),
      m_bar(new HeadsSourceBar(this)),
      m_kindBox(new QComboBox(this)),
      m_kindLabel(new QLabel(tr("Colour the matrix by:"), this)),
      m_split(new QSplitter(Qt::Horizontal, this)),
      m_table(new QTableView(m_split)),
      m_model(new HeadsTableModel(this)),
      m_sorted(new QSortFilterProxyModel(this)),
      m_matrix(new HeadMatrix),
      m_map(new HeadMap),
      m_theme(Theme::normal()) {
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(HeadsTableModel::kSortRole);
    m_table->setObjectName(QStringLiteral("headsTable"));
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(0, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setVisible(false);
    // Sized by fitTable(), so that a capped table shows whole columns only.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerItem);
    m_table->horizontalHeader()->setToolTip(tr("Click a column to sort by it"));
    m_table->setToolTip(tr("Click a head to open it"));
    connect(m_table, &QTableView::clicked, this, [this](const QModelIndex& index) {
        const QPoint head = index.data(HeadsTableModel::kHeadRole).toPoint();
        requestHead(head.x(), head.y());
    });
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex& index) {
        const QPoint head = index.data(HeadsTableModel::kHeadRole).toPoint();
        requestHead(head.x(), head.y());
    });

    m_kindBox->setObjectName(QStringLiteral("headsStatistic"));
    for (const HeadStatisticKind& k : headStatisticKinds())
        m_kindBox->addItem(QStringLiteral("%1 (%2)").arg(k.title, k.unit));
    connect(m_kindBox, &QComboBox::currentIndexChanged, this, [this](int i) { m_matrix->setKind(std::max(i, 0)); });
    connect(m_matrix, &HeadMatrix::headClicked, this, &HeadsView::requestHead);
    connect(m_map, &HeadMap::headClicked, this, &HeadsView::requestHead);

    auto* right = new QWidget(m_split);
    auto* chooser = new QHBoxLayout;
    chooser->addWidget(m_kindLabel);
    chooser->addWidget(m_kindBox);
    chooser->addStretch(1);
    auto* pictures = new QSplitter(Qt::Vertical, right);
    pictures->addWidget(m_matrix);
    pictures->addWidget(m_map);
    pictures->setChildrenCollapsible(false);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(chooser);
    rightLayout->addWidget(pictures, 1);
    m_split->addWidget(m_table);
    m_split->addWidget(right);
    m_split->setStretchFactor(0, 4);
    m_split->setStretchFactor(1, 6);
    m_split->setChildrenCollapsible(false);
    // The summary under the corpus bar, in a box of its own: what the
    // "Nothing is analysed" panel covers (a splitter would take the panel
    // for a pane of its own).
    m_body = new QWidget(this);
    auto* body = new QVBoxLayout(m_body);
    body->setContentsMargins(0, 0, 0, 0);
    body->addWidget(m_split);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_bar);
    layout->addWidget(m_body, 1);

    connect(m_bar, &HeadsSourceBar::corpusClicked, this, &HeadsView::chooseCorpusFile);
    connect(m_bar, &HeadsSourceBar::backClicked, this, &HeadsView::showSentence);
    connect(m_bar, &HeadsSourceBar::cancelClicked, this, &HeadsView::cancelCorpus);
    auto onSentence = [this](quint64, const HeadsSummaryPtr& summary) {
        m_sentence = summary;  // the job drops anything but the newest request's
        m_sentenceFor = m_jobFor;
        if (!m_showCorpus) display(m_sentence);
    };
    connect(&m_job, &HeadsSummaryJob::partialReady, this, onSentence);
    connect(&m_job, &HeadsSummaryJob::finished, this, onSentence);
    connect(&m_job, &HeadsSummaryJob::failed, this, [this](quint64, const QString& message) {
        m_bar->setMessage(tr("This sentence could not be summarised: %1").arg(message));
        m_map->setPlaceholder(tr("No map: %1").arg(message));
    });
    updateCorpusButton();
    refreshSource();
}

HeadsView::~HeadsView() = default;

void HeadsView::setResult(const AnalysisResultPtr& result) {
    m_result = result;
    requestSentenceSummary();
}

void HeadsView::setSelection(const Selection& selection) {
    const bool maskChanged = selection.maskMode != m_selection.maskMode;
    m_selection = selection;
    const int head = selection.averageHeads ? -1 : selection.head;
    m_model->setSelectedHead(selection.layer, head);
    m_matrix->setSelectedHead(selection.layer, head);
    m_map->setSelectedHead(selection.layer, head);
    if (maskChanged) requestSentenceSummary();
}

void HeadsView::setTheme(const Theme& theme) {
    m_theme = theme;
    m_bar->setTheme(theme);
    m_kindBox->setFont(theme.font(10));
    m_kindLabel->setFont(theme.font(10));
    m_table->setFont(theme.font(10));
    m_table->horizontalHeader()->setFont(theme.font(10, true));
    m_table->verticalHeader()->setDefaultSectionSize(QFontMetrics(theme.font(10)).height() + 6);
    m_matrix->setTheme(theme);
    m_map->setTheme(theme);
    fitTable();
}

void HeadsView::setCorpusSource(HeadsCorpusSource* source) {
    m_corpus = source;
    if (source) {
        HeadsSummaryJob& job = source->job();
        connect(&job, &HeadsSummaryJob::progressed, this,
                [this](quint64, const CorpusProgress& p) { m_bar->setProgress(p); });
        connect(&job, &HeadsSummaryJob::finished, this,
                [this](quint64, const HeadsSummaryPtr& s) { onCorpusFinished(s); });
        connect(&job, &HeadsSummaryJob::failed, this, [this](quint64, const QString& message) {
            m_bar->setIdle();
            m_bar->setMessage(message + QLatin1Char(' ') + tr("The summary shown stays."));
            updateCorpusButton();
        });
        connect(source, &HeadsCorpusSource::modelChanged, this, [this](bool runWasCancelled) {
            if (runWasCancelled) {
                m_bar->setIdle();
                m_bar->setMessage(
                    tr("The model changed, so the corpus summary was stopped: summarise the file again "
                       "to see it with the new model."));
            }
            if (m_showCorpus) {
                setShowCorpus(false);
                m_corpusSummary = nullptr;
                display(m_sentence);
                m_bar->setMessage(
                    tr("The model changed: the corpus summary was of the previous model, so this "
                       "sentence is shown again."));
            }
            updateCorpusButton();
        });
    }
    updateCorpusButton();
}

bool HeadsView::corpusRunning() const {
    return m_corpus && m_corpus->job().isBusy();
}

void HeadsView::updateCorpusButton() {
    if (!m_corpus) {
        m_bar->setCorpusAvailable(false,
                                  tr("Corpus summaries use the window's model: open the heads view in BertLens."));
    } else if (!m_corpus->hasModel()) {
        m_bar->setCorpusAvailable(false, tr("No model is loaded yet."));
    } else {
        m_bar->setCorpusAvailable(!corpusRunning());
    }
}

void HeadsView::chooseCorpusFile() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Summarise a corpus file: one sentence a line"),
                                                      QDir::homePath(), tr("Text files (*.txt *.tsv);;All files (*)"));
    if (!path.isEmpty()) summariseCorpusFile(path);
}

void HeadsView::summariseCorpusFile(const QString& path) {
    if (!m_corpus || !m_corpus->hasModel()) {
        m_bar->setMessage(tr("No model is loaded, so no corpus can be summarised: open a model first."));
        return;
    }
    m_runningFile = path;
    m_bar->setMessage(QString());
    m_bar->setRunning(path);
    m_corpus->start(path, m_selection.maskMode);
}

void HeadsView::cancelCorpus() {
    if (!corpusRunning()) return;
    m_corpus->cancel();
    m_bar->setIdle();
    m_bar->setMessage(tr("Stopped: %1 was not summarised. The summary shown stays.")
                          .arg(safeDisplayQuote(QFileInfo(m_runningFile).fileName(), 60)));
    updateCorpusButton();
}

void HeadsView::onCorpusFinished(const HeadsSummaryPtr& summary) {
    m_bar->setIdle();
    m_corpusSummary = summary;
    setShowCorpus(true);
    display(summary);
    updateCorpusButton();
}

void HeadsView::setShowCorpus(bool on) {
    if (on == m_showCorpus) return;
    m_showCorpus = on;
    emit needsSentenceChanged();
}

QWidget* HeadsView::nothingAnalysedArea() {
    return m_body;
}

void HeadsView::showSentence() {
    setShowCorpus(false);
    m_bar->setMessage(QString());
    requestSentenceSummary();
    display(m_sentence);
}

HeadsSummaryPtr HeadsView::shownSummary() const {
    return m_showCorpus ? m_corpusSummary : m_sentence;
}

bool HeadsView::sentenceSummaryIsCurrent(bool needMap) const {
    if (!m_sentence || !m_result || m_sentenceFor != m_result) return false;
    return m_sentence->maskMode == m_selection.maskMode &&
           (!needMap || !m_sentence->map.empty() || m_result->analysis(m_selection.maskMode).layers == 0);
}

void HeadsView::requestSentenceSummary() {
    if (!m_result) {
        m_job.cancel();
        m_sentence = nullptr;
        m_sentenceFor = nullptr;
        if (!m_showCorpus) display(nullptr);
        return;
    }
    if (m_showCorpus) {  // summarised when the user goes back to it
        refreshSource();
        return;
    }
    const MaskMode mask = m_selection.maskMode;
    if (sentenceSummaryIsCurrent(true)) return;
    if (m_job.isBusy() && m_jobFor == m_result && m_jobMask == mask) return;  // on its way
    const Analysis& a = m_result->analysis(mask);
    const double weights = static_cast<double>(a.layers) * a.heads * a.tokenCount * a.tokenCount;
    const double heads = static_cast<double>(a.layers) * a.heads;
    const double pairWeights = heads * (heads - 1) / 2 * a.tokenCount * a.tokenCount;
    if (pairWeights <= kInlinePairWeights) {
        m_job.cancel();
        setSentence(summariseSentence(*m_result, mask, true));
        return;
    }
    const bool inlineStatistics = weights <= kInlineWeights;
    if (inlineStatistics) setSentence(summariseSentence(*m_result, mask, false));
    m_map->setPlaceholder(tr("Computing the map of heads (%1 pairs of heads, %2 tokens)\u2026")
                              .arg(QLocale().toString(static_cast<qint64>(heads * (heads - 1) / 2)))
                              .arg(a.tokenCount));
    const AnalysisResultPtr result = m_result;
    m_jobFor = result;
    m_jobMask = mask;
    m_job.start([result, mask, inlineStatistics](const std::atomic<bool>& cancel, HeadsSummaryJob::Reporter& r) {
        if (!inlineStatistics) r.partial(summariseSentence(*result, mask, false, &cancel));
        return summariseSentence(*result, mask, true, &cancel);
    });
    refreshSource();
}

void HeadsView::setSentence(HeadsSummary summary) {
    m_sentence = std::make_shared<const HeadsSummary>(std::move(summary));
    m_sentenceFor = m_result;
    if (!m_showCorpus) display(m_sentence);
}

void HeadsView::display(const HeadsSummaryPtr& summary) {
    m_model->setSummary(summary);
    m_matrix->setSummary(summary);
    m_map->setSummary(summary);
    if (summary && summary->map.empty() && !summary->statistics.empty() && !m_job.isBusy())
        m_map->setPlaceholder(tr("No map for this summary."));
    const int head = m_selection.averageHeads ? -1 : m_selection.head;
    m_model->setSelectedHead(m_selection.layer, head);
    fitTable();
    refreshSource();
}

void HeadsView::fitTable() {
    // Every column whole where there is room: the table takes the width its
    // numbers need, but never more than kTableShare of the view, so that in
    // presentation mode the matrix and the map keep room. Capped, it shows
    // as many whole columns as fit and scrolls sideways for the rest (never a
    // column cut at its edge). Never wider than it needs: the pictures get the rest.
    QHeaderView* header = m_table->horizontalHeader();
    const int chrome = 2 * m_table->frameWidth() + m_table->verticalScrollBar()->sizeHint().width();
    QFont bold = m_table->font();  // the selected head's row is bold
    bold.setBold(true);
    const int number = QFontMetrics(bold).horizontalAdvance(QStringLiteral("00.00")) + 14;
    std::vector<int> widths;
    int full = chrome;
    for (int c = 0; c < m_sorted->columnCount(); ++c) {
        widths.push_back(std::max(number, header->sectionSizeHint(c)) + 6);
        header->resizeSection(c, widths.back());
        full += widths.back();
    }
    const int cap = static_cast<int>(kTableShare * this->width());
    int width = full;
    if (full > cap) {
        width = chrome;
        for (size_t c = 0; c < widths.size() && (c < 2 || width + widths[c] <= cap); ++c) width += widths[c];
    }
    m_table->setMinimumWidth(width);
    m_table->setMaximumWidth(width);
}

void HeadsView::resizeEvent(QResizeEvent* event) {
    FigureView::resizeEvent(event);
    fitTable();
}

QString HeadsView::sourceDescription() const {
    const HeadsSummaryPtr s = shownSummary();
    const QLocale locale;
    if (m_showCorpus && s) {
        return tr("corpus %1 (%2 lines)")
            .arg(safeDisplayQuote(QFileInfo(s->file).fileName(), 60), locale.toString(s->sentences));
    }
    return tr("this sentence");
}

void HeadsView::refreshSource() {
    const HeadsSummaryPtr s = shownSummary();
    const QLocale locale;
    QString text;
    if (m_showCorpus && s) {
        text = tr("Corpus %1: %2 lines used")
                   .arg(safeDisplayQuote(QFileInfo(s->file).fileName(), 60), locale.toString(s->sentences));
        QStringList skips;
        for (const auto& [reason, count] : s->skipped) {
            if (count > 0) skips << QStringLiteral("%1 %2").arg(locale.toString(count), skipReasonTitle(reason));
        }
        text += skips.isEmpty()
                    ? tr(", none skipped")
                    : tr(", %1 skipped (%2)").arg(locale.toString(s->skippedTotal()), skips.join(QStringLiteral(", ")));
        text += tr(" \u00b7 %1 tokens \u00b7 %2").arg(locale.toString(s->queryTokens), maskModeTitle(s->maskMode));
    } else if (m_result) {
        const Analysis& a = m_result->analysis(m_selection.maskMode);
        text = tr("This sentence: %1 tokens \u00b7 %2").arg(a.tokenCount).arg(maskModeTitle(m_selection.maskMode));
    } else {
        text = tr("No analysis yet");
    }
    m_bar->setSource(text);
    m_bar->setShowingCorpus(m_showCorpus);
}

QString HeadsView::message() const {
    return m_bar->message();
}

void HeadsView::setStatistic(int kind) {
    m_kindBox->setCurrentIndex(std::clamp(kind, 0, m_kindBox->count() - 1));
}

int HeadsView::statistic() const {
    return m_matrix->kind();
}

void HeadsView::requestHead(int layer, int head) {
    if (layer < 0 || head < 0) return;
    Selection s = m_selection;
    s.layer = layer;
    s.head = head;
    s.averageHeads = false;
    emit selectionRequested(s);
}

void HeadsView::paintFigure(QPainter& painter, const QRectF& rect) {
    // A figure needs the whole summary now: there is no event loop in a batch export.
    if (!m_showCorpus && m_result && !sentenceSummaryIsCurrent(true)) {
        m_job.cancel();
        setSentence(summariseSentence(*m_result, m_selection.maskMode, true));
    }
    painter.save();
    painter.fillRect(rect, m_theme.background);
    const double gap = 16.0 * m_theme.fontScale;
    if (stackedAt(rect.width())) {
        const double matrix = m_matrix->figureHeightForWidth(rect.width(), gridShape().width(), gridShape().height());
        m_matrix->paint(painter, QRectF(rect.left(), rect.top(), rect.width(), matrix), true);
        m_map->paint(painter, QRectF(rect.left(), rect.top() + matrix + gap, rect.width(), rect.height() - matrix - gap),
                     true);
        painter.restore();
        return;
    }
    const double split = rect.width() * 0.55;
    m_matrix->paint(painter, QRectF(rect.left(), rect.top(), split - gap / 2, rect.height()), true);
    m_map->paint(painter,
                 QRectF(rect.left() + split + gap / 2, rect.top(), rect.width() - split - gap / 2, rect.height()),
                 true);
    painter.restore();
}

QSizeF HeadsView::figureSize() const {
    const HeadsSummaryPtr s = shownSummary();
    const int layers = s ? std::max(s->layers, 1) : 4;
    return QSizeF(1100.0, std::clamp(120.0 + 34.0 * layers, 420.0, 640.0));
}

bool HeadsView::stackedAt(double width) const {
    // Side by side the matrix (55%) needs its head numbers and the bar
    // beside it, the map (45%) room for its labels.
    const double barBeside = 80.0 * m_theme.fontScale;
    return 0.55 * width < m_matrix->minimumFigureWidth(gridShape().width(), gridShape().height()) + barBeside ||
           0.45 * width < 200.0 * m_theme.fontScale;
}

QSize HeadsView::gridShape() const {
    // (layers, heads) of the summary shown, else of the model analysed.
    if (const HeadsSummaryPtr s = shownSummary()) return QSize(s->layers, s->heads);
    if (m_result) return QSize(m_result->bidirectional.layers, m_result->bidirectional.heads);
    return QSize(1, 1);
}

double HeadsView::minimumFigureWidth() const {
    return m_matrix->minimumFigureWidth(gridShape().width(), gridShape().height());
}

double HeadsView::figureHeightForWidth(double width) const {
    if (!stackedAt(width)) return FigureView::figureHeightForWidth(width);
    return m_matrix->figureHeightForWidth(width, gridShape().width(), gridShape().height()) + 16.0 * m_theme.fontScale + m_map->figureHeightForWidth(width);
}

}  // namespace bertlens::ui
