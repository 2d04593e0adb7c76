// The "Heads" view (issue 15, "what each head does"): the head summary of
// Clark et al. (2019) for every layer and head at once — a sortable table of
// the eight statistics, a layer x head matrix coloured by the one chosen, and
// the MDS map of the heads by how alike they attend. A click on a row, a cell
// or a dot asks the window to open that head.
//
// It summarises the current sentence (the result's attention under the
// selection's mask) as soon as a result comes; on demand it summarises a
// corpus file instead, with the window's model, off the UI thread
// (HeadsCorpusSource), and shows "this sentence" or "corpus FILE (N lines)"
// and a way back. Small summaries are computed here at once; a large one
// (bert-base's 144 heads at more than a few dozen tokens: the map compares
// every pair of heads on every row) runs on a HeadsSummaryJob, newest only.
//
// Exported figures: the matrix and the map, no selection or hints. UI thread only.
#pragma once

#include "FigureView.h"
#include "HeadsSummary.h"
#include "HeadsSummaryJob.h"

class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;

namespace bertlens::ui {

class HeadMap;
class HeadMatrix;
class HeadsCorpusSource;
class HeadsSourceBar;
class HeadsTableModel;

class HeadsView : public FigureView {
    Q_OBJECT
public:
    explicit HeadsView(QWidget* parent = nullptr);
    ~HeadsView() override;

    void setResult(const AnalysisResultPtr& result) override;
    void setSelection(const Selection& selection) override;
    void setTheme(const Theme& theme) override;
    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    // Narrower than kSideBySidePoints the map goes under the matrix.
    double minimumFigureWidth() const override;
    double figureHeightForWidth(double width) const override;
    QString figureName() const override { return QStringLiteral("heads"); }
    // A corpus summary is of no one sentence; the corpus bar stays usable
    // with the box empty.
    bool needsSentence() const override { return !m_showCorpus; }
    QWidget* nothingAnalysedArea() override;

    // Where corpus summaries come from (the window's model); without one the
    // corpus button says it needs the window. Not owned.
    void setCorpusSource(HeadsCorpusSource* source);
    // What "Summarise a corpus file…" does once a file is chosen.
    void summariseCorpusFile(const QString& path);
    void cancelCorpus();
    // Back to the current sentence's summary.
    void showSentence();
    bool showsCorpus() const { return m_showCorpus; }
    bool corpusRunning() const;

    // The summary on screen (null when none yet) and the sentence's own.
    HeadsSummaryPtr shownSummary() const;
    HeadsSummaryPtr sentenceSummary() const { return m_sentence; }
    // "this sentence (…)" or "corpus FILE (N lines …)", as in captions.
    QString sourceDescription() const;
    QString message() const;
    void setStatistic(int kind);  // an index of headStatisticKinds()
    int statistic() const;

    QTableView* table() const { return m_table; }
    QSortFilterProxyModel* sortedModel() const { return m_sorted; }
    HeadMatrix* matrix() const { return m_matrix; }
    HeadMap* map() const { return m_map; }
    HeadsSourceBar* sourceBar() const { return m_bar; }
    HeadsSummaryJob& sentenceJob() { return m_job; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    bool stackedAt(double width) const;  // too narrow for the matrix and the map side by side
    QSize gridShape() const;             // (layers, heads)
    void requestSentenceSummary();
    bool sentenceSummaryIsCurrent(bool needMap) const;
    void setSentence(HeadsSummary summary);  // for m_result, computed here
    void display(const HeadsSummaryPtr& summary);
    void refreshSource();
    void fitTable();
    void updateCorpusButton();
    void chooseCorpusFile();
    void requestHead(int layer, int head);
    void onCorpusFinished(const HeadsSummaryPtr& summary);
    void setShowCorpus(bool on);

    HeadsSourceBar* m_bar;
    QComboBox* m_kindBox;
    QLabel* m_kindLabel;
    QSplitter* m_split;
    QWidget* m_body = nullptr;  // m_split's box
    QTableView* m_table;
    HeadsTableModel* m_model;
    QSortFilterProxyModel* m_sorted;
    HeadMatrix* m_matrix;
    HeadMap* m_map;

    HeadsSummaryJob m_job;  // this sentence's large summaries
    HeadsCorpusSource* m_corpus = nullptr;
    AnalysisResultPtr m_result;
    Selection m_selection;
    Theme m_theme;
    HeadsSummaryPtr m_sentence;       // maybe without its map yet
    AnalysisResultPtr m_sentenceFor;  // the result m_sentence summarises
    AnalysisResultPtr m_jobFor;       // the result the job is summarising
    MaskMode m_jobMask = MaskMode::Bidirectional;
    HeadsSummaryPtr m_corpusSummary;
    bool m_showCorpus = false;
    QString m_runningFile;
};

}  // namespace bertlens::ui
