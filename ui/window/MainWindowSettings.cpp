// MainWindow: what it remembers between runs (WindowSettings.h) and the text size.
#include "MainWindow.h"

#include "AnalysisController.h"
#include "FigureView.h"
#include "SelectionControls.h"

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QStatusBar>

namespace bertlens::ui {

void MainWindow::setTextScale(double scale) {
    m_textScale = clampTextScale(scale);
    applyTheme();
    statusBar()->showMessage(tr("Text size %1 %").arg(qRound(m_textScale * 100)), 2000);
}

RememberedState MainWindow::remembered() const {
    RememberedState r;
    r.modelFolder = m_controller->modelFolder();
    if (const FigureView* v = currentView()) r.view = v->figureName();
    r.selection = m_selection;
    r.colorMap = m_colorMap;
    r.textScale = m_textScale;
    r.precision = m_controller->precision();
    r.geometry = saveGeometry();
    return r;
}

void MainWindow::applyRemembered(const RememberedState& r) {
    if (!r.geometry.isEmpty()) restoreGeometry(r.geometry);  // false (and nothing done) for bytes it cannot read
    if (!r.view.isEmpty()) setCurrentView(r.view);
    if (r.selection) m_controls->setSelection(*r.selection);  // clamped to the model once it is open
    if (r.colorMap) setColorMap(*r.colorMap);
    m_textScale = clampTextScale(r.textScale);
    setPrecision(r.precision);
    applyTheme();
}

void MainWindow::setPrecision(Precision precision) {
    m_controller->setPrecision(precision);
    for (QAction* a : m_precisionGroup->actions()) a->setChecked(a->data().toInt() == static_cast<int>(precision));
    updateStatusTokens();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    // Presentation mode is full screen: remember the window it came from.
    if (m_presentation) setPresentationMode(false);
    if (m_saveSettingsOnClose) saveWindowSettings(remembered());
    QMainWindow::closeEvent(event);
}

}  // namespace bertlens::ui
