// File → Open model: the BERT checkpoints already in the Hugging Face cache
// (HubCache::scan), with name, revision, weights size, layers, heads and
// hidden size, plus "Other folder…" for any folder on disk. Checkpoints
// BertLens cannot open are listed greyed out with the reason.
//
//   OpenModelDialog d(HubCache::defaultRoot());
//   if (d.exec() == QDialog::Accepted) window->openModel(d.selectedFolder());
//
// UI thread only.
#pragma once

#include <QDialog>

#include <functional>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace bertlens::ui {

class OpenModelDialog : public QDialog {
    Q_OBJECT
public:
    explicit OpenModelDialog(const QString& cacheRoot, QWidget* parent = nullptr);

    QString selectedFolder() const { return m_selected; }
    QTreeWidget* modelList() const { return m_list; }
    QPushButton* openButton() const { return m_open; }
    QPushButton* otherFolderButton() const { return m_other; }
    QPushButton* downloadButton() const { return m_download; }
    QLabel* emptyLabel() const { return m_empty; }
    // How "Other folder…" asks for a folder (a QFileDialog unless replaced, e.g. by a test).
    void setFolderChooser(std::function<QString()> chooser) { m_chooseFolder = std::move(chooser); }
    // Scans the cache again (after a download).
    void refresh();

signals:
    // The user asked for File → Download model… instead.
    void downloadRequested();

private:
    void acceptCurrent();
    void chooseOtherFolder();

    QString m_root;
    QString m_selected;
    QTreeWidget* m_list;
    QLabel* m_empty;
    QPushButton* m_open;
    QPushButton* m_other;
    QPushButton* m_download;
    std::function<QString()> m_chooseFolder;
};

}  // namespace bertlens::ui
