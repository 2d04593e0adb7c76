#include "PredictionChart.h"

#include "PlotRender.h"

#include <qcustomplot.h>
#include <QVBoxLayout>

#include <algorithm>

namespace bertlens::ui {

namespace {

const QColor kBarColor(0x00, 0x72, 0xb2);    // Okabe-Ito blue: dark enough for a projector
const QColor kTrackColor(0xec, 0xef, 0xf3);  // the bar's track to 100%: barely there

// One probability axis for every panel: 0 to 100%, so that bars of
// different [MASK]s, and of the two mask modes side by side, compare at a
// glance (a 4% guess is a sliver, never a full bar), and no tick past 100%.
QSharedPointer<QCPAxisTickerText> probabilityTicker() {
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTick(0.0, QStringLiteral("0%"));
    ticker->addTick(0.5, QStringLiteral("50%"));
    ticker->addTick(1.0, QStringLiteral("100%"));
    ticker->setSubTickCount(1);  // 25% and 75%: grid lines, no labels
    return ticker;
}

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

void PredictionChart::setPanels(const std::vector<PredictionPanel>& panels, int columns) {
    m_panels = panels;
    m_columns = std::max(columns, 1);
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
    // A panel title wider than its column (a narrow figure) takes two lines,
    // split at the space nearest its middle; the screen keeps one.
    const int columns = std::max(1, std::min<int>(m_columns, static_cast<int>(m_panels.size())));
    const double toPoints = 72.0 / std::max(1.0, QFontMetricsF(m_theme.font()).fontDpi());
    const double room = (rect.width() - 12.0 * (columns - 1)) / columns / toPoints - 8.0;
    std::vector<std::pair<QCPTextElement*, QString>> restore;
    for (QCPLayoutElement* element : m_plot->plotLayout()->elements(true)) {
        auto* text = qobject_cast<QCPTextElement*>(element);
        if (!text || text->text().contains(QLatin1Char('\n')) ||
            QFontMetricsF(text->font()).horizontalAdvance(text->text()) <= room)
            continue;
        restore.emplace_back(text, text->text());
        text->setText(splitNearMiddle(text->text()));
    }
    renderPlot(*m_plot, painter, rect);
    for (auto& [text, old] : restore) text->setText(old);
}

double PredictionChart::titleLineHeight(double fontScale) {
    Theme theme;
    theme.fontScale = fontScale;
    const QFontMetricsF metrics(theme.font(10.5, true));
    return metrics.height() * 72.0 / std::max(1.0, metrics.fontDpi());
}

QString splitNearMiddle(const QString& text) {
    int best = -1;
    for (int i = 0; i < text.size(); ++i) {
        if (text[i] == QLatin1Char(' ') && (best < 0 || std::abs(i - text.size() / 2) < std::abs(best - text.size() / 2)))
            best = i;
    }
    return best > 0 ? text.left(best) + QLatin1Char('\n') + text.mid(best + 1) : text;
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
        // The words' column (left) and the values' column (right) are as
        // wide as their widest text, the same in every panel of a column.
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, columnMargins[static_cast<size_t>(c)]);
        rect->setBackground(m_theme.background);

        QCPAxis* words = rect->axis(QCPAxis::atLeft);
        QCPAxis* values = rect->axis(QCPAxis::atRight);
        QCPAxis* probs = rect->axis(QCPAxis::atBottom);
        const int k = static_cast<int>(panel.top.size());
        auto wordTicks = QSharedPointer<QCPAxisTickerText>::create();
        auto valueTicks = QSharedPointer<QCPAxisTickerText>::create();
        // A pale track to 100% behind each bar: the scale at a glance, and a
        // guide for the eye from a short bar to its value on the right.
        auto* tracks = new QCPBars(words, probs);
        auto* bars = new QCPBars(words, probs);
        auto* originalBar = new QCPBars(words, probs);
        for (int j = 0; j < k; ++j) {
            const TokenProbability& t = panel.top[static_cast<size_t>(j)];
            const QString word = QString::fromStdString(t.token);
            wordTicks->addTick(j, word);
            tracks->addData(j, 1.0);
            const bool isOriginal = !panel.original.isEmpty() && word == panel.original;
            (isOriginal ? originalBar : bars)->addData(j, std::clamp(static_cast<double>(t.probability), 0.0, 1.0));
            valueTicks->addTick(j, percent(t.probability) + (isOriginal ? tr("  (the masked word)") : QString()));
        }
        for (QCPBars* b : {tracks, bars, originalBar}) {
            b->setWidth(0.7);
            b->setPen(Qt::NoPen);
        }
        tracks->setName(QStringLiteral("track"));
        bars->setName(QStringLiteral("probability"));
        originalBar->setName(QStringLiteral("masked word"));
        tracks->setBrush(kTrackColor);
        tracks->setSelectable(QCP::stNone);
        bars->setBrush(kBarColor);
        originalBar->setBrush(m_theme.accent);
        words->setTicker(wordTicks);
        values->setTicker(valueTicks);
        values->setVisible(true);
        values->setTickLabels(true);
        for (QCPAxis* rows : {words, values}) {
            rows->setRangeReversed(true);
            rows->setRange(-0.6, std::max(k, 1) - 0.4);
            rows->setSubTicks(false);
            rows->setTickLength(0, 0);
            rows->grid()->setVisible(false);
        }
        words->setTickLabelFont(m_theme.font(10));
        values->setTickLabelFont(m_theme.font(9.5));
        values->setBasePen(Qt::NoPen);
        values->setTickPen(Qt::NoPen);  // a zero-length tick still draws a dot
        probs->setRange(0.0, 1.0);
        probs->setTicker(probabilityTicker());
        probs->setLabel(tr("probability"));
        probs->setLabelFont(m_theme.font(9));
        probs->setTickLabelFont(m_theme.font(9));
        probs->grid()->setPen(QPen(QColor(0, 0, 0, 40), 0, Qt::DotLine));
        probs->grid()->setSubGridVisible(true);
        probs->grid()->setSubGridPen(QPen(QColor(0, 0, 0, 25), 0, Qt::DotLine));
        for (QCPAxis* axis : {words, probs}) {
            axis->setBasePen(QPen(fg, 1));
            axis->setTickPen(QPen(fg, 1));
            axis->setSubTickPen(QPen(fg, 1));
        }
        for (QCPAxis* axis : {words, values, probs}) {
            axis->setTickLabelColor(fg);
            axis->setLabelColor(fg);
        }
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace bertlens::ui
