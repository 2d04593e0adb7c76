#include "PlotTheme.h"

#include <qcustomplot.h>

namespace bertlens::ui {

void applyAxisTheme(QCPAxis& axis, const Theme& theme) {
    const QColor fg = theme.foreground;
    axis.setBasePen(QPen(fg, 1));
    axis.setTickPen(QPen(fg, 1));
    axis.setSubTickPen(QPen(fg, 1));
    axis.setTickLabelColor(fg);
    axis.setLabelColor(fg);
    axis.setLabelFont(theme.font(10));
    axis.setTickLabelFont(theme.font(9.5));
    axis.grid()->setPen(QPen(QColor(0, 0, 0, 35), 0, Qt::DotLine));
}

}  // namespace bertlens::ui
