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
    m_saliency.clear();  // it belonged to the previous result; its own comes with the measures
    m_explained = -1;
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
        markOutOfVocabulary(result->text);
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

// Words are runs of a piece and its "##" continuations; a word of three or
// more pieces, at least two thirds of them single characters, is spelled
// out because the vocabulary lacks it ("suitcase": s ##u ##i ##t ##c ##as ##e).
void TokenStrip::markOutOfVocabulary(const std::string& text) {
    const std::vector<Token>& tokens = m_result->bidirectional.tokens;
    const auto wordOf = [&](const Token& first, const Token& last) {
        const size_t begin = static_cast<size_t>(first.bytes.start), end = static_cast<size_t>(last.bytes.end);
        return begin < end && end <= text.size() ? QString::fromStdString(text.substr(begin, end - begin))
                                                 : QString::fromStdString(first.text);
    };
    const size_t n = m_chips.size();
    for (size_t i = 0; i < n;) {
        size_t end = i + 1;
        while (end < n && tokens[end].text.rfind("##", 0) == 0) ++end;
        const Token& t = tokens[i];
        if (m_chips[i].kind == Kind::Word && t.text == "[UNK]") {
            m_chips[i].outOfVocabulary = wordOf(t, t);
        } else if (end - i >= 3 && m_chips[i].kind == Kind::Word) {
            size_t single = 0;
            bool words = true;
            for (size_t k = i; k < end; ++k) {
                single += QString::fromStdString(tokens[k].text).remove(QStringLiteral("##")).size() == 1;
                words = words && m_chips[k].kind == Kind::Word;
            }
            if (words && 3 * single >= 2 * (end - i)) {
                const QString word = wordOf(tokens[i], tokens[end - 1]);
                for (size_t k = i; k < end; ++k) m_chips[k].outOfVocabulary = word;
            }
        }
        i = end;
    }
}

bool TokenStrip::chipIsOutOfVocabulary(int position) const {
    return position >= 0 && position < chipCount() && !m_chips[static_cast<size_t>(position)].outOfVocabulary.isEmpty();
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

void TokenStrip::setSaliency(std::vector<float> values, int explained) {
    m_saliency = std::move(values);
    m_saliencyTop = m_saliency.empty() ? 0.0f : *std::max_element(m_saliency.begin(), m_saliency.end());
    m_explained = m_saliency.empty() ? -1 : explained;
    update();
}

float TokenStrip::saliencyOf(int position) const {
    if (position < 0 || static_cast<size_t>(position) >= m_saliency.size()) return -1.0f;
    return m_saliency[static_cast<size_t>(position)];
}

QColor TokenStrip::chipFill(int i) const {
    if (i < 0 || i >= chipCount()) return {};
    const Chip& c = m_chips[static_cast<size_t>(i)];
    if (c.kind != Kind::More && saliencyOf(i) >= 0.0f) {
        return m_theme.color(m_saliencyTop > 0.0f ? saliencyOf(i) / m_saliencyTop : 0.0);
    }
    switch (c.kind) {
        case Kind::Special:
        case Kind::More:
        case Kind::TypedMask:
            return m_theme.background;
        case Kind::UserMasked:
            return m_theme.accent;
        case Kind::Word:
            break;
    }
    return m_theme.highContrast ? QColor(0xe8, 0xe8, 0xe8) : QColor(0xee, 0xf0, 0xf4);
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
        if (c.kind != Kind::More && saliencyOf(i) >= 0.0f) {
            fill = chipFill(i);
            text = fill.lightnessF() > 0.55 ? QColor(Qt::black) : QColor(Qt::white);
            if (i == m_explained) border = QPen(m_theme.foreground, 3);
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
        if (!c.outOfVocabulary.isEmpty()) {  // a spell-checker's underline: not a word the model knows
            p.setPen(QPen(m_theme.positive, 2, Qt::DotLine));
            p.drawLine(QPointF(r.left() + 4, r.bottom() - 3), QPointF(r.right() - 4, r.bottom() - 3));
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
    const int i = static_cast<int>(&chip - m_chips.data());
    if (saliencyOf(i) < 0.0f) return plainToolTipFor(chip);
    QString share = tr("Saliency: %1% of the total").arg(100.0 * saliencyOf(i), 0, 'f', 1);
    if (i == m_explained) share += tr(" (the word being explained)");
    return share + QLatin1Char('\n') + plainToolTipFor(chip);
}

QString TokenStrip::plainToolTipFor(const Chip& chip) const {
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
    if (chip.text == QLatin1String("[UNK]") && !chip.outOfVocabulary.isEmpty()) {
        return tr("\"%1\" is not in %2's vocabulary: the model reads it as [UNK], an unknown word")
            .arg(chip.outOfVocabulary, m_result ? m_result->modelName : tr("this model"));
    }
    if (!chip.outOfVocabulary.isEmpty()) {
        return tr("\"%1\" is not in %2's vocabulary: the model reads it spelled out, one letter per token")
            .arg(chip.outOfVocabulary, m_result ? m_result->modelName : tr("this model"));
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
