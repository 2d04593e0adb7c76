// The Fine-tune view's "what changed" map: one cell per layer and head,
// coloured by how much fine-tuning changed that head's attention on the
// sentence (AttentionChange: the mean over query rows of the Jensen-Shannon
// distance between the pretrained and the fine-tuned model's rows), the
// value written in each cell where it fits, each layer's mean beside its
// row as a bar, and one line saying which layer changed most — whether the
// last layers change most, as Kovaleva et al. (2019) found for BERT.
// paint() draws the screen and the exported figure alike.
//
// UI thread only.
#pragma once

#include "Theme.h"
#include "analysis/AttentionChange.h"

#include <QWidget>

#include <optional>

namespace bertlens::ui {

class ChangeGrid : public QWidget {
    Q_OBJECT
public:
    explicit ChangeGrid(QWidget* parent = nullptr);

    // Empty: a placeholder saying why there is no map yet.
    void setChange(std::optional<AttentionChange> change, const QString& sentence);
    void setPlaceholder(const QString& text);
    void setTheme(const Theme& theme);
    // The height (points) paint() needs at that width with rows of about
    // two lines (a journal column's figure grows to it).
    double heightForWidth(double width) const;
    const std::optional<AttentionChange>& change() const { return m_change; }
    // The colour scale's top: the largest change, rounded up (at least 0.01).
    double scaleTop() const;
    // "Layer 3 (the last of 4) changed most: ..." ("" with no map).
    QString verdict() const;

    void paint(QPainter& painter, const QRectF& rect) const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    QString titleText() const;
    QString explanationText() const;
    void fitHeight();

    std::optional<AttentionChange> m_change;
    QString m_sentence;
    QString m_placeholder;
    Theme m_theme;
};

}  // namespace bertlens::ui
