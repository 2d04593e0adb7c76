// Horizontal bar charts of masked-word predictions, one panel per [MASK]:
// the top-k words, most probable at the top, on one 0-100% axis shared by
// every panel, each bar's probability in a column right of the axis. The
// word a user masked is named in the panel's title and its bar, when it is
// among the top-k, drawn in the accent colour. Or, instead of panels, a
// message (no [MASK], no masked-LM head, no analysis).
//
// Used by the predictions view (one column) and the compare view (one column
// per mask mode). A QCustomPlot underneath (QCPBars). UI thread only.
#pragma once

#include "Theme.h"

#include "model/Analysis.h"

#include <QString>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPMarginGroup;

namespace bertlens::ui {

struct PredictionPanel {
    QString title;                      // e.g. "[MASK] at 2 (was: barked)"
    std::vector<TokenProbability> top;  // most probable first
    QString original;                   // the word the user masked, or ""
};

class PredictionChart : public QWidget {
    Q_OBJECT
public:
    explicit PredictionChart(QWidget* parent = nullptr);

    // Panels fill a grid of `columns` columns, row by row. Every panel draws
    // its probabilities on the same axis, 0 to 100%, so that a 3% bar is
    // visibly shorter than a 57% one in any two panels; each bar's value is
    // written in a column of its own right of the axis.
    void setPanels(const std::vector<PredictionPanel>& panels, int columns = 1);
    // Shows only this message (word-wrapped), no panels.
    void setMessage(const QString& message);
    // A title above all panels ("" for none).
    void setTitle(const QString& title);
    void setTheme(const Theme& theme);

    const std::vector<PredictionPanel>& panels() const { return m_panels; }
    const QString& message() const { return m_message; }
    // Points a panel of k bars needs, its title included; and the chart's title.
    static double panelHeight(int k, double fontScale);
    static double titleHeight(double fontScale);
    // A panel title's line (points): what a title split in two adds to its panel.
    static double titleLineHeight(double fontScale);
    // The narrowest figure (points) a column of panels reads well at.
    static double minimumWidth(double fontScale) { return 200.0 * fontScale; }
    // "41.3%"; two significant digits below 1% ("0.012%").
    static QString percent(double probability);

    void render(QPainter& painter, const QRectF& rect);
    QCustomPlot* plot() const { return m_plot; }

private:
    void rebuild();

    QCustomPlot* m_plot;
    std::vector<QCPMarginGroup*> m_marginGroups;  // this build's, deleted by the next
    std::vector<PredictionPanel> m_panels;
    int m_columns = 1;
    QString m_message;
    QString m_title;
    Theme m_theme;
};

// Two lines split at the space nearest the middle (text with no space: unchanged).
QString splitNearMiddle(const QString& text);

// Wraps text into lines of at most `width` characters at spaces.
QString wrapText(const QString& text, int width);

}  // namespace bertlens::ui
