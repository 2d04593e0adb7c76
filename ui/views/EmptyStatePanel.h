// The panel a sentence view shows when nothing is analysed (issue 20, "no
// stale results"): it covers the whole view, so no earlier sentence's result
// can be read as the current one, and says why in a title and one sentence
// ("Nothing is analysed" / "The box is empty — type a sentence."), in the
// theme's fonts so it reads from the back of a room.
//
// A child of the view it covers; it follows the view's size by itself.
// FigureView::showNothingAnalysed() creates and drives it. UI thread only.
#pragma once

#include "Theme.h"

#include <QString>
#include <QWidget>

class QLabel;

namespace bertlens::ui {

class EmptyStatePanel : public QWidget {
    Q_OBJECT
public:
    explicit EmptyStatePanel(QWidget* covered);

    void setReason(const QString& reason);
    QString reason() const { return m_reason; }
    QString title() const;
    void setTheme(const Theme& theme);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void fitMargins();

    QLabel* m_title;
    QLabel* m_reasonLabel;
    QString m_reason;
    Theme m_theme;
};

}  // namespace bertlens::ui
