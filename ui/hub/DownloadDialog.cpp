#include "DownloadDialog.h"

#include "KnownCheckpoints.h"
#include "io/HubCache.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace bertlens::ui {
namespace {

QString megabytesText(qint64 bytes) {
    return QString::number(static_cast<double>(bytes) / 1e6, 'f', 1) + " MB";
}

}  // namespace

DownloadDialog::DownloadDialog(QWidget* parent) : QDialog(parent) {
    setObjectName("downloadDialog");
    setWindowTitle(tr("Download model"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("A BERT model from the Hugging Face Hub (huggingface.co), by name or any model id. It "
                                "goes into the Hugging Face cache, where other tools find it too."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_repo = new QComboBox(this);
    m_repo->setObjectName("repoId");
    m_repo->setEditable(true);
    m_repo->setInsertPolicy(QComboBox::NoInsert);
    for (const KnownCheckpoint& k : knownCheckpoints()) m_repo->addItem(k.repoId);
    m_repo->lineEdit()->setPlaceholderText(tr("ORG/NAME, e.g. google/bert_uncased_L-4_H-256_A-4"));
    layout->addWidget(m_repo);
    m_details = new QLabel(this);
    m_details->setObjectName("details");
    m_details->setWordWrap(true);
    layout->addWidget(m_details);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    layout->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setObjectName("status");
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_error = new QLabel(this);
    m_error->setObjectName("error");
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet("color: #b00020;");
    m_error->hide();
    layout->addWidget(m_error);
    layout->addStretch(1);

    auto* buttons = new QDialogButtonBox(this);
    m_download = buttons->addButton(tr("&Download"), QDialogButtonBox::AcceptRole);
    m_download->setDefault(true);
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    layout->addWidget(buttons);

    connect(m_repo, &QComboBox::currentTextChanged, this, &DownloadDialog::updateDetails);
    connect(m_download, &QPushButton::clicked, this, &DownloadDialog::startDownload);
    connect(m_cancel, &QPushButton::clicked, this, &DownloadDialog::reject);
    connect(&m_downloader, &HubDownloader::statusChanged, m_status, &QLabel::setText);
    connect(&m_downloader, &HubDownloader::progress, this, &DownloadDialog::onProgress);
    connect(&m_downloader, &HubDownloader::finished, this, &DownloadDialog::onFinished);
    connect(&m_downloader, &HubDownloader::failed, this, &DownloadDialog::onFailed);
    connect(&m_downloader, &HubDownloader::cancelled, this, &DownloadDialog::onCancelled);
    updateDetails();
    resize(560, 260);
}

void DownloadDialog::setRepoId(const QString& repoId) {
    m_repo->setCurrentText(repoId);
}

QString DownloadDialog::repoId() const {
    return m_repo->currentText().trimmed();
}

void DownloadDialog::updateDetails() {
    const QString id = repoId();
    const bool valid = HubCache::isValidRepoId(id.toStdString());
    m_download->setEnabled(valid && !m_downloader.isRunning());
    for (const KnownCheckpoint& k : knownCheckpoints()) {
        if (k.repoId == id) {
            m_details->setText(k.description + tr(" — about %1").arg(megabytesText(k.approximateBytes())));
            return;
        }
    }
    m_details->setText(valid ? tr("Any BERT model on the Hub (model_type bert with vocab.txt).")
                             : tr("Type a model id: NAME or ORG/NAME (letters, digits, - _ .)."));
}

void DownloadDialog::setRunning(bool running) {
    m_repo->setEnabled(!running);
    m_download->setEnabled(!running && HubCache::isValidRepoId(repoId().toStdString()));
    m_cancel->setText(running ? tr("Stop") : tr("Cancel"));
}

void DownloadDialog::startDownload() {
    if (m_downloader.isRunning() || !HubCache::isValidRepoId(repoId().toStdString())) return;
    m_error->hide();
    m_error->clear();
    m_progress->setValue(0);
    HubDownloadOptions options = m_options;
    options.repoId = repoId();
    m_downloader.start(options);
    setRunning(m_downloader.isRunning());
}

void DownloadDialog::onProgress(qint64 received, qint64 total) {
    if (total <= 0) return;
    m_progress->setValue(static_cast<int>(1000 * received / total));
    m_status->setText(tr("%1 of %2").arg(megabytesText(received), megabytesText(total)));
}

void DownloadDialog::onFinished(const QString& folder) {
    m_folder = folder;
    m_progress->setValue(m_progress->maximum());
    m_status->setText(tr("Downloaded to %1").arg(folder));
    setRunning(false);
    emit modelDownloaded(folder);
    accept();
}

void DownloadDialog::onFailed(const QString& message) {
    setRunning(false);
    m_error->setText(message);
    m_error->show();
    m_status->setText(tr("Press Download to try again; finished files are not fetched twice."));
}

void DownloadDialog::onCancelled() {
    setRunning(false);
    m_status->setText(tr("Stopped. The partial file is kept: Download resumes where it stopped."));
}

// Cancel stops a running download first; pressed again (or Escape when idle) it closes.
void DownloadDialog::reject() {
    if (m_downloader.isRunning()) {
        m_downloader.cancel();
        return;
    }
    QDialog::reject();
}

}  // namespace bertlens::ui
