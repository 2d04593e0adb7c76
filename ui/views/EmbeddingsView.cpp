#include "EmbeddingsView.h"

#include "HeadChips.h"
#include "LabelPlacer.h"
#include "PlotRender.h"
#include "SelectedAttention.h"
#include "TokenLabels.h"

#include <qcustomplot.h>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

namespace bertlens::ui {

namespace {

const QColor kWordColor(0x00, 0x72, 0xb2);  // Okabe-Ito blue
const QColor kSpecialColor(0x80, 0x80, 0x80);
constexpr double kPointRadius = 4.5;  // pixels; the scatter discs are 9 wide

bool isSpecial(const QString& token) {
    return token == QLatin1String("[CLS]") || token == QLatin1String("[SEP]") || token == QLatin1String("[PAD]");
}

}  // namespace

EmbeddingsView::EmbeddingsView(QWidget* parent)
    : FigureView(parent), m_modeBox(new QComboBox(this)), m_plot(new QCustomPlot(this)), m_theme(Theme::normal()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Show:"), this));
    m_modeBox->addItem(tr("Tokens after the chosen layer"));
    m_modeBox->addItem(tr("Paths through the layers"));
    controls->addWidget(m_modeBox);
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

void EmbeddingsView::refresh() {
    m_message.clear();
    m_pca = Pca2();
    m_points.resize(0, 2);
    m_paths.clear();
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
            m_pca = fitPca2(a.hiddenState(m_hiddenState));
            m_points = m_pca.project(a.hiddenState(m_hiddenState));
        } else {
            LayerPaths paths = fitLayerPaths(a);
            m_pca = paths.pca;
            m_paths = std::move(paths.points);
            m_points = m_paths[static_cast<size_t>(m_hiddenState)];
        }
    }
    rebuildPlot();
}

QString EmbeddingsView::title() const {
    if (!m_message.isEmpty()) return m_message;
    const QString mode = maskModeTitle(m_selection.maskMode);
    if (m_mode == Mode::Paths) return tr("Token paths through the layers (%1)").arg(mode);
    return tr("Token embeddings after layer %1 (%2)").arg(m_hiddenState - 1).arg(mode);
}

QString EmbeddingsView::subtitle() const {
    if (!m_message.isEmpty()) return QString();
    if (m_mode == Mode::Paths) {
        return tr("\u25cb embeddings \u2192 \u25cf after layer %1; one PCA fitted on all layers")
            .arg(m_hiddenState - 1);
    }
    return tr("hidden states projected on their two principal axes (PCA)");
}

void EmbeddingsView::applyTheme() {
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

void EmbeddingsView::rebuildPlot() {
    m_plot->clearPlottables();
    m_plot->clearItems();
    m_labels.clear();
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

    // Paths first, so the chosen layer's points are drawn over them.
    const size_t pathCount = m_paths.empty() ? 0 : static_cast<size_t>(n);
    for (size_t t = 0; t < pathCount; ++t) {
        auto* curve = new QCPCurve(m_plot->xAxis, m_plot->yAxis);
        QColor c = headColor(static_cast<int>(t));
        c.setAlpha(170);
        curve->setPen(QPen(c, 1.6 * m_theme.fontScale));
        curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, 4 * m_theme.fontScale));
        for (size_t l = 0; l < m_paths.size(); ++l)
            curve->addData(static_cast<double>(l), m_paths[l](static_cast<Eigen::Index>(t), 0),
                           m_paths[l](static_cast<Eigen::Index>(t), 1));
        auto* start = new QCPGraph(m_plot->xAxis, m_plot->yAxis);
        start->setLineStyle(QCPGraph::lsNone);
        start->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(c, 1.5), Qt::white, 8 * m_theme.fontScale));
        start->addData(m_paths[0](static_cast<Eigen::Index>(t), 0), m_paths[0](static_cast<Eigen::Index>(t), 1));
    }
    // The chosen layer's points: words, [MASK] (accent) and [CLS]/[SEP] (grey).
    QCPGraph* groups[3];
    const QColor colors[3] = {kWordColor, m_theme.accent, kSpecialColor};
    for (int g = 0; g < 3; ++g) {
        groups[g] = new QCPGraph(m_plot->xAxis, m_plot->yAxis);
        groups[g]->setLineStyle(QCPGraph::lsNone);
        // ssCircle fills with the brush; ssDisc would fill with the pen's colour.
        groups[g]->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(m_theme.background, 1), colors[g],
                                                   2 * kPointRadius * m_theme.fontScale));
    }
    const Analysis& a = m_result->analysis(m_selection.maskMode);
    for (int i = 0; i < n; ++i) {
        const QString token = i < static_cast<int>(a.tokens.size())
                                  ? QString::fromStdString(a.tokens[static_cast<size_t>(i)].text)
                                  : QString();
        const int g = token == QLatin1String("[MASK]") ? 1 : (isSpecial(token) ? 2 : 0);
        groups[g]->addData(m_points(i, 0), m_points(i, 1));
        auto* label = new QCPItemText(m_plot);
        label->setText(i < m_tokenLabels.size() ? m_tokenLabels[i] : QString::number(i));
        label->setFont(m_theme.font(9.5, g == 1));
        label->setColor(m_theme.foreground);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        label->setPadding(QMargins(1, 0, 1, 0));
        label->setClipToAxisRect(false);
        label->position->setCoords(m_points(i, 0), m_points(i, 1));
        m_labels.push_back(label);
    }

    // Ranges: every drawn point, with a margin so labels near the edge fit.
    double x0 = m_points.col(0).minCoeff(), x1 = m_points.col(0).maxCoeff();
    double y0 = m_points.col(1).minCoeff(), y1 = m_points.col(1).maxCoeff();
    for (const auto& layer : m_paths) {
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
        const auto row = static_cast<Eigen::Index>(i);
        anchors.emplace_back(m_plot->xAxis->coordToPixel(m_points(row, 0)),
                             m_plot->yAxis->coordToPixel(m_points(row, 1)));
        const QFontMetricsF metrics(m_labels[i]->font());
        sizes.emplace_back(metrics.horizontalAdvance(m_labels[i]->text()) + 2, metrics.height());
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
    const int n = static_cast<int>(m_points.rows());
    const double base = n > 30 ? 1.3 : 1.0;
    return QSizeF(600.0 * base * m_theme.fontScale, 480.0 * base * m_theme.fontScale);
}

}  // namespace bertlens::ui
