#include "SaliencyBar.h"

#include "SaliencyText.h"
#include "SelectedAttention.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLinearGradient>
#include <QPainter>
#include <QPushButton>

#include <algorithm>

namespace bertlens::ui {

SaliencyBar::SaliencyBar(QWidget* parent)
    : QWidget(parent),
      m_show(new QCheckBox(tr("Colour tokens by saliency"), this)),
      m_prediction(new QComboBox(this)),
      m_measure(new QComboBox(this)),
      m_legend(new QLabel(this)),
      m_status(new QLabel(this)),
      m_ablation(new QLabel(this)),
      m_restore(new QPushButton(tr("All heads on"), this)),
      m_theme(Theme::normal()) {
    m_show->setObjectName(QStringLiteral("saliencyShow"));
    m_show->setToolTip(
        tr("How much the explained guess depends on each token's word embedding: the gradient of its "
           "log-probability, times the embedding (gradient \u00d7 input) or alone; each token's share of the total."));
    m_prediction->setToolTip(tr("The guess to explain: its top word at this position"));
    m_measure->addItem(tr("gradient \u00d7 input"));
    m_measure->addItem(tr("gradient"));
    m_ablation->setObjectName(QStringLiteral("ablationNote"));
    for (QComboBox* box : {m_prediction, m_measure}) box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    // The explanation may be long (a long word, presentation fonts): it takes
    // the room that is left and never widens the window; its tooltip has it whole.
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_status->setMinimumWidth(120);
    m_ablation->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_restore->setObjectName(QStringLiteral("restoreHeads"));
    m_restore->setToolTip(tr("Switch every head back on (Ctrl+Shift+H)"));
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_show);
    row->addWidget(m_prediction);
    row->addWidget(m_measure);
    row->addWidget(m_legend);
    row->addWidget(m_status, 1);
    row->addSpacing(12);
    row->addWidget(m_ablation);
    row->addWidget(m_restore);
    connect(m_show, &QCheckBox::toggled, this, [this] { refresh(); });
    connect(m_measure, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
    connect(m_prediction, &QComboBox::activated, this,
            [this](int i) { emit positionChosen(m_prediction->itemData(i).toInt()); });
    connect(m_restore, &QPushButton::clicked, this, &SaliencyBar::restoreHeadsRequested);
    refresh();
}

void SaliencyBar::setResult(const AnalysisResultPtr& result) {
    m_result = result;
    m_measures = nullptr;
    refreshChoices();
    refresh();
}

void SaliencyBar::setMeasures(const FlowMeasuresPtr& measures) {
    m_measures = measures && m_result && measures->requestId == m_result->requestId ? measures : nullptr;
    refresh();
}

void SaliencyBar::setMaskMode(MaskMode mode) {
    if (mode == m_mode) return;
    m_mode = mode;
    refreshChoices();
    refresh();
}

void SaliencyBar::setTheme(const Theme& theme) {
    m_theme = theme;
    const QFont f = theme.font(9);
    for (QWidget* w :
         std::initializer_list<QWidget*>{m_show, m_prediction, m_measure, m_status, m_ablation, m_restore}) {
        w->setFont(f);
    }
    refresh();
}

void SaliencyBar::setSaliencyShown(bool shown) {
    m_show->setChecked(shown);
}
bool SaliencyBar::saliencyShown() const {
    return m_show->isChecked();
}
void SaliencyBar::setMeasureIndex(int index) {
    m_measure->setCurrentIndex(std::clamp(index, 0, 1));
}

const Saliency* SaliencyBar::saliency() const {
    if (!m_measures) return nullptr;
    const auto& s = m_measures->of(m_mode).saliency;
    return s ? &*s : nullptr;
}

std::vector<float> SaliencyBar::tokenValues() const {
    const Saliency* s = saliency();
    if (!saliencyShown() || !s) return {};
    return m_measure->currentIndex() == 1 ? s->gradient : s->gradXInput;
}

int SaliencyBar::explainedPosition() const {
    const Saliency* s = saliency();
    return s ? s->position : -1;
}

QString SaliencyBar::statusText() const {
    return m_status->text();
}

void SaliencyBar::refreshChoices() {
    // One entry per predicted position of the mask shown, with its top word.
    const QSignalBlocker block(m_prediction);
    m_prediction->clear();
    if (!m_result) return;
    const Analysis& a = m_result->analysis(m_mode);
    for (const Prediction& p : a.predictions) {
        if (p.top.empty()) continue;
        m_prediction->addItem(predictionText(a, p), p.position);
    }
    const int chosen = m_prediction->findData(m_result->saliencyPosition);
    m_prediction->setCurrentIndex(chosen >= 0 ? chosen : 0);
}

void SaliencyBar::refresh() {
    const bool on = saliencyShown();
    m_prediction->setVisible(on && m_prediction->count() > 1);
    m_measure->setVisible(on);
    m_legend->setVisible(on);
    m_status->setVisible(on);
    const Saliency* s = saliency();
    std::vector<float> values = tokenValues();
    const float top = values.empty() ? 0.0f : *std::max_element(values.begin(), values.end());
    if (!on) {
        m_status->clear();
    } else if (!m_result) {
        m_status->setText(tr("no analysis yet"));
    } else if (!m_measures || !m_measures->saliencyDone) {
        m_status->setText(tr("computing\u2026"));
    } else if (!s) {
        m_status->setText(m_measures->of(m_mode).saliencyNote);
    } else {
        m_status->setText(
            tr("for %1, %2").arg(saliencyTargetText(m_result->analysis(m_mode), *s), maskModeTitle(m_mode)));
    }
    // The legend: the colour map from 0 to the largest share shown.
    const QFontMetrics fm(m_status->font());
    const int h = fm.height(), w = 8 * h;
    QPixmap legend(w + fm.horizontalAdvance(QStringLiteral("0  100%")) + 12, h);
    legend.fill(Qt::transparent);
    {
        QPainter p(&legend);
        p.setFont(m_status->font());
        p.setPen(palette().color(QPalette::WindowText));
        const int zero = fm.horizontalAdvance(QStringLiteral("0")) + 4;
        p.drawText(QRect(0, 0, zero, h), Qt::AlignVCenter, QStringLiteral("0"));
        QLinearGradient ramp(zero, 0, zero + w, 0);
        for (int i = 0; i <= 8; ++i) ramp.setColorAt(i / 8.0, m_theme.color(i / 8.0));
        p.fillRect(QRect(zero, 2, w, h - 4), ramp);
        p.drawText(QRect(zero + w + 4, 0, legend.width() - zero - w - 4, h), Qt::AlignVCenter,
                   top > 0.0f ? QStringLiteral("%1%").arg(100.0 * top, 0, 'f', 0) : QStringLiteral("\u2013"));
    }
    m_legend->setPixmap(legend);
    m_status->setToolTip(m_status->text());
    const bool ablated = m_result && !m_result->ablated.empty();
    m_ablation->setVisible(ablated);
    m_restore->setVisible(ablated);
    if (ablated) {
        QStringList heads;
        for (const HeadRef& r : m_result->ablated) heads << QStringLiteral("%1:%2").arg(r.layer).arg(r.head);
        if (heads.size() > 8) heads = heads.mid(0, 8) << tr("\u2026 %1 in all").arg(m_result->ablated.size());
        m_ablation->setText(tr("Heads off (layer:head): %1").arg(heads.join(QStringLiteral(", "))));
    }
    emit valuesChanged();
}

}  // namespace bertlens::ui
