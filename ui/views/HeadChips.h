// A row of checkable chips, one per attention head plus "mean", for views
// that show several heads at once (the lines view). A checked chip takes its
// head's colour, so the row doubles as the legend. Also the colour-blind-safe
// palette those heads are drawn in.
//
// UI thread only.
#pragma once

#include "Theme.h"

#include <QColor>
#include <QWidget>

#include <vector>

class QLabel;
class QToolButton;

namespace bertlens::ui {

// Pass in a head list for "the mean of the layer's heads".
constexpr int kMeanHead = -1;

// The colour of the i-th shown head: Okabe and Ito's colour-blind-safe
// palette (yellow left out: it vanishes on white), repeating after 7.
QColor headColor(int index);
// Heads past the palette's length are drawn dashed, so none share a look.
Qt::PenStyle headPenStyle(int index);

class HeadChips : public QWidget {
    Q_OBJECT
public:
    explicit HeadChips(QWidget* parent = nullptr);

    // Rebuilds the chips for a layer of `heads` heads.
    void setHeadCount(int heads);
    // Checks exactly these heads (kMeanHead for the mean), in this order.
    void setChecked(const std::vector<int>& heads);
    // The checked heads in the order they were checked.
    const std::vector<int>& checked() const { return m_checked; }
    void setTheme(const Theme& theme);

signals:
    void checkedChanged(const std::vector<int>& heads);

private:
    void toggle(int head, bool on);
    void restyle();

    QLabel* m_caption;
    std::vector<QToolButton*> m_buttons;  // [0] = mean, [1 + h] = head h
    std::vector<int> m_checked;
    Theme m_theme;
};

}  // namespace bertlens::ui
