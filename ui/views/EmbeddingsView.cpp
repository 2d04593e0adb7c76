#include "EmbeddingsView.h"

#include "LabelPlacer.h"
#include "PlotRender.h"
#include "SafeDisplay.h"
#include "SelectedAttention.h"
#include "TokenLabels.h"
#include "TokenMarkers.h"

#include <qcustomplot.h>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace bertlens::ui {

namespace {

const QColor kKeptColor(0x55, 0x55, 0x55);  // the kept sentence: grey, in no token's colour
constexpr double kPointRadius = 5.0;        // pixels; the end-point markers are 10 wide

QCPScatterStyle::ScatterShape scatterShape(MarkerShape shape) {
    switch (shape) {
        case MarkerShape::Circle:
            return QCPScatterStyle::ssCircle;
        case MarkerShape::Square:
            return QCPScatterStyle::ssSquare;
        case MarkerShape::Diamond:
            return QCPScatterStyle::ssDiamond;
        case MarkerShape::Triangle:
            return QCPScatterStyle::ssTriangle;
        case MarkerShape::TriangleDown:
            return QCPScatterStyle::ssTriangleInverted;
        case MarkerShape::CrossSquare:
            return QCPScatterStyle::ssCrossSquare;
        case MarkerShape::PlusCircle:
            return QCPScatterStyle::ssPlusCircle;
        case MarkerShape::CrossCircle:
            return QCPScatterStyle::ssCrossCircle;
    }
    return QCPScatterStyle::ssCircle;
}

bool sameModel(const AnalysisResult& a, const AnalysisResult& b) {
    // Owners compared, not pointers: a model closed since is still told apart.
    return !a.model.owner_before(b.model) && !b.model.owner_before(a.model) && a.modelName == b.modelName;
}

QString ordinal(int occurrence) {
    switch (occurrence) {
        case 0:
            return QString();
        case 1:
            return EmbeddingsView::tr(" (2nd)");
        case 2:
            return EmbeddingsView::tr(" (3rd)");
        default:
            return EmbeddingsView::tr(" (%1th)").arg(occurrence + 1);
    }
}

}  // namespace

EmbeddingsView::EmbeddingsView(QWidget* parent)
    : FigureView(parent),
      m_modeBox(new QComboBox(this)),
      m_keepButton(new QPushButton(tr("Keep for comparison"), this)),
      m_forgetButton(new QPushButton(tr("Forget the kept sentence"), this)),
      m_wordLabel(new QLabel(tr("Same word:"), this)),
      m_wordBox(new QComboBox(this)),
      m_plot(new QCustomPlot(this)),
      m_theme(Theme::normal()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* controls = new QHBoxLayout;
    m_showLabel = new QLabel(tr("Show:"), this);
    controls->addWidget(m_showLabel);
    m_modeBox->addItem(tr("Tokens after the chosen layer"));
    m_modeBox->addItem(tr("Paths through the layers"));
    controls->addWidget(m_modeBox);
    controls->addSpacing(16);
    m_keepButton->setObjectName(QStringLiteral("keepSentence"));
    m_keepButton->setToolTip(tr("Keep this sentence: the next one you type is drawn with it on one PCA"));
    m_forgetButton->setObjectName(QStringLiteral("forgetSentence"));
    m_wordBox->setObjectName(QStringLiteral("sameWord"));
    m_wordBox->setToolTip(tr("A word both sentences hold: joined in the picture, its cosine similarity named"));
    controls->addWidget(m_keepButton);
    controls->addWidget(m_forgetButton);
    controls->addWidget(m_wordLabel);
    controls->addWidget(m_wordBox);
    controls->addStretch(1);
    layout->addLayout(controls);
    layout->addWidget(m_plot, 1);
    m_plot->setMinimumSize(300, 240);
    // Title and a smaller line under it saying how the picture was made.
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, new QCPTextElement(m_plot, QString()));
    m_plot->plotLayout()->insertRow(1);
    m_plot->plotLayout()->addElement(1, 0, new QCPTextElement(m_plot, QString()));
    connect(m_modeBox, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this](int index) { setMode(index == 1 ? Mode::Paths : Mode::Points); });
    connect(m_keepButton, &QPushButton::clicked, this, &EmbeddingsView::keepForComparison);
    connect(m_forgetButton, &QPushButton::clicked, this, &EmbeddingsView::forgetKept);
    connect(m_wordBox, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int index) {
        if (index >= 0) chooseSameWord(index);
    });
    // Labels are placed for the size the plot is laid out at: the widget's,
    // or an export's (toPainter lays the plot out again at its size).
    connect(m_plot, &QCustomPlot::afterLayout, this, [this] {
        fitEqualAspect();
        placeTokenLabels();
    });
    applyTheme();
    refresh();
}

void EmbeddingsView::setResult(const AnalysisResultPtr& result) {
    m_result = result;
    refresh();
}

void EmbeddingsView::setSelection(const Selection& selection) {
    const bool same = selection.layer == m_selection.layer && selection.maskMode == m_selection.maskMode;
    m_selection = selection;
    if (!same) refresh();
}

void EmbeddingsView::setTheme(const Theme& theme) {
    m_theme = theme;
    applyTheme();
    rebuildPlot();
}

void EmbeddingsView::setMode(Mode mode) {
    if (mode == m_mode) return;
    m_mode = mode;
    const QSignalBlocker block(m_modeBox);
    m_modeBox->setCurrentIndex(mode == Mode::Paths ? 1 : 0);
    refresh();
}

void EmbeddingsView::keepForComparison() {
    if (!m_result) return;
    m_kept = m_result;
    refresh();
}

void EmbeddingsView::forgetKept() {
    m_kept = nullptr;
    refresh();
}

void EmbeddingsView::chooseSameWord(int index) {
    if (index < 0 || index >= static_cast<int>(m_sameWords.size()) || index == m_chosenWord) return;
    m_chosenWord = index;
    const QSignalBlocker block(m_wordBox);
    m_wordBox->setCurrentIndex(index);
    rebuildPlot();
}

void EmbeddingsView::refresh() {
    m_message.clear();
    m_pairNote.clear();
    m_pca = Pca2();
    m_points.resize(0, 2);
    m_keptPoints.resize(0, 2);
    m_paths.clear();
    const QString chosenBefore = m_chosenWord < static_cast<int>(m_sameWords.size())
                                     ? QString::fromStdString(m_sameWords[static_cast<size_t>(m_chosenWord)].word)
                                     : QString();
    m_sameWords.clear();
    m_tokenLabels = tokenLabels(m_result.get());
    if (!m_result) {
        m_message = tr("No analysis yet: type a sentence.");
    } else {
        const Analysis& a = m_result->analysis(m_selection.maskMode);
        const Selection s = clampedSelection(a, m_selection);
        m_hiddenState = a.layers > 0 ? s.layer + 1 : 0;
        const size_t expected = static_cast<size_t>(a.layers + 1) * a.tokenCount * a.hidden;
        if (a.hiddenStates.size() != expected || a.tokenCount == 0) {
            m_message = tr("This analysis holds no hidden states to project.");
        } else if (m_mode == Mode::Points) {
            projectPair(a);
            if (!comparing()) {
                m_pca = fitPca2(a.hiddenState(m_hiddenState));
                m_points = m_pca.project(a.hiddenState(m_hiddenState));
            }
        } else {
            LayerPaths paths = fitLayerPaths(a);
            m_pca = paths.pca;
            m_paths = std::move(paths.points);
            m_points = m_paths[static_cast<size_t>(m_hiddenState)];
            if (m_kept)
                m_pairNote =
                    tr("The kept sentence is drawn beside this one in \u201cTokens after the chosen layer\u201d.");
        }
    }
    // The word chosen before stays chosen while both sentences hold it.
    m_chosenWord = 0;
    for (size_t i = 0; i < m_sameWords.size(); ++i)
        if (QString::fromStdString(m_sameWords[i].word) == chosenBefore && m_sameWords[i].occurrence == 0)
            m_chosenWord = static_cast<int>(i);
    updateControls();
    rebuildPlot();
}

// Both sentences on one basis, when a sentence is kept and it can be drawn
// with this one; else m_pairNote says why not.
void EmbeddingsView::projectPair(const Analysis& current) {
    if (!m_kept) return;
    const Analysis& kept = m_kept->analysis(m_selection.maskMode);
    if (!sameModel(*m_kept, *m_result) || kept.hidden != current.hidden || kept.layers != current.layers) {
        m_pairNote =
            tr("The kept sentence was analysed by another model: keep one of this model's sentences "
               "to compare.");
        return;
    }
    if (m_kept->text == m_result->text && m_kept->userMasked == m_result->userMasked) {
        m_pairNote = tr("This sentence is kept: type another one to draw the two on one PCA.");
        return;
    }
    const size_t expected = static_cast<size_t>(kept.layers + 1) * kept.tokenCount * kept.hidden;
    if (kept.hiddenStates.size() != expected || kept.tokenCount == 0) return;
    const SentencePairProjection pair =
        projectSentencePair(kept.hiddenState(m_hiddenState), current.hiddenState(m_hiddenState));
    m_pca = pair.pca;
    m_keptPoints = pair.first;
    m_points = pair.second;
    m_sameWords = bertlens::sameWords(kept.tokens, kept.hiddenState(m_hiddenState), current.tokens,
                                      current.hiddenState(m_hiddenState));
}

void EmbeddingsView::updateControls() {
    m_keepButton->setEnabled(m_result != nullptr);
    m_forgetButton->setVisible(m_kept != nullptr);
    const bool words = comparing() && !m_sameWords.empty();
    m_wordLabel->setVisible(words);
    m_wordBox->setVisible(words);
    const QSignalBlocker block(m_wordBox);
    m_wordBox->clear();
    for (const SameWord& w : m_sameWords) {
        m_wordBox->addItem(QStringLiteral("%1%2 \u2014 cosine %3")
                               .arg(safeDisplay(QString::fromStdString(w.word)), ordinal(w.occurrence))
                               .arg(w.cosine, 0, 'f', 2));
    }
    m_wordBox->setCurrentIndex(words ? m_chosenWord : -1);
}

QString EmbeddingsView::readout() const {
    if (!comparing()) return QString();
    const int hidden = m_result ? m_result->analysis(m_selection.maskMode).hidden : 0;
    if (m_sameWords.empty()) return tr("No word is in both sentences, so no two states of one word to compare.");
    const SameWord& w = m_sameWords[static_cast<size_t>(m_chosenWord)];
    const QString word = safeDisplay(QString::fromStdString(w.word)) + ordinal(w.occurrence);
    return tr("\u201c%1\u201d \u2194 \u201c%1\u201d: cosine similarity %2 after layer %3 (of the full %4-dimensional "
              "states)")
        .arg(word)
        .arg(w.cosine, 0, 'f', 2)
        .arg(m_hiddenState - 1)
        .arg(hidden);
}

QString EmbeddingsView::title() const {
    if (!m_message.isEmpty()) return m_message;
    const QString mode = maskModeTitle(m_selection.maskMode);
    if (m_mode == Mode::Paths) return tr("Token paths through the layers (%1)").arg(mode);
    if (comparing()) return tr("Two sentences after layer %1 on one PCA (%2)").arg(m_hiddenState - 1).arg(mode);
    return tr("Token embeddings after layer %1 (%2)").arg(m_hiddenState - 1).arg(mode);
}

QString EmbeddingsView::subtitle() const {
    if (!m_message.isEmpty()) return QString();
    QString line;
    if (m_mode == Mode::Paths) {
        line =
            tr("\u25cb embeddings \u2192 \u25cf after layer %1; one PCA fitted on all layers").arg(m_hiddenState - 1);
    } else if (comparing()) {
        line = tr("\u25cb grey: the kept sentence, \u201c%1\u201d; one PCA fitted on both sentences")
                   .arg(safeDisplayQuote(QString::fromStdString(m_kept->text), 60));
        line += QLatin1Char('\n') + readout();
    } else {
        line = tr("hidden states projected on their two principal axes (PCA)");
    }
    if (!m_pairNote.isEmpty()) line += QLatin1Char('\n') + m_pairNote;
    return line;
}

void EmbeddingsView::applyTheme() {
    // The controls grow with the figure (presentation mode, larger text).
    for (QWidget* w :
         std::initializer_list<QWidget*>{m_showLabel, m_modeBox, m_keepButton, m_forgetButton, m_wordLabel, m_wordBox})
        w->setFont(m_theme.font(10));
    const QColor fg = m_theme.foreground;
    m_plot->setBackground(m_theme.background);
    m_plot->axisRect()->setBackground(m_theme.background);
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setBasePen(QPen(fg, 1));
        axis->setTickPen(QPen(fg, 1));
        axis->setSubTickPen(QPen(fg, 1));
        axis->setTickLabelColor(fg);
        axis->setLabelColor(fg);
        axis->setLabelFont(m_theme.font(10));
        axis->setTickLabelFont(m_theme.font(9));
        axis->grid()->setPen(QPen(QColor(0, 0, 0, 35), 0, Qt::DotLine));
        axis->grid()->setZeroLinePen(QPen(QColor(0, 0, 0, 90), 0, Qt::DashLine));
    }
    auto* titleElement = static_cast<QCPTextElement*>(m_plot->plotLayout()->element(0, 0));
    titleElement->setFont(m_theme.font(11, true));
    titleElement->setTextColor(fg);
    auto* subtitleElement = static_cast<QCPTextElement*>(m_plot->plotLayout()->element(1, 0));
    subtitleElement->setFont(m_theme.font(9));
    subtitleElement->setTextColor(fg);
}

QCPItemText* EmbeddingsView::addLabel(const QString& text, const QColor& frame, bool bold, bool kept) {
    // A framed label in the token's colour: it belongs to its point at a
    // glance, and a one-character token (".", ",") is a box, not a speck.
    auto* label = new QCPItemText(m_plot);
    label->setText(text);
    QFont font = m_theme.font(10, bold);
    font.setItalic(kept);
    label->setFont(font);
    label->setColor(kept ? kKeptColor : m_theme.foreground);
    label->setPen(QPen(frame, 1.3 * m_theme.fontScale, kept ? Qt::DashLine : Qt::SolidLine));
    QColor fill = m_theme.background;
    fill.setAlpha(225);
    label->setBrush(fill);
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    label->setPadding(QMargins(3, 1, 3, 1));
    label->setClipToAxisRect(false);
    m_labels.push_back(label);
    return label;
}

void EmbeddingsView::addPaths(int n) {
    const double s = m_theme.fontScale;
    for (int t = 0; t < n && !m_paths.empty(); ++t) {
        const TokenMarker marker = tokenMarker(t);
        QColor c = marker.color;
        c.setAlpha(170);
        auto* curve = new QCPCurve(m_plot->xAxis, m_plot->yAxis);
        curve->setName(QStringLiteral("path %1").arg(t));
        curve->setPen(QPen(c, 1.8 * s));
        curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, 4 * s));
        for (size_t l = 0; l < m_paths.size(); ++l)
            curve->addData(static_cast<double>(l), m_paths[l](t, 0), m_paths[l](t, 1));
        // Where the path starts (the embedding): the token's shape, hollow.
        auto* start = new QCPGraph(m_plot->xAxis, m_plot->yAxis);
        start->setName(QStringLiteral("start %1").arg(t));
        start->setLineStyle(QCPGraph::lsNone);
        start->setScatterStyle(
            QCPScatterStyle(scatterShape(marker.shape), QPen(marker.color, 1.5 * s), m_theme.background, 8 * s));
        start->addData(m_paths[0](t, 0), m_paths[0](t, 1));
    }
}

void EmbeddingsView::addKeptSentence() {
    if (!comparing()) return;
    const Analysis& kept = m_kept->analysis(m_selection.maskMode);
    const QStringList labels = tokenLabels(m_kept.get());
    auto* points = new QCPGraph(m_plot->xAxis, m_plot->yAxis);
    points->setName(QStringLiteral("kept"));
    points->setLineStyle(QCPGraph::lsNone);
    points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(kKeptColor, 1.8 * m_theme.fontScale),
                                            m_theme.background, 2 * kPointRadius * m_theme.fontScale));
    for (int i = 0; i < m_keptPoints.rows(); ++i) {
        points->addData(m_keptPoints(i, 0), m_keptPoints(i, 1));
        const bool mask =
            i < static_cast<int>(kept.tokens.size()) && kept.tokens[static_cast<size_t>(i)].text == "[MASK]";
        addLabel(i < labels.size() ? labels[i] : QString::number(i), kKeptColor, mask, true);
        m_anchors.emplace_back(m_keptPoints(i, 0), m_keptPoints(i, 1));
    }
    // The chosen word's two points joined.
    if (m_sameWords.empty()) return;
    const SameWord& w = m_sameWords[static_cast<size_t>(m_chosenWord)];
    auto* line = new QCPItemLine(m_plot);
    line->setPen(QPen(m_theme.accent, 2.0 * m_theme.fontScale, Qt::DashLine));
    line->start->setCoords(m_keptPoints(w.firstPosition, 0), m_keptPoints(w.firstPosition, 1));
    line->end->setCoords(m_points(w.secondPosition, 0), m_points(w.secondPosition, 1));
}

void EmbeddingsView::rebuildPlot() {
    m_plot->clearPlottables();
    m_plot->clearItems();
    m_labels.clear();
    m_anchors.clear();
    m_extent = QRectF();
    static_cast<QCPTextElement*>(m_plot->plotLayout()->element(0, 0))->setText(title());
    static_cast<QCPTextElement*>(m_plot->plotLayout()->element(1, 0))->setText(subtitle());
    const int n = static_cast<int>(m_points.rows());
    m_plot->xAxis->setLabel(n ? tr("PC1 (%1% of variance)").arg(100.0 * m_pca.explainedRatio[0], 0, 'f', 1)
                              : QString());
    m_plot->yAxis->setLabel(n ? tr("PC2 (%1% of variance)").arg(100.0 * m_pca.explainedRatio[1], 0, 'f', 1)
                              : QString());
    if (n == 0) {
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }

    // Paths and the kept sentence first, so this sentence's points are drawn over them.
    addPaths(n);
    std::vector<QCPItemText*> keptLabels;
    std::vector<QPointF> keptAnchors;
    addKeptSentence();
    keptLabels.swap(m_labels);
    keptAnchors.swap(m_anchors);
    // The chosen layer's points, each in its token's colour and shape.
    const Analysis& a = m_result->analysis(m_selection.maskMode);
    const double size = 2 * kPointRadius * m_theme.fontScale;
    for (int i = 0; i < n; ++i) {
        const TokenMarker marker = tokenMarker(i);
        auto* point = new QCPGraph(m_plot->xAxis, m_plot->yAxis);
        point->setName(QStringLiteral("token %1").arg(i));
        point->setLineStyle(QCPGraph::lsNone);
        // A filled shape in the token's colour, ringed in the background's
        // colour so that crowded points stay apart.
        point->setScatterStyle(
            QCPScatterStyle(scatterShape(marker.shape), QPen(m_theme.background, 1.2), marker.color, size));
        point->addData(m_points(i, 0), m_points(i, 1));
        const bool mask = i < static_cast<int>(a.tokens.size()) && a.tokens[static_cast<size_t>(i)].text == "[MASK]";
        addLabel(i < m_tokenLabels.size() ? m_tokenLabels[i] : QString::number(i), marker.color, mask, false);
        m_anchors.emplace_back(m_points(i, 0), m_points(i, 1));
    }
    m_labels.insert(m_labels.end(), keptLabels.begin(), keptLabels.end());
    m_anchors.insert(m_anchors.end(), keptAnchors.begin(), keptAnchors.end());

    // Ranges: every drawn point, with a margin so labels near the edge fit.
    double x0 = m_points.col(0).minCoeff(), x1 = m_points.col(0).maxCoeff();
    double y0 = m_points.col(1).minCoeff(), y1 = m_points.col(1).maxCoeff();
    std::vector<Eigen::MatrixX2d> others = m_paths;
    if (comparing()) others.push_back(m_keptPoints);
    for (const auto& layer : others) {
        x0 = std::min(x0, layer.col(0).minCoeff());
        x1 = std::max(x1, layer.col(0).maxCoeff());
        y0 = std::min(y0, layer.col(1).minCoeff());
        y1 = std::max(y1, layer.col(1).maxCoeff());
    }
    const double dx = std::max(x1 - x0, 1e-6), dy = std::max(y1 - y0, 1e-6);
    m_extent = QRectF(QPointF(x0 - 0.08 * dx, y0 - 0.1 * dy), QPointF(x1 + 0.2 * dx, y1 + 0.1 * dy));
    m_plot->xAxis->setRange(m_extent.left(), m_extent.right());
    m_plot->yAxis->setRange(m_extent.top(), m_extent.bottom());
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void EmbeddingsView::fitEqualAspect() {
    // One unit of PC1 as long on screen as one unit of PC2, so that distances
    // between tokens read true and the wider spread of PC1 shows: the data's
    // extent is widened along the axis that has room to spare.
    const QRectF area = m_plot->axisRect()->rect();
    if (m_extent.isEmpty() || area.width() < 10 || area.height() < 10) return;
    const double perPixel = std::max(m_extent.width() / area.width(), m_extent.height() / area.height());
    const QPointF c = m_extent.center();
    m_plot->xAxis->setRange(c.x() - perPixel * area.width() / 2, c.x() + perPixel * area.width() / 2);
    m_plot->yAxis->setRange(c.y() - perPixel * area.height() / 2, c.y() + perPixel * area.height() / 2);
}

void EmbeddingsView::placeTokenLabels() {
    if (m_labels.empty()) return;
    const QRectF area = m_plot->axisRect()->rect();
    if (area.width() < 10 || area.height() < 10) return;
    std::vector<QPointF> anchors;
    std::vector<QSizeF> sizes;
    for (size_t i = 0; i < m_labels.size(); ++i) {
        anchors.emplace_back(m_plot->xAxis->coordToPixel(m_anchors[i].x()),
                             m_plot->yAxis->coordToPixel(m_anchors[i].y()));
        const QFontMetricsF metrics(m_labels[i]->font());
        const QMargins pad = m_labels[i]->padding();
        sizes.emplace_back(metrics.horizontalAdvance(m_labels[i]->text()) + pad.left() + pad.right() + 2,
                           metrics.height() + pad.top() + pad.bottom());
    }
    const std::vector<LabelPlacement> placed = placeLabels(anchors, sizes, kPointRadius * m_theme.fontScale, area);
    for (size_t i = 0; i < placed.size(); ++i) {
        m_labels[i]->position->setCoords(m_plot->xAxis->pixelToCoord(placed[i].rect.left()),
                                         m_plot->yAxis->pixelToCoord(placed[i].rect.top()));
    }
}

void EmbeddingsView::paintFigure(QPainter& painter, const QRectF& rect) {
    // A narrow figure (a journal column) breaks the title in two rather than cut it.
    auto* titleElement = static_cast<QCPTextElement*>(m_plot->plotLayout()->element(0, 0));
    const QString full = titleElement->text();
    const QFontMetricsF metrics(titleElement->font());
    const double toPoints = 72.0 / std::max(1.0, metrics.fontDpi());
    if (metrics.horizontalAdvance(full) * toPoints > 0.95 * rect.width()) {
        int best = -1;
        for (int i = 0; i < full.size(); ++i)
            if (full[i] == QLatin1Char(' ') &&
                (best < 0 || std::abs(i - full.size() / 2) < std::abs(best - full.size() / 2)))
                best = i;
        if (best > 0) titleElement->setText(full.left(best) + QLatin1Char('\n') + full.mid(best + 1));
    }
    renderPlot(*m_plot, painter, rect);
    titleElement->setText(full);
    // The export laid the plot out at its own size; lay it out for the screen again.
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QSizeF EmbeddingsView::figureSize() const {
    const int n = static_cast<int>(m_points.rows() + m_keptPoints.rows());
    const double base = n > 30 ? 1.3 : 1.0;
    return QSizeF(600.0 * base * m_theme.fontScale, 480.0 * base * m_theme.fontScale);
}

}  // namespace bertlens::ui
