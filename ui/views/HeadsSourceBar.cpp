#include "HeadsSourceBar.h"

#include "SafeDisplay.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace bertlens::ui {

HeadsSourceBar::HeadsSourceBar(QWidget* parent)
    : QWidget(parent),
      m_source(new QLabel(this)),
      m_corpus(new QPushButton(tr("Summarise a corpus file\u2026"), this)),
      m_back(new QPushButton(tr("Back to this sentence"), this)),
      m_progress(new QProgressBar(this)),
      m_counts(new QLabel(this)),
      m_cancel(new QPushButton(tr("Cancel"), this)),
      m_message(new QLabel(this)) {
    m_source->setObjectName(QStringLiteral("headsSource"));
    m_source->setTextFormat(Qt::PlainText);
    m_corpus->setObjectName(QStringLiteral("headsCorpus"));
    m_corpus->setToolTip(
        tr("Summarise every line of a text file (one sentence, or a tab-separated pair, a line) "
           "with the model in use"));
    m_back->setObjectName(QStringLiteral("headsBack"));
    m_cancel->setObjectName(QStringLiteral("headsCancel"));
    m_cancel->setToolTip(tr("Stop the corpus summary; the summary shown stays"));
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(260);
    m_counts->setTextFormat(Qt::PlainText);
    m_message->setObjectName(QStringLiteral("headsMessage"));
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_source, 1);
    row->addWidget(m_progress);
    row->addWidget(m_counts);
    row->addWidget(m_cancel);
    row->addWidget(m_back);
    row->addWidget(m_corpus);
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    column->addLayout(row);
    column->addWidget(m_message);
    connect(m_corpus, &QPushButton::clicked, this, &HeadsSourceBar::corpusClicked);
    connect(m_back, &QPushButton::clicked, this, &HeadsSourceBar::backClicked);
    connect(m_cancel, &QPushButton::clicked, this, &HeadsSourceBar::cancelClicked);
    setShowingCorpus(false);
    setIdle();
    setMessage(QString());
}

void HeadsSourceBar::setTheme(const Theme& theme) {
    for (QWidget* w : std::initializer_list<QWidget*>{m_corpus, m_back, m_progress, m_counts, m_cancel})
        w->setFont(theme.font(10));
    m_source->setFont(theme.font(11, true));
    m_message->setFont(theme.font(10, true));
}

void HeadsSourceBar::setSource(const QString& text) {
    m_source->setText(text);
}

QString HeadsSourceBar::source() const {
    return m_source->text();
}

void HeadsSourceBar::setCorpusAvailable(bool available, const QString& whyNot) {
    m_corpus->setEnabled(available && !isRunning());
    m_corpus->setToolTip(available ? tr("Summarise every line of a text file (one sentence, or a tab-separated pair, "
                                        "a line) with the model in use")
                                   : whyNot);
}

void HeadsSourceBar::setShowingCorpus(bool showing) {
    m_back->setVisible(showing);
}

void HeadsSourceBar::setRunning(const QString& file) {
    m_file = QFileInfo(file).fileName();
    m_progress->setValue(0);
    m_progress->setFormat(tr("%1: %p %").arg(safeDisplayQuote(m_file, 40)));
    m_progress->setVisible(true);
    m_counts->setText(tr("starting\u2026"));
    m_counts->setVisible(true);
    m_cancel->setVisible(true);
    m_corpus->setEnabled(false);
}

void HeadsSourceBar::setProgress(const CorpusProgress& p) {
    const double fraction = p.totalBytes > 0 ? static_cast<double>(p.bytesRead) / p.totalBytes : 0.0;
    m_progress->setValue(static_cast<int>(1000 * std::min(1.0, fraction)));
    const QLocale locale;
    m_counts->setText(
        tr("%1 lines used, %2 skipped").arg(locale.toString(p.linesUsed), locale.toString(p.linesSkipped)));
}

void HeadsSourceBar::setIdle() {
    m_progress->setVisible(false);
    m_counts->setVisible(false);
    m_cancel->setVisible(false);
    m_corpus->setEnabled(true);
}

bool HeadsSourceBar::isRunning() const {
    return m_cancel->isVisibleTo(this);
}

void HeadsSourceBar::setMessage(const QString& message) {
    m_message->setText(safeDisplay(message));
    m_message->setVisible(!message.isEmpty());
}

QString HeadsSourceBar::message() const {
    return m_message->text();
}

}  // namespace bertlens::ui
