// The Training view's loss curve: a pretraining series' training loss at
// every step done (one point per step; a gap where the loss was not a
// number), and a marker at the snapshot shown: a vertical line and a dot on
// the curve. QCustomPlot underneath. UI thread only.
#pragma once

#include "Theme.h"

#include <QWidget>

#include <cstdint>
#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;

namespace bertlens::ui {

class LossCurve : public QWidget {
    Q_OBJECT
public:
    explicit LossCurve(QWidget* parent = nullptr);

    // loss[i] is the loss of update i + 1 (SeriesContents::loss); the axis runs to lastStep.
    void setLoss(const std::vector<double>& loss, int64_t lastStep);
    // The marker's step; -1 hides it.
    void setMarker(int64_t step);
    void setTheme(const Theme& theme);

    QCustomPlot* plot() const { return m_plot; }
    QCPGraph* graph() const { return m_graph; }
    int64_t marker() const { return m_marker; }
    void render(QPainter& painter, const QRectF& rect);

private:
    void placeMarker();

    QCustomPlot* m_plot;
    QCPGraph* m_graph;
    QCPGraph* m_dot;
    QCPItemStraightLine* m_line;
    std::vector<double> m_loss;
    int64_t m_marker = -1;
    Theme m_theme;
};

}  // namespace bertlens::ui
