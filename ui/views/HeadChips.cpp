#include "HeadChips.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

#include <algorithm>
#include <array>

namespace bertlens::ui {

QColor headColor(int index) {
    // Okabe & Ito (2008), "Color Universal Design": blue, vermillion, bluish
    // green, reddish purple, orange, sky blue, black.
    static constexpr std::array<QRgb, 7> kPalette = {0x0072b2, 0xd55e00, 0x009e73, 0xcc79a7,
                                                     0xe69f00, 0x56b4e9, 0x000000};
    return QColor(kPalette[static_cast<size_t>(std::max(index, 0)) % kPalette.size()]);
}

Qt::PenStyle headPenStyle(int index) {
    return index < 7 ? Qt::SolidLine : (index < 14 ? Qt::DashLine : Qt::DotLine);
}

HeadChips::HeadChips(QWidget* parent) : QWidget(parent), m_theme(Theme::normal()) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(3);
    m_caption = new QLabel(tr("Heads:"), this);
    layout->addWidget(m_caption);
    layout->addStretch(1);
    setHeadCount(0);
}

void HeadChips::setHeadCount(int heads) {
    if (static_cast<int>(m_buttons.size()) == heads + 1) return;
    for (QToolButton* b : m_buttons) delete b;  // a deleted widget leaves its layout
    m_buttons.clear();
    auto* row = static_cast<QHBoxLayout*>(layout());
    for (int i = -1; i < heads; ++i) {
        auto* b = new QToolButton(this);
        b->setCheckable(true);
        b->setAutoRaise(false);
        b->setText(i == kMeanHead ? tr("mean") : QString::number(i));
        b->setToolTip(i == kMeanHead ? tr("The mean of all the layer's heads") : tr("Head %1").arg(i));
        connect(b, &QToolButton::toggled, this, [this, i](bool on) { toggle(i, on); });
        row->insertWidget(row->count() - 1, b);  // before the stretch
        m_buttons.push_back(b);
    }
    m_checked.erase(std::remove_if(m_checked.begin(), m_checked.end(), [heads](int h) { return h >= heads; }),
                    m_checked.end());
    setChecked(m_checked);
}

void HeadChips::setChecked(const std::vector<int>& heads) {
    m_checked.clear();
    for (int h : heads) {
        if (h >= kMeanHead && h + 1 < static_cast<int>(m_buttons.size()) &&
            std::find(m_checked.begin(), m_checked.end(), h) == m_checked.end())
            m_checked.push_back(h);
    }
    for (size_t i = 0; i < m_buttons.size(); ++i) {
        const QSignalBlocker block(m_buttons[i]);
        const int head = static_cast<int>(i) - 1;
        m_buttons[i]->setChecked(std::find(m_checked.begin(), m_checked.end(), head) != m_checked.end());
    }
    restyle();
}

void HeadChips::setTheme(const Theme& theme) {
    m_theme = theme;
    restyle();
}

void HeadChips::toggle(int head, bool on) {
    const auto it = std::find(m_checked.begin(), m_checked.end(), head);
    if (on && it == m_checked.end()) m_checked.push_back(head);
    if (!on && it != m_checked.end()) m_checked.erase(it);
    restyle();
    emit checkedChanged(m_checked);
}

void HeadChips::restyle() {
    const QFont font = m_theme.font(9);
    m_caption->setFont(font);
    for (size_t i = 0; i < m_buttons.size(); ++i) {
        QToolButton* b = m_buttons[i];
        b->setFont(font);
        const auto it = std::find(m_checked.begin(), m_checked.end(), static_cast<int>(i) - 1);
        if (it == m_checked.end()) {
            b->setStyleSheet(QString());
        } else {
            const QColor c = headColor(static_cast<int>(it - m_checked.begin()));
            b->setStyleSheet(QStringLiteral("QToolButton { background: %1; color: white; font-weight: bold; "
                                            "border: 1px solid %1; border-radius: 3px; padding: 1px 5px; }")
                                 .arg(c.name()));
        }
    }
}

}  // namespace bertlens::ui
