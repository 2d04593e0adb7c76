// The token strip in a box that grows with it up to kMaxRows rows of chips
// and scrolls beyond: a 500-token text would otherwise push the figure off
// a projector's screen (12 rows of chips at 1600 px for bert's 512
// positions).
//
// UI thread only.
#pragma once

#include <QScrollArea>

namespace bertlens::ui {

class TokenStrip;

class TokenStripArea : public QScrollArea {
    Q_OBJECT
public:
    static constexpr int kMaxRows = 3;

    TokenStripArea(TokenStrip* strip, QWidget* parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    int wantedHeight() const;
    void refreshHeight();  // asks the layout again when the wanted height changed

    TokenStrip* m_strip;
    int m_lastHeight = -1;
};

}  // namespace bertlens::ui
