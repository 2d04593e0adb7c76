// The row of controls that pick what the single views show: layer, head,
// "all heads, averaged" and the mask mode. Emits the whole Selection whenever
// the user changes any part; setSelection() sets the controls and emits once
// if that changed anything.
//
// UI thread only.
#pragma once

#include "Selection.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QSpinBox;

namespace bertlens::ui {

class SelectionControls : public QWidget {
    Q_OBJECT
public:
    explicit SelectionControls(QWidget* parent = nullptr);

    Selection selection() const;
    void setSelection(const Selection& selection);
    // The model's shape bounds the spin boxes (and clamps the selection).
    void setModelShape(int layers, int heads);

    // Keyboard steps (Alt+arrows); clamp at the ends.
    void stepLayer(int delta);
    void stepHead(int delta);
    void toggleAverage();
    void toggleMaskMode();

signals:
    void selectionChanged(const bertlens::ui::Selection& selection);

private:
    void emitChange();

    QSpinBox* m_layer;
    QSpinBox* m_head;
    QCheckBox* m_average;
    QComboBox* m_maskMode;
    bool m_silent = false;
    Selection m_wanted;  // what was last asked for, before clamping to the model
};

}  // namespace bertlens::ui
