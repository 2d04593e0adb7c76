// The tokens of the current analysis as a row of chips under the sentence
// box, wrapping onto more lines as needed. Clicking a word's chip asks for it
// to be turned into [MASK] (or back); a chip the user masked shows [MASK] and
// the word it hides. [CLS]/[SEP] and typed [MASK]s are shown but not clickable.
// A word the model's vocabulary lacks — read as [UNK], or spelled out one
// letter per token — is underlined in red and its tooltip says so.
// With saliency on (SaliencyBar), each chip is filled by its token's share of
// the saliency on the colour map's scale, 0 to the largest share, and the
// explained token has a thick frame.
//
// UI thread only.
#pragma once

#include "AnalysisResult.h"
#include "Theme.h"

#include <QWidget>

#include <vector>

namespace bertlens::ui {

class TokenStrip : public QWidget {
    Q_OBJECT
public:
    // At most this many chips, then one "… N more" chip: enough for every
    // BERT's 512 positions, and a model that reads many thousand tokens does
    // not make the UI thread lay out and paint thousands of chips per result.
    static constexpr int kMaxChips = 600;

    explicit TokenStrip(QWidget* parent = nullptr);

    void setResult(const AnalysisResultPtr& result);
    void setTheme(const Theme& theme);

    // Chips shown: the tokens, up to kMaxChips, plus the "more" chip.
    int chipCount() const { return static_cast<int>(m_chips.size()); }
    // Where token i's chip is, in widget coordinates (for tests).
    QRect chipRect(int position) const;
    QString chipText(int position) const;
    // Token i stands for a word the vocabulary lacks: [UNK], or a piece of a
    // word spelled out mostly one letter per token.
    bool chipIsOutOfVocabulary(int position) const;

    // Colours the chips by these values ([tokens], >= 0; empty: plain chips);
    // explained is the token whose prediction they explain (-1: none).
    void setSaliency(std::vector<float> values, int explained);
    // Token i's saliency as shown, or -1 when the strip shows none.
    float saliencyOf(int position) const;
    // The colour token i's chip is filled with.
    QColor chipFill(int position) const;

    // The height of one row of chips plus the gap to the next.
    int rowPitch() const;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;

signals:
    void tokenClicked(int position);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    enum class Kind { Word, Special, TypedMask, UserMasked, More };
    struct Chip {
        QString text;
        QString original;  // the hidden word of a user-masked chip
        Kind kind = Kind::Word;
        QString outOfVocabulary;  // the word, when the vocabulary lacks it
        QRect rect;
    };
    // Chip rectangles for a width, and the height they need.
    std::vector<QRect> chipRects(int width, int* height) const;
    void relayout();
    void markOutOfVocabulary(const std::string& text);
    int chipAt(const QPoint& pos) const;
    QString toolTipFor(const Chip& chip) const;
    QString plainToolTipFor(const Chip& chip) const;

    AnalysisResultPtr m_result;
    Theme m_theme;
    std::vector<Chip> m_chips;
    int m_hover = -1;
    std::vector<float> m_saliency;
    float m_saliencyTop = 0.0f;
    int m_explained = -1;
};

}  // namespace bertlens::ui
