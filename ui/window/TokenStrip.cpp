#include "TokenStrip.h"

#include "TokenLabels.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace bertlens::ui {

namespace {
constexpr int kPadX = 8;
constexpr int kPadY = 4;
constexpr int kGap = 6;
constexpr double kFontPoints = 12.0;
}  // namespace

TokenStrip::TokenStrip(QWidget* parent) : QWidget(parent), m_theme(Theme::normal()) {
    setMouseTracking(true);
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    setFont(m_theme.font(kFontPoints));
}

void TokenStrip::setResult(const AnalysisResultPtr& result) {
    m_result = result;
    m_chips.clear();
    m_hover = -1;
    if (result) {
        const Analysis& a = result->bidirectional;
        const int tokens = std::min(a.tokenCount, static_cast<int>(a.tokens.size()));
        for (int i = 0; i < tokens && i < kMaxChips; ++i) {
            const Token& t = a.tokens[static_cast<size_t>(i)];
            Chip chip;
            chip.text = QString::fromStdString(t.text);
            chip.original = userMaskedOriginal(*result, i);
            if (!chip.original.isEmpty()) {
                chip.kind = Kind::UserMasked;
            } else if (t.added || t.text == "[CLS]" || t.text == "[SEP]" || t.text == "[PAD]") {
                chip.kind = Kind::Special;
            } else if (t.text == "[MASK]") {
                chip.kind = Kind::TypedMask;
            }
            m_chips.push_back(chip);
        }
        if (tokens > kMaxChips) {
            Chip more;
            more.text = tr("… %1 more").arg(tokens - kMaxChips);
            more.kind = Kind::More;
            m_chips.push_back(more);
        }
    }
    relayout();
    updateGeometry();
    update();
}

void TokenStrip::setTheme(const Theme& theme) {
    m_theme = theme;
    setFont(theme.font(kFontPoints));
    relayout();
    updateGeometry();
    update();
}

QRect TokenStrip::chipRect(int position) const {
    return position >= 0 && position < chipCount() ? m_chips[static_cast<size_t>(position)].rect : QRect();
}

QString TokenStrip::chipText(int position) const {
    if (position < 0 || position >= chipCount()) return QString();
    const Chip& c = m_chips[static_cast<size_t>(position)];
    return c.kind == Kind::UserMasked ? c.text + QLatin1Char(' ') + c.original : c.text;
}

std::vector<QRect> TokenStrip::chipRects(int width, int* height) const {
    const QFontMetrics fm(font());
    const QFontMetrics small(m_theme.font(kFontPoints * 0.75));
    const int h = fm.height() + 2 * kPadY;
    std::vector<QRect> rects;
    int x = 0;
    int y = 0;
    for (const Chip& chip : m_chips) {
        int w = fm.horizontalAdvance(chip.text) + 2 * kPadX;
        if (chip.kind == Kind::UserMasked) w += small.horizontalAdvance(chip.original) + kPadX;
        if (x > 0 && x + w > width) {
            x = 0;
            y += h + kGap;
        }
        rects.emplace_back(x, y, w, h);
        x += w + kGap;
    }
    if (height) *height = y + h;
    return rects;
}

void TokenStrip::relayout() {
    const std::vector<QRect> rects = chipRects(width(), nullptr);
    for (size_t i = 0; i < rects.size(); ++i) m_chips[i].rect = rects[i];
}

int TokenStrip::rowPitch() const { return QFontMetrics(font()).height() + 2 * kPadY + kGap; }

int TokenStrip::heightForWidth(int width) const {
    int height = 0;
    chipRects(width, &height);
    return height;
}

QSize TokenStrip::sizeHint() const {
    return QSize(600, heightForWidth(width() > 0 ? width() : 600));
}

void TokenStrip::resizeEvent(QResizeEvent*) {
    const int before = m_chips.empty() ? 0 : m_chips.back().rect.bottom();
    relayout();
    if (!m_chips.empty() && m_chips.back().rect.bottom() != before) updateGeometry();
}

void TokenStrip::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFont small = m_theme.font(kFontPoints * 0.75);
    const QColor word = m_theme.highContrast ? QColor(0xe8, 0xe8, 0xe8) : QColor(0xee, 0xf0, 0xf4);
    for (int i = 0; i < chipCount(); ++i) {
        const Chip& c = m_chips[static_cast<size_t>(i)];
        const QRectF r = QRectF(c.rect).adjusted(0.5, 0.5, -0.5, -0.5);
        QColor fill = word;
        QColor text = m_theme.foreground;
        QPen border(QColor(0xb0, 0xb4, 0xbc), 1);
        switch (c.kind) {
            case Kind::Special:
            case Kind::More:
                fill = m_theme.background;
                text = QColor(0x70, 0x70, 0x70);
                border.setStyle(Qt::DotLine);
                break;
            case Kind::TypedMask:
                fill = m_theme.background;
                border = QPen(m_theme.accent, 2);
                break;
            case Kind::UserMasked:
                fill = m_theme.accent;
                text = Qt::white;
                border = QPen(m_theme.accent.darker(130), 1);
                break;
            case Kind::Word:
                break;
        }
        if (i == m_hover && (c.kind == Kind::Word || c.kind == Kind::UserMasked)) border = QPen(m_theme.accent, 2);
        p.setPen(border);
        p.setBrush(fill);
        p.drawRoundedRect(r, 5, 5);
        p.setPen(text);
        p.setFont(font());
        const QRect inner = c.rect.adjusted(kPadX, 0, -kPadX, 0);
        p.drawText(inner, Qt::AlignLeft | Qt::AlignVCenter, c.text);
        if (c.kind == Kind::UserMasked) {
            p.setFont(small);
            p.drawText(inner, Qt::AlignRight | Qt::AlignVCenter, c.original);
        }
    }
}

int TokenStrip::chipAt(const QPoint& pos) const {
    for (int i = 0; i < chipCount(); ++i) {
        if (m_chips[static_cast<size_t>(i)].rect.contains(pos)) return i;
    }
    return -1;
}

QString TokenStrip::toolTipFor(const Chip& chip) const {
    switch (chip.kind) {
        case Kind::Special:
            return tr("%1 is added by the tokenizer").arg(chip.text);
        case Kind::TypedMask:
            return tr("A [MASK] you typed: edit the sentence to change it");
        case Kind::UserMasked:
            return tr("Hidden from the model: click to show \"%1\" again").arg(chip.original);
        case Kind::More:
            return tr("The strip shows the first %1 tokens; the views show them all").arg(kMaxChips);
        case Kind::Word:
            break;
    }
    return tr("Click to hide \"%1\" from the model ([MASK]) and see its guesses").arg(chip.text);
}

void TokenStrip::mouseMoveEvent(QMouseEvent* event) {
    const int hover = chipAt(event->position().toPoint());
    if (hover == m_hover) return;
    m_hover = hover;
    const bool clickable = hover >= 0 && (m_chips[static_cast<size_t>(hover)].kind == Kind::Word ||
                                          m_chips[static_cast<size_t>(hover)].kind == Kind::UserMasked);
    setCursor(clickable ? Qt::PointingHandCursor : Qt::ArrowCursor);
    if (hover >= 0) {
        QToolTip::showText(event->globalPosition().toPoint(), toolTipFor(m_chips[static_cast<size_t>(hover)]), this);
    } else {
        QToolTip::hideText();
    }
    update();
}

void TokenStrip::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    const int i = chipAt(event->position().toPoint());
    if (i < 0) return;
    const Kind kind = m_chips[static_cast<size_t>(i)].kind;
    if (kind == Kind::Word || kind == Kind::UserMasked) emit tokenClicked(i);
}

void TokenStrip::leaveEvent(QEvent*) {
    m_hover = -1;
    update();
}

}  // namespace bertlens::ui
