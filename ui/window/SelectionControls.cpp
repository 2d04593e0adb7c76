#include "SelectionControls.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>

namespace bertlens::ui {

SelectionControls::SelectionControls(QWidget* parent)
    : QWidget(parent),
      m_layer(new QSpinBox(this)),
      m_head(new QSpinBox(this)),
      m_average(new QCheckBox(tr("All heads, averaged"), this)),
      m_maskMode(new QComboBox(this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* layerLabel = new QLabel(tr("Layer"), this);
    layerLabel->setBuddy(m_layer);
    auto* headLabel = new QLabel(tr("Head"), this);
    headLabel->setBuddy(m_head);
    auto* maskLabel = new QLabel(tr("Mask"), this);
    maskLabel->setBuddy(m_maskMode);
    m_layer->setToolTip(tr("Which layer the single views show (Alt+Up / Alt+Down)"));
    m_head->setToolTip(tr("Which attention head (Alt+Left / Alt+Right)"));
    m_average->setToolTip(tr("Show the mean of the layer's heads instead of one head (Alt+A)"));
    m_maskMode->addItem(tr("bidirectional (BERT)"), static_cast<int>(MaskMode::Bidirectional));
    m_maskMode->addItem(tr("left-to-right (decoder)"), static_cast<int>(MaskMode::Causal));
    m_maskMode->setToolTip(
        tr("Bidirectional: every token sees every token, as BERT was trained.\n"
           "Left-to-right: each token sees only itself and the tokens before it (Alt+M)."));
    m_layer->setRange(0, 0);
    m_head->setRange(0, 0);
    for (QWidget* w :
         {static_cast<QWidget*>(layerLabel), static_cast<QWidget*>(m_layer), static_cast<QWidget*>(headLabel),
          static_cast<QWidget*>(m_head), static_cast<QWidget*>(m_average)}) {
        layout->addWidget(w);
    }
    layout->addSpacing(16);
    layout->addWidget(maskLabel);
    layout->addWidget(m_maskMode);
    layout->addStretch(1);

    connect(m_layer, &QSpinBox::valueChanged, this, &SelectionControls::emitChange);
    connect(m_head, &QSpinBox::valueChanged, this, &SelectionControls::emitChange);
    connect(m_average, &QCheckBox::toggled, this, [this](bool on) {
        m_head->setEnabled(!on);
        emitChange();
    });
    connect(m_maskMode, &QComboBox::currentIndexChanged, this, &SelectionControls::emitChange);
}

Selection SelectionControls::selection() const {
    Selection s;
    s.layer = m_layer->value();
    s.head = m_head->value();
    s.averageHeads = m_average->isChecked();
    s.maskMode = static_cast<MaskMode>(m_maskMode->currentData().toInt());
    return s;
}

void SelectionControls::setSelection(const Selection& selection) {
    m_wanted = selection;
    if (selection == this->selection()) return;
    m_silent = true;
    m_layer->setValue(selection.layer);
    m_head->setValue(selection.head);
    m_average->setChecked(selection.averageHeads);
    m_maskMode->setCurrentIndex(m_maskMode->findData(static_cast<int>(selection.maskMode)));
    m_silent = false;
    emit selectionChanged(this->selection());  // m_wanted keeps the unclamped request
}

void SelectionControls::setModelShape(int layers, int heads) {
    const Selection before = selection();
    m_silent = true;
    m_layer->setRange(0, std::max(layers - 1, 0));
    m_head->setRange(0, std::max(heads - 1, 0));
    // Counted from 0, as in the figures' titles and in the papers about BERT's
    // heads; "3 of 11" read as if there were 11 layers.
    m_layer->setSuffix(tr("  (0\u2013%1)").arg(std::max(layers - 1, 0)));
    m_head->setSuffix(tr("  (0\u2013%1)").arg(std::max(heads - 1, 0)));
    // A layer asked for before the model was loaded (or kept from a larger
    // model) comes back as soon as the model has it.
    m_layer->setValue(m_wanted.layer);
    m_head->setValue(m_wanted.head);
    m_silent = false;
    if (selection() != before) emitChange();
}

void SelectionControls::stepLayer(int delta) {
    m_layer->setValue(m_layer->value() + delta);
}
void SelectionControls::stepHead(int delta) {
    if (m_average->isChecked()) m_average->setChecked(false);
    m_head->setValue(m_head->value() + delta);
}
void SelectionControls::toggleAverage() {
    m_average->toggle();
}
void SelectionControls::toggleMaskMode() {
    m_maskMode->setCurrentIndex(1 - m_maskMode->currentIndex());
}

void SelectionControls::emitChange() {
    if (m_silent) return;
    m_wanted = selection();
    emit selectionChanged(m_wanted);
}

}  // namespace bertlens::ui
