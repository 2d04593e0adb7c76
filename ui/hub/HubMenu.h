// The File-menu entries for the Hugging Face cache and Hub, for the main
// window to add with one call:
//
//   addHubMenuActions(fileMenu, openAction, this, [this](const QString& f) { openModel(f); });
//
// inserts, after openAction, "Open from the Hugging Face cache…" (Ctrl+Shift+O,
// the OpenModelDialog) and "Download model…" (a non-modal DownloadDialog,
// one at a time, that opens the model when it arrives). UI thread only.
#pragma once

#include <QString>

#include <functional>

class QAction;
class QMenu;
class QWidget;

namespace bertlens::ui {

void addHubMenuActions(QMenu* file, QAction* after, QWidget* window, std::function<void(const QString&)> openModel);

}  // namespace bertlens::ui
