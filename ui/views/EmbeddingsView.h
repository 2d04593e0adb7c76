// The token-embeddings view: the hidden states after the chosen layer,
// projected to two dimensions by PCA (core/analysis/Pca.h), one labelled
// point per token, axis titles giving each axis' share of the variance; or,
// in paths mode, each token's path from its embedding (layer 0) through
// every layer's output, on one PCA basis fitted on all layers together, with
// the chosen layer's points highlighted. Both axes have the same scale, so
// distances in the picture are distances in the projection.
//
// "Layer l" is the output of encoder layer l (hidden state l + 1), the same
// layer whose attention the other views show. Labels are placed to avoid
// each other (LabelPlacer) whenever the plot's layout changes, so the screen
// and every export get their own placement. UI thread only.
#pragma once

#include "FigureView.h"

#include "analysis/Pca.h"

class QComboBox;
class QCustomPlot;
class QCPItemText;

namespace bertlens::ui {

class EmbeddingsView : public FigureView {
    Q_OBJECT
public:
    enum class Mode { Points, Paths };

    explicit EmbeddingsView(QWidget* parent = nullptr);

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override;
    void setTheme(const Theme& theme) override;
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    double minimumFigureWidth() const override { return 200.0 * m_theme.fontScale; }
    QString figureName() const override { return QStringLiteral("embeddings"); }

    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    // What is drawn: n x 2 points of the chosen layer (in the mode's basis),
    // and in paths mode one n x 2 block per hidden state (layers + 1).
    const Eigen::MatrixX2d& points() const { return m_points; }
    const std::vector<Eigen::MatrixX2d>& paths() const { return m_paths; }
    const Pca2& pca() const { return m_pca; }
    // The hidden state drawn: selection layer + 1.
    int hiddenStateIndex() const { return m_hiddenState; }
    int labelCount() const { return static_cast<int>(m_labels.size()); }
    QCustomPlot* plot() const { return m_plot; }

private:
    void refresh();
    void rebuildPlot();
    void placeTokenLabels();
    void fitEqualAspect();
    void applyTheme();
    QString title() const;
    QString subtitle() const;

    QComboBox* m_modeBox;
    QCustomPlot* m_plot;
    std::vector<QCPItemText*> m_labels;
    QStringList m_tokenLabels;
    AnalysisResultPtr m_result;
    Selection m_selection;
    Theme m_theme;
    Mode m_mode = Mode::Points;
    Pca2 m_pca;
    Eigen::MatrixX2d m_points;
    std::vector<Eigen::MatrixX2d> m_paths;
    int m_hiddenState = 0;
    QRectF m_extent;  // the drawn points' data range, margins included
    QString m_message;
};

}  // namespace bertlens::ui
