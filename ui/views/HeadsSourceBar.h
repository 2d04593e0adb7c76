// The strip at the top of the heads view: what the summary shown is of ("this
// sentence" or "corpus FILE (N lines)"), the "Summarise a corpus file…" and
// "Back to this sentence" buttons, and while a corpus runs its progress bar,
// counts and Cancel button; under it, in red, what went wrong (a bad file).
// It only shows and forwards clicks; HeadsView decides.
//
// UI thread only.
#pragma once

#include "HeadsSummary.h"
#include "Theme.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace bertlens::ui {

class HeadsSourceBar : public QWidget {
    Q_OBJECT
public:
    explicit HeadsSourceBar(QWidget* parent = nullptr);

    void setTheme(const Theme& theme);
    void setSource(const QString& text);
    QString source() const;
    // The corpus button: usable, or greyed with why not.
    void setCorpusAvailable(bool available, const QString& whyNot = QString());
    void setShowingCorpus(bool showing);   // "Back to this sentence" shown
    void setRunning(const QString& file);  // progress and Cancel shown
    void setProgress(const CorpusProgress& progress);
    void setIdle();  // progress and Cancel hidden
    bool isRunning() const;
    void setMessage(const QString& message);  // "" hides it
    QString message() const;

    QPushButton* corpusButton() const { return m_corpus; }
    QPushButton* backButton() const { return m_back; }
    QPushButton* cancelButton() const { return m_cancel; }
    QProgressBar* progressBar() const { return m_progress; }

signals:
    void corpusClicked();
    void backClicked();
    void cancelClicked();

private:
    QLabel* m_source;
    QPushButton* m_corpus;
    QPushButton* m_back;
    QProgressBar* m_progress;
    QLabel* m_counts;
    QPushButton* m_cancel;
    QLabel* m_message;
    QString m_file;
};

}  // namespace bertlens::ui
