#include "PredictionChart.h"

#include "PlotRender.h"

#include <qcustomplot.h>
#include <QVBoxLayout>

#include <algorithm>

namespace bertlens::ui {

namespace {

const QColor kBarColor(0x00, 0x72, 0xb2);  // Okabe-Ito blue: dark enough for a projector

// The probability axis runs past the longest bar to leave room for its
// label, but a probability is never above 1: no tick (nor grid line) there.
class ProbabilityTicker : public QCPAxisTicker {
protected:
    QVector<double> createTickVector(double tickStep, const QCPRange& range) override {
        QVector<double> ticks = QCPAxisTicker::createTickVector(tickStep, range);
        ticks.erase(std::remove_if(ticks.begin(), ticks.end(), [](double t) { return t > 1.0 + 1e-9; }), ticks.end());
        return ticks;
    }
};

}  // namespace

QString wrapText(const QString& text, int width) {
    QStringList lines;
    for (const QString& paragraph : text.split(QLatin1Char('\n'))) {
        QString line;
        for (const QString& word : paragraph.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (!line.isEmpty() && line.size() + 1 + word.size() > width) {
                lines << line;
                line.clear();
            }
            line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
        }
        lines << line;
    }
    return lines.join(QLatin1Char('\n'));
}

PredictionChart::PredictionChart(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_theme(Theme::normal()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setMinimumSize(240, 160);
    rebuild();
}

void PredictionChart::setPanels(const std::vector<PredictionPanel>& panels, int columns, bool shareRowScale) {
    m_panels = panels;
    m_columns = std::max(columns, 1);
    m_shareRowScale = shareRowScale;
    m_message.clear();
    rebuild();
}

void PredictionChart::setMessage(const QString& message) {
    m_panels.clear();
    m_message = message;
    rebuild();
}

void PredictionChart::setTitle(const QString& title) {
    m_title = title;
    rebuild();
}

void PredictionChart::setTheme(const Theme& theme) {
    m_theme = theme;
    rebuild();
}

double PredictionChart::panelHeight(int k, double fontScale) {
    return (44.0 + 19.0 * std::max(k, 1)) * fontScale + 16.0;
}

double PredictionChart::titleHeight(double fontScale) {
    return 26.0 * fontScale;
}

QString PredictionChart::percent(double p) {
    // Two significant digits below 1%: an untrained model's guesses are all
    // tiny, and "0.012%" still tells them apart where "<0.1%" would not.
    if (p < 0.01) return QString::number(100.0 * p, 'g', 2) + QLatin1Char('%');
    return QString::number(100.0 * p, 'f', 1) + QLatin1Char('%');
}

void PredictionChart::render(QPainter& painter, const QRectF& rect) {
    renderPlot(*m_plot, painter, rect);
}

void PredictionChart::rebuild() {
    m_plot->clearItems();
    m_plot->clearPlottables();
    m_plot->plotLayout()->clear();
    // Margin groups are the plot's children, not the layout's: without this
    // every rebuild (every keystroke) left its groups behind (found by tst_monkey).
    qDeleteAll(m_marginGroups);
    m_marginGroups.clear();
    m_plot->setBackground(m_theme.background);
    const QColor fg = m_theme.foreground;

    int row = 0;
    if (!m_title.isEmpty()) {
        auto* title = new QCPTextElement(m_plot, m_title, m_theme.font(12, true));
        title->setTextColor(fg);
        m_plot->plotLayout()->addElement(row++, 0, title);
    }
    if (m_panels.empty()) {
        auto* text = new QCPTextElement(m_plot, wrapText(m_message, 64), m_theme.font(12));
        text->setTextColor(fg);
        m_plot->plotLayout()->addElement(row, 0, text);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    auto* grid = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(row, 0, grid);
    m_plot->plotLayout()->setRowStretchFactor(row, 100);  // the title row keeps only its text's height
    grid->setRowSpacing(2);
    grid->setColumnSpacing(12);

    const int columns = std::min<int>(m_columns, static_cast<int>(m_panels.size()));
    // The largest probability of each panel's row, for a shared scale.
    std::vector<double> rowLargest((m_panels.size() + size_t(columns) - 1) / size_t(columns), 0.0);
    for (size_t i = 0; i < m_panels.size(); ++i) {
        for (const TokenProbability& t : m_panels[i].top) {
            double& row = rowLargest[i / size_t(columns)];
            row = std::max(row, static_cast<double>(t.probability));
        }
    }
    std::vector<QCPMarginGroup*> columnMargins;
    for (int c = 0; c < columns; ++c) columnMargins.push_back(new QCPMarginGroup(m_plot));
    m_marginGroups = columnMargins;
    for (size_t i = 0; i < m_panels.size(); ++i) {
        const PredictionPanel& panel = m_panels[i];
        const int r = static_cast<int>(i) / columns * 2;
        const int c = static_cast<int>(i) % columns;
        auto* title = new QCPTextElement(m_plot, panel.title, m_theme.font(10.5, true));
        title->setTextColor(fg);
        grid->addElement(r, c, title);
        auto* rect = new QCPAxisRect(m_plot, true);
        grid->addElement(r + 1, c, rect);
        grid->setRowStretchFactor(r + 1, static_cast<double>(std::max<size_t>(panel.top.size(), 1)));
        grid->setRowStretchFactor(r, 0.001);
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, columnMargins[static_cast<size_t>(c)]);
        rect->setBackground(m_theme.background);

        QCPAxis* words = rect->axis(QCPAxis::atLeft);
        QCPAxis* probs = rect->axis(QCPAxis::atBottom);
        const int k = static_cast<int>(panel.top.size());
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        double largest = 0.0;
        auto* bars = new QCPBars(words, probs);
        auto* originalBar = new QCPBars(words, probs);
        for (int j = 0; j < k; ++j) {
            const TokenProbability& t = panel.top[static_cast<size_t>(j)];
            const QString word = QString::fromStdString(t.token);
            ticker->addTick(j, word);
            const bool isOriginal = !panel.original.isEmpty() && word == panel.original;
            (isOriginal ? originalBar : bars)->addData(j, t.probability);
            largest = std::max(largest, static_cast<double>(t.probability));
            auto* label = new QCPItemText(m_plot);
            label->setClipAxisRect(rect);
            label->position->setAxes(probs, words);
            label->position->setCoords(t.probability, j);
            label->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
            label->setPadding(QMargins(4, 0, 0, 0));
            label->setText(percent(t.probability) + (isOriginal ? tr("  (the masked word)") : QString()));
            label->setFont(m_theme.font(9.5, isOriginal));
            label->setColor(fg);
        }
        for (QCPBars* b : {bars, originalBar}) {
            b->setWidth(0.7);
            b->setPen(Qt::NoPen);
        }
        bars->setBrush(kBarColor);
        originalBar->setBrush(m_theme.accent);
        words->setTicker(ticker);
        words->setRangeReversed(true);
        words->setRange(-0.6, std::max(k, 1) - 0.4);
        words->setSubTicks(false);
        words->setTickLength(0, 0);
        words->grid()->setVisible(false);
        words->setTickLabelFont(m_theme.font(10));
        // Room right of the longest bar for its label.
        if (m_shareRowScale) largest = rowLargest[i / size_t(columns)];
        probs->setRange(0.0, largest > 0.0 ? largest * 1.35 : 1.0);
        probs->setTicker(QSharedPointer<ProbabilityTicker>::create());
        probs->setLabel(tr("probability"));
        probs->setLabelFont(m_theme.font(9));
        probs->setTickLabelFont(m_theme.font(9));
        probs->grid()->setPen(QPen(QColor(0, 0, 0, 40), 0, Qt::DotLine));
        for (QCPAxis* axis : {words, probs}) {
            axis->setBasePen(QPen(fg, 1));
            axis->setTickPen(QPen(fg, 1));
            axis->setSubTickPen(QPen(fg, 1));
            axis->setTickLabelColor(fg);
            axis->setLabelColor(fg);
        }
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace bertlens::ui
