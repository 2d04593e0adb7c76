#include "HubMenu.h"

#include "DownloadDialog.h"
#include "OpenModelDialog.h"
#include "io/HubCache.h"

#include <QMenu>
#include <QPointer>

#include <memory>

namespace bertlens::ui {

void addHubMenuActions(QMenu* file, QAction* after, QWidget* window, std::function<void(const QString&)> openModel) {
    const QList<QAction*> actions = file->actions();
    const int at = static_cast<int>(actions.indexOf(after));
    QAction* before = at >= 0 && at + 1 < actions.size() ? actions[at + 1] : nullptr;

    auto download = std::make_shared<QPointer<DownloadDialog>>();
    auto showDownload = [window, openModel, download] {
        if (!*download) {
            auto* dialog = new DownloadDialog(window);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            QObject::connect(dialog, &DownloadDialog::modelDownloaded, window, openModel);
            *download = dialog;
        }
        (*download)->show();
        (*download)->raise();
        (*download)->activateWindow();
    };
    auto* openCached = new QAction(QObject::tr("Open from the &Hugging Face cache…"), window);
    openCached->setObjectName("openFromHubCache");
    openCached->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QObject::connect(openCached, &QAction::triggered, window, [window, openModel, showDownload] {
        OpenModelDialog dialog(QString::fromStdString(HubCache::defaultRoot()), window);
        bool wantsDownload = false;
        QObject::connect(&dialog, &OpenModelDialog::downloadRequested, &dialog, [&] {
            wantsDownload = true;
            dialog.reject();
        });
        if (dialog.exec() == QDialog::Accepted) openModel(dialog.selectedFolder());
        if (wantsDownload) showDownload();
    });
    auto* downloadAction = new QAction(QObject::tr("&Download model…"), window);
    downloadAction->setObjectName("downloadModel");
    QObject::connect(downloadAction, &QAction::triggered, window, showDownload);
    file->insertAction(before, openCached);
    file->insertAction(before, downloadAction);
}

}  // namespace bertlens::ui
