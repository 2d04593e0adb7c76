#include "EmptyStatePanel.h"

#include <QEvent>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>

namespace bertlens::ui {

EmptyStatePanel::EmptyStatePanel(QWidget* covered)
    : QWidget(covered), m_title(new QLabel(this)), m_reasonLabel(new QLabel(this)), m_theme(Theme::normal()) {
    setObjectName(QStringLiteral("nothingAnalysed"));
    setAutoFillBackground(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(40, 40, 40, 40);
    layout->setSpacing(12);
    layout->addStretch(2);
    for (QLabel* l : {m_title, m_reasonLabel}) {
        l->setAlignment(Qt::AlignCenter);
        l->setWordWrap(true);
        l->setTextFormat(Qt::PlainText);  // a refusal quotes the user's text
        layout->addWidget(l);
    }
    layout->addStretch(3);
    m_title->setText(title());
    covered->installEventFilter(this);
    setGeometry(covered->rect());
    setTheme(m_theme);
}

QString EmptyStatePanel::title() const {
    return tr("Nothing is analysed");
}

void EmptyStatePanel::setReason(const QString& reason) {
    m_reason = reason;
    m_reasonLabel->setText(reason);
}

void EmptyStatePanel::setTheme(const Theme& theme) {
    m_theme = theme;
    m_title->setFont(theme.font(16, true));
    m_reasonLabel->setFont(theme.font(12));
    fitMargins();
    QPalette p = palette();
    p.setColor(QPalette::WindowText, theme.foreground);
    m_title->setPalette(p);
    m_reasonLabel->setPalette(p);
    update();
}

void EmptyStatePanel::fitMargins() {
    // Lines a reader can follow: about 70 characters, not the window's
    // width. Side margins, not a maximum width: a word-wrapped label then
    // still gets the height its lines need.
    const int text = 70 * QFontMetrics(m_reasonLabel->font()).averageCharWidth();
    const int side = std::max(40, (width() - text) / 2);
    layout()->setContentsMargins(side, 40, side, 40);
}

void EmptyStatePanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitMargins();
}

bool EmptyStatePanel::eventFilter(QObject* watched, QEvent* event) {
    // The covered view changed size (a window resize, presentation mode).
    if (watched == parentWidget() && event->type() == QEvent::Resize) setGeometry(parentWidget()->rect());
    return QWidget::eventFilter(watched, event);
}

void EmptyStatePanel::paintEvent(QPaintEvent*) {
    // Opaque: the view's last drawing must not show through.
    QPainter painter(this);
    painter.fillRect(rect(), m_theme.background);
}

}  // namespace bertlens::ui
