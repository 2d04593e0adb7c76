// File → Download model…: offers Google's BERT checkpoints and the BERT
// miniatures by name (with their shape and an estimated size), takes any
// other Hub model id, and downloads into the Hugging Face cache with
// HubDownloader: progress bar, Cancel (the partial file is kept and the next
// try resumes it), and the error shown in the dialog, which stays open for
// another try. On success it emits modelDownloaded(folder) and closes.
// UI thread only.
#pragma once

#include "net/HubDownloader.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace bertlens::ui {

class DownloadDialog : public QDialog {
    Q_OBJECT
public:
    explicit DownloadDialog(QWidget* parent = nullptr);

    // Cache folder, endpoint, timeout (the repo id comes from the dialog). Tests point it at a local server.
    void setOptions(const HubDownloadOptions& options) { m_options = options; }
    void setRepoId(const QString& repoId);
    QString downloadedFolder() const { return m_folder; }

    QComboBox* repoBox() const { return m_repo; }
    QPushButton* downloadButton() const { return m_download; }
    QPushButton* cancelButton() const { return m_cancel; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* statusLabel() const { return m_status; }
    QLabel* errorLabel() const { return m_error; }
    QLabel* detailsLabel() const { return m_details; }
    HubDownloader& downloader() { return m_downloader; }

signals:
    void modelDownloaded(const QString& folder);

protected:
    void reject() override;

private:
    QString repoId() const;
    void updateDetails();
    void setRunning(bool running);
    void startDownload();
    void onProgress(qint64 received, qint64 total);
    void onFinished(const QString& folder);
    void onFailed(const QString& message);
    void onCancelled();

    HubDownloader m_downloader;
    HubDownloadOptions m_options;
    QString m_folder;
    QComboBox* m_repo;
    QLabel* m_details;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_error;
    QPushButton* m_download;
    QPushButton* m_cancel;
};

}  // namespace bertlens::ui
