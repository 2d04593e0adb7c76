#include "TokenStripArea.h"

#include "TokenStrip.h"

#include <QEvent>
#include <QScrollBar>

#include <algorithm>

namespace bertlens::ui {

TokenStripArea::TokenStripArea(TokenStrip* strip, QWidget* parent) : QScrollArea(parent), m_strip(strip) {
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setWidgetResizable(true);
    // QScrollArea asks a resizable widget's heightForWidth only when its size policy says it has one.
    QSizePolicy policy = strip->sizePolicy();
    policy.setHeightForWidth(true);
    strip->setSizePolicy(policy);
    setWidget(strip);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    strip->installEventFilter(this);
}

int TokenStripArea::wantedHeight() const {
    const int scrollBar = verticalScrollBar()->sizeHint().width();
    const int width = std::max(1, viewport()->width() > 1 ? viewport()->width() : this->width() - scrollBar);
    const int rows = m_strip->heightForWidth(width);
    const int cap = kMaxRows * m_strip->rowPitch();
    return std::min(rows, cap);
}

QSize TokenStripArea::sizeHint() const { return QSize(600, wantedHeight()); }

QSize TokenStripArea::minimumSizeHint() const { return QSize(100, wantedHeight()); }

bool TokenStripArea::eventFilter(QObject* watched, QEvent* event) {
    // The strip asks for another height after a new result or theme.
    if (watched == m_strip && event->type() == QEvent::LayoutRequest) refreshHeight();
    return QScrollArea::eventFilter(watched, event);
}

void TokenStripArea::resizeEvent(QResizeEvent* event) {
    QScrollArea::resizeEvent(event);
    refreshHeight();  // another width, maybe another number of rows
}

void TokenStripArea::refreshHeight() {
    const int h = wantedHeight();
    if (h == m_lastHeight) return;
    m_lastHeight = h;
    updateGeometry();
}

}  // namespace bertlens::ui
