#include "HeadView.h"

#include "CompareView.h"

#include "AttentionHeatmap.h"
#include "SelectedAttention.h"
#include "TokenLabels.h"

#include <QCheckBox>
#include <QComboBox>
#include <QVBoxLayout>

#include <algorithm>

namespace bertlens::ui {

HeadView::HeadView(QWidget* parent)
    : FigureView(parent),
      m_heatmap(new AttentionHeatmap(this)),
      m_stretch(new QCheckBox(this)),
      m_measureBox(new QComboBox(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_stretch->setText(tr("Stretch colours to the largest weight"));
    m_stretch->setToolTip(
        tr("Off: the colour scale runs from 0 to 1, the same for every head.\n"
           "On: it runs from 0 to this map's largest weight, so faint patterns show."));
    layout->addWidget(m_heatmap, 1);
    // Over the plot's empty top-right corner: a row of its own would take
    // height from the map, which is what a projector needs most.
    m_stretch->raise();
    m_measureBox->addItem(tr("Weights"));
    m_measureBox->addItem(tr("Norms \u2016\u03b1\u00b7f(x)\u2016"));
    m_measureBox->setToolTip(
        tr("Weights: the attention probabilities \u03b1.\n"
           "Norms: \u2016\u03b1\u00b7f(x)\u2016, the length of what each key actually adds to the query's output "
           "through this head\n(Kobayashi et al. 2020); a heavy weight on a vector near zero carries little."));
    m_measureBox->raise();
    connect(m_stretch, &QCheckBox::toggled, m_heatmap, &AttentionHeatmap::setStretch);
    connect(m_measureBox, &QComboBox::currentIndexChanged, this, [this](int i) { setShowNorms(i == 1); });
    refresh();
}

void HeadView::resizeEvent(QResizeEvent* event) {
    FigureView::resizeEvent(event);
    placeCornerControls();
}

// Over the plot's empty top-right corner, the measure above the stretch box.
void HeadView::placeCornerControls() {
    m_stretch->adjustSize();
    m_measureBox->adjustSize();
    m_measureBox->move(width() - m_measureBox->width() - 8, 6);
    m_stretch->move(width() - m_stretch->width() - 8, 10 + m_measureBox->height());
}

void HeadView::setMeasures(const FlowMeasuresPtr& measures) {
    m_measures = measures && m_result && measures->requestId == m_result->requestId ? measures : nullptr;
    if (m_norms) refresh();
}

void HeadView::setShowNorms(bool norms) {
    m_norms = norms;
    const QSignalBlocker block(m_measureBox);
    m_measureBox->setCurrentIndex(norms ? 1 : 0);
    refresh();
}

void HeadView::setResult(const AnalysisResultPtr& result) {
    // Measures belong to one result: a new result drops the old ones before
    // anything is drawn (their matrices have the old token count; found by
    // tst_monkey under ASan as a read past the end).
    if (m_measures && (!result || m_measures->requestId != result->requestId)) m_measures = nullptr;
    m_result = result;
    refresh();
}

void HeadView::setSelection(const Selection& selection) {
    if (selection == m_selection) return;
    m_selection = selection;
    refresh();
}

void HeadView::setTheme(const Theme& theme) {
    m_stretch->setFont(theme.font(9));
    m_measureBox->setFont(theme.font(9));
    placeCornerControls();
    m_heatmap->setTheme(theme);
}

void HeadView::refresh() {
    if (!m_result) {
        m_heatmap->clear();
        m_heatmap->setTitle(tr("No analysis yet"));
        return;
    }
    const Analysis& a = m_result->analysis(m_selection.maskMode);
    const Selection s = clampedSelection(a, m_selection);
    const QStringList labels = tokenLabels(m_result.get());
    const bool causal = s.maskMode == MaskMode::Causal;
    m_heatmap->setHiddenBy(causal ? MaskMode::Causal : MaskMode::Bidirectional);
    m_heatmap->setAnchorToken(a.predictions.empty() ? -1 : a.predictions.front().position);
    m_heatmap->setHint(causal ? partnerHint(ComparePartner::OwnMask) : QString());
    m_stretch->setEnabled(!m_norms);
    if (!m_norms) {
        m_heatmap->setValueName(tr("weight"));
        m_heatmap->setStretch(m_stretch->isChecked());
        m_heatmap->setMatrix(selectedAttention(a, s), labels, labels);
        m_heatmap->setTitle(tr("Attention, %1 (%2)").arg(selectionName(s), maskModeTitle(s.maskMode)));
        return;
    }
    const std::vector<float>& norms = m_measures ? m_measures->of(s.maskMode).norms : std::vector<float>{};
    if (norms.empty()) {
        m_heatmap->clear();
        m_heatmap->setTitle(m_measures ? tr("This model's norms could not be computed") : tr("Computing norms…"));
        return;
    }
    // Norms have no upper bound: the colours run from 0 to the largest.
    m_heatmap->setValueName(tr("norm"));
    m_heatmap->setStretch(true);
    m_heatmap->setMatrix(selectedNorms(a, s, norms), labels, labels);
    m_heatmap->setTitle(tr("Norm-weighted attention \u2016\u03b1\u00b7f(x)\u2016, %1 (%2)")
                            .arg(selectionName(s), maskModeTitle(s.maskMode)));
}

void HeadView::paintFigure(QPainter& painter, const QRectF& rect) {
    m_heatmap->render(painter, rect);
}

double HeadView::minimumFigureWidth() const {
    return m_heatmap->minimumFigureWidth();
}

double HeadView::figureHeightForWidth(double width) const {
    return m_heatmap->figureHeightForWidth(width);
}

QSizeF HeadView::figureSize() const {
    // Every label fits: a long text makes a large figure rather than one with skipped labels.
    return m_heatmap->figureSize();
}

}  // namespace bertlens::ui
