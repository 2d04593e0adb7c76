// The token-embeddings view: the hidden states after the chosen layer,
// projected to two dimensions by PCA (core/analysis/Pca.h), one labelled
// point per token, axis titles giving each axis' share of the variance; or,
// in paths mode, each token's path from its embedding (layer 0) through
// every layer's output, on one PCA basis fitted on all layers together, with
// the chosen layer's points highlighted. Both axes have the same scale, so
// distances in the picture are distances in the projection.
//
// Every token has a look of its own (TokenMarkers): its path, its start and
// end point and the frame of its label share one colour, and no colour comes
// twice in a sentence of up to twenty tokens (past that, the shape changes).
//
// Two sentences side by side: "Keep for comparison" keeps the sentence shown;
// the next sentence typed is then drawn with it on one PCA fitted on both
// (projectSentencePair), the kept one in grey, and the words the two share
// are listed with the cosine similarity of their two states at the chosen
// layer (SameWords: "bank" of a river against "bank" for money), the chosen
// one joined by a dashed line. Only in the chosen-layer mode, and only for
// sentences of one model.
//
// "Layer l" is the output of encoder layer l (hidden state l + 1), the same
// layer whose attention the other views show. Labels are placed to avoid
// each other (LabelPlacer) whenever the plot's layout changes, so the screen
// and every export get their own placement. UI thread only.
#pragma once

#include "FigureView.h"

#include "analysis/Pca.h"
#include "analysis/SameWords.h"

class QComboBox;
class QCustomPlot;
class QCPItemText;
class QLabel;
class QPushButton;

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

    // Keeps the sentence shown (nothing when none is) to compare the next
    // ones with; a sentence kept before is replaced.
    void keepForComparison();
    void forgetKept();
    AnalysisResultPtr keptResult() const { return m_kept; }
    // True while two sentences are drawn on one basis; then keptPoints() are
    // the kept sentence's (first) and points() the current one's (second).
    bool comparing() const { return m_keptPoints.rows() > 0; }
    const Eigen::MatrixX2d& keptPoints() const { return m_keptPoints; }
    // The words both sentences hold, least alike first, and the one joined
    // in the picture and named in the readout (an index into sameWords()).
    const std::vector<SameWord>& sameWords() const { return m_sameWords; }
    void chooseSameWord(int index);
    int chosenSameWord() const { return m_chosenWord; }
    // "“bank” ↔ “bank”: cosine 0.69 after layer 3 ..." or "" when not comparing.
    QString readout() const;
    // Why a kept sentence is not drawn with this one ("" when it is, or none is kept).
    const QString& pairNote() const { return m_pairNote; }
    QPushButton* keepButton() const { return m_keepButton; }
    QPushButton* forgetButton() const { return m_forgetButton; }
    QComboBox* sameWordBox() const { return m_wordBox; }

private:
    void refresh();
    void projectPair(const Analysis& current);
    void rebuildPlot();
    void addPaths(int n);
    void addKeptSentence();
    QCPItemText* addLabel(const QString& text, const QColor& frame, bool bold, bool kept);
    void placeTokenLabels();
    void fitEqualAspect();
    void applyTheme();
    void updateControls();
    QString title() const;
    QString subtitle() const;

    QLabel* m_showLabel = nullptr;
    QComboBox* m_modeBox;
    QPushButton* m_keepButton;
    QPushButton* m_forgetButton;
    QLabel* m_wordLabel;
    QComboBox* m_wordBox;
    QCustomPlot* m_plot;
    std::vector<QCPItemText*> m_labels;  // the current sentence's, then the kept one's
    std::vector<QPointF> m_anchors;      // each label's point, in plot coordinates
    QStringList m_tokenLabels;
    AnalysisResultPtr m_result;
    AnalysisResultPtr m_kept;
    Selection m_selection;
    Theme m_theme;
    Mode m_mode = Mode::Points;
    Pca2 m_pca;
    Eigen::MatrixX2d m_points;
    Eigen::MatrixX2d m_keptPoints;
    std::vector<Eigen::MatrixX2d> m_paths;
    std::vector<SameWord> m_sameWords;
    int m_chosenWord = 0;
    int m_hiddenState = 0;
    QRectF m_extent;  // the drawn points' data range, margins included
    QString m_message;
    QString m_pairNote;
};

}  // namespace bertlens::ui
